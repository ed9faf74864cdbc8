"""Rules about the libraries accord.toml names (G015, G021, G022): a hold is
the team's decision to keep a library within a range, so the pins must keep
to it, and a hold or an ``unpinned`` entry must name a library there is."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import TYPE_CHECKING

from accord.central import CentralRepo
from accord.config import CONFIG_FILE, DEFAULT_CONFIG
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


def check_unknown_names(repo: CentralRepo) -> Iterator[Finding]:
    """G022: a hold or an ``unpinned`` entry naming a library that is neither
    in the global list nor pinned (nor denylisted): most likely a typo, so
    the hold keeps nothing back and the library meant is not exempt. The
    installers unpinned by default (pip, setuptools, wheel) are known.

    An unpinned library is never pinned, and one only others need is not in
    the global list either: without resolving, validate tells such a name
    from a typo only by a known name close to it, and reports only those
    (``constraints verify`` reports the others nothing needs). A hold on an
    unpinned library is judged with it: otherwise what generate would pin
    is pinned, so a held name that is not names nothing needed."""
    known = known_names(repo)
    unknown = unknown_unpinned(repo, known)
    likely = [name for name in unknown if _close(name, known)]
    # (Unpinned names validate cannot judge: neither a typo nor known.)
    undecided = set(unknown) - set(likely)
    holds = [h for h in repo.config.holds if h.name not in known | undecided]
    yield from unknown_name_findings(
        repo, likely, holds, "neither in the global list nor pinned", known
    )


def known_names(repo: CentralRepo) -> frozenset[str]:
    """The libraries the central files name: listed, pinned or denylisted."""
    known = set(repo.global_list.names())
    if repo.constraints is not None:
        known.update(repo.constraints.index)
    if repo.denylist is not None:
        known.update(repo.denylist.names)
    return frozenset(known)


def unknown_unpinned(repo: CentralRepo, known: Collection[str]) -> list[str]:
    """The ``unpinned`` names (beyond the default installers) not ``known``."""
    return sorted(repo.config.unpinned - DEFAULT_CONFIG.unpinned - set(known))


def unknown_name_findings(
    repo: CentralRepo,
    unpinned: Sequence[str],
    holds: Sequence[Hold],
    why: str,
    known: Collection[str],
) -> Iterator[Finding]:
    """G022 for the ``unpinned`` names given (at the ``unpinned`` line) and
    for each hold given, ``why`` saying what makes them unknown."""
    line = repo.config.unpinned_line
    if line is not None and unpinned:
        yield Finding(
            "G022",
            "warning",
            CONFIG_FILE,
            line,
            f"unpinned names {', '.join(unpinned)}, which "
            + ("is" if len(unpinned) == 1 else "are")
            + f" {why}: a typo?",
            _correct(unpinned, known, "remove it from unpinned"),
        )
    for hold in holds:
        yield Finding(
            "G022",
            "warning",
            CONFIG_FILE,
            hold.line,
            f"the hold keeping {hold.name}{hold.specifier} names a library {why}: "
            "a typo?",
            _correct([hold.name], known, "remove the hold"),
        )


def _close(name: str, known: Collection[str]) -> bool:
    import difflib

    return bool(difflib.get_close_matches(name, sorted(known), n=1))


def _correct(names: Sequence[str], known: Collection[str], otherwise: str) -> str:
    """The fix: the names meant, where a known one is close."""
    import difflib

    meant = [
        close[0]
        for name in names
        if (close := difflib.get_close_matches(name, sorted(known), n=1))
    ]
    if not meant:
        return f"correct the name, or {otherwise}"
    return f"correct the name (did you mean {', '.join(meant)}?), or {otherwise}"
