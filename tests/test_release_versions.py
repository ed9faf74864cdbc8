"""The version rules of release requests, as tables."""

from __future__ import annotations

import pytest
from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

from accord.release.stable import Declared, minimum, requirement_changes
from accord.release.versions import (
    allowed_after,
    canonical,
    is_bugfix,
    is_end_marker,
    next_version,
)

NEXT = [
    pytest.param("1.2.3", "bugfix", "1.2.4", id="bugfix"),
    pytest.param("1.2.3", "feature", "1.3.0", id="feature"),
    pytest.param("1.2.3", "major", "2.0.0", id="major"),
    pytest.param("1.2.3", "rc", "1.3.0rc1", id="first-rc"),
    pytest.param("1.2.3", "beta", "1.3.0b1", id="first-beta"),
    pytest.param("2.0.0b1", "beta", "2.0.0b2", id="next-beta"),
    pytest.param("2.0.0b2", "rc", "2.0.0rc1", id="beta-to-rc"),
    pytest.param("2.0.0rc1", "rc", "2.0.0rc2", id="next-rc"),
    pytest.param("2.0.0rc2", "feature", "2.0.0", id="final-after-rc"),
    pytest.param(None, "feature", "0.1.0", id="first-ever"),
    pytest.param(None, "major", "1.0.0", id="first-major"),
]

ALLOWED = [
    pytest.param("1.1.0", "1.1.1", True, id="bugfix"),
    pytest.param("1.1.0", "1.1.2", False, id="skipped-bugfix"),
    pytest.param("1.1.0", "1.3.0", False, id="skipped-feature"),
    pytest.param("1.1.0", "3.0.0", False, id="skipped-major"),
    pytest.param("1.1.0", "1.2", True, id="two-part-is-three"),
    pytest.param("20.1.0", "21.0.0.0rc1", True, id="openstack-four-part-rc"),
    pytest.param("2.0.0b1", "2.0.0b3", False, id="skipped-beta"),
    pytest.param("2.0.0b2", "2.0.0rc1", True, id="beta-to-rc"),
    pytest.param("2.0.0rc1", "2.0.0b3", False, id="rc-back-to-beta"),
    pytest.param("2.0.0rc1", "2.1.0", False, id="rc-abandoned"),
]


@pytest.mark.parametrize(("previous", "bump", "expected"), NEXT)
def test_next_version(previous: str | None, bump: str, expected: str) -> None:
    before = None if previous is None else Version(previous)
    assert str(next_version(before, bump)) == expected


def test_no_beta_after_an_rc() -> None:
    with pytest.raises(ValueError, match="no beta"):
        next_version(Version("2.0.0rc1"), "beta")


@pytest.mark.parametrize(("previous", "version", "allowed"), ALLOWED)
def test_allowed_after(previous: str, version: str, allowed: bool) -> None:
    assert (Version(version) in allowed_after(Version(previous))) is allowed


@pytest.mark.parametrize(
    ("text", "ok"),
    [("1.0.0", True), ("1.0.01", False), ("v1.0", False), ("1.0.0-rc1", False),
     ("21.0.0.0rc1", True), ("nope", False)],
)  # fmt: skip
def test_canonical(text: str, ok: bool) -> None:
    assert (canonical(text) is not None) is ok


def test_end_markers_and_bugfixes() -> None:
    assert is_end_marker("zed-eom") and is_end_marker("victoria-eol")
    assert not is_end_marker("1.0-eol") and not is_end_marker("1.0.0")
    assert is_bugfix(Version("1.1.0"), Version("1.1.1"))
    assert not is_bugfix(Version("1.1.0"), Version("1.2.0"))
    assert not is_bugfix(Version("1.1.0rc1"), Version("1.1.0"))


MINIMUMS = [
    pytest.param("a>=1.2", "1.2", id="ge"),
    pytest.param("a>1.2,>=1.0", "1.2", id="highest-lower-bound"),
    pytest.param("a~=2.1", "2.1", id="compatible"),
    pytest.param("a==3.*", "3", id="wildcard"),
    pytest.param("a<4", None, id="no-minimum"),
    pytest.param("a!=1.5", None, id="exclusion-only"),
]


@pytest.mark.parametrize(("text", "expected"), MINIMUMS)
def test_minimum(text: str, expected: str | None) -> None:
    found = minimum(Requirement(text))
    assert found == (None if expected is None else Version(expected))


def _declared(*texts: str) -> dict[NormalizedName, Declared]:
    return {
        canonicalize_name(Requirement(t).name): Declared(Requirement(t), "r.txt", i)
        for i, t in enumerate(texts, 1)
    }


CHANGES = [
    pytest.param(("a>=1",), ("a>=1",), [], id="same"),
    pytest.param(
        ("a>=1",), ("a>=1", "b"), ["adds the requirement b (r.txt:2)"], id="added"
    ),
    pytest.param(
        ("a>=1",),
        ("a>=2",),
        ["raises the minimum of a from 1 to 2 (r.txt:1)"],
        id="raised",
    ),
    pytest.param(("a>=2",), ("a>=1",), [], id="lowered-is-fine"),
    pytest.param(("a>=1", "b"), ("a>=1",), [], id="dropped-is-fine"),
    pytest.param(("A_B>=1",), ("a-b>=1",), [], id="names-compared-canonically"),
]


@pytest.mark.parametrize(("before", "after", "expected"), CHANGES)
def test_requirement_changes(
    before: tuple[str, ...], after: tuple[str, ...], expected: list[str]
) -> None:
    changes = list(requirement_changes(_declared(*before), _declared(*after)))
    assert changes == expected
