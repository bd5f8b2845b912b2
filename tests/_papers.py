"""Test helper: Paper objects from the shared dumps, and small synthetic papers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from generator.model import Paper, Source

_ROOT = Path(__file__).resolve().parents[1]


def shared_papers(workdir: Path | None = None) -> tuple[Paper, ...]:
    """The papers of the project's dumps (the filed copies of the shared dumps)."""
    from generator.archive import load_archive

    return load_archive(_ROOT / "dumps").papers


def paper(
    slug: str,
    title: str | None = None,
    abstract: str | None = "",
    listed: tuple[date, ...] = (date(2026, 5, 30),),
    tags: tuple[str, ...] = (),
) -> Paper:
    """A paper listed on the given days (first one first)."""
    sources = tuple(
        Source(dump=f"{day.isoformat()}-trending.txt", line=3 + 2 * index, listed=day)
        for index, day in enumerate(sorted(listed))
    )
    return Paper(
        key=slug.replace("-", " "),
        slug=slug,
        title=title if title is not None else slug.replace("-", " ").title(),
        abstract=abstract if abstract != "" else f"An abstract about {slug.replace('-', ' ')}.",
        sources=sources,
        tags=tags,
    )
