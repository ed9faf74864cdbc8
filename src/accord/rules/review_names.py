"""Names and descriptions compared: the typosquat and duplicates helpers."""

from __future__ import annotations

import re

from accord.index.model import CoreMetadata

# Very popular PyPI names, the usual targets of typosquatting.
POPULAR = (
    "boto3", "botocore", "urllib3", "requests", "setuptools", "certifi",
    "charset-normalizer", "idna", "typing-extensions", "python-dateutil",
    "packaging", "s3transfer", "aiobotocore", "six", "numpy", "pyyaml",
    "s3fs", "fsspec", "pip", "cryptography", "google-api-core", "pydantic",
    "cffi", "attrs", "protobuf", "pycparser", "wheel", "pandas", "jmespath",
    "rsa", "importlib-metadata", "pyasn1", "zipp", "click", "platformdirs",
    "markupsafe", "jinja2", "pytz", "colorama", "filelock", "tomli",
    "virtualenv", "pluggy", "pytest", "wrapt", "pyjwt", "awscli", "psutil",
    "sqlalchemy", "requests-oauthlib", "oauthlib", "grpcio", "docutils",
    "werkzeug", "flask", "django", "pillow", "scipy", "matplotlib", "lxml",
    "beautifulsoup4", "paramiko", "greenlet", "aiohttp", "multidict", "yarl",
    "httpx", "rich", "tqdm", "decorator", "simplejson", "redis", "pymysql",
    "psycopg2", "psycopg2-binary", "eventlet", "kombu", "celery", "babel",
)  # fmt: skip
_STOPWORDS = frozenset(
    (
        "a",
        "an",
        "and",
        "for",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "python",
        "library",
        "module",
        "package",
        "tool",
        "tools",
        "simple",
        "based",
        "using",
        "support",
    )
)
_WORD = re.compile(r"[a-z0-9]+")


def profile(meta: CoreMetadata) -> frozenset[str]:
    words = set(_WORD.findall((meta.summary or "").lower())) - _STOPWORDS
    words |= {k.lower() for k in meta.keywords}
    words |= {f"topic:{c}" for c in meta.classifiers if c.startswith("Topic :: ")}
    return frozenset(words)


def similarity(left: frozenset[str], right: frozenset[str]) -> float:
    """Jaccard similarity; one shared word between tiny profiles is chance."""
    shared = len(left & right)
    if shared < 2:
        return 0.0
    return shared / len(left | right)


def edit_distance(left: str, right: str, limit: int) -> int:
    """Levenshtein distance, stopping early above ``limit``.

    Hand-written: a dozen lines, and no dependency for it is worth adding.
    """
    if abs(len(left) - len(right)) > limit:
        return limit + 1
    previous = list(range(len(right) + 1))
    for i, a in enumerate(left, start=1):
        current = [i]
        for j, b in enumerate(right, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b))
            )
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]
