"""The new-library review: one verdict per criterion, each with its evidence.

Every criterion is a pure function of the gathered :class:`Evidence`; the
gathering (index, distro lists) happens in ``accord.review``.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Literal, NamedTuple

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import (
    InvalidWheelFilename,
    NormalizedName,
    canonicalize_name,
    parse_wheel_filename,
)
from packaging.version import Version

from accord.config import Config
from accord.index.model import CoreMetadata, ProjectPage, PyPIRelease
from accord.licenses import assess_license, declared_licence
from accord.rules.review_names import POPULAR, edit_distance, profile, similarity

Verdict = Literal["pass", "warn", "fail", "unknown"]
VERDICTS: tuple[Verdict, ...] = ("pass", "warn", "fail", "unknown")


class Criterion(NamedTuple):
    id: str
    verdict: Verdict
    detail: str
    evidence: tuple[tuple[str, str], ...] = ()


class ReviewPolicy(NamedTuple):
    warn_after_years: float = 2.0  # no release for this long: warn
    fail_after_years: float = 3.0  # ... for this long: fail
    duplicate_threshold: float = 0.35  # similarity score that warns
    popular: tuple[str, ...] = POPULAR


_NO_METADATA: Mapping[NormalizedName, CoreMetadata] = MappingProxyType({})


class Evidence(NamedTuple):
    name: str
    version: Version | None  # the version under review
    page: ProjectPage
    metadata: CoreMetadata | None
    release: PyPIRelease | None
    today: datetime.date
    config: Config
    central_names: frozenset[NormalizedName] = frozenset()
    central_metadata: Mapping[NormalizedName, CoreMetadata] = _NO_METADATA
    distro: tuple[tuple[str, str, str], ...] | None = None  # (distro, package, version)
    distro_sources: tuple[str, ...] = ()
    specifier: SpecifierSet | None = None


def review_policy(config: Config) -> ReviewPolicy:
    """The review's thresholds as accord.toml's ``[review]`` sets them."""
    thresholds = config.resolution.review
    return ReviewPolicy(
        warn_after_years=thresholds.warn_after_years,
        fail_after_years=thresholds.fail_after_years,
        duplicate_threshold=thresholds.duplicate_threshold,
    )


def check_maintained(ev: Evidence, policy: ReviewPolicy) -> Criterion:
    uploads = [
        (f.upload_time.date(), f.version)
        for f in ev.page.files
        if f.upload_time is not None and f.version is not None and f.yanked is None
    ]
    status = _classifier(ev.metadata, "Development Status :: ")
    if not uploads:
        return Criterion("maintained", "unknown", "the index gives no upload times")
    latest_date, latest_version = max(uploads, key=lambda item: item[0])
    age = (ev.today - latest_date).days / 365.25
    recent = {v for d, v in uploads if (ev.today - d).days <= 2 * 365.25}
    newest = max(ev.page.versions) if ev.page.versions else None
    yanked_newest = newest is not None and all(
        f.yanked is not None for f in ev.page.files_for(newest)
    )
    evidence: tuple[tuple[str, str], ...] = (
        ("latest release", f"{latest_version} on {latest_date.isoformat()}"),
        ("releases in the last two years", str(len(recent))),
        ("development status", status or "not declared"),
    )
    verdict: Verdict = "pass"
    reasons = [f"last release {latest_date.isoformat()} ({age:.1f} years ago)"]
    if age > policy.fail_after_years:
        verdict = "fail"
    elif age > policy.warn_after_years:
        verdict = "warn"
    if status and status.startswith("7"):
        verdict, reasons = "fail", [*reasons, f"declared '{status}'"]
    elif status and status.startswith(("1", "2")) and verdict == "pass":
        verdict, reasons = "warn", [*reasons, f"declared '{status}'"]
    if yanked_newest:
        reasons.append(f"the newest version {newest} is yanked")
        verdict = "warn" if verdict == "pass" else verdict
    if ev.page.status != "active":  # PEP 792: archived, deprecated, quarantined
        why = f" ({ev.page.status_reason})" if ev.page.status_reason else ""
        reasons.append(f"{ev.page.status} on the index{why}")
        evidence = (*evidence, ("project status", ev.page.status))
        if ev.page.status in {"archived", "deprecated", "quarantined"}:
            verdict = "fail"
        elif verdict == "pass":  # a word PEP 792 does not define
            verdict = "warn"
    return Criterion("maintained", verdict, "; ".join(reasons), evidence)


def check_license(ev: Evidence, policy: ReviewPolicy) -> Criterion:
    del policy
    meta = ev.metadata
    if meta is None:
        return Criterion("license", "unknown", "no metadata to read a licence from")
    declared = declared_licence(meta)
    if declared is None:
        return Criterion("license", "unknown", "the metadata declares no licence")
    text, source = declared
    assessment = assess_license(text, ev.config.licenses)
    verdict = _LICENCE_VERDICTS[assessment.verdict]
    return Criterion(
        "license",
        verdict,
        f"{assessment.expression or text} (from {source}): {assessment.reason}",
        (("declared", text), ("spdx", assessment.expression or "not recognised")),
    )


_LICENCE_VERDICTS: dict[str, Verdict] = {
    "allowed": "pass",
    "review": "warn",
    "forbidden": "fail",
}


def check_python3(ev: Evidence, policy: ReviewPolicy) -> Criterion:
    del policy
    meta = ev.metadata
    classifiers = meta.classifiers if meta else ()
    if "Programming Language :: Python :: 2 :: Only" in classifiers:
        return Criterion("python3", "fail", "declares 'Python :: 2 :: Only'")
    wheels = [f for f in ev.page.files if f.is_wheel and f.version == ev.version]
    if wheels and not any(_python3_wheel(f.filename) for f in wheels):
        return Criterion("python3", "fail", "only Python 2 wheels for this version")
    requires = (meta.requires_python if meta else None) or next(
        (f.requires_python for f in wheels if f.requires_python), None
    )
    supported = ev.config.python_versions
    if requires:
        try:
            specifier = SpecifierSet(requires)
        except InvalidSpecifier:
            return Criterion(
                "python3", "warn", f"Requires-Python {requires!r} is invalid"
            )
        covered = [
            p for p in supported if specifier.contains(f"{p}.0", prereleases=True)
        ]
        missing = [p for p in supported if p not in covered]
        evidence = (
            ("Requires-Python", requires),
            ("supported here", ", ".join(supported)),
        )
        if not covered:
            return Criterion(
                "python3",
                "fail",
                f"Requires-Python {requires} covers none of {', '.join(supported)}",
                evidence,
            )
        if missing:
            return Criterion(
                "python3",
                "warn",
                f"Requires-Python {requires} leaves out {', '.join(missing)}",
                evidence,
            )
        return Criterion(
            "python3",
            "pass",
            f"Requires-Python {requires} covers {', '.join(supported)}",
            evidence,
        )
    if any(c.startswith("Programming Language :: Python :: 3") for c in classifiers):
        return Criterion(
            "python3", "pass", "classifiers declare Python 3 (no Requires-Python)"
        )
    return Criterion(
        "python3", "unknown", "no Requires-Python and no Python classifiers"
    )


def _python3_wheel(filename: str) -> bool:
    """Whether a wheel installs on some Python 3 (``py2.py3`` counts)."""
    try:
        tags = parse_wheel_filename(filename)[3]
    except InvalidWheelFilename:
        return True  # not ours to judge
    return any(tag.interpreter.startswith(("py3", "cp3", "pp3")) for tag in tags)


def check_distro(ev: Evidence, policy: ReviewPolicy) -> Criterion:
    del policy
    if ev.distro is None:
        return Criterion(
            "distro",
            "unknown",
            "no distribution package lists (give --distro-index FILE_OR_DIR"
            " or [review] distro-repos)",
        )
    if not ev.distro:
        return Criterion(
            "distro",
            "warn",
            f"not packaged in {', '.join(ev.distro_sources) or 'the lists given'}",
        )
    shown = "packaged in " + ", ".join(f"{d} ({p} {v})" for d, p, v in ev.distro)
    return Criterion(
        "distro", "pass", shown, tuple((d, f"{p} {v}") for d, p, v in ev.distro)
    )


def check_duplicates(ev: Evidence, policy: ReviewPolicy) -> Criterion:
    if ev.metadata is None or not ev.central_metadata:
        return Criterion(
            "duplicates", "unknown", "no metadata to compare with the central list"
        )
    reviewed = canonicalize_name(ev.name)
    others = {
        name: profile(meta)
        for name, meta in ev.central_metadata.items()
        if name != reviewed
    }
    # Words most central libraries share ("openstack", "client", "api") say
    # nothing about purpose: drop those found in more than 3% of them.
    frequency = Counter(word for words in others.values() for word in words)
    common = {w for w, n in frequency.items() if n > max(3, len(others) * 0.03)}
    mine = profile(ev.metadata) - common
    scores = sorted(
        ((similarity(mine, words - common), name) for name, words in others.items()),
        reverse=True,
    )[:3]
    top = [(round(score, 2), name) for score, name in scores if score > 0]
    evidence = tuple((name, f"{score:.2f}") for score, name in top)
    if top and top[0][0] >= policy.duplicate_threshold:
        listed = ", ".join(f"{name} ({score:.2f})" for score, name in top)
        return Criterion("duplicates", "warn", f"looks like {listed}", evidence)
    return Criterion(
        "duplicates", "pass", "no central library looks the same", evidence
    )


def check_typosquat(ev: Evidence, policy: ReviewPolicy) -> Criterion:
    name = canonicalize_name(ev.name)
    if name in ev.central_names or name in policy.popular:
        return Criterion("typosquat", "pass", f"{name} is itself a known library")
    near = []
    for other in sorted(
        ev.central_names | {canonicalize_name(p) for p in policy.popular}
    ):
        limit = 1 if min(len(name), len(other)) < 6 else 2
        distance = edit_distance(name, other, limit)
        if distance <= limit:
            near.append((distance, other))
    if near:
        shown = ", ".join(f"{other} (distance {d})" for d, other in sorted(near)[:5])
        return Criterion("typosquat", "warn", f"the name is close to {shown}")
    return Criterion("typosquat", "pass", "no known library has a close name")


def check_vulnerabilities(ev: Evidence, policy: ReviewPolicy) -> Criterion:
    del policy
    if ev.release is None:
        return Criterion(
            "vulnerabilities", "unknown", "no vulnerability data (PyPI JSON API)"
        )
    if not ev.release.vulnerabilities:
        return Criterion(
            "vulnerabilities", "pass", f"none known for {ev.release.version}"
        )
    shown = "; ".join(
        f"{v.id}: {v.summary[:80]}"
        + (f" (fixed in {', '.join(v.fixed_in)})" if v.fixed_in else "")
        for v in ev.release.vulnerabilities
    )
    return Criterion(
        "vulnerabilities",
        "fail",
        shown,
        tuple(
            (v.id, ", ".join(v.fixed_in) or "no fix")
            for v in ev.release.vulnerabilities
        ),
    )


def check_specifier(ev: Evidence, policy: ReviewPolicy) -> Criterion | None:
    del policy
    if ev.specifier is None:
        return None
    released = set(ev.page.versions)
    problems: list[str] = []
    verdict: Verdict = "pass"
    minimums = [s for s in ev.specifier if s.operator in (">=", ">")]
    caps = [s for s in ev.specifier if s.operator in ("<", "<=", "~=", "==", "===")]
    if caps:
        verdict = "fail"
        shown = ",".join(str(c) for c in caps)
        problems.append(f"caps {shown} (the list takes no caps without a reason)")
    for spec in ev.specifier:
        if (
            spec.operator == "!="
            and not spec.version.endswith(".*")
            and Version(spec.version) not in released
        ):
            problems.append(f"excludes {spec.version}, which was never released")
            verdict = "warn" if verdict == "pass" else verdict
    policy_name = ev.config.lower_bounds
    if policy_name == "central":
        if not minimums:
            verdict = "fail"
            problems.append("no minimum, but lower-bounds = 'central'")
        for spec in minimums:
            if Version(spec.version) not in released:
                verdict = "fail"
                problems.append(f"minimum {spec.version} was never released")
    elif minimums:
        verdict = "warn" if verdict == "pass" else verdict
        problems.append("a minimum in the global list, but lower-bounds = 'project'")
    detail = "; ".join(problems) or f"{ev.specifier or 'no specifier'} is fine"
    return Criterion("specifier", verdict, detail, (("specifier", str(ev.specifier)),))


def _classifier(meta: CoreMetadata | None, prefix: str) -> str | None:
    if meta is None:
        return None
    for classifier in meta.classifiers:
        if classifier.startswith(prefix):
            return classifier.removeprefix(prefix)
    return None


CRITERIA: tuple[Callable[[Evidence, ReviewPolicy], Criterion | None], ...] = (
    check_maintained,
    check_license,
    check_python3,
    check_distro,
    check_duplicates,
    check_typosquat,
    check_vulnerabilities,
    check_specifier,
)


_DEFAULT_REVIEW_POLICY = ReviewPolicy()


def review(
    ev: Evidence, policy: ReviewPolicy = _DEFAULT_REVIEW_POLICY
) -> list[Criterion]:
    return [c for check in CRITERIA if (c := check(ev, policy)) is not None]


def summarize(criteria: Sequence[Criterion]) -> dict[str, int]:
    return {v: sum(1 for c in criteria if c.verdict == v) for v in VERDICTS}
