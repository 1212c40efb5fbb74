"""The reference sensor set read as one frame: squeeze, abdominal, tilt."""

from probe import wire
from probe.tilt import pitch_deg

CHANNEL_FAULTS = (wire.FAULT_SQUEEZE, wire.FAULT_ABDOMINAL, wire.FAULT_IMU)


class ProbeSensors:
    """Two barometers and an accelerometer (any may be None: not fitted).

    ``read()`` returns (values, faults, temperature_c): values is a tuple of squeeze cmH2O,
    abdominal cmH2O (absolute) and tilt degrees, None where a sensor failed or is absent.
    """

    def __init__(self, squeeze, abdominal=None, accel=None, tilt_axis=0, tilt_sign=1):
        self.devices = (squeeze, abdominal, accel)
        self.tilt_axis = tilt_axis
        self.tilt_sign = tilt_sign
        self.temperature_c = None

    @property
    def mask(self):
        """Channels this probe can stream."""
        mask = 0
        for bit, device in zip(
            (wire.MASK_SQUEEZE, wire.MASK_ABDOMINAL, wire.MASK_TILT), self.devices
        ):
            if device is not None:
                mask |= bit
        return mask

    def configure(self, rate_hz):
        """Configure every fitted sensor; returns the fault bits of those that failed."""
        faults = 0
        for fault, device in zip(CHANNEL_FAULTS, self.devices):
            if device is None:
                continue
            try:
                device.configure(rate_hz)
            except OSError:
                faults |= fault
        return faults

    def read(self):
        values = [None, None, None]
        faults = 0
        squeeze, abdominal, accel = self.devices
        for i, device in ((0, squeeze), (1, abdominal)):
            if device is None:
                continue
            try:
                pressure, temp = device.read()
            except OSError:
                faults |= CHANNEL_FAULTS[i]
                continue
            values[i] = pressure
            if i == 0:
                self.temperature_c = temp
        if accel is not None:
            try:
                values[2] = pitch_deg(accel.read(), self.tilt_axis, self.tilt_sign)
            except OSError:
                faults |= wire.FAULT_IMU
        return tuple(values), faults, self.temperature_c
