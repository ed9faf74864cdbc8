"""Direct references (``name @ URL``): never handed to the resolver.

A path, an archive, a VCS checkout or a URL names one particular artifact,
not a release on the index, and learning its requirements means building it,
which runs its code. accord resolves only from the index and never builds,
so such a requirement is reported and left out of the resolution.
"""

from __future__ import annotations

from packaging.requirements import Requirement

_VCS = ("git+", "hg+", "svn+", "bzr+")
_ARCHIVES = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar", ".zip")


def direct_reference(requirement: Requirement) -> str | None:
    """What kind of direct reference the requirement is, or None for a name."""
    url = requirement.url
    if url is None:
        return None
    lowered = url.lower()
    if lowered.startswith(_VCS):
        return "a VCS reference"
    archive = lowered.split("#")[0].split("?")[0].endswith(_ARCHIVES)
    if lowered.startswith(("http://", "https://")):
        return "an archive URL" if archive else "a direct URL"
    return "an archive path" if archive else "a path"


def refusal(text: str, kind: str) -> str:
    """The message for a direct reference left out of a resolution."""
    return (
        f"{text} is {kind}: accord resolves only releases from the index and "
        "never builds a package (a build runs its code), so it was left out"
    )


REFUSAL_FIX = (
    "require a released version by name (with static metadata in accord.toml "
    "for an sdist-only package), or check this one by other means"
)
