"""The resolver adapter: ``uv pip compile``, via the uv package's binary.

One run per Python (``--python-version``), never downloading a Python and
never building anything (``--only-binary :all:``): accord needs only
metadata, and a build runs the package's code. An sdist-only package is
resolved from its ``[[static-metadata]]`` instead: uv may take that
package's sdist (``--no-binary NAME``) but, held to the declared version,
reads the declared metadata and builds nothing.
Previous pins become preferences by seeding the output file, which uv keeps
unless it must move them. Static metadata for packages that need a build
goes to uv as ``dependency-metadata`` in a generated uv.toml.
uv's output and error formats are parsed only here.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from accord._config_resolution import IndexSettings, StaticMetadata
from accord.errors import AccordError
from accord.resolve.merge import ResolvedPin
from accord.resolve.request import ResolveFailure, ResolveOutcome, ResolveRequest
from accord.resolve.uv_static import (
    no_wheel_failure,
    render_dependency_metadata,
    static_exemptions,
    with_placeholders,
)

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)\s*$")
_BUILD_FAILED = re.compile(
    r"Failed to (?:build|download and build|resolve build requirements for) `([^`=]+)"
)
_NEEDS_WHEEL = re.compile(r"Wheels are required for `([^`]+)` because building")
_MAX_PLACEHOLDERS = 100
_TIMEOUT = 30 * 60
_PYPI = "https://pypi.org/simple/"
_WARM_SHARE = 0.9  # of the expected pages kept: a run from warm caches
# Set, these choose uv's index behind accord's back: then accord relays nothing.
_UV_INDEX_VARIABLES = ("UV_INDEX_URL", "UV_DEFAULT_INDEX", "UV_INDEX")

if TYPE_CHECKING:
    from accord.index.relay import Relay


class ResolverUnavailable(AccordError):
    """uv is not installed where accord can find it."""


def find_uv() -> str:
    try:
        from uv import find_uv_bin
    except ImportError as error:
        raise ResolverUnavailable(
            "the uv package is not installed; pip install uv"
        ) from error
    return str(find_uv_bin())


class UvResolver:
    def __init__(
        self,
        index: IndexSettings,
        platform: str = "linux",
        static_metadata: Sequence[StaticMetadata] = (),
        base: Path | None = None,
        uv: str | None = None,
        pythons: Sequence[str] = (),
    ) -> None:
        self.index = index
        self.platform = platform
        self.static_metadata = tuple(static_metadata)
        self.base = base or Path()
        self.uv = uv or find_uv()
        self.pythons = tuple(pythons)  # the run's, if known: the relay fetches ahead
        self._relay: Relay | None = None
        self._relay_lock = threading.Lock()
        self._expected: tuple[str, ...] = ()

    def expect(self, names: Sequence[str]) -> None:
        """The names whose pages the coming resolutions need: a relay that
        kept them from an earlier run fetches them ahead, all at once,
        instead of as uv finds them (see warm_start)."""
        self._expected = tuple(names)

    def warm_start(self) -> bool:
        """Whether uv most likely has the expected pages from an earlier
        run: the relay kept (nearly) all of them at its address, which is
        in uv's cache keys. Then the relay holds each page for the whole
        run, so that all Pythons can resolve at once, each uv revalidating
        its copies against one fetch (see resolve_all)."""
        relay = self._started_relay()
        return relay is not None and relay.hold_pages

    def close(self) -> None:
        """Stop the relay, if one was started."""
        with self._relay_lock:
            if self._relay is not None:
                self._relay.close()
                self._relay = None

    def __enter__(self) -> UvResolver:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def relayed_indexes(self) -> tuple[str, ...]:
        """The index URLs uv reaches through accord's relay; () for none.

        All or nothing: http(s) indexes only, and not when uv's own
        environment variables choose the index.
        """
        if not self.index.relay or self.index.no_index:
            return ()
        default = self.index.url
        if default is None:
            if any(os.environ.get(name) for name in _UV_INDEX_VARIABLES):
                return ()
            default = _PYPI
        urls = (default, *self.index.extra_urls)
        if not all(url.startswith(("http://", "https://")) for url in urls):
            return ()
        return urls

    def _started_relay(self) -> Relay | None:
        upstreams = self.relayed_indexes()
        if not upstreams:
            return None
        with self._relay_lock:
            if self._relay is None:
                from accord.index._http import Fetcher
                from accord.index.client import default_cache_dir
                from accord.index.relay import Relay

                self._relay = Relay(
                    upstreams,
                    Fetcher(None, timeout=60.0, retries=3),
                    self.pythons,
                    page_dir=default_cache_dir().parent / "relay-pages",
                )
                # From warm caches only: from cold ones every page is
                # rewritten, and fetching ahead measured no faster.
                if self._relay.kept_share(self._expected) >= _WARM_SHARE:
                    self._relay.hold_pages = True
                    self._relay.warm(self._expected)
            return self._relay

    def resolve(self, request: ResolveRequest) -> ResolveOutcome:
        """Resolve; a library with no wheel fails, naming every such library.

        uv stops at the first library it cannot use without a build. To name
        them all in one run, each in turn is given placeholder metadata (no
        requirements) and the resolution runs again, until it succeeds or
        fails for another reason: then the failure is about the wheels.
        """
        placeholders: list[str] = []
        while True:
            outcome = self._compile(request, placeholders)
            failure = outcome.failure
            # The first only: uv's hints also name libraries met while
            # backtracking, which a resolution may not need.
            new = (
                [n for n in failure.no_wheel if n not in placeholders][:1]
                if failure
                else []
            )
            placeholders += new
            if not new or len(placeholders) >= _MAX_PLACEHOLDERS:
                break
        if placeholders:
            return ResolveOutcome(
                request.python, (), no_wheel_failure(request.python, placeholders)
            )
        return outcome

    def _compile(
        self, request: ResolveRequest, placeholders: Sequence[str]
    ) -> ResolveOutcome:
        static = with_placeholders(self.static_metadata, placeholders)
        with tempfile.TemporaryDirectory(prefix="accord-uv-") as tmp:
            work = Path(tmp)
            (work / "requirements.in").write_text(
                "\n".join(request.requirements) + "\n"
            )
            output = work / "pins.txt"
            output.write_text("\n".join(request.preferences) + "\n")
            command = [
                self.uv, "pip", "compile", str(work / "requirements.in"),
                "--output-file", str(output),
                "--python-version", request.python,
                "--python-platform", self.platform,
                "--no-header", "--no-annotate", "--quiet",
                "--no-python-downloads",
            ]  # fmt: skip
            exempt, held = static_exemptions(static)
            # Metadata only: never build, i.e. never run a package's code.
            command += ["--only-binary", ":all:"]
            for name in exempt:
                command += ["--no-binary", name]
            constraints = (*request.constraints, *held)
            if constraints:
                (work / "holds.txt").write_text("\n".join(constraints) + "\n")
                command += ["--constraint", str(work / "holds.txt")]
            relay = self._started_relay()
            # Through the relay an online run asks only for what uv's cache
            # lacks: cheaper than failing offline and running again.
            if request.offline and relay is None:
                command.append("--offline")
            if request.lowest_direct:
                command += ["--resolution", "lowest-direct"]
            for name in request.upgrade:
                command += ["--upgrade-package", name]
            if request.exclude_newer is not None:
                command += ["--exclude-newer", request.exclude_newer]
            for exception in request.exclude_newer_packages:
                command += ["--exclude-newer-package", exception]
            if request.no_deps:
                command.append("--no-deps")
            command += self._index_arguments(relay)
            command += self._config_arguments(work, static)
            environment = {**os.environ, "UV_NO_PROGRESS": "1"}
            if relay is not None:
                # The relay is local: an HTTP proxy in the environment must
                # not be asked for it.
                for name in ("NO_PROXY", "no_proxy"):
                    kept = environment.get(name, "")
                    environment[name] = ",".join(filter(None, [kept, "127.0.0.1"]))
                # Its URLs hold a secret: in uv's environment, not in argv.
                environment.update(relay.uv_environment())
            try:
                result = subprocess.run(
                    command,
                    capture_output=True,
                    text=True,
                    check=False,
                    timeout=_TIMEOUT,
                    env=environment,
                )
            except (OSError, subprocess.TimeoutExpired) as error:
                return ResolveOutcome(
                    request.python, (), ResolveFailure(request.python, None, str(error))
                )
            if result.returncode != 0:
                stderr = (
                    result.stderr if relay is None else relay.unrelay(result.stderr)
                )
                return ResolveOutcome(
                    request.python, (), summarize_failure(request.python, stderr)
                )
            return ResolveOutcome(request.python, parse_pins(output.read_text()))

    def identity(self) -> str:
        """What besides the requests decides this resolver's answers."""
        try:
            version = subprocess.run(
                [self.uv, "--version"], capture_output=True, text=True, check=False
            ).stdout.strip()
        except OSError:
            version = "unknown"
        return json.dumps(
            [
                version,
                self.platform,
                self._index_arguments(),
                render_dependency_metadata(self.static_metadata)
                if self.static_metadata
                else "",
            ]
        )

    def _index_arguments(self, relay: Relay | None = None) -> list[str]:
        arguments: list[str] = []
        if self.index.no_index:
            arguments.append("--no-index")
        # The relay's URLs go in uv's environment instead (see resolve).
        if relay is None and self.index.url:
            arguments += ["--index-url", self.index.url]
        for url in () if relay is not None else self.index.extra_urls:
            arguments += ["--extra-index-url", url]
        for link in self.index.find_links:
            local = "://" not in link
            arguments += [
                "--find-links",
                str((self.base / link).resolve()) if local else link,
            ]
        return arguments

    def _config_arguments(
        self, work: Path, static: Sequence[StaticMetadata]
    ) -> list[str]:
        if not static:
            return ["--no-config"]
        config = work / "uv.toml"
        config.write_text(render_dependency_metadata(static))
        return ["--config-file", str(config)]


def parse_pins(text: str) -> tuple[ResolvedPin, ...]:
    pins = []
    for line in text.splitlines():
        match = _PIN.match(line.strip())
        if not match:
            continue
        name, version = match.groups()
        try:
            pins.append(ResolvedPin(canonicalize_name(name), name, Version(version)))
        except InvalidVersion:
            continue
    return tuple(pins)


def summarize_failure(python: str, stderr: str) -> ResolveFailure:
    """The package and the gist of why, from uv's error report.

    Keeps uv's causes and the last line a failed build printed (the real
    error, e.g. a missing header); drops hints and the rest of the output.
    """
    causes: list[str] = []
    captured: list[str] = []
    in_output = False
    for raw in _strip_ansi(stderr).splitlines():
        line = raw.strip(" │├╰─▶×\t")
        if line.startswith("hint:"):
            break
        if line in ("[stdout]", "[stderr]"):
            in_output = True
        elif in_output:
            if line:
                captured.append(line)
        elif line.startswith(("error:", "cause:")):
            causes.append(line.split(":", 1)[1].strip())
        elif line and causes:
            causes[-1] += " " + line  # a cause wrapped onto the next line
    plain = _strip_ansi(stderr)
    no_wheel = tuple(dict.fromkeys(_NEEDS_WHEEL.findall(plain)))
    if no_wheel:
        return no_wheel_failure(python, no_wheel)
    match = _BUILD_FAILED.search(plain)
    package = match.group(1).strip() if match else None
    parts = causes[1:] if len(causes) > 1 else causes
    reason = "; ".join(parts) or "uv failed without saying why"
    if captured:
        reason += f"; the build said: {captured[-1]}"
    return ResolveFailure(python, package, reason[:1000])


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)
