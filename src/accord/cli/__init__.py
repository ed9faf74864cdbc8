"""The ``accord`` command: parse arguments, call the core, render, exit.

Exit status: 0 fine (warnings allowed), 1 findings of error severity or a
failed operation, 2 bad usage or unreadable input. Errors become exit codes
in one place, :func:`main`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from accord.cli._app import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, cli
from accord.errors import AccordError

__all__ = ["cli", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    try:
        cli.main(args=argv, prog_name="accord", standalone_mode=False)
    except click.exceptions.Exit as stop:
        return stop.exit_code
    except click.ClickException as error:
        error.show()
        return EXIT_BAD_INPUT
    except click.exceptions.Abort:
        click.echo("accord: aborted", err=True)
        return EXIT_BAD_INPUT
    except AccordError as error:
        click.echo(f"accord: error: {error}", err=True)
        return EXIT_BAD_INPUT
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else EXIT_FINDINGS
    except KeyboardInterrupt:
        return 130
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
