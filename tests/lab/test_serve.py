"""``perineo serve``: loopback only by default, a secret link, and the whole app in a real
headless Chromium (Debian's, driven by Playwright).

One ``perineo serve train`` process serves the whole module (the checks of its socket and
link, and the training in the browser: each browser connection gets an app of its own),
and one Chromium runs both browser tests, each in a fresh context (no cookie shared)."""

from __future__ import annotations

import re
import shutil
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.lab.serving import Served, TerminalText, artifacts, free_port, start

pytest.importorskip("textual_serve")

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


TRAIN = ("train", "--speed", "8", "--seed", "5", "--sets", "1", "--reps", "2")
# The tests using the served app or the browser below are in one xdist_group ("serve"): a
# parallel run starts each once, and never runs this module's two browser sessions at once.


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    s = start(tmp_path_factory.mktemp("serve") / "home", *TRAIN)
    yield s
    s.stop()


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """Debian's Chromium, headless, launched once for the module's browser tests."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    playwright = sync_api.sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()


def _listening(port: int) -> list[str]:
    """Local addresses of the sockets listening on ``port`` (from /proc/net/tcp, tcp6)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            addr, hexport = local.rsplit(":", 1)
            if state == "0A" and int(hexport, 16) == port:  # 0A = LISTEN
                found.append(addr)
    return found


def _outward_address() -> str | None:
    """This machine's address on a non-loopback interface (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            addr = str(s.getsockname()[0])
        except OSError:
            return None
    return None if addr.startswith("127.") else addr


@pytest.mark.xdist_group("serve")
def test_nothing_listens_beyond_loopback(served: Served) -> None:
    addrs = _listening(served.port)
    assert addrs, "the server is not listening"
    assert all(a == "0100007F" for a in addrs), addrs  # 127.0.0.1, and nothing else
    outward = _outward_address()
    if outward is not None:
        with socket.socket() as s:
            s.settimeout(2)
            assert s.connect_ex((outward, served.port)) != 0


def test_another_address_needs_expose(capfd: pytest.CaptureFixture[str]) -> None:
    from perineo.cli import main

    assert main(["serve", "--host", "0.0.0.0", "--port", str(free_port())]) == 2
    out = capfd.readouterr()
    assert "add --expose" in out.err and "health data" in out.err
    assert out.err.count("\n") == 1 and out.out == ""


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], str]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a: object, **k: object) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    req = urllib.request.Request(url, headers=headers)
    try:
        with opener.open(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


@pytest.mark.xdist_group("serve")
def test_the_link_is_the_key(served: Served) -> None:
    status, _, _ = _get(served.base + "/")
    assert status == 401
    status, _, _ = _get(served.base + "/?token=wrong")
    assert status == 401
    status, headers, _ = _get(served.link)
    assert status == 303 and headers["Location"] == "/"
    cookie = headers["Set-Cookie"].split(";")[0]
    assert "HttpOnly" in headers["Set-Cookie"] and "SameSite=Strict" in headers["Set-Cookie"]
    status, headers, page = _get(served.base + "/", Cookie=cookie)
    assert status == 200 and "textual-terminal" in page
    assert "googleapis" not in page  # nothing is fetched from elsewhere
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    # another host name (DNS rebinding) is refused, even with the key
    status, _, _ = _get(served.base + "/", Cookie=cookie, Host="attacker.example:80")
    assert status == 421
    # a WebSocket from another site's page is refused
    status, _, _ = _get(
        served.base + "/ws",
        Cookie=cookie,
        Origin="http://attacker.example",
        Connection="Upgrade",
        Upgrade="websocket",
        **{"Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="},
    )
    assert status == 403


class Screen:
    """What the browser received from the app, as text."""

    OVERLAP = 4096  # characters searched again at the next poll (a match may span polls)

    def __init__(self, page: object) -> None:
        self.terminal = TerminalText()
        self.page = page  # waits go through Playwright, which delivers the frames meanwhile

    def frame(self, payload: bytes | str) -> None:
        self.terminal.feed(payload)

    @property
    def text(self) -> str:
        return self.terminal.text

    def mark(self) -> int:
        return self.terminal.mark()

    def wait_for(self, pattern: str, timeout_s: float, since: int = 0) -> re.Match[str]:
        end = time.monotonic() + timeout_s
        start = since
        while True:
            found = self.terminal.search(pattern, start)
            if found:
                return found
            if time.monotonic() >= end:
                break
            start = max(since, self.terminal.mark() - self.OVERLAP)  # the rest was searched
            self.page.wait_for_timeout(100)  # type: ignore[attr-defined]
        raise AssertionError(f"{pattern!r} not on screen in {timeout_s} s:\n{self.text[-3000:]}")


def _browser(browser: object, served: Served, run: Callable[[object, Screen], None]) -> None:
    context = browser.new_context(viewport={"width": 1100, "height": 760})  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        screen = Screen(page)
        page.on("websocket", lambda ws: ws.on("framereceived", screen.frame))
        blocked: list[str] = []
        page.on(
            "request",
            lambda r: None if r.url.startswith(served.base) else blocked.append(r.url),
        )
        page.goto(served.link)
        page.wait_for_selector(".xterm-screen", timeout=30_000)
        run(page, screen)
        assert blocked == [], blocked  # the page asked nothing of any other server
    finally:
        context.close()


@pytest.mark.xdist_group("serve")
@pytest.mark.slow
def test_training_in_a_real_browser(chromium: object, served: Served) -> None:
    """Home → simulator → calibration → training (set/rep counters, a scored repetition)
    → summary → history, all in headless Chromium; screenshots kept in out/."""

    def session(page: object, screen: Screen) -> None:
        screen.wait_for(r"Choose your probe", 30)
        page.click(".xterm-screen")  # type: ignore[attr-defined]
        page.keyboard.press("s")  # type: ignore[attr-defined]
        screen.wait_for(r"Calibration", 30)
        mark = screen.mark()
        screen.wait_for(r"Set 1/1\s+Rep \d/2", 90, since=mark)
        screen.wait_for(r"\b\d{1,3}/100\b", 90, since=mark)  # a scored repetition
        page.screenshot(path=str(artifacts() / "serve-training.png"))  # type: ignore[attr-defined]
        screen.wait_for(r"Session summary", 90, since=mark)
        screen.wait_for(r"Saved to your training record", 20, since=mark)
        page.screenshot(path=str(artifacts() / "serve-summary.png"))  # type: ignore[attr-defined]
        page.keyboard.press("h")  # type: ignore[attr-defined]
        screen.wait_for(r"History and plan", 30, since=mark)

    _browser(chromium, served, session)
    assert (artifacts() / "serve-training.png").stat().st_size > 10_000
    recordings = list((served.home / "recordings").glob("session-*.csv"))
    assert len(recordings) == 1  # the served app kept its session like the terminal's


@pytest.mark.xdist_group("serve")
@pytest.mark.slow
def test_assessment_in_a_real_browser(chromium: object, tmp_path: Path) -> None:
    """The guided PERFECT assessment of a simulated patient, to its result, in Chromium."""
    served = start(tmp_path / "home", "assess", "--patient", "P1", "--sim", "--speed", "10")

    def assessment(page: object, screen: Screen) -> None:
        screen.wait_for(r"PERFECT assessment · patient P1", 30)
        screen.wait_for(r"let go", 60)
        screen.wait_for(r"P \d+ cmH2O · E \d+ s · R \d+ · F \d+", 120)
        page.screenshot(path=str(artifacts() / "serve-assessment.png"))  # type: ignore[attr-defined]

    try:
        _browser(chromium, served, assessment)
    finally:
        served.stop()
