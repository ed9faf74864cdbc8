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


# --- G026: a denylist line with more than a name -------------------------


@pytest.mark.parametrize(
    ("line", "unread"),
    [
        pytest.param("flake8>=6.0", "the version >=6.0", id="specifier"),
        pytest.param(
            "flake8;python_version<'3'", "the marker python_version<'3'", id="marker"
        ),
        pytest.param("flake8[toml]", "[toml]", id="extras"),
        pytest.param(
            "flake8 @ https://example.org/flake8-6.0-py3-none-any.whl",
            "https://example.org/",
            id="url",
        ),
    ],
)
def test_a_denylist_line_with_more_than_a_name_still_denies_the_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, unread: str
) -> None:
    """The denylist is read for names alone (as OpenStack's tools read it):
    flake8 stays exempt at every version and on every Python, and validate
    says the rest of the line is not read, at that line."""
    repo = write_repo(
        tmp_path,
        **{
            "global-requirements.txt": "six  # MIT\nflake8  # MIT\n",
            "upper-constraints.txt": "six===1.17.0\n",
            "denylist.txt": f"# linters\n{line}\n",
        },
    )
    assert main(["validate", str(repo), "--format", "json"]) == 0
    (finding,) = json.loads(capsys.readouterr().out)["findings"]
    assert (finding["rule"], finding["severity"]) == ("G026", "warning")
    assert (finding["path"], finding["line"]) == ("denylist.txt", 2)
    assert unread in finding["message"] and "does not read" in finding["message"]
    assert "every version" in finding["message"]
    assert "'flake8'" in finding["fix"]
    # Still denied: flake8 needs no pin (no G009), and a project's
    # flake8<5 is not held to the global list.
    project = tmp_path / "project"
    project.mkdir()
    (project / "requirements.txt").write_text("flake8<5\nsix>=1.0\n")
    assert main(["check", str(project), "--requirements", str(repo)]) == 0


def test_a_pip_option_in_the_denylist_is_named_as_denying_nothing(
    tmp_path: Path,
) -> None:
    repo = write_repo(
        tmp_path,
        **{
            "global-requirements.txt": "six  # MIT\n",
            "upper-constraints.txt": "six===1.17.0\n",
            "denylist.txt": "flake8\n-r linters.txt\n",
        },
    )
    (finding,) = findings(repo)
    assert (finding.rule, finding.severity, finding.line) == ("G026", "warning", 2)
    assert "-r linters.txt" in finding.message


def test_an_old_blacklist_is_read_the_same_way(tmp_path: Path) -> None:
    repo = write_repo(
        tmp_path,
        **{
            "global-requirements.txt": "six  # MIT\n",
            "upper-constraints.txt": "six===1.17.0\n",
            "blacklist.txt": "hacking\nflake8>=6.0\n",
        },
    )
    assert [(f.rule, f.path, f.line) for f in findings(repo)] == [
        ("G026", "blacklist.txt", 2)
    ]


# --- G027: a pin line no supported Python reads ---------------------------

SUPPORTED = 'python-versions = ["3.10", "3.11", "3.12", "3.13"]\n'


@pytest.mark.parametrize(
    ("marker", "dead"),
    [
        pytest.param("python_version=='3.8'", True, id="a-dropped-python"),
        pytest.param("python_version<'3.10'", True, id="below-the-oldest"),
        pytest.param(
            "python_version=='2.7' or python_version=='3.9'", True, id="either-dropped"
        ),
        pytest.param("python_version<'3.11'", False, id="the-oldest-supported"),
        pytest.param("python_version>='3.13'", False, id="open-above"),
        pytest.param("python_version>='3.14'", True, id="not-yet-supported"),
        pytest.param("sys_platform=='win32'", False, id="a-platform"),
        pytest.param(
            "python_version=='3.8' and sys_platform=='win32'", True, id="and-platform"
        ),
    ],
)
def test_a_pin_line_for_no_supported_python_is_a_dead_line(
    tmp_path: Path, marker: str, dead: bool
) -> None:
    repo = write_repo(
        tmp_path,
        **{
            "accord.toml": SUPPORTED,
            "global-requirements.txt": "six  # MIT\n",
            "upper-constraints.txt": f"six===1.17.0\nsix===1.16.0;{marker}\n",
        },
    )
    found = [f for f in findings(repo) if f.rule == "G027"]
    assert [(f.severity, f.path, f.line) for f in found] == (
        [("warning", "upper-constraints.txt", 2)] if dead else []
    )
    if dead:
        assert found[0].fix == "remove the line (no supported Python uses it)"
        assert "3.10, 3.11, 3.12, 3.13" in found[0].message


def test_the_supported_pythons_decide_which_lines_are_dead(tmp_path: Path) -> None:
    """A repo still supporting 3.8 uses the line: python-versions, not the
    Pythons accord itself runs on, is what counts."""
    repo = write_repo(
        tmp_path,
        **{
            "accord.toml": 'python-versions = ["3.8", "3.12"]\n',
            "global-requirements.txt": "six  # MIT\n",
            "upper-constraints.txt": (
                "six===1.16.0;python_version=='3.8'\n"
                "six===1.17.0;python_version=='3.12'\n"
                "six===1.15.0;python_version=='3.10'\n"
            ),
        },
    )
    assert [(f.rule, f.line) for f in findings(repo)] == [("G027", 3)]


@pytest.fixture
def offline_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Python 3.11 and 3.12 supported, six served from local wheels."""
    from .wheelhouse import make_wheel

    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    house = tmp_path / "wheels"
    house.mkdir()
    make_wheel(house, "six", "1.16.0")
    make_wheel(house, "six", "1.17.0", requires_python=">=3.10")
    return write_repo(
        tmp_path,
        **{
            "accord.toml": 'python-versions = ["3.11", "3.12"]\n'
            f'[index]\nno-index = true\nfind-links = ["{house}"]\n',
            "global-requirements.txt": "six  # MIT\n",
            "upper-constraints.txt": (
                "six===1.17.0;python_version>='3.11'\n"
                "six===1.16.0;python_version=='3.8'\n"
            ),
        },
    )


def test_generate_drops_the_line_validate_calls_dead(
    offline_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What validate asks to remove, constraints generate leaves out (it
    writes pins for the supported Pythons only): the two never disagree."""
    repo = offline_repo
    assert [(f.rule, f.line) for f in findings(repo)] == [("G027", 2)]
    assert main(["constraints", "generate", "--requirements", str(repo)]) == 0
    capsys.readouterr()
    pins = (repo / "upper-constraints.txt").read_text()
    assert "python_version=='3.8'" not in pins
    assert "six===1.17.0" in pins
    assert findings(repo) == []


def test_generate_for_a_python_outside_the_list_says_its_lines_are_dead(
    offline_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--python 3.8, outside python-versions, still writes 3.8's pins (a
    one-off run), and says that validate will call them dead and that the
    next run for the supported Pythons drops them."""
    repo = offline_repo
    (repo / "upper-constraints.txt").write_text("six===1.17.0\n")
    code = main(["constraints", "generate", "--requirements", str(repo),
                 "--python", "3.8", "--format", "json"])  # fmt: skip
    assert code == 0
    (note,) = json.loads(capsys.readouterr().out)["notes"]
    assert "3.8 is not in python-versions" in note and "G027" in note
    assert [(f.rule, f.line) for f in findings(repo)] == [("G027", 3)]


# --- G028: a central line swallowed by the comment before it ---------------


def test_a_pin_swallowed_by_a_comment_is_named_at_its_line(tmp_path: Path) -> None:
    """pip reads 'six===1.17.0  # keep \\' and the next line as one, then
    strips the comment: torch is not pinned, which G009 says; G028 says why."""
    repo = write_repo(
        tmp_path,
        **{
            "global-requirements.txt": "six  # MIT\ntorch  # BSD\n",
            "upper-constraints.txt": "six===1.17.0  # keep \\\ntorch===2.5.1\n",
        },
    )
    by_rule = {(f.rule, f.path, f.line) for f in findings(repo)}
    assert ("G028", "upper-constraints.txt", 2) in by_rule
    assert ("G009", "global-requirements.txt", 2) in by_rule
    (swallowed,) = [f for f in findings(repo) if f.rule == "G028"]
    assert swallowed.severity == "warning"
    assert "'torch===2.5.1'" in swallowed.message
    assert "line 1" in swallowed.fix
