"""Hostile files: links out of the project, non-regular files, failing writes.

Each test builds the hostile tree in tmp_path and expects a clear error
(exit 2 for bad input, 1 for a lost race), never a traceback, and no write
outside the project or of a half-made file.
"""

from __future__ import annotations

import errno
import os
import sys
import tempfile
import time
from pathlib import Path

import pytest

from accord import files, writes
from accord.cli import main
from accord.errors import InputError

from .test_check import GLOBAL, PINS

DRIFTED = "alembic>=1.0\n"  # sync adds the central !=1.2.0
SYNCED = "alembic>=1.0,!=1.2.0\n"


@pytest.fixture
def central(tmp_path: Path) -> Path:
    repo = tmp_path / "requirements"
    repo.mkdir()
    (repo / "global-requirements.txt").write_text(GLOBAL)
    (repo / "upper-constraints.txt").write_text(PINS)
    return repo


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "requirements.txt").write_text(DRIFTED)
    return root


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    victim = tmp_path / "outside"
    victim.mkdir()
    (victim / "requirements.txt").write_text(DRIFTED)
    return victim


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


# -- containment ------------------------------------------------------------


def test_sync_does_not_write_through_a_directory_link_out(
    project: Path, central: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "doc").symlink_to(outside)
    code, output = run(capsys, "sync", str(project), "--requirements", str(central))
    assert code == 2
    assert "doc/requirements.txt" in output and "leads outside" in output
    assert (outside / "requirements.txt").read_text() == DRIFTED
    assert (project / "requirements.txt").read_text() == DRIFTED  # nothing written


def test_include_through_a_linked_directory_is_refused(
    project: Path, central: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "sub").symlink_to(outside)
    (project / "requirements.txt").write_text(DRIFTED + "-r sub/requirements.txt\n")
    code, output = run(capsys, "sync", str(project), "--requirements", str(central))
    assert code == 2
    assert "sub/requirements.txt" in output and "leads outside" in output
    assert (outside / "requirements.txt").read_text() == DRIFTED


def test_a_link_inside_the_project_is_kept_and_its_target_written(
    project: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "test-requirements.txt").symlink_to("requirements.txt")
    code, _ = run(capsys, "sync", str(project), "--requirements", str(central))
    assert code in (0, 1)  # the second file is a duplicate, whatever is reported
    assert (project / "test-requirements.txt").is_symlink()
    assert (project / "requirements.txt").read_text() == SYNCED


@pytest.mark.parametrize(
    "pattern", ["../*/requirements.txt", "/etc/*", "docs/../../x.txt"]
)
def test_requirement_files_globs_cannot_leave_the_project(
    project: Path,
    central: Path,
    outside: Path,
    capsys: pytest.CaptureFixture[str],
    pattern: str,
) -> None:
    (central / "accord.toml").write_text(f"requirement-files = [{pattern!r}]\n")
    code, output = run(capsys, "check", str(project), "--requirements", str(central))
    assert code == 2
    assert "requirement-files" in output and "outside the project" in output
    assert "Traceback" not in output


# -- only regular files, bounded -------------------------------------------


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _dev_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _directory(path: Path) -> None:
    path.mkdir()


def _dangling(path: Path) -> None:
    path.symlink_to("nowhere.txt")


def _loop(path: Path) -> None:
    path.symlink_to(path.name)


NOT_REGULAR = [
    pytest.param(_fifo, "FIFO", id="fifo"),
    pytest.param(_dev_zero, "device|leads outside", id="dev-zero"),
    pytest.param(_directory, "directory", id="directory"),
    pytest.param(_dangling, "dangling", id="dangling-link"),
    pytest.param(_loop, "loop", id="link-loop"),
]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX special files")
@pytest.mark.parametrize(("make", "words"), NOT_REGULAR)
@pytest.mark.parametrize(
    "name", ["setup.cfg", "pyproject.toml", "doc/requirements.txt"]
)
def test_a_project_file_that_is_not_a_regular_file_is_an_error(
    project: Path,
    central: Path,
    capsys: pytest.CaptureFixture[str],
    make: object,
    words: str,
    name: str,
) -> None:
    (project / name).parent.mkdir(exist_ok=True)
    make(project / name)  # type: ignore[operator]
    code, output = run(capsys, "check", str(project), "--requirements", str(central))
    assert code == 2, output
    assert name in output
    assert any(word in output for word in words.split("|")), output


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX special files")
@pytest.mark.parametrize(("make", "words"), NOT_REGULAR)
@pytest.mark.parametrize("name", ["upper-constraints.txt", "accord.toml"])
def test_a_central_file_that_is_not_a_regular_file_is_an_error(
    project: Path,
    central: Path,
    capsys: pytest.CaptureFixture[str],
    make: object,
    words: str,
    name: str,
) -> None:
    (central / name).unlink(missing_ok=True)
    make(central / name)  # type: ignore[operator]
    code, output = run(capsys, "check", str(project), "--requirements", str(central))
    assert code == 2, output
    assert name in output
    assert any(word in output for word in words.split("|")), output


def test_a_file_growing_past_the_limit_is_refused_by_what_is_read(
    tmp_path: Path,
) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 101)
    with pytest.raises(InputError, match="is 101 bytes, more than the 100 bytes"):
        files.read_text(path, max_bytes=100)
    path.write_bytes(b"x" * 100)
    assert files.read_text(path, max_bytes=100) == "x" * 100
    # A regular file whose size says 0 but which has more to read.
    maps = Path("/proc/self/maps")
    if maps.exists():
        with pytest.raises(InputError, match="larger than the 100 bytes"):
            files.read_text(maps, max_bytes=100)


# -- writes that fail ---------------------------------------------------------


def _no_space(descriptor: int, data: object) -> int:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _read_only(*args: object, **kwargs: object) -> tuple[int, str]:
    raise OSError(errno.EROFS, os.strerror(errno.EROFS))


@pytest.mark.parametrize(
    ("target", "replacement", "words"),
    [
        pytest.param(os, ("write", _no_space), "disk is full", id="disk-full"),
        pytest.param(
            tempfile, ("mkstemp", _read_only), "read-only", id="read-only-directory"
        ),
    ],
)
def test_a_failing_write_is_a_clear_error_and_leaves_everything(
    project: Path,
    central: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    target: object,
    replacement: tuple[str, object],
    words: str,
) -> None:
    (project / "test-requirements.txt").write_text("SQLAlchemy>=2.0\n")
    monkeypatch.setattr(target, *replacement)
    code, output = run(capsys, "sync", str(project), "--requirements", str(central))
    monkeypatch.undo()
    assert code == 1  # a failed operation, not bad input
    assert words in output and "Traceback" not in output
    assert (project / "requirements.txt").read_text() == DRIFTED
    assert (project / "test-requirements.txt").read_text() == "SQLAlchemy>=2.0\n"
    assert not list(project.glob(".*accord-tmp"))


def test_a_file_changed_before_the_rename_is_kept_and_reported(
    project: Path,
    central: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def edit_then_fsync(descriptor: int) -> None:
        (project / "requirements.txt").write_text("theirs>=1\n")

    monkeypatch.setattr(os, "fsync", edit_then_fsync)
    code, output = run(capsys, "sync", str(project), "--requirements", str(central))
    monkeypatch.undo()
    assert code == 1
    assert "changed on disk" in output and "requirements.txt" in output
    assert (project / "requirements.txt").read_text() == "theirs>=1\n"
    assert not list(project.glob(".*accord-tmp"))


def test_stale_temporaries_of_dead_runs_are_removed_live_ones_kept(
    project: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = time.time() - 2 * writes.STALE_AFTER_DEAD
    dead = project / ".requirements.txt.999999999.abcd1234.accord-tmp"
    mine = project / f".requirements.txt.{os.getppid()}.abcd1234.accord-tmp"
    ancient = project / ".requirements.txt.x1y2z3ab.accord-tmp"
    young = project / ".other.txt.999999999.abcd1234.accord-tmp"
    stranger = project / ".requirements.txt.999999999.abcd1234.tmp"
    for path in (dead, mine, ancient, young, stranger):
        path.write_text("half a file")
    for path in (dead, mine, stranger):
        os.utime(path, (old, old))
    os.utime(ancient, (old - writes.STALE_AFTER, old - writes.STALE_AFTER))
    code, _ = run(capsys, "sync", str(project), "--requirements", str(central))
    assert code == 0
    assert not dead.exists() and not ancient.exists()
    assert mine.exists() and young.exists() and stranger.exists()


def test_a_central_file_linked_out_of_the_repo_is_refused(
    project: Path, central: Path, outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (outside / "pins.txt").write_text(PINS)
    (central / "upper-constraints.txt").unlink()
    (central / "upper-constraints.txt").symlink_to(outside / "pins.txt")
    code, output = run(capsys, "check", str(project), "--requirements", str(central))
    assert code == 2
    assert "upper-constraints.txt" in output and "leads outside" in output


TERMINATED_SCRIPT = """
import os, signal, sys
from pathlib import Path
from accord import writes

real_fsync = os.fsync

def terminated_mid_write(descriptor):
    os.kill(os.getpid(), signal.SIGTERM)  # arrives between write and rename
    real_fsync(descriptor)

os.fsync = terminated_mid_write
writes.write_atomic(Path(sys.argv[1]), "new\\n")
print("not reached: SIGTERM ends the process once the write is done")
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_a_termination_waits_for_the_write_and_leaves_no_temporary(
    tmp_path: Path,
) -> None:
    import signal
    import subprocess

    import accord

    target = tmp_path / "requirements.txt"
    target.write_text("old\n")
    script = tmp_path / "terminated.py"
    script.write_text(TERMINATED_SCRIPT)
    source = str(Path(accord.__file__).resolve().parents[1])
    done = subprocess.run(
        [sys.executable, str(script), str(target)],
        env={**os.environ, "PYTHONPATH": source},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == -signal.SIGTERM, done.stderr
    assert "not reached" not in done.stdout
    assert target.read_text() == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "requirements.txt",
        "terminated.py",
    ]


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600)])
def test_a_new_file_has_the_mode_the_umask_gives(
    tmp_path: Path, umask: int, mode: int
) -> None:
    """Not mkstemp's 0600 whatever the umask; an existing file keeps its own."""
    import stat

    old = os.umask(umask)
    try:
        writes.write_atomic(tmp_path / "new.txt", "x\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == mode
    (tmp_path / "new.txt").chmod(0o640)
    writes.write_atomic(tmp_path / "new.txt", "y\n")
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640
