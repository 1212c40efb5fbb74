"""Every exception perineo raises on purpose.

Messages are one line and say what was wrong and what was expected; the CLI prints them
as ``perineo: <message>`` and exits with code 2 for bad input. An error a user commonly
meets also carries a catalogue key with its values (:meth:`PerineoError.keyed`): the CLI
says it in the user's language (``--lang nn``), the message stays the English words.
"""

from __future__ import annotations

from typing import Self


class PerineoError(Exception):
    """Base of all perineo errors."""

    key: str | None = None  # the catalogue's text for it (``refusal.*``), if it has one
    values: tuple[tuple[str, object], ...] = ()

    def keyed(self, key: str, **values: object) -> Self:
        """This error with the catalogue key (and values) that says it in any language."""
        self.key = key
        self.values = tuple(values.items())
        return self


class InputError(PerineoError):
    """Bad input from the user: a file, an argument, a configuration value."""


class RecordingError(InputError):
    """A recording file cannot be read: names the file, the line and the problem."""

    def __init__(self, path: object, problem: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.problem = problem
        where = f"{self.path}, line {line}" if line is not None else self.path
        super().__init__(f"{where}: {problem}")


class ProgramError(InputError):
    """A training program file is malformed: names the file, the key and what was expected."""


class ScenarioError(InputError):
    """A simulator scenario file is malformed."""


class ConfigError(InputError):
    """A configuration value is invalid."""


class ProtocolError(PerineoError):
    """A probe packet cannot be decoded."""


class SourceError(PerineoError):
    """A sample source failed (no Bluetooth adapter, device not found, ...)."""


class StoreError(PerineoError):
    """The training record cannot be opened or written."""
