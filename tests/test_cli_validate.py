"""accord validate, end to end through the CLI's exit codes and output."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from accord.cli import main

from .conftest import EXAMPLES


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def make_repo(tmp_path: Path, **files: str | bytes) -> Path:
    repo = tmp_path / "requirements"
    repo.mkdir()
    defaults: dict[str, str | bytes] = {
        "global-requirements.txt": "requests  # Apache-2.0\n",
        "upper-constraints.txt": "requests===2.32.5\n",
    }
    for name, content in {**defaults, **files}.items():
        path = repo / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode())
    return repo


def findings_of(out: str) -> list[dict[str, object]]:
    document = json.loads(out)
    assert set(document) >= {"findings", "summary", "command"}
    return list(document["findings"])


def test_example_repo_validates_clean(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["validate", str(EXAMPLES / "requirements")], capsys)
    assert code == 0, out
    assert "0 error(s)" in out


def test_requirements_option_means_the_same_as_the_argument(
    capsys: pytest.CaptureFixture[str],
) -> None:
    repo = str(EXAMPLES / "requirements")
    assert run(["validate", "--requirements", repo, "--format", "json"], capsys)[0] == 0


def test_all_findings_reported_with_locations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(
        tmp_path,
        **{
            "global-requirements.txt": (
                "## section:general\n"
                "requests!=2.32.0  # Apache-2.0\n"  # 2
                "broken>=\n"  # 3 unparseable
                "Requests  # Apache-2.0\n"  # 4 duplicate by canonical name
                "nolicence\n"  # 5
                "gplthing  # GPLv2\n"  # 6 forbidden
                "oddthing  # http://example.org/LICENSE\n"  # 7 review
                "capped<2  # MIT\n"  # 8 uncommented cap
                "withmin>=1.0  # MIT\n"  # 9 minimum under project policy
                "unpinned  # MIT\n"  # 10
                "dual  # Apache-2.0 (+ dual licensed GPL2)\n"  # 11 passes
            ),
            "upper-constraints.txt": (
                "requests===2.32.0\n"  # 1 excluded
                "nolicence===1\ngplthing===1\noddthing===1\ncapped===1\n"
                "withmin===1.0\nflake8===7.0\n"  # 7 denylisted
                "dual===1\nloose>=1\n"  # 9 malformed
                "dual===2\n"  # 10 duplicate pin
            ),
            "denylist.txt": "flake8\n",
            "projects.txt": "org/a\norg/b\norg/a\n",
        },
    )
    code, out, _ = run(["validate", str(repo), "--format", "json"], capsys)
    assert code == 1
    found = {(f["rule"], f["path"], f["line"]) for f in findings_of(out)}
    assert found == {
        ("G001", "global-requirements.txt", 3),
        ("G002", "global-requirements.txt", 4),
        ("G003", "global-requirements.txt", 5),
        ("G004", "global-requirements.txt", 6),
        ("G005", "global-requirements.txt", 7),
        ("G006", "global-requirements.txt", 8),
        ("G007", "global-requirements.txt", 9),
        ("G009", "global-requirements.txt", 10),
        ("G008", "upper-constraints.txt", 1),
        ("G010", "upper-constraints.txt", 7),
        ("G011", "upper-constraints.txt", 9),
        ("G012", "upper-constraints.txt", 10),
        ("G013", "projects.txt", 3),
    }
    for finding in findings_of(out):
        assert finding["message"] and finding["fix"]
        assert finding["severity"] in {"error", "warning"}


def test_warnings_alone_exit_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(
        tmp_path,
        **{
            "global-requirements.txt": "requests<3  # Apache-2.0\n",
            "upper-constraints.txt": "requests===2.32.5\n",
        },
    )
    code, out, _ = run(["validate", str(repo), "--format", "json"], capsys)
    assert code == 0
    assert [f["rule"] for f in findings_of(out)] == ["G006"]


def test_pin_check_is_per_python(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(
        tmp_path,
        **{
            "global-requirements.txt": (
                "# 9 needs Python 3.11\n"
                "sphinx<9;python_version=='3.10'  # BSD-2-Clause\n"
                "sphinx;python_version>='3.11'  # BSD-2-Clause\n"
            ),
            "upper-constraints.txt": (
                "sphinx===8.1.3;python_version=='3.10'\n"
                "sphinx===9.0.0;python_version>='3.11'\n"
            ),
        },
    )
    code, out, _ = run(["validate", str(repo), "--format", "json"], capsys)
    assert code == 0, out
    # Moving the 3.10 pin past the cap is caught, and only for 3.10.
    (repo / "upper-constraints.txt").write_text(
        "sphinx===9.0.0;python_version=='3.10'\nsphinx===9.0.0;python_version>='3.11'\n"
    )
    code, out, _ = run(["validate", str(repo), "--format", "json"], capsys)
    assert code == 1
    (finding,) = findings_of(out)
    assert (finding["rule"], finding["line"]) == ("G008", 1)
    assert "3.10" in str(finding["message"]) and "3.11" not in str(finding["message"])


def test_unpinned_for_one_python_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(
        tmp_path,
        **{
            "global-requirements.txt": "tomli  # MIT\n",
            "upper-constraints.txt": "tomli===2.0;python_version<'3.11'\n",
            "accord.toml": 'python-versions = ["3.10", "3.12"]\n',
        },
    )
    code, out, _ = run(["validate", str(repo), "--format", "json"], capsys)
    assert code == 1
    (finding,) = findings_of(out)
    assert finding["rule"] == "G009"
    assert "3.12" in str(finding["message"]) and "3.10" not in str(finding["message"])


def test_central_policy_wants_minimums(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(
        tmp_path,
        **{
            "global-requirements.txt": "requests>=2.0  # Apache-2.0\nidna  # BSD\n",
            "upper-constraints.txt": "requests===2.32.5\nidna===3.10\n",
            "accord.toml": 'lower-bounds = "central"\n',
        },
    )
    code, out, _ = run(["validate", str(repo), "--format", "json"], capsys)
    assert code == 1
    assert [(f["rule"], f["line"]) for f in findings_of(out)] == [("G007", 2)]


def test_unpinned_list_is_configurable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = {"global-requirements.txt": "requests  # Apache-2.0\npip  # MIT\n"}
    repo = make_repo(tmp_path, **base)
    assert run(["validate", str(repo)], capsys)[0] == 0
    (repo / "accord.toml").write_text("unpinned = []\n")
    code, out, _ = run(["validate", str(repo), "--format", "json"], capsys)
    assert code == 1
    assert [f["rule"] for f in findings_of(out)] == ["G009"]


BAD_INPUT = [
    pytest.param(
        {"global-requirements.txt": b"req\xffuests\n"},
        "global-requirements.txt:1",
        id="not-utf8",
    ),
    pytest.param(
        {"denylist.txt": b"a\n\x00\x01\x02junk"}, "denylist.txt:2", id="binary"
    ),
    pytest.param(
        {"accord.toml": "python-versions = [\n"}, "accord.toml:", id="bad-toml"
    ),
    pytest.param({"accord.toml": "pythons = []\n"}, "accord.toml:1", id="unknown-key"),
    pytest.param(
        {"accord.toml": "\nlower-bounds = 'min'\n"}, "accord.toml:2", id="bad-choice"
    ),
]


@pytest.mark.parametrize(("files", "where"), BAD_INPUT)
def test_bad_input_is_one_line_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    files: dict[str, str | bytes],
    where: str,
) -> None:
    repo = make_repo(tmp_path, **files)
    code, out, err = run(["validate", str(repo)], capsys)
    assert code == 2
    assert where in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err + out


def test_directory_where_a_file_should_be(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path)
    (repo / "upper-constraints.txt").unlink()
    (repo / "upper-constraints.txt").mkdir()
    code, _, err = run(["validate", str(repo)], capsys)
    assert code == 2
    assert "upper-constraints.txt: is a directory" in err


def test_huge_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path)
    with (repo / "upper-constraints.txt").open("wb") as stream:
        stream.truncate(50 * 1024 * 1024)
    code, _, err = run(["validate", str(repo)], capsys)
    assert code == 2
    assert "upper-constraints.txt: is 50.0 MB" in err


@pytest.mark.parametrize("missing", ["nowhere", "file"])
def test_missing_repo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], missing: str
) -> None:
    target = tmp_path / missing
    if missing == "file":
        target.write_text("x")
    code, _, err = run(["validate", str(target)], capsys)
    assert code == 2
    assert str(target) in err


def test_not_a_requirements_repo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["validate", str(tmp_path)], capsys)
    assert code == 2
    assert "no global-requirements.txt" in err


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["validate", "--format", "yaml"], capsys)[0] == 2
    assert run(["no-such-command"], capsys)[0] == 2


def test_real_openstack_files_validate(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        ["validate", str(shared_data / "openstack"), "--format", "json"], capsys
    )
    assert code == 0, [f for f in findings_of(out) if f["severity"] == "error"]


def test_console_script_runs(tmp_path: Path) -> None:
    accord = shutil.which("accord")
    command = [accord] if accord else [sys.executable, "-m", "accord"]
    result = subprocess.run(
        [*command, "validate", str(EXAMPLES / "requirements"), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["errors"] == 0


def test_expired_hold_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(
        tmp_path,
        **{
            "accord.toml": (
                "[[holds]]\n"
                'name = "requests"\n'
                'specifier = "<3"\n'
                'reason = "3.0 drops py2 shims"\n'
                "expires = 2001-01-01\n"
                "[[holds]]\n"
                'name = "idna"\n'
                'specifier = "<4"\n'
                'reason = "later"\n'
                "expires = 2999-01-01\n"
            ),
            # idna is pinned as what requests needs: the hold names a library.
            "upper-constraints.txt": "idna===3.10\nrequests===2.32.5\n",
        },
    )
    code, out, _ = run(["validate", str(repo), "--format", "json"], capsys)
    assert code == 0
    (finding,) = findings_of(out)
    assert (finding["rule"], finding["path"], finding["line"]) == (
        "G015",
        "accord.toml",
        2,
    )
    assert "2001-01-01" in str(finding["message"])


def test_pins_per_python_are_paired_by_what_their_markers_mean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """G012 only where two pins' markers both hold for some Python; G008
    only for the Pythons where a refused pin applies."""
    repo = make_repo(
        tmp_path,
        **{
            "global-requirements.txt": "lib>=2  # MIT\nother  # MIT\n",
            "upper-constraints.txt": (
                "lib===1.0;python_version<'3.12'\n"  # 1: refused, 3.11 only
                "lib===2.0;python_version>='3.12'\n"  # 2: disjoint from 1
                "other===1;python_version=='3.11'\n"  # 3
                "other===2;python_version<='3.12'\n"  # 4: both hold on 3.11
                "other===3;python_version>'3.12'\n"  # 5: disjoint from 3 and 4
            ),
            "accord.toml": 'python-versions = ["3.11", "3.12", "3.13"]\n',
        },
    )
    code, out, _ = run(["validate", str(repo), "--format", "json"], capsys)
    assert code == 1
    found = {(f["rule"], f["line"]): f["message"] for f in findings_of(out)}
    assert {key for key in found if key[0] in {"G008", "G012"}} == {
        ("G008", 1),
        ("G012", 4),
    }
    assert "3.11" in found[("G008", 1)] and "3.12" not in found[("G008", 1)]


def test_a_project_spelt_two_ways_is_listed_twice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """G013 compares entries as the fleet locates them: catalog, ./catalog,
    catalog/ and org//a are the same directories as catalog and org/a."""
    repo = make_repo(
        tmp_path,
        **{
            "global-requirements.txt": "tomli  # MIT\n",
            "upper-constraints.txt": "tomli===2.0\n",
            "projects.txt": (
                "catalog\n./catalog\ncatalog/\norg/a\norg//a\norg/ab\nOrg/AB\n"
            ),
        },
    )
    code, out, _ = run(["validate", str(repo), "--format", "json"], capsys)
    found = [(f["rule"], f["line"], f["message"]) for f in findings_of(out)]
    assert found == [
        ("G013", 2, "./catalog is listed again (first at line 1)"),
        ("G013", 3, "catalog/ is listed again (first at line 1)"),
        ("G013", 5, "org//a is listed again (first at line 4)"),
        ("G013", 7, "Org/AB is listed again (first at line 6)"),
    ]
    assert code == 0


def test_an_expired_hold_is_reported_at_its_own_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hold = (
        '[[holds]]\nname = "requests"\nspecifier = "{}"\nreason = "r"\nexpires = {}\n'
    )
    repo = make_repo(
        tmp_path,
        **{
            "accord.toml": hold.format("<3", "2999-01-01")  # lines 1-5
            + hold.format("!=2.1", "2001-01-01")  # lines 6-10
        },
    )
    code, out, _ = run(["validate", str(repo), "--format", "json"], capsys)
    assert code == 0  # an expired hold is a warning
    (finding,) = findings_of(out)
    assert (finding["rule"], finding["line"]) == ("G015", 7)


@pytest.mark.parametrize("codec", ["utf-8", "utf-16-le", "utf-32-be"])
def test_central_files_with_a_bom_are_read_as_pip_reads_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], codec: str
) -> None:
    """pip reads a constraints file (-c) past a byte-order mark: so does
    accord, the global list's and the pins' first lines included."""
    repo = make_repo(
        tmp_path,
        **{
            "global-requirements.txt": "\ufeffrequests  # Apache-2.0\n".encode(codec),
            "upper-constraints.txt": "\ufeffrequests===2.32.3\n".encode(codec),
        },
    )
    code, out, err = run(["validate", str(repo), "--format", "json"], capsys)
    assert (code, findings_of(out), err) == (0, [], "")
    project = tmp_path / "proj"
    project.mkdir()
    (project / "requirements.txt").write_text("requests>=2\nmissing>=1\n")
    code, out, err = run(
        ["check", str(project), "--requirements", str(repo), "--format", "json"],
        capsys,
    )
    assert code == 1, err
    assert [(f["rule"], f["line"]) for f in findings_of(out)] == [("C002", 2)]
