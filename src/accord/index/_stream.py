"""An answer whose body is read as it arrives, for the relay to pass a file
on to uv while it downloads (instead of holding up to 1 GiB of it first).

The transport hands over the open answer once its status and headers are
in; :meth:`Opened.chunks` then yields the body with every bound a whole
body has (the size cap after decoding, the request's deadline: see
:mod:`accord.index._limits`), and a failure part-way comes as an
:class:`~accord.index._errors.IndexUnavailable` after the pieces read
before it, never as an early end: whoever passes the pieces on must not
pass on a short body as if whole.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from email.message import Message

from accord.index._errors import IndexUnavailable, redact
from accord.index._limits import Body, Budget, body_chunks, declared_length


class Opened:
    """A 2xx answer with its body still to read; ``close()`` (or the end
    of :meth:`chunks`) frees the connection, which is not reused."""

    def __init__(
        self,
        response: Body,
        url: str,
        budget: Budget,
        close: Callable[[], None],
        shown: str | None = None,
    ) -> None:
        self.url = url  # after redirects
        self.shown = redact(shown or url)  # the URL asked for, as errors name it
        self._response = response
        self._budget = budget
        self._close = close
        # The body's length when known before it is read (ResponseTooLarge
        # here, before a byte, if it is over the cap).
        self.length = declared_length(response, self.shown, budget.limit)

    @property
    def headers(self) -> Message:
        return self._response.headers

    def chunks(self) -> Iterator[bytes]:
        """The body, decoded and capped, as it arrives; IndexUnavailable
        (DeadlineExceeded past the deadline) if it breaks off."""
        import http.client

        try:
            yield from body_chunks(self._response, self.shown, self._budget)
            left = getattr(self._response, "length", None)
            if left:  # the connection ended before the declared length
                raise http.client.IncompleteRead(b"", left)
        except (http.client.HTTPException, OSError, ValueError) as error:
            if time.monotonic() >= self._budget.deadline:  # the watchdog's cut
                raise self._budget.exceeded(self.shown) from error
            reason = " ".join(str(error).split()) or type(error).__name__
            raise IndexUnavailable(
                f"{self.shown}: the answer broke off: {reason}", url=self.shown
            ) from error
        finally:
            self.close()

    def close(self) -> None:
        self._close()
