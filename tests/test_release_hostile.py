"""The release commands that act (tag, branch, next, notes) on a deliverable
file they cannot read whole: refused at its file and line (exit 2), never
skipped as if it asked for nothing, and nothing done in git or on disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.cli import main

from .release_world import World, git, make_world

PATH = "deliverables/2026.1/acmelib.yaml"

# (how the change breaks the file, the line the message names or None)
BROKEN = [
    pytest.param(lambda text: text + "  - version: [\n", 21, id="not-yaml"),
    pytest.param(lambda text: text.replace("team: acme", "team: a\0"), 4, id="nul"),
    pytest.param(
        lambda text: text + "  - version: 1.1.1\n    projects: 7\n", 20, id="schema"
    ),
    pytest.param(lambda text: "", None, id="empty"),
    pytest.param(
        lambda text: text.replace("team: acme", "team: \xe9").encode("latin-1"),
        4,
        id="latin-1",
    ),
]


@pytest.fixture
def world(tmp_path: Path) -> World:
    return make_world(tmp_path)


def _break(world: World, how: object) -> bytes:
    path = world.deliverable()
    text = path.read_text()
    assert callable(how)
    broken = how(text)
    if isinstance(broken, bytes):
        path.write_bytes(broken)
    else:
        path.write_text(broken)
    return path.read_bytes()


def _tags(world: World) -> str:
    return git(world.lib, "tag", "-l")


def _where(line: int | None) -> str:
    return PATH if line is None else f"{PATH}:{line}"


@pytest.mark.parametrize(("how", "line"), BROKEN)
@pytest.mark.parametrize("command", ["tag", "branch"])
def test_a_broken_request_is_refused_not_skipped(
    world: World,
    capsys: pytest.CaptureFixture[str],
    command: str,
    how: object,
    line: int | None,
) -> None:
    _break(world, how)
    args = ["release", command, str(world.releases), "--base", "HEAD"]
    assert main([*args, "--git-base", str(world.base)]) == 2
    err = capsys.readouterr().err
    assert _where(line) in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert _tags(world) == ""  # nothing tagged
    assert git(world.lib, "branch", "--list", "stable/*") == "stable/2026.1"


def test_a_broken_file_outside_the_change_does_not_stop_tagging(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    other = world.releases / "deliverables" / "2026.1" / "other.yaml"
    other.write_text("team: [\n")
    world.commit_releases("a broken file, already merged")
    world.request("2026.1", ("1.1.1", "s1"))
    args = ["release", "tag", str(world.releases), "--base", "HEAD"]
    assert main([*args, "--git-base", str(world.base)]) == 0
    assert "1.1.1" in _tags(world)
    capsys.readouterr()


def test_tag_without_base_refuses_any_broken_file(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    other = world.releases / "deliverables" / "2026.1" / "other.yaml"
    other.write_text("team: [\n")
    args = ["release", "tag", str(world.releases), "--git-base", str(world.base)]
    assert main(args) == 2
    assert "deliverables/2026.1/other.yaml:2" in capsys.readouterr().err
    assert _tags(world) == ""


@pytest.mark.parametrize(("how", "line"), BROKEN)
def test_next_names_the_broken_file_and_writes_nothing(
    world: World, capsys: pytest.CaptureFixture[str], how: object, line: int | None
) -> None:
    before = _break(world, how)
    args = ["release", "next", "acmelib", "bugfix", "--releases", str(world.releases)]
    assert main([*args, "--git-base", str(world.base)]) == 2
    err = capsys.readouterr().err
    assert _where(line) in err and "no deliverable" not in err
    assert world.deliverable().read_bytes() == before


@pytest.mark.parametrize(("how", "line"), BROKEN)
def test_notes_names_the_broken_file(
    world: World, capsys: pytest.CaptureFixture[str], how: object, line: int | None
) -> None:
    _break(world, how)
    args = ["release", "notes", "acmelib", "--releases", str(world.releases)]
    assert main([*args, "--git-base", str(world.base)]) == 2
    err = capsys.readouterr().err
    assert _where(line) in err and "no releases" not in err


def test_a_character_yaml_refuses_is_one_line_at_its_line(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    _break(world, lambda text: text.replace("team: acme", "team: a\0"))
    args = ["release", "validate", str(world.releases), "--format", "json"]
    assert main(args) == 1
    out = capsys.readouterr().out
    assert '"line": 4' in out
    assert "<unicode string>" not in out and "\\n" not in out


# -- build and publish --------------------------------------------------------


def _dist(tmp_path: Path, *extra: str) -> Path:
    """A directory as `release build` leaves it (the files' bytes made up)."""
    import hashlib

    dist = tmp_path / "dist"
    dist.mkdir()
    lines = []
    for name in ("acmelib-1.1.0-py3-none-any.whl", "acmelib-1.1.0.tar.gz"):
        (dist / name).write_bytes(name.encode())
        lines.append(f"{hashlib.sha256(name.encode()).hexdigest()}  {name}\n")
    (dist / "SHA256SUMS").write_text("".join(lines) + "".join(extra))
    return dist


def _publish(dist: Path, capsys: pytest.CaptureFixture[str], *more: str) -> str:
    index = ["--index", "http://127.0.0.1:9/legacy/", *more]
    assert main(["release", "publish", str(dist), *index]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "uv publish" not in err
    return err


def test_publish_never_uploads_a_file_outside_the_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import hashlib

    secret = tmp_path / "acmelib-9.9.tar.gz"
    secret.write_text("not for the index\n")
    checksum = hashlib.sha256(secret.read_bytes()).hexdigest()
    dist = _dist(tmp_path, f"{checksum}  ../acmelib-9.9.tar.gz\n")
    assert "SHA256SUMS:3" in _publish(dist, capsys)


def test_publish_never_uploads_through_a_link_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dist = _dist(tmp_path)
    secret = tmp_path / "secret"
    wheel = dist / "acmelib-1.1.0-py3-none-any.whl"
    secret.write_bytes(wheel.read_bytes())
    wheel.unlink()
    wheel.symlink_to(secret)
    assert "acmelib-1.1.0-py3-none-any.whl" in _publish(dist, capsys)


def test_publish_names_a_line_that_is_no_checksum(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dist = _dist(tmp_path, "this is not a checksum line\n")
    assert "SHA256SUMS:3" in _publish(dist, capsys)


@pytest.mark.parametrize("what", ["missing", "a-file"])
def test_publish_of_no_directory_is_bad_usage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], what: str
) -> None:
    dist = tmp_path / "dist"
    if what == "a-file":
        dist.write_text("x\n")
    assert str(dist) in _publish(dist, capsys)


def test_publish_to_an_index_that_is_no_url_is_bad_usage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dist = _dist(tmp_path)
    assert main(["release", "publish", str(dist), "--index", "notaurl"]) == 2
    err = capsys.readouterr().err
    assert "--index" in err and "notaurl" in err and "uv publish" not in err


def test_build_of_a_version_that_is_no_version_is_bad_usage(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["release", "build", "org/acmelib", "1.1.0\x01", "--git-base"]
    out = tmp_path / "dist"
    assert main([*args, str(world.base), "--out", str(out)]) == 2
    assert "is not a version" in capsys.readouterr().err
    assert not out.exists()


def test_build_into_a_file_is_bad_usage_and_leaves_it(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git(world.lib, "tag", "-a", "-m", "r", "1.1.0", world.commits["c1"])
    out = tmp_path / "dist"
    out.write_text("mine\n")
    args = ["release", "build", "org/acmelib", "1.1.0", "--git-base"]
    assert main([*args, str(world.base), "--out", str(out), "--no-index"]) == 2
    err = capsys.readouterr().err
    assert "--out" in err and "not a directory" in err
    assert out.read_text() == "mine\n"


def test_build_never_writes_its_checksums_through_a_link_out(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git(world.lib, "tag", "-a", "-m", "r", "1.1.0", world.commits["c1"])
    out, victim = tmp_path / "dist", tmp_path / "victim"
    out.mkdir()
    victim.write_text("")  # empty: read as no checksums yet
    (out / "SHA256SUMS").symlink_to(victim)
    args = ["release", "build", "org/acmelib", "1.1.0", "--git-base"]
    assert main([*args, str(world.base), "--out", str(out), "--no-index"]) == 2
    assert "SHA256SUMS" in capsys.readouterr().err
    assert victim.read_text() == ""
    assert sorted(p.name for p in out.iterdir()) == ["SHA256SUMS"]


def test_run_never_writes_an_announcement_through_a_link_out(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A releases checkout may carry dist/NAME-VERSION.md as a link (to a
    file of the CI user's): the run stops at announce, the file untouched."""
    world.request("2026.1", ("1.1.1", "s1"))
    world.commit_releases("release 1.1.1")
    out, victim = tmp_path / "dist", tmp_path / "victim"
    out.mkdir()
    victim.write_text("not accord's\n")
    (out / "acmelib-1.1.1.md").symlink_to(victim)
    run = ["release", "run", str(world.releases), "--base", "HEAD~1", "--no-index"]
    code = main([*run, "--git-base", str(world.base), "--out", str(out)])
    assert code == 1
    assert "announce" in capsys.readouterr().out
    assert victim.read_text() == "not accord's\n"


def test_a_workdir_that_is_a_file_is_bad_usage(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workdir = tmp_path / "work"
    workdir.write_text("mine\n")
    args = ["release", "tag", str(world.releases), "--workdir", str(workdir)]
    assert main([*args, "--git-base", f"file://{world.base}"]) == 2
    err = capsys.readouterr().err
    assert "--workdir" in err and "not a directory" in err
    assert workdir.read_text() == "mine\n"


@pytest.mark.parametrize("what", ["empty-directory", "a-file"])
def test_run_checks_the_requirements_repo_before_doing_anything(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str], what: str
) -> None:
    """Not tagged, built and announced, then failed at the hand-off."""
    world.request("2026.1", ("1.1.1", "s1"))
    world.commit_releases("release 1.1.1")
    requirements = tmp_path / "requirements"
    if what == "a-file":
        requirements.write_text("x\n")
    else:
        requirements.mkdir()
    out = tmp_path / "dist"
    run = ["release", "run", str(world.releases), "--base", "HEAD~1", "--no-index"]
    run += ["--git-base", str(world.base), "--out", str(out)]
    assert main([*run, "--requirements", str(requirements)]) == 2
    err = capsys.readouterr().err
    assert "--requirements" in err and "upper-constraints.txt" in err
    assert _tags(world) == "" and not out.exists()


def test_publish_says_an_empty_checksum_file_lists_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dist = _dist(tmp_path)
    (dist / "SHA256SUMS").write_text("")
    err = _publish(dist, capsys)
    assert "SHA256SUMS lists no files" in err and "has no SHA256SUMS" not in err


def test_a_directory_named_like_a_request_is_refused_not_skipped(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    """deliverables/2026.1/other.yaml/ is no request file: tag says so at its
    path (exit 2, nothing tagged), and validate lists it, as any request file
    it cannot read."""
    (world.releases / "deliverables" / "2026.1" / "other.yaml").mkdir()
    args = ["release", "tag", str(world.releases), "--git-base", str(world.base)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "deliverables/2026.1/other.yaml" in err and "directory" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert _tags(world) == ""
    args = ["release", "validate", str(world.releases), "--format", "json"]
    assert main([*args, "--git-base", str(world.base)]) == 1
    out = capsys.readouterr().out
    assert '"path": "deliverables/2026.1/other.yaml"' in out and "R001" in out
