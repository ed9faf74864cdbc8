"""accord site --audit FILE and the pylock.toml/SBOM of each published ref,
against a local index, a local OSV server and a local wheelhouse (offline)."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from accord.cli import main
from accord.site.audit import audit_view, read_audit

from .indexserver import Release, TestIndex, index_fixture  # noqa: F401
from .osvserver import FakeOsv
from .wheelhouse import make_wheel

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

RECENT = (datetime.date.today() - datetime.timedelta(days=40)).isoformat()
GLOBAL = "## section:runtime\nvulnlib  # MIT\ncleanlib  # MIT\n"
PINS = "vulnlib===1.0\ncleanlib===1.0\n"
CONFIG = """\
python-versions = ["3.12"]

[[audit.ignore]]
id = "GHSA-expd-0000-0000"
reason = "was not reachable"
expires = 2020-01-01
"""


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        env={**os.environ, "GIT_COMMITTER_DATE": "2026-01-02T03:04:05+00:00"},
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """master and stable/2026.1 with the pins; "broken" pins a release no
    index or wheelhouse has."""
    repo = tmp_path / "requirements"
    repo.mkdir()
    (repo / "global-requirements.txt").write_text(GLOBAL)
    (repo / "upper-constraints.txt").write_text(PINS)
    (repo / "accord.toml").write_text(CONFIG)
    git(repo, "init", "-q", "-b", "master")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Pins")
    git(repo, "branch", "stable/2026.1")
    git(repo, "checkout", "-qb", "broken")
    (repo / "upper-constraints.txt").write_text(PINS + "ghostlib===9.9\n")
    git(repo, "commit", "-qam", "A pin nobody has")
    git(repo, "checkout", "-q", "master")
    return repo


@pytest.fixture
def index(
    test_index: TestIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> TestIndex:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    mit = {"uploaded": RECENT, "license_expression": "MIT"}
    test_index.add("vulnlib", [Release("1.0", **mit), Release("1.1", **mit)])
    test_index.add("cleanlib", [Release("1.0", **mit)])
    return test_index


@pytest.fixture
def audit_file(
    repo: Path, index: TestIndex, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> Iterator[Path]:
    """What `accord audit --format json` says of master's pins."""
    with FakeOsv() as osv:
        osv.add("GHSA-vuln-0000-0001", "vulnlib", ["1.0"], fixed="1.1")
        main([
            "audit", "--requirements", str(repo), "--format", "json",
            "--index-url", index.simple_url, "--osv-url", osv.url,
        ])  # fmt: skip
    path = tmp_path / "audit.json"
    path.write_text(capsys.readouterr().out)
    index.requests.clear()
    yield path


def site(repo: Path, out: Path, *more: str) -> int:
    return main(["site", "--out", str(out), "--requirements", str(repo), *more])


def test_audit_findings_in_the_list_and_on_library_pages(
    repo: Path, audit_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    assert site(repo, out, "--audit", str(audit_file)) == 0
    libraries = (out / "libraries.html").read_text()
    assert '<th scope="col">Audit</th>' in libraries
    assert '<a href="libraries/vulnlib.html#audit-heading">1 error</a>' in libraries
    assert 'data-search="vulnlib runtime mit a001"' in libraries
    other = libraries.split("Audit findings about no one library", 1)[1]
    assert "A008" in other and "GHSA-expd-0000-0000" in other  # about the run
    vulnlib = (out / "libraries" / "vulnlib.html").read_text()
    audit = vulnlib.split('id="audit-heading"', 1)[1].split("</table>", 1)[0]
    assert "A001" in audit and "GHSA-vuln-0000-0001" in audit
    assert "<code>upper-constraints.txt:1</code>" in audit
    assert (
        "the audit reported nothing"
        in (out / "libraries" / "cleanlib.html").read_text()
    )


def test_without_audit_no_audit_column(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert site(repo, out) == 0
    assert "Audit" not in (out / "libraries.html").read_text()
    assert "Audit findings" not in (out / "libraries" / "vulnlib.html").read_text()


@pytest.mark.parametrize(
    ("text", "said"),
    [
        pytest.param("{", "not JSON", id="not-json"),
        pytest.param('{"command": "check", "findings": []}', "accord audit", id="cmd"),
        pytest.param(
            '{"command": "audit", "findings": [{"rule": "A001"}]}',
            "finding 1: no rule or message",
            id="shape",
        ),
        pytest.param("[" * 100_000 + "]" * 100_000, "nested too deeply", id="deep"),
    ],
)
def test_a_bad_audit_file_is_one_line(
    repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    text: str,
    said: str,
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(text)
    assert site(repo, tmp_path / "site", "--audit", str(bad)) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and said in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_an_audit_file_that_is_a_fifo_is_refused_not_waited_on(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "audit.json"
    os.mkfifo(fifo)
    assert site(repo, tmp_path / "site", "--audit", str(fifo)) == 2
    err = capsys.readouterr().err
    assert "audit.json" in err and "not a regular file" in err
    assert not (tmp_path / "site" / "index.html").exists()


def test_findings_are_placed_by_the_audits_own_reading(audit_file: Path) -> None:
    from packaging.utils import canonicalize_name

    findings = read_audit(audit_file)
    view = audit_view(findings, [canonicalize_name("vulnlib")])
    assert [f.rule for f in view.by_library[canonicalize_name("vulnlib")]] == ["A001"]
    assert [f.rule for f in view.other] == ["A008"]
    assert view.summary(canonicalize_name("vulnlib")) == (1, 0)


def test_pylock_and_sbom_of_each_ref_from_the_index(
    repo: Path, index: TestIndex, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    assert site(repo, out) == 0
    assert not (out / "constraints" / "pylock").exists()
    assert index.requests == []  # offline by default
    assert site(repo, out, "--index-url", index.simple_url) == 0
    assert "note: broken: no pylock.toml or SBOM" in capsys.readouterr().err
    lock = tomllib.loads((out / "constraints/pylock/stable/2026.1.toml").read_text())
    versions = {p["name"]: p["version"] for p in lock["packages"]}
    assert versions == {"cleanlib": "1.0", "vulnlib": "1.0"}
    assert all(p["wheels"][0]["hashes"]["sha256"] for p in lock["packages"])
    sbom = json.loads((out / "constraints/sbom/master.cdx.json").read_text())
    assert sbom["bomFormat"] == "CycloneDX"
    assert {c["purl"] for c in sbom["components"]} == {
        "pkg:pypi/cleanlib@1.0",
        "pkg:pypi/vulnlib@1.0",
    }
    assert sbom["metadata"]["timestamp"].startswith("2026-01-02T03:04:05")
    page = (out / "constraints" / "index.html").read_text()
    assert 'href="../constraints/pylock/master.toml"' in page
    assert 'href="../constraints/sbom/stable/2026.1.cdx.json"' in page
    assert "not exported: cannot export the pinned set" in page
    assert "ghostlib===9.9" in page
    # Unchanged refs and index: nothing rewritten.
    for path in out.rglob("*"):
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    assert site(repo, out, "--index-url", index.simple_url) == 0
    said = capsys.readouterr().err
    assert "0 file(s) written" in said and "0 page(s) rendered" in said


def test_pylock_from_a_local_wheelhouse(repo: Path, tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    for name in ("vulnlib", "cleanlib"):
        make_wheel(wheels, name, "1.0")
    out = tmp_path / "site"
    assert site(repo, out, "--no-index", "--find-links", str(wheels)) == 0
    lock = tomllib.loads((out / "constraints/pylock/master.toml").read_text())
    urls = [p["wheels"][0]["url"] for p in lock["packages"]]
    assert urls and all(url.startswith("file://") for url in urls)
