"""Read an HTML page with the standard library's parser: its tags, links, images and tables,
for the results-page tests (a plain reading of the page, independent of memsim.report)."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser

PNG = b"\x89PNG\r\n\x1a\n"
GIF = (b"GIF87a", b"GIF89a")


class Page(HTMLParser):
    """Every start tag with its attributes, and each table's rows of cell texts with the id of
    the heading before it (an h2 without an id: its section's id)."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.tables: list[dict] = []
        self.headings: list[tuple[str, str]] = []  # (id, text)
        self._heading: list | None = None
        self._last_id = ""
        self._section = ""
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._row_class = ""
        self.text_parts: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        self.tags.append((tag, a))
        if tag == "section":
            self._section = a.get("id", "")
        if tag in ("h2", "h3"):
            self._heading = [a.get("id", ""), []]
        elif tag == "table":
            self.tables.append({"after": self._last_id, "rows": [], "classes": []})
        elif tag == "tr":
            self._row, self._row_class = [], a.get("class", "")
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("h2", "h3") and self._heading is not None:
            hid, parts = self._heading
            text = "".join(parts).strip()
            self.headings.append((hid, text))
            self._last_id = hid or (self._section if tag == "h2" else "") or text
            self._heading = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            self.tables[-1]["rows"].append(self._row)
            self.tables[-1]["classes"].append(self._row_class)
            self._row = None

    def handle_data(self, data):
        self.text_parts.append(data)
        if self._heading is not None:
            self._heading[1].append(data)
        if self._cell is not None:
            self._cell.append(data)

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def attrs(self, tag: str) -> list[dict]:
        return [a for t, a in self.tags if t == tag]

    def table_after(self, heading: str) -> dict:
        for t in self.tables:
            if t["after"] == heading:
                return t
        raise KeyError(f"no table after heading {heading!r}")


def image_bytes(src: str) -> tuple[str, bytes]:
    """(MIME type, bytes) of a base64 data: URI."""
    m = re.fullmatch(r"data:(image/[a-z]+);base64,([A-Za-z0-9+/=]+)", src)
    assert m, f"not a base64 image data URI: {src[:60]}"
    return m.group(1), base64.b64decode(m.group(2), validate=True)


def assert_self_contained(page: Page) -> None:
    """No script, no event handler attribute, nothing loaded from the network, every image a
    data: URI holding the image type it declares, no <link>, <iframe>, <object> or <embed>."""
    for tag, a in page.tags:
        assert tag not in ("script", "link", "iframe", "object", "embed", "base", "form"), tag
        for k, v in a.items():
            assert not k.startswith("on"), f"<{tag} {k}=...>"
            if k in ("src", "href", "action", "srcset", "poster", "data"):
                assert not re.match(r"\s*(https?:|//|javascript:)", v, re.I), f"<{tag} {k}={v}>"
        if tag == "img":
            mime, data = image_bytes(a["src"])
            if mime == "image/png":
                assert data.startswith(PNG)
            else:
                assert mime == "image/gif" and data.startswith(GIF), mime
    for _, a in page.tags:
        assert "style" not in a or "url(" not in a["style"]
