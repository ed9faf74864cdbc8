"""check and sync agree: sync changes a line exactly where check says why.

Over the examples, OpenStack's real projects and generated projects in every
source format: every line sync would change carries a check finding, every
finding sync fixes (C003, C004, C005, C017) is at a line sync changes, sync
is idempotent, and nothing but the requirement (and a licence comment) moves.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from packaging.requirements import Requirement

from accord.central import CentralRepo, load_central_repo
from accord.cli import main
from accord.project import load_project
from accord.rules.check import BLOCKS_SYNC, FIXED_BY_SYNC, check_project
from accord.rules.contract import minimum_of
from accord.sync.plan import Change, SyncPlan, plan_sync
from accord.sync.splice import split_lines

from .conftest import EXAMPLES
from .test_check import GLOBAL, PINS

DATA = Path(__file__).parent / "data" / "projects"


def _plan(project: Path, central: CentralRepo) -> tuple[SyncPlan, list[tuple]]:
    loaded = load_project(project, central.config)
    findings = check_project(loaded, central)
    return plan_sync(loaded, central), [(f.rule, f.path, f.line) for f in findings]


def _changed_lines(plan: SyncPlan) -> set[tuple[str, int]]:
    changed = set()
    for update in plan.updates:
        old = split_lines(update.old_text)
        new = _rejoined(update.old_text, update.new_text)
        assert len(old) == len(new)  # no --prune here: no line comes or goes
        changed |= {
            (update.path, i)
            for i, (a, b) in enumerate(zip(old, new, strict=True), 1)
            if a != b
        }
    return changed


def assert_agree(project: Path, central: CentralRepo) -> SyncPlan:
    """Sync changes a line only for a finding it fixes, and fixes every one.

    A line with a finding that blocks sync (C011, C014, or C012 from sync
    itself) may keep its other findings; on a line holding several
    requirements (TOML) the others are still fixed.
    """
    plan, findings = _plan(project, central)
    changed = _changed_lines(plan)
    # A C005 whose fix says sync leaves the marker (no marker it could
    # write keeps the line to its Pythons, or another line has it) is not
    # one sync fixes (unless another C005 on that TOML line is).
    c005 = [
        f
        for f in check_project(load_project(project, central.config), central)
        if f.rule == "C005"
    ]
    fixed_there = {
        (f.path, f.line) for f in c005 if "accord sync does" in (f.fix or "")
    }
    left = {("C005", f.path, f.line) for f in c005} - {
        ("C005", *where) for where in fixed_there
    }
    findings = [f for f in findings if f not in left]
    fixable = {(p, line) for rule, p, line in findings if rule in FIXED_BY_SYNC}
    blocked = {(p, line) for rule, p, line in findings if rule in BLOCKS_SYNC}
    blocked |= {(f.path, f.line) for f in plan.findings if f.rule == "C012"}
    assert changed <= fixable, "sync changes lines check finds nothing wrong with"
    assert fixable - blocked <= changed, "check shows a fix sync does not make"
    promised = {
        (f.path, f.line)
        for f in check_project(load_project(project, central.config), central)
        if "accord sync does" in (f.fix or "")
    }
    # (unless sync says why not: C012, e.g. a setup.cfg line setuptools
    # cannot read, which check reports as C001 there too)
    assert promised - blocked <= changed, "'accord sync does' where sync does not"
    # C006 is fixed by sync only under lower-bounds = "central".
    fixed = FIXED_BY_SYNC | (
        {"C006"} if central.config.lower_bounds == "central" else set()
    )
    silent = {
        (f.rule, f.path, f.line)
        for f in check_project(load_project(project, central.config), central)
        if f.rule in fixed
        and "sync leaves" not in (f.fix or "")  # it says so
        and (f.path, f.line) in changed - blocked
        and "accord sync does" not in (f.fix or "")
    }
    assert not silent, "sync changes a line whose fix text does not say so"
    return plan


@pytest.mark.parametrize("name", ["billing", "catalog", "legacy-reports"])
def test_examples_check_and_sync_agree(name: str) -> None:
    central = load_central_repo(EXAMPLES / "requirements")
    plan = assert_agree(EXAMPLES / name, central)
    if name == "billing":  # the case of issue 11: a licence comment only
        assert [(c.path, c.licence) for c in plan.changes] == [
            ("doc/requirements.txt", ("BSD", "BSD-2-Clause"))
        ]


@pytest.mark.parametrize("name", ["nova", "cinder", "neutron"])
def test_openstack_projects_check_and_sync_agree(shared_data: Path, name: str) -> None:
    plan = assert_agree(DATA / name, load_central_repo(shared_data / "openstack"))
    for change in plan.changes:  # never ">=4.5.0,!=4.5.0"
        assert change.new is not None
        assert_allows_its_minimum(change.new)


@pytest.mark.parametrize("data", ["openstack", "openstack-2017", "openstack-2019"])
@pytest.mark.parametrize("name", ["billing", "catalog", "legacy-reports"])
def test_examples_agree_with_openstacks_central_files(
    shared_data: Path, data: str, name: str
) -> None:
    assert_agree(EXAMPLES / name, load_central_repo(shared_data / data))


def test_a_line_sync_leaves_is_not_promised_to_sync(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """requests>=2.20,<2.30 against requests!=2.20.0: sync leaves the line
    (C014: it would exclude its own minimum), so its C003 and C004 do not
    say sync fixes them."""
    repo = tmp_path / "requirements"
    repo.mkdir()
    (repo / "global-requirements.txt").write_text(
        "requests!=2.20.0,!=2.24.0  # Apache-2.0\n"
    )
    (repo / "upper-constraints.txt").write_text("requests===2.32.3\n")
    project = tmp_path / "proj"
    project.mkdir()
    (project / "requirements.txt").write_text("requests>=2.20,<2.30\n")
    assert main(["check", str(project), "--requirements", str(repo)]) == 1
    out = capsys.readouterr().out
    assert "C003" in out and "C004" in out and "C014" in out
    assert "accord sync does" not in out
    assert main(["sync", str(project), "--requirements", str(repo)]) == 1
    assert (project / "requirements.txt").read_text() == "requests>=2.20,<2.30\n"


@pytest.mark.parametrize(
    ("policy", "line", "rule"),
    [
        pytest.param("project", "xattr>=1.0; sys_platform == 'linux'", "C005",
                     id="C005-marker"),
        pytest.param("central", "alembic>=1.0,!=1.2.0", "C006", id="C006-central"),
    ],
)  # fmt: skip
def test_a_line_sync_rewrites_says_so_in_its_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], policy: str, line: str,
    rule: str,
) -> None:  # fmt: skip
    """The fix text of a finding sync fixes says "(accord sync does)"."""
    repo = tmp_path / "requirements"
    repo.mkdir()
    (repo / "global-requirements.txt").write_text(
        "alembic>=1.13.0,!=1.2.0  # MIT\nxattr;sys_platform!='win32'  # MIT\n"
    )
    (repo / "upper-constraints.txt").write_text("alembic===1.16.5\nxattr===1.2.0\n")
    (repo / "accord.toml").write_text(f'lower-bounds = "{policy}"\n')
    project = tmp_path / "proj"
    project.mkdir()
    (project / "requirements.txt").write_text(line + "\n")
    args = [str(project), "--requirements", str(repo)]
    assert main(["check", *args, "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    fixes = [f["fix"] for f in findings if f["rule"] == rule]
    assert fixes and all("(accord sync does)" in fix for fix in fixes), findings
    main(["sync", *args])
    capsys.readouterr()
    assert main(["check", *args, "--format", "json"]) == 0
    assert rule not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("lines", "kept"),
    [
        pytest.param(
            ["xattr>=1.0;sys_platform=='win32'", "xattr>=1.0;sys_platform=='darwin'"],
            2,
            id="both-rewritten-alike",
        ),
        pytest.param(
            ["xattr>=1.0;sys_platform=='darwin'", "xattr>=1.0;sys_platform!='win32'"],
            1,
            id="one-already-central",
        ),
        pytest.param(
            [
                "xattr>=1.0,<2;sys_platform=='darwin'",
                "xattr>=1.1;sys_platform!='win32'",
            ],
            1,
            id="specifiers-still-fixed",
        ),
    ],
)
def test_sync_never_writes_a_library_twice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lines: list[str], kept: int
) -> None:
    """Two lines whose markers sync would both set to the central one: the
    first is rewritten, the other keeps its marker, and check's C005 there
    says to merge them rather than promise sync does; nothing reads as C008
    (listed twice) after a sync."""
    repo = tmp_path / "requirements"
    repo.mkdir()
    (repo / "global-requirements.txt").write_text(GLOBAL)
    (repo / "upper-constraints.txt").write_text(PINS)
    project = tmp_path / "proj"
    project.mkdir()
    (project / "requirements.txt").write_text("".join(f"{x}\n" for x in lines))
    args = [str(project), "--requirements", str(repo), "--format", "json"]
    assert main(["check", *args]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    c005 = {f["line"]: f["fix"] for f in findings if f["rule"] == "C005"}
    other = 3 - kept
    assert "(accord sync does)" not in c005[kept]
    assert f"merge it with line {other}" in c005[kept]
    assert main(["sync", *args]) == 1  # the C005 left
    capsys.readouterr()
    assert main(["check", *args]) == 1
    after = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["rule"], f["line"]) for f in after] == [("C005", kept)]
    assert after[0]["fix"] == c005[kept]
    synced = (project / "requirements.txt").read_text().splitlines()
    assert synced[kept - 1].endswith(lines[kept - 1].partition(";")[2])
    assert main(["sync", *args]) == 1  # and a second sync changes nothing
    assert json.loads(capsys.readouterr().out)["changes"] == []


def test_two_entries_of_one_toml_line_are_not_given_one_marker(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "requirements"
    repo.mkdir()
    (repo / "global-requirements.txt").write_text(GLOBAL)
    (repo / "upper-constraints.txt").write_text(PINS)
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[project]\nname = "p"\nversion = "1"\ndependencies = ['
        "\"xattr>=1.0;sys_platform=='win32'\", \"xattr>=1.0;sys_platform=='darwin'\"]\n"
    )
    args = [str(project), "--requirements", str(repo), "--format", "json"]
    assert main(["sync", *args]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [c["old"] for c in report["changes"]] == ["xattr>=1.0;sys_platform=='win32'"]
    [c005] = [f for f in report["findings"] if f["rule"] == "C005"]
    assert "merge it with the other xattr entry on this line" in c005["fix"]
    assert main(["check", *args]) == 1
    rules = [f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]]
    assert rules == ["C005"]


def assert_allows_its_minimum(text: str) -> None:
    specifier = Requirement(text).specifier
    floor = minimum_of(specifier)
    assert floor is None or specifier.contains(floor, prereleases=True), text


_NAMES = ["alembic", "oslo.config", "PyYAML", "SQLAlchemy", "xattr", "tomli"]
_SPECS = st.lists(
    st.sampled_from(
        [">=1.0", ">=1.2.0", "!=1.2.0", "<2.1", "<3", "!=2.0.5", ">=1.3", "==2.0.1"]
    ),
    min_size=1,
    max_size=3,
    unique=True,
)
_MARKERS = st.sampled_from(
    [
        "",
        ";sys_platform!='win32'",
        ";python_version<'3.11'",
        "; sys_platform == 'linux'",
        # A Python narrowing sync keeps when it replaces the marker.
        ";python_version<'3.12'",
        "; sys_platform == 'linux' and python_version >= '3.11'",
    ]
)
_COMMENTS = st.sampled_from(
    ["", "  # MIT", "  # BSD", "  # Apache-2.0/BSD", "  # MIT License", "  # a note"]
)


@st.composite
def _entries(draw: st.DrawFn, hashes: bool) -> list[tuple[str, str, str]]:
    """(requirement, option, comment) per library, each library once."""
    names = draw(st.lists(st.sampled_from(_NAMES), max_size=5, unique=True))
    entries = []
    for name in names:
        kind = draw(
            st.sampled_from(
                ["spec", "spec", "url", "hash"] if hashes else ["spec", "spec", "url"]
            )
        )
        marker = draw(_MARKERS)
        if kind == "url":
            url = f"https://example.org/{name}-1.0.tar.gz"
            text = f"{name} @ {url}{' ' if marker else ''}{marker}"
        elif kind == "hash":
            text = f"{name}=={draw(st.sampled_from(['1.2.0', '2.0.1']))}{marker}"
        else:
            text = f"{name}{','.join(draw(_SPECS))}{marker}"
        option = " --hash=sha256:00" if kind == "hash" else ""
        entries.append((text, option, draw(_COMMENTS)))
    return entries


def _requirements_txt(entries: list[tuple[str, str, str]]) -> str:
    return "# top\n\n" + "".join(f"{t}{o}{c}\n" for t, o, c in entries) + "-e ./x\n"


def _setup_cfg(entries: list[tuple[str, str, str]], first_on_key: bool) -> str:
    lines = [f"{t}{c}\n" for t, _, c in entries]
    head = lines.pop(0) if first_on_key and lines else "\n"
    body = "".join(f"    {line}" for line in lines)
    return (
        "[metadata]\nname = p\n\n[options]\ninstall_requires = "
        f"{head.lstrip()}{body}\n[other]\nk = v  # kept\n"
    )


def _pyproject(entries: list[tuple[str, str, str]], per_line: int) -> str:
    rows = []
    for start in range(0, len(entries), per_line):
        chunk = entries[start : start + per_line]
        items = " ".join(f"{tomlkit.string(t).as_string()}," for t, _, _ in chunk)
        rows.append(f"    {items}{chunk[-1][2]}\n")
    return (
        '[project]\nname = "p"\nversion = "1"\ndependencies = [\n'
        + "".join(rows)
        + ']\n\n[tool.x]\nkeep = "me"  # kept\n'
    )


def _rejoined(old_text: str, new_text: str) -> list[str]:
    """The lines of ``new_text``, with each setup.cfg value sync moved below
    its key (so that setuptools keeps its marker: it splits a value written
    only on the key's line at ';') joined back onto the key's line."""
    old, new = split_lines(old_text), split_lines(new_text)
    lines: list[str] = []
    while new:
        line = new.pop(0)
        before = old[len(lines)] if len(lines) < len(old) else ""
        if (
            new
            and line.rstrip().endswith(("=", ":"))
            and not before.rstrip().endswith(("=", ":"))
        ):
            line = f"{line.rstrip()}{_JOINED}{new.pop(0).lstrip()}"
        lines.append(line)
    return lines


_JOINED = " \2 "  # where _rejoined joined a value back onto its key's line


def _residue(line: str, changes: list[Change], toml: bool, new: bool) -> str:
    """``line`` without the requirement texts and licences sync may change."""
    for change in changes:
        text = (change.new if new else change.old) or ""
        literals = [text]
        if toml:
            literals = [f'"{text}"', f"'{text}'", tomlkit.string(text).as_string()]
        for literal in literals:
            line = line.replace(literal, "\0")
        if change.licence is not None:
            line = line.replace(change.licence[1 if new else 0], "\1")
    return line


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    fmt=st.sampled_from(["requirements.txt", "setup.cfg", "pyproject.toml"]),
    entries=st.data(),
    per_line=st.integers(min_value=1, max_value=3),
    crlf=st.booleans(),
)
def test_sync_is_idempotent_moves_nothing_else_and_agrees_with_check(
    tmp_path_factory: pytest.TempPathFactory,
    fmt: str,
    entries: st.DataObject,
    per_line: int,
    crlf: bool,
) -> None:
    drawn = entries.draw(_entries(hashes=fmt == "requirements.txt"))
    base = tmp_path_factory.mktemp("contract")
    repo = base / "requirements"
    repo.mkdir()
    (repo / "global-requirements.txt").write_text(GLOBAL)
    (repo / "upper-constraints.txt").write_text(PINS)
    central = load_central_repo(repo)
    project = base / "proj"
    project.mkdir()
    if fmt == "requirements.txt":
        text = _requirements_txt(drawn)
    elif fmt == "setup.cfg":
        text = _setup_cfg(drawn, per_line > 1)
    else:
        text = _pyproject(drawn, per_line)
    if crlf:
        text = text.replace("\n", "\r\n")
    (project / fmt).write_bytes(text.encode())

    plan = assert_agree(project, central)
    new_text = text
    for update in plan.updates:
        new_text = update.new_text
    by_line: dict[int, list[Change]] = {}
    for change in plan.changes:
        by_line.setdefault(change.line, []).append(change)
    toml = fmt == "pyproject.toml"
    for number, (old, new) in enumerate(
        zip(split_lines(text), _rejoined(text, new_text), strict=True), 1
    ):
        changes = by_line.get(number, [])
        before, after = (
            _residue(old, changes, toml, False),
            _residue(new, changes, toml, True),
        )
        if _JOINED in after:  # only the space around the "=" may differ
            before = " ".join(before.split())
            after = " ".join(after.replace(_JOINED, " ").split())
        assert before == after
    for change in plan.changes:
        assert change.new is not None
        assert "--hash" not in change.new
        if change.new != change.old:
            assert_allows_its_minimum(change.new)
        assert ("@" in change.old) == ("@" in change.new)  # a URL stays
        if "@" in change.old:
            assert change.old.split(";")[0].strip() == change.new.split(";")[0].strip()

    (project / fmt).write_bytes(new_text.encode())
    again, found = _plan(project, central)
    assert again.updates == ()  # one run fixed every requirement
    twice = [(p, line) for rule, p, line in found if rule == "C008"]
    assert len(twice) == sum(f.rule == "C008" for f in plan.findings)  # none new
    assert (project / fmt).read_bytes() == new_text.encode()


def test_fleet_shows_a_finding_wherever_sync_would_change_a_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """No fleet row reads "ok, 0 warnings" beside files sync would change."""
    args = ["fleet", "check", "--requirements", str(EXAMPLES / "requirements")]
    main([*args, "--format", "json"])
    rows = json.loads(capsys.readouterr().out)["projects"]
    assert any(row["changed_files"] for row in rows)
    for row in rows:
        flagged = {f["path"] for f in row["findings"]}
        assert set(row["changed_files"]) <= flagged, row["project"]
        if row["changed_files"]:
            assert row["errors"] + row["warnings"] > 0, row["project"]
