"""validate's rules added for issue 11: the pins file, G009 by platform."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.central import load_central_repo
from accord.findings import Finding
from accord.rules.validate import validate


def write_repo(tmp_path: Path, **files: str) -> Path:
    repo = tmp_path / "requirements"
    repo.mkdir()
    for name, content in files.items():
        (repo / name).write_bytes(content.encode())
    return repo


def findings(repo: Path) -> list[Finding]:
    """What validate finds in the requirements repo ``repo``."""
    return validate(load_central_repo(repo))


def rules_at(repo: Path) -> list[tuple[str, str, int | None]]:
    return [(f.rule, f.path, f.line) for f in validate(load_central_repo(repo))]


def test_missing_pins_file_is_an_error(tmp_path: Path) -> None:
    repo = write_repo(tmp_path, **{"global-requirements.txt": "six  # MIT\n"})
    (finding,) = validate(load_central_repo(repo))
    assert (finding.rule, finding.severity, finding.path, finding.line) == (
        "G019",
        "error",
        "upper-constraints.txt",
        None,
    )
    assert "constraints generate" in (finding.fix or "")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("# Licences reviewed by the TC\n\n# six  # MIT\n", id="comments"),
    ],
)
def test_a_global_list_listing_no_library_fails_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    from accord.cli import main

    repo = write_repo(
        tmp_path,
        **{"global-requirements.txt": text, "upper-constraints.txt": "six===1.0\n"},
    )
    assert main(["validate", str(repo)]) == 1
    out = capsys.readouterr().out
    assert "G020" in out and "global-requirements.txt" in out
    assert "lists no library" in out


@pytest.mark.parametrize(
    ("line", "found"),
    [
        pytest.param("six===1.16.0\n", [], id="exact"),
        pytest.param("six==1.16.0\n", [("G011", 1)], id="double-equals"),
        pytest.param(
            "six==1.16.0;python_version<'3.12'\nsix===1.17.0;python_version>='3.12'\n",
            [("G011", 1)],
            id="double-equals-with-marker",
        ),
        pytest.param("six>=1\n", [("G011", 1), ("G009", 1)], id="not-a-pin"),
    ],
)
def test_pins_must_use_triple_equals(
    tmp_path: Path, line: str, found: list[tuple[str, int]]
) -> None:
    repo = write_repo(
        tmp_path,
        **{"global-requirements.txt": "six  # MIT\n", "upper-constraints.txt": line},
    )
    assert sorted((rule, lineno) for rule, _, lineno in rules_at(repo)) == sorted(found)


PLATFORM_CASES = [
    pytest.param("", "PyMI;sys_platform=='win32'", [], id="win32-only-on-linux"),
    pytest.param("", 'wmi;sys_platform == "win32"', [], id="wmi-other-quotes"),
    pytest.param(
        "", "pywin32;platform_system=='Windows'", [], id="platform-system-windows"
    ),
    pytest.param("", "winthing;os_name=='nt'", [], id="os-name-nt"),
    pytest.param(
        "", "posixthing;sys_platform!='win32'", ["G009"], id="not-win32-is-linux"
    ),
    pytest.param("", "macthing;sys_platform=='darwin'", [], id="darwin-only-on-linux"),
    pytest.param(
        'platform = "windows"\n',
        "PyMI;sys_platform=='win32'",
        ["G009"],
        id="win32-only-on-windows",
    ),
    pytest.param(
        'platform = "x86_64-pc-windows-msvc"\n',
        "PyMI;sys_platform=='win32'",
        ["G009"],
        id="win32-only-on-a-windows-triple",
    ),
    pytest.param(
        'platform = "windows"\n',
        "linuxthing;sys_platform=='linux'",
        [],
        id="linux-only-on-windows",
    ),
    pytest.param(
        'platform = "aarch64-apple-darwin"\n',
        "macthing;sys_platform=='darwin'",
        ["G009"],
        id="darwin-only-on-a-mac-triple",
    ),
    pytest.param(
        "",
        "PyMI;sys_platform=='win32' and python_version>='3.11'",
        [],
        id="win32-and-a-python",
    ),
    pytest.param("", "six", ["G009"], id="no-marker"),
]


@pytest.mark.parametrize(("config", "line", "rules"), PLATFORM_CASES)
def test_unpinned_entry_needs_a_pin_only_on_the_resolved_platform(
    tmp_path: Path, config: str, line: str, rules: list[str]
) -> None:
    repo = write_repo(
        tmp_path,
        **{
            "global-requirements.txt": f"requests  # Apache-2.0\n{line}  # MIT\n",
            "upper-constraints.txt": "requests===2.32.5\n",
            "accord.toml": config,
        },
    )
    assert [rule for rule, _, _ in rules_at(repo)] == rules
