"""Writing docs/: only changed files, nothing outside the generator's folders, nothing half-done."""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.errors import ArchiveError, OutputError
from generator.write import Deferred, locked, read_manifest, write_site


def tree(folder: Path) -> dict[str, bytes]:
    """The files of a folder (the generator's own dot files left out)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".generat")
    }


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


def test_a_deferred_file_is_made_only_when_its_key_or_its_file_changed(docs: Path) -> None:
    made: list[str] = []

    def page(key: str, text: str) -> Deferred:
        return Deferred(key, lambda: made.append(text) or text)

    def build(*files: tuple[str, Deferred]) -> None:
        write_site(docs, [("index.md", "home"), *files])

    build(("papers/c.md", page("k1", "C")), ("papers/d.md", page("k2", "D")))  # a new file: made
    assert made == ["C", "D"] and (docs / "papers" / "c.md").read_text() == "C"
    assert set(read_manifest(docs)[1]) == {"papers/c.md", "papers/d.md"}
    build(("papers/c.md", page("k1", "C")), ("papers/d.md", page("k2", "D")))  # the same keys: not made
    assert made == ["C", "D"]
    build(("papers/c.md", page("k3", "C2")), ("papers/d.md", page("k2", "D")))  # a new key: made
    assert made == ["C", "D", "C2"] and (docs / "papers" / "c.md").read_text() == "C2"
    (docs / "papers" / "d.md").write_text("edited by hand")  # not what its key made: made again
    build(("papers/c.md", page("k3", "C2")), ("papers/d.md", page("k2", "D")))
    assert made == ["C", "D", "C2", "D"] and (docs / "papers" / "d.md").read_text() == "D"
    build(("papers/c.md", page("k3", "C2")), ("papers/d.md", page("k2", "D")))
    assert made == ["C", "D", "C2", "D"]
    # The manifest keeps each file's size and modification time: a file with both unchanged is
    # not read; another time, the same content (a restored cache): read, not made, stamp renewed.
    stamp = read_manifest(docs)[1]["papers/d.md"].stamp
    os.utime(docs / "papers" / "d.md", ns=(1, 1))
    build(("papers/c.md", page("k3", "C2")), ("papers/d.md", page("k2", "D")))
    assert made == ["C", "D", "C2", "D"] and read_manifest(docs)[1]["papers/d.md"].stamp not in ("", stamp)
    (docs / "papers" / "d.md").write_text("E")  # the same size, another content: made again
    build(("papers/c.md", page("k3", "C2")), ("papers/d.md", page("k2", "D")))
    assert made == ["C", "D", "C2", "D", "D"] and (docs / "papers" / "d.md").read_text() == "D"


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


# --- symlinks, manifest, killed builds, full disks, two builds at once --------------------


def files_outside(docs: Path) -> dict[str, bytes]:
    return tree(docs.parent / "outside")


@pytest.fixture
def outside(docs: Path) -> Path:
    """A folder next to docs/ that no build may touch."""
    folder = docs.parent / "outside"
    folder.mkdir()
    (folder / "keep.md").write_text("precious\n")
    (folder / "sub").mkdir()
    (folder / "sub" / "a.md").write_text("also precious\n")
    return folder


@pytest.mark.parametrize("name", ["papers", "api", "feeds", "index.md"])
def test_an_owned_path_that_is_a_symlink_is_refused(docs: Path, outside: Path, name: str) -> None:
    before = tree(outside)
    target = docs / name
    shutil.rmtree(target) if target.is_dir() else target.unlink(missing_ok=True)
    target.symlink_to(outside, target_is_directory=True)
    with pytest.raises(OutputError, match=f"{name}: is a symbolic link: the generator writes this"):
        write_site(docs, [("index.md", "home"), ("papers/a.md", "A"), ("api/x.json", "{}")])
    assert tree(outside) == before and target.is_symlink()


def test_an_owned_folder_that_is_a_file_is_refused(docs: Path) -> None:
    shutil.rmtree(docs / "feeds")
    (docs / "feeds").write_text("not a folder")
    with pytest.raises(OutputError, match="feeds: is not a plain folder"):
        write_site(docs, [("feeds/all.xml", "x")])
    assert (docs / "feeds").read_text() == "not a folder"


def test_a_symlinked_folder_inside_an_owned_one_is_never_written_through(docs: Path, outside: Path) -> None:
    before = tree(outside)
    (docs / "papers" / "sub").symlink_to(outside / "sub", target_is_directory=True)
    with pytest.raises(OutputError, match="papers/sub: is a symbolic link or a file where the generator writes"):
        write_site(docs, [("papers/a.md", "A"), ("papers/sub/a.md", "overwritten?"), ("papers/sub/new.md", "n")])
    assert tree(outside) == before
    assert not list(docs.rglob("*.pa-tmp"))


def test_only_files_a_build_recorded_are_deleted(docs: Path, outside: Path) -> None:
    (docs / "papers" / "mine.md").write_text("put here by hand")
    (docs / "papers" / "link.md").symlink_to(outside / "keep.md")
    # a manifest lists only generated paths: anything else in it is ignored
    manifest = docs / ".generated"
    manifest.write_text(manifest.read_text() + "../outside/keep.md\nabout.md\npapers/../../outside/sub/a.md\n")
    report = write_site(docs, [("index.md", "home")])
    assert report.deleted == 3  # papers/a.md, papers/b.md, feeds/all.xml
    assert report.foreign == ("papers/mine.md",)
    assert (docs / "papers" / "mine.md").read_text() == "put here by hand"
    assert (docs / "papers" / "link.md").is_symlink() and (docs / "about.md").exists()
    assert tree(outside) == {"keep.md": b"precious\n", "sub/a.md": b"also precious\n"}
    assert manifest.read_text() == "index.md\n"


def test_a_build_killed_while_renaming_is_finished_by_the_next(docs: Path) -> None:
    # what a build killed half-way through its renames leaves: its pending manifest, some
    # files renamed (c.md), others still temporary, a temporary folder
    (docs / ".generated.pending").write_text("index.md\npapers/a.md\npapers/b.md\npapers/c.md\nfeeds/all.xml\n")
    (docs / "papers" / "c.md").write_text("C")
    (docs / "papers" / "a.md.pa-tmp").write_text("A2")
    (docs / "tags.pa-tmp" / "x").mkdir(parents=True)
    (docs / "tags.pa-tmp" / "x" / "y.md").write_text("half")
    report = write_site(docs, [("index.md", "home"), ("papers/a.md", "A3")])
    assert report.deleted == 3 and report.foreign == ()  # b.md, c.md (pending), feeds/all.xml
    assert tree(docs) == {
        "about.md": b"# About\n",
        "index.md": b"home",
        "papers/a.md": b"A3",
        "stylesheets/archive.css": b"body {}\n",
    }
    assert not (docs / ".generated.pending").exists() and not (docs / "tags.pa-tmp").exists()


def test_a_full_disk_leaves_docs_as_it_was(docs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = tree(docs)
    real_write = os.write
    calls = iter(range(100))

    def write(descriptor: int, data: bytes) -> int:
        if next(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(descriptor, data)

    monkeypatch.setattr(os, "write", write)
    with pytest.raises(OutputError) as raised:
        write_site(docs, [("index.md", "home2"), ("papers/a.md", "A2"), ("papers/c.md", "C"), ("tags/t.md", "T")])
    assert str(raised.value) == f"{docs}/papers/c.md: cannot write: no space left on device"
    assert tree(docs) == before
    assert not list(docs.rglob("*.pa-tmp")) and not (docs / ".generated.pending").exists()


def test_a_second_build_waits_for_the_first(docs: Path) -> None:
    waited: list[str] = []
    with locked(docs):
        descriptor = os.open(docs / ".generator.lock", os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):  # another process would wait here
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(descriptor)
        with locked(docs, waiting=lambda: waited.append("waited")):  # the same process: no wait
            write_site(docs, [("index.md", "home")])
    assert waited == []
