"""The resolution part of accord.toml: holds, static metadata, the index."""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import InvalidName, NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

from accord.config import DEFAULT_PLATFORM
from accord.errors import ConfigError

if TYPE_CHECKING:
    from accord._config_reader import Reader


class Hold(NamedTuple):
    """Keep a library within ``specifier`` while ``reason`` stands."""

    name: NormalizedName
    specifier: SpecifierSet
    reason: str
    link: str | None = None
    expires: datetime.date | None = None
    line: int | None = None  # in accord.toml

    def expired(self, today: datetime.date) -> bool:
        return self.expires is not None and self.expires < today


class StaticMetadata(NamedTuple):
    """Metadata declared for a package whose own needs a build to learn."""

    name: str
    version: str | None  # None: every version of the package
    requires_dist: tuple[str, ...] = ()
    requires_python: str | None = None


class IndexSettings(NamedTuple):
    url: str | None = None  # None: the resolver's default (PyPI)
    extra_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    no_index: bool = False
    pypi_json_url: str | None = None  # None: PyPI's /pypi/ for PyPI, else none
    relay: bool = True  # put accord's local relay between uv and the index


class DistroRepo(NamedTuple):
    """An RPM repository the review's distro criterion reads (``[review]
    distro-repos``): its name as the review shows it, and its base URL or
    directory (the one holding ``repodata/``)."""

    name: str
    url: str


class ReviewThresholds(NamedTuple):
    warn_after_years: float = 2.0
    fail_after_years: float = 3.0
    duplicate_threshold: float = 0.35
    time_budget: float = 600.0  # seconds for a review's network work; 0: none
    distro_repos: tuple[DistroRepo, ...] = ()


class AuditIgnore(NamedTuple):
    """A vulnerability ``accord audit`` does not report while ``reason`` stands."""

    id: str  # a vulnerability id or any of its aliases
    reason: str
    expires: datetime.date | None = None
    line: int | None = None  # in accord.toml

    def expired(self, today: datetime.date) -> bool:
        return self.expires is not None and self.expires < today


class AuditSettings(NamedTuple):
    osv_url: str | None = None  # None: https://api.osv.dev
    ignores: tuple[AuditIgnore, ...] = ()


# Immutable, so one instance serves every default.
_DEFAULT_INDEX = IndexSettings()
_DEFAULT_REVIEW = ReviewThresholds()
_DEFAULT_AUDIT = AuditSettings()


@dataclass(frozen=True, slots=True)
class ResolutionConfig:
    holds: tuple[Hold, ...] = ()
    static_metadata: tuple[StaticMetadata, ...] = ()
    index: IndexSettings = _DEFAULT_INDEX
    platform: str = DEFAULT_PLATFORM
    review: ReviewThresholds = _DEFAULT_REVIEW
    pin_order: str = "alphabetical"  # or "file": keep the current file's order
    audit: AuditSettings = _DEFAULT_AUDIT


DEFAULT_RESOLUTION = ResolutionConfig()
PIN_ORDERS = ("alphabetical", "file")
_REVIEW_KEYS = (
    "warn-after-years",
    "fail-after-years",
    "duplicate-threshold",
    "time-budget",
)
_REPO_KEYS = ("name", "url")
_HOLD_KEYS = ("name", "specifier", "reason", "link", "expires")
_AUDIT_KEYS = ("osv-url", "ignore")
_IGNORE_KEYS = ("id", "reason", "expires")
_STATIC_KEYS = ("name", "version", "requires-dist", "requires-python")
_INDEX_KEYS = (
    "url",
    "extra-urls",
    "find-links",
    "no-index",
    "pypi-json-url",
    "relay",
)

Fail = Callable[[str, str, str | None], ConfigError]
# The Fail for the n-th table of an array of tables (its key path)
ItemFail = Callable[[tuple[str, ...], int], Fail]


def parse_resolution(data: Mapping[str, Any], reader: Reader) -> ResolutionConfig:
    fail, item = reader.fail, reader.item_fail
    holds = tuple(
        _hold(table, item(("holds",), n))
        for n, table in enumerate(_tables(data, "holds", fail))
    )
    static = tuple(
        _static(table, item(("static-metadata",), n))
        for n, table in enumerate(_tables(data, "static-metadata", fail))
    )
    index = IndexSettings()
    if "index" in data:
        table = data["index"]
        if not isinstance(table, dict):
            raise fail("index", "'index' must be a table", None)
        at = _within(reader, "index")
        _known(table, _INDEX_KEYS, "index", at)
        index = IndexSettings(
            url=_string(table, "url", at),
            extra_urls=_strings(table, "extra-urls", at),
            find_links=_strings(table, "find-links", at),
            no_index=_boolean(table, "no-index", at),
            pypi_json_url=_string(table, "pypi-json-url", at),
            relay=_boolean(table, "relay", at, default=True),
        )
    platform = _string(data, "platform", fail) or DEFAULT_PLATFORM
    order = _string(data, "pin-order", fail) or "alphabetical"
    if order not in PIN_ORDERS:
        raise fail(
            "pin-order", f"'pin-order' is {order!r}", "use 'alphabetical' or 'file'"
        )
    review = _review(data, _within(reader, "review"), item)
    audit = _audit(data, _within(reader, "audit"), item)
    return ResolutionConfig(holds, static, index, platform, review, order, audit)


def _within(reader: Reader, table: str) -> Fail:
    """Errors about a key of ``[table]``, at that key's line there."""

    def fail(key: str, message: str, hint: str | None) -> ConfigError:
        error = reader.fail_at((table, key), message, hint)
        return error if error.line is not None else reader.fail(key, message, hint)

    return fail


def _audit(data: Mapping[str, Any], fail: Fail, item: ItemFail) -> AuditSettings:
    table = data.get("audit", {})
    if not isinstance(table, dict):
        raise fail("audit", "'audit' must be a table", None)
    _known(table, _AUDIT_KEYS, "[audit]", fail)
    ignores = []
    for n, entry in enumerate(_tables(table, "ignore", fail)):
        at = item(("audit", "ignore"), n)
        _known(entry, _IGNORE_KEYS, "[[audit.ignore]]", at)
        ident = _required(entry, "id", "[[audit.ignore]]", at)
        reason = _required(entry, "reason", "[[audit.ignore]]", at)
        expires = entry.get("expires")
        if expires is not None and not _is_date(expires):
            raise at(
                "expires",
                f"ignore of {ident}: 'expires' must be a date",
                "e.g. expires = 2026-12-31",
            )
        ignores.append(AuditIgnore(ident, reason, expires))
    return AuditSettings(_string(table, "osv-url", fail), tuple(ignores))


# Each number's range: (lowest, highest, whether lowest itself is allowed,
# what it must be): years without a release, a similarity score, seconds.
_RANGES = {
    "warn-after-years": (0.0, math.inf, False, "a number of years > 0"),
    "fail-after-years": (0.0, math.inf, False, "a number of years > 0"),
    "duplicate-threshold": (0.0, 1.0, True, "a score between 0 and 1"),
    "time-budget": (0.0, math.inf, True, "a number of seconds >= 0 (0: none)"),
}


def _review(data: Mapping[str, Any], fail: Fail, item: ItemFail) -> ReviewThresholds:
    table = data.get("review", {})
    if not isinstance(table, dict):
        raise fail("review", "'review' must be a table", None)
    _known(table, (*_REVIEW_KEYS, "distro-repos"), "[review]", fail)
    values: dict[str, float] = {}
    for key in _REVIEW_KEYS:
        if key in table:
            values[key.replace("-", "_")] = _number(table[key], key, fail)
    thresholds = ReviewThresholds(**values, distro_repos=())
    warn, fail_after = thresholds.warn_after_years, thresholds.fail_after_years
    if warn > fail_after:  # the warning would never be given
        raise fail(
            "fail-after-years" if "fail-after-years" in table else "warn-after-years",
            f"'warn-after-years' ({warn:g}) is above 'fail-after-years' "
            f"({fail_after:g}): a library would fail before it is warned about",
            "make warn-after-years <= fail-after-years",
        )
    return thresholds._replace(distro_repos=_distro_repos(table, fail, item))


def _number(value: object, key: str, fail: Fail) -> float:
    """A finite number within ``key``'s range (nan and inf are TOML floats)."""
    low, high, low_ok, what = _RANGES[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise fail(key, f"'{key}' must be {what}", None)
    number = float(value)
    if not math.isfinite(number):
        raise fail(key, f"'{key}' is {value}: it must be finite, {what}", None)
    if number < low or (number == low and not low_ok) or number > high:
        raise fail(key, f"'{key}' is {value}: it must be {what}", None)
    return number


def _distro_repos(
    table: Mapping[str, Any], fail: Fail, item: ItemFail
) -> tuple[DistroRepo, ...]:
    """``distro-repos = [{name = "fedora-41", url = "https://..."}]``."""
    repos: list[DistroRepo] = []
    for n, entry in enumerate(_tables(table, "distro-repos", fail)):
        at = item(("review", "distro-repos"), n)
        _known(entry, _REPO_KEYS, "[review] distro-repos", at)
        name = _required(entry, "name", "[review] distro-repos", at)
        url = _required(entry, "url", "[review] distro-repos", at)
        if any(repo.name == name for repo in repos):
            raise at("name", f"distro repo {name!r} is named twice", None)
        repos.append(DistroRepo(name, url))
    return tuple(repos)


def _tables(data: Mapping[str, Any], key: str, fail: Fail) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise fail(key, f"'{key}' must be an array of tables ([[{key}]])", None)
    return value


def _known(
    table: Mapping[str, Any], known: tuple[str, ...], where: str, fail: Fail
) -> None:
    for key in table:
        if key not in known:
            raise fail(
                key, f"unknown key '{key}' in {where}", "known: " + ", ".join(known)
            )


def _is_date(value: object) -> bool:
    """A TOML local date (a date and time is a datetime, which a date is not
    compared with)."""
    return isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)


def _hold(table: dict[str, Any], fail: Fail) -> Hold:
    _known(table, _HOLD_KEYS, "[[holds]]", fail)
    name = _required(table, "name", "[[holds]]", fail)
    try:  # "gam ma" would reach uv as "gam ma<2", failing every resolution
        canonical = canonicalize_name(name, validate=True)
    except InvalidName:
        raise fail(
            "name", f"hold for {name!r}: not a library name", "e.g. 'pyroute2'"
        ) from None
    text = _required(table, "specifier", "[[holds]]", fail)
    try:
        specifier = SpecifierSet(text)
    except InvalidSpecifier:
        raise fail(
            "specifier", f"hold for {name}: {text!r} is not a specifier", "e.g. '<0.9'"
        ) from None
    reason = _required(table, "reason", "[[holds]]", fail)
    expires = table.get("expires")
    if expires is not None and not _is_date(expires):
        raise fail(
            "expires",
            f"hold for {name}: 'expires' must be a date",
            "e.g. expires = 2026-12-31",
        )
    return Hold(
        canonical,
        specifier,
        reason,
        _string(table, "link", fail),
        expires,
    )


def _static(table: dict[str, Any], fail: Fail) -> StaticMetadata:
    _known(table, _STATIC_KEYS, "[[static-metadata]]", fail)
    name = _required(table, "name", "[[static-metadata]]", fail)
    version = _string(table, "version", fail)
    try:
        if version is not None:
            Version(version)
    except InvalidVersion:
        raise fail(
            "version", f"static metadata for {name}: {version!r} is not a version", None
        ) from None
    requires = _strings(table, "requires-dist", fail)
    for requirement in requires:
        try:
            Requirement(requirement)
        except (InvalidRequirement, InvalidSpecifier) as error:
            reason = str(error).splitlines()[0] if str(error) else "unreadable"
            raise fail(
                "requires-dist", f"static metadata for {name}: {reason}", None
            ) from None
    return StaticMetadata(
        name, version, requires, _string(table, "requires-python", fail)
    )


def _required(table: Mapping[str, Any], key: str, where: str, fail: Fail) -> str:
    value = _string(table, key, fail)
    if not value:
        raise fail(key, f"{where} needs '{key}'", None)
    return value


def _string(table: Mapping[str, Any], key: str, fail: Fail) -> str | None:
    value = table.get(key)
    if value is not None and not isinstance(value, str):
        raise fail(key, f"'{key}' must be a string", None)
    return value


def _strings(table: Mapping[str, Any], key: str, fail: Fail) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(key, f"'{key}' must be a list of strings", None)
    return tuple(value)


def _boolean(
    table: Mapping[str, Any], key: str, fail: Fail, default: bool = False
) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise fail(key, f"'{key}' must be true or false", None)
    return value
