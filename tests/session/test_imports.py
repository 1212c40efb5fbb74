"""The live pipeline and the views import neither Textual nor a BLE library; the pipeline
knows nothing of the app at all."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow  # a fresh interpreter: about 2 s of scipy.signal import


def test_the_pipeline_imports_no_ui_or_ble() -> None:
    code = (
        "import sys, perineo.session.pipeline, perineo.session.training, perineo.session.journal\n"
        "bad = [m for m in ('textual', 'bleak', 'perineo.tui') if m in sys.modules]\n"
        "import perineo.display.view, perineo.display.summary, perineo.display.tracebuf\n"
        "import perineo.display.plot\n"
        "bad += [m for m in ('textual', 'bleak') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
