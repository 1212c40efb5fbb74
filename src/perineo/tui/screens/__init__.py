"""Screens of the perineo app: home, calibrate, train, summary, history."""
