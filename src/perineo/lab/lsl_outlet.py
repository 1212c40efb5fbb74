"""``--lsl``: publish a live session as two LSL streams, its samples and its events.

:class:`LslOutlet` is a listener of the live data path. It is told every sample block as
the source delivers it (:meth:`LslOutlet.samples`), the detector's events
(:meth:`LslOutlet.events`), the coach's cues, the assessment's prompts and the scores.
The samples go out on the data stream; the rest goes out on the marker stream, one JSON
object a marker.

Both streams share one clock: a sample at stream time ``t`` is stamped ``offset + t`` on
the LSL clock, ``offset`` fixed when the first block arrives (its last sample is "now").
A marker is stamped with the stream time of the sample it belongs to (an onset at the foot
of its rise, a score at the sample that made it final), so LabRecorder's file lines up
events with samples to the sample, whatever the network's delay.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from perineo.lab.lsl_support import (
    CHANNEL_META,
    DATA_TYPE,
    DEFAULT_NAME,
    MARKER_TYPE,
    acquisition,
    load_pylsl,
)
from perineo.locale import Lang, say
from perineo.samples import Channel, SampleBlock
from perineo.signal.events import Event, EventKind

if TYPE_CHECKING:
    from perineo.assess.guide import Prompt
    from perineo.program.coach import Cue
    from perineo.program.scoring import RepScore

# marker names that differ from the detector's event kinds (docs/lab.md)
MARKER_NAMES: dict[EventKind, str] = {EventKind.REST: "end"}
EXPOSURE = (
    "perineo: --lsl publishes this session's pressures and events to every machine on the "
    "local network (Lab Streaming Layer: unencrypted, no authentication)"
)


def _r(x: float | None, nd: int = 4) -> float | None:
    return None if x is None else round(float(x), nd)


def event_marker(ev: Event) -> tuple[float, dict[str, Any]]:
    """The marker for a detector event: the stream time it is stamped at, and its fields."""
    name = MARKER_NAMES.get(ev.kind, ev.kind.value)
    doc: dict[str, Any] = {"event": name, "t": _r(ev.t)}
    if ev.rep >= 0:
        doc["index"] = ev.rep
    doc["detected_s"] = _r(ev.detected_s)
    if ev.error is not None:
        doc["error"] = ev.error.value
    if ev.kind is EventKind.GAP and ev.value is not None:
        doc["end_s"] = _r(ev.value)
    elif ev.kind is EventKind.LEVEL and ev.value is not None:
        doc["step_cmH2O"] = _r(ev.value, 2)
    at = ev.t
    if ev.kind is EventKind.REPETITION and ev.repetition is not None:
        doc.update(ev.repetition.to_json())
        doc["event"] = name  # (to_json has no "event", but keep the name first and sure)
        at = ev.detected_s  # a repetition is a fact from the sample that made it final
    return at, doc


@dataclass
class LslOutlet:
    """Two LSL outlets for one session: ``<name>`` (samples) and ``<name>-markers``.

    The data stream is opened by the first block (its channels and rate come from it) or
    earlier by :meth:`open`; the marker stream at once, so a recorder can see it waiting.
    """

    source_name: str
    name: str = DEFAULT_NAME
    rate_hz: float | None = None  # nominal rate; None: from the first block's spacing
    announce: bool = True  # print once, on stderr, what --lsl exposes
    channels: tuple[Channel, ...] = ()
    offset: float | None = None  # LSL clock − stream time
    pushed: int = 0  # samples published
    markers: int = 0  # markers published
    _pylsl: Any = field(default=None, repr=False)
    _data: Any = field(default=None, repr=False)
    _marks: Any = field(default=None, repr=False)
    _last_cue: tuple[object, ...] | None = field(default=None, repr=False)
    _waiting: list[tuple[float, str]] = field(default_factory=list, repr=False)
    _last_t: float = field(default=float("inf"), repr=False)  # the last sample's stream time

    def __post_init__(self) -> None:
        self._pylsl = load_pylsl()
        lsl = self._pylsl
        info = lsl.StreamInfo(
            f"{self.name}-markers",
            MARKER_TYPE,
            1,
            lsl.IRREGULAR_RATE,
            "string",
            f"perineo:{self.source_name}:markers",
        )
        desc = info.desc()
        desc.append_child("channels").append_child("channel").append_child_value(
            "label", "event"
        ).append_child_value("type", "Marker")
        acquisition(desc, self.source_name)
        self._marks = lsl.StreamOutlet(info)
        if self.announce:
            print(EXPOSURE, file=sys.stderr)

    # -- the data stream --------------------------------------------------------------------

    def open(self, channels: Iterable[Channel], rate_hz: float) -> None:
        """Open the data stream now (channels in canonical order, nominal rate in Hz)."""
        if self._data is not None:
            return
        lsl = self._pylsl
        self.channels = tuple(Channel(c) for c in channels)
        self.rate_hz = float(rate_hz)
        info = lsl.StreamInfo(
            self.name,
            DATA_TYPE,
            len(self.channels),
            self.rate_hz,
            "float32",
            f"perineo:{self.source_name}",
        )
        desc = info.desc()
        chans = desc.append_child("channels")
        for c in self.channels:
            meta = CHANNEL_META[c]
            chans.append_child("channel").append_child_value("label", c.value).append_child_value(
                "unit", meta.unit
            ).append_child_value("type", meta.kind)
        acquisition(desc, self.source_name)
        # chunks of about 50 ms reach an inlet as they are pushed (pushthrough)
        self._data = lsl.StreamOutlet(info, chunk_size=0, max_buffered=360)

    def wait_for_consumers(self, timeout_s: float, markers: bool = False) -> bool:
        """Wait until an inlet reads the data stream (and, with ``markers``, one reads the
        marker stream); False on timeout. What is pushed before an inlet has opened a
        stream never reaches it."""
        if self._data is None or self._marks is None:
            return False
        if not self._data.wait_for_consumers(timeout_s):
            return False
        return not markers or bool(self._marks.wait_for_consumers(timeout_s))

    def samples(self, block: SampleBlock) -> None:
        """Publish ``block``, each sample stamped ``offset + t``.

        A block whose time goes back (the app's next session, on a new source) sets the
        clock anew; one with other channels opens the data stream anew.
        """
        n = len(block)
        if n == 0 or self._marks is None:  # (nothing after close)
            return
        if self.offset is None or float(block.t[0]) <= self._last_t:
            self.offset = float(self._pylsl.local_clock()) - float(block.t[-1])
            self._last_cue = None
        self._last_t = float(block.t[-1])
        if self._data is not None and block.channels != self.channels:
            self._data = None
        if self._data is None:
            self.open(block.channels, self.rate_hz or _rate_of(block))
        x = np.column_stack([block.data[c] for c in self.channels]).astype(np.float32)
        stamps = (np.asarray(block.t, dtype=np.float64) + self.offset).tolist()
        self._data.push_chunk(x, timestamp=stamps, pushthrough=True)
        self.pushed += n
        waiting, self._waiting = self._waiting, []
        for at_s, text in waiting:
            self._push_marker(at_s, text)

    def lsl_time(self, t: float) -> float:
        """The LSL clock reading for stream time ``t`` (once the first block has come)."""
        if self.offset is None:
            raise RuntimeError("no samples yet: the stream's clock is not known")
        return self.offset + t

    # -- markers ----------------------------------------------------------------------------

    def marker(self, at_s: float, doc: dict[str, Any]) -> None:
        """Publish one marker stamped at stream time ``at_s``."""
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
        if self.offset is None:  # (a prompt before the first sample) waits for the clock
            self._waiting.append((at_s, text))
        else:
            self._push_marker(at_s, text)

    def _push_marker(self, at_s: float, text: str) -> None:
        if self._marks is None:
            return
        self._marks.push_sample([text], self.lsl_time(at_s), True)
        self.markers += 1

    def events(self, events: Iterable[Event]) -> None:
        """The detector's events: onset, hold, quick lifts, release, end, errors, artifacts,
        gaps, repetitions (final, with their measures)."""
        for ev in events:
            at, doc = event_marker(ev)
            self.marker(at, doc)

    def cue(self, cue: Cue, now_s: float) -> None:
        """The coach's cue, when it changes phase, repetition or set (not every second)."""
        key = (cue.phase, cue.set_no, cue.rep, cue.warning)
        if key == self._last_cue:
            return
        self._last_cue = key
        doc: dict[str, Any] = {
            "event": "cue",
            "t": _r(now_s),
            "phase": cue.phase.value,
            "set": cue.set_no,
            "rep": cue.rep,
            "key": cue.prompt.key.value,
            "text": say(Lang.EN, cue.prompt),
        }
        if cue.warning is not None:
            doc["warning"] = say(Lang.EN, cue.warning)
        self.marker(now_s, doc)

    def prompt(self, prompt: Prompt) -> None:
        """An assessment prompt (step, squeeze, let go, done), at the time it fell due."""
        doc: dict[str, Any] = {
            "event": "cue",
            "t": _r(prompt.at_s),
            "phase": prompt.kind.value,
            "step": None if prompt.step is None else prompt.step.value,
            "number": prompt.number,
            "text": "" if prompt.message is None else say(Lang.EN, prompt.message),
        }
        self.marker(prompt.at_s, doc)

    def score(self, score: RepScore, now_s: float) -> None:
        """A repetition's score, stamped at the sample that made it known."""
        doc: dict[str, Any] = {
            "event": "score",
            "t": _r(now_s),
            "index": score.index,
            "score": score.score,
        }
        doc.update(score.to_json())
        self.marker(now_s, doc)

    def close(self) -> None:
        """Stop publishing (an inlet sees the streams end)."""
        self._data = None
        self._marks = None


def _rate_of(block: SampleBlock) -> float:
    """The nominal rate from a block's sample spacing (0 = irregular for a lone sample)."""
    if len(block) < 2:
        return 0.0
    dt = float(np.median(np.diff(block.t)))
    return round(1.0 / dt, 1) if dt > 0 else 0.0


def open_outlet(source_name: str, **options: Any) -> LslOutlet:
    """The ``--lsl`` outlet for a session on ``source_name`` (options as :class:`LslOutlet`)."""
    return LslOutlet(source_name, **options)
