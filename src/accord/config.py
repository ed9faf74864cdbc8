"""accord.toml: the requirements repo's settings, validated, all optional.

Every key has a default, so a missing or empty file works. Unknown keys and
wrong types are errors naming the file and line, since a typo would otherwise
silently fall back to a default.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

from accord.errors import ConfigError
from accord.findings import Severity
from accord.license_policy import DEFAULT_POLICY, LicensePolicy

if TYPE_CHECKING:
    from accord._config_policy import Policy
    from accord._config_resolution import Hold, ResolutionConfig

CONFIG_FILE = "accord.toml"
LowerBoundPolicy = Literal["project", "central"]
LOWER_BOUND_POLICIES: tuple[LowerBoundPolicy, ...] = ("project", "central")
SEVERITIES: tuple[Severity, ...] = ("warning", "error")
_C = TypeVar("_C", bound=str)


# The platform pins are resolved for unless accord.toml says another.
DEFAULT_PLATFORM = "linux"


@dataclass(frozen=True, slots=True)
class Config:
    python_versions: tuple[str, ...] = ("3.10", "3.11", "3.12", "3.13")
    lower_bounds: LowerBoundPolicy = "project"
    # Installers themselves: pinning them in constraints breaks environments.
    unpinned: frozenset[NormalizedName] = field(
        default_factory=lambda: frozenset(
            canonicalize_name(n) for n in ("pip", "setuptools", "wheel")
        )
    )
    licenses: LicensePolicy = DEFAULT_POLICY
    # Where a project's requirements files are, as globs from its root;
    # files they pull in with -r are followed too. The default is the
    # contract's files: OpenStack keeps driver-requirements.txt and
    # plugin-requirements.txt (optional third-party drivers) out of it, so
    # broader globs are opt-in.
    requirement_files: tuple[str, ...] = (
        "requirements.txt",
        "test-requirements.txt",
        "doc/requirements.txt",
    )
    check_build_system: bool = False
    minimum_above_pin: Severity = "warning"
    # None: every resolution default. check and sync never read these, and
    # their module costs a check ~5-9 ms of start-up (five dataclasses).
    resolution_settings: ResolutionConfig | None = None
    # The organisation's own libraries (stable-branch bumps); empty: the
    # names in projects.txt.
    own_libraries: frozenset[NormalizedName] = frozenset()
    # A build backend every project's pyproject.toml must name (with a
    # [project] table), as OpenStack's gate wants "pbr.build"; None: no rule.
    required_build_backend: str | None = None
    # [policy]: stable branches and the release cooldown; None: the defaults.
    policy_settings: Policy | None = None

    @property
    def policy(self) -> Policy:
        """Stable-branch globs, the cooldown and its exemptions."""
        if self.policy_settings is not None:
            return self.policy_settings
        from accord._config_policy import DEFAULT_POLICY

        return DEFAULT_POLICY

    @property
    def resolution(self) -> ResolutionConfig:
        """Holds, static metadata, the index, review thresholds, pin order."""
        if self.resolution_settings is not None:
            return self.resolution_settings
        from accord._config_resolution import DEFAULT_RESOLUTION

        return DEFAULT_RESOLUTION

    @property
    def platform(self) -> str:
        """The platform pins are resolved for (``resolution.platform``),
        without loading the resolution settings' module when none are set."""
        settings = self.resolution_settings
        return DEFAULT_PLATFORM if settings is None else settings.platform

    @property
    def holds(self) -> tuple[Hold, ...]:
        """``resolution.holds``, without loading its module when none are set."""
        return (
            () if self.resolution_settings is None else self.resolution_settings.holds
        )


DEFAULT_CONFIG = Config()

# The top-level keys accord._config_resolution reads.
RESOLUTION_KEYS = (
    "holds",
    "static-metadata",
    "index",
    "platform",
    "review",
    "pin-order",
    "audit",
)
_TOP_KEYS = (
    "python-versions",
    "lower-bounds",
    "unpinned",
    "licenses",
    "requirement-files",
    "check-build-system",
    "minimum-above-pin",
    *RESOLUTION_KEYS,
    "own-libraries",
    "required-build-backend",
    "policy",
)
_LICENSE_KEYS = ("allowed", "forbidden", "aliases")


def parse_config(text: str, path: str = CONFIG_FILE) -> Config:
    """Build a :class:`Config` from accord.toml's text, or explain what is wrong."""
    # Imported here: most requirements repos have no accord.toml, and a
    # check should not pay for the TOML parser then.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib

    try:
        data = tomllib.loads(text)
    except RecursionError as error:
        raise ConfigError("is nested too deeply to read", path=path) from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(
            f"invalid TOML: {error}",
            path=path,
            line=toml_error_line(error, text),
            hint="fix the TOML syntax",
        ) from error
    reader = _Reader(text, path)
    reader.reject_unknown(data, _TOP_KEYS, "")
    config = DEFAULT_CONFIG
    python_versions = config.python_versions
    if "python-versions" in data:
        python_versions = reader.python_versions(data["python-versions"])
    lower_bounds = config.lower_bounds
    if "lower-bounds" in data:
        lower_bounds = reader.choice(
            data["lower-bounds"], "lower-bounds", LOWER_BOUND_POLICIES
        )
    unpinned = config.unpinned
    if "unpinned" in data:
        unpinned = frozenset(
            canonicalize_name(n) for n in reader.strings(data["unpinned"], "unpinned")
        )
    licenses = config.licenses
    if "licenses" in data:
        licenses = reader.licenses(data["licenses"], licenses)
    requirement_files = config.requirement_files
    if "requirement-files" in data:
        requirement_files = reader.requirement_files(data["requirement-files"])
    check_build_system = config.check_build_system
    if "check-build-system" in data:
        check_build_system = reader.boolean(
            data["check-build-system"], "check-build-system"
        )
    minimum_above_pin = config.minimum_above_pin
    if "minimum-above-pin" in data:
        minimum_above_pin = reader.choice(
            data["minimum-above-pin"], "minimum-above-pin", SEVERITIES
        )
    resolution = None
    if any(key in data for key in RESOLUTION_KEYS):
        resolution = _resolution(data, text, reader)
    own_libraries = frozenset(
        canonicalize_name(name)
        for name in reader.strings(data.get("own-libraries", []), "own-libraries")
    )
    required_build_backend = None
    if "required-build-backend" in data:
        required_build_backend = reader.string(
            data["required-build-backend"], "required-build-backend"
        )
    policy = None
    if "policy" in data:
        from accord._config_policy import parse_policy

        policy = parse_policy(data["policy"], reader.fail_at)
    return Config(
        python_versions,
        lower_bounds,
        unpinned,
        licenses,
        requirement_files,
        check_build_system,
        minimum_above_pin,
        resolution,
        own_libraries,
        required_build_backend,
        policy,
    )


def _resolution(data: dict[str, Any], text: str, reader: _Reader) -> ResolutionConfig:
    """The resolution settings, each hold and audit ignore with its line."""
    from accord._config_resolution import parse_resolution

    resolution = parse_resolution(data, reader.fail)
    resolution = replace(
        resolution,
        holds=tuple(
            replace(hold, line=_hold_line(text, hold.name)) for hold in resolution.holds
        ),
    )
    if resolution.audit.ignores:
        audit = resolution.audit
        ignores = tuple(
            replace(ignore, line=_ignore_line(text, ignore.id))
            for ignore in audit.ignores
        )
        resolution = replace(resolution, audit=replace(audit, ignores=ignores))
    return resolution


@lru_cache(maxsize=256)  # asked again for every project of a fleet
def leaves_root(pattern: str) -> bool:
    """Whether a glob of ``requirement-files`` could match outside the root."""
    posix = PurePosixPath(pattern.replace("\\", "/"))
    return (
        not pattern.strip()
        or posix.is_absolute()
        or PureWindowsPath(pattern).drive != ""
        or ".." in posix.parts
    )


class _Reader:
    """Type checks that point at the offending key's line."""

    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path

    def requirement_files(self, value: object) -> tuple[str, ...]:
        patterns = self.strings(value, "requirement-files")
        for pattern in patterns:
            if leaves_root(pattern):
                raise self.fail(
                    "requirement-files",
                    f"requirement-files: {pattern!r} leads outside the project",
                    hint="patterns are relative to the project's root, without '..'",
                )
        return patterns

    def fail(self, key: str, message: str, hint: str | None = None) -> ConfigError:
        return ConfigError(
            message, path=self.path, line=_key_line(self.text, key), hint=hint
        )

    def fail_at(
        self, key_path: tuple[str, ...], message: str, hint: str | None = None
    ) -> ConfigError:
        """An error at the line of the key ``key_path`` (table names, then key)."""
        return ConfigError(
            message, path=self.path, line=_key_path_line(self.text, key_path), hint=hint
        )

    def reject_unknown(
        self, data: Mapping[str, Any], known: tuple[str, ...], prefix: str
    ) -> None:
        for key in data:
            if key not in known:
                import difflib

                close = difflib.get_close_matches(key, known, n=1)
                hint = (
                    f"did you mean '{prefix}{close[0]}'?"
                    if close
                    else ("known keys: " + ", ".join(prefix + k for k in known))
                )
                raise self.fail(key, f"unknown key '{prefix}{key}'", hint)

    def strings(self, value: object, key: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, f"'{key}' must be a list of strings")
        return tuple(cast(list[str], value))

    def string(self, value: object, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"'{key}' must be a non-empty string")
        return value

    def boolean(self, value: object, key: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(key, f"'{key}' must be true or false")
        return value

    def choice(self, value: object, key: str, choices: tuple[_C, ...]) -> _C:
        for choice in choices:
            if value == choice:
                return choice
        raise self.fail(
            key,
            f"'{key}' is {value!r}",
            "use one of: " + ", ".join(repr(c) for c in choices),
        )

    def python_versions(self, value: object) -> tuple[str, ...]:
        versions = self.strings(value, "python-versions")
        for version in versions:
            try:
                parsed = Version(version)
            except InvalidVersion:
                parsed = None
            if parsed is None or len(parsed.release) != 2 or str(parsed) != version:
                raise self.fail(
                    "python-versions",
                    f"'{version}' is not a Python version of the form X.Y",
                )
        if not versions:
            raise self.fail("python-versions", "'python-versions' is empty")
        return versions

    def licenses(self, value: object, default: LicensePolicy) -> LicensePolicy:
        if not isinstance(value, dict):
            raise self.fail("licenses", "'licenses' must be a table")
        self.reject_unknown(value, _LICENSE_KEYS, "licenses.")
        allowed = default.allowed
        forbidden = default.forbidden
        aliases = default.aliases
        if "allowed" in value:
            allowed = self.strings(value["allowed"], "allowed")
        if "forbidden" in value:
            forbidden = self.strings(value["forbidden"], "forbidden")
        if "aliases" in value:
            table = value["aliases"]
            if not isinstance(table, dict):
                raise self.fail(
                    "aliases", "'licenses.aliases' must map licence text to SPDX"
                )
            for text, expression in table.items():
                if not isinstance(expression, str):
                    raise self.fail_at(
                        ("licenses", "aliases", text),
                        f"licence alias {text!r} maps to {expression!r}, "
                        "not to a string",
                        'write an SPDX expression in quotes, e.g. "MIT"',
                    )
            from packaging.licenses import (
                InvalidLicenseExpression,
                canonicalize_license_expression,
            )

            for text, expression in cast(dict[str, str], table).items():
                try:
                    canonicalize_license_expression(expression)
                except (InvalidLicenseExpression, KeyError) as error:
                    raise self.fail_at(
                        ("licenses", "aliases", text),
                        f"licence alias {text!r} maps to {expression!r}, "
                        "which is not an SPDX expression",
                        "use SPDX ids such as 'MIT' or 'LicenseRef-Name'",
                    ) from error
            aliases = tuple(cast(dict[str, str], table).items()) + aliases
        return LicensePolicy(allowed, forbidden, aliases)


def _key_line(text: str, key: str) -> int | None:
    pattern = re.compile(
        rf"^[ \t]*(\[+[ \t]*)?([\w.-]+\.)?[\"']?{re.escape(key)}[\"']?\s*(=|\])", re.M
    )
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _key_path_line(text: str, key_path: tuple[str, ...]) -> int | None:
    """The line defining the key ``key_path``, however it is quoted or nested.

    Each line is read as TOML on its own (a header, ``key = value``, a dotted
    key or an inline table), so quoting and escapes count as TOML reads them;
    lines that are not TOML alone (inside a multi-line array) are skipped.
    """
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib

    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            data = tomllib.loads(line)
        except tomllib.TOMLDecodeError:
            continue
        if line.lstrip().startswith("["):
            table = _first_path(data)
            continue
        for path in _paths(data):
            if (*table, *path)[: len(key_path)] == key_path:
                return number
    return None


def _first_path(data: object) -> tuple[str, ...]:
    """The key path of a table header read alone (``[a.b]``, ``[[a]]``)."""
    path: list[str] = []
    while isinstance(data, (dict, list)) and data:
        if isinstance(data, list):
            data = data[-1]
            continue
        key = next(iter(data))
        path.append(key)
        data = data[key]
    return tuple(path)


def _paths(data: object, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every key path in ``data``, leaves and the tables above them."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))


def toml_error_line(error: Exception, text: str) -> int | None:
    """The 1-based line a TOML parse error is about."""
    lineno = getattr(error, "lineno", None)
    if isinstance(lineno, int):
        return lineno
    match = re.search(r"line (\d+)", str(error))
    if match:
        return int(match.group(1))
    if "end of document" in str(error):
        return max(1, len(text.rstrip().splitlines()))
    return None


def _hold_line(text: str, name: str) -> int | None:
    """The line of a hold's ``name = ...`` key, for findings about the hold."""
    for number, line in enumerate(text.splitlines(), start=1):
        key, _, value = line.partition("=")
        if (
            key.strip() == "name"
            and canonicalize_name(value.strip().strip("\"'")) == name
        ):
            return number
    return None


def _ignore_line(text: str, ident: str) -> int | None:
    """The line of an ``[[audit.ignore]]``'s ``id = ...`` key."""
    for number, line in enumerate(text.splitlines(), start=1):
        key, _, value = line.partition("=")
        if key.strip() == "id" and value.strip().strip("\"'") == ident:
            return number
    return None
