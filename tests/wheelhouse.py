"""Build tiny wheels and sdists for offline resolver tests."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import zipfile
from collections.abc import Sequence
from pathlib import Path


def make_wheel(
    directory: Path,
    name: str,
    version: str,
    requires: Sequence[str] = (),
    requires_python: str | None = None,
    headers: Sequence[str] = (),
    code: str = "",
) -> Path:
    """A pure-Python wheel with just enough metadata for a resolver, and
    any further METADATA ``headers`` (``"License: MIT"``); ``code`` is its
    ``__init__.py``."""
    stem = f"{name.replace('-', '_')}-{version}"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    metadata += "".join(f"{header}\n" for header in headers)
    if requires_python:
        metadata += f"Requires-Python: {requires_python}\n"
    metadata += "".join(f"Requires-Dist: {r}\n" for r in requires)
    files = {
        f"{name.replace('-', '_')}/__init__.py": code,
        f"{stem}.dist-info/METADATA": metadata,
        f"{stem}.dist-info/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: accord-tests\n"
            "Root-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    record = "".join(
        f"{path},sha256={_digest(text)},{len(text)}\n" for path, text in files.items()
    )
    files[f"{stem}.dist-info/RECORD"] = record + f"{stem}.dist-info/RECORD,,\n"
    path = directory / f"{stem}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for member, text in files.items():
            archive.writestr(member, text)
    return path


def make_failing_sdist(directory: Path, name: str, version: str) -> Path:
    """An sdist whose metadata needs a build, and whose build fails."""
    stem = f"{name.replace('-', '_')}-{version}"
    files = {
        f"{stem}/PKG-INFO": (
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        ),
        f"{stem}/setup.py": (
            "raise SystemExit('error: libvirt.h: No such file or directory')\n"
        ),
        f"{stem}/pyproject.toml": (
            '[build-system]\nrequires = []\nbuild-backend = "setuptools.build_meta"\n'
        ),
    }
    path = directory / f"{stem}.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for member, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(member)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def canary_files(name: str, version: str, canary: Path) -> dict[str, str]:
    """A source tree whose build backend writes ``canary`` as it is imported.

    The backend is in the tree (``backend-path``) and needs nothing installed,
    so any attempt to build or read metadata by running code leaves the file.
    """
    module = name.replace("-", "_")
    return {
        "PKG-INFO": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        "pyproject.toml": (
            "[build-system]\nrequires = []\n"
            'build-backend = "canary_backend"\nbackend-path = ["."]\n'
        ),
        "canary_backend.py": (
            "import pathlib\n"
            f"pathlib.Path({str(canary)!r}).write_text('ran')\n"
            "def get_requires_for_build_wheel(config_settings=None):\n"
            "    return []\n"
        ),
        "setup.py": (
            f"import pathlib\npathlib.Path({str(canary)!r}).write_text('ran')\n"
        ),
        f"{module}/__init__.py": "",
    }


def make_canary_tree(directory: Path, name: str, version: str, canary: Path) -> Path:
    """A project directory that writes ``canary`` if any of its code runs."""
    root = directory / f"{name}-{version}"
    for member, text in canary_files(name, version, canary).items():
        (root / member).parent.mkdir(parents=True, exist_ok=True)
        (root / member).write_text(text)
    return root


def make_canary_sdist(directory: Path, name: str, version: str, canary: Path) -> Path:
    """An sdist (no wheel) that writes ``canary`` if any of its code runs."""
    stem = f"{name.replace('-', '_')}-{version}"
    path = directory / f"{stem}.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for member, text in canary_files(name, version, canary).items():
            data = text.encode()
            info = tarfile.TarInfo(f"{stem}/{member}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def _digest(text: str) -> str:
    digest = hashlib.sha256(text.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
