"""Defects planted in small central repos: what a requirements-team member
expects validate to say about each, rule, line, message and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_validate_rules import findings, write_repo


@pytest.mark.parametrize(
    ("files", "where", "fix"),
    [
        pytest.param(
            {"upper-constraints.txt": "six===1.17.0\nsix=1.0\n"},
            ("upper-constraints.txt", 2),
            "write it as name===version, with a ;python_version marker if needed",
            id="pins-file",
        ),
        pytest.param(
            {"upper-constraints.txt": "six===1.17.0\n", "denylist.txt": "flake8 ((\n"},
            ("denylist.txt", 1),
            "write one library name a line (a PEP 508 name)",
            id="denylist",
        ),
    ],
)
def test_an_unreadable_line_is_told_how_its_own_file_is_written(
    tmp_path: Path, files: dict[str, str], where: tuple[str, int], fix: str
) -> None:
    """G001's fix names the form of the file the line is in: a pin in the
    pins file, a name in the denylist; a licence comment belongs only to
    the global list."""
    repo = write_repo(tmp_path, **{"global-requirements.txt": "six  # MIT\n", **files})
    (finding,) = [f for f in findings(repo) if f.rule == "G001"]
    assert (finding.path, finding.line) == where
    assert finding.fix == fix


def test_an_unreadable_global_list_line_still_asks_for_the_licence(
    tmp_path: Path,
) -> None:
    repo = write_repo(
        tmp_path,
        **{
            "global-requirements.txt": "six  # MIT\nfoo ((  # MIT\n",
            "upper-constraints.txt": "six===1.17.0\n",
        },
    )
    (finding,) = [f for f in findings(repo) if f.rule == "G001"]
    assert finding.fix == (
        "write it as name[extras]specifier;marker  # Licence (PEP 508)"
    )


@pytest.mark.parametrize(
    "line",
    ["-r more-pins.txt", "-c other.txt", "-e git+https://example.org/x#egg=x",
     "--index-url https://example.org/simple"],
)  # fmt: skip
def test_a_pip_option_in_the_pins_file_is_not_a_pin(tmp_path: Path, line: str) -> None:
    """pip follows ``-r more-pins.txt`` in a constraints file, but accord
    reads no pin from it: the line is reported, not silently skipped."""
    repo = write_repo(
        tmp_path,
        **{
            "global-requirements.txt": "six  # MIT\n",
            "upper-constraints.txt": f"six===1.17.0\r\n{line}\r\n",
        },
    )
    (finding,) = findings(repo)
    assert (finding.rule, finding.severity, finding.path, finding.line) == (
        "G011",
        "error",
        "upper-constraints.txt",
        2,
    )
    assert finding.message == (
        f"{line!r} is a pip option, not a pin: accord reads no pin from it"
    )
    assert finding.fix == (
        "remove it, and write each pin in this file as name===version"
    )


@pytest.mark.parametrize("above", ["#", "#   ", "##"])
def test_an_empty_comment_above_a_cap_says_nothing_about_why(
    tmp_path: Path, above: str
) -> None:
    repo = write_repo(
        tmp_path,
        **{
            "global-requirements.txt": f"{above}\nsix<2  # MIT\n",
            "upper-constraints.txt": "six===1.17.0\n",
        },
    )
    assert [(f.rule, f.line) for f in findings(repo)] == [("G006", 2)]


def test_a_comment_with_words_above_a_cap_is_its_reason(tmp_path: Path) -> None:
    repo = write_repo(
        tmp_path,
        **{
            "global-requirements.txt": "# 2.0 drops py2 shims\n#\nsix<2  # MIT\n",
            "upper-constraints.txt": "six===1.17.0\n",
        },
    )
    assert findings(repo) == []


OLD_PYTHONS = 'python-versions = ["2.7", "3.5", "3.6"]\n'


def test_two_pins_for_a_supported_python_older_than_the_probe_are_g012(
    tmp_path: Path,
) -> None:
    """OpenStack's 2019 pins were per Python from 2.7 to 3.7: two pins for
    3.5, a Python accord.toml supports, are as much a conflict as two for 3.6."""
    repo = write_repo(
        tmp_path,
        **{
            "accord.toml": OLD_PYTHONS,
            "global-requirements.txt": "Django  # BSD\n",
            "upper-constraints.txt": "Django===1.11.23;python_version=='2.7'\n"
            "Django===2.0.13;python_version=='3.5'\n"
            "Django===2.0.12;python_version=='3.5'\n"
            "Django===2.0.13;python_version=='3.6'\n",
        },
    )
    (finding,) = findings(repo)
    assert (finding.rule, finding.path, finding.line) == (
        "G012",
        "upper-constraints.txt",
        3,
    )
    assert finding.message == (
        "Django is pinned twice for the same Python (first at line 2)"
    )


def test_entries_for_two_supported_pythons_are_not_the_same_marker(
    tmp_path: Path,
) -> None:
    """``python_version=='3.4'`` and ``=='3.5'`` differ where 3.5 is
    supported: not a duplicate (G002), each capped for its Python."""
    repo = write_repo(
        tmp_path,
        **{
            "accord.toml": OLD_PYTHONS,
            "global-requirements.txt": "# old Django for old Pythons\n"
            "Django<2;python_version=='2.7'  # BSD\n"
            "# 2.1 drops 3.4\n"
            "Django<2.1;python_version=='3.4'  # BSD\n"
            "Django;python_version=='3.5'  # BSD\n"
            "Django;python_version=='3.6'  # BSD\n",
            "upper-constraints.txt": "Django===1.11.23;python_version=='2.7'\n"
            "Django===2.0.13;python_version=='3.5'\n"
            "Django===2.0.13;python_version=='3.6'\n",
        },
    )
    assert findings(repo) == []


WINDOWS_CAP = (
    "# 1.2 breaks the Windows service\n"
    "delta<1.2;sys_platform=='win32'  # MIT\n"
    "delta;sys_platform!='win32'  # MIT\n"
)


@pytest.mark.parametrize(
    ("config", "found"),
    [
        pytest.param("", [], id="linux-pins-need-not-meet-a-windows-cap"),
        pytest.param(
            'platform = "windows"\n', [("G008", 1)], id="windows-pins-must-meet-it"
        ),
    ],
)
def test_a_cap_for_another_platform_does_not_refuse_the_pin(
    tmp_path: Path, config: str, found: list[tuple[str, int]]
) -> None:
    """Pins are resolved for accord.toml's ``platform`` (G009 wants them
    there only): ``constraints generate`` for linux pins the newest delta,
    and validate must accept what it wrote."""
    repo = write_repo(
        tmp_path,
        **{
            "accord.toml": config,
            "global-requirements.txt": WINDOWS_CAP,
            "upper-constraints.txt": "delta===1.2\n",
        },
    )
    assert [(f.rule, f.line) for f in findings(repo)] == found


def test_a_pin_with_extras_is_not_a_pin_pip_takes(tmp_path: Path) -> None:
    """pip refuses the whole constraints file ("Constraints cannot have
    extras"): every project's CI install would fail on this line."""
    repo = write_repo(
        tmp_path,
        **{
            "global-requirements.txt": "requests  # Apache-2.0\nsix  # MIT\n",
            "upper-constraints.txt": "requests[socks,security]===2.32.5\n"
            "six===1.17.0\n",
        },
    )
    (finding,) = findings(repo)
    assert (finding.rule, finding.path, finding.line) == (
        "G011",
        "upper-constraints.txt",
        1,
    )
    assert finding.message == (
        "requests: a pin carries no extras ([security,socks]): pip refuses "
        "a constraints file with them"
    )
    assert finding.fix == "write it as requests===2.32.5"


@pytest.mark.parametrize(
    ("pin", "why"),
    [
        pytest.param("PyYAML>=6.0.3", "'>=6.0.3' is not an exact pin", id="minimum"),
        pytest.param("PyYAML===1.*", "'1.*' is a wildcard", id="wildcard"),
        pytest.param("PyYAML===latest", "'latest' is not a valid version", id="word"),
        pytest.param("PyYAML", "'' is not an exact pin", id="bare-name"),
    ],
)
def test_an_entry_whose_pin_line_is_not_a_pin_is_told_to_fix_that_line(
    tmp_path: Path, pin: str, why: str
) -> None:
    """One planted defect, one fix: G011 says to rewrite line 2; G009 on
    the entry names that line too rather than asking for a second pin line,
    which would then be pinned twice (G012)."""
    repo = write_repo(
        tmp_path,
        **{
            "global-requirements.txt": "six  # MIT\nPyYAML  # MIT\n",
            "upper-constraints.txt": f"six===1.17.0\n{pin}\n",
        },
    )
    found = {f.rule: f for f in findings(repo)}
    assert sorted(found) == ["G009", "G011"]
    assert (found["G011"].path, found["G011"].line) == ("upper-constraints.txt", 2)
    assert why in found["G011"].message
    g009 = found["G009"]
    assert (g009.path, g009.line) == ("global-requirements.txt", 2)
    assert g009.message.endswith(
        ": upper-constraints.txt:2 names it but is not an exact pin"
    )
    assert g009.fix == "fix upper-constraints.txt:2 (name===version)"


@pytest.mark.parametrize(
    ("pin", "fix"),
    [
        pytest.param("six===v1.17.0", "write it as six===1.17.0", id="v-prefix"),
        pytest.param("six===1.17.00", "write it as six===1.17.0", id="zero-padded"),
        pytest.param("six===1.17-1", "write it as six===1.17.post1", id="dash-post"),
        pytest.param("six==v1.17.0", "write it as six===1.17.0", id="double-equals"),
    ],
)
def test_a_pin_not_written_as_the_release_version_matches_no_release(
    tmp_path: Path, pin: str, fix: str
) -> None:
    """``===`` compares the text with the release's version as written by
    PEP 440 (``1.17.0``): ``six===v1.17.0`` is a valid version, yet pip
    finds no release for it, and every install under the pins fails. The
    fix is the normal form, never the text that matches nothing."""
    repo = write_repo(
        tmp_path,
        **{
            "global-requirements.txt": "six  # MIT\n",
            "upper-constraints.txt": f"{pin}\n",
        },
    )
    (finding,) = findings(repo)
    assert (finding.rule, finding.severity, finding.path, finding.line) == (
        "G011",
        "error",
        "upper-constraints.txt",
        1,
    )
    assert finding.fix == fix


def test_a_pin_in_normal_form_is_clean_whatever_its_case(tmp_path: Path) -> None:
    """pip compares ``===`` without regard to case: ``2.0RC1`` matches the
    release 2.0rc1 as ``2.0rc1`` does."""
    repo = write_repo(
        tmp_path,
        **{
            "global-requirements.txt": "six  # MIT\nfoo  # MIT\n",
            "upper-constraints.txt": "six===1.17.0\nfoo===2.0RC1\n",
        },
    )
    assert findings(repo) == []
