"""accord.toml: the requirements repo's settings, validated, all optional.

Every key has a default, so a missing or empty file works. Unknown keys and
wrong types are errors naming the file and line, since a typo would otherwise
silently fall back to a default. The type checks and the search for a
key's line are in ``accord._config_reader``; the resolution and policy
tables in ``accord._config_resolution`` and ``accord._config_policy``.
"""

# Annotations are evaluated here, not postponed: see accord.findings.
import sys
from dataclasses import replace
from functools import lru_cache
from pathlib import PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from packaging.utils import NormalizedName, canonicalize_name

from accord.errors import ConfigError
from accord.findings import Severity
from accord.license_policy import DEFAULT_POLICY, LicensePolicy

if TYPE_CHECKING:
    from accord._config_policy import Policy
    from accord._config_reader import Reader
    from accord._config_resolution import Hold, ResolutionConfig

CONFIG_FILE = "accord.toml"
LowerBoundPolicy = Literal["project", "central"]
LOWER_BOUND_POLICIES: tuple[LowerBoundPolicy, ...] = ("project", "central")
SEVERITIES: tuple[Severity, ...] = ("warning", "error")


# The platform pins are resolved for unless accord.toml says another.
DEFAULT_PLATFORM = "linux"


# Installers themselves: pinning them in constraints breaks environments.
_INSTALLERS = frozenset(canonicalize_name(n) for n in ("pip", "setuptools", "wheel"))


class Config(NamedTuple):
    """The settings of accord.toml (a NamedTuple: see :mod:`accord.findings`)."""

    python_versions: tuple[str, ...] = ("3.10", "3.11", "3.12", "3.13")
    lower_bounds: LowerBoundPolicy = "project"
    unpinned: frozenset[NormalizedName] = _INSTALLERS
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
    resolution_settings: "ResolutionConfig | None" = None
    # The organisation's own libraries (stable-branch bumps); empty: the
    # names in projects.txt.
    own_libraries: frozenset[NormalizedName] = frozenset()
    # A build backend every project's pyproject.toml must name (with a
    # [project] table), as OpenStack's gate wants "pbr.build"; None: no rule.
    required_build_backend: str | None = None
    # [policy]: stable branches and the release cooldown; None: the defaults.
    policy_settings: "Policy | None" = None
    # The line of ``unpinned`` in accord.toml; None: not written (the default).
    unpinned_line: int | None = None

    @property
    def policy(self) -> "Policy":
        """Stable-branch globs, the cooldown and its exemptions."""
        if self.policy_settings is not None:
            return self.policy_settings
        from accord._config_policy import DEFAULT_POLICY

        return DEFAULT_POLICY

    @property
    def resolution(self) -> "ResolutionConfig":
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
    def holds(self) -> tuple["Hold", ...]:
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


def parse_config(text: str, path: str = CONFIG_FILE) -> Config:
    """Build a :class:`Config` from accord.toml's text, or explain what is wrong."""
    # Imported here: most requirements repos have no accord.toml, and a
    # check should not pay for the TOML parser then.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib

    from accord._config_reader import Reader, toml_error_line

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

    reader = Reader(text, path)
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
    unpinned_line = None
    if "unpinned" in data:
        unpinned = frozenset(
            canonicalize_name(n) for n in reader.strings(data["unpinned"], "unpinned")
        )
        unpinned_line = reader.key_line("unpinned")
    licenses = config.licenses
    if "licenses" in data:
        licenses = reader.licenses(data["licenses"], licenses)
    requirement_files = config.requirement_files
    if "requirement-files" in data:
        requirement_files = _requirement_files(reader, data["requirement-files"])
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

        policy = parse_policy(data["policy"], reader.fail_at, reader.item_fail)
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
        unpinned_line,
    )


def _resolution(
    data: dict[str, Any], text: str, reader: "Reader"
) -> "ResolutionConfig":
    """The resolution settings, each hold and audit ignore with its line."""
    from accord._config_resolution import parse_resolution

    resolution = parse_resolution(data, reader)
    # The n-th hold or ignore is the n-th table of its array: its own line,
    # not that of the first entry with the same name or id.
    resolution = replace(
        resolution,
        holds=tuple(
            hold._replace(line=reader.item_line(("holds",), n, "name"))
            for n, hold in enumerate(resolution.holds)
        ),
    )
    if resolution.audit.ignores:
        audit = resolution.audit
        ignores = tuple(
            ignore._replace(line=reader.item_line(("audit", "ignore"), n, "id"))
            for n, ignore in enumerate(audit.ignores)
        )
        resolution = replace(resolution, audit=audit._replace(ignores=ignores))
    return resolution


@lru_cache(maxsize=256)  # asked again for every project of a fleet
def leaves_root(pattern: str) -> bool:
    """Whether a glob of ``requirement-files`` could match outside the root
    (asked for every project of a fleet, so answered once a pattern)."""
    posix = PurePosixPath(pattern.replace("\\", "/"))
    return (
        not pattern.strip()
        or posix.is_absolute()
        or PureWindowsPath(pattern).drive != ""
        or ".." in posix.parts
    )


def _requirement_files(reader: "Reader", value: object) -> tuple[str, ...]:
    patterns = reader.strings(value, "requirement-files")
    for pattern in patterns:
        if leaves_root(pattern):
            raise reader.fail(
                "requirement-files",
                f"requirement-files: {pattern!r} leads outside the project",
                hint="patterns are relative to the project's root, without '..'",
            )
    return patterns
