"""Rules about the holds in accord.toml (G015, G021): a hold is the team's
decision to keep a library within a range, so the pins must keep to it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from accord.central import CentralRepo
from accord.config import CONFIG_FILE
from accord.findings import Finding
from accord.model.markers import platform_truth_table

if TYPE_CHECKING:
    import datetime

    from accord._config_resolution import Hold


def check_expired_holds(
    repo: CentralRepo, today: datetime.date | None = None
) -> Iterator[Finding]:
    """G015: a hold past its expiry date: lift it or renew it."""
    if not repo.config.holds:
        return  # and datetime is not loaded: most repos hold nothing
    if today is None:
        import datetime

        today = datetime.date.today()
    for hold in repo.config.holds:
        if hold.expired(today):
            yield Finding(
                "G015",
                "warning",
                CONFIG_FILE,
                hold.line,
                f"the hold keeping {hold.name}{hold.specifier} ({hold.reason}) "
                f"expired on {hold.expires}",
                "remove the hold and regenerate the pins, or set a later 'expires'",
            )


def describe_hold(hold: Hold) -> str:
    """``the hold keeping gamma<2 (accord.toml:3: 2.0 breaks us)``."""
    where = CONFIG_FILE if hold.line is None else f"{CONFIG_FILE}:{hold.line}"
    return f"the hold keeping {hold.name}{hold.specifier} ({where}: {hold.reason})"


def check_pins_outside_holds(repo: CentralRepo) -> Iterator[Finding]:
    """G021: a pin, for a supported Python on the platform pins are resolved
    for, of a version a hold refuses (generate would never write it)."""
    constraints = repo.constraints
    if not repo.config.holds or constraints is None:
        return
    pythons = repo.config.python_versions
    platform = repo.config.platform
    for hold in repo.config.holds:
        for pin in constraints.index.get(hold.name, ()):
            if hold.specifier.contains(pin.version, prereleases=True):
                continue
            if not any(platform_truth_table(pin.marker, pythons, platform)):
                continue  # a pin no supported Python takes
            yield Finding(
                "G021",
                "error",
                constraints.path,
                pin.lineno,
                f"{pin.line.requirement.name}==={pin.version} is outside "
                + describe_hold(hold),
                "pin a version the hold allows (accord constraints generate "
                "moves it), or lift the hold",
            )
