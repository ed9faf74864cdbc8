"""An example for every command, shown at the end of its --help."""

from __future__ import annotations

GLOBAL = (
    "Any command also takes --verbose, -q/--quiet and --color WHEN (see accord --help)."
)

EXAMPLES = {
    "accord": "accord check ../nova --requirements git+https://opendev.org/"
    "openstack/requirements@master",
    "accord validate": "accord validate ../requirements --fix",
    "accord check": "accord check . --requirements ../requirements --format json",
    "accord sync": "accord sync ../nova --diff",
    "accord who-uses": "accord who-uses PyYAML --workspace ~/src",
    "accord fleet": "accord fleet check --shard 1/4",
    "accord fleet check": "accord fleet check --workspace ~/src --shard 1/4",
    "accord fleet sync": "accord fleet sync --check --jobs 8",
    "accord constraints": "accord constraints verify --python 3.12",
    "accord constraints generate": "accord constraints generate --python 3.12 "
    "--python 3.13 --diff",
    "accord constraints bump": "accord constraints bump oslo.config --stable --propose",
    "accord constraints verify": "accord constraints verify --no-index "
    "--find-links wheels/",
    "accord constraints export": "accord constraints export --format cyclonedx "
    "-o sbom.cdx.json",
    "accord coinstall": "accord coinstall --with-tests --workspace ~/src",
    "accord lower-bounds": "accord lower-bounds ../nova --python 3.10",
    "accord propose": "accord propose --git-base https://opendev.org/ --push "
    "--change-id",
    "accord review": "accord review 'PyYAML>=6' --format json",
    "accord review-change": "accord review-change --base origin/master",
    "accord affected": "accord affected --base origin/master --format github-matrix",
    "accord cross-test": "accord cross-test nova --base origin/master --jobs 2",
    "accord init": "accord init ../requirements --workspace ~/src",
    "accord site": "accord site --out public --base-url https://example.org/deps",
    "accord audit": "accord audit --branch master --branch stable/2026.1 "
    "--format sarif",
    "accord release": "accord release validate --base origin/main --git-base "
    "https://opendev.org/",
    "accord release validate": "accord release validate ../releases --base "
    "origin/main --git-base ~/src --format github",
    "accord release next": "accord release next oslo.config bugfix --series 2026.1 "
    "--git-base ~/src",
    "accord release tag": "accord release tag --base HEAD~1 --git-base ~/src",
    "accord release branch": "accord release branch --base HEAD~1 --git-base ~/src",
    "accord release build": "accord release build openstack/oslo.config 9.1.0 "
    "--git-base ~/src --out dist/",
    "accord release publish": "accord release publish dist/ --index "
    "https://upload.pypi.org/legacy/",
    "accord release notes": "accord release notes oslo.config --git-base ~/src",
    "accord release run": "accord release run --base HEAD~1 --git-base ~/src "
    "--index https://upload.pypi.org/legacy/ --requirements ../requirements",
    "accord completion": "accord completion bash > "
    "~/.local/share/bash-completion/completions/accord",
}


def epilog(prog: str) -> str:
    """The text after a command's options: its example, then the global
    options' reminder."""
    example = EXAMPLES.get(prog)
    lines = [] if example is None else ["example:", f"  {example}", ""]
    return "\n".join([*lines, GLOBAL])
