"""Dump dates from file names and listing days from day lines (including across New Year)."""

from __future__ import annotations

from datetime import date

import pytest

from generator.dates import check_dump_date, date_from_name, parse_day_line, resolve_day


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("May 30", (5, 30, None)),
        ("Mar 8, 2024", (3, 8, 2024)),
        ("March 8, 2024", (3, 8, 2024)),
        ("Sept 1", (9, 1, None)),
        ("Dec. 31", (12, 31, None)),
        ("Feb 29", (2, 29, None)),
        ("Feb 30", None),
        ("May", None),
        ("Maybe 30", None),
        ("May 30 papers", None),
        ("Subscribe", None),
    ],
)
def test_parse_day_line(line: str, expected: tuple[int, int, int | None] | None) -> None:
    assert parse_day_line(line) == expected


@pytest.mark.parametrize(
    ("month", "day", "year", "dump_date", "expected"),
    [
        (5, 30, None, date(2026, 11, 22), date(2026, 5, 30)),
        (11, 22, None, date(2026, 11, 22), date(2026, 11, 22)),  # the dump's own day
        (12, 31, None, date(2026, 1, 2), date(2025, 12, 31)),  # a December day in a January dump
        (11, 23, None, date(2026, 11, 22), date(2025, 11, 23)),  # tomorrow means last year
        (2, 29, None, date(2026, 3, 1), date(2024, 2, 29)),  # the latest Feb 29 before
        (3, 8, 2024, date(2026, 11, 22), date(2024, 3, 8)),
    ],
)
def test_resolve_day(month: int, day: int, year: int | None, dump_date: date, expected: date) -> None:
    assert resolve_day(month, day, year, dump_date) == expected


@pytest.mark.parametrize(
    ("month", "day", "year", "dump_date", "message"),
    [
        (3, 8, 2027, date(2026, 11, 22), "the day 2027-03-08 is after the dump's date 2026-11-22"),
        (1, 1, 9999, date(2026, 11, 22), "the day 9999-01-01 is after the dump's date 2026-11-22"),
        (1, 1, 1, date(2026, 11, 22), "the year 0001 is before 1991, when arXiv opened"),
        (1, 1, 0, date(2026, 11, 22), "the year 0000 is before 1991, when arXiv opened"),
        (12, 31, 1990, date(2026, 11, 22), "the year 1990 is before 1991, when arXiv opened"),
        (12, 31, None, date(1991, 1, 5), "no day 12-31 lies from 1991-01-01 to the dump's date 1991-01-05"),
        (2, 29, None, date(1991, 3, 1), "no day 02-29 lies from 1991-01-01 to the dump's date 1991-03-01"),
    ],
)
def test_a_day_after_the_dump_or_before_arxiv_is_refused(
    month: int, day: int, year: int | None, dump_date: date, message: str
) -> None:
    with pytest.raises(ValueError) as caught:
        resolve_day(month, day, year, dump_date)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("dump_date", "plausible"),
    [
        (date(1, 1, 1), False),
        (date(1990, 12, 31), False),
        (date(1991, 1, 1), True),
        (date(2026, 11, 22), True),
        (date(2100, 12, 31), True),
        (date(2101, 1, 1), False),
        (date(9999, 12, 31), False),
    ],
)
def test_check_dump_date(dump_date: date, plausible: bool) -> None:
    if plausible:
        check_dump_date(dump_date)
        return
    with pytest.raises(ValueError) as caught:
        check_dump_date(dump_date)
    assert str(caught.value) == (
        f"the dump's date {dump_date.isoformat()} cannot be right: a dump is dated from 1991-01-01 "
        "(arXiv opened in 1991) to 2100-12-31; correct the date in its file name (or the --date given)"
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2026-11-22-trending.txt", date(2026, 11, 22)),
        ("2026-11-22.txt", date(2026, 11, 22)),
        ("2026-11-22_x.txt", date(2026, 11, 22)),
        ("2026-02-30-x.txt", None),
        ("20261122-x.txt", None),
        ("trending-2026-11-22.txt", None),
        ("000_00d4a3d3fd5f8d9c.txt", None),
    ],
)
def test_date_from_name(name: str, expected: date | None) -> None:
    assert date_from_name(name) == expected
