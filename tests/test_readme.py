"""The README's commands are the ones CI and newcomers run."""

from __future__ import annotations

import re

from .conftest import ROOT


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"```sh\n\s*(.*?)\n\s*```", readme, re.S)
    assert len(commands) >= 2
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert ci == commands[1].strip()


def test_readme_configuration_example_is_valid() -> None:
    from accord.config import parse_config

    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Configuration: `accord.toml`", 1)[1]
    example = re.search(r"```toml\n(.*?)\n```", section, re.S)
    assert example is not None
    config = parse_config(example.group(1), "README.md")
    assert config.resolution.holds[0].name == "pyroute2"
    assert config.resolution.static_metadata[0].name == "systemd-python"
