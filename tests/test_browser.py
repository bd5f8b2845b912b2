"""Real-browser tests: Playwright driving Chromium against the built site on 127.0.0.1.

Every request that is not to 127.0.0.1 is aborted (see conftest.context)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from generator.archive import load_archive
from tests.htmltext import normalize
from tests.sitebuild import ROOT

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def papers_by_slug():  # type: ignore[no-untyped-def]
    return {paper.slug: paper for paper in load_archive(ROOT / "dumps").papers}


def test_home_to_tag_to_paper(page: Page, papers_by_slug) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Paper Archive")
    tag = page.locator("ul.pa-tags a.md-tag").first
    tag_name = tag.inner_text()
    tag.click()
    expect(page.locator("h1")).to_have_text(tag_name)
    first = page.locator("ul.pa-list > li > a").first
    first.click()
    slug = page.url.rstrip("/").rsplit("/", 1)[-1]
    paper = papers_by_slug[slug]
    expect(page.locator("h1.pa-title")).to_have_text(paper.title)
    expect(page.locator(".pa-abstract")).to_be_visible()
    assert normalize(page.locator(".pa-abstract").inner_text()) == normalize(paper.abstract)
    # the tag we came from is on the paper's page, as a chip linking back to its tag page
    chip = page.locator("nav.md-tags a.md-tag", has_text=tag_name)
    expect(chip).to_have_count(1)
    assert page.context.blocked_requests == []


def test_day_pages_link_to_each_other(page: Page) -> None:
    page.goto("/archive/")
    page.locator("ul.pa-days a").first.click()
    heading = page.locator("h1").inner_text()
    nav = page.locator("nav.pa-daynav a[rel]")
    expect(nav.first).to_be_visible()
    nav.first.click()
    expect(page.locator("h1")).not_to_have_text(heading)


def test_hostile_pages_run_no_injected_script(page: Page, hostile_url: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    titles = {paper.title for paper in load_archive(ROOT / "tests" / "fixtures" / "hostile").papers}
    page.goto(hostile_url)
    count = page.locator("ul.pa-list > li > a").count()
    assert count == len(titles) == 5
    seen = set()
    for index in range(count):
        page.goto(hostile_url)
        page.locator("ul.pa-list > li > a").nth(index).click()
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.pwned") == "undefined"
        seen.add(page.locator("h1.pa-title").inner_text())
    assert seen == titles
    assert dialogs == []


def test_follow_a_related_paper_and_copy_its_citation(page: Page, base_url: str, papers_by_slug) -> None:  # type: ignore[no-untyped-def]
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    start = next(p for p in papers_by_slug.values() if p.title.startswith("MMRL: "))
    page.goto(f"/papers/{start.slug}/")
    related = page.locator("ul.pa-related a").first
    title = related.inner_text()
    assert title.startswith("MMRL++")  # the companion paper is the most similar one
    related.click()
    expect(page.locator("h1.pa-title")).to_have_text(title)
    page.wait_for_load_state("load")  # the copy buttons' script runs at the end of the page

    copy_link = page.locator('button[data-copy="title-link"]')  # its name changes to "Copied"
    copy_link.click()
    expect(copy_link).to_have_text("Copied")
    canonical = page.locator('link[rel="canonical"]').get_attribute("href")
    assert canonical and canonical.endswith(page.url.split("/", 3)[3])
    assert page.evaluate("navigator.clipboard.readText()") == f"{title}\n{canonical}"

    page.get_by_role("button", name="Copy BibTeX").click()
    bibtex = page.evaluate("navigator.clipboard.readText()")
    assert bibtex == page.locator("#bibtex").text_content()
    assert bibtex.startswith("@misc{") and "Parameter-Efficient" in bibtex


def test_api_read_from_a_browser_as_the_about_page_shows(page: Page, papers_by_slug) -> None:  # type: ignore[no-untyped-def]
    """The day files are gzip-compressed JSON: a page's script reads them with DecompressionStream."""
    page.goto("/about/")
    day = page.evaluate(
        """async () => {
            const index = await (await fetch("../api/index.json")).json();
            const response = await fetch("../" + index.days[0].path);
            return await new Response(response.body.pipeThrough(new DecompressionStream("gzip"))).json();
        }"""
    )
    assert day["version"] == 2 and day["count"] == len(day["papers"]) > 0
    for record in day["papers"]:
        assert record["title"] == papers_by_slug[record["slug"]].title


def test_no_failed_requests_on_pages_with_feed_links(page: Page) -> None:
    """Material fetches sitemap.xml next to every <link rel="alternate">, the feed links too:
    an empty one is there (overrides/hooks.py), so no request fails."""
    failed: list[str] = []
    page.on(
        "response",
        lambda response: failed.append(f"{response.status} {response.url}") if response.status >= 400 else None,
    )
    page.on(  # a request cancelled by the next navigation (the favicon, say) is not a failure
        "requestfailed",
        lambda request: (
            None if request.failure == "net::ERR_ABORTED" else failed.append(f"{request.failure} {request.url}")
        ),
    )
    page.goto("/")
    tag = page.locator("ul.pa-tags a.md-tag").first.evaluate("link => link.href")
    page.goto(tag)
    paper = page.locator("ul.pa-list > li > a").first.evaluate("link => link.href")
    for address, feeds in (("/", 1), (tag, 2), (paper, 0), ("/archive/", 1)):
        page.goto(address)
        page.wait_for_load_state("networkidle")
        assert page.locator('link[rel="alternate"]').count() == feeds, address
    assert failed == []
