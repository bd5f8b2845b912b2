"""From dumps to the archive: read, deduplicate, date, slug and tag every paper."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import slugs
from .dedupe import merge
from .dumps import read_dumps
from .model import Dump, Notice, Paper


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


def build_archive(dumps: Sequence[Dump]) -> Archive:
    """The deduplicated archive of parsed dumps (pure)."""
    merged = merge(dumps)
    slug_of_key = slugs.assign((m.key, m.title) for m in merged)
    papers = tuple(
        Paper(
            key=m.key,
            slug=slug_of_key[m.key],
            title=m.title,
            abstract=m.abstract,
            sources=tuple(m.sources),
        )
        for m in merged
    )
    return Archive(dumps=tuple(dumps), papers=papers)


def load_archive(dumps_dir: Path) -> Archive:
    """Read every dump of a folder into the archive."""
    return build_archive(read_dumps(dumps_dir))
