"""The ``<a>`` and ``<meta>`` tags of a PEP 503 HTML page (imported only
when an index answers in HTML: most answer PEP 691 JSON)."""

from __future__ import annotations

from html.parser import HTMLParser

__all__ = ["Anchors"]


class Anchors(HTMLParser):
    """Collects ``<a>`` attributes (unescaped by HTMLParser) and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[tuple[dict[str, str], str]] = []
        self.base: str | None = None
        self.meta: dict[str, str] = {}  # <meta name=... content=...>, first wins
        self._open: dict[str, str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: "" if value is None else value for key, value in attrs}
        if tag == "base" and self.base is None and values.get("href"):
            self.base = values["href"]
        elif tag == "meta" and values.get("name"):
            self.meta.setdefault(values["name"].lower(), values.get("content", ""))
        elif tag == "a":
            self._finish()
            self._open, self._text = values, []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._finish()

    def close(self) -> None:
        super().close()
        self._finish()

    def _finish(self) -> None:
        if self._open is not None:
            self.anchors.append((self._open, "".join(self._text)))
            self._open = None
