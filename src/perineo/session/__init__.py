"""The one live pipeline: source → recording → detector → training journal → listeners.

``perineo train``, ``perineo assess`` and ``perineo record`` all run on
:class:`perineo.session.pipeline.Pipeline`; training's calibration and coach
(:mod:`perineo.session.training`), the assessment guide (:mod:`perineo.assess.live`) and
the recorder (:mod:`perineo.commands.record`) are listeners or thin drivers over it. No
Textual here.
"""
