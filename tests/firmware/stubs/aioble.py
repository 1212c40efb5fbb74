"""Stand-in for aioble: one central connects, writes START, collects notifications.

After ``PACKETS_WANTED`` stream notifications the run ends with SystemExit(0), printing
what was seen, so run_main.py can check firmware/main.py end to end on the unix port.
"""

import asyncio
import sys

PACKETS_WANTED = 20
registered = []
sent = {"stream": [], "status": [], "battery": []}
advert = {}


def config(**kwargs):
    advert["config"] = kwargs


class Service:
    def __init__(self, uuid):
        self.uuid = uuid
        self.characteristics = []


class Characteristic:
    def __init__(
        self, service, uuid, read=False, write=False, notify=False, initial=None, capture=False
    ):
        service.characteristics.append(self)
        self.uuid = uuid
        self.value = initial
        self.writes = []
        self.notify_enabled = notify

    def write(self, data, send_update=False):
        self.value = data

    def notify(self, connection, data=None):
        sent["stream"].append(bytes(data))
        if len(sent["stream"]) >= PACKETS_WANTED:
            print("ADV", advert["adv"].hex(), advert["resp"].hex())
            print("MTU", advert["mtu"])
            for packet in sent["stream"]:
                print("PACKET", packet.hex())
            sys.exit(0)

    async def written(self, timeout_ms=None):
        while not self.writes:
            await asyncio.sleep_ms(5)
        return None, self.writes.pop(0)


def register_services(*services):
    registered.extend(services)


class Connection:
    def __init__(self):
        self.mtu = 23

    async def exchange_mtu(self, mtu):
        self.mtu = mtu
        advert["mtu"] = mtu

    async def disconnected(self, timeout_ms=None):
        while True:
            await asyncio.sleep_ms(1000)


async def advertise(interval_us, adv_data=None, resp_data=None):
    advert["adv"] = adv_data
    advert["resp"] = resp_data
    await asyncio.sleep_ms(300)  # the power-on tare (25 samples) finishes meanwhile
    control = registered[0].characteristics[1]
    control.writes.append(b"\x03")  # START
    return Connection()
