"""The cooldown's vulnerability exemption: a library whose current pin has a
known vulnerability may take the release that fixes it at once.

Pure: the advisories (from OSV, as ``accord audit`` reads them), the
index's pages and the cutoffs are passed in. A library is exempt when an
advisory of its pin names a fixed release and every release from the one
needed on is younger than the library's cutoff (if a fix is already past
its cooldown, the cooldown keeps nothing out). The release needed is, per
advisory, the first fixed release after the pin, and of those the newest.
The exemption lets uv take that library's releases up to now, but only up
to the series of the release needed (``name<X.Y+1``): a fix, not whatever
else came out since.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from packaging.utils import NormalizedName
from packaging.version import Version

from accord.audit.model import Advisory
from accord.index.model import ProjectPage
from accord.resolve.cooldown import Cutoffs, uploaded_at

Key = tuple[NormalizedName, Version]


@dataclass(frozen=True, slots=True)
class VulnerabilityFix:
    """A library exempt from the cooldown for the release fixing its pin."""

    name: NormalizedName
    pinned: Version  # the vulnerable pin (the oldest, if it differs by Python)
    fixed: Version  # the release needed: the first fix of every advisory
    advisories: tuple[str, ...]  # ids (with the fix each needs)

    @property
    def below(self) -> Version:
        """The first release of the series after the fix's: the cap."""
        major, minor = (*self.fixed.release, 0)[:2]
        return Version(f"{major}.{minor + 1}")

    def constraint(self) -> str:
        return f"{self.name}<{self.below}"

    def describe(self) -> str:
        return (
            f"exempt from the cooldown as a vulnerability fix: {self.name} "
            f"{self.pinned} has {', '.join(self.advisories)}; its releases "
            f"below {self.below} are taken at once"
        )


def vulnerability_fixes(
    pins: Iterable[Key],
    advisories: Mapping[Key, tuple[Advisory, ...]],
    pages: Mapping[NormalizedName, ProjectPage],
    limits: Cutoffs,
) -> list[VulnerabilityFix]:
    """The libraries whose pin's fix the cooldown would keep out."""
    needed: dict[NormalizedName, tuple[Version, Version, list[str]]] = {}
    for name, version in sorted(set(pins)):
        for advisory in advisories.get((name, version), ()):
            fix = advisory.fix_for(version)
            if fix is None:
                continue  # no release fixes it: nothing to take
            pinned, newest, ids = needed.get(name, (version, fix, []))
            ids.append(f"{advisory.id} (fixed in {fix})")
            needed[name] = (min(pinned, version), max(newest, fix), ids)
    found = []
    for name, (pinned, fixed, ids) in sorted(needed.items()):
        cutoff = limits.for_name(name)
        if cutoff is None:
            continue  # nothing waits for this library anyway
        page = pages.get(name)
        if page is not None and _fix_out_of_cooldown(page, fixed, cutoff):
            continue
        found.append(VulnerabilityFix(name, pinned, fixed, tuple(dict.fromkeys(ids))))
    return found


def _fix_out_of_cooldown(
    page: ProjectPage, fixed: Version, cutoff: datetime.datetime
) -> bool:
    for version in page.versions:
        if version >= fixed and not version.is_prerelease:
            uploaded = uploaded_at(page, version)
            if uploaded is not None and uploaded <= cutoff:
                return True
    return False
