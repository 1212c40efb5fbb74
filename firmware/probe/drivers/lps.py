"""ST LPS28DFW and LPS27HHW water-resistant barometers (I2C), registers from their datasheets."""

REG_WHO_AM_I = 0x0F
REG_CTRL_REG1 = 0x10
REG_CTRL_REG2 = 0x11
REG_CTRL_REG3 = 0x12
REG_STATUS = 0x27
REG_PRESS_OUT_XL = 0x28  # XL, L, H pressure then L, H temperature: 5 bytes
STATUS_P_DA = 0x01
STATUS_T_DA = 0x02
SWRESET = 0x04
ADDRESS_SA0_LOW = 0x5C
ADDRESS_SA0_HIGH = 0x5D
HPA_TO_CMH2O = 100.0 / 98.0665
TEMP_LSB_PER_C = 100.0


class Variant:
    """What differs between the two chips: identity, ODR field, where BDU lives."""

    def __init__(
        self, name, who_am_i, odr_codes, odr_shift, ctrl1_extra, ctrl2, ctrl3, lsb_per_hpa
    ):
        self.name = name
        self.who_am_i = who_am_i
        self.odr_codes = odr_codes
        self.odr_shift = odr_shift
        self.ctrl1_extra = ctrl1_extra
        self.ctrl2 = ctrl2
        self.ctrl3 = ctrl3
        self.lsb_per_hpa = lsb_per_hpa


# LPS28DFW: CTRL_REG1 = ODR[3:0]<<3 | AVG[2:0] (000: 4 samples); CTRL_REG2 bit3 BDU,
# bit6 FS_MODE (0: 1260 hPa full scale, 4096 LSB/hPa); CTRL_REG3 bit0 IF_ADD_INC.
LPS28DFW = Variant(
    "LPS28DFW",
    0xB4,
    {25: 0b0100, 50: 0b0101, 100: 0b0111, 200: 0b1000},
    3,
    0b000,
    0x08,
    0x01,
    4096.0,
)
# LPS27HHW: CTRL_REG1 = ODR[2:0]<<4 | BDU (bit1); CTRL_REG2 bit4 IF_ADD_INC; 4096 LSB/hPa.
LPS27HHW = Variant(
    "LPS27HHW",
    0xB3,
    {25: 0b011, 50: 0b100, 100: 0b110, 200: 0b111},
    4,
    0x02,
    0x10,
    None,
    4096.0,
)


class SensorError(OSError):
    """The sensor is absent, answers with the wrong identity, or has no new data."""


class Lps:
    """One barometer: ``configure(rate_hz)`` then ``read()`` -> (cmH2O absolute, degC)."""

    def __init__(self, i2c, address=ADDRESS_SA0_LOW, variant=LPS28DFW):
        self.i2c = i2c
        self.address = address
        self.variant = variant

    def _write(self, reg, value):
        self.i2c.writeto_mem(self.address, reg, bytes((value,)))

    def _read(self, reg, n=1):
        return self.i2c.readfrom_mem(self.address, reg, n)

    def configure(self, rate_hz):
        """Check identity, reset, then run continuously at ``rate_hz`` with block data update."""
        who = self._read(REG_WHO_AM_I)[0]
        if who != self.variant.who_am_i:
            raise SensorError("unexpected WHO_AM_I %#x for %s" % (who, self.variant.name))
        self._write(REG_CTRL_REG2, SWRESET)
        self._write(REG_CTRL_REG2, self.variant.ctrl2)
        if self.variant.ctrl3 is not None:
            self._write(REG_CTRL_REG3, self.variant.ctrl3)
        code = self.variant.odr_codes[rate_hz]
        self._write(REG_CTRL_REG1, (code << self.variant.odr_shift) | self.variant.ctrl1_extra)

    def read(self):
        """Latest pressure in cmH2O (absolute) and die temperature in degC."""
        raw = self._read(REG_PRESS_OUT_XL, 5)
        counts = raw[0] | (raw[1] << 8) | (raw[2] << 16)
        if counts & 0x800000:
            counts -= 1 << 24
        temp = raw[3] | (raw[4] << 8)
        if temp & 0x8000:
            temp -= 1 << 16
        hpa = counts / self.variant.lsb_per_hpa
        return hpa * HPA_TO_CMH2O, temp / TEMP_LSB_PER_C
