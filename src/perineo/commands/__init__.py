"""One module a CLI command; each has ``add_arguments(parser)`` and ``run(args) -> int``.

Command modules import heavy dependencies (textual, bleak) inside ``run`` only, so that
``perineo --help`` and the signal-only commands stay fast.
"""
