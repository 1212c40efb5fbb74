"""Bad input everywhere, fuzzed with hypothesis: recordings, program files, scenario files,
configuration, CLI arguments and BLE packets give only perineo's own one-line errors."""

from __future__ import annotations

import json
import os
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perineo.cli import main
from perineo.errors import ProgramError, ProtocolError, RecordingError, ScenarioError
from perineo.program.loader import parse_program
from perineo.protocol import decode_command, decode_packet, decode_status
from perineo.recording import parse_recording
from perineo.samples import CHANNEL_ORDER
from perineo.sources.ble_assembler import PacketAssembler
from perineo_sim.scenario import parse_scenario

EXAMPLES = int(os.environ.get("PERINEO_FUZZ_EXAMPLES", "150"))  # deeper runs: set it higher
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# -- structured mutation of valid TOML documents -------------------------------------------

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
)
_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def _toml_value(v: Any) -> str:
    if v is None:
        return '""'
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return (
            "nan"
            if v != v
            else ("inf" if v == float("inf") else "-inf" if v == -float("inf") else repr(v))
        )
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {_toml_value(x)}" for k, x in v.items()) + "}"


def _mutated(doc: dict[str, Any], data: st.DataObject) -> str:
    """``doc`` with one key path set to a random value (or removed), as TOML text."""
    doc = json.loads(json.dumps(doc))
    node: Any = doc
    while True:
        keys = list(node.keys()) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            break
        key = data.draw(st.sampled_from(keys))
        child = node[key]
        if isinstance(child, dict | list) and child and data.draw(st.booleans()):
            node = child
            continue
        if isinstance(node, dict) and data.draw(st.integers(0, 4)) == 0:
            del node[key]
        else:
            node[key] = data.draw(_values)
        break
    return _dump(doc)


def _dump(doc: dict[str, Any], prefix: str = "") -> str:
    lines, tables = [], []
    for k, v in doc.items():
        name = json.dumps(str(k))
        if isinstance(v, dict):
            tables.append((f"{prefix}{name}", v))
        elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            for item in v:
                tables.append((f"[{prefix}{name}]", item))
        else:
            lines.append(f"{name} = {_toml_value(v)}")
    for header, body in tables:
        lines.append(f"[{header}]")
        lines.append(_dump(body, "").rstrip())
    return "\n".join(lines) + "\n"


def _builtin(kind: str, name: str) -> dict[str, Any]:
    pkg = "perineo.program" if kind == "programs" else "perineo_sim"
    text = resources.files(pkg).joinpath(kind).joinpath(name).read_text(encoding="utf-8")
    return tomllib.loads(text)


PROGRAMS = [_builtin("programs", n) for n in ("basic.toml", "intensive.toml", "perfect.toml")]
SCENARIOS = [_builtin("scenarios", n) for n in ("basic.toml", "mixed.toml", "perfect.toml")]


def test_the_toml_writer_round_trips_the_shipped_files() -> None:
    for doc in PROGRAMS:
        assert parse_program(_dump(doc)).name == doc["name"]
    for doc in SCENARIOS:
        assert parse_scenario(_dump(doc)).name == doc["name"]


def _one_line(exc: BaseException) -> None:
    msg = str(exc)
    assert msg and "\n" not in msg


@pytest.mark.slow
@FUZZ
@given(st.data())
def test_program_files(data: st.DataObject) -> None:
    text = _mutated(data.draw(st.sampled_from(PROGRAMS)), data)
    try:
        parse_program(text, "fuzz.toml")
    except ProgramError as exc:
        _one_line(exc)


@pytest.mark.slow
@FUZZ
@given(st.data())
def test_scenario_files(data: st.DataObject) -> None:
    text = _mutated(data.draw(st.sampled_from(SCENARIOS)), data)
    try:
        parse_scenario(text, "fuzz.toml")
    except ScenarioError as exc:
        _one_line(exc)


@FUZZ
@given(st.text(max_size=300))
def test_program_and_scenario_text(text: str) -> None:
    for parse, err in ((parse_program, ProgramError), (parse_scenario, ScenarioError)):
        try:
            parse(text, "fuzz.toml")
        except err as exc:
            _one_line(exc)


_cells = st.one_of(
    st.floats(-1e6, 1e6).map(lambda x: f"{x:.4f}"),
    st.sampled_from(["", "nan", "inf", "-", "1e400", "0x10", " 3 ", "1,2", "#", "t"]),
    st.text(max_size=5),
)


@pytest.mark.slow
@FUZZ
@given(
    st.lists(st.sampled_from(["t", *[c.value for c in CHANNEL_ORDER], "x", "", "T"]), max_size=5),
    st.lists(st.lists(_cells, max_size=5), max_size=20),
    st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_recordings(header: list[str], rows: list[list[str]], newline: str) -> None:
    text = newline.join([",".join(header), *(",".join(r) for r in rows)])
    try:
        parse_recording(text, "fuzz.csv")
    except RecordingError as exc:
        _one_line(exc)


@FUZZ
@given(st.binary(max_size=260))
def test_ble_packets(data: bytes) -> None:
    for decode in (decode_packet, decode_status, decode_command):
        try:
            decode(data)
        except ProtocolError as exc:
            _one_line(exc)
    PacketAssembler(CHANNEL_ORDER, 0.0).feed(data, 1.0)  # never raises: counts it


# -- configuration and the command line ----------------------------------------------------


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PERINEO_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ok.csv").write_text(
        "t,squeeze\n" + "".join(f"{i / 50},{i % 7}\n" for i in range(300))
    )
    return tmp_path


@FUZZ
@given(st.binary(max_size=200))
def test_remembered_probes_file(home: Path, data: bytes) -> None:
    from perineo.sources.ble_support import remember_address, remembered_address

    cfg = home / "home" / "config"
    cfg.mkdir(parents=True, exist_ok=True)
    (cfg / "ble_devices.json").write_bytes(data)
    got = remembered_address()
    assert got is None or isinstance(got, str)
    remember_address("F0:0D:00:00:00:01")  # a damaged file is replaced, not a crash
    assert remembered_address() == "F0:0D:00:00:00:01"


@pytest.mark.slow
@FUZZ
@given(st.data())
def test_user_program_folder(
    home: Path, capsys: pytest.CaptureFixture[str], data: st.DataObject
) -> None:
    folder = home / "home" / "config" / "programs"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mine.toml").write_text(_mutated(data.draw(st.sampled_from(PROGRAMS)), data))
    code = main(["programs"])
    err = capsys.readouterr().err
    assert code in (0, 2)
    if code:
        assert err.startswith("perineo: ") and err.count("\n") == 1


_COMMANDS = ["analyze", "sim", "programs", "history", "plan", "export", "report"]
_TOKENS = st.one_of(
    st.sampled_from(
        [
            "--format",
            "json",
            "table",
            "csv",
            "edf",
            "html",
            "--out",
            "out.x",
            "--seed",
            "-1",
            "--rate",
            "0",
            "1e9",
            "nan",
            "--block-s",
            "--days",
            "--leakage",
            "--lang",
            "xx",
            "--program",
            "nope",
            "--speed",
            "ok.csv",
            "missing.csv",
            ".",
            "basic",
            "--list",
            "--overwrite",
            "--sessions",
            "assessment:9",
            "--",
            "-",
            "99",
            "--note",
            "--probe",
        ]
    ),
    st.text(
        alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=8
    ),
)


@pytest.mark.slow
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.sampled_from(_COMMANDS), st.lists(_TOKENS, max_size=5))
def test_command_line(
    home: Path, capsys: pytest.CaptureFixture[str], command: str, args: list[str]
) -> None:
    argv = [command, *args]
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse: usage line + one message, exit 2
        code = exc.code  # type: ignore[assignment]
        assert code in (0, 2)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert code in (0, 1, 2), (argv, err)
    if code:
        last = err.strip().splitlines()[-1]
        assert last.startswith("perineo: "), (argv, err)
