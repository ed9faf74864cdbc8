"""Three defects of the central files that neither accord nor OpenStack's
tools used to report: a pin of a local version (``+cpu``) no public index
serves (G025), a version or marker in the denylist, which holds names only
(G026), and a pin line whose marker no supported Python meets (G027)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from accord.cli import main

from .indexserver import Release, serve_index
from .test_validate_rules import findings, write_repo

# --- G025: a local version label in a pin or a global-list specifier --------


@pytest.mark.parametrize(
    ("served", "installs"),
    [
        pytest.param(["1.0"], False, id="only-the-public-release"),
        pytest.param(["1.0", "1.0+cpu"], True, id="the-local-build-too"),
    ],
)
def test_a_local_version_pin_installs_only_from_an_index_serving_it(
    tmp_path: Path, served: list[str], installs: bool
) -> None:
    """Why G025 is a warning, not an error: pip takes '===1.0+cpu' from a
    PEP 503 index that serves 1.0+cpu, and finds nothing where only 1.0 is."""
    (tmp_path / "c.txt").write_text("foo===1.0+cpu\n")
    with serve_index(tmp_path / "index") as index:
        index.add("foo", [Release(version) for version in served])
        done = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--isolated", "--no-deps",
             "--no-cache-dir", "--disable-pip-version-check",
             "--index-url", index.simple_url,
             "-d", str(tmp_path / "got"), "-c", str(tmp_path / "c.txt"), "foo"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    got = sorted(p.name for p in (tmp_path / "got").glob("*.whl"))
    assert (done.returncode == 0) is installs, done.stderr
    assert got == (["foo-1.0+cpu-py3-none-any.whl"] if installs else [])


def test_a_pin_of_a_local_version_is_a_warning_naming_the_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = write_repo(
        tmp_path,
        **{
            "global-requirements.txt": "torch  # BSD\nsix  # MIT\n",
            "upper-constraints.txt": "six===1.17.0\ntorch===2.5.1+cpu\n",
        },
    )
    assert main(["validate", str(repo), "--format", "json"]) == 0
    (finding,) = json.loads(capsys.readouterr().out)["findings"]
    assert (finding["rule"], finding["severity"]) == ("G025", "warning")
    assert (finding["path"], finding["line"]) == ("upper-constraints.txt", 2)
    assert "torch===2.5.1+cpu" in finding["message"]
    assert "serves torch 2.5.1+cpu" in finding["message"]
    assert "torch===2.5.1" in finding["fix"]


@pytest.mark.parametrize(
    ("entry", "said"),
    [
        pytest.param("torch==2.5.1+cpu", "matches only", id="exact"),
        pytest.param("torch!=2.5.1+cpu", "excludes only", id="exclusion"),
    ],
)
def test_a_local_version_in_a_global_list_specifier_is_a_warning(
    tmp_path: Path, entry: str, said: str
) -> None:
    repo = write_repo(
        tmp_path,
        **{
            "global-requirements.txt": f"six  # MIT\n# why\n{entry}  # BSD\n",
            "upper-constraints.txt": "six===1.17.0\ntorch===2.5.1\n",
        },
    )
    local = [f for f in findings(repo) if f.rule == "G025"]
    assert [(f.severity, f.path, f.line) for f in local] == [
        ("warning", "global-requirements.txt", 3)
    ]
    assert said in local[0].message and "2.5.1+cpu" in local[0].message
    assert "2.5.1" in (local[0].fix or "")


def test_public_versions_give_no_local_version_finding(tmp_path: Path) -> None:
    repo = write_repo(
        tmp_path,
        **{
            "global-requirements.txt": "six!=1.16.0  # MIT\n",
            "upper-constraints.txt": "six===1.17.0\n",
        },
    )
    assert [f.rule for f in findings(repo) if f.rule == "G025"] == []
