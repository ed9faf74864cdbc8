"""Credentials kept out of everything accord prints.

A URL in projects.txt or an option may carry a user, a password or a token
(``https://bot:s3cret@host/org/a``); whatever shows it shows
``https://***@host/org/a`` instead.
"""

from __future__ import annotations

import re

# The userinfo of a URL (user, user:password or a token), up to its last "@"
# before the host: never across "/", "?", "#", whitespace or a quote. One
# slash is enough: a URL made a path component (``ws/https:/u:p@h/...``)
# has lost the other. Compiled by re when first used: most output has no "@".
_USERINFO = r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]*:/{1,2})[^/?#\s'\"]*@"


def mask_credentials(text: str) -> str:
    """``text`` with the userinfo of every URL in it replaced by ``***``."""
    if "@" not in text:
        return text
    return re.sub(_USERINFO, lambda m: f"{m.group('scheme')}***@", text)


def strip_credentials(url: str) -> str:
    """``url`` without its userinfo: ``https://host/path``."""
    return re.sub(_USERINFO, lambda m: m.group("scheme"), url)
