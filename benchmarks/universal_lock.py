"""What ``pins_vs_universal.py --compare-lock`` runs besides accord and uv.

- ``lock``: one ``uv lock`` of a generated project (requires-python from the
  oldest Python, the list as its dependencies, the holds as
  constraint-dependencies, the declared metadata, wheels only), restricted
  to accord's platform with ``[tool.uv] environments`` (``uv pip compile
  --universal`` accepts no restriction: not ``--python-platform``, and
  ``environments`` is refused in a uv.toml);
- ``lock-relay`` and ``uv-relay``: that lock and ``uv pip compile
  --universal`` through accord's relay, started cold in this process (its
  CPU time is reported);
- the lock split per Python (``uv export``, markers evaluated with
  packaging on accord's platform) against accord's own per-Python pins.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from accord.central import CentralRepo, load_central_repo
from accord.model.constraints import parse_constraints
from accord.model.markers import applies_to_python, platform_environments
from accord.resolve.generate import build_requests, excluded_names
from accord.resolve.request import ResolveRequest
from accord.resolve.uv import find_uv
from accord.resolve.uv_static import static_exemptions

PLATFORM_MARKER = (
    "sys_platform == 'linux' and platform_machine == 'x86_64'"
    " and platform_python_implementation == 'CPython'"
)


def oldest_request(repo: Path) -> tuple[CentralRepo, str, ResolveRequest]:
    """``repo``'s central files, its oldest Python and accord's request for
    that Python: what a single resolution for every Python starts from."""
    central = load_central_repo(repo)
    oldest = min(
        central.config.python_versions, key=lambda p: tuple(map(int, p.split(".")))
    )
    holds = central.config.resolution.holds
    return central, oldest, build_requests(central, [oldest], holds)[0]


def lock_project(repo: Path, out: Path) -> None:
    """A pyproject.toml in ``out`` for one platform-restricted ``uv lock``
    of what accord resolves for ``repo``."""
    central, oldest, request = oldest_request(repo)
    settings = central.config.resolution
    exempt, held = static_exemptions(settings.static_metadata)
    lines = [
        "[project]",
        'name = "accord-pins"',
        'version = "0"',
        f"requires-python = {json.dumps('>=' + oldest)}",
        f"dependencies = {json.dumps(list(request.requirements))}",
        "[tool.uv]",
        "package = false",
        f"environments = {json.dumps([PLATFORM_MARKER])}",
        f"constraint-dependencies = {json.dumps([*request.constraints, *held])}",
        "no-build = true",
        f"no-binary-package = {json.dumps(exempt)}",
    ]
    for entry in settings.static_metadata:
        lines += [
            "[[tool.uv.dependency-metadata]]",
            f"name = {json.dumps(entry.name)}",
            f"requires-dist = {json.dumps(list(entry.requires_dist))}",
        ]
        if entry.version is not None:
            lines.append(f"version = {json.dumps(entry.version)}")
    out.mkdir(parents=True, exist_ok=True)
    (out / "pyproject.toml").write_text("\n".join(lines) + "\n")


def lock_command(project: Path) -> list[str]:
    return [
        find_uv(), "lock", "--project", str(project),
        "--no-python-downloads", "--quiet",
    ]  # fmt: skip


@contextmanager
def relayed(
    env: dict[str, str],
    pythons: list[str],
    base: Path,
    ahead: Sequence[str] = (),
) -> Iterator[dict[str, float]]:
    """``env`` pointed at a cold relay of PyPI in this process (fetching
    the pages of ``ahead`` before uv asks); yields a dict that gets the
    relay's CPU seconds once it is closed."""
    from accord.index._http import Fetcher
    from accord.index.relay import Relay

    measured: dict[str, float] = {}
    cpu = time.process_time()
    relay = Relay(
        ["https://pypi.org/simple/"],
        Fetcher(None, timeout=60.0, retries=3),
        pythons,
        key_dir=base / "key",
        page_dir=base / "pages",
        notice=lambda message: None,
    )
    if ahead:
        relay.hold_pages = True
        relay.warm(ahead)
    kept = env.get("NO_PROXY", "")
    env.update(relay.uv_environment())
    env["NO_PROXY"] = env["no_proxy"] = ",".join(filter(None, [kept, "127.0.0.1"]))
    try:
        yield measured
    finally:
        relay.close()
        measured["cpu"] = time.process_time() - cpu


def split_lock(project: Path, pythons: list[str]) -> dict[str, dict[str, str]]:
    """The locked pins each Python installs on accord's platform."""
    exported = subprocess.run(
        [find_uv(), "export", "--project", str(project), "--frozen",
         "--no-hashes", "--no-header", "--no-annotate", "--quiet"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    split: dict[str, dict[str, str]] = {python: {} for python in pythons}
    for line in exported.splitlines():
        if not line.strip() or line.startswith(("#", "-")):
            continue
        requirement = Requirement(line)
        version = str(requirement.specifier).removeprefix("==")
        for python in pythons:
            if any(
                requirement.marker is None or Marker.evaluate(requirement.marker, env)
                for env in platform_environments([python], "linux")
                if env["implementation_name"] == "cpython"
            ):
                split[python][canonicalize_name(requirement.name)] = version
    return split


def accord_pins(path: Path, pythons: list[str]) -> dict[str, dict[str, str]]:
    pins = parse_constraints(path.read_text(), path.name).pins
    return {
        python: {
            p.name: str(p.version) for p in pins if applies_to_python(p.marker, python)
        }
        for python in pythons
    }


def compare(
    split: dict[str, dict[str, str]], accord: dict[str, dict[str, str]], repo: Path
) -> list[str]:
    """One line per name and Python where the split and accord differ (the
    names accord never pins, e.g. the denylist's, left out)."""
    excluded = excluded_names(load_central_repo(repo))
    lines = []
    for python, left in split.items():
        right = accord[python]
        for name in sorted((set(left) | set(right)) - excluded):
            if left.get(name) != right.get(name):
                lines.append(
                    f"  {python} {name}: lock {left.get(name, '-')}, "
                    f"accord {right.get(name, '-')}"
                )
    return lines
