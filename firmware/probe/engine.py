"""The probe without its radio: sample on schedule, tare, pack, answer control, report status."""

from probe import wire
from probe.battery import Battery
from probe.control import ProbeState
from probe.stream import Packer, Scheduler
from probe.tare import Tare

_CHANNEL_BITS = (wire.MASK_SQUEEZE, wire.MASK_ABDOMINAL, wire.MASK_TILT)


class Engine:
    """Everything main.py drives: ``tick(now_us)`` -> packets to notify.

    ``now_us`` is a monotonic microsecond clock (main.py unwraps ``time.ticks_us``); the
    packet timestamps are its low 32 bits.
    """

    def __init__(self, sensors, now_us, rate_hz=100, battery=None):
        self.sensors = sensors
        self.state = ProbeState(rate_hz, sensors.mask)
        self.tare = Tare(3)
        self.battery = battery or Battery()
        self.scheduler = Scheduler(rate_hz, now_us)
        self.packer = Packer(rate_hz, sensors.mask, wire.max_payload(wire.ATT_DEFAULT_MTU))
        self.payload_bytes = wire.max_payload(wire.ATT_DEFAULT_MTU)
        self.config_faults = sensors.configure(rate_hz)
        self.read_faults = 0
        self.saturated = 0
        self.temperature_c = None

    def set_mtu(self, mtu):
        """The link's ATT MTU changed (or a new connection): re-size packets."""
        self.payload_bytes = wire.max_payload(mtu)
        return self.packer.configure(self.state.rate_hz, self.state.mask, self.payload_bytes)

    def on_control(self, data, now_us):
        """Apply a control write; raises wire.CommandError when malformed."""
        actions = self.state.handle(data, now_us)
        if ProbeState.ACTION_TARE in actions:
            self.tare.start()
        if ProbeState.ACTION_RECONFIGURE in actions:
            self.packer.configure(self.state.rate_hz, self.state.mask, self.payload_bytes)
            self.scheduler.set_rate(self.state.rate_hz, now_us)
            self.config_faults = self.sensors.configure(self.state.rate_hz)
        if ProbeState.ACTION_START in actions:
            self.packer.restart()
            self.scheduler.set_rate(self.state.rate_hz, now_us)
        if ProbeState.ACTION_STOP in actions:
            self.packer.restart()

    def on_disconnect(self):
        self.state.streaming = False
        self.packer.restart()

    def tick(self, now_us):
        """Take the samples that are due; returns the packets to send (maybe none)."""
        packets = []
        for t_us in self.scheduler.due(now_us):
            raw, faults, temp = self.sensors.read()
            self.read_faults = faults
            self.temperature_c = temp
            self.tare.feed(raw)
            if not self.state.streaming:
                continue
            frame = []
            for i, value in enumerate(self.tare.apply(raw)):
                if self.state.mask & _CHANNEL_BITS[i]:
                    counts, clamped = wire.to_counts(value)
                    if clamped:
                        self.saturated |= _CHANNEL_BITS[i]
                    frame.append(counts)
            for packet in self.packer.add(t_us & 0xFFFFFFFF, tuple(frame)):
                packets.append(packet)
        return packets

    def faults(self):
        faults = self.config_faults | self.read_faults
        if self.battery.low:
            faults |= wire.FAULT_BATTERY_LOW
        if self.tare.unstable:
            faults |= wire.FAULT_TARE_UNSTABLE
        return faults

    def status(self, now_us):
        """The status characteristic's value; clears the saturation bits it reports."""
        data = wire.encode_status(
            self.faults(),
            self.saturated,
            self.state.state_flags(now_us, self.tare.tared),
            self.state.rate_hz,
            self.state.mask,
            self.temperature_c,
        )
        self.saturated = 0
        return data
