"""dumps/records.jsonl: what the Hub knows of each paper, checked field by field when read."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.errors import InputError
from generator.records import Record, format_records, parse_records, record_to_json

GOOD = {
    "key": "feature collapse",
    "status": "resolved",
    "checked": "2026-12-01T09:30:00Z",
    "arxiv_id": "2401.01234",
    "authors": ["Ada Lovelace", "Zoë <b>Bold</b> O'Neil"],
    "published": "2024-01-03",
    "github": "https://github.com/example/feature-collapse",
    "project_page": "https://example.org/fc/?x=1&y=2",
}


def line(**changes: object) -> str:
    data = {**GOOD, **changes}
    return json.dumps({k: v for k, v in data.items() if v is not None})


def test_a_good_record_reads_back_as_written() -> None:
    records = parse_records(line() + "\n", "r.jsonl")
    record = records["feature collapse"]
    assert record.authors == ("Ada Lovelace", "Zoë <b>Bold</b> O'Neil") and record.published == date(2024, 1, 3)
    assert parse_records(format_records(records.values()), "r") == records


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "{",
            "r.jsonl:1: not a valid record: unexpected end of data: line 1 column 2 (char 1)",
        ),
        ("[1]", "r.jsonl:1: not a valid record: a record is a JSON object"),
        (
            line(project_page="javascript:alert(1)"),
            "r.jsonl:1: not a valid record: 'project_page' is not valid: 'javascript:alert(1)'",
        ),
        (
            line(project_page='https://x/"><script>'),
            "r.jsonl:1: not a valid record: 'project_page' is not valid: 'https://x/\"><script>'",
        ),
        (
            line(project_page="https://x/a\x00b"),
            "r.jsonl:1: not a valid record: 'project_page' is not valid: 'https://x/a\\x00b'",
        ),
        (
            line(github="https://evil.example/o/r"),
            "r.jsonl:1: not a valid record: 'github' is not valid: 'https://evil.example/o/r'",
        ),
        (line(arxiv_id="../../etc"), "r.jsonl:1: not a valid record: 'arxiv_id' is not valid: '../../etc'"),
        (line(arxiv_id=None), "r.jsonl:1: not a valid record: a resolved record needs its 'arxiv_id'"),
        (
            line(authors=["A\nB"]),
            "r.jsonl:1: not a valid record: 'authors' must be a list of names (printable text, at most 300 characters each)",
        ),
        (
            line(authors="Ada"),
            "r.jsonl:1: not a valid record: 'authors' must be a list of names (printable text, at most 300 characters each)",
        ),
        (
            line(authors=["x" * 301]),
            "r.jsonl:1: not a valid record: 'authors' must be a list of names (printable text, at most 300 characters each)",
        ),
        (line(published="2024-13-01"), "r.jsonl:1: not a valid record: 'published' is not valid: '2024-13-01'"),
        (
            line(checked="yesterday"),
            "r.jsonl:1: not a valid record: 'checked' must be a UTC time like 2026-12-02T10:00:00Z",
        ),
        (line(status="maybe"), "r.jsonl:1: not a valid record: 'status' must be one of resolved, unmatched, ambiguous"),
        (line(status="unmatched"), "r.jsonl:1: not a valid record: a record that is not resolved needs its 'reason'"),
        (line(extra=1), "r.jsonl:1: not a valid record: unknown field 'extra'"),
        (line() + "\n" + line(), "r.jsonl:2: a second record for 'feature collapse': each paper has one"),
    ],
)
def test_bad_records_stop_the_build_at_their_line(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_records(text, "r.jsonl")
    assert str(caught.value) == message


@given(
    authors=st.lists(
        st.text(min_size=1, max_size=40).map(str.strip).filter(lambda t: t and t.isprintable()), max_size=8
    ),
    reason=st.text(min_size=1, max_size=60).map(str.strip).filter(lambda t: t and t.isprintable()),
)
def test_any_valid_record_round_trips(authors: list[str], reason: str) -> None:
    resolved = Record("k", "resolved", "2026-01-01T00:00:00Z", "2401.00001", authors=tuple(authors))
    missing = Record("m", "ambiguous", "2026-01-01T00:00:00Z", reason=reason)
    assert parse_records(format_records([missing, resolved]), "r") == {"k": resolved, "m": missing}
    assert format_records([missing, resolved]).splitlines() == [record_to_json(resolved), record_to_json(missing)]
