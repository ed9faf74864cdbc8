"""accord init drafts [[static-metadata]] from the sdists of libraries that
publish no wheel: read from PKG-INFO or pyproject.toml, never built."""

from __future__ import annotations

import io
import json
import os
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from packaging.specifiers import SpecifierSet

from accord.cli import main
from accord.index._limits import METADATA_BYTES
from accord.index.sdist import SdistMetadata, Unreadable, read_sdist
from accord.init.static import render_static

from .indexserver import Release, TestIndex, index_fixture
from .wheelhouse import canary_files, make_wheel

__all__ = ["index_fixture"]  # the test_index fixture

SETUP_CFG = """\
[metadata]
name = app
classifiers =
    Programming Language :: Python :: 3.11
    Programming Language :: Python :: 3.12

[options]
python_requires = >=3.11
"""


def sdist(name: str, version: str, canary: Path, **members: str | None) -> bytes:
    """A .tar.gz whose setup.py and build backend write ``canary`` if run;
    ``members`` replace (or, as None, drop) its files by name."""
    files: dict[str, str | None] = dict(canary_files(name, version, canary))
    names = {"PKG_INFO": "PKG-INFO", "pyproject_toml": "pyproject.toml"}
    files.update({names[key]: text for key, text in members.items()})
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for member, text in files.items():
            if text is None:
                continue
            data = text.encode()
            info = tarfile.TarInfo(f"{name}-{version}/{member}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def pkg_info(name: str, version: str, metadata_version: str, *lines: str) -> str:
    head = [f"Metadata-Version: {metadata_version}", f"Name: {name}"]
    return "\n".join([*head, f"Version: {version}", *lines]) + "\n\nLong text.\n"


def no_wheel(
    index: TestIndex,
    name: str,
    *releases: tuple[str, bytes],
    python: dict[str, str] | None = None,
) -> None:
    """``name`` with sdists only; ``python``: Requires-Python on the index
    by version."""
    index.add(
        name,
        [
            Release(
                version,
                license="MIT",
                wheel=False,
                sdist=body,
                requires_python=(python or {}).get(version),
            )
            for version, body in releases
        ],
    )


def make_app(workspace: Path, requirements: str) -> None:
    app = workspace / "app"
    app.mkdir(parents=True)
    (app / "setup.cfg").write_text(SETUP_CFG)
    (app / "requirements.txt").write_text(requirements)


@pytest.fixture
def env(tmp_path: Path, test_index: TestIndex, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    test_index.add("six", [Release("1.16.0", license="MIT")])
    return tmp_path


def run_init(
    capsys: pytest.CaptureFixture[str], workspace: Path, index: TestIndex
) -> tuple[int, dict[str, Any]]:
    repo = workspace / "requirements"
    code = main(
        ["init", str(repo), "--workspace", str(workspace),
         "--index-url", index.simple_url, "--format", "json"]
    )  # fmt: skip
    return code, json.loads(capsys.readouterr().out)


def test_init_drafts_static_metadata_from_sdists_and_pins_with_it(
    env: Path, test_index: TestIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    canary = env / "CANARY"
    no_wheel(
        test_index,
        "good22",
        *(
            (v, sdist("good22", v, canary, PKG_INFO=pkg_info(
                "good22", v, "2.2", "Requires-Python: >=3.8",
                "Requires-Dist: six>=1.0",
            )))
            for v in ("1.0", "1.5", "1.7", "2.0")
        ),
        python={"1.7": ">=3.12"},
    )  # fmt: skip
    no_wheel(
        test_index,
        "old21",
        ("3.1", sdist("old21", "3.1", canary, PKG_INFO=pkg_info(
            "old21", "3.1", "2.1", "Requires-Dist: six"
        ))),
    )  # fmt: skip
    dynamic = pkg_info("dynpy", "0.9", "2.2", "Dynamic: Requires-Dist")
    no_wheel(
        test_index,
        "dynpy",
        ("0.9", sdist("dynpy", "0.9", canary, PKG_INFO=dynamic, pyproject_toml=(
            '[project]\nname = "dynpy"\nversion = "0.9"\n'
            'requires-python = ">=3.9"\ndependencies = ["six"]\n'
            '[project.optional-dependencies]\nfast = ["six>1; python_version>\'3\'"]\n'
        ))),
    )  # fmt: skip
    workspace = env / "workspace"
    make_app(workspace, "six>=1.0\ngood22>=1.0,<2\nold21\ndynpy\n")

    code, report = run_init(capsys, workspace, test_index)

    assert code == 0, report
    repo = workspace / "requirements"
    pins = (repo / "upper-constraints.txt").read_text()
    # The newest release the global list allows (<2) on every Python it
    # failed on (1.7 is for 3.12 only).
    assert "good22===1.5\n" in pins
    assert "old21===3.1\n" in pins and "dynpy===0.9\n" in pins
    config = (repo / "accord.toml").read_text()
    assert (
        "# Drafted by `accord init` from good22-1.5.tar.gz PKG-INFO, "
        "Metadata-Version 2.2: static by PEP 643\n"
        "[[static-metadata]]\n"
        'name = "good22"\n'
        'version = "1.5"\n'
        'requires-dist = ["six>=1.0"]\n'
        'requires-python = ">=3.8"\n'
    ) in config
    assert "from old21-3.1.tar.gz PKG-INFO, Metadata-Version 2.1: check it" in config
    assert "from dynpy-0.9.tar.gz pyproject.toml [project]: check it" in config
    assert (
        'requires-dist = ["six", "six>1; (python_version > \\"3\\") '
        'and extra == \\"fast\\""]'
    ) in config
    review = {
        n["name"]: n["message"]
        for n in report["needs_review"]
        if n["kind"] == "static-metadata"
    }
    assert review["good22"].startswith("good22 1.5: [[static-metadata]] drafted")
    assert review["old21"].startswith("verify: old21 3.1:")
    assert review["dynpy"].startswith("verify: dynpy 0.9:")
    drafted = {entry["name"]: entry for entry in report["static_metadata"]}
    assert list(drafted) == ["dynpy", "good22", "old21"]  # by name
    assert drafted["good22"] == {
        "name": "good22",
        "version": "1.5",
        "requires_dist": ["six>=1.0"],
        "requires_python": ">=3.8",
        "source": "good22-1.5.tar.gz PKG-INFO, Metadata-Version 2.2",
        "verify": False,
    }
    assert [e["verify"] for e in drafted.values()] == [True, False, True]
    # validate accepts the drafted entries; no sdist's code ever ran.
    assert main(["validate", str(repo), "--format", "json"]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert not [f for f in findings if "static" in f["message"]]
    assert not canary.exists()


def test_sdists_without_usable_metadata_stay_failures_and_say_why(
    env: Path, test_index: TestIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    canary = env / "CANARY"
    good = sdist("good", "1.0", canary, PKG_INFO=pkg_info("good", "1.0", "2.4"))
    no_wheel(test_index, "good", ("1.0", good))
    dynamic = pkg_info("dynonly", "1.0", "2.2", "Dynamic: Requires-Dist")
    no_wheel(test_index, "dynonly", ("1.0", sdist("dynonly", "1.0", canary,
                                                  PKG_INFO=dynamic)))  # fmt: skip
    no_wheel(test_index, "setuponly", ("1.0", sdist(
        "setuponly", "1.0", canary, PKG_INFO=None, pyproject_toml=None
    )))  # fmt: skip
    cut = sdist("truncated", "1.0", canary)
    no_wheel(test_index, "truncated", ("1.0", cut[: len(cut) // 2]))
    huge = pkg_info("huge", "1.0", "2.2") + "x" * METADATA_BYTES
    no_wheel(test_index, "huge", ("1.0", sdist("huge", "1.0", canary,
                                               PKG_INFO=huge)))  # fmt: skip
    workspace = env / "workspace"
    make_app(workspace, "good\ndynonly\nsetuponly\ntruncated\nhuge\n")

    code, report = run_init(capsys, workspace, test_index)

    assert code == 1, report
    repo = workspace / "requirements"
    assert not (repo / "upper-constraints.txt").exists()
    assert 'name = "good"' in (repo / "accord.toml").read_text()
    notes = {
        n["name"]: n["message"]
        for n in report["needs_review"]
        if n["kind"] == "static-metadata"
    }
    assert notes["dynonly"] == (
        "dynonly: no [[static-metadata]] drafted: dynonly-1.0.tar.gz: "
        "PKG-INFO's requirements are dynamic, and no pyproject.toml [project] "
        "dependencies that are not dynamic"
    )
    assert "setuponly-1.0.tar.gz: no PKG-INFO" in notes["setuponly"]
    assert "truncated-1.0.tar.gz: not a readable archive" in notes["truncated"]
    assert "huge-1.0.tar.gz: its PKG-INFO is over 8 MB; not read" in notes["huge"]
    # The retry still fails on those, with the advice to declare them.
    (pins,) = [n["message"] for n in report["needs_review"] if n["kind"] == "pins"]
    assert "no wheel for this Python: dynonly" in pins
    assert "declare its metadata under [[static-metadata]]" in pins
    assert "good (" not in pins
    assert [e["name"] for e in report["static_metadata"]] == ["good"]
    assert not canary.exists()


def test_an_sdist_over_the_cap_is_not_downloaded(
    env: Path,
    test_index: TestIndex,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import accord.index._limits

    monkeypatch.setattr(accord.index._limits, "SDIST_BYTES", 100)
    canary = env / "CANARY"
    no_wheel(test_index, "big", ("1.0", sdist("big", "1.0", canary)))
    workspace = env / "workspace"
    make_app(workspace, "big\n")
    test_index.clear_requests()
    code, report = run_init(capsys, workspace, test_index)
    assert code == 1
    (note,) = [n for n in report["needs_review"] if n["kind"] == "static-metadata"]
    assert note["message"].endswith("big-1.0.tar.gz: over 100 bytes; not downloaded")
    assert not any(path.endswith(".tar.gz") for path in test_index.requests)


def _tar(*members: tarfile.TarInfo | tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for member in members:
            if isinstance(member, tarfile.TarInfo):
                archive.addfile(member)
            else:
                info = tarfile.TarInfo(member[0])
                info.size = len(member[1])
                archive.addfile(info, io.BytesIO(member[1]))
    return buffer.getvalue()


def test_only_a_regular_pkg_info_one_directory_deep_is_read() -> None:
    link = tarfile.TarInfo("x-1/PKG-INFO")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    real = pkg_info("x", "1", "2.2", "Requires-Dist: six").encode()
    for members in (
        (link,),
        (("../PKG-INFO", real),),
        (("/abs/PKG-INFO", real),),
        (("x-1/sub/PKG-INFO", real),),
    ):
        with pytest.raises(Unreadable, match="no PKG-INFO"):
            read_sdist(_tar(*members), "x-1.tar.gz", "x", "1")
    found = read_sdist(_tar(link, ("x-1/PKG-INFO", real)), "x-1.tar.gz", "x", "1")
    assert found.requires_dist == ("six",) and found.reliable


def test_a_zip_sdist_is_read_with_the_same_caps() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("x-1/PKG-INFO", pkg_info("x", "1", "2.3", "Requires-Dist: a"))
    found = read_sdist(buffer.getvalue(), "x-1.zip", "x", "1")
    assert found.requires_dist == ("a",)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("x-1/PKG-INFO", "A" * (METADATA_BYTES + 1))
    with pytest.raises(Unreadable, match="over 8 MB"):
        read_sdist(buffer.getvalue(), "x-1.zip", "x", "1")
    with pytest.raises(Unreadable, match=r"x-1\.zip: not a readable archive"):
        read_sdist(b"PK\x03\x04 broken", "x-1.zip", "x", "1")


def test_a_file_name_cannot_add_lines_to_accord_toml() -> None:
    entry = SdistMetadata(
        "x", "1", ("a",), None, 'x-1\n[index]\nurl = "http://evil"\n.tar.gz', True
    )
    text = render_static([entry])
    assert "\n[index]" not in text
    assert text.startswith("# Drafted by `accord init` from x-1?[index]?url")


def test_with_no_index_the_sdists_in_find_links_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    canary = tmp_path / "CANARY"
    house = tmp_path / "house"
    house.mkdir()
    make_wheel(house, "six", "1.16.0", headers=["License: MIT"])
    for version in ("1.0", "1.1", "2.0rc1"):  # a pre-release is not the newest
        body = pkg_info("local", version, "2.2", "Requires-Dist: six")
        (house / f"local-{version}.tar.gz").write_bytes(
            sdist("local", version, canary, PKG_INFO=body)
        )
    (house / "local-9.0.tar.gz").write_bytes(b"not an archive, and never chosen")
    workspace = tmp_path / "workspace"
    make_app(workspace, "six\nlocal<9\n")
    repo = workspace / "requirements"
    code = main(
        ["init", str(repo), "--workspace", str(workspace), "--no-index",
         "--find-links", str(house), "--format", "json"]
    )  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    assert code == 0, report["needs_review"]
    assert [(e["name"], e["version"]) for e in report["static_metadata"]] == [
        ("local", "1.1")
    ]
    assert "local===1.1\n" in (repo / "upper-constraints.txt").read_text()
    assert not canary.exists()


def test_the_versions_allowed_are_those_of_the_lines_for_the_failed_pythons(
    tmp_path: Path,
) -> None:
    from packaging.specifiers import SpecifierSet

    from accord.central import load_central_repo
    from accord.init.static import allowed

    (tmp_path / "global-requirements.txt").write_text(
        "local<2;python_version<'3.11'  # MIT\n"
        "local!=3.1;python_version>='3.11'  # MIT\n"
    )
    central = load_central_repo(tmp_path)
    assert allowed(central, "local", ["3.12"]) == SpecifierSet("!=3.1")
    assert allowed(central, "local", ["3.10"]) == SpecifierSet("<2")
    assert allowed(central, "local", ["3.10", "3.12"]) == SpecifierSet("<2,!=3.1")
    assert allowed(central, "local", ["2.7"]) == SpecifierSet("<2")


def test_a_fifo_in_find_links_is_a_reason_not_a_hang(tmp_path: Path) -> None:
    """A named pipe that looks like the newest sdist is refused at once (a
    read of it would wait for a writer forever)."""
    from accord.init.static import Wanted, links_source

    house = tmp_path / "house"
    house.mkdir()
    os.mkfifo(house / "local-1.0.tar.gz")
    fetch = links_source([house], 1 << 20)
    with pytest.raises(Unreadable, match=r"local-1\.0\.tar\.gz.*not a regular file"):
        fetch(Wanted("local", SpecifierSet()))
