"""Holds in accord.toml: validate, constraints verify and bump give one
answer about a pin or a release a hold refuses, and name the hold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from accord.cli import main

from .test_constraints_generate import generate, make_repo, verify, wheelhouse
from .test_validate_rules import findings, write_repo
from .wheelhouse import make_wheel

__all__ = ["wheelhouse"]  # the fixture, used by name


HOLD = (
    'python-versions = ["3.12"]\n'
    "[[holds]]\n"
    'name = "gamma"\n'  # line 3
    'specifier = "<2"\n'
    'reason = "2.0 breaks the scheduler"\n'
)


def test_a_pin_outside_a_hold_is_g021_at_the_pin(tmp_path: Path) -> None:
    """The hold is the team's decision to keep gamma below 2: a pin of 2.0
    breaks it, and validate says so at the pin, naming the hold."""
    repo = write_repo(
        tmp_path,
        **{
            "accord.toml": HOLD,
            "global-requirements.txt": "beta  # MIT\ngamma  # MIT\n",
            "upper-constraints.txt": "beta===1.0\ngamma===2.0\n",
        },
    )
    (finding,) = findings(repo)
    assert (finding.rule, finding.severity, finding.path, finding.line) == (
        "G021",
        "error",
        "upper-constraints.txt",
        2,
    )
    assert finding.message == (
        "gamma===2.0 is outside the hold keeping gamma<2 (accord.toml:3: "
        "2.0 breaks the scheduler)"
    )
    assert finding.fix == (
        "pin a version the hold allows (accord constraints generate moves it), "
        "or lift the hold"
    )


def test_a_pin_within_the_hold_or_for_no_supported_python_is_fine(
    tmp_path: Path,
) -> None:
    repo = write_repo(
        tmp_path,
        **{
            "accord.toml": HOLD,
            "global-requirements.txt": "gamma  # MIT\n",
            "upper-constraints.txt": "gamma===1.0;python_version>='3.12'\n"
            "gamma===2.0;python_version<'3.12'\n",
        },
    )
    # No G021: the hold refuses no pin a supported Python installs. The
    # line for the others is dead weight, though: G027, a warning.
    assert [(f.rule, f.severity, f.line) for f in findings(repo)] == [
        ("G027", "warning", 2)
    ]


GAMMA_HOLD = '[[holds]]\nname = "gamma"\nspecifier = "<2"\nreason = "2.0 breaks us"\n'


def test_verify_reports_a_pin_outside_a_hold_as_validate_does(
    tmp_path: Path, wheelhouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """verify resolves the global list under the pins; a pin the hold
    refuses is G021 there too (not a resolution failure, not silence), and
    the pin verify asks for is one the hold allows."""
    repo = make_repo(tmp_path, wheelhouse, GAMMA_HOLD, pins="", pythons='["3.12"]')
    assert generate(repo, capsys)[0] == 0
    pins = (repo / "upper-constraints.txt").read_text()
    assert "gamma===1.0\n" in pins
    assert verify(repo, capsys) == (0, [])
    (repo / "upper-constraints.txt").write_text(
        pins.replace("gamma===1.0", "gamma===2.0")
    )
    line = pins.splitlines().index("gamma===1.0") + 1
    code, found = verify(repo, capsys)
    assert code == 1
    assert [(f["rule"], f["path"], f["line"]) for f in found] == [
        ("G021", "upper-constraints.txt", line)
    ]
    # Unpinned, gamma is needed at the version the hold allows, not at 2.0.
    (repo / "upper-constraints.txt").write_text(pins.replace("gamma===1.0\n", ""))
    code, found = verify(repo, capsys)
    assert code == 1
    assert [(f["rule"], f["message"]) for f in found] == [
        ("V003", "gamma 1.0 is needed on Python 3.12 but not pinned")
    ]


def test_a_hold_or_unpinned_name_no_library_has_is_g022(tmp_path: Path) -> None:
    """'gama' in a hold or in unpinned is most likely a typo: the hold
    keeps nothing back and gamma is not exempt. A name the pins carry (a
    library only others need) is a real library; so are pip, setuptools
    and wheel, unpinned by default."""
    repo = write_repo(
        tmp_path,
        **{
            "accord.toml": 'python-versions = ["3.12"]\n'
            'unpinned = ["pip", "setuptools", "wheel",\n'  # line 2
            '            "Gama"]\n'
            "[[holds]]\n"
            'name = "gama"\n'  # line 5
            'specifier = "<2"\n'
            'reason = "2.0 breaks us"\n'
            "[[holds]]\n"
            'name = "beta"\n'  # in the global list
            'specifier = "<2"\n'
            'reason = "2.0 breaks us"\n'
            "[[holds]]\n"
            'name = "delta"\n'  # pinned, though only beta needs it
            'specifier = "<2"\n'
            'reason = "2.0 breaks us"\n',
            "global-requirements.txt": "beta  # MIT\n",
            "upper-constraints.txt": "beta===1.0\ndelta===1.0\ngamma===1.0\n",
        },
    )
    found = [(f.rule, f.severity, f.path, f.line, f.message) for f in findings(repo)]
    assert [f.fix for f in findings(repo)] == [
        "correct the name (did you mean gamma?), or remove it from unpinned",
        "correct the name (did you mean gamma?), or remove the hold",
    ]
    assert found == [
        (
            "G022",
            "warning",
            "accord.toml",
            2,
            "unpinned names gama, which is neither in the global list nor "
            "pinned: a typo?",
        ),
        (
            "G022",
            "warning",
            "accord.toml",
            5,
            "the hold keeping gama<2 names a library neither in the global list "
            "nor pinned: a typo?",
        ),
    ]


def bump(
    repo: Path, capsys: pytest.CaptureFixture[str], *names: str
) -> tuple[int, dict[str, Any]]:
    code = main(
        ["constraints", "bump", "--requirements", str(repo), "--format", "json", *names]
    )
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("names", "release"),
    [
        pytest.param(["gamma==2.0"], "gamma==2.0", id="the-held-release"),
        pytest.param(["beta==2.0"], "beta==2.0", id="a-release-needing-it"),
    ],
)
def test_a_bump_the_hold_refuses_names_the_hold(
    tmp_path: Path,
    wheelhouse: Path,
    capsys: pytest.CaptureFixture[str],
    names: list[str],
    release: str,
) -> None:
    """uv's own words ('all versions of beta depend on gamma<2') never say
    where gamma<2 comes from: the failure names the hold, its line in
    accord.toml and its reason, and nothing is written."""
    make_wheel(wheelhouse, "beta", "2.0", ["gamma>=2"])
    repo = make_repo(tmp_path, wheelhouse, GAMMA_HOLD, pins="", pythons='["3.12"]')
    assert generate(repo, capsys)[0] == 0
    pins = (repo / "upper-constraints.txt").read_text()
    code, document = bump(repo, capsys, *names)
    assert code == 1, document
    (failure,) = document["failures"]
    assert failure["reason"].startswith(
        "refused by the hold keeping gamma<2 (accord.toml:11: 2.0 breaks us): "
    ), failure["reason"]
    # The JSON lists the hold blamed, as the table names it.
    assert [(h["name"], h["specifier"], h["reason"]) for h in document["holds"]] == [
        ("gamma", "<2", "2.0 breaks us")
    ]
    assert (repo / "upper-constraints.txt").read_text() == pins
    args = ["constraints", "bump", "--requirements", str(repo), *names]
    assert main(args) == 1
    table = capsys.readouterr().out
    assert "held:" not in table, table  # the failure names it, once
    assert "refused by the hold keeping gamma<2 (accord.toml:11" in table


def test_a_library_only_others_need_left_unpinned_is_no_g022(tmp_path: Path) -> None:
    """gamma is needed by beta only, and left unpinned (so never pinned) and
    held: validate cannot tell it from a typo without resolving, and no
    known name is close to it, so it says nothing (verify does, below)."""
    repo = write_repo(
        tmp_path,
        **{
            "accord.toml": 'python-versions = ["3.12"]\nunpinned = ["gamma"]\n'
            + GAMMA_HOLD,
            "global-requirements.txt": "beta  # MIT\n",
            "upper-constraints.txt": "beta===1.0\n",
        },
    )
    assert findings(repo) == []


def test_verify_reports_an_unpinned_or_held_name_nothing_needs(
    tmp_path: Path, wheelhouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """verify resolves: gamma (beta needs it) is a real library; 'zzt',
    unpinned and held, is needed by nothing: G022 at both lines."""
    repo = make_repo(tmp_path, wheelhouse, pins="", pythons='["3.12"]')
    config = repo / "accord.toml"
    config.write_text(
        'unpinned = ["gamma", "zzt"]\n'  # line 1
        + config.read_text()
        + GAMMA_HOLD
        + '[[holds]]\nname = "zzt"\nspecifier = "<2"\nreason = "a typo"\n'
    )
    hold_line = config.read_text().splitlines().index('name = "zzt"') + 1
    assert generate(repo, capsys)[0] == 0
    assert "gamma" not in (repo / "upper-constraints.txt").read_text()
    assert findings(repo) == []  # validate cannot tell
    code, found = verify(repo, capsys)
    assert code == 0  # warnings
    assert [(f["rule"], f["path"], f["line"], f["message"]) for f in found] == [
        (
            "G022",
            "accord.toml",
            1,
            "unpinned names zzt, which is needed by nothing the global list "
            "installs: a typo?",
        ),
        (
            "G022",
            "accord.toml",
            hold_line,
            "the hold keeping zzt<2 names a library needed by nothing the global "
            "list installs: a typo?",
        ),
    ]
    # Resolving some of the supported Pythons only, verify cannot tell.
    text = config.read_text()
    assert 'python-versions = ["3.12"]' in text
    config.write_text(text.replace('["3.12"]', '["3.11", "3.12"]', 1))
    args = ["constraints", "verify", "--requirements", str(repo), "--python", "3.12"]
    assert main([*args, "--format", "json"]) == 0
    assert "G022" not in capsys.readouterr().out
