"""who-uses's cache: a repeat run answers from the state of the files, and
any change to a file a project's load looked at is seen."""

from __future__ import annotations

import json
import marshal
import os
import struct
from pathlib import Path
from typing import Any

import pytest
from packaging.utils import canonicalize_name

import accord.usage
from accord import usage_cache, usage_state, usage_words
from accord.central import (
    BACKPORTS,
    DENYLISTS,
    GLOBAL_REQUIREMENTS,
    PROJECTS,
    UPPER_CONSTRAINTS,
)
from accord.cli import main
from accord.config import CONFIG_FILE
from accord.mentions import may_name_test

LONG_AGO = 1_600_000_000  # seconds: files older than the racy margin


def write(path: Path, text: str, mtime: int = LONG_AGO) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.utime(path, (mtime, mtime))


@pytest.fixture
def fleet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three projects (one without a directory). A file changed within the
    last two seconds is not trusted; here, a file written before the run is."""
    monkeypatch.setattr(usage_state, "RACY_NS", 0)
    repo = tmp_path / "requirements"
    write(repo / "global-requirements.txt", "requests\noslo.config\npbr\n")
    write(repo / "projects.txt", "alpha\nbeta\ngone\n")
    write(tmp_path / "alpha" / "requirements.txt", "requests>=2\npbr\n")
    write(tmp_path / "alpha" / "test-requirements.txt", "Oslo_Config>=1\n")
    write(
        tmp_path / "beta" / "pyproject.toml",
        '[project]\nname = "beta"\nversion = "1"\ndependencies = ["pbr"]\n'
        '[dependency-groups]\ntest = ["Requests[socks]"]\n',
    )
    return repo


class Loads:
    """Counts the projects who-uses loads (rather than answers from the cache)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = accord.usage.load_project

        def counted(*args: object, **kwargs: object) -> object:
            self.count += 1
            return real(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(accord.usage, "load_project", counted)


def who_uses(
    repo: Path, name: str, capsys: pytest.CaptureFixture[str], *extra: str
) -> list[tuple[str, str, int, str]]:
    assert main(["who-uses", name, "--requirements", str(repo), *extra]) == 0
    out = capsys.readouterr().out
    assert main(["who-uses", name, "--requirements", str(repo), "--no-cache"]) == 0
    assert capsys.readouterr().out == out  # the cache never changes the answer
    main(["who-uses", name, "--requirements", str(repo), "--format", "json", *extra])
    document = json.loads(capsys.readouterr().out)
    return [
        (u["project"], u["path"], u["line"], u["requirement"]) for u in document["uses"]
    ]


def test_a_repeat_run_reads_no_project(
    fleet: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = who_uses(fleet, "requests", capsys)
    assert first == [
        ("alpha", "requirements.txt", 1, "requests>=2"),
        ("beta", "pyproject.toml", 6, "Requests[socks]"),
    ]
    loads = Loads(monkeypatch)
    assert main(["who-uses", "requests", "--requirements", str(fleet)]) == 0
    out = capsys.readouterr().out
    assert loads.count == 0
    assert "not read: gone: no directory at" in out
    assert out.endswith("requests: used 2 time(s) by 2 project(s)\n")


def test_an_edit_of_the_same_size_is_seen(
    fleet: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    who_uses(fleet, "requests", capsys)
    requirements = fleet.parent / "alpha" / "requirements.txt"
    write(requirements, "requests>=3\npbr\n", mtime=LONG_AGO + 60)
    loads = Loads(monkeypatch)
    assert who_uses(fleet, "requests", capsys)[0][3] == "requests>=3"
    assert loads.count >= 1
    # Same size and the old time put back: the change time still tells.
    write(requirements, "requests>=4\npbr\n", mtime=LONG_AGO + 60)
    assert who_uses(fleet, "requests", capsys)[0][3] == "requests>=4"


def test_a_file_that_appears_or_goes_is_seen(
    fleet: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    who_uses(fleet, "pbr", capsys)
    write(fleet.parent / "beta" / "requirements.txt", "pbr>=5\n")
    assert ("beta", "requirements.txt", 1, "pbr>=5") in who_uses(fleet, "pbr", capsys)
    (fleet.parent / "alpha" / "requirements.txt").unlink()
    assert [use[0] for use in who_uses(fleet, "pbr", capsys)] == ["beta", "beta"]
    write(fleet.parent / "gone" / "setup.cfg", "[options]\ninstall_requires =\n  pbr\n")
    assert "gone" in {use[0] for use in who_uses(fleet, "pbr", capsys)}


def test_an_included_file_that_appears_in_a_new_directory_is_seen(
    fleet: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A ``-r`` target in a directory that does not exist yet: what the
    load found there (nothing, nor the directory) is what the cache
    keeps, so the file created later, directory and all, is read."""
    write(fleet.parent / "beta" / "requirements.txt", "-r extra/more.txt\n")
    assert ("beta", "pyproject.toml", 6, "Requests[socks]") in who_uses(
        fleet, "requests", capsys
    )
    assert [use[0] for use in who_uses(fleet, "pbr", capsys)] == ["alpha", "beta"]
    write(fleet.parent / "beta" / "extra" / "more.txt", "pbr>=6\n")
    os.utime(fleet.parent / "beta" / "extra", (LONG_AGO, LONG_AGO))
    assert ("beta", "extra/more.txt", 1, "pbr>=6") in who_uses(fleet, "pbr", capsys)


def test_a_directory_replaced_by_a_link_is_seen(
    fleet: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A link could lead outside the project without any file changing: a
    project with one is loaded every time, and says where it leads."""
    write(tmp_path / "beta" / "doc" / "requirements.txt", "requests\n")
    assert len(who_uses(fleet, "requests", capsys)) == 3
    (tmp_path / "beta" / "doc").rename(tmp_path / "outside")
    (tmp_path / "beta" / "doc").symlink_to(tmp_path / "outside")
    for _ in range(2):
        main(["who-uses", "requests", "--requirements", str(fleet)])
        out = capsys.readouterr().out
        assert "doc/requirements.txt: leads outside" in out, out


def test_an_edited_projects_list_is_read_again(
    fleet: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    who_uses(fleet, "requests", capsys)
    write(fleet / "projects.txt", "beta\n", mtime=LONG_AGO + 1)
    assert [use[0] for use in who_uses(fleet, "requests", capsys)] == ["beta"]


def test_another_spelling_in_a_file_not_parsed_is_found(
    fleet: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first run parses no file naming oslo.config; what the cache keeps
    of test-requirements.txt (its words) still finds Oslo_Config."""
    assert who_uses(fleet, "requests", capsys)
    loads = Loads(monkeypatch)
    main(["who-uses", "oslo.config", "--requirements", str(fleet)])
    assert loads.count == 1  # alpha alone is loaded again
    assert "alpha/test-requirements.txt:1: Oslo_Config>=1" in capsys.readouterr().out
    found = who_uses(fleet, "oslo.config", capsys)
    assert found == [("alpha", "test-requirements.txt", 1, "Oslo_Config>=1")]


@pytest.mark.parametrize("text", ["\u212aeystone>=1\n", "keystone  # José\n"])
def test_other_characters_answer_as_a_full_read(
    fleet: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    """A Kelvin sign lowercases to k, a letter that is not ASCII is no name
    character: the cache's words of a file not parsed answer as reading it."""
    write(fleet.parent / "beta" / "requirements.txt", text)
    assert who_uses(fleet, "requests", capsys)  # beta's file: words only
    main(["who-uses", "keystone", "--requirements", str(fleet), "--no-cache"])
    full = capsys.readouterr().out
    main(["who-uses", "keystone", "--requirements", str(fleet)])
    assert capsys.readouterr().out == full


def read_cache() -> tuple[Path, dict[str, Any], bytes]:
    """The cache file, its data (marshal, after a line of JSON that says
    its size) and its words (marshal's bytes, after the data)."""
    (cache,) = usage_cache.cache_root().iterdir()
    line, _, rest = cache.read_bytes().partition(b"\n")
    size = json.loads(line)["data"]
    return cache, marshal.loads(rest[:size]), rest[size:]


def write_cache(
    cache: Path,
    data: dict[str, Any],
    words: bytes = b"",
    changed: dict[str, object] | None = None,
) -> None:
    """Write a cache file as accord would, with fields of its first line
    ``changed``."""
    blob, text = marshal.dumps(data), words
    sizes = {"data": len(blob), "words": len(text)}
    line = {"format": usage_cache.FORMAT, **usage_cache._WRITER, **sizes}
    line.update(changed or {})
    cache.write_bytes(json.dumps(line).encode() + b"\n" + blob + text)


def test_a_corrupt_cache_is_ignored_and_replaced(
    fleet: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = who_uses(fleet, "requests", capsys)
    cache, data, _ = read_cache()
    key = data["key"]
    wrong = [
        {"central": {"probes": "x", "members": [["alpha"]]}, "projects": {}},
        {"central": {"probes": [], "members": [["alpha"]]}, "projects": {}},
        {"central": {"probes": [], "members": ["alpha"]}, "projects": {"alpha": 1}},
        {"central": {"probes": [], "members": ["beta"]}, "projects": {"beta": {}}},
        {"projects": {"alpha": {"probes": [["requirements.txt", [1]]]}}},
        {"central": {"paths": "x", "state": 1, "members": ["alpha"]}},
        {"central": {"paths": [1], "state": "00", "members": ["alpha"]}},
        {"projects": {"alpha": {"paths": [""], "state": None, "words": 1}}},
    ]
    garbage = ["{not json", '{"format": 1, "projects": []}', "[]", "", "\0" * 9]
    garbage += [json.dumps({"format": 1, "key": key, **data}) for data in wrong]
    for text in garbage:
        cache.write_text(text)
        assert who_uses(fleet, "requests", capsys) == expected
        assert read_cache()[1]["format"] == usage_cache.FORMAT
    for data in wrong:
        for words in [marshal.dumps(value) for value in ({}, [], {"alpha": 1})] + [
            b"{not marshal"
        ]:
            write_cache(
                cache, {"format": usage_cache.FORMAT, "key": key, **data}, words
            )
            assert who_uses(fleet, "requests", capsys) == expected
            assert read_cache()[1]["format"] == usage_cache.FORMAT


def test_a_cache_of_another_python_or_damaged_data_is_rebuilt(
    fleet: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The data is in marshal's format, which is the Python's own: a file
    another Python wrote, or whose data is damaged, is read as no cache."""
    expected = who_uses(fleet, "requests", capsys)
    cache, data, words = read_cache()
    whole = cache.read_bytes()
    start = whole.index(b"\n") + 1
    end = start + json.loads(whole[:start])["data"]
    half = (start + end) // 2
    damaged = [  # the same size, so only the data tells
        whole[:start] + b"\xff" * (end - start) + whole[end:],
        whole[:half] + b"\0" * (end - half) + whole[end:],
    ]
    for contents in damaged:
        cache.write_bytes(contents)
        assert who_uses(fleet, "requests", capsys) == expected
        assert read_cache()[1] == data
    for header in [{"python": [2, 7]}, {"marshal": 1}, {"data": 0}, {"words": 1}]:
        write_cache(cache, data, words, header)
        loads = Loads(monkeypatch)
        assert who_uses(fleet, "requests", capsys) == expected
        assert loads.count >= 2  # alpha and beta, read again
        assert read_cache()[1] == data


def test_words_that_are_not_those_written_are_not_trusted(
    fleet: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A project's words (of its files not parsed) are kept apart, decoded
    only when their text spells the library: changed or cut, the cache is
    rebuilt; not a project's, that project is loaded again."""
    write(fleet.parent / "alpha" / "test-requirements.txt", "Oslo_Config>=1\nx\n")
    expected = who_uses(fleet, "requests", capsys)
    cache, data, words = read_cache()
    assert " oslo-config " in marshal.loads(words)["alpha"]
    whole = cache.read_bytes()
    for contents in [whole[:-9], whole[: -len(words)]]:
        cache.write_bytes(contents)  # cut short
        assert who_uses(fleet, "oslo.config", capsys) == [
            ("alpha", "test-requirements.txt", 1, "Oslo_Config>=1")
        ]
    assert who_uses(fleet, "requests", capsys) == expected
    cache, data, words = read_cache()
    # Of the right length: words that spell the name are decoded, and a
    # project they do not hold is loaded.
    for damaged in [
        marshal.dumps([" oslo-config "]),
        marshal.dumps({"beta": " oslo-config "}),
        b"{ oslo-config ",
    ]:
        write_cache(cache, data, damaged)
        assert who_uses(fleet, "oslo.config", capsys)[0][0] == "alpha"


def test_words_that_may_hide_any_name_load_the_project_every_time(
    fleet: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file not parsed whose text could hide any name (a backslash) is
    kept as such in the project's entry, not among the words: every later
    run loads that project, whatever the words say, and answers as a full
    read."""
    monkeypatch.setattr(accord.usage, "words", lambda texts: usage_words.ANY_NAME)
    who_uses(fleet, "pbr", capsys)
    _, data, words = read_cache()
    assert data["projects"]["beta"]["any"] is True
    assert "beta" not in marshal.loads(words)
    loads = Loads(monkeypatch)
    expected = who_uses(fleet, "requests", capsys)
    assert loads.count == 3 * 2  # three runs, alpha's and beta's files
    assert ("beta", "pyproject.toml", 6, "Requests[socks]") in expected


DAMAGED_USES = [
    b"[[1",
    b"\xff",
    "[]",
    *map(marshal.dumps, ([["requests", 1]], {}, 7, [1])),
]


@pytest.mark.parametrize("uses", DAMAGED_USES)
def test_damaged_uses_of_a_project_are_not_trusted(
    fleet: Path, capsys: pytest.CaptureFixture[str], uses: bytes | str
) -> None:
    """A project's uses are decoded only by a run for a library it names:
    damaged, they send that project through the full load."""
    expected = who_uses(fleet, "requests", capsys)
    cache, data, words = read_cache()
    data["projects"]["alpha"]["uses"] = uses
    write_cache(cache, data, words)
    assert who_uses(fleet, "requests", capsys) == expected


def test_a_state_the_cache_cannot_pack_is_loaded_every_time(
    fleet: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A time or size out of the record's range (here made narrow: 32-bit
    modification times) is not kept: such a project is read on every run,
    and answered right."""
    monkeypatch.setattr(usage_state, "_PACKED", struct.Struct("<BQiqQ"))
    expected = who_uses(fleet, "requests", capsys)
    assert [use[0] for use in expected] == ["alpha", "beta"]
    loads = Loads(monkeypatch)
    assert main(["who-uses", "requests", "--requirements", str(fleet)]) == 0
    assert capsys.readouterr().out.endswith("used 2 time(s) by 2 project(s)\n")
    assert loads.count == 2  # alpha and beta; gone (no directory) is kept


def test_the_file_of_an_older_accord_is_removed(
    fleet: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Formats 1-3 were .json files: the fleet's is removed once its
    .cache file is written."""
    who_uses(fleet, "requests", capsys)
    cache, _, _ = read_cache()
    old = cache.with_suffix(".json")
    old.write_text("{}")
    write(fleet / "projects.txt", "alpha\nbeta\n", mtime=LONG_AGO + 1)
    assert [use[0] for use in who_uses(fleet, "requests", capsys)] == [
        "alpha",
        "beta",
    ]
    assert list(usage_cache.cache_root().iterdir()) == [cache]


def test_no_cache_writes_nothing(
    fleet: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["who-uses", "pbr", "--requirements", str(fleet), "--no-cache"]) == 0
    assert list(usage_cache.cache_root().iterdir()) == []


def test_files_changed_just_now_are_not_trusted(
    fleet: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file written in the same clock tick as the run could change again
    without its times moving: its project is loaded again next time."""
    who_uses(fleet, "pbr", capsys)
    monkeypatch.setattr(usage_state, "RACY_NS", 2_000_000_000)
    write(fleet.parent / "beta" / "requirements.txt", "pbr\n")  # changed just now
    who_uses(fleet, "pbr", capsys)
    loads = Loads(monkeypatch)
    main(["who-uses", "pbr", "--requirements", str(fleet)])
    assert loads.count == 1  # beta


# Texts and names: the cache's words name a library exactly when the
# prefilter would read the text for it.
TEXTS = [
    "requests-mock>=1.0\ntypes-requests\n",
    "mock-requests\nxrequests\n",
    "Requests[socks]>=2.0\n",
    "REQUESTS ; python_version>'3'\n",
    "requests-mock\nrequests>=2\n",
    "requests_\n",
    "pbr\nrequests.x>=1\n",
    "Oslo_Config>=1\n",
    "oslo..config\n",
    "-r requests.txt\n",
    "x = ['requests']  # requests.\n",
    "py\\\nyaml\n",
    "_requests\n.requests\n",
    "ReQuEsTs\nOSLO\nconfig\n",  # the parts of oslo-config, apart
    "Oslo.CONFIG\n\u212aafka\n",  # the Kelvin sign: not ASCII, read case-blind
]
NAMES = [
    "requests",
    "oslo-config",
    "requests-mock",
    "types-requests",
    "x",
    "pyyaml",
    "kafka",
]


@pytest.mark.parametrize("text", TEXTS)
def test_words_agree_with_the_prefilter(text: str) -> None:
    found = usage_words.words([text])
    for name in NAMES:
        wanted = canonicalize_name(name)
        cached = found == usage_words.ANY_NAME or f" {wanted} " in found
        assert cached == may_name_test(wanted)(text), (text, name)


@pytest.mark.parametrize(
    "name", ["Oslo_Config", "oslo.config", "A__B..c-_-D", "requests", "ẞ_x", "K.k"]
)
def test_canonical_is_packagings(name: str) -> None:
    assert usage_words.canonical(name) == canonicalize_name(name)


def test_central_files_are_those_read() -> None:
    read = {GLOBAL_REQUIREMENTS, CONFIG_FILE, UPPER_CONSTRAINTS, PROJECTS, BACKPORTS}
    assert set(usage_cache.CENTRAL_FILES) == read | set(DENYLISTS)


def test_files_setuptools_reads_requirements_from_are_searched(
    fleet: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A library named only in a file that setup.cfg's 'file:' or
    pyproject.toml's [tool.setuptools.dynamic] points at is used; an edit of
    that file is seen by the cache."""
    write(
        fleet.parent / "gone" / "setup.cfg",
        "[options]\ninstall_requires = file: deps/main.txt\n",
    )
    write(fleet.parent / "gone" / "deps" / "main.txt", "# main\nOSLO_config>=2\n")
    write(
        fleet.parent / "beta" / "pyproject.toml",
        '[project]\nname = "beta"\nversion = "1"\ndynamic = ["dependencies"]\n'
        '[tool.setuptools.dynamic]\ndependencies = {file = "beta-deps.txt"}\n',
    )
    write(fleet.parent / "beta" / "beta-deps.txt", "oslo-config\n")
    assert who_uses(fleet, "oslo.config", capsys) == [
        ("alpha", "test-requirements.txt", 1, "Oslo_Config>=1"),
        ("beta", "beta-deps.txt", 1, "oslo-config"),
        ("gone", "deps/main.txt", 2, "OSLO_config>=2"),
    ]
    write(fleet.parent / "beta" / "beta-deps.txt", "oslo.config>=3\n", LONG_AGO + 9)
    assert ("beta", "beta-deps.txt", 1, "oslo.config>=3") in who_uses(
        fleet, "oslo.config", capsys
    )


@pytest.mark.parametrize(
    "setuptools",
    [
        pytest.param(
            '[tool.setuptools.dynamic]\ndependencies = {file = "d.txt"}\n', id="table"
        ),
        pytest.param(
            '[tool]\nsetuptools.dynamic.dependencies = {file = "d.txt"}\n',
            id="dotted-keys",
        ),
        pytest.param(
            '[tool.setuptools]\n"dynamic" . dependencies = {file = "d.txt"}\n',
            id="quoted-spaced-key",
        ),
        pytest.param(
            '[tool]\nsetuptools = {dynamic = {dependencies = {file = "d.txt"}}}\n',
            id="inline-tables",
        ),
    ],
)
def test_every_spelling_of_setuptools_dynamic_files_is_followed(
    fleet: Path, capsys: pytest.CaptureFixture[str], setuptools: str
) -> None:
    """who-uses parses a pyproject.toml that does not name the library only
    when it may point at files (a key 'dynamic', however TOML spells it),
    not for a dependency named like 'neutron-dynamic-routing'."""
    write(
        fleet.parent / "beta" / "pyproject.toml",
        '[project]\nname = "beta"\nversion = "1"\ndynamic = ["dependencies"]\n'
        + setuptools,
    )
    write(fleet.parent / "beta" / "d.txt", "neutron-dynamic-routing\noslo-config\n")
    assert ("beta", "d.txt", 2, "oslo-config") in who_uses(fleet, "oslo.config", capsys)


def test_an_editable_checkout_is_a_use_of_its_egg_name(
    fleet: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``-e VCS-URL#egg=NAME`` installs NAME from a checkout (so does the line
    without ``-e``): a use of it, found by any spelling, in a ``-r`` target
    too, first run and repeat."""
    egg = "-e git+https://opendev.org/openstack/oslo.config@stable/2024.1"
    egg += "#egg=oslo.config"
    other = "--editable=hg+https://hg.example/oslo#egg=OSLO_Config&subdirectory=lib"
    write(fleet.parent / "beta" / "requirements.txt", f"{egg}\n-r more.txt\n")
    plain = "git+https://opendev.org/openstack/oslo.config#egg=oslo.config"  # no -e
    write(
        fleet.parent / "beta" / "more.txt",
        f"{other}\n-e git+https://opendev.org/openstack/oslo.configx#egg=oslo.configx\n"
        f"{plain}\n",
    )
    expected = [
        ("alpha", "test-requirements.txt", 1, "Oslo_Config>=1"),
        ("beta", "more.txt", 1, other),
        ("beta", "more.txt", 3, plain),
        ("beta", "requirements.txt", 1, egg),
    ]
    assert sorted(who_uses(fleet, "oslo-config", capsys)) == expected
    loads = Loads(monkeypatch)
    args = ["who-uses", "Oslo.Config", "--requirements", str(fleet), "--format", "json"]
    assert main(args) == 0
    uses = json.loads(capsys.readouterr().out)["uses"]
    found = [(u["project"], u["path"], u["line"], u["requirement"]) for u in uses]
    assert sorted(found) == expected
    assert loads.count == 0  # the cache's answer
    assert may_name_test(canonicalize_name("oslo.config"))(egg)


@pytest.mark.parametrize(
    ("path", "text", "line"),
    [
        ("alpha/requirements.txt", "pbr\nrequests>=2.0,,\n", 2),
        # lines ended by "\r" alone (old Mac), as pip and accord number them
        ("alpha/requirements.txt", "pbr\rsix\rrequests>=2.0,,\r", 3),
        ("alpha/requirements.txt", "pbr\r\nrequests>=2.0,,\r\n", 2),
        (
            "beta/pyproject.toml",
            '[project]\nname = "beta"\nversion = "1"\n'
            'dependencies = [\n  "pbr",\n  "Requests >= 2 !",\n]\n',
            6,
        ),
    ],
)
def test_a_line_that_cannot_be_read_but_names_the_library_is_shown(
    fleet: Path,
    capsys: pytest.CaptureFixture[str],
    path: str,
    text: str,
    line: int,
) -> None:
    """No use can be read from it, but it is there, as grep would show: the
    answer lists it as not read, first run, repeat run and another name's
    run alike (such a project is read again each time, not cached)."""
    write(fleet.parent / path, text)
    project, file = path.split("/")
    for name, shown in (("pbr", False), ("requests", True), ("requests", True)):
        who_uses(fleet, name, capsys)  # the same answer with and without cache
        main(["who-uses", name, "--requirements", str(fleet), "--format", "json"])
        unreadable = json.loads(capsys.readouterr().out)["unreadable"]
        mention = [u for u in unreadable if u.startswith(f"{project}: {file}:{line}: ")]
        assert bool(mention) == shown, unreadable
        written = "requests>=2.0,," if file.endswith(".txt") else "Requests >= 2 !"
        assert all(written in found for found in mention)
