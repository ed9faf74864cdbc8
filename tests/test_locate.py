"""Finding the requirements repo: the discovery order and its error."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.cli import main
from accord.locate import requirements_repo
from accord.locate.order import NotFound
from accord.locate.remote import RemoteRepo, parse_remote
from accord.masking import mask_credentials as mask

GLOBAL = "requests  # Apache-2.0\n"
PINS = "requests===2.32.3\n"


def central(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "global-requirements.txt").write_text(GLOBAL)
    (path / "upper-constraints.txt").write_text(PINS)
    return path


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three requirements repos (flag, env, pyproject) and a project; the
    current directory is an empty one, outside all of them."""
    for name in ("by-flag", "by-env", "by-pyproject"):
        central(tmp_path / name)
    (tmp_path / "proj").mkdir()
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    return tmp_path


def set_pyproject(project: Path, value: str) -> None:
    (project / "pyproject.toml").write_text(
        f'[project]\nname = "p"\n\n[tool.accord]\nrequirements = "{value}"\n'
    )


def test_the_option_comes_first(world: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCORD_REQUIREMENTS", str(world / "by-env"))
    set_pyproject(world / "proj", "../by-pyproject")
    found = requirements_repo(str(world / "by-flag"), world / "proj")
    assert found == world / "by-flag"


def test_the_environment_comes_before_pyproject(
    world: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCORD_REQUIREMENTS", str(world / "by-env"))
    set_pyproject(world / "proj", "../by-pyproject")
    assert requirements_repo(None, world / "proj") == world / "by-env"


def test_pyproject_paths_are_relative_to_the_pyproject(world: Path) -> None:
    set_pyproject(world / "proj", "../by-pyproject")
    found = requirements_repo(None, world / "proj")
    assert found.resolve() == (world / "by-pyproject").resolve()


def test_without_a_project_the_current_directory_pyproject_counts(
    world: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(world / "proj")
    set_pyproject(world / "proj", "../by-pyproject")
    assert requirements_repo(None).resolve() == (world / "by-pyproject").resolve()


def test_the_current_directory_is_the_first_candidate(
    world: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # accord's default before discovery: run from inside the requirements repo.
    monkeypatch.chdir(world / "by-flag")
    central(world / "proj" / "vendored")  # not above the project: not a candidate
    assert requirements_repo(None, world / "proj") == Path()


def test_upward_search_from_the_project(world: Path) -> None:
    project = world / "by-env" / "projects" / "nova"
    project.mkdir(parents=True)
    assert requirements_repo(None, project) == world / "by-env"


def test_upward_search_from_a_subdirectory_of_the_current_one(
    world: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (world / "by-flag" / "tools").mkdir()
    monkeypatch.chdir(world / "by-flag" / "tools")
    assert requirements_repo(None) == world / "by-flag"


def test_the_error_says_what_each_step_gave(world: Path) -> None:
    with pytest.raises(NotFound) as raised:
        requirements_repo(None, world / "proj")
    assert [source for source, _ in raised.value.tried] == [
        "--requirements",
        "ACCORD_REQUIREMENTS",
        "[tool.accord] requirements",
        "upward search",
    ]
    text = str(raised.value)
    assert "--requirements: not given" in text
    assert "ACCORD_REQUIREMENTS: not set" in text
    assert f"no {world / 'proj' / 'pyproject.toml'}" in text
    assert "no global-requirements.txt in" in text


def test_no_repo_found_is_exit_2_in_one_line(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(world / "proj")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("accord: error: no requirements repo found (")


@pytest.mark.parametrize(
    ("pyproject", "message"),
    [
        pytest.param("[tool.accord\n", "not valid TOML", id="bad-toml"),
        pytest.param(
            "[tool.accord]\nrequirements = 3\n",
            "pyproject.toml:2: [tool.accord] requirements must be a path",
            id="not-a-string",
        ),
        pytest.param(
            '[project]\nname = "p"\n[tool.accord]\nrequirement = "../central"\n',
            "pyproject.toml:4: unknown key 'requirement' in [tool.accord]"
            " (did you mean 'requirements'?)",
            id="unknown-key",
        ),
        pytest.param(
            '[tool.accord]\nrequirements = "../c"\ntest_command = "x"\n',
            "pyproject.toml:3: unknown key 'test_command' in [tool.accord]"
            " (did you mean 'test-command'?)",
            id="unknown-key-beside-a-good-one",
        ),
        pytest.param(
            "[tool]\naccord = 3\n",
            "pyproject.toml:2: [tool.accord] must be a table",
            id="not-a-table",
        ),
        pytest.param(
            '[tool.accord]\nrequirements = "missing"\n',
            "no global-requirements.txt in",
            id="not-a-repo",
        ),
    ],
)
def test_a_bad_pyproject_setting_is_exit_2(
    world: Path, capsys: pytest.CaptureFixture[str], pyproject: str, message: str
) -> None:
    (world / "proj" / "pyproject.toml").write_text(pyproject)
    assert main(["check", str(world / "proj")]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_wrong_environment_value_is_not_passed_over(
    world: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ACCORD_REQUIREMENTS", str(world / "proj"))
    monkeypatch.chdir(world / "by-flag")  # would be found by the search
    assert main(["validate"]) == 2
    assert "(it comes from ACCORD_REQUIREMENTS)" in capsys.readouterr().err


def test_an_empty_environment_value_counts_as_unset(
    world: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACCORD_REQUIREMENTS", "")
    monkeypatch.chdir(world / "by-flag")
    assert requirements_repo(None) == Path()


def test_validate_finds_the_repo_by_itself(
    world: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ACCORD_REQUIREMENTS", str(world / "by-env"))
    assert main(["validate", "--format", "json"]) == 0
    assert '"errors": 0' in capsys.readouterr().out


REMOTES = [
    pytest.param(
        "git+https://host/org/requirements@stable/2026.1",
        RemoteRepo("https://host/org/requirements", "stable/2026.1"),
        id="https-branch",
    ),
    pytest.param(
        "git+https://user:token@host/org/requirements",
        RemoteRepo("https://user:token@host/org/requirements", None),
        id="userinfo-no-ref",
    ),
    pytest.param(
        "git+file:///srv/repo@v1.0", RemoteRepo("file:///srv/repo", "v1.0"), id="file"
    ),
    pytest.param("file:///srv/repo", RemoteRepo("file:///srv/repo", None), id="bare"),
    pytest.param(
        "git+ssh://git@host/org/req.git@main",
        RemoteRepo("ssh://git@host/org/req.git", "main"),
        id="ssh",
    ),
]


@pytest.mark.parametrize(("text", "expected"), REMOTES)
def test_parse_remote(text: str, expected: RemoteRepo) -> None:
    assert parse_remote(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("git+ext::sh -c evil", id="ext-transport"),
        pytest.param("git+fd::3", id="fd-transport"),
        pytest.param("git+https://host/r@-upload-pack=x", id="option-ref"),
        pytest.param("git+https://host/r@a..b", id="dots-ref"),
        pytest.param("git+https://host/r@", id="empty-ref"),
        pytest.param("file:", id="nothing"),
        pytest.param("git+https://[::1/r", id="bad-ipv6"),
        pytest.param("git+file:///tmp/\udcff", id="undecodable"),
    ],
)
def test_unsafe_remotes_are_refused(text: str) -> None:
    from accord.errors import InputError

    with pytest.raises(InputError):
        parse_remote(text)


def test_userinfo_is_masked() -> None:
    remote = parse_remote("git+https://user:token@host/r@main")
    assert str(remote) == "https://***@host/r@main"
    assert mask("see https://tok@h/x and ssh://git@h/y") == (
        "see https://***@h/x and ssh://***@h/y"
    )
