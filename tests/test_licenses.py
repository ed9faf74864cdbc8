"""Tests for accord.licenses: free-form licence names, SPDX and the policy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.licenses import canonicalize_license_expression

from accord._licence_names import NAMES
from accord.errors import ConfigError
from accord.licenses import (
    _NAMES,
    DEFAULT_POLICY,
    LicenseAssessment,
    LicensePolicy,
    assess_license,
    normalize_license,
)
from tests import licence_names

# Every licence comment in OpenStack's global-requirements.txt (the leading
# "#" removed), with the SPDX expression and the verdict under DEFAULT_POLICY.
REAL_STRINGS = [
    pytest.param("Apache-2.0", "Apache-2.0", "allowed", id="apache-spdx"),
    pytest.param("MIT", "MIT", "allowed", id="mit"),
    pytest.param("BSD", "BSD-3-Clause", "allowed", id="bsd-plain"),
    pytest.param("MIT License", "MIT", "allowed", id="mit-license"),
    pytest.param("Apache 2.0 License", "Apache-2.0", "allowed", id="apache-2-lic"),
    pytest.param("Apache 2.0", "Apache-2.0", "allowed", id="apache-space-2.0"),
    pytest.param("BSD License", "BSD-3-Clause", "allowed", id="bsd-license"),
    pytest.param(
        "Apache-2.0/BSD", "Apache-2.0 OR BSD-3-Clause", "allowed", id="apache-slash-bsd"
    ),
    pytest.param("PSF", "PSF-2.0", "allowed", id="psf"),
    pytest.param("PSF License", "PSF-2.0", "allowed", id="psf-license"),
    pytest.param("LGPLv2+", "LGPL-2.0-or-later", "allowed", id="lgplv2+"),
    pytest.param("BSD License (3 clause)", "BSD-3-Clause", "allowed", id="bsd-3-cl"),
    pytest.param("LGPLv2.1+", "LGPL-2.1-or-later", "allowed", id="lgplv2.1+"),
    pytest.param("LGPLv2.1", "LGPL-2.1-only", "allowed", id="lgplv2.1"),
    pytest.param("LGPLv3+", "LGPL-3.0-or-later", "allowed", id="lgplv3+"),
    pytest.param("LGPLv3", "LGPL-3.0-only", "allowed", id="lgplv3"),
    pytest.param("LGPL/ZPL", "LGPL-2.1-or-later OR ZPL-2.1", "allowed", id="lgpl-zpl"),
    pytest.param("LGPL", "LGPL-2.1-or-later", "allowed", id="lgpl-plain"),
    pytest.param("BSD license", "BSD-3-Clause", "allowed", id="bsd-license-lower"),
    pytest.param("BSD License (2 clause)", "BSD-2-Clause", "allowed", id="bsd-2-cl"),
    pytest.param("license: MIT", "MIT", "allowed", id="license-prefix"),
    pytest.param("MPL-2.0", "MPL-2.0", "allowed", id="mpl-spdx"),
    # OFL-1.1 is a real, permissive licence but not in the default policy.
    pytest.param(
        "SIL OPEN FONT LICENSE Version 1.1", "OFL-1.1", "review", id="ofl-long"
    ),
    pytest.param(
        "SIL OFL 1.1 License, MIT License", "OFL-1.1 AND MIT", "review", id="ofl-mit"
    ),
    pytest.param("PSF/ZPL", "PSF-2.0 OR ZPL-2.1", "allowed", id="psf-zpl"),
    pytest.param("PIL License", "HPND", "allowed", id="pil"),
    pytest.param(
        "OSI-Approved Open Source, Public Domain", None, "review", id="osi-pd"
    ),
    pytest.param("MPL", "MPL-2.0", "allowed", id="mpl-plain"),
    pytest.param("MIT/PSF", "MIT OR PSF-2.0", "allowed", id="mit-psf"),
    pytest.param(
        "LGPL+BSD", "LGPL-2.1-or-later OR BSD-3-Clause", "allowed", id="lgpl-plus-bsd"
    ),
    pytest.param("ISC License", "ISC", "allowed", id="isc-license"),
    pytest.param("ISC", "ISC", "allowed", id="isc"),
    pytest.param(
        "BSD/Apache-2.0", "BSD-3-Clause OR Apache-2.0", "allowed", id="bsd-apache"
    ),
    pytest.param("BSD-3-Clause", "BSD-3-Clause", "allowed", id="bsd-3-clause-spdx"),
    pytest.param("BSD-3", "BSD-3-Clause", "allowed", id="bsd-3"),
    pytest.param("BSD License (prior)", "BSD-3-Clause", "allowed", id="bsd-prior"),
    pytest.param("BSD (3 clause)", "BSD-3-Clause", "allowed", id="bsd-paren-3-clause"),
    pytest.param(
        "Apache-2.0 (+ dual licensed GPL2)",
        "Apache-2.0 OR GPL-2.0-only",
        "allowed",
        id="apache-dual-gpl2",
    ),
    pytest.param("GPLv2", "GPL-2.0-only", "forbidden", id="gplv2"),
    pytest.param(
        "GPL with FOSS exception",
        "GPL-2.0-only WITH Universal-FOSS-exception-1.0",
        "forbidden",
        id="gpl-foss-exception",
    ),
    pytest.param("GLGPLv3+", "LGPL-3.0-or-later", "allowed", id="glgpl-typo"),
    pytest.param("Public Domain", "LicenseRef-Public-Domain", "review", id="public"),
    pytest.param("http://www.dnspython.org/LICENSE", None, "review", id="url"),
]

# The same names written differently: case, spacing and wording.
SPELLINGS = [
    pytest.param("mit license", "MIT", id="lower"),
    pytest.param("  MIT   License  ", "MIT", id="spaces"),
    pytest.param("LICENSE: mit", "MIT", id="prefix-upper"),
    pytest.param("The MIT License", "MIT", id="the"),
    pytest.param("Apache License, Version 2.0", "Apache-2.0", id="apache-version"),
    pytest.param("apache-2.0 OR mit", "Apache-2.0 OR MIT", id="spdx-lower"),
    pytest.param("GPLv2 or later", "GPL-2.0-or-later", id="or-later"),
    pytest.param("LGPL v2.1 +", "LGPL-2.1-or-later", id="detached-plus"),
    pytest.param("MIT and BSD", "MIT AND BSD-3-Clause", id="and-word"),
    pytest.param("MIT or BSD", "MIT OR BSD-3-Clause", id="or-word"),
    pytest.param("(MIT)", "MIT", id="parenthesised"),
    pytest.param(
        "MIT or BSD, GPLv2", "MIT OR (BSD-3-Clause AND GPL-2.0-only)", id="precedence"
    ),
    pytest.param(
        "(MIT or GPLv3) and BSD",
        "(MIT OR GPL-3.0-only) AND BSD-3-Clause",
        id="parenthesised-group",
    ),
    pytest.param(
        "Historical Permission Notice and Disclaimer", "HPND", id="and-inside-name"
    ),
    pytest.param("LicenseRef-x+", None, id="suffixed-licenseref"),  # packaging bug
    pytest.param("MIT (", "MIT", id="stray-parenthesis"),
    pytest.param("", None, id="empty"),
]

# Real SPDX ids that must pass straight through, untouched.
SPDX_IDS = [
    "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "0BSD", "MIT", "MIT-0", "ISC",
    "PSF-2.0", "Python-2.0", "MPL-2.0", "LGPL-2.1-only", "LGPL-3.0-or-later",
    "GPL-2.0-only", "GPL-3.0-or-later", "AGPL-3.0-only", "Unlicense", "Zlib",
    "HPND", "ZPL-2.1", "OFL-1.1", "EPL-2.0", "CC0-1.0", "LicenseRef-Proprietary",
]  # fmt: skip

# Pieces of licence comments, glued together at random by the property tests.
TOKENS = [
    "MIT", "BSD", "GPLv2", "LGPL", "Apache 2.0", "PSF", "ISC", "License",
    "Frobnicate", "/", " or ", " and ", ", ", "+", "(", ")", " ", "license:",
    "Apache-2.0", "GPL-3.0-only", " OR ", " AND ",
]  # fmt: skip


@pytest.mark.parametrize(("text", "expression", "verdict"), REAL_STRINGS)
def test_normalize_maps_real_strings(
    text: str, expression: str | None, verdict: str
) -> None:
    assert normalize_license(text) == expression


@pytest.mark.parametrize(("text", "expression", "verdict"), REAL_STRINGS)
def test_assess_judges_real_strings(
    text: str, expression: str | None, verdict: str
) -> None:
    assessment = assess_license(text)
    assert assessment.text == text
    assert assessment.expression == expression
    assert assessment.verdict == verdict


@pytest.mark.parametrize(("text", "expression"), SPELLINGS)
def test_normalize_is_case_space_and_wording_insensitive(
    text: str, expression: str | None
) -> None:
    assert normalize_license(text) == expression


def test_empty_text_needs_review_because_there_is_no_licence() -> None:
    assert assess_license("  ") == LicenseAssessment(
        "  ", None, "review", "no licence is given"
    )
    assert assess_license("license:").verdict == "review"


def test_forbidden_reason_names_the_spdx_id() -> None:
    assert assess_license("GPLv2").reason == (
        "GPL-2.0-only is forbidden by the licence policy"
    )


def test_unrecognised_reason_quotes_the_text_and_suggests_an_alias() -> None:
    assert assess_license("http://www.dnspython.org/LICENSE").reason == (
        "'http://www.dnspython.org/LICENSE' is not a licence accord recognises; "
        "add an alias in accord.toml [licenses.aliases] or review it"
    )


def test_recognised_but_unlisted_licence_needs_review() -> None:
    assessment = assess_license("Public Domain")
    assert assessment.verdict == "review"
    assert "LicenseRef-Public-Domain is neither allowed nor forbidden" in (
        assessment.reason
    )


def test_dual_licence_with_one_forbidden_side_passes() -> None:
    assessment = assess_license("GPL-3.0-only OR MIT")
    assert assessment.verdict == "allowed"
    assert assessment.reason == "MIT is allowed by the licence policy"


def test_both_licences_with_one_forbidden_side_fail() -> None:
    for text in ("MIT AND GPL-3.0-only", "MIT, GPLv3", "MIT and GPLv3"):
        assessment = assess_license(text)
        assert assessment.expression == "MIT AND GPL-3.0-only"
        assert assessment.verdict == "forbidden"
        assert assessment.reason == "GPL-3.0-only is forbidden by the licence policy"


def test_unrecognised_side_of_a_choice_does_not_block_the_other() -> None:
    assessment = assess_license("MIT/Frobnicate")
    assert (assessment.expression, assessment.verdict) == (None, "allowed")


def test_unrecognised_side_of_both_apply_needs_review() -> None:
    assessment = assess_license("MIT, Frobnicate")
    assert (assessment.expression, assessment.verdict) == (None, "review")
    assert assessment.reason.startswith("'Frobnicate' is not a licence")


def test_gpl_glob_does_not_catch_lgpl() -> None:
    policy = LicensePolicy(allowed=(), forbidden=("GPL-*",))
    assert assess_license("LGPL-2.1-only", policy).verdict == "review"
    assert assess_license("GPL-2.0-only", policy).verdict == "forbidden"
    assert assess_license("LGPLv2.1").verdict == "allowed"


def test_exception_is_judged_by_its_base_licence() -> None:
    policy = LicensePolicy(allowed=("MIT",), forbidden=())
    assert assess_license("MIT WITH Classpath-exception-2.0", policy).verdict == (
        "allowed"
    )


def test_custom_policy() -> None:
    policy = LicensePolicy(allowed=("mit", "bsd-*"), forbidden=("Apache-*",))
    assert assess_license("MIT License", policy).verdict == "allowed"
    assert assess_license("BSD", policy).verdict == "allowed"
    assert assess_license("Apache 2.0", policy).verdict == "forbidden"
    assert assess_license("ISC", policy).verdict == "review"
    assert assess_license("GPLv2", policy).verdict == "review"


def test_forbidden_wins_when_both_lists_match() -> None:
    policy = LicensePolicy(allowed=("*",), forbidden=("AGPL-*",))
    assert assess_license("AGPL-3.0-only", policy).verdict == "forbidden"


def test_alias_recognises_new_text_case_and_space_insensitively() -> None:
    aliases = (("  HTTP://www.dnspython.org/LICENSE ", "isc"),)
    url = "http://www.dnspython.org/LICENSE"
    assert normalize_license(url, aliases) == "ISC"
    assert normalize_license(f"MIT, {url}", aliases) == "MIT AND ISC"


def test_alias_overrides_the_built_in_table() -> None:
    aliases = (("bsd", "BSD-2-Clause"), ("Public Domain", "Unlicense"))
    assert normalize_license("BSD", aliases) == "BSD-2-Clause"
    assert normalize_license("Apache-2.0/BSD", aliases) == "Apache-2.0 OR BSD-2-Clause"
    assert normalize_license("public   domain", aliases) == "Unlicense"


def test_alias_may_expand_to_an_expression_even_one_naming_itself() -> None:
    aliases = (("MIT", "MIT OR Apache-2.0"),)
    assert normalize_license("MIT", aliases) == "MIT OR Apache-2.0"


def test_policy_aliases_are_used_by_assess() -> None:
    policy = LicensePolicy(
        allowed=DEFAULT_POLICY.allowed,
        forbidden=DEFAULT_POLICY.forbidden,
        aliases=(("OSI-Approved Open Source", "MIT"), ("Public Domain", "Unlicense")),
    )
    assessment = assess_license("OSI-Approved Open Source, Public Domain", policy)
    assert assessment.expression == "MIT AND Unlicense"
    assert assessment.verdict == "allowed"


def test_alias_to_invalid_spdx_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="not an SPDX expression"):
        normalize_license("Frob", (("frob", "Frobnicate Licence"),))


@given(st.sampled_from(SPDX_IDS))
def test_valid_spdx_id_passes_through_unchanged(spdx_id: str) -> None:
    assert normalize_license(spdx_id) == spdx_id
    if not spdx_id.startswith("LicenseRef-"):  # a LicenseRef keeps its own case
        assert normalize_license(spdx_id.lower()) == spdx_id


@given(
    st.lists(st.sampled_from(SPDX_IDS), min_size=1, max_size=4),
    st.sampled_from([" OR ", " AND ", " or ", " and "]),
)
def test_spdx_expression_passes_through_canonicalised(ids: list[str], op: str) -> None:
    text = op.join(ids)
    assert normalize_license(text) == canonicalize_license_expression(text)


@given(st.lists(st.sampled_from(TOKENS), max_size=8).map("".join))
def test_normalisation_is_idempotent_and_assess_agrees(text: str) -> None:
    expression = normalize_license(text)
    if expression is not None:
        assert normalize_license(expression) == expression
    assessment = assess_license(text)
    assert assessment.expression == expression
    assert assessment.verdict in {"allowed", "forbidden", "review"}
    assert assessment.reason


@pytest.mark.parametrize("row", range(len(_NAMES)))
@given(data=st.data())
def test_every_key_a_table_row_matches_is_looked_up_as_that_row(
    row: int, data: st.DataObject
) -> None:
    # The keys are looked up in the written-out list, not matched against the
    # patterns: a key a pattern matches that the list lacks (or gives another
    # row's SPDX) would stop recognising that licence. Drawn by re's own
    # reading of the pattern, not the expansion that wrote the list.
    _, pattern = _NAMES[row]
    key = data.draw(st.from_regex(pattern, fullmatch=True))
    first = next(spdx for spdx, p in _NAMES if re.fullmatch(p, key))
    assert NAMES.get(key) == first


def test_the_written_list_of_keys_is_the_tables() -> None:
    # Each key the list holds is one some row's pattern matches, with the
    # first such row's SPDX; and the file is what the table writes now.
    for key, spdx in NAMES.items():
        assert next(s for s, p in _NAMES if re.fullmatch(p, key)) == spdx
    written = (Path(__file__).parent.parent / licence_names.MODULE).read_text()
    assert written == licence_names.module(), (
        "the licence table changed: run "
        "'PYTHONPATH=src python -m tests.licence_names > src/accord/_licence_names.py'"
    )
