"""Dump dates from file names and listing days from day lines (including across New Year)."""

from __future__ import annotations

from datetime import date

import pytest

from generator.dates import date_from_name, parse_day_line, resolve_day


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


def test_a_day_after_the_dump_is_refused() -> None:
    with pytest.raises(ValueError, match="after the dump's date"):
        resolve_day(3, 8, 2027, date(2026, 11, 22))


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
