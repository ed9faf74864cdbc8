"""The accord-check hook, run by pre-commit itself (`pre-commit try-repo`) from
a clone of this repository: pre-commit makes a virtualenv and pip-installs
accord into it, here from a wheelhouse of the distributions installed in this
environment, since tests have no index."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

from .conftest import EXAMPLES, ROOT
from .repack import NotInstalled, bundled, closure, repack

pytest.importorskip("pre_commit")
pytest.importorskip("virtualenv")  # pre-commit's python hooks: `-m virtualenv`


_PROXIES = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")


def _git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


def _wheelhouse(directory: Path) -> Path:
    """accord's runtime closure and its build backend, as wheels."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    directory.mkdir()
    try:
        for dist in closure(project["project"]["dependencies"]):
            repack(dist, directory)
    except NotInstalled as error:
        pytest.skip(f"accord's dependency {error} is not installed to repack")
    for requirement in project["build-system"]["requires"]:
        try:
            for dist in closure([requirement]):
                repack(dist, directory)
        except NotInstalled:
            wheel = bundled(requirement)
            if wheel is None:
                pytest.skip(f"build backend {requirement}: not installed, not bundled")
            shutil.copy(wheel, directory)
    return directory


@dataclass(frozen=True)
class Hooks:
    repo: Path  # a clone of this repository at HEAD
    env: dict[str, str]


@pytest.fixture(scope="module")
def hooks(tmp_path_factory: pytest.TempPathFactory) -> Hooks:
    """An environment for pre-commit with no index: one pre-commit home for
    the module, so the hook's virtualenv is built once."""
    if shutil.which("git") is None:
        pytest.skip("needs git")
    if not (ROOT / ".git").exists():
        pytest.skip("needs this repository's git history to clone")
    base = tmp_path_factory.mktemp("pre-commit")
    wheels = _wheelhouse(base / "wheels")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PIP_", "UV_", "VIRTUALENV_", "PRE_COMMIT"))
        and key
        not in {"PYTHONPATH", "VIRTUAL_ENV", "ACCORD_REQUIREMENTS", "FORCE_COLOR"}
        and key.lower() != "no_proxy"
    }
    env |= {
        "PRE_COMMIT_HOME": str(base / "home"),
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheels),
        "PIP_NO_CACHE_DIR": "1",
        "UV_OFFLINE": "1",  # should pre-commit-uv be installed
        "UV_NO_INDEX": "1",
        "UV_FIND_LINKS": str(wheels),
        "VIRTUALENV_NO_PERIODIC_UPDATE": "1",  # never asks for newer seed wheels
        "VIRTUALENV_APP_DATA": str(base / "virtualenv"),
        "NO_COLOR": "1",
        # and should anything still try the network, it finds nobody there
        **dict.fromkeys(_PROXIES, "http://127.0.0.1:9"),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
    }
    clone = base / "accord"
    _git("clone", "-q", str(ROOT), str(clone), cwd=base)
    return Hooks(clone, env)


def try_repo(
    hooks: Hooks, example: str, tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    project = tmp_path / example
    shutil.copytree(EXAMPLES / example, project)
    _git("init", "-q", cwd=project)
    _git("add", ".", cwd=project)
    command = [
        sys.executable,
        "-m",
        "pre_commit",
        "try-repo",
        str(hooks.repo),
        "accord-check",
        "--all-files",
    ]
    env = hooks.env | {"ACCORD_REQUIREMENTS": str(EXAMPLES / "requirements")}
    return subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, check=False
    )


def test_hook_fails_on_a_drifted_project(hooks: Hooks, tmp_path: Path) -> None:
    result = try_repo(hooks, "legacy-reports", tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "accord check" in result.stdout
    assert "Failed" in result.stdout
    # the finding, where it is: rich may wrap the table, so look for its parts
    assert "C003" in result.stdout
    assert "requirements.txt:2" in result.stdout
    assert "requests" in result.stdout


def test_hook_passes_on_a_clean_project(hooks: Hooks, tmp_path: Path) -> None:
    result = try_repo(hooks, "catalog", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout
