"""A small world for the release tests, made with real git in tmp_path.

``org/acmelib`` is a library with a main branch and a stable branch; its
build backend is a file in the tree (``backend-path``), so building it needs
no package index. A releases repo asks for its releases.
"""

from __future__ import annotations

import subprocess
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

IDENTITY = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.org",
}

BACKEND = """
import base64, hashlib, io, os, re, tarfile, zipfile


def _meta():
    text = open("pyproject.toml").read()
    name = re.search(r'^name = "(.*)"', text, re.M).group(1)
    version = re.search(r'^version = "(.*)"', text, re.M).group(1)
    return name, version


def _metadata(name, version):
    return f"Metadata-Version: 2.1\\nName: {name}\\nVersion: {version}\\n".encode()


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_sdist(sdist_directory, config_settings=None):
    name, version = _meta()
    base = f"{name}-{version}"
    with tarfile.open(os.path.join(sdist_directory, base + ".tar.gz"), "w:gz") as tar:
        for path in sorted(os.listdir(".")):
            if path.endswith((".py", ".toml", ".txt")):
                tar.add(path, arcname=f"{base}/{path}")
        data = _metadata(name, version)
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return base + ".tar.gz"


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    name, version = _meta()
    dist = f"{name}-{version}.dist-info"
    files = {
        "acmelib.py": open("acmelib.py", "rb").read(),
        f"{dist}/METADATA": _metadata(name, version),
        f"{dist}/WHEEL": b"Wheel-Version: 1.0\\nGenerator: t\\n"
        b"Root-Is-Purelib: true\\nTag: py3-none-any\\n",
    }
    def digest(data):
        raw = hashlib.sha256(data).digest()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    record = "".join(f"{p},sha256={digest(d)},{len(d)}\\n" for p, d in files.items())
    files[f"{dist}/RECORD"] = (record + f"{dist}/RECORD,,\\n").encode()
    wheel = f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel), "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    return wheel
"""


def git(cwd: Path, *args: str) -> str:
    import os

    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **IDENTITY},
    ).stdout.strip()


def pyproject(version: str, dependencies: tuple[str, ...]) -> str:
    listed = "".join(f'    "{d}",\n' for d in dependencies)
    return (
        '[project]\nname = "acmelib"\n'
        f'version = "{version}"\n'
        f"dependencies = [\n{listed}]\n\n"
        '[build-system]\nrequires = []\nbuild-backend = "backend"\n'
        'backend-path = ["."]\n'
    )


def commit_library(
    repo: Path, version: str, deps: tuple[str, ...], message: str, **files: str
) -> str:
    (repo / "pyproject.toml").write_text(pyproject(version, deps))
    for name, text in files.items():
        (repo / name).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


@dataclass
class World:
    base: Path  # --git-base
    lib: Path
    releases: Path
    commits: dict[str, str] = field(default_factory=dict)

    def deliverable(self, series: str = "2026.1") -> Path:
        return self.releases / "deliverables" / series / "acmelib.yaml"

    def request(self, series: str, *entries: tuple[str, str], extra: str = "") -> Path:
        """Append entries (version, commit name) to a series' file."""
        path = self.deliverable(series)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(HEADER + "releases:\n")
        text = path.read_text()
        head, sep, tail = text.partition("branches:\n")
        for version, name in entries:
            head += release_entry(version, self.commits.get(name, name))
        path.write_text(head + sep + tail + extra)
        return path

    def commit_releases(self, message: str = "requests") -> str:
        git(self.releases, "add", "-A")
        git(self.releases, "commit", "-q", "-m", message)
        return git(self.releases, "rev-parse", "HEAD")


HEADER = textwrap.dedent(
    """\
    ---
    launchpad: acmelib
    release-model: cycle-with-intermediary
    team: acme
    type: library
    repository-settings:
      org/acmelib: {}
    """
)


def release_entry(version: str, sha: str) -> str:
    return (
        f"  - version: {version}\n"
        "    projects:\n"
        "      - repo: org/acmelib\n"
        f"        hash: {sha}\n"
    )


def make_world(tmp_path: Path) -> World:
    """acmelib: 1.0.0 (c0), 1.1.0 (c1) on main, stable/2026.1 from c1 with
    a fix (s1) and a fix that adds a requirement (s2); main goes on (c2).
    The releases repo has 1.0.0 and 1.1.0 in 2026.1, and the branch."""
    base = tmp_path / "git"
    lib = base / "org" / "acmelib"
    lib.mkdir(parents=True)
    git(lib, "init", "-q", "-b", "main")
    deps = ("packaging>=20",)
    extra = {"backend.py": BACKEND, "acmelib.py": "VALUE = 1\n"}
    world = World(base, lib, tmp_path / "releases")
    world.commits["c0"] = commit_library(lib, "1.0.0", deps, "first", **extra)
    world.commits["c1"] = commit_library(
        lib, "1.1.0", deps, "feature", **{"acmelib.py": "VALUE = 2\n"}
    )
    git(lib, "branch", "stable/2026.1")
    world.commits["c2"] = commit_library(
        lib, "2.0.0", deps, "major", **{"acmelib.py": "VALUE = 3\n"}
    )
    git(lib, "checkout", "-q", "stable/2026.1")
    world.commits["s1"] = commit_library(
        lib, "1.1.1", deps, "fix", **{"acmelib.py": "VALUE = 21\n"}
    )
    world.commits["s2"] = commit_library(
        lib, "1.1.2", (*deps, "rich>=13"), "fix with a new requirement"
    )
    world.commits["s3"] = commit_library(
        lib, "1.1.2", ("packaging>=24",), "fix raising a minimum"
    )
    git(lib, "checkout", "-q", "main")
    world.releases.mkdir()
    git(world.releases, "init", "-q", "-b", "main")
    world.request("2026.1", ("1.0.0", "c0"), ("1.1.0", "c1"))
    path = world.deliverable()
    path.write_text(
        path.read_text() + "branches:\n  - name: stable/2026.1\n    location: 1.1.0\n"
    )
    world.commit_releases("2026.1 so far")
    return world
