"""The static JSON API: an index, one file per listing day, one file per tag.

Files (paths relative to the site root):

- ``api/index.json``: counts, every listing day and every tag, with their files;
- ``api/days/<YYYY-MM-DD>.json.gz``: the full records of the papers *first* listed
  that day (each paper is in exactly one day file), and short references to the
  papers listed again that day;
- ``api/tags/<tag-slug>.json.gz``: short references to a tag's papers, newest first.

No file grows with the archive except the index (one short line per day and per
tag) and the tag files (about 190 bytes per paper of the tag before compression); a
day file holds one day's papers (about 2 KB each before compression). The schema is
documented in the About page.

Every document is UTF-8 JSON with sorted keys, no insignificant spaces and a final
newline; lists are in a fixed order, so the same papers make the same bytes. The day
and tag files are gzip-compressed (see :func:`gzip_bytes`): they hold every abstract a
second time (the paper pages hold the first), ~2.3 KB a paper, which would take a
quarter of GitHub Pages' 1 GB at 100,000 papers; compressed, they take ~0.5-0.7 KB a paper.
The index stays plain JSON, the entry point a program reads first.
"""

from __future__ import annotations

import itertools
import struct
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from operator import itemgetter
from typing import Any

import orjson
from isal import isal_zlib

from . import urls
from .model import Paper
from .slugs import slug_of as tag_slug

#: bumped when a field or file changes meaning or disappears (adding fields does not bump it).
#: 2: day and tag files are gzip-compressed (``.json.gz``).
API_VERSION = 2
#: ISA-L deflate level (0-3) of the day and tag files: smaller than zlib's fastest level, and
#: faster (figures in bench/README.md, "Scale").
COMPRESSLEVEL = 2

INDEX = urls.API_INDEX

Json = dict[str, Any]


day_path = urls.api_day


def tag_path(tag: str) -> str:
    """The API file of a tag (its label)."""
    return urls.api_tag(tag_slug(tag))


def _url(site_url: str, path: str) -> str:
    """An absolute URL with a site URL, else the path relative to the site root."""
    if not site_url:
        return path
    return (site_url if site_url.endswith("/") else site_url + "/") + path


_CANONICAL = orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE


def encode(document: object) -> bytes:
    """Canonical JSON: sorted keys, compact separators, UTF-8 (nothing escaped but what JSON
    must escape), final newline: the bytes of ``json.dumps(document, ensure_ascii=False,
    sort_keys=True, separators=(",", ":")) + "\n"``, made by orjson.
    Dates are written as ``YYYY-MM-DD``."""
    return orjson.dumps(document, option=_CANONICAL)


def gzip_bytes(data: bytes, level: int = COMPRESSLEVEL) -> bytes:
    """`data` as a gzip member (RFC 1952) that depends on nothing but `data` and `level`:
    no file name, modification time 0 and operating system "unknown" (255), where
    gzip.compress would write the platform's code. Deflated by ISA-L (`level` 0-3)."""
    deflate = isal_zlib.compressobj(level, isal_zlib.DEFLATED, -isal_zlib.MAX_WBITS)
    body = deflate.compress(data) + deflate.flush()
    header = b"\x1f\x8b\x08\x00" + struct.pack("<IBB", 0, 4 if level < 3 else 0, 255)
    return header + body + struct.pack("<II", isal_zlib.crc32(data), len(data) & 0xFFFFFFFF)


def record(paper: Paper, site_url: str, related: Sequence[str] = ()) -> Json:
    """A paper's full record (its dates as dates: :func:`encode` writes them YYYY-MM-DD), with
    what the Hub knows of it (null or empty when it is not resolved)."""
    found = paper.record if paper.record is not None and paper.record.resolved else None
    return {
        "slug": paper.slug,
        "title": paper.title,
        "abstract": paper.abstract,
        "tags": paper.tags,
        "date": paper.listed,
        "dates": paper.dates,
        "url": _url(site_url, urls.paper_url(paper.slug)),
        "related": related,
        "arxiv_id": found.arxiv_id if found else None,
        "authors": found.authors if found else (),
        "published": found.published if found else None,
        "code": found.github if found else None,
        "project_page": found.project_page if found else None,
    }


def reference(paper: Paper) -> Json:
    """A short reference: the full record is in the day file of `date`."""
    return {"slug": paper.slug, "title": paper.title, "date": paper.listed}


_reference_date = itemgetter("date")


def build_api(
    papers: Iterable[Paper],
    site_url: str = "",
    related: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, str | bytes]:
    """Every file of the JSON API: relative output path -> UTF-8 JSON bytes.

    `related` maps slugs to related slugs (generator.related.related_papers);
    without it every record's "related" list is empty. Raises ValueError when two
    papers share a slug, two tags share a slug or a tag has none.
    """
    return dict(api_files(papers, site_url, related))


def api_files(
    papers: Iterable[Paper],
    site_url: str = "",
    related: Mapping[str, Sequence[str]] | None = None,
) -> Iterator[tuple[str, bytes]]:
    """The files of :func:`build_api`: the day files, newest first, the tag files, the index.
    The checks are made before the first file."""
    everything = list(papers)
    slugs = {paper.slug for paper in everything}
    if len(slugs) < len(everything):
        ordered = sorted(everything, key=lambda paper: paper.slug)
        for before, after in itertools.pairwise(ordered):
            if before.slug == after.slug:
                raise ValueError(f"two papers share the slug {before.slug!r}")
    owner: dict[str, str] = {}
    labels = sorted({tag for paper in everything for tag in paper.tags}, key=lambda label: (tag_slug(label), label))
    for tag in labels:
        slug = tag_slug(tag)
        if slug in owner:
            raise ValueError(f"the tags {owner[slug]!r} and {tag!r} have the same slug {slug!r}")
        owner[slug] = tag
    days = sorted({source.listed for paper in everything for source in paper.sources}, reverse=True)  # paper.dates

    return _files(everything, days, labels, site_url, related or {})


def _files(
    everything: list[Paper], days: list[date], labels: list[str], site_url: str, links: Mapping[str, Sequence[str]]
) -> Iterator[tuple[str, bytes]]:
    # The papers first listed each day and listed again each day, in slug order; the
    # references to each tag's papers, newest first (ties by slug).
    first: dict[date, list[Paper]] = {}
    again: dict[date, list[Paper]] = {}
    tagged: dict[str, list[Json]] = {}
    for paper in sorted(everything, key=lambda paper: paper.slug):
        first.setdefault(paper.listed, []).append(paper)
        for day in paper.dates[1:]:
            again.setdefault(day, []).append(paper)
        if paper.tags:
            short = reference(paper)  # one per paper, shared by its tags' files
            for tag in paper.tags:
                tagged.setdefault(tag, []).append(short)
    for references in tagged.values():
        references.sort(key=_reference_date, reverse=True)  # a stable sort: ties stay in slug order
    for day in days:
        yield _day_file(day, first.get(day, []), again.get(day, []), site_url, links)
    for tag in labels:
        yield _tag_file(tag, tag_slug(tag), tagged[tag], site_url)
    newest = max((paper.listed for paper in everything), default=None)
    index = {
        "version": API_VERSION,
        "site_url": site_url,
        "updated": newest.isoformat() if newest else None,
        "count": len(everything),
        "days": [{"date": day.isoformat(), "count": len(first.get(day, [])), "path": day_path(day)} for day in days],
        "tags": [
            {
                "name": tag,
                "slug": tag_slug(tag),
                "count": len(tagged[tag]),
                "path": tag_path(tag),
                "page": urls.tag_url(tag_slug(tag)),
                "feed": urls.tag_feed(tag_slug(tag)),
            }
            for tag in labels
        ],
    }
    yield INDEX, encode(index)


def _day_file(
    day: date, first: list[Paper], again: list[Paper], site_url: str, links: Mapping[str, Sequence[str]]
) -> tuple[str, bytes]:
    document = {
        "version": API_VERSION,
        "date": day.isoformat(),
        "count": len(first),
        "papers": [record(paper, site_url, links.get(paper.slug, ())) for paper in first],
        "relisted": [reference(paper) for paper in again],
    }
    return day_path(day), gzip_bytes(encode(document))


def _tag_file(tag: str, slug: str, references: list[Json], site_url: str) -> tuple[str, bytes]:
    """`references` to the tag's papers, newest first."""
    document = {
        "version": API_VERSION,
        "name": tag,
        "slug": slug,
        "count": len(references),
        "url": _url(site_url, urls.tag_url(slug)),
        "papers": references,
    }
    return tag_path(tag), gzip_bytes(encode(document))
