"""Distro packaging: is a PyPI project packaged by Debian or Ubuntu, at which version?

``DebianIndex`` reads apt ``Packages`` and ``Sources`` lists (deb822 stanzas;
plain, ``.gz``, ``.xz``, ``.lzma`` or ``.bz2`` by extension, and ``.lz4`` or
``.zst`` through the ``lz4``/``zstd`` command) once, on the first lookup.
``debian_lists`` finds the lists apt keeps on this machine, and
``load_plugins`` adds sources for other distros from the
``accord.distro_sources`` entry-point group.

Matching rules.  ``<n>`` is the project's canonical PyPI name
(``packaging.utils.canonicalize_name``: ``PyYAML`` -> ``pyyaml``), and also
that name with a leading ``python-`` removed (``python-dateutil`` ->
``dateutil``).  Debian names are canonicalised the same way before comparing,
so the comparison ignores case and treats ``.``, ``_`` and ``-`` alike:
Debian keeps the dots of ``python3-oslo.config`` where PyPI writes
``oslo-config``.  A project matches

* a binary package ``python3-<n>``, or one that ``Provides: python3-<n>``;
* a binary ``python3-*`` package whose ``Source:`` field names a matching
  source package (``python3-yaml`` is built from ``pyyaml``);
* a source package ``python-<n>``, or ``<n>`` if that source builds at least
  one ``python3-*`` binary (its ``Binary:`` field), so that the C library
  ``cmake`` does not stand for the PyPI wrapper of the same name.

Only each distro's highest version is reported; at equal versions a binary
package wins over a source, a direct name over ``Provides:`` over ``Source:``,
and a shorter name over a longer one (``python3-yaml`` over its ``-dbg``).
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import itertools
import json
import lzma
import re
import shutil
import subprocess
import threading
import warnings
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib.metadata import entry_points
from io import BufferedIOBase, BytesIO
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

from packaging.utils import canonicalize_name

from accord.errors import AccordError, InputError
from accord.files import write_atomic

__all__ = [
    "DebianIndex",
    "DistroPackage",
    "DistroSource",
    "debian_lists",
    "debian_version_key",
    "distro_name_from_list",
    "load_plugins",
    "lookup_all",
    "upstream_version",
]


@dataclass(frozen=True, slots=True)
class DistroPackage:
    """One package of one distro that matches a PyPI project."""

    distro: str
    package: str
    version: str
    upstream_version: str
    kind: Literal["binary", "source"]


@runtime_checkable
class DistroSource(Protocol):
    """Anything that can say which packages of its distros match a project."""

    name: str

    def lookup(self, project: str) -> list[DistroPackage]: ...


# dpkg's version ordering, written by hand: it is thirty lines, and no
# well-kept pure-Python implementation (python-debian, python-apt) is a
# dependency of accord.
_Chunks = tuple[tuple[tuple[int, ...], int], ...]
_END: tuple[tuple[int, ...], int] = ((0,), 0)  # what a string is past its end


def _char_order(char: str) -> int:
    if char == "~":
        return -1
    return ord(char) if char.isascii() and char.isalpha() else ord(char) + 256


def _verrev_key(text: str) -> _Chunks:
    chunks = [
        ((*(_char_order(c) for c in letters), 0), int(digits or "0"))
        for letters, digits in re.findall(r"(\D*)(\d*)", text)
        if letters or digits
    ]
    if chunks == [_END]:  # "0" sorts as "": a missing revision is "0"
        chunks = []
    return (*chunks, _END)


def _split_version(version: str) -> tuple[int, str, str]:
    """Epoch (before the first colon), upstream, revision (after the last dash)."""
    epoch, colon, rest = version.strip().partition(":")
    if not colon:
        epoch, rest = "0", epoch
    upstream, dash, revision = rest.rpartition("-")
    if not dash:
        upstream, revision = revision, ""
    return (int(epoch) if epoch.isdigit() else 0), upstream, revision


def debian_version_key(version: str) -> tuple[int, _Chunks, _Chunks]:
    """A sort key that orders Debian version strings the way dpkg does."""
    epoch, upstream, revision = _split_version(version)
    return epoch, _verrev_key(upstream), _verrev_key(revision)


_PRERELEASE = re.compile(r"~((?:a|b|rc|alpha|beta|pre|dev)\.?\d*)(?=$|[~+])")


def upstream_version(version: str) -> str:
    """The upstream part of a Debian version, as upstream wrote it.

    ``1:2.28.1+dfsg-1`` -> ``2.28.1``.  A ``~`` before a pre-release tag is
    dropped (``1.0~rc1`` -> ``1.0rc1``); any other ``~`` suffix is cut off
    (``1.0~git20240101`` -> ``1.0``), as are ``+dfsg``, ``+ds`` and ``+repack``.
    """
    _, upstream, _ = _split_version(version)
    upstream = re.sub(r"\+(?:dfsg|ds|repack).*$", "", upstream)
    upstream = _PRERELEASE.sub(r"\1", upstream)
    return upstream.partition("~")[0] or upstream


_LIST_NAME = re.compile(r"(?:^|_)(Packages|Sources)(?:\.[A-Za-z0-9]+)?$")
# apt in Debian's container images keeps its lists lz4-compressed, which the
# standard library cannot read: those go through the lz4 (or zstd) command.
_TOOLS = {".lz4": "lz4", ".zst": "zstd"}


def _open(path: Path) -> BufferedIOBase:
    if path.suffix == ".gz":
        return gzip.open(path, "rb")
    if path.suffix in {".xz", ".lzma"}:
        return lzma.open(path, "rb")
    if path.suffix == ".bz2":
        return bz2.open(path, "rb")
    tool = _TOOLS.get(path.suffix)
    if tool is None:
        return path.open("rb")
    if not path.is_file():
        raise FileNotFoundError(path)
    if (executable := shutil.which(tool)) is None:
        raise InputError(
            f"reading {path.suffix} lists needs the {tool} command",
            path=str(path),
            hint=f"install {tool}, or decompress the list first",
        )
    run = subprocess.run(
        [executable, "-dc", str(path)], capture_output=True, check=False
    )
    if run.returncode != 0:
        raise OSError(run.stderr.decode(errors="replace").strip())
    return BytesIO(run.stdout)


def _lines(path: Path) -> Iterator[str]:
    """The file's lines, decompressed by its suffix, bad UTF-8 replaced."""
    try:
        with _open(path) as raw:
            for line in raw:
                yield line.decode("utf-8", errors="replace").rstrip("\r\n")
    except FileNotFoundError:
        raise InputError(
            "no such apt list file", path=str(path), hint="run apt-get update?"
        ) from None
    except (OSError, EOFError, lzma.LZMAError, zlib.error) as exc:
        raise InputError(
            f"cannot read apt list: {exc}",
            path=str(path),
            hint="is the file complete, and compressed as its name says?",
        ) from None


def _stanzas(lines: Iterable[str]) -> Iterator[dict[str, str]]:
    """deb822 stanzas as {lower-case field: value}; malformed stanzas are skipped."""
    fields: dict[str, str] = {}
    last: str | None = None
    broken = False
    for line in itertools.chain(lines, [""]):
        if not line.strip():
            if fields and not broken:
                yield fields
            fields, last, broken = {}, None, False
        elif line.startswith("#"):
            continue
        elif line[0] in " \t" and last is not None:
            fields[last] += " " + line.strip()
        elif ":" in line and line[0] not in " \t":
            last, _, value = line.partition(":")
            last = last.strip().lower()
            fields[last] = value.strip()
        else:
            broken = True


def _names(value: str) -> list[str]:
    """Package names in a relation field: "a (= 1), b:any" -> ["a", "b"]."""
    return re.findall(r"(?:^|,)\s*([^\s,|(:\[]+)", value)


def _source_keys(source: str) -> set[str]:
    keys: set[str] = {canonicalize_name(source)}
    if source.lower().startswith("python-"):
        keys.add(canonicalize_name(source[len("python-") :]))
    return keys


def _python3_key(package: str) -> str | None:
    if package.lower().startswith("python3-") and len(package) > len("python3-"):
        return canonicalize_name(package[len("python3-") :])
    return None


@dataclass(frozen=True, slots=True)
class _Hit:
    package: DistroPackage
    rank: int  # 0 direct name, 1 Provides:, 2 Source: field or a source package


def _best(hits: Sequence[_Hit]) -> list[DistroPackage]:
    """Each distro's highest version, by the tie-breaks in the module docstring."""
    by_distro: dict[str, list[_Hit]] = {}
    for hit in hits:
        by_distro.setdefault(hit.package.distro, []).append(hit)
    return [
        max(
            group,
            key=lambda h: (
                debian_version_key(h.package.version),
                h.package.kind == "binary",
                -h.rank,
                -len(h.package.package),
            ),
        ).package
        for _, group in sorted(by_distro.items())
    ]


def _project_keys(project: str) -> set[str]:
    canonical = canonicalize_name(project)
    return {canonical, canonical.removeprefix("python-") or canonical}


class DebianIndex:
    """apt ``Packages``/``Sources`` lists, read on the first lookup."""

    def __init__(
        self,
        paths: Sequence[Path],
        name: str | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        self.paths = [Path(p) for p in paths]
        self.cache_dir = cache_dir  # where the built index is kept, if anywhere
        self._distro = name
        distros = dict.fromkeys(distro_name_from_list(p) for p in self.paths)
        self.name = name or ", ".join(distros) or "debian"
        self._index: dict[str, list[_Hit]] | None = None
        self._lock = threading.Lock()  # reviews look up from many threads

    def lookup(self, project: str) -> list[DistroPackage]:
        with self._lock:
            if self._index is None:
                self._index = self._cached_build()
        hits = {h for key in _project_keys(project) for h in self._index.get(key, [])}
        return _best(sorted(hits, key=lambda h: (h.rank, h.package.package)))

    def _cached_build(self) -> dict[str, list[_Hit]]:
        """The index, from the cache while the list files are unchanged.

        Decompressing and parsing apt's lists takes seconds; the few
        thousand Python entries they yield load in milliseconds.
        """
        if self.cache_dir is None:
            return self._build()
        stamp = json.dumps(
            [self._distro, *[(str(p), *_stat(p)) for p in self.paths]]
        ).encode()
        path = self.cache_dir / f"{hashlib.sha256(stamp).hexdigest()}.json"
        try:
            rows = json.loads(path.read_text())
            return {
                key: [_Hit(DistroPackage(*package), rank) for *package, rank in hits]
                for key, hits in rows.items()
            }
        except (OSError, ValueError, TypeError):
            pass
        index = self._build()
        rows = {
            key: [
                [h.package.distro, h.package.package, h.package.version,
                 h.package.upstream_version, h.package.kind, h.rank]
                for h in hits
            ]
            for key, hits in index.items()
        }  # fmt: skip
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            write_atomic(path, json.dumps(rows))
        except OSError:
            pass  # a cache that cannot be written is only slower
        return index

    def _build(self) -> dict[str, list[_Hit]]:
        index: dict[str, list[_Hit]] = {}
        for path in self.paths:
            distro = self._distro or distro_name_from_list(path)
            match = _LIST_NAME.search(path.name)
            sources = match is not None and match.group(1) == "Sources"
            for fields in _stanzas(_lines(path)):
                for key, hit in _stanza_hits(fields, distro, sources=sources):
                    index.setdefault(key, []).append(hit)
        return index


def _stat(path: Path) -> tuple[int, int]:
    try:
        status = path.stat()
    except OSError:
        return (0, 0)
    return status.st_mtime_ns, status.st_size


def _stanza_hits(
    fields: dict[str, str], distro: str, *, sources: bool
) -> Iterator[tuple[str, _Hit]]:
    """The index keys one stanza is found under, each with its match rank."""
    name, version = fields.get("package", ""), fields.get("version", "")
    if not name or not version:
        return
    kind: Literal["binary", "source"] = "source" if sources else "binary"
    package = DistroPackage(distro, name, version, upstream_version(version), kind)
    if sources:
        binaries = _names(fields.get("binary", ""))
        if (
            name.lower().startswith("python-")
            or "binary" not in fields
            or any(_python3_key(b) for b in binaries)
        ):
            for key in _source_keys(name):
                yield key, _Hit(package, 2)
        return
    direct = _python3_key(name)
    if direct is not None:
        yield direct, _Hit(package, 0)
        # Source: counts for python3-* packages only, not for the docs or the
        # C library built from the same source.
        for source in _names(fields.get("source", name))[:1]:
            for key in _source_keys(source):
                yield key, _Hit(package, 2)
    for key in filter(None, map(_python3_key, _names(fields.get("provides", "")))):
        yield key, _Hit(package, 1)


APT_LISTS = Path("/var/lib/apt/lists")


def debian_lists(lists_dir: Path = APT_LISTS) -> list[Path]:
    """The ``*_Packages`` and ``*_Sources`` lists in apt's lists directory.

    Any compression suffix is listed; a directory that is not there (not a
    Debian-like system) gives an empty list.
    """
    if not lists_dir.is_dir():
        return []
    return sorted(
        path
        for path in lists_dir.iterdir()
        if path.is_file() and _LIST_NAME.search(path.name) and "_" in path.name
    )


def distro_name_from_list(path: Path) -> str:
    """The distro and release an apt list file is for, e.g. ``debian bookworm``.

    ``deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages`` is a
    list of ``debian bookworm``.
    ``-updates`` and ``-security`` suites fold into their release, since they
    update it; ``-backports`` stays apart.  Launchpad PPAs are named as such.
    Names that do not follow apt's ``<host>_<path>_dists_<suite>_...`` scheme
    are returned whole.
    """
    parts = path.name.split("_")
    if "dists" not in parts[1:-1]:
        return path.name
    at = parts.index("dists", 1)
    archive, suite = parts[:at], parts[at + 1]
    vendor = (
        re.sub(r"-(?:security|ports)$", "", archive[-1])
        if len(archive) > 1
        else archive[0]
    )
    suite = re.sub(r"-(?:updates|security)$", "", suite)
    if "launchpad" in archive[0] and len(archive) > 2:
        return f"{vendor} {suite} ppa:{'/'.join(archive[1:-1])}"
    return f"{vendor} {suite}"


def load_plugins(group: str = "accord.distro_sources") -> list[DistroSource]:
    """The distro sources that installed packages register as entry points.

    Each entry point names a zero-argument callable returning a
    ``DistroSource``.  One that fails to import, raises, or returns something
    else is skipped with a warning.
    """
    loaded: list[DistroSource] = []
    for entry_point in entry_points(group=group):
        try:
            source = entry_point.load()()
            if not isinstance(source, DistroSource):
                raise TypeError(f"{source!r} has no name and lookup()")
        except Exception as exc:
            warnings.warn(
                f"distro source plugin {entry_point.name!r} skipped: {exc!r}",
                stacklevel=2,
            )
            continue
        loaded.append(source)
    return loaded


def lookup_all(sources: Sequence[DistroSource], project: str) -> list[DistroPackage]:
    """Every source's packages for ``project``, each distro's highest version.

    ``AccordError`` (a missing list file) propagates; any other failure of a
    source is a warning, so one broken plugin does not hide the others.
    """
    hits: list[_Hit] = []
    for source in sources:
        try:
            found = source.lookup(project)
        except AccordError:
            raise
        except Exception as exc:
            warnings.warn(
                f"distro source {source.name!r} failed: {exc!r}", stacklevel=2
            )
            continue
        hits.extend(_Hit(package, 0) for package in found)
    return _best(hits)
