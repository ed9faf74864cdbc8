"""Release notes in reno's format, collected into Markdown.

A note is ``releasenotes/notes/<slug>.yaml`` with sections such as
``features`` or ``fixes`` (each a list of strings; ``prelude`` is one
string). The notes of a release are those added or changed between the
previous release's commit and this one, read at this one from git objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import yaml

from accord.release.gitrepo import LocalRepo, run_git

NOTES_DIR = "releasenotes/notes"

# reno's sections, in its order, with its titles.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("prelude", "Prelude"),
    ("features", "New Features"),
    ("issues", "Known Issues"),
    ("upgrade", "Upgrade Notes"),
    ("deprecations", "Deprecation Notes"),
    ("critical", "Critical Issues"),
    ("security", "Security Issues"),
    ("fixes", "Bug Fixes"),
    ("other", "Other Notes"),
)
_KNOWN = dict(SECTIONS)


@dataclass(frozen=True, slots=True)
class Note:
    path: str
    sections: tuple[tuple[str, tuple[str, ...]], ...]  # (section, entries)


@dataclass(frozen=True, slots=True)
class ReleaseNotes:
    title: str  # "acmelib 1.1.1"
    notes: tuple[Note, ...]
    problems: tuple[str, ...]  # notes that could not be read, and why

    def markdown(self) -> str:
        lines = [f"# {self.title}", ""]
        for key, heading in SECTIONS:
            entries = [
                e for n in self.notes for k, es in n.sections if k == key for e in es
            ]
            if not entries:
                continue
            lines += [f"## {heading}", ""]
            if key == "prelude":
                lines += [*(e.strip() for e in entries), ""]
            else:
                lines += [*(_bullet(e) for e in entries), ""]
        if len(lines) == 2:
            lines += ["No release notes.", ""]
        return "\n".join(lines)


def _bullet(text: str) -> str:
    body = text.strip().replace("\n", "\n  ")
    return f"- {body}"


def changed_notes(repo: LocalRepo, previous: str | None, sha: str) -> list[str]:
    """The note files added or changed since ``previous`` (all if None)."""
    if previous is None:
        return sorted(p for p in repo.files_at(sha, NOTES_DIR) if p.endswith(".yaml"))
    result = run_git(
        repo.path, "diff", "--name-only", "--diff-filter=AM", "--no-renames",
        previous, sha, "--", NOTES_DIR,
    )  # fmt: skip
    names = result.stdout.decode("utf-8", "replace").splitlines()
    return sorted(n for n in names if n.endswith(".yaml"))


def parse_note(path: str, data: bytes) -> Note:
    """One note; raises ValueError saying what is wrong with it."""
    try:
        loaded = yaml.safe_load(data.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError, RecursionError) as error:
        raise ValueError(f"{path}: not a YAML note ({type(error).__name__})") from error
    if not isinstance(loaded, dict):
        raise ValueError(f"{path}: a note is a mapping of sections")
    sections: list[tuple[str, tuple[str, ...]]] = []
    for key, value in loaded.items():
        if key not in _KNOWN:
            raise ValueError(f"{path}: unknown section {key!r}")
        entries = [value] if key == "prelude" and isinstance(value, str) else value
        if not isinstance(entries, list) or not all(
            isinstance(e, str) for e in entries
        ):
            raise ValueError(f"{path}: {key} must be a list of strings")
        sections.append((key, tuple(entries)))
    return Note(path, tuple(sections))


def collect_notes(
    repo: LocalRepo, title: str, previous: str | None, sha: str
) -> ReleaseNotes:
    notes: list[Note] = []
    problems: list[str] = []
    for path in changed_notes(repo, previous, sha):
        data = repo.read_at(sha, path)
        if data is None:
            continue
        try:
            notes.append(parse_note(path, data))
        except ValueError as error:
            problems.append(str(error))
    return ReleaseNotes(title, tuple(notes), tuple(problems))


def announcement(notes: ReleaseNotes, files: Sequence[tuple[str, str]]) -> str:
    """The announcement: the notes, then the files and their checksums."""
    text = notes.markdown()
    if files:
        text += "\n## Files\n\n" + "".join(f"- `{n}` sha256 `{c}`\n" for n, c in files)
    return text
