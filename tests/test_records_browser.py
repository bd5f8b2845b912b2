"""Resolved papers in a real browser: authors, arXiv links and a proper BibTeX entry on the
page, authors found by search, and the "with code" search filter (tests/fixtures/dumps holds
records.jsonl: two papers resolved, one with code; one not found)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

AUTHORS = ["Ada Lovelace", "Zoë <b>Bold</b> O'Neil", "Jean-Luc {Picard} & Sons", "李 雷", "Grace Hopper"]


@pytest.fixture(scope="module")
def site_url(fixture_url: str) -> str:
    return fixture_url


def test_a_resolved_paper_shows_its_authors_and_links(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}papers/feature-collapse/")
    expect(page.locator(".pa-authors")).to_have_text(", ".join(AUTHORS) + " et al.")  # text, not markup
    page.locator(".pa-all-authors summary").click()
    expect(page.locator(".pa-all-authors p")).to_have_text(", ".join([*AUTHORS, "Alan Turing", "Émilie du Châtelet"]))
    arxiv = page.locator("ul.pa-links a", has_text="arXiv:2401.01234")
    expect(arxiv).to_have_attribute("href", "https://arxiv.org/abs/2401.01234")
    expect(page.locator("ul.pa-links a", has_text="PDF")).to_have_attribute("href", "https://arxiv.org/pdf/2401.01234")
    expect(page.locator("a.pa-code")).to_have_attribute("href", "https://github.com/example/feature-collapse")
    expect(page.locator(".pa-listed time")).to_have_text("January 3, 2024")
    assert page.locator(".pa-more h2").all_inner_texts() == ["Related papers", "Sources", "Cite"]  # no searching
    entry = page.locator("#bibtex").text_content() or ""
    assert "  eprint = {2401.01234},\n  archivePrefix = {arXiv},\n" in entry
    assert "  author = {Ada Lovelace and Zoë <b>Bold</b> O'Neil and Jean-Luc \\{Picard\\} \\& Sons and " in entry
    assert entry.endswith("  year = {2024},\n  month = jan,\n}\n")
    assert page.locator('meta[name="citation_author"]').count() == 7
    assert page.context.blocked_requests == []


def test_an_unresolved_paper_keeps_its_search_links(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}papers/tensor-programs-vi-feature-learning-in-infinite-depth-neural-networks/")
    expect(page.locator("ul.pa-links")).to_have_count(0)
    expect(page.locator("ul.pa-find a")).to_have_count(4)


def search(page: Page, words: str) -> None:
    page.keyboard.press("/")
    page.locator("input.md-search__input").press_sequentially(words, delay=20)
    expect(page.locator(".md-search-result__item").first).to_be_visible()


def test_search_finds_authors_and_filters_papers_with_code(page: Page, site_url: str) -> None:
    page.goto(site_url)
    search(page, "Lovelace")
    expect(page.locator(".md-search-result__item h1").first).to_have_text("Feature Collapse")

    page.goto(site_url)
    search(page, "feature")
    titles = page.locator(".md-search-result__item:visible h1")
    expect(titles.filter(has_text="Tensor Programs VI")).to_have_count(1)
    page.locator('input[name="pa-code"]').check()
    expect(titles).to_have_text(["Feature Collapse"])
    page.locator('input[name="pa-code"]').uncheck()
    expect(titles.filter(has_text="Tensor Programs VI")).to_have_count(1)
    assert page.context.blocked_requests == []
