"""How long the distro criterion takes to read a large apt list and RPM repodata.

Run as ``PYTHONPATH=src python benchmarks/distro_lists.py``.  It writes, in a
temporary directory, a ``Packages`` list of 60,000 stanzas shaped like
Debian's (fifteen fields, a multi-line description, one in ten a
``python3-*`` package) and an RPM ``primary.xml.gz`` of 25,000 packages, then
times a cold lookup (decompress, parse, build the index) against a warm one
(the parsed index from ``~/.cache/accord/distro``, here a temporary cache).
"""

from __future__ import annotations

import gzip
import sys
import tempfile
import time
from pathlib import Path

STANZAS = 60_000
RPMS = 25_000


def packages_list(count: int = STANZAS) -> bytes:
    """A Debian ``Packages`` list with ``count`` realistic stanzas."""
    out: list[str] = []
    for i in range(count):
        python = i % 10 == 0
        name = f"python3-lib{i}" if python else f"lib{i}-tools"
        source = f"python-lib{i}" if python else f"lib{i}"
        out.append(
            f"Package: {name}\n"
            f"Source: {source} (1.{i % 7}.{i % 13}-{i % 3 + 1})\n"
            f"Version: 1.{i % 7}.{i % 13}-{i % 3 + 1}+b1\n"
            "Installed-Size: 1234\n"
            "Maintainer: Debian Python Team <team+python@tracker.debian.org>\n"
            "Architecture: amd64\n"
            f"Depends: libc6 (>= 2.34), python3 (<< 3.12), python3 (>= 3.11~), "
            f"lib{i + 1}-tools (>= 0.{i % 9})\n"
            + (f"Provides: python3-alias{i}\n" if python and i % 30 == 0 else "")
            + f"Description: library number {i} for testing accord's parser\n"
            " This is the long description of the package. It goes on for\n"
            " a few lines, as Debian's descriptions do.\n"
            " .\n"
            " A second paragraph, after the dot line.\n"
            "Multi-Arch: same\n"
            "Homepage: https://example.org/lib\n"
            "Description-md5: 0123456789abcdef0123456789abcdef\n"
            "Tag: devel::library, implemented-in::python\n"
            "Section: python\n"
            "Priority: optional\n"
            f"Filename: pool/main/l/lib{i}/{name}_1.0-1_amd64.deb\n"
            "Size: 45678\n"
            "MD5sum: 0123456789abcdef0123456789abcdef\n"
            "SHA256: " + "ab" * 32 + "\n\n"
        )
    return "".join(out).encode()


def timed(label: str, run: object) -> float:
    start = time.perf_counter()
    result = run()  # type: ignore[operator]
    elapsed = time.perf_counter() - start
    print(f"{label:<44} {elapsed * 1000:9.1f} ms   {result!r:.60}")
    return elapsed


def main() -> int:
    from accord.distro import DebianIndex

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        lists = root / "deb.debian.org_debian_dists_trixie_main_binary-amd64_Packages"
        lists.write_bytes(packages_list())
        size = lists.stat().st_size
        print(f"Packages: {STANZAS} stanzas, {size / 1e6:.1f} MB")
        cache = root / "cache"
        cold = timed(
            "cold: parse and build the index",
            lambda: DebianIndex([lists], cache_dir=cache).lookup("lib10"),
        )
        warm = timed(
            "warm: the parsed index from the cache",
            lambda: DebianIndex([lists], cache_dir=cache).lookup("lib10"),
        )
        print(f"warm/cold: {warm / cold:.3f}")
        try:
            from accord.distro import RpmRepo
        except ImportError:
            return 0
        repo = root / "fedora"
        (repo / "repodata").mkdir(parents=True)
        write_repodata(repo, RPMS)
        rcache = root / "rcache"
        cold = timed(
            f"rpm cold: {RPMS} packages, parse",
            lambda: RpmRepo("fedora-41", str(repo), cache_dir=rcache).lookup("lib10"),
        )
        warm = timed(
            "rpm warm: from the cache",
            lambda: RpmRepo("fedora-41", str(repo), cache_dir=rcache).lookup("lib10"),
        )
        print(f"warm/cold: {warm / cold:.3f}")
    return 0


def write_repodata(repo: Path, count: int) -> None:
    rows = []
    for i in range(count):
        name = f"python3-lib{i}" if i % 10 == 0 else f"lib{i}-tools"
        rows.append(
            f'<package type="rpm"><name>{name}</name><arch>noarch</arch>'
            f'<version epoch="0" ver="1.{i % 7}" rel="{i % 3 + 1}.fc41"/>'
            '<checksum type="sha256" pkgid="YES">' + "ab" * 32 + "</checksum>"
            f"<summary>library {i}</summary><description>A long description "
            "of the package, a few sentences long.</description>"
            "<packager>Fedora Project</packager><url>https://example.org</url>"
            '<time file="1" build="1"/><size package="1" installed="1" archive="1"/>'
            f'<location href="Packages/l/{name}.rpm"/><format>'
            "<rpm:license>MIT</rpm:license><rpm:group>Unspecified</rpm:group>"
            f"<rpm:sourcerpm>{name}-1.0-1.src.rpm</rpm:sourcerpm>"
            '<rpm:provides><rpm:entry name="' + name + '" flags="EQ" epoch="0" '
            'ver="1.0" rel="1"/>'
            + (
                f'<rpm:entry name="python3dist(lib{i})" flags="EQ" epoch="0" '
                'ver="1.0"/>'
                if i % 10 == 0
                else ""
            )
            + '</rpm:provides><rpm:requires><rpm:entry name="python(abi)" '
            'flags="EQ" ver="3.13"/></rpm:requires></format></package>'
        )
    primary = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<metadata xmlns="http://linux.'
        'duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm"'
        f' packages="{count}">' + "\n".join(rows) + "</metadata>\n"
    )
    (repo / "repodata" / "primary.xml.gz").write_bytes(gzip.compress(primary.encode()))
    (repo / "repodata" / "repomd.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<repomd xmlns="http://linux.duke.'
        'edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">'
        '<revision>1</revision><data type="primary"><location '
        'href="repodata/primary.xml.gz"/></data></repomd>\n'
    )


if __name__ == "__main__":
    sys.exit(main())
