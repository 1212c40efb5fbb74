"""The browser tests read the app's screen from its terminal stream as it comes
(tests/lab/serving.py): the text must be the same however the stream is cut into frames."""

from __future__ import annotations

import random

from tests.lab.serving import TerminalText, visible_text

STREAM = (
    "\x1b[?1049h\x1b[2J\x1b[1;1H\x1b[38;2;200;200;200mSet 1/1  Rep 2/2\x1b[0m"
    "\x1b]8;;https://example.invalid\x1b\\link\x1b]8;;\x1b\\ · ≥ 15 ⣿⡇"
    "\x1b]0;perineo\x07\x1b(B\x1b=\x1b[3;4H 87/100 \x1b[K"
).encode()


def _fed(cuts: list[int]) -> TerminalText:
    text = TerminalText()
    for a, b in zip([0, *cuts], [*cuts, len(STREAM)], strict=True):
        text.feed(STREAM[a:b])
        _ = text.text  # looked at between frames, as the tests poll
    return text


def test_the_text_is_the_same_however_the_frames_are_cut() -> None:
    want = visible_text(STREAM)
    assert "Set 1/1  Rep 2/2" in want and "87/100" in want and "\x1b" not in want
    for cut in range(1, len(STREAM)):  # every split in two, inside escapes and characters
        assert _fed([cut]).text == want, cut
    rng = random.Random(1)
    for _ in range(200):
        cuts = sorted(rng.sample(range(1, len(STREAM)), 8))
        assert _fed(cuts).text == want, cuts


def test_a_mark_is_where_later_text_begins() -> None:
    text = TerminalText()
    text.feed(b"\x1b[1;1HCalibration\x1b[2;1H")
    mark = text.mark()
    assert text.search("Calibration", mark) is None
    text.feed(b"Calibration done\x1b[K")
    found = text.search("Calibration done", mark)
    assert found is not None and found.start() >= mark
