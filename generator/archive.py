"""From dumps to the archive: read, deduplicate, date, slug and tag every paper.

What depends on one listing alone (its title's deduplication key and slug, and the
candidate tags its title and abstract score) is worked out dump by dump, by the process that
reads the dump: for a large archive, processes in parallel (see :func:`read_listings`).
Merging listings into papers, settling slugs that collide and choosing tags need every
listing, and come after.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

from . import collector, slugs
from .dedupe import Merged, merge, title_key
from .dumps import read_dumps_with
from .matching import Matcher, score_paper
from .model import Dump, Notice, Paper
from .permalinks import read_permalinks
from .records import Record, read_records
from .tagging import candidates, choose_tags, spelled
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


@dataclass(frozen=True)
class Facts:
    """What the archive needs of each listing of one dump that depends on the listing alone,
    in the order of its entries."""

    keys: tuple[str, ...]  # title_key of the title
    slugs: tuple[str, ...]  # slug_of the title
    # With a taxonomy (without one, empty): the tagging.candidates of the listing's title and
    # abstract, scored by the taxonomy's Matcher (matching.score_paper).
    candidates: tuple[tuple[int, ...], ...]


def listing_facts(dump: Dump, matcher: Matcher | None) -> Facts:
    """The :class:`Facts` of a dump's listings (pure), with a taxonomy's matcher or without."""
    titles = [entry.title for entry in dump.entries]
    keys, plain = tuple(map(title_key, titles)), tuple(map(slugs.slug_of, titles))
    if matcher is None:
        return Facts(keys, plain, ())
    taxonomy = matcher.taxonomy
    ranked = tuple(candidates(score_paper(entry.title, entry.abstract, matcher), taxonomy) for entry in dump.entries)
    return Facts(keys, plain, ranked)


def build_archive(
    dumps: Sequence[Dump],
    taxonomy: Taxonomy | None = None,
    overrides: Overrides = NO_OVERRIDES,
    facts: Sequence[Facts] | None = None,
    permalinks: Mapping[str, str] | None = None,
    records: Mapping[str, Record] | None = None,
) -> Archive:
    """The deduplicated, tagged archive of parsed dumps (pure). Without a taxonomy, no tags.

    `facts`: each dump's :func:`listing_facts` with the same taxonomy, if they are known
    already (:func:`read_listings`); otherwise they are worked out here. `permalinks`: the
    slugs recorded for papers (generator.permalinks), by key; `records`: what the Hub knows of
    them (generator.records), by key."""
    with collector.paused():
        if facts is None:
            matcher = Matcher.build(taxonomy) if taxonomy is not None else None
            facts = [listing_facts(dump, matcher) for dump in dumps]
        return _build(dumps, taxonomy, overrides, facts, permalinks or {}, records or {})


def _build(
    dumps: Sequence[Dump],
    taxonomy: Taxonomy | None,
    overrides: Overrides,
    facts: Sequence[Facts],
    permalinks: Mapping[str, str],
    records: Mapping[str, Record],
) -> Archive:
    merged, warnings = merge(dumps, [known.keys for known in facts])
    # A paper's title is the title of one of its listings (m.title_from: dump, entry): its
    # slug is that listing's.
    slug_of_key = slugs.assign(
        ((m.key, facts[m.title_from[0]].slugs[m.title_from[1]]) for m in merged), str, permalinks
    )
    paper_slugs = [slug_of_key[m.key] for m in merged]
    tags: dict[str, tuple[str, ...]] = {}
    if taxonomy is not None:
        matcher = cache(partial(Matcher.build, taxonomy))  # built if some paper needs scoring here
        ranked = [_candidates(m, dumps, facts, matcher) for m in merged]
        chosen, _ = choose_tags(paper_slugs, ranked, taxonomy, overrides)
        tags = spelled(chosen, [tag.label for tag in taxonomy.tags])
    papers = tuple(
        Paper(
            key=m.key,
            slug=slug,
            title=m.title,
            abstract=m.abstract,
            sources=tuple(m.sources),
            tags=tags.get(slug, ()),
            record=records.get(m.key),
        )
        for m, slug in zip(merged, paper_slugs, strict=True)
    )
    return Archive(dumps=tuple(dumps), papers=papers, merge_warnings=tuple(warnings))


def _candidates(
    merged: Merged, dumps: Sequence[Dump], facts: Sequence[Facts], matcher: Callable[[], Matcher]
) -> tuple[int, ...]:
    """A paper's candidate tags: those of the listing its title comes from when the paper's
    abstract is that listing's too (most papers: listed once, or listed again with the same
    abstract, or with none), else scored on its title and abstract with `matcher()`."""
    dump, entry = merged.title_from
    if dumps[dump].entries[entry].abstract == merged.abstract:
        return facts[dump].candidates[entry]
    found = matcher()
    return candidates(score_paper(merged.title, merged.abstract, found), found.taxonomy)


def read_listings(dumps_dir: Path, taxonomy: Taxonomy | None = None) -> tuple[list[Dump], list[Facts]]:
    """Every dump of a folder, and the facts of its listings with `taxonomy`, worked out by
    the processes that read the dumps."""
    matcher = Matcher.build(taxonomy) if taxonomy is not None else None
    read = read_dumps_with(dumps_dir, partial(listing_facts, matcher=matcher))
    return [dump for dump, _ in read], [facts for _, facts in read]


def load_archive(dumps_dir: Path, taxonomy: Taxonomy | None = None, overrides: Overrides = NO_OVERRIDES) -> Archive:
    """Read every dump of a folder into the archive."""
    dumps, facts = read_listings(dumps_dir, taxonomy)
    return build_archive(dumps, taxonomy, overrides, facts, read_permalinks(dumps_dir), read_records(dumps_dir))
