"""Deduplicate papers across dumps: one paper per normalized title."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from .model import Dump, Source


def title_key(title: str) -> str:
    """The identity of a title: Unicode-normalized (NFKC), case-folded, with
    punctuation and spacing differences removed ("MMRL++: A-B" == "mmrl a b")."""
    text = _NOT_ALNUM.sub(" ", unicodedata.normalize("NFKC", title).casefold())
    return " ".join(text.split())


_NOT_ALNUM = re.compile(r"[\W_]+")  # \w is str.isalnum() plus "_"


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


def merge(dumps: Sequence[Dump], keys: Sequence[Sequence[str]] | None = None) -> list[Merged]:
    """Gather every listing of every dump into one Merged record per paper.

    The result is ordered by first listing (date, dump name, line), so it is the
    same whatever order the dumps arrive in. A paper's title is the one of its
    first listing. `keys`: the :func:`title_key` of each dump's titles, if they are
    known already.
    """
    if keys is None:
        keys = [[title_key(entry.title) for entry in dump.entries] for dump in dumps]
    by_key: dict[str, Merged] = {}
    for number, (dump, dump_keys) in enumerate(zip(dumps, keys, strict=True)):
        for index, (entry, key) in enumerate(zip(dump.entries, dump_keys, strict=True)):
            merged = by_key.get(key)
            source = Source(dump.name, entry.line, entry.listed)
            if merged is None:
                merged = by_key[key] = Merged(key, entry.title, source, (number, index))
            elif _source_order(source) < _source_order(merged.first):
                merged.title, merged.first, merged.title_from = entry.title, source, (number, index)
            merged.sources.append(source)
            merged.abstract = better_abstract(merged.abstract, entry.abstract)
    for merged in by_key.values():
        if len(merged.sources) > 1:  # most papers are listed once
            merged.sources.sort(key=_source_order)
    papers = sorted(by_key.values(), key=lambda m: (_source_order(m.sources[0]), m.key))
    return papers


def _source_order(source: Source) -> tuple[object, ...]:
    return (source.listed, source.dump, source.line)
