"""Reading dump files: the input edge of the pipeline."""

from __future__ import annotations

import os
import stat
import unicodedata
from datetime import date
from pathlib import Path

from .dates import date_from_name
from .errors import DumpError, InputError, unshowable
from .model import Dump
from .parse import decode, parse_dump

PATTERN = "*.txt"


def dump_paths(directory: Path) -> list[Path]:
    """The dumps of a folder, in name order (names start with their date)."""
    if not directory.is_dir():
        raise DumpError(directory, "no such folder of dumps")
    return sorted(directory.glob(PATTERN))


#: The most bytes a dump may hold. A copy of a whole Hugging Face Papers page is well under
#: 1 MB (a day's fifty-odd papers, or a long trending page, at 1-2 KB each); 16 MB leaves
#: room for any page while refusing a stray file (a log, a data set, a disk image) before
#: it is decoded and split, which would take seconds and hundreds of MB per 10 MB.
MAX_BYTES = 16 * 1024 * 1024
#: The most lines a dump may hold. A page copy has a few lines per paper (title, abstract,
#: blank lines between, day lines): a few thousand at most. 16 MB of blank lines would
#: still be 16 million lines, each a string in a list while the dump is parsed.
MAX_LINES = 100_000

#: what a path that is not a regular file is, by the file type bits of its mode
_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


# (O_NONBLOCK and O_NOCTTY are POSIX's: elsewhere, only the two checks of the type)
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


def read_bytes(path: Path) -> bytes:
    """The bytes of the dump at ``path``, which must be a regular file (or a symlink to one)
    of at most MAX_BYTES and MAX_LINES.

    Anything else is refused before it is read: reading a named pipe waits for a writer
    forever, and a device may never end. The type is checked before the file is opened
    (opening a device can have effects of its own) and again on the open file, in case the
    path was replaced in between; the file is opened non-blocking so that even a pipe put
    there in between cannot make the open itself wait.

    A name holding a control character is refused too (see :func:`generator.errors.shown`).
    """
    character = unshowable(path.name)
    if character is not None:
        what = (
            f"a byte that is not UTF-8 (0x{ord(character) - 0xDC00:02X})"
            if unicodedata.category(character) == "Cs"  # how Python reads such a byte of a file name
            else f"a control character (U+{ord(character):04X})"
        )
        raise DumpError(path, f"the file name holds {what}: rename the file")
    try:
        _check_regular(path, path.stat().st_mode)
        descriptor = os.open(path, _OPEN_FLAGS)
        with os.fdopen(descriptor, "rb") as stream:
            status = os.fstat(descriptor)
            _check_regular(path, status.st_mode)
            # at most one byte more than a dump may hold, even if the file grew since fstat
            data = b"" if status.st_size > MAX_BYTES else stream.read(MAX_BYTES + 1)
    except OSError as exc:
        raise DumpError(path, f"cannot read the file: {exc.strerror or exc}") from None
    if status.st_size > MAX_BYTES or len(data) > MAX_BYTES:
        raise DumpError(
            path,
            f"the file is larger than a dump may be ({MAX_BYTES >> 20} MB): "
            "a copy of a Hugging Face Papers page is well under 1 MB",
        )
    line_ends = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")  # as split_lines reads them
    if line_ends > MAX_LINES:
        raise DumpError(
            path,
            f"the file has more lines than a dump may have ({MAX_LINES:,}): "
            "a copy of a Hugging Face Papers page has a few thousand at most",
        )
    return data


def _check_regular(path: Path, mode: int) -> None:
    if not stat.S_ISREG(mode):
        kind = _KINDS.get(stat.S_IFMT(mode), "of another kind")
        raise DumpError(path, f"not a regular file: it is {kind}; a dump must be a plain text file")


def read_dump(path: Path, dump_date: date | None = None) -> Dump:
    """Read and parse one dump, dated `dump_date` or else by the date its file name starts with."""
    dump_date = dump_date or date_from_name(path.name)
    if dump_date is None:
        raise DumpError(
            path,
            "the file name does not start with the dump's date: rename it to "
            f"YYYY-MM-DD-{path.name} (the day the page was copied), or file it with "
            f"`python -m generator add {path} --date YYYY-MM-DD`",
        )
    return parse_dump(decode(read_bytes(path), str(path)), str(path), dump_date)


def read_dumps(directory: Path, *, allow_none: bool = False) -> list[Dump]:
    """Every dump of a folder, parsed, in name order. Raises DumpError at the first bad one."""
    dumps = [read_dump(path) for path in dump_paths(directory)]
    if not dumps and not allow_none:
        raise DumpError(directory, f"no dumps found (expected files matching {PATTERN})")
    return dumps


# --- the files kept beside the dumps (permalinks.tsv, records.jsonl) --------------------------


def read_kept(dumps_dir: Path, name: str) -> tuple[str, str] | None:
    """The text of a file the archive keeps beside its dumps, with its path as printed in
    errors; None when there is no such file."""
    path = dumps_dir / name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise InputError(path, f"cannot read the file: {error.strerror}") from None
    try:
        return data.decode("utf-8"), str(path)
    except UnicodeDecodeError:
        raise InputError(path, "not valid UTF-8") from None


def write_kept(dumps_dir: Path, name: str, text: str) -> None:
    """Write a file kept beside the dumps whole: a temporary file renamed over it."""
    path = dumps_dir / name
    temporary = path.with_name(path.name + ".pa-tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
