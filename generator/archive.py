"""From dumps to the archive: read, deduplicate, date, slug and tag every paper."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import collector, slugs
from .dedupe import merge
from .dumps import read_dumps
from .model import Dump, Notice, Paper
from .tags import NO_OVERRIDES, Overrides, Taxonomy, assign_tags, score_papers


@dataclass(frozen=True)
class Archive:
    dumps: tuple[Dump, ...]
    papers: tuple[Paper, ...]  # in first-listed order

    @property
    def warnings(self) -> tuple[Notice, ...]:
        return tuple(notice for dump in self.dumps for notice in dump.warnings)

    @property
    def listings(self) -> int:
        return sum(len(dump.entries) for dump in self.dumps)


def build_archive(
    dumps: Sequence[Dump], taxonomy: Taxonomy | None = None, overrides: Overrides = NO_OVERRIDES
) -> Archive:
    """The deduplicated, tagged archive of parsed dumps (pure). Without a taxonomy, no tags."""
    with collector.paused():
        return _build(dumps, taxonomy, overrides)


def _build(dumps: Sequence[Dump], taxonomy: Taxonomy | None, overrides: Overrides) -> Archive:
    merged = merge(dumps)

    def assign_slugs() -> dict[str, str]:
        return slugs.assign((m.key, m.title) for m in merged)

    tags: dict[str, tuple[str, ...]] = {}
    if taxonomy is None:
        slug_of_key = assign_slugs()
    else:  # slugs are made here while other processes start scoring the papers
        scores, made = score_papers([(m.title, m.abstract) for m in merged], taxonomy, assign_slugs)
        slug_of_key = made if made is not None else assign_slugs()
        triples = [(slug_of_key[m.key], m.title, m.abstract) for m in merged]
        tagging = assign_tags(triples, taxonomy, overrides, scores)
        labels = taxonomy.labels  # Taxonomy.label, looked up once
        tags = {slug: tuple(labels.get(name, name) for name in names) for slug, names in tagging.tags.items()}
    papers = tuple(
        Paper(
            key=m.key,
            slug=slug_of_key[m.key],
            title=m.title,
            abstract=m.abstract,
            sources=tuple(m.sources),
            tags=tags.get(slug_of_key[m.key], ()),
        )
        for m in merged
    )
    return Archive(dumps=tuple(dumps), papers=papers)


def load_archive(dumps_dir: Path, taxonomy: Taxonomy | None = None, overrides: Overrides = NO_OVERRIDES) -> Archive:
    """Read every dump of a folder into the archive."""
    return build_archive(read_dumps(dumps_dir), taxonomy, overrides)
