from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
EXAMPLES = ROOT / "examples"


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not beside this checkout")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def _clean_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A developer's ACCORD_REQUIREMENTS must not change what tests find, nor
    FORCE_COLOR what they print; and a test's --color must not outlive it.
    who-uses keeps its cache in the test's own directory, not the user's."""
    for name in ("ACCORD_REQUIREMENTS", "FORCE_COLOR", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    cache = tmp_path_factory.mktemp("who-uses-cache")
    monkeypatch.setattr("accord.usage_cache.cache_root", lambda: cache)
