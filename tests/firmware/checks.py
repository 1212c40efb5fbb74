"""Firmware checks that run unchanged under CPython (via pytest) and MicroPython (run_checks.py).

Each ``check_*`` function takes the path of tests/vectors and raises AssertionError on failure.
No pytest, no f-string formatting specs beyond MicroPython's, no dataclasses.
"""

import json

from fakes import FakeBus, FakeLis3dh, FakeLps
from probe import advert, wire
from probe.battery import Battery, percent_from_voltage
from probe.control import ProbeState
from probe.drivers.lis3dh import Lis3dh
from probe.drivers.lps import HPA_TO_CMH2O, LPS27HHW, LPS28DFW, Lps, SensorError
from probe.engine import Engine
from probe.sensors import ProbeSensors
from probe.stream import Packer, Scheduler
from probe.tare import Tare
from probe.tilt import pitch_deg

MASKS = {"squeeze": wire.MASK_SQUEEZE, "abdominal": wire.MASK_ABDOMINAL, "tilt": wire.MASK_TILT}


def _load(vectors, name):
    with open(vectors + "/" + name) as f:
        return json.load(f)


def _hex(data):
    return "".join("%02x" % b for b in data)


def _unhex(text):
    return bytes(int(text[i : i + 2], 16) for i in range(0, len(text), 2))


def _close(a, b, tol):
    assert abs(a - b) <= tol, "%r != %r (tolerance %r)" % (a, b, tol)


def _raises(exc_type, fn, *args):
    try:
        fn(*args)
    except exc_type:
        return
    raise AssertionError("%s not raised" % exc_type.__name__)


def check_stream_vectors_encode_byte_identical(vectors):
    for vec in _load(vectors, "stream_packets.json")["valid"]:
        mask = 0
        for ch in vec["channels"]:
            mask |= MASKS[ch]
        frames = [tuple(f) for f in vec["frames"]]
        data = wire.encode_packet(
            vec["sequence"], vec["timestamp_us"], vec["sample_rate_hz"], mask, frames
        )
        assert _hex(data) == vec["hex"], vec["name"]


def check_vector_values_convert_to_their_counts(vectors):
    for vec in _load(vectors, "stream_packets.json")["valid"]:
        for i, ch in enumerate(vec["channels"]):
            for k, value in enumerate(vec["values"][ch]):
                counts, _ = wire.to_counts(value)
                assert counts == vec["frames"][k][i], (vec["name"], ch, k)


def check_control_vectors(vectors):
    table = _load(vectors, "control_commands.json")
    ops = {
        "TARE": wire.OP_TARE,
        "SET_RATE": wire.OP_SET_RATE,
        "START": wire.OP_START,
        "STOP": wire.OP_STOP,
        "IDENTIFY": wire.OP_IDENTIFY,
        "SET_CHANNELS": wire.OP_SET_CHANNELS,
    }
    for vec in table["valid"]:
        assert wire.decode_command(_unhex(vec["hex"])) == (ops[vec["op"]], vec["arg"]), vec["name"]
    for vec in table["invalid"]:
        _raises(wire.CommandError, wire.decode_command, _unhex(vec["hex"]))


def check_status_vectors_encode_byte_identical(vectors):
    for vec in _load(vectors, "status.json")["valid"]:
        mask = 0
        for ch in vec["channels"]:
            mask |= MASKS[ch]
        saturated = 0
        for ch in vec["saturated"]:
            saturated |= MASKS[ch]
        data = wire.encode_status(
            vec["faults"],
            saturated,
            vec["state"],
            vec["sample_rate_hz"],
            mask,
            vec["temperature_c"],
        )
        assert _hex(data) == vec["hex"], vec["name"]


def check_to_counts_rounds_and_clamps(vectors):
    assert wire.to_counts(0.005) == (1, False)
    assert wire.to_counts(-0.005) == (0, False)
    assert wire.to_counts(327.67) == (32767, False)
    assert wire.to_counts(400.0) == (32767, True)
    assert wire.to_counts(-400.0) == (-32767, True)
    assert wire.to_counts(None) == (wire.MISSING, False)
    assert wire.to_counts(float("nan")) == (wire.MISSING, False)


def _lps_bus(who=0xB4):
    bus = FakeBus()
    squeeze = bus.attach(0x5C, FakeLps(who, hpa=1013.25, temp_c=36.5))
    abdominal = bus.attach(0x5D, FakeLps(who, hpa=1020.0, temp_c=36.0))
    accel = bus.attach(0x18, FakeLis3dh((0.0, 0.0, 1.0)))
    return bus, squeeze, abdominal, accel


def check_lps28dfw_configures_and_reads(vectors):
    bus, squeeze, _, _ = _lps_bus(0xB4)
    sensor = Lps(bus, 0x5C, LPS28DFW)
    sensor.configure(100)
    assert squeeze.regs[0x10] == (0b0111 << 3), squeeze.regs[0x10]  # 100 Hz, 4-sample average
    assert squeeze.regs[0x11] & 0x08  # block data update
    assert squeeze.regs[0x12] & 0x01  # register auto-increment for the burst read
    pressure, temp = sensor.read()
    _close(pressure, 1013.25 * HPA_TO_CMH2O, 0.001)
    _close(temp, 36.5, 0.001)
    squeeze.hpa = 1013.25 + 50 / HPA_TO_CMH2O  # 50 cmH2O squeeze
    _close(sensor.read()[0] - 1013.25 * HPA_TO_CMH2O, 50.0, 0.001)


def check_lps27hhw_configures_and_reads(vectors):
    bus, squeeze, _, _ = _lps_bus(0xB3)
    sensor = Lps(bus, 0x5C, LPS27HHW)
    sensor.configure(200)
    assert squeeze.regs[0x10] == (0b111 << 4) | 0x02, squeeze.regs[0x10]  # 200 Hz + BDU
    assert squeeze.regs[0x11] & 0x10  # auto-increment kept after reset
    _close(sensor.read()[0], 1013.25 * HPA_TO_CMH2O, 0.001)


def check_lps_negative_counts_and_wrong_identity(vectors):
    bus, squeeze, _, _ = _lps_bus(0xB4)
    squeeze.hpa = -1.5
    squeeze.temp_c = -12.25
    sensor = Lps(bus, 0x5C, LPS28DFW)
    sensor.configure(25)
    pressure, temp = sensor.read()
    _close(pressure, -1.5 * HPA_TO_CMH2O, 0.001)
    _close(temp, -12.25, 0.001)
    _raises(SensorError, Lps(bus, 0x5C, LPS27HHW).configure, 100)
    _raises(OSError, Lps(bus, 0x5E, LPS28DFW).configure, 100)


def check_lis3dh_and_tilt_sign(vectors):
    bus, _, _, accel = _lps_bus()
    imu = Lis3dh(bus, 0x18)
    imu.configure(100)
    assert accel.regs[0x20] == (0b0101 << 4) | 0x07
    assert accel.regs[0x23] == 0x88
    accel.g = (0.5, 0.0, 0.866)  # tip raised by 30 degrees
    x, y, z = imu.read()
    _close(x, 0.5, 0.002)
    _close(z, 0.866, 0.002)
    _close(pitch_deg((x, y, z)), 30.0, 0.2)
    _close(pitch_deg((x, y, z), 0, -1), -30.0, 0.2)
    accel.g = (-0.5, 0.0, 0.866)
    _close(pitch_deg(imu.read()), -30.0, 0.2)


def check_tare_stable_and_unstable(vectors):
    tare = Tare(3, samples=4, tolerance=0.5)
    tare.start()
    results = [tare.feed((1033.0 + 0.1 * i, 1040.0, None)) for i in range(4)]
    assert results == [False, False, False, True]
    assert tare.tared and not tare.unstable
    _close(tare.offsets[0], 1033.15, 1e-9)
    assert tare.offsets[2] == 0.0  # a failed sensor keeps its old zero
    applied = tare.apply((1083.15, 1040.0, None))
    _close(applied[0], 50.0, 1e-9)
    assert applied[2] is None
    tare.start()
    for i in range(4):
        tare.feed((1033.0 + i, 1040.0, 0.0))
    assert tare.unstable
    _close(tare.offsets[0], 1033.15, 1e-9)


def check_scheduler_catches_up_then_skips(vectors):
    sched = Scheduler(100, 0)
    assert sched.due(0) == [0]
    assert sched.due(5000) == []
    assert sched.due(25000) == [10000, 20000]
    assert sched.wait_us(25000) == 5000
    times = sched.due(1000000)  # a stall of almost a second
    assert times == [30000, 40000, 50000, 60000]
    assert sched.skipped == 94
    assert sched.next_us == 1010000


def check_packer_fits_mtu_and_latency(vectors):
    packer = Packer(100, wire.MASK_ALL, wire.max_payload(23))
    assert packer.frames_per_packet == 1
    assert packer.configure(100, wire.MASK_ALL, wire.max_payload(247)) is None
    assert packer.frames_per_packet == 4
    packer.configure(100, wire.MASK_SQUEEZE, wire.max_payload(23))
    assert packer.frames_per_packet == 4
    packer.configure(25, wire.MASK_SQUEEZE, wire.max_payload(23))
    assert packer.frames_per_packet == 1
    packer.configure(100, wire.MASK_ALL, wire.max_payload(247))
    out = []
    for i in range(6):
        out += packer.add(10000 * i, (i, -i, 0))
    assert len(out) == 1 and len(out[0]) == 9 + 4 * 6
    out = packer.add(100000, (9, 9, 9))  # not one period after the last: new packet
    assert len(out) == 1 and out[0][1] == 2  # the two pending frames
    assert out[0][2] == 1  # second packet: sequence 1


def check_packer_sequence_wraps(vectors):
    packer = Packer(100, wire.MASK_SQUEEZE, wire.max_payload(23))
    packer.sequence = 0xFFFF
    packer.configure(25, wire.MASK_SQUEEZE, 20)
    first = packer.add(0, (1,))[0]
    second = packer.add(40000, (2,))[0]
    assert (first[2], first[3]) == (0xFF, 0xFF)
    assert (second[2], second[3]) == (0, 0)


def check_control_state(vectors):
    state = ProbeState(100, wire.MASK_ALL)
    assert state.handle(b"\x03", 0) == (ProbeState.ACTION_START,)
    assert state.streaming
    assert state.handle(b"\x02\x32", 0) == (ProbeState.ACTION_RECONFIGURE,)
    assert state.rate_hz == 50
    assert state.handle(b"\x02\x32", 0) == ()
    assert state.handle(b"\x06\x01", 0) == (ProbeState.ACTION_RECONFIGURE,)
    assert state.mask == wire.MASK_SQUEEZE
    assert state.handle(b"\x05\x02", 1000) == ()
    assert state.identifying(2000000) and not state.identifying(2001000)
    assert state.handle(b"\x01", 0) == (ProbeState.ACTION_TARE,)
    assert state.handle(b"\x04", 0) == (ProbeState.ACTION_STOP,)
    _raises(wire.CommandError, state.handle, b"\x02\x63", 0)
    assert state.rate_hz == 50


def check_battery_curve(vectors):
    assert percent_from_voltage(4.25) == 100
    assert percent_from_voltage(3.2) == 0
    assert percent_from_voltage(3.75) == 45
    assert percent_from_voltage(3.725) == 38
    battery = Battery(divider=2.0)
    assert battery.update(2.1) == 100
    for _ in range(100):
        battery.update(1.72)
    assert battery.low


def check_advertising_payloads(vectors):
    adv = advert.advertising_data(87)
    assert len(adv) == 3 + 18 + 5
    assert adv[5:21] == bytes(reversed(_unhex(wire.PROBE_SERVICE_UUID.replace("-", ""))))
    assert adv[21:] == bytes((4, 0x16, 0x0F, 0x18, 87))
    name = advert.device_name(b"\x11\x22\x33\x44\xab\xcd")
    assert name == "perineo-ABCD"
    assert advert.scan_response(name) == bytes((13, 0x09)) + b"perineo-ABCD"


def _engine(bus, rate=100):
    sensors = ProbeSensors(Lps(bus, 0x5C, LPS28DFW), Lps(bus, 0x5D, LPS28DFW), Lis3dh(bus, 0x18))
    engine = Engine(sensors, 0, rate)
    return engine


def _advance(engine, start_us, end_us, step_us=1000):
    """Tick like main.py's loop would, every ``step_us``; returns the packets sent."""
    packets = []
    for now in range(start_us, end_us + 1, step_us):
        packets += engine.tick(now)
    return packets


def check_engine_tares_streams_and_reports(vectors):
    bus, squeeze, _, accel = _lps_bus()
    engine = _engine(bus)
    engine.tare.start()
    assert _advance(engine, 0, 240000) == []  # 25 samples of tare, not streaming yet
    assert engine.tare.tared
    engine.on_control(b"\x03", 250000)
    squeeze.hpa += 20 / HPA_TO_CMH2O
    accel.g = (0.1736, 0.0, 0.9848)  # 10 degrees up
    packets = _advance(engine, 250000, 1249999)
    assert len(packets) == 100  # 1 s at 100 Hz, 1 frame a packet at the default MTU
    first = packets[0]
    assert first[0] == 0x17 and first[1] == 1 and first[2:4] == b"\x00\x00"
    assert first[4:8] == bytes((0x90, 0xD0, 0x03, 0x00))  # 250000 us
    squeeze_counts = first[9] | (first[10] << 8)
    assert abs(squeeze_counts - 2000) <= 1, squeeze_counts
    tilt = first[13] | (first[14] << 8)
    assert abs(tilt - 1000) <= 5, tilt
    status = engine.status(1250000)
    assert status[0] == 1 and status[1] == 0 and status[3] == 0x03 and status[4] == 100
    engine.set_mtu(247)
    assert len(_advance(engine, 1250000, 1289999)) == 1  # 4 frames batched in one packet


def check_engine_saturation_and_faults(vectors):
    bus, squeeze, _, _ = _lps_bus()
    engine = _engine(bus)
    engine.tare.start()
    _advance(engine, 0, 240000)
    engine.on_control(b"\x03", 250000)
    squeeze.hpa += 400 / HPA_TO_CMH2O
    packet = engine.tick(250000)[0]
    assert packet[9:11] == b"\xff\x7f"
    status = engine.status(250000)
    assert status[2] == wire.MASK_SQUEEZE
    assert engine.status(250000)[2] == 0  # reported once
    bus.fail = True
    packet = engine.tick(260000)[0]
    assert packet[9:15] == b"\x00\x80\x00\x80\x00\x80"
    status = engine.status(260000)
    assert status[1] == wire.FAULT_SQUEEZE | wire.FAULT_ABDOMINAL | wire.FAULT_IMU


def all_checks():
    return [(name, value) for name, value in sorted(globals().items()) if name.startswith("check_")]
