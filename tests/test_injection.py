"""Input that tries to be read as something else than text: a dump holding the hooks' own
placeholder, and taxonomy labels made of markup. Each shows as written."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html import escape
from pathlib import Path
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Browser, expect

from generator.archive import load_archive
from generator.cli import read_tag_rules
from generator.slugs import slug_of
from tests.conftest import serve
from tests.htmltext import Page, normalize
from tests.sitebuild import mkdocs_build, prepare_project, run_generator

# --- a dump holding the chrome script's placeholder, and a label made of markup ------------

#: the placeholder the hooks used to replace wherever it stood in a page, with the base URLs of
#: the paper (../..) and day (../../../..) pages, none, and one no page has
PLACEHOLDERS = (
    "Get trending papers in your email inbox!\nSubscribe\n"
    "Placeholders __PA_CHROME[zzz]__ and __PA_CHROME[../..]__ in a Title\n"
    "An abstract about feature collapse with __PA_CHROME[../../../..]__, __PA_CHROME[]__ and "
    "__PA_CHROME[zzz]__ in it.\n"
    "An Unrelated Paper on Collapse\n"
    "Another abstract on collapse, naming __PA_CHROME[..]__ and __PA_CHROME_0123456789abcdef__ too.\n"
)
PLAIN = (
    "Get trending papers in your email inbox!\nSubscribe\n"
    "A Paper on Feature Collapse\nAn abstract about feature collapse.\n"
    "An Unrelated Paper on Collapse\nAnother abstract on collapse.\n"
)
#: markup, an entity written out, both quotes and a script's end: shown as written everywhere
LABEL = """<img src=x onerror="window.pwned=1"> Q&amp;A "x" 'y' </script>"""
TAXONOMY = f"settings: {{threshold: 1, min_papers: 1}}\ntags:\n  hostile:\n    label: {json.dumps(LABEL)}\n    terms: [collapse]\n"


def build(project: Path, dump: str, *generator_args: str) -> Path:
    """The site of one dump tagged by TAXONOMY, built with mkdocs --strict."""
    prepare_project(project)
    (project / "dumps").mkdir()
    (project / "dumps" / "2026-06-01-dump.txt").write_text(dump, encoding="utf-8")
    (project / "tags.yml").write_text(TAXONOMY, encoding="utf-8")
    generated = run_generator(
        "build", "--dumps", project / "dumps", "--docs", project / "docs", "--overrides", "",
        "--taxonomy", project / "tags.yml", *generator_args,
    )  # fmt: skip
    assert generated.returncode == 0, generated.stderr
    built = mkdocs_build(project)
    assert built.returncode == 0, built.stderr
    return project / "site"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("placeholders"), PLACEHOLDERS)


@pytest.fixture(scope="module")
def labelled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("label"), PLAIN)


def papers_of(site: Path):  # type: ignore[no-untyped-def]
    return load_archive(site.parent / "dumps", *read_tag_rules(site.parent / "tags.yml", None)).papers


def read(site: Path, path: str) -> Page:
    return Page((site / path / "index.html").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_a_dump_holding_the_chrome_placeholder_shows_it_as_written(site: Path) -> None:
    papers = papers_of(site)
    assert len(papers) == 2
    for paper in papers:
        page = read(site, f"papers/{paper.slug}")
        assert page.text("h1") == [normalize(paper.title)]
        assert page.text("div", "pa-abstract") == [normalize(paper.abstract)]
        assert page.text("title") == [f"{normalize(paper.title)} - Paper Archive"]
    for listing in ("archive/2026/06/01", ""):  # the day's page and the home page list them
        links = read(site, listing).text("a")
        assert all(normalize(paper.title) in links for paper in papers), listing


@pytest.mark.slow
def test_every_page_loads_its_own_depths_chrome_script(site: Path) -> None:
    lean = 0
    for path in site.rglob("*.html"):
        page = Page(path.read_text(encoding="utf-8"))
        url = "/" + path.relative_to(site).as_posix()
        chrome = [a["src"] for tag, a, _ in page.elements if tag == "script" and "chrome." in (a.get("src") or "")]
        for tag, attrs, _ in page.elements:
            if tag == "script" and attrs.get("src"):
                assert "__PA_CHROME" not in attrs["src"], url
                assert (site / urljoin(url, attrs["src"]).lstrip("/")).is_file(), (url, attrs["src"])
        lean += len(chrome)
        assert len(chrome) <= 1, url
    assert lean >= 4  # 2 papers, a tag page and a day page


@pytest.mark.slow
def test_a_label_made_of_markup_shows_as_written(labelled: Path) -> None:
    site = labelled
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    tagged = [doc for doc in index["docs"] if doc.get("tags")]
    assert len(tagged) == 2
    # Material's search shows tags as HTML, as it does titles: escaped as it escapes them
    assert all(doc["tags"] == [escape(LABEL, quote=False)] for doc in tagged)
    for paper in papers_of(site):
        assert paper.tags == (LABEL,)
        assert read(site, f"papers/{paper.slug}").text("a", "md-tag") == [normalize(LABEL)]
    tag = read(site, f"tags/{slug_of(LABEL)}")
    assert tag.text("h1") == [normalize(LABEL)]
    assert tag.text("title") == [f"{normalize(LABEL)} - Paper Archive"]
    assert [a.get("title") for t, a, _ in tag.elements if t == "link" and a.get("rel") == "alternate"] == [
        "Paper Archive: new papers",
        f"Paper Archive: {LABEL}",
    ]
    for page in (read(site, ""), read(site, "tags")):
        assert page.text("a", "md-tag") == [normalize(LABEL)]
    for path in site.rglob("*.html"):
        for element, attrs, _ in Page(path.read_text(encoding="utf-8")).elements:
            assert element != "img" and not any(name.startswith("on") for name in attrs), (path, element)
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(site / "feeds" / "tags" / f"{slug_of(LABEL)}.xml").getroot()
    assert feed.findtext(f"{atom}title") == f"Paper Archive: {LABEL}"
    assert {c.get("label") for c in ET.parse(site / "feeds" / "all.xml").iter(f"{atom}category")} == {LABEL}
    assert [t["name"] for t in json.loads((site / "api" / "index.json").read_text(encoding="utf-8"))["tags"]] == [LABEL]


@pytest.fixture(scope="module")
def served(labelled: Path) -> Iterator[str]:
    yield from serve(labelled)


@pytest.mark.browser
def test_search_results_show_a_label_made_of_markup_as_text(browser: Browser, served: str) -> None:
    context = browser.new_context()
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(served) else route.abort())
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(served)
    page.locator("input.md-search__input").click()
    page.locator("input.md-search__input").press_sequentially("unrelated", delay=20)
    result = page.locator(".md-search-result__item", has_text="An Unrelated Paper on Collapse").first
    expect(result).to_be_visible()
    expect(result.locator(".md-tag")).to_have_text(LABEL)
    assert result.locator("img").count() == 0
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert dialogs == []
    context.close()
