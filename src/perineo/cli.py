"""The ``perineo`` command line: argparse, one module a command under ``perineo.commands``."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from perineo.commands import build_parser, lang_of, refusal
from perineo.errors import InputError, PerineoError


def main(argv: Sequence[str] | None = None) -> int:
    from perineo.commands.usage import lang_in

    # a usage error is found before --lang has a value: it is looked for in the arguments
    parser = build_parser(lang_in(sys.argv[1:] if argv is None else argv))
    args = parser.parse_args(argv)
    run = getattr(args, "_run", None)
    if run is None:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            parser.print_help()
            return 0
        # `perineo` alone in a terminal opens the app's home screen
        args = parser.parse_args(["train"])
        run = args._run
    lang = lang_of(args)  # refusals are said in the command's language (--lang nn)
    try:
        return int(run(args) or 0)
    except InputError as exc:
        print(f"perineo: {refusal(exc, lang)}", file=sys.stderr)
        return 2
    except PerineoError as exc:
        print(f"perineo: {refusal(exc, lang)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"perineo: {refusal(PerineoError('stopped').keyed('refusal.stopped'), lang)}",
              file=sys.stderr)  # fmt: skip
        return 130
    except BrokenPipeError:
        return 0
