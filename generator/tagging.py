"""Tagging papers: each paper's candidate tags, the tags it keeps (overrides, the
``max_tags`` cap, ``min_papers``), and the plain-text tag report.

A tag is a candidate for a paper when its score (generator.matching) reaches the
threshold; a paper keeps its ``max_tags`` strongest candidates; and a tag is published
(kept on papers at all) only when at least ``min_papers`` papers carry it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain

from generator.errors import ConfigError
from generator.matching import score_papers
from generator.taxonomy import NO_OVERRIDES, Override, Overrides, Taxonomy


@dataclass(frozen=True)
class Tagging:
    """The outcome of tagging a collection of papers."""

    tags: dict[str, tuple[str, ...]]  # slug -> published tags, strongest first
    unpublished: dict[str, int]  # tag -> papers it would have had (< min_papers)
    raw_scores: Mapping[str, Mapping[int, int]] = field(repr=False)  # slug -> tag index -> score
    tag_keys: tuple[str, ...] = field(repr=False)  # tag index -> key

    @cached_property
    def scores(self) -> dict[str, dict[str, int]]:
        """Slug -> tag key -> score, tags in taxonomy order (made when asked for)."""
        keys = self.tag_keys
        return {slug: {keys[n]: s for n, s in sorted(raw.items())} for slug, raw in self.raw_scores.items()}


def _check_overrides(overrides: Overrides, taxonomy: Taxonomy, slugs: Iterable[str]) -> dict[str, Override]:
    known = set(slugs)
    keys = {tag.key for tag in taxonomy.tags}
    by_slug: dict[str, Override] = {}
    for entry in overrides.entries:
        what = f"override for {entry.slug!r}"
        if entry.slug not in known:
            raise ConfigError(overrides.path, f"{what}: no paper has this slug", entry.line)
        for tag in (*entry.add, *entry.remove):
            if tag not in keys:
                raise ConfigError(overrides.path, f"{what}: unknown tag {tag!r}", entry.line)
        if len(entry.add) > taxonomy.max_tags:
            raise ConfigError(
                overrides.path,
                f"{what}: adds {len(entry.add)} tags, more than max_tags ({taxonomy.max_tags})",
                entry.line,
            )
        by_slug[entry.slug] = entry
    return by_slug


def candidates(scores: Mapping[int, int], taxonomy: Taxonomy) -> tuple[int, ...]:
    """The tags (indexes) a paper's scores make candidates for it: those whose score reaches
    their threshold, strongest first (ties in taxonomy order)."""
    thresholds = taxonomy.thresholds
    return tuple([number for _, number in sorted([(-s, n) for n, s in scores.items() if s >= thresholds[n]])])


def assign_tags(
    papers: Sequence[tuple[str, str, str | None]],
    taxonomy: Taxonomy,
    overrides: Overrides = NO_OVERRIDES,
    scores: Sequence[Mapping[int, int]] | None = None,
) -> Tagging:
    """Tag (slug, title, abstract) triples; see :func:`tag_papers` for the rules.

    `scores`: the papers' scores from :func:`score_papers`, if they are known already."""
    slugs = [slug for slug, _, _ in papers]
    if scores is None:
        scores = score_papers([(title, abstract) for _, title, abstract in papers], taxonomy)
    ranked = [candidates(raw, taxonomy) for raw in scores]
    chosen, unpublished = choose_tags(slugs, ranked, taxonomy, overrides)
    tag_keys = tuple(tag.key for tag in taxonomy.tags)
    return Tagging(
        tags=spelled(chosen, tag_keys),
        unpublished=unpublished,
        raw_scores=dict(zip(slugs, scores, strict=True)),
        tag_keys=tag_keys,
    )


def spelled(chosen: Mapping[str, tuple[int, ...]], words: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Each paper's tags of :func:`choose_tags` (indexes) as ``words[index]`` (the tags' keys
    or labels); papers with the same tags share one tuple."""
    made: dict[tuple[int, ...], tuple[str, ...]] = {}
    spelt: dict[str, tuple[str, ...]] = {}
    for slug, numbers in chosen.items():
        found = made.get(numbers)
        if found is None:
            found = made[numbers] = tuple(words[number] for number in numbers)
        spelt[slug] = found
    return spelt


def choose_tags(
    slugs: Sequence[str],
    ranked: Sequence[tuple[int, ...]],
    taxonomy: Taxonomy,
    overrides: Overrides = NO_OVERRIDES,
) -> tuple[dict[str, tuple[int, ...]], dict[str, int]]:
    """The published tags (indexes, strongest first) of each paper given its :func:`candidates`,
    and the tags left unpublished with the papers they would have had; see :func:`tag_papers`."""
    by_slug = _check_overrides(overrides, taxonomy, slugs)
    order = {tag.key: number for number, tag in enumerate(taxonomy.tags)}
    ranks = dict(zip(slugs, ranked, strict=True))
    for slug, entry in by_slug.items():  # added by hand first, removed by hand gone
        added = sorted(order[key] for key in entry.add)
        gone = {order[key] for key in (*entry.add, *entry.remove)}
        ranks[slug] = (*added, *[number for number in ranks[slug] if number not in gone])

    # Keep each paper's max_tags strongest published candidates. While some tag has fewer
    # than min_papers papers, unpublish (drop from every paper) the tags that could not
    # reach min_papers even without the cap, or else the single tag with the fewest
    # papers (the later in the taxonomy on a tie), and repeat: a dropped tag frees its
    # slots, which can lift another tag over min_papers.
    minimum, cap = taxonomy.min_papers, taxonomy.max_tags
    published = set(range(len(taxonomy.tags)))
    unpublished: dict[int, int] = {}
    chosen = {slug: numbers[:cap] for slug, numbers in ranks.items()}
    reach = Counter(chain.from_iterable(ranks.values()))  # papers each tag could have without the cap
    while True:
        counts = Counter(chain.from_iterable(chosen.values()))
        short = [number for number in published if counts[number] < minimum]
        if not short:
            break
        drop = {number for number in short if reach[number] < minimum}
        if not drop:
            drop = {min(short, key=lambda number: (counts[number], -number))}
        for number in drop:
            unpublished[number] = counts[number]
        published -= drop
        # Only the papers that carried a dropped tag change: the others keep their first
        # `cap` published candidates.
        for slug, numbers in chosen.items():
            if not drop.isdisjoint(numbers):
                chosen[slug] = tuple([number for number in ranks[slug] if number in published][:cap])
    keys = [tag.key for tag in taxonomy.tags]
    return chosen, {keys[number]: unpublished[number] for number in sorted(unpublished)}


def tag_papers(
    papers: Sequence[tuple[str, str, str | None]],
    taxonomy: Taxonomy,
    overrides: Overrides = NO_OVERRIDES,
) -> dict[str, tuple[str, ...]]:
    """Slug -> published tags of each (slug, title, abstract), strongest first.

    A tag is a candidate for a paper when its score reaches the threshold; an override
    adds tags (ranked first) or removes them; a paper keeps its ``max_tags`` strongest
    candidates; a tag carried by fewer than ``min_papers`` papers is dropped from every
    paper. Raises ConfigError for an override naming an unknown slug or tag.
    """
    return assign_tags(papers, taxonomy, overrides).tags


# --------------------------------------------------------------------------- report


def tag_report(
    tags_by_slug: Mapping[str, tuple[str, ...]],
    titles: Mapping[str, str],
    taxonomy: Taxonomy,
    unpublished: Mapping[str, int] | None = None,
) -> str:
    """A plain-text report: every tag with its paper count, then the untagged papers.

    ``unpublished`` is :attr:`Tagging.unpublished` (tags dropped for having fewer than
    ``min_papers`` papers, with the count they would have had); a taxonomy tag that is
    neither published nor in it matched no paper.
    """
    dropped = dict(unpublished or {})
    counts = Counter(tag for tags in tags_by_slug.values() for tag in tags)
    total = len(tags_by_slug)
    untagged = sorted(slug for slug, tags in tags_by_slug.items() if not tags)
    tagged = total - len(untagged)
    share = f"{100 * tagged / total:.1f}%" if total else "n/a"
    most = max((len(tags) for tags in tags_by_slug.values()), default=0)
    width = max([len(t.key) for t in taxonomy.tags] + [len(t) for t in counts] + [3])

    lines = [
        (f"{total} papers: {tagged} tagged ({share}), {len(untagged)} untagged, at most {most} tags on a paper."),
        "",
        f"Published tags ({len(counts)}), papers per tag:",
    ]
    for tag, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        lines.append(f"  {count:5d}  {tag:<{width}}  {taxonomy.label(tag)}")
    silent = {t.key: dropped.get(t.key, 0) for t in taxonomy.tags if t.key not in counts}
    lines += [
        "",
        f"Not published, fewer than {taxonomy.min_papers} papers ({len(silent)}):",
    ]
    for tag, count in sorted(silent.items(), key=lambda item: (-item[1], item[0])):
        lines.append(f"  {count:5d}  {tag:<{width}}  {taxonomy.label(tag)}")
    lines += ["", f"Untagged papers ({len(untagged)}):"]
    for slug in untagged:
        lines.append(f"  {slug}  {titles.get(slug, '')}".rstrip())
    return "\n".join(lines) + "\n"
