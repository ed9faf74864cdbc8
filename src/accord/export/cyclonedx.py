"""The pinned set as a CycloneDX 1.6 JSON SBOM, built with cyclonedx-python-lib.

One ``library`` component per pinned release (``bom-ref`` and ``purl``
``pkg:pypi/name@version``), with its licence as SPDX (an id where it is
one, else an expression), the sha256 of its sdist (else its first wheel),
one ``distribution`` external reference per file with that file's sha256,
and the Pythons it is pinned for as properties. The BOM describes the
requirements repo (its ``metadata.component``), which depends on every
pin. Serial number and timestamp derive from the pins, so the same pins
give the same bytes.

cyclonedx-python-lib is imported only here: only this export loads it.
"""

from __future__ import annotations

from cyclonedx.model import (
    ExternalReference,
    ExternalReferenceType,
    HashAlgorithm,
    HashType,
    Property,
    XsUri,
)
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.license import DisjunctiveLicense, LicenseExpression
from cyclonedx.output.json import JsonV1Dot6
from packageurl import PackageURL

from accord import __version__
from accord.export.model import (
    ArtefactFile,
    PinnedPackage,
    PinnedSet,
    by_release,
    fingerprint,
    pythons_of,
)

PROPERTY_PYTHONS = "accord:pythons"  # the supported Pythons a pin is for
PROPERTY_MARKER = "accord:marker"  # where it installs, as a PEP 508 marker


def render_cyclonedx(pinned: PinnedSet) -> str:
    """The SBOM as CycloneDX 1.6 JSON text."""
    return JsonV1Dot6(build_bom(pinned)).output_as_string(indent=2) + "\n"


def build_bom(pinned: PinnedSet) -> Bom:
    bom = Bom(serial_number=fingerprint(pinned))
    bom.metadata.timestamp = pinned.created
    bom.metadata.tools.components.add(
        Component(type=ComponentType.APPLICATION, name="accord", version=__version__)
    )
    root = Component(
        type=ComponentType.APPLICATION,
        name=pinned.name,
        version=pinned.revision,
        bom_ref=f"accord:pinned-set:{pinned.name}",
        description="The pinned set (upper-constraints.txt) for Python "
        + ", ".join(pinned.pythons),
    )
    bom.metadata.component = root
    components = [_component(group) for group in by_release(pinned.packages)]
    for component in components:
        bom.components.add(component)
    bom.register_dependency(root, components)
    return bom


def _component(group: tuple[PinnedPackage, ...]) -> Component:
    package = group[0]
    pythons = pythons_of(group)
    markers = [str(pin.marker) for pin in group if pin.marker is not None]
    properties = [Property(name=PROPERTY_PYTHONS, value=", ".join(pythons))]
    if markers and len(markers) == len(group):
        marker = (
            " or ".join(f"({m})" for m in markers) if len(markers) > 1 else markers[0]
        )
        properties.append(Property(name=PROPERTY_MARKER, value=marker))
    primary = package.primary
    return Component(
        type=ComponentType.LIBRARY,
        name=package.name,
        version=str(package.version),
        bom_ref=package.purl,
        purl=PackageURL(type="pypi", name=package.name, version=str(package.version)),
        licenses=[] if package.licence is None else [_licence(package.licence)],
        hashes=[] if primary is None else [_sha256(primary)],
        external_references=[_distribution(file) for file in package.files],
        properties=properties,
    )


def _licence(expression: str) -> DisjunctiveLicense | LicenseExpression:
    """A licence id where the expression is one SPDX id, else the
    expression (accord's normaliser gives only valid SPDX)."""
    if " " in expression or expression.startswith(("LicenseRef-", "DocumentRef-")):
        return LicenseExpression(expression)
    return DisjunctiveLicense(id=expression)


def _sha256(file: ArtefactFile) -> HashType:
    return HashType(alg=HashAlgorithm.SHA_256, content=file.sha256)


def _distribution(file: ArtefactFile) -> ExternalReference:
    return ExternalReference(
        type=ExternalReferenceType.DISTRIBUTION,
        url=XsUri(file.url),
        comment=file.filename,
        hashes=[_sha256(file)],
    )
