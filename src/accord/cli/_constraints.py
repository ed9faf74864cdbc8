"""Commands that resolve: constraints generate/bump/verify, coinstall, lower-bounds."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from accord.cli._app import finish
from accord.cli._progress import resolution_progress
from accord.cli._resolving import (
    refuse_unreadable_list,
    refuse_unreadable_pins,
    report_generated,
    resolving_from,
)
from accord.errors import AccordError
from accord.findings import Finding


def constraints_generate(
    requirements: str | None,
    output_format: str,
    index_url: str | None,
    extra_index_url: Sequence[str],
    find_links: Sequence[str],
    no_index: bool | None,
    pythons: Sequence[str],
    jobs: int | None,
    output: str | None,
    diff: bool,
    refresh: bool,
    osv_url: str | None = None,
    no_vulnerability_exemption: bool = False,
) -> int:
    from dataclasses import replace

    from accord.central import UPPER_CONSTRAINTS, load_central_repo
    from accord.cli._cooldown import (
        cooldown_cutoffs,
        held_back_notes,
        now,
        vulnerability_exemptions,
    )
    from accord.cli._globals import print_note
    from accord.index.client import default_cache_dir
    from accord.resolve.generate import (
        build_requests,
        expected_names,
        generate,
        unchanged_result,
    )
    from accord.resolve.merge import sort_pythons
    from accord.resolve.stamp import StampStore, generation_stamp
    from accord.writes import write_atomic, write_pip_file

    writes = not diff and output in (None, "")
    with resolving_from(
        requirements,
        index_url,
        extra_index_url,
        find_links,
        no_index,
        pythons,
        jobs,
        local_only="it writes upper-constraints.txt there (--output FILE or "
        "--diff do not)"
        if writes
        else None,
    ) as resolving:
        central = resolving.central
        refuse_unreadable_list(central)
        requests = build_requests(
            central, sort_pythons(resolving.pythons), central.config.resolution.holds
        )
        limits = cooldown_cutoffs(resolving)
        # A vulnerable pin moves to the fix, however young (in its series).
        fixes, notes = vulnerability_exemptions(
            resolving, limits, osv_url, not no_vulnerability_exemption
        )
        if fixes:
            limits = cooldown_cutoffs(resolving, (), {f.name for f in fixes})
        # The cooldown's settings and exemptions decide the answer too (its
        # moving cutoff does not: the pins kept as preferences do not move
        # with it), so a new advisory is not skipped as "nothing to resolve".
        identity = (
            resolving.resolver.identity()
            + repr(central.config.policy)
            + repr([(f.name, str(f.fixed)) for f in fixes])
        )
        stamp = generation_stamp(requests, identity)
        store = StampStore(default_cache_dir().parent / "generate")
        current = central.constraints.file.text if central.constraints else None
        if not refresh and store.unchanged(resolving.root, stamp, current):
            print_note(
                "every input is what produced the current pins: nothing to resolve "
                "(--refresh resolves anyway)"
            )
            result = unchanged_result(central)
        else:
            resolving.resolver.expect(expected_names(central))
            together = resolving.resolver.warm_start()
            with resolution_progress(resolving.pythons) as shown:
                result = generate(
                    central,
                    resolving.pythons,
                    shown.watch(resolving.resolver),
                    resolving.jobs,
                    shown.done,
                    upgrade=[fix.name for fix in fixes],
                    exclude_newer=limits.uv_arguments(now()),
                    limits=[fix.constraint() for fix in fixes],
                    together=together,
                )
            notes += held_back_notes(resolving, result, limits)
            result = replace(result, notes=(*result.notes, *notes))
        target = (
            resolving.root / UPPER_CONSTRAINTS if output in (None, "") else Path(output)
        )
        written = None
        if result.text is not None and not diff:
            if output == "-":
                # Flushed now so that a log merging stdout and stderr shows
                # the pins before the report that follows them on stderr.
                sys.stdout.write(result.text)
                sys.stdout.flush()
            else:
                # The pins read before a resolution of minutes: a file changed
                # meanwhile is kept ("changed on disk", exit 1).
                mine = target == resolving.root / UPPER_CONSTRAINTS
                kept = result.text
                if mine:  # in its encoding, its byte-order mark kept
                    kept = write_pip_file(target, result.text, expected=current)
                else:
                    write_atomic(target, result.text)
                written = str(target)
                if target == resolving.root / UPPER_CONSTRAINTS:
                    # The stamp of the inputs that produce this file: the file
                    # becomes the next run's preferences, so stamp those.
                    after = build_requests(
                        load_central_repo(resolving.root),
                        sort_pythons(resolving.pythons),
                        central.config.resolution.holds,
                    )
                    store.remember(
                        resolving.root,
                        generation_stamp(after, identity),
                        kept,
                    )
        return report_generated(
            resolving, result, output_format, written, diff, to_stderr=output == "-"
        )


def constraints_verify(
    requirements: str | None,
    output_format: str,
    index_url: str | None,
    extra_index_url: Sequence[str],
    find_links: Sequence[str],
    no_index: bool | None,
    pythons: Sequence[str],
    jobs: int | None,
) -> int:
    from accord.index.client import IndexClient
    from accord.resolve.verify import (
        verify_constraints,
        yanked_pins,
        young_pin_findings,
    )

    with resolving_from(
        requirements, index_url, extra_index_url, find_links, no_index, pythons, jobs
    ) as resolving:
        with resolution_progress(resolving.pythons) as shown:
            findings = verify_constraints(
                resolving.central,
                resolving.pythons,
                shown.watch(resolving.resolver),
                resolving.jobs,
                shown.done,
            )
        index = resolving.resolver.index
        if not index.no_index:  # yanked is a property of an index's pages
            client = IndexClient(index.url or "https://pypi.org/simple/", None)
            findings += yanked_pins(resolving.central, client)
            findings += young_pin_findings(resolving.central, client)
        return finish(
            "constraints verify",
            findings,
            output_format,
            f"verify {resolving.root}",
            resolving.root,
        )


def coinstall_command(
    requirements: str | None,
    output_format: str,
    index_url: str | None,
    extra_index_url: Sequence[str],
    find_links: Sequence[str],
    no_index: bool | None,
    pythons: Sequence[str],
    jobs: int | None,
    workspace: Path | None,
    with_tests: bool,
) -> int:
    from accord.locate import default_workspace
    from accord.members import fleet_members
    from accord.project import load_project
    from accord.resolve.together import coinstall

    with resolving_from(
        requirements, index_url, extra_index_url, find_links, no_index, pythons, jobs
    ) as resolving:
        central = resolving.central
        refuse_unreadable_pins(central)
        projects = []
        findings: list[Finding] = []
        workspace = default_workspace(resolving.root, workspace)
        for member in fleet_members(central, workspace):
            try:
                projects.append(
                    (member.name, load_project(member.path, central.config))
                )
            except AccordError as error:
                findings.append(
                    Finding("K002", "error", member.name, None, f"not read: {error}")
                )
        with resolution_progress(resolving.pythons) as shown:
            findings += coinstall(
                central,
                projects,
                resolving.pythons,
                shown.watch(resolving.resolver),
                with_tests,
                resolving.jobs,
                shown.done,
            )
        # K001 paths are project/file: relative to where the projects live.
        projects_root = workspace or central.root.resolve().parent
        return finish(
            "coinstall",
            findings,
            output_format,
            f"coinstall {resolving.root}",
            projects_root,
        )


def lower_bounds_command(
    project: Path,
    requirements: str | None,
    output_format: str,
    index_url: str | None,
    extra_index_url: Sequence[str],
    find_links: Sequence[str],
    no_index: bool | None,
    pythons: Sequence[str],
    jobs: int | None,
) -> int:
    from accord.project import load_project
    from accord.resolve.together import lower_bounds

    with resolving_from(
        requirements,
        index_url,
        extra_index_url,
        find_links,
        no_index,
        pythons,
        jobs,
        project=project,
    ) as resolving:
        loaded = load_project(project, resolving.central.config)
        with resolution_progress(resolving.pythons) as shown:
            findings = lower_bounds(
                resolving.central,
                loaded,
                resolving.pythons,
                shown.watch(resolving.resolver),
                resolving.jobs,
                shown.done,
            )
        return finish(
            "lower-bounds", findings, output_format, f"lower-bounds {project}", project
        )
