"""Debian and Ubuntu: apt ``Packages`` and ``Sources`` lists, read with python-debian.

``DebianIndex`` reads the lists (deb822 paragraphs, parsed by
``debian.deb822``; compressed as ``accord.distro._read`` allows) once, on the
first lookup, and keeps the parsed index in the cache.  ``debian_lists`` finds
the lists apt keeps on this machine.

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

Only each distro's highest version is reported (see ``model.best``).
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING

from packaging.utils import canonicalize_name

from accord.distro._read import open_compressed
from accord.distro.cache import Index, cached_index, file_stamp
from accord.distro.model import DistroPackage, Hit, Kind, best, project_keys
from accord.distro.versions import upstream_version
from accord.errors import InputError

if TYPE_CHECKING:
    from debian import deb822

__all__ = ["APT_LISTS", "DebianIndex", "debian_lists", "distro_name_from_list"]

_LIST_NAME = re.compile(r"(?:^|_)(Packages|Sources)(?:\.[A-Za-z0-9]+)?$")
# Only these fields are kept of each paragraph: python-debian then skips the
# rest (descriptions, checksums) instead of building strings of them.  The
# plain Deb822 class, not Packages/Sources: those parse every relation field
# (Depends, Build-Depends) as each paragraph is built, which doubles the time
# of a 60,000-paragraph list (benchmarks/distro_lists.py) for fields never read.
_FIELDS = ["Package", "Version", "Source", "Provides", "Binary"]
_HINT = "run apt-get update?"


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


def _paragraph_hits(
    fields: deb822.Deb822, distro: str, *, sources: bool
) -> Iterator[tuple[str, Hit]]:
    """The index keys one paragraph is found under, each with its match rank."""
    name, version = fields.get("Package", ""), fields.get("Version", "")
    if not name or not version:
        return
    kind: Kind = "source" if sources else "binary"
    package = DistroPackage(distro, name, version, upstream_version(version), kind)
    if sources:
        binary = fields.get("Binary")
        if (
            name.lower().startswith("python-")
            or binary is None
            or any(_python3_key(b) for b in _names(binary))
        ):
            for key in _source_keys(name):
                yield key, Hit(package, 2)
        return
    direct = _python3_key(name)
    if direct is not None:
        yield direct, Hit(package, 0)
        # Source: counts for python3-* packages only, not for the docs or the
        # C library built from the same source.
        for source in _names(fields.get("Source", name))[:1]:
            for key in _source_keys(source):
                yield key, Hit(package, 2)
    for key in filter(None, map(_python3_key, _names(fields.get("Provides", "")))):
        yield key, Hit(package, 1)


def read_list(path: Path, distro: str, index: Index) -> None:
    """Add the matches of one ``Packages`` or ``Sources`` list to ``index``.

    python-debian is lenient: a line that is no field is passed over, and a
    paragraph without ``Package`` and ``Version`` is skipped; bytes that are
    not UTF-8 are replaced.  A file with text in it
    but not one package paragraph is not an apt list: an InputError.
    """
    from debian import deb822  # only when the lists are read, not from the cache

    match = _LIST_NAME.search(path.name)
    sources = match is not None and match.group(1) == "Sources"
    paragraphs = 0
    with open_compressed(path, "apt list", _HINT) as stream:
        # Decoded here, bad UTF-8 replaced: python-debian would otherwise
        # guess the encoding with charset_normalizer or chardet when one
        # happens to be installed, and raise when none is (or it guesses
        # nothing), so a stray byte would fail the review on one machine only.
        text = io.TextIOWrapper(stream, encoding="utf-8", errors="replace")
        python3 = None if sources else _Python3Paragraphs(text)
        for fields in deb822.Deb822.iter_paragraphs(
            text if python3 is None else python3, fields=_FIELDS, use_apt_pkg=False
        ):
            paragraphs += "Package" in fields
            for key, hit in _paragraph_hits(fields, distro, sources=sources):
                index.setdefault(key, []).append(hit)
        if python3 is not None:
            paragraphs += python3.packages
        if not paragraphs and _read_anything(stream):
            raise InputError(
                "not an apt Packages or Sources list: no 'Package:' paragraph",
                path=str(path),
                hint="is it compressed as its name says?",
            )


class _Python3Paragraphs:
    """The lines of a ``Packages`` list's paragraphs that mention
    ``python3-``: only those can match (see ``_paragraph_hits``), and they
    are a few percent of a distro's 60,000, which python-debian then parses
    instead of all (6.6 s of CPU for Debian bookworm's lists)."""

    _BLOCK = 1 << 20

    def __init__(self, text: IO[str]) -> None:
        self.text = text
        self.packages = 0  # paragraphs passed over that had a Package field

    def __iter__(self) -> Iterator[str]:
        rest = ""
        while block := self.text.read(self._BLOCK):
            whole, _, rest = (rest + block).rpartition("\n\n")
            yield from self._kept(whole)
        yield from self._kept(rest)

    def _kept(self, text: str) -> Iterator[str]:
        for paragraph in text.split("\n\n"):
            if "python3-" in paragraph:
                yield from paragraph.splitlines(keepends=True)
                yield "\n"
            elif paragraph.startswith("Package:") or "\nPackage:" in paragraph:
                self.packages += 1


def _read_anything(stream: IO[bytes]) -> bool:
    """Whether the stream was not empty (its position is past its start)."""
    try:
        return stream.tell() > 0
    except OSError:
        return True


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
        self._index: Mapping[str, list[Hit]] | None = None
        self._lock = threading.Lock()  # reviews look up from many threads

    def lookup(self, project: str) -> list[DistroPackage]:
        with self._lock:
            if self._index is None:
                stamp = ["deb", self._distro, *map(file_stamp, self.paths)]
                self._index = cached_index(stamp, self.cache_dir, self._build)
        hits = {h for key in project_keys(project) for h in self._index.get(key, [])}
        return best(sorted(hits, key=lambda h: (h.rank, h.package.package)))

    def _build(self) -> Index:
        index: Index = {}
        for path in self.paths:
            read_list(path, self._distro or distro_name_from_list(path), index)
        return index


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
