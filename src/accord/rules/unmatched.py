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
from accord.model.markers import applies_to_python
from accord.model.requirements_file import OptionLine, RequirementLine, line_content


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
        if "+" not in entry.line.text:
            continue  # nearly every entry: no specifier to look at
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


def check_denylist_lines(repo: CentralRepo) -> Iterator[Finding]:
    """G026: a denylist line with more than a name (``foo>=1.0``,
    ``foo;python_version<'3'``, extras, a URL, a pip option). The denylist
    is read for names alone, as OpenStack's tools read it: foo is exempt
    (never pinned, not held to the contract) at every version and on every
    Python, and the rest of the line is silently dropped; a ``-r`` file is
    not followed. A warning: the name is still denied."""
    denylist = repo.denylist
    if denylist is None:
        return
    for line in denylist.file.lines:
        if isinstance(line, OptionLine):
            written = line_content(line.text)[0]
            yield Finding(
                "G026",
                "warning",
                denylist.path,
                line.lineno,
                f"{written!r} is a pip option: accord reads no name from it, so "
                "a library only it names is not denied",
                "write each library to deny on a line of its own, and remove "
                "the option",
            )
        elif isinstance(line, RequirementLine):
            unread = _unread_parts(line)
            if not unread:
                continue
            name = line.requirement.name
            yield Finding(
                "G026",
                "warning",
                denylist.path,
                line.lineno,
                f"{name}: {denylist.path} lists names only and does not read "
                f"{' and '.join(unread)}: {name} is denied (never pinned, not held "
                "to the global list) at every version and on every Python",
                f"write the name alone ('{name}'); to keep some versions of a "
                "library out, exclude them in the global list or hold it in "
                "accord.toml instead",
            )


def _unread_parts(line: RequirementLine) -> list[str]:
    """What ``line`` says beyond its name, each part as written."""
    requirement = line.requirement
    parts = []
    if requirement.extras:
        parts.append(f"the extras [{','.join(sorted(requirement.extras))}]")
    if requirement.url is not None:
        parts.append(f"the URL {requirement.url}")
    if requirement.specifier:
        parts.append(f"the version {requirement.specifier}")
    if requirement.marker is not None:
        written = None if requirement.url is not None else line.marker_text
        parts.append(f"the marker {written or requirement.marker}")
    if line.options:
        parts.append(f"the option {line.options}")
    return parts


DEAD_PIN_FIX = "remove the line (no supported Python uses it)"


def check_dead_pins(repo: CentralRepo) -> Iterator[Finding]:
    """G027: a pin line whose marker holds for no Python of ``python-versions``
    on any platform (``foo===1.0;python_version=='3.8'`` once 3.8 is
    dropped): no supported install reads it, and ``constraints generate``
    (so ``bump``), which writes pins for the supported Pythons only, leaves
    it out. A warning: it breaks nothing, it is only left behind."""
    if repo.constraints is None:
        return
    supported = repo.config.python_versions
    for pin in repo.constraints.pins:
        if pin.marker is None:
            continue  # most pins: no marker to evaluate
        if any(applies_to_python(pin.marker, python) for python in supported):
            continue
        name = pin.line.requirement.name
        yield Finding(
            "G027",
            "warning",
            repo.constraints.path,
            pin.lineno,
            f"{name}==={pin.version} is for {pin.line.marker_text or pin.marker}, "
            "which no supported Python meets (python-versions: "
            f"{', '.join(supported)}): no install reads the line, and "
            "constraints generate leaves it out",
            DEAD_PIN_FIX,
        )
