"""Sitemaps of large archives: one sitemap index and sitemaps of at most 50,000 URLs.

The sitemap protocol (sitemaps.org) caps a sitemap at 50,000 URLs and 50 MB; search engines
reject a larger one whole. MkDocs writes every page into one ``sitemap.xml``: past 50,000
pages (an archive of ~48,000 papers with its tag and day pages), the build hook
(overrides/hooks.py) turns it into a sitemap index that lists ``sitemap-1.xml``,
``sitemap-2.xml`` and so on, next to it at the site's root (a sitemap may only list addresses
at or below its own folder). Small sites keep MkDocs' sitemap as it is.
"""

from __future__ import annotations

import itertools
import re
from xml.sax.saxutils import escape

#: the most URLs a sitemap may hold (sitemaps.org protocol).
MAX_URLS = 50_000

_URL = re.compile(r"[ \t]*<url>.*?</url>\n?", re.DOTALL)
_URLSET_END = "</urlset>"


def split_sitemap(xml: str, site_url: str, limit: int = MAX_URLS) -> dict[str, str]:
    """The files replacing MkDocs' `xml` (name relative to the site root -> text), or {} when it
    holds at most `limit` URLs, or when the site has no address (`site_url`: a sitemap index
    lists its sitemaps by address, and a site without one has no usable sitemap anyway). The
    URLs keep their order and their text; each part has `xml`'s head (XML declaration and
    <urlset> tag) and end."""
    entries = list(_URL.finditer(xml))
    if len(entries) <= limit or not site_url:
        return {}
    head, tail = xml[: entries[0].start()], xml[entries[-1].end() :]
    gaps = (xml[before.end() : after.start()] for before, after in itertools.pairwise(entries))
    if "<urlset" not in head or tail.strip() != _URLSET_END or any(gap.strip() for gap in gaps):
        raise ValueError("the sitemap is not a <urlset> of <url> elements")
    base = site_url if site_url.endswith("/") else site_url + "/"
    files: dict[str, str] = {}
    for number, start in enumerate(range(0, len(entries), limit), 1):
        files[f"sitemap-{number}.xml"] = (
            head + "".join(entry.group() for entry in entries[start : start + limit]) + tail
        )
    index = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        *(f"<sitemap><loc>{escape(base + name)}</loc></sitemap>" for name in files),
        "</sitemapindex>",
    ]
    files["sitemap.xml"] = "\n".join(index) + "\n"
    return files
