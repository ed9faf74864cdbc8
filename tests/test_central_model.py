from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.markers import Marker
from packaging.utils import canonicalize_name

from accord.model._indexed import IndexedFile
from accord.model.constraints import MalformedPin, parse_constraints
from accord.model.global_list import parse_global_list, split_licence
from accord.model.markers import (
    applies_to_python,
    environments,
    hold_together,
    markers_equivalent,
    platform_environments,
    platform_truth_table,
    truth_table,
)
from accord.model.name_lists import parse_name_list, parse_project_list
from accord.model.requirements_file import (
    BlankLine,
    CommentLine,
    InvalidLine,
    OptionLine,
    RequirementLine,
    parse_requirements_file,
)

GLOBAL = """\
### header, not a rationale

## section:general

# 1.2.0 broke migrations
# see bug 1201
alembic!=1.2.0  # MIT
oslo.config  # Apache-2.0

dnspython>=1.14;python_version=='2.7'  # LGPL # a note
dnspython>=2;python_version>='3.0'  #license: ISC
## section:test
nose
"""

EQUIVALENT_MARKERS = [
    pytest.param("sys_platform != 'win32'", 'sys_platform!="win32"', id="quotes-space"),
    pytest.param(
        "python_version>='3.8' and os_name=='posix'",
        "os_name == 'posix' and python_version >= '3.8'",
        id="operand-order",
    ),
    pytest.param("python_version>='3'", "python_version>'2.7'", id="same-meaning"),
]
DIFFERENT_MARKERS = [
    pytest.param("python_version>='3.8'", "python_version>='3.9'", id="bound"),
    pytest.param("sys_platform=='win32'", "sys_platform!='win32'", id="negated"),
    pytest.param("python_version<'3.11'", None, id="vs-none"),
]


def test_global_list_sections_licences_and_rationale() -> None:
    global_list = parse_global_list(GLOBAL, "global-requirements.txt")
    assert global_list.sections == ("general", "test")
    by_line = {entry.lineno: entry for entry in global_list.entries}
    alembic = by_line[7]
    assert (alembic.section, alembic.licence) == ("general", "MIT")
    assert alembic.rationale == ("1.2.0 broke migrations", "see bug 1201")
    assert by_line[8].rationale == ()
    assert [e.lineno for e in global_list.entries_for("dnspython")] == [10, 11]
    assert by_line[10].note == "a note"
    assert by_line[11].licence == "ISC"
    nose = by_line[13]
    assert (nose.section, nose.licence) == ("test", None)


def test_global_list_finds_names_canonically() -> None:
    global_list = parse_global_list(GLOBAL, "g")
    assert global_list.entries_for("oslo-config")[0].requirement.name == "oslo.config"


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        (" MIT", ("MIT", None)),
        ("license: MIT", ("MIT", None)),
        (" LGPLv2.1 # breaks pylint 1.4.4", ("LGPLv2.1", "breaks pylint 1.4.4")),
        ("   ", (None, None)),
        (None, (None, None)),
    ],
)
def test_split_licence(comment: str | None, expected: tuple[str | None, ...]) -> None:
    assert split_licence(comment) == expected


def test_constraints_pins_and_malformed_lines() -> None:
    text = (
        "# header kept\n"
        "Babel===2.9.1\n"
        "pytest===4.6.5;python_version=='2.7'\n"
        "pytest===5.1.2;python_version>='3.5'\n"
        "loose>=1.0\n"
        "wild==1.*\n"
    )
    constraints = parse_constraints(text, "upper-constraints.txt")
    assert constraints.file.text == text
    assert [str(p.version) for p in constraints.pins_for("pytest")] == [
        "4.6.5",
        "5.1.2",
    ]
    assert constraints.pins_for("babel")[0].lineno == 2
    assert [m.line.lineno for m in constraints.malformed] == [5, 6]
    assert all(isinstance(m, MalformedPin) for m in constraints.malformed)


def test_denylist_and_projects() -> None:
    denylist = parse_name_list("# linters\nflake8\nPyLint  # GPL\n", "denylist.txt")
    assert denylist.names == {"flake8", "pylint"}
    projects = parse_project_list("# c\nopenstack/nova\n\nopenstack/neutron # x\n", "p")
    assert [(p.name, p.lineno) for p in projects.projects] == [
        ("openstack/nova", 2),
        ("openstack/neutron", 4),
    ]


@pytest.mark.parametrize(("left", "right"), EQUIVALENT_MARKERS)
def test_markers_equivalent_by_meaning(left: str, right: str) -> None:
    assert markers_equivalent(Marker(left), Marker(right))


@pytest.mark.parametrize(("left", "right"), DIFFERENT_MARKERS)
def test_markers_different_by_meaning(left: str, right: str | None) -> None:
    assert not markers_equivalent(Marker(left), Marker(right) if right else None)


def test_applies_to_python() -> None:
    marker = Marker("python_version>='3.11' and python_version<'3.13'")
    assert [applies_to_python(marker, p) for p in ("3.10", "3.11", "3.12", "3.13")] == [
        False,
        True,
        True,
        False,
    ]
    assert applies_to_python(Marker("sys_platform=='win32'"), "3.12")


@pytest.mark.parametrize("dataset", ["openstack", "openstack-2017", "openstack-2019"])
def test_real_global_lists_parse(shared_data: Path, dataset: str) -> None:
    text = (shared_data / dataset / "global-requirements.txt").read_text()
    global_list = parse_global_list(text, "global-requirements.txt")
    assert len(global_list.entries) > 300
    assert bool(global_list.sections) == (dataset == "openstack")


# Lines whose leading run of name characters is not the name packaging reads
# (all invalid), beside valid ones, so that reading by name is tested where
# the cheap index could disagree with the parser.
_LIST_FRAGMENTS = st.sampled_from(
    [
        "oslo.config",
        "oslo_config",
        "Oslo-Config",
        "foo",
        "foo.",
        "foo-",
        "foo_",
        "foo-bar",
        "é",
        ">=2.0",
        "===1.0",
        "!=2.1",
        ";python_version<'3.11'",
        "[socks]",
        "@ https://x.org/a.whl",
        " ",
        "\t",
        "  # MIT",
        "# why",
        "## section:test",
        "#",
        "\\",
        "\n",
        "\n",
        "\r\n",
        "-r base.txt",
        "--hash=sha256:00",
    ]
)
_NAMES = ["oslo-config", "foo", "foo-bar", "foo-bar-x", "x"]


def _entry_values(entries: object) -> list[object]:
    return [
        (e.line, e.section, e.licence, e.note, e.rationale)
        for e in entries  # type: ignore[attr-defined]
    ]


@given(st.lists(_LIST_FRAGMENTS, max_size=40).map("".join))
def test_reading_by_name_finds_what_the_whole_parse_finds(text: str) -> None:
    whole = parse_global_list(text, "g.txt")
    pins = parse_constraints(text, "u.txt")
    names = parse_name_list(text, "d.txt")
    for name in [*whole.index, *_NAMES]:
        canonical = canonicalize_name(name)
        lazy = parse_global_list(text, "g.txt").entries_for(canonical)
        assert _entry_values(lazy) == _entry_values(whole.entries_for(canonical))
        lazy_pins = parse_constraints(text, "u.txt").pins_for(canonical)
        assert lazy_pins == pins.index.get(canonical, ())
        assert parse_name_list(text, "d.txt").has(canonical) == (
            canonical in names.names
        )


_KIND_OF_LINE = {
    BlankLine: "blank",
    CommentLine: "comment",
    OptionLine: "option",
    RequirementLine: "requirement",
    InvalidLine: "requirement",
}


@given(st.lists(_LIST_FRAGMENTS, max_size=40).map("".join))
def test_line_kinds_read_quickly_match_the_full_parse(text: str) -> None:
    """The index's shortcut sorts lines as parsing every line would."""
    indexed = IndexedFile(text, "g.txt")
    parsed = parse_requirements_file(text, "g.txt").lines
    assert indexed.kinds == [_KIND_OF_LINE[type(line)] for line in parsed]


@pytest.mark.parametrize("dataset", ["openstack", "openstack-2017", "openstack-2019"])
def test_real_files_read_by_name_as_a_whole(shared_data: Path, dataset: str) -> None:
    repo = shared_data / dataset
    global_text = (repo / "global-requirements.txt").read_text()
    pins_text = (repo / "upper-constraints.txt").read_text()
    whole = parse_global_list(global_text, "global-requirements.txt")
    whole_pins = parse_constraints(pins_text, "upper-constraints.txt")
    lazy = parse_global_list(global_text, "global-requirements.txt")
    lazy_pins = parse_constraints(pins_text, "upper-constraints.txt")
    for name in whole.names() | set(whole_pins.index):
        assert _entry_values(lazy.entries_for(name)) == _entry_values(
            whole.entries_for(name)
        )
        assert lazy_pins.pins_for(name) == whole_pins.pins_for(name)
    assert lazy.sections == whole.sections


def test_entries_read_by_name_are_the_whole_parse_entries() -> None:
    global_list = parse_global_list(GLOBAL, "global-requirements.txt")
    first = global_list.entries_for(canonicalize_name("dnspython"))
    assert all(any(entry is other for other in global_list.entries) for entry in first)
    assert global_list.entries_for(canonicalize_name("dnspython")) == first
    assert global_list.file.text == GLOBAL


_CLAUSES = [
    "python_version == '3.11'",
    "python_version < '3.10'",
    "python_full_version >= '3.12.0'",
    "sys_platform == 'win32'",
    "os.name == 'posix'",
    "platform_system != 'Darwin'",
    "platform_machine == 'aarch64'",
    "implementation_name == 'pypy'",
    "python_implementation == 'CPython'",
    "platform_release == ''",
    "'linux' in sys_platform",
    "extra == 'test'",
]


@given(
    clauses=st.lists(st.sampled_from(_CLAUSES), min_size=1, max_size=4),
    joins=st.lists(st.sampled_from([" and ", " or "]), min_size=3, max_size=3),
    pythons=st.lists(
        st.sampled_from(["2.7", "3.9", "3.10", "3.11", "3.12", "3.13"]),
        min_size=1,
        max_size=4,
        unique=True,
    ),
    platform=st.sampled_from(["linux", "windows", "aarch64-apple-darwin", "other"]),
)
def test_truth_tables_agree_with_evaluating_every_environment(
    clauses: list[str], joins: list[str], pythons: list[str], platform: str
) -> None:
    # Tables evaluate a marker once per combination of the variables it
    # names; the values must be packaging's in every environment, whatever
    # the variables (legacy spellings included) and whatever the platform.
    text = clauses[0] + "".join(j + c for j, c in zip(joins, clauses[1:], strict=False))
    marker = Marker(text)
    everywhere = environments(pythons)
    assert truth_table(marker, pythons) == tuple(
        marker.evaluate(dict(env)) for env in everywhere
    )
    there = platform_environments(pythons, platform)
    assert platform_truth_table(marker, pythons, platform) == tuple(
        marker.evaluate(dict(env)) for env in there
    )
    for python in pythons:
        assert applies_to_python(marker, python) == any(
            marker.evaluate(dict(env)) for env in environments([python])
        )
    other = Marker(clauses[-1])
    assert hold_together(marker, other, pythons) == any(
        marker.evaluate(dict(env)) and other.evaluate(dict(env)) for env in everywhere
    )
    assert hold_together(marker, None, pythons) == any(
        marker.evaluate(dict(env)) for env in everywhere
    )
