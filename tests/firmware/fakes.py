"""Fake I2C buses emulating sensor registers from the datasheets (MicroPython-compatible).

A fake bus has MicroPython's ``machine.I2C`` memory API: ``readfrom_mem(addr, reg, n)`` and
``writeto_mem(addr, reg, buf)``. An absent device raises OSError(19) (ENODEV), as a NACK does.
"""

ENODEV = 19


class FakeBus:
    """Routes each address to a device model; ``fail`` makes every transfer NACK."""

    def __init__(self):
        self.devices = {}
        self.fail = False
        self.writes = []

    def attach(self, address, device):
        self.devices[address] = device
        return device

    def _device(self, address):
        if self.fail or address not in self.devices:
            raise OSError(ENODEV)
        return self.devices[address]

    def readfrom_mem(self, address, reg, n):
        return bytes(self._device(address).read(reg, n))

    def writeto_mem(self, address, reg, buf):
        device = self._device(address)
        self.writes.append((address, reg, bytes(buf)))
        for i in range(len(buf)):
            device.write(reg + i, buf[i])


class FakeLps:
    """LPS28DFW (``who_am_i=0xB4``) or LPS27HHW (``0xB3``).

    Pressure output registers 0x28..0x2A hold a 24-bit two's complement count of
    1/4096 hPa, temperature 0x2B..0x2C an int16 of 0.01 degC. Multi-byte reads advance the
    register only while IF_ADD_INC is set (CTRL_REG3 bit 0 on the LPS28DFW, CTRL_REG2 bit 4
    on the LPS27HHW; set after reset on both); a software reset (CTRL_REG2 bit 2) restores
    the reset values.
    """

    def __init__(self, who_am_i=0xB4, hpa=1013.25, temp_c=22.5):
        self.who_am_i = who_am_i
        self.hpa = hpa
        self.temp_c = temp_c
        self.reset()

    def reset(self):
        self.regs = {0x10: 0x00, 0x11: 0x10 if self.who_am_i == 0xB3 else 0x00, 0x12: 0x01}

    def _auto_increment(self):
        if self.who_am_i == 0xB3:
            return bool(self.regs[0x11] & 0x10)
        return bool(self.regs[0x12] & 0x01)

    def _output(self):
        counts = int(round(self.hpa * 4096)) & 0xFFFFFF
        temp = int(round(self.temp_c * 100)) & 0xFFFF
        return {
            0x28: counts & 0xFF,
            0x29: (counts >> 8) & 0xFF,
            0x2A: counts >> 16,
            0x2B: temp & 0xFF,
            0x2C: temp >> 8,
        }

    def read(self, reg, n):
        out = self._output()
        values = []
        for i in range(n):
            r = reg + i if self._auto_increment() else reg
            if r == 0x0F:
                values.append(self.who_am_i)
            elif r == 0x27:
                values.append(0x03 if self.regs[0x10] else 0x00)
            elif r in out:
                values.append(out[r])
            else:
                values.append(self.regs.get(r, 0))
        return values

    def write(self, reg, value):
        if reg == 0x11 and value & 0x04:
            self.reset()
            return
        self.regs[reg] = value


class FakeLis3dh:
    """LIS3DH: WHO_AM_I 0x33, OUT_X_L..OUT_Z_H at 0x28..0x2D, 12-bit left-justified in
    high-resolution mode (1 mg/digit at +-2 g); multi-byte reads need the sub-address MSB."""

    def __init__(self, g=(0.0, 0.0, 1.0)):
        self.g = g
        self.regs = {0x20: 0x07, 0x23: 0x00}

    def read(self, reg, n):
        increment = bool(reg & 0x80)
        reg &= 0x7F
        out = {}
        for axis in range(3):
            raw = (int(round(self.g[axis] * 1000)) << 4) & 0xFFFF
            out[0x28 + 2 * axis] = raw & 0xFF
            out[0x29 + 2 * axis] = raw >> 8
        values = []
        for i in range(n):
            r = reg + i if increment else reg
            if r == 0x0F:
                values.append(0x33)
            else:
                values.append(out.get(r, self.regs.get(r, 0)))
        return values

    def write(self, reg, value):
        self.regs[reg & 0x7F] = value
