"""Tagging papers: each paper's candidate tags, the tags it keeps (overrides, the
``max_tags`` cap, ``min_papers``), and the plain-text tag report.

A tag is a candidate for a paper when its score (generator.matching) reaches the
threshold; a paper keeps its ``max_tags`` strongest candidates; and a tag is published
(kept on papers at all) only when at least ``min_papers`` papers carry it.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import chain

from generator import urls
from generator.errors import ArchiveError, ConfigError
from generator.matching import Matcher, score_paper, score_papers
from generator.model import Paper
from generator.related import pair_scores, related_papers, text_digest
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


#: each paper's candidate tags as the last build found them, among the generated files (a dot
#: file: not part of the site), so that a build scores only the papers whose text is new
CANDIDATES_PATH = f"{urls.PAPERS}/.tag-candidates.tsv"


def rules_digest(taxonomy: Taxonomy, code: str) -> str:
    """A digest of all a paper's candidate tags depend on but its text: the tags' rules and
    thresholds, the title's weight, and `code` (the generator's, generator.build.code_digest)."""
    rules = [(tag.terms, tag.exclude, [(rx.pattern, rx.flags) for rx in tag.regex]) for tag in taxonomy.tags]
    state = repr((code, rules, taxonomy.thresholds, taxonomy.title_weight)).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(state, digest_size=16).hexdigest()


def ranked_candidates(
    docs: Sequence[tuple[str, str | None]], taxonomy: Taxonomy, known: Mapping[str, tuple[int, ...]]
) -> tuple[list[tuple[int, ...]], dict[str, tuple[int, ...]]]:
    """The :func:`candidates` of each (title, abstract), taken from `known` (by the digest of
    the text: related.text_digest) when it has them, else scored; and those of all, by digest."""
    matcher: Matcher | None = None
    count = len(taxonomy.tags)
    ranked, memo = [], {}
    for title, abstract in docs:
        digest = text_digest(title, abstract)
        found = known.get(digest)
        if found is None or not all(0 <= number < count for number in found):
            matcher = matcher or Matcher.build(taxonomy)
            found = candidates(score_paper(title, abstract, matcher), taxonomy)
        ranked.append(found)
        memo[digest] = found
    return ranked, memo


def format_candidates(rules: str, memo: Mapping[str, tuple[int, ...]]) -> str:
    """The memo file: a '#rules' line (:func:`rules_digest`), then 'digest<TAB>tag,tag' lines."""
    lines = (f"{digest}\t{','.join(map(str, found))}\n" for digest, found in sorted(memo.items()))
    return f"#rules\t{rules}\n{''.join(lines)}"


def parse_candidates(text: str, rules: str) -> dict[str, tuple[int, ...]]:
    """The memo of :func:`format_candidates`; empty when made for other rules or not one."""
    lines = text.split("\n")
    if lines[0] != f"#rules\t{rules}":
        return {}
    memo = {}
    for line in lines[1:]:
        digest, tab, found = line.partition("\t")
        numbers = found.split(",") if found else []
        if not tab or not all(number.isdigit() for number in numbers):
            continue
        memo[digest] = tuple(map(int, numbers))
    return memo


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


# --------------------------------------------------------------------------- inference

#: Paper.inferred_from of tags taken from a record's keywords, and from similar papers
FROM_KEYWORDS = "keywords"
FROM_NEIGHBOURS = "similar papers"


@dataclass(frozen=True)
class Inferred:
    """A tag that a paper the rules left untagged takes from other evidence, and why."""

    key: str
    evidence: str  # FROM_KEYWORDS or FROM_NEIGHBOURS
    neighbours: tuple[tuple[str, float], ...] = ()  # (slug, similarity) of the related papers carrying it
    keywords: tuple[str, ...] = ()  # the record's keywords that mention it


def infer_tags(
    tags: Mapping[str, tuple[str, ...]],
    neighbours: Mapping[str, Sequence[tuple[str, float]]],
    keywords: Mapping[str, Sequence[str]],
    matcher: Matcher,
) -> dict[str, tuple[Inferred, ...]]:
    """The tags inferred for each paper that ``tags`` (slug -> tag keys chosen by the rules)
    leaves untagged, strongest first, at most ``max_tags``; papers with none are left out.

    Evidence, in order: the paper's record's keywords (``keywords``, slug -> keywords), each
    mention of a tag's rules in them counting as a mention in the title; else its related
    papers (``neighbours``, slug -> (slug, similarity), best first): of those with a similarity
    of ``infer_similarity`` hundredths or more, the tags most of them carry by the rules, when
    at least ``infer_from`` do (the tags they share most, not every tag two of them share).
    Only published tags (on some paper by the rules) are inferred, and inferred tags never
    count as evidence, so the result does not depend on any order.
    """
    taxonomy = matcher.taxonomy
    if taxonomy.infer_from == 0:
        return {}
    order = {tag.key: number for number, tag in enumerate(taxonomy.tags)}
    published = {key for keys in tags.values() for key in keys}
    inferred: dict[str, tuple[Inferred, ...]] = {}
    for slug in sorted(tags):
        if tags[slug]:
            continue
        found = _from_keywords(keywords.get(slug, ()), matcher, published)
        if not found:
            found = _from_neighbours(neighbours.get(slug, ()), tags, taxonomy, order)
        if found:
            inferred[slug] = found[: taxonomy.max_tags]
    return inferred


def _from_keywords(words: Sequence[str], matcher: Matcher, published: set[str]) -> tuple[Inferred, ...]:
    taxonomy = matcher.taxonomy
    hits: dict[int, int] = {}
    named: dict[int, list[str]] = {}
    for word in words:
        for number, count in matcher.mentions(word).items():
            hits[number] = hits.get(number, 0) + count
            named.setdefault(number, []).append(word)
    strongest = candidates({number: taxonomy.title_weight * count for number, count in hits.items()}, taxonomy)
    keys = [taxonomy.tags[number].key for number in strongest]
    return tuple(
        Inferred(key, FROM_KEYWORDS, keywords=tuple(named[number]))
        for number, key in zip(strongest, keys, strict=True)
        if key in published
    )


def _from_neighbours(
    near: Sequence[tuple[str, float]],
    tags: Mapping[str, tuple[str, ...]],
    taxonomy: Taxonomy,
    order: Mapping[str, int],
) -> tuple[Inferred, ...]:
    carriers: dict[str, list[tuple[str, float]]] = {}
    for other, similarity in near:
        if 100 * similarity >= taxonomy.infer_similarity:
            for key in tags.get(other, ()):
                carriers.setdefault(key, []).append((other, similarity))
    most = max(map(len, carriers.values()), default=0)
    if most < taxonomy.infer_from:
        return ()
    shared = [key for key, found in carriers.items() if len(found) == most]
    shared.sort(key=lambda key: (-sum(score for _, score in carriers[key]), order[key]))
    return tuple(Inferred(key, FROM_NEIGHBOURS, neighbours=tuple(carriers[key])) for key in shared)


def neighbours_of(
    papers: Sequence[Paper], related: Mapping[str, Sequence[str]], slugs: Iterable[str]
) -> dict[str, tuple[tuple[str, float], ...]]:
    """The related papers of each of ``slugs`` with their similarity (generator.related), best first."""
    index = {paper.slug: number for number, paper in enumerate(papers)}
    docs: dict[str, int] = {}  # slug -> its place among the documents scored
    pairs: list[tuple[str, str]] = []
    for slug in slugs:
        for other in related.get(slug, ()):
            pairs.append((slug, other))
            docs.setdefault(slug, len(docs))
            docs.setdefault(other, len(docs))
    texts = [(papers[index[slug]].title, papers[index[slug]].abstract) for slug in docs]
    scores = pair_scores(texts, [(docs[one], docs[other]) for one, other in pairs])
    near: dict[str, list[tuple[str, float]]] = {}
    for (slug, other), score in zip(pairs, scores, strict=True):
        near.setdefault(slug, []).append((other, score))
    return {slug: tuple(found) for slug, found in near.items()}


def with_inferred_tags(
    papers: Sequence[Paper], related: Mapping[str, Sequence[str]], taxonomy: Taxonomy
) -> tuple[tuple[Paper, ...], dict[str, tuple[Inferred, ...]]]:
    """The papers with the tags :func:`infer_tags` gives the untagged ones (Paper.tags and
    Paper.inferred: labels), and what was inferred (slug -> Inferred)."""
    key_of = {tag.label: tag.key for tag in taxonomy.tags}
    tags = {paper.slug: tuple(key_of[label] for label in paper.tags) for paper in papers}
    untagged = [paper.slug for paper in papers if not paper.tags]
    keywords = {
        paper.slug: paper.record.keywords
        for paper in papers
        if not paper.tags and paper.record is not None and paper.record.resolved and paper.record.keywords
    }
    inferred = infer_tags(tags, neighbours_of(papers, related, untagged), keywords, Matcher.build(taxonomy))
    labels = taxonomy.labels
    updated = tuple(
        replace(
            paper,
            tags=(found := tuple(labels[item.key] for item in inferred[paper.slug])),
            inferred=found,
            inferred_from=inferred[paper.slug][0].evidence,
        )
        if paper.slug in inferred
        else paper
        for paper in papers
    )
    return updated, inferred


# --------------------------------------------------------------------------- report


def tag_report(
    tags_by_slug: Mapping[str, tuple[str, ...]],
    titles: Mapping[str, str],
    taxonomy: Taxonomy,
    unpublished: Mapping[str, int] | None = None,
    inferred: Mapping[str, tuple[Inferred, ...]] | None = None,
) -> str:
    """A plain-text report: every tag with its paper count, then the untagged papers.

    ``unpublished`` is :attr:`Tagging.unpublished` (tags dropped for having fewer than
    ``min_papers`` papers, with the count they would have had); a taxonomy tag that is
    neither published nor in it matched no paper. ``inferred``: the tags of ``tags_by_slug``
    that :func:`infer_tags` gave, listed after the untagged papers.
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
    if inferred is not None:
        lines += ["", f"Tags inferred for papers no rule tags ({len(inferred)}; tags --explain SLUG says why):"]
        for slug, found in sorted(inferred.items()):
            lines.append(f"  {slug}  {', '.join(item.key for item in found)}  (from {found[0].evidence})")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- the tags command


@dataclass(frozen=True)
class TaggedArchive:
    """An archive's papers with their final tags, and how each came: what ``tags`` reports."""

    papers: tuple[Paper, ...]  # with their tags (labels), inferred ones too
    tagging: Tagging  # the rules' tags (keys) and scores
    inferred: dict[str, tuple[Inferred, ...]]  # slug -> the tags inferred for it
    taxonomy: Taxonomy

    def report(self) -> str:
        """:func:`tag_report` of the archive, inferred tags counted and listed."""
        key_of = {tag.label: tag.key for tag in self.taxonomy.tags}
        tags = {paper.slug: tuple(key_of[label] for label in paper.tags) for paper in self.papers}
        titles = {paper.slug: paper.title for paper in self.papers}
        return tag_report(tags, titles, self.taxonomy, self.tagging.unpublished, self.inferred)


def tagged_archive(papers: Sequence[Paper], taxonomy: Taxonomy, overrides: Overrides = NO_OVERRIDES) -> TaggedArchive:
    """Tag an archive's papers as the build does (rules, then inference), keeping the scores."""
    tagging = assign_tags([(paper.slug, paper.title, paper.abstract) for paper in papers], taxonomy, overrides)
    labels = taxonomy.labels
    ruled = [replace(paper, tags=tuple(labels[key] for key in tagging.tags[paper.slug])) for paper in papers]
    final, inferred = with_inferred_tags(ruled, related_papers(ruled), taxonomy)
    return TaggedArchive(final, tagging, inferred, taxonomy)


def explain_tags(tagged: TaggedArchive, slug: str) -> str:
    """Why the paper ``slug`` has each of its tags: the rules' terms that matched and its score
    for each candidate tag (kept or not, and why not), or the evidence of inferred tags."""
    paper = next((paper for paper in tagged.papers if paper.slug == slug), None)
    if paper is None:
        raise ArchiveError(f"no paper has the slug {slug!r} (see `python -m generator tags` for the slugs)")
    taxonomy = tagged.taxonomy
    matcher = Matcher.build(taxonomy)
    in_title = matcher.phrases(paper.title)
    in_abstract = matcher.phrases(paper.abstract) if paper.abstract else {}
    scores = tagged.tagging.raw_scores[slug]
    kept = tagged.tagging.tags[slug]
    lines = [f"{slug}: {paper.title}", f"Tags: {', '.join(paper.tags) if paper.tags else 'none'}", ""]
    lines.append(
        f"Rules (score = {taxonomy.title_weight} x mentions in the title + mentions in the abstract; "
        f"a tag needs its threshold, a paper keeps its {taxonomy.max_tags} strongest):"
    )
    ranked = candidates(scores, taxonomy)
    if not ranked:
        lines.append("  no tag reaches its threshold")
    for number in ranked:
        tag = taxonomy.tags[number]
        if tag.key in kept:
            verdict = "kept"
        elif tag.key in tagged.tagging.unpublished:
            verdict = f"not kept: the tag is not published (fewer than {taxonomy.min_papers} papers)"
        else:
            verdict = "not kept: removed by an override, or the paper has stronger tags"
        threshold = tag.threshold or taxonomy.threshold
        lines.append(f"  {tag.key} ({tag.label}): score {scores[number]}, threshold {threshold}; {verdict}")
        for where, phrases in (("title", in_title), ("abstract", in_abstract)):
            if number in phrases:
                shown = ", ".join(f'"{phrase}" x{count}' for phrase, count in sorted(phrases[number].items()))
                lines.append(f"      {where}: {shown}")
    added = [key for key in kept if key not in {taxonomy.tags[number].key for number in ranked}]
    for key in added:
        lines.append(f"  {key} ({taxonomy.label(key)}): added by an override")
    below = sorted((number for number in scores if number not in ranked), key=lambda n: (-scores[n], n))
    if below:
        shown = ", ".join(f"{taxonomy.tags[number].key} {scores[number]}" for number in below)
        lines.append(f"  below their threshold: {shown}")
    inferred = tagged.inferred.get(slug, ())
    if inferred or not kept:
        lines += ["", "Inferred (the rules gave it no tag):"]
        if not inferred:
            lines.append(
                f"  nothing: no published tag is named by its record's keywords, nor carried by "
                f"{taxonomy.infer_from} of its related papers with a similarity of at least "
                f"{taxonomy.infer_similarity / 100:.2f}"
            )
    for item in inferred:
        label = taxonomy.label(item.key)
        if item.evidence == FROM_KEYWORDS:
            lines.append(f"  {item.key} ({label}): named by the Hub's keywords {', '.join(item.keywords)}")
        else:
            near = ", ".join(f"{other} ({score:.2f})" for other, score in item.neighbours)
            lines.append(f"  {item.key} ({label}): carried by {len(item.neighbours)} similar papers: {near}")
    return "\n".join(lines) + "\n"
