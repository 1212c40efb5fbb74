"""ST LIS3DH 3-axis accelerometer (I2C), registers from its datasheet; used for tilt."""

REG_WHO_AM_I = 0x0F
WHO_AM_I = 0x33
REG_CTRL_REG1 = 0x20
REG_CTRL_REG4 = 0x23
REG_OUT_X_L = 0x28
AUTO_INCREMENT = 0x80  # MSB of the sub-address: read several registers in one go
XYZ_ENABLE = 0x07
CTRL4_BDU_HR_2G = 0x88  # block data update, high resolution, +-2 g
ODR_CODES = {25: 0b0011, 50: 0b0100, 100: 0b0101, 200: 0b0110}
G_PER_LSB_HR_2G = 0.001  # 12-bit left-justified: 1 mg per digit after >> 4
ADDRESS_SA0_LOW = 0x18
ADDRESS_SA0_HIGH = 0x19


class AccelError(OSError):
    """The accelerometer is absent or answers with the wrong identity."""


def _int16(lo, hi):
    value = lo | (hi << 8)
    return value - 0x10000 if value & 0x8000 else value


class Lis3dh:
    """``configure(rate_hz)`` then ``read()`` -> (x, y, z) in g."""

    def __init__(self, i2c, address=ADDRESS_SA0_LOW):
        self.i2c = i2c
        self.address = address

    def configure(self, rate_hz):
        who = self.i2c.readfrom_mem(self.address, REG_WHO_AM_I, 1)[0]
        if who != WHO_AM_I:
            raise AccelError("unexpected LIS3DH WHO_AM_I %#x" % who)
        self.i2c.writeto_mem(self.address, REG_CTRL_REG4, bytes((CTRL4_BDU_HR_2G,)))
        ctrl1 = (ODR_CODES[rate_hz] << 4) | XYZ_ENABLE
        self.i2c.writeto_mem(self.address, REG_CTRL_REG1, bytes((ctrl1,)))

    def read(self):
        raw = self.i2c.readfrom_mem(self.address, REG_OUT_X_L | AUTO_INCREMENT, 6)
        return tuple((_int16(raw[i], raw[i + 1]) >> 4) * G_PER_LSB_HR_2G for i in (0, 2, 4))
