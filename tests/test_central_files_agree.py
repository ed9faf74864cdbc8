"""The central files as every command reads them: a file left unread is
reported, and validate and constraints verify say the same about a line."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.central import load_central_repo

from .test_constraints_generate import generate, make_repo, verify, wheelhouse
from .test_validate_rules import findings, write_repo

__all__ = ["wheelhouse"]  # the fixture, used by name


BASE = {
    "global-requirements.txt": "flake8  # MIT\nsix  # MIT\n",
    "upper-constraints.txt": "six===1.17.0\n",
}


@pytest.mark.parametrize(
    ("old", "message"),
    [
        pytest.param(
            "flake8\npylint\n",
            "blacklist.txt is not read: denylist.txt, its new name, is; "
            "blacklist.txt names pylint, which denylist.txt does not",
            id="names-left-behind",
        ),
        pytest.param(
            "flake8\n",
            "blacklist.txt is not read: denylist.txt, its new name, is",
            id="a-copy",
        ),
    ],
)
def test_an_old_blacklist_beside_the_denylist_is_reported(
    tmp_path: Path, old: str, message: str
) -> None:
    """OpenStack renamed blacklist.txt to denylist.txt; with both, only
    denylist.txt is read, so what only blacklist.txt names is not denied."""
    repo = write_repo(
        tmp_path, **BASE, **{"denylist.txt": "flake8\n", "blacklist.txt": old}
    )
    (finding,) = findings(repo)
    assert (finding.rule, finding.severity, finding.path, finding.line) == (
        "G023",
        "warning",
        "blacklist.txt",
        None,
    )
    assert finding.message == message
    assert finding.fix == (
        "move what denylist.txt should deny into it, and delete blacklist.txt"
    )


def test_a_blacklist_alone_is_read(tmp_path: Path) -> None:
    repo = write_repo(tmp_path, **BASE, **{"blacklist.txt": "flake8\n"})
    assert findings(repo) == []
    assert load_central_repo(repo).denylist.path == "blacklist.txt"  # type: ignore[union-attr]


URL_ENTRY = "arch @ https://example.org/arch-1.0.tar.gz  # MIT\n"


def test_a_url_entry_gets_one_answer_from_validate_and_verify(
    tmp_path: Path, wheelhouse: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A direct reference is never resolved, so a pin would not help:
    validate asks, as verify does (V006), for the library by name."""
    repo = make_repo(tmp_path, wheelhouse, pins="", pythons='["3.12"]')
    assert generate(repo, capsys)[0] == 0
    with (repo / "global-requirements.txt").open("a") as handle:
        handle.write(URL_ENTRY)  # line 9
    from_validate = [f._asdict() for f in findings(repo)]
    code, from_verify = verify(repo, capsys)
    assert code == 1
    assert from_validate == from_verify
    (finding,) = from_verify
    assert (finding["rule"], finding["path"], finding["line"]) == (
        "V006",
        "global-requirements.txt",
        9,
    )
    assert str(finding["fix"]).startswith("list the library by name")


@pytest.mark.parametrize(
    ("first", "second", "duplicate"),
    [
        pytest.param("foo[a]>=1", "foo[b]>=1", False, id="other-extras"),
        pytest.param("foo>=1", "foo[a]>=1", False, id="extras-and-none"),
        pytest.param("foo[a,b]>=1", "Foo[B,a]>=1", True, id="the-same-extras"),
        pytest.param("foo>=1", "foo>=1", True, id="the-same-line"),
    ],
)
def test_g002_and_c008_agree_on_a_library_listed_with_other_extras(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    first: str,
    second: str,
    duplicate: bool,
) -> None:
    """pip and uv install foo[a] and foo[b] as foo with both extras, and
    OpenStack's duplicate check compares the extras too: not a duplicate in
    the global list (G002) nor in a project (C008); the same extras are."""
    import json

    from accord.cli import main

    repo = write_repo(
        tmp_path,
        **{
            "accord.toml": 'lower-bounds = "central"\n',
            "global-requirements.txt": f"{first}  # MIT\n{second}  # MIT\n",
            "upper-constraints.txt": "foo===1.0\n",
        },
    )
    assert [f.rule for f in findings(repo) if f.rule == "G002"] == (
        ["G002"] if duplicate else []
    )
    project = tmp_path / "proj"
    project.mkdir()
    (project / "requirements.txt").write_text(f"{first}\n{second}\n")
    main(["check", str(project), "--requirements", str(repo), "--format", "json"])
    rules = [f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]]
    assert [rule for rule in rules if rule == "C008"] == (["C008"] if duplicate else [])


@pytest.mark.parametrize(
    "option", ["-r more-global.txt", "-c pins.txt", "--index-url https://x/simple"]
)
def test_an_option_line_in_the_global_list_is_not_skipped_silently(
    tmp_path: Path, option: str
) -> None:
    # accord reads no library from such a line (a library a '-r' file names
    # is not allowed): the team is told, at the line, instead of finding out
    # from every project's C002.
    repo = write_repo(
        tmp_path,
        **{**BASE, "global-requirements.txt": f"six  # MIT\n{option}\n"},
    )
    found = [f for f in findings(repo) if f.rule == "G024"]
    assert [(f.severity, f.path, f.line) for f in found] == [
        ("warning", "global-requirements.txt", 2)
    ]
    assert option.split(maxsplit=1)[0] in found[0].message
    assert "accord reads no library from it" in found[0].message
