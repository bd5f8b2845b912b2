"""From dumps to the archive: read, deduplicate, date, slug and tag every paper.

What depends on one listing alone (its title's deduplication key and slug, and the tag
mentions in its title and abstract) is worked out dump by dump, by the process that reads
the dump: for a large archive, processes in parallel (see :func:`read_listings`). Merging
listings into papers, settling slugs that collide and choosing tags need every listing, and
come after.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from . import collector, slugs
from .dedupe import merge, title_key
from .dumps import read_dumps_with
from .model import Dump, Notice, Paper
from .tags import NO_OVERRIDES, Matcher, Overrides, Taxonomy, assign_tags, combine


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


@dataclass(frozen=True)
class Facts:
    """What the archive needs of each listing of one dump that depends on the listing alone,
    in the order of its entries."""

    keys: tuple[str, ...]  # title_key of the title
    slugs: tuple[str, ...]  # slug_of the title
    # Without a taxonomy, no mentions (empty tuples).
    title_mentions: tuple[Mapping[int, int], ...]  # Matcher.mentions of the title
    abstract_mentions: tuple[Mapping[int, int], ...]  # ... of the abstract (empty: none)


def listing_facts(dump: Dump, matcher: Matcher | None) -> Facts:
    """The :class:`Facts` of a dump's listings (pure), with a taxonomy's matcher or without."""
    titles = [entry.title for entry in dump.entries]
    if matcher is None:
        mentions: tuple[tuple[Mapping[int, int], ...], tuple[Mapping[int, int], ...]] = ((), ())
    else:
        find = matcher.mentions
        mentions = (
            tuple(map(find, titles)),
            tuple(find(entry.abstract) if entry.abstract else {} for entry in dump.entries),
        )
    return Facts(tuple(map(title_key, titles)), tuple(map(slugs.slug_of, titles)), *mentions)


def build_archive(
    dumps: Sequence[Dump],
    taxonomy: Taxonomy | None = None,
    overrides: Overrides = NO_OVERRIDES,
    facts: Sequence[Facts] | None = None,
) -> Archive:
    """The deduplicated, tagged archive of parsed dumps (pure). Without a taxonomy, no tags.

    `facts`: each dump's :func:`listing_facts` with the same taxonomy, if they are known
    already (:func:`read_listings`); otherwise they are worked out here."""
    with collector.paused():
        if facts is None:
            matcher = Matcher.build(taxonomy) if taxonomy is not None else None
            facts = [listing_facts(dump, matcher) for dump in dumps]
        return _build(dumps, taxonomy, overrides, facts)


def _build(dumps: Sequence[Dump], taxonomy: Taxonomy | None, overrides: Overrides, facts: Sequence[Facts]) -> Archive:
    # The facts by text: a paper's title is one of its listings' titles, and its abstract one
    # of their abstracts.
    key_of: dict[str, str] = {}
    slug_for: dict[str, str] = {}
    in_title: dict[str, Mapping[int, int]] = {}
    in_abstract: dict[str, Mapping[int, int]] = {}
    for dump, known in zip(dumps, facts, strict=True):
        titles = [entry.title for entry in dump.entries]
        key_of.update(zip(titles, known.keys, strict=True))
        slug_for.update(zip(titles, known.slugs, strict=True))
        if taxonomy is not None:
            in_title.update(zip(titles, known.title_mentions, strict=True))
            abstracts = [entry.abstract or "" for entry in dump.entries]
            in_abstract.update(zip(abstracts, known.abstract_mentions, strict=True))

    merged = merge(dumps, key_of.__getitem__)
    slug_of_key = slugs.assign(((m.key, m.title) for m in merged), slug_for.__getitem__)
    tags: dict[str, tuple[str, ...]] = {}
    if taxonomy is not None:
        weight = taxonomy.title_weight
        scores = [combine(in_title[m.title], in_abstract[m.abstract or ""], weight) for m in merged]
        triples = [(slug_of_key[m.key], m.title, m.abstract) for m in merged]
        tagging = assign_tags(triples, taxonomy, overrides, scores)
        labels = taxonomy.labels  # Taxonomy.label, looked up once
        labelled: dict[tuple[str, ...], tuple[str, ...]] = {}  # the same tags make the same tuple, once
        for slug, names in tagging.tags.items():
            if names not in labelled:
                labelled[names] = tuple(labels.get(name, name) for name in names)
            tags[slug] = labelled[names]
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


def read_listings(dumps_dir: Path, taxonomy: Taxonomy | None = None) -> tuple[list[Dump], list[Facts]]:
    """Every dump of a folder, and the facts of its listings with `taxonomy`, worked out by
    the processes that read the dumps."""
    matcher = Matcher.build(taxonomy) if taxonomy is not None else None
    read = read_dumps_with(dumps_dir, partial(listing_facts, matcher=matcher))
    return [dump for dump, _ in read], [facts for _, facts in read]


def load_archive(dumps_dir: Path, taxonomy: Taxonomy | None = None, overrides: Overrides = NO_OVERRIDES) -> Archive:
    """Read every dump of a folder into the archive."""
    dumps, facts = read_listings(dumps_dir, taxonomy)
    return build_archive(dumps, taxonomy, overrides, facts)
