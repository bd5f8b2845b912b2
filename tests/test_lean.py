"""Lean pages (overrides/lean.html: papers, tags, days) against Material's own page.

Each archive is built twice: as the project builds it (the session's hostile_site and real_site,
tests/conftest.py), and with its lean pages rendered by Material's main.html. Readers must get
the same page: after the scripts ran, the same elements (scripts aside) and the same pixels, at
desktop width in light mode and at phone width in dark mode, and the same styles and scripts
loaded. The archives: the hostile fixture (every paper)
and the project's own dumps (papers, tag pages and day pages, a few of each)."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from generator.archive import load_archive
from generator.cli import read_tag_rules
from generator.render import group_days, group_tags
from tests.conftest import HOSTILE_DUMPS, SHARED_DUMPS, serve
from tests.sitebuild import ROOT, build_site

pytestmark = pytest.mark.browser

HOSTILE = HOSTILE_DUMPS
REAL = SHARED_DUMPS

#: The page's elements once its scripts ran, without the scripts, whitespace collapsed. The
#: search box's status line depends on when the search worker answered; the header's titles
#: are single lines whose surrounding spaces do not show (the screenshots check that); links
#: are compared by the address they lead to (a lean page's nav is shared by its whole depth,
#: so its links are relative to another folder of that depth).
DOM = """() => {
  const root = document.documentElement.cloneNode(true);
  root.querySelectorAll("script").forEach((script) => script.remove());
  root.querySelectorAll(".md-ellipsis").forEach((line) => { line.textContent = line.textContent.trim(); });
  root.querySelectorAll("[href]").forEach((link) => {
    const target = new URL(link.getAttribute("href"), location);
    link.setAttribute("href", target.origin === location.origin ? target.pathname + target.search + target.hash : target.href);
  });
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
    .filter((src) => !src.includes("/chrome.")),
})"""


#: Material's own page, showing what follows the searched part of the page after it (papers).
STOCK = '{% extends "main.html" %}{% block content %}{{ super() }}{{ page.more }}{% endblock %}\n'


@pytest.fixture(scope="module")
def sites(
    tmp_path_factory: pytest.TempPathFactory, hostile_site: Path, hostile_url: str, real_site: Path, site_server: str
) -> Iterator[dict[Path, tuple[str, str, Path]]]:
    """For each archive: the lean site's address, the stock site's, and the lean site's folder."""
    with contextlib.ExitStack() as stack:
        built = {}
        for dumps, lean, lean_url in ((HOSTILE, hostile_site, hostile_url), (REAL, real_site, site_server)):
            stock = build_site(tmp_path_factory.mktemp("stock"), dumps, {"lean.html": STOCK})
            built[dumps] = (lean_url, stack.enter_context(served(stock)), lean)
        yield built


served = contextlib.contextmanager(serve)


def hostile_pages() -> list[str]:
    return [f"papers/{paper.slug}/" for paper in load_archive(HOSTILE).papers]


def real_pages() -> list[str]:
    papers = load_archive(
        REAL, *read_tag_rules(ROOT / "taxonomy" / "tags.yml", ROOT / "taxonomy" / "overrides.yml")
    ).papers
    tags = sorted(group_tags(papers), key=lambda tag: (len(tag.papers), tag.slug))
    days = group_days(papers)
    return [
        f"papers/{papers[0].slug}/",
        f"papers/{papers[-1].slug}/",
        f"tags/{tags[0].slug}/",  # the smallest tag and the largest
        f"tags/{tags[-1].slug}/",
        *(f"archive/{day.listed.strftime('%Y/%m/%d')}/" for day in days),
    ]


def open_page(
    stack: contextlib.ExitStack, browser: Browser, url: str, width: int, scheme: str
) -> tuple[Page, list[str]]:
    """A page loaded in a context of its own (closed with `stack`), and its script errors."""
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    stack.callback(context.close)
    context.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1") else route.abort()
    )
    page: Page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    return page, errors


def look(page: Page, errors: list[str]) -> tuple[str, dict, bytes, list[str]]:
    page.wait_for_load_state("networkidle")
    return page.evaluate(DOM), page.evaluate(HEAD), page.screenshot(full_page=True), errors


def compare(browser: Browser, lean_url: str, stock_url: str, width: int, scheme: str) -> None:
    # both pages load before either is looked at: the half second without requests that
    # "networkidle" waits for passes for both at once
    with contextlib.ExitStack() as stack:
        lean_page, stock_page = (open_page(stack, browser, url, width, scheme) for url in (lean_url, stock_url))
        lean, stock = look(*lean_page), look(*stock_page)
    assert lean[3] == stock[3] == []
    assert lean[0] == stock[0]
    assert lean[1] == stock[1]
    assert lean[2] == stock[2], "the screenshots differ"


@pytest.mark.parametrize("path", hostile_pages())
def test_hostile_lean_pages_are_materials(browser: Browser, sites, path: str) -> None:  # type: ignore[no-untyped-def]
    lean_url, stock_url, _ = sites[HOSTILE]
    compare(browser, lean_url + path, stock_url + path, 1280, "light")


@pytest.mark.parametrize("path", real_pages())
@pytest.mark.parametrize(("width", "scheme"), [(1280, "light"), (390, "dark")])
def test_lean_pages_are_materials(browser: Browser, sites, path: str, width: int, scheme: str) -> None:  # type: ignore[no-untyped-def]
    lean_url, stock_url, _ = sites[REAL]
    compare(browser, lean_url + path, stock_url + path, width, scheme)


def test_lean_html_leaves_the_javascript_only_blocks_out(sites) -> None:  # type: ignore[no-untyped-def]
    _, _, lean = sites[REAL]
    for path in real_pages():
        html = (lean / path / "index.html").read_text(encoding="utf-8")
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
        [source] = re.findall(r'<script src="(?:\.\./)+assets/javascripts/(chrome\.[0-9a-f]{8}\.js)"></script>', html)
        chrome = (lean / "assets" / "javascripts" / source).read_text(encoding="utf-8")
        blocks = json.loads(re.search(r"const blocks = (\{.*\});\n", chrome).group(1))
        assert called == ["body", "nav", "top", "footer", "end"]
        assert set(blocks) == {*called, "head"}
        assert 'id="__config"' in blocks["end"] and "__md_scope" in blocks["head"]
    # one chrome script per depth: papers/<slug>/ and tags/<slug>/ share one, days have theirs
    assert len(list((lean / "assets" / "javascripts").glob("chrome.*.js"))) == 2
