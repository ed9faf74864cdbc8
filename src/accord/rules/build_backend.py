"""The opt-in build-system rule: every project builds with one backend.

OpenStack's gate on master wants each project's ``pyproject.toml`` to name
pbr's PEP 517 backend and to declare its metadata in a ``[project]`` table.
With ``required-build-backend = "pbr.build"`` in accord.toml, check says so:

- C015: no ``pyproject.toml``, or its ``[build-system] build-backend`` is
  missing or another one;
- C016: no ``[project]`` table.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from accord.findings import Finding
from accord.project import Project

PYPROJECT = "pyproject.toml"


def check_build_backend(project: Project, required: str | None) -> Iterator[Finding]:
    """C015 and C016 for ``project``; nothing when no backend is required."""
    if required is None:
        return
    text = dict(project.texts).get(PYPROJECT)
    fix = f'add [build-system] build-backend = "{required}" to {PYPROJECT}'
    if text is None:
        yield Finding(
            "C015",
            "error",
            PYPROJECT,
            None,
            f"there is no {PYPROJECT}, and accord.toml requires build-backend "
            f"{required!r}",
            f"{fix}, with a [project] table",
        )
        return
    # Imported here: with the rule off (the default) a check never pays for
    # a TOML parser it does not otherwise need.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib

    from accord.model._toml_lines import Locator

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return  # reported as unreadable when the project was loaded
    where = Locator(text)
    where.run()
    build = data.get("build-system")
    backend = build.get("build-backend") if isinstance(build, dict) else None
    if backend != required:
        line = where.keys.get(("build-system", "build-backend"))
        if line is None:
            line = where.keys.get(("build-system",))
        found = "none" if backend is None else repr(backend)
        if backend is not None:  # the line is there: it is what must change
            fix = (
                f'set [build-system] build-backend = "{required}" (instead of {found})'
            )
        yield Finding(
            "C015",
            "error",
            PYPROJECT,
            line,
            f"the build backend is {found}, and accord.toml requires {required!r}",
            fix,
        )
    if not isinstance(data.get("project"), dict):
        yield Finding(
            "C016",
            "error",
            PYPROJECT,
            None,
            f"there is no [project] table; building with {required!r} needs "
            "the metadata there",
            "add [project] with name, requires-python and dynamic fields",
        )
