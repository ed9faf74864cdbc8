"""The central files as every command reads them: a file left unread is
reported, and validate and constraints verify say the same about a line."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.central import load_central_repo
from accord.findings import Finding
from accord.rules.validate import validate


def write_repo(tmp_path: Path, **files: str) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    for name, content in files.items():
        (repo / name).write_bytes(content.encode())
    return repo


def findings(repo: Path) -> list[Finding]:
    return validate(load_central_repo(repo))


BASE = {
    "global-requirements.txt": "flake8  # MIT\nsix  # MIT\n",
    "upper-constraints.txt": "six===1.17.0\n",
}


@pytest.mark.parametrize(
    ("old", "message"),
    [
        pytest.param(
            "flake8\npylint\n",
            "blacklist.txt is not read: denylist.txt, its new name, is; "
            "blacklist.txt names pylint, which denylist.txt does not",
            id="names-left-behind",
        ),
        pytest.param(
            "flake8\n",
            "blacklist.txt is not read: denylist.txt, its new name, is",
            id="a-copy",
        ),
    ],
)
def test_an_old_blacklist_beside_the_denylist_is_reported(
    tmp_path: Path, old: str, message: str
) -> None:
    """OpenStack renamed blacklist.txt to denylist.txt; with both, only
    denylist.txt is read, so what only blacklist.txt names is not denied."""
    repo = write_repo(
        tmp_path, **BASE, **{"denylist.txt": "flake8\n", "blacklist.txt": old}
    )
    (finding,) = findings(repo)
    assert (finding.rule, finding.severity, finding.path, finding.line) == (
        "G023",
        "warning",
        "blacklist.txt",
        None,
    )
    assert finding.message == message
    assert finding.fix == (
        "move what denylist.txt should deny into it, and delete blacklist.txt"
    )


def test_a_blacklist_alone_is_read(tmp_path: Path) -> None:
    repo = write_repo(tmp_path, **BASE, **{"blacklist.txt": "flake8\n"})
    assert findings(repo) == []
    assert load_central_repo(repo).denylist.path == "blacklist.txt"  # type: ignore[union-attr]
