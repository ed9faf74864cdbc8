"""`accord cross-test`: real uv environments, offline, on a tiny fleet."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from accord.affected.crosstest import without_own_pin
from accord.affected.testcommand import find_test_command
from accord.affected.uv_env import find_interpreter, version_of
from accord.cli import main
from accord.errors import InputError

from .affected_fleet import bump, make_fleet


def unittest_of(body: str) -> str:
    return (
        "import unittest\n\n\nclass T(unittest.TestCase):\n"
        f"    def test_it(self):\n        {body}\n"
    )


ACCORD_UNITTEST = '[tool.accord]\ntest-command = "python -m unittest"\n'

FLEET = {
    # reaches kombu through oslo.messaging, and breaks with kombu 1.1
    "nova": {
        "requirements.txt": "oslo.messaging>=1.0\n",
        "pyproject.toml": ACCORD_UNITTEST,
        "test_nova.py": unittest_of(
            "import kombu\n        self.assertEqual(kombu.VERSION, '1.0')"
        ),
    },
    # uses kombu directly, and works with both
    "cinder": {
        "requirements.txt": "kombu\n",
        "tox.ini": "[testenv]\ncommands =\n  python -m unittest {posargs}\n",
        "test_cinder.py": unittest_of(
            "import kombu\n        self.assertIn(kombu.VERSION, ('1.0', '1.1'))"
        ),
    },
    # not affected: kombu is not in its closure
    "glance": {
        "requirements.txt": "requests\n",
        "pyproject.toml": ACCORD_UNITTEST,
        "test_glance.py": unittest_of("import requests"),
    },
    # fails whatever the pins, slowly
    "keystone": {
        "requirements.txt": "kombu\n",
        "pyproject.toml": ACCORD_UNITTEST,
        "test_keystone.py": unittest_of("import time; time.sleep(60)"),
    },
}


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))
    repo = make_fleet(tmp_path, FLEET)
    bump(repo, "kombu", "1.0", "1.1")
    return repo


def cross_test(
    repo: Path, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, dict[str, object]]:
    envs = repo.parent / "envs"
    options = ["--requirements", str(repo), "--env-dir", str(envs)]
    status = main(["cross-test", *args, *options, "--format", "json", "--jobs", "2"])
    out = capsys.readouterr().out
    return status, json.loads(out)


def verdicts(data: dict[str, object]) -> dict[str, str]:
    results = data["results"]
    assert isinstance(results, list)
    return {r["project"]: r["verdict"] for r in results}


def test_the_project_the_new_pins_break_is_the_regression(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, data = cross_test(repo, capsys, "--timeout", "2")
    assert verdicts(data) == {
        "nova": "regression",
        "cinder": "passes",
        "keystone": "fails-both",
    }
    assert status == 1
    results = data["results"]
    assert isinstance(results, list)
    nova = results[0]
    assert "AssertionError: '1.1' != '1.0'" in nova["new"]["tail"]
    assert nova["old"]["passed"] is True
    assert "timed out after 2 s" in results[2]["old"]["tail"]
    # A second run reuses the environments: one per project and pin set.
    envs = sorted(p.name for p in (repo.parent / "envs").iterdir() if p.is_dir())
    assert len(envs) == 6
    options = ["--requirements", str(repo), "--env-dir", str(repo.parent / "envs")]
    assert main(["cross-test", "cinder", *options]) == 0
    assert "cinder: passes on both" in capsys.readouterr().out
    assert len([p for p in (repo.parent / "envs").iterdir() if p.is_dir()]) == 6


def test_named_projects_are_tested_even_if_unaffected(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, data = cross_test(repo, capsys, "glance")
    assert verdicts(data) == {"glance": "passes"}
    assert status == 0


def test_an_unknown_project_is_bad_input(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["cross-test", "nope", "--requirements", str(repo)]) == 2
    assert "'nope' is not a readable project" in capsys.readouterr().err


def test_new_pins_that_do_not_install_are_a_regression(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bump(repo, "kombu", "1.1", "9.9", commit=False)
    status, data = cross_test(repo, capsys, "cinder", "--base", "HEAD")
    assert verdicts(data) == {"cinder": "regression"}
    results = data["results"]
    assert isinstance(results, list)
    assert results[0]["new"]["stage"] == "install"
    assert status == 1


COMMANDS = [
    pytest.param(
        {"pyproject.toml": '[tool.accord]\ntest-command = ["stestr", "run", "-v"]\n'},
        ("stestr", "run", "-v"),
        id="accord-list",
    ),
    pytest.param(
        {"tox.ini": "[testenv]\ncommands =\n  stestr run --slowest {posargs}\n"},
        ("stestr", "run", "--slowest"),
        id="tox",
    ),
    pytest.param(
        {"tox.ini": "[testenv]\ncommands = pytest {posargs:tests}\n  other\n"},
        ("pytest",),
        id="tox-default-posargs",
    ),
    pytest.param(
        {"tox.ini": "[testenv]\ncommands = pytest\n[testenv:py3]\ncommands = x y\n"},
        ("x", "y"),
        id="tox-py3",
    ),
    pytest.param({".stestr.conf": "[DEFAULT]\n"}, ("stestr", "run"), id="stestr"),
    pytest.param({}, ("python", "-m", "pytest"), id="default"),
]


@pytest.mark.parametrize(("files", "expected"), COMMANDS)
def test_the_test_command(
    tmp_path: Path, files: dict[str, str], expected: tuple[str, ...]
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    assert find_test_command(tmp_path) == expected


def test_a_bad_test_command_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.accord]\n\ntest-command = 3\n")
    with pytest.raises(InputError, match="test-command") as raised:
        find_test_command(tmp_path)
    assert raised.value.line == 3


def test_a_misspelt_test_command_key_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.accord]\ntest-comand = "x"\n')
    with pytest.raises(InputError, match="did you mean 'test-command'") as raised:
        find_test_command(tmp_path)
    assert raised.value.line == 2


def test_the_project_s_own_pin_is_left_out() -> None:
    pins = "kombu===1.0\nnova===2.0;python_version>='3.12'\nNova===1.0\n"
    assert without_own_pin(pins, "nova") == "kombu===1.0\n"


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        pytest.param(
            "pyproject.toml", b"a = " + b"[" * 500 + b"]" * 500, "nested", id="deep"
        ),
        pytest.param("pyproject.toml", b"x = 1\x00\n", "NUL", id="nul"),
        pytest.param("tox.ini", b"\xef\xbb\xbf[testenv]\n", "byte-order", id="bom"),
    ],
)
def test_an_unreadable_file_of_the_test_command_is_bad_input(
    tmp_path: Path, name: str, data: bytes, words: str
) -> None:
    (tmp_path / name).write_bytes(data)
    with pytest.raises(InputError, match=words) as raised:
        find_test_command(tmp_path)
    assert name in str(raised.value)


def test_whether_a_project_installs_survives_a_pyproject_nested_too_deep(
    tmp_path: Path,
) -> None:
    from accord.affected.uv_env import installable

    (tmp_path / "pyproject.toml").write_text("a = " + "[" * 500 + "]" * 500)
    assert installable(tmp_path)  # the installer says what is wrong with it


def test_python_takes_a_version_as_the_resolving_commands_do(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--python X.Y (as constraints, coinstall, affected spell it) is an
    interpreter of that version installed here, found by uv."""
    here = f"{sys.version_info[0]}.{sys.version_info[1]}"
    found = find_interpreter(here)
    assert version_of(found) == here
    status, data = cross_test(repo, capsys, "glance", "--python", here)
    assert verdicts(data) == {"glance": "passes"}
    assert status == 0


def test_a_python_version_not_installed_is_bad_input(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    options = ["--requirements", str(repo), "--python", "3.99"]
    status = main(["cross-test", "glance", *options])
    assert status == 2
    err = capsys.readouterr().err
    assert "--python 3.99: uv finds no Python 3.99 installed here" in err
    assert "Traceback" not in err
    assert not (repo.parent / "envs").exists()


def test_a_path_is_the_interpreter_itself() -> None:
    assert find_interpreter(sys.executable) == sys.executable
    true = shutil.which("true")
    assert true is not None
    with pytest.raises(InputError, match="not a Python interpreter"):
        version_of(true)  # runs, and says no version


def test_pins_saved_as_utf16_are_read_as_every_command_reads_them(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """pip reads a pins file by its byte-order mark; so does the rest of
    accord, and so does cross-test (it took the file for UTF-8)."""
    pins = repo / "upper-constraints.txt"
    pins.write_bytes(("\ufeff" + pins.read_text()).encode("utf-16-le"))
    status, data = cross_test(repo, capsys, "nova", "--timeout", "20")
    assert verdicts(data) == {"nova": "regression"}
    assert status == 1
