"""Run checks.py under MicroPython: ``micropython run_checks.py VECTORS_DIR``.

MICROPYPATH must hold firmware/ and tests/firmware/. Prints one line a check and
``checks passed: N/M``; exits 1 if any failed.
"""

import sys

import checks


def main(vectors):
    failed = 0
    found = checks.all_checks()
    for name, fn in found:
        try:
            fn(vectors)
            print("PASS", name)
        except Exception as exc:  # report every failure, keep going
            failed += 1
            print("FAIL", name, type(exc).__name__, exc)
    print("checks passed: %d/%d" % (len(found) - failed, len(found)))
    return 1 if failed else 0


sys.exit(main(sys.argv[1]))
