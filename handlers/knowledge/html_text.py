"""The visible text of an HTML page, by block and heading, for
handlers.knowledge.parse. Standard library only."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class HTMLText(HTMLParser):
    """An HTML page's visible text (no scripts, styles, navigation) as `lines`: a
    heading as (level, text), a block's text as a string, "" between blocks."""

    _SKIP = frozenset({"script", "style", "nav", "footer", "head", "noscript", "svg"})
    _BLOCK = frozenset({"p", "div", "li", "tr", "br", "section", "article", "pre", "table"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[int, str] | str] = []
        self.title = ""
        self._skip = 0
        self._heading: int | None = None
        self._text: list[str] = []
        self._in_title = False

    def flush(self) -> None:
        chunk = " ".join("".join(self._text).split())
        self._text.clear()
        if chunk:
            self.lines.append(chunk)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif re.fullmatch(r"h[1-4]", tag):
            self.flush()
            self._heading = int(tag[1])
        elif tag in self._BLOCK:
            self.flush()
            self.lines.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif self._heading is not None and tag == f"h{self._heading}":
            heading = " ".join("".join(self._text).split())
            self._text.clear()
            if heading:
                self.lines.append((self._heading, heading))
            self._heading = None
        elif tag in self._BLOCK:
            self.flush()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skip:
            self._text.append(data)
