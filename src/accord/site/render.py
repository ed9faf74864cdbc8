"""The Jinja2 environment: templates from this package, HTML autoescaped.

Templates only loop and format; every number and list they show is computed
in :mod:`accord.site.pages`. Jinja2 is imported only when ``site`` runs.
"""

from __future__ import annotations

from collections.abc import Mapping
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


def static_file(name: str) -> str:
    """A file of ``accord/site/static`` (the stylesheet, the search script)."""
    return (resources.files("accord.site") / "static" / name).read_text("utf-8")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _web_link(url: str) -> str:
    """``url`` if it is an http(s) address, else "" (no javascript: links)."""
    return url if url.lower().startswith(("https://", "http://")) else ""
