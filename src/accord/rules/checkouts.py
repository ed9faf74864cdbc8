"""A library installed from a version-control checkout (C020).

``-e git+https://opendev.org/openstack/oslo.config#egg=oslo.config`` installs
oslo.config from whatever the checkout holds, past the global list's
specifiers and the pins: OpenStack's requirements tools call such lines
illegal in a synchronised file but pass them through. check reports them;
sync leaves them as they are (it never rewrites an ``-e`` line). So is a
PEP 508 ``oslo.config @ git+https://...`` line, which installs the same.
"""

# Annotations are evaluated here, not postponed: see accord.findings.
from collections.abc import Iterator, Sequence

from accord.central import CentralRepo
from accord.findings import Finding
from accord.model.global_list import GlobalEntry
from accord.model.requirements_file import canonical_name
from accord.model.sources import RequirementSource
from accord.rules.unlisted import unlisted


def check_checkouts(
    source: RequirementSource, central: CentralRepo
) -> Iterator[Finding]:
    """C020 (a warning) for each ``[-e] VCS-URL#egg=NAME`` line of ``source``
    whose NAME the global list has; C002, as for a named requirement, for
    one it does not have (a denylisted NAME is exempt, as there)."""
    for item in source.checkouts:
        name = item.requirement.name
        canonical = canonical_name(name)
        if central.denylist is not None and central.denylist.has(canonical):
            continue
        where = (item.path, item.line)
        entries = central.global_list.entries_for(canonical)
        if not entries:
            yield unlisted(name, where, central, " (installed from a checkout)")[0]
            continue
        yield checkout_finding(name, where, entries)


def checkout_finding(
    name: str, where: tuple[str, int], entries: Sequence[GlobalEntry]
) -> Finding:
    """C020 for a line that installs listed ``name`` from a checkout: an
    ``[-e] VCS-URL#egg=NAME`` line or a PEP 508 ``NAME @ VCS-URL`` one,
    which pip installs alike."""
    return Finding(
        "C020",
        "warning",
        *where,
        f"{name}: this line installs it from a version-control checkout, "
        "not the release the global list and the pins reviewed",
        f"{_replace_with(entries)} (accord sync leaves such lines as they are)",
    )


def archive_finding(
    name: str, url: str, where: tuple[str, int], entries: Sequence[GlobalEntry]
) -> Finding:
    """C018 for a PEP 508 ``NAME @ URL`` line of listed ``name`` that is no
    checkout (an archive, a wheel): it installs whatever the URL holds."""
    return Finding(
        "C018",
        "warning",
        *where,
        f"{name}: this line installs it from {url}, not the release the global "
        "list and the pins reviewed (sync leaves such lines as they are)",
        _replace_with(entries),
    )


def _replace_with(entries: Sequence[GlobalEntry]) -> str:
    listed = " or ".join(dict.fromkeys(_written(entry) for entry in entries))
    return (
        "replace the line with a requirement as the global list has it, "
        f"with the project's minimum: {listed}"
    )


def _written(entry: GlobalEntry) -> str:
    """The global list's requirement with a minimum to fill in where it has
    none (both lower-bound policies want one): ``oslo.config>=X.Y,!=4.3.0``."""
    requirement = entry.requirement
    specifiers = [str(spec) for spec in requirement.specifier]
    if not any(spec.startswith((">", "==", "~=")) for spec in specifiers):
        specifiers.insert(0, ">=X.Y")
    text = requirement.name + ",".join(sorted(specifiers, key=_minimum_first))
    marker = entry.line.marker_text
    return f"{text};{marker}" if marker else text


def _minimum_first(spec: str) -> tuple[bool, str]:
    return not spec.startswith(">="), spec
