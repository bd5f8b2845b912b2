"""Dates: the dump's date from its file name, and listing days from day lines."""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

#: The days a dump or a listing may be dated. Hugging Face Papers lists arXiv papers, and
#: arXiv opened in 1991; a date after 2100 is a typo. Dates outside these (year 1, year
#: 9999) would reach the site's pages, feeds and scripts, which do not expect them.
FIRST_DAY = date(1991, 1, 1)
LAST_DAY = date(2100, 12, 31)

_DAY_LINE = re.compile(
    r"(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{4}))?",
)
_NAME_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?=[-_.]|$)")


def parse_day_line(line: str) -> tuple[int, int, int | None] | None:
    """Read a day line such as "May 30" or "Mar 8, 2024" as (month, day, year or None).

    Returns None for a line that is not a day line. The day must exist in the month
    (Feb 29 is accepted: whether it exists depends on the year).
    """
    match = _DAY_LINE.fullmatch(line.strip())
    if match is None:
        return None
    month = MONTHS.get(match["month"].lower())
    if month is None:
        return None
    day = int(match["day"])
    year = int(match["year"]) if match["year"] else None
    try:
        date(year or 2000, month, day)  # 2000 is a leap year: Feb 29 passes here
    except ValueError:
        return None
    return month, day, year


def resolve_day(month: int, day: int, year: int | None, dump_date: date) -> date:
    """The listing date of a day line in a dump dated `dump_date`.

    With a year, it is that day. Without one, it is the latest such day on or
    before the dump's date: "Dec 31" in a dump of 2025-01-02 is 2024-12-31.
    Raises ValueError when the day does not exist, lies after the dump's date or
    before FIRST_DAY.
    """
    if year is not None:
        if year < FIRST_DAY.year:
            raise ValueError(f"the year {year:04d} is before {FIRST_DAY.year}, when arXiv opened")
        day_date = date(year, month, day)
        if day_date > dump_date:
            raise ValueError(f"the day {day_date.isoformat()} is after the dump's date {dump_date.isoformat()}")
        return day_date
    for candidate_year in range(dump_date.year, dump_date.year - 8, -1):
        try:
            candidate = date(candidate_year, month, day)
        except ValueError:  # Feb 29 outside a leap year (or before year 1)
            continue
        if candidate < FIRST_DAY:
            break
        if candidate <= dump_date:
            return candidate
    raise ValueError(
        f"no day {month:02d}-{day:02d} lies from {FIRST_DAY.isoformat()} to the dump's date {dump_date.isoformat()}"
    )


def check_dump_date(dump_date: date) -> None:
    """Raise ValueError unless ``dump_date`` lies from FIRST_DAY to LAST_DAY."""
    if not FIRST_DAY <= dump_date <= LAST_DAY:
        raise ValueError(
            f"the dump's date {dump_date.isoformat()} cannot be right: a dump is dated from "
            f"{FIRST_DAY.isoformat()} (arXiv opened in 1991) to {LAST_DAY.isoformat()}; "
            "correct the date in its file name (or the --date given)"
        )


def date_from_name(name: str) -> date | None:
    """The `YYYY-MM-DD` date that starts a dump's file name, or None."""
    match = _NAME_DATE.match(name)
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
