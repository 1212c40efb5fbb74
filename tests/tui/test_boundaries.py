"""The app knows nothing of Bluetooth: building and running its screens never imports bleak."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.slow  # a fresh interpreter: about 2 s of scipy.signal import
def test_the_app_does_not_import_bleak() -> None:
    code = (
        "import sys\n"
        "import perineo.tui.app, perineo.session.training, perineo.session.choices\n"
        "import perineo.commands.train\n"
        "bad = sorted(m for m in sys.modules if m == 'bleak' or m.startswith('bleak.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# modules still here without Textual, each about to move on with another change
_NOT_YET_MOVED = {"present.py", "texts.py", "sources.py", "simfollow.py"}


def test_the_app_package_holds_textual_code_only() -> None:
    """Screens, widgets, the app, messages, keys: what has no Textual lives elsewhere
    (the live pipeline in perineo.session, the views in perineo.display)."""
    import perineo.tui

    root = Path(perineo.tui.__file__).parent
    modules = [p for p in root.rglob("*.py") if p.name != "__init__.py"]
    textual = re.compile(r"^(from|import) textual", re.M)
    plain = sorted(
        str(p.relative_to(root))
        for p in modules
        if p.name not in _NOT_YET_MOVED and not textual.search(p.read_text())
    )
    assert len(modules) > 10 and plain == []
