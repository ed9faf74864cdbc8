"""accord sync: rewrite a project's sources, keeping everything else."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.cli import main

from .test_check import GLOBAL, PINS


@pytest.fixture
def central(tmp_path: Path) -> Path:
    repo = tmp_path / "requirements"
    repo.mkdir()
    (repo / "global-requirements.txt").write_text(GLOBAL)
    (repo / "upper-constraints.txt").write_text(PINS)
    (repo / "denylist.txt").write_text("flake8\n")
    return repo


def make_project(tmp_path: Path, **files: str) -> Path:
    project = tmp_path / "proj"
    for name, text in files.items():
        path = project / name.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode())
    return project


def sync(project: Path, central: Path, *extra: str) -> int:
    return main(["sync", str(project), "--requirements", str(central), *extra])


def read(project: Path, name: str) -> str:
    return (project / name).read_bytes().decode()


REQUIREMENTS_BEFORE = (
    "# our deps\r\n"
    "-c https://example.org/upper.txt\r\n"
    "\r\n"
    "alembic>=1.0  # MIT, needed for migrations\r\n"
    "oslo.config>=9.0  # Apache-2.0\r\n"
    "SQLAlchemy>=2.0,<3,!=2.0.5\r\n"
    "xattr>=1.0\r\n"
    "-e git+https://example.org/x.git#egg=x\r\n"
    "simplejson>=3\r\n"
    "flake8<8"
)
REQUIREMENTS_AFTER = (
    "# our deps\r\n"
    "-c https://example.org/upper.txt\r\n"
    "\r\n"
    "alembic>=1.0,!=1.2.0  # MIT, needed for migrations\r\n"
    "oslo.config>=9.0  # Apache-2.0\r\n"
    "SQLAlchemy>=2.0,<2.1\r\n"
    "xattr>=1.0;sys_platform!='win32'\r\n"
    "-e git+https://example.org/x.git#egg=x\r\n"
    "simplejson>=3\r\n"
    "flake8<8"
)

PYPROJECT_BEFORE = """\
[build-system]
requires = ["setuptools"]  # not checked

[project]
name = "p"
version = "1"
dependencies = [
    # the ORM
    'SQLAlchemy >= 2.0',  # MIT
    "oslo.config>=9.0",
    "simplejson",
]

[project.optional-dependencies]
yaml = ["PyYAML>=6; sys_platform == 'win32'", "alembic>=1.3"]

[dependency-groups]
test = ["alembic>=1.0", {include-group = "lint"}]
lint = ["flake8"]

[tool.other]
keep = "me"   # untouched
"""


def test_requirements_file_rewritten_line_by_line(
    tmp_path: Path, central: Path
) -> None:
    project = make_project(tmp_path, **{"requirements.txt": REQUIREMENTS_BEFORE})
    assert sync(project, central) == 1  # simplejson remains: not in the list
    assert read(project, "requirements.txt") == REQUIREMENTS_AFTER
    assert sync(project, central) == 1
    assert read(project, "requirements.txt") == REQUIREMENTS_AFTER


def test_pyproject_keeps_layout_comments_and_quotes(
    tmp_path: Path, central: Path
) -> None:
    project = make_project(tmp_path, **{"pyproject.toml": PYPROJECT_BEFORE})
    sync(project, central)
    after = read(project, "pyproject.toml")
    expected = (
        PYPROJECT_BEFORE.replace("'SQLAlchemy >= 2.0'", "'SQLAlchemy>=2.0,<2.1'")
        .replace("\"PyYAML>=6; sys_platform == 'win32'\"", '"PyYAML>=6"')
        .replace('"alembic>=1.0"', '"alembic>=1.0,!=1.2.0"')
    )
    assert after == expected


def test_prune_removes_unlisted_and_says_so(
    tmp_path: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(
        tmp_path,
        **{"pyproject.toml": PYPROJECT_BEFORE, "requirements.txt": REQUIREMENTS_BEFORE},
    )
    assert sync(project, central, "--prune") == 0
    out = capsys.readouterr().out
    assert "simplejson  ->  (removed)" in out
    assert "simplejson" not in read(project, "pyproject.toml")
    assert "simplejson" not in read(project, "requirements.txt")
    assert "flake8" in read(project, "requirements.txt")  # denylisted: left alone


def test_diff_and_check_write_nothing(
    tmp_path: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path, **{"requirements.txt": "alembic>=1.0\n"})
    assert sync(project, central, "--diff") == 0
    out = capsys.readouterr().out
    assert "-alembic>=1.0\n+alembic>=1.0,!=1.2.0\n" in out
    assert sync(project, central, "--check") == 1
    assert read(project, "requirements.txt") == "alembic>=1.0\n"
    assert sync(project, central) == 0
    assert sync(project, central, "--check") == 0


def test_unreadable_source_blocks_every_write(tmp_path: Path, central: Path) -> None:
    project = make_project(
        tmp_path,
        **{
            "requirements.txt": "alembic>=1.0\n",
            "test-requirements.txt": "SQLAlchemy>=2.0\nbroken>=\n",
        },
    )
    assert sync(project, central) == 1
    assert read(project, "requirements.txt") == "alembic>=1.0\n"
    assert read(project, "test-requirements.txt") == "SQLAlchemy>=2.0\nbroken>=\n"


def test_setup_cfg_edited_in_place(tmp_path: Path, central: Path) -> None:
    text = (
        "[metadata]\nname = p\n\n[options]\ninstall_requires =\n"
        "    alembic>=1.0  # MIT\n    PyYAML>=6\n\n[extras]\nx =\n  SQLAlchemy>=2\n"
    )
    project = make_project(tmp_path, **{"setup.cfg": text})
    assert sync(project, central) == 0
    assert read(project, "setup.cfg") == text.replace(
        "alembic>=1.0", "alembic>=1.0,!=1.2.0"
    ).replace("SQLAlchemy>=2\n", "SQLAlchemy>=2,<2.1\n")


def test_setup_cfg_percent_signs_are_written_as_configparser_reads_them(
    tmp_path: Path, central: Path
) -> None:
    """setuptools reads setup.cfg through configparser, where ``%%`` is one
    ``%``: a requirement holding one is found, removed and rewritten in the
    file's own spelling."""
    text = (
        "[metadata]\nname = p\n\n[options]\ninstall_requires =\n"
        "    zzz @ https://example.org/zzz-1.0%%2Bx-py3-none-any.whl\n"
        "    alembic>=1.0  # 100%% MIT\n"
    )
    project = make_project(tmp_path, **{"setup.cfg": text})
    assert sync(project, central, "--prune") == 0
    assert read(project, "setup.cfg") == (
        "[metadata]\nname = p\n\n[options]\ninstall_requires =\n"
        "    alembic>=1.0,!=1.2.0  # 100%% MIT\n"
    )


def test_json_output(
    tmp_path: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path, **{"requirements.txt": "alembic>=1.0\nzzz>=1\n"})
    assert sync(project, central, "--format", "json", "--diff") == 1
    document = json.loads(capsys.readouterr().out)
    assert document["written"] is False
    assert document["changes"] == [
        {
            "path": "requirements.txt",
            "line": 1,
            "old": "alembic>=1.0",
            "new": "alembic>=1.0,!=1.2.0",
            "licence": None,
        }
    ]
    assert [(f["rule"], f["line"]) for f in document["findings"]] == [("C002", 2)]


_NAMES = st.sampled_from(
    ["alembic", "oslo.config", "PyYAML", "SQLAlchemy", "xattr", "tomli"]
)
_SPECS = st.lists(
    st.sampled_from(
        [">=1.0", ">=2.0", "!=1.2.0", "<2.1", "<3", "!=2.0.5", ">=1.3", "!=1.4"]
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
    ]
)
_LINES = st.builds(lambda n, s, m: f"{n}{','.join(s)}{m}", _NAMES, _SPECS, _MARKERS)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(
        _LINES,
        max_size=6,
        unique_by=lambda line: line.split(">")[0].split("<")[0].split("!")[0],
    )
)
def test_sync_is_idempotent_and_leaves_no_fixable_findings(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str]
) -> None:
    base = tmp_path_factory.mktemp("prop")
    repo = base / "requirements"
    repo.mkdir()
    (repo / "global-requirements.txt").write_text(GLOBAL)
    (repo / "upper-constraints.txt").write_text(PINS)
    project = base / "proj"
    project.mkdir()
    (project / "requirements.txt").write_text("\n".join(lines) + "\n")
    sync(project, repo)
    once = read(project, "requirements.txt")
    sync(project, repo)
    assert read(project, "requirements.txt") == once
    after = _json(["sync", str(project), "--requirements", str(repo), "--check"])
    assert after["changes"] == []
    findings = _json(["check", str(project), "--requirements", str(repo)])["findings"]
    assert not {"C003", "C004", "C005"} & {f["rule"] for f in findings}


def _json(args: list[str]) -> dict[str, Any]:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        main([*args, "--format", "json"])
    return dict(json.loads(buffer.getvalue()))


def test_licence_comments_follow_the_global_list(tmp_path: Path, central: Path) -> None:
    requirements = (
        "alembic>=1.0,!=1.2.0  # BSD\n"  # conforms, but the licence is wrong
        "oslo.config>=9.0  # Apache 2.0 License\n"  # same licence, other words
        "PyYAML>=6  # MIT, pinned by ops\n"  # the user's words: left alone
        "SQLAlchemy>=2.0  # GPL # keep this note\n"
    )
    pyproject = (
        '[project]\nname = "p"\nversion = "1"\ndependencies = [\n'
        '    "oslo.config>=9.0",  # BSD\n'
        '    "alembic>=1.0", "PyYAML>=6",  # BSD\n'
        "]\n"
    )
    project = make_project(
        tmp_path, **{"requirements.txt": requirements, "pyproject.toml": pyproject}
    )
    assert sync(project, central) == 0
    assert read(project, "requirements.txt") == (
        "alembic>=1.0,!=1.2.0  # MIT\n"
        "oslo.config>=9.0  # Apache 2.0 License\n"
        "PyYAML>=6  # MIT, pinned by ops\n"
        "SQLAlchemy>=2.0,<2.1  # MIT # keep this note\n"
    )
    assert read(project, "pyproject.toml") == pyproject.replace(
        '"oslo.config>=9.0",  # BSD', '"oslo.config>=9.0",  # Apache-2.0'
    ).replace('"alembic>=1.0"', '"alembic>=1.0,!=1.2.0"')
    assert sync(project, central, "--check") == 0


def test_sync_keeps_urls_and_hashed_pins(tmp_path: Path, central: Path) -> None:
    """Sync never changes what gets installed beyond the contract (issue 12)."""
    requirements = (
        "xattr @ https://example.org/xattr-1.2.tar.gz\n"
        "alembic @ https://example.org/alembic-1.3.tar.gz\n"
        "SQLAlchemy==2.0.44 --hash=sha256:00\n"
        "PyYAML==6.0.3 \\\n    --hash=sha256:11\n"
    )
    project = make_project(tmp_path, **{"requirements.txt": requirements})
    assert sync(project, central) == 0  # C018 for alembic's URL is a warning
    assert read(project, "requirements.txt") == requirements.replace(
        "xattr-1.2.tar.gz", "xattr-1.2.tar.gz ;sys_platform!='win32'"
    )
    findings = _json(["check", str(project), "--requirements", str(central)])
    # xattr's archive is not the reviewed release either, though the list
    # excludes nothing for it; the hashed pins are the pinned versions.
    assert [(f["rule"], f["line"]) for f in findings["findings"]] == [
        ("C018", 1),
        ("C018", 2),
    ]


def test_sync_leaves_a_hashed_pin_the_list_excludes(
    tmp_path: Path, central: Path
) -> None:
    requirements = "alembic==1.2.0 --hash=sha256:00\n"
    project = make_project(tmp_path, **{"requirements.txt": requirements})
    assert sync(project, central) == 1
    assert read(project, "requirements.txt") == requirements
    result = _json(["sync", str(project), "--requirements", str(central), "--check"])
    assert result["changes"] == []
    assert [f["rule"] for f in result["findings"]] == ["C018"]


def test_sync_never_excludes_the_minimum_it_keeps(
    tmp_path: Path, central: Path
) -> None:
    requirements = "alembic>=1.2.0  # MIT\nSQLAlchemy>=2.0\n"
    project = make_project(tmp_path, **{"requirements.txt": requirements})
    assert sync(project, central) == 0  # C014 is a warning: the gate accepts it
    assert read(project, "requirements.txt") == (
        "alembic>=1.2.0  # MIT\nSQLAlchemy>=2.0,<2.1\n"
    )
    result = _json(["sync", str(project), "--requirements", str(central)])
    [finding] = result["findings"]
    assert finding["rule"] == "C014" and finding["line"] == 1
    assert ">=1.16.5" in finding["fix"]


def test_every_requirement_on_one_line_is_fixed_in_one_run(
    tmp_path: Path, central: Path
) -> None:
    pyproject = (
        '[project]\nname = "p"\nversion = "1"\n'
        'dependencies = ["alembic>=1.0", \'SQLAlchemy>=2.0\', "xattr>=1"]  # x\n'
    )
    project = make_project(tmp_path, **{"pyproject.toml": pyproject})
    assert sync(project, central) == 0
    assert read(project, "pyproject.toml") == pyproject.replace(
        '"alembic>=1.0"', '"alembic>=1.0,!=1.2.0"'
    ).replace("'SQLAlchemy>=2.0'", "'SQLAlchemy>=2.0,<2.1'").replace(
        '"xattr>=1"', "\"xattr>=1;sys_platform!='win32'\""
    )
    assert sync(project, central, "--check") == 0


LICENCE_CASES = [
    # (global list's licence, the project's comment, the comment after sync)
    pytest.param("BSD/Apache-2.0", "Apache-2.0 OR BSD-3-Clause", None, id="or-order"),
    pytest.param("BSD-2-Clause", "BSD License (2 clause)", None, id="free-form-same"),
    pytest.param("MIT", "MIT License", None, id="same-other-words"),
    pytest.param("BSD-2-Clause", "BSD", "BSD-2-Clause", id="bsd-is-3-clause"),
    pytest.param("Apache 2.0 License", "MIT", "Apache 2.0 License", id="list-words"),
    pytest.param("MIT", "license: BSD", "license: MIT", id="prefix-kept"),
    pytest.param("Our Thing", "MIT", None, id="list-licence-unknown"),
]


@pytest.mark.parametrize(("listed", "written", "after"), LICENCE_CASES)
def test_licence_comment_kept_unless_it_means_another_licence(
    tmp_path: Path, central: Path, listed: str, written: str, after: str | None
) -> None:
    (central / "global-requirements.txt").write_text(f"PyYAML  # {listed}\n")
    line = f"PyYAML>=6  # {written}\n"
    project = make_project(tmp_path, **{"requirements.txt": line})
    check = _json(["check", str(project), "--requirements", str(central)])
    assert [f["rule"] for f in check["findings"]] == ([] if after is None else ["C017"])
    sync(project, central)
    expected = line if after is None else f"PyYAML>=6  # {after}\n"
    assert read(project, "requirements.txt") == expected
    assert (
        _json(["check", str(project), "--requirements", str(central)])["findings"] == []
    )


def test_central_minimum_written_in_is_not_reported_as_left(
    tmp_path: Path, central: Path
) -> None:
    (central / "accord.toml").write_text('lower-bounds = "central"\n')
    (central / "global-requirements.txt").write_text(
        "# 1.2.0 broke migrations\nalembic>=1.1,!=1.2.0  # MIT\n"
    )
    project = make_project(tmp_path, **{"requirements.txt": "alembic>=1.0\n"})
    check = _json(["check", str(project), "--requirements", str(central)])
    assert {f["rule"] for f in check["findings"]} == {"C004", "C006"}
    result = _json(["sync", str(project), "--requirements", str(central), "--diff"])
    assert [c["new"] for c in result["changes"]] == ["alembic>=1.1,!=1.2.0"]
    assert result["findings"] == []  # sync fixed C006 too: nothing is left
    assert sync(project, central) == 0
    assert (
        _json(["check", str(project), "--requirements", str(central)])["findings"] == []
    )


def test_a_requirement_continued_over_lines_is_rewritten(
    tmp_path: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """check says sync fixes a requirement pip reads over backslash-continued
    lines; sync did not find it on its first line and failed with C012."""
    text = (
        "alembic>=1.0,\\\r\n    !=1.0.5  # MIT\r\n"
        "SQLAlchemy\\\r\n>=2.0\r\n"
        "PyYAML>=6 \\\r\n  # MIT\r\n"
        "simplejson>=3 \\\r\n  ;python_version>='3.8'\r\n"
    )
    project = make_project(tmp_path, **{"requirements.txt": text})
    assert main(["check", str(project), "--requirements", str(central)]) == 1
    assert "accord sync does" in capsys.readouterr().out
    assert sync(project, central) == 1  # simplejson is not in the list
    assert "C012" not in capsys.readouterr().out
    assert read(project, "requirements.txt") == (
        "alembic>=1.0,!=1.2.0  # MIT\r\n"
        "SQLAlchemy>=2.0,<2.1\r\n"
        "PyYAML>=6 \\\r\n  # MIT\r\n"
        "simplejson>=3 \\\r\n  ;python_version>='3.8'\r\n"
    )
    assert sync(project, central, "--check") == 1  # only simplejson remains
    findings = _json(["check", str(project), "--requirements", str(central)])
    assert [f["rule"] for f in findings["findings"]] == ["C002"]
    assert sync(project, central, "--prune") == 0
    assert read(project, "requirements.txt") == (
        "alembic>=1.0,!=1.2.0  # MIT\r\n"
        "SQLAlchemy>=2.0,<2.1\r\n"
        "PyYAML>=6 \\\r\n  # MIT\r\n"
    )


@pytest.mark.parametrize(
    ("written", "after"),
    [
        pytest.param("PyYAML>=6.0,==6.*", "PyYAML>=6.0", id="wildcard-pin"),
        pytest.param("PyYAML==6.*,>=6.0.1", "PyYAML>=6.0.1", id="pin-first"),
        pytest.param("PyYAML>6,~=6.0", "PyYAML>6", id="compatible-release"),
        pytest.param("PyYAML>=5,==6.*", "PyYAML>=5,>=6", id="pin-above-minimum"),
    ],
)
def test_a_pin_beside_a_minimum_adds_no_second_minimum(
    tmp_path: Path, central: Path, written: str, after: str
) -> None:
    """A pin's cap is dropped and its floor kept as a minimum, but not next
    to a minimum that already starts there or higher
    ("PyYAML>=6.0,==6.*" became "PyYAML>=6.0,>=6")."""
    project = make_project(tmp_path, **{"requirements.txt": f"{written}  # MIT\n"})
    assert sync(project, central) == 0
    assert read(project, "requirements.txt") == f"{after}  # MIT\n"
    assert sync(project, central, "--check") == 0


def test_a_toml_string_with_escapes_is_rewritten(tmp_path: Path, central: Path) -> None:
    """A requirement whose TOML string escapes its quotes (or any character)
    is found by its value: check promised the fix, sync failed with C012."""
    text = (
        '[project]\nname = "p"\nversion = "1"\ndependencies = [\n'
        '    "xattr>=1.0; python_version >= \\"3.8\\"",  # MIT\n'
        '    "SQLAlchemy>=2.0\\u002c<3", "PyYAML>=6",\n'
        '    """alembic>=1.0""",\n'
        "]\n"
    )
    project = make_project(tmp_path, **{"pyproject.toml": text})
    assert sync(project, central) == 0
    assert read(project, "pyproject.toml") == (
        '[project]\nname = "p"\nversion = "1"\ndependencies = [\n'
        "    \"xattr>=1.0;sys_platform!='win32'\",  # MIT\n"
        '    "SQLAlchemy>=2.0,<2.1", "PyYAML>=6",\n'
        '    """alembic>=1.0,!=1.2.0""",\n'
        "]\n"
    )
    assert sync(project, central, "--check") == 0


@pytest.mark.parametrize(
    ("name", "text"),
    [
        pytest.param(
            "pyproject.toml",
            '[project]\nname = "p"\ndependencies = ["alembic>=1.0", 3]\n',
            id="pyproject",
        ),
        pytest.param(
            "setup.cfg",
            "[options]\ninstall_requires =\n    alembic>=1.0\n    broken>=\n",
            id="setup-cfg",
        ),
        pytest.param("requirements.txt", "alembic>=1.0\nbroken>=\n", id="requirements"),
    ],
)
def test_a_file_unreadable_before_sync_is_not_blamed_on_the_rewrite(
    tmp_path: Path,
    central: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    text: str,
) -> None:
    """A source already unreadable blocks the sync (C001); its file's other
    lines re-read with the same problem, which is not C012 'the rewritten
    file would not read back cleanly ... report the case to the developers'."""
    project = make_project(tmp_path, **{name: text})
    assert sync(project, central, "--diff") == 1
    out = capsys.readouterr().out
    assert "C001" in out and "not written" in out
    assert "C012" not in out
    assert "alembic>=1.0,!=1.2.0" in out  # the diff still shows the edit
    assert read(project, name) == text


def test_the_licence_comment_of_a_continued_line_is_its_own(
    tmp_path: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """pip joins a continued line and then takes its comment, so '# BSD' on
    the physical line after 'alembic>=1.0,!=1.2.0 \\' is alembic's licence:
    check says so and one sync fixes it (the second sync did, once the
    first had joined the requirement onto the comment's line)."""
    text = "SQLAlchemy>=2.0,\\\n    <2.1 # BSD\nalembic>=1.0,!=1.2.0 \\\n  # BSD\n"
    project = make_project(tmp_path, **{"requirements.txt": text})
    findings = _json(["check", str(project), "--requirements", str(central)])
    assert [(f["rule"], f["line"]) for f in findings["findings"]] == [
        ("C017", 1),
        ("C017", 3),
    ]
    assert sync(project, central) == 0
    assert read(project, "requirements.txt") == (
        "SQLAlchemy>=2.0,\\\n    <2.1 # MIT\nalembic>=1.0,!=1.2.0 \\\n  # MIT\n"
    )
    assert sync(project, central, "--check") == 0
    capsys.readouterr()
    # A requirement over two lines and its comment on a third: one sync.
    (project / "requirements.txt").write_text("SQLAlchemy\\\n>=2.0 \\\n  # BSD\n")
    assert sync(project, central) == 0
    assert read(project, "requirements.txt") == "SQLAlchemy>=2.0,<2.1 \\\n  # MIT\n"
    assert sync(project, central, "--check") == 0
    # A line sync joins keeps its comment, and the licence is fixed at once.
    (project / "requirements.txt").write_text("SQLAlchemy\\\n>=2.0 # BSD\n")
    assert sync(project, central) == 0
    assert read(project, "requirements.txt") == "SQLAlchemy>=2.0,<2.1 # MIT\n"
    assert sync(project, central, "--check") == 0


def test_setup_cfg_requirements_split_at_semicolons_are_synced(
    tmp_path: Path, central: Path
) -> None:
    """'install_requires = a; b' is two requirements to setuptools: both
    are checked and fixed in one sync (it was one unreadable entry, C001)."""
    text = "[options]\ninstall_requires = alembic>=1.0; SQLAlchemy>=2.0  # ok\n"
    project = make_project(tmp_path, **{"setup.cfg": text})
    assert sync(project, central) == 0
    assert read(project, "setup.cfg") == (
        "[options]\n"
        "install_requires = alembic>=1.0,!=1.2.0; SQLAlchemy>=2.0,<2.1  # ok\n"
    )
    assert sync(project, central, "--check") == 0


def test_a_marker_sync_adds_to_a_setup_cfg_key_line_goes_below_the_key(
    tmp_path: Path, central: Path
) -> None:
    """setuptools splits a value written only on its key's line at ';':
    'install_requires = xattr>=1.0;sys_platform!='win32'' would be read as
    xattr and a second requirement it fails on. So the value moves below
    the key, each of its requirements on a line of its own (a comment after
    several belongs to none of them, so it gets a line of its own too)."""
    text = (
        "[options]\ninstall_requires = xattr>=1.0  # MIT\r\n"
        "[options.extras_require]\nt=xattr>=1.0\n"
        "u = PyYAML>=6; xattr>=1.0; alembic>=1.0  # BSD\n"
    )
    project = make_project(tmp_path, **{"setup.cfg": text})
    assert sync(project, central) == 0
    assert read(project, "setup.cfg") == (
        "[options]\ninstall_requires =\r\n"
        "    xattr>=1.0;sys_platform!='win32'  # MIT\r\n"
        "[options.extras_require]\nt=\n    xattr>=1.0;sys_platform!='win32'\n"
        "u =\n    PyYAML>=6\n    xattr>=1.0;sys_platform!='win32'\n"
        "    alembic>=1.0,!=1.2.0\n    # BSD\n"
    )
    assert sync(project, central, "--check") == 0
    findings = _json(["check", str(project), "--requirements", str(central)])
    assert findings["findings"] == []


def test_prune_removes_an_element_from_a_line_of_several(
    tmp_path: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--prune failed with C012 ('it does not stand alone on its line') for
    the usual 'dependencies = ["a", "b"]': the element goes, with its comma."""
    text = (
        '[project]\nname = "p"\nversion = "1"\n'
        'dependencies = ["simplejson>=3", "PyYAML>=6"]\n'
        "[project.optional-dependencies]\n"
        "t = [\n"
        '  "PyYAML>=6", "simplejson>=3",\n'
        '  "alembic>=1.0,!=1.2.0", "unknown>=1",  # kept\n'
        '  "unknown2>=1", "xattr>=1.0;sys_platform!=\'win32\'",\n'
        "]\n"
        'u = ["PyYAML>=6", "simplejson>=3"]\n'
        'v = ["simplejson>=3"]\n'
        'w = [ "simplejson>=3" , "unknown>=1", "PyYAML>=6" ]\n'
        'x = [\n  "other @ https://example.org/o.tar.gz#sha256=00",  # url\n]\n'
    )
    project = make_project(tmp_path, **{"pyproject.toml": text})
    assert sync(project, central, "--prune") == 0
    assert "C012" not in capsys.readouterr().out
    assert read(project, "pyproject.toml") == (
        '[project]\nname = "p"\nversion = "1"\n'
        'dependencies = ["PyYAML>=6"]\n'
        "[project.optional-dependencies]\n"
        "t = [\n"
        '  "PyYAML>=6",\n'
        '  "alembic>=1.0,!=1.2.0",  # kept\n'
        "  \"xattr>=1.0;sys_platform!='win32'\",\n"
        "]\n"
        'u = ["PyYAML>=6"]\n'
        "v = []\n"
        'w = [ "PyYAML>=6" ]\n'
        "x = [\n]\n"
    )
    assert sync(project, central, "--check") == 0


@pytest.mark.parametrize(
    ("name", "before", "after"),
    [
        pytest.param(
            "requirements.txt",
            "alembic>=1.0  # alembic>=1.0 has the fix\n",
            "alembic>=1.0,!=1.2.0  # alembic>=1.0 has the fix\n",
            id="requirements",
        ),
        pytest.param(
            "setup.cfg",
            "[options]\ninstall_requires =\n    SQLAlchemy>=2  # SQLAlchemy>=2 only\n",
            "[options]\ninstall_requires =\n"
            "    SQLAlchemy>=2,<2.1  # SQLAlchemy>=2 only\n",
            id="setup-cfg",
        ),
        pytest.param(
            "pyproject.toml",
            '[project]\nname = "p"\ndependencies = [\n'
            '  "alembic>=1.0",  # "alembic>=1.0" # was pinned\n]\n',
            '[project]\nname = "p"\ndependencies = [\n'
            '  "alembic>=1.0,!=1.2.0",  # "alembic>=1.0" # was pinned\n]\n',
            id="pyproject",
        ),
    ],
)
def test_a_comment_quoting_the_requirement_does_not_stop_sync(
    tmp_path: Path, central: Path, name: str, before: str, after: str
) -> None:
    """The requirement's text also in its comment made sync fail with C012
    ('could not find ... exactly once'); the comment is left as written."""
    project = make_project(tmp_path, **{name: before})
    assert sync(project, central) == 0
    assert read(project, name) == after


def test_prune_removes_a_requirement_from_a_setup_cfg_key_line(
    tmp_path: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """'install_requires = simplejson>=3' (or '... = a; simplejson>=3'):
    --prune removed nothing (C012: it does not stand alone on its line); the
    requirement goes from the value and the key stays."""
    text = (
        "[options]\ninstall_requires = simplejson>=3  # MIT\n"
        "[options.extras_require]\n"
        "t = PyYAML>=6; simplejson>=3; alembic>=1.0,!=1.2.0  # ours\n"
        "u = simplejson>=3; xattr>=1.0\n"
    )
    project = make_project(tmp_path, **{"setup.cfg": text})
    assert sync(project, central, "--prune") == 0
    assert "C012" not in capsys.readouterr().out
    assert read(project, "setup.cfg") == (
        "[options]\ninstall_requires =  # MIT\n"
        "[options.extras_require]\n"
        "t = PyYAML>=6; alembic>=1.0,!=1.2.0  # ours\n"
        "u =\n    xattr>=1.0;sys_platform!='win32'\n"
    )
    assert sync(project, central, "--check") == 0
    findings = _json(["check", str(project), "--requirements", str(central)])
    assert findings["findings"] == []


def test_prune_removes_a_hash_pinned_requirement_with_its_hashes(
    tmp_path: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A library not in the list, hash-pinned as pip-compile writes it, and
    one with a URL whose fragment holds a '#': --prune removes each whole
    entry (it failed with C012, 'it does not stand alone on its line')."""
    text = (
        "simplejson==3.0 \\\n    --hash=sha256:ab \\\n    --hash=sha256:cd\n"
        "    # via -r requirements.in\n"
        "unknown==1.0 --hash=sha256:ef  # MIT\n"
        "other @ https://example.org/other-1.0.tar.gz#sha256=00\n"
        "PyYAML==6.0.3 --hash=sha256:ff\n"
    )
    project = make_project(tmp_path, **{"requirements.txt": text})
    assert sync(project, central, "--prune") == 0
    assert "C012" not in capsys.readouterr().out
    assert read(project, "requirements.txt") == (
        "    # via -r requirements.in\nPyYAML==6.0.3 --hash=sha256:ff\n"
    )


def test_a_blocked_sync_says_nothing_was_written_before_its_plan(
    tmp_path: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A sync a source blocks writes nothing: its table says so before the
    lines it would change (they read as a plan, not as done), as the JSON
    says written: false with the same changes."""
    text = "alembic>=1.0\n!bad\n"
    project = make_project(tmp_path, **{"requirements.txt": text})
    assert sync(project, central) == 1
    lines = capsys.readouterr().out.splitlines()
    edit = next(i for i, line in enumerate(lines) if "  ->  " in line)
    assert lines[edit - 1] == (
        "not written: a source could not be read (below); once it can be, "
        "sync would change:"
    )
    assert lines[-1].endswith(": not written: a source could not be read")
    assert sync(project, central, "--format", "json") == 1
    report = json.loads(capsys.readouterr().out)
    assert report["written"] is False
    assert [(c["line"], c["new"]) for c in report["changes"]] == [
        (1, "alembic>=1.0,!=1.2.0")
    ]
    assert read(project, "requirements.txt") == text
