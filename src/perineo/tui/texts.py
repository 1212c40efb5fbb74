"""Every text the app shows, in English and Norwegian Nynorsk (the seed's voice).

Coaching cues come from :mod:`perineo.program` (the Coach); this module holds the app's own
words: titles, labels, keys, warnings and verdicts.
"""

from __future__ import annotations

from perineo.program.texts import Lang

__all__ = ["Lang", "keys", "tr"]


_TEXTS: dict[str, tuple[str, str]] = {
    # app-wide
    "app.title": ("perineo: pelvic floor training", "perineo: bekkenbotnstrening"),
    "key.quit": ("Quit", "Avslutt"),
    "key.back": ("Back", "Tilbake"),
    "key.pause": ("Pause", "Pause"),
    "key.history": ("History", "Historikk"),
    "key.connect": ("Connect", "Kopla til"),
    "key.sim": ("Simulator", "Simulator"),
    "key.rescan": ("Scan again", "Søk på nytt"),
    "key.lang": ("Norsk", "English"),
    "key.end": ("End session", "Avslutt økta"),
    "key.again": ("New session", "Ny økt"),
    "key.skip": ("Use last", "Bruk førre"),
    "key.home": ("Home", "Start"),
    # home
    "home.heading": ("Choose your probe", "Vel proben din"),
    "home.intro": (
        "Insert the probe, lie or sit comfortably, then choose it below.",
        "Set inn proben, ligg eller sit godt, og vel han nedanfor.",
    ),
    "home.sim_entry": (
        "Simulator: a virtual probe and person (no hardware)",
        "Simulator: ein virtuell probe og person (utan maskinvare)",
    ),
    "home.scanning": ("Scanning for probes…", "Søkjer etter probar…"),
    "home.no_ble": (
        "Bluetooth probes: not available here (use the simulator)",
        "Bluetooth-probar: ikkje tilgjengeleg her (bruk simulatoren)",
    ),
    "home.scan_failed": (
        "Bluetooth scan failed: {problem}. The simulator works without it.",
        "Bluetooth-søket feila: {problem}. Simulatoren verkar utan.",
    ),
    "home.none_found": ("No probe found yet.", "Fann ingen probe enno."),
    "home.device": (
        "{name}  signal {rssi} dBm  battery {battery}",
        "{name}  signal {rssi} dBm  batteri {battery}",
    ),
    "home.program": ("Program: {program}", "Program: {program}"),
    # connection
    "conn.none": ("not connected", "ikkje tilkopla"),
    "conn.connecting": ("connecting…", "koplar til…"),
    "conn.connected": ("connected", "tilkopla"),
    "conn.lost": ("connection lost: reconnecting…", "mista sambandet: koplar til att…"),
    "conn.ended": ("source ended", "kjelda er ferdig"),
    # status line
    "status.source": ("Probe: {name}", "Probe: {name}"),
    "status.quality": ("signal {quality}", "signal {quality}"),
    "status.battery": ("battery {battery}", "batteri {battery}"),
    "status.gap": ("gap {seconds:.1f} s", "hol {seconds:.1f} s"),
    "status.paused": ("PAUSED", "PAUSE"),
    "status.recording_stopped": (
        "recording stopped (disk full?) – coaching goes on",
        "opptaket stoppa (full disk?) – treninga held fram",
    ),
    "quality.good": ("good", "god"),
    "quality.fair": ("fair", "middels"),
    "quality.poor": ("poor", "dårleg"),
    "unknown": ("—", "—"),
    # calibration
    "cal.heading": ("Calibration", "Kalibrering"),
    "cal.settle": (
        "Lie still and breathe calmly while the probe warms up.",
        "Ligg i ro og pust roleg medan proben blir varm.",
    ),
    "cal.rest": (
        "Relax completely: measuring your resting level.",
        "Slepp heilt av: måler kvilenivået ditt.",
    ),
    "cal.mvc": (
        "Squeeze as hard as you can and lift up and in ({n}/3).",
        "Trekk saman så hardt du kan og løft opp og inn ({n}/3).",
    ),
    "cal.mvc_rest": ("Let go and rest ({n}/3 done).", "Slepp ut og kvil ({n}/3 ferdig)."),
    "cal.done": ("Calibration done.", "Kalibreringa er ferdig."),
    "cal.rest_level": ("Resting level {value:.1f} cmH2O", "Kvilenivå {value:.1f} cmH2O"),
    "cal.mvc_value": (
        "Strongest squeeze {value:.1f} cmH2O",
        "Sterkaste samantrekning {value:.1f} cmH2O",
    ),
    "cal.step": ("Step {n}/{total}", "Steg {n}/{total}"),
    # train
    "train.set_rep": (
        "Set {set_no}/{sets}   Rep {rep_no}/{reps}",
        "Runde {set_no}/{sets}   Rep {rep_no}/{reps}",
    ),
    "train.quick": ("Quick lifts", "Raske løft"),
    "train.trace": (
        "Squeeze, last {seconds:.0f} s (cmH2O); band = target",
        "Trykk, siste {seconds:.0f} s (cmH2O); band = mål",
    ),
    "train.last_rep": ("Last rep", "Førre rep"),
    "train.paused": (
        "Paused: rest as long as you like, then press space",
        "Pause: kvil så lenge du vil, og trykk så mellomrom",
    ),
    "train.no_reasons": ("Well done: nothing to fix.", "Godt gjort: ingenting å rette på."),
    "train.no_rep": ("No repetition yet.", "Ingen repetisjon enno."),
    "train.score": ("{score}/100", "{score}/100"),
    "train.waiting": ("Get ready…", "Gjer deg klar…"),
    "train.between_sets": ("Short pause before the next set", "Lita pause før neste runde"),
    # verdicts
    "verdict.good": ("GOOD", "BRA"),
    "verdict.fix": ("FIX", "JUSTER"),
    "verdict.redo": ("REDO", "GJER OM"),
    "error.unverifiable": (
        "This probe cannot tell lifting from pushing down: check by hand.",
        "Denne proben kan ikkje skilje løft frå trykk nedover: sjekk med handa.",
    ),
    # summary
    "sum.heading": ("Session summary", "Oppsummering av økta"),
    "sum.set": (
        "Set {n}: {score}/100, {good} of {reps} good",
        "Runde {n}: {score}/100, {good} av {reps} bra",
    ),
    "sum.session": ("Session score {score}/100", "Poeng for økta {score}/100"),
    "sum.dose": ("Today's dose: {done} of {target} sets", "Dagens dose: {done} av {target} rundar"),
    "sum.next": ("Work on next: {what}", "Arbeid vidare med: {what}"),
    "sum.nothing": (
        "keep it up, hold a little longer next time",
        "hald fram slik, og hald litt lenger neste gong",
    ),
    "sum.last_week": (
        "Last week: {score}/100 over {sessions} sessions",
        "Førre veke: {score}/100 over {sessions} økter",
    ),
    "sum.no_last_week": (
        "No sessions last week to compare with.",
        "Ingen økter førre veke å samanlikne med.",
    ),
    "sum.mvc": ("Strongest squeeze {value:.1f} cmH2O", "Sterkaste samantrekning {value:.1f} cmH2O"),
    "sum.hold": ("Mean hold {value:.1f} s", "Gjennomsnittleg hald {value:.1f} s"),
    "sum.saved": ("Saved to your training record.", "Lagra i treningsloggen din."),
    # history / plan
    "hist.heading": ("History and plan", "Historikk og plan"),
    "hist.days": (
        "Days trained: {days} (last 4 weeks: {recent})",
        "Dagar trena: {days} (siste 4 veker: {recent})",
    ),
    "hist.trend": (
        "{weeks} weeks: MVC {mvc} cmH2O · hold {hold} s · good {good} % · errors {errors}",
        "{weeks} veker: MVC {mvc} cmH2O · hald {hold} s · bra {good} % · feil {errors}",
    ),
    "hist.col.date": ("Date", "Dato"),
    "hist.col.program": ("Program", "Program"),
    "hist.col.sets": ("Sets", "Rundar"),
    "hist.col.score": ("Score", "Poeng"),
    "hist.col.mvc": ("MVC", "MVC"),
    "hist.col.hold": ("Hold s", "Hald s"),
    "hist.col.good": ("Good %", "Bra %"),
    "hist.col.errors": ("Errors", "Feil"),
    "hist.empty": (
        "No sessions yet: your first one starts from the home screen.",
        "Ingen økter enno: den første startar du frå startsida.",
    ),
    "hist.plan": ("Plan: {phase}", "Plan: {phase}"),
    "hist.rules": (
        "Train intensively for at least 6 months. Symptom-free: go over to maintenance "
        "(8–12 hard squeezes 1–2 times a week). Improving: keep on. No improvement: "
        "contact your doctor or physiotherapist.",
        "Tren intensivt i minst 6 månader. Symptomfri: gå over på vedlikehaldstrening "
        "(8–12 harde samantrekningar 1–2 gonger per veke). Betring: hald fram. Inga betring: "
        "kontakt legen din eller ein fysioterapeut.",
    ),
}


def tr(lang: Lang | str, key: str, **values: object) -> str:
    """The text for ``key`` in ``lang``, formatted with ``values``."""
    try:
        en, nn = _TEXTS[key]
    except KeyError:
        raise KeyError(f"no text {key!r}") from None
    text = nn if Lang(lang) is Lang.NN else en
    return text.format(**values) if values else text


def keys() -> tuple[str, ...]:
    return tuple(_TEXTS)
