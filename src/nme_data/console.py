"""The `nme-data` console script: the click CLI, then a quick exit.

Once a command has written its output, tearing the interpreter down (freeing every module pandas and
pyarrow loaded) costs about 70 ms, a tenth of a validation, and changes nothing the user sees. So the
script runs the exit handlers (`atexit`, and with them `weakref.finalize` clean-ups such as temporary
directories), flushes stdout and stderr, and leaves with the command's exit code. Only the console
script does this; `nme_data.cli.main`, which tests and other programs call in-process, exits normally.
"""

from __future__ import annotations

import atexit
import os
import sys


def _exit_code(exc: SystemExit) -> int:
    """What Python itself would exit with for this SystemExit (a message goes to stderr, then 1)."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)
    return 1


def run() -> None:
    """Entry point of the `nme-data` script."""
    from nme_data.cli import main

    try:
        main()
        code = 0
    except SystemExit as exc:
        code = _exit_code(exc)
    atexit._run_exitfuncs()  # the handlers a normal exit runs, without the teardown
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe: let Python report it as it always does
        sys.exit(code)
    os._exit(code)
