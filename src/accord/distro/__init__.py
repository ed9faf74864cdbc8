"""Distro packaging: which distributions package a PyPI project, at which version?

- ``debian``: Debian and Ubuntu apt ``Packages``/``Sources`` lists (python-debian);
- ``rpm``: RPM repositories (Fedora, RHEL, CentOS Stream, openSUSE) by their
  ``repodata/`` (``repomd.xml`` and ``primary.xml``), local or over HTTP;
- ``sources``: plugins of the ``accord.distro_sources`` entry-point group, and
  asking every source at once;
- ``cache``: the parsed index kept in ``~/.cache/accord/distro``;
- ``model`` and ``versions``: the answers and how versions order.
"""

from __future__ import annotations

from accord.distro.debian import DebianIndex, debian_lists, distro_name_from_list
from accord.distro.model import DistroPackage, DistroSource
from accord.distro.rpm import RpmRepo
from accord.distro.sources import load_plugins, lookup_all
from accord.distro.versions import (
    debian_version_key,
    rpm_version_key,
    upstream_version,
)

__all__ = [
    "DebianIndex",
    "DistroPackage",
    "DistroSource",
    "RpmRepo",
    "debian_lists",
    "debian_version_key",
    "distro_name_from_list",
    "load_plugins",
    "lookup_all",
    "rpm_version_key",
    "upstream_version",
]


def __dir__() -> list[str]:
    return __all__
