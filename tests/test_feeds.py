"""Atom feeds: well-formed XML with Atom's required elements, stable ids, no build-time clock."""

from __future__ import annotations

import xml.dom.minidom
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date, timedelta
from urllib.parse import urljoin

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from generator.feeds import (
    ALL_FEED,
    MAX_ENTRIES,
    build_feeds,
    newest,
    tag_feed_path,
    tag_slug,
)
from generator.model import Paper
from tests._papers import paper

A = "{http://www.w3.org/2005/Atom}"
SITE = "https://example.github.io/paper-archive/"
START = date(2026, 1, 1)


def archive(count: int = 120) -> list[Paper]:
    """Papers first listed over 40 days, a few listed again later, with tags."""
    papers = []
    for i in range(count):
        first = START + timedelta(days=i % 40)
        days = (first, first + timedelta(days=3)) if i % 7 == 0 else (first,)
        tags = ("Vision & Language",) if i % 3 == 0 else ("Theory", "Optimization") if i % 3 == 1 else ()
        papers.append(
            paper(f"paper-{i:03d}", f'Paper <{i}> & "friends"', f"Abstract {i} with <b>markup</b> & \x0c.", days, tags)
        )
    return papers


def parse(xml_bytes: bytes | str) -> ET.Element:
    assert isinstance(xml_bytes, bytes)
    assert xml_bytes.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    xml.dom.minidom.parseString(xml_bytes)  # a second, independent parser
    return ET.fromstring(xml_bytes)


def check_atom(root: ET.Element, self_url: str) -> list[ET.Element]:
    """Atom (RFC 4287) requirements; returns the entries."""
    assert root.tag == f"{A}feed"
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"{A}{name}")) == 1, name
        assert root.findtext(f"{A}{name}")
    assert root.find(f"{A}author/{A}name") is not None
    selfs = [link for link in root.findall(f"{A}link") if link.get("rel") == "self"]
    assert [link.get("href") for link in selfs] == [self_url]
    entries = root.findall(f"{A}entry")
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{A}{name}")) == 1, name
            assert entry.findtext(f"{A}{name}")
        links = [link for link in entry.findall(f"{A}link") if link.get("rel") == "alternate"]
        assert len(links) == 1 and links[0].get("href")
    return entries


def test_feed_of_the_archive() -> None:
    papers = archive()
    feeds = build_feeds(papers, SITE)
    root = parse(feeds[ALL_FEED])
    entries = check_atom(root, SITE + "feeds/all.xml")
    assert root.findtext(f"{A}id") == SITE + "feeds/all.xml"
    assert len(entries) == MAX_ENTRIES
    newest = max(p.listed for p in papers)
    # The feed's date is the newest listing day, not the time of the build.
    assert root.findtext(f"{A}updated") == f"{newest.isoformat()}T00:00:00Z"
    # Newest first, ties by slug; ids and links are the papers' absolute URLs.
    expected = sorted(papers, key=lambda p: (-p.listed.toordinal(), p.slug))[:MAX_ENTRIES]
    assert [e.findtext(f"{A}id") for e in entries] == [f"{SITE}papers/{p.slug}/" for p in expected]
    assert [e.find(f"{A}link").get("href") for e in entries] == [f"{SITE}papers/{p.slug}/" for p in expected]  # type: ignore[union-attr]
    assert [e.findtext(f"{A}updated") for e in entries] == [f"{p.listed.isoformat()}T00:00:00Z" for p in expected]
    first = entries[0]
    assert first.findtext(f"{A}title") == expected[0].title  # escaped, then read back intact
    assert first.findtext(f"{A}summary") == (expected[0].abstract or "").replace("\x0c", "")


def test_feed_per_tag() -> None:
    papers = archive()
    feeds = build_feeds(papers, SITE)
    assert set(feeds) == {
        ALL_FEED,
        "feeds/tags/vision-language.xml",
        "feeds/tags/theory.xml",
        "feeds/tags/optimization.xml",
    }
    for tag in ("Vision & Language", "Theory", "Optimization"):
        path = tag_feed_path(tag)
        root = parse(feeds[path])
        entries = check_atom(root, SITE + path)
        members = [p for p in papers if tag in p.tags]
        assert len(entries) == min(MAX_ENTRIES, len(members))
        assert {e.findtext(f"{A}id") for e in entries} <= {f"{SITE}papers/{p.slug}/" for p in members}
        assert root.findtext(f"{A}updated") == f"{max(p.listed for p in members).isoformat()}T00:00:00Z"
        pages = [link.get("href") for link in root.findall(f"{A}link") if link.get("rel") == "alternate"]
        assert pages == [f"{SITE}tags/{path.split('/')[-1].removesuffix('.xml')}/"]
        assert tag in root.findtext(f"{A}title", "")
        for entry in entries:
            assert tag in [c.get("term") for c in entry.findall(f"{A}category")]


def test_ids_are_stable_as_the_archive_grows() -> None:
    papers = archive(60)
    before = parse(build_feeds(papers, SITE)[ALL_FEED])
    later = [*papers, paper("new-one", listed=(START + timedelta(days=90),))]
    after = parse(build_feeds(later, SITE)[ALL_FEED])
    ids_before = {e.findtext(f"{A}title"): e.findtext(f"{A}id") for e in before.findall(f"{A}entry")}
    ids_after = {e.findtext(f"{A}title"): e.findtext(f"{A}id") for e in after.findall(f"{A}entry")}
    assert all(ids_after[title] == ident for title, ident in ids_before.items() if title in ids_after)
    assert after.findall(f"{A}entry")[0].findtext(f"{A}id") == f"{SITE}papers/new-one/"
    assert after.findtext(f"{A}updated") == f"{(START + timedelta(days=90)).isoformat()}T00:00:00Z"


def test_relisting_does_not_change_an_entry() -> None:
    once = paper("p", listed=(START,))
    again = replace(paper("p", listed=(START, START + timedelta(days=5))))
    assert build_feeds([once], SITE) == build_feeds([again], SITE)


def test_without_a_site_url_ids_are_tag_uris_and_links_relative() -> None:
    papers = archive(10)
    feeds = build_feeds(papers, "")
    root = parse(feeds[ALL_FEED])
    entries = check_atom(root, "../feeds/all.xml")
    assert root.findtext(f"{A}id") == "tag:paper-archive,2026:feeds/all"
    for entry in entries:
        ident = entry.findtext(f"{A}id", "")
        assert ident.startswith("tag:paper-archive,2026:papers/")
        href = entry.find(f"{A}link").get("href", "")  # type: ignore[union-attr]
        # Relative to the feed, the link reaches the paper page under any site URL.
        assert urljoin(SITE + ALL_FEED, href) == SITE + "papers/" + ident.rsplit("/", 1)[1] + "/"
    tag_root = parse(feeds["feeds/tags/theory.xml"])
    check_atom(tag_root, "../../feeds/tags/theory.xml")
    href = tag_root.find(f"{A}entry/{A}link").get("href", "")  # type: ignore[union-attr]
    assert urljoin(SITE + "feeds/tags/theory.xml", href).startswith(SITE + "papers/")


def test_site_url_without_trailing_slash() -> None:
    assert build_feeds(archive(5), SITE.rstrip("/")) == build_feeds(archive(5), SITE)


def test_deterministic() -> None:
    papers = archive()
    assert build_feeds(papers, SITE) == build_feeds(list(reversed(papers)), SITE)


def test_empty_archive() -> None:
    feeds = build_feeds([], SITE)
    assert list(feeds) == [ALL_FEED]
    root = parse(feeds[ALL_FEED])
    assert check_atom(root, SITE + ALL_FEED) == []


def test_tags_with_the_same_slug_are_refused() -> None:
    with pytest.raises(ValueError, match="same slug"):
        build_feeds([paper("a", tags=("Vision & Language",)), paper("b", tags=("vision language",))], SITE)


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=60), st.text(max_size=200), st.text(min_size=1, max_size=20))
def test_any_text_makes_well_formed_xml(title: str, abstract: str, tag: str) -> None:
    assume(tag_slug(tag))
    feeds = build_feeds([paper("p", title or "t", abstract or None, tags=(tag,))], SITE)
    for content in feeds.values():
        assert isinstance(content, bytes)
        parse(content)


@given(
    days=st.lists(st.integers(0, 30), max_size=80),
    limit=st.integers(1, 60),
    order=st.randoms(use_true_random=False),
)
def test_newest_are_the_first_of_all_sorted_newest_first_ties_by_slug(days: list[int], limit: int, order) -> None:
    papers = [paper(f"p-{index:02d}", listed=(START + timedelta(days=day),)) for index, day in enumerate(days)]
    order.shuffle(papers)
    expected = sorted(papers, key=lambda p: (-p.listed.toordinal(), p.slug))[:limit]
    assert newest(papers, limit) == expected
    assert newest(iter(papers), limit) == expected
