"""perineo on the Lab Streaming Layer, with the real liblsl (pylsl ships it), on loopback.

An outlet publishes a simulated session as LabRecorder would find it; an inlet (the ``lsl``
source, or a plain pylsl inlet standing in for LabRecorder) reads it back.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from perineo.samples import Channel, SampleBlock, SourceStatus, StatusKind
from perineo.signal.detect import Detector
from perineo.sources.base import SampleSource
from perineo_sim import load_scenario, simulate

pylsl = pytest.importorskip("pylsl")

from perineo.lab.lsl_outlet import LslOutlet  # noqa: E402
from perineo.sources.registry import open_source  # noqa: E402

RATE = 100.0


def _name() -> str:
    return f"perineo-test-{uuid.uuid4().hex[:10]}"


def _sim(scenario: str = "mixed", seconds: float | None = None) -> SampleBlock:
    block = simulate(load_scenario(scenario), seed=3).block
    if seconds is not None:
        block = block.slice(0, int(seconds * RATE))
    return block


def _chunks(block: SampleBlock, n: int = 10) -> list[SampleBlock]:
    return [block.slice(i, i + n) for i in range(0, len(block), n)]


def _inlet(prop: str, value: str) -> Any:
    found = pylsl.resolve_byprop(prop, value, 1, 5.0)
    assert found, f"no stream with {prop} {value}"
    inlet = pylsl.StreamInlet(found[0], max_buflen=600)
    inlet.open_stream(5.0)
    return inlet


def _wait_consumers(outlet: LslOutlet, markers: bool = True) -> None:
    assert outlet.wait_for_consumers(5.0, markers=markers)


def _drain(inlet: Any, want: int | None = None, quiet_s: float = 0.5) -> tuple[list, list]:
    """Pull until ``want`` samples came, or nothing came for ``quiet_s``."""
    values: list = []
    stamps: list[float] = []
    last = time.monotonic()
    while time.monotonic() - last < quiet_s and (want is None or len(stamps) < want):
        v, ts = inlet.pull_chunk(timeout=0.05, max_samples=10_000)
        if ts:
            values += v
            stamps += ts
            last = time.monotonic()
    return values, stamps


def test_stream_metadata_follows_xdf_conventions() -> None:
    name = _name()
    outlet = LslOutlet("sim:test", name=name, announce=False)
    outlet.open((Channel.SQUEEZE, Channel.ABDOMINAL, Channel.TILT), RATE)
    data = _inlet("name", name).info(5.0)
    assert data.type() == "Pressure" and data.nominal_srate() == RATE
    assert data.channel_format() == pylsl.cf_float32
    assert data.get_channel_labels() == ["squeeze", "abdominal", "tilt"]
    assert data.get_channel_units() == ["cmH2O", "cmH2O", "degrees"]
    assert data.get_channel_types() == ["Pressure", "Pressure", "Angle"]
    assert data.desc().child("acquisition").child_value("manufacturer") == "perineo"
    marks = _inlet("name", f"{name}-markers").info(5.0)
    assert marks.type() == "Markers" and marks.nominal_srate() == 0
    assert marks.channel_format() == pylsl.cf_string
    outlet.close()


@pytest.mark.slow
def test_outlet_to_inlet_on_loopback_is_the_same_signal() -> None:
    """The ``lsl`` source reads back exactly what was published (float32), in order."""
    name = _name()
    block = _sim("basic", seconds=6)
    outlet = LslOutlet("sim:test", name=name, announce=False)
    outlet.open(block.channels, RATE)
    source = open_source("lsl", name=name, lost_s=1.5)
    assert isinstance(source, SampleSource)
    assert source.channels == block.channels

    async def run() -> list[SampleBlock | SourceStatus]:
        items: list[SampleBlock | SourceStatus] = []
        stream = source.stream()
        items.append(await anext(stream))  # CONNECTED, once the inlet is open
        _wait_consumers(outlet, markers=False)
        for part in _chunks(block):
            outlet.samples(part)
        async for item in stream:
            items.append(item)
            if isinstance(item, SourceStatus) and item.kind is StatusKind.ENDED:
                break
        await source.close()
        return items

    items = asyncio.run(run())
    assert isinstance(items[0], SourceStatus) and items[0].kind is StatusKind.CONNECTED
    got = SampleBlock.concat([b for b in items if isinstance(b, SampleBlock)])
    assert len(got) == len(block)
    # stream time starts at the first sample; the spacing is the source's, to LSL's double
    np.testing.assert_allclose(got.t, block.t - block.t[0], atol=1e-6)
    for c in block.channels:
        np.testing.assert_allclose(got.data[c], block.data[c].astype(np.float32), rtol=1e-6)
    gaps = [i for i in items if isinstance(i, SourceStatus) and i.kind is StatusKind.GAP]
    assert gaps == []
    outlet.close()


def test_a_hole_inside_one_pushed_chunk_is_a_gap() -> None:
    """A chunk that arrives whole with a hole in it is cut there: a GAP, then the rest."""
    name = _name()
    block = _sim("basic", seconds=3)
    keep = np.ones(len(block), dtype=bool)
    keep[100:120] = False  # 0.2 s missing: more than five periods
    holed = SampleBlock(block.t[keep], {c: v[keep] for c, v in block.data.items()})
    outlet = LslOutlet("sim:test", name=name, announce=False)
    outlet.open(block.channels, RATE)
    source = open_source("lsl", name=name)

    async def run() -> list[SampleBlock | SourceStatus]:
        stream = source.stream()
        items = [await anext(stream)]
        _wait_consumers(outlet, markers=False)
        outlet.samples(holed)  # one push, 280 samples
        got = 0
        async with asyncio.timeout(10):
            async for item in stream:
                items.append(item)
                got += len(item) if isinstance(item, SampleBlock) else 0
                if got >= len(holed):
                    await source.close()
        return items

    items = asyncio.run(run())
    t0 = float(block.t[0])
    gaps = [i for i in items if isinstance(i, SourceStatus) and i.kind is StatusKind.GAP]
    assert len(gaps) == 1
    at = items.index(gaps[0])
    after = items[at + 1]
    assert isinstance(after, SampleBlock) and gaps[0].end_s == after.t[0]
    assert abs(after.t[0] - (block.t[120] - t0)) < 1e-6
    before = [b for b in items[:at] if isinstance(b, SampleBlock)]
    assert abs(before[-1].t[-1] - (block.t[99] - t0)) < 1e-6
    assert before[-1].t[-1] < gaps[0].t < after.t[0]
    assert isinstance(items[-1], SourceStatus) and items[-1].kind is StatusKind.ENDED
    outlet.close()


def _publish_session(outlet: LslOutlet, block: SampleBlock) -> None:
    """Samples and the live detector's events, block by block, as a live loop does."""
    detector = Detector(block.channels)
    for part in _chunks(block):
        outlet.samples(part)
        outlet.events(detector.push(part))
    outlet.events(detector.finish())


@pytest.mark.slow
def test_markers_are_stamped_on_their_samples_clock() -> None:
    """Every marker's LSL timestamp is that of a published sample, within one period."""
    name = _name()
    block = _sim("intensive", seconds=60)
    outlet = LslOutlet("sim:test", name=name, announce=False)
    outlet.open(block.channels, RATE)
    data = _inlet("name", name)
    marks = _inlet("name", f"{name}-markers")
    _wait_consumers(outlet)
    _publish_session(outlet, block)
    _, stamps = _drain(data, want=len(block))
    texts, mstamps = _drain(marks, want=outlet.markers)
    assert len(stamps) == len(block) and len(mstamps) == outlet.markers > 0
    t_lsl = np.asarray(stamps)
    period = 1.0 / RATE
    seen: set[str] = set()
    for (text,), ts in zip(texts, mstamps, strict=True):
        doc = json.loads(text)
        seen.add(doc["event"])
        nearest = float(np.min(np.abs(t_lsl - ts)))
        assert nearest <= period, (doc, nearest)
        # and it is the sample at the event's own stream time
        at = doc["detected_s"] if doc["event"] == "repetition" else doc["t"]
        i = int(np.argmin(np.abs(block.t - at)))
        assert abs(t_lsl[i] - ts) <= period, doc
    assert {"onset", "hold_start", "quick_lift", "release", "end", "repetition"} <= seen
    onsets = [json.loads(t[0]) for t in texts if json.loads(t[0])["event"] == "onset"]
    assert all(o["detected_s"] >= o["t"] for o in onsets)  # announced after the foot
    outlet.close()


def test_pyxdf_reads_a_file_written_from_the_inlets_data(tmp_path: Path) -> None:
    pyxdf = pytest.importorskip("pyxdf")
    from tests.lab.xdf_write import XdfStream, write_xdf

    name = _name()
    block = _sim("basic", seconds=20)
    outlet = LslOutlet("sim:test", name=name, announce=False)
    outlet.open(block.channels, RATE)
    data = _inlet("name", name)
    marks = _inlet("name", f"{name}-markers")
    _wait_consumers(outlet)
    _publish_session(outlet, block)
    values, stamps = _drain(data, want=len(block))
    texts, mstamps = _drain(marks, want=outlet.markers)
    path = tmp_path / "session.xdf"
    write_xdf(
        path,
        [
            XdfStream(data.info(5.0).as_xml(), stamps, values),
            XdfStream(marks.info(5.0).as_xml(), mstamps, texts, numeric=False),
        ],
    )
    streams, header = pyxdf.load_xdf(str(path), dejitter_timestamps=False)
    assert header["info"]["version"] == ["1.0"]
    by_name = {s["info"]["name"][0]: s for s in streams}
    xs, xm = by_name[name], by_name[f"{name}-markers"]
    labels = [c["label"][0] for c in xs["info"]["desc"][0]["channels"][0]["channel"]]
    units = [c["unit"][0] for c in xs["info"]["desc"][0]["channels"][0]["channel"]]
    assert labels == [c.value for c in block.channels]
    assert units == ["cmH2O", "cmH2O", "degrees"]
    np.testing.assert_allclose(xs["time_stamps"], stamps)
    squeeze = xs["time_series"][:, 0]
    np.testing.assert_allclose(squeeze, block.data[Channel.SQUEEZE].astype(np.float32))
    events = [json.loads(m[0])["event"] for m in xm["time_series"]]
    assert "onset" in events and "repetition" in events
    # markers line up with the samples in the file, as LabRecorder's would
    for ts in xm["time_stamps"]:
        assert float(np.min(np.abs(xs["time_stamps"] - ts))) <= 1.0 / RATE
    outlet.close()


@pytest.mark.slow
def test_inlet_converts_units_and_names_channels() -> None:
    """A lab's manometer: one channel 'Ch1' in mmHg, named squeeze by ``labels``."""
    name = _name()
    info = pylsl.StreamInfo(name, "Pressure", 1, RATE, "float32", name)
    info.set_channel_labels(["Ch1"])
    info.set_channel_units(["mmHg"])
    outlet = pylsl.StreamOutlet(info)
    from perineo.lab.lsl_support import LabError

    with pytest.raises(LabError, match="no squeeze channel"):
        open_source("lsl", name=name)
    source = open_source("lsl", name=name, labels={"Ch1": "squeeze"}, lost_s=1.0)
    assert source.channels == (Channel.SQUEEZE,)

    async def run() -> list[SampleBlock]:
        stream = source.stream()
        await anext(stream)
        assert outlet.wait_for_consumers(5.0)
        now = pylsl.local_clock()
        outlet.push_chunk([[10.0]] * 50, timestamp=[now + i / RATE for i in range(50)])
        got = [b async for b in stream if isinstance(b, SampleBlock)]
        await source.close()
        return got

    got = SampleBlock.concat(asyncio.run(run()))
    assert len(got) == 50
    np.testing.assert_allclose(got.data[Channel.SQUEEZE], 13.5951, rtol=1e-4)


@pytest.mark.slow
def test_a_stream_from_the_network_is_analysed_live(tmp_path: Path) -> None:
    """The ``lsl`` source under ``perineo record``'s loop: the same repetitions as the
    detector finds in the published samples themselves."""
    from perineo.commands.record import Recorder, record

    name = _name()
    block = _sim("basic", seconds=60)
    outlet = LslOutlet("sim:test", name=name, announce=False)
    outlet.open(block.channels, RATE)
    source = open_source("lsl", name=name, lost_s=1.5)
    rec = Recorder(tmp_path / "net.csv", False, None, None, source.name)

    async def run() -> None:
        async def publish() -> None:
            assert await asyncio.to_thread(outlet.wait_for_consumers, 10.0)
            for part in _chunks(block, 50):
                outlet.samples(part)
                await asyncio.sleep(0)

        await asyncio.gather(record(source, rec), publish())

    asyncio.run(run())
    direct = Detector(block.channels)
    direct.push(block)
    direct.finish()
    assert rec.samples_written == len(block)
    assert len(rec.reps) == len(direct.repetitions) > 3
    t0 = float(block.t[0])
    for got, want in zip(rec.reps, direct.repetitions, strict=True):
        assert abs(got.onset_s - (want.onset_s - t0)) < 0.02
    outlet.close()


def test_a_new_session_on_the_same_outlet_sets_the_clock_anew() -> None:
    """The app's next session starts its stream time at 0 again: its samples must not be
    stamped in the past of the first session's."""
    name = _name()
    block = _sim("basic", seconds=2)
    outlet = LslOutlet("sim:test", name=name, announce=False)
    outlet.open(block.channels, RATE)
    data = _inlet("name", name)
    _wait_consumers(outlet, markers=False)
    outlet.samples(block)
    time.sleep(0.3)
    again = block.slice(0, 10)  # the next session's first block: stream times from 0
    outlet.samples(again)
    pushed = pylsl.local_clock()
    _, stamps = _drain(data, want=len(block) + len(again))
    assert len(stamps) == len(block) + len(again)
    assert np.all(np.diff(stamps) > 0)  # after the first session, not in its past
    assert abs(stamps[-1] - pushed) < 0.05  # its last sample is "now" again
    outlet.close()
