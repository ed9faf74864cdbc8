"""No code runs in a resolution, and failures point at the right lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord.cli import main

from .test_constraints_generate import generate, make_repo, wheelhouse
from .wheelhouse import make_canary_sdist, make_canary_tree, make_wheel

__all__ = ["wheelhouse"]  # the fixture, used by name


def _run(
    capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, list[dict[str, object]]]:
    code = main([*args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)["findings"]


def test_direct_references_are_reported_and_never_built(
    tmp_path: Path, wheelhouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    canary = tmp_path / "CANARY"
    sources = tmp_path / "sources"
    sources.mkdir()
    tree = make_canary_tree(sources, "tree", "1.0", canary)
    archive = make_canary_sdist(sources, "arch", "1.0", canary)
    repo = make_repo(tmp_path, wheelhouse, pins="")
    (repo / "projects.txt").write_text("org/proj\n")
    project = tmp_path / "org" / "proj"
    project.mkdir(parents=True)
    (project / "requirements.txt").write_text(
        f"tree @ {tree.as_uri()}\n"
        f"arch @ {archive}\n"
        f"vcs @ git+{tree.as_uri()}\n"
        "web @ http://127.0.0.1:9/web-1.0.tar.gz\n"
        "gamma>=1.0\n"
    )
    base = ("--requirements", str(repo), "--python", "3.12")
    code, findings = _run(capsys, "lower-bounds", str(project), *base)
    assert code == 0, findings
    assert [(f["rule"], f["line"]) for f in findings] == [
        ("L002", 1),
        ("L002", 2),
        ("L002", 3),
        ("L002", 4),
    ]
    assert "a VCS reference" in str(findings[2]["message"])
    assert "an archive URL" in str(findings[3]["message"])
    code, findings = _run(capsys, "coinstall", *base)
    assert code == 0, findings
    assert {(f["rule"], f["path"]) for f in findings} == {
        ("K003", "org/proj/requirements.txt")
    }
    assert not canary.exists()


def test_sdist_only_package_is_never_built(
    tmp_path: Path, wheelhouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    canary = tmp_path / "CANARY"
    make_canary_sdist(wheelhouse, "canary", "1.0", canary)
    make_canary_sdist(wheelhouse, "canary-two", "1.0", canary)
    repo = make_repo(tmp_path, wheelhouse, pins="canary===1.0\n")
    with (repo / "global-requirements.txt").open("a") as handle:
        handle.write("canary  # MIT\ncanary-two  # MIT\n")  # lines 9, 10
    code, document = generate(repo, capsys, "--python", "3.12")
    assert code == 1
    # uv stops at the first library without a wheel: accord names them all.
    (failure,) = document["failures"]  # type: ignore[misc]
    assert failure["package"] == "canary"
    assert "[[static-metadata]]" in failure["reason"]
    assert (
        "canary (global-requirements.txt:9), canary-two (global-requirements.txt:10)"
        in failure["reason"]
    )
    (repo / "global-requirements.txt").write_text(
        (repo / "global-requirements.txt")
        .read_text()
        .replace("canary-two  # MIT\n", "")
    )
    base = ("--requirements", str(repo), "--python", "3.12")
    assert main(["constraints", "verify", *base]) == 1
    assert main(["constraints", "bump", "canary", *base]) == 1
    capsys.readouterr()
    # Declared metadata for one version: used for that version, and a newer
    # sdist (whose metadata is not declared) is never built to read its own.
    with (repo / "accord.toml").open("a") as config:
        config.write(
            '[[static-metadata]]\nname = "canary"\nversion = "1.0"\n'
            'requires-dist = ["gamma"]\n'
        )
    make_canary_sdist(wheelhouse, "canary", "2.0", canary)
    code, document = generate(repo, capsys, "--python", "3.12")
    assert code == 0, document
    assert "canary===1.0\n" in (repo / "upper-constraints.txt").read_text()
    assert main(["constraints", "verify", *base]) == 0
    assert not canary.exists()


def test_coinstall_blames_only_the_lines_in_the_conflict_once(
    tmp_path: Path, wheelhouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_wheel(wheelhouse, "gamma", "3.0")
    repo = make_repo(tmp_path, wheelhouse)  # no pins: requirements alone
    (repo / "projects.txt").write_text("org/a\norg/b\norg/c\n")
    for name, text in (
        ("a", "gamma>=2.0\n"),
        ("b", "beta\ngamma<2\n"),
        ("c", "gamma!=1.5\n"),  # names gamma, but allows everything
    ):
        project = tmp_path / "org" / name
        project.mkdir(parents=True)
        (project / "requirements.txt").write_text(text)
    code, findings = _run(
        capsys, "coinstall", "--requirements", str(repo),
        "--python", "3.11", "--python", "3.12",
    )  # fmt: skip
    assert code == 1
    assert [(f["path"], f["line"]) for f in findings] == [
        ("org/a/requirements.txt", 1),
        ("org/b/requirements.txt", 2),
    ]
    messages = " ".join(str(f["message"]) for f in findings)
    assert messages.count("we can conclude") == 1  # uv's explanation, once
    assert "on Python 3.11-3.12" in messages


def test_lower_bounds_says_when_a_minimum_has_no_wheel(
    tmp_path: Path, wheelhouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    canary = tmp_path / "CANARY"
    make_canary_sdist(wheelhouse, "old", "1.0", canary)  # the minimum: no wheel
    make_wheel(wheelhouse, "old", "1.1")
    repo = make_repo(tmp_path, wheelhouse, pins="")
    project = tmp_path / "proj"
    project.mkdir()
    (project / "requirements.txt").write_text("old>=1.0\ngamma>=1.0\n")
    code, findings = _run(
        capsys, "lower-bounds", str(project), "--requirements", str(repo),
        "--python", "3.11", "--python", "3.12",
    )  # fmt: skip
    assert code == 0
    assert [(f["rule"], f["line"]) for f in findings] == [("L003", 1)]
    assert "on Python 3.11-3.12 is 1.1" in str(findings[0]["message"])
    assert not canary.exists()


def test_lines_that_cannot_be_read_are_reported_not_left_out_quietly(
    tmp_path: Path, wheelhouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unreadable line is not resolved; lower-bounds and coinstall say so
    (C001, as check does) instead of passing what they never tried."""
    repo = make_repo(tmp_path, wheelhouse, pins="")
    (repo / "projects.txt").write_text("org/proj\n")
    project = tmp_path / "org" / "proj"
    project.mkdir(parents=True)
    (project / "requirements.txt").write_text(
        "gamma>=1.0\ngamma>=1.0 ((\n-r missing.txt\n"
    )
    (project / "test-requirements.txt").write_text("-r also-missing.txt\n")
    base = ("--requirements", str(repo), "--python", "3.12")
    code, findings = _run(capsys, "lower-bounds", str(project), *base)
    assert code == 1, findings
    assert [(f["rule"], f["path"], f["line"]) for f in findings] == [
        ("C001", "requirements.txt", 2),
        ("C001", "requirements.txt", 3),
    ]
    code, findings = _run(capsys, "coinstall", *base)
    assert code == 1, findings
    assert [(f["rule"], f["path"], f["line"]) for f in findings] == [
        ("C001", "org/proj/requirements.txt", 2),
        ("C001", "org/proj/requirements.txt", 3),
    ]
