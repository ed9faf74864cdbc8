"""The tree stays lint-clean, formatted and type-checked: CI runs these."""

from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil
import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest

import accord

from .conftest import ROOT


def _tool(name: str) -> list[str]:
    if shutil.which(name) is None:
        pytest.skip(f"{name} is not installed")
    return [sys.executable, "-m", name]


def test_ruff_check() -> None:
    result = subprocess.run(
        [*_tool("ruff"), "check", "src", "tests", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    result = subprocess.run(
        [*_tool("ruff"), "format", "--check", "src", "tests", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict() -> None:
    result = subprocess.run(
        [*_tool("mypy"), "--strict", "src"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "module",
    sorted(
        info.name
        for info in pkgutil.walk_packages(accord.__path__, prefix="accord.")
        if info.name != "accord.__main__"
    ),
)
def test_every_module_imports_on_its_own(module: str) -> None:
    """No circular imports: each module imports in a fresh interpreter."""
    result = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    importlib.import_module(module)


def _commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every runnable command in the tree, with its words (``fleet check``)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _commands(sub, (*path, name))
            return
    yield path, parser


def test_every_command_dispatches_to_a_handler_taking_its_options() -> None:
    """Each command's handler imports, and its parameters are exactly the
    command's options: main() passes them by name, so a renamed dest or a
    forgotten parameter fails here rather than when a user runs it."""
    from accord.cli import handler
    from accord.cli._parser import HANDLER, build_parser

    commands = dict(_commands(build_parser()))
    assert {" ".join(path) for path in commands} == {
        "validate", "check", "sync", "who-uses", "fleet check", "fleet sync",
        "constraints generate", "constraints bump", "constraints verify",
        "coinstall", "lower-bounds", "propose", "review", "review-change",
    }  # fmt: skip
    for path, parser in commands.items():
        options = {action.dest for action in parser._actions} - {"help"}
        run = handler(parser.get_default(HANDLER))
        assert set(inspect.signature(run).parameters) == options, path
