"""The app's own words (titles, labels, keys, warnings, verdicts) by key, in the user's language.

The words are in the catalogues of :mod:`perineo.locale` (English and Norwegian Nynorsk, in
the voice of the Norwegian training program's patient leaflet), beside the coach's prompts.
"""

from __future__ import annotations

from perineo.locale import Lang, catalogue, say

__all__ = ["Lang", "keys", "tr"]


def tr(lang: Lang | str, key: str, **values: object) -> str:
    """The text for ``key`` in ``lang``, formatted with ``values``."""
    return say(lang, key, **values)


def keys() -> tuple[str, ...]:
    """Every key of the catalogues (the app's own and the domain's)."""
    return tuple(catalogue(Lang.EN))
