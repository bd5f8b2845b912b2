"""Atom feeds of newly listed papers: one for the whole archive, one per tag.

Output paths (relative to the site root):

- ``feeds/all.xml``: the archive's feed;
- ``feeds/tags/<tag-slug>.xml``: one per tag, where <tag-slug> is the tag page's
  slug (the tag page is ``tags/<tag-slug>/``).

A feed holds the MAX_ENTRIES papers first listed most recently, newest first
(ties: by slug). An entry's ``published`` and ``updated`` are the day the paper was
first listed (midnight UTC); the feed's ``updated`` is its newest entry's, so a
feed changes only when papers are added, never because it was built again.

Identifiers never change once published:

- with a site URL, an entry's id is the paper page's absolute URL, and the feed's
  id is the feed's own URL (slugs never change; a site that moves to another URL
  changes its ids, so feed readers will show its papers again once);
- without a site URL, ids are tag URIs (RFC 4151), ``tag:paper-archive,2026:papers/<slug>``
  and ``tag:paper-archive,2026:feeds/all``, and links are relative to the feed's own
  location (``../papers/<slug>/`` from ``feeds/all.xml``), as Atom allows.

The XML is built with xml.etree.ElementTree (which escapes text and attributes);
characters that XML 1.0 forbids (control characters) are removed from text first.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Sequence
from datetime import date

from . import urls
from .model import Paper
from .records import abs_url
from .slugs import slug_of as tag_slug

ATOM_NS = "http://www.w3.org/2005/Atom"
#: entries per feed: the papers first listed most recently.
MAX_ENTRIES = 50
#: the tagging entity of tag: URIs used when the site has no URL.
TAG_AUTHORITY = "paper-archive,2026"
SITE_TITLE = "Paper Archive"

ALL_FEED = urls.ALL_FEED

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def tag_feed_path(tag: str) -> str:
    """The path of a tag's feed (`tag`: its label), relative to the site root."""
    return urls.tag_feed(tag_slug(tag))


def clean(text: str) -> str:
    """Text without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("", text)


def timestamp(day: date) -> str:
    """An RFC 3339 timestamp for a day: its midnight, UTC."""
    return f"{day.isoformat()}T00:00:00Z"


def _site(site_url: str) -> str:
    return site_url if not site_url or site_url.endswith("/") else site_url + "/"


def _href(site_url: str, feed_path: str, target: str) -> str:
    """A link to a site path: absolute with a site URL, else relative to the feed."""
    if site_url:
        return _site(site_url) + target
    up = "../" * feed_path.count("/")
    return (up + target) or "./"


def _id(site_url: str, path: str) -> str:
    if site_url:
        return _site(site_url) + path
    return f"tag:{TAG_AUTHORITY}:{path.removesuffix('/').removesuffix('.xml')}"


def newest(papers: Iterable[Paper], limit: int = MAX_ENTRIES) -> list[Paper]:
    """The `limit` papers first listed most recently, newest first, ties by slug."""
    return sorted(papers, key=lambda paper: (-paper.listed.toordinal(), paper.slug))[:limit]


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = clean(text)
    return element


def atom_feed(
    papers: Sequence[Paper],
    *,
    site_url: str,
    path: str,
    title: str,
    page: str = "",
    subtitle: str | None = None,
) -> bytes:
    """One Atom feed (UTF-8 XML) of the newest of `papers`.

    `path` is the feed's own path from the site root (its rel=self link), `page`
    the site path of the HTML page it mirrors ("" for the home page).
    """
    entries = newest(papers)
    feed = ET.Element("feed", {"xmlns": ATOM_NS})
    _text(feed, "id", _id(site_url, path))
    _text(feed, "title", title)
    if subtitle:
        _text(feed, "subtitle", subtitle)
    _text(feed, "updated", timestamp(entries[0].listed) if entries else timestamp(date(1970, 1, 1)))
    ET.SubElement(feed, "link", {"rel": "self", "type": "application/atom+xml", "href": _href(site_url, path, path)})
    ET.SubElement(feed, "link", {"rel": "alternate", "type": "text/html", "href": _href(site_url, path, page)})
    author = ET.SubElement(feed, "author")
    _text(author, "name", SITE_TITLE)
    _text(feed, "generator", SITE_TITLE)
    for paper in entries:
        target = urls.paper_url(paper.slug)
        entry = ET.SubElement(feed, "entry")
        _text(entry, "id", _id(site_url, target))
        _text(entry, "title", paper.title)
        _text(entry, "published", timestamp(paper.listed))
        _text(entry, "updated", timestamp(paper.listed))
        ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": _href(site_url, path, target)})
        record = paper.record if paper.record is not None and paper.record.resolved else None
        if record is not None and record.arxiv_id is not None:
            ET.SubElement(entry, "link", {"rel": "related", "type": "text/html", "href": abs_url(record.arxiv_id)})
            for name in record.authors:
                _text(ET.SubElement(entry, "author"), "name", name)
        for tag in paper.tags:
            ET.SubElement(entry, "category", {"term": clean(tag), "label": clean(tag)})
        if paper.abstract:
            _text(entry, "summary", paper.abstract, type="text")
    ET.indent(feed)
    xml: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return xml + b"\n"


def build_feeds(papers: Iterable[Paper], site_url: str = "") -> dict[str, str | bytes]:
    """Every feed of the site: relative output path -> UTF-8 XML bytes."""
    return dict(feed_files(papers, site_url))


def feed_files(papers: Iterable[Paper], site_url: str = "") -> Iterator[tuple[str, bytes]]:
    """The archive's feed, then one feed per tag, as (path, UTF-8 XML).

    Raises ValueError (before the first feed) when two tags have the same slug (their
    pages would clash too) or a tag has none.
    """
    everything = list(papers)
    tagged: dict[str, list[Paper]] = {}
    for paper in everything:
        for tag in paper.tags:
            tagged.setdefault(tag, []).append(paper)
    owner: dict[str, str] = {}
    for tag in sorted(tagged):
        slug = tag_slug(tag)
        if slug in owner:
            raise ValueError(f"the tags {owner[slug]!r} and {tag!r} have the same slug {slug!r}")
        owner[slug] = tag
    return _feeds(everything, tagged, site_url)


def _feeds(everything: list[Paper], tagged: dict[str, list[Paper]], site_url: str) -> Iterator[tuple[str, bytes]]:
    title, subtitle = f"{SITE_TITLE}: newly listed papers", "Papers newly listed on Hugging Face Papers"
    yield ALL_FEED, atom_feed(everything, site_url=site_url, path=ALL_FEED, title=title, page="", subtitle=subtitle)
    for tag in sorted(tagged):
        path = tag_feed_path(tag)
        yield (
            path,
            atom_feed(
                tagged[tag],
                site_url=site_url,
                path=path,
                title=f"{SITE_TITLE}: {tag}",
                page=urls.tag_url(tag_slug(tag)),
                subtitle=f"Papers newly listed on Hugging Face Papers, tagged {tag}",
            ),
        )
