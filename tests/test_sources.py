"""Requirement sources in pyproject.toml and setup.cfg, with their lines."""

from __future__ import annotations

from textwrap import dedent

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.errors import InputError
from accord.model.sources import (
    RequirementSource,
    SourceKind,
    SourceProblem,
    parse_pyproject,
    parse_setup_cfg,
)

# Each case: pyproject text, then per source its label and (text, line) pairs.
PYPROJECT_CASES = [
    pytest.param(
        """\
        [project]
        name = "x"
        dependencies = ["requests>=2", 'click', "rich"]
        """,
        {
            "pyproject.toml [project] dependencies": [
                ("requests>=2", 3),
                ("click", 3),
                ("rich", 3),
            ]
        },
        id="one-line-array",
    ),
    pytest.param(
        """\
        [project]
        name = "x"
        dependencies = [
            "requests>=2",  # Apache-2.0
            # "commented-out>=1",

            'click>=8',  # "quoted" in a comment
            "tomli>=2.0; python_version < '3.11'",
        ]
        """,
        {
            "pyproject.toml [project] dependencies": [
                ("requests>=2", 4),
                ("click>=8", 7),
                ("tomli>=2.0; python_version < '3.11'", 8),
            ]
        },
        id="multi-line-array-with-comments",
    ),
    pytest.param(
        """\
        [project]
        dependencies = [
            "six",
            "attrs",
            "six",
        ]
        [project.optional-dependencies]
        test = ["six", "six"]
        """,
        {
            "pyproject.toml [project] dependencies": [
                ("six", 3),
                ("attrs", 4),
                ("six", 5),
            ],
            "pyproject.toml [project.optional-dependencies] test": [
                ("six", 8),
                ("six", 8),
            ],
        },
        id="duplicated-strings",
    ),
    pytest.param(
        """\
        [tool.other]
        dependencies = [
            "not-this",
        ]

        [project]
        name = "x"
        description = \"\"\"
        dependencies = ["nor-this"]
        \"\"\"
        dependencies = [
            "this",
        ]
        """,
        {"pyproject.toml [project] dependencies": [("this", 12)]},
        id="key-in-two-tables-and-in-a-string",
    ),
    pytest.param(
        '[project]\r\nname = "x"\r\ndependencies = [\r\n  "a",\r\n\r\n  "b",\r\n]\r\n',
        {"pyproject.toml [project] dependencies": [("a", 4), ("b", 6)]},
        id="crlf",
    ),
    pytest.param(
        """\
        project.name = "x"
        project.dependencies = [
          "a>=1",
          "b",
        ]
        """,
        {"pyproject.toml [project] dependencies": [("a>=1", 3), ("b", 4)]},
        id="dotted-keys-at-top-level",
    ),
    pytest.param(
        """\
        [project]
        name = "x"
        optional-dependencies = { test = ["pytest"], docs = [
            "sphinx",
            "furo",
        ] }
        """,
        {
            "pyproject.toml [project.optional-dependencies] test": [("pytest", 3)],
            "pyproject.toml [project.optional-dependencies] docs": [
                ("sphinx", 4),
                ("furo", 5),
            ],
        },
        id="inline-optional-dependencies",
    ),
    pytest.param(
        """\
        [project]
        "dependencies" = [ "a" ,
          'b' ]
        [[tool.thing]]
        x = [1, 2]
        [project."optional-dependencies"]
        "dev" = ["c"]
        """,
        {
            "pyproject.toml [project] dependencies": [("a", 2), ("b", 3)],
            "pyproject.toml [project.optional-dependencies] dev": [("c", 7)],
        },
        id="quoted-keys-and-array-of-tables",
    ),
    pytest.param(
        """\
        [dependency-groups]
        test = ["pytest", "coverage"]
        dev = [
            {include-group = "Test"},
            "ruff",
        ]
        all = [{ include-group = "dev" }, "mypy"]
        """,
        {
            "pyproject.toml [dependency-groups] test": [
                ("pytest", 2),
                ("coverage", 2),
            ],
            "pyproject.toml [dependency-groups] dev": [
                ("pytest", 2),
                ("coverage", 2),
                ("ruff", 5),
            ],
            "pyproject.toml [dependency-groups] all": [
                ("pytest", 2),
                ("coverage", 2),
                ("ruff", 5),
                ("mypy", 7),
            ],
        },
        id="dependency-groups-with-includes",
    ),
    pytest.param(
        """\
        [dependency-groups]
        a = [{include-group = "b"}, {include-group = "c"}]
        b = [{include-group = "d"}]
        c = [{include-group = "d"}]
        d = ["x"]
        """,
        {
            "pyproject.toml [dependency-groups] a": [("x", 5)],
            "pyproject.toml [dependency-groups] b": [("x", 5)],
            "pyproject.toml [dependency-groups] c": [("x", 5)],
            "pyproject.toml [dependency-groups] d": [("x", 5)],
        },
        id="diamond-include-counted-once",
    ),
    pytest.param(
        """\
        [project]
        name = "x"
        dynamic = ["dependencies", "optional-dependencies"]
        """,
        {},
        id="dynamic-dependencies-are-not-read",
    ),
    pytest.param(
        """\
        [build-system]
        requires = ["setuptools>=69"]
        [project]
        dependencies = []
        """,
        {"pyproject.toml [project] dependencies": []},
        id="build-system-skipped-by-default",
    ),
]

SETUP_CFG_CASES = [
    pytest.param(
        """\
        [metadata]
        name = x

        [options]
        packages = find:
        install_requires =
            requests>=2  # comment
            # a comment line
            ; another comment line

            click; python_version < "3.11"
        zip_safe = False
        """,
        {
            "setup.cfg [options] install_requires": [
                ("requests>=2", 7),
                ('click; python_version < "3.11"', 11),
            ]
        },
        id="install-requires-multi-line",
    ),
    pytest.param(
        """\
        [options]
        install_requires = requests>=2
        [options.extras_require]
        test = pytest
            hypothesis
        docs:
          sphinx
        """,
        {
            "setup.cfg [options] install_requires": [("requests>=2", 2)],
            "setup.cfg [options.extras_require] test": [
                ("pytest", 4),
                ("hypothesis", 5),
            ],
            "setup.cfg [options.extras_require] docs": [("sphinx", 7)],
        },
        id="values-on-the-key-line-and-colon",
    ),
    pytest.param(
        "[extras]\r\nsecurity =\r\n  aleph\r\n  bet @ https://x.org/bet.zip#egg=bet\r\n",
        {
            "setup.cfg [extras] security": [
                ("aleph", 3),
                ("bet @ https://x.org/bet.zip#egg=bet", 4),
            ]
        },
        id="pbr-extras-crlf",
    ),
    pytest.param(
        # pbr reads "package:marker" in [extras] (keystone's memcache extra
        # until 2020); setuptools' own sections do not.
        """\
        [extras]
        memcache =
          python-memcached>=1.56:python_version=='2.7' # PSF
          python-memcached>=1.58:python_version>='3.4' # PSF
        """,
        {
            "setup.cfg [extras] memcache": [
                ("python-memcached>=1.56:python_version=='2.7'", 3),
                ("python-memcached>=1.58:python_version>='3.4'", 4),
            ]
        },
        id="pbr-extras-colon-marker",
    ),
    pytest.param(
        """\
        [other]
        install_requires =
            not-read
        [options]
        setup_requires =
            not-read-either
        """,
        {},
        id="other-keys-and-sections-ignored",
    ),
]

LABEL_CASES = [
    pytest.param("requirements", None, "requirements.txt", id="requirements"),
    pytest.param("project.dependencies", None, "p [project] dependencies", id="deps"),
    pytest.param(
        "project.optional-dependencies",
        "test",
        "p [project.optional-dependencies] test",
        id="extra",
    ),
    pytest.param("dependency-groups", "dev", "p [dependency-groups] dev", id="group"),
    pytest.param("build-system", None, "p [build-system] requires", id="build"),
    pytest.param(
        "setup.cfg extras_require", "t", "p [options.extras_require] t", id="cfg"
    ),
]


def _lines(sources: tuple[RequirementSource, ...]) -> dict[str, list[tuple[str, int]]]:
    return {s.label: [(r.text, r.line) for r in s.requirements] for s in sources}


def _problems(sources: tuple[RequirementSource, ...]) -> list[SourceProblem]:
    return [problem for source in sources for problem in source.problems]


@pytest.mark.parametrize(("text", "expected"), PYPROJECT_CASES)
def test_pyproject_lines(text: str, expected: dict[str, list[tuple[str, int]]]) -> None:
    sources = parse_pyproject(dedent(text), "pyproject.toml")
    assert _lines(sources) == expected
    assert _problems(sources) == []


@pytest.mark.parametrize(("text", "expected"), SETUP_CFG_CASES)
def test_setup_cfg_lines(text: str, expected: dict[str, list[tuple[str, int]]]) -> None:
    sources = parse_setup_cfg(dedent(text), "setup.cfg")
    assert _lines(sources) == expected
    assert _problems(sources) == []


@pytest.mark.parametrize(("kind", "group", "expected"), LABEL_CASES)
def test_label(kind: SourceKind, group: str | None, expected: str) -> None:
    path = "requirements.txt" if kind == "requirements" else "p"
    source = RequirementSource(path, kind, group, (), (), None)
    assert source.label == expected


def test_requirement_fields() -> None:
    text = '[project]\ndependencies = ["Foo_Bar[x] >= 1.0"]\n'
    (source,) = parse_pyproject(text, "sub/pyproject.toml")
    (item,) = source.requirements
    assert item.requirement.name == "Foo_Bar"
    assert str(item.requirement.specifier) == ">=1.0"
    assert (item.path, item.line, item.text) == (
        "sub/pyproject.toml",
        2,
        "Foo_Bar[x] >= 1.0",
    )
    assert (source.kind, source.group, source.line) == ("project.dependencies", None, 2)


def test_build_system_when_asked() -> None:
    text = '[build-system]\nrequires = [\n  "setuptools>=69",\n  "wheel",\n]\n'
    sources = parse_pyproject(text, "pyproject.toml", include_build_system=True)
    assert _lines(sources) == {
        "pyproject.toml [build-system] requires": [("setuptools>=69", 3), ("wheel", 4)]
    }
    assert sources[0].line == 2


def test_invalid_toml_raises_input_error_with_line() -> None:
    text = '[project]\nname = "x"\ndependencies = [\n  "a",\n  b,\n]\n'
    with pytest.raises(InputError) as raised:
        parse_pyproject(text, "proj/pyproject.toml")
    assert raised.value.path == "proj/pyproject.toml"
    assert raised.value.line == 5
    assert raised.value.hint == "fix the TOML syntax"
    assert str(raised.value).startswith("proj/pyproject.toml:5: not valid TOML")


def test_invalid_toml_at_end_of_document() -> None:
    with pytest.raises(InputError) as raised:
        parse_pyproject('[project]\ndependencies = ["a",\n', "pyproject.toml")
    assert raised.value.line == 3


def test_dependencies_not_a_list() -> None:
    text = '[project]\nname = "x"\ndependencies = "requests"\n'
    (source,) = parse_pyproject(text, "pyproject.toml")
    assert source.requirements == ()
    (problem,) = source.problems
    assert problem.line == 3
    assert "must be an array of requirement strings, not a string" in problem.message


def test_non_string_items_are_problems() -> None:
    text = '[project]\ndependencies = [\n  "a",\n  3,\n  ["b"],\n  "c",\n]\n'
    (source,) = parse_pyproject(text, "pyproject.toml")
    assert [(r.text, r.line) for r in source.requirements] == [("a", 3), ("c", 6)]
    assert [(p.line, "an integer" in p.message) for p in source.problems] == [
        (4, True),
        (5, False),
    ]


def test_invalid_requirement_among_good_ones() -> None:
    text = dedent(
        """\
        [project.optional-dependencies]
        test = [
            "pytest>=8",
            "foo>=",
            "hypothesis",
        ]
        """
    )
    (source,) = parse_pyproject(text, "pyproject.toml")
    assert [r.text for r in source.requirements] == ["pytest>=8", "hypothesis"]
    (problem,) = source.problems
    assert (problem.path, problem.line) == ("pyproject.toml", 4)
    assert problem.message.startswith("'foo>=' is not a valid requirement: ")
    assert "PEP 508" in problem.message


def test_optional_dependencies_not_a_table() -> None:
    text = '[project]\noptional-dependencies = ["a"]\n'
    (source,) = parse_pyproject(text, "pyproject.toml")
    assert (source.kind, source.group, source.line) == (
        "project.optional-dependencies",
        None,
        2,
    )
    assert "must be a table, not an array" in source.problems[0].message


def test_include_group_cycle() -> None:
    text = dedent(
        """\
        [dependency-groups]
        a = ["x", {include-group = "b"}]
        b = [
            "y",
            {include-group = "A"},
        ]
        c = [{include-group = "a"}]
        """
    )
    by_group = {s.group: s for s in parse_pyproject(text, "pyproject.toml")}
    assert [r.text for r in by_group["a"].requirements] == ["x", "y"]
    assert [r.text for r in by_group["b"].requirements] == ["y", "x"]
    assert [r.text for r in by_group["c"].requirements] == ["x", "y"]
    (problem_a,) = by_group["a"].problems
    (problem_b,) = by_group["b"].problems
    assert problem_a.line == 2
    assert problem_b.line == 5
    assert "[dependency-groups] a includes 'b', which leads back to 'a'" in (
        problem_a.message
    )
    assert by_group["c"].problems == ()


def test_group_including_itself() -> None:
    text = '[dependency-groups]\nme = ["x", {include-group = "me"}]\n'
    (source,) = parse_pyproject(text, "pyproject.toml")
    assert [r.text for r in source.requirements] == ["x"]
    assert [p.line for p in source.problems] == [2]


def test_unknown_include() -> None:
    text = '[dependency-groups]\ndev = [\n  "ruff",\n  {include-group = "tests"},\n]\n'
    (source,) = parse_pyproject(text, "pyproject.toml")
    assert [r.text for r in source.requirements] == ["ruff"]
    (problem,) = source.problems
    assert problem.line == 4
    assert "dev includes group 'tests', which does not exist" in problem.message


def test_bad_group_item_and_duplicate_names() -> None:
    text = dedent(
        """\
        [dependency-groups]
        test = ["a", {name = "x"}]
        Test = ["b"]
        """
    )
    first, second = parse_pyproject(text, "pyproject.toml")
    assert [p.line for p in first.problems] == [2]
    assert "include-group" in first.problems[0].message
    assert [p.line for p in second.problems] == [3]
    assert "same normalised name" in second.problems[0].message


def test_dependencies_both_static_and_dynamic() -> None:
    text = '[project]\ndynamic = ["dependencies"]\ndependencies = ["a"]\n'
    (source,) = parse_pyproject(text, "pyproject.toml")
    assert [r.text for r in source.requirements] == ["a"]
    assert "dynamic" in source.problems[0].message


def test_setup_cfg_invalid_requirement_and_unindented_line() -> None:
    text = dedent(
        """\
        [options]
        install_requires =
            good>=1
            bad>=
        requests
            also-good
        """
    )
    (source,) = parse_setup_cfg(text, "setup.cfg")
    assert [(r.text, r.line) for r in source.requirements] == [
        ("good>=1", 3),
        ("also-good", 6),
    ]
    assert [p.line for p in source.problems] == [4, 5]
    assert "not a valid requirement" in source.problems[0].message
    assert "indent" in source.problems[1].message


def test_setup_cfg_file_directive_and_duplicate_key() -> None:
    text = dedent(
        """\
        [options.extras_require]
        test = file: requirements-test.txt, more.txt
        test = pytest
        """
    )
    first, second = parse_setup_cfg(text, "setup.cfg")
    # setuptools reads these files: the loader reads them as requirements files
    assert first.files == (("requirements-test.txt", 2), ("more.txt", 2))
    assert first.problems == () and first.requirements == ()
    assert [r.text for r in second.requirements] == ["pytest"]
    assert "line 2" in second.problems[0].message


# --- property: generated requirements come back in order on the right lines

_NAMES = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4})?", fullmatch=True)
_SPECS = st.sampled_from(["", ">=1", "==2.0", "<3,>=1.4", "~=1.2", "[extra]>=1"])
_REQUIREMENTS = st.lists(st.tuples(_NAMES, _SPECS).map("".join), max_size=8)
_LAYOUTS = ["one-line", "multi-line", "dotted", "inline-extra", "group"]


def _layout(
    layout: str, items: list[str], quotes: list[str], notes: list[bool]
) -> tuple[list[str], list[int], str]:
    """Lines of a pyproject holding ``items``, each item's line and its label."""
    literals = [q + item + q for q, item in zip(quotes, items, strict=True)]
    if layout == "one-line":
        lines = ["[project]", 'name = "x"', f"dependencies = [{', '.join(literals)}]"]
        return lines, [3] * len(items), "pyproject.toml [project] dependencies"
    head = {
        "multi-line": ["[project]", 'name = "x"', "dependencies = ["],
        "dotted": ['project.name = "x"', "project.dependencies = ["],
        "inline-extra": ["[project]", "optional-dependencies = { test = ["],
        "group": ["[dependency-groups]", "# the group", "dev = ["],
    }[layout]
    lines, numbers = list(head), []
    for literal, note in zip(literals, notes, strict=True):
        if note:
            lines.append("    # " + literal)
        numbers.append(len(lines) + 1)
        lines.append(f"    {literal},  # {literal}" if note else f"    {literal},")
    lines.append("] }" if layout == "inline-extra" else "]")
    label = {
        "multi-line": "pyproject.toml [project] dependencies",
        "dotted": "pyproject.toml [project] dependencies",
        "inline-extra": "pyproject.toml [project.optional-dependencies] test",
        "group": "pyproject.toml [dependency-groups] dev",
    }[layout]
    return lines, numbers, label


@given(
    data=st.data(),
    items=_REQUIREMENTS,
    layout=st.sampled_from(_LAYOUTS),
    ending=st.sampled_from(["\n", "\r\n"]),
)
def test_generated_layouts_keep_order_and_lines(
    data: st.DataObject, items: list[str], layout: str, ending: str
) -> None:
    quotes = data.draw(
        st.lists(st.sampled_from(['"', "'"]), min_size=len(items), max_size=len(items))
    )
    notes = data.draw(st.lists(st.booleans(), min_size=len(items), max_size=len(items)))
    lines, numbers, label = _layout(layout, items, quotes, notes)
    text = ending.join([*lines, ""])
    sources = parse_pyproject(text, "pyproject.toml")
    assert _lines(sources) == {label: list(zip(items, numbers, strict=True))}
    assert _problems(sources) == []


def test_a_dependency_packaging_rejects_with_a_specifier_error_is_a_problem() -> None:
    sources = parse_pyproject(
        '[project]\nname = "x"\ndependencies = ["requests===1.0,requests"]\n',
        "pyproject.toml",
    )
    (problem,) = _problems(sources)
    assert problem.line == 3 and "requests" in problem.message


def test_setup_cfg_one_line_value_is_split_at_semicolons_as_setuptools_does() -> None:
    """setuptools splits a value written only on its key's line at ';'
    (pbr's [extras] do not): 'a; b' is two requirements, and 'a; marker'
    a requirement and a marker it fails on. accord read both as one
    requirement with a marker: a false C001 for the first, nothing for the
    second."""
    text = dedent(
        """\
        [options]
        install_requires = alembic>=1.0; PyYAML>=6
        [options.extras_require]
        one = xattr>=1.0; sys_platform != "win32"
        two = xattr>=1.0; sys_platform != "win32"
            PyYAML>=6
        [extras]
        pbr = xattr>=1.0; sys_platform != "win32"
        """
    )
    main, one, two, pbr = parse_setup_cfg(text, "setup.cfg")
    assert [(r.text, r.line) for r in main.requirements] == [
        ("alembic>=1.0", 2),
        ("PyYAML>=6", 2),
    ]
    assert main.problems == ()
    assert [r.text for r in one.requirements] == ["xattr>=1.0"]
    ((line, message),) = [(p.line, p.message) for p in one.problems]
    assert line == 4
    assert "setuptools splits at ';'" in message and "own indented line" in message
    # A value that continues on indented lines is split by lines only.
    assert [r.text for r in two.requirements] == [
        'xattr>=1.0; sys_platform != "win32"',
        "PyYAML>=6",
    ]
    assert [r.text for r in pbr.requirements] == ['xattr>=1.0; sys_platform != "win32"']
    assert two.problems == pbr.problems == ()


def test_setup_cfg_key_line_holding_only_a_comment_is_empty() -> None:
    """setuptools drops 'install_requires = # none yet' (a line of the value
    starting with '#'); accord read '# none yet' as a requirement (C001)."""
    text = "[options]\ninstall_requires = # none yet\n    PyYAML>=6\n"
    (source,) = parse_setup_cfg(text, "setup.cfg")
    assert source.problems == ()
    assert [r.text for r in source.requirements] == ["PyYAML>=6"]


def test_setup_cfg_percent_signs_are_read_as_setuptools_reads_them() -> None:
    """setuptools (setuptools/dist.py ``_parse_config_files``) and pbr read
    setup.cfg with ``configparser.ConfigParser()``, whose interpolation turns
    ``%%`` into ``%`` and cannot read a lone ``%`` in any value at all."""
    import configparser

    text = dedent(
        """\
        [metadata]
        name = p
        [options]
        install_requires =
            pkg @ https://example.org/pkg-1.0%%2Blocal-py3-none-any.whl
            other>=1  # 100%% sure
        [options.extras_require]
        t = tool @ https://example.org/tool%%201.0.whl
        """
    )
    parser = configparser.ConfigParser()
    parser.read_string(text)
    main, extra = parse_setup_cfg(text, "setup.cfg")
    urls = [r.text for r in (*main.requirements, *extra.requirements)]
    assert urls == [
        "pkg @ https://example.org/pkg-1.0%2Blocal-py3-none-any.whl",
        "other>=1",
        "tool @ https://example.org/tool%201.0.whl",
    ]
    assert urls[0] in parser.get("options", "install_requires")
    assert urls[2] == parser.get("options.extras_require", "t")
    assert _problems((main, extra)) == []

    lone = text.replace("%%2B", "%2B").replace("100%% sure", "100% sure")
    with pytest.raises(configparser.InterpolationSyntaxError):
        parser = configparser.ConfigParser()
        parser.read_string(lone)
        parser.get("options", "install_requires")
    sources = parse_setup_cfg(lone, "setup.cfg")
    problems = [p for s in sources for p in s.problems]
    assert [p.line for p in problems] == [5, 6]
    assert all("setuptools cannot read this file" in p.message for p in problems)
    assert "'%%'" in problems[0].message
