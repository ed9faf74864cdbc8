"""Tests for accord.distro.rpm: rpm-md repodata of Fedora and openSUSE, rpm's
version order, and RPM repositories in the review."""

from __future__ import annotations

import gzip
import itertools
import lzma
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import zstandard

from accord.distro import RpmRepo, rpm_version_key
from accord.distro.rpm import is_rpm_repo
from accord.errors import InputError

COMMON = "http://linux.duke.edu/metadata/common"
RPM = "http://linux.duke.edu/metadata/rpm"
REPO = "http://linux.duke.edu/metadata/repo"


def package(
    name: str,
    ver: str,
    rel: str,
    provides: tuple[str, ...] = (),
    arch: str = "noarch",
    epoch: str = "0",
) -> str:
    """One <package> as createrepo_c writes it (trimmed of fields not read)."""
    entries = "".join(
        f'<rpm:entry name="{p}" flags="EQ" epoch="0" ver="{ver}" rel="{rel}"/>'
        for p in (name, *provides)
    )
    return f"""<package type="rpm">
  <name>{name}</name>
  <arch>{arch}</arch>
  <version epoch="{epoch}" ver="{ver}" rel="{rel}"/>
  <checksum type="sha256" pkgid="YES">{"0" * 64}</checksum>
  <summary>A package</summary>
  <description>It is a package.</description>
  <packager>Fedora Project</packager>
  <url>https://example.org</url>
  <time file="1700000000" build="1700000000"/>
  <size package="1" installed="1" archive="1"/>
  <location href="Packages/{name[0]}/{name}-{ver}-{rel}.{arch}.rpm"/>
  <format>
    <rpm:license>MIT</rpm:license>
    <rpm:sourcerpm>{name}-{ver}-{rel}.src.rpm</rpm:sourcerpm>
    <rpm:provides>{entries}</rpm:provides>
    <rpm:requires><rpm:entry name="python(abi)" flags="EQ" ver="3.13"/></rpm:requires>
  </format>
</package>"""


FEDORA = [
    package("python3-pyyaml", "6.0.2", "1.fc41", ("python3dist(pyyaml)",)),
    package("python3-pyyaml", "6.0.1", "3.fc41", ("python3dist(pyyaml)",)),
    package("python3-requests", "2.32.3", "2.fc41", ("python3dist(requests)",)),
    package(
        "python3-requests+socks",
        "2.32.3",
        "2.fc41",
        ("python3dist(requests[socks])",),
    ),
    package("python3-oslo-config", "9.6.0", "1.fc41", ("python3dist(oslo-config)",)),
    package(
        "python3-zope-interface",
        "6.4",
        "1.fc41",
        ("python3dist(zope.interface)",),
        arch="x86_64",
    ),
    package("python3-dateutil", "2.8.2", "14.fc41", ("python3dist(python-dateutil)",)),
    package("python-pyyaml", "6.0.2", "1.fc41", arch="src"),
    package("cmake", "3.30.5", "1.fc41", arch="x86_64"),
    package("python3-epoch", "1.0", "1.fc41", epoch="2"),
]

OPENSUSE = [
    package("python311-PyYAML", "6.0.1", "3.1", ("python3.11dist(pyyaml)",), "x86_64"),
    package("python313-PyYAML", "6.0.1", "3.1", ("python3.13dist(pyyaml)",), "x86_64"),
    package("python311-requests", "2.32.3", "1.1", ("python3dist(requests)",)),
]


def primary_xml(packages: list[str]) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<metadata xmlns="{COMMON}" xmlns:rpm="{RPM}" packages="{len(packages)}">\n'
        + "\n".join(packages)
        + "\n</metadata>\n"
    ).encode()


COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    ".gz": gzip.compress,
    ".xz": lzma.compress,
    ".zst": lambda data: zstandard.ZstdCompressor().compress(data),
    "": lambda data: data,
}


def write_repo(root: Path, packages: list[str], suffix: str = ".gz") -> Path:
    """A repository as createrepo_c lays it out: repodata/repomd.xml and a
    checksum-named primary file."""
    data = COMPRESSORS[suffix](primary_xml(packages))
    href = f"repodata/{'a' * 64}-primary.xml{suffix}"
    (root / "repodata").mkdir(parents=True)
    (root / href).write_bytes(data)
    (root / "repodata" / "repomd.xml").write_text(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<repomd xmlns="{REPO}" xmlns:rpm="{RPM}">
  <revision>1730000000</revision>
  <data type="filelists">
    <checksum type="sha256">{"b" * 64}</checksum>
    <location href="repodata/{"b" * 64}-filelists.xml{suffix}"/>
  </data>
  <data type="primary">
    <checksum type="sha256">{"a" * 64}</checksum>
    <open-checksum type="sha256">{"c" * 64}</open-checksum>
    <location href="{href}"/>
    <timestamp>1730000000</timestamp>
  </data>
</repomd>
"""
    )
    return root


# project, expected (package, version, upstream version) or None
FEDORA_MATCHES = [
    pytest.param("PyYAML", ("python3-pyyaml", "6.0.2-1.fc41", "6.0.2"), id="pyyaml"),
    pytest.param("requests", ("python3-requests", "2.32.3-2.fc41", "2.32.3"), id="r"),
    pytest.param(
        "oslo.config", ("python3-oslo-config", "9.6.0-1.fc41", "9.6.0"), id="dots"
    ),
    pytest.param(
        "zope.interface",
        ("python3-zope-interface", "6.4-1.fc41", "6.4"),
        id="legacy-dist-name",
    ),
    pytest.param(
        "python-dateutil",
        ("python3-dateutil", "2.8.2-14.fc41", "2.8.2"),
        id="python-prefix",
    ),
    pytest.param("epoch", ("python3-epoch", "2:1.0-1.fc41", "1.0"), id="epoch"),
    pytest.param("cmake", None, id="not-python"),
    pytest.param("socks", None, id="extras-subpackage"),
    pytest.param("no-such-project", None, id="absent"),
]


@pytest.mark.parametrize("suffix", list(COMPRESSORS))
@pytest.mark.parametrize(("project", "expected"), FEDORA_MATCHES)
def test_fedora_matching(
    tmp_path: Path,
    suffix: str,
    project: str,
    expected: tuple[str, str, str] | None,
) -> None:
    repo = RpmRepo("fedora-41", str(write_repo(tmp_path / "f41", FEDORA, suffix)))
    found = repo.lookup(project)
    if expected is None:
        assert found == []
        return
    [hit] = found
    assert (hit.distro, hit.kind, hit.family) == ("fedora-41", "binary", "rpm")
    assert (hit.package, hit.version, hit.upstream_version) == expected


def test_opensuse_flavours(tmp_path: Path) -> None:
    repo = RpmRepo("opensuse-tumbleweed", str(write_repo(tmp_path, OPENSUSE)))
    [yaml] = repo.lookup("pyyaml")
    assert (yaml.package, yaml.version) == ("python311-PyYAML", "6.0.1-3.1")
    [requests] = repo.lookup("Requests")
    assert requests.package == "python311-requests"


def test_source_package(tmp_path: Path) -> None:
    only_source = [package("python-pyyaml", "6.0.2", "1.fc41", arch="src")]
    repo = RpmRepo("fedora-41-source", str(write_repo(tmp_path, only_source)))
    [hit] = repo.lookup("pyyaml")
    assert (hit.package, hit.kind) == ("python-pyyaml", "source")


# Each sorts strictly before the next, as rpm's rpmvercmp says.
RPM_ORDER = [
    "1.0~rc1-1",
    "1.0-1",
    "1.0-1.fc40",
    "1.0-2",
    "1.0^git1-1",
    "1.0a-1",
    "1.0.1-1",
    "1.2-1",
    "1.10-1",
    "1:0.5-1",
]


@pytest.mark.parametrize(("smaller", "larger"), list(itertools.pairwise(RPM_ORDER)))
def test_rpm_version_order(smaller: str, larger: str) -> None:
    assert rpm_version_key(smaller) < rpm_version_key(larger)


@pytest.mark.parametrize(
    ("left", "right"),
    [("1.0-1", "0:1.0-1"), ("1.01-1", "1.1-1"), ("1_0-1", "1.0-1")],
)
def test_rpm_version_equal(left: str, right: str) -> None:
    assert rpm_version_key(left) == rpm_version_key(right)


def test_is_rpm_repo(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "f41", FEDORA)
    assert is_rpm_repo(repo)
    assert is_rpm_repo(repo / "repodata" / "repomd.xml")
    assert not is_rpm_repo(tmp_path)
    repomd = RpmRepo("f", str(repo / "repodata" / "repomd.xml"))
    assert [p.package for p in repomd.lookup("pyyaml")] == ["python3-pyyaml"]


BAD_PRIMARY = [
    pytest.param(b"<metadata xmlns='%s'><package>" % COMMON.encode(), 1, id="cut"),
    pytest.param(
        b"<metadata xmlns='%s'>\n\n<oops></metadata>" % COMMON.encode(),
        3,
        id="mismatched-tag",
    ),
    pytest.param(b"", 1, id="empty"),
]


@pytest.mark.parametrize(("data", "line"), BAD_PRIMARY)
def test_malformed_primary_is_input_error_at_its_line(
    tmp_path: Path, data: bytes, line: int
) -> None:
    repo = write_repo(tmp_path, FEDORA, "")
    [primary] = (repo / "repodata").glob("*-primary.xml")
    primary.write_bytes(data)
    with pytest.raises(InputError, match=r"primary.xml") as caught:
        RpmRepo("f", str(repo)).lookup("pyyaml")
    assert caught.value.path == str(primary)
    assert caught.value.line == line


def test_wrong_root_is_input_error(tmp_path: Path) -> None:
    repo = write_repo(tmp_path, FEDORA, "")
    [primary] = (repo / "repodata").glob("*-primary.xml")
    primary.write_bytes(
        b"<filelists xmlns='http://linux.duke.edu/metadata/filelists'/>"
    )
    with pytest.raises(InputError, match=r"not an rpm-md primary.xml"):
        RpmRepo("f", str(repo)).lookup("pyyaml")


def test_corrupt_compression_is_input_error(tmp_path: Path) -> None:
    repo = write_repo(tmp_path, FEDORA, ".zst")
    [primary] = (repo / "repodata").glob("*-primary.xml.zst")
    primary.write_bytes(b"not zstd at all")
    with pytest.raises(InputError, match=r"cannot read primary.xml"):
        RpmRepo("f", str(repo)).lookup("pyyaml")


REPOMD_PROBLEMS = [
    pytest.param(b"<repomd", "malformed repomd.xml", id="malformed"),
    pytest.param(
        f"<repomd xmlns='{REPO}'><data type='other'/></repomd>".encode(),
        "names no primary",
        id="no-primary",
    ),
    pytest.param(
        f"<repomd xmlns='{REPO}'><data type='primary'><location "
        "href='../../etc/passwd'/></data></repomd>".encode(),
        "leaves the repository",
        id="escape",
    ),
]


@pytest.mark.parametrize(("data", "message"), REPOMD_PROBLEMS)
def test_bad_repomd_is_input_error(tmp_path: Path, data: bytes, message: str) -> None:
    repo = write_repo(tmp_path, FEDORA)
    (repo / "repodata" / "repomd.xml").write_bytes(data)
    with pytest.raises(InputError, match=message) as caught:
        RpmRepo("f", str(repo)).lookup("pyyaml")
    assert caught.value.path == str(repo / "repodata" / "repomd.xml")


def test_missing_repodata_is_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"cannot read repomd.xml"):
        RpmRepo("f", str(tmp_path)).lookup("pyyaml")


def test_parsed_index_is_cached_under_the_primary(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "repo", FEDORA)
    cache = tmp_path / "cache"
    assert RpmRepo("f", str(repo), cache).lookup("pyyaml")
    [entry] = cache.iterdir()
    [primary] = (repo / "repodata").glob("*-primary.xml.gz")
    primary.chmod(0)  # unreadable now: only the cache can answer
    try:
        [hit] = RpmRepo("f", str(repo), cache).lookup("pyyaml")
    finally:
        primary.chmod(0o644)
    assert hit.version == "6.0.2-1.fc41"
    assert list(cache.iterdir()) == [entry]


@dataclass(frozen=True)
class Answer:
    url: str
    body: bytes


class FakeGetter:
    """Serves a repository directory as if over HTTP, counting requests."""

    def __init__(self, root: Path, base: str) -> None:
        self.root, self.base = root, base
        self.asked: list[str] = []

    def get(self, url: str, accept: str, limit: int = 0) -> Answer | None:
        del accept, limit
        self.asked.append(url)
        path = self.root / url.removeprefix(self.base)
        return Answer(url, path.read_bytes()) if path.is_file() else None


def test_repository_over_http(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "repo", FEDORA, ".zst")
    base = "https://mirror.example/fedora/41/os/"
    getter = FakeGetter(repo, base)
    cache = tmp_path / "cache"
    [hit] = RpmRepo("fedora-41", base.rstrip("/"), cache, getter).lookup("pyyaml")
    assert hit.package == "python3-pyyaml"
    assert [u.removeprefix(base) for u in getter.asked] == [
        "repodata/repomd.xml",
        f"repodata/{'a' * 64}-primary.xml.zst",
    ]
    getter.asked.clear()
    assert RpmRepo("fedora-41", base, cache, getter).lookup("pyyaml") == [hit]
    assert getter.asked == [base + "repodata/repomd.xml"]  # primary from the cache


def test_repository_url_without_repodata(tmp_path: Path) -> None:
    getter = FakeGetter(tmp_path, "https://mirror.example/")
    with pytest.raises(InputError, match=r"no repodata/repomd.xml"):
        RpmRepo("f", "https://mirror.example/", None, getter).lookup("pyyaml")


def test_streams_are_decompressed_by_suffix(tmp_path: Path) -> None:
    # a zstd stream read line by line (apt lists may be .zst too)
    from accord.distro._read import open_compressed

    path = tmp_path / "Packages.zst"
    path.write_bytes(COMPRESSORS[".zst"](b"a\nb\n"))
    with open_compressed(path, "apt list", "") as stream:
        assert list(stream) == [b"a\n", b"b\n"]


def test_primary_sent_decompressed_over_http_is_read(tmp_path: Path) -> None:
    """A server that sends primary.xml.gz with Content-Encoding: gzip: the
    client hands over plain XML under a .gz name."""
    repo = write_repo(tmp_path / "repo", FEDORA, ".gz")
    [primary] = (repo / "repodata").glob("*-primary.xml.gz")
    primary.write_bytes(gzip.decompress(primary.read_bytes()))
    getter = FakeGetter(repo, "https://mirror.example/")
    [hit] = RpmRepo("f", "https://mirror.example/", None, getter).lookup("pyyaml")
    assert hit.package == "python3-pyyaml"


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    """A primary.xml that expands entities a billion times stops at expat's
    amplification limit: an InputError, not a machine out of memory."""
    entities = "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)
    )
    data = (
        f'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaaaa">{entities}]>'
        f'<metadata xmlns="{COMMON}"><package><name>&j;</name></package></metadata>'
    ).encode()
    repo = write_repo(tmp_path, FEDORA, "")
    [primary] = (repo / "repodata").glob("*-primary.xml")
    primary.write_bytes(data)
    with pytest.raises(InputError, match=r"malformed primary\.xml"):
        RpmRepo("f", str(repo)).lookup("pyyaml")
