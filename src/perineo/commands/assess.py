"""``perineo assess --patient ID``: the guided PERFECT assessment, stored per patient.

``--sim`` (no value) runs a simulated patient who follows the cues by herself;
``--sim SCENARIO`` plays a scripted simulated session (steps found from its pauses);
``--device ADDRESS`` connects to a probe. ``--no-ui`` runs without the terminal app
(prints the result), for scripts and tests. ``--lang nn`` says the cues, the summary,
the findings and what the command prints in Nynorsk.
"""

from __future__ import annotations

import argparse
import math
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from perineo import strict_json
from perineo.commands.checks import check_seed, check_speed
from perineo.commands.lab_option import add_lsl_argument, lab_outlet
from perineo.errors import InputError
from perineo.lab.bridge import LabListener

if TYPE_CHECKING:
    from perineo.assess.live import AssessSession
    from perineo.locale import Lang

FOLLOW = "follow"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--patient", required=True, metavar="ID", help="pseudonymous patient ID")
    src = p.add_mutually_exclusive_group()
    src.add_argument(
        "--sim",
        nargs="?",
        const=FOLLOW,
        default=None,
        metavar="SCENARIO",
        help="simulated patient who follows the cues (or a scenario name or file)",
    )
    src.add_argument("--device", metavar="ADDRESS", help="connect to this probe")
    p.add_argument("--seed", type=int, default=0, help="simulator seed (default 0)")
    p.add_argument(
        "--speed", type=float, default=1.0, help="simulated time runs this many times faster"
    )
    p.add_argument(
        "--channels",
        default="squeeze,abdominal,tilt",
        help="simulated probe channels, comma separated (default all three)",
    )
    p.add_argument("--no-ui", action="store_true", help="run without the terminal app")
    p.add_argument(
        "--history", action="store_true", help="list the patient's assessments over time and stop"
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument(
        "--lang", choices=("en", "nn"), default="en", help="language of the cues and the result"
    )
    add_lsl_argument(p)


def run(args: argparse.Namespace) -> int:
    from perineo.assess.records import check_patient_id
    from perineo.locale import Lang, say, words

    check_patient_id(args.patient)
    if args.history:
        return _history(args.patient, args.json, Lang(args.lang))
    if args.sim is None and args.device is None:
        raise InputError("choose a source: --sim [SCENARIO] or --device ADDRESS").keyed(
            "refusal.choose_source"
        )
    check_speed(args.speed)
    check_seed(args.seed)
    source, follower, probe = _open(args)
    lab = lab_outlet(args, source.name)

    recording = _recording_path()
    # stored as it starts, so a crash leaves it recoverable, with its patient
    record, sid, aid = _begin(args.patient, probe, args.channels, recording, args.lang)
    try:
        outcome = _run(args, source, follower, lab, recording)
    except Exception:
        # it failed before a sample (the probe not found, Bluetooth off): nothing to
        # recover, so nothing is kept for the next start to call interrupted
        if _holds_samples(recording):
            record.close()  # the next start recovers it from its recording
        else:
            _end(record, sid, aid, None)
        raise
    except BaseException:
        record.close()  # still open: the next start recovers it from its recording
        raise
    if outcome is None or outcome.result is None or outcome.block is None:
        _end(record, sid, aid, None)
        print(f"perineo: {say(args.lang, 'assess.cli.no_samples')}", file=sys.stderr)
        return 1
    assessment_id, path = _store(record, sid, aid, outcome, recording)
    res = outcome.result
    lang = Lang(args.lang)
    if args.json:
        said = res.to_json(words(lang))
        doc = {"assessment_id": assessment_id, "recording": str(path), **said}
        strict_json.dump(doc, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print(f"{args.patient}: {res.line()}")
        for note in res.qualifiers:  # what was left out, how far P or R could read
            print(f"  · {say(lang, note)}")
        print("; ".join(say(lang, n) for n in res.summary))
        print(say(lang, "assess.cli.stored", id=assessment_id))
    return 0


def _run(args: argparse.Namespace, source, follower, lab, recording):
    from perineo.assess.live import AssessOutcome, AssessSession

    outcome: AssessOutcome | None
    if args.no_ui:
        import asyncio

        session = AssessSession(
            source,
            _Quiet(),
            follower=follower,
            steps_from_cues=args.sim in (None, FOLLOW),
            recording_path=recording,
        )
        _lab(session, lab)
        outcome = asyncio.run(session.run())
    else:
        from perineo.tui.screens.assess import AssessApp

        app = AssessApp(source, args.patient, follower=follower, lang=args.lang)
        app.session.steps_from_cues = args.sim in (None, FOLLOW)
        app.session.recording_path = recording
        _lab(app.session, lab)
        outcome = app.run()
    return outcome


def _lab(session: AssessSession, lab: LabListener | None) -> None:
    """``--lsl``: the outlet hears the pipeline (samples, then their events) and the prompts."""
    if lab is not None:
        from perineo.lab.bridge import LabBridge

        session.listeners.append(LabBridge(lab))
        session.prompt_hooks.append(lab.prompt)


def _open(args: argparse.Namespace):
    from perineo.sources.registry import open_source

    speed = math.inf if math.isinf(args.speed) else args.speed
    if args.device is not None:
        return open_source("ble", address=args.device), None, f"probe {args.device}"
    channels = tuple(c.strip() for c in args.channels.split(",") if c.strip())
    if "squeeze" not in channels or not set(channels) <= {"squeeze", "abdominal", "tilt"}:
        raise InputError(
            f"--channels {args.channels!r}: expected squeeze plus any of abdominal, tilt"
        )
    if args.sim == FOLLOW:  # the simulated patient is the source and follows the prompts
        pat = open_source("sim-patient", seed=args.seed, channels=channels, speed=speed)
        return pat, pat, f"simulated (patient seed {args.seed})"
    src = open_source("sim", scenario=args.sim, seed=args.seed, speed=speed)
    return src, None, f"simulated (scenario {args.sim}, seed {args.seed})"


class _Quiet:
    def prompt(self, prompt: object) -> None:
        pass

    def contraction(self, c: object) -> None:
        pass

    def samples(self, block: object, baseline_cmH2O: float) -> None:
        pass

    def finished(self, outcome: object) -> None:
        pass


def _holds_samples(path: Path) -> bool:
    """Whether the recording written as samples arrived holds any (a header alone: none)."""
    try:
        with path.open(encoding="utf-8") as f:
            return sum(1 for _ in zip(range(2), f, strict=False)) > 1
    except OSError:
        return False


def _recording_path():
    """Where the assessment's samples go as they arrive (no patient ID in the file name)."""
    from perineo.paths import data_dir, ensure_private_dir

    folder = ensure_private_dir(data_dir() / "recordings")
    return folder / f"assess-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')}.csv"


def _begin(patient: str, probe: str, channels: str, recording, lang: str):
    """The assessment's session (its liveness lock) and its row, stored before it runs."""
    from perineo.assess.records import begin_assessment
    from perineo.commands import open_record
    from perineo.store.sessions import SessionKind

    record = open_record(lang)  # recovers an assessment a crash interrupted
    try:
        chans = tuple(c.strip() for c in channels.split(",") if c.strip())
        sid = record.start_session(
            kind=SessionKind.ASSESS, program=None, source=probe, channels=chans,
            recording=recording,
        )  # fmt: skip
        aid = begin_assessment(
            record.db, patient=patient, probe=probe, channels=chans, recording=recording,
            session_id=sid,
        )  # fmt: skip
    except BaseException:
        record.close()
        raise
    return record, sid, aid


def _end(record, sid: int, aid: int, status) -> None:
    """Close the assessment's session; one that recorded nothing is not kept."""
    from perineo.assess.records import drop_assessment
    from perineo.store.sessions import SessionStatus

    try:
        if status is None:
            drop_assessment(record.db, aid)
        record.finish_session(sid, None, status=status or SessionStatus.STOPPED)
    finally:
        record.close()


def _store(record, sid: int, aid: int, outcome, path):
    from perineo.assess.records import complete_assessment
    from perineo.recording import write_recording
    from perineo.store.sessions import SessionStatus

    if not path.exists():
        write_recording(path, outcome.block)
    try:
        complete_assessment(
            record.db,
            aid,
            channels=outcome.result.channels,
            steps=outcome.steps,
            result=outcome.result.to_json(),
        )
    except BaseException:
        _end(record, sid, aid, SessionStatus.STOPPED)
        raise
    _end(record, sid, aid, SessionStatus.DONE)
    return aid, path


def _history(patient: str, as_json: bool, lang: Lang) -> int:
    from perineo.assess.records import AssessStatus, assessments
    from perineo.commands import open_record
    from perineo.locale import say

    with open_record(lang) as record:  # an interrupted one is recovered first
        rows = assessments(record.db, patient)
    if as_json:
        docs = [{"assessment_id": a.id, "probe": a.probe, **a.summary()} for a in rows]
        strict_json.dump(docs, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    if not rows:
        print(say(lang, "assess.cli.none_yet", patient=patient))
    for a in rows:
        when = a.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
        status = {
            AssessStatus.RUNNING: "assess.status.running",
            AssessStatus.INTERRUPTED: "assess.status.interrupted",
        }.get(a.status)
        note = "" if status is None else f"  [{say(lang, status)}]"
        print(f"{a.id:>4}  {when}  {a.result.get('perfect', '?')}  ({a.probe}){note}")
    return 0
