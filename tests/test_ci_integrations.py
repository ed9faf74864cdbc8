"""The pre-commit hooks, the GitHub action and the README's GitLab job run
commands accord's own parser accepts; the action's shell steps run here too
(all but the pip install, which needs an index)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from accord.cli._options import FINDINGS_FORMATS
from accord.cli._parser import parse

from .conftest import EXAMPLES, ROOT

yaml = pytest.importorskip("yaml")


def load(name: str) -> object:
    return yaml.safe_load((ROOT / name).read_text())


def hooks() -> dict[str, dict[str, object]]:
    listed = load(".pre-commit-hooks.yaml")
    assert isinstance(listed, list)
    return {hook["id"]: hook for hook in listed}


def test_pre_commit_hooks_run_real_commands() -> None:
    found = hooks()
    assert set(found) == {"accord-check", "accord-sync"}
    for hook_id, hook in found.items():
        assert {"id", "name", "entry", "language"} <= hook.keys()
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False
        words = shlex.split(str(hook["entry"]))
        assert words[0] == "accord"
        assert words[1:] == [hook_id.removeprefix("accord-"), "."]
        # pre-commit appends the user's args to the entry
        options = parse([*words[1:], "--requirements", "../requirements"])
        assert options.project == Path()
        assert options.requirements == "../requirements"  # a path or a git URL


SOURCES = [
    "requirements.txt",
    "test-requirements.txt",
    "doc/requirements.txt",
    "driver-requirements.txt",
    "requirements-dev.txt",
    "setup.cfg",
    "pyproject.toml",
]
NOT_SOURCES = ["README.md", "setup.py", "requirements.txt.orig", "src/x.py"]


@pytest.mark.parametrize("hook_id", ["accord-check", "accord-sync"])
def test_hooks_run_when_a_requirement_source_changes(hook_id: str) -> None:
    files = re.compile(str(hooks()[hook_id]["files"]))  # pre-commit uses re.search
    assert all(files.search(path) for path in SOURCES)
    assert not any(files.search(path) for path in NOT_SOURCES)
    for runner_file in ("tox.ini", "tox.toml", "noxfile.py"):  # C019
        assert bool(files.search(runner_file)) == (hook_id == "accord-check")


def action() -> dict[str, object]:
    document = load("action.yml")
    assert isinstance(document, dict)
    return document


def steps() -> list[dict[str, object]]:
    runs = action()["runs"]
    assert isinstance(runs, dict)
    assert runs["using"] == "composite"
    found = runs["steps"]
    assert isinstance(found, list)
    for step in found:
        assert step["shell"] == "bash"
        # inputs reach the scripts through env, never spliced into the script
        assert "${{" not in str(step["run"])
    return found


def test_action_inputs() -> None:
    inputs = action()["inputs"]
    assert isinstance(inputs, dict)
    assert set(inputs) == {
        "requirements",
        "requirements-ref",
        "project",
        "format",
        "version",
    }
    assert inputs["requirements"]["required"] is True
    assert inputs["format"]["default"] == "github"
    assert inputs["project"]["default"] == "."
    assert all("description" in spec for spec in inputs.values())


def _expand(command: str, env: dict[str, str]) -> list[str]:
    words = shlex.split(command)
    return [re.sub(r"\$(\w+)", lambda m: env[m.group(1)], word) for word in words]


@pytest.mark.parametrize("output_format", FINDINGS_FORMATS)
def test_action_check_step_parses(output_format: str) -> None:
    check = steps()[-1]
    env = {
        "ACCORD_PROJECT": "services/api",
        "ACCORD_CENTRAL": "/tmp/requirements",
        "ACCORD_FORMAT": output_format,
    }
    assert set(env) == set(check["env"])  # type: ignore[arg-type]
    words = _expand(str(check["run"]), env)
    assert words[0] == "accord"
    options = parse(words[1:])
    assert options.project == Path("services/api")
    assert options.output_format == output_format


@pytest.fixture
def bash() -> str:
    found = shutil.which("bash")
    if found is None or shutil.which("git") is None:
        pytest.skip("needs bash and git")
    return found


def run_step(
    bash: str, step: dict[str, object], env: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    output = tmp_path / "github-output"
    output.touch()
    full_env = {
        **os.environ,
        **env,
        "GITHUB_OUTPUT": str(output),
        "RUNNER_TEMP": str(tmp_path),
        "GIT_TERMINAL_PROMPT": "0",
    }
    # GitHub runs `shell: bash` as: bash --noprofile --norc -eo pipefail {0}
    return subprocess.run(
        [bash, "--noprofile", "--norc", "-eo", "pipefail", "-c", str(step["run"])],
        env=full_env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_action_fetches_a_git_requirements_repo(bash: str, tmp_path: Path) -> None:
    origin = tmp_path / "origin"
    shutil.copytree(EXAMPLES / "requirements", origin)
    _git("init", "-q", "-b", "main", cwd=origin)
    _git("add", ".", cwd=origin)
    _git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "c", cwd=origin)
    _git("branch", "stable/2025.1", cwd=origin)
    fetch = steps()[1]
    env = {
        "ACCORD_REQUIREMENTS": origin.as_uri(),
        "ACCORD_REQUIREMENTS_REF": "stable/2025.1",
    }
    result = run_step(bash, fetch, env, tmp_path)
    assert result.returncode == 0, result.stderr
    outputs = (tmp_path / "github-output").read_text()
    clone = tmp_path / "accord-requirements"
    assert outputs == f"path={clone}\n"
    assert (clone / "global-requirements.txt").is_file()
    branch = subprocess.run(
        ["git", "branch", "--show-current"],
        cwd=clone,
        capture_output=True,
        text=True,
        check=True,
    )
    assert branch.stdout.strip() == "stable/2025.1"


def test_action_takes_a_path_as_it_is(bash: str, tmp_path: Path) -> None:
    result = run_step(bash, steps()[1], {"ACCORD_REQUIREMENTS": "central"}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "github-output").read_text() == "path=central\n"


def test_action_check_step_annotates(bash: str, tmp_path: Path) -> None:
    """The step itself, with an `accord` on PATH that runs this checkout."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "accord"
    shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m accord "$@"\n')
    shim.chmod(0o755)
    shutil.copytree(EXAMPLES / "legacy-reports", tmp_path / "legacy-reports")
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT / "src"),
        "ACCORD_PROJECT": "legacy-reports",
        "ACCORD_CENTRAL": str(EXAMPLES / "requirements"),
        "ACCORD_FORMAT": "github",
    }
    result = run_step(bash, steps()[-1], env, tmp_path)
    assert result.returncode == 1, result.stderr  # legacy-reports has errors
    first = result.stdout.splitlines()[0]
    assert first.startswith("::error file=legacy-reports/requirements.txt,line=")


def test_readme_gitlab_job() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("**GitLab CI**", 1)[1]
    block = re.search(r"```yaml\n(.*?)\n```", section, re.S)
    assert block is not None
    job = yaml.safe_load(block.group(1))["accord-check"]
    assert job["artifacts"]["reports"]["junit"] == "accord-junit.xml"
    (command,) = [line for line in job["script"] if line.startswith("accord ")]
    words = shlex.split(command.split(">", 1)[0])
    assert parse(words[1:]).output_format == "junit"


def test_readme_shows_the_action_and_hooks_with_their_real_inputs() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = [
        yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)\n```", readme, re.S)
    ]
    uses = [step for b in blocks if isinstance(b, list) for step in b]
    (accord_step,) = [s for s in uses if "accord@" in str(s.get("uses", ""))]
    assert set(accord_step["with"]) <= set(action()["inputs"])  # type: ignore[arg-type]
    (repo,) = [s for s in uses if "hooks" in s]
    assert {h["id"] for h in repo["hooks"]} <= set(hooks())
