"""A011 and A012: the admission review's questions, asked again of the pin.

A library admitted to the global list has its review kept in
``reviews/<name>.json`` (``accord review --save``). The audit asks the
criteria that can be asked again without the network beyond the index's
cached pages (whether it is maintained, its licence, its Pythons, and the
distributions packaging it) of the pinned release, with the review's own
criterion functions, and reports each that passed at admission and no
longer does. Pure: the gathering is in :mod:`accord.audit.run`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import NamedTuple

from accord.audit.checks import RULES, Site
from accord.config import Config
from accord.findings import Finding
from accord.index.model import CoreMetadata, ProjectPage
from accord.licenses import same_license
from accord.review_store import StoredReview
from accord.rules.review import (
    Criterion,
    Evidence,
    ReviewPolicy,
    check_distro,
    check_license,
    check_maintained,
    check_python3,
)

# The review's criteria the audit asks again. Not the vulnerabilities (A001
# asks OSV), nor the name's likeness to others' (typosquat, duplicates) or
# the global-list line (specifier): none is about the pinned release.
REASKED: tuple[Callable[[Evidence, ReviewPolicy], Criterion], ...] = (
    check_maintained,
    check_license,
    check_python3,
    check_distro,
)
_RANK = {"pass": 0, "unknown": 0, "warn": 1, "fail": 2}

Packaged = tuple[tuple[str, str, str], ...]  # (distro, package, version)


class Asked(NamedTuple):
    """What the audit gathered to ask the review's questions again."""

    page: ProjectPage
    metadata: CoreMetadata | None  # the pinned release's
    distro: Packaged | None  # None: no distro source to ask
    distro_sources: tuple[str, ...] = ()


def reask(
    site: Site,
    stored: StoredReview,
    asked: Asked,
    config: Config,
    policy: ReviewPolicy,
    today: datetime.date,
) -> list[Criterion]:
    """The re-asked criteria's verdicts on the pinned release now."""
    evidence = Evidence(
        name=site.name,
        version=site.version,
        page=asked.page,
        metadata=asked.metadata,
        release=None,
        today=today,
        config=config,
        distro=_same_distros(stored, asked),
        distro_sources=asked.distro_sources,
    )
    return [check(evidence, policy) for check in REASKED]


def _same_distros(stored: StoredReview, asked: Asked) -> Packaged | None:
    """The packaging found now, if it answers the admission's question: when
    none of the distributions that packaged it then is asked now (another
    machine, other lists), the question cannot be asked again (None)."""
    then = stored.criteria.get("distro")
    if asked.distro is None or then is None or then.verdict != "pass":
        return asked.distro
    # A source's name lists its distros ("debian bookworm, ubuntu noble").
    now = {d for name in asked.distro_sources for d in name.split(", ")}
    if not set(then.evidence) & now:
        return None
    return asked.distro


def check_admission(
    site: Site, stored: StoredReview, now: Sequence[Criterion]
) -> Iterator[Finding]:
    """A011 for each criterion that now fails and did not at admission; A012
    for each that passed and now warns, and for a licence other than the
    one reviewed."""
    reviewed = f" of {stored.version}" if stored.version else ""
    when = (
        f"the admission review{reviewed} of {stored.reviewed.isoformat()} "
        f"({stored.path})"
    )
    for criterion in now:
        then = stored.criteria.get(criterion.id)
        if then is None or then.verdict == "unknown":
            continue  # not asked at admission: nothing passed
        if _RANK[criterion.verdict] <= _RANK.get(then.verdict, 2):
            if criterion.id == "license" and then.verdict == criterion.verdict:
                yield from _licence_changed(site, stored, then.evidence, criterion)
            continue
        rule = "A011" if criterion.verdict == "fail" else "A012"
        verb = "fails" if rule == "A011" else "warns on"
        lead = "passed" if then.verdict == "pass" else f"warned on {criterion.id} in"
        yield Finding(
            rule,
            RULES[rule],
            site.path,
            site.line,
            f"{_pin(site)} {lead} {when} but now {verb} "
            f"{criterion.id}: {criterion.detail}",
            _FIXES[criterion.id].format(name=site.name, again=_again(site)),
        )


def _licence_changed(
    site: Site, stored: StoredReview, then: Mapping[str, str], now: Criterion
) -> Iterator[Finding]:
    """A012 when the licence reviewed and the pinned release's differ (both
    recognised, the verdict unchanged)."""
    before, after = then.get("spdx"), dict(now.evidence).get("spdx")
    if not before or not after or "not recognised" in (before, after):
        return
    if same_license(before, after):
        return
    yield Finding(
        "A012",
        RULES["A012"],
        site.path,
        site.line,
        f"{_pin(site)} is licensed {after}, but the admission review of "
        f"{stored.reviewed.isoformat()} ({stored.path}) found {before}",
        _FIXES["license"].format(name=site.name, again=_again(site)),
    )


def _pin(site: Site) -> str:
    return f"{site.name}==={site.version}{site.where}"


def _again(site: Site) -> str:
    return f"`accord review {site.name}=={site.version} --save`"


_FIXES = {
    "maintained": "check whether {name} is still maintained and plan to replace "
    "it; to keep it, review it again ({again}) and commit the evidence",
    "license": "pin a release under the licence reviewed, or review the new "
    "licence ({again}) and commit the evidence",
    "python3": "pin a release that supports the Pythons in accord.toml, or "
    "review it again ({again}) and commit the evidence",
    "distro": "check whether the distributions dropped {name} and why; to keep "
    "it, review it again ({again}) and commit the evidence",
}
