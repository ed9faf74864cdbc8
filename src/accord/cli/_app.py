"""What the command handlers share: exit statuses, usage errors, progress
bars, the resolver and the findings report."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

TYPE_CHECKING = False  # typing's, without importing typing (~12 M instructions)
if TYPE_CHECKING:
    from accord._config_resolution import IndexSettings
    from accord.central import CentralRepo
    from accord.findings import Finding
    from accord.resolve.uv import UvResolver

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2


class UsageError(Exception):
    """Bad usage that only a handler can see, such as two arguments that
    contradict each other: main() reports it the way argparse reports its
    own errors, under the command's usage line, and exits 2."""

    def __init__(self, message: str, option: str | None = None) -> None:
        super().__init__(message if option is None else f"argument {option}: {message}")


@contextlib.contextmanager
def progress(total: int, label: str = "projects") -> Iterator[Callable[[], None]]:
    """A progress bar on stderr if it is a terminal; nothing otherwise or -q."""
    from accord.cli._globals import is_quiet

    if is_quiet() or not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(transient=True, console=Console(stderr=True)) as progress:
        task = progress.add_task(label, total=total)
        yield lambda: progress.advance(task)


def resolver_for(
    central: CentralRepo,
    root: Path,
    index_url: str | None,
    extra_index_url: Sequence[str],
    find_links: Sequence[str],
    no_index: bool | None,
    pythons: Sequence[str] = (),
) -> UvResolver:
    from accord.resolve.uv import UvResolver

    settings = central.config.resolution
    index = index_settings(
        settings.index, index_url, extra_index_url, find_links, no_index
    )
    return UvResolver(
        index, settings.platform, settings.static_metadata, root, pythons=pythons
    )


def index_settings(
    base: IndexSettings,
    index_url: str | None,
    extra_index_url: Sequence[str],
    find_links: Sequence[str],
    no_index: bool | None,
) -> IndexSettings:
    return base._replace(
        url=index_url or base.url,
        extra_urls=tuple(extra_index_url) or base.extra_urls,
        find_links=tuple(str(Path(link).resolve()) for link in find_links)
        or base.find_links,
        no_index=base.no_index if no_index is None else no_index,
    )


def check_pythons(pythons: Sequence[str]) -> None:
    import re

    for python in pythons:
        if not re.fullmatch(r"[23]\.\d{1,2}", python):
            raise UsageError(
                f"{python!r} is not a Python version such as 3.12", option="--python"
            )


def finish(
    command: str,
    findings: Sequence[Finding],
    output_format: str,
    title: str,
    root: Path | None = None,
    **extra: object,
) -> int:
    """Report the findings; the exit status says whether any is an error.

    ``root`` is the directory the findings' paths are relative to: the table
    shows them as they open from the current directory, and so do the CI
    formats (github, sarif, junit); JSON keeps them relative to ``root``.
    """
    from accord.cli._globals import is_quiet
    from accord.findings import has_errors, sort_findings
    from accord.report.render import render_json, render_table

    findings = sort_findings(findings)
    if output_format == "json":
        print(render_json(command, findings, **extra))
    elif output_format != "table":
        from accord.report.ci import FindingSet, ci_format, render_ci

        finding_set = FindingSet(title, tuple(findings), root)
        print(render_ci(ci_format(output_format), command, [finding_set]))
    else:
        render_table(findings, sys.stdout, title, root, verdict=not is_quiet())
    return EXIT_FINDINGS if has_errors(findings) else EXIT_OK


def say(message: str) -> None:
    """``accord: message`` on stderr, any URL's credentials masked (an
    error may name an index URL as given, ``https://user:token@host/``) and
    control characters escaped (it may quote what an index said: an escape
    sequence must not reach the terminal)."""
    from accord.masking import mask_credentials

    shown = mask_credentials(message).translate(_ESCAPED)
    with contextlib.suppress(OSError):
        print(f"accord: {shown}", file=sys.stderr)


# C0 controls but line feed and tab, DEL and C1 controls, as \xNN.
_ESCAPED = {
    code: f"\\x{code:02x}"
    for code in (*range(0x20), 0x7F, *range(0x80, 0xA0))
    if chr(code) not in "\n\t"
}
