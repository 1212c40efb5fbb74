"""The signal core: pure numpy/scipy functions plus thin streaming state.

Imports neither bleak nor textual (tests/signal/test_boundary.py proves it).
"""
