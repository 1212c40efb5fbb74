"""perineo.protocol against the golden vectors, round trips, and arbitrary bytes."""

from __future__ import annotations

import contextlib
import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perineo.errors import ProtocolError
from perineo.protocol import (
    MISSING,
    SAMPLE_RATES_HZ,
    Command,
    Fault,
    Opcode,
    ProbeStatus,
    State,
    StreamPacket,
    decode_command,
    decode_packet,
    decode_status,
    encode_command,
    encode_packet,
    encode_status,
    frames_that_fit,
    max_payload,
    to_counts,
)
from perineo.samples import CHANNEL_ORDER, Channel

VECTORS = Path(__file__).resolve().parents[1] / "vectors"


def _load(name: str) -> dict:
    return json.loads((VECTORS / name).read_text())


STREAM = _load("stream_packets.json")
CONTROL = _load("control_commands.json")
STATUS = _load("status.json")


@pytest.mark.parametrize("vec", STREAM["valid"], ids=lambda v: v["name"])
def test_stream_vector_decodes_and_encodes(vec: dict) -> None:
    packet = decode_packet(bytes.fromhex(vec["hex"]))
    assert packet.sequence == vec["sequence"]
    assert packet.timestamp_us == vec["timestamp_us"]
    assert packet.sample_rate_hz == vec["sample_rate_hz"]
    assert [str(c) for c in packet.channels] == vec["channels"]
    assert [list(f) for f in packet.frames] == vec["frames"]
    for ch, expected in vec["values"].items():
        got = packet.values()[Channel(ch)]
        for g, e in zip(got, expected, strict=True):
            assert (e is None and math.isnan(g)) or g == pytest.approx(e)
    assert encode_packet(packet).hex() == vec["hex"]


@pytest.mark.parametrize("vec", STREAM["invalid"], ids=lambda v: v["name"])
def test_stream_invalid_vector_raises(vec: dict) -> None:
    with pytest.raises(ProtocolError):
        decode_packet(bytes.fromhex(vec["hex"]))


@pytest.mark.parametrize("vec", CONTROL["valid"], ids=lambda v: v["name"])
def test_control_vector(vec: dict) -> None:
    command = decode_command(bytes.fromhex(vec["hex"]))
    assert command == Command(Opcode[vec["op"]], vec["arg"])
    assert encode_command(command).hex() == vec["hex"]


@pytest.mark.parametrize("vec", CONTROL["invalid"], ids=lambda v: v["name"])
def test_control_invalid_vector_raises(vec: dict) -> None:
    with pytest.raises(ProtocolError):
        decode_command(bytes.fromhex(vec["hex"]))


@pytest.mark.parametrize("vec", STATUS["valid"], ids=lambda v: v["name"])
def test_status_vector(vec: dict) -> None:
    status = decode_status(bytes.fromhex(vec["hex"]))
    assert status.faults == Fault(vec["faults"])
    assert status.state == State(vec["state"])
    assert [str(c) for c in status.saturated] == vec["saturated"]
    assert [str(c) for c in status.channels] == vec["channels"]
    assert status.sample_rate_hz == vec["sample_rate_hz"]
    if vec["temperature_c"] is None:
        assert status.temperature_c is None
    else:
        assert status.temperature_c == pytest.approx(vec["temperature_c"])
    assert encode_status(status).hex() == vec["hex"]


@pytest.mark.parametrize("vec", STATUS["invalid"], ids=lambda v: v["name"])
def test_status_invalid_vector_raises(vec: dict) -> None:
    with pytest.raises(ProtocolError):
        decode_status(bytes.fromhex(vec["hex"]))


@pytest.mark.slow
@settings(max_examples=2000, deadline=None)
@given(st.binary(max_size=600))
def test_decoders_raise_only_protocol_error(data: bytes) -> None:
    for decode in (decode_packet, decode_command, decode_status):
        with contextlib.suppress(ProtocolError):
            decode(data)


@pytest.mark.slow
@settings(max_examples=1000, deadline=None)
@given(st.binary(min_size=9, max_size=40), st.integers(0, 39), st.integers(0, 255))
def test_mutated_valid_packets_raise_only_protocol_error(data: bytes, at: int, byte: int) -> None:
    base = bytearray(bytes.fromhex(STREAM["valid"][4]["hex"]))
    base[at % len(base)] = byte
    for candidate in (bytes(base), bytes(base) + data[:3], bytes(base)[: at % len(base)]):
        with contextlib.suppress(ProtocolError):
            decode_packet(candidate)


def test_non_bytes_input_is_a_protocol_error() -> None:
    for bad in (None, 5, "17010700", [1, 2, 3]):
        with pytest.raises(ProtocolError):
            decode_packet(bad)  # type: ignore[arg-type]


_channel_sets = st.sets(st.sampled_from(CHANNEL_ORDER[1:])).map(
    lambda rest: tuple(c for c in CHANNEL_ORDER if c is Channel.SQUEEZE or c in rest)
)


@st.composite
def packets(draw: st.DrawFn) -> StreamPacket:
    channels = draw(_channel_sets)
    n = draw(st.integers(1, frames_that_fit(len(channels), max_payload(247))))
    counts = st.integers(MISSING, 32767)
    frames = tuple(tuple(draw(counts) for _ in channels) for _ in range(n))
    return StreamPacket(
        draw(st.integers(0, 0xFFFF)),
        draw(st.integers(0, 0xFFFFFFFF)),
        draw(st.sampled_from(SAMPLE_RATES_HZ)),
        channels,
        frames,
    )


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(packets())
def test_round_trip(packet: StreamPacket) -> None:
    assert decode_packet(encode_packet(packet)) == packet


def test_default_mtu_fits_at_least_one_frame_of_every_channel_set() -> None:
    assert max_payload(23) == 20
    assert frames_that_fit(3, 20) == 1
    assert frames_that_fit(2, 20) == 2
    assert frames_that_fit(1, 20) == 5
    assert frames_that_fit(3, max_payload(247)) == 39


def test_to_counts_rounds_half_up_and_clamps() -> None:
    assert to_counts(12.345) in (1234, 1235)  # binary float: either side of the half
    assert to_counts(0.005) == 1
    assert to_counts(-0.005) == 0
    assert to_counts(1e9) == 32767
    assert to_counts(-1e9) == -32767
    assert to_counts(float("inf")) == 32767
    assert to_counts(float("nan")) == MISSING


def test_encode_rejects_out_of_range_fields() -> None:
    good = StreamPacket(0, 0, 100, (Channel.SQUEEZE,), ((1,),))
    encode_packet(good)
    for bad in (
        StreamPacket(0x10000, 0, 100, (Channel.SQUEEZE,), ((1,),)),
        StreamPacket(0, -1, 100, (Channel.SQUEEZE,), ((1,),)),
        StreamPacket(0, 0, 99, (Channel.SQUEEZE,), ((1,),)),
        StreamPacket(0, 0, 100, (Channel.TILT,), ((1,),)),
        StreamPacket(0, 0, 100, (Channel.SQUEEZE,), ((40000,),)),
        StreamPacket(0, 0, 100, (Channel.SQUEEZE,), ()),
    ):
        with pytest.raises(ProtocolError):
            encode_packet(bad)


def test_status_round_trip_with_saturation() -> None:
    status = ProbeStatus(
        Fault.IMU, (Channel.TILT,), State.STREAMING, 200, tuple(CHANNEL_ORDER), 21.0
    )
    assert decode_status(encode_status(status)) == status
