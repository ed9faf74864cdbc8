"""Record the metadata of every version the example pins, for offline tests.

``python tests/example_metadata.py`` downloads a wheel of each pinned release
with pip (the network: run it by hand, after changing
``examples/requirements/upper-constraints.txt``), reads its
``Requires-Dist`` and ``Requires-Python`` and writes
``tests/data/example-metadata.json``. The tests build a wheel for each
recorded release and verify the example's pins against them, offline.
"""

from __future__ import annotations

import email.parser
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / "examples" / "requirements" / "upper-constraints.txt"
RECORD = Path(__file__).resolve().parent / "data" / "example-metadata.json"


def pinned_releases(text: str) -> list[tuple[str, str]]:
    """(name, version) of every pin line, in the file's order, once each."""
    releases: dict[tuple[str, str], None] = {}
    for line in text.splitlines():
        requirement = line.split(";", 1)[0].strip()
        if "===" in requirement and not requirement.startswith("#"):
            name, version = requirement.split("===", 1)
            releases[(name.strip(), version.strip())] = None
    return list(releases)


def wheel_metadata(wheel: Path) -> dict[str, object]:
    """Requires-Dist and Requires-Python of a wheel's METADATA."""
    with zipfile.ZipFile(wheel) as archive:
        member = next(
            n for n in archive.namelist() if n.endswith(".dist-info/METADATA")
        )
        message = email.parser.BytesHeaderParser().parsebytes(archive.read(member))
    return {
        "requires_dist": message.get_all("Requires-Dist") or [],
        "requires_python": message.get("Requires-Python"),
    }


def main() -> int:
    record: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, version in pinned_releases(CONSTRAINTS.read_text()):
            into = Path(tmp) / f"{name}-{version}"
            subprocess.run(
                [
                    sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                    "--only-binary", ":all:", "--ignore-requires-python",
                    "--dest", str(into), f"{name}=={version}",
                ],
                check=True,
            )  # fmt: skip
            (wheel,) = into.glob("*.whl")
            record[f"{name}=={version}"] = wheel_metadata(wheel)
    RECORD.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    print(f"recorded {len(record)} releases in {RECORD}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
