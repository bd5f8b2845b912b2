"""Which client-side search the site uses: decided by the archive's size.

Material's lunr search downloads the whole index and builds it in the browser: instant for a
small archive, but at 10,000 papers readers wait ~13 s and download ~7 MB (gzip). Pagefind
downloads only the index chunks a query needs (~0.3-0.4 MB a query at 30,000 papers), so an
archive switches to it once it holds PAGEFIND_FROM papers. The MkDocs hooks
(overrides/hooks.py) apply the choice; the search box looks the same either way.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from . import urls
from .api import encode
from .model import Paper

Engine = Literal["lunr", "pagefind"]

#: from this many papers on, the site searches with Pagefind. The environment variable
#: PA_PAGEFIND_FROM sets another number (tests build small Pagefind sites with it).
PAGEFIND_FROM = int(os.environ.get("PA_PAGEFIND_FROM", "").strip() or 2000)


def engine(papers: int) -> Engine:
    return "pagefind" if papers >= PAGEFIND_FROM else "lunr"


def engine_of_docs(docs: Path) -> Engine:
    """The engine for the pages the generator wrote into a docs folder."""
    folder = docs / urls.PAPERS
    count = sum(1 for entry in folder.iterdir() if entry.name.endswith(".md")) if folder.is_dir() else 0
    return engine(count)


#: the values of the search filters, for the Pagefind search box (docs/javascripts/pagefind-search.js)
FILTERS_PATH = urls.API_FILTERS


def filter_values(papers: Iterable[Paper]) -> bytes:
    """{"tag": {tag: papers}, "year": {year: papers}, "code": {"yes": papers}}: the options of
    the search box's filters ("code": papers with a code repository).

    The same shape as Pagefind's own filters(), which would instead download every filter
    index (over 300 KB at 30,000 papers) before the first query.
    """
    tags: Counter[str] = Counter()
    years: Counter[str] = Counter()
    code = 0
    for paper in papers:
        tags.update(paper.tags)
        years[str(paper.listed.year)] += 1
        code += has_code(paper)
    document = {"tag": dict(sorted(tags.items())), "year": dict(sorted(years.items())), "code": {"yes": code}}
    return encode(document)


#: the slugs of the papers with code, for the "with code" filter of Material's search
CODE_PATH = urls.API_CODE


def has_code(paper: Paper) -> bool:
    return paper.record is not None and paper.record.resolved and paper.record.github is not None


def code_slugs(papers: Iterable[Paper]) -> bytes:
    return encode(sorted(paper.slug for paper in papers if has_code(paper)))


def papers_with_code(docs: Path) -> int:
    """How many papers of a docs folder have code (0 before the generator ran)."""
    try:
        return int(json.loads((docs / FILTERS_PATH).read_bytes()).get("code", {}).get("yes", 0))
    except (OSError, ValueError, AttributeError):
        return 0
