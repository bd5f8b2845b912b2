"""The build, step by step: read → merge → slugs → tags → related → inferred tags → render → write.

Every step but the first and the last is a pure function of the ones before it; the
command line (generator.cli) only parses options, calls :func:`build` and prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .archive import Archive, make_papers, paper_slugs, paper_tags
from .dedupe import merge
from .dumps import read_dumps
from .permalinks import read_permalinks
from .records import read_records
from .related import related_papers
from .render import site_files
from .tagging import with_inferred_tags
from .taxonomy import NO_OVERRIDES, Overrides, Taxonomy
from .write import WriteReport, write_site


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
    tags = paper_tags(merged, slugs, taxonomy, overrides)
    papers = make_papers(merged, slugs, tags, read_records(dumps_dir))
    related = related_papers(papers)
    if taxonomy is not None:  # papers the rules leave untagged take the tags their neighbours share
        papers, _ = with_inferred_tags(papers, related, taxonomy)
    files = site_files(papers, related, site_url)
    report = write_site(docs_dir, files)
    return Built(Archive(tuple(dumps), papers, tuple(warnings)), report)
