from __future__ import annotations

import pytest

from accord.config import DEFAULT_CONFIG, parse_config
from accord.errors import ConfigError
from accord.licenses import assess_license

BAD_CONFIGS = [
    pytest.param("python-versions = '3.12'\n", 1, "list of strings", id="not-a-list"),
    pytest.param("python-versions = ['3']\n", 1, "X.Y", id="not-x-y"),
    pytest.param("python-versions = []\n", 1, "empty", id="empty-list"),
    pytest.param(
        "lower-bound = 'project'\n", 1, "did you mean 'lower-bounds'", id="typo"
    ),
    pytest.param(
        "\n\n[licenses]\nallow = []\n", 4, "licenses.allowed", id="typo-in-table"
    ),
    pytest.param("licenses = 3\n", 1, "table", id="licenses-not-table"),
    pytest.param("[licenses.aliases]\nx = 1\n", 2, "string", id="alias-not-string"),
    pytest.param(
        '[licenses.aliases]\n"ok" = "MIT"\n"x" = "MIT"\n"y" = 5\n',
        4,
        "'y' maps to 5",
        id="alias-not-string-names-its-own-line",
    ),
    pytest.param(
        '[licenses]\nallowed = ["MIT"]\n[licenses.aliases]\n'
        'allowed = "MIT"\n"a \\"q\\" b" = "not spdx!"\n',
        5,
        "SPDX",
        id="alias-with-escapes-names-its-line",
    ),
    pytest.param(
        '[licenses]\nallowed = ["MIT"]\n[licenses.aliases]\n"allowed" = "no!"\n',
        4,
        "'allowed'",
        id="alias-named-like-a-key-names-its-own-line",
    ),
    pytest.param(
        '[licenses]\naliases = { "x" = "MIT", "y" = "no!" }\n',
        2,
        "'y'",
        id="alias-in-inline-table",
    ),
    pytest.param(
        'licenses.aliases."Corp" = "no!"\n', 1, "'Corp'", id="alias-dotted-key"
    ),
    pytest.param("a = [\n", 1, "invalid TOML", id="syntax"),
    pytest.param(
        '[licenses.aliases]\n"Corp" = "not spdx!"\n', 2, "SPDX", id="alias-not-spdx"
    ),
    pytest.param(
        '[[static-metadata]]\nname = "x"\nrequires-dist = ["a===1.0,a"]\n',
        3,
        "static metadata for x",
        id="static-requirement-packaging-rejects-as-specifier",
    ),
    pytest.param(
        '[[static-metadata]]\nname = "x"\nrequires-dist = ["???"]\n',
        3,
        "Expected package name",
        id="static-requirement-error-is-one-line",
    ),
    pytest.param(
        '[policy]\ncooldown = "99999999999999999999 days"\n',
        2,
        "'policy.cooldown'",
        id="cooldown-too-long-for-a-timedelta",
    ),
    pytest.param(
        '[policy]\ncooldown = "999999 days"\n',
        2,
        "'policy.cooldown'",
        id="cooldown-reaching-before-year-one",
    ),
    pytest.param(
        '[[holds]]\nname = "x"\nspecifier = "<1"\nreason = "r"\n'
        "expires = 2026-12-31T10:00:00\n",
        5,
        "'expires' must be a date",
        id="hold-expires-a-date-and-time",
    ),
    pytest.param(
        '[[audit.ignore]]\nid = "CVE-1"\nreason = "r"\nexpires = 2026-12-31T10:00:00\n',
        4,
        "'expires' must be a date",
        id="ignore-expires-a-date-and-time",
    ),
    pytest.param(
        '[[holds]]\nname = "a"\nspecifier = "<1"\nreason = "r"\n\n'
        '[[holds]]\nname = "b"\nreason = "r"\n',
        6,
        "[[holds]] needs 'specifier'",
        id="hold-without-specifier-names-its-header",
    ),
    pytest.param(
        '[[holds]]\nname = "a"\nspecifier = "<1"\nreason = "r"\n'
        '[[holds]]\nname = "gam ma"\nspecifier = "<2"\nreason = "r"\n',
        6,
        "hold for 'gam ma': not a library name",
        id="hold-name-that-no-library-can-have",
    ),
    pytest.param(
        '[[holds]]\nname = "oslo.config[fixtures]"\nspecifier = "<9"\nreason = "r"\n',
        2,
        "hold for 'oslo.config[fixtures]': not a library name",
        id="hold-name-with-extras",
    ),
    pytest.param(
        '[[holds]]\nname = "a"\nspecifier = "<1"\nreason = "r"\n'
        '[[holds]]\nname = "b"\nspecifier = "bad"\nreason = "r"\n',
        7,
        "hold for b: 'bad' is not a specifier",
        id="second-hold-bad-specifier-names-its-own-line",
    ),
    pytest.param(
        '[[audit.ignore]]\nreason = "r"\n', 1, "needs 'id'", id="ignore-without-id"
    ),
    pytest.param(
        '\n[[static-metadata]]\nversion = "1"\n',
        2,
        "needs 'name'",
        id="static-without-name",
    ),
    pytest.param(
        '[review]\ndistro-repos = [{url = "u"}]\n',
        2,
        "needs 'name'",
        id="distro-repo-without-name",
    ),
    pytest.param(
        '[review]\ndistro-repos = [\n  {url = "u"},\n]\n',
        2,
        "needs 'name'",
        id="distro-repo-without-name-multi-line",
    ),
    pytest.param(
        '[[review.distro-repos]]\nname = "f"\n',
        1,
        "needs 'url'",
        id="distro-repo-table-without-url",
    ),
    pytest.param(
        '[[policy.cooldown-exempt]]\nname = "a"\nversion = "1"\nreason = "r"\n'
        '[[policy.cooldown-exempt]]\nname = "b"\nreason = "r"\n',
        5,
        "needs 'version'",
        id="second-exempt-without-version-names-its-header",
    ),
    pytest.param(
        '[[policy.cooldown-exempt]]\nname = "a"\nversion = "1"\nreason = "r"\n'
        '[[policy.cooldown-exempt]]\nname = "b"\nversion = "x"\nreason = "r"\n',
        7,
        "version 'x' is not a PEP 440 version",
        id="second-exempt-bad-version-names-its-line",
    ),
    pytest.param(
        "[review]\nwarn-after-years = 5\n",
        2,
        "above 'fail-after-years' (3",
        id="warn-after-default-fail-would-never-warn",
    ),
    pytest.param(
        "[review]\nwarn-after-years = 2\nfail-after-years = 1\n",
        3,
        "above 'fail-after-years' (1",
        id="fail-before-warn",
    ),
    pytest.param(
        '[[holds]]\nname = "a"\nspecifier = "<1"\nreason = "r"\n[index]\nname = "x"\n',
        6,
        "unknown key 'name' in index",
        id="unknown-index-key-names-its-own-line",
    ),
    pytest.param(
        '[review]\ndistro-repos = [{name = "f", url = "u"}]\n[audit]\nurl = 3\n',
        4,
        "unknown key 'url' in [audit]",
        id="unknown-audit-key-names-its-own-line",
    ),
    pytest.param("[review]\nwarn-after-years = nan\n", 2, "finite", id="years-nan"),
    pytest.param("[review]\nfail-after-years = inf\n", 2, "finite", id="years-inf"),
    pytest.param("[review]\nwarn-after-years = 0\n", 2, "> 0", id="years-zero"),
    pytest.param(
        "[review]\nduplicate-threshold = 7\n",
        2,
        "between 0 and 1",
        id="duplicate-threshold-above-one",
    ),
    pytest.param("[review]\ntime-budget = inf\n", 2, "finite", id="time-budget-inf"),
    pytest.param(
        "review = { time-budget = -1 }\n", 1, ">= 0", id="time-budget-negative"
    ),
]


def test_empty_file_is_all_defaults() -> None:
    assert parse_config("") == DEFAULT_CONFIG
    assert DEFAULT_CONFIG.lower_bounds == "project"
    assert {"pip", "setuptools", "wheel"} <= DEFAULT_CONFIG.unpinned


def test_every_key_read() -> None:
    config = parse_config(
        'python-versions = ["3.11", "3.12"]\n'
        'lower-bounds = "central"\n'
        'unpinned = ["Pip"]\n'
        "[licenses]\n"
        'allowed = ["MIT"]\n'
        'forbidden = ["Apache-*"]\n'
        "[licenses.aliases]\n"
        '"Our Licence" = "MIT"\n'
    )
    assert config.python_versions == ("3.11", "3.12")
    assert config.lower_bounds == "central"
    assert config.unpinned == {"pip"}
    assert assess_license("Our Licence", config.licenses).verdict == "allowed"
    assert assess_license("Apache-2.0", config.licenses).verdict == "forbidden"


@pytest.mark.parametrize(("text", "line", "words"), BAD_CONFIGS)
def test_bad_config_names_the_line(text: str, line: int, words: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(text, "accord.toml")
    assert raised.value.line == line
    assert words in str(raised.value)
    assert str(raised.value).startswith(f"accord.toml:{line}: ")
    assert "\n" not in str(raised.value)  # one line, as every error


DISTRO_REPO_ERRORS = [
    pytest.param("[review]\ndistro-repos = 3\n", "array of tables", id="not-array"),
    pytest.param(
        '[review]\ndistro-repos = [{name = "f"}]\n', "needs 'url'", id="no-url"
    ),
    pytest.param(
        '[review]\ndistro-repos = [{name = "f", url = "u", mirror = 1}]\n',
        "unknown key 'mirror'",
        id="unknown-key",
    ),
    pytest.param(
        '[review]\ndistro-repos = [{name = "f", url = "a"}, {name = "f", url = "b"}]\n',
        "named twice",
        id="twice",
    ),
]


def test_distro_repos_read() -> None:
    config = parse_config(
        '[review]\ndistro-repos = [{name = "fedora-41", url = "https://m/41/"}]\n'
    )
    [repo] = config.resolution.review.distro_repos
    assert (repo.name, repo.url) == ("fedora-41", "https://m/41/")
    assert DEFAULT_CONFIG.resolution.review.distro_repos == ()


@pytest.mark.parametrize(("text", "words"), DISTRO_REPO_ERRORS)
def test_bad_distro_repos(text: str, words: str) -> None:
    with pytest.raises(ConfigError, match=words) as raised:
        parse_config(text, "accord.toml")
    assert str(raised.value).startswith("accord.toml:")


def test_each_hold_and_ignore_has_its_own_line() -> None:
    """Two entries for one library (or one advisory) are two lines, not the
    first one twice."""
    config = parse_config(
        '[[holds]]\nname = "requests"\nspecifier = "<3"\nreason = "a"\n'  # 1-4
        '[[holds]]\nname = "Requests"\nspecifier = "!=3.1"\nreason = "b"\n'  # 5-8
        '[[audit.ignore]]\nid = "GHSA-1"\nreason = "a"\n'  # 9-11
        '[[audit.ignore]]\nreason = "b"\nid = "GHSA-1"\n'  # 12-14
    )
    assert [h.line for h in config.resolution.holds] == [2, 6]
    assert [i.line for i in config.resolution.audit.ignores] == [10, 14]
