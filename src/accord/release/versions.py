"""The versions a release may follow another with, and the next one to ask for.

Versions are :class:`packaging.version.Version` values, compared on their
first three release numbers (``1.2`` is ``1.2.0``). A final release may be
followed by the next bugfix, feature or major release, or by the first beta
or release candidate of the next feature or major release; a pre-release
only by the next one of its own release (``b1 < b2 < rc1 < rc2``) or by
that release itself.
"""

from __future__ import annotations

from typing import Literal

from packaging.version import InvalidVersion, Version

Bump = Literal["bugfix", "feature", "major", "rc", "beta"]
BUMPS: tuple[str, ...] = ("bugfix", "feature", "major", "rc", "beta")


# The end-of-life tags of a series (OpenStack's ``zed-eol``, ``zed-eom``,
# ``zed-last``): not versions, never compared with one.
END_SUFFIXES = ("-eol", "-eom", "-last")


def is_end_marker(text: str) -> bool:
    return text.endswith(END_SUFFIXES) and "." not in text


def canonical(text: str) -> Version | None:
    """``text`` as a version if it is PEP 440 and written canonically."""
    try:
        version = Version(text)
    except InvalidVersion:
        return None
    return version if str(version) == text else None


def triple(version: Version) -> tuple[int, int, int]:
    major, minor, micro = (*version.release, 0, 0)[:3]
    return major, minor, micro


def _final(numbers: tuple[int, int, int]) -> Version:
    return Version(".".join(map(str, numbers)))


def _pre(numbers: tuple[int, int, int], kind: str, n: int) -> Version:
    return Version(f"{_final(numbers)}{kind}{n}")


def allowed_after(previous: Version) -> frozenset[Version]:
    """Every version that may come right after ``previous``."""
    major, minor, micro = triple(previous)
    if previous.pre is None and not previous.is_devrelease:
        feature, big = (major, minor + 1, 0), (major + 1, 0, 0)
        starts = {_pre(n, kind, 1) for n in (feature, big) for kind in ("a", "b", "rc")}
        return frozenset(
            {_final((major, minor, micro + 1)), _final(feature), _final(big), *starts}
        )
    base = (major, minor, micro)
    kind, n = previous.pre or ("a", 0)
    following = {_final(base)}
    order = ("a", "b", "rc")
    following.add(_pre(base, kind, n + 1))
    following.update(_pre(base, later, 1) for later in order[order.index(kind) + 1 :])
    return frozenset(following)


def next_version(previous: Version | None, bump: str) -> Version:
    """The version a ``bump`` release after ``previous`` gets."""
    if previous is None:
        return {"rc": Version("0.1.0rc1"), "beta": Version("0.1.0b1")}.get(
            bump, Version("1.0.0" if bump == "major" else "0.1.0")
        )
    major, minor, micro = numbers = triple(previous)
    if previous.pre is not None:
        kind, n = previous.pre
        if bump == "rc":
            return _pre(numbers, "rc", n + 1 if kind == "rc" else 1)
        if bump == "beta":
            if kind == "rc":
                raise ValueError(f"no beta can follow the release candidate {previous}")
            return _pre(numbers, "b", n + 1 if kind == "b" else 1)
        return _final(numbers)  # the release the pre-releases were leading to
    if bump == "bugfix":
        return _final((major, minor, micro + 1))
    target = (major + 1, 0, 0) if bump == "major" else (major, minor + 1, 0)
    if bump == "rc":
        return _pre(target, "rc", 1)
    if bump == "beta":
        return _pre(target, "b", 1)
    return _final(target)


def is_bugfix(previous: Version, version: Version) -> bool:
    """A final release raising only the third number of a final release."""
    if previous.pre is not None or version.pre is not None:
        return False
    return triple(previous)[:2] == triple(version)[:2] and version > previous
