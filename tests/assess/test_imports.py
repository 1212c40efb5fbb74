"""The assessment core and the report builder import neither the UI nor BLE libraries."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow  # a fresh interpreter: about 2 s of scipy.signal import


def test_core_imports_no_ui_or_ble():
    code = (
        "import sys, perineo.assess, perineo.assess.live, perineo.assess.records, "
        "perineo.report; "
        "bad = [m for m in ('textual', 'bleak', 'perineo.tui') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
