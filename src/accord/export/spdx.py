"""The pinned set as an SPDX 2.3 JSON document, for auditors.

One package per pinned release (``SPDXRef-Package-pypi-<name>-<version>``),
described by the document, with its version, download location and file
name (its sdist, else its first wheel) and that file's SHA256, the licence
as an SPDX expression (the global list's reviewed licence, as concluded and
declared; ``NOASSERTION`` when unknown), a purl, and the Pythons it is
pinned for in a comment. ``LicenseRef-`` licences from
``[licenses.aliases]`` are listed under ``hasExtractedLicensingInfos``.
The namespace and creation time derive from the pins: same pins, same bytes.
"""

from __future__ import annotations

import json
import re
from typing import Any

from accord import __version__
from accord.export.model import (
    PinnedPackage,
    PinnedSet,
    by_release,
    fingerprint,
    pythons_of,
)

SPDX_VERSION = "SPDX-2.3"
DATA_LICENSE = "CC0-1.0"
NAMESPACE_BASE = "https://spdx.org/spdxdocs/accord"
NOASSERTION = "NOASSERTION"
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9.-]+")
_LICENSE_REF = re.compile(r"\bLicenseRef-[A-Za-z0-9.-]+")


def render_spdx(pinned: PinnedSet) -> str:
    """The document as SPDX 2.3 JSON text, keys sorted."""
    return json.dumps(build_document(pinned), indent=2, sort_keys=True) + "\n"


def build_document(pinned: PinnedSet) -> dict[str, Any]:
    packages = [_package(group) for group in by_release(pinned.packages)]
    document: dict[str, Any] = {
        "spdxVersion": SPDX_VERSION,
        "dataLicense": DATA_LICENSE,
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": f"{pinned.name}-pinned-set",
        "documentNamespace": (
            f"{NAMESPACE_BASE}/{_id_part(pinned.name)}-{fingerprint(pinned)}"
        ),
        "creationInfo": {
            "created": pinned.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "creators": [f"Tool: accord-{__version__}"],
            "comment": "The pinned set (upper-constraints.txt) for Python "
            + ", ".join(pinned.pythons)
            + (f", at commit {pinned.revision}" if pinned.revision else ""),
        },
        "documentDescribes": [package["SPDXID"] for package in packages],
        "packages": packages,
        "relationships": [
            {
                "spdxElementId": "SPDXRef-DOCUMENT",
                "relationshipType": "DESCRIBES",
                "relatedSpdxElement": package["SPDXID"],
            }
            for package in packages
        ],
    }
    refs = sorted(
        {
            ref
            for package in pinned.packages
            for ref in _LICENSE_REF.findall(package.licence or "")
        }
    )
    if refs:
        document["hasExtractedLicensingInfos"] = [
            {
                "licenseId": ref,
                "name": ref.removeprefix("LicenseRef-"),
                "extractedText": f"{ref}: named in accord.toml [licenses.aliases]",
            }
            for ref in refs
        ]
    return document


def _package(group: tuple[PinnedPackage, ...]) -> dict[str, Any]:
    package = group[0]
    pythons = pythons_of(group)
    licence = package.licence or NOASSERTION
    entry: dict[str, Any] = {
        "SPDXID": f"SPDXRef-Package-pypi-{_id_part(package.name)}-"
        f"{_id_part(str(package.version))}",
        "name": package.name,
        "versionInfo": str(package.version),
        "downloadLocation": NOASSERTION,
        "filesAnalyzed": False,
        "licenseConcluded": licence,
        "licenseDeclared": licence,
        "copyrightText": NOASSERTION,
        "comment": "Pinned for Python " + ", ".join(pythons),
        "externalRefs": [
            {
                "referenceCategory": "PACKAGE-MANAGER",
                "referenceType": "purl",
                "referenceLocator": package.purl,
            }
        ],
    }
    primary = package.primary
    if primary is not None:
        entry["downloadLocation"] = primary.url
        entry["packageFileName"] = primary.filename
        entry["checksums"] = [{"algorithm": "SHA256", "checksumValue": primary.sha256}]
    return entry


def _id_part(text: str) -> str:
    """Text usable in an SPDX id: letters, digits, ``.`` and ``-`` only."""
    return _ID_UNSAFE.sub("-", text).strip("-") or "x"
