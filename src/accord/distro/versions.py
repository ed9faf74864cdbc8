"""Distro version strings: their order (dpkg's, rpm's) and their upstream part.

dpkg's order comes from python-debian (``debian.debian_support.Version``);
rpm's is ``rpmvercmp``, written out below: the rpm bindings are not on PyPI.
"""

from __future__ import annotations

import functools
import re

__all__ = ["debian_version_key", "rpm_version_key", "upstream_version"]


def debian_version_key(version: str) -> tuple[object, ...]:
    """A sort key that orders Debian version strings the way dpkg does.

    A string dpkg would refuse (``x:1``, a space) sorts below every valid
    version, by its text, rather than failing the review.
    """
    # Imported here: only a review that finds Debian packages compares them,
    # and python-debian costs every other review ~10 M instructions to load.
    from debian.debian_support import Version as DebianVersion

    try:
        return (1, DebianVersion(version.strip()))
    except ValueError:
        return (0, version)


def _split_version(version: str) -> tuple[str, str, str]:
    """Epoch (before the first colon), upstream, revision (after the last dash)."""
    epoch, colon, rest = version.strip().partition(":")
    if not colon:
        epoch, rest = "0", epoch
    upstream, dash, revision = rest.rpartition("-")
    if not dash:
        upstream, revision = revision, ""
    return epoch, upstream, revision


_PRERELEASE = re.compile(r"~((?:a|b|rc|alpha|beta|pre|dev)\.?\d*)(?=$|[~+^])")


def upstream_version(version: str) -> str:
    """The upstream part of a Debian or RPM version, as upstream wrote it.

    ``1:2.28.1+dfsg-1`` -> ``2.28.1``, ``6.0.2-1.fc41`` -> ``6.0.2``.  A ``~``
    before a pre-release tag is dropped (``1.0~rc1`` -> ``1.0rc1``); any other
    ``~`` or ``^`` suffix is cut off (``1.0~git20240101`` -> ``1.0``), as are
    ``+dfsg``, ``+ds`` and ``+repack``.
    """
    _, upstream, _ = _split_version(version)
    upstream = re.sub(r"\+(?:dfsg|ds|repack).*$", "", upstream)
    upstream = _PRERELEASE.sub(r"\1", upstream)
    return re.split(r"[~^]", upstream)[0] or upstream


_SEGMENT = re.compile(r"[0-9]+|[A-Za-z]+|[~^]")


def _rpmvercmp(left: str, right: str) -> int:
    """rpm's ``rpmvercmp``: -1, 0 or 1.

    Runs of digits compare as numbers and beat runs of letters; ``~`` sorts
    before anything, even the end; ``^`` after the end but before anything
    else.
    Other characters only separate segments.
    """
    if left == right:
        return 0
    a, b = _SEGMENT.findall(left), _SEGMENT.findall(right)
    for x, y in zip(a, b, strict=False):
        if x != y and "~" in (x, y):
            return -1 if x == "~" else 1
        if x != y and "^" in (x, y):
            return -1 if x == "^" else 1  # 1.0^git1 < 1.0a, 1.0^git1 < 1.0.1
        if x.isdigit() != y.isdigit():
            return 1 if x.isdigit() else -1
        if x.isdigit():
            diff = int(x) - int(y)
            if diff:
                return 1 if diff > 0 else -1
        elif x != y:
            return 1 if x > y else -1
    if len(a) == len(b):
        return 0
    longer, sign = (a, 1) if len(a) > len(b) else (b, -1)
    following = longer[min(len(a), len(b))]
    if following == "~":
        return -sign  # 1.0~rc1 < 1.0
    if following == "^":
        return sign  # 1.0^git1 > 1.0
    return sign


def _evr(version: str) -> tuple[int, str, str]:
    epoch, upstream, release = _split_version(version)
    return (int(epoch) if epoch.isdigit() else 0), upstream, release


def _compare_evr(left: str, right: str) -> int:
    (ea, va, ra), (eb, vb, rb) = _evr(left), _evr(right)
    if ea != eb:
        return 1 if ea > eb else -1
    return _rpmvercmp(va, vb) or _rpmvercmp(ra, rb)


_rpm_key = functools.cmp_to_key(_compare_evr)


def rpm_version_key(version: str) -> tuple[object, ...]:
    """A sort key that orders ``[EPOCH:]VERSION-RELEASE`` strings as rpm does."""
    return (1, _rpm_key(version))
