"""Programs, scoring and the store import neither Textual nor bleak (data flows one way)."""

from __future__ import annotations

import subprocess
import sys


def test_core_does_not_import_ui_or_ble():
    code = (
        "import sys\n"
        "import perineo.program.scoring, perineo.program.calibration, perineo.program.plan\n"
        "import perineo.program.progression, perineo.program.loader\n"
        "import perineo.store.sessions, perineo.store.export, perineo.store.history\n"
        "import perineo.commands.record, perineo.commands.history, perineo.commands.plan\n"
        "bad = [m for m in ('textual', 'bleak', 'perineo.tui') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
