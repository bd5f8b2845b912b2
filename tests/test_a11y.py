"""What a reader gets, checked in Chromium on the project's own site: axe-core finds no
accessibility violation (a few pages of `make audit`'s, which also runs Lighthouse and
html-validate), pages work with JavaScript off, and a paper page does not move once shown.

axe-core is pinned in audit/axe (package-lock.json); `make test` installs it, and so does the
first test that needs it when it is missing (npm ci, one package)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.sitebuild import ROOT

pytestmark = pytest.mark.browser

AXE_FOLDER = ROOT / "audit" / "axe"
AXE = AXE_FOLDER / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def axe_script() -> str:
    if not AXE.is_file():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("axe-core is not installed and there is no npm: run `make test` (scripts/ensure-node.sh)")
        subprocess.run(
            [npm, "ci", "--prefix", str(AXE_FOLDER), "--no-audit", "--no-fund", "--loglevel=error"],
            check=True,
            capture_output=True,
        )
    return AXE.read_text(encoding="utf-8")


def pages_of(site: Path) -> dict[str, str]:
    """A tag, a day and a paper page of the site, as its home page links to them."""
    home = (site / "index.html").read_text(encoding="utf-8")
    return {
        "tag": re.search(r'<a class="md-tag" href="(tags/[^"]+/)"', home)[1],
        "day": re.search(r'<a href="(archive/\d{4}/\d\d/\d\d/)">Open the day</a>', home)[1],
        "paper": re.search(r'<li><a href="(papers/[^"]+/)">', home)[1],
    }


def violations(page: Page, script: str) -> list[str]:
    page.evaluate(script)
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [f"{v['id']}: {[node['target'] for node in v['nodes']][:3]}" for v in found]


@pytest.mark.parametrize(
    ("kind", "scheme", "search"),
    [("home", "light", False), ("paper", "dark", False), ("tag", "light", True)],
    ids=["home-light", "paper-dark", "tag-search-open"],
)
def test_axe_finds_no_violation(
    page: Page, real_site: Path, axe_script: str, kind: str, scheme: str, search: bool
) -> None:
    page.emulate_media(color_scheme=scheme)
    page.goto("/" + {"home": "", **pages_of(real_site)}[kind])
    page.wait_for_load_state("load")
    if search:
        page.locator("input.md-search__input").click()
        page.locator("input.md-search__input").press_sequentially("learning", delay=10)
        expect(page.locator(".md-search-result__item").first).to_be_visible()
    assert violations(page, axe_script) == []


@pytest.mark.parametrize("kind", ["home", "tag", "day", "paper"])
def test_with_javascript_off_a_page_has_the_site_name_nav_and_content(
    browser: Browser, base_url: str, real_site: Path, kind: str
) -> None:
    """Material's own pages (home) keep their header and nav; lean pages (tags, days, papers)
    show a plain header of links in their place (overrides/lean.html)."""
    context = browser.new_context(java_script_enabled=False, base_url=base_url, viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.goto("/" + {"home": "", **pages_of(real_site)}[kind])
        expect(page.get_by_role("link", name="Paper Archive").first).to_be_visible()
        expect(page.locator("article h1")).to_be_visible()
        for name in ("Tags", "Archive", "About"):
            link = page.get_by_role("link", name=name, exact=True).first
            expect(link).to_be_visible()
            assert page.request.get(link.evaluate("link => link.href")).ok, name
        page.get_by_role("link", name="Tags", exact=True).first.click()
        expect(page.locator("article h1")).to_have_text("Tags")
    finally:
        context.close()


def test_with_javascript_on_the_plain_header_is_gone(page: Page, real_site: Path) -> None:
    page.goto("/" + pages_of(real_site)["paper"])
    page.wait_for_load_state("load")
    assert page.locator("noscript").count() == 0
    expect(page.locator("header.md-header")).to_have_count(1)
    expect(page.locator(".md-header__title .md-ellipsis").first).to_have_text("Paper Archive")


SHIFTS = """() => { window.shifts = [];
  new PerformanceObserver((list) => { for (const entry of list.getEntries()) window.shifts.push(entry.value); })
    .observe({ type: "layout-shift", buffered: true }); }"""


#: the layout shift a paper page may show in all (Chrome's units, as Lighthouse's CLS, where up
#: to 0.1 is "good"). "Find this paper" and "Cite" made after the page was shown (paper.js's fill
#: run 300 ms after load) shift it by 0.006-0.033; Chrome once reported a shift of 0.00005 here,
#: which no reader could see and which did not come back in ~80 loads
LAYOUT_SHIFT = 0.001


def test_a_paper_page_does_not_move_once_shown(browser: Browser, base_url: str, real_site: Path) -> None:
    """Lighthouse's desktop view: "Find this paper" and "Cite" were made after the page was
    shown, pushing its sources and footer down."""
    context = browser.new_context(viewport={"width": 1350, "height": 940}, base_url=base_url)
    try:
        page = context.new_page()
        page.add_init_script(f"({SHIFTS})()")
        page.goto("/" + pages_of(real_site)["paper"])
        page.wait_for_load_state("networkidle")
        expect(page.get_by_role("heading", name="Cite")).to_be_visible()
        shifts = page.evaluate("window.shifts")
        assert sum(shifts) < LAYOUT_SHIFT, shifts
    finally:
        context.close()


def test_the_copy_buttons_keep_a_gap_on_a_phone(page: Page, real_site: Path) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/" + pages_of(real_site)["paper"])
    first, second = (page.locator("p.pa-cite button").nth(index).bounding_box() for index in (0, 1))
    assert second["y"] >= first["y"] + first["height"] + 8  # stacked, with a gap
