"""What the relay answers, apart from the HTTP server around it.

- a page is fetched from the index once per run and served with PyPI's own
  ``Cache-Control: max-age=600``, its file links pointing back at the relay
  and each wheel's core metadata advertised;
- a file is served ``immutable`` (a file on an index never changes), passed
  on as it downloads (see :mod:`._download`);
- a wheel's metadata is the index's ``.metadata`` file or, where the index
  has none, the METADATA read out of the wheel by range requests (capped:
  metadata over the cap reaches uv as an error, never in part);
- asked for one CPython's wheel metadata, it fetches that release's wheels
  for the run's other Pythons in the background (what they will ask next);
- told which pages a run will need (:meth:`Relay.warm`), it fetches them
  ahead, 32 at a time, rather than as uv discovers them a few at a time;
- a page carries an ETag (the index page's digest): uv revalidating its
  copy of an unchanged page gets a 304 and keeps what it parsed.

Each URL is fetched at most once per relay (see :mod:`._flights` for the
large files and metadata it lets go of). Relayed are the configured indexes' project
pages and the files those pages link to (see :mod:`._guard`); nothing else.
"""

from __future__ import annotations

import contextlib
import queue
import re
import sys
import threading
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType

from accord.index._errors import one_line, redact
from accord.index._http import Fetcher
from accord.index._limits import FILE_BYTES, METADATA_BYTES
from accord.index._wheel import RemoteFile, wheel_metadata
from accord.index.relay._download import Download
from accord.index.relay._errors import RelayError
from accord.index.relay._flights import Flights
from accord.index.relay._guard import (
    default_key_dir,
    is_project_name,
    load_secret,
    relayed_upstream,
)
from accord.index.relay._pages import PER_PYTHON, page_etag, rewrite_page
from accord.index.relay._reply import (
    FILE_CACHE,
    FILE_NOT_FOUND,
    NOT_FOUND,
    PAGE_CACHE,
    REFUSED,
    Reply,
)
from accord.index.relay._store import PageStore, digest
from accord.masking import mask_credentials

__all__ = ["FILE_CACHE", "PAGE_ACCEPT", "PAGE_CACHE", "REFUSED", "Relay", "Reply"]

PAGE_ACCEPT = (
    "application/vnd.pypi.simple.v1+json, "
    "application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01"
)
_AHEAD_THREADS = 8
_WARM_THREADS = 32


def _to_stderr(message: str) -> None:
    print(f"accord: note: {message}", file=sys.stderr)


class Relay:
    """Serves the simple API of ``upstreams`` on 127.0.0.1 while open.

    ``url(i)`` is the relay's address for ``upstreams[i]``; every address
    starts with ``base``, which holds the secret (``secret``, or this user's
    from ``key_dir``: see :func:`._guard.load_secret`). The port is the same
    run after run; another accord run's relay on it for the same indexes is
    used rather than left (see :mod:`._address`), and ``notice`` hears
    about any wait.
    """

    def __init__(
        self,
        upstreams: Sequence[str],
        fetcher: Fetcher,
        pythons: Sequence[str] = (),
        *,
        secret: str | None = None,
        key_dir: Path | None = None,
        notice: Callable[[str], None] | None = None,
        page_dir: Path | None = None,
    ) -> None:
        from accord.index.relay._address import claim

        self.upstreams = tuple(u if u.endswith("/") else u + "/" for u in upstreams)
        self.fetcher = fetcher
        self.secret = secret if secret is not None else load_secret(key_dir)
        for upstream in self.upstreams:
            fetcher.remember_credentials(upstream)
        # The (page, link) pairs whose link was dropped, said once each.
        self._told: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        # (distribution-version, platform) -> {python tag: upstream URL} of
        # the per-Python wheels the pages list, to fetch siblings ahead.
        self._per_python: dict[tuple[str, str], dict[str, str]] = {}
        self._siblings_fetched: set[tuple[str, str]] = set()
        # The wheels worth fetching ahead: those of the run's Pythons (all,
        # if not told).
        self._python_tags = frozenset(f"cp{p.replace('.', '')}" for p in pythons)
        # Fetches ahead run on daemon threads: nobody waits for them, and a
        # slow one must not hold the process open after the command is done
        # (an executor's threads would be joined at exit).
        self._ahead: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        for number in range(_AHEAD_THREADS):
            threading.Thread(
                target=self._fetch_ahead, name=f"accord-relay-{number}", daemon=True
            ).start()
        # Pages to fetch before uv asks (see warm), and those uv has asked
        # for: a page uv has had is not fetched again ahead.
        self._warming: queue.SimpleQueue[tuple[int, str] | None] = queue.SimpleQueue()
        self._warm_threads = 0
        self._asked: set[str] = set()
        # True: a page uv had stays for the run (several uv runs at once
        # then revalidate against one fetch; see kept_share).
        self.hold_pages = False
        self._notice = notice or _to_stderr
        self._flights = Flights(self._notice)
        # Rewritten pages kept from run to run (see ._store), if given where;
        # keyed by the relay's address, known once it is claimed.
        self._store: PageStore | None = None
        directory = key_dir or default_key_dir()
        self._address = claim(self, self.upstreams, directory, self._notice)
        if page_dir is not None:
            self._store = PageStore(page_dir, self.base)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self._address.port}"

    @property
    def shared(self) -> bool:
        """True when another accord run's relay answers for this one."""
        return self._address.shared

    @property
    def base(self) -> str:
        return f"{self.origin}/{self.secret}/"

    def url(self, index: int) -> str:
        return f"{self.base}{index}/"

    def uv_environment(self) -> dict[str, str]:
        """The variables that point uv at the relay (in its environment, not
        on its command line, which every local user can read)."""
        environment = {"UV_INDEX_URL": self.url(0)}
        if len(self.upstreams) > 1:
            extra = (self.url(n) for n in range(1, len(self.upstreams)))
            environment["UV_EXTRA_INDEX_URL"] = " ".join(extra)
        return environment

    def unrelay(self, text: str) -> str:
        """``text`` (uv's messages) with the relay's URLs as the index's,
        credentials masked, and no trace of the secret."""
        for number, upstream in enumerate(self.upstreams):
            text = text.replace(self.url(number), redact(upstream))
        pattern = re.escape(self.base) + r"f/[0-9a-f]+/(https?)/"
        text = re.sub(pattern, r"\1://", text)
        text = self._flights.explain(text)  # uv says "502": the relay knows why
        return text.replace(self.secret, "***")

    def close(self) -> None:
        for _ in range(_AHEAD_THREADS):
            self._ahead.put(None)
        with self._lock:
            for _ in range(self._warm_threads):
                self._warming.put(None)
        self._address.close(self._notice)

    def __enter__(self) -> Relay:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    # -- what uv asks for ---------------------------------------------------

    def page(
        self, index: int, name: str, *, keep: bool = True, bodiless: bool = False
    ) -> Reply:
        """The project page ``name`` of ``upstreams[index]``, relayed.

        ``keep=False`` (uv's own request) lets the relay forget the page
        once answered: uv keeps it for ten minutes itself, and pages are most
        of what a run would otherwise hold in memory. ``bodiless`` accepts a
        page held without its body (see :meth:`full`): uv revalidating its
        copy needs only the ETag.
        """
        if not 0 <= index < len(self.upstreams) or not is_project_name(name):
            return REFUSED
        upstream = urllib.parse.urljoin(self.upstreams[index], f"{name}/")
        key = f"page {upstream}"
        if not keep:
            with self._lock:
                self._asked.add(key)
        reply = self._flights.once(key, lambda: self._fetch_page(upstream))
        if not keep and not self.hold_pages:
            self._flights.forget(key)
        return reply if bodiless else self.full(reply)

    def full(self, reply: Reply) -> Reply:
        """``reply`` with its body, read back from the page store if it was
        held without (or the page fetched again if the store lost it)."""
        if reply.kept is None:
            return reply
        upstream, source = reply.kept
        kept = None if self._store is None else self._store.get(upstream, source)
        if kept is None:
            return self._fetch_page(upstream, bodiless=False)
        return Reply(200, kept.body, reply.content_type, PAGE_CACHE, reply.etag)

    def kept_share(self, names: Sequence[str]) -> float:
        """The share of ``names`` (of at most 64 of them, evenly spread)
        whose first-index page an earlier run at this address kept (0
        without a page store)."""
        if self._store is None or not names:
            return 0.0
        store = self._store
        upstream = self.upstreams[0]
        sample = names[:: max(1, len(names) // 64)]
        kept = sum(store.has(urllib.parse.urljoin(upstream, f"{n}/")) for n in sample)
        return kept / len(sample)

    def warm(self, names: Iterable[str]) -> None:
        """Fetch the pages of ``names`` (on every index) in the background,
        ``_WARM_THREADS`` at a time, each kept until uv asks for it.

        uv finds a list's pages as it goes, a few at a time; a run that
        knows its names (a global list, the pins) has them all fetched by
        the time uv asks, in the time of one pass over the network."""
        pages = [
            (index, name)
            for name in dict.fromkeys(names)
            if is_project_name(name)
            for index in range(len(self.upstreams))
        ]
        with self._lock:
            start = min(_WARM_THREADS, len(pages)) - self._warm_threads
            self._warm_threads += max(0, start)
        for page in pages:
            self._warming.put(page)
        for number in range(start):
            threading.Thread(
                target=self._fetch_warm, name=f"accord-warm-{number}", daemon=True
            ).start()

    def _fetch_warm(self) -> None:
        while (page := self._warming.get()) is not None:
            index, name = page
            upstream = urllib.parse.urljoin(self.upstreams[index], f"{name}/")
            key = f"page {upstream}"
            with self._lock:
                if key in self._asked:
                    continue  # uv has had it
            with contextlib.suppress(Exception):  # only a guess: uv will ask
                reply = self.page(index, name, bodiless=True)
                if reply.status >= 500:  # uv's own asking tries again
                    self._flights.forget(key)

    def file(self, path: str, *, siblings: bool = True) -> Reply:
        """The file at relay ``path`` (``/f/<mac>/<scheme>/<host>/...``).

        Asked for a per-Python wheel's metadata, the relay also starts
        fetching the metadata of the same release's wheels for the run's
        other Pythons (unless ``siblings`` is false): the next Pythons ask
        for exactly those, and little else the first one did not.
        """
        upstream = relayed_upstream(self.secret, path)
        if upstream is None:
            return REFUSED
        if siblings and path.endswith(".whl.metadata"):
            self._fetch_siblings(path.removesuffix(".metadata"))
        return self._relayed_file(upstream)

    def _relayed_file(self, upstream: str) -> Reply:
        key = f"file {upstream}"
        return self._flights.once(key, lambda: self._fetch_file(upstream))

    def _fetch_siblings(self, path: str) -> None:
        match = PER_PYTHON.fullmatch(path.rpartition("/")[2])
        if match is None:
            return
        key = (match["release"], match["platform"])
        with self._lock:
            if key in self._siblings_fetched:
                return
            self._siblings_fetched.add(key)
            others = [
                other
                for tag, other in self._per_python.get(key, {}).items()
                if tag != match["python"]
                and (not self._python_tags or tag in self._python_tags)
            ]
        for other in others:
            self._ahead.put(other + ".metadata")

    def _fetch_ahead(self) -> None:
        while (upstream := self._ahead.get()) is not None:
            with contextlib.suppress(Exception):  # only a guess: uv will ask
                self._relayed_file(upstream)

    def _fetch_page(self, upstream: str, *, bodiless: bool | None = None) -> Reply:
        """The page relayed; held without its body (``bodiless``, by default
        while the relay holds pages for the run) when the store keeps it."""
        response = self.fetcher.get(upstream, PAGE_ACCEPT)
        if response is None:
            return NOT_FOUND
        source = digest(response.body)  # the one pass over the page's bytes
        kept = None if self._store is None else self._store.get(upstream, source)
        if kept is not None:
            found, body, dropped = kept.per_python, kept.body, kept.dropped
        else:
            found, body, dropped = rewrite_page(self.secret, self.base, response)
            if self._store is not None:
                self._store.put(
                    upstream, source, body, response.content_type, found, dropped
                )
        if found:
            with self._lock:
                self._per_python.update(found)
        if dropped:
            self._tell_dropped(upstream, dropped)
        etag = page_etag(source, response.url, response.content_type, dropped)
        if kept is not None and (self.hold_pages if bodiless is None else bodiless):
            held = (upstream, source)
            return Reply(200, b"", response.content_type, PAGE_CACHE, etag, held)
        return Reply(200, body, response.content_type, PAGE_CACHE, etag)

    def _tell_dropped(self, upstream: str, dropped: Mapping[str, str]) -> None:
        """Say once per relay which links of the page ``upstream`` it
        dropped, and why (credentials masked, each on one short line)."""
        with self._lock:
            new = [link for link in dropped if (upstream, link) not in self._told]
            self._told.update((upstream, link) for link in new)
        for link in new:
            said = f"{mask_credentials(link)} ({dropped[link]})"
            self._notice(
                f"the relay dropped a link it does not relay from the page "
                f"{redact(upstream)}: {one_line(said)}"
            )

    def _fetch_file(self, upstream: str) -> Reply:
        if not upstream.endswith(".metadata"):
            return self._download(upstream)
        response = self.fetcher.get(upstream, "*/*", METADATA_BYTES)
        if response is not None:
            return Reply(200, response.body)
        wheel = upstream.removesuffix(".metadata")
        if not wheel.endswith(".whl"):
            return FILE_NOT_FOUND
        # The relay advertised metadata the index does not serve: read it
        # out of the wheel with range requests, as uv would have.
        found = wheel_metadata(RemoteFile(self.fetcher, wheel), wheel)
        return FILE_NOT_FOUND if found is None else Reply(200, found)

    def _download(self, upstream: str) -> Reply:
        """A file, passed on as it arrives (a failure before its first byte,
        a Content-Length over the cap included, is a 502 as any)."""
        opened = self.fetcher.open(upstream, "*/*", FILE_BYTES)
        if opened is None:
            return FILE_NOT_FOUND
        key = f"file {upstream}"
        try:
            download = Download(opened, lambda d: self._flights.downloaded(key, d))
        except OSError as error:  # no room for the spool
            opened.close()
            raise RelayError(f"cannot spool {opened.shown}: {error}") from error
        return Reply(200, b"", stream=download)
