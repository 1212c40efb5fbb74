"""Around the BLE source: remembered probes, scanning, and plain words for Bluetooth failures."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from perineo.errors import SourceError
from perineo.paths import config_dir, write_file
from perineo.protocol import BATTERY_SERVICE_UUID, PROBE_SERVICE_UUID

if TYPE_CHECKING:
    from bleak.backends.scanner import BaseBleakScanner

DEVICES_FILE: Final = "ble_devices.json"
SIM_HINT: Final = "use --sim to train with the simulated probe"


def bluetooth_error(exc: BaseException, action: str) -> SourceError:
    """A one-line SourceError saying why Bluetooth is unusable, with the ``--sim`` hint."""
    from bleak.exc import BleakDBusError, BleakError

    text = str(exc).strip() or type(exc).__name__
    lowered = text.lower()
    key = ""  # the catalogue's words for the reason (``bluetooth.*``), when it has them
    if isinstance(exc, FileNotFoundError):
        why, key = "no BlueZ: the D-Bus system bus is not running", "no_bus"
    elif isinstance(exc, PermissionError) or "accessdenied" in lowered.replace(".", ""):
        why = "no permission to use Bluetooth (add yourself to the 'bluetooth' group)"
        key = "no_permission"
    elif isinstance(exc, BleakDBusError) and "serviceunknown" in lowered.replace(".", ""):
        why, key = "no BlueZ: the bluetooth service is not running", "no_service"
    elif "adapter" in lowered and ("no " in lowered or "not found" in lowered):
        why, key = "no Bluetooth adapter found", "no_adapter"
    elif "turned off" in lowered or "powered off" in lowered or "notready" in lowered:
        why, key = "the Bluetooth adapter is turned off", "adapter_off"
    elif isinstance(exc, BleakError | OSError | asyncio.TimeoutError | TimeoutError):
        why = text
    else:
        why = f"{type(exc).__name__}: {text}"
    error = SourceError(f"cannot {action}: {why}; {SIM_HINT}")
    # the action is "connect to probe ADDRESS" or "scan for probes"
    address = action.removeprefix("connect to probe ")
    values: dict[str, object] = {"why": why, "why_key": f"bluetooth.{key}" if key else ""}
    if address != action:
        return error.keyed("refusal.connect", address=address, **values)
    return error.keyed("refusal.bluetooth", **values)


def bluetooth_errors() -> tuple[type[BaseException], ...]:
    """What bleak raises when Bluetooth fails, on any platform (bleak imported lazily)."""
    from bleak.exc import BleakError

    return (BleakError, OSError, EOFError, TimeoutError, asyncio.TimeoutError)


@dataclass(frozen=True)
class ProbeInfo:
    """A probe found by a scan."""

    name: str
    address: str
    rssi: int | None
    battery_percent: int | None

    @property
    def battery(self) -> int | None:
        """Alias of ``battery_percent`` (what the home screen reads)."""
        return self.battery_percent


def _devices_path() -> Path:
    return config_dir() / DEVICES_FILE


def remembered_address() -> str | None:
    """The address of the probe used last, or None."""
    try:
        data = json.loads(_devices_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    last = data.get("last") if isinstance(data, dict) else None
    return last if isinstance(last, str) and last else None


def remember_address(address: str, name: str | None = None) -> None:
    """Keep ``address`` as the probe to use next time (config folder, file 0600)."""
    folder = config_dir(create=True)
    path = folder / DEVICES_FILE
    try:
        known = json.loads(path.read_text(encoding="utf-8")).get("known", {})
    except (OSError, ValueError, AttributeError):
        known = {}
    if not isinstance(known, dict):
        known = {}
    known[address] = name or known.get(address) or ""
    write_file(path, json.dumps({"last": address, "known": known}, indent=1), overwrite=True)


def _battery(service_data: dict[str, bytes]) -> int | None:
    raw = service_data.get(BATTERY_SERVICE_UUID)
    return raw[0] if raw and raw[0] <= 100 else None


async def scan_probes(
    timeout_s: float = 5.0, *, backend: type[BaseBleakScanner] | None = None
) -> list[ProbeInfo]:
    """Probes advertising the perineo service, strongest signal first."""
    from bleak import BleakScanner

    try:
        # bleak's discover() overloads type backend without None, which BleakScanner takes
        found = await BleakScanner.discover(  # type: ignore[call-overload]
            timeout=timeout_s,
            return_adv=True,
            service_uuids=[PROBE_SERVICE_UUID],
            backend=backend,
        )
    except bluetooth_errors() as exc:
        raise bluetooth_error(exc, "scan for probes") from exc
    probes = []
    for device, adv in found.values():
        if PROBE_SERVICE_UUID not in [u.lower() for u in adv.service_uuids]:
            continue
        name = adv.local_name or device.name or ""
        probes.append(ProbeInfo(name, device.address, adv.rssi, _battery(adv.service_data)))
    return sorted(probes, key=lambda p: -(p.rssi if p.rssi is not None else -999))
