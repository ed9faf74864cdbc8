"""The graph of the pins from uv: ``uv pip compile`` of the pins themselves,
annotated (``# via``), on one Python.

Every pin is a requirement, so the resolution is the pins (a library the
pins lack is taken from the index, as a deployment would); uv evaluates each
release's ``Requires-Dist`` markers for the Python and platform, and its
``# via`` lines say which package required which. Like every resolution of
accord it never builds anything (``--only-binary :all:``, with
``[[static-metadata]]`` for sdist-only libraries). uv's annotation format
is parsed only here.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from packaging.utils import NormalizedName, canonicalize_name

from accord._config_resolution import IndexSettings, StaticMetadata
from accord.affected.graph import Graph, graph_from_parents
from accord.errors import AccordError
from accord.resolve.uv import find_uv, summarize_failure
from accord.resolve.uv_static import render_dependency_metadata, static_exemptions

_PACKAGE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*(?:==|@)")
_VIA = re.compile(r"^\s+#\s+(?:via\s+)?(\S.*)$")
_TIMEOUT = 30 * 60


class GraphFailed(AccordError):
    """The pins could not be resolved into a graph on some Python."""


def index_arguments(index: IndexSettings, base: Path) -> list[str]:
    """uv's index options for these settings (find-links relative to ``base``)."""
    arguments: list[str] = []
    if index.no_index:
        arguments.append("--no-index")
    if index.url:
        arguments += ["--index-url", index.url]
    for url in index.extra_urls:
        arguments += ["--extra-index-url", url]
    for link in index.find_links:
        local = "://" not in link
        arguments += ["--find-links", str((base / link).resolve()) if local else link]
    return arguments


class UvGraphSource:
    def __init__(
        self,
        index: IndexSettings,
        base: Path,
        platform: str = "linux",
        static_metadata: Sequence[StaticMetadata] = (),
        uv: str | None = None,
    ) -> None:
        self.index = index
        self.base = base
        self.platform = platform
        self.static_metadata = tuple(static_metadata)
        self.uv = uv or find_uv()

    def graph(self, python: str, requirements: Sequence[str]) -> Graph:
        with tempfile.TemporaryDirectory(prefix="accord-graph-") as tmp:
            work = Path(tmp)
            (work / "pins.in").write_text("\n".join(requirements) + "\n")
            output = work / "graph.txt"
            command = [
                self.uv, "pip", "compile", str(work / "pins.in"),
                "--output-file", str(output),
                "--python-version", python,
                "--python-platform", self.platform,
                "--no-header", "--annotation-style", "split", "--quiet",
                "--no-python-downloads", "--only-binary", ":all:",
            ]  # fmt: skip
            exempt, held = static_exemptions(self.static_metadata)
            for name in exempt:
                command += ["--no-binary", name]
            if held:
                (work / "holds.txt").write_text("\n".join(held) + "\n")
                command += ["--constraint", str(work / "holds.txt")]
            command += index_arguments(self.index, self.base)
            if self.static_metadata:
                config = work / "uv.toml"
                config.write_text(render_dependency_metadata(self.static_metadata))
                command += ["--config-file", str(config)]
            else:
                command.append("--no-config")
            try:
                result = subprocess.run(
                    command,
                    capture_output=True,
                    text=True,
                    check=False,
                    timeout=_TIMEOUT,
                    env={**os.environ, "UV_NO_PROGRESS": "1"},
                )
            except (OSError, subprocess.TimeoutExpired) as error:
                raise GraphFailed(f"Python {python}: {error}") from error
            if result.returncode != 0:
                failure = summarize_failure(python, result.stderr)
                where = f" ({failure.package})" if failure.package else ""
                raise GraphFailed(
                    f"the pins do not resolve on Python {python}{where}: "
                    f"{failure.reason}"
                )
            return graph_from_parents(python, parse_via(output.read_text()))


def parse_via(text: str) -> dict[NormalizedName, set[NormalizedName]]:
    """``{package: the packages it is required by}`` from uv's split
    annotations (``-r file`` lines, the requirements themselves, dropped)."""
    parents: dict[NormalizedName, set[NormalizedName]] = {}
    current: NormalizedName | None = None
    for line in text.splitlines():
        package = _PACKAGE.match(line)
        if package:
            current = canonicalize_name(package.group(1))
            parents.setdefault(current, set())
            continue
        via = _VIA.match(line)
        if current is None or via is None:
            continue
        for part in via.group(1).split(","):
            word = part.strip()
            if not word or word.startswith(("-r", "-c", "via")):
                continue
            name = word.split("[", 1)[0].split(" ", 1)[0]
            parents[current].add(canonicalize_name(name))
    return parents
