"""The app knows nothing of Bluetooth: building and running its screens never imports bleak."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow  # a fresh interpreter: about 2 s of scipy.signal import


def test_the_app_does_not_import_bleak() -> None:
    code = (
        "import sys\n"
        "import perineo.tui.app, perineo.session.training, perineo.tui.sources\n"
        "import perineo.commands.train\n"
        "bad = sorted(m for m in sys.modules if m == 'bleak' or m.startswith('bleak.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
