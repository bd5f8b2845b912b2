"""Write generated files into docs/: only what changed, never half-written, never outside.

The generator owns a fixed set of paths under docs/ (OWNED_FILES, OWNED_DIRS) and records
every file it wrote in a manifest, docs/.generated. A build:

0. takes docs/.generator.lock (one build of a docs folder at a time: a second one waits),
   refuses to go on when an owned path is a symlink or not a plain folder (file), and removes
   what a killed build left behind (temporary files and folders);
1. writes each new or changed file to a temporary name next to its final one (unchanged files
   are left alone, so their modification times stay); an owned folder that does not exist yet
   (a first build) is instead written whole into a temporary folder next to it
   (``docs/papers.pa-tmp/``), which saves a rename per file. A Deferred file (a paper, tag or
   day page) is not even made when the manifest says the last build made it from the same key
   and the file still holds what that made: the same size and modification time as it was
   written with, or else the same digest of its content;
2. once every file has been produced, writes the new manifest as docs/.generated.pending,
   renames the temporary files and folders into place, deletes the files of the old manifest
   that are no longer generated, writes the manifest and removes the pending one.

An error before step 2 (rendering, a full disk) removes the temporary files and folders and
leaves docs/ as it was. A build killed during step 2 leaves the pending manifest behind: MkDocs
refuses such a docs/ (overrides/hooks.py) and the next build finishes the job, as it owns the
files of both manifests. Only files a manifest lists are ever deleted; no symlink is followed;
files outside OWNED (the hand-written pages) are never read, written or deleted.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import shutil
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import urls
from .errors import ArchiveError, OutputError

#: what the generator owns under docs/: the home page and these folders.
OWNED_FILES = (urls.HOME_FILE,)
OWNED_DIRS = (urls.PAPERS, urls.TAGS, urls.DAYS, urls.FEEDS, urls.API)
#: the files the last build wrote (dot files: MkDocs leaves them out of the site)
MANIFEST = ".generated"
PENDING = ".generated.pending"
#: the size and modification time of each Deferred file when written: not in the manifest, which
#: is the same for the same dumps (a lost or stale stamp only costs reading the file)
STAMPS = ".generated.stamps"
LOCK = ".generator.lock"
TEMP_SUFFIX = ".pa-tmp"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_BINARY", 0)


@dataclass(frozen=True)
class WriteReport:
    written: int
    unchanged: int
    deleted: int
    #: files in the owned folders that no build recorded writing: left alone
    foreign: tuple[str, ...] = ()


@functools.cache  # a build asks it of every path twice (the manifest, the file itself)
def owned(relative: str) -> bool:
    """Whether the generator may write `relative` (a path under docs/, "/"-separated)."""
    parts = relative.split("/")
    if any(part in ("", ".", "..") or not part.isprintable() for part in parts):
        return False
    return relative in OWNED_FILES or (parts[0] in OWNED_DIRS and len(parts) > 1)


# --- the lock ---------------------------------------------------------------------------

_HELD: dict[str, int] = {}  # docs folders whose lock this process holds: how many times taken


@contextmanager
def locked(docs: Path, waiting: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold docs/.generator.lock while the block runs: builds of one docs folder never overlap.

    A second build waits for the first (calling `waiting` once, if given). The lock is an
    fcntl lock, so the system releases it when its holder dies; a process may take it again
    while it holds it (``generator site`` holds it around the build and MkDocs).
    """
    key = os.path.realpath(docs)
    if key in _HELD:
        _HELD[key] += 1
        try:
            yield
        finally:
            _HELD[key] -= 1
        return
    try:
        docs.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(docs / LOCK, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o644)
    except OSError as error:
        raise _output_error(error, docs / LOCK) from None
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting()
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        _HELD[key] = 1
        try:
            yield
        finally:
            del _HELD[key]
    finally:
        os.close(descriptor)  # releases the lock


# --- what is in docs/ -------------------------------------------------------------------


def check_owned(docs: Path) -> None:
    """Refuse an owned path that is a symlink, or a folder (file) that is something else:
    the generator would otherwise write or delete through it, outside docs/."""
    if not docs.is_dir():
        raise OutputError(docs, "not a folder")
    for name, kind, is_kind in [
        *((name, "folder", stat.S_ISDIR) for name in OWNED_DIRS),
        *((name, "file", stat.S_ISREG) for name in OWNED_FILES),
    ]:
        mode = _lstat_mode(docs / name)
        if mode is None or is_kind(mode):
            continue
        what = "a symbolic link" if stat.S_ISLNK(mode) else f"not a plain {kind}"
        raise OutputError(
            docs / name,
            f"is {what}: the generator writes this {kind} itself and never follows links out of "
            f"{docs}; remove it (the build makes it again)",
        )


def _scan(docs: Path) -> tuple[set[str], list[str]]:
    """The regular files in the owned paths, and the temporary files among them."""
    found = {name for name in OWNED_FILES if stat.S_ISREG(_lstat_mode(docs / name) or 0)}
    for folder in OWNED_DIRS:
        _walk(docs / folder, folder, found)
    temporary = [name for name in found if name.endswith(TEMP_SUFFIX)]
    found.difference_update(temporary)
    return found, temporary


def _walk(directory: Path | str, relative: str, found: set[str]) -> None:
    try:
        entries = os.scandir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return
    with entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                _walk(entry.path, f"{relative}/{entry.name}", found)
            elif entry.is_file(follow_symlinks=False):
                found.add(f"{relative}/{entry.name}")


@dataclass(frozen=True)
class Made:
    """What the manifest says of a Deferred file: the key it was made for, the digest of its
    content (:func:`content_digest`), and its stamp when written (:func:`stamp_of`)."""

    key: str
    digest: str
    stamp: str


def read_manifest(docs: Path) -> tuple[set[str], dict[str, Made]]:
    """The files the builds recorded writing (the manifest's, and a killed build's pending ones),
    and what the manifest says each Deferred file was made of."""
    recorded: set[str] = set()
    keys: dict[str, Made] = {}
    stamps = dict(line.split("\t", 1) for line in _read_lines(docs, STAMPS) if "\t" in line)
    for name in (MANIFEST, PENDING):
        for fields in (line.split("\t") for line in _read_lines(docs, name)):
            if owned(fields[0]):
                recorded.add(fields[0])
                if name == MANIFEST and len(fields) == 3:
                    keys[fields[0]] = Made(fields[1], fields[2], stamps.get(fields[0], ""))
    return recorded, keys


def _read_lines(docs: Path, name: str) -> list[str]:
    """The lines of one of the generator's own files in docs/ (none when it does not exist)."""
    try:
        descriptor = os.open(docs / name, os.O_RDONLY | _NOFOLLOW)
    except FileNotFoundError:
        return []
    except OSError as error:
        raise _output_error(error, docs / name) from None
    with os.fdopen(descriptor, encoding="utf-8", errors="replace") as stream:
        return stream.read().split("\n")


def read_generated(docs: Path, relative: str) -> str:
    """The text of a file the last build generated (empty when it cannot be read or is not
    UTF-8): never through a link."""
    try:
        return read_generated_bytes(docs, relative).decode("utf-8")
    except UnicodeDecodeError:
        return ""


def read_generated_bytes(docs: Path, relative: str) -> bytes:
    """The content of a file the last build generated (empty when it cannot be read): never
    through a link."""
    try:
        descriptor = os.open(docs / relative, os.O_RDONLY | _NOFOLLOW)
    except OSError:
        return b""
    with os.fdopen(descriptor, "rb") as stream:
        try:
            return stream.read()
        except OSError:
            return b""


def _recover(docs: Path, temporary: Iterable[str]) -> None:
    """Remove what a killed build left: temporary files and the temporary owned folders."""
    for relative in temporary:
        (docs / relative).unlink(missing_ok=True)
    for name in (*OWNED_DIRS, *OWNED_FILES, MANIFEST, PENDING, STAMPS):
        _clear(docs / f"{name}{TEMP_SUFFIX}")


# --- writing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Deferred:
    """A file's content, made only when needed: `key` names everything it is made of (the same
    key, the same content). A file the last build made for the same key, and left as it made it
    (its content's digest, kept in the manifest, says so), is not made again."""

    key: str
    make: Callable[[], str | bytes]


#: generated files: (path under docs/, content)
Files = Iterable[tuple[str, str | bytes | Deferred]]


@dataclass(frozen=True)
class _Staged:
    """What was staged: every file given, and those written."""

    generated: frozenset[str]
    temporary: tuple[tuple[str, str], ...]  # (temporary file, final file), renamed at the end
    fresh: int  # files written into the temporary folders of new owned folders
    keys: dict[str, Made] = field(default_factory=dict)  # Deferred files


def write_site(docs: Path, files: Files) -> WriteReport:
    """Make the owned part of docs/ hold exactly `files`, touching only what changed.

    `files` may be produced lazily: each changed file is staged as soon as it comes, so the
    content of the whole site never has to be in memory at once.
    """
    with locked(docs):
        check_owned(docs)
        before, temporary = _scan(docs)
        recorded, keys = read_manifest(docs)
        _recover(docs, temporary)
        root = os.fspath(docs)
        # Owned folders absent from docs/ are staged whole: folder -> its temporary folder.
        fresh = {folder: f"{root}/{folder}{TEMP_SUFFIX}" for folder in OWNED_DIRS if _lstat_mode(docs / folder) is None}
        staged = _Staged(frozenset(), (), 0)
        try:
            staged = _stage(root, before, fresh, files, keys)
            # what this build may leave in docs/ if it is killed from here on: its files and
            # the recorded ones it has not deleted yet
            _write_text(docs / PENDING, _listing(staged.generated | (recorded & before)))
        except BaseException as error:
            _unstage(staged)
            _recover(docs, _scan(docs)[1])
            if isinstance(error, OSError):
                raise _output_error(error, docs / PENDING) from None
            raise
        try:
            return _commit(docs, staged, fresh, before, recorded)
        except OSError as error:
            raise _output_error(
                error, docs, "; the build stopped half-way (docs/ is marked unfinished): run it again"
            ) from None


def _commit(docs: Path, staged: _Staged, fresh: dict[str, str], before: set[str], recorded: set[str]) -> WriteReport:
    """Step 2: move the staged files into place, delete the stale ones, record the manifest."""
    generated = staged.generated
    for temporary, target in staged.temporary:
        os.replace(temporary, target)  # noqa: PTH105 - once per file: plain strings, no Path objects
    for folder, temporary_root in fresh.items():
        if _lstat_mode(Path(temporary_root)) is not None:
            Path(temporary_root).rename(docs / folder)
    stale = sorted((before & recorded) - generated)
    for relative in stale:
        (docs / relative).unlink(missing_ok=True)
    if stale:  # only deleting files can leave a folder empty
        _remove_empty_dirs(docs)
    _write_text(docs / MANIFEST, _listing(generated, staged.keys))
    _write_text(docs / STAMPS, "".join(f"{name}\t{made.stamp}\n" for name, made in sorted(staged.keys.items())))
    (docs / PENDING).unlink()
    written = len(staged.temporary) + staged.fresh
    foreign = tuple(sorted(before - recorded - generated))
    return WriteReport(written=written, unchanged=len(generated) - written, deleted=len(stale), foreign=foreign)


def _stage(root: str, before: set[str], fresh: dict[str, str], files: Files, known: dict[str, Made]) -> _Staged:
    """Write the new and changed files of `files` to their temporary names (a Deferred file
    whose key and content are those `known` from the last build is left as it is, unmade).

    On an error, removes the temporary files it wrote next to existing ones (the parent
    removes the temporary folders) and raises it (an OSError as an OutputError).
    """
    generated: set[str] = set()
    staged: list[tuple[str, str]] = []
    keys: dict[str, Made] = {}
    made: set[str] = {root}  # folders known to exist (and to be plain folders)
    fresh_files = 0
    relative = ""
    try:
        for relative, content in files:
            if not owned(relative) or relative in generated:
                raise ArchiveError(f"refusing to write {relative!r}: not a generated path, or written twice")
            generated.add(relative)
            first, _, rest = relative.partition("/")
            temporary_root = fresh.get(first) if rest else None
            target = f"{root}/{relative}"
            key = None
            if isinstance(content, Deferred):
                last = known.get(relative)
                if last is not None and last.key == content.key and temporary_root is None and relative in before:
                    # left as the last build made it: the same stamp, or else the same content
                    stamp = stamp_of(target)
                    if stamp is not None and (stamp == last.stamp or _digest_of(target) == last.digest):
                        keys[relative] = Made(last.key, last.digest, stamp)
                        continue
                key, content = content.key, content.make()
            data = content.encode("utf-8") if isinstance(content, str) else content
            if temporary_root is not None:
                path = f"{temporary_root}/{rest}"
                _ensure_parent(path, made)
                _write_file(path, data)
                fresh_files += 1
            elif relative in before and _same(target, data):
                path = target
            else:
                _ensure_parent(target, made)
                path = target + TEMP_SUFFIX  # renamed at the end: the stamp stays
                staged.append((path, target))  # before writing: removed if that fails
                _write_file(path, data)
            if key is not None:
                keys[relative] = Made(key, content_digest(data), stamp_of(path) or "")
    except BaseException as error:
        _unstage(_Staged(frozenset(), tuple(staged), 0))
        if isinstance(error, OSError):
            raise _output_error(error, f"{root}/{relative}") from None
        raise
    return _Staged(frozenset(generated), tuple(staged), fresh_files, keys)


def _unstage(staged: _Staged) -> None:
    for temporary, _ in staged.temporary:
        Path(temporary).unlink(missing_ok=True)


def _lstat_mode(path: Path) -> int | None:
    try:
        return path.lstat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None


def _ensure_parent(path: str, made: set[str]) -> None:
    """Make the folders above `path` that are missing; refuse one that is a symlink."""
    parent = path.rpartition("/")[0]
    if parent in made:
        return
    _ensure_parent(parent, made)
    try:
        os.mkdir(parent)  # noqa: PTH102 - once per folder, but paths stay strings
    except FileExistsError:
        if not stat.S_ISDIR(os.lstat(parent).st_mode):
            raise OutputError(parent, "is a symbolic link or a file where the generator writes a folder") from None
    made.add(parent)


def _write_file(path: str, data: bytes) -> None:
    descriptor = os.open(path, _CREATE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
    finally:
        os.close(descriptor)


def _write_text(path: Path, text: str) -> None:
    """Write a whole file under its name at once (through a temporary file)."""
    temporary = f"{path}{TEMP_SUFFIX}"
    Path(temporary).unlink(missing_ok=True)
    _write_file(temporary, text.encode("utf-8"))
    os.replace(temporary, path)  # noqa: PTH105


def _listing(names: Iterable[str], keys: dict[str, Made] | None = None) -> str:
    """A manifest: a path a line, each Deferred file's followed by its key and digest (tabs)."""
    keys = keys or {}
    lines = []
    for name in sorted(names):
        made = keys.get(name)
        lines.append(f"{name}\n" if made is None else f"{name}\t{made.key}\t{made.digest}\n")
    return "".join(lines)


def content_digest(data: bytes) -> str:
    """The digest of a file's content, as the manifest records it."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def stamp_of(path: str) -> str | None:
    """A regular file's size and modification time (None: not one, or it cannot be read): what
    tells, without reading it, that a file is as a build left it (as `git status` does)."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return f"{info.st_size}:{info.st_mtime_ns}" if stat.S_ISREG(info.st_mode) else None


def _digest_of(path: str) -> str | None:
    """The digest of a file's content (None: it cannot be read); never through a link."""
    try:
        descriptor = os.open(path, os.O_RDONLY | _NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as stream:
        return content_digest(stream.read())


def _clear(leftover: Path) -> None:
    """Remove a temporary file or folder (never what a symlink points to)."""
    if _lstat_mode(leftover) is None:
        return
    if leftover.is_dir() and not leftover.is_symlink():
        shutil.rmtree(leftover)
    else:
        leftover.unlink(missing_ok=True)


def _same(path: str, data: bytes) -> bool:
    # Once per file of a rebuild: plain strings rather than Path objects.
    try:
        descriptor = os.open(path, os.O_RDONLY | _NOFOLLOW)
    except OSError:
        return False
    with os.fdopen(descriptor, "rb") as stream:
        if os.fstat(descriptor).st_size != len(data):
            return False
        return stream.read() == data


def _remove_empty_dirs(docs: Path) -> None:
    """Remove the empty folders inside the owned folders, deepest first."""
    for folder in OWNED_DIRS:
        root = docs / folder
        if _lstat_mode(root) is None:
            continue
        for path, _, names in os.walk(root, topdown=False):  # a folder after the folders in it
            if not names and path != os.fspath(root):
                with os.scandir(path) as entries:
                    empty = next(entries, None) is None  # its own empty folders are gone now
                if empty:
                    Path(path).rmdir()


def _output_error(error: OSError, path: str | Path, more: str = "") -> OutputError:
    """An OSError met while writing `path`, as `path: what is wrong`."""
    return OutputError(path, f"cannot write: {(error.strerror or str(error)).lower()}{more}")
