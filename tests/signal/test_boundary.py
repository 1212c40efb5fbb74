"""The signal core knows nothing of BLE or the terminal UI (docs/design.md)."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.slow
def test_signal_core_imports_neither_bleak_nor_textual() -> None:
    code = (
        "import sys\n"
        "import perineo.signal.detect, perineo.signal.analysis, perineo.signal.condition\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('bleak', 'textual'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
