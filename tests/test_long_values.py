"""A name or URL read from a file may be megabytes long; the one-line
messages that echo it (errors, findings) show its first 80 characters, an
ellipsis and its length, never the whole of it. Messages about values of
ordinary length are as they were."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest

from accord.cli import main
from accord.errors import InputError, shorten
from accord.index._errors import IndexUnavailable

from .conftest import EXAMPLES

HUGE = "a" * 3_000_000
SHOWN = "a" * 80 + "… (3,000,000 characters)"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES / "requirements", tmp_path / "requirements")
    return tmp_path / "requirements"


def _append(path: Path, line: str) -> int:
    """Append ``line``; its line number."""
    text = path.read_text() + line + "\n"
    path.write_text(text)
    return text.count("\n")


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreadable_huge_line_is_one_short_line(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """constraints generate refuses it at its line, shortened."""
    line = _append(repo / "global-requirements.txt", f"{HUGE}(")
    assert main(["constraints", "generate", "--requirements", str(repo)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and len(err) < 1000
    # The word is the line quoted, then a colon: 'aaa…a(':
    shown = "'" + "a" * 79 + "… (3,000,002 characters)':"
    assert f"global-requirements.txt:{line}: cannot parse {shown}" in err


def test_cannot_reach_a_huge_name_is_one_short_line(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The index's URL for the name is shortened in the error."""
    monkeypatch.setattr("accord.index._http.Fetcher._sleep", lambda self, n: None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(repo.parent / "cache"))
    (repo / "upper-constraints.txt").write_text(f"{HUGE}===1.0\n")
    index = f"http://127.0.0.1:{_closed_port()}/simple"
    args = ["constraints", "export", "--format", "pylock", "--index-url", index]
    out = repo.parent / "pylock.toml"
    assert main([*args, "--requirements", str(repo), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and len(err) < 1000
    assert "cannot reach" in err and f"{index}/{'a' * 40}" in err
    assert "characters): " in err
    assert not out.exists()


def test_a_finding_echoing_a_huge_line_is_shortened(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """validate's table and JSON show the line's start and length."""
    line = _append(repo / "global-requirements.txt", f"{HUGE}(")
    assert main(["validate", str(repo)]) == 1
    out = capsys.readouterr().out
    assert len(out) < 5000 and f"global-requirements.txt:{line}" in out
    assert "cannot parse '" + "a" * 79 + "… (3,000,002 characters)':" in out
    assert main(["validate", str(repo), "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    (finding,) = [f for f in document["findings"] if f["rule"] == "G001"]
    assert finding["line"] == line and len(finding["message"]) < 400


@pytest.mark.parametrize(
    "message",
    [
        "cannot parse 'requests>=2': Expected end",
        "x" * 200,
        f"https://host/{'p' * 180} and more",
        "",
    ],
)
def test_messages_of_ordinary_length_are_unchanged(message: str) -> None:
    assert shorten(message) == message
    assert str(InputError(message, path="f.txt", line=3)) == f"f.txt:3: {message}"


def test_each_long_word_is_shortened_the_rest_kept() -> None:
    message = f"cannot reach https://host/simple/{HUGE}/: refused ({HUGE})"
    assert shorten(message) == (
        f"cannot reach https://host/simple/{'a' * 60}… (3,000,021 characters): "
        f"refused ({'a' * 79}… (3,000,001 characters))"
    )
    error = IndexUnavailable(f"cannot reach {HUGE}", url="https://host/")
    assert str(error) == f"cannot reach {SHOWN}"


def test_credentials_are_masked_before_a_long_url_is_cut() -> None:
    shown = shorten(f"https://bot:{'s' * 300}@host/simple/{HUGE}/")
    assert shown.startswith("https://***@host/simple/aaa") and "sss" not in shown


def test_a_long_run_of_punctuation_is_shortened_too() -> None:
    assert shorten(")" * 1000) == ")" * 80 + "… (1,000 characters)"
