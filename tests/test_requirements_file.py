from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.requirements import Requirement

from accord.model.requirements_file import (
    BlankLine,
    CommentLine,
    InvalidLine,
    OptionLine,
    RequirementLine,
    parse_requirements_file,
)

ROUND_TRIP_TEXTS = [
    pytest.param("", id="empty"),
    pytest.param("requests>=2\n", id="one-line"),
    pytest.param("requests>=2", id="no-final-newline"),
    pytest.param("a\r\nb\r\n", id="crlf"),
    pytest.param("a\rb\r", id="old-mac-cr"),
    pytest.param("a\n\r\nb", id="mixed-endings"),
    pytest.param("foo>=1,\\\n    <2  # MIT\n", id="continuation"),
    pytest.param("foo \\\n", id="continuation-at-eof"),
    pytest.param("-r other.txt\n-c upper.txt\n-e git+https://x/y#egg=y\n", id="opts"),
    pytest.param("pkg @ https://example.org/pkg.whl#sha256=abc\n", id="url"),
    pytest.param("\n\n# only comments\n   \n", id="blank-and-comments"),
    pytest.param("foo>=\nbar\n", id="invalid-line-kept"),
]


@pytest.mark.parametrize("text", ROUND_TRIP_TEXTS)
def test_unchanged_file_round_trips(text: str) -> None:
    assert parse_requirements_file(text, "r.txt").text == text


# Text built from requirement-file fragments: comments, continuations, every
# line ending, options, junk.
_FRAGMENTS = st.sampled_from(
    [
        "requests",
        ">=2.0",
        "!=2.1",
        ";python_version<'3.11'",
        "[socks]",
        " ",
        "  # MIT",
        "#",
        "\\",
        "\n",
        "\r\n",
        "\r",
        "-r base.txt",
        "--hash=sha256:00",
        "@ https://x.org/a.whl",
        "é",
        "\t",
        "===1.0",
        "foo",
        ",",
        "-e .",
    ]
)


@given(st.lists(_FRAGMENTS, max_size=40).map("".join))
def test_any_text_round_trips_byte_for_byte(text: str) -> None:
    assert parse_requirements_file(text, "r.txt").text == text


@given(st.lists(_FRAGMENTS, max_size=40).map("".join))
def test_line_numbers_count_physical_lines(text: str) -> None:
    """A line's number is where it starts, with or without continuations."""
    seen = ""
    for line in parse_requirements_file(text, "r.txt").lines:
        starts = seen.count("\r\n") + len(re.findall(r"\r(?!\n)|(?<!\r)\n", seen))
        assert line.lineno == starts + 1
        seen += line.text + line.ending


@given(st.text(max_size=200))
def test_arbitrary_unicode_round_trips(text: str) -> None:
    assert parse_requirements_file(text, "r.txt").text == text


def test_line_kinds_and_numbers() -> None:
    text = (
        "# header\n"
        "\n"
        "-r base.txt\n"
        "requests[socks]>=2.0,!=2.1;python_version>='3.10'  # Apache-2.0\n"
        "foo>=1,\\\n"
        "  <2\n"
        "bar>=\n"
        "--index-url=https://pypi.example/simple\n"
    )
    lines = parse_requirements_file(text, "r.txt").lines
    assert [type(line) for line in lines] == [
        CommentLine,
        BlankLine,
        OptionLine,
        RequirementLine,
        RequirementLine,
        InvalidLine,
        OptionLine,
    ]
    assert [line.lineno for line in lines] == [1, 2, 3, 4, 5, 7, 8]
    requirement = lines[3]
    assert isinstance(requirement, RequirementLine)
    assert requirement.name == "requests"
    assert requirement.requirement.extras == {"socks"}
    assert requirement.comment == " Apache-2.0"
    continued = lines[4]
    assert isinstance(continued, RequirementLine)
    assert str(continued.requirement.specifier) == "<2,>=1"
    option = lines[2]
    assert isinstance(option, OptionLine)
    assert (option.option, option.value) == ("-r", "base.txt")
    index = lines[6]
    assert isinstance(index, OptionLine)
    assert index.option == "--index-url"


def test_per_requirement_hash_option_is_kept_apart() -> None:
    (line,) = parse_requirements_file("foo==1.0 --hash=sha256:ab\n", "r").lines
    assert isinstance(line, RequirementLine)
    assert str(line.requirement) == "foo==1.0"
    assert line.options == "--hash=sha256:ab"


def test_hash_in_url_is_not_a_comment() -> None:
    (line,) = parse_requirements_file("pkg @ https://x.org/p.whl#sha1=ab\n", "r").lines
    assert isinstance(line, RequirementLine)
    assert line.comment is None
    assert line.requirement.url == "https://x.org/p.whl#sha1=ab"


def test_invalid_line_says_why_and_the_rest_is_read() -> None:
    file = parse_requirements_file("good>=1\nbad>=\nalso-good\n", "r.txt")
    (invalid,) = file.invalid_lines()
    assert invalid.lineno == 2
    assert "version" in invalid.error.lower() or "expected" in invalid.error.lower()
    assert [line.name for line in file.requirements()] == ["good", "also-good"]


def test_a_line_packaging_rejects_with_a_specifier_error_is_an_invalid_line() -> None:
    # packaging 26 raises InvalidSpecifier, not InvalidRequirement, for it.
    file = parse_requirements_file("requests===1.0,requests\nok>=1\n", "r.txt")
    (invalid,) = file.invalid_lines()
    assert invalid.lineno == 1 and "requests" in invalid.error
    assert file.text == "requests===1.0,requests\nok>=1\n"


def test_with_requirement_rewrites_only_that_line() -> None:
    file = parse_requirements_file("a>=1  # MIT\r\nb>=2\r\n", "r.txt")
    first = next(file.requirements())
    changed = file.replace_line(
        first, first.with_requirement(Requirement("a>=1,!=1.5"), first.comment)
    )
    assert changed.text == "a!=1.5,>=1  # MIT\r\nb>=2\r\n"


@pytest.mark.parametrize("name", ["global-requirements.txt", "upper-constraints.txt"])
@pytest.mark.parametrize("dataset", ["openstack", "openstack-2017", "openstack-2019"])
def test_real_central_files_round_trip(
    shared_data: Path, dataset: str, name: str
) -> None:
    text = (shared_data / dataset / name).read_bytes().decode()
    file = parse_requirements_file(text, name)
    assert file.text == text
    assert not list(file.invalid_lines())


# What pip's own parser (pip._internal.req.req_file.preprocess: join_lines,
# then ignore_comments) reads from each text: it joins a line ending in a
# backslash to the next one unless the line *starts* with a comment, and
# strips comments after joining, so a backslash at the end of a comment that
# follows a requirement swallows the next line into that comment.
PIP_READS = [
    pytest.param("six  # pinned \\\nrequests>=2\n", ["six"], id="comment-swallows"),
    pytest.param("# note \\\nrequests>=2\n", ["requests"], id="comment-line"),
    pytest.param("   # note \\\nrequests>=2\n", ["requests"], id="indented-comment"),
    pytest.param("requests>=2 \\\n# c \\\nidna\n", ["requests", "idna"], id="inner"),
    pytest.param("requests \\\n>=2\n", ["requests"], id="plain-continuation"),
]


@pytest.mark.parametrize(("text", "names"), PIP_READS)
def test_continuations_and_comments_read_as_pip_reads_them(
    text: str, names: list[str]
) -> None:
    file = parse_requirements_file(text, "r.txt")
    assert [line.name for line in file.requirements()] == names
    assert file.text == text


# pip splits a file with str.splitlines: a form feed, vertical tab or
# Unicode line separator ends a line there too, so what follows is a line
# pip installs; accord numbers lines by "\n" and "\r", so such a line is one
# it cannot read, not a comment it passes over.
HIDDEN_LINES = [
    pytest.param("# page\x0crequests>=2\n", id="form-feed-after-a-comment"),
    pytest.param("six  # x\u2028idna\n", id="line-separator-in-a-comment"),
    pytest.param("six\x0b-r more.txt\n", id="vertical-tab-before-an-option"),
]


@pytest.mark.parametrize("text", HIDDEN_LINES)
def test_a_line_pip_splits_is_not_read_as_one(text: str) -> None:
    file = parse_requirements_file(text, "r.txt")
    (invalid,) = file.invalid_lines()
    assert "line break" in invalid.complaint
    assert file.text == text


def test_a_page_break_alone_is_still_nothing() -> None:
    file = parse_requirements_file("six\x0c\n\x0c# next page\n", "r.txt")
    assert not list(file.invalid_lines())
    assert [line.name for line in file.requirements()] == ["six"]
