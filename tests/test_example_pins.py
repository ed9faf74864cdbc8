"""The bundled example's pins are complete and install together, offline.

Each pinned release is rebuilt as a tiny wheel carrying the release's real
``Requires-Dist``/``Requires-Python`` (recorded in
``tests/data/example-metadata.json`` by ``tests/example_metadata.py``), and
``accord constraints verify`` runs against those wheels alone.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from accord.cli import main

from .conftest import EXAMPLES
from .example_metadata import RECORD, pinned_releases
from .wheelhouse import make_wheel


def test_example_pins_are_complete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    repo = tmp_path / "requirements"
    shutil.copytree(EXAMPLES / "requirements", repo)
    record = json.loads(RECORD.read_text())
    pinned = pinned_releases((repo / "upper-constraints.txt").read_text())
    missing = [f"{n}=={v}" for n, v in pinned if f"{n}=={v}" not in record]
    assert not missing, f"run python tests/example_metadata.py: {missing}"
    house = tmp_path / "wheels"
    house.mkdir()
    for release, metadata in record.items():
        name, version = release.split("==")
        make_wheel(
            house,
            name,
            version,
            metadata["requires_dist"],
            metadata["requires_python"],
        )
    for installer in ("pip", "setuptools", "wheel"):  # unpinned on purpose
        make_wheel(house, installer, "99.0")
    code = main(
        [
            "constraints", "verify", "--requirements", str(repo),
            "--no-index", "--find-links", str(house), "--format", "json",
        ]
    )  # fmt: skip
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert code == 0, [f["message"] for f in findings]
    assert findings == []
