"""``--lsl [NAME]``: the option of train, assess and record that publishes the session on
Lab Streaming Layer (perineo.lab; pylsl is imported only when it is given)."""

from __future__ import annotations

import argparse

from perineo.lab.bridge import LabListener


def add_lsl_argument(p: argparse.ArgumentParser) -> None:
    """``--lsl [NAME]``: publish the session as LSL streams NAME and NAME-markers."""
    p.add_argument(
        "--lsl",
        nargs="?",
        const="perineo",
        default=None,
        metavar="NAME",
        help="publish the probe's channels and perineo's events on the local network as Lab "
        "Streaming Layer streams NAME and NAME-markers (default perineo; needs perineo[lab])",
    )


def lab_outlet(args: argparse.Namespace, source_name: str) -> LabListener | None:
    """The LSL outlet ``--lsl`` asks for, or ``None`` (pylsl is imported only here)."""
    name = getattr(args, "lsl", None)
    if name is None:
        return None
    from perineo.lab.lsl_outlet import open_outlet

    return open_outlet(source_name, name=name)
