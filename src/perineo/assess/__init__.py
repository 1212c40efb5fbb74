"""Clinic assessment: the PERFECT scheme and the correct-contraction check.

Pure functions over a recording's samples and the detector's repetitions; no UI, no BLE.
The package itself holds only the model (light, for the words of ``perineo.locale``); the
scheme (:func:`perineo.assess.scheme.perfect`), the step finder (``perineo.assess.steps``)
and the bands (``perineo.assess.bands``) bring the detector with them and are imported
from their modules.
"""

from perineo.assess.model import Contraction, Movement, Perfect, Step, StepSpan

__all__ = ["Contraction", "Movement", "Perfect", "Step", "StepSpan"]
