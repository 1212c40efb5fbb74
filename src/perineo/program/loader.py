"""Load training programs: the built-in TOML files, then the user's own, which override or add.

A broken file raises :class:`ProgramError` naming the file, the key and what was expected.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from types import EllipsisType
from typing import TypeGuard, TypeVar, overload

from perineo.errors import ProgramError
from perineo.paths import config_dir
from perineo.program.model import (
    Dose,
    Effort,
    PerfectSpec,
    Period,
    Program,
    ProgramKind,
    Range,
    RepTarget,
)

SCHEMA = 1
_E = TypeVar("_E", ProgramKind, Effort, Period)
_V = TypeVar("_V")
_T = TypeVar("_T")


def user_programs_dir() -> Path:
    return config_dir() / "programs"


OnError = Callable[[ProgramError], None]


def load_programs(
    user_dir: Path | None = None, *, on_error: OnError | None = None
) -> dict[str, Program]:
    """All programs by name: built-in first, then ``user_dir`` (default: the config folder).

    A broken user program raises, or with ``on_error`` is passed to it and left out.
    """
    programs: dict[str, Program] = {}
    for entry in sorted(
        resources.files("perineo.program").joinpath("programs").iterdir(), key=lambda e: e.name
    ):
        if entry.name.endswith(".toml"):
            prog = parse_program(entry.read_text(encoding="utf-8"), f"built-in {entry.name}")
            programs[prog.name] = prog
    folder = user_programs_dir() if user_dir is None else user_dir
    if folder.is_dir():
        for path in sorted(folder.glob("*.toml")):
            try:
                prog = load_program_file(path)
            except ProgramError as exc:
                if on_error is None:
                    raise
                on_error(exc)
                continue
            programs[prog.name] = prog
    return programs


def get_program(
    name: str, user_dir: Path | None = None, *, on_error: OnError | None = None
) -> Program:
    """The program ``name``. A broken user program raises, or with ``on_error`` is reported to
    it and left out, as long as ``name`` is found among the others (it may be the broken one).
    """
    problems: list[ProgramError] = []
    programs = load_programs(user_dir, on_error=problems.append)
    if name not in programs:
        if problems:
            raise problems[0]
        known = ", ".join(sorted(programs))
        raise ProgramError(f"no program named {name!r} (known: {known})").keyed(
            "refusal.no_program", name=name, known=known
        )
    for problem in problems:
        if on_error is None:
            raise problem
        on_error(problem)
    return programs[name]


def load_program_file(path: Path) -> Program:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProgramError(f"{path}: cannot read: {exc}") from None
    return parse_program(text, str(path))


class _Reader:
    """Typed access to one TOML table; every miss is a one-line ProgramError."""

    def __init__(self, data: Mapping[str, object], source: str, prefix: str = "") -> None:
        self.data = data
        self.source = source
        self.prefix = prefix
        self.used: set[str] = set()

    def fail(self, key: str, expected: str, found: object = None) -> ProgramError:
        what = "missing" if found is None else f"found {found!r}"
        return ProgramError(
            f"{self.source}: key '{self.prefix}{key}': expected {expected} ({what})"
        )

    @overload
    def get(
        self, key: str, expected: str, check: Callable[[object], TypeGuard[_V]], default: None
    ) -> _V | None: ...

    @overload
    def get(
        self,
        key: str,
        expected: str,
        check: Callable[[object], TypeGuard[_V]],
        default: _V | EllipsisType = ...,
    ) -> _V: ...

    def get(
        self,
        key: str,
        expected: str,
        check: Callable[[object], TypeGuard[_V]],
        default: _V | EllipsisType | None = ...,
    ) -> _V | None:
        self.used.add(key)
        if key not in self.data:
            if isinstance(default, EllipsisType):
                raise self.fail(key, expected)
            return default
        value = self.data[key]
        if not check(value):
            raise self.fail(key, expected, value)
        return value

    def text(self, key: str, default: str | EllipsisType = ...) -> str:
        def ok(v: object) -> TypeGuard[str]:
            return isinstance(v, str) and bool(v)

        return str(self.get(key, "a non-empty string", ok, default))

    def number(
        self, key: str, low: float, high: float, default: float | EllipsisType | None = ...
    ) -> float | None:
        def ok(v: object) -> TypeGuard[float]:
            return _is_num(v) and low <= v <= high

        v = self.get(key, f"a number from {low:g} to {high:g}", ok, default)
        return None if v is None else float(v)

    def integer(self, key: str, low: int, high: int, default: int | EllipsisType = ...) -> int:
        def ok(v: object) -> TypeGuard[int]:
            return isinstance(v, int) and not isinstance(v, bool) and low <= v <= high

        return self.get(key, f"a whole number from {low} to {high}", ok, default)

    def range(
        self, key: str, low: float, high: float, default: EllipsisType | None = ...
    ) -> Range | None:
        expected = f"a pair [low, high] of numbers from {low:g} to {high:g} with low <= high"

        def ok(v: object) -> TypeGuard[list[float]]:
            return (
                isinstance(v, list)
                and len(v) == 2
                and all(_is_num(x) for x in v)
                and low <= v[0] <= v[1] <= high
            )

        v = self.get(key, expected, ok, default)
        return None if v is None else Range(float(v[0]), float(v[1]))

    def choice(self, key: str, enum: type[_E], default: str | EllipsisType = ...) -> _E:
        names = ", ".join(repr(e.value) for e in enum)
        values = {e.value for e in enum}

        def ok(v: object) -> TypeGuard[str]:
            return isinstance(v, str) and v in values

        return enum(self.get(key, f"one of {names}", ok, default))

    def table(self, key: str, required: bool = True) -> _Reader | None:
        self.used.add(key)
        if key not in self.data:
            if required:
                raise self.fail(key, "a table [" + self.prefix + key + "]")
            return None
        value = self.data[key]
        if not isinstance(value, dict):
            raise self.fail(key, "a table [" + self.prefix + key + "]", value)
        return _Reader(value, self.source, f"{self.prefix}{key}.")

    def no_unknown_keys(self) -> None:
        extra = sorted(set(self.data) - self.used)
        if extra:
            raise ProgramError(
                f"{self.source}: key '{self.prefix}{extra[0]}': expected one of "
                f"{', '.join(sorted(self.used))} (unknown key)"
            )


def _is_num(v: object) -> TypeGuard[float]:
    return isinstance(v, int | float) and not isinstance(v, bool)


def parse_program(text: str, source: str = "<text>") -> Program:
    """Parse one program file's text; ``source`` names it in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProgramError(f"{source}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ProgramError(f"{source}: not valid TOML: nested too deeply for a program") from None
    top = _Reader(data, source)
    schema = top.integer("schema", 1, 1_000_000)
    if schema != SCHEMA:
        raise top.fail("schema", f"{SCHEMA} (this perineo reads program schema {SCHEMA})", schema)
    name = top.text("name")
    if not name.replace("-", "").replace("_", "").isalnum() or not name.islower():
        raise top.fail("name", "lower-case letters, digits, '-' or '_'", name)
    title = top.text("title")
    title_nn = top.text("title_nn", title)
    kind = top.choice("kind", ProgramKind, ProgramKind.TRAINING.value)
    effort = top.choice("effort", Effort)
    min_months = 0

    d = top.table("dose")
    assert d is not None
    dose = Dose(
        reps=_need(d.range("reps", 1, 100)),
        sets=d.integer("sets", 1, 20),
        period=d.choice("period", Period),
        sessions=_need(d.range("sessions", 1, 14)),
        set_pause_s=_need(d.number("set_pause_s", 0, 3600, 60)),
    )
    d.no_unknown_keys()

    r = top.table("rep")
    assert r is not None
    hold = r.range("hold_s", 0.5, 120, None)
    rep = RepTarget(
        hold_s=hold,
        quick_lifts=r.range("quick_lifts", 1, 20, None),
        rest_s=_need(r.range("rest_s", 0, 600)),
        cue_hold_s=r.number("cue_hold_s", 0.5, 120, None),
        max_hold_drop=_need(r.number("max_hold_drop", 0, 1, 0.35)),
        keep_level_fraction=r.number("keep_level_fraction", 0, 1, None),
        tolerance_s=_need(r.number("tolerance_s", 0, 5, 0.5)),
    )
    r.no_unknown_keys()

    p = top.table("plan", required=False)
    if p is not None:
        min_months = p.integer("min_months", 0, 120)
        p.no_unknown_keys()

    perfect = None
    f = top.table("perfect", required=False)
    if f is not None:
        perfect = PerfectSpec(
            endurance_max_s=_need(f.number("endurance_max_s", 1, 60, 10)),
            repetitions_max=f.integer("repetitions_max", 1, 50, 10),
            rest_s=_need(f.number("rest_s", 0, 60, 4)),
            fast_max=f.integer("fast_max", 1, 50, 10),
            fast_rest_before_s=_need(f.number("fast_rest_before_s", 0, 600, 60)),
        )
        f.no_unknown_keys()
    top.no_unknown_keys()
    return Program(
        name=name,
        title=title,
        title_nn=title_nn,
        kind=kind,
        effort=effort,
        dose=dose,
        rep=rep,
        min_months=min_months or None,
        perfect=perfect,
        source=source,
    )


def _need(x: _T | None) -> _T:
    assert x is not None  # guaranteed by a required key or a non-None default
    return x
