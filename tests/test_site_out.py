"""`accord site --out DIR` never writes over what it did not write.

DIR may not be, hold or lie inside the requirements repo; a file in DIR that
no earlier build wrote is never overwritten or removed (the build refuses,
naming it, before writing anything); a non-empty DIR that no build made is
refused unless --into-existing says to build beside its files.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from accord.cli import main

from .test_site import workspace  # noqa: F401 - the fixture


def site(out: Path, fleet: Path, *options: str) -> list[str]:
    repo = fleet / "requirements"
    return ["site", "--out", str(out), "--requirements", str(repo), *options]


def snapshot(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize(
    "where", ["requirements", "requirements/site", ".", "requirements/.."]
)
def test_out_may_not_be_hold_or_lie_in_the_requirements_repo(
    workspace: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    where: str,
) -> None:
    before = snapshot(workspace)
    assert main(site(workspace / where, workspace)) == 2
    err = capsys.readouterr().err
    assert "requirements repo" in err and "--out" in err
    assert len(err.strip().splitlines()) <= 2 and "Traceback" not in err
    assert snapshot(workspace) == before
    assert not (workspace / "requirements" / "site").exists()
    status = subprocess.run(
        ["git", "-C", str(workspace / "requirements"), "status", "--porcelain"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert status == ""


def test_a_hand_made_file_the_site_would_write_is_never_overwritten(
    workspace: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "www"
    (out / "static").mkdir(parents=True)
    (out / "index.html").write_text("my own front page\n")
    (out / "static" / "site.css").write_text("body {}\n")
    before = snapshot(out)
    assert main(site(out, workspace)) == 2
    assert "index.html" in capsys.readouterr().err
    assert snapshot(out) == before
    # Even beside its files, the site never writes over one of them.
    assert main(site(out, workspace, "--into-existing")) == 2
    err = capsys.readouterr().err
    assert "index.html" in err and "static/site.css" in err
    assert len(err.strip().splitlines()) <= 2 and "Traceback" not in err
    assert snapshot(out) == before  # nothing written, nothing removed


def test_a_non_empty_directory_no_build_made_needs_into_existing(
    workspace: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "www"
    out.mkdir()
    (out / "notes.txt").write_text("keep me\n")
    assert main(site(out, workspace)) == 2
    err = capsys.readouterr().err
    assert "notes.txt" in err and "--into-existing" in err
    assert snapshot(out) == {"notes.txt": b"keep me\n"}
    assert main(site(out, workspace, "--into-existing")) == 0
    assert (out / "index.html").is_file()
    assert (out / "notes.txt").read_text() == "keep me\n"
    # Built once, DIR is the site's: the next build needs no option, and
    # still keeps the file it did not write.
    assert main(site(out, workspace)) == 0
    assert (out / "notes.txt").read_text() == "keep me\n"


def test_a_later_build_does_not_overwrite_a_file_it_did_not_write(
    workspace: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "www"
    assert main(site(out, workspace)) == 0
    (out / "projects" / "newcomer.html").write_text("hand-made\n")
    projects = workspace / "requirements" / "projects.txt"
    projects.write_text(projects.read_text() + "newcomer\n")
    before = snapshot(out)
    capsys.readouterr()
    assert main(site(out, workspace)) == 2
    assert "projects/newcomer.html" in capsys.readouterr().err
    assert snapshot(out) == before


def test_a_name_too_long_for_a_file_name_is_refused_before_any_write(
    workspace: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A valid requirement name, but its page's file name would pass the
    # 255 bytes a file system takes: refused whole, not half a site written.
    listed = workspace / "requirements" / "global-requirements.txt"
    listed.write_text(listed.read_text() + "a" * 300 + "  # MIT\n")
    out = tmp_path / "www"
    assert main(site(out, workspace)) == 2
    err = capsys.readouterr().err
    assert "longer than 255 bytes" in err and "a" * 300 not in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert not out.exists() or snapshot(out) == {}
