"""Scenarios as data: TOML files (stdlib ``tomllib``) validated into frozen dataclasses.

A scenario names the channels and sample rate, ranges for the person and the nuisances, and a
sequence of ``[[block]]`` tables, each a run of repetitions of one kind. Every range is either
a number or ``[low, high]``; a value is drawn uniformly per session (person, nuisances) or per
repetition (blocks). A malformed file raises :class:`ScenarioError` naming the file, the key
and what was expected.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from perineo.errors import ScenarioError
from perineo.samples import Channel, ordered_channels
from perineo_sim.actions import ERRORS, RepKind

Range = tuple[float, float]

# key: (default range, lowest allowed, highest allowed)
PERSON_KEYS: dict[str, tuple[Range, float, float]] = {
    "k": ((0.2, 0.8), 0.0, 1.5),
    "rest_level_cmH2O": ((10.0, 40.0), -50.0, 200.0),
    "drift_cmH2O": ((2.0, 8.0), -30.0, 30.0),
    "drift_tau_s": ((40.0, 150.0), 1.0, 3600.0),
    "tip_base_cmH2O": ((5.0, 30.0), -50.0, 200.0),
    "tilt_base_deg": ((-20.0, 20.0), -90.0, 90.0),
    "breath_rate_hz": ((0.2, 0.35), 0.05, 1.0),
    "breath_pp_cmH2O": ((1.0, 4.0), 0.0, 20.0),
    "breath_irregularity": ((0.05, 0.2), 0.0, 0.5),
    "heart_rate_hz": ((1.0, 1.6), 0.5, 3.0),
    "heart_cmH2O": ((0.1, 0.5), 0.0, 5.0),
    "tilt_gain_deg_per_cmH2O": ((0.05, 0.25), 0.0, 2.0),
    "iap_tilt_deg_per_cmH2O": ((0.01, 0.05), 0.0, 1.0),
    "push_tilt_deg": ((3.0, 8.0), 0.0, 45.0),
    "reaction_s": ((0.2, 0.5), 0.0, 3.0),
    # issue 12 (off by default; drawn from a random stream of their own)
    "tremor_frac": ((0.0, 0.0), 0.0, 0.2),
    "activation_tau_s": ((0.0, 0.0), 0.0, 0.5),
    "deactivation_tau_s": ((0.0, 0.0), 0.0, 1.0),
    "recruitment_rise_s": ((0.0, 0.0), 0.0, 10.0),
    "breath_rate_drift": ((0.0, 0.0), 0.0, 1.0),
    "sigh_prob": ((0.03, 0.03), 0.0, 1.0),
    "sigh_pause_s": ((0.0, 0.0), 0.0, 30.0),
}
NUISANCE_KEYS: dict[str, tuple[Range, float, float]] = {
    "noise_cmH2O": ((0.05, 0.4), 0.0, 5.0),
    "tilt_noise_deg": ((0.02, 0.1), 0.0, 5.0),
    "wander_cmH2O": ((0.1, 0.6), 0.0, 10.0),
    "jitter_frac": ((0.0, 0.05), 0.0, 0.25),
    "drop_prob": ((0.0, 0.0), 0.0, 0.5),
    "drop_burst": ((0.2, 0.6), 0.0, 0.95),
    "dropouts_per_min": ((0.0, 0.0), 0.0, 10.0),
    "coughs_per_min": ((0.3, 0.3), 0.0, 30.0),
    "sneezes_per_min": ((0.05, 0.05), 0.0, 30.0),
    "movements_per_min": ((0.2, 0.2), 0.0, 30.0),
    # issue 12 (off by default; drawn from a random stream of their own)
    "cough_bouts_per_min": ((0.0, 0.0), 0.0, 30.0),
    "cough_bout_size": ((1.0, 3.0), 1.0, 5.0),
    "talking_per_min": ((0.0, 0.0), 0.0, 10.0),
    "posture_shifts_per_min": ((0.0, 0.0), 0.0, 10.0),
    "probe_slips_per_min": ((0.0, 0.0), 0.0, 10.0),
    "leak_cmH2O_per_min": ((0.0, 0.0), -5.0, 5.0),
    "ble_interval_ms": ((0.0, 0.0), 0.0, 4000.0),
    "stalls_per_min": ((0.0, 0.0), 0.0, 30.0),
    "adc_bits": ((0.0, 0.0), 0.0, 16.0),
    "adc_full_scale_cmH2O": ((300.0, 300.0), 10.0, 2000.0),
}
NEW_PERSON_KEYS = frozenset(
    ("tremor_frac", "activation_tau_s", "deactivation_tau_s", "recruitment_rise_s",
     "breath_rate_drift", "sigh_prob", "sigh_pause_s")
)  # fmt: skip
NEW_NUISANCE_KEYS = frozenset(
    ("cough_bouts_per_min", "cough_bout_size", "talking_per_min", "posture_shifts_per_min",
     "probe_slips_per_min", "leak_cmH2O_per_min", "ble_interval_ms", "stalls_per_min",
     "adc_bits", "adc_full_scale_cmH2O")
)  # fmt: skip
# Per kind: rise, hold, fall, rest, strength, quick lifts, fatigue (the numbers of the
# Norwegian training program).
KIND_DEFAULTS: dict[RepKind, dict[str, Range]] = {
    RepKind.LIGHT: {
        "rise_s": (0.3, 0.7), "hold_s": (0.0, 0.4), "fall_s": (0.3, 0.8),
        "rest_s": (1.0, 2.5), "strength_cmH2O": (8.0, 20.0), "quick_lifts": (0, 0),
        "fatigue": (0.0, 0.0),
    },
    RepKind.BASIC: {
        "rise_s": (0.4, 1.0), "hold_s": (2.0, 5.0), "fall_s": (0.4, 1.2),
        "rest_s": (3.0, 6.0), "strength_cmH2O": (15.0, 45.0), "quick_lifts": (0, 0),
        "fatigue": (0.0, 0.15),
    },
    RepKind.INTENSIVE: {
        "rise_s": (0.3, 1.2), "hold_s": (6.0, 8.0), "fall_s": (0.3, 1.5),
        "rest_s": (3.0, 4.0), "strength_cmH2O": (25.0, 70.0), "quick_lifts": (3, 4),
        "fatigue": (0.05, 0.3),
    },
    RepKind.ENDURANCE: {
        "rise_s": (0.3, 1.0), "hold_s": (4.0, 10.0), "fall_s": (0.4, 1.5),
        "rest_s": (4.0, 6.0), "strength_cmH2O": (30.0, 70.0), "quick_lifts": (0, 0),
        "fatigue": (0.1, 0.4),
    },
    RepKind.FAST: {
        "rise_s": (0.15, 0.35), "hold_s": (0.0, 0.3), "fall_s": (0.2, 0.5),
        "rest_s": (1.0, 2.0), "strength_cmH2O": (25.0, 70.0), "quick_lifts": (0, 0),
        "fatigue": (0.0, 0.0),
    },
}  # fmt: skip
BLOCK_EXTRA: dict[str, Range] = {
    "count": (1, 1),
    "quick_lift_s": (0.3, 0.8),
    "quick_lift_frac": (0.15, 0.4),
    "push_iap_cmH2O": (15.0, 60.0),
    "residual_frac": (0.2, 0.5),
    "pause_after_s": (0.0, 0.0),
    "duration_s": (10.0, 10.0),
    "lost_frac": (0.2, 0.6),
}
BLOCK_KEYS = {"kind", "error", "error_prob", "draw_in_prob", "kept", *BLOCK_EXTRA, "rise_s",
              "hold_s", "fall_s", "rest_s", "strength_cmH2O", "quick_lifts", "fatigue"}  # fmt: skip
TOP_KEYS = {"name", "description", "channels", "sample_rate_hz", "duration_s", "lead_in_s",
            "tail_s", "person", "nuisances", "block"}  # fmt: skip
INT_KEYS = {"count", "quick_lifts"}


@dataclass(frozen=True)
class Block:
    """A run of repetitions of one kind (or ``kind="rest"``: a pause of ``duration_s``)."""

    kind: RepKind | None  # None: a rest block
    ranges: dict[str, Range]
    errors: tuple[str, ...] = ()
    error_prob: float = 1.0
    draw_in_prob: float = 0.5
    # PERFECT's R step: after the first hold, how many repetitions she keeps as long as the
    # first before she tires and loses the rest (None: every hold's length drawn on its own)
    kept: Range | None = None

    def r(self, key: str) -> Range:
        return self.ranges[key]


@dataclass(frozen=True)
class Scenario:
    """A validated scenario; ``source`` is the file it came from (or ``<generated>``)."""

    name: str
    channels: tuple[Channel, ...]
    sample_rate_hz: float
    blocks: tuple[Block, ...]
    person: dict[str, Range] = field(default_factory=dict)
    nuisances: dict[str, Range] = field(default_factory=dict)
    duration_s: float | None = None
    lead_in_s: Range = (10.0, 20.0)
    tail_s: Range = (5.0, 10.0)
    description: str = ""
    source: str = "<generated>"


def scenario_names() -> list[str]:
    """Names of the scenarios shipped with perineo_sim."""
    folder = resources.files("perineo_sim") / "scenarios"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def load_scenario(name_or_path: str | os.PathLike[str]) -> Scenario:
    """A shipped scenario by name (``"intensive"``) or a TOML file by path."""
    text_path = Path(name_or_path)
    if text_path.suffix == ".toml" or text_path.is_file() or "/" in str(name_or_path):
        try:
            raw = text_path.read_bytes()
        except OSError as exc:
            raise ScenarioError(f"{text_path}: cannot read scenario ({exc.strerror})") from None
        source = str(text_path)
    else:
        res = resources.files("perineo_sim") / "scenarios" / f"{name_or_path}.toml"
        if not res.is_file():
            known = ", ".join(scenario_names())
            raise ScenarioError(f"unknown scenario {name_or_path!r}: expected one of {known}")
        raw, source = res.read_bytes(), f"{name_or_path}.toml"
    return parse_scenario(raw.decode("utf-8", errors="replace"), source)


def parse_scenario(text: str, source: str = "<text>") -> Scenario:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{source}: not valid TOML ({exc})") from None
    return _Reader(source).scenario(doc)


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, expected: str, got: object) -> ScenarioError:
        return ScenarioError(f"{self.source}: key '{key}': expected {expected}, got {got!r}")

    def unknown(self, table: dict[str, object], allowed: set[str], where: str) -> None:
        for key in table:
            if key not in allowed:
                name = f"{where}.{key}" if where else key
                raise ScenarioError(
                    f"{self.source}: key '{name}': unknown, expected one of "
                    + ", ".join(sorted(allowed))
                )

    def range(self, value: object, key: str, lo: float, hi: float, integer: bool = False) -> Range:
        kind = "an integer" if integer else "a number"
        expected = f"{kind} or [low, high] within {lo:g}..{hi:g}"
        vals: list[object] = value if isinstance(value, list) else [value]
        ok_type = int if integer else (int, float)
        nums = [float(v) for v in vals if isinstance(v, ok_type) and not isinstance(v, bool)]
        if not 1 <= len(vals) <= 2 or len(nums) != len(vals):
            raise self.fail(key, expected, value)
        a, b = nums[0], nums[-1]
        if not (lo <= a <= b <= hi):
            raise self.fail(key, expected, value)
        return (a, b)

    def table(self, doc: dict[str, object], key: str) -> dict[str, object]:
        value = doc.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(key, "a table", value)
        return value

    def params(self, doc: dict[str, object], key: str, spec: dict) -> dict[str, Range]:
        table = self.table(doc, key)
        self.unknown(table, set(spec), key)
        out = {}
        for name, (default, lo, hi) in spec.items():
            val = table.get(name)
            out[name] = default if val is None else self.range(val, f"{key}.{name}", lo, hi)
        return out

    def scenario(self, doc: dict[str, object]) -> Scenario:
        self.unknown(doc, TOP_KEYS, "")
        name = doc.get("name", Path(self.source).stem)
        if not isinstance(name, str):
            raise self.fail("name", "a string", name)
        chans = doc.get("channels", [c.value for c in Channel])
        valid = [c.value for c in Channel]
        if (
            not isinstance(chans, list)
            or not all(c in valid for c in chans)
            or ("squeeze" not in chans)
        ):
            raise self.fail("channels", f"a list of {', '.join(valid)} containing squeeze", chans)
        rate = self.range(doc.get("sample_rate_hz", 100.0), "sample_rate_hz", 25.0, 200.0)[0]
        duration = doc.get("duration_s")
        if duration is not None:
            duration = self.range(duration, "duration_s", 1.0, 86400.0)[0]
        blocks_raw = doc.get("block", [])
        if not isinstance(blocks_raw, list):
            raise self.fail("block", "an array of tables [[block]]", blocks_raw)
        blocks = tuple(self.block(b, i) for i, b in enumerate(blocks_raw))
        if not blocks and duration is None:
            raise self.fail("block", "at least one [[block]] (or duration_s)", "none")
        return Scenario(
            name=name,
            channels=ordered_channels(chans),
            sample_rate_hz=rate,
            blocks=blocks,
            person=self.params(doc, "person", PERSON_KEYS),
            nuisances=self.params(doc, "nuisances", NUISANCE_KEYS),
            duration_s=duration,
            lead_in_s=self.range(doc.get("lead_in_s", [10, 20]), "lead_in_s", 0.0, 3600.0),
            tail_s=self.range(doc.get("tail_s", [5, 10]), "tail_s", 0.0, 3600.0),
            description=str(doc.get("description", "")),
            source=self.source,
        )

    def block(self, raw: object, i: int) -> Block:
        where = f"block[{i}]"
        if not isinstance(raw, dict):
            raise self.fail(where, "a table", raw)
        self.unknown(raw, BLOCK_KEYS, where)
        kinds = [k.value for k in RepKind] + ["rest"]
        kind_s = raw.get("kind")
        if kind_s not in kinds:
            raise self.fail(f"{where}.kind", "one of " + ", ".join(kinds), kind_s)
        kind = None if kind_s == "rest" else RepKind(kind_s)
        base = KIND_DEFAULTS[kind or RepKind.BASIC]
        ranges: dict[str, Range] = {}
        for key, default in {**base, **BLOCK_EXTRA}.items():
            val = raw.get(key)
            hi = 100.0 if key in INT_KEYS else 3600.0
            lo = 1.0 if key == "count" else 0.0
            if key == "quick_lifts":
                hi = 5.0
            ranges[key] = (
                default
                if val is None
                else self.range(val, f"{where}.{key}", lo, hi, integer=key in INT_KEYS)
            )
        for key in ("rise_s", "fall_s", "quick_lift_s"):
            if ranges[key][0] <= 0.0:
                raise self.fail(f"{where}.{key}", "a duration above 0", raw.get(key))
        errors = self.errors(raw.get("error", []), f"{where}.error")
        if "breath_hold" in errors and ranges["hold_s"][0] < 6.0:
            raise self.fail(f"{where}.hold_s", "at least 6 s for breath_hold", raw.get("hold_s"))
        probs: dict[str, float] = {}
        for key, fallback in (("error_prob", 1.0), ("draw_in_prob", 0.5)):
            probs[key] = self.range(raw.get(key, fallback), f"{where}.{key}", 0.0, 1.0)[0]
        if not ranges["lost_frac"][1] < 1.0:
            raise self.fail(f"{where}.lost_frac", "fractions below 1", raw.get("lost_frac"))
        kept = None
        if "kept" in raw:
            if kind is not RepKind.ENDURANCE or "breath_hold" in errors:
                raise self.fail(
                    f"{where}.kept", "only in an endurance block without breath_hold", raw["kept"]
                )
            kept = self.range(raw["kept"], f"{where}.kept", 0.0, 100.0, integer=True)
        return Block(kind, ranges, errors, probs["error_prob"], probs["draw_in_prob"], kept)

    def errors(self, value: object, key: str) -> tuple[str, ...]:
        vals = [value] if isinstance(value, str) else value
        if not isinstance(vals, list) or not all(v in ERRORS for v in vals):
            raise self.fail(key, "an error name or list of: " + ", ".join(ERRORS), value)
        if "push_down" in vals and {"abdominal_bracing", "incomplete_release"} & set(vals):
            raise self.fail(key, "push_down alone or with breath_hold (it is not a lift)", value)
        return tuple(dict.fromkeys(vals))
