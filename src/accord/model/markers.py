"""Compare environment markers by meaning, and ask where they apply.

Two markers are equivalent when they agree on every environment accord cares
about: each supported Python on each common platform. Text differences such as
quotes, spacing or operand order never matter.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from packaging.markers import Marker, UndefinedComparison, UndefinedEnvironmentName

# Pythons to probe when a caller names none: wide enough that markers written
# for old and new interpreters are told apart.
PROBE_PYTHONS = ("2.7", *(f"3.{minor}" for minor in range(6, 16)))

_PLATFORMS: tuple[Mapping[str, str], ...] = (
    {
        "sys_platform": "linux",
        "platform_system": "Linux",
        "os_name": "posix",
        "platform_machine": "x86_64",
    },
    {
        "sys_platform": "win32",
        "platform_system": "Windows",
        "os_name": "nt",
        "platform_machine": "AMD64",
    },
    {
        "sys_platform": "darwin",
        "platform_system": "Darwin",
        "os_name": "posix",
        "platform_machine": "arm64",
    },
)
_IMPLEMENTATIONS: tuple[Mapping[str, str], ...] = (
    {"implementation_name": "cpython", "platform_python_implementation": "CPython"},
    {"implementation_name": "pypy", "platform_python_implementation": "PyPy"},
)


def environments(pythons: Iterable[str] = PROBE_PYTHONS) -> tuple[dict[str, str], ...]:
    """Marker environments for each Python on each common platform."""
    return _environments(tuple(pythons))


@lru_cache(maxsize=256)
def _environments(pythons: tuple[str, ...]) -> tuple[dict[str, str], ...]:
    return tuple(
        python_environment(python, platform, implementation)
        for python, platform, implementation in itertools.product(
            pythons, _PLATFORMS, _IMPLEMENTATIONS
        )
    )


def platform_environments(
    pythons: Iterable[str], platform: str
) -> tuple[dict[str, str], ...]:
    """Marker environments for each Python on ``platform`` only.

    ``platform`` is what pins are resolved for (accord.toml ``platform``,
    uv's ``--python-platform``: ``linux``, ``windows``, ``macos`` or a target
    triple such as ``aarch64-apple-darwin``). One accord cannot place is
    taken as any common platform, so nothing is skipped by mistake.
    """
    return _platform_environments(tuple(pythons), platform)


@lru_cache(maxsize=64)
def _platform_environments(
    pythons: tuple[str, ...], platform: str
) -> tuple[dict[str, str], ...]:
    chosen = _platform_named(platform)
    if chosen is None:
        return environments(pythons)
    return tuple(
        python_environment(python, chosen, implementation)
        for python, implementation in itertools.product(pythons, _IMPLEMENTATIONS)
    )


def _platform_named(platform: str) -> Mapping[str, str] | None:
    words = platform.lower()
    if "windows" in words or "win32" in words:
        found = _PLATFORMS[1]
    elif "macos" in words or "darwin" in words or "apple" in words:
        found = _PLATFORMS[2]
    elif "linux" in words:
        found = _PLATFORMS[0]
    else:
        return None
    machine = words.split("-", 1)[0] if "-" in words else ""
    if machine in ("x86_64", "aarch64", "arm64", "i686"):
        return {**found, "platform_machine": machine}
    return found


def python_environment(
    python: str,
    platform: Mapping[str, str] = _PLATFORMS[0],
    implementation: Mapping[str, str] = _IMPLEMENTATIONS[0],
) -> dict[str, str]:
    return {
        "python_version": python,
        "python_full_version": f"{python}.0",
        "implementation_version": f"{python}.0",
        "platform_release": "",
        "platform_version": "",
        "extra": "",
        **platform,
        **implementation,
    }


def evaluate(marker: Marker | None, environment: Mapping[str, str]) -> bool:
    """Whether ``marker`` holds in ``environment``; no marker always holds."""
    if marker is None:
        return True
    try:
        return marker.evaluate(dict(environment))
    except (UndefinedComparison, UndefinedEnvironmentName):
        # A comparison packaging cannot decide (e.g. a non-PEP 440 version)
        # is taken to hold, so a check errs towards looking at the line.
        return True


@lru_cache(maxsize=4096)
def _truth_table(marker_text: str, pythons: tuple[str, ...]) -> tuple[bool, ...]:
    return _table(marker_text, environments(pythons))


@lru_cache(maxsize=4096)
def _platform_truth_table(
    marker_text: str, pythons: tuple[str, ...], platform: str
) -> tuple[bool, ...]:
    return _table(marker_text, platform_environments(pythons, platform))


# Words of a marker's text: its variables (packaging writes each under its
# canonical name) and, harmlessly, pieces of its quoted values.
_WORD = re.compile(r"[a-z_]+")


def _table(marker_text: str, envs: tuple[dict[str, str], ...]) -> tuple[bool, ...]:
    """The marker's value in each environment, evaluating it once for each
    distinct combination of the variables it names: a marker on
    python_version alone is evaluated once per Python, not once per
    Python, platform and implementation."""
    if not marker_text:
        return (True,) * len(envs)
    marker = _marker(marker_text)
    named = sorted({word for word in _WORD.findall(marker_text) if word in envs[0]})
    known: dict[tuple[str, ...], bool] = {}
    values = []
    for env in envs:
        key = tuple(env[name] for name in named)
        value = known.get(key)
        if value is None:
            value = known[key] = evaluate(marker, env)
        values.append(value)
    return tuple(values)


@lru_cache(maxsize=4096)
def _marker(text: str) -> Marker:
    """``Marker(text)``, parsed once however many tables (a marker's for each
    Python, for each platform) are made of it."""
    return Marker(text)


def _text(marker: Marker | None) -> str:
    """The key a marker's tables are cached under ("" for no marker)."""
    return str(marker) if marker is not None else ""


def truth_table(
    marker: Marker | None, pythons: Iterable[str] = PROBE_PYTHONS
) -> tuple[bool, ...]:
    """Whether ``marker`` holds in each of ``environments(pythons)``, in
    order: evaluated once per distinct marker text, however many lines
    share it."""
    return _truth_table(_text(marker), tuple(pythons))


def platform_truth_table(
    marker: Marker | None, pythons: Iterable[str], platform: str
) -> tuple[bool, ...]:
    """Whether ``marker`` holds in each of ``platform_environments(pythons,
    platform)``, in order; cached as :func:`truth_table` is."""
    return _platform_truth_table(_text(marker), tuple(pythons), platform)


@lru_cache(maxsize=4096)
def _truth_bits(marker_text: str, pythons: tuple[str, ...]) -> int:
    """The truth table as the bits of an int, environment ``i`` at bit ``i``:
    markers hold together where their bits meet, one ``&`` for a pair."""
    table = _truth_table(marker_text, pythons)
    return sum(1 << index for index, held in enumerate(table) if held)


def hold_together(
    left: Marker | None, right: Marker | None, pythons: Iterable[str] = PROBE_PYTHONS
) -> bool:
    """Whether some environment of ``pythons`` satisfies both markers."""
    pythons = tuple(pythons)
    return (_truth_bits(_text(left), pythons) & _truth_bits(_text(right), pythons)) != 0


def marker_key(
    marker: Marker | None, pythons: Iterable[str] = PROBE_PYTHONS
) -> tuple[bool, ...]:
    """A value equal for two markers exactly when they mean the same here."""
    return truth_table(marker, pythons)


def markers_equivalent(
    left: Marker | None, right: Marker | None, pythons: Iterable[str] = PROBE_PYTHONS
) -> bool:
    if left is None and right is None:
        return True
    if left is not None and right is not None and str(left) == str(right):
        return True
    return marker_key(left, pythons) == marker_key(right, pythons)


def probe_pythons(supported: Iterable[str]) -> tuple[str, ...]:
    """The Pythons to compare markers on: the wide default and every
    supported one (a repo supporting 3.5 tells ``=='3.4'`` from ``=='3.5'``).
    The default itself, the same tuple, when it holds them all."""
    extra = [python for python in supported if python not in PROBE_PYTHONS]
    return (*PROBE_PYTHONS, *dict.fromkeys(extra)) if extra else PROBE_PYTHONS


def applies_to_python(marker: Marker | None, python: str) -> bool:
    """Whether ``marker`` holds for ``python`` on at least one platform."""
    return marker is None or any(truth_table(marker, (python,)))


def pythons_where(
    marker: Marker | None, pythons: Iterable[str] = PROBE_PYTHONS
) -> frozenset[str]:
    """Those of ``pythons`` that ``marker`` holds for on at least one platform."""
    pythons = tuple(pythons)
    table = truth_table(marker, pythons)
    return frozenset(
        env["python_version"]
        for env, held in zip(environments(pythons), table, strict=True)
        if held
    )


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_PYTHON_ONLY = frozenset({"python_version", "python_full_version"})
_MARKER_WORDS = frozenset({"and", "or", "in", "not"})


def python_narrowing(marker: Marker | None) -> str | None:
    """The terms of ``marker``'s top-level ``and`` that name the Python
    version alone, as packaging writes them, joined with ``and``; None if
    it has none (``python_version<'3.12' and sys_platform=='linux'`` gives
    ``python_version < "3.12"``)."""
    if marker is None:
        return None
    kept = [
        term
        for term in _top_level_terms(str(marker))
        if set(_WORD.findall(_QUOTED.sub("", term))) - _MARKER_WORDS <= _PYTHON_ONLY
    ]
    return " and ".join(kept) if kept else None


def _top_level_terms(text: str) -> list[str]:
    """``text`` split at each ``and`` outside parentheses and quotes."""
    terms, depth, quote, start = [], 0, "", 0
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif depth == 0 and text.startswith(" and ", index):
            terms.append(text[start:index])
            start = index + len(" and ")
    terms.append(text[start:])
    return [term.strip() for term in terms]


def grouped(text: str) -> str:
    """A marker's text to join with ``and``: in parentheses if it has ``or``."""
    return f"({text})" if " or " in _QUOTED.sub("", text) else text
