"""C023: a pip option in a project's requirements file that installs past
what the requirements team reviewed.

``-c our-pins.txt`` pins the libraries for whoever installs the file, on top
of the reviewed ``upper-constraints.txt``; ``--index-url``,
``--extra-index-url`` and ``--find-links`` fetch them from elsewhere than the
index the global list was reviewed against. accord reads nothing from either
(it follows ``-r`` and reads ``-e VCS-URL#egg=NAME``), and OpenStack's gate
refuses every option line but ``-e`` and ``-f`` in these files.
"""

# Annotations are evaluated here, not postponed: see accord.findings.
import re
from collections.abc import Iterator

from accord.findings import Finding
from accord.model.requirements_file import OptionLine, parse_requirements_file
from accord.project import Project

_CONSTRAINT = frozenset({"-c", "--constraint"})
_INDEX = frozenset(
    {"-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--no-index"}
)
# A line starting with "-c", "-i", "-f" or "--" other than the options
# accord follows: only a file with one is parsed again.
_MAYBE = re.compile(r"(?m)^\s*-(?:[cif]|-(?!requirement|editable))")


def check_pip_options(project: Project) -> Iterator[Finding]:
    """C023 at each such option line of the project's requirements files."""
    texts = dict(project.texts)
    for source in project.sources:
        if source.kind != "requirements":
            continue
        text = texts.get(source.path, "")
        if _MAYBE.search(text) is None:
            continue
        for line in parse_requirements_file(text, source.path).lines:
            if type(line) is OptionLine:
                finding = _finding(source.path, line)
                if finding is not None:
                    yield finding


def _finding(path: str, line: OptionLine) -> Finding | None:
    written = line.text.strip()
    if line.option in _CONSTRAINT:
        return Finding(
            "C023",
            "warning",
            path,
            line.lineno,
            f"{written!r}: pip installs this file under these constraints too, "
            "not only under the reviewed upper-constraints.txt, and accord "
            "reads no pin from it",
            "remove it: install under the global pins from tox "
            "(-c{env:TOX_CONSTRAINTS_FILE:...} in deps, see C019)",
        )
    if line.option in _INDEX:
        where = (
            "no index, only --find-links" if line.option == "--no-index" else line.value
        )
        return Finding(
            "C023",
            "warning",
            path,
            line.lineno,
            f"{written!r}: pip looks for its libraries on {where}, not only on "
            "the index the global list and the pins were reviewed against",
            "remove it: set the index in pip's configuration (pip.conf, "
            "PIP_INDEX_URL), not in a requirements file",
        )
    return None
