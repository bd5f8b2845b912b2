"""Permalinks kept in the repository: dumps/permalinks.tsv records the slug of every paper
published, so a paper's URL never changes, whatever dumps are added later, older ones too.

A line is ``slug<TAB>paper key``, sorted by slug. `python -m generator add` records the
papers of the archive before it files a dump and those of the dump after; the build only
reads the file (slugs.assign gives recorded papers their slug and keeps those slugs from
every other paper).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .dumps import read_kept, write_kept
from .errors import InputError
from .slugs import RESERVED, is_slug

FILE_NAME = "permalinks.tsv"
HEADER = (
    "# Paper Archive permalinks: slug<TAB>paper key, one paper a line. A paper recorded here keeps\n"
    "# its URL (papers/<slug>/) forever. `python -m generator add` writes this file.\n"
)


def parse_permalinks(text: str, path: str) -> dict[str, str]:
    """The recorded slugs by paper key (pure); InputError at a line that is not a permalink."""
    recorded: dict[str, str] = {}
    slugs: set[str] = set()
    for number, line in enumerate(text.split("\n"), start=1):
        if not line or line.startswith("#"):
            continue
        slug, tab, key = line.partition("\t")
        if not tab or not is_slug(slug) or not key.strip() or "\t" in key or not key.isprintable():
            raise InputError(path, "not a permalink: expected a slug, a tab and a paper key", number)
        if slug in RESERVED:
            raise InputError(path, f"the slug {slug!r} is reserved for the site's own pages", number)
        if slug in slugs or key in recorded:
            raise InputError(path, f"a second permalink for {key!r} or {slug!r}: each must be recorded once", number)
        slugs.add(slug)
        recorded[key] = slug
    return recorded


def format_permalinks(recorded: Mapping[str, str]) -> str:
    lines = sorted(f"{slug}\t{key}\n" for key, slug in recorded.items())
    return HEADER + "".join(lines)


def read_permalinks(dumps_dir: Path) -> dict[str, str]:
    """The permalinks recorded beside the dumps (none when there is no such file)."""
    kept = read_kept(dumps_dir, FILE_NAME)
    return parse_permalinks(*kept) if kept else {}


def write_permalinks(dumps_dir: Path, recorded: Mapping[str, str]) -> None:
    """Write the permalinks file whole (through a temporary file renamed over it)."""
    write_kept(dumps_dir, FILE_NAME, format_permalinks(recorded))
