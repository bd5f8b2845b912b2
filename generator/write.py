"""Write generated files into docs/: only what changed, never half-written.

The generator owns a fixed set of paths under docs/ (OWNED_FILES, OWNED_DIRS). A build
produces the files one by one:

1. each new or changed file is written to a temporary name next to its final one
   (unchanged files are left alone, so their modification times stay); an owned folder
   that does not exist yet (a first build) is instead written whole into a temporary
   folder next to it (``docs/papers.pa-tmp/``), which saves a rename per file;
2. once every file has been produced, the temporary files and folders are renamed into
   place (atomic per file and per folder) and the owned files that are no longer
   generated are deleted.

An error before step 2 (in rendering, or writing a temporary file) removes the
temporary files and folders and leaves docs/ as it was.
Files outside OWNED (the hand-written pages) are never read, written or deleted.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import parallel
from .errors import ArchiveError

#: what the generator owns under docs/: the home page and these folders.
OWNED_FILES = ("index.md",)
OWNED_DIRS = ("papers", "tags", "archive", "feeds", "api")
_TEMP_SUFFIX = ".pa-tmp"
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


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
        _walk(docs / folder, folder, found)
    return found


def _walk(directory: Path | str, relative: str, found: set[str]) -> None:
    try:
        entries = os.scandir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return
    with entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                _walk(entry.path, f"{relative}/{entry.name}", found)
            elif entry.is_file():
                found.add(f"{relative}/{entry.name}")


Files = Iterable[tuple[str, str | bytes]]
#: a part of the site that can be produced on its own: a function giving some of its files
Job = Callable[[], Files]


@dataclass(frozen=True)
class _Staged:
    """What one process staged: every file it was given, and those it wrote."""

    generated: frozenset[str]
    temporary: tuple[tuple[str, str], ...]  # (temporary file, final file), renamed at the end
    fresh: int  # files written into the temporary folders of new owned folders


def write_site(docs: Path, files: Files) -> WriteReport:
    """Make the owned part of docs/ hold exactly `files`, touching only what changed.

    `files` may be produced lazily: each changed file is staged as soon as it comes, so the
    content of the whole site never has to be in memory at once.
    """
    return _write(docs, lambda stage: [stage(files)])


def write_jobs(docs: Path, jobs: Sequence[Job], workers: int | None = None) -> WriteReport:
    """:func:`write_site` for the files of `jobs`, produced and staged by `workers` processes
    at the same time (default: :func:`generator.parallel.workers`), each taking the next job
    not yet taken (two processes start from either end of `jobs`: see parallel.share).

    The files and the report are the same whatever the number of processes: only the renames
    into place, done once every process has staged its files, touch docs/.
    """
    parts = max(1, min(parallel.workers() if workers is None else workers, len(jobs)))

    def run(stage: Callable[[Files], _Staged]) -> list[_Staged]:
        return parallel.share(
            jobs, parts, lambda _number, taken: stage(item for job in taken for item in job()), _unstage
        )

    return _write(docs, run)


def _write(docs: Path, run: Callable[[Callable[[Files], _Staged]], list[_Staged]]) -> WriteReport:
    before = existing_files(docs)
    root = os.fspath(docs)
    # Owned folders absent from docs/ are staged whole: folder -> its temporary folder,
    # emptied of what a build that was killed may have left there.
    fresh = {folder: f"{root}/{folder}{_TEMP_SUFFIX}" for folder in OWNED_DIRS if not _lexists(docs / folder)}
    for temporary_root in fresh.values():
        _clear(temporary_root)
    try:
        parts = run(lambda files: _stage(root, before, fresh, files))
        generated = frozenset().union(*(part.generated for part in parts))
        if len(generated) < sum(len(part.generated) for part in parts):
            _unstage(parts)
            twice = sorted(path for path in generated if sum(path in part.generated for part in parts) > 1)
            raise ArchiveError(f"refusing to write {twice[0]!r}: not a generated path, or written twice")
    except BaseException:
        for temporary_root in fresh.values():
            shutil.rmtree(temporary_root, ignore_errors=True)
        _sweep(docs, before)
        raise
    for part in parts:
        for temporary, target in part.temporary:
            os.replace(temporary, target)  # noqa: PTH105 - once per file: plain strings, no Path objects
    for folder, temporary_root in fresh.items():
        if Path(temporary_root).is_dir():
            Path(temporary_root).rename(docs / folder)

    stale = sorted(before - generated)
    for relative in stale:
        (docs / relative).unlink()
    if stale:  # only deleting files can leave a folder empty
        _remove_empty_dirs(docs)
    written = sum(len(part.temporary) + part.fresh for part in parts)
    return WriteReport(written=written, unchanged=len(generated) - written, deleted=len(stale))


def _stage(root: str, before: set[str], fresh: dict[str, str], files: Files) -> _Staged:
    """Write the new and changed files of `files` to their temporary names.

    On an error, removes the temporary files it wrote next to existing ones (the parent
    removes the temporary folders) and raises it.
    """
    generated: set[str] = set()
    staged: list[tuple[str, str]] = []
    made: set[str] = set()  # folders known to exist
    fresh_files = 0
    try:
        for relative, content in files:
            parts = relative.split("/")
            if not owned(relative) or ".." in parts or "." in parts or "" in parts or relative in generated:
                raise ArchiveError(f"refusing to write {relative!r}: not a generated path, or written twice")
            generated.add(relative)
            data = content.encode("utf-8") if isinstance(content, str) else content
            temporary_root = fresh.get(parts[0]) if len(parts) > 1 else None
            if temporary_root is not None:
                path = temporary_root + relative[len(parts[0]) :]
                _ensure_parent(path, made)
                _write_file(path, data)
                fresh_files += 1
                continue
            target = f"{root}/{relative}"
            if relative in before and _same(target, data):
                continue
            temporary = target + _TEMP_SUFFIX
            _ensure_parent(temporary, made)
            _write_file(temporary, data)
            staged.append((temporary, target))
    except BaseException:
        _unstage([_Staged(frozenset(), tuple(staged), 0)])
        raise
    return _Staged(frozenset(generated), tuple(staged), fresh_files)


def _sweep(docs: Path, before: set[str]) -> None:
    """Remove the temporary files a process that died could not report (those of the others are
    gone already): any owned file with the temporary suffix, which only a build writes."""
    now = {f"{name}{_TEMP_SUFFIX}" for name in OWNED_FILES if (docs / f"{name}{_TEMP_SUFFIX}").is_file()}
    for folder in OWNED_DIRS:
        _walk(docs / folder, folder, now)
    for relative in now - before:
        if relative.endswith(_TEMP_SUFFIX):
            (docs / relative).unlink(missing_ok=True)


def _unstage(parts: Iterable[_Staged]) -> None:
    for part in parts:
        for temporary, _ in part.temporary:
            Path(temporary).unlink(missing_ok=True)


def _lexists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _ensure_parent(path: str, made: set[str]) -> None:
    parent = path.rpartition("/")[0]
    if parent not in made:
        os.makedirs(parent, exist_ok=True)  # noqa: PTH103 - once per folder, but paths stay strings
        made.add(parent)


def _write_file(path: str, data: bytes) -> None:
    descriptor = os.open(path, _CREATE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
    finally:
        os.close(descriptor)


def _clear(path: str) -> None:
    """Remove what a build that was killed may have left at a temporary path."""
    leftover = Path(path)
    if leftover.is_dir() and not leftover.is_symlink():
        shutil.rmtree(leftover)
    else:
        leftover.unlink(missing_ok=True)


def _same(path: str, data: bytes) -> bool:
    # Once per file of a rebuild: plain strings rather than Path objects.
    try:
        if os.stat(path).st_size != len(data):  # noqa: PTH116
            return False
        with open(path, "rb") as stream:  # noqa: PTH123
            return stream.read() == data
    except OSError:
        return False


def _remove_empty_dirs(docs: Path) -> None:
    """Remove the empty folders inside the owned folders, deepest first."""
    for folder in OWNED_DIRS:
        root = docs / folder
        if not root.is_dir():
            continue
        for path, _, names in os.walk(root, topdown=False):  # a folder after the folders in it
            if not names and path != os.fspath(root):
                with os.scandir(path) as entries:
                    empty = next(entries, None) is None  # its own empty folders are gone now
                if empty:
                    Path(path).rmdir()
