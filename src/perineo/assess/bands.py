"""Modified-Oxford-like bands for a squeeze pressure, by published manometry cut-offs.

Angelo et al. (2017, PLoS ONE 12(10): e0187045) mapped vaginal manometry to the modified
Oxford scale in 259 women: 7.5–14.5 cmH2O very weak, 14.6–26.5 weak, 26.6–41.5 moderate,
41.6–60.5 good, 60.6 and above strong. Pressures depend on the probe (balloon size and
placement): the band is a guide for that study's kind of probe, not a grade.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OxfordBand:
    """A modified-Oxford-like band for a squeeze pressure (probe-dependent)."""

    grade: int  # 0 below the lowest band, 1–5
    # the band's name in the cited study (English, data in the JSON as the study gives it);
    # where a band is shown, its words are the catalogue's ``assess.band.<grade>``
    label: str
    low_cmH2O: float
    high_cmH2O: float | None

    def to_json(self) -> dict[str, object]:
        return {
            "grade": self.grade,
            "label": self.label,
            "low_cmH2O": self.low_cmH2O,
            "high_cmH2O": self.high_cmH2O,
            "source": "Angelo et al. 2017, PLoS ONE 12(10):e0187045; probe-dependent",
        }


BANDS: tuple[OxfordBand, ...] = (
    OxfordBand(0, "below the scale", 0.0, 7.5),
    OxfordBand(1, "very weak", 7.5, 14.6),
    OxfordBand(2, "weak", 14.6, 26.6),
    OxfordBand(3, "moderate", 26.6, 41.6),
    OxfordBand(4, "good", 41.6, 60.6),
    OxfordBand(5, "strong", 60.6, None),
)


def band_for(power_cmH2O: float | None) -> OxfordBand | None:
    """The band a squeeze pressure above rest falls in (None for no measurement)."""
    if power_cmH2O is None:
        return None
    for b in reversed(BANDS):
        if power_cmH2O >= b.low_cmH2O:
            return b
    return BANDS[0]
