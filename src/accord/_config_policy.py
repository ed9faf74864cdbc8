"""accord.toml's ``[policy]``: stable branches and the release cooldown.

```toml
[policy]
stable-branches = ["stable/*"]      # fnmatch globs over branch names
cooldown = "7 days"                 # third-party releases
own-libraries-cooldown = "0 days"   # the organisation's own libraries
exempt-vulnerability-fixes = true   # a young release fixing a pin's advisory

[[policy.cooldown-exempt]]          # a release taken at once (a security fix)
name = "urllib3"
version = "2.5.0"
reason = "fixes CVE-2025-50181 of the current pin"
```
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

from accord.errors import ConfigError

_DURATION = re.compile(r"^\s*(\d+)\s*(days?|d|hours?|h|weeks?|w)\s*$", re.IGNORECASE)
_UNITS = {"d": "days", "h": "hours", "w": "weeks"}
_LONGEST = datetime.timedelta(days=365_000)
_POLICY_KEYS = (
    "stable-branches",
    "cooldown",
    "own-libraries-cooldown",
    "cooldown-exempt",
    "exempt-vulnerability-fixes",
)
_EXEMPT_KEYS = ("name", "version", "reason")

# (key path, message, hint) -> the error, at the key's line
FailAt = Callable[[tuple[str, ...], str, str | None], ConfigError]
# (array's key path, index) -> (key, message, hint) -> the error, at that
# key's line in the index-th table of the array, or at its header
ItemFail = Callable[
    [tuple[str, ...], int], Callable[[str, str, str | None], ConfigError]
]


@dataclass(frozen=True, slots=True)
class CooldownExempt:
    """A release the cooldown does not hold back, and why."""

    name: NormalizedName
    version: Version
    reason: str


@dataclass(frozen=True, slots=True)
class Policy:
    stable_branches: tuple[str, ...] = ("stable/*",)
    cooldown: datetime.timedelta = datetime.timedelta(0)
    own_libraries_cooldown: datetime.timedelta = datetime.timedelta(0)
    cooldown_exempt: tuple[CooldownExempt, ...] = ()
    # OSV says the pin is vulnerable and the fix is young: take the fix.
    exempt_vulnerability_fixes: bool = True


DEFAULT_POLICY = Policy()


def parse_duration(text: str) -> datetime.timedelta | None:
    """``"7 days"``, ``"12 hours"``, ``"2 weeks"``, ``"0"``; None if not one."""
    if text.strip() == "0":
        return datetime.timedelta(0)
    match = _DURATION.match(text)
    if match is None:
        return None
    count, unit = match.groups()
    unit = unit.lower()
    key = _UNITS.get(unit[0]) if len(unit) == 1 else unit.rstrip("s") + "s"
    try:
        duration = datetime.timedelta(**{key or "days": int(count)})
    except OverflowError:
        return None
    # A cooldown reaches back from now: past 1,000 years it leaves no date.
    return duration if duration <= _LONGEST else None


def parse_policy(value: object, fail_at: FailAt, item_fail: ItemFail) -> Policy:
    if not isinstance(value, dict):
        raise fail_at(("policy",), "'policy' must be a table ([policy])", None)
    for key in value:
        if key not in _POLICY_KEYS:
            raise fail_at(
                ("policy", key),
                f"unknown key 'policy.{key}'",
                "known: " + ", ".join(_POLICY_KEYS),
            )
    branches = DEFAULT_POLICY.stable_branches
    if "stable-branches" in value:
        raw = value["stable-branches"]
        if not isinstance(raw, list) or not all(isinstance(b, str) for b in raw):
            raise fail_at(
                ("policy", "stable-branches"),
                "'policy.stable-branches' must be a list of strings (globs)",
                None,
            )
        branches = tuple(raw)
    fixes = value.get("exempt-vulnerability-fixes", True)
    if not isinstance(fixes, bool):
        raise fail_at(
            ("policy", "exempt-vulnerability-fixes"),
            "'policy.exempt-vulnerability-fixes' must be true or false",
            None,
        )
    return Policy(
        branches,
        _duration(value, "cooldown", fail_at),
        _duration(value, "own-libraries-cooldown", fail_at),
        _exemptions(value, fail_at, item_fail),
        fixes,
    )


def _duration(
    table: Mapping[str, Any], key: str, fail_at: FailAt
) -> datetime.timedelta:
    if key not in table:
        return datetime.timedelta(0)
    raw = table[key]
    parsed = parse_duration(raw) if isinstance(raw, str) else None
    if parsed is None:
        raise fail_at(
            ("policy", key),
            f"'policy.{key}' is {raw!r}, not a duration",
            'write e.g. "7 days", "12 hours" or "0 days"',
        )
    return parsed


def _exemptions(
    table: Mapping[str, Any], fail_at: FailAt, item_fail: ItemFail
) -> tuple[CooldownExempt, ...]:
    raw = table.get("cooldown-exempt", [])
    where = ("policy", "cooldown-exempt")
    if not isinstance(raw, list) or not all(isinstance(v, dict) for v in raw):
        raise fail_at(
            where, "'policy.cooldown-exempt' must be [[policy.cooldown-exempt]]", None
        )
    exempt = []
    for number, item in enumerate(raw):
        at = item_fail(where, number)
        for key in item:
            if key not in _EXEMPT_KEYS:
                raise at(
                    key,
                    f"unknown key '{key}' in [[policy.cooldown-exempt]]",
                    "known: " + ", ".join(_EXEMPT_KEYS),
                )
        values = {}
        for key in _EXEMPT_KEYS:
            text = item.get(key)
            if not isinstance(text, str) or not text.strip():
                raise at(
                    key,
                    f"[[policy.cooldown-exempt]] needs '{key}' (a string)",
                    "name, version and reason: why the release may not wait",
                )
            values[key] = text.strip()
        try:
            version = Version(values["version"])
        except InvalidVersion:
            raise at(
                "version",
                f"[[policy.cooldown-exempt]] version {values['version']!r} "
                "is not a PEP 440 version",
                None,
            ) from None
        exempt.append(
            CooldownExempt(canonicalize_name(values["name"]), version, values["reason"])
        )
    return tuple(exempt)
