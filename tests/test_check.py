"""accord check: a project's requirements against the central files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord.cli import main

from .conftest import EXAMPLES

GLOBAL = """\
## section:general
# 1.2.0 broke migrations
alembic!=1.2.0  # MIT
oslo.config  # Apache-2.0
PyYAML  # MIT
# 2.1 drops the legacy API
SQLAlchemy<2.1  # MIT
xattr;sys_platform!='win32'  # MIT
importlib-metadata;python_version<'3.10'  # Apache-2.0
tomli;python_version<'3.11'  # MIT
"""
PINS = """\
alembic===1.16.5
oslo.config===10.0.0
PyYAML===6.0.3
SQLAlchemy===2.0.44
xattr===1.2.0
importlib-metadata===8.0.0;python_version<'3.10'
tomli===2.3.0;python_version=='3.10'
"""

# (requirement line, expected rules)
CASES = [
    pytest.param("alembic>=1.0,!=1.2.0", set(), id="conforms"),
    pytest.param("oslo_config>=9.0", set(), id="canonical-name"),
    pytest.param("pyyaml>=6.0", set(), id="case-insensitive"),
    pytest.param("alembic>=1.0", {"C004"}, id="central-exclusion-missing"),
    pytest.param("alembic>=1.3", set(), id="exclusion-below-minimum-not-needed"),
    pytest.param("alembic>=1.0,!=1.2.0,!=1.4.0", {"C003"}, id="own-exclusion"),
    pytest.param("alembic>=1.0,!=1.2.0,<2", {"C003"}, id="own-cap"),
    pytest.param("alembic~=1.10,!=1.2.0", {"C003"}, id="compatible-release-caps"),
    pytest.param("SQLAlchemy>=2.0", {"C004"}, id="central-cap-missing"),
    pytest.param("SQLAlchemy>=2.2,<2.1", {"C011", "C007"}, id="minimum-above-cap"),
    pytest.param("SQLAlchemy>=2.2", {"C011", "C007"}, id="minimum-above-cap-absent"),
    pytest.param("simplejson>=3", {"C002"}, id="not-in-list"),
    pytest.param("flake8>=7", set(), id="denylisted-exempt"),
    pytest.param("alembic!=1.2.0", {"C006"}, id="no-minimum"),
    pytest.param("PyYAML>=7.0", {"C007"}, id="minimum-above-pin"),
    pytest.param("xattr>=1.0;sys_platform!='win32'", set(), id="marker-same"),
    pytest.param('xattr>=1.0; sys_platform != "win32"', set(), id="marker-by-meaning"),
    pytest.param("xattr>=1.0", {"C005"}, id="marker-missing"),
    # pip evaluates a requirements file's markers with extra == "": never.
    pytest.param("PyYAML>=6.0;extra=='yaml'", {"C005"}, id="marker-extra-never-holds"),
    pytest.param(
        "xattr>=1.0;sys_platform=='sunos5'", {"C005"}, id="marker-platform-not-probed"
    ),
    pytest.param(
        "PyYAML>=6.0;python_version<'3.0'", set(), id="marker-python-only-never-holds"
    ),
    pytest.param(
        "xattr>=1.0;sys_platform!='win32' and python_version>='3.11'",
        set(),
        id="narrowed-by-python",
    ),
    pytest.param(
        "PyYAML>=6;sys_platform=='linux'", {"C005"}, id="narrowed-by-platform"
    ),
    pytest.param("tomli>=2;python_version<'3.12'", {"C005"}, id="marker-widened"),
    pytest.param(
        "importlib-metadata>=4;python_version<'3.12'", set(), id="backport-any-python"
    ),
    pytest.param("alembic>=1.2.0", {"C014"}, id="minimum-excluded-centrally"),
    pytest.param("alembic>=1.2,!=1.2.0", {"C014"}, id="minimum-excluded-by-meaning"),
    pytest.param("alembic>1.2.0", set(), id="minimum-above-exclusion"),
    pytest.param("alembic==1.2.0", {"C003", "C014"}, id="exact-pin-excluded"),
    pytest.param("alembic>=1.0  # BSD", {"C004", "C017"}, id="licence-comment-wrong"),
    pytest.param("alembic>=1.3  # MIT License", set(), id="licence-same-meaning"),
    pytest.param("alembic>=1.3  # MIT, our fork", set(), id="licence-with-words"),
    pytest.param(
        "alembic @ https://example.org/alembic-1.3.tar.gz", {"C018"}, id="url-excluded"
    ),
    # An archive installs what the URL holds, not the reviewed release.
    pytest.param(
        "PyYAML @ https://example.org/PyYAML-6.tar.gz", {"C018"}, id="url-archive"
    ),
    # A hashed pin the pins do not pin: pip finds no release for both.
    pytest.param(
        "alembic==1.3.0 --hash=sha256:00", {"C018"}, id="hash-pinned-off-the-pin"
    ),
    pytest.param(
        "alembic==1.16.5 --hash=sha256:00", set(), id="hash-pinned-at-the-pin"
    ),
    pytest.param(
        "alembic==1.2.0 --hash=sha256:00", {"C018"}, id="hash-pinned-excluded-version"
    ),
]


@pytest.fixture
def central(tmp_path: Path) -> Path:
    repo = tmp_path / "requirements"
    repo.mkdir()
    (repo / "global-requirements.txt").write_text(GLOBAL)
    (repo / "upper-constraints.txt").write_text(PINS)
    (repo / "denylist.txt").write_text("flake8\n")
    (repo / "backports.txt").write_text("importlib-metadata\n")
    return repo


def check(
    project: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[dict[str, object]]]:
    code = main(
        ["check", str(project), "--requirements", str(central), "--format", "json"]
    )
    out = capsys.readouterr().out
    return code, json.loads(out)["findings"] if out.strip() else []


@pytest.mark.parametrize(("line", "rules"), CASES)
def test_one_requirement(
    tmp_path: Path,
    central: Path,
    capsys: pytest.CaptureFixture[str],
    line: str,
    rules: set[str],
) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "requirements.txt").write_text(f"# c\n{line}\n")
    code, findings = check(project, central, capsys)
    assert {f["rule"] for f in findings} == rules
    for finding in findings:
        assert (finding["path"], finding["line"]) == ("requirements.txt", 2)
    errors = any(f["severity"] == "error" for f in findings)
    assert code == (1 if errors else 0)


def test_a_missing_marker_is_named_as_missing(
    tmp_path: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "requirements.txt").write_text("tomli>=2\n")
    [finding] = check(project, central, capsys)[1]
    assert finding["rule"] == "C005"
    assert "it has no marker, so it allows" in str(finding["message"])
    assert "'None'" not in str(finding["message"])


def test_excluded_minimum_names_the_pin_as_the_fix(
    tmp_path: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "requirements.txt").write_text("alembic>=1.2.0\n")
    code, findings = check(project, central, capsys)
    assert code == 0
    [finding] = findings
    assert finding["rule"] == "C014" and finding["severity"] == "warning"
    assert "1.2.0" in str(finding["message"])
    assert "raise the minimum to >=1.16.5" in str(finding["fix"])
    # Without a pin the fix names no version accord does not know.
    (central / "upper-constraints.txt").write_text("")
    code, findings = check(project, central, capsys)
    assert "raise the minimum past 1.2.0" in str(findings[0]["fix"])


def test_every_kind_of_source_is_read(
    tmp_path: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "proj"
    (project / "doc").mkdir(parents=True)
    (project / "requirements.txt").write_text("-r extra.txt\nalembic>=1.0,!=1.2.0\n")
    (project / "extra.txt").write_text("stray1>=1\n")
    (project / "test-requirements.txt").write_text("stray2>=1\n")
    (project / "doc" / "requirements.txt").write_text("stray3>=1\n")
    (project / "setup.cfg").write_text(
        "[options]\ninstall_requires =\n    stray4>=1\n[extras]\nx =\n  stray5>=1\n"
    )
    (project / "pyproject.toml").write_text(
        '[project]\nname = "p"\ndependencies = ["stray6>=1"]\n'
        '[project.optional-dependencies]\nx = ["stray7>=1"]\n'
        '[dependency-groups]\ng = ["stray8>=1"]\n'
        '[build-system]\nrequires = ["stray9"]\n'
    )
    code, findings = check(project, central, capsys)
    assert code == 1
    located = {(f["path"], f["line"]) for f in findings if f["rule"] == "C002"}
    assert located == {
        ("extra.txt", 1),
        ("test-requirements.txt", 1),
        ("doc/requirements.txt", 1),
        ("setup.cfg", 3),
        ("setup.cfg", 6),
        ("pyproject.toml", 3),
        ("pyproject.toml", 5),
        ("pyproject.toml", 7),
    }
    (central / "accord.toml").write_text("check-build-system = true\n")
    _, findings = check(project, central, capsys)
    assert ("pyproject.toml", 9) in {(f["path"], f["line"]) for f in findings}


def test_duplicates_within_a_source(
    tmp_path: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "requirements.txt").write_text(
        "PyYAML>=6\npyyaml>=6.0\nPyYAML[libyaml]>=6\n"  # other extras: no duplicate
    )
    code, findings = check(project, central, capsys)
    assert code == 1
    assert [(f["rule"], f["line"]) for f in findings] == [("C008", 2)]


def test_duplicates_on_one_line_of_a_toml_array(
    tmp_path: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two entries for one library on one line of an array are a duplicate
    too (they were taken for one entry reached twice through include-group);
    a group including another still repeats nothing."""
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[project]\nname = "p"\nversion = "1"\n'
        'dependencies = ["PyYAML>=6", "pyyaml>=6.0", "alembic>=1.0,!=1.2.0"]\n'
        "[project.optional-dependencies]\n"
        'test = ["alembic>=1.0,!=1.2.0", "alembic>=1.0,!=1.2.0"]\n'
        "[dependency-groups]\n"
        'lint = ["PyYAML>=6"]\n'
        'dev = [{include-group = "lint"}, {include-group = "lint"}]\n'
        'all = [{include-group = "dev"}, {include-group = "lint"}]\n'
    )
    code, findings = check(project, central, capsys)
    assert code == 1
    assert [(f["rule"], f["line"], f["message"]) for f in findings] == [
        (
            "C008",
            4,
            "pyyaml is listed twice on this line of pyproject.toml [project] "
            "dependencies",
        ),
        (
            "C008",
            6,
            "alembic is listed twice on this line of pyproject.toml "
            "[project.optional-dependencies] test",
        ),
    ]


def test_minimum_above_pin_can_be_an_error(
    tmp_path: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "requirements.txt").write_text("PyYAML>=7\n")
    assert check(project, central, capsys)[0] == 0
    (central / "accord.toml").write_text('minimum-above-pin = "error"\n')
    assert check(project, central, capsys)[0] == 1


@pytest.mark.parametrize(
    ("line", "fix"),
    [
        pytest.param(
            "PyYAML>=7.0",
            "bump the pin first (accord constraints bump), or lower the minimum",
            id="pin-can-be-bumped",
        ),
        pytest.param(
            "SQLAlchemy>=2.2",
            "lower the minimum to at most the pinned 2.0.44: the pin cannot be "
            "bumped past the global list's cap <2.1 (C011), unless that cap is "
            "raised in the global list first",
            id="minimum-above-the-central-cap",
        ),
    ],
)
def test_minimum_above_pin_fix_is_one_that_helps(
    tmp_path: Path,
    central: Path,
    capsys: pytest.CaptureFixture[str],
    line: str,
    fix: str,
) -> None:
    """Bumping the pin cannot help when the minimum is above the central
    cap too (C011): the pins stay under the cap."""
    project = tmp_path / "proj"
    project.mkdir()
    (project / "requirements.txt").write_text(f"{line}\n")
    findings = check(project, central, capsys)[1]
    assert [f["fix"] for f in findings if f["rule"] == "C007"] == [fix]


def test_central_lower_bounds(
    tmp_path: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (central / "global-requirements.txt").write_text("PyYAML>=5.4  # MIT\n")
    (central / "accord.toml").write_text('lower-bounds = "central"\n')
    project = tmp_path / "proj"
    project.mkdir()
    (project / "requirements.txt").write_text(
        "PyYAML>=5.1\nPyYAML>=6;python_version>='3.12'\n"
    )
    _, findings = check(project, central, capsys)
    assert [(f["rule"], f["line"]) for f in findings] == [("C006", 1)]


def test_broken_source_is_reported_and_the_rest_checked(
    tmp_path: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "requirements.txt").write_text(
        "PyYAML>=\nsimplejson>=1\n-r missing.txt\n"
    )
    code, findings = check(project, central, capsys)
    assert code == 1
    assert {(f["rule"], f["line"]) for f in findings} == {
        ("C001", 1),
        ("C002", 2),
        ("C001", 3),
    }


@pytest.mark.parametrize(
    ("setup", "where"),
    [
        pytest.param(lambda p: None, "does not exist", id="missing"),
        pytest.param(lambda p: p.write_text("x"), "not a directory", id="a-file"),
        pytest.param(
            lambda p: (p.mkdir(), (p / "pyproject.toml").write_text("[project\n")),
            "pyproject.toml:1",
            id="invalid-toml",
        ),
        pytest.param(
            lambda p: (p.mkdir(), (p / "requirements.txt").write_bytes(b"\xff\n")),
            "requirements.txt:1",
            id="not-utf8",
        ),
    ],
)
def test_unreadable_project_exits_2(
    tmp_path: Path,
    central: Path,
    capsys: pytest.CaptureFixture[str],
    setup: object,
    where: str,
) -> None:
    project = tmp_path / "proj"
    setup(project)  # type: ignore[operator]
    assert main(["check", str(project), "--requirements", str(central)]) == 2
    err = capsys.readouterr().err
    assert where in err and "Traceback" not in err
    if ":1" in where:  # a file of the project, named as it opens from here
        assert f"error: {project / where}" in err


@pytest.mark.parametrize(
    ("project", "code"), [("billing", 0), ("catalog", 0), ("legacy-reports", 1)]
)
def test_examples(capsys: pytest.CaptureFixture[str], project: str, code: int) -> None:
    assert check(EXAMPLES / project, EXAMPLES / "requirements", capsys)[0] == code


@pytest.mark.parametrize(
    ("project", "excluded_minimums"),
    [
        # OpenStack's gate passes "oslo.service[threading]>=4.5.0" under
        # "oslo.service!=1.28.1,!=4.5.0" (and pecan>=1.4.0 under !=1.4.0), and
        # so does accord; the declared minimum is a release the list excludes
        # (warning C014), which sync must not turn into ">=4.5.0,!=4.5.0".
        pytest.param("nova", {("requirements.txt", 46)}, id="nova"),
        pytest.param(
            "cinder", {("requirements.txt", 27), ("requirements.txt", 28)}, id="cinder"
        ),
        pytest.param("neutron", {("requirements.txt", 11)}, id="neutron"),
    ],
)
def test_real_openstack_projects_pass(
    shared_data: Path,
    capsys: pytest.CaptureFixture[str],
    project: str,
    excluded_minimums: set[tuple[str, int]],
) -> None:
    """Files that pass OpenStack's gate pass accord check."""
    data = Path(__file__).parent / "data" / "projects" / project
    code, findings = check(data, shared_data / "openstack", capsys)
    assert code == 0
    assert not [f for f in findings if f["severity"] == "error"]
    assert {
        (f["path"], f["line"]) for f in findings if f["rule"] == "C014"
    } == excluded_minimums
    assert {f["rule"] for f in findings} <= {"C004", "C007", "C014", "C017"}


@pytest.mark.parametrize(
    ("line", "rule", "message", "fix"),
    [
        pytest.param(
            "SQLAlchemy>=2.2",
            "C011",
            "SQLAlchemy: its minimum 2.2 is above the global list's <2.1",
            "lower the minimum, or raise the cap in the global list",
            id="minimum-above-cap",
        ),
        pytest.param(
            "PyYAML==6.0",
            "C003",
            "PyYAML: the cap ==6.0 is not in the global list "
            "(PyYAML at global-requirements.txt:5)",
            "replace it with the minimum >=6.0 (accord sync does), or propose "
            "it for the global list",
            id="exact-pin-becomes-a-minimum",
        ),
        pytest.param(
            "alembic~=1.10,!=1.2.0",
            "C003",
            "alembic: the cap ~=1.10 is not in the global list "
            "(alembic!=1.2.0 at global-requirements.txt:3)",
            "replace it with the minimum >=1.10 (accord sync does), or propose "
            "it for the global list",
            id="compatible-release-becomes-a-minimum",
        ),
        pytest.param(
            "PyYAML===foo",
            "C003",
            "PyYAML: the cap ===foo is not in the global list "
            "(PyYAML at global-requirements.txt:5)",
            "remove it (accord sync does), or propose it for the global list",
            id="arbitrary-equality-implies-no-minimum",
        ),
        pytest.param(
            "PyYAML>=6.1,==6.0",
            "C003",
            "PyYAML: the cap ==6.0 is not in the global list "
            "(PyYAML at global-requirements.txt:5)",
            "remove it (accord sync does), or propose it for the global list",
            id="pin-below-the-minimum-is-removed",
        ),
        pytest.param(
            "PyYАML>=5.1",
            "C001",
            "cannot parse 'PyYАML>=5.1': Expected package name at the start of "
            "dependency specifier",
            "write it as name[extras]specifier;marker (PEP 508)",
            id="look-alike-letter",
        ),
        pytest.param(
            "-r missing.txt",
            "C001",
            "-r missing.txt: no such file in the project",
            "create missing.txt, or remove this line",
            id="missing-include",
        ),
    ],
)
def test_a_planted_defect_has_its_fix_in_the_fix_field(
    tmp_path: Path,
    central: Path,
    capsys: pytest.CaptureFixture[str],
    line: str,
    rule: str,
    message: str,
    fix: str,
) -> None:
    """Every finding carries its fix apart from its message (CI annotations
    and --format json show them apart), and the fix is what sync writes: an
    ``==`` or ``~=`` becomes the minimum it implies, it is not just removed."""
    project = tmp_path / "proj"
    project.mkdir()
    (project / "requirements.txt").write_text(f"{line}\n")
    findings = check(project, central, capsys)[1]
    (found,) = [f for f in findings if f["rule"] == rule]
    assert (found["path"], found["line"]) == ("requirements.txt", 1)
    assert (found["message"], found["fix"]) == (message, fix)


@pytest.mark.parametrize(
    ("line", "message", "fix"),
    [
        pytest.param(
            "PyYAML @ https://example.org/PyYAML-6.tar.gz",
            "PyYAML: this line installs it from https://example.org/PyYAML-6.tar.gz, "
            "not the release the global list and the pins reviewed (sync leaves "
            "such lines as they are)",
            "replace the line with a requirement as the global list has it, with "
            "the project's minimum: PyYAML>=X.Y",
            id="archive",
        ),
        pytest.param(
            "alembic==1.3.0 --hash=sha256:00",
            "alembic: the hash-pinned 1.3.0 is not the pinned 1.16.5 "
            "(upper-constraints.txt:1), so the project cannot install under the "
            "pins; sync does not change a hashed pin",
            "pin 1.16.5 and regenerate its hashes",
            id="hashed-pin",
        ),
    ],
)
def test_a_line_sync_leaves_is_told_how_it_strays_from_the_review(
    tmp_path: Path,
    central: Path,
    capsys: pytest.CaptureFixture[str],
    line: str,
    message: str,
    fix: str,
) -> None:
    """A URL or hashed line is never rewritten; check still says when it
    installs something else than the reviewed release, even where the list
    has no exclusion for the URL to miss (a planted URL line was silent)."""
    project = tmp_path / "proj"
    project.mkdir()
    (project / "requirements.txt").write_text(f"{line}\n")
    (found,) = check(project, central, capsys)[1]
    assert (found["rule"], found["severity"], found["line"]) == ("C018", "warning", 1)
    assert (found["message"], found["fix"]) == (message, fix)


def test_no_minimum_under_central_bounds_does_not_speak_of_project_bounds(
    tmp_path: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """OpenStack's 2017 list carried minimums but not for every library
    (Paste): a project line without one is C006 under either policy, and
    under "central" its message does not say each project declares its own."""
    (central / "global-requirements.txt").write_text("PyYAML  # MIT\n")
    (central / "accord.toml").write_text('lower-bounds = "central"\n')
    project = tmp_path / "proj"
    project.mkdir()
    (project / "requirements.txt").write_text("PyYAML\n")
    (found,) = check(project, central, capsys)[1]
    assert (found["rule"], found["line"]) == ("C006", 1)
    assert found["message"] == (
        "PyYAML: it has no minimum version, and the global list gives none "
        "to take (validate's G007)"
    )


def test_a_pbr_extra_with_a_colon_marker_is_read_as_pbr_reads_it(
    tmp_path: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """pbr's [extras] take ``package:marker`` (OpenStack's gate reads the
    colon as the marker too): a real project's line, not C001; its marker
    is compared with the list's as any other (xattr's drops !='win32')."""
    project = tmp_path / "proj"
    project.mkdir()
    (project / "setup.cfg").write_text(
        "[extras]\nyaml =\n  PyYAML>=6.0:python_version>='3.10' # MIT\n"
        "  xattr>=1.0:python_version>='3.10' # MIT\n"
    )
    code, findings = check(project, central, capsys)
    assert [(f["rule"], f["path"], f["line"]) for f in findings] == [
        ("C005", "setup.cfg", 4)
    ]
    assert code == 1
    assert main(["sync", str(project), "--requirements", str(central)]) == 0
    text = (project / "setup.cfg").read_text()
    assert "  PyYAML>=6.0:python_version>='3.10' # MIT\n" in text  # left as it is
    capsys.readouterr()
    assert check(project, central, capsys) == (0, [])
