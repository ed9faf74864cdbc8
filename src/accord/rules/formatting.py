"""The global list's formatting rules (G016-G018), and ``validate --fix``.

OpenStack's lint writes each entry back with
``Requirement.to_line(comment_prefix='  ', sort_specifiers=True)`` and
reports every line that differs: ``name[extras]specifiers;marker  # Licence``
with extras sorted, specifiers sorted (minimums, then exact versions and
exclusions, then caps, each by version) and exactly two spaces before the
``#``. accord checks the same three things, each as its own warning:

- G016: not exactly two spaces before the ``#``;
- G017: the requirement not written that way (specifiers out of order,
  spaces inside it, extras unsorted);
- G018: the licence comment not written ``# Licence`` (one space after the
  ``#``, no ``license:`` prefix; a further note stays as ``# note``).

:func:`fix_formatting` rewrites only the lines these rules flag, and on them
only the flagged part; every other byte, line endings included, is kept.
Lines accord cannot rewrite safely (continued over several physical lines,
with pip options, or a URL) are neither reported nor touched.
"""

# Annotations are evaluated here, not postponed: see accord.findings.
import re
from collections.abc import Iterator
from typing import NamedTuple

from packaging.specifiers import Specifier
from packaging.version import InvalidVersion, Version

from accord.central import CentralRepo
from accord.findings import Finding
from accord.model._lines import split_comment
from accord.model.global_list import split_licence
from accord.model.requirements_file import RequirementLine, RequirementsFile

FORMAT_RULES = frozenset({"G016", "G017", "G018"})

# OpenStack's key_specifier: minimums first, caps last, the rest between.
_WEIGHT = {">=": 0, ">": 0, "===": 1, "==": 1, "~=": 1, "!=": 1, "<": 2, "<=": 2}
# Where a name ends on a requirement line (names never hold these).
_AFTER_NAME = re.compile(r"[\[(<>=!~;@ \t]")


class LineLayout(NamedTuple):
    """One global-list line split into the parts the rules look at."""

    indent: str  # whitespace before the requirement, kept as is
    requirement: str  # as written
    canonical_requirement: str
    gap: str  # the whitespace between the requirement and the "#"
    comment: str | None  # after the "#", as written; None: no comment
    canonical_comment: str | None  # None: nothing to compare (no licence)

    def rules(self) -> tuple[str, ...]:
        """The formatting rules this line breaks."""
        broken: list[str] = []
        if self.comment is not None and self.gap != "  ":
            broken.append("G016")
        if self.requirement != self.canonical_requirement:
            broken.append("G017")
        if (
            self.comment is not None
            and self.canonical_comment is not None
            and self.comment.rstrip() != self.canonical_comment
        ):
            broken.append("G018")
        return tuple(broken)

    def fixed(self) -> str:
        """The line with every broken part rewritten and nothing else."""
        broken = self.rules()
        requirement = self.requirement
        if "G017" in broken:
            requirement = self.canonical_requirement
        if self.comment is None:
            return self.indent + requirement + self.gap
        comment = self.comment
        if "G018" in broken and self.canonical_comment is not None:
            comment = self.canonical_comment
        gap = "  " if "G016" in broken else self.gap
        return f"{self.indent}{requirement}{gap}#{comment}"


def layout(line: RequirementLine) -> LineLayout | None:
    """The parts of ``line``, or None for a line accord leaves alone."""
    requirement = line.requirement
    if line.options or requirement.url or "\n" in line.text or "\r" in line.text:
        return None
    # The parsed line's comment is the text's own but on a continued line.
    comment = split_comment(line.text)[1] if "\\" in line.text else line.comment
    # Everything before the "#" (split_comment's part stops short of the
    # whitespace that makes it a comment).
    before = line.text if comment is None else line.text[: -len(comment) - 1]
    content = before.strip()
    indent = before[: len(before) - len(before.lstrip())]
    gap = before[len(before.rstrip()) :] if comment is not None else ""
    canonical_comment = None
    if comment is not None:
        licence, note = split_licence(comment)
        if licence is not None:
            canonical_comment = f" {licence}" + (f" # {note}" if note else "")
    # line.content, which splits the text again, differs from what is before
    # the "#" only on a line with a backslash (pip's continuation mark).
    written = line.content if "\\" in line.text else content
    return LineLayout(
        indent,
        content,
        canonical_requirement(line, written),
        gap,
        comment,
        canonical_comment,
    )


def canonical_requirement(line: RequirementLine, content: str) -> str:
    """``name[extras]specifiers;marker`` as OpenStack's lint writes it.

    ``content`` is the requirement as written (``line.content``). The name
    and the marker stay as written (markers are compared by meaning
    elsewhere); extras and specifiers are sorted, with no spaces.
    """
    requirement = line.requirement
    after = _AFTER_NAME.search(content)
    end = len(content) if after is None else after.start()
    text = content[:end]
    if requirement.extras:
        text += "[" + ",".join(sorted(requirement.extras)) + "]"
    text += ",".join(_specifiers_in_order(content[end:], line))
    marker = content.partition(";")[2].strip()  # line.marker_text, from content
    return f"{text};{marker}" if marker else text


def _written_specifiers(rest: str) -> list[str]:
    """The specifiers after the name, in the order they are written, each
    without its spaces (``>= 1.0`` is ``>=1.0``, as packaging prints it)."""
    if rest.startswith("["):
        rest = rest.partition("]")[2]
    rest = rest.partition(";")[0].strip()
    if rest.startswith("(") and rest.endswith(")"):
        rest = rest[1:-1]
    return ["".join(part.split()) for part in rest.split(",") if part.strip()]


def _specifiers_in_order(rest: str, line: RequirementLine) -> list[str]:
    if "," not in rest:  # one specifier at most: nothing to sort or to split
        return [str(spec) for spec in line.requirement.specifier]
    # The written texts name the specifiers packaging parsed from them: no
    # specifier is parsed again (nor its version, to compare two).
    parsed = {str(spec): spec for spec in line.requirement.specifier}
    written = _written_specifiers(rest)
    if set(written) == set(parsed):
        specifiers = [parsed[text] for text in written]
    else:  # not split as packaging read it: its order
        specifiers = sorted(line.requirement.specifier, key=str)
    specifiers.sort(key=_spec_key)
    return [str(spec) for spec in specifiers]


def _spec_key(spec: Specifier) -> tuple[int, tuple[int, ...]]:
    """Operator group, then release number; ties keep the written order.

    By release number and not the whole version: OpenStack's lint sorted with
    ``LooseVersion`` (``4.0.5`` before ``4.0.5rc1``) and now sorts as PEP 440
    does (after); its real list has both, so either order passes.
    """
    try:
        release = Version(spec.version.removesuffix(".*")).release
    except InvalidVersion:  # an arbitrary '===' string
        release = ()
    return (_WEIGHT.get(spec.operator, 1), release)


_MESSAGES = {
    "G016": (
        "{name}: {gap} before the '#', not two spaces",
        "write two spaces before the '#', or run 'accord validate --fix'",
    ),
    "G017": (
        "{name} is written {written!r}; OpenStack's form is {canonical!r} "
        "(extras and specifiers sorted, no spaces)",
        "write {canonical!r}, or run 'accord validate --fix'",
    ),
    "G018": (
        "{name}: the licence comment is '#{comment}', not '#{canonical}'",
        "write '  #{canonical}', or run 'accord validate --fix'",
    ),
}


def check_formatting(repo: CentralRepo) -> Iterator[Finding]:
    """G016, G017, G018: each line written the way OpenStack's lint wants."""
    path = repo.global_list.path
    for entry in repo.global_list.entries:
        parts = layout(entry.line)
        if parts is None:
            continue
        for rule in parts.rules():
            message, fix = _MESSAGES[rule]
            values = {
                "name": entry.requirement.name,
                "written": parts.requirement,
                "canonical": parts.canonical_requirement
                if rule == "G017"
                else parts.canonical_comment,
                "comment": (parts.comment or "").rstrip(),
                "gap": repr(parts.gap)
                if parts.gap.strip(" ")
                else f"{len(parts.gap)} space(s)",
            }
            yield Finding(
                rule,
                "warning",
                path,
                entry.lineno,
                message.format(**values),
                fix.format(**values),
            )


def fix_formatting(file: RequirementsFile) -> tuple[str, tuple[int, ...]]:
    """The global list's text with every G016-G018 line rewritten, and the
    numbers of those lines. Every other byte is the file's own."""
    out: list[str] = []
    changed: list[int] = []
    for line in file.lines:
        body = line.text
        if isinstance(line, RequirementLine):
            parts = layout(line)
            if parts is not None and parts.rules():
                body = parts.fixed()
                changed.append(line.lineno)
        out.append(body + line.ending)
    return file.bom + "".join(out), tuple(changed)
