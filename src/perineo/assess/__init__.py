"""Clinic assessment: the PERFECT scheme and the correct-contraction check.

Pure functions over a recording's samples and the detector's repetitions; no UI, no BLE.
"""

from perineo.assess.bands import band_for
from perineo.assess.model import Contraction, Movement, Perfect, Step, StepSpan
from perineo.assess.scheme import perfect
from perineo.assess.steps import infer_steps, is_assessment

__all__ = [
    "Contraction",
    "Movement",
    "Perfect",
    "Step",
    "StepSpan",
    "band_for",
    "infer_steps",
    "is_assessment",
    "perfect",
]
