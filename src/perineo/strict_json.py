"""JSON as perineo writes it: strict, whatever the numbers.

``json.dumps`` writes ``NaN`` and ``Infinity`` by default, which no JSON parser is obliged
to read. docs/design.md's contract: a value that does not apply (or cannot be a number) is
``null``. ``dumps`` turns every non-finite float into ``None`` and then refuses any that is
left (``allow_nan=False``).
"""

from __future__ import annotations

import json
import math
from typing import IO, Any


def finite(doc: Any) -> Any:
    """``doc`` with every non-finite float (NaN, ±inf) replaced by ``None``, recursively."""
    if isinstance(doc, float):
        return doc if math.isfinite(doc) else None
    if isinstance(doc, dict):
        return {k: finite(v) for k, v in doc.items()}
    if isinstance(doc, (list, tuple)):
        return [finite(v) for v in doc]
    return doc


def dumps(doc: Any, **kwargs: Any) -> str:
    """Strict JSON text of ``doc`` (``json.dumps`` keyword arguments welcome)."""
    return json.dumps(finite(doc), allow_nan=False, **kwargs)


def dump(doc: Any, fh: IO[str], **kwargs: Any) -> None:
    """Strict JSON of ``doc`` written to ``fh``."""
    json.dump(finite(doc), fh, allow_nan=False, **kwargs)
