"""The global list's formatting rules (G016-G018) and ``validate --fix``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.utils import canonicalize_name

from accord.cli import main
from accord.model.requirements_file import (
    RequirementLine,
    RequirementsFile,
    parse_requirements_file,
)
from accord.rules.formatting import fix_formatting

FORMAT = {"G016", "G017", "G018"}

LINES = [
    pytest.param("six  # MIT", set(), id="canonical"),
    pytest.param("six # MIT", {"G016"}, id="one-space"),
    pytest.param("six    # MIT", {"G016"}, id="four-spaces"),
    pytest.param("six\t# MIT", {"G016"}, id="tab"),
    pytest.param("six  #MIT", {"G018"}, id="no-space-after-hash"),
    pytest.param("six  #   MIT", {"G018"}, id="spaces-after-hash"),
    pytest.param("six  # license: MIT", {"G018"}, id="licence-prefix"),
    pytest.param("six  # MIT # why", set(), id="licence-then-note"),
    pytest.param("six  # MIT #why", {"G018"}, id="note-without-space"),
    pytest.param("six<2,!=1.5  # MIT", {"G017"}, id="cap-before-exclusion"),
    pytest.param("six!=1.5,<2  # MIT", set(), id="exclusion-before-cap"),
    pytest.param("six!=1.6,!=1.5  # MIT", {"G017"}, id="exclusions-unsorted"),
    pytest.param("six!=1.5,!=1.10  # MIT", set(), id="sorted-as-versions"),
    pytest.param("six!=1.5rc1,!=1.5  # MIT", set(), id="prerelease-first"),
    pytest.param("six!=1.5,!=1.5rc1  # MIT", set(), id="prerelease-after"),
    pytest.param("six!=1.5, <2  # MIT", {"G017"}, id="space-in-specifiers"),
    pytest.param("six !=1.5  # MIT", {"G017"}, id="space-after-name"),
    pytest.param(
        "six;python_version>='3.11'  # MIT", set(), id="marker-as-written-passes"
    ),
    pytest.param(
        "six ; python_version>='3.11'  # MIT", {"G017"}, id="space-around-semicolon"
    ),
    pytest.param("six[b,a]  # MIT", {"G017"}, id="extras-unsorted"),
    pytest.param("six<2,!=1.5 # MIT", {"G016", "G017"}, id="two-at-once"),
    pytest.param("six<2,!=1.5 #MIT", FORMAT, id="all-three"),
    pytest.param("six", set(), id="no-comment"),  # G003, not these
]


def make_repo(tmp_path: Path, global_list: bytes, **files: str) -> Path:
    repo = tmp_path / "requirements"
    repo.mkdir()
    (repo / "global-requirements.txt").write_bytes(global_list)
    (repo / "upper-constraints.txt").write_text("six===1.17.0\nrequests===2.32.5\n")
    for name, text in files.items():
        (repo / name).write_text(text)
    return repo


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    return code, capsys.readouterr().out


def format_findings(repo: Path, capsys: pytest.CaptureFixture[str]) -> set[str]:
    capsys.readouterr()
    code, out = run(["validate", str(repo), "--format", "json"], capsys)
    findings = json.loads(out)["findings"]
    errors = any(f["severity"] == "error" for f in findings)
    assert code == (1 if errors else 0), out
    return {f["rule"] for f in findings} & FORMAT


@pytest.mark.parametrize(("line", "rules"), LINES)
def test_formatting_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, rules: set[str]
) -> None:
    repo = make_repo(tmp_path, f"{line}\n".encode())
    assert format_findings(repo, capsys) == rules


@pytest.mark.parametrize(("line", "rules"), LINES)
def test_fix_rewrites_the_line_and_a_second_fix_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, rules: set[str]
) -> None:
    repo = make_repo(
        tmp_path, f"# head\r\n{line}\r\n\r\nrequests  # Apache-2.0".encode()
    )
    path = repo / "global-requirements.txt"
    before = path.read_bytes()
    main(["validate", str(repo), "--fix"])
    after = path.read_bytes()
    assert (after != before) == bool(rules)
    lines = after.split(b"\r\n")
    assert lines[0] == b"# head" and lines[2:] == [b"", b"requests  # Apache-2.0"]
    assert format_findings(repo, capsys) == set()
    capsys.readouterr()
    main(["validate", str(repo), "--fix"])
    assert path.read_bytes() == after
    assert "rewrote 0 line(s)" in capsys.readouterr().out


def test_fix_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path, b"six<2,!=1.5 #MIT\nrequests # Apache-2.0\n")
    code, out = run(["validate", str(repo), "--fix", "--format", "json"], capsys)
    document = json.loads(out)
    assert code == 0
    assert document["fixed"] == {"path": "global-requirements.txt", "lines": [1, 2]}
    assert (repo / "global-requirements.txt").read_text() == (
        "six!=1.5,<2  # MIT\nrequests  # Apache-2.0\n"
    )


def test_fix_is_an_atomic_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import accord.writes

    repo = make_repo(tmp_path, b"six # MIT\n")
    (repo / "global-requirements.txt").chmod(0o640)
    written: list[Path] = []
    real = accord.writes.write_atomic

    def spy(path: Path, text: str, **kwargs: str) -> None:
        written.append(path)
        real(path, text, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(accord.writes, "write_atomic", spy)
    assert main(["validate", str(repo), "--fix"]) == 0
    assert written == [repo / "global-requirements.txt"]
    assert (repo / "global-requirements.txt").stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in repo.iterdir()) == [
        "global-requirements.txt",
        "upper-constraints.txt",
    ]


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param({"accord.toml": "python-versions = 3\n"}, id="bad-config"),
        pytest.param({"denylist.txt": "\0"}, id="binary-denylist"),
    ],
)
def test_nothing_written_on_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: dict[str, str]
) -> None:
    repo = make_repo(tmp_path, b"six # MIT\n", **bad)
    code = main(["validate", str(repo), "--fix"])
    err = capsys.readouterr().err
    assert code == 2
    assert next(iter(bad)) in err
    assert (repo / "global-requirements.txt").read_bytes() == b"six # MIT\n"


def test_unparseable_and_continued_lines_are_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = b"broken>=  #  x\nsix<2,\\\n!=1.5 # MIT\nrequests # Apache-2.0"
    repo = make_repo(tmp_path, text)
    main(["validate", str(repo), "--fix"])
    assert (repo / "global-requirements.txt").read_bytes() == (
        b"broken>=  #  x\nsix<2,\\\n!=1.5 # MIT\nrequests  # Apache-2.0"
    )


def test_openstack_lists_have_few_formatting_findings(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Current: two licence comments written '#MPL-2.0' and '#license: MIT'.
    for name, most in (("openstack", 2), ("openstack-2019", 2)):
        out = run(["validate", str(shared_data / name), "--format", "json"], capsys)[1]
        rules = [f["rule"] for f in json.loads(out)["findings"]]
        assert sum(rule in FORMAT for rule in rules) <= most, name
    # The 2017 list predates the lint: --fix makes it pass, once.
    copy = tmp_path / "openstack-2017"
    shutil.copytree(shared_data / "openstack-2017", copy)
    main(["validate", str(copy), "--fix"])
    fixed = (copy / "global-requirements.txt").read_bytes()
    assert format_findings(copy, capsys) == set()
    main(["validate", str(copy), "--fix"])
    assert (copy / "global-requirements.txt").read_bytes() == fixed


def test_unwritable_global_list_is_a_failed_operation_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only directory, as the kernel reports it: the rename of the
    temporary file over the list fails with EACCES (root ignores chmod, so
    the refusal is made at os.replace, the call that meets it)."""
    import errno
    import os

    def refuse(source: str, target: str) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(target))

    monkeypatch.setattr(os, "replace", refuse)
    repo = make_repo(tmp_path, b"six # MIT\n")
    assert main(["validate", str(repo), "--fix"]) == 1  # README: failed write
    err = capsys.readouterr().err
    assert "global-requirements.txt: cannot be written: permission denied" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert (repo / "global-requirements.txt").read_bytes() == b"six # MIT\n"
    assert [p.name for p in repo.iterdir() if p.name.endswith(".accord-tmp")] == []


def test_a_global_list_edited_meanwhile_is_not_overwritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from accord.rules import formatting

    repo = make_repo(tmp_path, b"six # MIT\n")
    real = formatting.fix_formatting

    def edit_meanwhile(file: RequirementsFile) -> tuple[str, tuple[int, ...]]:
        (repo / "global-requirements.txt").write_bytes(b"six # BSD\n")
        return real(file)

    monkeypatch.setattr(formatting, "fix_formatting", edit_meanwhile)
    assert main(["validate", str(repo), "--fix"]) == 1  # as a conflict in sync
    assert "changed while accord was fixing it" in capsys.readouterr().err
    assert (repo / "global-requirements.txt").read_bytes() == b"six # BSD\n"


def test_fix_writes_through_a_symlink(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path, b"")
    (repo / "lists").mkdir()
    real = repo / "lists" / "global.txt"  # a link that stays inside the repo
    real.write_bytes(b"six # MIT\n")
    (repo / "global-requirements.txt").unlink()
    (repo / "global-requirements.txt").symlink_to(real)
    main(["validate", str(repo), "--fix"])
    assert (repo / "global-requirements.txt").is_symlink()
    assert real.read_bytes() == b"six  # MIT\n"


def test_fix_refuses_a_symlink_out_of_the_repo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path, b"")
    outside = tmp_path / "real-global.txt"
    outside.write_bytes(b"six # MIT\n")
    (repo / "global-requirements.txt").unlink()
    (repo / "global-requirements.txt").symlink_to(outside)
    assert main(["validate", str(repo), "--fix"]) == 2
    assert "leads outside" in capsys.readouterr().err
    assert outside.read_bytes() == b"six # MIT\n"


NAMES = st.sampled_from(["six", "Foo_Bar", "oslo.config", "x1"])
SPECS = st.lists(
    st.sampled_from(
        [
            ">=1.0",
            ">0.5",
            "!=1.5",
            "!=1.5rc1",
            "!=1.10",
            "!=2.*",
            "<3",
            "<=2.5",
            "~=1.2",
            "==1.3.*",
            "===abc",
        ]
    ),
    unique=True,
    max_size=4,
)
SPACE = st.sampled_from(["", " ", "  ", "\t", "   "])
COMMENTS = st.sampled_from(
    ["", "# MIT", "#MIT", "#  Apache-2.0", "# license: BSD", "# LGPL # why", "#"]
)
ENDINGS = st.sampled_from(["\n", "\r\n", "\r"])
OTHER = st.sampled_from(["", "# a comment", "## section:general", "-c x.txt", "bad>="])


@st.composite
def global_lines(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return draw(OTHER)
    line = draw(NAMES) + draw(SPACE) + ", ".join(draw(SPECS))
    if draw(st.booleans()):
        line += draw(SPACE) + ";" + draw(SPACE) + "python_version>='3.11'"
    comment = draw(COMMENTS)
    return f"{line}{draw(SPACE)} {comment}" if comment else line


@given(st.lists(st.tuples(global_lines(), ENDINGS), max_size=8), st.booleans())
@settings(max_examples=300, deadline=None)
def test_fix_round_trip(lines: list[tuple[str, str]], final_newline: bool) -> None:
    text = "".join(line + ending for line, ending in lines)
    if lines and not final_newline:
        text = text[: -len(lines[-1][1])]
    before = parse_requirements_file(text, "global-requirements.txt")
    fixed, changed = fix_formatting(before)
    after = parse_requirements_file(fixed, "global-requirements.txt")
    assert len(after.lines) == len(before.lines)
    for old, new in zip(before.lines, after.lines, strict=True):
        assert old.ending == new.ending
        if old.lineno not in changed:
            assert old.text == new.text
        else:
            assert isinstance(old, RequirementLine)
            assert isinstance(new, RequirementLine)
            assert canonicalize_name(new.requirement.name) == old.name
            assert new.requirement.specifier == old.requirement.specifier
            assert new.requirement.marker == old.requirement.marker
            assert new.requirement.extras == old.requirement.extras
    assert fix_formatting(after) == (fixed, ())


def test_fix_keeps_an_edit_made_while_it_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone saves the global list between --fix's read and its rename:
    their text is kept and the run says so (exit 1, as sync's conflicts)."""
    import os

    repo = make_repo(tmp_path, b"six # MIT\n")
    path = repo / "global-requirements.txt"

    def someone_saves(descriptor: int) -> None:
        path.write_text("theirs  # MIT\n")

    monkeypatch.setattr(os, "fsync", someone_saves)
    code = main(["validate", str(repo), "--fix"])
    monkeypatch.undo()
    assert code == 1
    assert "changed on disk" in capsys.readouterr().err
    assert path.read_text() == "theirs  # MIT\n"
    assert not list(repo.glob(".*accord-tmp"))


@pytest.mark.parametrize("codec", ["utf-8", "utf-16-be"])
def test_fix_keeps_the_global_lists_byte_order_mark_and_encoding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], codec: str
) -> None:
    repo = tmp_path / "requirements"
    repo.mkdir()
    path = repo / "global-requirements.txt"
    path.write_bytes("\ufeffrequests # Apache-2.0\r\n".encode(codec))
    (repo / "upper-constraints.txt").write_text("requests===2.32.3\n")
    assert main(["validate", str(repo), "--fix"]) == 0, capsys.readouterr()
    assert path.read_bytes() == "\ufeffrequests  # Apache-2.0\r\n".encode(codec)
