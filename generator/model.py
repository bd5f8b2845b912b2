"""The archive's data model: frozen dataclasses, no behaviour beyond derived values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .records import Record


@dataclass(frozen=True)
class Entry:
    """One paper as listed in one dump: what the parser produces."""

    title: str
    abstract: str | None
    line: int  # line of the title in the dump (1-based)
    listed: date  # the day the paper was listed


@dataclass(frozen=True)
class Notice:
    """A warning about the input: kept, but worth the maintainer's attention."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: warning: {self.message}"


@dataclass(frozen=True)
class Dump:
    """One parsed dump file."""

    name: str  # file name, e.g. "2026-11-22-trending.txt"
    date: date  # the date in the file name
    entries: tuple[Entry, ...]
    warnings: tuple[Notice, ...] = ()


@dataclass(frozen=True)
class Source:
    """Where and when a paper was listed."""

    dump: str
    line: int
    listed: date


@dataclass(frozen=True)
class Paper:
    """A deduplicated paper of the archive."""

    key: str  # normalized title: the identity used for deduplication
    slug: str
    title: str
    abstract: str | None
    sources: tuple[Source, ...]  # sorted by (listed, dump, line)
    tags: tuple[str, ...] = field(default=())  # the labels of its tags, strongest first
    # Its tags when the taxonomy's rules gave it none and they were inferred (generator.tagging):
    # the same labels as `tags`, and from what ("keywords" or "similar papers").
    inferred: tuple[str, ...] = field(default=())
    inferred_from: str = ""
    record: Record | None = None  # what the Hugging Face Hub knows of it (generator.records)
    # Derived from the sources when the paper is made (pages, feeds and the API ask for them
    # many times); left out of equality and repr, as they follow from the sources.
    listed: date = field(init=False, repr=False, compare=False)  # the day it was first listed
    dates: tuple[date, ...] = field(init=False, repr=False, compare=False)  # every day it was listed, oldest first

    def __post_init__(self) -> None:
        first = self.sources[0].listed
        if len(self.sources) == 1:  # most papers
            days: tuple[date, ...] = (first,)
        else:
            days = tuple(sorted({source.listed for source in self.sources}))
        object.__setattr__(self, "listed", first)
        object.__setattr__(self, "dates", days)


#: A paper's first listing day (Paper.listed), as a sort key.
first_listed = attrgetter("listed")
