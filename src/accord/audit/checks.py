"""The audit's rules: pure functions from gathered facts to findings.

Each finding sits at the pin's line in ``upper-constraints.txt`` (for a
branch, ``upper-constraints.txt@BRANCH``), except A008 (at the ignore in
accord.toml) and A010 (about the run).
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

from accord._config_resolution import AuditIgnore
from accord.audit.model import Advisory, Release, Vulnerabilities
from accord.central import UPPER_CONSTRAINTS, CentralRepo
from accord.config import CONFIG_FILE
from accord.findings import Finding, Severity
from accord.licenses import assess_license, normalize_license, same_license
from accord.model.markers import applies_to_python

_LEADING_NAME = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*?)(?:===| is |'s )")

RULES: dict[str, Severity] = {
    "A001": "error",  # a known vulnerability in a pinned release
    "A002": "error",  # the project is quarantined on the index (PEP 792)
    "A003": "warning",  # the project is archived or deprecated (PEP 792)
    "A004": "error",  # a yanked pin
    "A005": "warning",  # the release's licence means another than the list's
    "A006": "error",  # the release's licence is forbidden by the policy
    "A007": "warning",  # newest release older than [review] fail-after-years
    "A008": "warning",  # an [[audit.ignore]] past its expiry
    "A009": "error",  # the index could not tell about a pin: not audited
    "A010": "error",  # no source of vulnerabilities answered
    "A011": "error",  # a criterion passed at admission now fails (admission.py)
    "A012": "warning",  # ... now warns, or the licence is not the one reviewed
}


class Site(NamedTuple):
    """One pin line: where findings about a pinned release are shown."""

    path: str
    line: int
    name: NormalizedName
    version: Version
    pythons: tuple[str, ...]  # the supported Pythons the pin applies to
    branch: str | None = None
    where: str = ""  # " on Python 3.12" when it holds on some Pythons only

    @property
    def key(self) -> tuple[NormalizedName, Version]:
        return self.name, self.version


class Facts(NamedTuple):
    """Everything gathered about a pinned release."""

    release: Release
    vulnerabilities: Vulnerabilities


def check_site(
    site: Site,
    facts: Facts,
    central: CentralRepo,
    ignored: frozenset[str],
    today: datetime.date,
    report_unchecked: bool = True,
) -> Iterator[Finding]:
    """Every finding about one pin line; ``report_unchecked``: an A009 when
    no source could say what vulnerabilities the release has."""
    error = facts.vulnerabilities.error
    if facts.vulnerabilities.source is None and report_unchecked:
        yield _at(
            site,
            "A009",
            f"{_pin(site)}: its vulnerabilities could not be checked: {error}",
            "run the audit again when OSV or the JSON API answers",
        )
    yield from check_vulnerabilities(site, facts, central, ignored)
    yield from check_release(site, facts.release, central, today)


def check_vulnerabilities(
    site: Site, facts: Facts, central: CentralRepo, ignored: frozenset[str]
) -> Iterator[Finding]:
    """A001: each advisory of the release no ignore names."""
    for advisory in facts.vulnerabilities.advisories:
        if advisory.names() & ignored:
            continue
        fix, blockers = fix_of(site, advisory, facts.release, central)
        blocked = f"; the fix is blocked by {', '.join(blockers)}" if blockers else ""
        yield _at(
            site,
            "A001",
            f"{_pin(site)} has a known vulnerability {describe(advisory)}{blocked}",
            _fix_advice(site, advisory, fix, blocked),
        )


def describe(advisory: Advisory) -> str:
    """``GHSA-x (CVE-y): summary; severity ...; fixed in 1.2``."""
    aliases = f" ({', '.join(advisory.aliases)})" if advisory.aliases else ""
    parts = [f"{advisory.id}{aliases}: {advisory.summary or 'no summary'}"]
    if advisory.severity:
        parts.append(f"severity {', '.join(advisory.severity)}")
    fixed = ", ".join(str(v) for v in advisory.fixed)
    parts.append(f"fixed in {fixed}" if fixed else "no fixed release known")
    if advisory.source != "OSV":
        parts.append(f"from {advisory.source}'s JSON API")
    return "; ".join(parts)


def fix_of(
    site: Site, advisory: Advisory, release: Release, central: CentralRepo
) -> tuple[Version | None, tuple[str, ...]]:
    """The first release that fixes it and the pins may reach, and, when the
    global list or a hold keeps the pins from every such release, what does
    (the lines and holds refusing the first fix)."""
    fix = advisory.fix_for(site.version)
    if fix is None:
        return None, ()
    blockers = blockers_of(site, fix, central)
    if not blockers:
        return fix, ()
    candidates = sorted({fix, *(v for v in release.later_versions if v > fix)})
    allowed = [v for v in candidates if not blockers_of(site, v, central)]
    if allowed:
        return allowed[0], ()
    return fix, tuple(blockers)


def blockers_of(site: Site, version: Version, central: CentralRepo) -> list[str]:
    """The global-list lines and holds (applying on the pin's Pythons) that
    refuse ``version``."""
    found = []
    for entry in central.global_list.entries_for(site.name):
        applies = any(
            applies_to_python(entry.requirement.marker, py) for py in site.pythons
        )
        if applies and not entry.requirement.specifier.contains(
            version, prereleases=True
        ):
            found.append(
                f"{central.global_list.path}:{entry.lineno} ({entry.requirement})"
            )
    for hold in central.config.resolution.holds:
        if hold.name == site.name and not hold.specifier.contains(
            version, prereleases=True
        ):
            where = f"{CONFIG_FILE}:{hold.line}" if hold.line else CONFIG_FILE
            found.append(f"the hold at {where} ({hold.specifier}: {hold.reason})")
    return found


def _fix_advice(
    site: Site, advisory: Advisory, fix: Version | None, blocked: str
) -> str:
    ignore = f"or ignore {advisory.id} with a reason under [[audit.ignore]]"
    if fix is None:
        return f"no fixed release yet: weigh replacing {site.name}, {ignore}"
    if blocked:
        return (
            f"lift the cap or exclusion (or the hold) so {site.name} can reach "
            f"{fix}, then `accord constraints bump {site.name}`; {ignore}"
        )
    return f"`accord constraints bump {site.name}` to {fix} or later; {ignore}"


def check_release(
    site: Site, release: Release, central: CentralRepo, today: datetime.date
) -> Iterator[Finding]:
    """A002-A007 and A009: status, yanks, licence, age, unknowns."""
    if release.error is not None:
        yield _at(
            site,
            "A009",
            f"{_pin(site)}: the index could not tell about it: {release.error}",
            "check the index URL and the pin",
        )
    reason = f" ({release.status_reason})" if release.status_reason else ""
    if release.status == "quarantined":
        yield _at(
            site,
            "A002",
            f"{site.name} is quarantined on the index{reason}: it is considered "
            "unsafe and its files are not served",
            f"remove {site.name} from the global list and the pins",
        )
    elif release.status in {"archived", "deprecated"}:
        expects = (
            "expects no further releases"
            if release.status == "archived"
            else "is obsolete by its maintainers' word"
        )
        yield _at(
            site,
            "A003",
            f"{site.name} is {release.status} on the index{reason}: it {expects}",
            f"plan to replace {site.name}",
        )
    elif release.status != "active":
        yield _at(
            site,
            "A003",
            f"{site.name} has the status {release.status!r} on the index{reason}",
            f"look at {site.name}'s page on the index",
        )
    if release.yanked is not None:
        why = f": {release.yanked}" if release.yanked else ""
        yield _at(
            site,
            "A004",
            f"{_pin(site)} is yanked{why}",
            f"`accord constraints bump {site.name}` to a release that is not yanked",
        )
    elif not release.on_index and release.error is None and release.status == "active":
        yield _at(
            site,
            "A009",
            f"{_pin(site)}: the index has no files of this release",
            "pin a release the index has",
        )
    yield from check_licence(site, release, central)
    yield from check_age(site, release, central, today)


def check_licence(
    site: Site, release: Release, central: CentralRepo
) -> Iterator[Finding]:
    """A006 when the release's own licence is forbidden, else A005 when it
    means another licence than the global list's comment."""
    if release.licence is None:
        return
    policy = central.config.licenses
    listed = next(
        (e for e in central.global_list.entries_for(site.name) if e.licence), None
    )
    where = (
        ""
        if listed is None
        else f"{central.global_list.path}:{listed.lineno} says {listed.licence}"
    )
    assessment = _assess(release.licence, policy)
    theirs = assessment.expression
    declared = theirs or release.licence
    if theirs != release.licence:
        declared += f" (its {release.licence_field}: {release.licence!r})"
    else:
        declared += f" (its {release.licence_field})"
    if assessment.verdict == "forbidden":
        yield _at(
            site,
            "A006",
            f"{_pin(site)} is licensed {declared}: {assessment.reason}"
            + (f"; {where}" if where else ""),
            f"pin a release under an allowed licence, or remove {site.name}",
        )
        return
    if listed is None or listed.licence is None:
        return
    ours = _normalize(listed.licence, policy.aliases)
    if ours is None or theirs is None or _same(ours, theirs):
        return
    yield _at(
        site,
        "A005",
        f"{_pin(site)} is licensed {declared}, but {where}",
        "review the licence change; then correct the global list's licence comment",
    )


# Hundreds of pins share a few dozen licence texts: each is read once a run.
_assess = functools.lru_cache(maxsize=1024)(assess_license)
_normalize = functools.lru_cache(maxsize=1024)(normalize_license)
_same = functools.lru_cache(maxsize=1024)(same_license)


def check_age(
    site: Site, release: Release, central: CentralRepo, today: datetime.date
) -> Iterator[Finding]:
    """A007: the project's newest release is older than fail-after-years."""
    years = central.config.resolution.review.fail_after_years
    newest = release.newest_upload
    if newest is None or not years:
        return
    age = (today - newest).days / 365.25
    if age > years:
        yield _at(
            site,
            "A007",
            f"{site.name}'s newest release is from {newest.isoformat()} "
            f"({age:.1f} years ago, over [review] fail-after-years = {years:g})",
            f"check whether {site.name} is still maintained; plan to replace it",
        )


def check_ignores(
    ignores: Iterable[AuditIgnore], today: datetime.date
) -> Iterator[Finding]:
    """A008: an ignore past its expiry (it no longer hides anything)."""
    for ignore in ignores:
        if ignore.expired(today):
            assert ignore.expires is not None
            yield Finding(
                "A008",
                "warning",
                CONFIG_FILE,
                ignore.line,
                f"the ignore of {ignore.id} expired on {ignore.expires.isoformat()} "
                f"({ignore.reason}): {ignore.id} is reported again",
                "fix the vulnerability, or renew the ignore with a new expiry",
            )


def active_ignores(
    configured: Iterable[AuditIgnore], given: Sequence[str], today: datetime.date
) -> frozenset[str]:
    """The ids (upper-cased) that hide advisories: the command line's, and
    the configured ones not expired."""
    live = [ignore.id for ignore in configured if not ignore.expired(today)]
    return frozenset(i.strip().upper() for i in [*live, *given] if i.strip())


def library_of(finding: Finding) -> NormalizedName | None:
    """The library a finding is about, or None (A008, A010: about the run).

    Every finding about a pin sits at a pin line of ``upper-constraints.txt``
    (``@BRANCH``) and its message starts with the library's name: ``name===``
    (:func:`_pin`), ``name is``, ``name's``.
    """
    if finding.line is None or not finding.path.startswith(UPPER_CONSTRAINTS):
        return None
    match = _LEADING_NAME.match(finding.message)
    return None if match is None else canonicalize_name(match.group(1))


def _pin(site: Site) -> str:
    return f"{site.name}==={site.version}{site.where}"


def _at(site: Site, rule: str, message: str, fix: str) -> Finding:
    return Finding(rule, RULES[rule], site.path, site.line, message, fix)
