"""Each Python gets the newest versions that work on it: a library that
dropped the oldest Python, and a library whose newest release needs it, move
on the newer Pythons and stay back only on the oldest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord.cli import main

from .wheelhouse import make_wheel


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    house = tmp_path / "wheels"
    house.mkdir()
    # 2.0 of the base library dropped Python 3.11; the newest app needs it.
    make_wheel(house, "base-lib", "1.0", requires_python=">=3.10")
    make_wheel(house, "base-lib", "2.0", requires_python=">=3.12")
    make_wheel(house, "app-lib", "1.0", ["base-lib>=1.0"])
    make_wheel(house, "app-lib", "2.0", ["base-lib>=2.0"])
    repo = tmp_path / "requirements"
    repo.mkdir()
    (repo / "global-requirements.txt").write_text("app-lib  # MIT\n")
    (repo / "accord.toml").write_text(
        'python-versions = ["3.11", "3.12", "3.13"]\n'
        f'[index]\nno-index = true\nfind-links = ["{house}"]\n'
    )
    return repo


def test_newer_pythons_are_not_held_back_by_the_oldest(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["constraints", "generate", "--requirements", str(repo)])
    capsys.readouterr()
    assert code == 0
    pins = (repo / "upper-constraints.txt").read_text()
    assert pins.splitlines()[2:] == [
        "app-lib===1.0;python_version<'3.12'",
        "app-lib===2.0;python_version>='3.12'",
        "base-lib===1.0;python_version<'3.12'",
        "base-lib===2.0;python_version>='3.12'",
    ]
    # What generate writes, verify accepts.
    code = main(
        ["constraints", "verify", "--requirements", str(repo), "--format", "json"]
    )
    assert code == 0, capsys.readouterr().out
    assert json.loads(capsys.readouterr().out)["findings"] == []
