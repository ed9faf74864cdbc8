"""The cooldown's pure parts: durations, cutoffs, what uv is told."""

from __future__ import annotations

import datetime

import pytest
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from accord._config_policy import CooldownExempt, Policy, parse_duration
from accord.index.model import DistFile, ProjectPage
from accord.resolve.cooldown import cutoffs, held_back

from .indexserver import Release, TestIndex, index_fixture

__all__ = ["index_fixture"]

NOW = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.timezone.utc)
DAY = datetime.timedelta(days=1)

DURATIONS = [
    pytest.param("7 days", 7 * DAY, id="days"),
    pytest.param("1 day", DAY, id="day"),
    pytest.param("12 hours", DAY / 2, id="hours"),
    pytest.param("2 weeks", 14 * DAY, id="weeks"),
    pytest.param("3d", 3 * DAY, id="short"),
    pytest.param("0", datetime.timedelta(0), id="zero"),
    pytest.param("soon", None, id="word"),
    pytest.param("-1 days", None, id="negative"),
    pytest.param("7 months", None, id="unit"),
]


@pytest.mark.parametrize(("text", "expected"), DURATIONS)
def test_parse_duration(text: str, expected: datetime.timedelta | None) -> None:
    assert parse_duration(text) == expected


def test_no_cooldown_tells_uv_nothing() -> None:
    assert cutoffs(Policy(), {canonicalize_name("org")}, NOW).uv_arguments(NOW) == (
        None,
        (),
    )


def test_cutoffs_per_class_and_exemption() -> None:
    policy = Policy(
        cooldown=7 * DAY,
        own_libraries_cooldown=DAY,
        cooldown_exempt=(
            CooldownExempt(canonicalize_name("urllib3"), Version("2.5"), "CVE"),
        ),
    )
    limits = cutoffs(policy, {canonicalize_name("org")}, NOW, [canonicalize_name("x")])
    assert limits.uv_arguments(NOW) == (
        "2026-11-23T12:00:00Z",
        (
            "org=2026-11-29T12:00:00Z",
            "urllib3=2026-11-30T12:00:00Z",
            "x=2026-11-30T12:00:00Z",
        ),
    )
    assert limits.for_name(canonicalize_name("other")) == NOW - 7 * DAY


def _page(name: str, uploads: dict[str, datetime.datetime]) -> ProjectPage:
    files = tuple(
        DistFile(
            f"{name}-{version}-py3-none-any.whl",
            f"https://files.example/{name}-{version}.whl",
            Version(version),
            None,
            None,
            uploaded,
            None,
            True,
        )
        for version, uploaded in uploads.items()
    )
    return ProjectPage(
        canonicalize_name(name), files, tuple(sorted(Version(v) for v in uploads))
    )


def test_held_back_names_the_newest_allowed_young_release() -> None:
    name = canonicalize_name("delta")
    page = _page(
        "delta", {"1.1": NOW - 90 * DAY, "1.2": NOW - 2 * DAY, "2.0": NOW - DAY}
    )
    policy = Policy(cooldown=7 * DAY)
    limits = cutoffs(policy, (), NOW)
    chosen = {name: Version("1.1")}
    [held] = held_back({name: page}, chosen, limits, policy, ())
    assert (str(held.version), held.until) == ("2.0", NOW + 6 * DAY)
    # 2.0 is not allowed (a hold, the global list): 1.2 is what waits.
    allowed = {name: SpecifierSet("<2")}
    [held] = held_back({name: page}, chosen, limits, policy, (), allowed)
    assert str(held.version) == "1.2"
    assert "taken from 2026-12-05T12:00:00Z" in held.describe()
    # Nothing newer than the pin: nothing held back.
    assert held_back({name: page}, {name: Version("2.0")}, limits, policy, ()) == []


def test_wait_backs_off_and_gives_up_with_what_it_saw(test_index: TestIndex) -> None:
    from accord.index.wait import ReleaseNotVisible, wait_for_release

    moments = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        moments[0] += seconds

    url = test_index.simple_url
    test_index.add("lib", [Release("1.0")])
    with pytest.raises(ReleaseNotVisible, match=r"lib 1\.1 did not appear.*1\.0"):
        wait_for_release(url, "lib", Version("1.1"), 20, sleep, lambda: moments[0])
    assert slept == [2.0, 4.0, 8.0, 6.0]
    assert wait_for_release(url, "lib", Version("1.0"), 0) == 1


def test_vulnerability_fix_exempts_a_young_fix_within_its_series() -> None:
    from accord.audit.model import Advisory
    from accord.resolve.vulnfix import vulnerability_fixes

    name = canonicalize_name("delta")
    page = _page(
        "delta",
        {"1.1": NOW - 90 * DAY, "1.2.1": NOW - DAY, "1.3": NOW - DAY},
    )
    policy = Policy(cooldown=7 * DAY)
    limits = cutoffs(policy, (), NOW)
    pin = (name, Version("1.1"))
    advisories = {
        pin: (
            Advisory("GHSA-a", "", fixed=(Version("1.0.5"), Version("1.2"))),
            Advisory("GHSA-b", "", fixed=(Version("1.2.1"),)),
            Advisory("GHSA-nofix", ""),
        )
    }
    [fix] = vulnerability_fixes([pin], advisories, {name: page}, limits)
    # The newest of the first fixes; capped at the next series.
    assert (fix.fixed, fix.constraint()) == (Version("1.2.1"), "delta<1.3")
    assert fix.advisories == ("GHSA-a (fixed in 1.2)", "GHSA-b (fixed in 1.2.1)")
    assert cutoffs(policy, (), NOW, fixing=[name]).uv_arguments(NOW)[1] == (
        "delta=2026-11-30T12:00:00Z",
    )
    # A fix already past the cooldown: nothing to exempt.
    old = _page("delta", {"1.1": NOW - 90 * DAY, "1.2.1": NOW - 30 * DAY})
    assert vulnerability_fixes([pin], advisories, {name: old}, limits) == []
    # No advisory with a fix, or no cooldown: nothing either.
    assert vulnerability_fixes([pin], {}, {name: page}, limits) == []
    none = cutoffs(Policy(), (), NOW)
    assert vulnerability_fixes([pin], advisories, {name: page}, none) == []
