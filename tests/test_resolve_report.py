"""Resolution failures and findings: once per library, with their Pythons and
the global-list line at fault."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord.cli import main

from .test_constraints_generate import generate, make_repo, verify, wheelhouse
from .wheelhouse import make_canary_tree

__all__ = ["wheelhouse"]  # the fixture, used by name

PYTHON_CASES = [
    pytest.param(["3.10", "3.11", "3.12", "3.13"], "3.10-3.13", id="run"),
    pytest.param(["3.10", "3.12"], "3.10, 3.12", id="gap"),
    pytest.param(["3.12"], "3.12", id="one"),
]


@pytest.mark.parametrize(("pythons", "text"), PYTHON_CASES)
def test_describe_pythons(pythons: list[str], text: str) -> None:
    from accord.resolve.pythons import describe_pythons

    assert describe_pythons(pythons, ["3.10", "3.11", "3.12", "3.13"]) == text


def test_unpinned_library_is_reported_once(
    tmp_path: Path, wheelhouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path, wheelhouse, pins="")
    assert generate(repo, capsys)[0] == 0
    pins = (repo / "upper-constraints.txt").read_text()
    (repo / "upper-constraints.txt").write_text(pins.replace("gamma===2.0\n", ""))
    code, findings = verify(repo, capsys)
    assert code == 1
    assert [f["message"] for f in findings] == [
        "gamma 2.0 is needed on Python 3.10-3.13 but not pinned"
    ]


def test_missing_library_fails_once_at_its_global_line(
    tmp_path: Path, wheelhouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path, wheelhouse, pins="")
    assert generate(repo, capsys)[0] == 0
    with (repo / "global-requirements.txt").open("a") as handle:
        handle.write("nosuchlib  # MIT\n")  # line 9
    code, document = generate(repo, capsys)
    assert code == 1
    (failure,) = document["failures"]  # type: ignore[misc]
    assert failure["pythons"] == ["3.10", "3.11", "3.12", "3.13"]
    assert (failure["path"], failure["line"]) == ("global-requirements.txt", 9)
    assert main(["constraints", "generate", "--requirements", str(repo)]) == 1
    out = capsys.readouterr().out
    assert out.count("nosuchlib was not found") == 1
    assert "failed on Python 3.10-3.13: nosuchlib (global-requirements.txt:9)" in out
    code, findings = verify(repo, capsys)
    assert code == 1
    v002 = [f for f in findings if f["rule"] == "V002"]
    assert [(f["path"], f["line"]) for f in v002] == [("global-requirements.txt", 9)]
    assert "on Python 3.10-3.13" in str(v002[0]["message"])


def test_direct_reference_in_the_global_list_is_refused(
    tmp_path: Path, wheelhouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    canary = tmp_path / "CANARY"
    tree = make_canary_tree(tmp_path, "tree", "1.0", canary)
    repo = make_repo(tmp_path, wheelhouse, pins="")
    assert generate(repo, capsys, "--python", "3.12")[0] == 0
    pins = (repo / "upper-constraints.txt").read_text()
    with (repo / "global-requirements.txt").open("a") as handle:
        handle.write(f"tree @ {tree.as_uri()}  # MIT\n")  # line 9
    code, document = generate(repo, capsys, "--python", "3.12", "--refresh")
    assert code == 1
    (failure,) = document["failures"]  # type: ignore[misc]
    assert (failure["path"], failure["line"]) == ("global-requirements.txt", 9)
    assert "a path" in failure["reason"]
    assert (repo / "upper-constraints.txt").read_text() == pins
    args = ["constraints", "verify", "--requirements", str(repo), "--python", "3.12"]
    assert main([*args, "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["rule"], f["line"]) for f in findings] == [("V006", 9)]
    assert not canary.exists()


def test_bump_checks_its_names_and_says_its_command(
    tmp_path: Path, wheelhouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path, wheelhouse, pins="gamma===1.0\n", pythons='["3.12"]')
    base = ["constraints", "bump", "--requirements", str(repo)]
    assert main([*base, "nosuchlib"]) == 2
    assert "nosuchlib is not in global-requirements.txt" in capsys.readouterr().err
    assert main([*base, "lint"]) == 2  # denylisted: never pinned
    assert "never pinned" in capsys.readouterr().err
    assert (repo / "upper-constraints.txt").read_text() == "gamma===1.0\n"
    assert main([*base, "gamma", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["command"] == "constraints bump"


def test_progress_counts_pythons_and_names_the_running_ones() -> None:
    import io

    from rich.console import Console

    from accord.cli._progress import resolution_progress
    from accord.resolve.generate import resolve_all
    from accord.resolve.request import ResolveOutcome, ResolveRequest

    seen: list[str] = []

    class Fake:
        def resolve(self, request: ResolveRequest) -> ResolveOutcome:
            seen.append(request.python)
            return ResolveOutcome(request.python, ())

    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    pythons = ["3.11", "3.12"]
    with resolution_progress(pythons, console) as shown:
        resolver = shown.watch(Fake())
        requests = [ResolveRequest(python, ("x",)) for python in pythons]
        resolve_all(requests, resolver, 2, shown.done)
        assert shown.completed == 2 and shown.running == []
        shown.started("3.12")  # as a rerun online would
    text = screen.getvalue()
    assert "resolving Python 3.12" in text
    assert "Pythons" in text and "projects" not in text
    assert "0:00:0" in text  # elapsed time
    assert seen == pythons


EXPLANATIONS = [
    pytest.param(
        "Because you require requests>=2.20,<2.30 and requests==2.32.5, we can "
        "conclude that your requirements are unsatisfiable.",
        ["requests>=2.20,<2.30", "requests==2.32.5"],
        {"requests>=2.20,<2.30": True, "requests>=2.31,!=2.32.0": None},
        id="specifier-with-a-comma",
    ),
    pytest.param(
        "Because all versions of beta depend on gamma>=1 and you require beta, we "
        "can conclude that you require gamma>=1. And because you require gamma<1, "
        "we can conclude that your requirements are unsatisfiable.",
        ["beta", "gamma<1"],
        {"beta>=1": True, "gamma<1": True, "gamma>=1": None, "delta": False},
        id="derived-requirement-is-not-blamed",
    ),
    pytest.param(
        "Because nosuchlib was not found in the package registry and you require "
        "nosuchlib, we can conclude that your requirements are unsatisfiable.",
        ["nosuchlib"],
        {"nosuchlib>=1": True},
        id="missing",
    ),
]


@pytest.mark.parametrize(("reason", "mentions", "verdicts"), EXPLANATIONS)
def test_uv_explanation(
    reason: str, mentions: list[str], verdicts: dict[str, bool | None]
) -> None:
    from packaging.requirements import Requirement

    from accord.resolve.uv_explain import involves, required

    found = required(reason)
    assert [f"{m.name}{m.specifier or ''}" for m in found] == [
        str(Requirement(text)) for text in mentions
    ]
    for text, verdict in verdicts.items():
        assert involves(found, Requirement(text)) is verdict, text
