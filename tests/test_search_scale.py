"""Search at archive scale: above generator.search.PAGEFIND_FROM papers the site searches with
Pagefind, through the same search box, with tag and year filters. Built from a synthetic
archive of 2,100 papers listed over two years, in a real browser."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from bench.synthetic import papers as synthetic_papers
from generator.search import PAGEFIND_FROM, engine
from tests.conftest import LARGE_BLOCKS
from tests.conftest import LARGE_PAPERS as PAPERS


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "lunr"), (388, "lunr"), (PAGEFIND_FROM - 1, "lunr"), (PAGEFIND_FROM, "pagefind"), (100_000, "pagefind")],
)
def test_the_engine_follows_the_archive_size(count: int, expected: str) -> None:
    assert engine(count) == expected


@pytest.mark.slow
def test_large_sites_are_indexed_by_pagefind_not_lunr(large_site: Path) -> None:
    assert json.loads((large_site / "search" / "search_index.json").read_text())["docs"] == []
    bundles = sorted((large_site / "pagefind").iterdir())
    assert [bundle.name for bundle in bundles] == [str(number) for number in range(LARGE_BLOCKS)]
    entries = [json.loads((bundle / "pagefind-entry.json").read_text()) for bundle in bundles]
    counts = [sum(language["page_count"] for language in entry["languages"].values()) for entry in entries]
    assert sum(counts) == PAPERS and len(set(counts[:-1])) == 1  # blocks of one size, the last one less
    # only the first index's scripts and WebAssembly are loaded: the others are merged into it
    assert {path.name for path in bundles[0].iterdir()} >= {"pagefind.js", "pagefind-worker.js", "wasm.en.pagefind"}
    for bundle in bundles[1:]:
        assert not [path.name for path in bundle.iterdir() if path.suffix in (".js", ".css", ".pagefind")]
    assert not list(bundles[0].glob("pagefind-ui*"))
    assert json.loads((large_site / "api" / "filters.json").read_text())["indexes"] == LARGE_BLOCKS
    home = (large_site / "index.html").read_text(encoding="utf-8")
    assert 'data-md-component="pagefind"' in home and "pagefind-search.js" in home


def open_search(page: Page, url: str, query: str) -> None:
    page.goto(url)
    page.locator("input.md-search__input").click()
    page.locator("input.md-search__input").press_sequentially(query, delay=15)


@pytest.mark.slow
@pytest.mark.browser
def test_find_a_paper_by_its_title_and_open_it(page: Page, large_url: str) -> None:
    title = synthetic_papers(PAPERS)[PAPERS - 100][0]  # in the last index: merged into the first
    open_search(page, large_url, title)
    first = page.locator(".md-search-result__item").first
    expect(first.locator("h1")).to_have_text(title)
    expect(page.locator(".md-search-result__meta")).to_contain_text("matching paper")
    first.locator("a").click()
    expect(page.locator("h1.pa-title")).to_have_text(title)
    assert page.context.blocked_requests == []


@pytest.mark.slow
@pytest.mark.browser
def test_filter_results_by_year_and_by_tag(page: Page, large_url: str) -> None:
    open_search(page, large_url, "quantization")
    meta = page.locator(".md-search-result__meta")
    expect(meta).to_contain_text("matching papers")
    everything = int(re.match(r"\d+", meta.inner_text())[0])

    page.select_option('select[name="year"]', "2025")
    expect(meta).not_to_have_text(f"{everything} matching papers")
    in_2025 = int(re.match(r"\d+", meta.inner_text())[0])
    assert 0 < in_2025 < everything
    page.locator(".md-search-result__item a").first.click()
    expect(page.locator("p.pa-listed")).to_contain_text("2025")

    open_search(page, large_url, "quantization")
    tag = page.locator('select[name="tag"] option').nth(1)
    tag_name = re.sub(r" \(\d+\)$", "", tag.inner_text())
    page.select_option('select[name="tag"]', tag_name)
    expect(page.locator(".md-search-result__item").first).to_be_visible()
    page.locator(".md-search-result__item a").first.click()
    expect(page.locator("nav.md-tags a.md-tag", has_text=tag_name)).to_have_count(1)


@pytest.mark.slow
@pytest.mark.browser
def test_a_filter_without_words_downloads_no_index(page: Page, large_url: str) -> None:
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(large_url)
    page.locator("input.md-search__input").click()
    expect(page.locator('select[name="year"] option')).not_to_have_count(1)  # filled from api/filters.json
    page.select_option('select[name="year"]', "2025")
    expect(page.locator(".md-search-result__meta")).to_have_text("Type a word to search within the filters")
    page.wait_for_timeout(500)
    assert not [url for url in fetched if "/index/" in url or "/filter/" in url]
    page.locator("input.md-search__input").press_sequentially("quantization", delay=15)
    expect(page.locator(".md-search-result__meta")).to_contain_text("matching papers")
    # every index is searched: a word's chunk is fetched from each
    searched = {re.sub(r".*/pagefind/(\d+)/index/.*", r"\1", url) for url in fetched if "/index/" in url}
    assert searched == {str(number) for number in range(LARGE_BLOCKS)}


@pytest.mark.slow
@pytest.mark.browser
def test_an_index_that_fails_to_load_is_said_and_tried_again(page: Page, large_url: str) -> None:
    page.route("**/pagefind/0/pagefind.js", lambda route: route.abort())
    open_search(page, large_url, "quantization")
    meta = page.locator(".md-search-result__meta")
    expect(meta).to_have_text("The search index could not be loaded: check the connection and type again")
    page.unroute("**/pagefind/0/pagefind.js")
    page.locator("input.md-search__input").press_sequentially(" ", delay=15)  # the same words again
    expect(meta).to_contain_text("matching papers")
    expect(page.locator('select[name="year"] option')).to_have_count(3)  # any, 2025, 2024: not twice
