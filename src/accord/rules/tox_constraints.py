"""C019: tox environments install the project's requirements under the pins.

The contract only holds if CI installs with the tested pins: OpenStack's
``deps = -c{env:TOX_CONSTRAINTS_FILE:https://releases.openstack.org/...}
-r{toxinidir}/requirements.txt``. An environment whose ``deps`` pull in a
requirements file (``-r``) must also be constrained, by any of:

- a ``-c``/``--constraint`` in its ``deps`` (any file: a lower-constraints
  environment pins on purpose);
- tox 4's ``constraints`` setting;
- an ``install_command`` with ``-c`` (tox installs ``deps`` with it);
- ``PIP_CONSTRAINT``/``UV_CONSTRAINT`` in its ``set_env``.

An environment inherits what it does not set from its base (``[testenv]``,
``env_run_base``), and ``{[section]key}`` references are followed. One
warning per unconstrained ``deps``, at the line of its first ``-r``, naming
every environment that installs it that way. A ``noxfile.py`` is read as a
syntax tree, never run: see :mod:`accord.rules.nox_constraints`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from accord.findings import Finding

if TYPE_CHECKING:  # the parser is imported when a project has a tox file
    from accord.model.tox_config import Part, Section, ToxConfig
    from accord.project import Project

RULE = "C019"
# Compiled by re when first used: only a project with a tox file needs them.
_REQUIREMENT = r"(?:^|\s)(?:-r|--requirement)(?:=|\s*)(?P<file>\S+)"
_CONSTRAINT = r"(?:^|\s)(?:-c|--constraint)(?:=|\s*)\S"
_CONSTRAINT_ENV = r"\b(?:PIP|UV)_CONSTRAINTS?\s*=\s*\S"
_MAX_PARTS = 10_000  # a value longer than this is absurd (or built to be)


def tox_configs(project: Project) -> Iterator[ToxConfig]:
    texts = dict(project.texts)
    pyproject = texts.get("pyproject.toml")
    with_tox = pyproject is not None and "tool.tox" in pyproject
    if not (with_tox or "tox.ini" in texts or "tox.toml" in texts):
        return
    from accord.model.tox_config import parse_tox_ini, parse_tox_toml

    if "tox.ini" in texts:
        yield parse_tox_ini(texts["tox.ini"], "tox.ini")
    if pyproject is not None and with_tox:
        config = parse_tox_toml(pyproject, "pyproject.toml", ("tool", "tox"))
        if config is not None:
            yield config
    if "tox.toml" in texts:
        config = parse_tox_toml(texts["tox.toml"], "tox.toml")
        if config is not None:
            yield config


def check_tox_constraints(project: Project) -> Iterator[Finding]:
    """C019 for the project's tox configurations and its noxfile."""
    for config in tox_configs(project):
        yield from check_config(config)
    noxfile = dict(project.texts).get("noxfile.py")
    if noxfile is not None:
        from accord.rules.nox_constraints import check_noxfile

        yield from check_noxfile(noxfile)


def check_config(config: ToxConfig) -> Iterator[Finding]:
    values = _Values(config)
    unconstrained: dict[tuple[int, str], list[str]] = {}
    for env in config.sections:
        if not env.is_env:
            continue
        deps = values.get(env, "deps")
        requirement = next(
            (
                (part.line, match["file"])
                for part in deps
                for match in [re.search(_REQUIREMENT, part.text)]
                if match is not None
            ),
            None,
        )
        if requirement is not None and not _constrained(values, env, deps):
            unconstrained.setdefault(requirement, []).append(env.name)
    for (line, file), names in unconstrained.items():
        envs = ", ".join(f"[{name}]" for name in names)
        which = (
            f"environments {envs} install"
            if names[1:]
            else f"environment {envs} installs"
        )
        yield Finding(
            RULE,
            "warning",
            config.path,
            line,
            f"tox {which} -r {file} without the pins: no -c in deps, no "
            "constraints, install_command -c or PIP_CONSTRAINT",
            "install with the pins: add -c{env:TOX_CONSTRAINTS_FILE:<URL of "
            "upper-constraints.txt>} to deps, before the -r",
        )


def _constrained(values: _Values, env: Section, deps: Sequence[Part]) -> bool:
    if any(re.search(_CONSTRAINT, part.text) for part in deps):
        return True
    if any(part.text.strip() for part in values.get(env, "constraints")):
        return True
    if any(
        re.search(_CONSTRAINT, part.text) for part in values.get(env, "install_command")
    ):
        return True
    return any(
        re.search(_CONSTRAINT_ENV, part.text) for part in values.get(env, "set_env")
    )


class _Values:
    """Settings as an environment sees them: its own, else its base's, with
    references expanded; each computed once, a reference cycle reads as
    empty, and a value stops growing at ``_MAX_PARTS``."""

    def __init__(self, config: ToxConfig) -> None:
        self.sections: dict[str, Section] = {}
        for section in config.sections:
            self.sections.setdefault(section.name, section)
        self.done: dict[tuple[str, str], tuple[Part, ...]] = {}

    def get(self, section: Section, key: str) -> tuple[Part, ...]:
        known = self.done.get((section.name, key))
        if known is not None:
            return known
        self.done[(section.name, key)] = ()  # in progress: a cycle ends here
        found = tuple(self._expand(section, key))
        self.done[(section.name, key)] = found
        return found

    def _expand(self, section: Section, key: str) -> Iterator[Part]:
        value = section.get(key)
        if value is None:
            base = None if section.parent is None else self.sections.get(section.parent)
            if base is not None:
                yield from self.get(base, key)
            return
        count = 0
        for part in value.parts:
            if part.ref is None:
                expanded: Sequence[Part] = (part,)
            else:
                target = self.sections.get(part.ref[0])
                expanded = () if target is None else self.get(target, part.ref[1])
            yield from expanded[: _MAX_PARTS - count]
            count += len(expanded)
            if count >= _MAX_PARTS:
                return
