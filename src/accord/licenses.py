"""Licence comments: map free-form licence names to SPDX and judge them.

Each line of global-requirements.txt carries a licence comment written by
hand over many years (``# BSD``, ``# Apache 2.0 License``, ``# LGPLv2.1+``).
``normalize_license`` turns such text into an SPDX expression and
``assess_license`` weighs that expression against a ``LicensePolicy``.

Real SPDX expressions are validated and canonicalised by
``packaging.licenses``; this module only knows the free-form names, in one
table of patterns, and how people write "or" and "and" in plain words.
Everything here is pure: no I/O, no global state.
"""

# Annotations are evaluated here, not postponed: see accord.findings.
import re
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Literal, NamedTuple

from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression

from accord._licence_names import NAMES
from accord.errors import ConfigError
from accord.license_policy import DEFAULT_POLICY, LicensePolicy

if TYPE_CHECKING:
    from accord.index.model import CoreMetadata

LicenseVerdict = Literal["allowed", "forbidden", "review"]

__all__ = [
    "DEFAULT_POLICY",
    "LicenseAssessment",
    "LicensePolicy",
    "LicenseVerdict",
    "assess_license",
    "declared_licence",
    "normalize_license",
    "same_license",
]


class LicenseAssessment(NamedTuple):
    """The verdict on one licence text, with the sentence that explains it."""

    text: str
    expression: str | None
    verdict: LicenseVerdict
    reason: str


# Free-form names, matched in full against the text's key (see _key). In the
# SPDX side "{}" becomes "or-later" when the key ends in "+", else "only".
# Each pattern names a finite list of keys; at run time they are looked up
# in accord._licence_names, the list written out (tests/licence_names.py).
_NAMES: tuple[tuple[str, str], ...] = (
    # Unversioned "Apache" means 2.0 in practice: 1.x predates PyPI.
    ("Apache-2.0", r"(?:apache(?: software)?|asl)(?: ?-?v?2(?:\.0)?)?"),
    ("BSD-2-Clause", r"bsd[- ]?(?:2|two)(?:[- ]?clause)?|(?:simplified|freebsd) bsd"),
    # Plain "BSD" is read as the 3-clause ("new") text: it is what Python
    # projects ship almost always, and the stricter of the two variants.
    # "(prior)" in OpenStack's file dates the licence, it is not a variant.
    ("BSD-3-Clause", r"bsd(?:[- ]?(?:3|three)(?:[- ]?clause)?| new| prior)?"),
    ("BSD-3-Clause", r"(?:new|modified|revised) bsd"),
    ("MIT", r"mit(?: expat)?|expat"),
    ("PSF-2.0", r"psfl?(?: ?-?v?2(?:\.0)?)?|python software foundation"),
    ("Python-2.0", r"python(?: ?2(?:\.0)?)?"),
    # "GLGPLv3+" is a typo for LGPLv3+ in OpenStack's file.
    ("LGPL-2.1-{}", r"g?lgpl ?v?2\.1\+?"),
    ("LGPL-2.0-{}", r"g?lgpl ?v?2(?:\.0)?\+?"),
    ("LGPL-3.0-{}", r"g?lgpl ?v?3(?:\.0)?\+?"),
    # Unversioned LGPL: 2.1 is the text Python projects ship when they say
    # just "LGPL", and an unversioned grant lets users take any later one.
    ("LGPL-2.1-or-later", r"lgpl\+?"),
    ("GPL-2.0-{}", r"gpl ?v?2(?:\.0)?\+?"),
    ("GPL-3.0-{}", r"gpl ?v?3(?:\.0)?\+?"),
    ("GPL-2.0-or-later", r"gpl\+?"),  # same reasoning as plain LGPL
    ("AGPL-3.0-{}", r"agpl ?v?3(?:\.0)?\+?"),
    ("AGPL-3.0-or-later", r"agpl\+?"),
    # MySQL Connector/Python, which OpenStack notes this way, is GPLv2 with
    # Oracle's Universal FOSS Exception; for the policy it is still a GPL.
    (
        "GPL-2.0-only WITH Universal-FOSS-exception-1.0",
        r"gpl (?:with|\+) (?:universal )?foss exception",
    ),
    # Unversioned MPL: 1.x is superseded and no maintained package uses it.
    ("MPL-2.0", r"(?:mpl|mozilla public)(?: ?v?2(?:\.0)?)?"),
    # Unversioned ZPL: Zope ships 2.1.
    ("ZPL-2.1", r"(?:zpl|zope public)(?: ?v?2(?:\.1)?)?"),
    ("OFL-1.1", r"(?:sil )?(?:ofl|open font)(?: ?-?v?1\.1)?"),
    # PIL's licence is the Historical Permission Notice and Disclaimer.
    ("HPND", r"pil|historical permission notice and disclaimer"),
    # SPDX has no id for the public domain: a LicenseRef lets a policy name
    # it; by default it is neither allowed nor forbidden, so it gets review.
    ("LicenseRef-Public-Domain", r"public domain"),
)


# Case-insensitive patterns, compiled by _ignoring_case when first needed
# (the first three only for a text holding ":", "(" or "://").
_PREFIX = r"^licen[cs]e\s*:\s*"
# "X (+ dual licensed Y)" offers a choice, so it becomes "X or Y".
_DUAL = r"\(\s*\+\s*dual[- ]licen[cs]ed\s+([^()]+?)\s*\)"
# A URL names a licence, it does not combine them: its "/" separates nothing.
_URL = r"[a-z][a-z0-9+.-]*://[^\s,()]*"
# Between names, "/", "or" and "+" (one that starts a new name, not the
# trailing "or later" one) offer a choice; "," and "and" mean both apply.
_OR = r"\s*/\s*|\s+or\s+(?!(?:any\s+)?later\b)|\+(?=[a-z])"
_AND = r"\s*,\s*(?!version\b)|\s+and\s+"
# OR first: as in SPDX, AND binds tighter ("A or B, C" is A OR (B AND C)).
_SEPARATORS: tuple[tuple[Literal["AND", "OR"], str], ...] = (
    ("OR", _OR),
    ("AND", _AND),
)
# Words that carry no meaning for the table: "The MIT License" is "mit".
_NOISE = re.compile(r"\b(?:the|licen[cs]es?|version)\b|[\s,_()]+")
_LATER = re.compile(r"\s*(?:\bor (?:any )?later\b|\+)")  # all mean "or later"
_COMPOUND = re.compile(r"[()]| (?:AND|OR) ")
_RANK: dict[LicenseVerdict, int] = {"forbidden": 0, "review": 1, "allowed": 2}


# Unicode's \s holds these four ASCII controls too; re.ASCII's does not.
_UNICODE_SPACES = frozenset("\x1c\x1d\x1e\x1f")


def _ignoring_case(pattern: str, text: str) -> re.Pattern[str]:
    """``pattern`` compiled to match ``text`` ignoring case (re keeps it).

    As ASCII when ``text`` is plain ASCII: the same matches there, and the
    compile skips Unicode's case tables (~0.2 M instructions, not ~1.5 M).
    """
    plain = text.isascii() and _UNICODE_SPACES.isdisjoint(text)
    return re.compile(pattern, re.IGNORECASE | (re.ASCII if plain else 0))


class _Leaf(NamedTuple):
    text: str  # as written, for messages
    expression: str | None  # one SPDX term, or None when not recognised


class _Op(NamedTuple):
    op: Literal["AND", "OR"]
    parts: tuple["_Node", ...]


_Node = _Leaf | _Op


def _clean(text: str) -> str:
    text = text.strip()
    if ":" in text:
        text = _ignoring_case(_PREFIX, text).sub("", text)
    if "(" in text:
        text = _ignoring_case(_DUAL, text).sub(r" or \1", text)
    return " ".join(text.split())


def _key(text: str) -> str:
    """Lower-case ``text`` and drop the words no licence name depends on."""
    key = _LATER.sub("+", text.casefold())
    return " ".join(_NOISE.sub(" ", key).split())


def _canonical(text: str) -> str | None:
    try:
        return canonicalize_license_expression(text) if text else None
    except (InvalidLicenseExpression, KeyError):  # packaging 26 raises KeyError
        return None  # on a suffixed LicenseRef such as "LicenseRef-x+"


def _lookup(text: str, aliases: dict[str, str], spdx_only: bool) -> str | None:
    """SPDX for ``text`` taken whole: aliases, then SPDX itself, then the table."""
    if spdx_only:
        return _canonical(text)
    alias = aliases.get(text.casefold())
    if alias is not None:
        expression = _canonical(alias)
        if expression is None:
            raise ConfigError(
                f"licence alias {text!r} maps to {alias!r}, not an SPDX expression",
                hint="write an SPDX expression such as 'MIT' or 'MIT OR Apache-2.0'",
            )
        return expression
    expression = _canonical(text)
    if expression is not None:
        return expression
    key = _key(text)
    spdx = NAMES.get(key)
    if spdx is not None:
        return spdx.format("or-later" if key.endswith("+") else "only")
    return _canonical(key)


def _mask(text: str) -> str:
    """``text`` with URLs and everything inside parentheses blanked out."""
    masked, depth = [], 0
    for char in text:
        if char == ")" and depth:
            depth -= 1
        masked.append("\0" if depth else char)
        if char == "(":
            depth += 1
    urls = _ignoring_case(_URL, text).finditer(text) if "://" in text else ()
    for url in urls:
        masked[url.start() : url.end()] = "\0" * (url.end() - url.start())
    return "".join(masked)


def _split(text: str, separator: str) -> list[str]:
    """Split ``text`` at ``separator``, outside parentheses, dropping blanks."""
    parts, start = [], 0
    masked = _mask(text)
    for match in _ignoring_case(separator, masked).finditer(masked):
        parts.append(text[start : match.start()])
        start = match.end()
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def _parse(text: str, aliases: dict[str, str], spdx_only: bool = False) -> _Node:
    text = _clean(text)
    expression = _lookup(text, aliases, spdx_only)
    if expression is not None and not _COMPOUND.search(expression):
        return _Leaf(text, expression)
    if expression is not None and not spdx_only:
        # A compound SPDX expression: take it apart with the same splitter, but
        # as plain SPDX, so an alias cannot expand into itself.
        return _parse(expression, aliases, spdx_only=True)
    for op, separator in _SEPARATORS:
        parts = _split(text, separator)
        if len(parts) > 1:
            return _Op(op, tuple(_parse(p, aliases, spdx_only) for p in parts))
    # "(X)" as a whole: one top-level group spanning the text.
    inner = text[1:-1].strip()
    if text[:1] + text[-1:] == "()" and _mask(text).count("(") == 1 and inner:
        return _parse(inner, aliases, spdx_only)
    return _Leaf(text, None)


def _render(node: _Node) -> str | None:
    if isinstance(node, _Leaf):
        return node.expression
    rendered = []
    for part in node.parts:
        expression = _render(part)
        if expression is None:
            return None
        nested = isinstance(part, _Op) and part.op != node.op
        rendered.append(f"({expression})" if nested else expression)
    return f" {node.op} ".join(rendered)


def _alias_table(aliases: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return {_clean(name).casefold(): spdx for name, spdx in aliases}


def normalize_license(
    text: str, aliases: tuple[tuple[str, str], ...] = ()
) -> str | None:
    """The SPDX expression ``text`` names, or ``None`` if any part is unknown.

    ``aliases`` (free-form text -> SPDX) are checked before the built-in
    table; an alias whose value is not valid SPDX raises ``ConfigError``.
    """
    expression = _render(_parse(text, _alias_table(aliases)))
    return None if expression is None else canonicalize_license_expression(expression)


def same_license(left: str, right: str) -> bool:
    """Whether two SPDX expressions mean the same: ``A OR B`` is ``B OR A``."""
    return _meaning(_parse(left, {}, spdx_only=True)) == _meaning(
        _parse(right, {}, spdx_only=True)
    )


def _meaning(node: _Node) -> object:
    if isinstance(node, _Leaf):
        return node.text.casefold() if node.expression is None else node.expression
    parts: set[object] = set()
    for part in node.parts:  # (A OR B) OR C is A OR B OR C
        meaning = _meaning(part)
        if isinstance(part, _Op) and part.op == node.op:
            assert isinstance(meaning, tuple)
            parts.update(meaning[1])
        else:
            parts.add(meaning)
    return (node.op, frozenset(parts))


def _judge_leaf(leaf: _Leaf, policy: LicensePolicy) -> LicenseVerdict:
    if leaf.expression is None:
        return "review"
    # An exception ("X WITH Y") only adds permissions, so X's globs apply too.
    ids = {leaf.expression.casefold(), leaf.expression.split(" WITH ")[0].casefold()}
    if any(_glob_matches(i, g.casefold()) for i in ids for g in policy.forbidden):
        return "forbidden"
    if any(_glob_matches(i, g.casefold()) for i in ids for g in policy.allowed):
        return "allowed"
    return "review"


_WILDCARDS = frozenset("*?[")


def _glob_matches(name: str, glob: str) -> bool:
    """``fnmatchcase(name, glob)``, without compiling a regex for a glob that
    is plain text (``MIT``) or a prefix (``GPL-*``): fnmatch compiles one per
    glob, and the default policy has sixteen."""
    if _WILDCARDS.isdisjoint(glob):
        return name == glob
    if glob.endswith("*") and _WILDCARDS.isdisjoint(glob[:-1]):
        return name.startswith(glob[:-1])
    return fnmatchcase(name, glob)


def _judge(node: _Node, policy: LicensePolicy) -> tuple[LicenseVerdict, list[_Leaf]]:
    """The verdict on ``node`` and the leaves that decided it."""
    if isinstance(node, _Leaf):
        return _judge_leaf(node, policy), [node]
    judged = [_judge(part, policy) for part in node.parts]
    # A choice (OR) is as good as its best side; AND is as bad as its worst.
    pick = max if node.op == "OR" else min
    verdict = pick((v for v, _ in judged), key=_RANK.__getitem__)
    return verdict, [leaf for v, leaves in judged if v == verdict for leaf in leaves]


def _names(items: list[str]) -> str:
    names = list(dict.fromkeys(items))
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _reason(verdict: LicenseVerdict, leaves: list[_Leaf]) -> str:
    known = [leaf.expression for leaf in leaves if leaf.expression is not None]
    unknown = [repr(leaf.text) for leaf in leaves if leaf.expression is None]
    is_are = "is" if len(set(known)) == 1 else "are"
    if verdict != "review":
        return f"{_names(known)} {is_are} {verdict} by the licence policy"
    sentences = []
    if unknown:
        what = "is not a licence" if len(set(unknown)) == 1 else "are not licences"
        sentences.append(
            f"{_names(unknown)} {what} accord recognises; "
            "add an alias in accord.toml [licenses.aliases] or review it"
        )
    if known:
        sentences.append(
            f"{_names(known)} {is_are} neither allowed nor forbidden by the licence "
            "policy; review it"
        )
    return "; ".join(sentences)


def assess_license(
    text: str, policy: LicensePolicy = DEFAULT_POLICY
) -> LicenseAssessment:
    """Judge the licence ``text`` against ``policy``, with a one-line reason."""
    if not _clean(text):
        return LicenseAssessment(text, None, "review", "no licence is given")
    node = _parse(text, _alias_table(policy.aliases))
    expression = _render(node)
    if expression is not None:
        expression = canonicalize_license_expression(expression)
    verdict, leaves = _judge(node, policy)
    return LicenseAssessment(text, expression, verdict, _reason(verdict, leaves))


_MAX_LICENSE_FIELD = 80  # longer: the licence's whole text, not its name
# The classifiers whose name is not a licence accord recognises as it is.
_CLASSIFIER_LICENCES = {
    "MIT License": "MIT",
    "BSD License": "BSD-3-Clause",
    "Apache Software License": "Apache-2.0",
    "ISC License (ISCL)": "ISC",
    "Python Software Foundation License": "PSF-2.0",
    "Mozilla Public License 2.0 (MPL 2.0)": "MPL-2.0",
    "GNU General Public License v2 (GPLv2)": "GPL-2.0-only",
    "GNU General Public License v3 (GPLv3)": "GPL-3.0-only",
    "GNU Affero General Public License v3": "AGPL-3.0-only",
    "GNU Lesser General Public License v2 (LGPLv2)": "LGPL-2.0-only",
    "GNU Lesser General Public License v3 (LGPLv3)": "LGPL-3.0-only",
}


def declared_licence(metadata: "CoreMetadata") -> tuple[str, str] | None:
    """The licence a release's core metadata declares, and the field it came
    from: License-Expression, else a short one-line License field, else the
    licence classifiers (their SPDX ids where the name is not one)."""
    if metadata.license_expression:
        return metadata.license_expression, "License-Expression"
    text = (metadata.license or "").strip()
    if text and len(text) <= _MAX_LICENSE_FIELD and "\n" not in text:
        return text, "License"
    names = [
        _CLASSIFIER_LICENCES.get(name, name)
        for classifier in metadata.classifiers
        if classifier.startswith("License :: ")
        and (name := classifier.rsplit(" :: ", 1)[-1]) != "OSI Approved"
    ]
    if names:
        return " OR ".join(dict.fromkeys(names)), "classifiers"
    return None
