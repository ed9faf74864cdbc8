"""Tests for accord.distro: apt lists, name matching, dpkg version order, plugins."""

from __future__ import annotations

import bz2
import gzip
import importlib.metadata
import itertools
import lzma
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from accord import distro
from accord.distro import (
    DebianIndex,
    DistroPackage,
    DistroSource,
    debian_lists,
    debian_version_key,
    distro_name_from_list,
    load_plugins,
    lookup_all,
    upstream_version,
)
from accord.distro import sources as distro_sources_module
from accord.errors import InputError

BOOKWORM = "deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages"
BOOKWORM_SOURCES = "deb.debian.org_debian_dists_bookworm_main_source_Sources"
SECURITY = (
    "security.debian.org_debian-security_dists_bookworm-security_main_binary-amd64"
    "_Packages"
)
BACKPORTS = "deb.debian.org_debian_dists_bookworm-backports_main_binary-amd64_Packages"
NOBLE = "archive.ubuntu.com_ubuntu_dists_noble_universe_binary-amd64_Packages"

PACKAGES = b"""\
Package: python3-requests
Source: requests
Version: 2.28.1+dfsg-1
Maintainer: Debian Python Team <team+python@tracker.debian.org>
Description: elegant and simple HTTP library for Python3, built for human beings
 Requests allow you to send HTTP/1.1 requests.
 .
 A continuation line with a colon: it is still the description.

Package: python-requests-doc
Source: requests
Version: 2.28.1+dfsg-1

Package: python3-yaml-dbg
Source: pyyaml (6.0-3)
Version: 6.0-3+b2

Package: python3-yaml
Source: pyyaml (6.0-3)
Version: 6.0-3+b2

Package: python3-dateutil
Source: python-dateutil
Version: 2.8.2-2

Package: python3-oslo.config
Source: python-oslo.config
Version: 1:9.0.0-3

Package: cmake
Version: 3.25.1-1

Package: python3-msgpack-ng
Source: msgpack-ng
Version: 1.0.3-2
Provides: python3-msgpack (= 1.0.3), python3-umsgpack

Package: footools
Version: 0.5-1
Provides: python3-footools

Package: python3-broken
Version: 1.0-1
this line has no colon: python-debian passes over it

Package: python3-latin
Maintainer: J\xf6rg M\xfcller <joerg@example.org>
Version: 2.0-1
"""

SOURCES = b"""\
Package: requests
Binary: python3-requests, python-requests-doc
Version: 2.28.1+dfsg-1

Package: pyyaml
Binary: python3-yaml,
 python3-yaml-dbg
Version: 6.0-3

Package: python-dateutil
Binary: python3-dateutil
Version: 2.8.2-2

Package: cmake
Binary: cmake, cmake-data
Version: 3.25.1-1
"""

# project, expected (package, version, upstream version) or None
BINARY_MATCHES = [
    pytest.param(
        "requests",
        ("python3-requests", "2.28.1+dfsg-1", "2.28.1"),
        id="requests",
    ),
    pytest.param("PyYAML", ("python3-yaml", "6.0-3+b2", "6.0"), id="pyyaml-source"),
    pytest.param(
        "python-dateutil",
        ("python3-dateutil", "2.8.2-2", "2.8.2"),
        id="python-dateutil",
    ),
    pytest.param(
        "oslo.config", ("python3-oslo.config", "1:9.0.0-3", "9.0.0"), id="oslo.config"
    ),
    pytest.param(
        "Oslo_Config", ("python3-oslo.config", "1:9.0.0-3", "9.0.0"), id="case-sep"
    ),
    pytest.param("msgpack", ("python3-msgpack-ng", "1.0.3-2", "1.0.3"), id="provides"),
    pytest.param("footools", ("footools", "0.5-1", "0.5"), id="provides-non-python"),
    pytest.param("latin", ("python3-latin", "2.0-1", "2.0"), id="non-utf8"),
    pytest.param("no-such-project", None, id="no-package"),
    pytest.param("cmake", None, id="not-python"),
    pytest.param("broken", ("python3-broken", "1.0-1", "1.0"), id="stray-line"),
]

SOURCE_MATCHES = [
    pytest.param("requests", ("requests", "2.28.1+dfsg-1"), id="bare-name"),
    pytest.param("PyYAML", ("pyyaml", "6.0-3"), id="pyyaml"),
    pytest.param("python-dateutil", ("python-dateutil", "2.8.2-2"), id="python-pfx"),
    pytest.param("dateutil", ("python-dateutil", "2.8.2-2"), id="python-pfx-added"),
    pytest.param("cmake", None, id="builds-no-python3"),
]

# Each version sorts strictly before the next, as dpkg --compare-versions says.
ORDERED_VERSIONS = [
    "1.0~~",
    "1.0~~a",
    "1.0~",
    "1.0~rc1",
    "1.0",
    "1.0-0.1",
    "1.0-1~bpo12+1",
    "1.0-1",
    "1.0-1+b1",
    "1.0-1.1",
    "1.0a",
    "1.0+dfsg",
    "1.0.1",
    "1.2",
    "1.10",
    "1:0.9",
    "2:0.1",
]

EQUAL_VERSIONS = [
    pytest.param("1.0", "1.0-0", id="revision-zero"),
    pytest.param("1.0", "0:1.0", id="epoch-zero"),
    pytest.param("1.00", "1.0", id="leading-zeros"),
    pytest.param("1.0-01", "1.0-1", id="revision-leading-zero"),
]

UPSTREAM_VERSIONS = [
    pytest.param("2.28.1+dfsg-1", "2.28.1", id="dfsg"),
    pytest.param("1:9.0.0-3", "9.0.0", id="epoch"),
    pytest.param("3.0+ds1-2", "3.0", id="ds"),
    pytest.param("4.2+repack-1", "4.2", id="repack"),
    pytest.param("1.0~rc1-1", "1.0rc1", id="prerelease"),
    pytest.param("2.0~b3+dfsg-1", "2.0b3", id="prerelease-dfsg"),
    pytest.param("1.0~git20240101.abc-1", "1.0", id="snapshot"),
    pytest.param("0.5", "0.5", id="native"),
    pytest.param("1.2-3-4", "1.2-3", id="dash-in-upstream"),
]

LIST_NAMES = [
    pytest.param(BOOKWORM, "debian bookworm", id="debian"),
    pytest.param(f"{BOOKWORM}.lz4", "debian bookworm", id="compressed"),
    pytest.param(SECURITY, "debian bookworm", id="security"),
    pytest.param(
        "deb.debian.org_debian_dists_bookworm-updates_main_source_Sources.xz",
        "debian bookworm",
        id="updates",
    ),
    pytest.param(BACKPORTS, "debian bookworm-backports", id="backports"),
    pytest.param(NOBLE, "ubuntu noble", id="ubuntu"),
    pytest.param(
        "ports.ubuntu.com_ubuntu-ports_dists_jammy-security_main_binary-arm64_Packages",
        "ubuntu jammy",
        id="ubuntu-ports",
    ),
    pytest.param(
        "ppa.launchpadcontent.net_deadsnakes_ppa_ubuntu_dists_jammy_main_"
        "binary-amd64_Packages",
        "ubuntu jammy ppa:deadsnakes/ppa",
        id="ppa",
    ),
    pytest.param("Packages", "Packages", id="bare-file"),
    pytest.param("my_own_Packages.gz", "my_own_Packages.gz", id="no-dists"),
]

COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    "": lambda data: data,
    ".gz": gzip.compress,
    ".xz": lzma.compress,
    ".bz2": bz2.compress,
}


def write_list(directory: Path, name: str, data: bytes, suffix: str = "") -> Path:
    path = directory / f"{name}{suffix}"
    path.write_bytes(COMPRESSORS[suffix](data))
    return path


def pkg(
    distro_name: str, package: str, version: str, kind: str = "binary"
) -> DistroPackage:
    return DistroPackage(
        distro_name,
        package,
        version,
        upstream_version(version),
        "binary" if kind == "binary" else "source",
    )


class StaticSource:
    """A DistroSource that returns what it was given."""

    def __init__(self, name: str, packages: list[DistroPackage]) -> None:
        self.name = name
        self.packages = packages

    def lookup(self, project: str) -> list[DistroPackage]:
        return list(self.packages)


@pytest.mark.parametrize("suffix", ["", ".gz", ".xz", ".bz2"])
@pytest.mark.parametrize(("project", "expected"), BINARY_MATCHES)
def test_binary_name_matching(
    tmp_path: Path,
    suffix: str,
    project: str,
    expected: tuple[str, str, str] | None,
) -> None:
    index = DebianIndex([write_list(tmp_path, BOOKWORM, PACKAGES, suffix)])
    found = index.lookup(project)
    if expected is None:
        assert found == []
    else:
        package, version, upstream = expected
        assert found == [
            DistroPackage("debian bookworm", package, version, upstream, "binary")
        ]


@pytest.mark.parametrize(("project", "expected"), SOURCE_MATCHES)
def test_source_name_matching(
    tmp_path: Path, project: str, expected: tuple[str, str] | None
) -> None:
    index = DebianIndex([write_list(tmp_path, BOOKWORM_SOURCES, SOURCES, ".gz")])
    found = index.lookup(project)
    if expected is None:
        assert found == []
    else:
        assert found == [pkg("debian bookworm", *expected, kind="source")]


def test_source_field_with_version_matches(tmp_path: Path) -> None:
    index = DebianIndex([write_list(tmp_path, BOOKWORM, PACKAGES)])
    # python3-yaml and python3-yaml-dbg both come from pyyaml; the shorter wins.
    assert [p.package for p in index.lookup("pyyaml")] == ["python3-yaml"]


def test_binary_wins_over_source_at_equal_version(tmp_path: Path) -> None:
    index = DebianIndex(
        [
            write_list(tmp_path, BOOKWORM_SOURCES, SOURCES, ".xz"),
            write_list(tmp_path, BOOKWORM, PACKAGES, ".gz"),
        ]
    )
    assert index.lookup("requests") == [
        pkg("debian bookworm", "python3-requests", "2.28.1+dfsg-1")
    ]


def test_highest_version_per_distro(tmp_path: Path) -> None:
    newer = b"Package: python3-requests\nVersion: 2.28.1+dfsg-1+deb12u1\n"
    backport = b"Package: python3-requests\nVersion: 2.31.0+dfsg-1~bpo12+1\n"
    # An epoch beats a bigger upstream number; both stanzas in one file.
    noble = (
        b"Package: python3-requests\nVersion: 3.0-1\n\n"
        b"Package: python3-requests\nVersion: 1:2.31.0+dfsg-1ubuntu1\n"
    )
    index = DebianIndex(
        [
            write_list(tmp_path, BOOKWORM, PACKAGES),
            write_list(tmp_path, SECURITY, newer, ".gz"),
            write_list(tmp_path, BACKPORTS, backport, ".bz2"),
            write_list(tmp_path, NOBLE, noble, ".xz"),
        ]
    )
    assert index.name == "debian bookworm, debian bookworm-backports, ubuntu noble"
    assert index.lookup("requests") == [
        pkg("debian bookworm", "python3-requests", "2.28.1+dfsg-1+deb12u1"),
        pkg("debian bookworm-backports", "python3-requests", "2.31.0+dfsg-1~bpo12+1"),
        pkg("ubuntu noble", "python3-requests", "1:2.31.0+dfsg-1ubuntu1"),
    ]


def test_explicit_name_labels_every_file(tmp_path: Path) -> None:
    index = DebianIndex(
        [write_list(tmp_path, "Packages", PACKAGES)], name="debian trixie"
    )
    assert index.name == "debian trixie"
    assert [p.distro for p in index.lookup("requests")] == ["debian trixie"]
    assert isinstance(index, DistroSource)


def test_lists_are_read_lazily_and_once(tmp_path: Path) -> None:
    path = write_list(tmp_path, BOOKWORM, PACKAGES)
    index = DebianIndex([path])
    missing = DebianIndex([tmp_path / "not-there_Packages"])  # no error yet
    assert index.lookup("six") == []
    path.unlink()
    assert len(index.lookup("requests")) == 1
    with pytest.raises(InputError):
        missing.lookup("six")


@pytest.mark.parametrize(
    ("smaller", "larger"), list(itertools.pairwise(ORDERED_VERSIONS))
)
def test_debian_version_order(smaller: str, larger: str) -> None:
    assert debian_version_key(smaller) < debian_version_key(larger)


def test_debian_version_sort_is_total() -> None:
    shuffled = ORDERED_VERSIONS[1::2] + ORDERED_VERSIONS[::2]
    assert sorted(shuffled, key=debian_version_key) == ORDERED_VERSIONS


@pytest.mark.parametrize(("left", "right"), EQUAL_VERSIONS)
def test_debian_version_equal(left: str, right: str) -> None:
    assert debian_version_key(left) == debian_version_key(right)


@pytest.mark.skipif(shutil.which("dpkg") is None, reason="dpkg is not installed")
def test_debian_version_order_agrees_with_dpkg() -> None:
    versions = ORDERED_VERSIONS + [str(v) for p in EQUAL_VERSIONS for v in p.values]
    for left, right in itertools.combinations(versions, 2):
        for op, expected in (
            ("lt", debian_version_key(left) < debian_version_key(right)),
            ("eq", debian_version_key(left) == debian_version_key(right)),
        ):
            result = subprocess.run(
                ["dpkg", "--compare-versions", left, op, right], check=False
            )
            assert (result.returncode == 0) == expected, (left, op, right)


@pytest.mark.parametrize(("version", "expected"), UPSTREAM_VERSIONS)
def test_upstream_version(version: str, expected: str) -> None:
    assert upstream_version(version) == expected


@pytest.mark.parametrize(("name", "expected"), LIST_NAMES)
def test_distro_name_from_list(name: str, expected: str) -> None:
    assert distro_name_from_list(Path("/var/lib/apt/lists") / name) == expected


def test_debian_lists(tmp_path: Path) -> None:
    wanted = [
        write_list(tmp_path, BOOKWORM, b""),
        write_list(tmp_path, BOOKWORM_SOURCES, b"", ".gz"),
        write_list(tmp_path, NOBLE, b"", ".xz"),
    ]
    (tmp_path / f"{BOOKWORM}.lz4").write_bytes(b"")
    wanted.append(tmp_path / f"{BOOKWORM}.lz4")
    for other in ("lock", "deb.debian.org_debian_dists_bookworm_InRelease"):
        (tmp_path / other).write_bytes(b"")
    (tmp_path / "partial").mkdir()
    write_list(tmp_path / "partial", BOOKWORM, b"")
    (tmp_path / "auxfiles_Packages").mkdir()  # a directory, not a list
    assert debian_lists(tmp_path) == sorted(wanted)
    assert debian_lists(tmp_path / "absent") == []


def test_missing_file_is_input_error(tmp_path: Path) -> None:
    path = tmp_path / BOOKWORM
    with pytest.raises(InputError) as caught:
        DebianIndex([path]).lookup("requests")
    assert caught.value.path == str(path)
    assert caught.value.hint


@pytest.mark.parametrize("suffix", [".gz", ".xz", ".bz2"])
def test_corrupt_file_is_input_error(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"{BOOKWORM}{suffix}"
    path.write_bytes(b"this is not compressed data at all")
    with pytest.raises(InputError, match="cannot read apt list") as caught:
        DebianIndex([path]).lookup("requests")
    assert caught.value.path == str(path)


@pytest.mark.skipif(shutil.which("lz4") is None, reason="lz4 is not installed")
def test_lz4_lists_are_read_through_the_command(tmp_path: Path) -> None:
    plain = write_list(tmp_path, "plain", PACKAGES)
    path = tmp_path / f"{BOOKWORM}.lz4"
    subprocess.run(["lz4", "-q", str(plain), str(path)], check=True)
    assert [p.version for p in DebianIndex([path]).lookup("requests")] == [
        "2.28.1+dfsg-1"
    ]


def test_lz4_without_the_command_is_input_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / f"{BOOKWORM}.lz4"
    path.write_bytes(b"\x04\x22\x4d\x18")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(InputError, match="needs the lz4 command"):
        DebianIndex([path]).lookup("requests")


class FakeEntryPoint:
    def __init__(self, name: str, target: object) -> None:
        self.name = name
        self.target = target

    def load(self) -> object:
        return self.target


def _raise() -> DistroSource:
    raise RuntimeError("plugin is broken")


def test_load_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    good = StaticSource("static", [])
    seen_groups: list[str] = []

    def fake_entry_points(*, group: str) -> list[object]:
        seen_groups.append(group)
        return [
            FakeEntryPoint("good", lambda: good),
            FakeEntryPoint("raises", _raise),
            FakeEntryPoint("not-a-source", object),
            importlib.metadata.EntryPoint(
                "missing", "accord_no_such_module:make", "accord.distro_sources"
            ),
        ]

    monkeypatch.setattr(distro_sources_module, "entry_points", fake_entry_points)
    with pytest.warns(UserWarning) as warned:
        loaded = load_plugins()
    assert loaded == [good]
    assert seen_groups == ["accord.distro_sources"]
    messages = "\n".join(str(w.message) for w in warned)
    for name in ("raises", "not-a-source", "missing"):
        assert f"plugin {name!r} skipped" in messages
    assert len(warned) == 3


def test_load_plugins_none_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(distro_sources_module, "entry_points", lambda *, group: [])
    assert load_plugins("accord.other_group") == []


def test_lookup_all_merges_sources(tmp_path: Path) -> None:
    index = DebianIndex([write_list(tmp_path, BOOKWORM, PACKAGES, ".gz")])
    fedora = pkg("fedora 40", "python3-requests", "2.31.0-1")
    older = pkg("debian bookworm", "python3-requests", "2.25.1+dfsg-2")
    plugin = StaticSource("plugin", [older, fedora])
    assert lookup_all([index, plugin], "requests") == [
        pkg("debian bookworm", "python3-requests", "2.28.1+dfsg-1"),
        fedora,
    ]
    assert lookup_all([], "requests") == []


def test_lookup_all_warns_about_a_failing_source(tmp_path: Path) -> None:
    class Failing(StaticSource):
        def lookup(self, project: str) -> list[DistroPackage]:
            raise RuntimeError("network down")

    fedora = pkg("fedora 40", "python3-requests", "2.31.0-1")
    with pytest.warns(UserWarning, match="'failing' failed"):
        found = lookup_all(
            [Failing("failing", []), StaticSource("ok", [fedora])], "requests"
        )
    assert found == [fedora]
    with pytest.raises(InputError):
        lookup_all([DebianIndex([tmp_path / BOOKWORM])], "requests")


def test_built_index_is_cached_until_the_lists_change(tmp_path: Path) -> None:
    packages = tmp_path / "Packages"
    packages.write_text("Package: python3-requests\nVersion: 6.0-3\n\n")
    cache = tmp_path / "cache"
    first = distro.DebianIndex([packages], cache_dir=cache)
    assert [p.package for p in first.lookup("requests")] == ["python3-requests"]
    assert len(list(cache.iterdir())) == 1

    second = distro.DebianIndex([packages], cache_dir=cache)

    def refuse() -> None:
        raise AssertionError("the lists were parsed again")

    second._build = refuse  # type: ignore[method-assign,assignment]
    assert [p.version for p in second.lookup("requests")] == ["6.0-3"]

    packages.write_text("Package: python3-requests\nVersion: 6.0-4\n\n")
    os.utime(packages, ns=(1, 1))
    third = distro.DebianIndex([packages], cache_dir=cache)
    assert [p.version for p in third.lookup("requests")] == ["6.0-4"]


def test_a_cache_entry_edited_by_hand_is_no_traceback(tmp_path: Path) -> None:
    packages = tmp_path / "Packages"
    packages.write_text("Package: python3-requests\nVersion: 6.0-3\n\n")
    cache = tmp_path / "cache"
    assert DebianIndex([packages], cache_dir=cache).lookup("requests")
    [entry] = cache.iterdir()
    entry.write_text('{"requests": [["too", "few"]], "six": 3}')
    assert DebianIndex([packages], cache_dir=cache).lookup("requests") == []
    assert DebianIndex([packages], cache_dir=cache).lookup("six") == []
    entry.write_text("[1, 2]")  # not even a mapping: the lists are read again
    assert DebianIndex([packages], cache_dir=cache).lookup("requests")


NOT_LISTS = [
    pytest.param(b"hello world\nno fields here\n", id="text"),
    pytest.param(bytes(range(256)) * 20, id="binary"),
    pytest.param(b"\x00" * 100, id="nul"),
]


@pytest.mark.parametrize("data", NOT_LISTS)
def test_a_file_that_is_no_apt_list_is_input_error(tmp_path: Path, data: bytes) -> None:
    path = write_list(tmp_path, BOOKWORM, data)
    with pytest.raises(InputError, match="not an apt Packages or Sources list") as e:
        DebianIndex([path]).lookup("requests")
    assert e.value.path == str(path)


def test_an_empty_list_is_no_error(tmp_path: Path) -> None:
    assert DebianIndex([write_list(tmp_path, BOOKWORM, b"")]).lookup("x") == []


def test_a_list_without_python_packages_is_still_an_apt_list(tmp_path: Path) -> None:
    # Only paragraphs naming python3-* are parsed; the others still count.
    body = b"Package: cmake\nVersion: 3.25.1-1\n\nPackage: zlib1g\nVersion: 1:1.2\n"
    assert DebianIndex([write_list(tmp_path, BOOKWORM, body)]).lookup("cmake") == []


def test_paragraphs_across_read_blocks_are_all_found(tmp_path: Path) -> None:
    filler = b"".join(
        b"Package: lib%d\nVersion: 1.0\nDescription: %s\n\n" % (n, b"x" * 300)
        for n in range(6000)
    )  # more than one 1 MiB block, so paragraphs straddle the blocks' edges
    wanted = b"Package: python3-requests\nVersion: 2.28.1+dfsg-1\n"
    index = DebianIndex(
        [write_list(tmp_path, BOOKWORM, filler + wanted + b"\n" + filler)]
    )
    assert [p.package for p in index.lookup("requests")] == ["python3-requests"]
