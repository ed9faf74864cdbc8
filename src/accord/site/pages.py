"""What each page shows, computed here so the templates only loop and format."""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from packaging.utils import NormalizedName

from accord._config_resolution import Hold
from accord.site.audit import AuditFindings
from accord.site.data import STATUSES, FleetData, LibraryData, ProjectData
from accord.site.dependencies import Dependencies, Edge
from accord.site.history import History
from accord.site.pins import PublishedPins, Skipped
from accord.site.svg import bar_chart
from accord.site.upstream import Upstream

if TYPE_CHECKING:
    from accord.site.exports import Exported

AGE_BUCKETS = ("under 3 months", "3-12 months", "1-2 years", "over 2 years", "unknown")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class Page:
    path: str  # relative to the site's root
    template: str
    context: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Extras:
    """What the site shows only when asked (None: not asked)."""

    upstream: Mapping[NormalizedName, Upstream] | None = None  # --index-url
    dependencies: Dependencies | None = None  # --dependencies
    audit: AuditFindings | None = None  # --audit
    exports: Mapping[str, Exported] | None = None  # by ref: --index-url, --find-links


@dataclass(frozen=True, slots=True)
class ProjectRow:
    """A project as the overview lists it."""

    name: str
    slug: str
    status: str
    errors: int
    warnings: int
    changed: int
    sources: int


@dataclass(frozen=True, slots=True)
class LibraryRow:
    """A library as the global list's table shows it."""

    name: NormalizedName
    section: str | None
    licence: str | None
    pins: tuple[tuple[str, str | None], ...]
    projects: int  # how many use it
    holds: tuple[Hold, ...]


def site_pages(
    fleet: FleetData,
    history: History,
    pins: tuple[PublishedPins, ...],
    skipped: tuple[Skipped, ...],
    base_url: str | None,
    today: datetime.date,
    extras: Extras = Extras(),
) -> Iterator[Page]:
    upstream, dependencies, audit = extras.upstream, extras.dependencies, extras.audit
    slugs = project_slugs(fleet.projects)
    ages = {lib.name: pin_age(lib, history, today) for lib in fleet.libraries}
    common = {"pythons": fleet.central.config.python_versions}
    listed = frozenset(lib.name for lib in fleet.libraries)  # have a page

    def root(path: str) -> str:
        if base_url:
            return base_url.rstrip("/") + "/"
        return "../" * path.count("/")

    def page(path: str, template: str, **context: Any) -> Page:
        return Page(path, template, {**common, **context, "root": root(path)})

    counts = Counter(p.status for p in fleet.projects)
    licences = Counter(lib.licence or "none" for lib in fleet.libraries)
    buckets = Counter(_bucket(age) for age in ages.values())
    known = sorted(age for age in ages.values() if age is not None)
    yield page(
        "index.html",
        "overview.html",
        projects=tuple(
            ProjectRow(
                p.name,
                slugs[p.name],
                p.status,
                p.errors,
                p.warnings,
                len(p.changed_files),
                len(p.sources),
            )
            for p in fleet.projects
        ),
        counts=[(s, counts.get(s, 0)) for s in STATUSES],
        libraries=len(fleet.libraries),
        last_change=history.last_change,
        median_age=known[len(known) // 2] if known else None,
        oldest_age=known[-1] if known else None,
        status_chart=bar_chart(
            "Projects by status", [(s, counts.get(s, 0)) for s in STATUSES], "status"
        ),
        age_chart=bar_chart(
            "Pins by age", [(b, buckets.get(b, 0)) for b in AGE_BUCKETS]
        ),
        licence_chart=bar_chart("Libraries by licence", licences.most_common(12)),
    )
    yield page(
        "libraries.html",
        "libraries.html",
        libraries=tuple(
            LibraryRow(
                lib.name,
                lib.section,
                lib.licence,
                lib.pins,
                len(lib.projects),
                lib.holds,
            )
            for lib in fleet.libraries
        ),
        ages=ages,
        today=today,
        upstream=upstream,
        audit=audit,
    )
    for project in fleet.projects:
        yield page(
            f"projects/{slugs[project.name]}.html",
            "project.html",
            project=dataclasses.replace(project, uses=()),  # shown per library
            root_dir=str(fleet.central.root),
        )
    reviews = _reviews(fleet.central.root)
    for library in fleet.libraries:
        requires = _edges(dependencies, library.name, "requires")
        required_by = _edges(dependencies, library.name, "required_by")
        yield page(
            f"libraries/{library.name}.html",
            "library.html",
            library=library,
            slugs={
                u.project: slugs[u.project] for u in library.users if u.project in slugs
            },
            age=ages[library.name],
            events=history.events.get(library.name, ()),
            review=reviews.get(library.name),
            today=today,
            upstream=None if upstream is None else upstream.get(library.name),
            upstream_asked=upstream is not None,
            audit_asked=audit is not None,
            audit_findings=()
            if audit is None
            else audit.by_library.get(library.name, ()),
            dependencies_asked=dependencies is not None,
            requires=requires,
            required_by=required_by,
            listed=_linked([*requires, *required_by], listed),
        )
    yield page(
        "dependencies.html",
        "dependencies.html",
        dependencies=dependencies,
        listed=dict.fromkeys(sorted(listed), True),
    )
    yield page(
        "constraints/index.html",
        "constraints.html",
        pins=pins,
        skipped=skipped,
        exports=extras.exports,
    )


def _linked(
    edges: list[Edge], listed: frozenset[NormalizedName]
) -> dict[NormalizedName, bool]:
    """The libraries of ``edges`` that have a page, in a stable order."""
    return dict.fromkeys(sorted({e.name for e in edges if e.name in listed}), True)


def _edges(
    dependencies: Dependencies | None, name: NormalizedName, way: str
) -> tuple[Edge, ...]:
    if dependencies is None:
        return ()
    edges = dependencies.requires if way == "requires" else dependencies.required_by
    return edges.get(name, ())


def project_slugs(projects: tuple[ProjectData, ...]) -> dict[str, str]:
    """A file name for each project (``org/name`` -> ``org--name``), unique."""
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for project in projects:
        base = _UNSAFE.sub("_", project.name.replace("/", "--")).strip(".") or "project"
        slug, n = base, 1
        while slug.lower() in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug.lower())
        slugs[project.name] = slug
    return slugs


def pin_age(library: LibraryData, history: History, today: datetime.date) -> int | None:
    """Days since the oldest of the library's current pin lines was added."""
    dates = [history.added_on.get(line.strip()) for line in library.pin_lines]
    known = [d for d in dates if d is not None]
    return (today - min(known)).days if known else None


def _bucket(age: int | None) -> str:
    if age is None:
        return "unknown"
    if age < 91:
        return "under 3 months"
    if age < 366:
        return "3-12 months"
    return "1-2 years" if age < 731 else "over 2 years"


def _reviews(root: Path) -> dict[str, str]:
    """Review evidence kept in the requirements repo's ``reviews/``, by library."""
    from packaging.utils import canonicalize_name

    from accord.errors import InputError
    from accord.files import inside, read_text

    found: dict[str, str] = {}
    directory = root / "reviews"
    try:
        names = sorted(p.name for p in directory.iterdir())
    except OSError:
        return found
    for name in names:
        # Only a regular file inside the repo: what a link out of it leads
        # to must never be published.
        try:
            path = inside(root, f"reviews/{name}")
            text = read_text(path, name, max_bytes=1024 * 1024)
        except (InputError, OSError):
            continue
        found.setdefault(canonicalize_name(Path(name).stem), text)
    return found
