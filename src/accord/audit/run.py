"""``accord audit``: gather the facts about every pinned release in one run
(the index and OSV asked concurrently, through their caches), then run the
rules over each pin line.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, NamedTuple

from packaging.utils import NormalizedName
from packaging.version import Version

from accord.audit.checks import (
    Facts,
    Site,
    active_ignores,
    check_ignores,
    check_site,
    fix_of,
)
from accord.audit.model import Advisory, Release, Vulnerabilities
from accord.audit.osv import OsvClient
from accord.audit.status import releases
from accord.central import UPPER_CONSTRAINTS, CentralRepo, load_central_repo
from accord.errors import AccordError, InputError
from accord.findings import Finding
from accord.index._errors import redact
from accord.index.client import IndexClient
from accord.index.model import PyPIRelease
from accord.model.markers import applies_to_python
from accord.resolve.pythons import on_pythons
from accord.vcs.git import is_git_repo, resolve_commit

if TYPE_CHECKING:
    from accord.audit.admission import Packaged
    from accord.distro.model import DistroSource
    from accord.review_store import StoredReview

Key = tuple[NormalizedName, Version]


class AuditReport(NamedTuple):
    findings: tuple[Finding, ...]
    vulnerabilities: tuple[dict[str, object], ...]  # one per pin and advisory
    source: str | None  # where the advisories came from: "OSV", "PyPI", None
    pins: int  # pin lines audited
    releases: int  # distinct (name, version) among them
    branches: tuple[str, ...]


class Plan(NamedTuple):
    """What an audit will look at: the central files of each branch (None:
    the work tree), their pin lines, and the distinct releases pinned."""

    repos: tuple[tuple[str | None, CentralRepo], ...]
    sites: tuple[Site, ...]
    keys: tuple[Key, ...]


def plan_audit(central: CentralRepo, branches: Sequence[str] = ()) -> Plan:
    """The pins to audit: the work tree's, or each branch's from git."""
    repos = [(None, central)] if not branches else branch_repos(central, branches)
    sites = tuple(site for branch, repo in repos for site in pin_sites(repo, branch))
    keys = tuple(dict.fromkeys(site.key for site in sites))
    return Plan(tuple(repos), sites, keys)


def audit(
    central: CentralRepo,
    client: IndexClient,
    osv: OsvClient,
    branches: Sequence[str] = (),
    ignore: Sequence[str] = (),
    today: datetime.date | None = None,
    workers: int = 16,
    note: Callable[[str], None] = lambda message: None,
    on_done: Callable[[], None] = lambda: None,
    plan: Plan | None = None,
    reviews: Mapping[NormalizedName, StoredReview] | None = None,
    distros: Sequence[DistroSource] | None = None,
) -> AuditReport:
    """Audit the pins of ``central`` (or of each of its ``branches``, or
    what a :func:`plan_audit` chose); ``on_done`` is called per release.

    ``reviews``: the admission reviews kept in ``reviews/``, whose criteria
    are asked again of each pin (A011, A012), the distro criterion of the
    ``distros`` (None: not asked)."""
    reviews = reviews or {}
    today = today or datetime.date.today()
    plan = plan or plan_audit(central, branches)
    repos, sites, keys = plan.repos, plan.sites, list(plan.keys)
    with ThreadPoolExecutor(2, thread_name_prefix="accord-audit-run") as pool:
        vulnerable = pool.submit(vulnerabilities, osv, client, keys, workers, note)
        found = releases(client, keys, workers, on_done, pages=reviews.keys())
        advisories = vulnerable.result()
    configured = central.config.resolution.audit.ignores
    ignored = active_ignores(configured, ignore, today)
    findings: list[Finding] = list(check_ignores(configured, today))
    for branch, repo in repos:
        findings.extend(_unaudited(repo, branch))
    by_branch = dict(repos)
    records: list[dict[str, object]] = []
    source = _source(advisories.values())
    for site in sites:
        facts = Facts(found[site.key], advisories[site.key])
        repo = by_branch[site.branch]
        # With no source at all, one A010 says it rather than an A009 a pin.
        unchecked = source is not None
        findings.extend(check_site(site, facts, repo, ignored, today, unchecked))
        records.extend(_records(site, facts, repo, ignored))
    if reviews:
        findings.extend(readmit(sites, found, by_branch, reviews, distros, today, note))
    if keys and source is None:
        errors = {v.error for v in advisories.values() if v.error}
        findings.append(
            Finding(
                "A010",
                "error",
                UPPER_CONSTRAINTS,
                None,
                "no vulnerability was checked: " + "; ".join(sorted(errors)),
                "make OSV (--osv-url, [audit] osv-url) or the index's JSON API "
                "reachable and run the audit again",
            )
        )
    return AuditReport(
        tuple(findings),
        tuple(records),
        source,
        len(sites),
        len(keys),
        tuple(branch for branch, _ in repos if branch is not None),
    )


def readmit(
    sites: Sequence[Site],
    found: Mapping[Key, Release],
    by_branch: Mapping[str | None, CentralRepo],
    reviews: Mapping[NormalizedName, StoredReview],
    distros: Sequence[DistroSource] | None,
    today: datetime.date,
    note: Callable[[str], None],
) -> list[Finding]:
    """A011 and A012: the admission review's criteria asked again of each
    pin of a library with a kept review (imported only then)."""
    from accord.audit.admission import Asked, check_admission, reask
    from accord.rules.review import review_policy

    packaged = packaging(distros, {s.name for s in sites if s.name in reviews}, note)
    names = tuple(source.name for source in distros or ())
    findings: list[Finding] = []
    for site in sites:
        stored, release = reviews.get(site.name), found[site.key]
        if stored is None or release.page is None:
            continue
        asked = Asked(release.page, release.metadata, packaged.get(site.name), names)
        config = by_branch[site.branch].config
        now = reask(site, stored, asked, config, review_policy(config), today)
        findings.extend(check_admission(site, stored, now))
    return findings


def packaging(
    sources: Sequence[DistroSource] | None,
    names: Iterable[NormalizedName],
    note: Callable[[str], None],
) -> dict[NormalizedName, Packaged | None]:
    """Each name's packages in the ``sources``; None for all when there are
    none, or when they cannot be read (said in a note: the distro criterion
    is then not asked again)."""
    if not sources:
        return {}
    from accord.distro import lookup_all

    found: dict[NormalizedName, Packaged | None] = {}
    for name in sorted(names):
        try:
            hits = lookup_all(list(sources), name)
        except AccordError as error:
            note(f"the distro lists cannot be read ({error}); not asked again")
            return {}
        found[name] = tuple((p.distro, p.package, p.version) for p in hits)
    return found


def branch_repos(
    central: CentralRepo, branches: Sequence[str]
) -> list[tuple[str | None, CentralRepo]]:
    """The central files as of each branch of the requirements repo."""
    if not is_git_repo(central.root):
        raise InputError(
            "--branch needs the requirements repo to be a git repository",
            path=str(central.root),
        )
    repos: list[tuple[str | None, CentralRepo]] = []
    for branch in dict.fromkeys(branches):
        commit = resolve_commit(central.root, branch) or resolve_commit(
            central.root, f"origin/{branch}"
        )
        if commit is None:
            raise InputError(
                f"no branch {branch!r} in the requirements repo",
                path=str(central.root),
                hint="name a local branch, a remote one under origin/, or a tag",
            )
        repos.append((branch, load_central_repo(central.root, commit)))
    return repos


_LIST_FIX = "fix it in the global list (accord validate reports every such line)"


def _unaudited(repo: CentralRepo, branch: str | None) -> Iterator[Finding]:
    """The pins file's lines that are no exact pin (validate's G001, G011):
    nothing of them is audited, which the audit must say rather than pass."""
    constraints = repo.constraints
    if constraints is None:
        return
    where = f"{UPPER_CONSTRAINTS}@{branch}" if branch else UPPER_CONSTRAINTS
    fix = "write it as name===version, with a ;python_version marker if needed"
    for line in constraints.file.invalid_lines():
        message = f"{line.complaint}; not audited"
        yield Finding("G001", "error", where, line.lineno, message, fix)
    for bad in constraints.malformed:
        name = bad.line.requirement.name
        message = f"{name}: {bad.reason}; not audited"
        yield Finding("G011", "error", where, bad.line.lineno, message, fix)
    # The list's exclusions and licence comments are what pins are compared
    # with: a line unread is said, not taken for a library without them.
    listed = repo.global_list
    where = f"{listed.path}@{branch}" if branch else listed.path
    for line in listed.invalid_lines():
        message = f"{line.complaint}; pins are audited without it"
        yield Finding("G001", "error", where, line.lineno, message, _LIST_FIX)


def pin_sites(repo: CentralRepo, branch: str | None) -> list[Site]:
    """Every pin line of ``repo``, with the Pythons it applies to."""
    constraints = repo.constraints
    where = f"{UPPER_CONSTRAINTS}@{branch}" if branch else UPPER_CONSTRAINTS
    if constraints is None:
        raise InputError(f"no {UPPER_CONSTRAINTS}: nothing is pinned", path=where)
    run = repo.config.python_versions
    sites = []
    for pin in constraints.pins:
        pythons = tuple(py for py in run if applies_to_python(pin.marker, py))
        partial = pin.marker is not None and pythons and set(pythons) != set(run)
        sites.append(
            Site(
                path=where,
                line=pin.lineno,
                name=pin.name,
                version=pin.version,
                pythons=pythons or run,
                branch=branch,
                where=f" ({on_pythons(pythons, run)})" if partial else "",
            )
        )
    return sites


def vulnerabilities(
    osv: OsvClient,
    client: IndexClient,
    keys: Sequence[Key],
    workers: int,
    note: Callable[[str], None],
) -> dict[Key, Vulnerabilities]:
    """Each release's advisories from OSV; from PyPI's JSON API when OSV
    cannot be reached."""
    if not keys:
        return {}
    try:
        found = osv.advisories(keys)
    except AccordError as failure:
        reason = f"OSV at {redact(osv.url)}: {failure}"
    else:
        return {key: Vulnerabilities(found.get(key, ())) for key in keys}
    if client.pypi_json_url is None:
        missing = Vulnerabilities((), None, f"{reason}; no JSON API to fall back on")
        return dict.fromkeys(keys, missing)
    note(f"{reason}; using the JSON API at {redact(client.pypi_json_url)} instead")

    def one(key: Key) -> Vulnerabilities:
        try:
            release = client.release(key[0], str(key[1]))
        except AccordError as error:
            return Vulnerabilities((), None, f"{reason}; JSON API: {error}")
        if release is None:
            return Vulnerabilities((), None, f"{reason}; JSON API: no such release")
        return Vulnerabilities(_from_pypi(release), "PyPI")

    with ThreadPoolExecutor(max(1, min(workers, len(keys)))) as pool:
        return dict(zip(keys, pool.map(one, keys), strict=True))


def _from_pypi(release: PyPIRelease) -> tuple[Advisory, ...]:
    advisories = []
    for vulnerability in release.vulnerabilities:
        fixed = []
        for text in vulnerability.fixed_in:
            try:
                fixed.append(Version(text))
            except ValueError:
                continue
        advisories.append(
            Advisory(
                vulnerability.id,
                " ".join(vulnerability.summary.split()),
                vulnerability.aliases,
                (),
                tuple(sorted(fixed)),
                vulnerability.link,
                "PyPI",
            )
        )
    return tuple(advisories)


def _source(found: Iterable[Vulnerabilities]) -> str | None:
    sources = {v.source for v in found}
    for source in ("OSV", "PyPI"):
        if source in sources:
            return source
    return None


def _records(
    site: Site, facts: Facts, repo: CentralRepo, ignored: frozenset[str]
) -> list[dict[str, object]]:
    """The advisories at one pin line, as data (``--format json``)."""
    out: list[dict[str, object]] = []
    for advisory in facts.vulnerabilities.advisories:
        fix, blockers = fix_of(site, advisory, facts.release, repo)
        out.append(
            {
                "package": site.name,
                "version": str(site.version),
                "branch": site.branch,
                "path": site.path,
                "line": site.line,
                "id": advisory.id,
                "aliases": list(advisory.aliases),
                "summary": advisory.summary,
                "severity": list(advisory.severity),
                "fixed": [str(v) for v in advisory.fixed],
                "fix": None if fix is None else str(fix),
                "fix_blocked_by": list(blockers),
                "link": advisory.link,
                "source": advisory.source,
                "ignored": bool(advisory.names() & ignored),
            }
        )
    return out


__all__ = ["AuditReport", "Plan", "audit", "plan_audit"]
