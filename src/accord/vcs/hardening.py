"""Git run so that nothing in a repository's configuration can execute.

A project's ``.git/config``, a clone's hooks or a URL in projects.txt are
input, not instructions: every git accord starts gets these settings on its
command line (which outrank any configuration file) and an environment
without system configuration or prompts. The user's own ssh stays theirs.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import urllib.parse
from pathlib import Path

# Transports git may use; "ext::" and the other remote helpers run commands.
ALLOWED_PROTOCOLS = ("file", "https", "ssh", "git")

HARDENING: tuple[str, ...] = (
    "-c", "core.hooksPath=/dev/null",
    "-c", "core.fsmonitor=false",
    "-c", "log.showSignature=false",
    # Signing runs a program a repository may name: accord's commits are
    # unsigned (release signs its tags with an explicit --sign, gpg on PATH).
    "-c", "commit.gpgSign=false",
    "-c", "tag.gpgSign=false",
    "-c", "push.gpgSign=false",
    "-c", "gpg.program=gpg",
    "-c", "gpg.ssh.program=ssh-keygen",
    "-c", "gpg.x509.program=gpgsm",
    # A repository with alternates would run this to list their refs; an
    # alternate's refs only save a little transfer, so list none.
    "-c", "core.alternateRefsCommand=true",
    "-c", "protocol.allow=never",
    *(a for p in ALLOWED_PROTOCOLS for a in ("-c", f"protocol.{p}.allow=always")),
    "-c", "submodule.recurse=false",
    "-c", "fetch.recurseSubmodules=false",
)  # fmt: skip

# Variables that would point git at another repository than the one named.
_REDIRECTS = frozenset(
    {
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_COMMON_DIR",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_CONFIG",
        "GIT_CONFIG_PARAMETERS",
        "GIT_CONFIG_COUNT",
        "GIT_EXTERNAL_DIFF",
    }
)


def git_command(*args: str) -> list[str]:
    """The argument list of ``git args`` with the hardening settings."""
    return ["git", *HARDENING, *args]


def git_environment(**extra: str) -> dict[str, str]:
    """The environment every git runs in: no system config, never a prompt,
    no editor, only the allowed transports (whatever ``protocol.*`` or
    ``url.*.insteadOf`` a repository sets), and ssh, git's proxy and the
    askpass program from the user's environment, never a repository's
    ``core.sshCommand``, ``core.gitProxy`` or ``core.askPass``."""
    env = {k: v for k, v in os.environ.items() if k not in _REDIRECTS}
    env.update(
        **_VALUES_BY_VARIABLE,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_TERMINAL_PROMPT="0",
        GIT_ALLOW_PROTOCOL=":".join(ALLOWED_PROTOCOLS),
        GIT_EDITOR=":",
        GIT_SEQUENCE_EDITOR=":",
        GIT_PAGER="cat",
        GIT_PROXY_COMMAND=os.environ.get("GIT_PROXY_COMMAND", ""),
        GIT_ASKPASS=os.environ.get("GIT_ASKPASS", os.environ.get("SSH_ASKPASS", "")),
    )
    if "GIT_SSH" not in os.environ and "GIT_SSH_COMMAND" not in os.environ:
        env["GIT_SSH_COMMAND"] = "ssh"
    env.update(extra)
    return env


# Subcommands that only read objects, refs or configuration: no filter
# driver, no credential helper, no hook. Any other may run one of them (a
# hook runs on any ref update or index write, git 2.54's configured hooks
# as much as the hooks directory's), so it gets repository_settings.
_READERS = frozenset(
    {"rev-parse", "cat-file", "ls-tree", "ls-files", "log", "show", "config",
     "for-each-ref", "merge-base", "check-ref-format", "rev-list", "show-ref",
     "describe", "name-rev", "var", "version"}
)  # fmt: skip


# The values repository_settings sets, by the variable --config-env reads
# them from (git splits "-c key=value" at its first "=", "--config-env" at
# its last: a key holding "=", as a subsection may, goes through the latter).
_VALUES_BY_VARIABLE = {"ACCORD_GIT_EMPTY": "", "ACCORD_GIT_FALSE": "false"}
_VARIABLE_OF = {value: name for name, value in _VALUES_BY_VARIABLE.items()}


def _setting(key: str, value: str) -> list[str]:
    """``-c key=value``, or ``--config-env`` when ``key`` holds an "=":
    ``-c filter.a=b.clean=`` would set ``filter.a`` and leave ``a=b`` be."""
    if "=" not in key:
        return ["-c", f"{key}={value}"]
    return [f"--config-env={key}={_VARIABLE_OF[value]}"]


def repository_settings(directory: Path | None, subcommand: str) -> tuple[str, ...]:
    """``-c`` settings that neutralise the programs ``directory``'s
    configuration names for ``subcommand``: the clean, smudge and process
    commands of every filter driver it sets (a file then goes through
    unfiltered, as committed), any credential helper it adds, and the
    events of every hook it configures (``hook.<name>.command`` and
    ``.event``, run by git 2.54 and later; an empty event empties the
    hook's list, an older git ignores it). The user's own (global)
    filters, git-lfs's say, helpers and configured hooks are kept."""
    if directory is None or not subcommand or subcommand in _READERS:
        return ()
    try:
        result = subprocess.run(
            [*git_command("config", "--includes", "-z", "--show-scope"),
             "--get-regexp", r"^(filter|credential|hook)\."],
            cwd=directory, capture_output=True, check=False, timeout=60,
            env=git_environment(),
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return ()  # git itself will fail on this directory and say why
    settings: list[str] = []
    helpers: list[str] = []
    foreign_helper = False
    hooks: dict[str, None] = {}
    fields = result.stdout.decode("utf-8", "surrogateescape").split("\0")
    for scope, entry in zip(fields[::2], fields[1::2], strict=False):
        key, _, value = entry.partition("\n")
        section, _, rest = key.partition(".")
        name, _, variable = rest.rpartition(".")
        users = scope in ("global", "system")  # the user's own programs
        if section == "filter" and not users:
            if variable in ("clean", "smudge", "process"):
                settings += _setting(f"filter.{name}.{variable}", "")
            elif variable == "required":
                settings += _setting(f"filter.{name}.required", "false")
        elif section == "hook" and name and not users:
            if variable in ("command", "event"):
                hooks[name] = None
        elif section == "credential" and variable == "helper":
            if users:
                helpers += ["-c", f"{key}={value}"]
            else:
                foreign_helper = True
    for name in hooks:
        settings += _setting(f"hook.{name}.event", "")
    if foreign_helper:  # an empty helper empties the list; the user's follow
        settings += ["-c", "credential.helper=", *helpers]
    return tuple(settings)


def is_local(url: str) -> bool:
    """Whether git reaches ``url`` by running its programs on this machine
    (a path or file:// URL): then the remote repository's hooks would run
    here."""
    return url.startswith(("/", "file:", ".")) or (
        "://" not in url and ":" not in url.split("/", 1)[0]
    )


# What git runs at a remote reached locally: never the remote's hooks (the
# hooks its configuration names are added by _receive_pack, shell-quoted:
# git runs this through the shell, the remote's path appended).
LOCAL_RECEIVE_PACK = (
    "git -c core.hooksPath=/dev/null -c core.fsmonitor=false"
    " -c core.alternateRefsCommand=true receive-pack"
)


def subcommand(args: tuple[str, ...]) -> int:
    """The index of the git subcommand in ``args`` (after ``-c key=value``
    and other options); ``len(args)`` when there is none."""
    index = 0
    while index < len(args) and args[index].startswith("-"):
        index += 2 if args[index] in ("-c", "-C") else 1
    return min(index, len(args))


def repo_command(path: Path | None, *args: str) -> list[str]:
    """:func:`git_command` for ``git args`` run in ``path``, with what the
    repository's configuration would run neutralised: its filter drivers
    and credential helpers, the programs named for the other end of a
    fetch or push, and a local remote's hooks."""
    at = subcommand(args)
    name = args[at] if at < len(args) else ""
    extra: tuple[str, ...] = ()
    if name in ("fetch", "ls-remote", "pull", "clone"):
        extra = ("--upload-pack=git-upload-pack",)
    elif name == "push":
        extra = (f"--receive-pack={_receive_pack(path, args[at + 1 :])}",)
    where = ("-C", str(path)) if path is not None else ()
    return git_command(
        *where,
        *repository_settings(path, name),
        *args[: at + 1],
        *extra,
        *args[at + 1 :],
    )


def _receive_pack(path: Path | None, rest: tuple[str, ...]) -> str:
    """The receive-pack to run for a push to the first non-option of
    ``rest`` (origin by default): never a remote's hooks on this machine."""
    target = next((arg for arg in rest if not arg.startswith("-")), "origin")
    urls = _push_urls(path, target)
    if urls and not any(is_local(url) for url in urls):
        return "git-receive-pack"
    settings = dict.fromkeys(
        setting
        for url in urls
        if is_local(url)
        for setting in repository_settings(_directory(path, url), "receive-pack")
    )
    head, _, program = LOCAL_RECEIVE_PACK.rpartition(" ")
    return " ".join([head, *map(shlex.quote, settings), program])


def _directory(path: Path | None, url: str) -> Path | None:
    """The repository a local ``url`` names (a path, or ``file://`` and a
    path; git tries ``.git`` after it too), if it is a directory here."""
    if url.startswith("file://"):
        url = urllib.parse.unquote(url.removeprefix("file://"))
    place = Path(url) if path is None else path / url
    for candidate in (place, place.with_name(place.name + ".git")):
        if candidate.is_dir():
            return candidate
    return None


def _push_urls(path: Path | None, target: str) -> list[str]:
    """Where git pushes ``target`` (a remote's name or a URL) to: a named
    remote's push URLs, else the URL rewritten as git does (the longest
    ``pushInsteadOf`` prefix, else ``insteadOf``). Empty when unknown."""
    named = _output(path, "remote", "get-url", "--push", "--all", "--", target)
    if named is not None:
        return named.splitlines()
    rules = _output(path, "config", "-z", "--get-regexp", r"^url\..*\.pushinsteadof$")
    best = ("", target)
    for entry in (rules or "").split("\0"):
        key, _, prefix = entry.partition("\n")
        if prefix and target.startswith(prefix) and len(prefix) > len(best[0]):
            base = key.removeprefix("url.").rpartition(".")[0]
            best = (prefix, base + target[len(prefix) :])
    if best[0]:
        return [best[1]]
    url = _output(path, "ls-remote", "--get-url", "--", target)
    return [url.strip()] if url and url.strip() else []


def _output(path: Path | None, *args: str) -> str | None:
    """The output of a git that only reads configuration, None if it failed."""
    where = ("-C", str(path)) if path is not None else ()
    try:
        result = subprocess.run(
            git_command(*where, *args),
            capture_output=True, check=False, timeout=60, env=git_environment(),
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    return result.stdout.decode("utf-8", "surrogateescape")


def batch_environment() -> dict[str, str]:
    """:func:`git_environment` for a run nobody watches: no password or
    passphrase prompt (a missing credential fails instead of hanging) and
    git's messages in English, so their first error line can be read."""
    return git_environment(
        GIT_ASKPASS="",
        SSH_ASKPASS="",
        GIT_SSH_COMMAND=os.environ.get("GIT_SSH_COMMAND", "ssh -oBatchMode=yes"),
        LC_ALL="C",
    )


def failure_reason(output: str, returncode: int) -> str:
    """Why git failed: its first ``fatal:``/``error:`` line (the last lines
    are often advice), else its first line, else the exit status."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    fatal = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return (fatal or lines or [f"exit status {returncode}"])[0]
