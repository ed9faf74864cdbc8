"""Hostile fleets: entries that leave the workspace, odd pins, a killed parent."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import accord
from accord.cli import main

from .conftest import EXAMPLES

SRC = Path(accord.__file__).resolve().parents[1]  # the accord under test


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "ws")
    return tmp_path / "ws"


def fleet(
    capsys: pytest.CaptureFixture[str], workspace: Path, *args: str
) -> tuple[int, str]:
    code = main(
        [*args[:2], "--requirements", str(workspace / "requirements"), *args[2:]]
    )
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        pytest.param("../victim", "leads outside the workspace", id="dotdot"),
        pytest.param("/tmp/victim", "absolute path", id="absolute"),
        pytest.param("org/" + "x" * 5000, "longer than 255", id="over-long"),
    ],
)
@pytest.mark.parametrize("command", ["check", "sync"])
def test_entries_outside_the_workspace_are_bad_input(
    workspace: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    entry: str,
    words: str,
    command: str,
) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "requirements.txt").write_text("requests>=2.20,<2.30\n")
    if entry.startswith("/"):
        entry = str(victim)
    (workspace / "requirements" / "projects.txt").write_text(f"billing\n{entry}\n")
    code, output = fleet(capsys, workspace, "fleet", command)
    assert code == 2
    assert "projects.txt:2" in output and words in output
    assert "Traceback" not in output
    assert (victim / "requirements.txt").read_text() == "requests>=2.20,<2.30\n"


def test_a_project_linked_out_of_the_workspace_is_broken_not_synced(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.move(workspace / "legacy-reports", tmp_path / "elsewhere")
    (workspace / "legacy-reports").symlink_to(tmp_path / "elsewhere")
    before = (tmp_path / "elsewhere" / "requirements.txt").read_text()
    code, output = fleet(capsys, workspace, "fleet", "sync", "--format", "json")
    assert code == 1
    projects = {p["project"]: p for p in json.loads(output)["projects"]}
    assert projects["legacy-reports"]["status"] == "broken"
    assert "leads outside" in projects["legacy-reports"]["message"]
    assert projects["billing"]["status"] == "ok"
    assert (tmp_path / "elsewhere" / "requirements.txt").read_text() == before


@pytest.mark.parametrize("where", ["project", "central"])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_arbitrary_equality_pins_do_not_stop_the_fleet(
    workspace: Path, capsys: pytest.CaptureFixture[str], where: str, jobs: str
) -> None:
    if where == "project":
        with (workspace / "billing" / "requirements.txt").open("a") as stream:
            stream.write("pbr===foo\n")
    else:
        repo = workspace / "requirements"
        with (repo / "global-requirements.txt").open("a") as stream:
            stream.write("pbr===foo  # Apache-2.0\n")
        with (repo / "upper-constraints.txt").open("a") as stream:
            stream.write("pbr===foo\n")
    for command in ("check", "sync"):
        code, output = fleet(
            capsys, workspace, "fleet", command, "--jobs", jobs, "--format", "json"
        )
        assert code == 1, output
        statuses = {p["project"]: p["status"] for p in json.loads(output)["projects"]}
        assert statuses["catalog"] == "ok"
        assert statuses["billing"] in {"ok", "failed"}


WORKER_SCRIPT = """
import os, sys, time
from pathlib import Path
import accord.fleet as fleet

marks = Path(sys.argv[2])

def slow(central, member, mode, options):
    (marks / str(os.getpid())).write_text("started")
    time.sleep(60)
    (marks / ("wrote-" + str(os.getpid()))).write_text("still here")
    raise SystemExit(0)

fleet.process = slow
repo = Path(sys.argv[1])
members = fleet.fleet_members(fleet.load_central_repo(repo), None)
fleet.run_fleet(repo, members, "sync", 2, fleet.SyncOptions(write=True))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork, prctl")
def test_workers_die_with_their_parent(workspace: Path, tmp_path: Path) -> None:
    marks = tmp_path / "marks"
    marks.mkdir()
    script = tmp_path / "parent.py"
    script.write_text(textwrap.dedent(WORKER_SCRIPT))
    parent = subprocess.Popen(
        [sys.executable, str(script), str(workspace / "requirements"), str(marks)],
        env={**os.environ, "PYTHONPATH": str(SRC)},
    )
    try:
        deadline = time.monotonic() + 30
        while len(list(marks.iterdir())) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        workers = [int(p.name) for p in marks.iterdir()]
        assert len(workers) == 2
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(pid) for pid in workers)
        assert not any(p.name.startswith("wrote-") for p in marks.iterdir())
    finally:
        parent.kill()
        parent.wait()
        for pid in [int(p.name) for p in marks.iterdir() if p.name.isdigit()]:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (dead, not yet reaped by init) counts as dead.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


# -- output -------------------------------------------------------------------


def test_fleet_sync_diff_prints_the_diffs_and_writes_nothing(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (workspace / "legacy-reports" / "requirements.txt").read_text()
    code, output = fleet(capsys, workspace, "fleet", "sync", "--diff")
    assert code == 1
    assert "--- a/legacy-reports/requirements.txt" in output
    assert "+SQLAlchemy>=1.4,<2.1" in output
    assert "would change" in output
    assert (workspace / "legacy-reports" / "requirements.txt").read_text() == before


def test_after_a_real_fleet_sync_the_table_says_changed(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output = fleet(capsys, workspace, "fleet", "sync", "--jobs", "2")
    assert code == 1  # legacy-reports keeps findings sync cannot fix
    assert "would change" not in output and "changed" in output
    assert "synced" in output and "to sync" not in output


def test_fleet_and_sync_findings_show_their_fix_at_a_path_that_opens_here(
    workspace: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(workspace.parent)
    _, output = fleet(capsys, workspace, "fleet", "check")
    assert "ws/legacy-reports/requirements.txt:6: error C002" in output
    assert "    fix: propose adding it to global-requirements.txt" in output
    main(["sync", "ws/legacy-reports", "--requirements", "ws/requirements"])
    output = capsys.readouterr().out
    assert "ws/legacy-reports/requirements.txt:6: error C002" in output
    assert "    fix: propose adding it to global-requirements.txt" in output


def test_the_fleet_summary_fits_80_columns(workspace: Path) -> None:
    import io

    from accord.fleet import Member, Outcome
    from accord.report.fleet import render_fleet_table

    long_name = "openstack/" + "very-long-project-name-" * 4
    outcomes = [
        Outcome(
            Member(long_name, 1, workspace / long_name),
            "broken",
            0,
            (),
            ("requirements.txt", "test-requirements.txt", "doc/requirements.txt"),
            "pyproject.toml:1: invalid TOML: " + "a long reason " * 20,
        ),
        Outcome(Member("nova", 2, workspace / "nova"), "ok", 12, (), ()),
    ]
    for mode in ("check", "sync"):
        stream = io.StringIO()
        render_fleet_table(mode, outcomes, stream, width=80)  # type: ignore[arg-type]
        table = stream.getvalue().split("fleet " + mode, 1)[1]
        assert max(len(line) for line in table.splitlines()) <= 80, table
        assert "very-long" in table and "broken" in table


def test_who_uses_lines_open_from_here(
    workspace: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(workspace.parent)
    main(["who-uses", "pyyaml", "--requirements", "ws/requirements"])
    assert "ws/legacy-reports/requirements.txt:3: PyYAML>=5.1" in (
        capsys.readouterr().out
    )


def test_a_file_edited_under_fleet_sync_is_a_conflict_and_kept(
    workspace: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = workspace / "legacy-reports" / "requirements.txt"

    def someone_edits(descriptor: int) -> None:
        if list(target.parent.glob(".*accord-tmp")):  # writing this project
            target.write_text("theirs>=1\n")

    monkeypatch.setattr(os, "fsync", someone_edits)
    code, output = fleet(
        capsys, workspace, "fleet", "sync", "--jobs", "1", "--format", "json"
    )
    monkeypatch.undo()
    assert code == 1
    projects = {p["project"]: p for p in json.loads(output)["projects"]}
    assert projects["legacy-reports"]["status"] == "conflict"
    assert "changed on disk" in projects["legacy-reports"]["message"]
    assert target.read_text() == "theirs>=1\n"
    assert not list(target.parent.glob(".*accord-tmp"))


def test_more_jobs_than_projects_start_no_more_workers_than_projects(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--jobs N on three projects starts three workers: --jobs 999999 started
    a process each (the machine's memory went, the kernel killed accord)."""
    from concurrent.futures import ProcessPoolExecutor

    import accord.fleet as fleet_module

    asked: list[int] = []

    class Counting(ProcessPoolExecutor):
        def __init__(self, max_workers: int, **kwargs: object) -> None:
            asked.append(max_workers)
            super().__init__(max_workers=max_workers, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fleet_module, "ProcessPoolExecutor", Counting)
    monkeypatch.setattr(fleet_module, "usable_cpus", lambda: 16)
    repo = workspace / "requirements"
    members = fleet_module.fleet_members(fleet_module.load_central_repo(repo), None)
    outcomes = fleet_module.run_fleet(
        repo, members, "check", 8, fleet_module.SyncOptions()
    )
    assert [o.member.name for o in outcomes] == [m.name for m in members]
    assert asked == [len(members)]


def test_a_huge_jobs_starts_no_more_workers_than_cpus(
    workspace: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """fleet check --jobs 999999 on twelve projects on a machine with three
    CPUs starts three worker processes, not one per project, and checks all."""
    from concurrent.futures import ProcessPoolExecutor

    import accord.fleet as fleet_module

    asked: list[int] = []

    class Counting(ProcessPoolExecutor):
        def __init__(self, max_workers: int, **kwargs: object) -> None:
            asked.append(max_workers)
            super().__init__(max_workers=max_workers, **kwargs)  # type: ignore[arg-type]

    names = [f"copy{i}" for i in range(12)]
    for name in names:
        shutil.copytree(workspace / "catalog", workspace / name)
    (workspace / "requirements" / "projects.txt").write_text("\n".join(names) + "\n")
    monkeypatch.setattr(fleet_module, "ProcessPoolExecutor", Counting)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    code, output = fleet(
        capsys, workspace, "fleet", "check", "--jobs", "999999", "--format", "json"
    )
    assert asked == [3]
    assert [p["project"] for p in json.loads(output)["projects"]] == names
    serial = fleet(
        capsys, workspace, "fleet", "check", "--jobs", "1", "--format", "json"
    )
    assert (code, output) == serial


@pytest.mark.parametrize("command", ["check", "sync"])
def test_a_project_spelt_two_ways_is_worked_on_once(
    workspace: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """./catalog, catalog/ and a symlink to catalog are the project catalog:
    fleet check/sync show (and sync writes) it once, as validate's G013 says."""
    (workspace / "link").symlink_to(workspace / "catalog", target_is_directory=True)
    (workspace / "requirements" / "projects.txt").write_text(
        "catalog\n./catalog\ncatalog/\nlink\nbilling\n./billing/\n"
    )
    code, output = fleet(capsys, workspace, "fleet", command, "--format", "json")
    assert code in (0, 1), output
    projects = [p["project"] for p in json.loads(output)["projects"]]
    assert projects == ["catalog", "billing"]
