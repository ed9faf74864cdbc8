"""One line about every rule accord reports, for SARIF's rule metadata.

The README's rule tables say the same at more length; a test keeps the two
in step (every rule the README or the code names is here).
"""

from __future__ import annotations

RULES: dict[str, str] = {
    # validate: the central files
    "G001": "A global-list or constraints line that cannot be parsed",
    "G002": "A library listed twice with the same marker",
    "G003": "A global-list entry without a licence comment",
    "G004": "A licence the policy forbids",
    "G005": "A licence accord does not recognise: needs review",
    "G006": "A cap without a comment directly above it",
    "G007": "A minimum against the lower-bound policy",
    "G008": "A pin the global list excludes or caps",
    "G009": "A global-list entry with no pin on a supported Python",
    "G010": "A denylisted library that is pinned",
    "G011": "A constraints line that is not an exact name===version pin",
    "G012": "Two pins for one library that apply to the same Python",
    "G013": "A project listed twice in projects.txt",
    "G014": "A pin nothing in the global list needs",
    "G015": "A hold in accord.toml past its expiry date",
    "G016": "A global-list line without exactly two spaces before the comment",
    "G017": "A global-list requirement not in canonical form",
    "G018": "A licence comment not written '# Licence'",
    "G019": "No upper-constraints.txt: nothing is pinned",
    "G020": "A global list that lists no library",
    "G021": "A pin outside a hold in accord.toml",
    "G022": "A hold or unpinned entry naming no library the central files know",
    # check: a project against the central files
    "C001": "A requirement entry or file that cannot be read",
    "C002": "A library not in the global list",
    "C003": "An exclusion or cap the global list does not have",
    "C004": "A central exclusion or cap the project's range still allows",
    "C005": "A marker that contradicts the central one",
    "C006": "A minimum against the lower-bound policy",
    "C007": "A minimum above the pinned version",
    "C008": "A library listed twice in one source",
    "C009": "No requirement sources at all",
    "C010": "One line covers several central lines with different markers",
    "C011": "The project's minimum is above the central cap",
    "C012": "Sync could not rewrite a line itself",
    "C013": "A Depends-On reference not found in the requirements repo",
    "C014": "The declared minimum is a release the global list excludes",
    "C015": "The project does not build with the required build backend",
    "C016": "pyproject.toml has no [project] table",
    "C017": "A licence comment that means another licence than the global list's",
    "C018": "A direct URL or hash-pinned line the global list's specifiers reach",
    "C019": "A tox environment installs requirements without the constraints",
    # the resolving commands
    "V001": "No upper-constraints.txt to verify",
    "V002": "The pins do not install together",
    "V003": "A library the resolution needs is not pinned",
    "V004": "A pin the index marks as yanked",
    "V005": "A pin the index does not have",
    "V006": "A global-list entry that is a direct reference, never resolved",
    "V007": "A pin uploaded less than the cooldown ago",
    "K001": "The fleet's requirements cannot be installed together",
    "K002": "A project of the fleet cannot be read",
    "K003": "A direct reference in a project, left out of coinstall",
    "L001": "The project's declared minimums do not install together",
    "L002": "A direct reference in a project, left out of lower-bounds",
    "L003": "A minimum the lowest resolution passed over: it goes untested",
    # audit: the pinned releases under watch
    "A001": "A known vulnerability in a pinned release",
    "A002": "A pinned project quarantined on the index (PEP 792)",
    "A003": "A pinned project archived or deprecated on the index (PEP 792)",
    "A004": "A yanked pin",
    "A005": "A pinned release whose licence means another than the global list's",
    "A006": "A pinned release under a licence the policy forbids",
    "A007": "A pinned library whose newest release is older than fail-after-years",
    "A008": "An [[audit.ignore]] past its expiry date",
    "A009": "A pin the index could not tell about",
    "A010": "No source of vulnerabilities answered",
    "A011": "A criterion the admission review passed that the pinned release fails",
    "A012": "A criterion the admission review passed that now warns, or a new licence",
    # sync, in the CI formats
    "S001": "A line (or file) sync rewrites to honour the global list",
    # release validate: release requests
    "R001": "A request file that does not follow the deliverable schema",
    "R002": "A version that is not canonical PEP 440",
    "R003": "A version not greater than the previous release",
    "R004": "A version that skips the next bugfix, feature or major release",
    "R005": "A repository or commit that cannot be found",
    "R006": "A commit that is not on the series' branch",
    "R007": "A commit that does not descend from the previous release's",
    "R008": "A tag of the version that already points elsewhere",
    "R009": "An existing release entry changed or removed",
    "R010": "The first release of a series does not end in .0",
    "R011": "Pre-releases that do not progress (b1 < b2 < rc1 < rc2)",
    "R012": "A final release after an rc at another commit than the rc",
    "R013": "A branch whose location is not a released version",
    "R014": "A stable bugfix release that adds a requirement or raises a minimum",
    "R015": "The repository's requirements fail accord check at the commit",
    "R016": "A release names a repository not in repository-settings",
    "R017": "A branch name git does not accept",
}


def describe(rule: str) -> str:
    return RULES.get(rule, rule)
