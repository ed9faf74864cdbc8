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
