"""Build the site: gather, render, write only what changed."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.utils import NormalizedName

from accord.central import CentralRepo, load_central_repo
from accord.findings import Finding
from accord.members import fleet_members
from accord.site.audit import audit_view, read_audit
from accord.site.data import gather
from accord.site.history import read_history
from accord.site.pages import Extras, site_pages
from accord.site.pins import Skipped, published_pins
from accord.site.render import page_key, render_pages, static_file
from accord.site.upstream import Upstream, newest_releases
from accord.site.write import SiteWriter, check_out

if TYPE_CHECKING:
    from accord.affected.graph import GraphSource
    from accord.export.gather import Sources

STATIC = ("site.css", "site.js")


@dataclass(frozen=True, slots=True)
class SiteOptions:
    requirements: Path
    out: Path
    workspace: Path | None = None
    base_url: str | None = None
    jobs: int = 1
    today: datetime.date | None = None
    index_url: str | None = None  # ask it for each library's newest release
    graphs: GraphSource | None = None  # resolve the pins: which requires which
    audit: Path | None = None  # an `accord audit --format json` document
    exports: Sources | None = None  # publish each ref's pylock.toml and SBOM
    into_existing: bool = False  # build in a non-empty directory no build made


@dataclass(frozen=True, slots=True)
class BuildReport:
    out: Path
    projects: int
    libraries: int
    published: tuple[str, ...]  # refs whose pins were published
    skipped: tuple[Skipped, ...]
    unknown_upstream: tuple[str, ...]  # libraries the index could not tell
    unresolved: tuple[str, ...]  # Pythons whose pins' graph failed, and why
    unexported: tuple[Skipped, ...]  # refs without a pylock.toml and SBOM, why
    written: int
    kept: int
    removed: int
    rendered: int  # pages rendered (the others were as the last build left them)
    # Central lines the site cannot show (validate's G001): it says so.
    findings: tuple[Finding, ...] = ()


def build_site(
    options: SiteOptions, on_project: Callable[[], None] = lambda: None
) -> BuildReport:
    check_out(options.out, options.requirements, options.into_existing)
    central = load_central_repo(options.requirements)
    audited = None if options.audit is None else read_audit(options.audit)
    # Without projects.txt the site still shows the list and publishes pins.
    members = (
        [] if central.projects is None else fleet_members(central, options.workspace)
    )
    fleet = gather(central, members, options.jobs, on_project)
    history = read_history(options.requirements)
    pins, skipped = published_pins(options.requirements)
    today = options.today or datetime.date.today()
    upstream: dict[NormalizedName, Upstream] | None = None
    unknown: tuple[str, ...] = ()
    if options.index_url is not None:
        names = [library.name for library in fleet.libraries]
        found, unknown = newest_releases(options.index_url, names, options.jobs)
        upstream = dict(sorted(found.items()))  # a stable order: a stable key
    dependencies = None
    if options.graphs is not None:
        from accord.site.dependencies import pin_dependencies

        dependencies = pin_dependencies(central, options.graphs, options.jobs)
    audit = None
    if audited is not None:
        audit = audit_view(audited, [library.name for library in fleet.libraries])
    exports = None
    if options.exports is not None:
        from accord.site.exports import branch_exports

        exports = branch_exports(options.requirements, pins, options.exports)
    pages = list(
        site_pages(
            fleet,
            history,
            pins,
            skipped,
            options.base_url,
            today,
            Extras(
                upstream,
                dependencies,
                audit,
                None if exports is None else exports.by_ref,
            ),
        )
    )
    writer = SiteWriter(options.out)
    writer.claim(
        [
            *(f"static/{name}" for name in STATIC),
            *(page.path for page in pages),
            *(published.path for published in pins),
            *(path for path, _ in (() if exports is None else exports.files)),
        ]
    )
    options.out.mkdir(parents=True, exist_ok=True)
    for name in STATIC:
        writer.write(f"static/{name}", static_file(name))
    keyed = [(page, page_key(page.template, page.context)) for page in pages]
    todo = [(page, key) for page, key in keyed if not writer.keep(page.path, key)]
    texts = render_pages([(p.template, p.context) for p, _ in todo])
    for (page, key), text in zip(todo, texts, strict=True):
        writer.write(page.path, text, key)
    for published in pins:
        writer.write(published.path, published.text)
    for path, text in () if exports is None else exports.files:
        writer.write(path, text)
    writer.finish()
    return BuildReport(
        options.out,
        len(fleet.projects),
        len(fleet.libraries),
        tuple(p.ref for p in pins),
        skipped,
        unknown,
        () if dependencies is None else dependencies.problems,
        ()
        if exports is None
        else tuple(
            Skipped(x.ref, x.problem) for x in exports.by_ref.values() if x.problem
        ),
        len(writer.written),
        len(writer.kept),
        len(writer.removed),
        len(todo),
        _unreadable_lines(central),
    )


def _unreadable_lines(central: CentralRepo) -> tuple[Finding, ...]:
    """The central files' lines that cannot be read, as validate reports
    them: their libraries are missing from the pages, which must say why
    rather than pass over them (as audit does with the pins it skips)."""
    from accord.rules.validate import check_unparseable_lines

    return tuple(check_unparseable_lines(central))
