"""accord audit against a local index and a local OSV server (no network):
planted vulnerabilities, a quarantined and an archived project, a yanked
pin and a licence change are each found; a second run asks only
conditionally."""

from __future__ import annotations

import datetime
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from packaging.utils import canonicalize_name
from packaging.version import Version

from accord.audit.osv import to_advisory
from accord.cli import main
from accord.index._http import IndexUnavailable
from accord.index._simple import parse_html, parse_json

from .indexserver import Release, TestIndex, index_fixture  # noqa: F401
from .osvserver import FakeOsv

TODAY = datetime.date.today()
RECENT = (TODAY - datetime.timedelta(days=40)).isoformat()
OLD = "2015-03-01"
NEXT_YEAR = f"{TODAY.year + 1}-01-01"

GLOBAL = """\
## section:runtime
vulnlib  # MIT
cappedlib<2  # MIT
heldlib  # MIT
quarantinedlib  # MIT
archivedlib  # MIT
yankedlib  # MIT
relicensedlib  # MIT
gpllib  # MIT
ignoredlib  # MIT
cleanlib  # BSD
"""
PINS = """\
vulnlib===1.0
cappedlib===1.0
heldlib===1.0
quarantinedlib===1.0
archivedlib===1.0
yankedlib===1.0
relicensedlib===1.0
gpllib===1.0
ignoredlib===1.0
cleanlib===1.0
"""
CONFIG = f"""\
[[holds]]
name = "heldlib"
specifier = "<1.5"
reason = "1.5 breaks the world"

[[audit.ignore]]
id = "CVE-2026-0002"
reason = "not reachable from our code"
expires = {NEXT_YEAR}

[[audit.ignore]]
id = "GHSA-expd-0000-0000"
reason = "was not reachable"
expires = 2020-01-01
"""


def _mit(version: str = "1.0", **more: Any) -> Release:
    return Release(version, uploaded=RECENT, license_expression="MIT", **more)


@pytest.fixture
def index(
    test_index: TestIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> TestIndex:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    test_index.add("vulnlib", [_mit("1.0"), _mit("1.1")])
    test_index.add("cappedlib", [_mit("1.0"), _mit("2.0")])
    test_index.add("heldlib", [_mit("1.0"), _mit("1.6")])
    test_index.add("quarantinedlib", [_mit("1.0")])
    test_index.set_status("quarantinedlib", "quarantined", "malware")
    test_index.add("archivedlib", [Release("1.0", uploaded=OLD, license="MIT")])
    test_index.set_status("archivedlib", "archived")
    test_index.add("yankedlib", [_mit("1.0", yanked="broken wheel"), _mit("1.1")])
    test_index.add(
        "relicensedlib", [Release("1.0", uploaded=RECENT, license="Apache 2.0")]
    )
    test_index.add(
        "gpllib", [Release("1.0", uploaded=RECENT, license_expression="GPL-3.0-only")]
    )
    test_index.add("ignoredlib", [_mit("1.0")])
    test_index.add("cleanlib", [Release("1.0", uploaded=RECENT, license="BSD")])
    return test_index


@pytest.fixture
def osv() -> Iterator[FakeOsv]:
    with FakeOsv() as server:
        server.add(
            "GHSA-vuln-0000-0001",
            "vulnlib",
            ["1.0"],
            fixed="1.1",
            aliases=["CVE-2026-0001"],
            severity=[{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N"}],
            database_specific={"severity": "HIGH"},
        )
        server.add("GHSA-capd-0000-0000", "cappedlib", ["1.0"], fixed="2.0")
        server.add("PYSEC-2026-3", "heldlib", ["1.0"], fixed="1.6")
        server.add(
            "GHSA-ignd-0000-0000", "ignoredlib", ["1.0"], aliases=["CVE-2026-0002"]
        )
        server.add("GHSA-expd-0000-0000", "ignoredlib", ["1.0"], fixed="1.2")
        yield server


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "requirements"
    repo.mkdir()
    (repo / "global-requirements.txt").write_text(GLOBAL)
    (repo / "upper-constraints.txt").write_text(PINS)
    (repo / "accord.toml").write_text(CONFIG)
    return repo


def run(
    index: TestIndex,
    osv: FakeOsv,
    repo: Path,
    capsys: pytest.CaptureFixture[str],
    *args: str,
) -> tuple[int, dict[str, Any]]:
    code = main([
        "audit", "--requirements", str(repo), "--format", "json",
        "--index-url", index.simple_url, "--pypi-json-url", index.pypi_json_url,
        "--osv-url", osv.url, *args,
    ])  # fmt: skip
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, json.loads(captured.out) if code != 2 else {}


def by_rule(document: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for finding in document["findings"]:
        found.setdefault(finding["rule"], []).append(finding)
    return found


def pins_of(findings: list[dict[str, Any]]) -> list[int]:
    return sorted(f["line"] for f in findings)


def test_audit_finds_each_planted_problem(
    index: TestIndex, osv: FakeOsv, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, document = run(index, osv, repo, capsys)
    assert code == 1
    rules = by_rule(document)
    assert set(rules) == {
        "A001",
        "A002",
        "A003",
        "A004",
        "A005",
        "A006",
        "A007",
        "A008",
    }
    # vulnlib, cappedlib, heldlib and the expired ignore's advisory of ignoredlib
    assert pins_of(rules["A001"]) == [1, 2, 3, 9]
    [vuln] = [f for f in rules["A001"] if f["line"] == 1]
    assert "GHSA-vuln-0000-0001 (CVE-2026-0001)" in vuln["message"]
    assert "CVSS:3.1/AV:N/AC:L/PR:N" in vuln["message"] and "HIGH" in vuln["message"]
    assert "fixed in 1.1" in vuln["message"] and "blocked" not in vuln["message"]
    [capped] = [f for f in rules["A001"] if f["line"] == 2]
    assert "blocked by global-requirements.txt:3 (cappedlib<2)" in capped["message"]
    [held] = [f for f in rules["A001"] if f["line"] == 3]
    assert "blocked by the hold at accord.toml:2 (<1.5" in held["message"]
    assert [f["line"] for f in rules["A002"]] == [4]
    assert "malware" in rules["A002"][0]["message"]
    assert [f["line"] for f in rules["A003"]] == [5]
    assert [f["line"] for f in rules["A007"]] == [5]
    assert [f["line"] for f in rules["A004"]] == [6]
    assert "broken wheel" in rules["A004"][0]["message"]
    assert [f["line"] for f in rules["A005"]] == [7]
    assert "Apache-2.0" in rules["A005"][0]["message"]
    assert [f["line"] for f in rules["A006"]] == [8]
    assert [(f["path"], f["line"]) for f in rules["A008"]] == [("accord.toml", 12)]
    assert document["vulnerability_source"] == "OSV"
    records = {r["id"]: r for r in document["vulnerabilities"]}
    assert records["GHSA-ignd-0000-0000"]["ignored"] is True
    assert records["GHSA-capd-0000-0000"]["fix_blocked_by"] == [
        "global-requirements.txt:3 (cappedlib<2)"
    ]
    assert records["GHSA-vuln-0000-0001"]["fixed"] == ["1.1"]
    assert records["GHSA-vuln-0000-0001"]["aliases"] == ["CVE-2026-0001"]
    assert {f["severity"] for f in rules["A003"] + rules["A005"]} == {"warning"}


def test_second_run_asks_only_conditionally(
    index: TestIndex, osv: FakeOsv, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, before = run(index, osv, repo, capsys)
    assert osv.requests("POST")
    index.clear_requests()
    osv.clear()
    second, after = run(index, osv, repo, capsys)
    assert (first, before["findings"]) == (second, after["findings"])
    assert osv.requests("POST") == []  # the querybatch answers are kept an hour
    asked = [(r.headers, r.status) for r in index.log] + [
        (r.headers, r.status) for r in osv.requests()
    ]
    assert asked  # the pages and advisories are revalidated...
    assert all("if-none-match" in headers for headers, _ in asked)  # ...conditionally
    assert {status for _, status in asked} == {304}


def test_query_answers_expire(
    index: TestIndex,
    osv: FakeOsv,
    repo: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    run(index, osv, repo, capsys)
    osv.clear()
    monkeypatch.setattr("accord.audit.osv.QUERY_TTL", 0.0)
    run(index, osv, repo, capsys)
    assert len(osv.requests("POST")) == 1  # one batch for every pin


def test_ignore_on_the_command_line(
    index: TestIndex, osv: FakeOsv, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, document = run(
        index,
        osv,
        repo,
        capsys,
        "--ignore",
        "cve-2026-0001",
        "--ignore",
        "PYSEC-2026-3",
    )
    assert pins_of(by_rule(document)["A001"]) == [2, 9]


def test_pagination_of_querybatch(
    index: TestIndex, osv: FakeOsv, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    osv.page_size = 1
    _, document = run(index, osv, repo, capsys)
    assert pins_of(by_rule(document)["A001"]) == [1, 2, 3, 9]
    assert len(osv.requests("POST")) == 2  # ignoredlib's second id on page two


@pytest.mark.parametrize("failure", ["down", "garbage"])
def test_falls_back_to_the_json_api_when_osv_fails(
    index: TestIndex,
    osv: FakeOsv,
    repo: Path,
    capsys: pytest.CaptureFixture[str],
    failure: str,
) -> None:
    setattr(osv, failure, True)
    index.add("vulnlib", [_mit("1.0", vulnerabilities=[{
        "id": "PYSEC-2026-9", "summary": "bad", "aliases": ["CVE-2026-9"],
        "fixed_in": ["1.1"]}]), _mit("1.1")])  # fmt: skip
    code = main([
        "audit", "--requirements", str(repo), "--format", "json",
        "--index-url", index.simple_url, "--pypi-json-url", index.pypi_json_url,
        "--osv-url", osv.url,
    ])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 1
    assert "using the JSON API" in captured.err
    document = json.loads(captured.out)
    assert document["vulnerability_source"] == "PyPI"
    [found] = by_rule(document)["A001"]
    assert "PYSEC-2026-9 (CVE-2026-9)" in found["message"]
    assert "JSON API" in found["message"]


def test_no_source_of_vulnerabilities_is_an_error(
    index: TestIndex, osv: FakeOsv, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    osv.down = True
    (repo / "upper-constraints.txt").write_text("cleanlib===1.0\n")
    code = main([
        "audit", "--requirements", str(repo), "--format", "json",
        "--index-url", index.simple_url, "--osv-url", osv.url,
    ])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 1
    [finding] = json.loads(captured.out)["findings"][1:]  # after A008
    assert finding["rule"] == "A010" and "503" in finding["message"]


def test_pins_lines_audit_cannot_read_are_reported_not_passed_over(
    index: TestIndex, osv: FakeOsv, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A line of the pins file that is no pin (unparseable, or no exact
    version) cannot be audited: the audit says so instead of passing it."""
    (repo / "upper-constraints.txt").write_text(
        "cleanlib===1.0\nvulnlib (( 1.0\nvulnlib===one-oh\nvulnlib>=1.0\n"
    )
    code, document = run(index, osv, repo, capsys)
    assert code == 1
    unread = [
        (f["rule"], f["line"]) for f in document["findings"] if f["rule"] != "A008"
    ]
    assert unread == [("G001", 2), ("G011", 3), ("G011", 4)]
    assert all("not audited" in f["message"] for f in document["findings"][1:])


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@e", *args],
        cwd=cwd, capture_output=True, check=True,
    )  # fmt: skip


def test_branches_are_audited_from_git(
    index: TestIndex, osv: FakeOsv, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _git(repo, "init", "-q", "-b", "master")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "pins")
    _git(repo, "checkout", "-qb", "stable/1")
    (repo / "upper-constraints.txt").write_text("vulnlib===1.0\ncleanlib===1.0\n")
    _git(repo, "commit", "-qam", "stable pins")
    _git(repo, "checkout", "-q", "master")
    (repo / "upper-constraints.txt").write_text("cleanlib===1.0\n")  # work tree
    code, document = run(
        index, osv, repo, capsys, "--branch", "stable/1", "--branch", "master"
    )
    assert code == 1
    found = {(f["rule"], f["path"], f["line"]) for f in document["findings"]}
    assert ("A001", "upper-constraints.txt@stable/1", 1) in found
    assert ("A001", "upper-constraints.txt@master", 1) in found
    assert ("A002", "upper-constraints.txt@master", 4) in found
    assert document["branches"] == ["stable/1", "master"]
    code, _ = run(index, osv, repo, capsys, "--branch", "--upload-pack=touch x")
    assert code == 2
    code, _ = run(index, osv, repo, capsys, "--branch", "nosuch")
    assert code == 2
    assert not (repo / "x").exists()


def test_branch_needs_git(
    index: TestIndex, osv: FakeOsv, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["audit", "--requirements", str(repo), "--branch", "master",
                 "--osv-url", osv.url, "--index-url", index.simple_url])  # fmt: skip
    assert code == 2
    assert "--branch needs the requirements repo to be a git repository" in (
        capsys.readouterr().err
    )


BAD_CONFIGS = [
    pytest.param('[[audit.ignore]]\nid = "X"\n', "needs 'reason'", id="no-reason"),
    pytest.param(
        '[[audit.ignore]]\nid = "X"\nreason = "r"\nexpires = "soon"\n',
        "must be a date",
        id="bad-expiry",
    ),
    pytest.param('[audit]\nosv = "x"\n', "unknown key 'osv'", id="unknown-key"),
]


@pytest.mark.parametrize(("config", "message"), BAD_CONFIGS)
def test_bad_audit_config_is_bad_input(
    repo: Path, capsys: pytest.CaptureFixture[str], config: str, message: str
) -> None:
    (repo / "accord.toml").write_text(config)
    assert main(["audit", "--requirements", str(repo)]) == 2
    err = capsys.readouterr().err
    assert message in err and "accord.toml:" in err


def test_table_output_and_sarif(
    index: TestIndex, osv: FakeOsv, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["audit", "--requirements", str(repo), "--index-url", index.simple_url,
            "--osv-url", osv.url]  # fmt: skip
    assert main(args) == 1
    out = capsys.readouterr().out
    assert "A002" in out and "quarantined" in out
    assert main([*args, "--format", "sarif"]) == 1
    sarif = json.loads(capsys.readouterr().out)
    rules = {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert {"A001", "A002", "A004"} <= rules


def test_project_status_is_parsed_from_json_and_html() -> None:
    """PEP 792 status and reason, from JSON's ``project-status`` and HTML's
    meta tags (read by pypi-simple); a status word it does not know is kept
    as the index wrote it, and a ``project-status`` that is not an object is
    an unreadable page, not a traceback."""
    name = canonicalize_name("x")

    def json_page(status: object) -> bytes:
        document = {"meta": {"api-version": "1.4"}, "name": "x", "files": []}
        return json.dumps({**document, "project-status": status}).encode()

    page = parse_json(
        json_page({"status": "archived", "reason": "done"}), "http://i/simple/x/", name
    )
    assert (page.status, page.status_reason) == ("archived", "done")
    plain = b'{"meta": {"api-version": "1.1"}, "name": "x", "files": []}'
    assert parse_json(plain, "u", name).status == "active"
    for written, kept in [("Archived", "archived"), ("Frozen ", "frozen")]:
        page = parse_json(json_page({"status": written, "reason": "r"}), "u", name)
        assert (page.status, page.status_reason) == (kept, "r")
    with pytest.raises(IndexUnavailable, match="project-status"):
        parse_json(json_page("archived"), "http://i/simple/x/", name)
    with pytest.raises(IndexUnavailable, match="project-status"):
        parse_json(json_page({"status": 3}), "http://i/simple/x/", name)
    html = parse_html(
        b'<html><head><meta name="pypi:project-status" content="quarantined">'
        b'<meta name="pypi:project-status-reason" content="malware"></head></html>',
        "u",
        name,
    )
    assert (html.status, html.status_reason) == ("quarantined", "malware")
    odd = parse_html(b'<meta name="pypi:project-status" content="Frozen">', "u", name)
    assert (odd.status, odd.status_reason) == ("frozen", None)


def test_osv_documents_are_read_defensively() -> None:
    name = canonicalize_name("pkg")
    document = {
        "id": "GHSA-1",
        "aliases": ["CVE-1"],
        "affected": [
            {"package": {"ecosystem": "npm", "name": "pkg"},
             "ranges": [{"type": "SEMVER", "events": [{"fixed": "9.9"}]}]},
            {"package": {"ecosystem": "PyPI", "name": "Pkg"},
             "ranges": [{"type": "ECOSYSTEM", "events": [
                 {"introduced": "0"}, {"fixed": "1.2"}, {"fixed": "not a version"},
                 {"introduced": "2.0"}, {"fixed": "2.1"}]},
                 {"type": "GIT", "events": [{"fixed": "abc123"}]}]},
            "junk",
        ],
        "references": [{"type": "ADVISORY", "url": "https://example.org/a"}],
    }  # fmt: skip
    advisory = to_advisory("GHSA-1", document, name)
    assert advisory is not None
    assert advisory.fixed == (Version("1.2"), Version("2.1"))
    assert advisory.fix_for(Version("2.0")) == Version("2.1")
    assert advisory.link == "https://example.org/a"
    assert to_advisory("X", {"id": "X", "withdrawn": "2026-01-01"}, name) is None
    bare = to_advisory("X", None, name)
    assert bare is not None and bare.fixed == ()
    garbage = to_advisory("Y", {"affected": "no", "severity": 3, "aliases": 1}, name)
    assert garbage is not None and garbage.aliases == ()


def test_what_cannot_be_read_is_reported_not_raised(
    index: TestIndex, osv: FakeOsv, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "upper-constraints.txt").write_text(
        "vulnlib===1.0\nnosuchlib===1.0\ncleanlib===9.9\n"
    )
    del osv.documents["GHSA-vuln-0000-0001"]  # listed by querybatch, then gone
    code, document = run(index, osv, repo, capsys)
    assert code == 1
    found = {(f["rule"], f["line"]) for f in document["findings"]}
    assert {("A001", 1), ("A009", 2), ("A009", 3)} <= found
    [vuln] = [f for f in document["findings"] if f["rule"] == "A001"]
    assert "no details from OSV" in vuln["message"]


def test_an_unreachable_index_fails_every_pin(
    osv: FakeOsv,
    repo: Path,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    (repo / "upper-constraints.txt").write_text("cleanlib===1.0\n")
    code = main([
        "audit", "--requirements", str(repo), "--format", "json",
        "--index-url", "http://127.0.0.1:9/simple/", "--osv-url", osv.url,
    ])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 1 and "Traceback" not in captured.err
    rules = {f["rule"] for f in json.loads(captured.out)["findings"]}
    assert "A009" in rules


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--osv-url", "ftp://osv"], "not an http(s) URL", id="osv-url"),
        pytest.param(["--index-url", "file:///x"], "not an http(s) URL", id="index"),
    ],
)
def test_bad_urls_are_bad_input(
    repo: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["audit", "--requirements", str(repo), *args]) == 2
    assert message in capsys.readouterr().err


def test_no_pins_is_bad_input(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "upper-constraints.txt").unlink()
    assert main(["audit", "--requirements", str(repo)]) == 2
    assert "nothing is pinned" in capsys.readouterr().err


FIXES = [
    pytest.param("lib<2", "", "2.0", ["2.0"], "2.0", True, id="capped"),
    pytest.param("lib<2", "", "2.0", [], "2.0", True, id="capped-no-release"),
    pytest.param("lib!=2.0", "", "2.0", ["2.0", "2.1"], "2.1", False,
                 id="excluded-but-a-later-one-allowed"),
    pytest.param("lib<2;python_version<'3.12'", "3.12", "2.0", ["2.0"], "2.0",
                 False, id="cap-on-other-pythons"),
    pytest.param("lib<2;python_version<'3.12'", "3.11", "2.0", ["2.0"], "2.0",
                 True, id="cap-on-the-pins-python"),
    pytest.param("lib", "", None, ["2.0"], None, False, id="no-fix-known"),
]  # fmt: skip


@pytest.mark.parametrize(("entry", "python", "fixed", "later", "fix", "blocked"), FIXES)
def test_fix_of(
    tmp_path: Path,
    entry: str,
    python: str,
    fixed: str | None,
    later: list[str],
    fix: str | None,
    blocked: bool,
) -> None:
    from accord.audit.checks import Site, fix_of
    from accord.audit.model import Advisory
    from accord.audit.model import Release as Pinned
    from accord.central import load_central_repo

    (tmp_path / "global-requirements.txt").write_text(f"{entry}  # MIT\n")
    central = load_central_repo(tmp_path)
    name = canonicalize_name("lib")
    pythons = (python,) if python else central.config.python_versions
    site = Site("upper-constraints.txt", 1, name, Version("1.0"), pythons)
    advisory = Advisory("X", "", fixed=(Version(fixed),) if fixed else ())
    release = Pinned(name, Version("1.0"), later_versions=tuple(map(Version, later)))
    got, blockers = fix_of(site, advisory, release, central)
    assert (None if got is None else str(got), bool(blockers)) == (fix, blocked)


def test_a_release_the_fallback_cannot_tell_about_is_reported(
    index: TestIndex, osv: FakeOsv, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    osv.down = True
    (repo / "upper-constraints.txt").write_text("vulnlib===1.0\ncleanlib===1.0\n")
    index.fail("/pypi/cleanlib/1.0/json", times=10, status=500)
    code, document = run(index, osv, repo, capsys)
    assert code == 1
    assert document["vulnerability_source"] == "PyPI"
    [unchecked] = [f for f in document["findings"] if f["rule"] == "A009"]
    assert unchecked["line"] == 2
    assert "vulnerabilities could not be checked" in unchecked["message"]
    assert "HTTP 500" in unchecked["message"]
