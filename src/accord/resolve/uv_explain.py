"""Which requirements uv's explanation of a failure involves.

uv explains a failed resolution in sentences such as ``Because you require
gamma>=2.0 and gamma<2, we can conclude that your requirements are
unsatisfiable.`` The requirements after ``you require`` (not those after
``conclude that``, which uv derived) are the direct requirements the conflict
involves; ``X was not found`` and ``there is no version of X`` name a
missing package. This wording is uv's, read only here and in ``uv.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import NormalizedName, canonicalize_name

# "you require a>=1, b and c<2" up to the clause's end, unless derived.
_REQUIRE = re.compile(r"(?<!conclude that )you require (.+?)(?:,(?= we)| we |\.$|$)")
_MISSING = re.compile(
    r"(?:there is no version of|Because|and) ([A-Za-z0-9][A-Za-z0-9._-]*)"
    r"(?:\[[^\]]*\])?(?:[<>=!~][^\s,]*)? was not found"
)
_NO_VERSION = re.compile(r"there is no version of ([A-Za-z0-9][A-Za-z0-9._-]*)")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")
# A package in uv's sentences: followed by a specifier, or after "of"/"on".
_PACKAGE = re.compile(
    r"(?:(?<=versions of )|(?<=version of )|(?<=depends on )|(?<=depend on ))"
    r"([A-Za-z0-9][A-Za-z0-9._-]*)"
    r"|(?<![\w.-])([A-Za-z0-9][A-Za-z0-9._-]*)(?=[<>=!~]=|[<>]\d| was not found)"
)


@dataclass(frozen=True, slots=True)
class Mention:
    """A requirement uv names as one the user asked for."""

    name: NormalizedName
    specifier: SpecifierSet | None  # None: uv named the package alone


def required(reason: str) -> list[Mention]:
    """The direct requirements uv's explanation names, in order."""
    mentions: list[Mention] = []
    for clause in _REQUIRE.findall(reason):
        # ", " or " and " part requirements; a bare "," is inside a specifier.
        for part in re.split(r",\s+|\s+and\s+", clause):
            mention = _mention(part.strip())
            if mention is not None and mention not in mentions:
                mentions.append(mention)
    for pattern in (_MISSING, _NO_VERSION):
        for name in pattern.findall(reason):
            mention = Mention(canonicalize_name(name), None)
            if not any(m.name == mention.name for m in mentions):
                mentions.append(mention)
    return mentions


def named(reason: str) -> list[str]:
    """Every package uv's explanation names, in order, once each."""
    names: list[str] = []
    for match in _PACKAGE.finditer(reason):
        name = canonicalize_name(match.group(1) or match.group(2))
        if name not in names:
            names.append(name)
    return names


def _mention(text: str) -> Mention | None:
    text = text.split(" (", maxsplit=1)[0]  # "gamma==1.0 (constraint)"
    try:
        requirement = Requirement(text)
    except InvalidRequirement:
        match = _NAME.match(text)
        if match is None:
            return None
        return Mention(canonicalize_name(match.group()), None)
    specifier = requirement.specifier if str(requirement.specifier) else None
    return Mention(canonicalize_name(requirement.name), specifier)


def involves(mentions: list[Mention], requirement: Requirement) -> bool | None:
    """Whether a requirement is one uv's explanation names.

    True when uv names it with the same specifier, or names the package
    alone; None when uv names the package only with other specifiers (uv
    may have narrowed the requirement, e.g. ``>=1.0`` to ``==1.0``): the
    caller blames such lines only if no line matches exactly.
    """
    name = canonicalize_name(requirement.name)
    specifiers = [m.specifier for m in mentions if m.name == name]
    if not specifiers:
        return False
    if None in specifiers or requirement.specifier in specifiers:
        return True
    return None
