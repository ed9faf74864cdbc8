"""The Jinja2 environment: templates from this package, HTML autoescaped.

Templates only loop and format; every number and list they show is computed
in :mod:`accord.site.pages`. Jinja2 is imported only when ``site`` runs.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2


def environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("accord.site", "templates"),
        autoescape=jinja2.select_autoescape(["html"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["plural"] = _plural
    env.filters["web_link"] = _web_link
    return env


def render(env: jinja2.Environment, template: str, context: Mapping[str, Any]) -> str:
    return env.get_template(template).render(**context)


@functools.cache
def templates_digest() -> str:
    """A digest of every template and of this module (its filters): a page
    made by another accord is made again."""
    digest = hashlib.blake2b(digest_size=16)
    templates = resources.files("accord.site") / "templates"
    for entry in sorted(templates.iterdir(), key=lambda e: e.name):
        digest.update(entry.name.encode() + b"\0" + entry.read_bytes() + b"\0")
    digest.update((resources.files("accord.site") / "render.py").read_bytes())
    return digest.hexdigest()


def page_key(template: str, context: Mapping[str, Any]) -> str:
    """What a page shows, as a digest: the templates and the ``repr`` of its
    context (the site's data are frozen dataclasses, tuples, dicts in a
    stable order, whose reprs show every field; a repr that varied between
    runs would only make the page be rendered again)."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{templates_digest()}\0{template}\0".encode())
    for name in sorted(context):
        digest.update(f"{name}={context[name]!r}\0".encode())
    return digest.hexdigest()


def render_pages(pages: Sequence[tuple[str, Mapping[str, Any]]]) -> list[str]:
    """Each ``(template, context)`` rendered, in order.

    In this process: rendering them in worker processes as well was measured
    to save no time on two busy cores, and cost the pickling of every
    context and a Jinja2 environment per worker.
    """
    env = _environment()
    return [render(env, template, context) for template, context in pages]


@functools.cache
def _environment() -> jinja2.Environment:
    return environment()


def static_file(name: str) -> str:
    """A file of ``accord/site/static`` (the stylesheet, the search script)."""
    return (resources.files("accord.site") / "static" / name).read_text("utf-8")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _web_link(url: str) -> str:
    """``url`` if it is an http(s) address, else "" (no javascript: links)."""
    return url if url.lower().startswith(("https://", "http://")) else ""
