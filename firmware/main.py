"""perineo reference probe: the only module that touches ``machine`` and ``bluetooth``.

Board: any MicroPython board with BLE (reference: Seeed XIAO nRF52840 / ESP32-C3), see
docs/hardware.md for wiring. Install aioble first: ``mpremote mip install aioble``.
"""

import asyncio
import binascii
import time

import aioble
import bluetooth
import machine

from probe import advert, wire
from probe.drivers.lis3dh import Lis3dh
from probe.drivers.lps import ADDRESS_SA0_HIGH, ADDRESS_SA0_LOW, LPS28DFW, Lps
from probe.engine import Engine
from probe.sensors import ProbeSensors

I2C_BUS = 0
I2C_FREQ_HZ = 400000
LED_PIN = "LED"
BATTERY_ADC_PIN = 2  # through a 1:2 divider
ADC_FULL_SCALE_V = 3.3
ADV_INTERVAL_US = 100000
PREFERRED_MTU = 247
STATUS_PERIOD_MS = 1000
TILT_AXIS = 0  # accelerometer x runs along the shaft...
TILT_SIGN = 1  # ...pointing towards the tip (see docs/hardware.md to check)
# Security: LE Secure Connections with bonding where the board's stack supports it. The
# probe has no display or keys, so pairing is "Just Works" (encrypted, not authenticated).
REQUIRE_ENCRYPTION = True  # control writes (start, tare, ...) need an encrypted link
IO_NO_INPUT_OUTPUT = 3
_FLAG_WRITE_ENCRYPTED = 0x1000  # MicroPython's bluetooth characteristic flag
MODEL = "perineo reference probe"
HARDWARE_REVISION = "A"
FIRMWARE_REVISION = "0.1.0"


class Clock:
    """A monotonic microsecond count from the wrapping ``time.ticks_us``."""

    def __init__(self):
        self._last = time.ticks_us()
        self._total = 0

    def now(self):
        tick = time.ticks_us()
        self._total += time.ticks_diff(tick, self._last)
        self._last = tick
        return self._total


def enable_bonding():
    """Turn on LE Secure Connections bonding; False where the board cannot (then the link
    stays unencrypted and docs/protocol.md says what that means)."""
    try:
        import aioble.security

        aioble.security.load_secrets()  # keys of probes bonded before, kept in flash
        aioble.config(bond=True, le_secure=True, mitm=False, io=IO_NO_INPUT_OUTPUT)
    except (ImportError, AttributeError, OSError, ValueError):
        return False
    return True


def build_services(secure):
    probe_service = aioble.Service(bluetooth.UUID(wire.PROBE_SERVICE_UUID))
    stream = aioble.Characteristic(
        probe_service, bluetooth.UUID(wire.STREAM_CHAR_UUID), notify=True
    )
    control = aioble.Characteristic(
        probe_service, bluetooth.UUID(wire.CONTROL_CHAR_UUID), write=True, capture=True
    )
    if secure and REQUIRE_ENCRYPTION:
        # no START (so no samples) before the host has paired: the stream is encrypted
        control.flags |= _FLAG_WRITE_ENCRYPTED
    status = aioble.Characteristic(
        probe_service, bluetooth.UUID(wire.STATUS_CHAR_UUID), read=True, notify=True
    )
    battery_service = aioble.Service(bluetooth.UUID(wire.BATTERY_SERVICE_UUID16))
    battery = aioble.Characteristic(
        battery_service, bluetooth.UUID(wire.BATTERY_LEVEL_UUID16), read=True, notify=True
    )
    info_service = aioble.Service(bluetooth.UUID(wire.DEVICE_INFO_SERVICE_UUID16))
    serial = binascii.hexlify(machine.unique_id()).decode()
    for uuid16, text in (
        (wire.MANUFACTURER_NAME_UUID16, "perineo (open hardware)"),
        (wire.MODEL_NUMBER_UUID16, MODEL),
        (wire.SERIAL_NUMBER_UUID16, serial),
        (wire.HARDWARE_REVISION_UUID16, HARDWARE_REVISION),
        (wire.FIRMWARE_REVISION_UUID16, FIRMWARE_REVISION),
    ):
        aioble.Characteristic(
            info_service, bluetooth.UUID(uuid16), read=True, initial=text.encode()
        )
    aioble.register_services(probe_service, battery_service, info_service)
    return stream, control, status, battery


class Probe:
    def __init__(self):
        i2c = machine.I2C(I2C_BUS, freq=I2C_FREQ_HZ)
        sensors = ProbeSensors(
            Lps(i2c, ADDRESS_SA0_LOW, LPS28DFW),
            Lps(i2c, ADDRESS_SA0_HIGH, LPS28DFW),
            Lis3dh(i2c),
            TILT_AXIS,
            TILT_SIGN,
        )
        self.clock = Clock()
        self.engine = Engine(sensors, self.clock.now())
        self.engine.tare.start()  # switched on in air: zero at atmospheric pressure
        self.led = machine.Pin(LED_PIN, machine.Pin.OUT)
        self.adc = machine.ADC(machine.Pin(BATTERY_ADC_PIN))
        self.secure = enable_bonding()
        self.stream, self.control, self.status, self.battery = build_services(self.secure)
        self.connection = None
        _, address = bluetooth.BLE().config("mac")
        self.name = advert.device_name(address)
        aioble.config(mtu=PREFERRED_MTU)

    def battery_volts(self):
        return self.adc.read_u16() * ADC_FULL_SCALE_V / 65535

    async def sample_loop(self):
        while True:
            now = self.clock.now()
            for packet in self.engine.tick(now):
                if self.connection is not None:
                    try:
                        self.stream.notify(self.connection, packet)
                    except (OSError, ValueError):
                        pass  # link went down; the host marks the gap
            self.led.value(self.engine.state.led_on(now))
            wait_ms = self.engine.scheduler.wait_us(self.clock.now()) // 1000
            await asyncio.sleep_ms(wait_ms)

    async def control_loop(self):
        while True:
            _, data = await self.control.written()
            try:
                self.engine.on_control(data, self.clock.now())
            except wire.CommandError:
                pass  # aioble cannot answer a write with an error: refused, status unchanged
            self.publish_status()

    def publish_status(self):
        value = self.engine.status(self.clock.now())
        self.status.write(value, send_update=self.connection is not None)

    async def status_loop(self):
        while True:
            percent = self.engine.battery.update(self.battery_volts())
            self.battery.write(bytes((percent,)), send_update=self.connection is not None)
            self.publish_status()
            await asyncio.sleep_ms(STATUS_PERIOD_MS)

    async def advertise_loop(self):
        while True:
            connection = await aioble.advertise(
                ADV_INTERVAL_US,
                adv_data=advert.advertising_data(self.engine.battery.percent),
                resp_data=advert.scan_response(self.name),
            )
            self.connection = connection
            try:
                await connection.exchange_mtu(PREFERRED_MTU)
                self.engine.set_mtu(connection.mtu)
            except (OSError, ValueError, asyncio.TimeoutError):
                self.engine.set_mtu(wire.ATT_DEFAULT_MTU)
            await connection.disconnected(timeout_ms=None)
            self.connection = None
            self.engine.on_disconnect()
            self.engine.set_mtu(wire.ATT_DEFAULT_MTU)


async def run():
    probe = Probe()
    await asyncio.gather(
        probe.sample_loop(), probe.control_loop(), probe.status_loop(), probe.advertise_loop()
    )


asyncio.run(run())
