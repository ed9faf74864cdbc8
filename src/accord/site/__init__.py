"""``accord site``: the fleet at a glance as static HTML, and the pins
published per branch and tag.

``data`` gathers the fleet with the commands' own functions, ``pins`` and
``history`` read the requirements repo's git, ``pages`` decides what each page
shows, ``svg`` draws the charts, ``render`` fills the Jinja2 templates and
``write`` writes only the files whose bytes changed. ``build`` ties them.
"""

from __future__ import annotations

from accord.site.build import BuildReport, SiteOptions, build_site

__all__ = ["BuildReport", "SiteOptions", "build_site"]


def __dir__() -> list[str]:
    return __all__
