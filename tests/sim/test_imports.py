import subprocess
import sys


def test_the_simulator_needs_neither_ble_nor_ui() -> None:
    code = (
        "import sys, perineo_sim, perineo_sim.sources, perineo.sources.replay\n"
        "bad = [m for m in ('bleak', 'bumble', 'textual') if m in sys.modules]\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
