"""accord site: pages from the fleet's data, pins per branch, incremental writes."""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
from pathlib import Path
from typing import cast

import pytest
from packaging.utils import canonicalize_name

from accord.cli import main
from accord.site import BuildReport, SiteOptions, build_site
from accord.site.history import _parse
from accord.site.pins import PublishedPins, _clashes, _unsafe, published_pins
from accord.site.write import SiteWriter, UnsafePathError

from .conftest import EXAMPLES
from .indexserver import Release, TestIndex, index_fixture  # noqa: F401

TODAY = datetime.date(2026, 11, 30)


def git(repo: Path, *args: str) -> bytes:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        env={
            **os.environ,
            "GIT_COMMITTER_DATE": "2026-01-02T03:04:05+00:00",
            "GIT_AUTHOR_DATE": "2026-01-02T03:04:05+00:00",
        },
    ).stdout


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """The examples, the requirements repo in git: master with a bumped pin,
    stable/2026.1 before the bump, an annotated tag v1.0."""
    shutil.copytree(EXAMPLES, tmp_path / "ws")
    repo = tmp_path / "ws" / "requirements"
    git(repo, "init", "-q", "-b", "master")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Initial pins")
    git(repo, "branch", "stable/2026.1")
    git(repo, "tag", "-a", "v1.0", "-m", "first")
    pins = repo / "upper-constraints.txt"
    text = pins.read_text()
    assert "click===8.3.0" in text
    pins.write_text(text.replace("click===8.3.0", "click===8.3.1"))
    git(repo, "commit", "-qam", "Bump click to 8.3.1")
    return tmp_path / "ws"


def build(
    workspace: Path, out: Path, jobs: int = 1, base_url: str | None = None
) -> BuildReport:
    options = SiteOptions(
        workspace / "requirements", out, base_url=base_url, jobs=jobs, today=TODAY
    )
    return build_site(options)


def files_of(out: Path) -> dict[str, int]:
    return {
        str(p.relative_to(out)): p.stat().st_mtime_ns
        for p in out.rglob("*")
        if p.is_file()
    }


@pytest.mark.parametrize("jobs", [1, 2])
def test_pages_of_every_kind(workspace: Path, tmp_path: Path, jobs: int) -> None:
    out = tmp_path / "site"
    build(workspace, out, jobs=jobs)
    overview = (out / "index.html").read_text()
    assert 'href="projects/legacy-reports.html"' in overview
    assert "<svg" in overview and "Projects by status" in overview
    project = (out / "projects" / "legacy-reports.html").read_text()
    assert "C003" in project and "requirements.txt:2" in project
    assert "+++ b/requirements.txt" in project  # what sync would change
    library = (out / "libraries" / "click.html").read_text()
    assert "click===8.3.1" in library and "click===8.3.0" in library  # history
    assert "Bump click to 8.3.1" in library
    libraries = (out / "libraries.html").read_text()
    assert '<th scope="col">Python 3.13</th>' in libraries
    assert (out / "static" / "site.js").is_file()


def test_findings_and_status_are_fleet_checks(workspace: Path) -> None:
    from accord.central import load_central_repo
    from accord.fleet import SyncOptions, fleet_members, process
    from accord.site.data import gather, status_of

    central = load_central_repo(workspace / "requirements")
    members = fleet_members(central, None)
    fleet = gather(central, members, jobs=1)
    for member, project in zip(members, fleet.projects, strict=True):
        outcome = process(central, member, "check", SyncOptions())
        assert project.findings == outcome.findings
        assert project.changed_files == outcome.changed_files
        assert project.status == status_of(outcome)


def test_users_are_who_uses_lines(workspace: Path) -> None:
    from accord.central import load_central_repo
    from accord.fleet import fleet_members
    from accord.site.data import gather
    from accord.usage import find_users

    central = load_central_repo(workspace / "requirements")
    members = fleet_members(central, None)
    fleet = gather(central, members, jobs=1)
    for library in fleet.libraries:
        uses, _ = find_users(central, members, library.name)
        assert sorted(library.users, key=repr) == sorted(uses, key=repr)


def test_missing_and_broken_projects_show_why(workspace: Path, tmp_path: Path) -> None:
    projects = workspace / "requirements" / "projects.txt"
    projects.write_text(projects.read_text() + "gone\nbroken\n")
    (workspace / "broken").mkdir()
    (workspace / "broken" / "pyproject.toml").write_text("[project\n")
    out = tmp_path / "site"
    build(workspace, out)
    assert "no directory at" in (out / "projects" / "gone.html").read_text()
    broken = (out / "projects" / "broken.html").read_text()
    assert "pyproject.toml" in broken and "errors" in broken


def test_published_pins_equal_git_show(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(workspace, out)
    repo = workspace / "requirements"
    for ref, path in [
        ("master", "master.txt"),
        ("stable/2026.1", "stable/2026.1.txt"),
        ("v1.0", "v1.0.txt"),
    ]:
        published = out / "constraints" / "upper" / path
        assert published.read_bytes() == git(
            repo, "show", f"{ref}:upper-constraints.txt"
        )
    assert b"8.3.0" in (out / "constraints/upper/stable/2026.1.txt").read_bytes()
    index = (out / "constraints" / "index.html").read_text()
    assert 'href="../constraints/upper/stable/2026.1.txt"' in index
    # No checkout was touched.
    assert git(repo, "status", "--porcelain") == b""
    assert git(repo, "rev-parse", "--abbrev-ref", "HEAD").strip() == b"master"


def test_second_run_rewrites_nothing(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(workspace, out)
    for path in out.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    before = files_of(out)
    report = build(workspace, out, jobs=2)
    assert report.written == 0 and report.removed == 0
    assert files_of(out) == before


def test_a_bump_rewrites_the_pages_it_touches(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(workspace, out)
    for path in out.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    before = files_of(out)
    repo = workspace / "requirements"
    pins = repo / "upper-constraints.txt"
    pins.write_text(pins.read_text().replace("click===8.3.1", "click===8.3.2"))
    git(repo, "commit", "-qam", "Bump click to 8.3.2")
    build(workspace, out)
    after = files_of(out)
    changed = {path for path in after if after[path] != before.get(path)}
    assert {"libraries/click.html", "constraints/upper/master.txt"} <= changed
    assert "libraries/requests.html" not in changed
    assert "constraints/upper/stable/2026.1.txt" not in changed


def test_a_change_rewrites_only_its_pages(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(workspace, out)
    projects = workspace / "requirements" / "projects.txt"
    projects.write_text(projects.read_text().replace("catalog\n", ""))
    report = build(workspace, out)
    assert not (out / "projects" / "catalog.html").exists()
    assert report.removed == 1
    (out / "mine.txt").write_text("not the site's")
    build(workspace, out)
    assert (out / "mine.txt").exists()  # only what a build wrote is removed


def test_base_url_makes_links_absolute(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(workspace, out, base_url="https://example.org/deps/")
    index = (out / "constraints" / "index.html").read_text()
    assert 'href="https://example.org/deps/constraints/upper/master.txt"' in index


def test_text_from_the_repo_is_escaped(workspace: Path, tmp_path: Path) -> None:
    config = workspace / "requirements" / "accord.toml"
    config.write_text(
        config.read_text().replace(
            "[licenses]",
            '[[holds]]\nname = "click"\nspecifier = "<9"\n'
            'reason = "<script>alert(1)</script>"\nlink = "javascript:alert(1)"\n'
            "expires = 2026-01-01\n\n[licenses]",
        )
    )
    out = tmp_path / "site"
    build(workspace, out)
    page = (out / "libraries" / "click.html").read_text()
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)" in page
    assert "javascript:" not in page
    assert "expired" in page


def test_review_evidence_is_read_only_inside_the_repo(
    workspace: Path, tmp_path: Path
) -> None:
    """reviews/NAME.json is shown on the library's page; one that is a link
    out of the requirements repo is not read, so nothing of the machine that
    builds the site is published."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOKEN=do-not-publish\n")
    reviews = workspace / "requirements" / "reviews"
    reviews.mkdir()
    (reviews / "click.json").symlink_to(secret)
    (reviews / "requests.json").write_text('{"verdict": "kept in the repo"}\n')
    out = tmp_path / "site"
    build(workspace, out)
    assert "kept in the repo" in (out / "libraries" / "requests.html").read_text()
    published = "".join(
        p.read_text(errors="replace") for p in out.rglob("*") if p.is_file()
    )
    assert "do-not-publish" not in published


def test_newest_releases_only_when_an_index_is_given(
    workspace: Path,
    tmp_path: Path,
    test_index: TestIndex,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    test_index.add("click", [Release("8.3.0"), Release("9.0", uploaded="2026-11-01")])
    out = tmp_path / "site"
    build(workspace, out)
    assert "Newest release" not in (out / "libraries.html").read_text()
    assert test_index.requests == []  # offline by default
    options = SiteOptions(
        workspace / "requirements", out, today=TODAY, index_url=test_index.simple_url
    )
    report = build_site(options)
    page = (out / "libraries" / "click.html").read_text()
    assert "9.0" in page and "2026-11-01, 29 days ago" in page
    assert "<td>9.0</td><td>29</td>" in (out / "libraries.html").read_text()
    assert any(p.startswith("requests:") for p in report.unknown_upstream)


def test_without_projects_txt_the_list_and_pins_are_shown(
    workspace: Path, tmp_path: Path
) -> None:
    (workspace / "requirements" / "projects.txt").unlink()
    out = tmp_path / "site"
    report = build(workspace, out)
    assert report.projects == 0 and report.libraries > 0
    assert (out / "constraints" / "upper" / "master.txt").is_file()


def test_outside_git_the_site_still_builds(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES, tmp_path / "ws")
    out = tmp_path / "site"
    build(tmp_path / "ws", out)
    assert "Nothing published" in (out / "constraints" / "index.html").read_text()
    assert "unknown (not a git repository)" in (out / "index.html").read_text()


def test_cli(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    repo = str(workspace / "requirements")
    assert main(["site", "--out", str(out), "--requirements", repo]) == 0
    assert "0 unchanged" in capsys.readouterr().err
    assert main(["site", "--out", str(out), "--requirements", repo, "-j", "1"]) == 0
    assert "0 file(s) written" in capsys.readouterr().err
    bad_url = ["--base-url", "x:y"]
    assert main(["site", "--out", str(out), "--requirements", repo, *bad_url]) == 2
    (tmp_path / "file").write_text("")
    assert main(["site", "--out", str(tmp_path / "file"), "--requirements", repo]) == 2
    assert "is a file" in capsys.readouterr().err


def test_json_says_what_was_built_and_written(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    out = tmp_path / "site"
    args = [
        "site",
        "--out",
        str(out),
        "--requirements",
        str(workspace / "requirements"),
    ]
    assert main([*args, "--format", "json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["command"] == "site" and first["out"] == str(out)
    assert "stable/2026.1" in first["published"]
    assert first["files"]["written"] > 0 and first["pages_rendered"] > 0
    written = sum(1 for path in out.rglob("*") if path.is_file())
    assert first["files"]["written"] + first["files"]["kept"] <= written
    assert main([*args, "--format", "json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["files"]["written"] == 0 and second["pages_rendered"] == 0
    assert second["files"]["kept"] == first["files"]["written"]


def test_a_missing_requirements_repo_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["site", "--out", str(tmp_path / "o"), "--requirements", str(tmp_path / "no")]
    )
    assert code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_branches_without_pins_or_with_bad_ones(workspace: Path) -> None:
    repo = workspace / "requirements"
    git(repo, "checkout", "-q", "-b", "nopins")
    git(repo, "rm", "-q", "upper-constraints.txt")
    git(repo, "commit", "-qm", "No pins here")
    git(repo, "checkout", "-q", "-b", "latin1")
    (repo / "upper-constraints.txt").write_bytes(b"caf\xe9===1\n")
    git(repo, "add", "upper-constraints.txt")
    git(repo, "commit", "-qm", "Not UTF-8")
    git(repo, "checkout", "-q", "master")
    pins, skipped = published_pins(repo)
    assert {p.ref for p in pins} == {"master", "stable/2026.1", "v1.0"}
    assert [(s.ref, s.reason) for s in skipped] == [
        (
            "latin1",
            "its upper-constraints.txt is not valid UTF-8 (byte 0xe9 at column 4)",
        )
    ]


@pytest.mark.parametrize("codec", ["utf-16", "utf-32", "utf-8-sig"])
def test_pins_with_a_byte_order_mark_on_another_branch_are_published(
    workspace: Path, tmp_path: Path, codec: str
) -> None:
    """pip reads a pins file by its byte-order mark, and so does accord in
    the work tree: the same file on another branch is published, its text
    the same (in UTF-8, the mark kept), not skipped as "not UTF-8"."""
    repo = workspace / "requirements"
    text = (repo / "upper-constraints.txt").read_text()
    git(repo, "checkout", "-q", "-b", "wide")
    (repo / "upper-constraints.txt").write_bytes(text.encode(codec))
    if codec != "utf-8-sig":
        assert (repo / "upper-constraints.txt").read_bytes()[:2] in (
            b"\xff\xfe",
            b"\xfe\xff",
        )
    git(repo, "commit", "-qam", f"Pins in {codec}")
    git(repo, "checkout", "-q", "master")
    pins, skipped = published_pins(repo)
    assert skipped == ()
    by_ref = {p.ref: p for p in pins}
    assert by_ref["wide"].text == "\ufeff" + text
    assert by_ref["wide"].pins == by_ref["master"].pins > 0
    out = tmp_path / "site"
    build(workspace, out)
    published = (out / "constraints/upper/wide.txt").read_bytes()
    assert published.decode("utf-8-sig") == text


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        pytest.param("master", True, id="plain"),
        pytest.param("stable/2026.1", True, id="nested"),
        pytest.param("a/../b", False, id="dotdot"),
        pytest.param("a/.hidden", False, id="dot-component"),
        pytest.param("a\\b", False, id="backslash"),
    ],
)
def test_ref_names_must_be_safe_paths(name: str, safe: bool) -> None:
    assert (_unsafe(name) is None) == safe


def test_a_ref_whose_file_would_be_a_directory_is_skipped() -> None:
    found = dict.fromkeys(["a.txt/b", "a", "b/c"], cast("PublishedPins", None))
    assert _clashes(found) == {"a"}


def test_remote_branches_publish_when_no_local_one(
    workspace: Path, tmp_path: Path
) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(workspace / "requirements"), str(clone))
    pins, _ = published_pins(clone)
    assert {p.ref for p in pins} == {"master", "stable/2026.1", "v1.0"}


def test_history_parses_moves_and_markers() -> None:
    log = (
        "\x1eb\x002026-02-01T00:00:00+00:00\x00Bump a\n"
        "--- a/upper-constraints.txt\n+++ b/upper-constraints.txt\n"
        "-A===1.0\n+a===2.0;python_version=='3.12'\n+b===1\n-b===1\n"
        "\x1ea\x002026-01-01T00:00:00+00:00\x00Add a\n+A===1.0\n"
    )
    events, added_on = _parse(log)
    assert [e.subject for e in events[canonicalize_name("a")]] == ["Bump a", "Add a"]
    assert "b" not in events  # moved, not changed
    assert added_on["a===2.0;python_version=='3.12'"] == datetime.date(2026, 2, 1)


def test_writer_refuses_paths_outside(tmp_path: Path) -> None:
    writer = SiteWriter(tmp_path)
    for bad in ("../x.html", "/etc/x", "a/../../x"):
        with pytest.raises(UnsafePathError):
            writer.write(bad, "x")


def test_serve_answers_on_localhost(workspace: Path, tmp_path: Path) -> None:
    import sys
    import urllib.request

    out = tmp_path / "site"
    command = [sys.executable, "-m", "accord", "site", "--out", str(out)]
    command += ["--requirements", str(workspace / "requirements"), "--serve"]
    server = subprocess.Popen(
        [*command, "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stderr is not None
        line = ""
        while "serving" not in line:
            line = server.stderr.readline()
            assert line, "the server ended before serving"
        url = line.split(" at ", 1)[1].split()[0]
        assert url.startswith("http://127.0.0.1:")
        direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with direct.open(url + "index.html", timeout=30) as response:
            assert b"The fleet at a glance" in response.read()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_an_unchanged_page_is_not_rendered_again(
    workspace: Path, tmp_path: Path
) -> None:
    import sys

    out = tmp_path / "site"
    command = [sys.executable, "-m", "accord", "site", "--out", str(out)]
    command += ["--requirements", str(workspace / "requirements"), "-j", "2"]

    def run(seed: str) -> str:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            command, check=False, capture_output=True, text=True, env=env
        )
        assert done.returncode == 0, done.stderr
        return done.stderr

    assert "0 page(s) rendered" not in run("1")
    # Another process, other hashes: the pages' keys are the same.
    assert "0 file(s) written" in run("2") and "0 page(s) rendered" in run("3")
    page = out / "libraries" / "click.html"
    good = page.read_text()
    page.write_text("edited by hand")
    assert "1 page(s) rendered" in run("4")
    assert page.read_text() == good
