"""The ``accord`` command: parse arguments, call the core, render, exit.

Exit status: 0 fine (warnings allowed), 1 findings of error severity or a
failed operation, 2 bad usage or unreadable input. Errors become exit codes
in one place, :func:`main`: accord's own errors are one line naming the
file and line; an operating-system error (a full disk, a read-only
directory) is one line naming the path; anything else is a bug, reported in
one line with where to report it, and its traceback only under
``--verbose``. A closed pipe (``accord ... | head``) ends quietly.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import gc
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from accord.cli._app import EXIT_BAD_INPUT, EXIT_FINDINGS, UsageError, say
from accord.cli._parser import HANDLER, PARSER, build_parser, parse
from accord.errors import AccordError, InputError, shorten

__all__ = ["build_parser", "handler", "main"]

VERBOSE = "--verbose"
REPORT_TO = "the accord developers' issue tracker"


def main(argv: Sequence[str] | None = None) -> int:
    # What a run allocates is mostly kept to its end (lines, findings), so
    # the collector's default pace (every 700 objects, each pass rescanning
    # what survived) only costs time: a file of 20,000 lines spent a tenth
    # of its check there. Cycles are still collected, less often (as mypy).
    gc.set_threshold(100_000, 20, 20)
    if argv is None:
        # accord's own process, which ends with this command: its objects go
        # to the collector's permanent generation at exit, so the exit's
        # collections do not rescan every module's (~10 M instructions).
        # Called with argv (tests, scripts), the process goes on: no freeze.
        atexit.register(gc.freeze)
    argv = list(sys.argv[1:] if argv is None else argv)
    verbose = _take_verbose(argv)
    try:
        status = _run(argv)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_FINDINGS
    except KeyboardInterrupt:
        return 130
    except InputError as error:
        _say(f"error: {error}")
        return EXIT_BAD_INPUT
    except AccordError as error:
        _say(f"error: {error}")
        return EXIT_FINDINGS
    except OSError as error:
        _say(f"error: {_describe_os_error(error)}")
        _traceback(verbose)
        return EXIT_FINDINGS
    except Exception as error:  # a bug: RecursionError, MemoryError included
        _say(
            f"internal error: {type(error).__name__}: {error}; this is a bug in "
            f"accord, please report it to {REPORT_TO} with the command you ran"
            + ("" if verbose else f" (run it again with {VERBOSE} for the traceback)")
        )
        _traceback(verbose)
        return EXIT_FINDINGS
    return status


def _run(argv: list[str]) -> int:
    try:
        options = vars(parse(argv))
        name: str | None = options.pop(HANDLER)
        parser: argparse.ArgumentParser = options.pop(PARSER)
        if name is None:  # `accord` or a group such as `accord fleet` alone
            parser.print_help(sys.stderr)
            return EXIT_BAD_INPUT
        try:
            return handler(name)(**options)
        except UsageError as error:
            parser.error(str(error))
    except SystemExit as stop:
        # argparse exits for --help, --version and usage errors; a caller
        # such as a test gets the status instead of losing its process.
        return stop.code if isinstance(stop.code, int) else EXIT_FINDINGS


def _take_verbose(argv: list[str]) -> bool:
    """Whether ``--verbose`` is among the options (it is taken out: every
    command accepts it, before or after its name)."""
    end = argv.index("--") if "--" in argv else len(argv)
    found = VERBOSE in argv[:end]
    argv[:end] = [word for word in argv[:end] if word != VERBOSE]
    return found


def _describe_os_error(error: OSError) -> str:
    reason = error.strerror or str(error)
    name = error.filename
    return reason if name is None else f"{os.fsdecode(name)}: {reason}"


def _say(message: str) -> None:
    """One line, whatever the error echoes (a long word is shortened)."""
    say(shorten(message))


def _traceback(verbose: bool) -> None:
    if verbose:
        import traceback

        traceback.print_exc(file=sys.stderr)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush on exit
    does not fail again on the closed pipe."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def handler(name: str) -> Callable[..., int]:
    """The function a ``module:function`` name from the parser stands for."""
    module, _, function = name.partition(":")
    run: Callable[..., int] = getattr(importlib.import_module(module), function)
    return run


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
