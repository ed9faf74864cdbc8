"""Load a requirements repo's central files into model values."""

# Annotations are evaluated here, not postponed: see accord.findings.
import contextlib
from pathlib import Path
from typing import NamedTuple

from accord._decode import decode
from accord.config import CONFIG_FILE, DEFAULT_CONFIG, Config, parse_config
from accord.errors import InputError
from accord.files import inside, read_text
from accord.model.constraints import Constraints, parse_constraints
from accord.model.global_list import GlobalList, parse_global_list
from accord.model.name_lists import (
    NameList,
    ProjectList,
    parse_name_list,
    parse_project_list,
)

GLOBAL_REQUIREMENTS = "global-requirements.txt"
UPPER_CONSTRAINTS = "upper-constraints.txt"
DENYLISTS = ("denylist.txt", "blacklist.txt")  # the second is the old name
PROJECTS = "projects.txt"
BACKPORTS = "backports.txt"
# The central files in pip's requirements format (pip reads them with -r/-c).
PIP_FILES = frozenset({GLOBAL_REQUIREMENTS, UPPER_CONSTRAINTS})


class CentralRepo(NamedTuple):
    """Everything in a requirements repo; optional files are ``None`` if absent."""

    root: Path
    config: Config
    global_list: GlobalList
    constraints: Constraints | None
    denylist: NameList | None
    projects: ProjectList | None
    backports: NameList | None
    commit: str | None = None  # read from this git commit, not the work tree
    # blacklist.txt beside denylist.txt (its new name): not read (validate
    # reports it); looked for in the work tree only.
    unread_denylist: NameList | None = None


def load_central_repo(root: Path, commit: str | None = None) -> CentralRepo:
    """Read the central files from ``root``, or from git at ``commit``."""
    if not root.exists():
        raise InputError(
            "requirements repo does not exist",
            path=str(root),
            hint="pass --requirements DIR",
        )
    if not root.is_dir():
        raise InputError("requirements repo is not a directory", path=str(root))
    if commit is None and not (root / GLOBAL_REQUIREMENTS).exists():
        raise InputError(
            f"no {GLOBAL_REQUIREMENTS} here, so this is not a requirements repo",
            path=str(root),
            hint="pass --requirements DIR",
        )

    resolved = None  # root.resolve(), once for every file read
    if commit is None:
        with contextlib.suppress(OSError, RuntimeError):  # inside() says why
            resolved = root.resolve()

    def optional(name: str) -> str | None:
        # pip reads the pins (-c) and requirements files past a byte-order
        # mark (UTF-8, UTF-16 or UTF-32): so does accord, keeping it.
        bom = name in PIP_FILES
        if commit is not None:
            from accord.vcs.git import read_at  # only for a Depends-On commit

            data = read_at(root, commit, name)
            where = f"{name}@{commit[:12]}"
            return None if data is None else decode(data, where, bom=bom)
        path = root / name
        if not path.exists() and not path.is_symlink():
            return None
        return read_text(inside(root, name, resolved_root=resolved), name, bom=bom)

    global_text = optional(GLOBAL_REQUIREMENTS)
    if global_text is None:
        raise InputError(f"no {GLOBAL_REQUIREMENTS} at commit {commit}", path=str(root))

    config_text = optional(CONFIG_FILE)
    config = DEFAULT_CONFIG if config_text is None else parse_config(config_text)
    global_list = parse_global_list(global_text, GLOBAL_REQUIREMENTS)
    constraints_text = optional(UPPER_CONSTRAINTS)
    denylist = unread_denylist = None
    for name in DENYLISTS:
        text = optional(name)
        if text is not None:
            denylist = parse_name_list(text, name)
            break
    if denylist is not None and denylist.path == DENYLISTS[0] and commit is None:
        old_text = optional(DENYLISTS[1])
        if old_text is not None:
            unread_denylist = parse_name_list(old_text, DENYLISTS[1])
    projects_text = optional(PROJECTS)
    backports_text = optional(BACKPORTS)
    return CentralRepo(
        root=root,
        config=config,
        global_list=global_list,
        constraints=None
        if constraints_text is None
        else parse_constraints(constraints_text, UPPER_CONSTRAINTS),
        denylist=denylist,
        projects=None
        if projects_text is None
        else parse_project_list(projects_text, PROJECTS),
        backports=None
        if backports_text is None
        else parse_name_list(backports_text, BACKPORTS),
        commit=commit,
        unread_denylist=unread_denylist,
    )
