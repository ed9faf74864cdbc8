"""Artefacts of the pinned set: a PEP 751 lock file and SBOMs (CycloneDX 1.6,
SPDX 2.3), from ``upper-constraints.txt`` and the index."""

from __future__ import annotations

from accord.export.gather import ExportError, Sources, gather
from accord.export.model import ArtefactFile, PinnedPackage, PinnedSet

__all__ = [
    "ArtefactFile",
    "ExportError",
    "PinnedPackage",
    "PinnedSet",
    "Sources",
    "gather",
]


def __dir__() -> list[str]:
    return __all__
