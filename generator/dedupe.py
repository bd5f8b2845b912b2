"""Deduplicate papers across dumps: one paper per normalized title."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from datetime import date

from .model import Dump, Entry, Notice, Source


def title_key(title: str) -> str:
    """The identity of a title: Unicode-normalized (NFKC), case-folded, with
    punctuation and spacing differences removed ("MMRL++: A-B" == "mmrl a b").

    A title with no letter or digit at all keeps its symbols ("???" is not "!!!")."""
    folded = unicodedata.normalize("NFKC", title).casefold()
    text = _NOT_ALNUM.sub(" ", folded)
    return " ".join(text.split()) or " ".join("".join(c for c in folded if c.isprintable()).split())


_NOT_ALNUM = re.compile(r"[\W_]+")  # \w is str.isalnum() plus "_"

#: two abstracts agree when this share of the shorter one's words is in the other: the same
#: abstract copied twice, cut short or lightly revised; two papers' abstracts share far fewer
AGREEING_WORDS = 0.75


def abstracts_agree(a: str | None, b: str | None) -> bool:
    """Whether two abstracts can be the same paper's (a missing one agrees with any)."""
    if a is None or b is None or a == b:
        return True
    words_a, words_b = set(title_key(a).split()), set(title_key(b).split())
    shorter = min(len(words_a), len(words_b))
    return shorter == 0 or len(words_a & words_b) >= AGREEING_WORDS * shorter


def better_abstract(current: str | None, candidate: str | None) -> str | None:
    """The more complete of two abstracts: present beats missing, longer beats
    shorter, and for equal lengths the smaller string wins (so the choice never
    depends on the order the dumps are read in)."""
    if candidate is None:
        return current
    if current is None:
        return candidate
    return min(current, candidate, key=lambda text: (-len(text.strip()), text))


class Merged:
    """A paper being gathered from its listings (mutable, internal to dedupe)."""

    __slots__ = ("abstract", "first", "key", "sources", "title", "title_from")

    def __init__(self, key: str, title: str, first: Source, at: tuple[int, int]) -> None:
        self.key = key
        self.title = title  # as written in the first listing
        self.first = first
        self.abstract: str | None = None
        self.sources: list[Source] = []
        self.title_from = at  # the listing the title comes from: (dump, entry) indexes


def merge(dumps: Sequence[Dump], keys: Sequence[Sequence[str]] | None = None) -> tuple[list[Merged], list[Notice]]:
    """Gather every listing of every dump into one Merged record per paper, and the warnings.

    Two listings are one paper when their titles have the same :func:`title_key` and their
    abstracts agree (:func:`abstracts_agree`): "C++ Is All You Need" and "C# Is All You Need"
    with different abstracts stay two papers, with a warning. The first such paper of a
    title keeps the title's key; the next ones get :func:`variant_key`.

    The result is ordered by first listing (date, dump name, line), so it is the
    same whatever order the dumps arrive in. A paper's title is the one of its
    first listing. `keys`: the :func:`title_key` of each dump's titles, if they are
    known already.
    """
    if keys is None:
        keys = [[title_key(entry.title) for entry in dump.entries] for dump in dumps]
    by_key: dict[str, Merged] = {}
    variants: dict[str, list[Merged]] = {}  # key -> the other papers with that title key
    warnings: list[Notice] = []
    listings = (
        (_source_order(Source(dump.name, entry.line, entry.listed)), number, index, entry, key)
        for number, (dump, dump_keys) in enumerate(zip(dumps, keys, strict=True))
        for index, (entry, key) in enumerate(zip(dump.entries, dump_keys, strict=True))
    )
    for (listed, name, line), number, index, entry, key in sorted(listings, key=lambda item: item[0]):
        source = Source(name, line, listed)
        merged = by_key.get(key)
        if merged is None:
            merged = by_key[key] = Merged(key, entry.title, source, (number, index))
        elif not abstracts_agree(merged.abstract, entry.abstract):
            merged = _variant(merged, variants.setdefault(key, []), entry, source, (number, index), warnings)
        merged.sources.append(source)
        merged.abstract = better_abstract(merged.abstract, entry.abstract)
    papers = [*by_key.values(), *(m for found in variants.values() for m in found)]
    papers.sort(key=lambda m: (_source_order(m.sources[0]), m.key))
    return papers, warnings


def _variant(
    first: Merged, others: list[Merged], entry: Entry, source: Source, at: tuple[int, int], warnings: list[Notice]
) -> Merged:
    """The paper a listing belongs to among the papers of its title key, made if need be."""
    for merged in others:
        if abstracts_agree(merged.abstract, entry.abstract):
            return merged
    merged = Merged(variant_key(first.key, entry), entry.title, source, at)
    others.append(merged)
    warnings.append(
        Notice(
            source.dump,
            source.line,
            f"the title {entry.title!r} was listed before ({first.first.dump}:{first.first.line}) with an "
            "abstract that does not agree with this one: kept as two papers",
        )
    )
    return merged


def variant_key(key: str, entry: Entry) -> str:
    """The key of a paper whose title key an earlier, different paper has: the key, then a
    digest of its exact title (spaces and case aside) and abstract."""
    exact = " ".join(unicodedata.normalize("NFKC", entry.title).casefold().split())
    digest = hashlib.sha256(f"{exact}\n{entry.abstract or ''}".encode()).hexdigest()[:8]
    return f"{key} #{digest}"


def _source_order(source: Source) -> tuple[date, str, int]:
    return (source.listed, source.dump, source.line)
