"""Probe pitch from gravity: positive when the inner end (tip) points up."""

import math


def pitch_deg(accel, axis=0, sign=1):
    """Angle of the probe's long axis above the horizontal, in degrees.

    ``accel`` is (x, y, z) in g; ``axis`` is the index of the accelerometer axis that runs
    along the shaft towards the tip, ``sign`` is -1 if the chip is mounted with that axis
    pointing towards the handle. At rest an accelerometer reads +1 g on the axis pointing up.
    """
    along = accel[axis] * sign
    across = 0.0
    for i in range(3):
        if i != axis:
            across += accel[i] * accel[i]
    return math.degrees(math.atan2(along, math.sqrt(across)))
