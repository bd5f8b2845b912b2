"""MkDocs hooks of the Paper Archive.

- Templates get the generator's own tag slugs (`tag_slug` filter), so tag chips link to the
  generated tag pages (tags/<slug>/).
- Pages the generator wrote as finished HTML (front matter `generated: html`) skip Markdown:
  their body is already HTML, and Python-Markdown's raw-HTML parsing was half the cost of
  building such a page.
- Blocks that render the same on every page at one depth are rendered once and reused
  (`per_depth`): on paper pages the nav, config, scripts and footer (overrides/paper.html), on
  every page the header's palette toggle and search box (overrides/partials/header.html).
- Every page's indentation is dropped: a run of whitespace holding a line break becomes one
  line break, which renders the same outside <pre>, <textarea> and <script> (left alone).
  The theme's indentation was ~2.6 KB of each paper page.
- Search: small archives keep Material's lunr search; from generator.search.PAGEFIND_FROM
  papers on, pages stay out of Material's index, the search box is driven by Pagefind
  (docs/javascripts/pagefind-search.js) and the Pagefind index is built after the site.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import BuildError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from generator.search import engine_of_docs
from generator.slugs import slug_of


class HtmlPage(Page):
    """A page whose source, after its front matter, is the HTML of its content."""

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.content = self.markdown
        self.toc = get_toc([])
        self.present_anchor_ids = set()


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    config.extra["search_engine"] = engine_of_docs(Path(config.docs_dir))
    return config


_PER_DEPTH: dict[tuple[str, str], Markup] = {}


def per_depth(name: str, render: Callable[[], Markup], base_url: str) -> Markup:
    """A template block rendered once for all the pages at the same depth that use it."""
    key = (name, base_url)
    if key not in _PER_DEPTH:
        _PER_DEPTH[key] = Markup(render())
    return _PER_DEPTH[key]


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    _PER_DEPTH.clear()  # a new build (mkdocs serve rebuilds in the same process)
    env.filters["tag_slug"] = slug_of
    env.globals["per_depth"] = per_depth
    return env


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, **kwargs: Any) -> str:
    if page.meta.get("generated") == "html":
        page.__class__ = HtmlPage
    if config.extra["search_engine"] == "pagefind":
        page.meta["search"] = {"exclude": True}  # Material's index stays empty
    return markdown


_VERBATIM = re.compile(r"(<(pre|textarea|script)\b.*?</\2>)", re.DOTALL | re.IGNORECASE)
_INDENTATION = re.compile(r"\n\s+")


def compact(html: str) -> str:
    """The page without indentation (see the module's docstring)."""
    parts = _VERBATIM.split(html)
    # split() returns text, verbatim block, tag name, text, ...
    return "".join(
        _INDENTATION.sub("\n", part) if index % 3 == 0 else part for index, part in enumerate(parts) if index % 3 != 2
    )


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return compact(output)


def on_post_build(config: MkDocsConfig) -> None:
    if config.extra["search_engine"] != "pagefind":
        return
    result = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", config.site_dir, "--glob", "papers/**/*.html", "--silent"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BuildError(f"pagefind failed to index the site:\n{result.stdout}{result.stderr}")
