"""Write generated files into docs/: only what changed, never half-written.

The generator owns a fixed set of paths under docs/ (OWNED_FILES, OWNED_DIRS). A build
produces the files one by one:

1. each new or changed file is written to a temporary name next to its final one
   (unchanged files are left alone, so their modification times stay);
2. once every file has been produced, the temporary files are renamed into place
   (atomic per file) and the owned files that are no longer generated are deleted.

An error before step 2 (in rendering, or writing a temporary file) removes the
temporary files and leaves docs/ as it was.
Files outside OWNED (the hand-written pages) are never read, written or deleted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import ArchiveError

#: what the generator owns under docs/: the home page and these folders.
OWNED_FILES = ("index.md",)
OWNED_DIRS = ("papers", "tags", "archive", "feeds", "api")
_TEMP_SUFFIX = ".pa-tmp"


@dataclass(frozen=True)
class WriteReport:
    written: int
    unchanged: int
    deleted: int


def owned(relative: str) -> bool:
    first = relative.split("/", 1)[0]
    return relative in OWNED_FILES or (first in OWNED_DIRS and "/" in relative)


def existing_files(docs: Path) -> set[str]:
    """The generated files currently in docs/."""
    found = {name for name in OWNED_FILES if (docs / name).is_file()}
    for folder in OWNED_DIRS:
        root = docs / folder
        if root.is_dir():
            found.update(path.relative_to(docs).as_posix() for path in root.rglob("*") if path.is_file())
    return found


def write_site(docs: Path, files: Iterable[tuple[str, str | bytes]]) -> WriteReport:
    """Make the owned part of docs/ hold exactly `files`, touching only what changed.

    `files` may be produced lazily: each changed file is staged as soon as it comes, so the
    content of the whole site never has to be in memory at once.
    """
    before = existing_files(docs)
    generated: set[str] = set()
    staged: list[tuple[Path, Path]] = []
    try:
        for relative, content in files:
            if not owned(relative) or ".." in relative.split("/") or relative in generated:
                raise ArchiveError(f"refusing to write {relative!r}: not a generated path, or written twice")
            generated.add(relative)
            data = content.encode("utf-8") if isinstance(content, str) else content
            target = docs / relative
            if relative in before and _same(target, data):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(target.name + _TEMP_SUFFIX)
            temporary.write_bytes(data)
            staged.append((temporary, target))
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, target in staged:
        temporary.replace(target)

    stale = sorted(before - generated)
    for relative in stale:
        (docs / relative).unlink()
    _remove_empty_dirs(docs)
    return WriteReport(written=len(staged), unchanged=len(generated) - len(staged), deleted=len(stale))


def _same(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _remove_empty_dirs(docs: Path) -> None:
    for folder in OWNED_DIRS:
        root = docs / folder
        if not root.is_dir():
            continue
        for directory in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
            if not any(directory.iterdir()):
                directory.rmdir()
