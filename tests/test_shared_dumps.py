"""The project's real dumps (filed copies of ../shared/dumps): titles are titles, abstracts are
abstracts, and the paper count matches a count made here independently of the generator."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.archive import load_archive
from tests.sitebuild import ROOT

DUMPS = ROOT / "dumps"
HEADER = {
    "new",
    "Get trending papers in your email inbox once a day!",
    "Get trending papers in your email inbox!",
    "Subscribe",
    "byAK and the research community",
}
DAY = re.compile(r"[A-Z][a-z]{2} \d{1,2}(, \d{4})?")


def independent_entries(path: Path) -> list[tuple[str, str]]:
    """Titles and abstracts by the simplest reading of a clean dump: drop header and day lines,
    unglue "Subscribe", then pair lines two by two."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8-sig").splitlines()]
    lines = [
        line.removeprefix("Subscribe") for line in lines if line and line not in HEADER and not DAY.fullmatch(line)
    ]
    assert len(lines) % 2 == 0, path
    return list(zip(lines[::2], lines[1::2], strict=True))


@pytest.fixture(scope="module")
def archive():  # type: ignore[no-untyped-def]
    return load_archive(DUMPS)


def test_the_project_holds_the_three_shared_dumps() -> None:
    names = sorted(p.name for p in DUMPS.glob("*.txt"))
    assert len(names) == 3
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}-[a-z0-9-]+\.txt", n) for n in names)


def test_every_title_is_a_title_and_every_abstract_an_abstract(archive) -> None:  # type: ignore[no-untyped-def]
    assert archive.warnings == ()
    for dump in archive.dumps:
        for entry in dump.entries:
            title, abstract = entry.title, entry.abstract
            assert abstract is not None
            # a title is one short phrase; an abstract is prose several sentences long
            assert len(title) < 150 and not title.endswith(".") and "http" not in title
            assert not title.startswith(("Subscribe", "Get trending", "byAK"))
            assert len(abstract) > 3 * len(title) and len(abstract) > 400
            assert len(re.findall(r"[.!?](\s|$)", abstract)) >= 2
            assert abstract[0].isupper() or abstract[0].isdigit()


def test_entries_match_an_independent_reading(archive) -> None:  # type: ignore[no-untyped-def]
    for dump in archive.dumps:
        expected = independent_entries(DUMPS / dump.name)
        assert [(e.title, e.abstract) for e in dump.entries] == expected


def test_distinct_papers_match_an_independent_count(archive) -> None:  # type: ignore[no-untyped-def]
    def normal(title: str) -> str:
        return " ".join(re.sub(r"[^\w]+", " ", title.lower()).split())

    distinct = {normal(title) for path in DUMPS.glob("*.txt") for title, _ in independent_entries(path)}
    assert len(archive.papers) == len(distinct)
    assert sum(len(p.sources) for p in archive.papers) == sum(len(independent_entries(p)) for p in DUMPS.glob("*.txt"))
    assert len({p.slug for p in archive.papers}) == len(archive.papers)
