"""A requirements repo named by a git URL: fetched shallowly into the cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord.cli import main
from accord.locate.gitcache import cache_root

from .test_depends_on import git

GLOBAL = "requests  # Apache-2.0\n"
PINS = "requests===2.32.3\n"


@pytest.fixture
def upstream(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A requirements repo with a main and a stable branch and a tag; the cache
    and the current directory are in tmp_path."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    repo = tmp_path / "upstream"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "global-requirements.txt").write_text(GLOBAL)
    (repo / "upper-constraints.txt").write_text(PINS)
    (repo / "projects.txt").write_text("proj\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "branch", "stable/2026.1")
    git(repo, "tag", "-a", "-m", "release", "v1")
    return repo


def project(tmp_path: Path, text: str = "requests>=2\n") -> Path:
    path = tmp_path / "proj"
    path.mkdir(exist_ok=True)
    (path / "requirements.txt").write_text(text)
    return path


def run_check(
    project: Path, requirements: str, capsys: pytest.CaptureFixture[str]
) -> tuple[int, dict[str, object], str]:
    argv = ["check", str(project), "--requirements", requirements, "--format", "json"]
    code = main(argv)
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def commit_change(repo: Path, text: str, branch: str = "main") -> str:
    git(repo, "checkout", "-q", branch)
    (repo / "global-requirements.txt").write_text(text)
    git(repo, "commit", "-q", "-am", "change")
    return git(repo, "rev-parse", "HEAD")


def entries() -> list[str]:
    return sorted(path.name for path in cache_root().iterdir())


@pytest.mark.parametrize("ref", ["", "@main", "@stable/2026.1", "@v1"])
@pytest.mark.parametrize("scheme", ["git+file://", "file://"])
def test_check_against_a_git_url(
    upstream: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    scheme: str,
    ref: str,
) -> None:
    code, document, err = run_check(
        project(tmp_path), f"{scheme}{upstream}{ref}", capsys
    )
    assert code == 0, (document, err)
    (checkout,) = entries()  # one directory, no temporary leftovers
    assert (cache_root() / checkout / ".git" / "shallow").is_file()
    # On a branch named as the ref: propose reads a stable/* branch there.
    branch = git(cache_root() / checkout, "branch", "--show-current")
    assert branch == ref[1:]
    assert document["central"] == {"path": str(cache_root() / checkout), "commit": None}


def test_a_moved_ref_is_fetched_again_and_an_unmoved_one_is_not(
    upstream: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"git+file://{upstream}@stable/2026.1"
    proj = project(tmp_path, "requests>=2\nPyYAML>=6\n")
    assert run_check(proj, url, capsys)[0] == 1  # PyYAML is not in the list
    (checkout,) = entries()
    marker = cache_root() / checkout / "marker"
    marker.write_text("")  # survives only while the copy is reused
    assert run_check(proj, url, capsys)[0] == 1
    assert marker.exists()
    commit_change(upstream, "PyYAML  # MIT\n" + GLOBAL, branch="stable/2026.1")
    assert run_check(proj, url, capsys)[0] == 0
    assert not marker.exists()
    assert entries() == [checkout]


def test_an_unreachable_remote_uses_the_cached_copy_with_a_warning(
    upstream: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"git+file://{upstream}@main"
    proj = project(tmp_path)
    assert run_check(proj, url, capsys)[0] == 0
    upstream.rename(tmp_path / "gone")
    code, _, err = run_check(proj, url, capsys)
    assert code == 0
    assert err.startswith(f"accord: warning: cannot reach file://{upstream}@main (")
    assert "using the cached copy at" in err


def test_an_unreachable_remote_without_a_cache_is_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    url = "git+https://user:secret@127.0.0.1:9/org/requirements@main"
    assert main(["validate", "--requirements", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "accord: error: cannot fetch requirements repo "
        "https://***@127.0.0.1:9/org/requirements@main: "
    )
    assert "secret" not in err and "user" not in err and err.count("\n") == 1
    assert not (tmp_path / "cache").exists() or not list(cache_root().iterdir())


def test_a_missing_ref_is_exit_2(
    upstream: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", f"git+file://{upstream}@no-such-branch"]) == 2
    assert "the remote has no branch or tag 'no-such-branch'" in capsys.readouterr().err


def test_a_failed_fetch_leaves_nothing_in_the_cache(
    upstream: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sha = git(upstream, "rev-parse", "HEAD")
    # A full commit id is fetched without a look-up; plain file:// refuses it.
    assert main(["validate", f"git+file://{upstream}@{'0' * 40}"]) == 2
    assert "cannot fetch requirements repo" in capsys.readouterr().err
    assert entries() == []
    git(upstream, "config", "uploadpack.allowAnySHA1InWant", "true")
    assert main(["validate", f"git+file://{upstream}@{sha}"]) == 0


def test_the_url_can_come_from_the_environment_and_pyproject(
    upstream: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    proj = project(tmp_path)
    (proj / "pyproject.toml").write_text(
        f'[tool.accord]\nrequirements = "git+file://{upstream}@v1"\n'
    )
    assert main(["check", str(proj)]) == 0
    monkeypatch.setenv("ACCORD_REQUIREMENTS", f"file://{upstream}")
    assert main(["check", str(proj)]) == 0
    assert len(entries()) == 2


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "--fix"],
        ["constraints", "generate", "--no-index"],
        ["constraints", "bump", "requests", "--no-index"],
        ["review-change"],
    ],
)
def test_commands_that_write_there_refuse_a_url(
    upstream: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert main([*argv, "--requirements", f"file://{upstream}"]) == 2
    err = capsys.readouterr().err
    assert "is a git URL, but" in err and "clone it" in err
    assert not cache_root().exists()  # refused before anything is fetched


@pytest.mark.parametrize("trailer", ["sha", "change-id"])
def test_depends_on_fetches_the_commit_into_the_cache(
    upstream: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], trailer: str
) -> None:
    git(upstream, "checkout", "-q", "-b", "review/add-yaml")
    (upstream / "global-requirements.txt").write_text("PyYAML  # MIT\n" + GLOBAL)
    git(upstream, "commit", "-q", "-am", "Add PyYAML\n\nChange-Id: I" + "a" * 40)
    proposed = git(upstream, "rev-parse", "HEAD")
    git(upstream, "checkout", "-q", "main")
    proj = project(tmp_path, "requests>=2\nPyYAML>=6\n")
    git(proj, "init", "-q", "-b", "main")
    git(proj, "add", "-A")
    reference = proposed if trailer == "sha" else "I" + "a" * 40
    git(proj, "commit", "-q", "-m", f"Use PyYAML\n\nDepends-On: {reference}\n")
    code, document, err = run_check(proj, f"git+file://{upstream}@main", capsys)
    assert code == 0, (document, err)
    assert document["central"]["commit"] == proposed  # type: ignore[index]


def test_fleet_finds_projects_in_the_current_directory_for_a_url(
    upstream: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project(tmp_path)  # tmp_path/proj, and tmp_path is the current directory
    argv = ["fleet", "check", "--requirements", f"file://{upstream}", "-j", "1"]
    assert main([*argv, "--format", "json"]) == 0, capsys.readouterr()
    (outcome,) = json.loads(capsys.readouterr().out)["projects"]
    assert (outcome["project"], outcome["status"]) == ("proj", "ok")


def test_an_interrupted_refresh_keeps_the_old_copy_and_leaves_no_debris(
    upstream: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from accord.locate import gitcache

    url = f"git+file://{upstream}@main"
    proj = project(tmp_path, "requests>=2\nPyYAML>=6\n")
    assert run_check(proj, url, capsys)[0] == 1
    (checkout,) = entries()
    commit_change(upstream, "PyYAML  # MIT\n" + GLOBAL)

    def interrupted(fresh: Path, remote: object) -> None:
        (fresh / "partial").write_text("")
        raise KeyboardInterrupt

    fetch = gitcache._fetch
    monkeypatch.setattr(gitcache, "_fetch", interrupted)
    assert main(["check", str(proj), "--requirements", url]) == 130
    assert entries() == [checkout]
    assert (
        "PyYAML"
        not in (cache_root() / checkout / "global-requirements.txt").read_text()
    )
    monkeypatch.setattr(gitcache, "_fetch", fetch)
    assert run_check(proj, url, capsys)[0] == 0
