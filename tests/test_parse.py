"""The dump parser: both layouts, copy-paste variants, warnings, errors, and a round-trip property."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from generator.dates import parse_day_line
from generator.errors import DumpError
from generator.parse import Kind, classify, decode, parse_dump

DUMP_DATE = date(2026, 11, 22)
ABSTRACT_1 = (
    "We study how small networks learn group composition. We find that they learn one algorithm, "
    "and we characterize the circuits and features that implement it across many groups."
)
ABSTRACT_2 = (
    "Large language models (LLMs) are popular. We propose a retrieval method for prompts that "
    "improves zero-shot evaluation on many tasks; code: https://github.com/example/uprise."
)
HEADER_A = "Get trending papers in your email inbox once a day!\nGet trending papers in your email inbox!\n"
HEADER_B = "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nbyAK and the research community\n\n"


def parse(text: str, dump_date: date = DUMP_DATE):  # type: ignore[no-untyped-def]
    return parse_dump(text, "dumps/2026-11-22-x.txt", dump_date)


def pairs(text: str, dump_date: date = DUMP_DATE) -> list[tuple[str, str | None, date]]:
    return [(e.title, e.abstract, e.listed) for e in parse(text, dump_date).entries]


TWO = [("Title One", ABSTRACT_1, DUMP_DATE), ("UPRISE: Universal Prompt Retrieval", ABSTRACT_2, DUMP_DATE)]
MAY30 = [(t, a, date(2026, 5, 30)) for t, a, _ in TWO]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            f"{HEADER_A}SubscribeTitle One\n{ABSTRACT_1}\nUPRISE: Universal Prompt Retrieval\n{ABSTRACT_2}\n",
            TWO,
            id="layout-a-glued-subscribe",
        ),
        pytest.param(
            f"{HEADER_A}SubscribeTitle One\n{ABSTRACT_1}\nUPRISE: Universal Prompt Retrieval\n{ABSTRACT_2}",
            TWO,
            id="layout-a-no-final-newline",
        ),
        pytest.param(
            f"{HEADER_B}May 30\n\nTitle One\n\n{ABSTRACT_1}\n\nUPRISE: Universal Prompt Retrieval\n\n{ABSTRACT_2}",
            MAY30,
            id="layout-b-blank-lines-byline-day",
        ),
        pytest.param(
            f"{HEADER_A}Subscribe\nTitle One\n{ABSTRACT_1}\nUPRISE: Universal Prompt Retrieval\n{ABSTRACT_2}\n",
            TWO,
            id="subscribe-on-its-own-line",
        ),
        pytest.param(
            f"{HEADER_A}SubscribeTitle One\n{ABSTRACT_1}\nUPRISE: Universal Prompt Retrieval\n{ABSTRACT_2}\n".replace(
                "\n", "\r\n"
            ),
            TWO,
            id="crlf",
        ),
        pytest.param(
            f"{HEADER_A}SubscribeTitle One\n{ABSTRACT_1}\nUPRISE: Universal Prompt Retrieval\n{ABSTRACT_2}\n".replace(
                "\n", "\r"
            ),
            TWO,
            id="old-mac-cr",
        ),
        pytest.param(
            f"{HEADER_A}SubscribeTitle One   \n  {ABSTRACT_1} \t\nUPRISE: Universal Prompt Retrieval \n{ABSTRACT_2}  \n",
            TWO,
            id="trailing-and-leading-spaces",
        ),
        pytest.param(
            f"{HEADER_B}Mar 8, 2024\n\nTitle One\n\n{ABSTRACT_1}\n\nUPRISE: Universal Prompt Retrieval\n\n{ABSTRACT_2}\n",
            [(t, a, date(2024, 3, 8)) for t, a, _ in TWO],
            id="day-line-with-year",
        ),
        pytest.param(
            f"{HEADER_B}May 30\n\nTitle One\n\n{ABSTRACT_1}\n\nMay 31\n\nUPRISE: Universal Prompt Retrieval\n\n{ABSTRACT_2}\n",
            [(*TWO[0][:2], date(2026, 5, 30)), (*TWO[1][:2], date(2026, 5, 31))],
            id="several-day-lines",
        ),
        pytest.param(
            f"{HEADER_B}Dec 31\n\nTitle One\n\n{ABSTRACT_1}\n\nJan 1\n\nUPRISE: Universal Prompt Retrieval\n\n{ABSTRACT_2}\n",
            [(*TWO[0][:2], date(2025, 12, 31)), (*TWO[1][:2], date(2026, 1, 1))],
            id="day-lines-across-new-year",
        ),
        pytest.param(
            f"{HEADER_A}Subscribeσ-GPTs: A New Approach to Autoregressive Models\n{ABSTRACT_1}\n",
            [("σ-GPTs: A New Approach to Autoregressive Models", ABSTRACT_1, DUMP_DATE)],
            id="glued-title-starting-lowercase-greek",
        ),
        pytest.param(
            f"{HEADER_A}SubscribeAre Gaussian data all you need? Extents and limits of universality\n{ABSTRACT_1}\n",
            [("Are Gaussian data all you need? Extents and limits of universality", ABSTRACT_1, DUMP_DATE)],
            id="title-with-a-question",
        ),
    ],
)
def test_layouts_and_variants(text: str, expected: list[tuple[str, str | None, date]]) -> None:
    assert pairs(text, date(2026, 11, 22) if "Jan 1" not in text else date(2026, 1, 5)) == expected


def test_bom_is_dropped_by_decode() -> None:
    data = ("\ufeff" + HEADER_A + f"SubscribeTitle One\n{ABSTRACT_1}\n").encode("utf-8")
    assert pairs(decode(data, "x.txt")) == [("Title One", ABSTRACT_1, DUMP_DATE)]


@pytest.mark.parametrize(
    ("body", "warnings", "expected"),
    [
        pytest.param(
            f"Lost Abstract Paper\nTitle One\n{ABSTRACT_1}\n",
            [
                "dumps/2026-11-22-x.txt:4: warning: the title 'Lost Abstract Paper' has no abstract after it; "
                "kept without one"
            ],
            [("Lost Abstract Paper", None), ("Title One", ABSTRACT_1)],
            id="title-then-title",
        ),
        pytest.param(
            f"Title One\n{ABSTRACT_1}\nNo Abstract Either\nMay 30\nUPRISE: Universal Prompt Retrieval\n{ABSTRACT_2}\n",
            [
                "dumps/2026-11-22-x.txt:6: warning: the title 'No Abstract Either' has no abstract after it; "
                "kept without one"
            ],
            [
                ("Title One", ABSTRACT_1),
                ("No Abstract Either", None),
                ("UPRISE: Universal Prompt Retrieval", ABSTRACT_2),
            ],
            id="title-before-a-day-line",
        ),
        pytest.param(
            "Title One\nShort abstract.\nTitle Two\nAnother short one.\n",
            [],
            [("Title One", "Short abstract."), ("Title Two", "Another short one.")],
            id="short-abstracts-placed-by-context",
        ),
    ],
)
def test_missing_abstracts_are_kept_and_reported(body: str, warnings: list[str], expected: list) -> None:
    dump = parse(f"{HEADER_A}Subscribe\n{body}")
    assert [str(w) for w in dump.warnings] == warnings
    assert [(e.title, e.abstract) for e in dump.entries] == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "dumps/2026-11-22-x.txt:1: the file is empty: paste the text of a Hugging Face Papers page into it"),
        (
            " \n\n\t\n",
            "dumps/2026-11-22-x.txt:1: the file is empty: paste the text of a Hugging Face Papers page into it",
        ),
        (
            HEADER_A + "Subscribe\n",
            "dumps/2026-11-22-x.txt:3: no papers found after the header: the dump holds only header lines",
        ),
        (
            HEADER_B + "May 30\n",
            "dumps/2026-11-22-x.txt:9: no papers found after the header: the dump holds only header lines",
        ),
        (
            "# Paper Archive\n\nA static site generator.\n\n## Install\n\n    make site\n",
            'dumps/2026-11-22-x.txt:1: not a Hugging Face Papers dump: no "Subscribe" line in its header; '
            'copy the whole page from its top ("Get trending papers in your email inbox!")',
        ),
        (
            f"{HEADER_A}Subscribe\n{ABSTRACT_1}\n",
            f"dumps/2026-11-22-x.txt:4: cannot place this line: it reads like an abstract where the first title "
            f"should be ({len(ABSTRACT_1)} characters); each paper needs its title on the line before its abstract",
        ),
        (
            f"{HEADER_A}SubscribeTitle One\n{ABSTRACT_1}\n{ABSTRACT_2}\n",
            f"dumps/2026-11-22-x.txt:5: cannot place this line: it reads like an abstract with no title before it "
            f"({len(ABSTRACT_2)} characters); each paper needs its title on the line before its abstract",
        ),
        (
            f"{HEADER_A}SubscribeTitle One\n{ABSTRACT_1}\nUPRISE: Universal Prompt Retrieval\n",
            "dumps/2026-11-22-x.txt:5: the dump ends with the title 'UPRISE: Universal Prompt Retrieval' and no "
            "abstract: it looks cut short; copy the page again down to the last abstract, or delete this line",
        ),
        (
            f"{HEADER_B}Mar 8, 2027\n\nTitle One\n\n{ABSTRACT_1}\n",
            "dumps/2026-11-22-x.txt:9: day line 'Mar 8, 2027': the day 2027-03-08 is after the dump's date 2026-11-22",
        ),
        (
            f"{HEADER_B}Jan 1, 9999\n\nTitle One\n\n{ABSTRACT_1}\n",
            "dumps/2026-11-22-x.txt:9: day line 'Jan 1, 9999': the day 9999-01-01 is after the dump's date 2026-11-22",
        ),
        (
            f"{HEADER_B}Jan 1, 0001\n\nTitle One\n\n{ABSTRACT_1}\n",
            "dumps/2026-11-22-x.txt:9: day line 'Jan 1, 0001': the year 0001 is before 1991, when arXiv opened",
        ),
    ],
    ids=[
        "empty",
        "blank",
        "header-only",
        "header-and-day-only",
        "readme",
        "abstract-first",
        "two-abstracts",
        "truncated",
        "day-after-dump",
        "year-9999",
        "year-0001",
    ],
)
def test_bad_dumps_are_errors_with_file_and_line(text: str, message: str) -> None:
    with pytest.raises(DumpError) as caught:
        parse(text)
    assert str(caught.value) == message


@pytest.mark.parametrize("dump_date", [date(1, 1, 1), date(1990, 12, 31), date(2101, 1, 1), date(9999, 12, 31)])
def test_an_implausible_dump_date_is_an_error(dump_date: date) -> None:
    with pytest.raises(DumpError) as caught:
        parse(f"{HEADER_B}Title One\n{ABSTRACT_1}\n", dump_date)
    assert str(caught.value) == (
        f"dumps/2026-11-22-x.txt: the dump's date {dump_date.isoformat()} cannot be right: a dump is dated from "
        "1991-01-01 (arXiv opened in 1991) to 2100-12-31; correct the date in its file name (or the --date given)"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Subscribe\x00\x01\x02PNG", "x.txt:1: this is a binary file, not a text dump (found a NUL byte)"),
        (b"Subscribe\nTitle\n\xff\xfe caf\xe9", "x.txt:3: not valid UTF-8 (byte 0xff): save the dump as UTF-8 text"),
    ],
)
def test_undecodable_files(data: bytes, message: str) -> None:
    with pytest.raises(DumpError) as caught:
        decode(data, "x.txt")
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("WL meet VC", Kind.TITLE),
        ("Are Gaussian data all you need? Extents and limits of universality in high-dimensional models", Kind.TITLE),
        ("BT^2: Backward-compatible Training with Basis Transformation", Kind.TITLE),
        ("Short abstract.", Kind.EITHER),
        ("Code: https://github.com/x/y", Kind.EITHER),
        (ABSTRACT_1, Kind.ABSTRACT),
        ("x" * 301, Kind.ABSTRACT),
    ],
)
def test_classify(line: str, kind: Kind) -> None:
    assert classify(line) is kind


# --- round trip -------------------------------------------------------------------

_TITLE_CHARS = st.characters(
    whitelist_categories=("Lu", "Ll", "Nd"), whitelist_characters="-'():+^&,?!σμ", max_codepoint=0x3FF
)
_WORD = st.text(_TITLE_CHARS, min_size=1, max_size=12)
_BYLINE = re.compile(r"by\s*AK", re.IGNORECASE)


@st.composite
def titles(draw: st.DrawFn) -> str:
    title = " ".join(draw(st.lists(_WORD, min_size=1, max_size=14)))
    assume(parse_day_line(title) is None and not _BYLINE.match(title))
    return title


_SENTENCE = st.lists(
    st.text(
        st.characters(whitelist_categories=("L", "Nd", "Pd"), whitelist_characters="*_<>`|{}$%"),
        min_size=1,
        max_size=15,
    ),
    min_size=1,
    max_size=25,
).map(lambda words: " ".join(words) + ".")
abstracts = st.lists(_SENTENCE, min_size=1, max_size=8).map(" ".join)


def write_dump(entries: list[tuple[str, str]], layout: str, newline: str) -> str:
    if layout == "a":
        lines = ["Get trending papers in your email inbox once a day!", "Get trending papers in your email inbox!"]
        body = [line for title, abstract in entries for line in (title, abstract)]
        lines.append("Subscribe" + body[0])
        lines.extend(body[1:])
    else:
        lines = [
            "new",
            "",
            "Get trending papers in your email inbox!",
            "",
            "Subscribe",
            "",
            "byAK and the research community",
            "",
        ]
        for title, abstract in entries:
            lines += [title, "", abstract, ""]
    return newline.join(lines)


@settings(max_examples=150, deadline=None)
@given(
    entries=st.lists(st.tuples(titles(), abstracts), min_size=1, max_size=12),
    layout=st.sampled_from("ab"),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_round_trip_any_entries_in_either_layout(entries: list[tuple[str, str]], layout: str, newline: str) -> None:
    dump = parse(write_dump(entries, layout, newline))
    assert [(e.title, e.abstract) for e in dump.entries] == entries
    assert dump.warnings == ()
