"""Lines of the central files that do not mean what they say: a local
version (``+cpu``) public indexes never serve (G025), a version or marker
in the denylist, which is read for names only (G026), and a pin whose
marker no supported Python meets (G027)."""

from __future__ import annotations

from collections.abc import Iterator

from packaging.specifiers import Specifier
from packaging.version import InvalidVersion, Version

from accord.central import CentralRepo
from accord.findings import Finding


def check_local_versions(repo: CentralRepo) -> Iterator[Finding]:
    """G025: a local version label (``torch===2.5.1+cpu``). PyPI and the
    other public indexes refuse to host one, so a pin of it installs only
    from an index serving that exact build (pip and uv find nothing where
    only 2.5.1 is), and a global-list ``==``/``!=`` with one matches or
    excludes only that build. A warning: it works from such an index."""
    if repo.constraints is not None:
        for pin in repo.constraints.pins:
            if pin.version.local is None:
                continue
            name = pin.line.requirement.name
            public = pin.version.public
            yield Finding(
                "G025",
                "warning",
                repo.constraints.path,
                pin.lineno,
                f"{name}==={pin.version} pins a local version (+{pin.version.local}),"
                " which public indexes such as PyPI never host: it installs only "
                f"where the index serves {name} {pin.version} itself",
                f"pin the public release ({name}==={public}), or make sure every "
                f"index the projects install from serves {name} {pin.version}",
            )
    for entry in repo.global_list.entries:
        for spec in sorted(entry.requirement.specifier, key=str):
            version = _local(spec)
            if version is None:
                continue
            name = entry.requirement.name
            what = "excludes only" if spec.operator == "!=" else "matches only"
            yield Finding(
                "G025",
                "warning",
                repo.global_list.path,
                entry.lineno,
                f"{name}: '{spec}' names a local version, so it {what} the build "
                f"{version}, which public indexes such as PyPI never host",
                f"write the public version ('{spec.operator}{version.public}'), or "
                f"make sure every index the projects install from serves {version}",
            )


def _local(spec: Specifier) -> Version | None:
    """The version ``spec`` names when it carries a local label."""
    if "+" not in spec.version:
        return None  # most specifiers: no parse
    try:
        version = Version(spec.version)
    except InvalidVersion:  # '===' takes any text
        return None
    return version if version.local is not None else None
