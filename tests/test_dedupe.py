"""Deduplication across dumps: one paper per title, every source kept, the fullest abstract."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.archive import build_archive
from generator.dedupe import better_abstract, title_key
from generator.model import Dump, Entry, Source
from generator.tagging import tag_papers
from generator.taxonomy import Tag, Taxonomy


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("MMRL: Multi-Modal Representation Learning", "mmrl multi-modal representation learning"),
        ("MMRL: Multi-Modal Representation Learning", "MMRL - Multi Modal  Representation Learning"),
        ("Memorize, Factorize, or be Naïve", "Memorize, Factorize, or be Nai\u0308ve"),  # NFC vs NFD
        ("ＧＰＴ Models", "GPT models"),  # full-width forms (NFKC)
        ("σ-GPTs: A New Approach", "Σ-GPTS: a new approach"),
        ("Feature Collapse", "  Feature   Collapse. "),
    ],
)
def test_same_paper_same_key(a: str, b: str) -> None:
    assert title_key(a) == title_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("MMRL: Multi-Modal Representation Learning", "MMRL 2: Multi-Modal Representation Learning"),
        ("Tensor Programs V", "Tensor Programs VI"),
        ("σ-GPTs", "GPTs"),
    ],
)
def test_different_papers_different_keys(a: str, b: str) -> None:
    assert title_key(a) != title_key(b)


@pytest.mark.parametrize(
    ("current", "candidate", "expected"),
    [
        (None, "An abstract.", "An abstract."),
        ("An abstract.", None, "An abstract."),
        ("Short.", "A longer abstract.", "A longer abstract."),
        ("A longer abstract.", "Short.", "A longer abstract."),
        ("Same length B.", "Same length A.", "Same length A."),
        ("Same length A.", "Same length B.", "Same length A."),
    ],
)
def test_better_abstract_is_order_independent(current: str | None, candidate: str | None, expected: str) -> None:
    assert better_abstract(current, candidate) == expected


def dump(name: str, day: date, *entries: tuple[str, str | None, int]) -> Dump:
    return Dump(name, day, tuple(Entry(title, abstract, line, day) for title, abstract, line in entries))


def test_archive_merges_listings_and_keeps_every_source() -> None:
    first = dump("2026-05-30-a.txt", date(2026, 5, 30), ("Feature Collapse", None, 3), ("Other Paper", "Other.", 5))
    second = dump("2026-06-02-b.txt", date(2026, 6, 2), ("feature collapse", "We formalize feature collapse.", 7))
    for order in ([first, second], [second, first]):
        archive = build_archive(order)
        assert [p.title for p in archive.papers] == ["Feature Collapse", "Other Paper"]
        paper = archive.papers[0]
        assert paper.abstract == "We formalize feature collapse."
        assert paper.sources == (
            Source("2026-05-30-a.txt", 3, date(2026, 5, 30)),
            Source("2026-06-02-b.txt", 7, date(2026, 6, 2)),
        )
        assert paper.listed == date(2026, 5, 30)
        assert paper.dates == (date(2026, 5, 30), date(2026, 6, 2))


_TERMS = ("diffusion", "graph", "agent")
_RULES = Taxonomy(
    tags=tuple(Tag(key=term, label=term.title(), terms=(term,)) for term in _TERMS),
    title_weight=3,
    threshold=2,
    max_tags=2,
    min_papers=1,
)
_WORDS = st.sampled_from([*_TERMS, "a", "model", "of"])
_LISTING = st.tuples(
    st.sampled_from(["Graph Agents", "graph agents", "Diffusion", "Other Paper"]),  # two titles, one paper
    st.none() | st.lists(_WORDS, min_size=1, max_size=8).map(" ".join),
    st.integers(1, 3),  # which dump
)


@given(st.lists(_LISTING, min_size=1, max_size=8))
def test_archive_tags_are_those_of_each_papers_own_title_and_abstract(listings: list) -> None:
    # A paper listed more than once takes its title from one listing and its abstract perhaps
    # from another: its tags are scored on that title and that abstract.
    dumps = []
    for number in (1, 2, 3):
        entries = [(title, abstract, line) for line, (title, abstract, at) in enumerate(listings, 1) if at == number]
        if entries:
            dumps.append(dump(f"2026-05-0{number}-x.txt", date(2026, 5, number), *entries))
    archive = build_archive(dumps, _RULES)
    expected = tag_papers([(p.slug, p.title, p.abstract) for p in archive.papers], _RULES)
    assert {p.slug: p.tags for p in archive.papers} == {
        slug: tuple(_RULES.label(name) for name in names) for slug, names in expected.items()
    }


# --- one title, two papers ----------------------------------------------------------------

CPP = "We port the transformer to C++ templates and show that compile-time attention beats Python by far."
CSHARP = "A managed runtime suffices: our C# library trains language models on a laptop with garbage collection."


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("C++ Is All You Need", CPP), ("C# Is All You Need", CSHARP)),
        (
            ("A* Search Revisited", "Heuristic search with admissible heuristics, revisited for planning."),
            ("A Search Revisited", "We revisit how people search the web for answers, with a survey of users."),
        ),
        (
            ("Untitled", "First anonymous submission about graph neural networks and their limits."),
            ("Untitled", "Second anonymous paper, on diffusion models for audio generation in real time."),
        ),
    ],
)
def test_listings_whose_abstracts_disagree_stay_two_papers(first: tuple[str, str], second: tuple[str, str]) -> None:
    archive = build_archive(
        [
            dump("2026-01-01-a.txt", date(2026, 1, 1), (*first, 3)),
            dump("2026-01-02-b.txt", date(2026, 1, 2), (*second, 7)),
        ]
    )
    assert [(p.title, p.abstract) for p in archive.papers] == [first, second]
    assert len({p.slug for p in archive.papers}) == len({p.key for p in archive.papers}) == 2
    assert [str(w) for w in archive.warnings] == [
        f"2026-01-02-b.txt:7: warning: the title {second[0]!r} was listed before (2026-01-01-a.txt:3) "
        "with an abstract that does not agree with this one: kept as two papers"
    ]


def test_the_same_abstract_cut_short_or_missing_is_the_same_paper() -> None:
    archive = build_archive(
        [
            dump("2026-01-01-a.txt", date(2026, 1, 1), ("C++ Is All You Need", CPP, 3)),
            dump("2026-01-02-b.txt", date(2026, 1, 2), ("C++ is all you need", CPP[:60], 3), ("Other", "x", 5)),
            dump("2026-01-03-c.txt", date(2026, 1, 3), ("C++: Is All You Need", None, 3)),
        ]
    )
    assert [(p.title, p.abstract, len(p.sources)) for p in archive.papers] == [
        ("C++ Is All You Need", CPP, 3),
        ("Other", "x", 1),
    ]
    assert archive.warnings == ()


@pytest.mark.parametrize("titles", [("???", "!!!"), ("…", "—")])
def test_titles_without_letters_or_digits_are_not_one_paper(titles: tuple[str, str]) -> None:
    archive = build_archive([dump("2026-01-01-a.txt", date(2026, 1, 1), (titles[0], "A.", 3), (titles[1], "B.", 5))])
    assert len(archive.papers) == 2 and len({p.slug for p in archive.papers}) == 2
