"""The ``accord`` command: parse arguments, call the core, render, exit.

Exit status: 0 fine (warnings allowed), 1 findings of error severity or a
failed operation, 2 bad usage or unreadable input. Errors become exit codes
in one place, :func:`main`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from accord.cli._app import EXIT_BAD_INPUT, EXIT_FINDINGS, UsageError
from accord.cli._parser import HANDLER, PARSER, build_parser, parse
from accord.errors import AccordError

__all__ = ["build_parser", "handler", "main"]


def main(argv: Sequence[str] | None = None) -> int:
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
    except AccordError as error:
        print(f"accord: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except SystemExit as stop:
        # argparse exits for --help, --version and usage errors; a caller
        # such as a test gets the status instead of losing its process.
        return stop.code if isinstance(stop.code, int) else EXIT_FINDINGS
    except KeyboardInterrupt:
        return 130


def handler(name: str) -> Callable[..., int]:
    """The function a ``module:function`` name from the parser stands for."""
    module, _, function = name.partition(":")
    run: Callable[..., int] = getattr(importlib.import_module(module), function)
    return run


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
