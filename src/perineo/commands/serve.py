"""``perineo serve [train|assess …]``: the same app in a web browser, on this machine only.

The app (``perineo train`` unless told otherwise, with its own options after it) runs once
per browser connection, through textual-serve. The server listens on 127.0.0.1 unless
``--host`` names another address, which needs ``--expose`` and says what that exposes.
``--lang nn`` says what it prints (and its refusals) in Nynorsk, and is passed on to the app
it serves unless the app's own options name a language.
"""

from __future__ import annotations

import argparse
import importlib.util
import shlex
import sys

from perineo.commands.checks import LANGS
from perineo.errors import InputError, PerineoError
from perineo.loopback import is_loopback

APPS = ("train", "assess")  # the commands that are a terminal app
SERVE_MISSING = "perineo serve needs: pip install 'perineo[serve]'"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only)",
    )
    p.add_argument(
        "--expose",
        action="store_true",
        help="allow --host to be an address other machines reach (health data on the network)",
    )
    p.add_argument(
        "--public-url",
        metavar="URL",
        help="the address the browser uses, when it is not http://HOST:PORT",
    )
    p.add_argument(
        "--lang",
        choices=LANGS,
        default=None,
        help="language of what it says and of the app it serves (default from $LANG, as train)",
    )
    p.add_argument(
        "app",
        nargs=argparse.REMAINDER,
        metavar="APP …",
        help="the app and its options (default: train); e.g. train --sim, "
        "assess --patient P1 --sim",
    )


def app_command(app: list[str], lang: str | None = None) -> str:
    """The shell command textual-serve runs for each browser (this Python, this perineo),
    in ``lang`` unless the app's own options name a language."""
    argv = list(app) or ["train"]
    if argv[0] == "--":
        argv = argv[1:] or ["train"]
    if argv[0].startswith("-"):
        argv = ["train", *argv]
    if argv[0] not in APPS:
        raise InputError(f"serve runs {' or '.join(APPS)}, not {argv[0]!r}").keyed(
            "refusal.serve_app", name=argv[0]
        )
    if lang is not None and not any(a == "--lang" or a.startswith("--lang=") for a in argv):
        argv = [argv[0], "--lang", lang, *argv[1:]]
    # the app's options are checked now, not in the browser
    from perineo.commands import build_parser
    from perineo.commands.usage import lang_in

    build_parser(lang_in(argv)).parse_args(argv)
    return shlex.join([sys.executable, "-m", "perineo", *argv])


def public_url(host: str, port: int, given: str | None) -> str:
    if given:
        return given.rstrip("/")
    if host in ("0.0.0.0", "::", ""):
        raise InputError(
            "with --host " + repr(host) + ", give --public-url http://ADDRESS:PORT"
        ).keyed("refusal.public_url", host=host)
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def run(args: argparse.Namespace) -> int:
    from perineo.commands import lang_of
    from perineo.locale import say

    if not 0 < args.port < 65536:
        raise InputError(f"--port must be 1..65535, got {args.port}").keyed(
            "refusal.port", port=args.port
        )
    if not is_loopback(args.host) and not args.expose:
        raise InputError(
            f"--host {args.host} lets other machines reach this person's health data; "
            "add --expose to mean it"
        ).keyed("refusal.expose", host=args.host)
    command = app_command(args.app, args.lang)
    url = public_url(args.host, args.port, args.public_url)
    if importlib.util.find_spec("textual_serve") is None:
        raise PerineoError(SERVE_MISSING).keyed("refusal.serve_missing")
    from perineo.webserve import serve

    lang = lang_of(args)
    if not is_loopback(args.host):
        print(f"perineo: {say(lang, 'serve.exposed', url=url)}", file=sys.stderr, flush=True)
    try:
        serve(command, args.host, args.port, url, lang=lang)
    except OSError as exc:
        raise PerineoError(f"cannot listen on {args.host}:{args.port}: {exc.strerror}").keyed(
            "refusal.listen", host=args.host, port=args.port, why=exc.strerror
        ) from None
    return 0
