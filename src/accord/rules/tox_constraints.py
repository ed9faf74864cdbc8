"""C017: tox environments install the project's requirements under the pins.

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
every environment that installs it that way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from accord.findings import Finding
from accord.model.tox_config import (
    Part,
    Section,
    ToxConfig,
    parse_tox_ini,
    parse_tox_toml,
)
from accord.project import Project

RULE = "C017"
_REQUIREMENT = re.compile(r"(?:^|\s)(?:-r|--requirement)(?:=|\s*)(?P<file>\S+)")
_CONSTRAINT = re.compile(r"(?:^|\s)(?:-c|--constraint)(?:=|\s*)\S")
_CONSTRAINT_ENV = re.compile(r"\b(?:PIP|UV)_CONSTRAINTS?\s*=\s*\S")
_MAX_DEPTH = 10  # references deeper than this are a cycle, or absurd


def tox_configs(project: Project) -> Iterator[ToxConfig]:
    texts = dict(project.texts)
    if "tox.ini" in texts:
        yield parse_tox_ini(texts["tox.ini"], "tox.ini")
    pyproject = texts.get("pyproject.toml")
    if pyproject is not None and "tool.tox" in pyproject:
        config = parse_tox_toml(pyproject, "pyproject.toml", ("tool", "tox"))
        if config is not None:
            yield config
    if "tox.toml" in texts:
        config = parse_tox_toml(texts["tox.toml"], "tox.toml")
        if config is not None:
            yield config


def check_tox_constraints(project: Project) -> Iterator[Finding]:
    for config in tox_configs(project):
        yield from check_config(config)


def check_config(config: ToxConfig) -> Iterator[Finding]:
    unconstrained: dict[tuple[int, str], list[str]] = {}
    for env in config.sections:
        if not env.is_env:
            continue
        deps = _value(config, env, "deps")
        requirement = next(
            (
                (part.line, match["file"])
                for part in deps
                for match in [_REQUIREMENT.search(part.text)]
                if match is not None
            ),
            None,
        )
        if requirement is not None and not _constrained(config, env, deps):
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


def _constrained(config: ToxConfig, env: Section, deps: list[Part]) -> bool:
    if any(_CONSTRAINT.search(part.text) for part in deps):
        return True
    if any(part.text.strip() for part in _value(config, env, "constraints")):
        return True
    if any(
        _CONSTRAINT.search(part.text) for part in _value(config, env, "install_command")
    ):
        return True
    return any(
        _CONSTRAINT_ENV.search(part.text) for part in _value(config, env, "set_env")
    )


def _value(config: ToxConfig, env: Section, key: str, depth: int = 0) -> list[Part]:
    """The parts of ``key`` as ``env`` sees it: its own, else its base's, with
    references expanded."""
    if depth > _MAX_DEPTH:
        return []
    value = env.get(key)
    if value is None:
        base = None if env.parent is None else config.section(env.parent)
        return [] if base is None else _value(config, base, key, depth + 1)
    parts: list[Part] = []
    for part in value.parts:
        if part.ref is None:
            parts.append(part)
            continue
        section = config.section(part.ref[0])
        if section is not None:
            parts.extend(_value(config, section, part.ref[1], depth + 1))
    return parts
