"""What every distro source answers with, and how answers are ranked.

A source (``DebianIndex``, ``RpmRepo``, a plugin) maps a PyPI project to the
packages of its distros that hold it.  ``best`` keeps each distro's highest
version; versions are compared the way the distro's package manager does
(dpkg's order for ``deb``, rpm's for ``rpm``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, NamedTuple, Protocol, runtime_checkable

from packaging.utils import canonicalize_name

from accord.distro.versions import debian_version_key, rpm_version_key

__all__ = ["DistroPackage", "DistroSource", "Hit", "best", "project_keys"]

Kind = Literal["binary", "source"]
Family = Literal["deb", "rpm"]


class DistroPackage(NamedTuple):
    """One package of one distro that matches a PyPI project."""

    distro: str
    package: str
    version: str
    upstream_version: str
    kind: Kind
    family: Family = "deb"  # whose version order ``version`` follows


@runtime_checkable
class DistroSource(Protocol):
    """Anything that can say which packages of its distros match a project."""

    name: str

    def lookup(self, project: str) -> list[DistroPackage]: ...


class Hit(NamedTuple):
    package: DistroPackage
    rank: int  # 0 direct name, 1 Provides:, 2 Source: field or a source package


def version_key(package: DistroPackage) -> tuple[object, ...]:
    # The family first: two families in one distro never compare their versions.
    if package.family == "rpm":
        return ("rpm", *rpm_version_key(package.version))
    return ("deb", *debian_version_key(package.version))


def best(hits: Sequence[Hit]) -> list[DistroPackage]:
    """Each distro's highest version; at equal versions a binary package wins
    over a source, a direct name over ``Provides:`` over ``Source:``, and a
    shorter name over a longer one (``python3-yaml`` over its ``-dbg``)."""
    by_distro: dict[str, list[Hit]] = {}
    for hit in hits:
        by_distro.setdefault(hit.package.distro, []).append(hit)
    return [
        max(
            group,
            key=lambda h: (
                version_key(h.package),
                h.package.kind == "binary",
                -h.rank,
                -len(h.package.package),
            ),
        ).package
        for _, group in sorted(by_distro.items())
    ]


def project_keys(project: str) -> set[str]:
    """The keys a PyPI project is looked up under: its canonical name, and
    that name less a leading ``python-`` (``python-dateutil``: ``dateutil``)."""
    canonical = canonicalize_name(project)
    return {canonical, canonical.removeprefix("python-") or canonical}
