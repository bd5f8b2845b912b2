"""MkDocs hooks of the Paper Archive.

- Templates get the generator's own tag slugs (`tag_slug` filter), so tag chips link to the
  generated tag pages (tags/<slug>/).
- Pages the generator wrote as finished HTML (front matter `generated: html`) skip Markdown:
  their body is already HTML, and Python-Markdown's raw-HTML parsing was half the cost of
  building such a page.
- Blocks that render the same on every page at one depth are rendered once and reused
  (`per_depth`): on every page the header's options (palette toggle and search box), on lean
  pages the styles, nav, footer, config and scripts (overrides/lean.html). A block is reused
  only by pages that give it the same input: the same depth and the same page state (the nav
  entries the page makes active, its table of contents, its previous and next pages, what its
  front matter hides: all a block of Material's reads of the page; `page_state`). With
  PA_CHECK_BLOCKS=1 every block is rendered for every page as well, and a build whose reused
  block differs from the page's own stops (the tests build so).
- Lean pages name Material's assets (main.<hash>.min.css, bundle.<hash>.min.js, ...) as
  Material's own base.html names them: read from the installed theme when the build starts
  (`material_assets`), never written into overrides/.
- Paper, tag and day pages are lean (they are nearly all of a large archive's pages and
  bytes): the blocks that only work with JavaScript, or only serve the pages' JavaScript
  (header, sidebars, back-to-top button, footer, dialog, Material's config and inline scripts,
  the favicon), are left out of their HTML (`js_only`). One script per depth
  (assets/javascripts/chrome.<hash>.js, written after the build and loaded from the head) holds
  them and puts each back where its `<script>__pa("name")</script>` stands, while the page is
  parsed and before Material's own script runs, so readers get the same page
  (tests/test_lean.py). Its name carries its content's hash, so a cached copy is never stale;
  it is known once the depth's blocks are, so the head holds a placeholder until the page is
  rendered. The placeholder holds a secret made for each build, and only the one the page's
  template put there is replaced: no text of a dump can pass for it.
- Every page's indentation is dropped: a run of whitespace holding a line break becomes one
  line break, which renders the same outside <pre>, <textarea> and <script> (left alone).
  The theme's indentation was ~2.6 KB of each paper page.
- Material's script fetches `sitemap.xml` next to the address of every `<link rel="alternate">`
  (it looks for versions of the site in other languages), so the feed links made it request
  `feeds/sitemap.xml` and `feeds/tags/sitemap.xml`, which did not exist: each page with a feed
  link logged a failed request. An empty sitemap is written in each folder of feeds.
- Past 50,000 pages, MkDocs' sitemap.xml becomes a sitemap index of sitemaps of at most
  50,000 URLs each (generator.sitemaps), which search engines accept.
- Material's search shows a page's tags as HTML (search results), so the tags of the search
  index are HTML-escaped, as Material escapes the titles and text it indexes.
- The site's address (site_url, from $SITE_URL) is checked by generator.siteurl: every page
  prints it.
- Page cache ($PA_PAGE_CACHE, a folder; `python -m generator site` sets it): a generated page
  whose inputs are those of a page built before is not rendered again; its HTML comes from the
  cache (generator.pagecache says what a page's key covers), the page's template being
  pa-cached.html (empty) while MkDocs goes through it as through every page (its search index,
  sitemap and tags need them all). The output is the same, byte for byte, as without the cache.
- Search: small archives keep Material's lunr search; from generator.search.PAGEFIND_FROM
  papers on, pages stay out of Material's index, the search box is driven by Pagefind
  (docs/javascripts/pagefind-search.js) and Pagefind's indexes, one per block of papers, are
  made after the site, each the same for the same pages, and kept in the page cache by what they
  index (generator.pagefind).
- The cycle collector makes its full collections ten times less often (generator.collector), as
  in the generator's process: both hold the whole archive.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Callable
from html import escape, unescape
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import BuildError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

from generator import pagecache
from generator.api import gzip_bytes
from generator.collector import fewer_full_collections
from generator.pagefind import PagefindError, part_digest, read_blocks, write_indexes
from generator.search import BLOCKS_PATH, engine_of_docs, papers_with_code
from generator.sitemaps import split_sitemap
from generator.siteurl import SiteUrlError, check_site_url
from generator.slugs import slug_of
from generator.write import OWNED_DIRS, OWNED_FILES, PENDING, TEMP_SUFFIX, Made, content_digest, read_manifest, stamp_of

#: In a generated page, what follows this line is never searched (see HtmlPage).
SEARCH_END = "<!-- search end -->\n"


class HtmlPage(Page):
    """A page whose source, after its front matter, is the HTML of its content.

    What follows a SEARCH_END line is `page.more`, which the page's template shows after the
    content (overrides/lean.html): the search plugin indexes `page.content` only, so it does not
    parse the parts of the page that no search reads (a paper's related papers and sources).
    """

    more = ""

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.content, _, self.more = self.markdown.partition(SEARCH_END)
        self.toc = get_toc([])
        self.present_anchor_ids = set()


def on_startup(command: str, dirty: bool) -> None:
    """MkDocs' process holds every page of the site: see generator.collector."""
    fewer_full_collections()


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    try:
        check_site_url(config.site_url or "")
    except SiteUrlError as error:
        raise BuildError(f"mkdocs.yml's site_url: {error}") from error
    engine = engine_of_docs(Path(config.docs_dir))
    config.extra["search_engine"] = engine
    with_code = papers_with_code(Path(config.docs_dir))
    # Pagefind's search box only asks whether there are any (overrides/partials/search.html);
    # Material's shows how many. `extra` holds only what the pages print: every page depends
    # on it (generator.pagecache), and the count changes with nearly every dump.
    config.extra["papers_with_code"] = with_code if engine != "pagefind" else min(with_code, 1)
    _start_cache(config)
    return config


class _Cache:
    """The page cache of this build (see generator.pagecache). A plain class: the tests load
    this module without registering it, which dataclasses need."""

    def __init__(self, store: pagecache.PageCache, fingerprint: str, made: dict[str, Made]) -> None:
        self.store = store
        self.fingerprint = fingerprint
        #: what the generator's manifest says of the pages it made (generator.write)
        self.made = made
        #: every page's key, by source path (made when its source is read)
        self.keys: dict[str, str] = {}
        #: the pages taken from the cache: source path -> (key, base URL, lean)
        self.hits: dict[str, tuple[str, str, bool]] = {}
        #: the pages rendered that may be cached: source path -> (key, the file MkDocs writes)
        self.fresh: dict[str, tuple[str, str]] = {}
        #: of those, the lean ones (their HTML names their depth's chrome script)
        self.lean: set[str] = set()
        #: whether the cache holds the chrome script of a depth, by base URL
        self.chromes: dict[str, bool] = {}
        #: every page, in MkDocs' order, when cached pages are left out of its build (the sitemap's)
        self.order: list[File] | None = None
        #: the keys of the site's Pagefind indexes (none on a lunr site: the cache keeps none)
        self.bundles: set[str] = set()
        #: the names of the cache's page files, listed when the first page is looked up
        self.held: set[str] | None = None
        #: the pages taken from the cache, linked into the site after MkDocs: (entry, site file)
        self.linked: list[tuple[str, str]] = []
        #: the digests of the paper pages' searched parts, by page key (generator.pagefind)
        self.parts: dict[str, str] = {}


_cache: _Cache | None = None
CACHED_TEMPLATE = "pa-cached.html"


def _start_cache(config: MkDocsConfig) -> None:
    global _cache  # one per build
    _cache = None
    folder = os.environ.get("PA_PAGE_CACHE", "").strip()
    if not folder:
        return
    docs = Path(config.docs_dir)
    overrides = Path(config.theme.custom_dir) if config.theme.custom_dir else Path(__file__).parent
    settings = {
        "site_url": config.site_url,
        "extra": dict(config.extra),
        "use_directory_urls": config.use_directory_urls,
        "hooks": sorted(Path(path).name for path in config.hooks),
    }
    code = [overrides, Path(__file__), Path(pagecache.__file__).parent]
    print_ = pagecache.fingerprint(Path(config.config_file_path), settings, code, docs, (*OWNED_DIRS, *OWNED_FILES))
    _cache = _Cache(pagecache.PageCache(Path(folder)), print_, read_manifest(docs)[1])
    _quiet_skipped_pages()


class _SkippedPages(logging.Filter):
    """MkDocs logs every page whose output is empty: the cached pages, which the hooks write."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _cache is not None and message.startswith("Page skipped: '"):
            return message[len("Page skipped: '") :].partition("'")[0] not in _cache.hits
        return True


def _quiet_skipped_pages() -> None:
    logger = logging.getLogger("mkdocs.commands.build")
    if not any(isinstance(item, _SkippedPages) for item in logger.filters):
        logger.addFilter(_SkippedPages())


def on_page_read_source(page: Page, config: MkDocsConfig) -> str | None:
    """With the page cache, the page's key (MkDocs reads the source itself)."""
    if _cache is not None and page.file.src_uri not in _cache.keys:
        _cache.keys[page.file.src_uri] = pagecache.page_key(
            _cache.fingerprint, page.file.src_uri, _source_digest(page.file)
        )
    return None


def _source_digest(file: File) -> str:
    """The digest of a page's source file (generator.write.content_digest): the generator's
    manifest holds it for a page it made, while the file keeps the size and modification time it
    was written with; any other file is read."""
    assert _cache is not None
    made = _cache.made.get(file.src_uri)
    if made is not None and file.abs_src_path is not None and stamp_of(file.abs_src_path) == made.stamp:
        return made.digest
    return content_digest(file.content_bytes)


_PER_DEPTH: dict[tuple[str, str, tuple[Any, ...]], Markup] = {}
#: PA_CHECK_BLOCKS=1: every reused block is rendered again for each page and compared
_CHECK_BLOCKS = os.environ.get("PA_CHECK_BLOCKS", "") not in ("", "0")
#: the address of the page each reused block was rendered for (PA_CHECK_BLOCKS)
_RENDERED_FOR: dict[tuple[str, str, tuple[Any, ...]], str] = {}
#: The JavaScript-only blocks left out of lean pages, by the pages' base URL (one depth).
_CHROME: dict[str, dict[str, str]] = {}
#: A lean page's chrome script, by base URL, once a page has been written with its name.
_CHROME_FILES: dict[str, tuple[str, str]] = {}
#: The placeholder of the chrome script's name in a lean page (see chrome_src): a secret made
#: anew for each build, once the pages' text is written, so none of it can hold the placeholder.
_chrome_placeholder = "__PA_CHROME__"
#: The base URL of each lean page (by source path) whose head holds the placeholder.
_AWAITING_CHROME: dict[str, str] = {}


def _walk(items: Any) -> Any:
    for item in items or ():
        yield item
        yield from _walk(getattr(item, "children", None))


def _toc_state(items: Any) -> tuple[Any, ...]:
    return tuple((item.title, item.url, _toc_state(item.children)) for item in items or ())


def _neighbour(page: Any) -> tuple[str, str] | None:
    return None if page is None else (page.url, str(page.title))


def page_state(context: Context) -> tuple[Any, ...]:
    """What the blocks rendered once per depth may read of the page (Material's partials: nav.html
    and nav-item.html the nav's active entries, toc.html the table of contents, footer.html the
    previous and next pages and `hide`): pages with the same state at one depth share them."""
    page = context.get("page")
    if page is None:
        return ()
    nav = context.get("nav")
    meta = getattr(page, "meta", None) or {}
    return (
        tuple((item.title, getattr(item, "url", None)) for item in _walk(nav.items if nav else ()) if item.active),
        _toc_state(getattr(page, "toc", ())),
        _neighbour(getattr(page, "previous_page", None)),
        _neighbour(getattr(page, "next_page", None)),
        tuple(meta.get("hide") or ()),
    )


@pass_context
def per_depth(context: Context, name: str, render: Callable[[], str]) -> Markup:
    """A template block rendered once for all the pages at the same depth and in the same state."""
    key = (name, context["base_url"], page_state(context))
    page = context.get("page")
    if key not in _PER_DEPTH:
        _PER_DEPTH[key] = Markup(render())
        _RENDERED_FOR[key] = page.url if page else ""
    elif _CHECK_BLOCKS and _addresses(str(_PER_DEPTH[key]), _RENDERED_FOR[key]) != _addresses(
        render(), page.url if page else ""
    ):
        raise BuildError(f"{page.file.src_uri}: block {name!r} is not the one of the pages it was reused from")
    return _PER_DEPTH[key]


_ADDRESS = re.compile(r'((?:href|src)=")([^"]*)(")')


def _addresses(html: str, url: str) -> str:
    """The block with its relative links resolved from the page's address (`url`): a block
    reused at the same depth links to the same pages through other relative paths."""
    return _ADDRESS.sub(lambda m: m[1] + urljoin("/" + url, unescape(m[2])) + m[3], html)


@pass_context
def js_only(context: Context, name: str, render: Callable[[], str]) -> Markup:
    """A block that only works with JavaScript: left to the chrome script on lean pages, which
    holds one version of each block for all the lean pages at one depth."""
    html = per_depth(context, name, render)
    if not context.get("lean"):  # set by the page's template (overrides/lean.html)
        return html
    base_url = context["base_url"]
    fragments = _CHROME.setdefault(base_url, {})
    fragment = compact(str(html))
    if name not in fragments:
        if base_url in _CHROME_FILES:
            raise BuildError(f"{context['page'].file.src_uri}: block {name!r} is not in the chrome script of its depth")
        fragments[name] = fragment
    elif fragments[name] != fragment:
        raise BuildError(
            f"{context['page'].file.src_uri}: block {name!r} differs from the one the lean pages at its depth share"
            " (a lean page in the nav, or with a table of contents?)"
        )
    return Markup(f'<script>__pa("{name}")</script>')


#: Material's assets that its base.html names with their content's hash, by the name lean.html uses
MATERIAL_ASSETS = {
    "main_css": r"assets/stylesheets/main\.[0-9a-f]+\.min\.css",
    "palette_css": r"assets/stylesheets/palette\.[0-9a-f]+\.min\.css",
    "bundle_js": r"assets/javascripts/bundle\.[0-9a-f]+\.min\.js",
    "search_worker": r"assets/javascripts/workers/search\.[0-9a-f]+\.min\.js",
}


def material_assets(config: MkDocsConfig) -> dict[str, str]:
    """The names Material's own base.html gives its assets, each found in the installed theme."""
    custom = Path(config.theme.custom_dir).resolve() if config.theme.custom_dir else None
    folders = [Path(folder) for folder in config.theme.dirs if Path(folder).resolve() != custom]
    theme = next((folder for folder in folders if (folder / "base.html").is_file()), None)
    if theme is None:
        raise BuildError("the theme has no base.html: lean pages cannot name Material's assets")
    base = (theme / "base.html").read_text(encoding="utf-8")
    found = {}
    for name, pattern in MATERIAL_ASSETS.items():
        paths = set(re.findall(pattern, base))
        if len(paths) != 1 or not (theme / next(iter(paths))).is_file():
            raise BuildError(
                f"{theme / 'base.html'}: names {sorted(paths) or 'no'} {pattern!r}, which lean pages need"
                " as one file of the theme: overrides/lean.html no longer follows this version of Material"
            )
        found[name] = paths.pop()
    return found


@pass_context
def chrome_src(context: Context) -> str:
    """The chrome script's address, completed in on_post_page once the page's blocks are known:
    its name is a placeholder, which on_post_page replaces where this put it, and only there."""
    base_url = context["base_url"]
    page = context["page"].file.src_uri
    if page in _AWAITING_CHROME:
        raise BuildError(f"{page}: the chrome script is loaded twice")
    _AWAITING_CHROME[page] = base_url
    return f"{base_url}/assets/javascripts/{_chrome_placeholder}"


#: The chrome script; __BLOCKS__ becomes the blocks' HTML by name (a JSON object).
CHROME_SCRIPT = """\
// Paper Archive: the blocks of a lean page that only work with JavaScript (overrides/hooks.py).
(() => {
  const blocks = __BLOCKS__;
  // Replaces the script calling it by the named block; scripts in the block run as they land,
  // and an element with data-pa-title gets the page's title (the document's, less that suffix).
  window.__pa = (name) => {
    const here = document.currentScript, box = document.createElement("div");
    box.innerHTML = blocks[name];
    for (const old of box.querySelectorAll("script")) {
      const script = document.createElement("script");
      for (const attribute of old.attributes) script.setAttribute(attribute.name, attribute.value);
      script.text = old.text;
      old.replaceWith(script);
    }
    for (const node of box.querySelectorAll("[data-pa-title]")) {
      const suffix = node.dataset.paTitle, title = document.title;
      node.textContent = title.endsWith(suffix) ? title.slice(0, -suffix.length) : title;
      node.removeAttribute("data-pa-title");
    }
    // the plain header for readers without JavaScript (overrides/lean.html) goes
    const plain = here.previousElementSibling;
    if (plain && plain.matches("noscript.pa-nojs")) plain.remove();
    here.replaceWith(...box.childNodes);
  };
  // the head's block takes the place of this script
  if (blocks.head) window.__pa("head");
})();
"""


def chrome_script(fragments: dict[str, str]) -> str:
    """The chrome script holding these blocks."""
    return CHROME_SCRIPT.replace("__BLOCKS__", json.dumps(fragments, ensure_ascii=False, sort_keys=True))


def chrome_file(base_url: str) -> tuple[str, str]:
    """The name and content of the chrome script of the lean pages at one depth (frozen once used)."""
    if base_url not in _CHROME_FILES:
        _CHROME_FILES[base_url] = chrome_file_of(chrome_script(_CHROME.get(base_url, {})))
    return _CHROME_FILES[base_url]


def chrome_file_of(script: str) -> tuple[str, str]:
    """A chrome script's name (its content's hash) and content."""
    return f"chrome.{hashlib.sha256(script.encode()).hexdigest()[:8]}.js", script


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Refuse a docs/ that a killed generator left half-written (see generator.write)."""
    docs = Path(os.path.relpath(config.docs_dir, Path(config.config_file_path).parent))
    leftover = next((file.src_uri for file in files if file.src_uri.endswith(TEMP_SUFFIX)), None)
    if (Path(config.docs_dir) / PENDING).exists() or leftover:
        raise BuildError(
            f"{docs / (leftover or PENDING)}: the generator was stopped while writing {docs}; "
            "run `python -m generator build` again before building the site"
        )
    if _cache is not None and config.extra["search_engine"] == "pagefind":
        return _leave_cached_pages(files, config)
    return files


class SitemapEntry:
    """What the sitemap template (overrides/sitemap.xml) reads of a page: is_link, canonical_url
    and abs_url, as a Page would have them (Page._set_canonical_url); for the pages taken from
    the cache, which MkDocs builds no Page of: making one would cost more than the rest of
    taking the page from the cache."""

    is_link = False
    __slots__ = ("abs_url", "canonical_url")

    def __init__(self, canonical_url: str | None, abs_url: str | None) -> None:
        self.canonical_url, self.abs_url = canonical_url, abs_url

    @classmethod
    def maker(cls, site_url: str | None) -> Callable[[str], SitemapEntry]:
        """Entries of pages by URL (a file's url: relative, "/"-separated, no dot segment)."""
        if not site_url:
            return lambda url: cls(None, None)
        base = site_url if site_url.endswith("/") else f"{site_url}/"
        path = urlsplit(base).path

        def entry(url: str) -> SitemapEntry:
            url = "" if url in (".", "./") else url  # Page.url
            return cls(base + url, path + url)

        return entry


def _leave_cached_pages(files: Files, config: MkDocsConfig) -> Files:
    """Pages the cache holds are left out of MkDocs' build (out of its files: it walks them
    several times a build) and linked into the site from the cache after it (on_post_build):
    MkDocs then neither reads nor renders them. Only with Pagefind, whose index is made from the
    site's files: Material's search (lunr) needs every page's text, so there the cached pages go
    through MkDocs (pa-cached.html). The sitemap still lists them, in their place
    (on_template_context). No page links to them through MkDocs: generated pages are HTML
    already, whose links MkDocs neither rewrites nor checks.

    This holds while no plugin gathers anything across pages from the pages themselves: the
    search plugin's index is empty on such sites, and the tags plugin makes no listing or
    export (mkdocs.yml). A plugin that did (tag listings, a blog) would miss the cached pages:
    tests/test_incremental.py and bench/bench_incremental.py compare whole sites."""
    assert _cache is not None
    _cache.order = files.documentation_pages()
    entry = SitemapEntry.maker(config.site_url)
    for file in _cache.order:
        key = pagecache.page_key(_cache.fingerprint, file.src_uri, _source_digest(file))
        _cache.keys[file.src_uri] = key
        base_url = get_relative_url(".", file.url)
        lean = _cached(key, base_url)
        if lean is None:
            continue
        _cache.hits[file.src_uri] = (key, base_url, lean)
        file.page = entry(file.url)  # type: ignore[assignment] - what the sitemap reads of it
        _cache.linked.append((_cache.store.html_path(key, lean), f"{config.site_dir}/{file.dest_uri}"))
    return Files([file for file in files if file.src_uri not in _cache.hits])


def _link_cached_pages() -> None:
    """Put the pages taken from the cache into the site (hard links to the entries, or copies)."""
    assert _cache is not None
    for source, target in _cache.linked:
        # one page a folder, which MkDocs has not made: made first (a failed link costs as much)
        folder = target.rpartition("/")[0]
        try:
            os.mkdir(folder)  # noqa: PTH102 - once per page
        except FileExistsError:
            pass
        except FileNotFoundError:  # nor the folder above it
            os.makedirs(folder, exist_ok=True)  # noqa: PTH103
        pagecache.link_or_copy(source, target)


def on_template_context(context: dict[str, Any], template_name: str, config: MkDocsConfig) -> dict[str, Any]:
    """The sitemap lists the pages taken from the page cache too, in their place."""
    if template_name == "sitemap.xml" and _cache is not None and _cache.order is not None:
        context["pages"] = _cache.order
    return context


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    global _chrome_placeholder  # one per build
    # a new build (mkdocs serve rebuilds in the same process)
    _PER_DEPTH.clear()
    _RENDERED_FOR.clear()
    _CHROME.clear()
    _CHROME_FILES.clear()
    _AWAITING_CHROME.clear()
    _chrome_placeholder = f"__PA_CHROME_{secrets.token_hex(16)}__"
    env.filters["tag_slug"] = slug_of
    env.globals.update(
        per_depth=per_depth, js_only=js_only, chrome_src=chrome_src, material_assets=material_assets(config)
    )
    return env


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, **kwargs: Any) -> str:
    if page.meta.get("generated") == "html":
        page.__class__ = HtmlPage
        if _cache is not None:
            _look_up(page)
    if config.extra["search_engine"] == "pagefind":
        page.meta["search"] = {"exclude": True}  # Material's index stays empty
    return markdown


def _cached(key: str, base_url: str) -> bool | None:
    """Whether the cache holds the page of `key` as a lean page (with its depth's chrome script)
    or as another page; None: it does not."""
    assert _cache is not None
    if _cache.held is None:
        _cache.held = _cache.store.held()
    lean = _cache.store.kind(key, _cache.held)
    if lean and base_url not in _cache.chromes:
        _cache.chromes[base_url] = _cache.store.chrome(pagecache.chrome_key(_cache.fingerprint, base_url)).is_file()
    return None if lean and not _cache.chromes[base_url] else lean


def _look_up(page: Page) -> None:
    """Take a generated page from the cache when it holds it (with its depth's chrome script,
    if the page names one), else mark it to be stored once built."""
    assert _cache is not None
    src = page.file.src_uri
    key = _cache.keys[src]
    base_url = get_relative_url(".", page.url)
    lean = _cached(key, base_url)
    if lean is None:
        _cache.fresh[src] = (key, page.file.abs_dest_path)
        return
    _cache.hits[src] = (key, base_url, lean)
    page.meta["template"] = CACHED_TEMPLATE


_VERBATIM = re.compile(r"(<(pre|textarea|script)\b.*?</\2>)", re.DOTALL | re.IGNORECASE)
_INDENTATION = re.compile(r"\n\s+")


def compact(html: str) -> str:
    """The page without indentation (see the module's docstring)."""
    parts = _VERBATIM.split(html)
    # split() returns text, verbatim block, tag name, text, ...
    return "".join(
        _INDENTATION.sub("\n", part) if index % 3 == 0 else part for index, part in enumerate(parts) if index % 3 != 2
    )


@event_priority(50)  # before the search plugin (priority 0) indexes the page
def on_page_context(context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Any) -> dict[str, Any]:
    """The page's tags HTML-escaped for the search index (see the module's docstring): the tags
    plugin made the page's tag chips from them already, which the template escapes."""
    tags = page.meta.get("tags")
    if isinstance(tags, list):
        page.meta["tags"] = [escape(tag, quote=False) if isinstance(tag, str) else tag for tag in tags]
    return context


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if _cache is not None and page.file.src_uri in _cache.hits:
        key, _, lean = _cache.hits[page.file.src_uri]
        if output:
            raise BuildError(f"{page.file.src_uri}: {CACHED_TEMPLATE} is not empty")
        _cache.store.link_out(key, lean, Path(page.file.abs_dest_path))
        return ""  # MkDocs writes nothing
    base_url = _AWAITING_CHROME.pop(page.file.src_uri, None)
    if base_url is not None:
        if _cache is not None:
            _cache.lean.add(page.file.src_uri)
        slot = f"{base_url}/assets/javascripts/{_chrome_placeholder}"
        at = output.find(slot)
        if at < 0 or output.find(slot, at + 1) >= 0:
            raise BuildError(f"{page.file.src_uri}: the chrome script's placeholder is not in the page once")
        output = output[:at] + f"{base_url}/assets/javascripts/{chrome_file(base_url)[0]}" + output[at + len(slot) :]
    return compact(output)


def on_post_build(config: MkDocsConfig) -> None:
    folder = Path(config.site_dir) / "assets" / "javascripts"
    for base_url, (name, script) in sorted(_CHROME_FILES.items()):
        if chrome_script(_CHROME[base_url]) != script:
            raise BuildError(f"the lean pages at {base_url!r} do not share the same blocks")
        (folder / name).write_text(script, encoding="utf-8")
    if _cache is not None:
        _link_cached_pages()
        _cached_chrome(folder)
    write_sitemaps(Path(config.site_dir), config.site_url or "")
    write_feed_sitemaps(Path(config.site_dir))
    if config.extra["search_engine"] == "pagefind":
        write_pagefind(config)
    if _cache is not None:
        _store_cache()


def write_pagefind(config: MkDocsConfig) -> None:
    """Pagefind's indexes of the paper pages, a block of papers each (generator.pagefind), taken
    from the page cache where it holds them."""
    blocks_file = Path(config.docs_dir) / BLOCKS_PATH
    try:
        blocks = read_blocks(blocks_file.read_bytes())
    except FileNotFoundError as error:
        raise BuildError(f"{blocks_file}: missing: run `python -m generator build` before building the site") from error
    except (OSError, ValueError, PagefindError) as error:
        raise BuildError(f"{blocks_file}: {error}") from error
    try:
        site = Path(config.site_dir)
        keys, indexed = write_indexes(site, blocks, _cache.store if _cache else None, run_pagefind, _part_digests(site))
    except (OSError, ValueError, PagefindError) as error:
        raise BuildError(f"pagefind's index: {error}") from error
    if _cache is not None:
        _cache.bundles = keys
    logging.getLogger("mkdocs.hooks.pagefind").info(
        f"Pagefind: {len(blocks)} indexes, {indexed} made, {len(blocks) - indexed} from the cache"
    )


def _part_digests(site: Path) -> Callable[[str], str] | None:
    """The digest of a page's searched part (generator.pagefind.part_digest), by its path in the
    site: from the cache's memo for a page whose key it knows (its HTML is a function of its
    key), else from its HTML, then remembered. None without the cache."""
    if _cache is None or _cache.order is None:
        return None
    memo, key_of = _cache.store.read_parts(), {file.dest_uri: _cache.keys.get(file.src_uri) for file in _cache.order}
    parts: dict[str, str] = {}
    _cache.parts = parts

    def digest_of(page: str) -> str:
        key = key_of.get(page)
        digest = memo.get(key) if key is not None else None
        if digest is None:
            digest = part_digest((site / page).read_bytes())
        if key is not None:
            parts[key] = digest
        return digest

    return digest_of


def run_pagefind(pages: Path, output: Path) -> None:
    """Pagefind's index of the HTML files in the folder `pages`, written into `output`."""
    command = [sys.executable, "-m", "pagefind", "--site", str(pages), "--output-path", str(output), "--silent"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise PagefindError(f"pagefind failed to index the site:\n{result.stdout}{result.stderr}")


def _cached_chrome(folder: Path) -> None:
    """Write the chrome script of each depth whose lean pages all came from the cache; where
    some were rendered too, check that the cached script is the one they name."""
    assert _cache is not None
    for base_url in sorted({base_url for _, base_url, lean in _cache.hits.values() if lean}):
        script = _cache.store.read_chrome(pagecache.chrome_key(_cache.fingerprint, base_url))
        if script is None:
            raise BuildError(f"the page cache lost the chrome script of {base_url!r}: remove {_cache.store.root}")
        name, built = _CHROME_FILES.get(base_url) or chrome_file_of(script)
        if built != script:
            raise BuildError(f"the page cache's chrome script of {base_url!r} is not this build's")
        (folder / name).write_text(script, encoding="utf-8")


def _store_cache() -> None:
    """Keep this build's pages in the cache (each depth's chrome script first, so no entry of a
    lean page is ever without it) and drop the entries it did not use."""
    assert _cache is not None
    store, print_ = _cache.store, _cache.fingerprint
    chromes = {pagecache.chrome_key(print_, base_url) for _, base_url, lean in _cache.hits.values() if lean}
    for base_url, (_, script) in sorted(_CHROME_FILES.items()):
        key = pagecache.chrome_key(print_, base_url)
        store.store_chrome(key, script)
        chromes.add(key)
    pages = {key for key, _, _ in _cache.hits.values()}
    for src, (key, built) in _cache.fresh.items():
        if Path(built).is_file():
            store.store_page(key, src in _cache.lean, Path(built))
            pages.add(key)
    removed = store.prune(pages, chromes, _cache.bundles)
    store.write_parts({key: digest for key, digest in _cache.parts.items() if key in pages})
    logging.getLogger("mkdocs.hooks.page_cache").info(
        f"Page cache: {len(_cache.hits)} pages from the cache, {len(_cache.fresh)} rendered and stored,"
        f" {removed} stale entries removed"
    )


def write_sitemaps(site: Path, site_url: str) -> None:
    """Split MkDocs' sitemap.xml past 50,000 URLs (see generator.sitemaps); sitemap.xml.gz
    follows sitemap.xml."""
    sitemap = site / "sitemap.xml"
    if not sitemap.is_file():
        return
    try:
        files = split_sitemap(sitemap.read_text(encoding="utf-8"), site_url)
    except ValueError as error:
        raise BuildError(f"sitemap.xml: {error}") from error
    for name, text in files.items():
        (site / name).write_text(text, encoding="utf-8")
    if files:
        (site / "sitemap.xml.gz").write_bytes(gzip_bytes(files["sitemap.xml"].encode("utf-8")))


EMPTY_SITEMAP = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>\n'
)


def write_feed_sitemaps(site: Path) -> None:
    """An empty sitemap.xml in every folder holding feeds, for Material's script (see above)."""
    feeds = site / "feeds"
    if feeds.is_dir():
        for folder in sorted({path.parent for path in feeds.rglob("*.xml")}):
            (folder / "sitemap.xml").write_text(EMPTY_SITEMAP, encoding="utf-8")
