from pathlib import Path

import pytest

from perineo.errors import InputError, ScenarioError
from perineo.samples import Channel
from perineo_sim import load_scenario, parse_scenario, scenario_names
from perineo_sim.actions import RepKind

REQUIRED = {
    "learn", "basic", "intensive", "perfect", "push_down", "abdominal_bracing", "breath_hold",
    "incomplete_release", "coughs", "noisy", "squeeze_only", "mixed",
}  # fmt: skip


def test_the_required_scenarios_ship() -> None:
    assert set(scenario_names()) >= REQUIRED


@pytest.mark.parametrize("name", scenario_names())
def test_each_shipped_scenario_loads(name: str) -> None:
    scn = load_scenario(name)
    assert scn.name == name
    assert scn.description
    assert Channel.SQUEEZE in scn.channels
    assert 25 <= scn.sample_rate_hz <= 200
    assert scn.blocks


def test_noisy_and_squeeze_only_are_what_they_say() -> None:
    noisy = load_scenario("noisy")
    assert noisy.sample_rate_hz == 25 and noisy.nuisances["drop_prob"][1] > 0
    assert load_scenario("squeeze_only").channels == (Channel.SQUEEZE,)
    kinds = {b.kind for b in load_scenario("perfect").blocks}
    assert {RepKind.ENDURANCE, RepKind.FAST} <= kinds


def test_a_user_file_by_path(tmp_path: Path) -> None:
    p = tmp_path / "mine.toml"
    p.write_text('sample_rate_hz = 50\n[[block]]\nkind = "basic"\ncount = 2\nerror = "push_down"\n')
    scn = load_scenario(p)
    assert scn.name == "mine" and scn.sample_rate_hz == 50
    assert scn.blocks[0].errors == ("push_down",)
    assert scn.blocks[0].r("count") == (2, 2)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[[block]]\nkind = "basic"\nholds = 3\n', "block[0].holds"),
        ('[[block]]\nkind = "squat"\n', "block[0].kind"),
        ('[[block]]\nkind = "basic"\nhold_s = "long"\n', "block[0].hold_s"),
        ('[[block]]\nkind = "basic"\nhold_s = [5, 2]\n', "block[0].hold_s"),
        ('[[block]]\nkind = "basic"\ncount = 2.5\n', "block[0].count"),
        ('[[block]]\nkind = "basic"\nerror = "slouching"\n', "block[0].error"),
        ('[[block]]\nkind = "basic"\nhold_s = 3\nerror = "breath_hold"\n', "block[0].hold_s"),
        ('[[block]]\nkind="basic"\nerror=["push_down","abdominal_bracing"]\n', "block[0].error"),
        ('sample_rate_hz = 500\n[[block]]\nkind = "basic"\n', "sample_rate_hz"),
        ('channels = ["tilt"]\n[[block]]\nkind = "basic"\n', "channels"),
        ('[person]\nk = 3\n[[block]]\nkind = "basic"\n', "person.k"),
        ('[nuisances]\ncoughs = 1\n[[block]]\nkind = "basic"\n', "nuisances.coughs"),
        ('person = 3\n[[block]]\nkind = "basic"\n', "person"),
        ("name = 'x'\n", "block"),
        ("speed = 2\n[[block]]\nkind = 'basic'\n", "speed"),
        ('[[block]]\nkind = "basic"\nkept = 3\n', "block[0].kept"),
        ('[[block]]\nkind = "endurance"\nkept = 2.5\n', "block[0].kept"),
        ('[[block]]\nkind="endurance"\nkept=2\nhold_s=8\nerror="breath_hold"\n', "block[0].kept"),
        ('[[block]]\nkind = "endurance"\nkept = 2\nlost_frac = [0.5, 1]\n', "block[0].lost_frac"),
    ],
)
def test_malformed_scenarios_name_file_and_key(text: str, key: str) -> None:
    with pytest.raises(ScenarioError) as err:
        parse_scenario(text, "my.toml")
    msg = str(err.value)
    assert msg.startswith("my.toml: ") and f"'{key}'" in msg and "expected" in msg
    assert "\n" not in msg
    assert isinstance(err.value, InputError)


def test_invalid_toml_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"^bad.toml: not valid TOML"):
        parse_scenario("[[block]\n", "bad.toml")
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario(tmp_path / "absent.toml")
    with pytest.raises(ScenarioError, match=r"unknown scenario 'nope': expected one of .*basic"):
        load_scenario("nope")


def test_the_format_documented_in_the_readme_parses() -> None:
    readme = Path(__file__).parents[2] / "sim" / "perineo_sim" / "scenarios" / "README.md"
    text = readme.read_text().split("```toml\n", 1)[1].split("```", 1)[0]
    scn = parse_scenario(text, "README.md")
    assert [b.kind for b in scn.blocks] == [RepKind.INTENSIVE, None]
    assert scn.blocks[0].errors == ("push_down",)
