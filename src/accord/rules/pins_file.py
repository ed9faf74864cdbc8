"""Rules that the central lists are there and well formed: the pins file
present with exact pins only (G019, G011), the global list listing a
library (G020) by name (V006) and no pip option (G024), no old
blacklist.txt left unread beside denylist.txt (G023)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from accord.central import GLOBAL_REQUIREMENTS, UPPER_CONSTRAINTS, CentralRepo
from accord.findings import Finding
from accord.model.requirements_file import (
    OptionLine,
    RequirementsFile,
    line_content,
)

# How a line of the pins file is written: G001's and G011's fix.
PIN_LINE = "write it as name===version, with a ;python_version marker if needed"


# A release number already in PEP 440's normal form: ASCII digits and dots,
# no leading zeros. Nearly every pin is one, and a match spares it
# str(Version) (~8,000 instructions a pin, ~4.6 M over OpenStack's pins).
_PLAIN_NORMAL = re.compile(r"(?:0|[1-9][0-9]*)(?:\.(?:0|[1-9][0-9]*))*")


def check_malformed_pins(repo: CentralRepo) -> Iterator[Finding]:
    """G011: a constraints line that is not ``name===version``: a range, a
    URL, ``==``, extras or a pip option.

    ``name==version`` is read as a pin elsewhere (pip treats it alike), but
    ``==`` also matches ``1.0.0`` for ``1.0`` and takes wildcards, so the pins
    file must say ``===``.
    """
    if repo.constraints is None:
        return
    path = repo.constraints.path
    for malformed in repo.constraints.malformed:
        name = malformed.line.requirement.name
        yield Finding("G011", "error", path, malformed.line.lineno,
                      f"{name}: {malformed.reason}", PIN_LINE)  # fmt: skip
    # pip follows "-r more.txt" in a constraints file; accord does not.
    for lineno, written in _options(repo.constraints.file):
        yield Finding(
            "G011",
            "error",
            path,
            lineno,
            f"{written!r} is a pip option, not a pin: accord reads no pin from it",
            "remove it, and write each pin in this file as name===version",
        )
    for pin in repo.constraints.pins:
        requirement = pin.line.requirement
        spec = next(iter(requirement.specifier))
        name = requirement.name
        if requirement.extras:  # pip: "Constraints cannot have extras"
            extras = ",".join(sorted(requirement.extras))
            yield Finding(
                "G011",
                "error",
                path,
                pin.lineno,
                f"{name}: a pin carries no extras ([{extras}]): pip refuses a "
                "constraints file with them",
                f"write it as {name}==={pin.version}",
            )
        elif spec.operator == "==":
            yield Finding(
                "G011",
                "error",
                path,
                pin.lineno,
                f"{name}: '{spec}' is not an exact pin: the pins file uses '==='",
                f"write it as {name}==={pin.version}",
            )
        elif not _PLAIN_NORMAL.fullmatch(spec.version) and spec.version.lower() != str(
            pin.version
        ):
            # "===" compares the text (case aside) with the release's
            # version in its PEP 440 form: "===v1.0" matches no release.
            yield Finding(
                "G011",
                "error",
                path,
                pin.lineno,
                f"{name}: '{spec}' matches no release: '===' compares the text, "
                f"and the release's version is written {pin.version}",
                f"write it as {name}==={pin.version}",
            )


def check_pins_file_present(repo: CentralRepo) -> Iterator[Finding]:
    """G019: a global list with no pins file: nothing is pinned anywhere."""
    if repo.constraints is not None:
        return
    yield Finding(
        "G019",
        "error",
        UPPER_CONSTRAINTS,
        None,
        f"there is no {UPPER_CONSTRAINTS}, so no library of the global list is "
        "pinned and projects' CI installs whatever is newest",
        f"run 'accord constraints generate' to write {UPPER_CONSTRAINTS}",
    )


def check_global_list_not_empty(repo: CentralRepo) -> Iterator[Finding]:
    """G020: a global list with no requirement line (empty, or comments only):
    no library is allowed, so every project's every requirement fails its
    check; most likely the file was truncated or is the wrong one."""
    file = repo.global_list.file
    if any(True for _ in file.requirements()) or any(file.invalid_lines()):
        return  # a line that does not parse is G001's
    yield Finding(
        "G020",
        "error",
        repo.global_list.path,
        None,
        f"{GLOBAL_REQUIREMENTS} lists no library, so no project may depend on anything",
        "list each library the projects may use, one a line with its licence "
        "comment (e.g. 'six  # MIT')",
    )


def check_global_list_options(repo: CentralRepo) -> Iterator[Finding]:
    """G024: a pip option in the global list (``-r more.txt``, ``-c``,
    ``--index-url``): accord reads no library from it, so a library only a
    ``-r`` file names is not allowed, and each project's check says C002."""
    for lineno, written in _options(repo.global_list.file):
        yield Finding(
            "G024",
            "warning",
            repo.global_list.path,
            lineno,
            f"{written!r} is a pip option: accord reads no library from it",
            "list each library on a line of its own in this file, "
            "and remove the option",
        )


def _options(file: RequirementsFile) -> Iterator[tuple[int, str]]:
    """The line number and text of each pip option line of ``file``."""
    for line in file.lines:
        if isinstance(line, OptionLine):
            yield line.lineno, line_content(line.text)[0]


def check_unread_denylist(repo: CentralRepo) -> Iterator[Finding]:
    """G023: blacklist.txt beside denylist.txt, its new name (OpenStack
    renamed it): only denylist.txt is read, as OpenStack's tools read it, so
    a name only blacklist.txt has is not denied."""
    old, denylist = repo.unread_denylist, repo.denylist
    if old is None or denylist is None:
        return
    left = sorted(
        {line.requirement.name for line in old.file.requirements()
         if line.name not in denylist.names},
        key=str.lower,
    )  # fmt: skip
    names = ""
    if left:
        listed = ", ".join(left)
        names = f"; {old.path} names {listed}, which {denylist.path} does not"
    yield Finding(
        "G023",
        "warning",
        old.path,
        None,
        f"{old.path} is not read: {denylist.path}, its new name, is{names}",
        f"move what {denylist.path} should deny into it, and delete {old.path}",
    )


DIRECT_FIX = (
    "list the library by name (with static metadata in accord.toml for an "
    "sdist-only package)"
)


def check_direct_references(repo: CentralRepo) -> Iterator[Finding]:
    """V006: a global-list entry that is a direct reference (``name @ URL``).

    accord never resolves one (see :mod:`accord.resolve.direct`), so no pin
    can be generated or verified for it: validate and constraints verify
    both report it with this one finding, asking for the library by name.
    """
    global_list = repo.global_list
    for entry in global_list.entries:
        if entry.requirement.url is None:
            continue  # most lists name none: nothing more is loaded
        from accord.resolve.direct import direct_reference, refusal

        kind = direct_reference(entry.requirement)
        if kind is not None:
            yield Finding(
                "V006",
                "error",
                global_list.path,
                entry.lineno,
                refusal(entry.line.content, kind),
                DIRECT_FIX,
            )
