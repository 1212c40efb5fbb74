"""Programs as data: the built-ins match the Norwegian training program; user files override;
errors name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from perineo.errors import ProgramError
from perineo.program.loader import get_program, load_programs, parse_program
from perineo.program.model import Effort, Period, ProgramKind, Range

GOOD = """
schema = 1
name = "mine"
title = "Mine"
effort = "max"
[dose]
reps = [8, 10]
sets = 2
period = "day"
sessions = [1, 1]
[rep]
hold_s = [5, 6]
rest_s = [4, 5]
"""


def test_builtins_carry_the_seed_numbers(tmp_path: Path):
    progs = load_programs(user_dir=tmp_path)
    assert set(progs) == {"learn", "basic", "intensive", "maintenance", "perfect"}
    i = progs["intensive"]
    assert i.effort is Effort.MAX and i.dose.reps == Range(8, 12) and i.dose.sets == 3
    assert i.rep.hold_s == Range(6, 8) and i.rep.quick_lifts == Range(3, 4)
    assert i.rep.rest_s == Range(3, 4) and i.min_months == 6
    m = progs["maintenance"]
    assert m.dose.period is Period.WEEK and m.dose.sessions == Range(1, 2)
    assert progs["learn"].effort is Effort.LIGHT and progs["learn"].rep.hold_s is None
    p = progs["perfect"]
    assert p.kind is ProgramKind.ASSESSMENT and p.perfect is not None
    assert p.perfect.endurance_max_s == 10 and p.perfect.fast_max == 10


def test_user_program_overrides_and_adds(tmp_path: Path):
    (tmp_path / "mine.toml").write_text(GOOD)
    (tmp_path / "intensive.toml").write_text(GOOD.replace('"mine"', '"intensive"'))
    progs = load_programs(user_dir=tmp_path)
    assert progs["mine"].rep.hold_s == Range(5, 6)
    assert progs["intensive"].rep.hold_s == Range(5, 6)
    assert progs["intensive"].source.endswith("intensive.toml")


def test_user_programs_come_from_the_config_folder(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PERINEO_HOME", str(tmp_path))
    folder = tmp_path / "config" / "programs"
    folder.mkdir(parents=True)
    (folder / "mine.toml").write_text(GOOD)
    assert get_program("mine").title == "Mine"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("hold_s = [5, 6]", "hold_s = [6, 5]"), "key 'rep.hold_s': expected a pair [low, high]"),
        (("hold_s = [5, 6]", 'hold_s = "7"'), "key 'rep.hold_s': expected a pair"),
        (("sets = 2", "sets = 0"), "key 'dose.sets': expected a whole number from 1 to 20"),
        (('period = "day"', 'period = "month"'), "key 'dose.period': expected one of 'day'"),
        (('effort = "max"', 'effort = "hard"'), "key 'effort': expected one of"),
        (("schema = 1", "schema = 2"), "key 'schema': expected 1"),
        (('title = "Mine"\n', 'title = "Mine"\nhodl = 3\n'), "key 'hodl'"),
        (("rest_s = [4, 5]", "rest = [4, 5]"), "key 'rep.rest_s': expected"),
        (("[rep]", "[rpe]"), "key 'rep': expected a table [rep] (missing)"),
        (('name = "mine"', 'name = "My Program"'), "key 'name': expected lower-case"),
    ],
)
def test_broken_file_names_file_key_and_expected(tmp_path: Path, edit, message):
    path = tmp_path / "bad.toml"
    path.write_text(GOOD.replace(*edit))
    with pytest.raises(ProgramError) as exc:
        load_programs(user_dir=tmp_path)
    text = str(exc.value)
    assert str(path) in text and message in text
    assert "\n" not in text


def test_not_toml_and_unknown_program(tmp_path: Path):
    with pytest.raises(ProgramError, match=r"x\.toml: not valid TOML"):
        parse_program("name = ", "x.toml")
    with pytest.raises(ProgramError, match=r"no program named 'nope'.*intensive"):
        get_program("nope", user_dir=tmp_path)


def test_describe_targets():
    from perineo.commands.programs import describe_targets
    from perineo.locale import Lang

    intensive = get_program("intensive")
    assert describe_targets(intensive, Lang.EN).startswith(
        "8–12 reps × 3 sets a day, hold 6–8 s, 3–4 quick lifts, rest 3–4 s"
    )
    assert describe_targets(intensive, Lang.NN).startswith(
        "8–12 repetisjonar × 3 rundar per dag, hald 6–8 s, 3–4 raske løft, pause 3–4 s"
    )
    assert "1–2 sessions a week" in describe_targets(get_program("maintenance"), Lang.EN)
