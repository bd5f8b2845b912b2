"""Reading dump files: the input edge of the pipeline."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

from . import collector, parallel
from .dates import date_from_name
from .errors import DumpError
from .model import Dump
from .parse import decode, parse_dump

PATTERN = "*.txt"


def dump_paths(directory: Path) -> list[Path]:
    """The dumps of a folder, in name order (names start with their date)."""
    if not directory.is_dir():
        raise DumpError(directory, "no such folder of dumps")
    return sorted(directory.glob(PATTERN))


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DumpError(path, f"cannot read the file: {exc.strerror or exc}") from None


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


#: from this many dumps on, they are read by parallel processes (see generator.parallel)
PARALLEL_FROM = 50


def read_dumps(directory: Path, *, allow_none: bool = False) -> list[Dump]:
    """Every dump of a folder, parsed. Raises DumpError at the first bad one."""
    paths = dump_paths(directory)
    with collector.paused():
        dumps = _read_all(paths) if len(paths) >= PARALLEL_FROM else [read_dump(path) for path in paths]
    if not dumps and not allow_none:
        raise DumpError(directory, f"no dumps found (expected files matching {PATTERN})")
    return dumps


def _read_all(paths: list[Path]) -> list[Dump]:
    """read_dump of each path, in order, by parallel processes; the first bad one's error."""

    def read(_number: int, indexes: Iterator[int]) -> list[tuple[int, Dump | DumpError]]:
        done: list[tuple[int, Dump | DumpError]] = []
        for index in indexes:
            try:
                done.append((index, read_dump(paths[index])))
            except DumpError as error:
                done.append((index, error))
        return done

    parts = parallel.share(range(len(paths)), min(parallel.workers(), len(paths)), read)
    dumps: list[Dump] = []
    for _, outcome in sorted((item for part in parts for item in part), key=lambda item: item[0]):
        if isinstance(outcome, DumpError):
            raise outcome
        dumps.append(outcome)
    return dumps
