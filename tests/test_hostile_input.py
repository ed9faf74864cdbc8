"""Hostile text: nesting that would exhaust the stack, lines that were quadratic.

The time bounds are far above what a run takes (a fraction of a second) and
far below what the quadratic code took (76 to 350 seconds), so they catch a
regression without being benchmarks.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from accord.cli import main

from .test_check import GLOBAL, PINS

SLOW = 10.0  # seconds; the fixed code takes well under one


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
    return root


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, float]:
    start = time.perf_counter()
    code = main(list(args))
    elapsed = time.perf_counter() - start
    captured = capsys.readouterr()
    return code, captured.out + captured.err, elapsed


def test_a_chain_of_3000_includes_stops_at_the_limit(
    project: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for number in range(3000):
        (project / f"r{number}.txt").write_text(f"-r r{number + 1}.txt\n")
    (project / "requirements.txt").write_text("alembic>=1.0,!=1.2.0\n-r r0.txt\n")
    code, output, _ = run(capsys, "check", str(project), "--requirements", str(central))
    assert code == 1
    assert "C001" in output and "more than 100 files deep" in output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    "tail",
    [
        pytest.param("[tool.x]\na = " + "[" * 500 + "]" * 500 + "\n", id="arrays"),
        pytest.param("[tool.x]\na = " + "{b = " * 500 + "1" + "}" * 500, id="tables"),
    ],
)
def test_toml_nested_500_deep_is_bad_input_naming_the_file(
    project: Path, central: Path, capsys: pytest.CaptureFixture[str], tail: str
) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\ndependencies = ["alembic>=1.0,!=1.2.0"]\n' + tail
    )
    code, output, _ = run(capsys, "check", str(project), "--requirements", str(central))
    assert code == 2, output
    assert "pyproject.toml" in output and "nested too deeply" in output


def test_include_group_chain_500_deep_is_bad_input(
    project: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    groups = "".join(f'g{n} = [{{include-group = "g{n + 1}"}}]\n' for n in range(1500))
    (project / "pyproject.toml").write_text(
        f'[dependency-groups]\n{groups}g1500 = ["alembic>=1.0,!=1.2.0"]\n'
    )
    code, output, _ = run(capsys, "check", str(project), "--requirements", str(central))
    assert code == 2, output
    assert "pyproject.toml" in output and "nested too deeply" in output


def test_accord_toml_nested_500_deep_is_bad_input(
    project: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (central / "accord.toml").write_text("x = " + "[" * 500 + "]" * 500 + "\n")
    code, output, _ = run(capsys, "check", str(project), "--requirements", str(central))
    assert code == 2
    assert "accord.toml" in output and "nested too deeply" in output


def test_a_marker_nested_500_deep_is_an_unreadable_line(
    project: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    marker = "(" * 500 + "python_version>'3'" + ")" * 500
    (project / "requirements.txt").write_text(f"alembic>=1.0,!=1.2.0; {marker}\n")
    code, output, _ = run(capsys, "check", str(project), "--requirements", str(central))
    assert code == 1
    assert "C001" in output and "nested 500 deep" in output


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("alembic" + " " * 200_000 + ">=1.0\n", id="200k-spaces"),
        pytest.param("alembic>=1.0\n" * 20_000, id="20k-identical-lines"),
    ],
)
@pytest.mark.parametrize("command", ["check", "sync"])
def test_no_quadratic_path(
    project: Path,
    central: Path,
    capsys: pytest.CaptureFixture[str],
    text: str,
    command: str,
) -> None:
    (project / "requirements.txt").write_text(text)
    code, _, elapsed = run(
        capsys, command, str(project), "--requirements", str(central)
    )
    assert code in (0, 1)
    assert elapsed < SLOW


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param(
            "[metadata]\nname = x\n[options\ninstall_requires =\n    unknown-lib\n",
            3,
            id="unclosed-header",
        ),
        pytest.param(
            "install_requires = unknown-lib\n[options]\n", 1, id="before-any-header"
        ),
        pytest.param(
            "[metadata]\nname = x\n  description\nsummary\n", 4, id="stray-word"
        ),
        pytest.param("[extras]\n= unknown-lib\n", 2, id="empty-key"),
        pytest.param(
            "[options]\ninstall_requires =\n    unknown-lib\n[metadata]\n"
            "name = x\n[options]\nzip_safe = 1\n",
            6,
            id="section-twice",
        ),
    ],
)
def test_a_setup_cfg_setuptools_cannot_read_is_not_checked_as_fine(
    project: Path,
    central: Path,
    capsys: pytest.CaptureFixture[str],
    text: str,
    line: int,
) -> None:
    """configparser (so setuptools and pbr) refuses such a file; accord must
    not skip the broken part and call the project fine."""
    (project / "requirements.txt").write_text("alembic>=1.0\n")
    (project / "setup.cfg").write_text(text)
    code, output, _ = run(capsys, "check", str(project), "--requirements", str(central))
    assert code == 1, output
    assert f"setup.cfg:{line}" in output and "C001" in output
    code, output, _ = run(capsys, "sync", str(project), "--requirements", str(central))
    assert code == 1 and "not written" in output
    assert (project / "requirements.txt").read_text() == "alembic>=1.0\n"


@pytest.mark.parametrize(
    "include",
    [
        pytest.param("-rmore.txt", id="attached"),
        pytest.param("-r\tmore.txt", id="tab"),
        pytest.param("--requirement\tmore.txt", id="long-tab"),
    ],
)
def test_every_spelling_pip_takes_of_an_include_is_followed(
    project: Path, central: Path, capsys: pytest.CaptureFixture[str], include: str
) -> None:
    (project / "requirements.txt").write_text(f"alembic>=1.0,!=1.2.0\n{include}\n")
    (project / "more.txt").write_text("not-listed>=1\n")
    code, output, _ = run(capsys, "check", str(project), "--requirements", str(central))
    assert code == 1, output
    assert "more.txt:1" in output and "C002" in output


def test_an_include_of_a_url_is_reported_not_skipped(
    project: Path, central: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "requirements.txt").write_text(
        "alembic>=1.0,!=1.2.0\n-r https://example.com/more.txt\n"
    )
    code, output, _ = run(capsys, "check", str(project), "--requirements", str(central))
    assert code == 1, output
    assert "requirements.txt:2" in output and "C001" in output
    assert "https://example.com/more.txt" in output


@pytest.mark.parametrize(
    "include", ['-r "more reqs.txt"', "-r 'more reqs.txt'", "-r more\\ reqs.txt"]
)
def test_an_include_of_a_path_with_a_space_is_followed_as_pip_quotes_it(
    project: Path, central: Path, capsys: pytest.CaptureFixture[str], include: str
) -> None:
    (project / "requirements.txt").write_text(f"alembic>=1.0,!=1.2.0\n{include}\n")
    (project / "more reqs.txt").write_text("not-listed>=1\n")
    code, output, _ = run(capsys, "check", str(project), "--requirements", str(central))
    assert code == 1, output
    assert "more reqs.txt:1" in output and "C002" in output
    assert "no such file" not in output


@pytest.mark.parametrize(
    ("data", "words"),
    [
        pytest.param(
            "alembic>=1.0\n".encode("utf-16-le"),
            "requirements.txt:1: is UTF-16 text, not UTF-8",
            id="utf-16-le-without-bom",
        ),
        pytest.param(
            "alembic>=1.0\n".encode("utf-16-be"),
            "requirements.txt:1: is UTF-16 text, not UTF-8",
            id="utf-16-be-without-bom",
        ),
        pytest.param(
            b"alembic>=1.0\n\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00",
            "requirements.txt:2: contains binary data (a NUL byte)",
            id="real-binary-keeps-its-message",
        ),
    ],
)
def test_a_utf_16_file_is_named_as_such_not_binary(
    project: Path,
    central: Path,
    capsys: pytest.CaptureFixture[str],
    data: bytes,
    words: str,
) -> None:
    (project / "requirements.txt").write_bytes(data)
    code, output, _ = run(capsys, "check", str(project), "--requirements", str(central))
    assert code == 2, output
    assert words in output
    assert ("save it as UTF-8" in output) == ("UTF-16" in words or "UTF-32" in words)
