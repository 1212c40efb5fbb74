"""Scripted repetitions and the detector's event stream for them, in the detector's order.

For tests and demos of the coach, calibration and scoring without a signal.
"""

from __future__ import annotations

from perineo.signal.events import Event, EventKind, Repetition, TechError


def make_rep(
    index: int = 0,
    onset: float = 10.0,
    hold: float | None = 7.0,
    quick: int = 4,
    rise: float = 0.8,
    fall: float = 0.8,
    errors: tuple[TechError, ...] = (),
    drop: float | None = 0.05,
    peak: float = 40.0,
    level: float | None = 35.0,
) -> Repetition:
    """A repetition: rise, hold, ``quick`` lifts 0.5 s apart, release, fall."""
    hold_start = onset + rise if hold is not None else None
    hold_end = hold_start + hold if hold_start is not None and hold is not None else None
    lifts = tuple(hold_end + 0.25 + 0.5 * i for i in range(quick)) if hold_end else ()
    release = (hold_end + 0.5 * quick) if hold_end is not None else onset + rise
    end = release + fall
    return Repetition(
        index=index,
        onset_s=onset,
        onset_detected_s=onset + 0.2,
        hold_start_s=hold_start,
        hold_end_s=hold_end,
        release_s=release,
        end_s=end,
        peak_cmH2O=peak,
        rest_cmH2O=5.0,
        hold_level_cmH2O=level if hold is not None else None,
        hold_drop_fraction=drop if hold is not None else None,
        quick_lifts_s=lifts,
        errors=errors,
    )


def rep_events(rep: Repetition, lag: float = 0.2) -> list[Event]:
    """The detector's events for ``rep`` in order (each announced ``lag`` s late)."""
    i = rep.index

    def ev(kind: EventKind, t: float, error: TechError | None = None) -> Event:
        return Event(kind, t, t + lag, i, error=error)

    out = [ev(EventKind.ONSET, rep.onset_s)]
    for err in rep.errors:
        if err is not TechError.INCOMPLETE_RELEASE:
            out.append(ev(EventKind.ERROR, rep.onset_s + 0.5, error=err))
    if rep.hold_start_s is not None:
        out.append(ev(EventKind.HOLD_START, rep.hold_start_s))
    out += [ev(EventKind.QUICK_LIFT, q) for q in rep.quick_lifts_s]
    if rep.hold_end_s is not None:
        out.append(ev(EventKind.HOLD_END, rep.hold_end_s))
    assert rep.release_s is not None and rep.end_s is not None
    out.append(ev(EventKind.RELEASE, rep.release_s))
    out.append(ev(EventKind.REST, rep.end_s))
    if TechError.INCOMPLETE_RELEASE in rep.errors:
        out.append(ev(EventKind.ERROR, rep.end_s + 1.0, error=TechError.INCOMPLETE_RELEASE))
    out.append(Event(EventKind.REPETITION, rep.end_s, rep.end_s + 1.5, i, repetition=rep))
    return out
