"""What the Hugging Face Hub knows of each paper, kept in the repository: dumps/records.jsonl.

One JSON object a line, one line per paper, sorted by paper key, keys sorted: diffs stay
readable. A record says whether the paper was found (status "resolved": its arXiv id, authors,
publication date, code and project links) or not ("unmatched" or "ambiguous", with the reason),
and when it was looked up. `python -m generator resolve` writes it; the build only reads it, so
builds stay offline and deterministic.

Every field is checked when the file is read (and before a record is written): an arXiv id has
arXiv's form, links are http(s) (a GitHub repository is https://github.com/OWNER/REPO), names
are plain printable text of bounded length. A record that fails stops the build with
`file:line: what is wrong`, like a bad dump.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, TypeGuard

import orjson

from .dumps import read_kept, write_kept
from .errors import InputError

FILE_NAME = "records.jsonl"
Status = Literal["resolved", "unmatched", "ambiguous"]
STATUSES: tuple[Status, ...] = ("resolved", "unmatched", "ambiguous")

#: new-style ids (2401.12345, with a version or not) and old-style ones (hep-th/9901001, math.GT/0309136)
ARXIV_ID = re.compile(r"\d{4}\.\d{4,5}(?:v\d+)?|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?")
GITHUB = re.compile(r"https://github\.com/[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}/?")
URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d{1,5})?(?:/[^\s\"'<>`\\]*)?")
CHECKED = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
MAX_TEXT = 300  # characters of an author's name, a keyword or a reason
MAX_ITEMS = 3000  # authors of a paper (large collaborations list a few thousand)


@dataclass(frozen=True)
class Record:
    """One paper's record: what the Hub gave, or why nothing was taken."""

    key: str  # the paper's key (dedupe.title_key, or a variant key)
    status: Status
    checked: str  # when it was looked up: UTC, "2026-12-02T10:00:00Z"
    arxiv_id: str | None = None
    title: str | None = None  # the Hub's spelling of the title
    authors: tuple[str, ...] = ()
    published: date | None = None  # the day arXiv published it
    github: str | None = None
    project_page: str | None = None
    keywords: tuple[str, ...] = field(default=())  # the Hub's keywords of the paper
    reason: str | None = None  # why it is not resolved

    @property
    def resolved(self) -> bool:
        return self.status == "resolved"


def abs_url(arxiv_id: str) -> str:
    """The paper's abstract page on arXiv."""
    return f"https://arxiv.org/abs/{arxiv_id}"


def pdf_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/pdf/{arxiv_id}"


def hub_url(arxiv_id: str) -> str:
    """The paper's page on Hugging Face Papers."""
    return f"https://huggingface.co/papers/{arxiv_id}"


_FIELDS = frozenset(Record.__dataclass_fields__)
#: the optional text fields, each with the check its value must pass
_CHECKS: tuple[tuple[str, Callable[[Any], bool]], ...] = (
    ("arxiv_id", lambda v: isinstance(v, str) and ARXIV_ID.fullmatch(v) is not None),
    ("title", lambda v: _text(v, 2000)),
    ("github", lambda v: isinstance(v, str) and GITHUB.fullmatch(v) is not None),
    ("project_page", lambda v: isinstance(v, str) and v.isprintable() and URL.fullmatch(v) is not None),
    ("reason", lambda v: _text(v, MAX_TEXT)),
    ("published", lambda v: isinstance(v, str) and _iso_date(v) is not None),
)


def record_from_json(data: Any) -> Record:
    """A Record from one decoded JSON line; ValueError saying what is wrong."""
    if not isinstance(data, dict):
        raise ValueError("a record is a JSON object")
    if not data.keys() <= _FIELDS:
        raise ValueError(f"unknown field {sorted(data.keys() - _FIELDS)[0]!r}")
    key, status, checked = data.get("key"), data.get("status"), data.get("checked")
    if not _text(key, 2000):
        raise ValueError("'key' must be the paper's key (printable text)")
    if status not in STATUSES:
        raise ValueError(f"'status' must be one of {', '.join(STATUSES)}")
    if not isinstance(checked, str) or not CHECKED.fullmatch(checked):
        raise ValueError("'checked' must be a UTC time like 2026-12-02T10:00:00Z")
    for name, valid in _CHECKS:
        value = data.get(name)
        if value is not None and not valid(value):
            raise ValueError(f"{name!r} is not valid: {str(value)[:80]!r}")
    authors, keywords = _texts(data, "authors"), _texts(data, "keywords")
    if status == "resolved" and data.get("arxiv_id") is None:
        raise ValueError("a resolved record needs its 'arxiv_id'")
    if status != "resolved" and data.get("reason") is None:
        raise ValueError("a record that is not resolved needs its 'reason'")
    published = data.get("published")
    return Record(
        key=key,
        status=status,
        checked=checked,
        arxiv_id=data.get("arxiv_id"),
        title=data.get("title"),
        authors=authors,
        published=date.fromisoformat(published) if published else None,
        github=data.get("github"),
        project_page=data.get("project_page"),
        keywords=keywords,
        reason=data.get("reason"),
    )


def record_to_json(record: Record) -> str:
    """One line of the file: the record's non-empty fields, keys sorted."""
    data: dict[str, Any] = {"key": record.key, "status": record.status, "checked": record.checked}
    for name in ("arxiv_id", "title", "github", "project_page", "reason"):
        value = getattr(record, name)
        if value is not None:
            data[name] = value
    if record.published is not None:
        data["published"] = record.published.isoformat()
    if record.authors:
        data["authors"] = list(record.authors)
    if record.keywords:
        data["keywords"] = list(record.keywords)
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def parse_records(text: str, path: str) -> dict[str, Record]:
    """The records of a file's text by paper key (pure); InputError at the first bad line."""
    records: dict[str, Record] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = record_from_json(orjson.loads(line))
        except ValueError as error:  # orjson.JSONDecodeError is a ValueError
            raise InputError(path, f"not a valid record: {error}", number) from None
        if record.key in records:
            raise InputError(path, f"a second record for {record.key!r}: each paper has one", number)
        records[record.key] = record
    return records


def format_records(records: Iterable[Record]) -> str:
    """The file's text: one line per record, sorted by key."""
    return "".join(f"{record_to_json(record)}\n" for record in sorted(records, key=lambda r: r.key))


def read_records(dumps_dir: Path) -> dict[str, Record]:
    """The records kept beside the dumps (none when there is no such file)."""
    kept = read_kept(dumps_dir, FILE_NAME)
    return parse_records(*kept) if kept else {}


def write_records(dumps_dir: Path, records: Mapping[str, Record]) -> None:
    """Write the records file whole (a temporary file renamed over it: never half-written)."""
    write_kept(dumps_dir, FILE_NAME, format_records(records.values()))


def _text(value: object, limit: int) -> TypeGuard[str]:
    return isinstance(value, str) and 0 < len(value) <= limit and value.isprintable() and value.strip() == value


def _texts(data: Mapping[str, Any], name: str) -> tuple[str, ...]:
    value = data.get(name)
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > MAX_ITEMS or not all(_text(v, MAX_TEXT) for v in value):
        raise ValueError(f"{name!r} must be a list of names (printable text, at most {MAX_TEXT} characters each)")
    return tuple(value)


def _iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None
