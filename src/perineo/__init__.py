"""perineo: pelvic floor muscle training biofeedback."""

__version__ = "0.1.0"
