"""Which holds refuse what a failed resolution asked for.

uv passes a hold to the resolver as a constraint and explains a failure in
its own words (``all versions of beta depend on gamma<2 and gamma==2.0``),
which never say that ``gamma<2`` is the team's hold in accord.toml. When
uv's explanation names a held library, the request is resolved again
without the holds: if it then succeeds, the holds its answer breaks are
the reason, and the failure names them, with their lines and reasons.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from accord._config_resolution import Hold
from accord.resolve.request import ResolveFailure, Resolver, ResolveRequest
from accord.resolve.uv_explain import named, required
from accord.rules.holds import describe_hold


def hold_constraint(hold: Hold) -> str:
    """A hold as the resolver is given it: ``gamma<2``."""
    return f"{hold.name}{hold.specifier}"


def blame_holds(
    holds: Sequence[Hold],
    failures: Sequence[ResolveFailure],
    requests: Mapping[str, ResolveRequest],
    resolver: Resolver,
) -> tuple[list[ResolveFailure], tuple[Hold, ...]]:
    """``failures``, each the holds refuse saying so first:
    ``refused by the hold keeping gamma<2 (accord.toml:5: why): <uv's>``;
    and the holds so blamed, each once, in accord.toml's order."""
    blamed = []
    named_holds: set[Hold] = set()
    for failure in failures:
        request = requests.get(failure.python)
        refusing = (
            () if request is None else _refusing(holds, failure, request, resolver)
        )
        named_holds.update(refusing)
        blamed.append(
            replace(
                failure,
                reason=f"refused by {', '.join(map(describe_hold, refusing))}: "
                + failure.reason,
            )
            if refusing
            else failure
        )
    return blamed, tuple(hold for hold in holds if hold in named_holds)


def _refusing(
    holds: Sequence[Hold],
    failure: ResolveFailure,
    request: ResolveRequest,
    resolver: Resolver,
) -> tuple[Hold, ...]:
    """The holds whose library uv names and which what resolves without
    any hold breaks."""
    mentioned = set(named(failure.reason))
    mentioned.update(m.name for m in required(failure.reason))
    if failure.no_wheel or not any(hold.name in mentioned for hold in holds):
        return ()
    given = {hold_constraint(hold) for hold in holds}
    unheld = replace(
        request, constraints=tuple(c for c in request.constraints if c not in given)
    )
    outcome = resolver.resolve(unheld)
    if outcome.failure is not None:
        return ()
    return tuple(
        hold
        for hold in holds
        if any(
            pin.name == hold.name
            and not hold.specifier.contains(pin.version, prereleases=True)
            for pin in outcome.pins
        )
    )
