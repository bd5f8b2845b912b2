"""Reading built HTML pages in tests, with the standard library's parser."""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    """Every element (tag, attributes, text inside it), and the text of <article> (the page's content)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None], list[str]]] = []
        self._open: list[tuple[str, dict[str, str | None], list[str]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = (tag, dict(attrs), [])
        self.elements.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                break

    def handle_data(self, data: str) -> None:
        for _, _, texts in self._open:
            texts.append(data)

    def find(self, tag: str, cls: str | None = None) -> list[tuple[str, dict[str, str | None], list[str]]]:
        return [e for e in self.elements if e[0] == tag and (cls is None or cls in (e[1].get("class") or "").split())]

    def text(self, tag: str, cls: str | None = None) -> list[str]:
        """The whitespace-normalized text of each matching element."""
        return [" ".join("".join(texts).split()) for _, _, texts in self.find(tag, cls)]


def normalize(text: str) -> str:
    return " ".join(text.split())
