"""From parsed dumps to the archive's papers: merge listings, settle slugs, choose tags.

Each step is a pure function; :func:`build_archive` runs them in order, and
generator.build.build runs the same steps between reading the dumps and writing the site.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import slugs
from .dedupe import Merged, merge
from .dumps import read_dumps
from .model import Dump, Notice, Paper
from .permalinks import read_permalinks
from .records import Record, read_records
from .tagging import choose_tags, ranked_candidates, spelled
from .taxonomy import NO_OVERRIDES, Overrides, Taxonomy


@dataclass(frozen=True)
class Archive:
    dumps: tuple[Dump, ...]
    papers: tuple[Paper, ...]  # in first-listed order
    merge_warnings: tuple[Notice, ...] = ()  # listings with one title kept as different papers

    @property
    def warnings(self) -> tuple[Notice, ...]:
        return (*(notice for dump in self.dumps for notice in dump.warnings), *self.merge_warnings)

    @property
    def listings(self) -> int:
        return sum(len(dump.entries) for dump in self.dumps)


def paper_slugs(merged: Sequence[Merged], permalinks: Mapping[str, str]) -> list[str]:
    """Each merged paper's slug: its recorded permalink, else its title's (see slugs.assign)."""
    slug_of_key = slugs.assign(((m.key, m.title) for m in merged), recorded=permalinks)
    return [slug_of_key[m.key] for m in merged]


def paper_tags(
    merged: Sequence[Merged],
    slugs_: Sequence[str],
    taxonomy: Taxonomy | None,
    overrides: Overrides,
    ranked: Sequence[tuple[int, ...]] | None = None,
) -> dict[str, tuple[str, ...]]:
    """Slug -> the labels of the tags chosen for each paper (none without a taxonomy), given
    their candidates (`ranked`: tagging.ranked_candidates) or finding them."""
    if taxonomy is None:
        return {}
    if ranked is None:
        ranked, _ = ranked_candidates([(m.title, m.abstract) for m in merged], taxonomy, {})
    chosen, _ = choose_tags(slugs_, ranked, taxonomy, overrides)
    return spelled(chosen, [tag.label for tag in taxonomy.tags])


def make_papers(
    merged: Sequence[Merged],
    slugs_: Sequence[str],
    tags: Mapping[str, tuple[str, ...]],
    records: Mapping[str, Record],
) -> tuple[Paper, ...]:
    return tuple(
        Paper(
            key=m.key,
            slug=slug,
            title=m.title,
            abstract=m.abstract,
            sources=tuple(m.sources),
            tags=tags.get(slug, ()),
            record=records.get(m.key),
        )
        for m, slug in zip(merged, slugs_, strict=True)
    )


def build_archive(
    dumps: Sequence[Dump],
    taxonomy: Taxonomy | None = None,
    overrides: Overrides = NO_OVERRIDES,
    permalinks: Mapping[str, str] | None = None,
    records: Mapping[str, Record] | None = None,
) -> Archive:
    """The deduplicated, tagged archive of parsed dumps (pure). Without a taxonomy, no tags.

    `permalinks`: the slugs recorded for papers (generator.permalinks), by key; `records`:
    what the Hub knows of them (generator.records), by key."""
    merged, warnings = merge(dumps)
    slugs_ = paper_slugs(merged, permalinks or {})
    tags = paper_tags(merged, slugs_, taxonomy, overrides)
    papers = make_papers(merged, slugs_, tags, records or {})
    return Archive(dumps=tuple(dumps), papers=papers, merge_warnings=tuple(warnings))


def load_archive(dumps_dir: Path, taxonomy: Taxonomy | None = None, overrides: Overrides = NO_OVERRIDES) -> Archive:
    """Read every dump of a folder into the archive."""
    dumps = read_dumps(dumps_dir)
    return build_archive(dumps, taxonomy, overrides, read_permalinks(dumps_dir), read_records(dumps_dir))
