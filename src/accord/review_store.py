"""Review evidence kept with the global list: ``reviews/<name>.json``.

``accord review NAME --save`` writes, for each library reviewed, the JSON the
review prints for it, with the date of the review and accord's version, into
the requirements repo's ``reviews/`` (one file per library, by canonical
name), so the evidence of an admission is committed beside the global-list
line it justifies, and ``accord site`` shows it. A file is the same bytes for
the same evidence on the same day: keys in a fixed order, two-space indent,
a final newline.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from packaging.utils import canonicalize_name

from accord import __version__
from accord.files import inside, signals_deferred, write_atomic
from accord.report.review import review_dict
from accord.review import NotReviewed, Review

__all__ = ["REVIEWS_DIR", "record", "save_reviews"]

REVIEWS_DIR = "reviews"


def record(result: Review, accord_version: str = __version__) -> str:
    """The text of ``reviews/<name>.json`` for one review.

    The package is named canonically (not as typed: ``GoodLib`` and
    ``goodlib`` give the same file).
    """
    document = {
        "schema": 1,
        "command": "review",
        "reviewed": result.evidence.today.isoformat(),
        "accord": accord_version,
        **review_dict(result),
        "package": canonicalize_name(result.evidence.name),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def record_path(root: Path, name: str) -> Path:
    """Where the review of ``name`` is kept in the requirements repo ``root``;
    refused (InputError) if ``reviews/`` leads outside it."""
    relative = f"{REVIEWS_DIR}/{canonicalize_name(name)}.json"
    inside(root, REVIEWS_DIR)
    return inside(root, relative)


def save_reviews(root: Path, results: Sequence[Review | NotReviewed]) -> list[Path]:
    """Write every review in ``results`` (each atomically; a termination
    waits until all are written) and return the paths, relative to ``root``."""
    reviews = [r for r in results if isinstance(r, Review)]
    targets = [(record_path(root, r.evidence.name), record(r)) for r in reviews]
    written: list[Path] = []
    with signals_deferred():
        for target, text in targets:
            target.parent.mkdir(exist_ok=True)
            write_atomic(target, text)
            written.append(target.relative_to(root.resolve()))
    return written
