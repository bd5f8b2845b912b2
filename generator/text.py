"""Turning dump text into safe HTML: escaping, links in abstracts, snippets, dates."""

from __future__ import annotations

import re
from datetime import date

from markupsafe import Markup, escape

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

# A URL runs to whitespace or a character that cannot be part of one in running text.
_URL = re.compile(r"\bhttps?://[^\s<>\"'`{}|\\^]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\")]}"


def long_date(day: date) -> str:
    """ "May 30, 2026": the same in every locale."""
    return f"{MONTH_NAMES[day.month - 1]} {day.day}, {day.year}"


def split_url(match: str) -> tuple[str, str]:
    """A URL found in running text, without the punctuation that ends the sentence
    (a closing parenthesis stays when the URL opened one)."""
    url = match
    while url and url[-1] in _TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url, match[len(url) :]


def linkify(text: str) -> Markup:
    """HTML of a text with every character escaped and its URLs made links.

    The visible text is exactly the input: only <a> elements are added around URLs. Escaped
    as the templates escape what they print (MarkupSafe: one pass in C).
    """
    if "://" not in text:  # no URL (most abstracts): skip the search
        return escape(text)
    parts: list[str] = []
    position = 0
    for match in _URL.finditer(text):
        url, _ = split_url(match.group())
        if url.endswith("://"):
            continue
        parts.append(escape(text[position : match.start()]))
        parts.append(f'<a href="{escape(url)}">{escape(url)}</a>')
        position = match.start() + len(url)
    parts.append(escape(text[position:]))
    return Markup("".join(parts))


def snippet(text: str | None, limit: int = 200) -> str:
    """The start of a text, cut at a word boundary, for lists of papers."""
    if not text:
        return ""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:.-")
    return cut + "…"
