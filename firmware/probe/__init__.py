"""Pure logic of the perineo probe firmware: runs under MicroPython and CPython alike.

Nothing here imports ``machine`` or ``bluetooth``; buses and clocks are passed in, so every
module is tested on a PC (tests/firmware) against fake buses and the golden vectors.
"""
