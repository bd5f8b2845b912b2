"""Small pieces of the page renderer: paths, escaping of front matter, stable tag pages."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from generator import urls
from generator.render import TAG_PAGE_SIZE, TagGroup, base_of, front_matter, page_files, tag_pages
from generator.urls import day_path
from generator.write import Deferred
from tests._papers import paper


@given(st.dates())
def test_day_path_is_the_days_strftime(day: date) -> None:
    # the archive's day pages were named with strftime before day_path took its place
    assert day_path(day) == day.strftime("%Y/%m/%d")


@pytest.mark.parametrize(
    ("path", "base"),
    [
        ("index.md", ""),
        ("papers/x.md", "../../"),
        ("tags/index.md", "../"),
        ("tags/x/index.md", "../../"),
        ("tags/x/page-2.md", "../../../"),
        ("archive/2026/05/30.md", "../../../../"),
    ],
)
def test_base_of(path: str, base: str) -> None:
    assert base_of(path) == base


@pytest.mark.parametrize(
    "title",
    ['Title: "a" ---', "<script>alert(1)</script>", "!tag &anchor *alias", "{{ x }} {% y %}", "line\u2028break", "#"],
)
def test_front_matter_keeps_any_title_as_escaped_text(title: str) -> None:
    data = yaml.safe_load(str(front_matter(title=title, tags=["A & B"])))
    assert data["title"] == title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert data["tags"] == ["A & B"]
    assert data["generated"] == "html"


def tag_of(count: int) -> TagGroup:
    oldest_first = tuple(paper(f"p{i:04d}") for i in range(count))
    return TagGroup("Topic", "topic", oldest_first[::-1])


@pytest.mark.parametrize("count", [1, TAG_PAGE_SIZE, TAG_PAGE_SIZE + 1, 250, 3 * TAG_PAGE_SIZE, 1234])
def test_tag_pages_show_every_paper_newest_first(count: int) -> None:
    tag = tag_of(count)
    pages = tag_pages(tag)
    assert pages[0].number is None and pages[0].papers == tag.papers[:TAG_PAGE_SIZE]
    shown = {p.slug for page in pages for p in page.papers}
    assert shown == {p.slug for p in tag.papers}
    for page in pages:
        assert [p.slug for p in page.papers] == sorted((p.slug for p in page.papers), reverse=True)
        assert len(page.papers) <= TAG_PAGE_SIZE
    numbers = [page.number for page in pages[1:]]
    assert numbers == list(range(len(numbers), 0, -1))
    for page in pages:  # links go to pages that exist
        assert page.older in (None, *numbers)
        assert page.newer in (None, *numbers)


@pytest.mark.parametrize(("before", "added"), [(150, 1), (199, 1), (250, 100), (1000, 37)])
def test_adding_papers_leaves_full_numbered_pages_alone(before: int, added: int) -> None:
    old = {page.number: page for page in tag_pages(tag_of(before)) if page.number}
    new = {page.number: page for page in tag_pages(tag_of(before + added)) if page.number}
    changed = [number for number, page in old.items() if new[number] != page]
    assert changed in ([], [max(old)])  # at most the newest page, whose "newer" link may change
    for number in changed:
        assert new[number].papers == old[number].papers


def test_a_full_numbered_tag_page_is_written_the_same_when_papers_are_added() -> None:
    def tag_files(count: int) -> dict[str, str]:
        days = [date(2025, 1, 1) + timedelta(days=number) for number in range(count)]
        papers = [paper(f"p{number:04d}", listed=(day,), tags=("Topic",)) for number, day in enumerate(days)]
        return {path: text for path, text in page_files(papers) if path.startswith("tags/topic/page-")}

    before, after = tag_files(2 * TAG_PAGE_SIZE + 10), tag_files(2 * TAG_PAGE_SIZE + 40)
    assert sorted(before) == sorted(after) == ["tags/topic/page-1.md", "tags/topic/page-2.md"]
    assert before["tags/topic/page-1.md"] == after["tags/topic/page-1.md"]


def test_a_deferred_page_keeps_its_key_exactly_while_it_would_read_the_same() -> None:
    """With the code's digest, paper and tag pages are Deferred (generator.write): a page's key
    changes when, and only when, something it shows does, and it makes the page given without."""

    def files(count: int, title: str = "A title") -> dict[str, Deferred]:
        days = [date(2025, 1, 1) + timedelta(days=number) for number in range(count)]
        papers = [paper(f"p{n:04d}", title=title, listed=(day,), tags=("Topic",)) for n, day in enumerate(days)]
        found = dict(page_files(papers, code="code"))
        plain = dict(page_files(papers))
        deferred = {path: content for path, content in found.items() if isinstance(content, Deferred)}
        assert all(deferred[path].make() == plain[path] for path in deferred)
        return deferred

    before, after = files(2 * TAG_PAGE_SIZE + 10), files(2 * TAG_PAGE_SIZE + 40)
    assert {"tags/topic/page-1.md", "tags/topic/index.md", "papers/p0000.md"} <= set(before)
    same = {path for path in before if before[path].key == after[path].key}
    # the tag's front page changes (its papers and count), and the last day's (a link to the
    # next day); the full numbered pages, the other days' and the papers' pages do not
    last = urls.day_file(date(2025, 1, 1) + timedelta(days=2 * TAG_PAGE_SIZE + 9))
    assert set(before) - same == {"tags/topic/index.md", last}
    renamed = files(2 * TAG_PAGE_SIZE + 10, title="Another title")
    assert not any(before[path].key == renamed[path].key for path in before)


@given(st.text())
def test_front_matter_reads_back_any_text(text: str) -> None:
    # Strings, lists and tuples go through a cache; mappings, and tuples holding them, do not.
    matter = front_matter(
        False, title=text, tags=[text], hide=(text,), feed_title=text, search={"exclude": True}, links=({"to": text},)
    )
    assert yaml.safe_load(str(matter)) == {
        "title": text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
        "tags": [text],
        "hide": [text],
        "feed_title": text,
        "search": {"exclude": True},
        "links": [{"to": text}],
    }


MAY_29, MAY_30 = date(2026, 5, 29), date(2026, 5, 30)


@pytest.mark.parametrize(
    ("path", "times"),
    [
        # a day's page: its heading says the day; a paper listed again keeps its first day
        (f"archive/{day_path(MAY_30)}.md", ["2026-05-29"]),
        (f"archive/{day_path(MAY_29)}.md", []),
        ("index.md", ["2026-05-29"]),  # the home page's latest day
        # a tag's page lists papers of many days: each keeps its day
        ("tags/t/index.md", ["2026-05-30", "2026-05-29"]),
    ],
)
def test_listing_days_are_written_where_the_page_does_not_say_them(path: str, times: list[str]) -> None:
    from generator.render import page_files

    papers = [paper("new", listed=(MAY_30,), tags=("T",)), paper("again", listed=(MAY_29, MAY_30), tags=("T",))]
    pages = dict(page_files(papers))
    listing = pages[path][pages[path].index('<ul class="pa-list') :]
    assert re.findall(r"<time>(.*?)</time>", listing) == times
    assert listing.count("<li>") == (1 if path.endswith("29.md") else 2)
