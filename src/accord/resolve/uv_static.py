"""What uv is told about declared metadata (``[[static-metadata]]``), and
the failure of a library that has no wheel and no declared metadata."""

from __future__ import annotations

import json
from collections.abc import Sequence

from packaging.utils import canonicalize_name

from accord._config_resolution import StaticMetadata
from accord.resolve.request import ResolveFailure

NO_WHEEL_ADVICE = (
    "accord never builds a package (a build runs its code): declare its "
    "metadata under [[static-metadata]] in accord.toml"
)


def no_wheel_failure(python: str, names: Sequence[str]) -> ResolveFailure:
    """The failure of libraries with no usable wheel for this Python."""
    listed = ", ".join(names)
    return ResolveFailure(
        python,
        names[0],
        f"no wheel for this Python: {listed}; {NO_WHEEL_ADVICE}",
        tuple(names),
    )


def with_placeholders(
    entries: Sequence[StaticMetadata], names: Sequence[str]
) -> tuple[StaticMetadata, ...]:
    """The declared metadata plus empty metadata for ``names``: only to find
    every library without a wheel in one run, never to pin anything."""
    return (*entries, *(StaticMetadata(name, None) for name in names))


def static_exemptions(
    entries: Sequence[StaticMetadata],
) -> tuple[list[str], list[str]]:
    """The packages uv may take as sdists, and the constraints holding them
    to the versions whose metadata is declared.

    uv reads declared metadata instead of building, but would build any
    other version of the package: a package declared for one version is
    held to it, one declared for every version is free, and one declared
    for several versions (no single constraint says "one of these") is not
    exempt at all: only its wheels are used.
    """
    versions: dict[str, set[str | None]] = {}
    for entry in entries:
        versions.setdefault(canonicalize_name(entry.name), set()).add(entry.version)
    exempt: list[str] = []
    held: list[str] = []
    for name, declared in sorted(versions.items()):
        if None in declared:
            exempt.append(name)
        elif len(declared) == 1:
            exempt.append(name)
            held.append(f"{name}=={next(iter(declared))}")
    return exempt, held


def render_dependency_metadata(entries: Sequence[StaticMetadata]) -> str:
    """uv.toml ``[[dependency-metadata]]`` tables (JSON strings are TOML)."""
    blocks = []
    for entry in entries:
        lines = [
            "[[dependency-metadata]]",
            f"name = {json.dumps(entry.name)}",
            f"requires-dist = {json.dumps(list(entry.requires_dist))}",
        ]
        if entry.version is not None:
            lines.append(f"version = {json.dumps(entry.version)}")
        if entry.requires_python:
            lines.append(f"requires-python = {json.dumps(entry.requires_python)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
