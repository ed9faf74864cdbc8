"""accord review and review-change against a local index (no network)."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from accord.cli import main
from accord.rules.review_names import edit_distance

from .indexserver import Release, TestIndex, index_fixture  # noqa: F401

TODAY = datetime.date.today()
RECENT = (TODAY - datetime.timedelta(days=40)).isoformat()
OLD = "2015-03-01"
PY3 = ["Programming Language :: Python :: 3"]
GLOBAL = "## section:general\nhttpthing  # MIT\nrequests  # Apache-2.0\n"


@pytest.fixture
def index(
    test_index: TestIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> TestIndex:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    test_index.add("goodlib", [
        Release("0.9", uploaded="2023-01-01", license_expression="MIT"),
        Release("1.0", uploaded=RECENT, summary="Parse calendar files",
                license_expression="MIT", requires_python=">=3.9", classifiers=PY3),
    ])  # fmt: skip
    test_index.add(
        "oldlib", [Release("1.0", uploaded=OLD, license="MIT", classifiers=PY3)]
    )
    test_index.add(
        "gpllib", [Release("1.0", uploaded=RECENT, license_expression="GPL-3.0-only")]
    )
    test_index.add("py2lib", [Release("1.0", uploaded=RECENT, license="MIT",
        classifiers=["Programming Language :: Python :: 2 :: Only"])])  # fmt: skip
    test_index.add("vulnlib", [Release("1.0", uploaded=RECENT, license="MIT",
        vulnerabilities=[{"id": "PYSEC-2026-1", "summary": "remote code execution",
                          "fixed_in": ["1.1"]}])])  # fmt: skip
    test_index.add("reqeusts", [Release("1.0", uploaded=RECENT, license="MIT")])
    http = ["http", "client"]
    test_index.add("httpthing", [Release("2.0", uploaded=RECENT, license="MIT",
        summary="Friendly HTTP client for humans", keywords=http)])  # fmt: skip
    test_index.add("httpclone", [Release("1.0", uploaded=RECENT, license="MIT",
        summary="An HTTP client for humans", keywords=http)])  # fmt: skip
    test_index.add("requests", [Release("2.0", uploaded=RECENT, license="Apache-2.0")])
    return test_index


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "requirements"
    repo.mkdir()
    (repo / "global-requirements.txt").write_text(GLOBAL)
    (repo / "upper-constraints.txt").write_text("httpthing===2.0\nrequests===2.0\n")
    (tmp_path / "Packages").write_text(
        "Package: python3-goodlib\nVersion: 1.0-2\nArchitecture: all\n\n"
    )
    return repo


def review(
    index: TestIndex, repo: Path, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, dict[str, str]]:
    code = main([
        "review", *args, "--requirements", str(repo), "--format", "json",
        "--index-url", index.simple_url, "--pypi-json-url", index.pypi_json_url,
        "--distro-index", str(repo.parent / "Packages"),
    ])  # fmt: skip
    out = capsys.readouterr().out
    if code == 2:
        return code, {}
    document = json.loads(out)
    [only] = document["reviews"]
    return code, {c["id"]: c["verdict"] for c in only["criteria"]}


CASES = [
    pytest.param("goodlib", {"maintained": "pass", "license": "pass",
        "python3": "pass", "distro": "pass", "typosquat": "pass",
        "vulnerabilities": "pass"}, 0, id="good"),
    pytest.param("oldlib", {"maintained": "fail", "distro": "warn"}, 1,
                 id="unmaintained"),
    pytest.param("gpllib", {"license": "fail"}, 1, id="gpl"),
    pytest.param("py2lib", {"python3": "fail"}, 1, id="python2-only"),
    pytest.param("vulnlib", {"vulnerabilities": "fail"}, 1, id="vulnerable"),
    pytest.param("reqeusts", {"typosquat": "warn"}, 0, id="typosquat"),
    pytest.param("httpclone", {"duplicates": "warn"}, 0, id="duplicate"),
    pytest.param("goodlib<2", {"specifier": "fail"}, 1, id="cap"),
    pytest.param("goodlib!=0.5", {"specifier": "warn"}, 0,
                 id="exclusion-never-released"),
    pytest.param("goodlib==0.9", {"python3": "unknown"}, 0, id="older-version"),
]  # fmt: skip


@pytest.mark.parametrize(("target", "expected", "code"), CASES)
def test_review_criteria(
    index: TestIndex,
    repo: Path,
    capsys: pytest.CaptureFixture[str],
    target: str,
    expected: dict[str, str],
    code: int,
) -> None:
    got_code, verdicts = review(index, repo, capsys, target)
    assert {key: verdicts[key] for key in expected} == expected
    assert got_code == code


def test_markdown_report(
    index: TestIndex, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([
        "review", "vulnlib", "--requirements", str(repo), "--no-compare",
        "--index-url", index.simple_url, "--pypi-json-url", index.pypi_json_url,
        "--distro-index", str(repo.parent / "Packages"),
    ])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 1
    assert out.startswith("### Review of `vulnlib 1.0`")
    fixed = "PYSEC-2026-1: remote code execution (fixed in 1.1)"
    assert f"| vulnerabilities | FAIL | {fixed} |" in out


def test_central_minimum_policy(
    index: TestIndex, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "accord.toml").write_text('lower-bounds = "central"\n')
    assert review(index, repo, capsys, "goodlib>=0.9")[1]["specifier"] == "pass"
    assert review(index, repo, capsys, "goodlib>=0.5")[1]["specifier"] == "fail"


def test_unknown_package_is_a_failed_review(
    index: TestIndex, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([
        "review", "nosuchlib", "--requirements", str(repo),
        "--index-url", index.simple_url, "--pypi-json-url", index.pypi_json_url,
    ])  # fmt: skip
    assert code == 1
    assert "no project 'nosuchlib'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("left", "right", "distance"),
    [
        ("requests", "reqeusts", 2),
        ("six", "six", 0),
        ("flask", "flask2", 1),
        ("abc", "xyz", 3),
    ],
)
def test_edit_distance(left: str, right: str, distance: int) -> None:
    assert edit_distance(left, right, 5) == distance


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@e", *args],
        cwd=cwd, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip


def test_review_change(
    index: TestIndex, repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "projects.txt").write_text("org/calendar\n")
    project = tmp_path / "org" / "calendar"
    project.mkdir(parents=True)
    (project / "requirements.txt").write_text("requests>=1.0\n")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    (repo / "global-requirements.txt").write_text(
        "## section:general\nhttpthing<3  # MIT\ngoodlib  # MIT\n"
    )
    (repo / "upper-constraints.txt").write_text("httpthing===2.0\ngoodlib===1.0\n")
    _git(repo, "commit", "-q", "-am", "Add goodlib, drop requests")
    code = main([
        "review-change", str(repo), "--format", "json",
        "--index-url", index.simple_url, "--pypi-json-url", index.pypi_json_url,
        "--distro-index", str(tmp_path / "Packages"),
    ])  # fmt: skip
    document = json.loads(capsys.readouterr().out)
    assert code == 1
    change = {c["id"]: c for c in document["change"]}
    assert change["removed-in-use"]["verdict"] == "fail"
    assert "org/calendar" in change["removed-in-use"]["detail"]
    assert change["new-cap"]["verdict"] == "fail"  # no comment above the cap
    assert change["consumer-named"]["verdict"] == "warn"
    assert [lib["package"] for lib in document["libraries"]] == ["goodlib"]
    pins = {c["detail"].split()[0]: c["verdict"] for c in document["pins"]}
    assert pins == {"goodlib": "pass", "requests": "pass"}


@pytest.mark.parametrize(
    ("filename", "python3"),
    [
        pytest.param("six-1.16.0-py2.py3-none-any.whl", True, id="universal"),
        pytest.param("old-1.0-py2-none-any.whl", False, id="py2-only"),
        pytest.param("fast-1.0-cp312-cp312-manylinux_2_17_x86_64.whl", True, id="cp3"),
        pytest.param("legacy-1.0-cp27-cp27mu-manylinux1_x86_64.whl", False, id="cp27"),
    ],
)
def test_python3_wheel_tags(filename: str, python3: bool) -> None:
    from accord.rules.review import _python3_wheel

    assert _python3_wheel(filename) is python3


def test_pinned_central_metadata_is_kept(
    index: TestIndex, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert review(index, repo, capsys, "httpclone")[1]["duplicates"] == "warn"
    assert any("httpthing" in path for path in index.requests)
    index.clear_requests()
    # The pinned releases' metadata never changes: asked once, kept on disk.
    assert review(index, repo, capsys, "httpclone")[1]["duplicates"] == "warn"
    assert not any("httpthing" in path for path in index.requests)


def test_malformed_target_is_one_line(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["review", "foo>=", "--requirements", str(repo), "--no-compare"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "'foo>=' is not NAME[==VERSION]" in err


def test_an_arbitrary_equality_that_is_no_version_is_one_line(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["review", "foo===junk", "--requirements", str(repo), "--no-compare"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "internal error" not in err
    assert "'foo===junk'" in err and "'junk' is not a version" in err


def test_review_change_names_the_line_of_a_pin_that_is_no_version(
    index: TestIndex, repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    with (repo / "global-requirements.txt").open("a") as file:
        file.write("goodlib===not-a-version  # MIT\n")
    code = main([
        "review-change", str(repo), "--base", "HEAD",
        "--index-url", index.simple_url, "--pypi-json-url", index.pypi_json_url,
        "--distro-index", str(tmp_path / "Packages"),
    ])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert "global-requirements.txt:4" in err and "internal error" not in err
    assert index.requests == []  # refused before asking the index anything


@pytest.mark.parametrize(
    ("name", "line", "where"),
    [
        pytest.param("global-requirements.txt", "!!!garbage  # MIT", 4, id="list"),
        pytest.param("upper-constraints.txt", "!!!garbage", 3, id="pins"),
        pytest.param("upper-constraints.txt", "goodlib===not-a-version", 3,
                     id="pin-no-version"),
    ],
)  # fmt: skip
def test_review_change_refuses_a_line_of_the_change_it_cannot_read(
    index: TestIndex,
    repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    line: str,
    where: int,
) -> None:
    """Not "No change to the global list or the pins": the line is there."""
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    with (repo / name).open("a") as file:
        file.write(line + "\n")
    code = main([
        "review-change", str(repo), "--base", "HEAD",
        "--index-url", index.simple_url, "--pypi-json-url", index.pypi_json_url,
        "--distro-index", str(tmp_path / "Packages"),
    ])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 2
    assert f"{name}:{where}" in captured.err and "No change" not in captured.out


def test_review_change_leaves_an_unreadable_line_the_base_had_to_validate(
    index: TestIndex, repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with (repo / "global-requirements.txt").open("a") as file:
        file.write("!!!garbage  # MIT\n")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base, already broken")
    code = main([
        "review-change", str(repo), "--base", "HEAD",
        "--index-url", index.simple_url, "--pypi-json-url", index.pypi_json_url,
        "--distro-index", str(tmp_path / "Packages"),
    ])  # fmt: skip
    assert code == 0
    assert "No change" in capsys.readouterr().out


def test_verify_reports_yanked_and_missing_pins(
    index: TestIndex, tmp_path: Path
) -> None:
    from accord.central import load_central_repo
    from accord.index.client import IndexClient
    from accord.resolve.verify import yanked_pins

    index.add("shaky", [Release("1.0"), Release("1.1", yanked="broke imports")])
    repo = tmp_path / "pins"
    repo.mkdir()
    (repo / "global-requirements.txt").write_text("shaky  # MIT\ngoodlib  # MIT\n")
    (repo / "upper-constraints.txt").write_text(
        "goodlib===1.0\nshaky===1.1\ngoodlib===7.0;python_version>='3.14'\n"
    )
    client = IndexClient(index.simple_url, None, cache_dir=tmp_path / "c")
    found = yanked_pins(load_central_repo(repo), client)
    assert [(f.rule, f.line) for f in found] == [("V004", 2), ("V005", 3)]
    assert "broke imports" in found[0].message


def review_document(
    index: TestIndex, repo: Path, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, dict[str, Any], str]:
    code = main([
        "review", *args, "--requirements", str(repo),
        "--index-url", index.simple_url, "--pypi-json-url", index.pypi_json_url,
        "--distro-index", str(repo.parent / "Packages"),
    ])  # fmt: skip
    captured = capsys.readouterr()
    if "--format" in args:
        return code, json.loads(captured.out), captured.err
    return code, {"markdown": captured.out}, captured.err


def test_review_reviews_every_name_it_can_and_reports_the_unknown(
    index: TestIndex, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, document, err = review_document(
        index, repo, capsys, "goodlib", "nosuchlib", "requests", "--format", "json"
    )
    assert code == 1  # an unknown name is a review that failed
    assert set(document) == {"schema", "command", "reviews", "unknown"}
    assert [r["package"] for r in document["reviews"]] == ["goodlib", "requests"]
    assert document["unknown"] == [
        {"target": "nosuchlib", "message": AnyWith("no project 'nosuchlib'")}
    ]
    assert "no project 'nosuchlib'" in err
    goodlib, requests = document["reviews"]
    assert goodlib["central"] == []
    assert requests["central"] == [
        {"path": "global-requirements.txt", "line": 3, "text": "requests  # Apache-2.0"}
    ]

    # A failed criterion as well: exit 1 all the same.
    code, document, _ = review_document(
        index, repo, capsys, "gpllib", "nosuchlib", "--format", "json"
    )
    assert code == 1
    assert [r["package"] for r in document["reviews"]] == ["gpllib"]

    code, document, _ = review_document(index, repo, capsys, "requests", "nosuchlib")
    markdown = document["markdown"]
    assert code == 1
    assert "Already in the global list: global-requirements.txt:3 " in markdown
    assert "### Not reviewed\n\n- `nosuchlib`: no project 'nosuchlib'" in markdown


class AnyWith(str):
    """Equal to any string containing this one."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and str(self) in other

    def __hash__(self) -> int:
        return 0


def test_review_shows_progress_on_a_terminal(
    index: TestIndex,
    repo: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, document, err = review_document(
        index, repo, capsys, "goodlib", "--format", "json"
    )
    assert code == 0
    assert document["reviews"][0]["package"] == "goodlib"  # stdout stays JSON
    assert "central libraries" in err


def test_review_change_of_a_first_commit_compares_with_the_empty_tree(
    index: TestIndex, repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "The first central list")
    args = [
        "review-change", str(repo), "--format", "json",
        "--index-url", index.simple_url, "--pypi-json-url", index.pypi_json_url,
        "--distro-index", str(tmp_path / "Packages"),
    ]  # fmt: skip
    assert main(args) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["base"] == "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
    assert [lib["package"] for lib in document["libraries"]] == [
        "httpthing",
        "requests",
    ]
    # The added library's duplicates get the evidence `review` gets.
    (repo / "global-requirements.txt").write_text(GLOBAL + "httpclone  # MIT\n")
    _git(repo, "commit", "-q", "-am", "Add httpclone")
    assert main(args) == 0
    document = json.loads(capsys.readouterr().out)
    [library] = document["libraries"]
    [duplicates] = [c for c in library["criteria"] if c["id"] == "duplicates"]
    assert duplicates["verdict"] == "warn"
    assert "httpthing" in duplicates["evidence"]


def _goodlib_repodata(root: Path, name: str, ver: str, rel: str) -> Path:
    from .test_distro_rpm import package, write_repo

    provides = ("python3dist(goodlib)",)
    return write_repo(root, [package(name, ver, rel, provides)], ".zst")


def test_review_names_every_distribution_that_packages_it(
    index: TestIndex, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """apt lists, a local RPM repository (--distro-index DIR) and one from
    [review] distro-repos over HTTP: each named with its package and version."""
    _goodlib_repodata(repo.parent / "tumbleweed", "python311-goodlib", "1.0", "1.1")
    _goodlib_repodata(
        index.root / "repos" / "fedora-41", "python3-goodlib", "1.0", "3.fc41"
    )
    url = index.base_url + "repos/fedora-41"
    (repo / "accord.toml").write_text(
        f'[review]\ndistro-repos = [{{name = "fedora-41", url = "{url}"}}]\n'
    )
    args = ["--distro-index", str(repo.parent / "tumbleweed"), "--no-compare"]
    main([
        "review", "goodlib", "--requirements", str(repo), "--format", "json",
        "--index-url", index.simple_url, "--pypi-json-url", index.pypi_json_url,
        "--distro-index", str(repo.parent / "Packages"), *args,
    ])  # fmt: skip
    [only] = json.loads(capsys.readouterr().out)["reviews"]
    [distro] = [c for c in only["criteria"] if c["id"] == "distro"]
    assert distro["verdict"] == "pass"
    assert distro["detail"] == (
        "packaged in Packages (python3-goodlib 1.0-2), "
        "fedora-41 (python3-goodlib 1.0-3.fc41), "
        "tumbleweed (python311-goodlib 1.0-1.1)"
    )
    index.clear_requests()
    main([
        "review", "goodlib", "--requirements", str(repo), "--format", "json",
        "--index-url", index.simple_url, "--pypi-json-url", index.pypi_json_url,
        *args,
    ])  # fmt: skip
    capsys.readouterr()
    # the primary's parsed index is cached under its checksum: not fetched again
    assert not [r for r in index.requests if "primary" in r]


def _save(index: TestIndex, repo: Path, *targets: str) -> int:
    return main([
        "review", *targets, "--requirements", str(repo), "--no-compare", "--save",
        "--index-url", index.simple_url, "--pypi-json-url", index.pypi_json_url,
        "--distro-index", str(repo.parent / "Packages"), "--format", "json",
    ])  # fmt: skip


def test_save_keeps_the_evidence_in_reviews(
    index: TestIndex, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from accord import __version__

    assert _save(index, repo, "GoodLib", "no-such-lib") == 1
    captured = capsys.readouterr()
    assert "accord: saved reviews/goodlib.json" in captured.err
    [printed] = json.loads(captured.out)["reviews"]
    path = repo / "reviews" / "goodlib.json"
    first = path.read_bytes()
    saved = json.loads(first)
    assert saved["reviewed"] == TODAY.isoformat()
    assert saved["accord"] == __version__
    assert {k: v for k, v in saved.items() if k in printed} == {
        **printed,
        "package": "goodlib",  # canonical, as the file's name
    }
    assert sorted(p.name for p in (repo / "reviews").iterdir()) == ["goodlib.json"]
    _save(index, repo, "goodlib")
    assert path.read_bytes() == first  # the same evidence, the same bytes


def test_save_refuses_a_reviews_link_outside_the_repo(
    index: TestIndex, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = repo.parent / "elsewhere"
    outside.mkdir()
    (repo / "reviews").symlink_to(outside)
    assert _save(index, repo, "goodlib") == 2
    assert "leads outside" in capsys.readouterr().err
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("ranges", [True, False], ids=["ranges", "whole-wheel"])
def test_a_release_without_its_metadata_file_is_reviewed_from_its_wheel(
    index: TestIndex, repo: Path, capsys: pytest.CaptureFixture[str], ranges: bool
) -> None:
    # The index advertises PEP 658 metadata it then does not serve, and the
    # JSON API knows nothing of the release: the wheel's METADATA is read.
    index.ranges = ranges
    for metadata in (index.root / "files").glob("goodlib-1.0-*.metadata"):
        metadata.unlink()
    index.fail("/pypi/goodlib/1.0/json", times=5, status=404)
    code, verdicts = review(index, repo, capsys, "goodlib")
    assert code == 0
    assert verdicts["license"] == "pass"  # MIT, from the wheel's METADATA
    assert verdicts["python3"] == "pass"
    wheel = [p for p in index.requests if p.endswith("goodlib-1.0-py3-none-any.whl")]
    assert wheel


def test_a_release_the_index_does_not_have_is_a_failed_review(
    index: TestIndex, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([
        "review", "goodlib==7.0", "--requirements", str(repo),
        "--index-url", index.simple_url, "--pypi-json-url", index.pypi_json_url,
        "--distro-index", str(repo.parent / "Packages"),
    ])  # fmt: skip
    assert code == 1
    err = capsys.readouterr().err
    assert "accord: error: goodlib has no version 7.0 on the index" in err
