"""The licence policy as configured: kept apart from the normaliser so that
reading accord.toml does not load the SPDX tables."""

# Annotations are evaluated here, not postponed: see accord.findings.
from typing import NamedTuple


class LicensePolicy(NamedTuple):
    """Which SPDX ids a requirements repo accepts.

    ``allowed`` and ``forbidden`` are ``fnmatch`` globs matched against the
    whole SPDX id, case-insensitively, so ``GPL-*`` does not match
    ``LGPL-2.1-only``. When both lists match, forbidden wins. ``aliases``
    maps extra free-form text to an SPDX expression and is consulted first.
    """

    allowed: tuple[str, ...]
    forbidden: tuple[str, ...]
    aliases: tuple[tuple[str, str], ...] = ()


DEFAULT_POLICY = LicensePolicy(
    allowed=(
        "Apache-2.0", "BSD-*", "0BSD", "MIT", "MIT-0", "ISC", "PSF-2.0",
        "Python-2.0", "MPL-2.0", "LGPL-*", "Unlicense", "Zlib", "HPND", "ZPL-2.1",
    ),
    forbidden=("GPL-*", "AGPL-*"),
)  # fmt: skip
