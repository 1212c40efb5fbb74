"""Stand-in for MicroPython's ``machine`` so firmware/main.py runs on the unix port.

The I2C bus is a fake bus (tests/firmware/fakes.py) with the reference sensors attached.
"""

from fakes import FakeBus, FakeLis3dh, FakeLps


class I2C(FakeBus):
    def __init__(self, bus_id, freq=400000):
        super().__init__()
        self.attach(0x5C, FakeLps(0xB4, hpa=1013.25, temp_c=36.5))
        self.attach(0x5D, FakeLps(0xB4, hpa=1015.0, temp_c=36.0))
        self.attach(0x18, FakeLis3dh((0.0, 0.0, 1.0)))


class Pin:
    OUT = 1

    def __init__(self, pin, mode=None):
        self.pin = pin
        self.level = 0

    def value(self, level=None):
        if level is not None:
            self.level = int(level)
        return self.level


class ADC:
    def __init__(self, pin):
        self.pin = pin

    def read_u16(self):
        return 39000  # about 1.96 V at the divider: 3.93 V cell


def unique_id():
    return b"\x01\x02\x03\x04"
