"""The build, step by step: read → merge → slugs → tags → related → inferred tags → render → write.

Every step but the first and the last is a pure function of the ones before it; the
command line (generator.cli) only parses options, calls :func:`build` and prints.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .api import api_files
from .archive import Archive, make_papers, paper_slugs, paper_tags
from .dedupe import merge
from .dumps import read_dumps
from .feeds import feed_files
from .model import Paper
from .permalinks import read_permalinks
from .records import read_records
from .related import (
    VECTORS_PATH,
    default_reference,
    format_vectors,
    papers_vectors,
    parse_vectors,
    related_lists,
    vectors_key,
    vectors_made_by,
)
from .relatedtable import read_related
from .render import page_files
from .search import BLOCKS_PATH, CODE_PATH, FILTERS_PATH, blocks_file, code_slugs, engine, filter_values
from .tagging import (
    CANDIDATES_PATH,
    format_candidates,
    parse_candidates,
    ranked_candidates,
    rules_digest,
    with_inferred_tags,
)
from .taxonomy import NO_OVERRIDES, Overrides, Taxonomy
from .write import Deferred, Files, WriteReport, read_generated, read_generated_bytes, write_site


@dataclass(frozen=True)
class Built:
    archive: Archive
    report: WriteReport


def build(
    dumps_dir: Path,
    docs_dir: Path,
    taxonomy: Taxonomy | None,
    overrides: Overrides = NO_OVERRIDES,
    site_url: str = "",
) -> Built:
    """Read every dump of `dumps_dir` and write the site's generated files into `docs_dir`."""
    dumps = read_dumps(dumps_dir)
    merged, warnings = merge(dumps)
    slugs = paper_slugs(merged, read_permalinks(dumps_dir))
    code = code_digest()
    memo: list[tuple[str, str | bytes | Deferred]] = []
    ranked = None
    if taxonomy is not None:  # the candidate tags of papers whose text the last build scored are known
        rules = rules_digest(taxonomy, code)
        known = parse_candidates(read_generated(docs_dir, CANDIDATES_PATH), rules)
        ranked, found = ranked_candidates([(m.title, m.abstract) for m in merged], taxonomy, known)
        memo.append((CANDIDATES_PATH, format_candidates(rules, found)))
    tags = paper_tags(merged, slugs, taxonomy, overrides, ranked)
    papers = make_papers(merged, slugs, tags, read_records(dumps_dir))
    key = vectors_key(default_reference(), code)  # the vectors of the texts the last build tokenized
    last = read_generated_bytes(docs_dir, VECTORS_PATH)
    lists = related_lists(papers, kept=read_related(dumps_dir), vectors=lambda: parse_vectors(last, key))
    if lists.vectors is not None:
        memo.append((VECTORS_PATH, format_vectors(lists.vectors, key)))
    elif header := vectors_made_by(last, key):  # no list needed them: kept as they are, unread
        memo.append((VECTORS_PATH, Deferred(header, lambda: last)))
    else:  # none kept yet: made once, for the builds that will need them
        memo.append((VECTORS_PATH, format_vectors(papers_vectors(papers), key)))
    related = lists.slugs()
    if taxonomy is not None:  # papers the rules leave untagged take the tags their neighbours share
        papers, _ = with_inferred_tags(papers, related, taxonomy)
    files = itertools.chain(site_files(papers, related, site_url, code), memo)
    report = write_site(docs_dir, files)
    return Built(Archive(tuple(dumps), papers, tuple(warnings)), report)


def code_digest() -> str:
    """A digest of the generator's code and templates: what makes a page of its inputs."""
    digest = hashlib.blake2b(digest_size=16)
    package = Path(__file__).parent
    for path in sorted([*package.glob("*.py"), *package.glob("templates/*")]):
        digest.update(f"{path.relative_to(package)}\0".encode() + path.read_bytes() + b"\0")
    return digest.hexdigest()


def site_files(
    papers: Sequence[Paper], related: Mapping[str, Sequence[str]], site_url: str = "", code: str = ""
) -> Files:
    """Every generated file of the site as (path under docs/, content), produced one by one:
    the pages, the feeds, the JSON API and the search box's data (paper, tag and day pages
    Deferred with `code`, a :func:`code_digest`: generator.render.page_files)."""
    yield from page_files(papers, related, site_url, code)
    yield from feed_files(papers, site_url)
    yield from api_files(papers, site_url, related)
    yield FILTERS_PATH, filter_values(papers)
    yield CODE_PATH, code_slugs(papers)
    if engine(len(papers)) == "pagefind":
        yield BLOCKS_PATH, blocks_file(papers)
