"""Render who-uses's answer: light to import, as a run answered from
who-uses's cache imports little else."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from accord.masking import mask_credentials

TYPE_CHECKING = False  # typing's, without importing typing (~12 M instructions)
if TYPE_CHECKING:
    from accord.usage_cache import Use

JSON_SCHEMA_VERSION = 1


def shown(path: Path, here: Path | None = None) -> str:
    """``path`` as it opens from the current directory ``here`` (``path:line``
    in an editor or terminal): relative when it is below here, else absolute."""
    if not path.is_absolute():
        return str(path)
    try:
        return str(path.relative_to(Path.cwd() if here is None else here))
    except ValueError:
        return str(path)


def render_users(
    name: str,
    uses: Sequence[Use],
    problems: Sequence[str],
    output_format: str,
    roots: Mapping[str, Path] | None = None,
) -> str:
    """Every use of ``name``; ``roots`` (project -> directory) lets the lines
    show paths that open from the current directory."""
    if output_format == "json":
        import json

        return mask_credentials(
            json.dumps(
                {
                    "schema": JSON_SCHEMA_VERSION,
                    "command": "who-uses",
                    "name": name,
                    "uses": [
                        {
                            "project": u.project,
                            "path": u.path,
                            "line": u.line,
                            "source": u.source,
                            "requirement": u.requirement,
                        }
                        for u in uses
                    ],
                    "unreadable": list(problems),
                },
                indent=2,
            )
        )
    roots = roots or {}
    here = Path.cwd()  # once, not once per use
    lines = [
        f"{_use_path(u, roots, here)}:{u.line}: {u.requirement}  ({u.source})"
        for u in uses
    ]
    lines.extend(f"not read: {problem}" for problem in problems)
    projects = len({u.project for u in uses})
    lines.append(f"{name}: used {len(uses)} time(s) by {projects} project(s)")
    return mask_credentials("\n".join(lines))


def _use_path(use: Use, roots: Mapping[str, Path], here: Path) -> str:
    root = roots.get(use.project)
    if root is None:
        return f"{use.project}/{use.path}"
    return shown(root / use.path, here)
