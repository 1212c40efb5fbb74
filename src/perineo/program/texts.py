"""Coaching words in English and Norwegian Nynorsk; the Nynorsk follows the seed's wording.

Technique warnings say what to do instead, not only what went wrong.
"""

from __future__ import annotations

from enum import StrEnum

from perineo.signal.events import TechError


class Lang(StrEnum):
    EN = "en"
    NN = "nn"


class Text(StrEnum):
    SQUEEZE = "squeeze"
    SQUEEZE_MAX = "squeeze_max"
    SQUEEZE_LIGHT = "squeeze_light"
    RISING = "rising"
    HOLD = "hold"
    QUICK = "quick"
    LET_GO = "let_go"
    RELEASING = "releasing"
    REST = "rest"
    SET_PAUSE = "set_pause"
    DONE = "done"
    SETTLE = "settle"
    REST_LEVEL = "rest_level"
    MVC = "mvc"
    CALIBRATED = "calibrated"
    GAP = "gap"
    ASSESS_SQUEEZE = "assess_squeeze"
    HOLD_UP = "hold_up"
    FAST = "fast"
    ASSESS_DONE = "assess_done"
    GOOD = "good"
    HOLD_SHORT = "hold_short"
    HOLD_LONG = "hold_long"
    LEVEL_DROPPED = "level_dropped"
    QUICK_LIFTS_MISSING = "quick_lifts_missing"
    QUICK_LIFTS_EXTRA = "quick_lifts_extra"
    REST_SHORT = "rest_short"
    PUSH_DOWN = TechError.PUSH_DOWN.value
    ABDOMINAL_BRACING = TechError.ABDOMINAL_BRACING.value
    BREATH_HOLD = TechError.BREATH_HOLD.value
    INCOMPLETE_RELEASE = TechError.INCOMPLETE_RELEASE.value


_EN: dict[Text, str] = {
    Text.SQUEEZE: "Squeeze and lift",
    Text.SQUEEZE_MAX: "Squeeze as hard as you can and lift",
    Text.SQUEEZE_LIGHT: "Squeeze lightly and lift",
    Text.RISING: "Up and in…",
    Text.HOLD: "Hold {n}…",
    Text.QUICK: "Quick lifts {n}/{m}",
    Text.LET_GO: "Let go",
    Text.RELEASING: "Let go fully…",
    Text.REST: "Rest {n}…",
    Text.SET_PAUSE: "Set {k} done – pause {n}…",
    Text.DONE: "Well done – {k} sets done",
    Text.SETTLE: "Lie still and breathe calmly – the probe is settling",
    Text.REST_LEVEL: "Relax – measuring your resting level",
    Text.MVC: "Squeeze as hard as you can ({k}/{m})",
    Text.CALIBRATED: "Calibrated – strongest squeeze {n} cmH2O",
    Text.GAP: "Signal lost – check the probe",
    Text.ASSESS_SQUEEZE: "Squeeze as hard as you can and hold ({k}/{m})",
    Text.HOLD_UP: "Hold as long as you can – {n} s",
    Text.FAST: "Quick squeeze and let go ({k}/{m})",
    Text.ASSESS_DONE: "Done – P {p} cmH2O, E {e} s, R {r}, F {f}",
    Text.GOOD: "Good!",
    Text.HOLD_SHORT: "Hold a little longer",
    Text.HOLD_LONG: "Let go a little sooner",
    Text.LEVEL_DROPPED: "Keep the squeeze all through the hold",
    Text.QUICK_LIFTS_MISSING: "Add the quick lifts at the end of the hold",
    Text.QUICK_LIFTS_EXTRA: "{m} quick lifts are enough",
    Text.REST_SHORT: "Rest fully before the next one",
    Text.PUSH_DOWN: "Lift up and in – do not push down",
    Text.ABDOMINAL_BRACING: "Relax belly, buttocks and thighs – use only the pelvic floor",
    Text.BREATH_HOLD: "Keep breathing calmly – do not hold your breath",
    Text.INCOMPLETE_RELEASE: "Let go fully – relax all the way",
}

_NN: dict[Text, str] = {
    Text.SQUEEZE: "Trekk saman og løft",
    Text.SQUEEZE_MAX: "Trekk saman så hardt du kan, og løft opp og inn",
    Text.SQUEEZE_LIGHT: "Trekk lett saman og løft opp og inn",
    Text.RISING: "Opp og inn …",
    Text.HOLD: "Hald {n} …",
    Text.QUICK: "Raske løft {n}/{m}",
    Text.LET_GO: "Slepp ut igjen",
    Text.RELEASING: "Slepp heilt ut …",
    Text.REST: "Pause {n} …",
    Text.SET_PAUSE: "Runde {k} ferdig – pause {n} …",
    Text.DONE: "Bra! {k} rundar ferdige",
    Text.SETTLE: "Ligg i ro og pust roleg – proben finn roa",
    Text.REST_LEVEL: "Slepp av – måler kvilenivået ditt",
    Text.MVC: "Trekk saman så hardt du kan ({k}/{m})",
    Text.CALIBRATED: "Ferdig – hardaste samantrekning {n} cmH2O",
    Text.GAP: "Signalet fall ut – sjekk proben",
    Text.ASSESS_SQUEEZE: "Trekk saman så hardt du kan, og hald ({k}/{m})",
    Text.HOLD_UP: "Hald så lenge du kan – {n} s",
    Text.FAST: "Raskt løft, og slepp ({k}/{m})",
    Text.ASSESS_DONE: "Ferdig – P {p} cmH2O, E {e} s, R {r}, F {f}",
    Text.GOOD: "Bra!",
    Text.HOLD_SHORT: "Prøv å halde litt lenger",
    Text.HOLD_LONG: "Slepp litt før",
    Text.LEVEL_DROPPED: "Hald krafta gjennom heile haldeperioden",
    Text.QUICK_LIFTS_MISSING: "Legg til dei raske løfta på slutten av haldeperioden",
    Text.QUICK_LIFTS_EXTRA: "{m} raske løft er nok",
    Text.REST_SHORT: "Ta ei heil pause før neste",
    Text.PUSH_DOWN: "Løft opp og inn – ikkje trykk nedover",
    Text.ABDOMINAL_BRACING: "Slepp magen, setet og låra – bruk berre bekkenbotnen",
    Text.BREATH_HOLD: "Pust roleg vidare – ikkje hald pusten",
    Text.INCOMPLETE_RELEASE: "Slepp heilt ut – la musklane kvile",
}

TEXTS: dict[Lang, dict[Text, str]] = {Lang.EN: _EN, Lang.NN: _NN}


def say(key: Text, lang: Lang = Lang.EN, **values: object) -> str:
    """The words for ``key`` in ``lang``, with ``{n}``, ``{m}``, ``{k}`` filled in."""
    return TEXTS[lang][key].format(**{k: _fmt(v) for k, v in values.items()})


def _fmt(v: object) -> object:
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v
