"""Search: offline, with the lunr package rebuilding Material's index, and in a real browser.

The queries are chosen from the archive itself (a word only one abstract uses, a title, an
acronym from a title, a tag), so the tests follow the dumps rather than hard-coded results."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from html import escape
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from generator.archive import load_archive
from generator.cli import read_tag_rules
from generator.related import related_papers
from generator.tagging import with_inferred_tags
from tests.lunrindex import SearchIndex
from tests.sitebuild import ROOT

#: every test here reads the search index of the project's own site (tests/conftest.py: real_site)
pytestmark = pytest.mark.slow

TOP = 3


@pytest.fixture(scope="module")
def archive():  # type: ignore[no-untyped-def]
    """The archive with its papers tagged as the build tags them (inferred tags too)."""
    rules, overrides = read_tag_rules(ROOT / "taxonomy" / "tags.yml", ROOT / "taxonomy" / "overrides.yml")
    loaded = load_archive(ROOT / "dumps", rules, overrides)
    papers, _ = with_inferred_tags(loaded.papers, related_papers(loaded.papers), rules)
    return replace(loaded, papers=papers)


@pytest.fixture(scope="module")
def index(real_site: Path) -> SearchIndex:
    return SearchIndex(real_site)


def words(text: str) -> list[str]:
    return re.findall(r"[a-z]{3,}", text.lower())


def distinctive_words(archive, count: int = 5) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(word, slug): long words that one abstract uses and no other text (title or abstract) does."""
    seen = Counter(w for p in archive.papers for w in set(words(p.title) + words(p.abstract or "")))
    found = []
    for paper in archive.papers:
        for word in sorted(set(words(paper.abstract or ""))):
            if len(word) >= 9 and seen[word] == 1 and word not in words(paper.title):
                found.append((word, paper.slug))
                break
        if len(found) == count:
            break
    return found


def location(slug: str) -> str:
    return f"papers/{slug}/"


def test_each_paper_is_one_document_without_page_chrome(index: SearchIndex, archive) -> None:  # type: ignore[no-untyped-def]
    papers = {location(p.slug): p for p in archive.papers}
    documents = [doc for loc, doc in index.docs.items() if loc.startswith("papers/")]
    assert len(documents) == len(papers)
    for doc in documents:
        paper = papers[doc["location"]]
        # Material shows tags as HTML: the index holds them escaped (overrides/hooks.py)
        assert doc["tags"] == [escape(tag, quote=False) for tag in paper.tags] if paper.tags else "tags" not in doc
        text = re.sub(r"<[^>]+>", "", doc["text"])
        for chrome in ("Find this paper", "Semantic Scholar", "Related papers", "Copy BibTeX", "Listed on"):
            assert chrome not in text
    # pages that list papers stay out of the index: they would crowd the papers out
    assert not [loc for loc in index.docs if loc.startswith(("tags/", "archive/")) or loc == ""]


def test_a_distinctive_abstract_word_finds_its_paper(index: SearchIndex, archive) -> None:  # type: ignore[no-untyped-def]
    cases = distinctive_words(archive)
    assert len(cases) == 5
    for word, slug in cases:
        assert index.search(word)[:1] == [location(slug)], word


def test_a_title_ranks_its_paper_above_papers_that_mention_the_words(index: SearchIndex, archive) -> None:  # type: ignore[no-untyped-def]
    ranks = [index.search(paper.title).index(location(paper.slug)) for paper in archive.papers]
    # Material adds a trailing wildcard to every word ("is" -> "is*" matches "isomorphic"), so a
    # title of common words can let a paper full of them come first; its own paper stays close
    assert max(ranks) < 5
    assert sum(rank == 0 for rank in ranks) >= 0.97 * len(ranks)

    # a word of one title that three or more other papers only mention in their abstracts: the
    # paper with it in its title comes first (words are prefixes, as Material's wildcard makes them)
    def prefixes(text: str | None) -> set[str]:
        """What a word of 6 letters or more must be to start a word of the text."""
        return {w[:end] for w in words(text or "") for end in range(6, len(w) + 1)}

    papers_using = {
        field: Counter(prefix for p in archive.papers for prefix in prefixes(getattr(p, field)))
        for field in ("title", "abstract")
    }

    def using(word: str, field: str) -> int:  # how many papers have a word starting with `word` there
        return papers_using[field][word]

    cases = [
        (word, paper)
        for paper in archive.papers
        for word in sorted(set(words(paper.title)))
        if len(word) >= 6 and using(word, "title") == 1 and using(word, "abstract") >= 4
    ]
    assert len(cases) >= 10
    for word, paper in cases:
        assert index.search(word)[0] == location(paper.slug), word


def test_an_acronym_from_a_title_finds_its_paper(index: SearchIndex, archive) -> None:  # type: ignore[no-untyped-def]
    acronyms = {}
    for paper in archive.papers:
        match = re.match(r"([A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*):", paper.title)
        if match:
            acronyms[match[1]] = paper.slug
    unique = {a: s for a, s in acronyms.items() if sum(a.lower() in words(p.title) for p in archive.papers) == 1}
    assert len(unique) >= 5
    for acronym, slug in sorted(unique.items())[:10]:
        assert location(slug) in index.search(acronym)[:TOP], acronym


def test_a_tag_finds_its_papers(index: SearchIndex, archive) -> None:  # type: ignore[no-untyped-def]
    tags = Counter(tag for p in archive.papers for tag in p.tags)
    # The index holds a tag as one token, the whole label, which a query matches by the prefix of
    # its first word (Material's and lunr's tokenizers leave the items of a list whole): a label of
    # common words ("Clustering & Mixture Models") can be outranked by titles that hold them.
    found_first = 0
    for tag, _ in tags.most_common()[-5:]:  # the rarest published tags
        tagged = {location(p.slug) for p in archive.papers if tag in p.tags}
        results = index.search(tag)
        assert set(results[:TOP]) & tagged, tag
        found_first += results[0] in tagged
    assert found_first >= 3


# --- in a real browser -------------------------------------------------------------


def search_for(page: Page, text: str, phone: bool) -> None:
    if phone:
        page.locator('label[for="__search"]').first.click()
    else:
        page.locator("input.md-search__input").click()
    page.locator("input.md-search__input").press_sequentially(text, delay=20)


@pytest.mark.browser
@pytest.mark.parametrize(
    ("viewport", "scheme", "phone"),
    [({"width": 1280, "height": 900}, "light", False), ({"width": 390, "height": 844}, "dark", True)],
    ids=["desktop", "phone-dark"],
)
def test_type_a_word_from_an_abstract_and_open_the_paper(  # type: ignore[no-untyped-def]
    page: Page, archive, viewport: dict[str, int], scheme: str, phone: bool
) -> None:
    word, slug = distinctive_words(archive)[1 if phone else 0]
    paper = next(p for p in archive.papers if p.slug == slug)
    page.set_viewport_size(viewport)
    page.emulate_media(color_scheme=scheme)
    page.goto("/")
    search_for(page, word, phone)
    result = page.locator(".md-search-result__item", has_text=paper.title).first
    expect(result).to_be_visible()
    # the entry shows the paper's title and a snippet of its abstract
    expect(result.locator("h1")).to_have_text(paper.title)
    expect(result).to_contain_text(word, ignore_case=True)
    result.locator("a").first.click()
    page.wait_for_url(re.compile(rf"/papers/{re.escape(slug)}/"))
    expect(page.locator("h1.pa-title")).to_have_text(paper.title)
    assert page.context.blocked_requests == []


@pytest.mark.browser
def test_the_index_loads_when_the_reader_first_focuses_search(page: Page, archive) -> None:  # type: ignore[no-untyped-def]
    """No page view downloads the lunr index or starts the search worker: the first focus of the
    search box does (overrides/partials/javascripts/search-lazy.html), and search then works."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url.rsplit("/", 1)[-1]))
    word, slug = distinctive_words(archive)[2]
    paper = next(p for p in archive.papers if p.slug == slug)
    page.goto(f"/papers/{slug}/")
    page.wait_for_load_state("networkidle")
    page.mouse.wheel(0, 400)  # reading the page is no reason to load it either
    page.wait_for_timeout(300)
    assert not [name for name in requested if name == "search_index.json" or name.startswith("search.")]
    with page.expect_request(re.compile(r"/search/search_index\.json$")):
        page.locator("input.md-search__input").focus()
    page.locator("input.md-search__input").press_sequentially(word, delay=20)
    expect(page.locator(".md-search-result__item", has_text=paper.title).first).to_be_visible()
    assert requested.count("search_index.json") == 1
    assert len([name for name in requested if re.fullmatch(r"search\.[0-9a-f]+\.min\.js", name)]) == 1
