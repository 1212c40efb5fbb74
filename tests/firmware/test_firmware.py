"""Firmware logic on the host: CPython, real MicroPython (unix port), mpy-cross, host decoder."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
FIRMWARE = ROOT / "firmware"
HERE = Path(__file__).resolve().parent
VECTORS = ROOT / "tests" / "vectors"
for path in (str(FIRMWARE), str(HERE)):
    if path not in sys.path:
        sys.path.insert(0, path)

import checks
from perineo.protocol import StreamPacket, decode_packet, encode_packet
from perineo.samples import CHANNEL_ORDER
from probe import wire


def _tool(name: str) -> str:
    """A pip-installed binary of the test extra: next to this interpreter, else on PATH."""
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} not found: install the test extra (pip install -e '.[test]')")
    return found


# ids are the checks' names (a function's repr holds its address, which differs between the
# processes of a parallel run: pytest-xdist needs every worker to collect the same ids)
@pytest.mark.parametrize(
    ("name", "check"), checks.all_checks(), ids=[name for name, _ in checks.all_checks()]
)
def test_check_under_cpython(name: str, check) -> None:
    check(str(VECTORS))


@pytest.mark.slow
def test_checks_under_micropython() -> None:
    env = dict(os.environ, MICROPYPATH=f"{FIRMWARE}{os.pathsep}{HERE}")
    result = subprocess.run(
        [_tool("micropython"), str(HERE / "run_checks.py"), str(VECTORS)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    n = len(checks.all_checks())
    assert f"checks passed: {n}/{n}" in result.stdout, result.stdout + result.stderr
    assert result.returncode == 0


@pytest.mark.slow
def test_main_runs_on_micropython_with_stub_hardware() -> None:
    """firmware/main.py itself, on the unix port, with machine/bluetooth/aioble stand-ins."""
    stubs = HERE / "stubs"
    path = (str(stubs), str(FIRMWARE), str(HERE), ".frozen")  # .frozen: asyncio, built in
    env = dict(os.environ, MICROPYPATH=os.pathsep.join(path))
    result = subprocess.run(
        [_tool("micropython"), str(FIRMWARE / "main.py")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    adv = next(line for line in lines if line.startswith("ADV")).split()
    assert bytes.fromhex(adv[2]) == b"\x0d\x09perineo-ABCD"
    assert bytes.fromhex(adv[1])[-5:] == bytes((4, 0x16, 0x0F, 0x18, 73))  # 3.93 V: 73 %
    assert "MTU 247" in lines
    packets = [decode_packet(bytes.fromhex(x.split()[1])) for x in lines if x.startswith("PACKET")]
    assert [p.sequence for p in packets] == list(range(20))
    assert all(p.n_frames == 4 and p.sample_rate_hz == 100 for p in packets)
    for packet in packets:  # tared at power-on: about zero; 10 ms apart
        values = packet.values()
        assert all(abs(v).max() < 0.5 for v in values.values())
        assert packet.frame_offsets_us()[1] == 10000


@pytest.mark.slow
def test_every_firmware_file_compiles_with_mpy_cross(tmp_path: Path) -> None:
    sources = sorted(FIRMWARE.rglob("*.py"))
    assert len(sources) >= 10
    for source in sources:
        out = tmp_path / (source.stem + ".mpy")
        result = subprocess.run(
            [_tool("mpy-cross"), "-o", str(out), str(source)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, f"{source}: {result.stderr}"
        assert out.stat().st_size > 0


def test_only_main_touches_machine_and_bluetooth() -> None:
    pattern = re.compile(r"^\s*(import|from)\s+(machine|bluetooth|aioble)\b", re.MULTILINE)
    touching = sorted(
        str(p.relative_to(FIRMWARE))
        for p in FIRMWARE.rglob("*.py")
        if pattern.search(p.read_text())
    )
    assert touching == ["main.py"]


_masks = st.sampled_from([1, 3, 5, 7])


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(
    _masks,
    st.integers(0, 0xFFFF),
    st.integers(0, 0xFFFFFFFF),
    st.sampled_from(wire.SAMPLE_RATES_HZ),
    st.data(),
)
def test_firmware_encoder_equals_host_encoder(mask, seq, ts, rate, data) -> None:
    k = wire.channel_count(mask)
    n = data.draw(st.integers(1, wire.frames_that_fit(k, 244)))
    frames = [tuple(data.draw(st.integers(-32768, 32767)) for _ in range(k)) for _ in range(n)]
    channels = tuple(ch for i, ch in enumerate(CHANNEL_ORDER) if mask & (1 << i))
    host = encode_packet(StreamPacket(seq, ts, rate, channels, tuple(frames)))
    assert wire.encode_packet(seq, ts, rate, mask, frames) == host


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True, width=64))
def test_firmware_counts_equal_host_counts(value: float) -> None:
    from perineo.protocol import to_counts

    assert wire.to_counts(value)[0] == to_counts(value)


def test_engine_packets_decode_on_the_host() -> None:
    bus, _, _, _ = checks._lps_bus()
    engine = checks._engine(bus)
    engine.tare.start()
    checks._advance(engine, 0, 240000)
    engine.on_control(b"\x03", 250000)
    engine.set_mtu(247)
    packets = checks._advance(engine, 250000, 1249999)
    decoded = [decode_packet(p) for p in packets]
    assert [d.sequence for d in decoded] == list(range(len(decoded)))
    assert sum(d.n_frames for d in decoded) == 100
    starts = [d.timestamp_us for d in decoded]
    assert starts[0] == 250000 and all(b - a == 40000 for a, b in zip(starts, starts[1:]))
