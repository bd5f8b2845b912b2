"""The project's real dumps (filed copies of ../shared/dumps): they are all in dumps/ and
unchanged, whatever was filed beside them since; their titles are titles, their abstracts are
abstracts, and their paper count matches a count made here independently of the generator."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from generator.archive import load_archive
from tests.conftest import SHARED_DUMP_FILES
from tests.sitebuild import ROOT

FILED = ROOT / "dumps"
#: where the shared dumps come from: ../shared beside the repository (a developer's machine and
#: CI have it), the same content under other names
SOURCE = ROOT.parent / "shared" / "dumps"
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
def archive(shared_dumps: Path):  # type: ignore[no-untyped-def]
    """The archive of the shared dumps alone (tests/conftest.py copies them to a folder)."""
    return load_archive(shared_dumps)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_project_holds_the_shared_dumps_unchanged() -> None:
    assert len(SHARED_DUMP_FILES) == 3
    for name, digest in SHARED_DUMP_FILES.items():
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}-[a-z0-9-]+\.txt", name)
        assert (FILED / name).is_file(), f"dumps/{name}: a shared dump is missing"
        assert sha256(FILED / name) == digest, f"dumps/{name}: a shared dump was changed"


def test_every_dump_of_shared_is_filed() -> None:
    if not SOURCE.is_dir():
        pytest.skip(f"no ../shared/dumps beside the repository ({SOURCE}) to compare dumps/ with")
    sources = sorted(SOURCE.glob("*.txt"))
    filed = {sha256(path) for path in FILED.glob("*.txt")}
    assert sources and [path.name for path in sources if sha256(path) not in filed] == []
    assert {sha256(path) for path in sources} >= set(SHARED_DUMP_FILES.values())


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


def test_entries_match_an_independent_reading(archive, shared_dumps: Path) -> None:  # type: ignore[no-untyped-def]
    for dump in archive.dumps:
        expected = independent_entries(shared_dumps / dump.name)
        assert [(e.title, e.abstract) for e in dump.entries] == expected


def test_distinct_papers_match_an_independent_count(archive, shared_dumps: Path) -> None:  # type: ignore[no-untyped-def]
    def normal(title: str) -> str:
        return " ".join(re.sub(r"[^\w]+", " ", title.lower()).split())

    distinct = {normal(title) for path in shared_dumps.glob("*.txt") for title, _ in independent_entries(path)}
    assert len(archive.papers) == len(distinct)
    assert sum(len(p.sources) for p in archive.papers) == sum(
        len(independent_entries(p)) for p in shared_dumps.glob("*.txt")
    )
    assert len({p.slug for p in archive.papers}) == len(archive.papers)
