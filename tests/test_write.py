"""Writing docs/: only changed files, nothing outside the generator's folders, nothing half-done."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.errors import ArchiveError
from generator.write import write_site


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    (docs / "stylesheets").mkdir(parents=True)
    (docs / "about.md").write_text("# About\n")
    (docs / "stylesheets" / "archive.css").write_text("body {}\n")
    write_site(docs, [("index.md", "home"), ("papers/a.md", "A"), ("papers/b.md", "B"), ("feeds/all.xml", b"<feed/>")])
    return docs


def test_only_changed_files_are_written_and_stale_ones_deleted(docs: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in docs.rglob("*.md")}
    report = write_site(docs, [("index.md", "home"), ("papers/a.md", "A2"), ("feeds/all.xml", b"<feed/>")])
    assert (report.written, report.unchanged, report.deleted) == (1, 2, 1)
    assert (docs / "index.md").stat().st_mtime_ns == before[docs / "index.md"]
    assert tree(docs) == {
        "about.md": b"# About\n",
        "feeds/all.xml": b"<feed/>",
        "index.md": b"home",
        "papers/a.md": b"A2",
        "stylesheets/archive.css": b"body {}\n",
    }


def test_an_error_while_producing_files_leaves_docs_as_it_was(docs: Path) -> None:
    before = tree(docs)

    def files() -> Iterator[tuple[str, str]]:
        yield "papers/a.md", "changed"
        yield "papers/c.md", "new"
        raise RuntimeError("rendering failed")

    with pytest.raises(RuntimeError):
        write_site(docs, files())
    assert tree(docs) == before  # no temporary file left behind either


@pytest.mark.parametrize("path", ["about.md", "stylesheets/x.css", "papers/../about.md", "../x.md", "papers"])
def test_paths_outside_the_generated_folders_are_refused(docs: Path, path: str) -> None:
    before = tree(docs)
    with pytest.raises(ArchiveError, match="refusing to write"):
        write_site(docs, [("index.md", "new home"), (path, "x")])
    assert tree(docs) == before
