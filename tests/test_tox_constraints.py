"""C019: tox environments install the project's requirements with the pins."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.cli import main
from accord.config import Config
from accord.model.tox_config import parse_tox_ini, parse_tox_toml
from accord.project import load_project
from accord.rules.tox_constraints import check_config, check_tox_constraints

UPPER = "https://releases.openstack.org/constraints/upper/master"

# As OpenStack projects write it today (nova, oslo.*): every environment
# that installs requirements inherits or repeats the -c.
OPENSTACK = f"""\
[tox]
minversion = 3.18.0
envlist = py3,functional,pep8

[testenv]
usedevelop = True
setenv =
  PYTHONDONTWRITEBYTECODE=1
deps =
  -c{{env:TOX_CONSTRAINTS_FILE:{UPPER}}}
  -r{{toxinidir}}/requirements.txt
  -r{{toxinidir}}/test-requirements.txt
commands =
  stestr run {{posargs}}

[testenv:functional]
deps =
  {{[testenv]deps}}
  -r{{toxinidir}}/functional-requirements.txt

[testenv:pep8]
skip_install = true
deps =
  pre-commit>=2.6.0 # MIT
  hacking>=6.1.0,<6.2.0 # Apache-2.0
commands = pre-commit run -a

[testenv:docs]
# the docs env installs its own file, constrained too
deps =
  -c{{env:TOX_CONSTRAINTS_FILE:{UPPER}}}
  -r{{toxinidir}}/doc/requirements.txt
commands = sphinx-build -W -b html doc/source doc/build/html

[testenv:venv]
deps =
  -c{{env:UPPER_CONSTRAINTS_FILE:{UPPER}}}
  -r{{toxinidir}}/requirements.txt
commands = {{posargs}}
"""

# The docs env (line 31) overrides deps and forgets the -c.
DOCS_UNPINNED = OPENSTACK.replace(
    f"  -c{{env:TOX_CONSTRAINTS_FILE:{UPPER}}}\n  -r{{toxinidir}}/doc/",
    "  -r{toxinidir}/doc/",
)

# [testenv] itself is unconstrained: one warning at its -r, naming each
# environment that inherits it.
BASE_UNPINNED = """\
[tox]
envlist = py3,cover

[testenv]
deps = -r{toxinidir}/requirements.txt
       -r{toxinidir}/test-requirements.txt
commands = stestr run

[testenv:cover]
setenv = PYTHON=coverage run
commands = stestr run

[testenv:docs]
deps = {[testenv]deps}
  sphinx
"""

# Before TOX_CONSTRAINTS_FILE, OpenStack constrained the install command.
INSTALL_COMMAND = (
    "[testenv]\n"
    f"install_command = pip install -c{{env:UPPER_CONSTRAINTS_FILE:{UPPER}}} "
    "{opts} {packages}\n"
    "deps = -r{toxinidir}/requirements.txt\n"
)

PIP_CONSTRAINT = f"""\
[testenv]
setenv =
    VIRTUAL_ENV={{envdir}}
    PIP_CONSTRAINT={{env:TOX_CONSTRAINTS_FILE:{UPPER}}}
deps = -r{{toxinidir}}/requirements.txt
"""

TOX4_CONSTRAINTS = f"""\
[testenv]
constraints = {{env:TOX_CONSTRAINTS_FILE:{UPPER}}}
deps = -r{{toxinidir}}/requirements.txt
"""

LOWER_CONSTRAINTS = f"""\
[testenv]
deps = -c{{env:TOX_CONSTRAINTS_FILE:{UPPER}}}
  -r{{toxinidir}}/requirements.txt

[testenv:lower-constraints]
deps =
  -c{{toxinidir}}/lower-constraints.txt
  -r{{toxinidir}}/test-requirements.txt
  -r{{toxinidir}}/requirements.txt
"""

# A shared section referenced by name, unconstrained; and an inline comment
# that only mentions -c.
REFERENCE = """\
[base]
deps = -r{toxinidir}/requirements.txt  # add -c upper-constraints here

[testenv]
deps = {[base]deps}
"""

NO_REQUIREMENTS = """\
[testenv]
deps = pytest
  flake8
"""

GARBAGE = "\x00\x01[testenv\ndeps = {[testenv]deps}\n[testenv:x]\n = -r\n  -r\n"
CYCLE = "[a]\ndeps = {[b]deps}\n[b]\ndeps = {[a]deps}\n[testenv]\ndeps = {[a]deps}\n"

INI_CASES = [
    pytest.param(OPENSTACK, set(), id="openstack"),
    pytest.param(DOCS_UNPINNED, {(31, "[testenv:docs]")}, id="docs-overrides"),
    pytest.param(
        BASE_UNPINNED,
        {(5, "[testenv], [testenv:cover], [testenv:docs]")},
        id="base-unpinned",
    ),
    pytest.param(INSTALL_COMMAND, set(), id="install-command"),
    pytest.param(PIP_CONSTRAINT, set(), id="pip-constraint"),
    pytest.param(TOX4_CONSTRAINTS, set(), id="tox4-constraints"),
    pytest.param(LOWER_CONSTRAINTS, set(), id="lower-constraints"),
    pytest.param(REFERENCE, {(2, "[testenv]")}, id="reference"),
    pytest.param(NO_REQUIREMENTS, set(), id="no-requirements"),
    pytest.param(GARBAGE, set(), id="garbage"),
    pytest.param(CYCLE, set(), id="reference-cycle"),
    pytest.param("", set(), id="empty"),
]


def findings_of(project: Path) -> set[tuple[str, int | None, str]]:
    return {
        (
            f.path,
            f.line,
            ", ".join(re.findall(r"\[[^\]]+\]", f.message.split(" -r ")[0])),
        )
        for f in check_tox_constraints(load_project(project, Config()))
    }


@pytest.mark.parametrize(("text", "expected"), INI_CASES)
def test_tox_ini(tmp_path: Path, text: str, expected: set[tuple[int, str]]) -> None:
    (tmp_path / "tox.ini").write_text(text)
    assert findings_of(tmp_path) == {("tox.ini", line, e) for line, e in expected}


def test_crlf_and_a_message_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "tox.ini").write_bytes(DOCS_UNPINNED.replace("\n", "\r\n").encode())
    (finding,) = check_tox_constraints(load_project(tmp_path, Config()))
    assert (finding.rule, finding.severity, finding.line) == ("C019", "warning", 31)
    assert "-r {toxinidir}/doc/requirements.txt" in finding.message
    assert finding.fix is not None and "TOX_CONSTRAINTS_FILE" in finding.fix


LEGACY = f'''\
[build-system]
requires = ["pbr>=6.0.0"]

[tool.tox]
legacy_tox_ini = """
[testenv]
deps = -c{{env:TOX_CONSTRAINTS_FILE:{UPPER}}}
  -r{{toxinidir}}/requirements.txt

[testenv:docs]
deps = -r{{toxinidir}}/doc/requirements.txt
"""
'''

NATIVE = f"""\
[project]
name = "demo"

[tool.tox.env_run_base]
deps = [
  "-c{{env:TOX_CONSTRAINTS_FILE:{UPPER}}}",
  "-r{{tox_root}}/requirements.txt",
]

[tool.tox.env.functional]
deps = [{{ replace = "ref", of = ["env_run_base", "deps"] }}, "-rfunctional.txt"]

[tool.tox.env.docs]
deps = [
  "-r{{tox_root}}/doc/requirements.txt",
]

[tool.tox.env.pinned]
constraints = "{UPPER}"
deps = ["-r requirements.txt"]
"""

NATIVE_BASE_UNPINNED = """\
[env_run_base]
deps = ["-r requirements.txt"]
set_env = { PYTHONHASHSEED = "0" }

[env.lint]
skip_install = true
deps = ["ruff"]

[env.py3]
set_env = { PIP_CONSTRAINT = "upper-constraints.txt" }
"""

TOML_CASES = [
    pytest.param("pyproject.toml", LEGACY, {(11, "[testenv:docs]")}, id="legacy"),
    pytest.param("pyproject.toml", NATIVE, {(15, "[env.docs]")}, id="native"),
    pytest.param(
        "tox.toml", NATIVE_BASE_UNPINNED, {(2, "[env_run_base]")}, id="tox-toml"
    ),
    pytest.param("tox.toml", "[env_run_base\n", set(), id="invalid-toml"),
    pytest.param("tox.toml", "env = 3\nenv_run_base = []\n", set(), id="odd-types"),
]


@pytest.mark.parametrize(("name", "text", "expected"), TOML_CASES)
def test_toml_configurations(
    tmp_path: Path, name: str, text: str, expected: set[tuple[int, str]]
) -> None:
    (tmp_path / name).write_text(text)
    assert findings_of(tmp_path) == {(name, line, e) for line, e in expected}


def test_an_unreadable_tox_ini_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("requests>=2.0\n")
    (tmp_path / "tox.ini").write_bytes(b"[testenv]\ndeps = -r\xff\xfe\n")
    assert findings_of(tmp_path) == set()


@pytest.fixture
def central(tmp_path: Path) -> Path:
    repo = tmp_path / "requirements"
    repo.mkdir()
    (repo / "global-requirements.txt").write_text("requests  # Apache-2.0\n")
    (repo / "upper-constraints.txt").write_text("requests===2.32.5\n")
    (repo / "projects.txt").write_text("demo\n")
    return repo


@pytest.mark.parametrize("command", [["check", "demo"], ["fleet", "check"]])
def test_check_and_fleet_check_warn(
    tmp_path: Path,
    central: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
) -> None:
    project = tmp_path / "demo"
    project.mkdir()
    (project / "requirements.txt").write_text("requests>=2.0\n")
    (project / "tox.ini").write_text(DOCS_UNPINNED)
    monkeypatch.chdir(tmp_path)
    argv = [*command, "--requirements", str(central), "--format", "json"]
    assert main([*argv, "--jobs", "1"] if command[0] == "fleet" else argv) == 0
    document = json.loads(capsys.readouterr().out)
    findings = document.get("findings") or document["projects"][0]["findings"]
    assert [(f["rule"], f["path"], f["line"]) for f in findings] == [
        ("C019", "tox.ini", 31)
    ]


def test_references_that_fan_out_stay_cheap(tmp_path: Path) -> None:
    """Each section's deps name the previous one fifty times: 50**30 parts
    if expanded naively."""
    lines = ["[s0]", "deps = -r{toxinidir}/requirements.txt"]
    for level in range(1, 30):
        lines += [f"[s{level}]", "deps = " + f"{{[s{level - 1}]deps}} " * 50]
    lines += ["[testenv]", "deps = {[s29]deps}"]
    (tmp_path / "tox.ini").write_text("\n".join(lines) + "\n")
    assert findings_of(tmp_path) == {("tox.ini", 2, "[testenv]")}


NOXFILE = """\
import nox

UPPER = "https://releases.openstack.org/constraints/upper/master"
PINS = ["-c", UPPER]


@nox.session
def tests(session):
    session.install("-c", UPPER, "-r", "requirements.txt")  # computed: left alone
    session.install(*PINS, "-r", "test-requirements.txt")


@nox.session
def docs(session):
    session.install("-r", "doc/requirements.txt")
    session.install("sphinx")


@nox.session(python=["3.11", "3.12"])
def lint(session):
    session.install("-rrequirements.txt", "--constraint=upper-constraints.txt")

    def helper():
        session.install("--requirement=requirements.txt")

    helper()
"""

NOX_CASES = [
    pytest.param(
        NOXFILE,
        {(15, "docs", "doc/requirements.txt"), (24, "lint", "requirements.txt")},
        id="sessions",
    ),
    pytest.param(
        NOXFILE.replace("import nox", "import nox, os\nos.environ['PIP_CONSTRAINT']"),
        set(),
        id="pip-constraint",
    ),
    pytest.param("def broken(:\n", set(), id="syntax-error"),
    pytest.param("x = (" * 300 + ")" * 300, set(), id="too-deep"),
    pytest.param("\x00", set(), id="null-byte"),
]


@pytest.mark.parametrize(("text", "expected"), NOX_CASES)
def test_noxfile_is_read_never_run(
    tmp_path: Path, text: str, expected: set[tuple[int, str, str]]
) -> None:
    (tmp_path / "noxfile.py").write_text(text)
    found = {
        (f.line, f.message.split()[2], f.message.split(" -r ")[1].split()[0])
        for f in check_tox_constraints(load_project(tmp_path, Config()))
    }
    assert found == expected


# Text built from the pieces tox files are made of, so that sections, keys,
# continuations and references meet in every order.
_PIECES = st.sampled_from(
    [
        "[testenv]",
        "[testenv:x]",
        "[base]",
        "[",
        "deps =",
        "deps=-r r.txt",
        "setenv =",
        "constraints=",
        "install_command = pip install {packages}",
        "  -r{toxinidir}/requirements.txt",
        "  -c upper.txt",
        "  {[base]deps}",
        "  {[testenv]deps}",
        "  {[testenv:x]deps}",
        "  {[",
        "  PIP_CONSTRAINT=x",
        "# comment",
        "",
        "\t",
        "legacy_tox_ini = '''",
        "'''",
        "\x00",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=20)), max_size=30))
def test_any_tox_ini_is_read_without_error(lines: list[str]) -> None:
    text = "\n".join(lines)
    config = parse_tox_ini(text, "tox.ini")
    total = len(re.split(r"\r\n|\r|\n", text))
    for finding in check_config(config):
        assert finding.line is not None and 1 <= finding.line <= total
    toml = parse_tox_toml(text, "tox.toml")
    if toml is not None:
        list(check_config(toml))
