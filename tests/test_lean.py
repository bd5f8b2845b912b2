"""Lean paper pages (overrides/paper.html) against Material's own page for the same papers.

The same archive is built twice: as the project builds it, and with paper pages rendered by
Material's main.html. Readers must get the same page: after the scripts ran, the same elements
(scripts aside) and the same pixels, at desktop width in light mode and at phone width in dark
mode, and the same styles and scripts loaded."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from generator.archive import load_archive
from tests.conftest import serve
from tests.sitebuild import ROOT, build_site

pytestmark = pytest.mark.browser

DUMPS = ROOT / "tests" / "fixtures" / "hostile"

#: The page's elements once its scripts ran, without the scripts, whitespace collapsed. The
#: search box's status line depends on when the search worker answered; the header's titles
#: are single lines whose surrounding spaces do not show (the screenshots check that).
DOM = """() => {
  const root = document.documentElement.cloneNode(true);
  root.querySelectorAll("script").forEach((script) => script.remove());
  root.querySelectorAll(".md-ellipsis").forEach((line) => { line.textContent = line.textContent.trim(); });
  root.querySelectorAll(".md-search-result__meta").forEach((meta) => { meta.textContent = ""; });
  return root.querySelector("body").outerHTML.replace(/>\\s+</g, "><").replace(/\\s+/g, " ");
}"""

#: What the head loads and says.
HEAD = """() => ({
  title: document.title,
  canonical: document.querySelector('link[rel="canonical"]')?.getAttribute("href"),
  icon: document.querySelector('link[rel="icon"]')?.getAttribute("href"),
  styles: [...document.querySelectorAll('link[rel="stylesheet"]')].map((link) => link.getAttribute("href")),
  scripts: [...document.querySelectorAll("script[src]")].map((script) => script.getAttribute("src"))
    .filter((src) => !src.includes("/paper-chrome.")),
})"""


#: Material's own page, showing what follows the searched part of the page after it.
STOCK = '{% extends "main.html" %}{% block content %}{{ super() }}{{ page.more }}{% endblock %}\n'


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Path]]:
    lean = build_site(tmp_path_factory.mktemp("lean"), DUMPS)
    stock = build_site(tmp_path_factory.mktemp("stock"), DUMPS, {"paper.html": STOCK})
    for lean_url in serve(lean):
        for stock_url in serve(stock):
            yield lean_url, stock_url, lean


def slugs() -> list[str]:
    return [paper.slug for paper in load_archive(DUMPS).papers]


def look(browser: Browser, url: str, width: int, scheme: str) -> tuple[str, dict, bytes, list[str]]:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    context.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1") else route.abort()
    )
    page: Page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    result = (page.evaluate(DOM), page.evaluate(HEAD), page.screenshot(full_page=True), errors)
    context.close()
    return result


@pytest.mark.parametrize("slug", slugs())
@pytest.mark.parametrize(("width", "scheme"), [(1280, "light"), (390, "dark")])
def test_lean_page_is_materials_page(browser: Browser, sites, slug: str, width: int, scheme: str) -> None:  # type: ignore[no-untyped-def]
    lean_url, stock_url, _ = sites
    lean = look(browser, f"{lean_url}papers/{slug}/", width, scheme)
    stock = look(browser, f"{stock_url}papers/{slug}/", width, scheme)
    assert lean[3] == stock[3] == []
    assert lean[0] == stock[0]
    assert lean[1] == stock[1]
    assert lean[2] == stock[2], "the screenshots differ"


def test_lean_html_leaves_the_javascript_only_blocks_out(sites) -> None:  # type: ignore[no-untyped-def]
    _, _, lean = sites
    for slug in slugs():
        html = (lean / "papers" / slug / "index.html").read_text(encoding="utf-8")
        for block in (
            'id="__config"',
            "md-sidebar",
            "md-search",
            "md-footer",
            "md-top",
            "md-dialog",
            "<svg",
            "__md_scope",
        ):
            assert block not in html, block
        called = re.findall(r'<script>__pa\("(\w+)"\)</script>', html)
        [source] = re.findall(r'<script src="../../assets/javascripts/(paper-chrome\.[0-9a-f]{8}\.js)"></script>', html)
        chrome = (lean / "assets" / "javascripts" / source).read_text(encoding="utf-8")
        blocks = json.loads(re.search(r"const blocks = (\{.*\});\n", chrome).group(1))
        assert called == ["body", "nav", "top", "footer", "end"]
        assert set(blocks) == {*called, "head"}
        assert 'id="__config"' in blocks["end"] and "__md_scope" in blocks["head"]
