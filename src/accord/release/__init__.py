"""Releases through review: request files in OpenStack's releases format,
their checks, and the steps that make a release (tag, build, publish,
announce, hand the version to the pins)."""

from __future__ import annotations

from accord.release._yaml import parse_deliverable
from accord.release.checks import Request, check_requests
from accord.release.errors import ReleaseError
from accord.release.model import Branch, Deliverable, ProjectRef, Release
from accord.release.validate import validate_change

__all__ = [
    "Branch",
    "Deliverable",
    "ProjectRef",
    "Release",
    "ReleaseError",
    "Request",
    "check_requests",
    "parse_deliverable",
    "validate_change",
]


def __dir__() -> list[str]:
    return __all__
