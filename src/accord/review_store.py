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

import datetime
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from packaging.utils import NormalizedName, canonicalize_name

from accord import __version__
from accord.errors import InputError
from accord.files import inside, read_text
from accord.writes import signals_deferred, write_atomic

if TYPE_CHECKING:  # the review's machinery, only to write a record
    from accord.review import NotReviewed, Review

__all__ = [
    "REVIEWS_DIR",
    "StoredCriterion",
    "StoredReview",
    "load_reviews",
    "parse_record",
    "record",
    "save_reviews",
]

REVIEWS_DIR = "reviews"
_MAX_RECORD_BYTES = 1024 * 1024


class StoredCriterion(NamedTuple):
    """One criterion as the admission review judged it."""

    verdict: str  # "pass", "warn", "fail" or "unknown"
    detail: str
    evidence: Mapping[str, str]


class StoredReview(NamedTuple):
    """What ``reviews/<name>.json`` keeps of an admission review."""

    path: str  # relative to the requirements repo
    package: NormalizedName
    version: str | None  # the version reviewed
    reviewed: datetime.date
    criteria: Mapping[str, StoredCriterion]


def record(result: Review, accord_version: str = __version__) -> str:
    """The text of ``reviews/<name>.json`` for one review.

    The package is named canonically (not as typed: ``GoodLib`` and
    ``goodlib`` give the same file).
    """
    from accord.report.review import review_dict

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
    from accord.review import Review

    reviews = [r for r in results if isinstance(r, Review)]
    targets = [(record_path(root, r.evidence.name), record(r)) for r in reviews]
    written: list[Path] = []
    with signals_deferred():
        for target, text in targets:
            target.parent.mkdir(exist_ok=True)
            write_atomic(target, text)
            written.append(target.relative_to(root.resolve()))
    return written


def parse_record(text: str, path: str) -> StoredReview:
    """A ``reviews/<name>.json`` as :func:`record` writes it; InputError
    naming the file (and line, for bad JSON) otherwise."""
    try:
        document = json.loads(text)
    except ValueError as error:
        line = getattr(error, "lineno", None)
        raise InputError(f"not JSON: {error}", path=path, line=line) from error
    except RecursionError:
        raise InputError("JSON nested too deeply", path=path) from None
    try:
        if not isinstance(document, dict):
            raise TypeError("not an object")
        reviewed = datetime.date.fromisoformat(str(document["reviewed"]))
        version = document.get("version")
        criteria = {
            str(item["id"]): StoredCriterion(
                str(item["verdict"]),
                str(item.get("detail", "")),
                {str(k): str(v) for k, v in (item.get("evidence") or {}).items()},
            )
            for item in document["criteria"]
        }
        package = canonicalize_name(str(document["package"]))
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise InputError(
            f"not a review record as `accord review --save` writes it ({error!r})",
            path=path,
        ) from error
    return StoredReview(
        path, package, None if version is None else str(version), reviewed, criteria
    )


def load_reviews(root: Path) -> dict[NormalizedName, StoredReview]:
    """Every review kept in ``root``'s ``reviews/``, by canonical name (the
    file's); none when there is no such directory."""
    directory = inside(root, REVIEWS_DIR)
    try:
        paths = sorted(p for p in directory.glob("*.json") if p.is_file())
    except OSError:
        return {}
    found: dict[NormalizedName, StoredReview] = {}
    for path in paths:
        relative = f"{REVIEWS_DIR}/{path.name}"
        text = read_text(inside(root, relative), relative, _MAX_RECORD_BYTES)
        stored = parse_record(text, relative)
        found[canonicalize_name(path.stem)] = stored
    return found
