"""accord site in a real headless browser (Debian's chromium), from file://.

Each page kind loads without a console message, the search filters the
library table from ``?q=``, a project's page lists its findings, and a
screenshot of the overview is kept in the test's tmp dir. Skipped only when
no chromium is on PATH (``.ci/run`` installs it where apt can).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from accord.affected.uv_graph import UvGraphSource
from accord.central import load_central_repo
from accord.findings import Finding
from accord.report.render import render_json
from accord.site import SiteOptions, build_site

from .affected_fleet import make_fleet
from .conftest import EXAMPLES

BROWSER = next(
    (
        found
        for name in ("chromium", "chromium-browser", "google-chrome")
        if (found := shutil.which(name))
    ),
    None,
)
pytestmark = pytest.mark.skipif(
    BROWSER is None, reason="no chromium on PATH (apt-get install chromium)"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("browser")
    shutil.copytree(EXAMPLES, root / "ws")
    out = root / "site"
    audit = root / "audit.json"  # as `accord audit --format json` writes it
    vulnerable = Finding(
        "A001",
        "error",
        "upper-constraints.txt",
        42,
        "requests===2.32.5 has a known vulnerability GHSA-test-0000-0001",
        "`accord constraints bump requests` to 2.32.6",
    )
    audit.write_text(render_json("audit", [vulnerable]))
    build_site(SiteOptions(root / "ws" / "requirements", out, audit=audit))
    return out


@pytest.fixture(scope="module")
def dependencies_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small fleet whose pins were resolved (uv over local wheels)."""
    root = tmp_path_factory.mktemp("dependencies")
    fleet = {"nova": {"requirements.txt": "oslo.messaging>=1.0\n"}}
    repo = make_fleet(root, fleet, pythons='"3.11", "3.12"')
    settings = load_central_repo(repo).config.resolution
    source = UvGraphSource(settings.index, repo, settings.platform)
    build_site(SiteOptions(repo, root / "site", graphs=source))
    return root / "site"


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert BROWSER is not None
    return subprocess.run(
        [
            BROWSER,
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--enable-logging=stderr",
            "--v=0",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def dom(site: Path, page: str, tmp_path: Path) -> str:
    result = chromium(tmp_path / "profile", "--dump-dom", f"{site.as_uri()}/{page}")
    assert result.returncode == 0, result.stderr[-2000:]
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], console  # no console error, no uncaught exception
    return result.stdout


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        pytest.param("index.html", "The fleet at a glance", id="overview"),
        pytest.param("libraries.html", "The global list", id="libraries"),
        pytest.param("projects/catalog.html", "No findings.", id="project"),
        pytest.param("libraries/requests.html", "Who uses it", id="library"),
        pytest.param("constraints/index.html", "Published constraints", id="pins"),
        pytest.param("dependencies.html", "Which pin requires which", id="deps"),
    ],
)
def test_each_page_kind_loads_cleanly(
    site: Path, tmp_path: Path, page: str, expected: str
) -> None:
    assert expected in dom(site, page, tmp_path)


def test_dependency_view_and_library_links(
    dependencies_site: Path, tmp_path: Path
) -> None:
    view = dom(dependencies_site, "dependencies.html?q=kombu", tmp_path)
    rows = re.findall(r'<tr data-search="([^"]*)"( hidden="")?>', view)
    assert [text for text, hidden in rows if not hidden] == ["kombu"]
    assert "1 of 3 shown" in view
    page = dom(dependencies_site, "libraries/kombu.html", tmp_path)
    by = page.split("<dt>Required by</dt>", 1)[1].split("</dd>", 1)[0]
    assert '<a href="../libraries/oslo-messaging.html">oslo-messaging</a>' in by


def test_audit_findings_are_shown_and_searchable(site: Path, tmp_path: Path) -> None:
    page = dom(site, "libraries.html?q=a001", tmp_path)
    rows = re.findall(r'<tr data-search="([^"]*)"( hidden="")?>', page)
    assert [text.split()[0] for text, hidden in rows if not hidden] == ["requests"]
    library = dom(site, "libraries/requests.html", tmp_path)
    assert re.search(
        r'<th scope="row">A001</th><td><code>upper-constraints.txt:42', library
    )


def test_search_filters_the_library_table(site: Path, tmp_path: Path) -> None:
    page = dom(site, "libraries.html?q=mit", tmp_path)
    rows = re.findall(r'<tr data-search="([^"]*)"( hidden="")?>', page)
    shown = [text for text, hidden in rows if not hidden]
    assert shown and len(shown) < len(rows)
    assert all("mit" in text for text in shown)
    assert f"{len(shown)} of {len(rows)} shown" in page
    assert 'value="mit"' not in page  # the input's value is a property, not markup


def test_project_page_lists_its_findings(site: Path, tmp_path: Path) -> None:
    page = dom(site, "projects/legacy-reports.html", tmp_path)
    assert re.search(r"<th scope=\"row\">C003</th><td><code>requirements.txt:2", page)
    assert "What sync would change" in page


def test_screenshot_of_the_overview(site: Path, tmp_path: Path) -> None:
    shot = tmp_path / "overview.png"
    result = chromium(
        tmp_path / "profile",
        "--window-size=1280,1400",
        f"--screenshot={shot}",
        (site / "index.html").as_uri(),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.read_bytes().startswith(b"\x89PNG")
    assert shot.stat().st_size > 10_000
