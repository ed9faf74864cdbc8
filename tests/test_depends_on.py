"""Depends-On: a project checked against an unmerged central change."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from accord.cli import main


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        check=True,
        env={
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.org",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.org",
            "HOME": str(repo),
            "PATH": "/usr/bin:/bin:/usr/local/bin",
        },
    )
    return result.stdout.strip()


@pytest.fixture
def repos(tmp_path: Path) -> tuple[Path, Path, str]:
    central = tmp_path / "requirements"
    central.mkdir()
    git(central, "init", "-q", "-b", "main")
    (central / "global-requirements.txt").write_text("requests  # Apache-2.0\n")
    git(central, "add", "-A")
    git(central, "commit", "-q", "-m", "base")
    # The proposed change adds a library, on a review branch.
    git(central, "checkout", "-q", "-b", "review/add-yaml")
    (central / "global-requirements.txt").write_text(
        "PyYAML  # MIT\nrequests  # Apache-2.0\n"
    )
    git(central, "commit", "-q", "-am", "Add PyYAML\n\nChange-Id: I" + "a" * 40)
    proposed = git(central, "rev-parse", "HEAD")
    git(central, "checkout", "-q", "main")

    project = tmp_path / "proj"
    project.mkdir()
    git(project, "init", "-q", "-b", "main")
    (project / "requirements.txt").write_text("requests>=2\nPyYAML>=6\n")
    git(project, "add", "-A")
    return central, project, proposed


def check(
    project: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, dict[str, object]]:
    code = main(
        ["check", str(project), "--requirements", str(central), "--format", "json"]
    )
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("trailer", ["sha", "change-id"])
def test_depends_on_reads_the_proposed_central_change(
    repos: tuple[Path, Path, str], capsys: pytest.CaptureFixture[str], trailer: str
) -> None:
    central, project, proposed = repos
    git(project, "commit", "-q", "-m", "Use PyYAML")
    code, document = check(project, central, capsys)
    assert code == 1  # PyYAML is not in the merged list
    reference = proposed if trailer == "sha" else "I" + "a" * 40
    git(
        project,
        "commit",
        "-q",
        "--amend",
        "-m",
        f"Use PyYAML\n\nDepends-On: {reference}\n",
    )
    code, document = check(project, central, capsys)
    assert code == 0, document
    assert document["central"] == {"path": str(central), "commit": proposed}
    # The work tree of the requirements repo was not touched.
    assert "PyYAML" not in (central / "global-requirements.txt").read_text()
    assert git(central, "status", "--porcelain") == ""


def test_unknown_depends_on_is_a_warning(
    repos: tuple[Path, Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    central, project, _ = repos
    git(project, "commit", "-q", "-m", "x\n\nDepends-On: " + "b" * 40 + "\n")
    code, document = check(project, central, capsys)
    rules = [f["rule"] for f in document["findings"]]  # type: ignore[attr-defined]
    assert "C013" in rules and "C002" in rules
    assert code == 1


def test_depends_on_with_a_plain_directory_as_requirements_is_a_warning(
    repos: tuple[Path, Path, str],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """A trailer that cannot be looked up is said, not silently ignored."""
    _, project, proposed = repos
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "global-requirements.txt").write_text(
        "PyYAML  # MIT\nrequests  # Apache-2.0\n"
    )
    git(project, "commit", "-q", "-m", f"x\n\nDepends-On: {proposed}\n")
    code, document = check(project, plain, capsys)
    (note,) = document["findings"]  # type: ignore[misc]
    assert note["rule"] == "C013" and note["severity"] == "warning"
    assert "not a git repository" in note["message"]
    assert code == 0
