"""Typed reading of decoded JSON: every getter checks one field and names it when it is wrong.

``json.loads`` gives ``object``; these turn a stored object's fields back into typed values,
so a decoder reads as a list of fields instead of casts. A missing or ill-typed field raises
:class:`FieldError`, one line naming the field and what it should be (never its value: the
values are health data). ``bool`` is not a number here, though Python counts it as one.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import TypeVar

E = TypeVar("E", bound=Enum)
JsonObject = Mapping[str, object]


class FieldError(ValueError):
    """A field of a JSON object is missing or has the wrong type."""


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _wrong(key: str, expected: str, value: object) -> FieldError:
    return FieldError(f"field {key!r} must be {expected}, not {_kind(value)}")


def as_object(value: object, what: str = "the stored value") -> JsonObject:
    """``value`` as a JSON object (string keys)."""
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise FieldError(f"{what} must be a JSON object, not {_kind(value)}")
    return value


def _get(d: JsonObject, key: str) -> object:
    if key not in d:
        raise FieldError(f"field {key!r} is missing")
    return d[key]


def _number(key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _wrong(key, "a number", value)
    return float(value)


def number(d: JsonObject, key: str) -> float:
    return _number(key, _get(d, key))


def opt_number(d: JsonObject, key: str) -> float | None:
    """A number, or ``None`` where the field is null or missing."""
    value = d.get(key)
    return None if value is None else _number(key, value)


def _integer(key: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong(key, "an integer", value)
    return value


def integer(d: JsonObject, key: str) -> int:
    return _integer(key, _get(d, key))


def opt_integer(d: JsonObject, key: str, default: int) -> int:
    """An integer, or ``default`` where the field is missing."""
    return integer(d, key) if key in d else default


def boolean(d: JsonObject, key: str) -> bool:
    value = _get(d, key)
    if not isinstance(value, bool):
        raise _wrong(key, "true or false", value)
    return value


def string(d: JsonObject, key: str) -> str:
    value = _get(d, key)
    if not isinstance(value, str):
        raise _wrong(key, "a string", value)
    return value


def choice(d: JsonObject, key: str, kind: type[E]) -> E:
    """One of the values of the enum ``kind``."""
    return _choice(key, _get(d, key), kind)


def _choice(key: str, value: object, kind: type[E]) -> E:
    for member in kind:
        if member.value == value:
            return member
    names = ", ".join(str(m.value) for m in kind)
    raise FieldError(f"field {key!r} must be one of {names}")


def _list(d: JsonObject, key: str) -> list[object]:
    """A list; a missing or null field is the empty list."""
    value = d.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _wrong(key, "a list", value)
    return value


def numbers(d: JsonObject, key: str) -> tuple[float, ...]:
    return tuple(_number(key, v) for v in _list(d, key))


def opt_numbers(d: JsonObject, key: str) -> tuple[float | None, ...]:
    return tuple(None if v is None else _number(key, v) for v in _list(d, key))


def booleans(d: JsonObject, key: str) -> tuple[bool, ...]:
    out = []
    for v in _list(d, key):
        if not isinstance(v, bool):
            raise _wrong(key, "a list of true or false", v)
        out.append(v)
    return tuple(out)


def strings(d: JsonObject, key: str) -> tuple[str, ...]:
    out = []
    for v in _list(d, key):
        if not isinstance(v, str):
            raise _wrong(key, "a list of strings", v)
        out.append(v)
    return tuple(out)


def choices(d: JsonObject, key: str, kind: type[E]) -> tuple[E, ...]:
    return tuple(_choice(key, v, kind) for v in _list(d, key))


def _object(d: JsonObject, key: str) -> JsonObject:
    """An object; a missing or null field is the empty object."""
    value = d.get(key)
    return {} if value is None else as_object(value, f"field {key!r}")


def number_map(d: JsonObject, key: str) -> dict[str, float]:
    return {k: _number(f"{key}.{k}", v) for k, v in _object(d, key).items()}


def integer_map(d: JsonObject, key: str) -> dict[str, int]:
    return {k: _integer(f"{key}.{k}", v) for k, v in _object(d, key).items()}


def opt_object(d: JsonObject, key: str) -> JsonObject | None:
    value = d.get(key)
    return None if value is None else as_object(value, f"field {key!r}")


def objects(d: JsonObject, key: str) -> list[JsonObject]:
    return [as_object(v, f"an item of field {key!r}") for v in _list(d, key)]
