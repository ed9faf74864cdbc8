"""accord release tag --sign-key: tags really signed by a throw-away gpg key,
the repository's own gpg.program never run, an unsigned tag not passed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from accord.cli import main

from .release_world import World, git, make_world

GPG = shutil.which("gpg")
pytestmark = pytest.mark.skipif(GPG is None, reason="gpg is not installed")


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh key's fingerprint in a throw-away GNUPGHOME (short path: the
    agent's socket name has a length limit)."""
    home = Path(tempfile.mkdtemp(prefix="gpg"))
    home.chmod(0o700)
    gpg = [str(GPG), "--batch", "--homedir", str(home)]
    subprocess.run(
        [*gpg, "--passphrase", "", "--quick-gen-key", "Test <t@example.org>",
         "default", "default", "never"],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    listing = subprocess.run(
        [*gpg, "--with-colons", "--list-secret-keys"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    fingerprint = next(
        line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr")
    )
    monkeypatch.setenv("GNUPGHOME", str(home))
    monkeypatch.delenv("ACCORD_RELEASE_SIGN_KEY", raising=False)
    yield fingerprint
    subprocess.run(
        ["gpgconf", "--homedir", str(home), "--kill", "gpg-agent"],
        check=False, capture_output=True,
    )  # fmt: skip
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def world(tmp_path: Path) -> World:
    world = make_world(tmp_path)
    world.request("2026.1", ("1.1.1", "s1"))
    return world


def _tag(
    world: World, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, list[str], list[str]]:
    args = ["release", "tag", str(world.releases), "--base", "HEAD", *extra]
    status = main([*args, "--git-base", str(world.base), "--format", "json"])
    results = json.loads(capsys.readouterr().out)["results"]
    return status, [r["status"] for r in results], [r["detail"] for r in results]


def _signer(repo: Path, tag: str) -> str | None:
    """The fingerprint gpg says made a good signature of ``tag``, or None."""
    result = subprocess.run(
        ["git", "verify-tag", "--raw", tag],
        cwd=repo, capture_output=True, text=True, env=os.environ, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        return None
    lines = result.stderr.splitlines()
    valid = [line.split()[2] for line in lines if "VALIDSIG" in line]
    return valid[0] if valid else None


def test_signed_with_the_key_then_found_there(
    world: World, key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _tag(world, capsys, "--sign-key", key)[:2] == (0, ["created"])
    assert git(world.lib, "rev-parse", "1.1.1^{commit}") == world.commits["s1"]
    assert _signer(world.lib, "1.1.1") == key
    assert _tag(world, capsys, "--sign-key", key)[:2] == (0, ["exists"])


def test_the_key_from_the_environment(
    world: World, key: str, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("ACCORD_RELEASE_SIGN_KEY", key)
    assert _tag(world, capsys)[:2] == (0, ["created"])
    assert _signer(world.lib, "1.1.1") == key


def test_an_empty_option_overrides_the_environment(
    world: World, key: str, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("ACCORD_RELEASE_SIGN_KEY", key)
    assert _tag(world, capsys, "--sign-key", "")[:2] == (0, ["created"])
    assert git(world.lib, "cat-file", "-t", "1.1.1") == "tag"
    assert _signer(world.lib, "1.1.1") is None


def test_an_unsigned_tag_is_refused_when_signing(
    world: World, key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    git(world.lib, "tag", "-a", "-m", "by hand", "1.1.1", world.commits["s1"])
    status, statuses, details = _tag(world, capsys, "--sign-key", key)
    assert (status, statuses) == (1, ["refused"])
    assert "not signed" in details[0]
    assert _signer(world.lib, "1.1.1") is None  # left as it was
    assert _tag(world, capsys)[:2] == (0, ["exists"])  # no key: fine


def test_the_repository_gpg_program_is_never_run(
    world: World, key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    marker = tmp_path / "ran"
    evil = tmp_path / "evil-gpg"
    evil.write_text(f"#!/bin/sh\ntouch {marker}\nexit 1\n")
    evil.chmod(0o755)
    git(world.lib, "config", "gpg.program", str(evil))
    git(world.lib, "config", "gpg.format", "ssh")
    git(world.lib, "config", "gpg.ssh.program", str(evil))
    git(world.lib, "config", "tag.gpgSign", "true")
    assert _tag(world, capsys, "--sign-key", key)[:2] == (0, ["created"])
    assert not marker.exists()
    git(world.lib, "config", "--unset", "gpg.format")
    git(world.lib, "config", "--unset", "gpg.program")
    assert _signer(world.lib, "1.1.1") == key


def test_unsigned_tags_ignore_the_repository_tag_gpgsign(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.delenv("ACCORD_RELEASE_SIGN_KEY", raising=False)
    marker = tmp_path / "ran"
    evil = tmp_path / "evil-gpg"
    evil.write_text(f"#!/bin/sh\ntouch {marker}\nexit 1\n")
    evil.chmod(0o755)
    git(world.lib, "config", "gpg.program", str(evil))
    git(world.lib, "config", "tag.gpgSign", "true")
    assert _tag(world, capsys)[:2] == (0, ["created"])
    assert not marker.exists()


def test_an_unknown_key_fails_that_tag(
    world: World, key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, statuses, _ = _tag(world, capsys, "--sign-key", "nobody@example.org")
    assert (status, statuses) == (1, ["failed"])
    assert git(world.lib, "tag", "-l") == ""


def test_a_key_that_is_an_option_is_refused(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["release", "tag", str(world.releases), "--git-base", str(world.base)]
    assert main([*args, "--sign-key=--help"]) == 2
    captured = capsys.readouterr()
    assert "not a key name" in captured.err
    assert "Traceback" not in captured.err
    assert git(world.lib, "tag", "-l") == ""


def test_release_run_signs_with_the_configured_key(
    world: World, key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("ACCORD_RELEASE_SIGN_KEY", "nobody@example.org")
    args = [
        "release", "run", str(world.releases), "--base", "HEAD",
        "--git-base", str(world.base), "--out", str(tmp_path / "dist"),
        "--no-index", "--format", "json",
    ]  # fmt: skip
    assert main(args) == 1  # a key gpg does not have: stops at the tag
    results = json.loads(capsys.readouterr().out)["results"]
    assert [(r["step"], r["status"]) for r in results][-1] == ("tag", "failed")
    assert git(world.lib, "tag", "-l") == ""
