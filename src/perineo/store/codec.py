"""The stored JSON forms of repetitions, scores, session summaries and calibrations.

Each ``*_to_json`` gives what the training record keeps in its JSON columns and each
``*_from_json`` reads it back, typed, checking every field: a malformed stored value raises
:class:`~perineo.json_fields.FieldError` naming the field (the store adds which row).

* A repetition is kept whole, at full precision (``reps.data``): every field of
  :class:`Repetition` under its own name, tuples as lists, errors by their value. This is
  not :meth:`Repetition.to_json`, the rounded ``analyze`` contract.
* A score (``reps.score_data``) is :meth:`RepScore.to_json` plus ``index``, ``hold_s`` and
  ``quick_lifts``, with ``rest_s`` at full precision.
* A session summary (``sessions.summary``) is :meth:`Summary.to_json`, rounded as the JSON
  contract rounds it; reading it back gives the summary at that precision (``good_share``
  and ``dose_met`` are derived, so they are not read).
* A calibration (``calibrations.data``) is :meth:`Calibration.to_json` and reads back with
  :meth:`Calibration.from_json`.

Rows written before these functions existed have the same layout, so they read unchanged.
"""

from __future__ import annotations

from perineo.json_fields import (
    JsonObject,
    boolean,
    choice,
    choices,
    integer,
    integer_map,
    number,
    number_map,
    numbers,
    objects,
    opt_integer,
    opt_number,
    string,
)
from perineo.program.calibration import Calibration
from perineo.program.scoring import Reason, RepScore, SetSummary, Summary, Verdict
from perineo.signal.events import Repetition, TechError


def rep_to_json(rep: Repetition) -> dict[str, object]:
    """A repetition whole, at full precision (what ``dataclasses.asdict`` gave before)."""
    return {
        "index": rep.index,
        "onset_s": rep.onset_s,
        "onset_detected_s": rep.onset_detected_s,
        "hold_start_s": rep.hold_start_s,
        "hold_end_s": rep.hold_end_s,
        "release_s": rep.release_s,
        "end_s": rep.end_s,
        "peak_cmH2O": rep.peak_cmH2O,
        "rest_cmH2O": rep.rest_cmH2O,
        "hold_level_cmH2O": rep.hold_level_cmH2O,
        "hold_drop_fraction": rep.hold_drop_fraction,
        "quick_lifts_s": list(rep.quick_lifts_s),
        "quick_lift_heights_cmH2O": list(rep.quick_lift_heights_cmH2O),
        "errors": [e.value for e in rep.errors],
        "unverifiable": [e.value for e in rep.unverifiable],
        "pelvic_peak_cmH2O": rep.pelvic_peak_cmH2O,
        "abdominal_rise_cmH2O": rep.abdominal_rise_cmH2O,
        "tilt_change_deg": rep.tilt_change_deg,
        "residual_cmH2O": rep.residual_cmH2O,
        "rise_time_s": rep.rise_time_s,
        "fall_time_s": rep.fall_time_s,
        "extra": dict(rep.extra),
    }


def rep_from_json(d: JsonObject) -> Repetition:
    """A :class:`Repetition` back from :func:`rep_to_json`; optional fields may be missing."""
    return Repetition(
        index=integer(d, "index"),
        onset_s=number(d, "onset_s"),
        onset_detected_s=number(d, "onset_detected_s"),
        hold_start_s=opt_number(d, "hold_start_s"),
        hold_end_s=opt_number(d, "hold_end_s"),
        release_s=opt_number(d, "release_s"),
        end_s=opt_number(d, "end_s"),
        peak_cmH2O=number(d, "peak_cmH2O"),
        rest_cmH2O=number(d, "rest_cmH2O"),
        hold_level_cmH2O=opt_number(d, "hold_level_cmH2O"),
        hold_drop_fraction=opt_number(d, "hold_drop_fraction"),
        quick_lifts_s=numbers(d, "quick_lifts_s"),
        quick_lift_heights_cmH2O=numbers(d, "quick_lift_heights_cmH2O"),
        errors=choices(d, "errors", TechError),
        unverifiable=choices(d, "unverifiable", TechError),
        pelvic_peak_cmH2O=opt_number(d, "pelvic_peak_cmH2O"),
        abdominal_rise_cmH2O=opt_number(d, "abdominal_rise_cmH2O"),
        tilt_change_deg=opt_number(d, "tilt_change_deg"),
        residual_cmH2O=opt_number(d, "residual_cmH2O"),
        rise_time_s=opt_number(d, "rise_time_s"),
        fall_time_s=opt_number(d, "fall_time_s"),
        extra=number_map(d, "extra"),
    )


def score_to_json(s: RepScore) -> dict[str, object]:
    """A score as stored: its JSON contract plus what scoring needs, ``rest_s`` unrounded."""
    return {
        **s.to_json(),
        "index": s.index,
        "hold_s": s.hold_s,
        "quick_lifts": s.quick_lifts,
        "rest_s": s.rest_s,  # full precision
    }


def score_from_json(d: JsonObject) -> RepScore:
    return RepScore(
        index=integer(d, "index"),
        score=integer(d, "score"),
        verdict=choice(d, "verdict", Verdict),
        reasons=choices(d, "reasons", Reason),
        hold_s=opt_number(d, "hold_s"),
        quick_lifts=integer(d, "quick_lifts"),
        rest_s=opt_number(d, "rest_s"),
        set_no=integer(d, "set"),
    )


def summary_to_json(s: Summary) -> dict[str, object]:
    return s.to_json()


def summary_from_json(d: JsonObject) -> Summary:
    """A :class:`Summary` back from :meth:`Summary.to_json` (at its stored precision).

    Older records may also hold a ``perfect`` entry (a PERFECT worked out from the
    repetitions alone, no longer made): it is left unread."""
    return Summary(
        program=string(d, "program"),
        reps=integer(d, "reps"),
        good=integer(d, "good"),
        fix=opt_integer(d, "fix", 0),
        redo=opt_integer(d, "redo", 0),
        mean_score=number(d, "mean_score"),
        sets=tuple(_set_from_json(s) for s in objects(d, "sets")),
        sets_done=opt_integer(d, "sets_done", 0),
        sets_target=opt_integer(d, "sets_target", 1),
        reasons=integer_map(d, "reasons"),
        errors=integer_map(d, "errors"),
        best_peak_cmH2O=opt_number(d, "best_peak_cmH2O"),
        longest_hold_s=opt_number(d, "longest_hold_s"),
        median_hold_s=opt_number(d, "median_hold_s"),
        mean_quick_lifts=opt_number(d, "mean_quick_lifts"),
    )


def _set_from_json(d: JsonObject) -> SetSummary:
    return SetSummary(
        set_no=integer(d, "set"),
        reps=integer(d, "reps"),
        good=integer(d, "good"),
        mean_score=number(d, "mean_score"),
        dose_met=boolean(d, "dose_met"),
    )


def calibration_to_json(cal: Calibration) -> dict[str, object]:
    return cal.to_json()


def calibration_from_json(d: JsonObject) -> Calibration:
    return Calibration.from_json(d)
