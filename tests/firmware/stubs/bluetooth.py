"""Stand-in for MicroPython's ``bluetooth``: UUIDs and the controller's address."""


class UUID:
    def __init__(self, value):
        self.value = value


class BLE:
    def config(self, name):
        assert name == "mac"
        return 0, b"\xf0\x0d\x00\x00\xab\xcd"
