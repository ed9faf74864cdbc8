"""Plan a sync: the exact new text of each project file, computed, not written.

A line that already conforms is never touched. What sync cannot decide (a
library not in the global list without ``--prune``, a missing minimum, a
conflict) is left as written and reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from accord.central import CentralRepo
from accord.errors import InputError
from accord.findings import Finding, sort_findings
from accord.model._lines import (
    BOM,
    continued_until,
    join_continuations,
    split_comment,
)
from accord.model.requirements_file import requirements_readable
from accord.model.sources import SourceRequirement, parse_pyproject, parse_setup_cfg
from accord.project import Project
from accord.rules._memo import verdict_memo
from accord.rules.check import Assessment, judge_source
from accord.rules.duplicates import check_duplicates
from accord.rules.edits import line_comments
from accord.sync.splice import (
    SpliceError,
    before_comment,
    edit_comment,
    edit_line,
    remove_element,
    remove_from_key_line,
    split_lines,
)


@dataclass(frozen=True, slots=True)
class Change:
    path: str
    line: int
    old: str
    new: str | None  # None: the line is removed (--prune)
    licence: tuple[str, str] | None = None  # (old, new) licence comment


@dataclass(frozen=True, slots=True)
class FileUpdate:
    path: str
    old_text: str
    new_text: str


@dataclass(frozen=True, slots=True)
class SyncPlan:
    changes: tuple[Change, ...]
    updates: tuple[FileUpdate, ...]
    findings: tuple[Finding, ...]  # what is still wrong after the sync
    blocked: bool  # a source could not be read: nothing may be written


def plan_sync(
    project: Project, central: CentralRepo, prune: bool = False, verify: bool = True
) -> SyncPlan:
    """The changes sync would make; ``verify`` re-reads each edited file."""
    problems: list[Finding] = [
        Finding("C001", "error", p.path, p.line, p.message, p.fix)
        for p in project.problems
    ]
    remaining: list[Finding] = []
    # Keyed by the item's text too: one line may hold several requirements.
    changes: dict[tuple[str, int, str], Change] = {}
    comments = line_comments(project.sources, dict(project.texts))
    memo = verdict_memo(central)  # one judgement a distinct line
    for source in project.sources:
        problems.extend(
            Finding("C001", "error", p.path, p.line, p.message, p.fix)
            for p in source.problems
        )
        remaining.extend(check_duplicates(source))
        for item, assessment, findings in judge_source(source, central, comments, memo):
            if (item.path, item.line, item.text) in changes:
                continue  # the same entry reached again through include-group
            change = _change_for(item, assessment, prune)
            if change is None:
                remaining.extend(findings)
                continue
            changes[(item.path, item.line, item.text)] = change
            if change.new is not None:  # what the edit does not fix remains
                remaining.extend(f for f in findings if f.rule not in assessment.fixes)
    updates, failures = _updates(project, list(changes.values()), verify)
    remaining.extend(failures)
    failed = {(f.path, f.line) for f in failures}
    applied = tuple(
        c
        for c in changes.values()
        if (c.path, c.line) not in failed and (c.path, None) not in failed
    )
    return SyncPlan(
        applied,
        updates,
        tuple(sort_findings(set(problems + remaining))),
        blocked=bool(problems),
    )


def planned_updates(
    project: Project, edits: Iterable[tuple[SourceRequirement, Assessment]]
) -> tuple[FileUpdate, ...]:
    """The files sync would change for check's edits (see ProjectCheck.edits),
    spliced but not re-read: what ``plan_sync(verify=False)`` gives, without
    judging every line again."""
    changes: dict[tuple[str, int, str], Change] = {}
    for item, assessment in edits:
        change = _change_for(item, assessment, prune=False)
        if change is not None:
            changes.setdefault((item.path, item.line, item.text), change)
    return _updates(project, list(changes.values()), verify=False)[0]


def _updates(
    project: Project, changes: list[Change], verify: bool
) -> tuple[tuple[FileUpdate, ...], list[Finding]]:
    """Each changed file's new text, and the changes that could not be made."""
    updates: list[FileUpdate] = []
    failures: list[Finding] = []
    by_path: dict[str, list[Change]] = {}
    for change in changes:
        by_path.setdefault(change.path, []).append(change)
    for path, file_changes in sorted(by_path.items()):
        old_text = project.text_of(path)
        new_text, file_failures = _apply(path, old_text, file_changes)
        failure = _verify(path, new_text, old_text) if verify else None
        if failure is not None:
            file_failures.append(failure)
            new_text = old_text
        failures.extend(file_failures)
        if new_text != old_text:
            updates.append(FileUpdate(path, old_text, new_text))
    return tuple(updates), failures


def _change_for(
    item: SourceRequirement, assessment: Assessment, prune: bool
) -> Change | None:
    """The edit the assessment decided on (sync decides nothing of its own)."""
    if not assessment.listed:
        return Change(item.path, item.line, item.text, None) if prune else None
    if assessment.new_text is None and assessment.licence is None:
        return None
    new = item.text if assessment.new_text is None else assessment.new_text
    return Change(item.path, item.line, item.text, new, assessment.licence)


def _apply(path: str, text: str, changes: list[Change]) -> tuple[str, list[Finding]]:
    toml, cfg = path.endswith(".toml"), path.endswith("setup.cfg")
    failures: list[Finding] = []
    # A byte-order mark is not part of the first line: kept where it is.
    bom = BOM if text.startswith(BOM) else ""
    lines = split_lines(text[len(bom) :])  # once: a file may have many edits
    # Bottom-up, so removing a line does not move the lines still to edit.
    for each in sorted(changes, key=lambda c: c.line, reverse=True):
        change = _in_cfg_spelling(each) if cfg else each
        try:
            if change.new is None:
                _remove(lines, change, toml, cfg)
            elif change.new != change.old:
                edit_line(lines, change.line, change.old, change.new, toml, cfg)
            if change.licence is not None and change.new is not None:
                edit_comment(lines, change.line, *change.licence, continued=not toml)
        except SpliceError as error:
            wanted = "remove it" if change.new is None else f"write {change.new!r}"
            failures.append(
                Finding(
                    "C012",
                    "error",
                    path,
                    change.line,
                    f"accord cannot rewrite this line itself ({error})",
                    f"{wanted} by hand",
                )
            )
    return bom + "".join(lines), failures


def _in_cfg_spelling(change: Change) -> Change:
    """``change`` as setup.cfg spells it: configparser (so setuptools and
    pbr) reads ``%%`` as ``%``, so each ``%`` of a requirement is doubled."""
    if "%" not in change.old and "%" not in (change.new or ""):
        return change
    new = None if change.new is None else change.new.replace("%", "%%")
    return replace(change, old=change.old.replace("%", "%%"), new=new)


def _remove(lines: list[str], change: Change, toml: bool, cfg: bool) -> None:
    # A requirements file's line may continue over several physical ones.
    last = change.line if toml else continued_until(lines, change.line)
    current = join_continuations("".join(lines[change.line - 1 : last]))
    if toml:
        body = before_comment(current, toml=True).strip().rstrip(",").strip()
        literals = {change.old, f'"{change.old}"', f"'{change.old}'"}
    else:  # the requirement, then perhaps its options (--hash), then a comment
        body = split_comment(current.rstrip("\r\n"))[0].strip()
        options = body.removeprefix(change.old)
        if options[:1].isspace() and options.lstrip().startswith("-"):
            body = change.old
        literals = {change.old}
    if body in literals:
        del lines[change.line - 1 : last]
    elif toml:  # one of several elements on the line
        remove_element(lines, change.line, change.old)
    elif cfg:  # in the value on its key's line
        remove_from_key_line(lines, change.line, change.old)
    else:
        raise SpliceError("it does not stand alone on its line")


def _verify(path: str, text: str, old_text: str) -> Finding | None:
    """Re-read an edited file; an edit must never make it unreadable (a file
    that was so already, and blocks the sync, is not the edit's doing)."""
    broken = _unreadable(path, text)
    if not broken or _unreadable(path, old_text) >= broken:
        return None
    return Finding(
        "C012",
        "error",
        path,
        None,
        "the rewritten file would not read back cleanly, so it was left as it was",
        "sync this file by hand and report the case to the accord developers",
    )


def _unreadable(path: str, text: str) -> int:
    """How many problems reading ``text`` as the file at ``path`` finds."""
    try:
        if path.endswith("pyproject.toml"):
            return sum(len(s.problems) for s in parse_pyproject(text, path))
        if path.endswith("setup.cfg"):
            return sum(len(s.problems) for s in parse_setup_cfg(text, path))
        return 0 if requirements_readable(text) else 1
    except InputError:
        return 1 << 30  # not even TOML any more
