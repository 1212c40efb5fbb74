"""Sampling scheduler and packet batching: when to sample, when to send."""

from probe import wire

BATCH_LIMIT_US = 40000  # a sample waits at most 40 ms minus one period before it is sent
MAX_CATCH_UP = 4  # samples taken back to back after a stall before the schedule skips ahead


class Scheduler:
    """Fixed-rate sample times on a monotonic microsecond clock.

    ``due(now_us)`` returns the sample times that have come due since the last call (in
    order, at most MAX_CATCH_UP); if the loop stalled longer, the schedule skips ahead and
    ``skipped`` counts the samples that were never taken (the host sees a gap in time,
    the sequence numbers stay consecutive).
    """

    def __init__(self, rate_hz, start_us):
        self.skipped = 0
        self.set_rate(rate_hz, start_us)

    def set_rate(self, rate_hz, now_us):
        if rate_hz not in wire.SAMPLE_RATES_HZ:
            raise ValueError("unsupported sample rate")
        self.rate_hz = rate_hz
        self.period_us = 1000000 // rate_hz
        self.next_us = now_us

    def due(self, now_us):
        times = []
        while self.next_us <= now_us and len(times) < MAX_CATCH_UP:
            times.append(self.next_us)
            self.next_us += self.period_us
        if self.next_us <= now_us:
            behind = (now_us - self.next_us) // self.period_us + 1
            self.skipped += behind
            self.next_us += behind * self.period_us
        return times

    def wait_us(self, now_us):
        """Microseconds until the next sample is due (0 if overdue)."""
        return max(0, self.next_us - now_us)


class Packer:
    """Collects frames and emits stream packets sized to the link's payload and latency.

    A packet holds as many frames as fit ``payload_bytes`` and span at most BATCH_LIMIT_US;
    frames whose times are not one period apart start a new packet (a packet's frame times
    are implied by its first timestamp and the rate).
    """

    def __init__(self, rate_hz, mask, payload_bytes):
        self.sequence = 0
        self._frames = []
        self._t0 = 0
        self._last = 0
        self.configure(rate_hz, mask, payload_bytes)

    def configure(self, rate_hz, mask, payload_bytes):
        """Change rate, channels or payload; returns any pending packet, flushed first."""
        pending = self.flush()
        self.rate_hz = rate_hz
        self.mask = mask
        self.period_us = 1000000 // rate_hz
        fit = wire.frames_that_fit(wire.channel_count(mask), payload_bytes)
        by_latency = max(1, BATCH_LIMIT_US // self.period_us)
        self.frames_per_packet = max(1, min(fit, by_latency))
        return pending

    def restart(self):
        """Start a new stream: sequence back to 0, pending frames dropped."""
        self.sequence = 0
        self._frames = []

    def add(self, t_us, frame):
        """Add one frame (int16 counts in mask order); returns a list of 0–2 packets."""
        out = []
        if self._frames and t_us - self._last != self.period_us:
            out.append(self.flush())
        if not self._frames:
            self._t0 = t_us
        self._frames.append(frame)
        self._last = t_us
        if len(self._frames) >= self.frames_per_packet:
            out.append(self.flush())
        return out

    def flush(self):
        """The pending frames as a packet, or None."""
        if not self._frames:
            return None
        packet = wire.encode_packet(self.sequence, self._t0, self.rate_hz, self.mask, self._frames)
        self.sequence = (self.sequence + 1) & 0xFFFF
        self._frames = []
        return packet
