"""accord constraints generate, against a local wheelhouse (no network)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from packaging.version import Version

from accord.cli import main
from accord.resolve.merge import ResolvedPin, merge_pins

from .wheelhouse import make_failing_sdist, make_wheel

PYTHONS = '["3.10", "3.11", "3.12", "3.13"]'


@pytest.fixture
def wheelhouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    house = tmp_path / "wheels"
    house.mkdir()
    make_wheel(house, "alpha", "9.0", requires_python=">=3.10")
    make_wheel(house, "alpha", "10.0", requires_python=">=3.12")
    make_wheel(house, "mid", "1.0", requires_python=">=3.10")
    make_wheel(house, "mid", "2.0", requires_python=">=3.11")
    make_wheel(house, "mid", "3.0", requires_python=">=3.13")
    make_wheel(house, "beta", "1.0", ["gamma>=1"])
    make_wheel(house, "gamma", "1.0")
    make_wheel(house, "gamma", "2.0")
    make_wheel(house, "delta", "1.1")
    make_wheel(house, "delta", "1.2")
    make_wheel(house, "epsilon", "0.8")
    make_wheel(house, "epsilon", "0.9")
    make_wheel(house, "lint", "1.0")
    return house


def make_repo(
    tmp_path: Path,
    house: Path,
    extra_config: str = "",
    pins: str | None = None,
    pythons: str = PYTHONS,
) -> Path:
    repo = tmp_path / "requirements"
    repo.mkdir(exist_ok=True)
    (repo / "global-requirements.txt").write_text(
        "## section:general\n"
        "alpha  # MIT\n"
        "mid  # MIT\n"
        "beta  # MIT\n"
        "# 1.2 breaks us\n"
        "delta!=1.2  # MIT\n"
        "epsilon  # MIT\n"
        "lint  # MIT\n"
    )
    (repo / "denylist.txt").write_text("lint\n")
    (repo / "accord.toml").write_text(
        f"python-versions = {pythons}\n"
        f'[index]\nno-index = true\nfind-links = ["{house}"]\n'
        '[[holds]]\nname = "epsilon"\nspecifier = "<0.9"\n'
        'reason = "0.9 breaks the scheduler"\nlink = "https://bugs.example.org/9"\n'
        + extra_config
    )
    if pins is not None:
        (repo / "upper-constraints.txt").write_text(pins)
    return repo


def generate(
    repo: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, dict[str, object]]:
    code = main(
        [
            "constraints",
            "generate",
            "--requirements",
            str(repo),
            "--format",
            "json",
            *extra,
        ]
    )
    return code, json.loads(capsys.readouterr().out)


def test_generate_merges_pythons_with_valid_markers(
    tmp_path: Path, wheelhouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path, wheelhouse, pins="# Our pins.\n# Keep this header.\n\n")
    code, document = generate(repo, capsys)
    assert code == 0, document
    assert (repo / "upper-constraints.txt").read_text() == (
        "# Our pins.\n"
        "# Keep this header.\n"
        "\n"
        "alpha===9.0;python_version<'3.12'\n"
        "alpha===10.0;python_version>='3.12'\n"
        "beta===1.0\n"
        "delta===1.1\n"
        "epsilon===0.8\n"
        "gamma===2.0\n"
        "mid===1.0;python_version<'3.11'\n"
        "mid===2.0;python_version>='3.11' and python_version<'3.13'\n"
        "mid===3.0;python_version>='3.13'\n"
    )
    assert [h["name"] for h in document["holds"]] == ["epsilon"]  # type: ignore[index]
    # What accord writes, accord accepts.
    assert main(["validate", str(repo)]) == 0


def test_previous_pins_are_preferences(
    tmp_path: Path, wheelhouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path, wheelhouse, pins="gamma===1.0\nalpha===9.0\n")
    code, document = generate(repo, capsys)
    assert code == 0
    text = (repo / "upper-constraints.txt").read_text()
    assert "gamma===1.0\n" in text  # still allowed: not moved
    assert "alpha===9.0\n" in text  # 9.0 installs on every Python: kept
    changes = {(c["name"], c["old"], c["new"]) for c in document["changes"]}  # type: ignore[union-attr]
    assert ("gamma", "1.0", "1.0") not in changes
    # A second run with nothing new changes nothing.
    code, document = generate(repo, capsys)
    assert document["changes"] == []
    assert (repo / "upper-constraints.txt").read_text() == text


def test_sdist_only_package_is_reported_by_package_and_nothing_written(
    tmp_path: Path, wheelhouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # An sdist's metadata needs a build, which runs its code: accord never
    # builds, so the package must be declared under [[static-metadata]].
    make_failing_sdist(wheelhouse, "virt", "1.0")
    repo = make_repo(tmp_path, wheelhouse, pins="alpha===9.0\n")
    (repo / "global-requirements.txt").write_text("alpha  # MIT\nvirt  # LGPLv2+\n")
    code, document = generate(repo, capsys, "--python", "3.12")
    assert code == 1
    (failure,) = document["failures"]  # type: ignore[misc]
    assert failure["package"] == "virt"
    assert failure["pythons"] == ["3.12"]
    assert len(failure["reason"]) < 1000
    assert "[[static-metadata]]" in failure["reason"]
    assert (repo / "upper-constraints.txt").read_text() == "alpha===9.0\n"
    # Static metadata in accord.toml lets generation work without a build.
    with (repo / "accord.toml").open("a") as config:
        config.write(
            '[[static-metadata]]\nname = "virt"\nversion = "1.0"\nrequires-dist = []\n'
        )
    code, document = generate(repo, capsys, "--python", "3.12")
    assert code == 0, document
    # Only 3.12 was resolved: the other Pythons keep their pins (alpha).
    assert (
        (repo / "upper-constraints.txt")
        .read_text()
        .endswith("alpha===9.0\nvirt===1.0;python_version=='3.12'\n")
    )


def test_diff_and_stdout_write_nothing(
    tmp_path: Path, wheelhouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path, wheelhouse, pins="alpha===9.0\n")
    assert (
        main(
            [
                "constraints",
                "generate",
                "--requirements",
                str(repo),
                "--diff",
                "--python",
                "3.12",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "+beta===1.0" in out
    assert (repo / "upper-constraints.txt").read_text() == "alpha===9.0\n"
    assert (
        main(
            [
                "constraints",
                "generate",
                "--requirements",
                str(repo),
                "--output",
                "-",
                "--python",
                "3.12",
            ]
        )
        == 0
    )
    captured = capsys.readouterr()
    assert captured.out.startswith("# Exact pins") and "beta===1.0" in captured.out
    assert (repo / "upper-constraints.txt").read_text() == "alpha===9.0\n"


def test_o_is_short_for_output(
    tmp_path: Path, wheelhouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path, wheelhouse, pins="alpha===9.0\n")
    target = tmp_path / "pins.txt"
    args = ["constraints", "generate", "--requirements", str(repo), "-o", str(target)]
    assert main([*args, "--python", "3.12"]) == 0
    assert "beta===1.0" in target.read_text()
    assert (repo / "upper-constraints.txt").read_text() == "alpha===9.0\n"


def test_bad_python_is_usage_error(tmp_path: Path, wheelhouse: Path) -> None:
    repo = make_repo(tmp_path, wheelhouse)
    assert (
        main(
            [
                "constraints",
                "generate",
                "--requirements",
                str(repo),
                "--python",
                "three",
            ]
        )
        == 2
    )


MERGE_CASES = [
    pytest.param({"3.10": "1", "3.11": "1"}, ["x===1"], id="all-agree"),
    pytest.param(
        {"3.9": "9.0", "3.10": "10.0"},
        ["x===9.0;python_version<'3.10'", "x===10.0;python_version>='3.10'"],
        id="pythons-as-versions-not-strings",
    ),
    pytest.param(
        {"3.10": "1", "3.12": "1"},
        ["x===1"],
        id="two-pythons",
    ),
    pytest.param(
        {"3.10": "1", "3.11": "2", "3.12": "1"},
        [
            "x===1;python_version<'3.11'",
            "x===2;python_version=='3.11'",
            "x===1;python_version>='3.12'",
        ],
        id="non-contiguous",
    ),
]


@pytest.mark.parametrize(("versions", "lines"), MERGE_CASES)
def test_merge(versions: dict[str, str], lines: list[str]) -> None:
    per_python = {
        python: {"x": ResolvedPin("x", "x", Version(v))}  # type: ignore[arg-type]
        for python, v in versions.items()
    }
    assert [line.text for line in merge_pins(per_python)] == lines  # type: ignore[arg-type]


def verify(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[dict[str, object]]]:
    code = main(
        ["constraints", "verify", "--requirements", str(repo), "--format", "json"]
    )
    return code, json.loads(capsys.readouterr().out)["findings"]


def test_verify(
    tmp_path: Path, wheelhouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_wheel(wheelhouse, "zeta", "1.0")
    repo = make_repo(tmp_path, wheelhouse, pins="")
    assert generate(repo, capsys)[0] == 0
    assert verify(repo, capsys) == (0, [])
    pins = (repo / "upper-constraints.txt").read_text()
    (repo / "upper-constraints.txt").write_text(pins + "zeta===1.0\n")
    code, findings = verify(repo, capsys)
    assert code == 0
    assert [(f["rule"], f["line"]) for f in findings] == [
        ("G014", pins.count("\n") + 1)
    ]
    (repo / "upper-constraints.txt").write_text(pins.replace("gamma===2.0\n", ""))
    code, findings = verify(repo, capsys)
    assert code == 1
    assert {f["rule"] for f in findings} == {"V003"}
    (repo / "upper-constraints.txt").write_text(
        pins.replace("gamma===2.0", "gamma===0.5")
    )
    code, findings = verify(repo, capsys)
    assert code == 1
    assert "V002" in {f["rule"] for f in findings}


def test_an_unreadable_global_line_is_not_resolved_away(
    tmp_path: Path, wheelhouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A typo in a global-list line must not drop its library from the pins:
    generate and bump stop at the line (nothing written), verify fails it."""
    repo = make_repo(tmp_path, wheelhouse, pins="", pythons='["3.12"]')
    assert generate(repo, capsys)[0] == 0
    pins = (repo / "upper-constraints.txt").read_text()
    assert "gamma===2.0\n" in pins
    with (repo / "global-requirements.txt").open("a") as handle:
        handle.write("gamma>=1 ((  # MIT\n")  # line 9
    base = ["--requirements", str(repo), "--python", "3.12"]
    for command in (["generate"], ["bump", "--all"]):
        assert main(["constraints", *command, *base]) == 2, command
        err = capsys.readouterr().err
        assert "global-requirements.txt:9: cannot parse" in err
        assert (repo / "upper-constraints.txt").read_text() == pins
    code, findings = verify(repo, capsys)
    assert code == 1
    assert [(f["rule"], f["path"], f["line"]) for f in findings] == [
        ("G001", "global-requirements.txt", 9)
    ]


def test_verify_calls_no_listed_library_stale(
    tmp_path: Path, wheelhouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A pin of a library the global list names but accord never resolves (a
    denylisted one, which G010 reports, or one of `unpinned`) is not G014:
    "nothing in the global list needs it" would be false."""
    make_wheel(wheelhouse, "setuptools", "70.0")
    repo = make_repo(tmp_path, wheelhouse, pins="", pythons='["3.12"]')
    with (repo / "global-requirements.txt").open("a") as handle:
        handle.write("setuptools  # MIT\n")
    assert generate(repo, capsys)[0] == 0
    pins = (repo / "upper-constraints.txt").read_text()
    (repo / "upper-constraints.txt").write_text(
        pins + "lint===1.0\nsetuptools===70.0\nzeta===1.0\n"
    )
    lint = pins.count("\n") + 1
    code, findings = verify(repo, capsys)
    assert code == 1
    assert [(f["rule"], f["line"]) for f in findings] == [
        ("G010", lint),
        ("G014", lint + 2),  # zeta: listed nowhere, needed by nothing
    ]


@pytest.mark.parametrize("command", [["generate"], ["bump", "gamma"]])
def test_pins_edited_during_the_resolution_are_kept(
    tmp_path: Path,
    wheelhouse: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
) -> None:
    """A resolution takes minutes; a pins file someone changes meanwhile (a
    git pull) is not overwritten: the run ends 'changed on disk', exit 1."""
    import os

    repo = make_repo(tmp_path, wheelhouse, pins="gamma===1.0\n", pythons='["3.12"]')
    pins = repo / "upper-constraints.txt"

    def someone_pulls(descriptor: int) -> None:
        pins.write_text("theirs===1.0\n")

    monkeypatch.setattr(os, "fsync", someone_pulls)
    argv = ["constraints", *command, "--requirements", str(repo), "--refresh"]
    code = main(argv if command == ["generate"] else argv[:-1])
    monkeypatch.undo()
    assert code == 1
    assert "changed on disk" in capsys.readouterr().err
    assert pins.read_text() == "theirs===1.0\n"
    assert not list(repo.glob(".*accord-tmp"))


def test_bump_moves_only_what_is_named(
    tmp_path: Path, wheelhouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(
        tmp_path,
        wheelhouse,
        pins="gamma===1.0\ndelta===1.1\nbeta===1.0\n",
        pythons='["3.12"]',
    )
    (repo / "projects.txt").write_text("org/gamma\n")
    assert generate(repo, capsys, "--python", "3.12")[0] == 0
    assert "gamma===1.0\n" in (repo / "upper-constraints.txt").read_text()
    make_wheel(wheelhouse, "delta", "1.3")
    base = ["constraints", "bump", "--requirements", str(repo), "--python", "3.12"]
    assert main([*base, "gamma", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert [(c["name"], c["old"], c["new"]) for c in document["changes"]] == [
        ("gamma", "1.0", "2.0")
    ]
    text = (repo / "upper-constraints.txt").read_text()
    assert "gamma===2.0\n" in text and "delta===1.1\n" in text  # delta not named
    # On a stable branch only the organisation's libraries move.
    assert main([*base, "--stable", "delta"]) == 2
    assert "not one" in capsys.readouterr().err
    assert main([*base, "--stable", "--all"]) == 2
    assert main([*base, "--stable", "--force", "delta"]) == 0
    assert "delta===1.3\n" in (repo / "upper-constraints.txt").read_text()
    assert main([*base]) == 2  # neither names nor --all


def test_coinstall_names_the_colliding_projects(
    tmp_path: Path, wheelhouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path, wheelhouse, pins="")
    assert generate(repo, capsys, "--python", "3.12")[0] == 0
    (repo / "projects.txt").write_text("org/a\norg/b\n")
    for name, line in (("a", "gamma>=2.0\nbeta>=1.0\n"), ("b", "alpha>=9\n")):
        project = tmp_path / "org" / name
        project.mkdir(parents=True)
        (project / "requirements.txt").write_text(line)
    base = [
        "coinstall",
        "--requirements",
        str(repo),
        "--python",
        "3.12",
        "--format",
        "json",
    ]
    assert main(base) == 0
    capsys.readouterr()
    (tmp_path / "org" / "b" / "test-requirements.txt").write_text("gamma<2\n")
    assert main(base) == 0  # test sources are left out by default
    capsys.readouterr()
    assert main([*base, "--with-tests"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    # uv explains the conflict as b's gamma<2 against the pin gamma==2.0:
    # a's gamma>=2.0 agrees with the pin and is not part of it.
    assert {(f["rule"], f["path"], f["line"]) for f in findings} == {
        ("K001", "org/b/test-requirements.txt", 1),
    }
    assert "gamma==2.0" in findings[0]["message"]


def test_lower_bounds(
    tmp_path: Path, wheelhouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path, wheelhouse, pins="")
    project = tmp_path / "proj"
    project.mkdir()
    (project / "requirements.txt").write_text("beta>=1.0\ngamma>=1.0\n")
    base = [
        "lower-bounds",
        str(project),
        "--requirements",
        str(repo),
        "--format",
        "json",
    ]
    assert main(base) == 0
    capsys.readouterr()
    (project / "requirements.txt").write_text("beta>=1.0\nalpha>=10.0\n")
    assert main(base) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    located = {(f["rule"], f["path"], f["line"]) for f in findings}
    assert located == {("L001", "requirements.txt", 2)}
    assert {
        m for f in findings for m in ("3.10", "3.11") if m in str(f["message"])
    } == {
        "3.10",
        "3.11",
    }


def _git(cwd: Path, *args: str) -> str:
    import subprocess

    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.mark.parametrize("group", [False, True])
def test_bump_propose_commits(
    tmp_path: Path,
    wheelhouse: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    group: bool,
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    repo = make_repo(tmp_path, wheelhouse, pins="", pythons='["3.12"]')
    assert generate(repo, capsys, "--python", "3.12")[0] == 0
    (repo / "notes.txt").write_text("not part of any bump\n")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "global-requirements.txt", "upper-constraints.txt", "accord.toml")
    _git(
        repo, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-m", "base"
    )
    text = (repo / "upper-constraints.txt").read_text()
    (repo / "upper-constraints.txt").write_text(
        text.replace("gamma===2.0", "gamma===1.0").replace("delta===1.1", "delta===1.1")
    )
    _git(
        repo, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "-am", "old"
    )
    make_wheel(wheelhouse, "delta", "1.3")
    args = ["constraints", "bump", "gamma", "delta", "--requirements", str(repo)]
    args += ["--python", "3.12", "--propose"] + (["--group"] if group else [])
    assert main(args) == 0
    log = _git(repo, "log", "--format=%s", "-3").splitlines()
    if group:
        assert log[0] == "Bump gamma, delta" or log[0] == "Bump delta, gamma"
    else:
        assert log[:2] == ["Bump gamma to 2.0", "Bump delta to 1.3"]
        first = _git(repo, "show", "HEAD~1:upper-constraints.txt")
        assert "delta===1.3" in first and "gamma===1.0" in first  # one at a time
    body = _git(repo, "log", "-1", "--format=%b")
    assert "(Python 3.12)" in body
    assert _git(repo, "status", "--porcelain").splitlines() == [
        "?? denylist.txt",
        "?? notes.txt",
    ]  # untracked files stay out of the bump commits
    final = (repo / "upper-constraints.txt").read_text()
    assert "gamma===2.0\n" in final and "delta===1.3\n" in final


def test_unchanged_inputs_skip_the_resolution(
    tmp_path: Path, wheelhouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    repo = make_repo(tmp_path, wheelhouse, pins="")
    assert generate(repo, capsys, "--python", "3.12")[0] == 0
    pins = (repo / "upper-constraints.txt").read_text()
    shutil.rmtree(wheelhouse)  # any resolution would now fail
    code = main(
        ["constraints", "generate", "--requirements", str(repo), "--python", "3.12"]
    )
    assert code == 0
    assert "nothing to resolve" in capsys.readouterr().err
    assert (repo / "upper-constraints.txt").read_text() == pins
    # --refresh, another Python, or a changed input resolves again.
    assert generate(repo, capsys, "--python", "3.12", "--refresh")[0] == 1
    assert generate(repo, capsys, "--python", "3.11")[0] == 1
    with (repo / "global-requirements.txt").open("a") as handle:
        handle.write("zeta  # MIT\n")
    assert generate(repo, capsys, "--python", "3.12")[0] == 1
    assert (repo / "upper-constraints.txt").read_text() == pins


def test_pin_order_can_follow_the_file(
    tmp_path: Path, wheelhouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path, wheelhouse, pins="gamma===2.0\ndelta===1.1\n")
    config = repo / "accord.toml"
    config.write_text('pin-order = "file"\n' + config.read_text())
    assert generate(repo, capsys, "--python", "3.12")[0] == 0
    names = [
        line.split("===")[0]
        for line in (repo / "upper-constraints.txt").read_text().splitlines()
        if "===" in line
    ]
    assert names == ["gamma", "delta", "alpha", "beta", "epsilon", "mid"]


def test_one_python_keeps_the_other_pythons_pins(
    tmp_path: Path, wheelhouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path, wheelhouse, pins="")
    assert generate(repo, capsys)[0] == 0
    every = (repo / "upper-constraints.txt").read_text()
    assert generate(repo, capsys, "--python", "3.12", "--refresh")[0] == 0
    assert (repo / "upper-constraints.txt").read_text() == every
    # A bump on one Python moves that Python's pin alone; the markers say so.
    make_wheel(wheelhouse, "gamma", "3.0")
    args = ["constraints", "bump", "gamma", "--requirements", str(repo)]
    assert main([*args, "--python", "3.12"]) == 0
    capsys.readouterr()
    assert (repo / "upper-constraints.txt").read_text() == every.replace(
        "gamma===2.0\n",
        "gamma===2.0;python_version<'3.12'\n"
        "gamma===3.0;python_version=='3.12'\n"
        "gamma===2.0;python_version>='3.13'\n",
    )
    assert main(["validate", str(repo)]) == 0


@pytest.mark.parametrize("codec", ["utf-8", "utf-16-le"])
def test_generate_keeps_the_pins_files_byte_order_mark_and_encoding(
    tmp_path: Path, wheelhouse: Path, capsys: pytest.CaptureFixture[str], codec: str
) -> None:
    """pip reads a pins file past a byte-order mark, so accord does, and
    writes it back as it was: in its encoding, the mark kept."""
    repo = make_repo(tmp_path, wheelhouse, pins="")
    path = repo / "upper-constraints.txt"
    path.write_bytes("\ufeffgamma===1.0\n".encode(codec))
    code, document = generate(repo, capsys)
    assert code == 0, document
    data = path.read_bytes()
    assert data.startswith("\ufeff".encode(codec))
    text = data.decode(codec)
    assert "gamma===1.0\n" in text and "beta===1.0\n" in text
    assert main(["validate", str(repo)]) == 0
