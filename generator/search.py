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
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

from . import urls
from .api import encode
from .model import Paper

Engine = Literal["lunr", "pagefind"]


def _count_env(name: str, default: int) -> int:
    """A positive count from the environment variable `name`, else `default` (also when the
    value is not a positive whole number: the settings below are for tests and benchmarks)."""
    value = os.environ.get(name, "").strip()
    return int(value) if value.isascii() and value.isdigit() and 0 < int(value) < 10**9 else default


#: from this many papers on, the site searches with Pagefind. The environment variable
#: PA_PAGEFIND_FROM sets another number (tests build small Pagefind sites with it).
PAGEFIND_FROM = _count_env("PA_PAGEFIND_FROM", 2000)
#: papers in one Pagefind index (a block): the site's search is several indexes, which the search
#: box merges (Pagefind's mergeIndex), so a new dump re-indexes only the blocks whose pages'
#: searched parts changed, the newest one mostly (overrides/hooks.py). PA_PAGEFIND_BLOCK sets
#: another size (tests make blocks of a few papers).
PAGEFIND_BLOCK = _count_env("PA_PAGEFIND_BLOCK", 10_000)


def engine(papers: int) -> Engine:
    return "pagefind" if papers >= PAGEFIND_FROM else "lunr"


def engine_of_docs(docs: Path) -> Engine:
    """The engine for the pages the generator wrote into a docs folder."""
    folder = docs / urls.PAPERS
    count = sum(1 for entry in folder.iterdir() if entry.name.endswith(".md")) if folder.is_dir() else 0
    return engine(count)


#: the values of the search filters, for the Pagefind search box (docs/javascripts/pagefind-search.js)
FILTERS_PATH = urls.API_FILTERS


#: the papers of each Pagefind block, for the hooks (a dot file: MkDocs leaves it out of the site)
BLOCKS_PATH = f"{urls.PAPERS}/.search-blocks.json"


def search_blocks(papers: Iterable[Paper], size: int = PAGEFIND_BLOCK) -> list[list[str]]:
    """The slugs of the papers in blocks of `size`, in the order they were first listed (then
    by slug): a dump of new papers changes the newest block and starts the next ones, and
    leaves the older blocks as they were. (A dump older than others, filed later, moves the
    blocks after its papers' place.)"""
    slugs = [paper.slug for paper in sorted(papers, key=lambda paper: (paper.listed, paper.slug))]
    return [slugs[start : start + size] for start in range(0, len(slugs), size)]


def blocks_file(papers: Sequence[Paper]) -> bytes:
    return encode(search_blocks(papers))


def filter_values(papers: Sequence[Paper]) -> bytes:
    """{"tag": {tag: papers}, "year": {year: papers}, "code": {"yes": papers}, "indexes": n}:
    the options of the search box's filters ("code": papers with a code repository), and how
    many Pagefind indexes (blocks) the search merges.

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
    document = {
        "tag": dict(sorted(tags.items())),
        "year": dict(sorted(years.items())),
        "code": {"yes": code},
        "indexes": -(-len(papers) // PAGEFIND_BLOCK),
    }
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
