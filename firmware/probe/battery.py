"""Battery percent from the cell voltage of a single LiPo cell."""

# (volts, percent) at rest for a typical 3.7 V LiPo, rising voltage; linear in between.
LIPO_CURVE = (
    (3.30, 0),
    (3.50, 5),
    (3.60, 10),
    (3.70, 30),
    (3.75, 45),
    (3.80, 55),
    (3.90, 70),
    (4.00, 82),
    (4.10, 92),
    (4.20, 100),
)
LOW_PERCENT = 15
SMOOTHING = 0.1  # exponential smoothing of the voltage: the radio's load makes it jump


def percent_from_voltage(volts, curve=LIPO_CURVE):
    """Interpolated percent (0–100, int)."""
    if volts <= curve[0][0]:
        return curve[0][1]
    for (v0, p0), (v1, p1) in zip(curve, curve[1:]):
        if volts <= v1:
            return int(p0 + (p1 - p0) * (volts - v0) / (v1 - v0) + 0.5)
    return curve[-1][1]


class Battery:
    """Smoothed voltage -> percent; ``divider`` is the ratio of the ADC voltage divider."""

    def __init__(self, divider=2.0):
        self.divider = divider
        self.volts = None

    def update(self, adc_volts):
        cell = adc_volts * self.divider
        self.volts = cell if self.volts is None else self.volts + SMOOTHING * (cell - self.volts)
        return self.percent

    @property
    def percent(self):
        return 0 if self.volts is None else percent_from_voltage(self.volts)

    @property
    def low(self):
        return self.volts is not None and self.percent < LOW_PERCENT
