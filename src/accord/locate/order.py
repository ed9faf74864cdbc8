"""Where the requirements repo is, when a command needs it.

In order, the first that names one wins:

1. ``--requirements REPO`` (or ``validate REPO``);
2. the environment variable ``ACCORD_REQUIREMENTS``;
3. ``[tool.accord] requirements`` in the project's ``pyproject.toml``
   (PROJECT for the commands that take one, else the current directory),
   a relative path being relative to that file;
4. an upward search for a directory holding ``global-requirements.txt``:
   the current directory first (accord's default before discovery), then
   the project and its parents, then the current directory's parents.

A choice made by 1-3 is final: a wrong path there is an error, not a reason
to look further. When nothing is found, the error says what each step gave.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from accord.errors import InputError

ENVIRONMENT = "ACCORD_REQUIREMENTS"
OPTION = "--requirements"
PYPROJECT_KEY = "[tool.accord] requirements"
MARKER = "global-requirements.txt"


@dataclass(frozen=True, slots=True)
class Choice:
    """The requirements repo as written, where it was written, and relative
    to what (``None``: as given, relative to the current directory)."""

    spec: str
    source: str
    base: Path | None = None


class NotFound(InputError):
    """No step of the discovery order named a requirements repo."""

    def __init__(self, tried: tuple[tuple[str, str], ...]) -> None:
        self.tried = tried
        steps = "; ".join(f"{source}: {result}" for source, result in tried)
        super().__init__(
            f"no requirements repo found ({steps})",
            hint=f"pass {OPTION} REPO or set {ENVIRONMENT}",
        )


def choose(
    given: str | None, project: Path | None, environ: Mapping[str, str]
) -> Choice:
    """The first step of the discovery order that names a requirements repo."""
    if given:
        return Choice(given, OPTION)
    tried = [(OPTION, "not given")]
    from_environment = environ.get(ENVIRONMENT, "")
    if from_environment:
        return Choice(from_environment, ENVIRONMENT)
    tried.append((ENVIRONMENT, "empty" if ENVIRONMENT in environ else "not set"))
    home = project if project is not None else Path()
    value, said = _from_pyproject(home / "pyproject.toml")
    if value is not None:
        return Choice(value, f"{PYPROJECT_KEY} in {home / 'pyproject.toml'}", home)
    tried.append((PYPROJECT_KEY, said))
    for candidate in _upward(project):
        if (candidate / MARKER).is_file():
            return Choice(str(candidate), "upward search")
    start = "the current directory" if project is None else f"{project}"
    tried.append(
        (
            "upward search",
            f"no {MARKER} in {start} or any directory above it"
            + ("" if project is None else " nor in or above the current directory"),
        )
    )
    raise NotFound(tuple(tried))


def _upward(project: Path | None) -> Iterator[Path]:
    """The current directory, the project and its parents, then the current
    directory's parents; each once."""
    seen: set[Path] = set()
    here = Path.cwd()
    chain = [(Path(), here)]
    if project is not None:
        absolute = here / project
        chain += [(path, path) for path in (absolute, *absolute.parents)]
    chain += [(path, path) for path in here.parents]
    for shown, real in chain:
        try:
            key = real.resolve()
        except OSError:
            continue
        if key not in seen:
            seen.add(key)
            yield shown


def _from_pyproject(path: Path) -> tuple[str | None, str]:
    """``[tool.accord] requirements`` of ``path``, or None and why not."""
    from accord.files import read_text

    if not path.is_file():
        return None, f"no {path}"
    text = read_text(path, str(path))
    if "tool" not in text or "accord" not in text:
        return None, f"not set in {path}"  # the common case, without a parse
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"not valid TOML: {error}", path=str(path)) from None
    from accord._config_reader import key_path_line, tool_accord

    value = tool_accord(data, text, str(path)).get("requirements")
    if value is None:
        return None, f"not set in {path}"
    if not isinstance(value, str) or not value.strip():
        raise InputError(
            f"{PYPROJECT_KEY} must be a path or a git URL (a non-empty string)",
            path=str(path),
            line=key_path_line(text, ("tool", "accord", "requirements")),
        )
    return value.strip(), ""
