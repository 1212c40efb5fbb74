"""The probe's state and what each control command does to it."""

from probe import wire


class ProbeState:
    """Streaming on/off, rate, channels, identify timer, pending tare.

    ``handle(data, now_us)`` applies one control write and returns the actions the main
    loop must take (a tuple of ACTION_* names); it raises wire.CommandError for a malformed
    write, which main.py answers with an ATT error.
    """

    ACTION_TARE = "tare"
    ACTION_RECONFIGURE = "reconfigure"  # rate or channels changed
    ACTION_START = "start"
    ACTION_STOP = "stop"

    def __init__(self, rate_hz=100, mask=wire.MASK_ALL):
        self.rate_hz = rate_hz
        self.mask = mask
        self.streaming = False
        self.identify_until_us = None

    def handle(self, data, now_us):
        op, arg = wire.decode_command(data)
        if op == wire.OP_TARE:
            return (self.ACTION_TARE,)
        if op == wire.OP_SET_RATE:
            if arg == self.rate_hz:
                return ()
            self.rate_hz = arg
            return (self.ACTION_RECONFIGURE,)
        if op == wire.OP_SET_CHANNELS:
            if arg == self.mask:
                return ()
            self.mask = arg
            return (self.ACTION_RECONFIGURE,)
        if op == wire.OP_START:
            self.streaming = True
            return (self.ACTION_START,)
        if op == wire.OP_STOP:
            self.streaming = False
            return (self.ACTION_STOP,)
        self.identify_until_us = now_us + arg * 1000000  # OP_IDENTIFY
        return ()

    def identifying(self, now_us):
        if self.identify_until_us is None:
            return False
        if now_us >= self.identify_until_us:
            self.identify_until_us = None
            return False
        return True

    def led_on(self, now_us):
        """The identify blink pattern: 4 Hz while identifying."""
        return self.identifying(now_us) and (now_us // 125000) % 2 == 0

    def state_flags(self, now_us, tared):
        flags = wire.STATE_STREAMING if self.streaming else 0
        if tared:
            flags |= wire.STATE_TARED
        if self.identifying(now_us):
            flags |= wire.STATE_IDENTIFYING
        return flags
