"""The tree stays lint-clean, formatted and type-checked: CI runs these."""

from __future__ import annotations

import argparse
import ast
import importlib
import inspect
import pkgutil
import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest

import accord

from .conftest import EXAMPLES, ROOT


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
        "init", "validate", "check", "sync", "who-uses", "fleet check", "fleet sync",
        "constraints generate", "constraints bump", "constraints verify",
        "constraints export", "coinstall", "lower-bounds", "propose", "review",
        "review-change", "completion", "affected", "cross-test", "site", "audit",
        "release validate", "release next", "release tag", "release branch",
        "release build", "release publish", "release notes", "release run",
    }  # fmt: skip
    for path, parser in commands.items():
        options = {action.dest for action in parser._actions} - {"help"}
        run = handler(parser.get_default(HANDLER))
        assert set(inspect.signature(run).parameters) == options, path


def test_check_imports_no_other_command() -> None:
    """The CI command pays only for itself: not for click, rich, tomlkit,
    the resolver or the other commands' modules."""
    script = (
        "import sys\n"
        "from accord.cli import main\n"
        f"code = main(['check', {str(EXAMPLES / 'billing')!r}, '--requirements', "
        f"{str(EXAMPLES / 'requirements')!r}, '--format', 'json'])\n"
        "print(code, ' '.join(sys.modules), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    code, modules = result.stderr.splitlines()[-1].split(" ", 1)
    assert code == "0", result.stderr
    loaded = set(modules.split())
    assert "accord.cli._central" in loaded
    other_commands = (
        "accord.resolve",
        "accord.review",
        "accord.propose",
        "accord.export",
        "accord.cli.",
    )
    unwanted = {
        m
        for m in loaded
        if m.split(".")[0] in {"click", "rich", "tomlkit", "cyclonedx", "packageurl"}
        or m.startswith(other_commands)
        # billing has no tox or nox file: their parsers stay unloaded
        or m in {"accord.model.tox_config", "accord.rules.nox_constraints"}
    } - {
        "accord.cli._app",
        "accord.cli._parser",
        "accord.cli._commands",  # the tree, to find the command
        "accord.cli._args_central",  # check's arguments
        "accord.cli._options",  # the options check shares
        "accord.cli._globals",  # -q, --color and --jobs: every command's
        "accord.cli._examples",  # every command's --help
        "accord.cli._central",
    }
    assert not unwanted


def _typed_and_run_time_records() -> Iterator[tuple[str, ast.ClassDef, ast.Call]]:
    """Each record typed for mypy under ``if TYPE_CHECKING:`` beside the
    namedtuple its module builds at run time instead (to spare the path
    importing typing), as (module, typed class, namedtuple call)."""
    for path in sorted((ROOT / "src" / "accord").rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.If)
                and isinstance(node.test, ast.Name)
                and node.test.id == "TYPE_CHECKING"
            ):
                continue
            classes = {c.name: c for c in node.body if isinstance(c, ast.ClassDef)}
            for statement in node.orelse:
                if (
                    isinstance(statement, ast.Assign)
                    and isinstance(statement.value, ast.Call)
                    and isinstance(statement.value.func, ast.Name)
                    and statement.value.func.id == "namedtuple"
                ):
                    [target] = statement.targets
                    assert isinstance(target, ast.Name)
                    yield path.name, classes[target.id], statement.value


def test_a_record_built_at_run_time_matches_its_typed_class() -> None:
    """Same fields in the same order, and the same defaults."""
    records = list(_typed_and_run_time_records())
    assert records  # usage_cache.Use and cli._commands.Command at least
    for module, typed, call in records:
        fields = [
            s.target.id
            for s in typed.body
            if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
        ]
        defaults = [
            ast.unparse(s.value)
            for s in typed.body
            if isinstance(s, ast.AnnAssign) and s.value is not None
        ]
        name, names = call.args
        assert ast.literal_eval(name) == typed.name, module
        assert ast.literal_eval(names) == fields, f"{module}: {typed.name}"
        given = [k.value for k in call.keywords if k.arg == "defaults"]
        run_time = [ast.unparse(d) for d in given[0].elts] if given else []  # type: ignore[attr-defined]
        assert run_time == defaults, f"{module}: {typed.name}"
