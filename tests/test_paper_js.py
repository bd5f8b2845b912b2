"""docs/javascripts/paper.js: the "Find this paper" and "Cite" sections a paper page makes from
what it shows. Its functions run in Chromium, on a page of the project's site."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote_plus

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser, Page, expect

from generator.archive import load_archive
from tests.sitebuild import ROOT

pytestmark = pytest.mark.browser

SITE = "https://example.github.io/paper-archive/"


@pytest.fixture(scope="module")
def js(browser: Browser, base_url: str) -> Iterator[Page]:
    """One page of the site for the module's calls of paperArchive's functions, which keep no
    state: loading a page (and its search index) for each test took a second each."""
    context = browser.new_context(base_url=base_url)
    context.route(  # as tests/conftest.py's context: nothing leaves this machine
        "**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1") else route.abort()
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/about/")
    page.wait_for_function("window.paperArchive !== undefined")
    yield page
    context.close()


def bibtex(page: Page, slug: str, title: str, url: str, listed: str) -> str:
    return page.evaluate(
        "(paper) => paperArchive.bibtex(paper)", {"slug": slug, "title": title, "url": url, "listed": listed}
    )


def test_entry(js: Page) -> None:
    slug = "mmrl-multi-modal-representation-learning"
    assert bibtex(
        js,
        slug,
        "MMRL: Multi-Modal Representation Learning for Vision-Language Models",
        f"{SITE}papers/{slug}/",
        "2025-05-30",
    ) == (
        "@misc{mmrl-multi-modal-representation-learning,\n"
        "  title = {{MMRL: Multi-Modal Representation Learning for Vision-Language Models}},\n"
        "  howpublished = {\\url{https://example.github.io/paper-archive/papers/mmrl-multi-modal-representation-learning/}},\n"
        "  url = {https://example.github.io/paper-archive/papers/mmrl-multi-modal-representation-learning/},\n"
        "  note = {Listed on Hugging Face Papers, 2025-05-30},\n"
        "  year = {2025},\n"
        "  month = may,\n"
        "}\n"
    )


def test_without_an_address_no_url_fields(js: Page) -> None:
    text = bibtex(js, "p", "A title", "", "2026-12-01")
    assert "url" not in text
    assert "  year = {2026},\n  month = dec,\n" in text


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        (
            "50% of $x$ & {y}_1 #2 ~ ^ \\",
            r"50\% of \$x\$ \& \{y\}\_1 \#2 \textasciitilde{} \textasciicircum{} \textbackslash{}",
        ),
        ("a\n  b", "a b"),
        ("  spaced  out ", "spaced out"),
        ("σ-GPTs: plain", "σ-GPTs: plain"),
    ],
)
def test_escaping(js: Page, text: str, escaped: str) -> None:
    assert js.evaluate("(text) => paperArchive.escapeLatex(text)", text) == escaped


@pytest.mark.parametrize(("slug", "key"), [("sigma-gpts-2", "sigma-gpts-2"), ("a.b c", "a-b-c"), ("--", "paper")])
def test_key(js: Page, slug: str, key: str) -> None:
    assert js.evaluate("(slug) => paperArchive.citeKey(slug)", slug) == key


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=st.text(min_size=1, max_size=80))
def test_braces_always_balance(js: Page, title: str) -> None:
    text = bibtex(js, "p", title, SITE + "papers/p/", "2026-01-02")
    depth = 0
    for char in re.sub(r"\\[{}]", "", text):
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0
    assert depth == 0
    assert text.startswith("@misc{p,\n") and text.endswith("}\n")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    title=st.text(min_size=1, max_size=60).filter(
        lambda text: "\x00" not in text and not any(0xD800 <= ord(c) <= 0xDFFF for c in text)
    )
)
def test_search_links_encode_titles_as_quote_plus(js: Page, title: str) -> None:
    q = quote_plus(title)
    assert js.evaluate("(title) => paperArchive.searchLinks(title)", title) == [
        ["arXiv", f"https://arxiv.org/search/?query={q}&searchtype=title"],
        ["Hugging Face Papers", f"https://huggingface.co/papers?q={q}"],
        ["Semantic Scholar", f"https://www.semanticscholar.org/search?q={q}"],
        ["Google Scholar", f"https://scholar.google.com/scholar?q={q}"],
    ]


def test_a_paper_page_shows_its_links_and_entry(page: Page, base_url: str) -> None:
    paper = next(p for p in load_archive(ROOT / "dumps").papers if p.title.startswith("MMRL: "))
    page.goto(f"/papers/{paper.slug}/")
    links = page.locator("ul.pa-find a")
    expect(links).to_have_count(4)
    assert (
        links.first.get_attribute("href")
        == f"https://arxiv.org/search/?query={quote_plus(paper.title)}&searchtype=title"
    )
    # the sections sit where the page put them: after the related papers, around the sources
    headings = page.locator(".pa-more h2").all_inner_texts()
    assert headings == ["Related papers", "Find this paper", "Sources", "Cite"]
    entry = page.locator("#bibtex").text_content() or ""
    url = page.locator('link[rel="canonical"]').get_attribute("href")
    assert entry == bibtex(page, paper.slug, paper.title, url or "", paper.listed.isoformat())
    assert (
        entry.startswith(f"@misc{{{paper.slug},\n")
        and f"note = {{Listed on Hugging Face Papers, {paper.listed.isoformat()}}}" in entry
    )
