"""Clinic assessment: the PERFECT scheme and the correct-contraction check.

Pure functions over a recording's samples and the detector's repetitions; no UI, no BLE.
The scheme and the step finder (which bring the detector with them) are loaded when first
used, so that the words of the assessment (``perineo.locale``) cost nothing to import.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from perineo.assess.model import Contraction, Movement, Perfect, Step, StepSpan

if TYPE_CHECKING:
    from perineo.assess.bands import band_for
    from perineo.assess.scheme import perfect
    from perineo.assess.steps import infer_steps, is_assessment

_LAZY = {
    "band_for": "perineo.assess.bands",
    "perfect": "perineo.assess.scheme",
    "infer_steps": "perineo.assess.steps",
    "is_assessment": "perineo.assess.steps",
}

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


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'perineo.assess' has no attribute {name!r}")
