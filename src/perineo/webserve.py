"""``perineo serve``: the terminal app in a web browser (textual-serve), kept private.

textual-serve runs one app process per browser connection and streams its screen over a
WebSocket. Around it, perineo adds what health data needs:

* a secret link: the server makes a random token at start and prints the address with it;
  opening that link sets an HttpOnly, SameSite=Strict cookie, and every page, WebSocket and
  download asks for it (another user of the same machine, or of the network, does not have
  it);
* a Host check (no DNS rebinding: a web page elsewhere cannot reach the server by a name of
  its own) and an Origin check on the WebSocket (no other site's page can drive the app);
* one browser at a time (a probe has one connection);
* headers: nothing is loaded from elsewhere (Content-Security-Policy; textual-serve's page
  asks a font service for its font, which is removed), no framing, no referrer, no caching.

Binding to anything but loopback is the caller's explicit choice (see commands/serve.py).
"""

from __future__ import annotations

import re
import secrets
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from textual_serve.server import Server

from perineo.locale import say
from perineo.loopback import is_loopback

COOKIE = "perineo_session"
_EXTERNAL_FONT = re.compile(r"<link[^>]*fonts\.googleapis\.com[^>]*>\s*", re.S)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Guard:
    """The checks every request passes (see the module's docstring)."""

    origin: str  # scheme://host:port, as the browser sees the server
    hosts: frozenset[str]  # acceptable Host headers
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    busy: bool = False  # a browser is connected

    def authorised(self, request: web.Request) -> bool:
        got = request.cookies.get(COOKIE, "")
        return bool(got) and secrets.compare_digest(got, self.token)

    def headers(self, response: web.StreamResponse) -> None:
        ws = "wss" if self.origin.startswith("https") else "ws"
        host = urlsplit(self.origin).netloc
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self' 'unsafe-inline'; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
            f"connect-src 'self' {ws}://{host}; frame-ancestors 'none'; base-uri 'none'; "
            "form-action 'none'"
        )
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "no-store"

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.host not in self.hosts:
            return web.Response(status=421, text="perineo: unknown host name\n")
        path = request.path
        if path.startswith("/static/"):
            response = await handler(request)  # the page's script, style and font: no data
            self.headers(response)
            return response
        if path == "/" and "token" in request.query:
            given = request.query.get("token", "")
            if not secrets.compare_digest(given, self.token):
                return self._refuse()
            # the token leaves the address bar (and the history) for a cookie
            response = web.Response(status=303, headers={"Location": "/"})
            response.set_cookie(COOKIE, self.token, httponly=True, samesite="Strict", path="/")
            self.headers(response)
            return response
        if not self.authorised(request):
            return self._refuse()
        if path == "/ws":
            if request.headers.get("Origin") != self.origin:
                return web.Response(status=403, text="perineo: wrong origin\n")
            if self.busy:
                return web.Response(status=409, text="perineo is open in another browser tab\n")
            self.busy = True
            try:
                return await handler(request)
            finally:
                self.busy = False
        response = await handler(request)
        if path == "/" and isinstance(response, web.Response) and response.text:
            response.text = _EXTERNAL_FONT.sub("", response.text)
        self.headers(response)
        return response

    def _refuse(self) -> web.Response:
        response = web.Response(
            status=401,
            text="perineo: open the link that `perineo serve` printed (it has the key)\n",
        )
        self.headers(response)
        return response


class PerineoServer(Server):
    """textual-serve's server with perineo's :class:`Guard` in front of every route."""

    def __init__(
        self, command: str, host: str, port: int, public_url: str, title: str, lang: str = "en"
    ) -> None:
        super().__init__(command, host=host, port=port, title=title, public_url=public_url)
        self.lang = lang  # what it prints (the app it serves has its own --lang)
        parts = urlsplit(public_url)
        origin = f"{parts.scheme}://{parts.netloc}"
        names = {parts.netloc}
        if is_loopback(host):
            names |= {f"127.0.0.1:{port}", f"localhost:{port}"}
        self.guard = Guard(origin, frozenset(names))

    @property
    def link(self) -> str:
        return f"{self.public_url}/?token={self.guard.token}"

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self.guard.middleware)
        return app

    async def on_startup(self, app: web.Application) -> None:
        """(textual-serve prints its banner here, before the port is bound: nothing.)"""

    def _announce(self, _message: str) -> None:
        """Called once the port is bound: the link, on stdout, and how to stop."""
        print(f"perineo: {say(self.lang, 'serve.open', link=self.link)}", flush=True)
        print(f"perineo: {say(self.lang, 'serve.stop')}", file=sys.stderr, flush=True)

    def serve(self, debug: bool = False) -> None:
        """Listen until Ctrl+C or SIGTERM; an address in use raises OSError."""
        web.run_app(
            self._make_app(),
            host=self.host,
            port=self.port,
            print=self._announce,
            handle_signals=True,
            access_log=None,  # no request log (addresses, and the key in the first one)
        )


def serve(
    command: str, host: str, port: int, public_url: str, title: str = "perineo", lang: str = "en"
) -> Any:
    PerineoServer(command, host, port, public_url, title, lang).serve()
