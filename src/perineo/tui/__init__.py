"""The Textual biofeedback app: home/connect, calibrate, train, summary, history.

Build it with :func:`perineo.tui.app.create_app`; nothing outside this package imports
Textual, and this package knows nothing of Bluetooth.
"""
