"""Parse the text of one dump into entries (title, abstract, line, listing day).

A dump is what a person copies from a Hugging Face Papers page: header lines up to
"Subscribe" (which copy-paste often glues to the first title), optionally
"byAK and the research community" and day lines ("May 30", "Mar 8, 2024"), then
each paper's title on one line followed by its abstract on one line, with or
without blank lines between.

The parser never trusts alternation alone. Each line is classified by what it
looks like (a title is short and has no sentence ending; an abstract has sentences
or is long), and the sequence is read with that evidence:

- a title followed by another title: the first one's abstract is missing (warning);
- a line in a title's place that reads like an abstract: error (a title was lost, or
  the file is not a dump);
- a file that ends on a title: error (the copy was cut short).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from enum import Enum

from .dates import check_dump_date, parse_day_line, resolve_day
from .errors import DumpError
from .model import Dump, Entry, Notice

#: the header must end ("Subscribe") within this many non-blank lines.
HEADER_MAX_LINES = 12
#: a title is at most this long; a longer line can only be an abstract.
TITLE_MAX = 300
#: a line at least this long that holds two sentences can only be an abstract.
SENTENCES_MIN = 150

SUBSCRIBE = "Subscribe"
_BYLINE = re.compile(r"by\s*AK\s+and\s+the\s+research\s+community", re.IGNORECASE)
_FULL_STOP = re.compile(r"\.[\"')\]]*(?:\s|$)")
_URL = re.compile(r"\bhttps?://", re.IGNORECASE)


class Kind(Enum):
    TITLE = "title"  # reads like a title, not like an abstract
    EITHER = "either"  # a short abstract, or a title that ends like a sentence
    ABSTRACT = "abstract"  # cannot be a title


def classify(line: str) -> Kind:
    """What a body line looks like on its own.

    Titles are short and carry no full stop ending a sentence and no URL
    ("Are Gaussian data all you need? Extents and limits ..." is a title).
    """
    if len(line) > TITLE_MAX:  # most abstracts: no need to count their sentences
        return Kind.ABSTRACT
    stops = len(_FULL_STOP.findall(line))
    if len(line) >= SENTENCES_MIN and stops >= 2:
        return Kind.ABSTRACT
    if stops or _URL.search(line):
        return Kind.EITHER
    return Kind.TITLE


def decode(data: bytes, path: str) -> str:
    """Decode a dump's bytes as UTF-8 (a BOM is dropped); binary files are refused."""
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise DumpError(path, "this is a binary file, not a text dump (found a NUL byte)", line)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DumpError(
            path,
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}): save the dump as UTF-8 text",
            line,
        ) from None


def split_lines(text: str) -> list[str]:
    """Lines with CRLF/CR endings, surrounding whitespace and control characters removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [_clean(line) for line in text.split("\n")]


def _clean(line: str) -> str:
    line = line.strip()
    if line.isprintable():
        return line
    # tabs and odd spaces become spaces; other control characters are dropped
    return "".join(
        " " if ch.isspace() else ch for ch in line if ch.isspace() or unicodedata.category(ch) != "Cc"
    ).strip()


def parse_dump(text: str, path: str, dump_date: date) -> Dump:
    """Parse a whole dump. Raises DumpError for what cannot be placed, or an implausible date."""
    try:
        check_dump_date(dump_date)
    except ValueError as exc:
        raise DumpError(path, str(exc)) from None
    numbered = [(number, line) for number, line in enumerate(split_lines(text), start=1) if line]
    if not numbered:
        raise DumpError(path, "the file is empty: paste the text of a Hugging Face Papers page into it", 1)
    body = _body(numbered, path)

    entries: list[Entry] = []
    warnings: list[Notice] = []
    listed = dump_date
    pending: tuple[int, str] | None = None  # a title waiting for its abstract

    def keep_without_abstract(number: int, title: str) -> None:
        warnings.append(Notice(path, number, f"the title {title!r} has no abstract after it; kept without one"))
        entries.append(Entry(title, None, number, listed))

    kinds = [classify(line) for _, line in body]  # each line once: a line is also the one after another
    for index, (number, line) in enumerate(body):
        day = _day(line, number, path, dump_date)
        if day is not None:
            if pending is not None:
                keep_without_abstract(*pending)
                pending = None
            listed = day
            continue
        if _BYLINE.fullmatch(line):
            continue
        kind = kinds[index]
        if pending is None:
            if kind is Kind.ABSTRACT:
                what = (
                    "an abstract with no title before it" if entries else "an abstract where the first title should be"
                )
                raise DumpError(
                    path,
                    f"cannot place this line: it reads like {what} ({len(line)} characters); "
                    "each paper needs its title on the line before its abstract",
                    number,
                )
            pending = (number, line)
            continue
        next_kind = kinds[index + 1] if index + 1 < len(body) else None
        if kind is Kind.TITLE or (kind is Kind.EITHER and next_kind is Kind.ABSTRACT):
            keep_without_abstract(*pending)
            pending = (number, line)
        else:
            entries.append(Entry(pending[1], line, pending[0], listed))
            pending = None

    if pending is not None:
        raise DumpError(
            path,
            f"the dump ends with the title {pending[1]!r} and no abstract: it looks cut short; "
            "copy the page again down to the last abstract, or delete this line",
            pending[0],
        )
    if not entries:
        raise DumpError(path, "no papers found after the header: the dump holds only header lines", numbered[-1][0])
    return Dump(name=path.rsplit("/", 1)[-1], date=dump_date, entries=tuple(entries), warnings=tuple(warnings))


def _body(numbered: list[tuple[int, str]], path: str) -> list[tuple[int, str]]:
    """The lines after the header, which ends with "Subscribe" (alone, or glued to the first title)."""
    for index, (number, line) in enumerate(numbered[:HEADER_MAX_LINES]):
        if line == SUBSCRIBE:
            if index + 1 == len(numbered):
                raise DumpError(path, "no papers found after the header: the dump holds only header lines", number)
            return numbered[index + 1 :]
        if line.startswith(SUBSCRIBE):
            return [(number, line[len(SUBSCRIBE) :].lstrip()), *numbered[index + 1 :]]
    raise DumpError(
        path,
        'not a Hugging Face Papers dump: no "Subscribe" line in its header; '
        'copy the whole page from its top ("Get trending papers in your email inbox!")',
        numbered[0][0],
    )


def _day(line: str, number: int, path: str, dump_date: date) -> date | None:
    parsed = parse_day_line(line)
    if parsed is None:
        return None
    try:
        return resolve_day(*parsed, dump_date)
    except ValueError as exc:
        raise DumpError(path, f"day line {line!r}: {exc}", number) from None
