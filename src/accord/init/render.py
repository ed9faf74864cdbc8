"""The text of each central file init writes: pure.

The global list goes through ``validate --fix``'s formatter, so what init
writes is what validate's formatting rules (G016-G018) accept.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from accord.central import DENYLISTS, GLOBAL_REQUIREMENTS, PROJECTS
from accord.config import CONFIG_FILE
from accord.init.draft import SECTIONS, Draft
from accord.init.licences import UNKNOWN, Licence
from accord.model.requirements_file import parse_requirements_file
from accord.rules.formatting import fix_formatting

DENYLIST = DENYLISTS[0]
HEADER = "# Drafted by `accord init` from {count} project(s); review every TODO."


@dataclass(frozen=True, slots=True)
class IndexChoice:
    """The index settings to record in accord.toml (only those given)."""

    url: str | None = None
    extra_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    no_index: bool = False


def render_files(
    draft: Draft,
    licences: Mapping[str, Licence],
    entries: Sequence[str],
    index: IndexChoice,
) -> dict[str, str]:
    """Each file's name and text, in the order they are reported."""
    header = HEADER.format(count=len(entries))
    return {
        PROJECTS: _lines(header, entries),
        GLOBAL_REQUIREMENTS: render_global_list(draft, licences, header),
        DENYLIST: _lines(
            "# Linters and formatters: never pinned, not held to the contract.",
            draft.denylist,
        ),
        CONFIG_FILE: render_config(draft.pythons, index),
    }


def _lines(header: str, items: Sequence[str]) -> str:
    return "".join(f"{line}\n" for line in (header, *items))


def render_global_list(
    draft: Draft, licences: Mapping[str, Licence], header: str
) -> str:
    lines = [header]
    for section in SECTIONS:
        entries = [e for e in draft.entries if e.section == section]
        if not entries:
            continue
        lines += ["", f"## section:{section}"]
        for entry in entries:
            lines += [f"# {why}" for why in entry.rationale]
            licence = licences.get(entry.name)
            comment = UNKNOWN if licence is None else licence.comment
            lines.append(f"{entry.requirement}  # {comment}")
    text = "\n".join(lines) + "\n"
    formatted, _ = fix_formatting(parse_requirements_file(text, GLOBAL_REQUIREMENTS))
    return formatted


def render_config(pythons: Sequence[str], index: IndexChoice) -> str:
    """accord.toml: the Pythons, the lower-bound policy and the index used."""
    lines = [
        "# Drafted by `accord init`: the Pythons are the union of those the",
        "# projects declare (requires-python, classifiers).",
        f"python-versions = [{', '.join(json.dumps(v) for v in pythons)}]",
        'lower-bounds = "project"',
    ]
    table = []
    if index.url:
        table.append(f"url = {json.dumps(index.url)}")
    if index.extra_urls:
        table.append(f"extra-urls = {_array(index.extra_urls)}")
    if index.find_links:
        table.append(f"find-links = {_array(index.find_links)}")
    if index.no_index:
        table.append("no-index = true")
    if table:
        lines += ["", "[index]", *table]
    return "\n".join(lines) + "\n"


def _array(items: Sequence[str]) -> str:
    # JSON strings are TOML basic strings for every character accord writes.
    return "[" + ", ".join(json.dumps(item) for item in items) + "]"
