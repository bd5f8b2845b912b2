"""Input that tries to be read as something else than text: a dump holding the hooks' own
placeholder, taxonomy labels made of markup, and a SITE_URL that breaks out of its attribute
or is not a web address. Each shows as written, or is refused with a clear message."""

from __future__ import annotations

import json
import shutil
import string
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html import escape
from pathlib import Path
from urllib.parse import urljoin
from xml.sax.saxutils import escape as xml_escape

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from playwright.sync_api import Browser, expect

from generator.archive import load_archive
from generator.cli import main, read_tag_rules
from generator.sitemaps import split_sitemap
from generator.siteurl import SiteUrlError, check_site_url
from generator.slugs import slug_of
from tests.conftest import serve
from tests.htmltext import Page, normalize
from tests.sitebuild import ROOT, mkdocs_build, prepare_project, run_generator

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


def generate(project: Path, dump: str, *generator_args: str) -> None:
    """The pages of one dump tagged by TAXONOMY, in a project ready for mkdocs."""
    prepare_project(project)
    (project / "dumps").mkdir()
    (project / "dumps" / "2026-06-01-dump.txt").write_text(dump, encoding="utf-8")
    (project / "tags.yml").write_text(TAXONOMY, encoding="utf-8")
    generated = run_generator(
        "build", "--dumps", project / "dumps", "--docs", project / "docs", "--overrides", "",
        "--taxonomy", project / "tags.yml", *generator_args,
    )  # fmt: skip
    assert generated.returncode == 0, generated.stderr


def build(project: Path, dump: str, *generator_args: str) -> Path:
    """The site of one dump tagged by TAXONOMY, built with mkdocs --strict."""
    generate(project, dump, *generator_args)
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
    descriptions = [a.get("content") for t, a, _ in tag.elements if t == "meta" and a.get("name") == "description"]
    assert descriptions == [f"2 papers on {LABEL} listed on Hugging Face Papers, newest first."]
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


# --- SITE_URL -------------------------------------------------------------------------------

NOT_ALLOWED = (
    "is not allowed in the site's address (no whitespace, quotes, angle brackets, control or "
    "non-ASCII characters, &, ?, #; percent-encode them)"
)
NOT_HTTP = "the site's address must be an absolute http:// or https:// URL"

#: (SITE_URL, why it is refused)
BAD_SITE_URLS = [
    pytest.param('https://x/"><script>alert(1)</script>', f"the character '\"' {NOT_ALLOWED}", id="quote"),
    pytest.param("https://x/'onmouseover='alert(1)'/", f'the character "\'" {NOT_ALLOWED}', id="apostrophe"),
    pytest.param("https://x/<script>/", f"the character '<' {NOT_ALLOWED}", id="angle-bracket"),
    pytest.param("https://x/ onmouseover=alert(1)/", f"the character ' ' {NOT_ALLOWED}", id="space"),
    pytest.param("https://x/\n/", f"the character '\\n' {NOT_ALLOWED}", id="newline"),
    pytest.param("https://x/\x00/", f"the character '\\x00' {NOT_ALLOWED}", id="nul"),
    pytest.param("https://x/\u2028/", f"the character '\\u2028' {NOT_ALLOWED}", id="line-separator"),
    pytest.param("https://x/a&lt;b/", f"the character '&' {NOT_ALLOWED}", id="ampersand"),
    pytest.param("https://x/`/", f"the character '`' {NOT_ALLOWED}", id="backtick"),
    pytest.param("https://x/?q=1/", f"the character '?' {NOT_ALLOWED}", id="query"),
    pytest.param("https://x/#top/", f"the character '#' {NOT_ALLOWED}", id="fragment"),
    pytest.param("https://caf\u00e9.example/", f"the character '\u00e9' {NOT_ALLOWED}", id="non-ascii"),
    pytest.param("javascript:alert(1)//", NOT_HTTP, id="javascript"),
    pytest.param("data:text/html,alert(1)/", NOT_HTTP, id="data"),
    pytest.param("ftp://x/", NOT_HTTP, id="ftp"),
    pytest.param("//x/", NOT_HTTP, id="no-scheme"),
    pytest.param("https:///", NOT_HTTP, id="no-host"),
    pytest.param("x/", NOT_HTTP, id="relative"),
    pytest.param("https://x:99999/", "not a valid URL (Port out of range 0-65535)", id="port"),
    pytest.param("https://x/papers", "the site's address must end with '/' (write 'https://x/papers/')", id="no-slash"),
]

GOOD_SITE_URLS = [
    "",  # no address: links in feeds and the API are relative
    "http://127.0.0.1:8000/",
    "https://example.github.io/paper-archive/",
    "https://Owner.github.io/Repo.Name/",
    "https://papers.example.org/",
    "https://[::1]:8443/archive/",
    "https://example.org/caf%C3%A9/(v2)/",
]


@pytest.mark.parametrize(("url", "reason"), BAD_SITE_URLS)
def test_check_site_url_refuses(url: str, reason: str) -> None:
    with pytest.raises(SiteUrlError) as raised:
        check_site_url(url)
    assert str(raised.value) == f"SITE_URL {url!r}: {reason}"


@pytest.mark.parametrize("url", GOOD_SITE_URLS)
def test_check_site_url_accepts(url: str) -> None:
    assert check_site_url(url) == url


@given(st.text() | st.text(string.printable + "\u00e9\u2028").map(lambda path: f"https://x/{path}"))
def test_an_accepted_site_url_needs_no_escaping(url: str) -> None:
    """Material's templates print the address unescaped: it must read the same escaped or not."""
    try:
        check_site_url(url)
    except SiteUrlError:
        return
    assert escape(url) == xml_escape(url) == url
    assert json.dumps(url) == f'"{url}"'


@pytest.fixture
def archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SITE_URL", raising=False)
    Path("dumps").mkdir()
    Path("dumps/2026-06-01-dump.txt").write_text(PLAIN, encoding="utf-8")
    Path("taxonomy").mkdir()
    Path("taxonomy/tags.yml").write_text(TAXONOMY, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("url", "reason", "given_as"),
    [
        pytest.param(*bad.values, given_as, id=f"{bad.id}-{given_as}")
        for bad in BAD_SITE_URLS
        for given_as in ("option", "environment")
        if given_as == "option" or "\x00" not in bad.values[0]  # no environment variable holds a NUL
    ],
)
def test_the_generator_refuses_a_bad_site_url_and_writes_nothing(
    archive: Path, url: str, reason: str, given_as: str
) -> None:
    if given_as == "option":
        result = CliRunner().invoke(main, ["build", "--site-url", url])
    else:
        result = CliRunner().invoke(main, ["build"], env={"SITE_URL": url})
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"error: SITE_URL {url!r}: {reason}\n")
    assert not Path("docs").exists()


def test_the_generator_reads_mkdocs_yml_site_url_checked(archive: Path) -> None:
    shutil.copy(ROOT / "mkdocs.yml", "mkdocs.yml")
    url = "https://x/'><script>alert(1)</script>"
    text = Path("mkdocs.yml").read_text(encoding="utf-8")
    Path("mkdocs.yml").write_text(text.replace('"http://127.0.0.1:8000/"', json.dumps(url)), encoding="utf-8")
    result = CliRunner().invoke(main, ["build"], env={"SITE_URL": None})
    assert (result.exit_code, result.stderr) == (1, f'error: SITE_URL {url!r}: the character "\'" {NOT_ALLOWED}\n')
    assert not Path("docs").exists()


#: the bad addresses mkdocs' own check of site_url lets through (it wants a scheme and a host,
#: adds a final "/" and drops line breaks)
MKDOCS_LETS_THROUGH = [
    p
    for p in BAD_SITE_URLS
    if p.id not in {"javascript", "data", "no-scheme", "no-host", "relative", "newline", "nul", "no-slash"}
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose pages are generated: only mkdocs' site_url changes from test to test."""
    project = tmp_path_factory.mktemp("site-url")
    generate(project, PLAIN, "--site-url", "")
    return project


@pytest.mark.slow
@pytest.mark.parametrize(("url", "reason"), MKDOCS_LETS_THROUGH)
def test_mkdocs_refuses_a_bad_site_url(project: Path, monkeypatch: pytest.MonkeyPatch, url: str, reason: str) -> None:
    shutil.rmtree(project / "site", ignore_errors=True)
    monkeypatch.setenv("SITE_URL", url)
    built = mkdocs_build(project)
    seen = url if url.endswith("/") else url + "/"  # as mkdocs' check of site_url leaves it
    assert built.returncode == 1
    assert built.stderr == f"ERROR   -  mkdocs.yml's site_url: SITE_URL {seen!r}: {reason}\n"
    assert not (project / "site").exists()


@pytest.mark.slow
def test_mkdocs_prints_a_good_site_url_in_canonical_links(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITE_URL", "https://example.org/caf%C3%A9/(v2)/")
    built = mkdocs_build(project)
    assert built.returncode == 0, built.stderr
    for path in ("", "papers/an-unrelated-paper-on-collapse"):
        links = [a for t, a, _ in read(project / "site", path).elements if t == "link" and a.get("rel") == "canonical"]
        assert [a["href"] for a in links] == [f"https://example.org/caf%C3%A9/(v2)/{path}{'/' if path else ''}"]


def test_a_sitemap_index_escapes_the_address() -> None:
    xml = '<?xml version="1.0"?>\n<urlset>\n' + "<url><loc>x</loc></url>\n" * 3 + "</urlset>"
    assert "<loc>https://x/a&amp;b/sitemap-1.xml</loc>" in split_sitemap(xml, "https://x/a&b/", limit=2)["sitemap.xml"]
