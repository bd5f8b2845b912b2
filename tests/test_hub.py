"""Looking papers up on the Hub (generator.hub), against the fake Hub of tests/fakehub.py only.

Matching rules, records made from hostile answers, retries (429 with Retry-After, 5xx, a hang,
a closed connection), failures reported and looked up again by the next run, records kept when
a run is interrupted, and the daily listing written as a dump that reads back as written.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import hub
from generator.dedupe import title_key
from generator.model import Paper, Source
from generator.parse import parse_dump
from generator.records import FILE_NAME, read_records, record_from_json, record_to_json
from tests.fakehub import FakeHub, daily_entry, paper_json
from tests.sitebuild import ROOT, run_generator

NOW = datetime(2026, 12, 2, 10, 0, 0, tzinfo=UTC)
CHECKED = "2026-12-02T10:00:00Z"
ATTENTION = (
    "The dominant sequence transduction models are based on complex recurrent or convolutional neural networks. "
    "We propose a new simple network architecture, the Transformer, based solely on attention mechanisms."
)
OTHER = (
    "Graph neural networks learn representations of nodes by passing messages along edges. We show that "
    "oversmoothing limits their depth and propose a residual scheme that keeps features apart."
)


def info(paper_id: str, title: str | None, summary: str | None, *, flat: bool = False, **fields: Any):
    """huggingface_hub's PaperInfo of a search result (or, flat, of paper_info)."""
    from huggingface_hub.hf_api import PaperInfo

    paper = paper_json(paper_id, title or "", summary, **fields)
    if title is None:
        del paper["title"]
    return PaperInfo(**(paper if flat else daily_entry(paper)))


def paper(title: str, abstract: str | None, key: str | None = None) -> Paper:
    return Paper(
        key=key or title_key(title),
        slug="x",
        title=title,
        abstract=abstract,
        sources=(Source("2026-12-01-x.txt", 3, date(2026, 12, 1)),),
    )


@pytest.fixture
def fake():
    with FakeHub(hang_seconds=5) as running:
        yield running


def client(fake: FakeHub, **options: Any) -> hub.Hub:
    return hub.connect(fake.url, timeout=options.pop("timeout", 0.5), delay=options.pop("delay", 0.01), **options)


# --- matching (pure) ------------------------------------------------------------------------

A, B, C = "2401.00001", "2401.00002", "2401.00003"

MATCHES = [
    pytest.param(
        "Attention Is All You Need",
        ATTENTION,
        [(A, "Attention Is All You Need", ATTENTION)],
        ("resolved", A),
        id="same",
    ),
    pytest.param(
        "attention  is all you need!",
        ATTENTION,
        [(A, "Attention Is All You Need", ATTENTION)],
        ("resolved", A),
        id="case-spacing-punctuation",
    ),
    pytest.param(
        "Ｅﬃcient Attention", ATTENTION, [(A, "Efficient Attention", ATTENTION)], ("resolved", A), id="unicode-forms"
    ),
    pytest.param(
        "Attention Is All You Need",
        ATTENTION[:120],
        [(A, "Attention Is All You Need", ATTENTION)],
        ("resolved", A),
        id="abstract-cut-short",
    ),
    pytest.param(
        "Attention Is All You Need",
        ATTENTION,
        [(A, "Attention Is Not All You Need", ATTENTION), (B, "Attention Is All You Need Too", ATTENTION)],
        ("unmatched", "no Hub paper has this title"),
        id="near-miss-titles",
    ),
    pytest.param(
        "Attention Is All You Need",
        ATTENTION,
        [(A, "Attention Is All You Need", OTHER)],
        ("unmatched", f"a Hub paper has this title but its abstract differs ({A})"),
        id="abstract-differs",
    ),
    pytest.param(
        "C++ Is All You Need",
        ATTENTION,
        [(A, "C# Is All You Need", OTHER), (B, "C++ Is All You Need", ATTENTION)],
        ("resolved", B),
        id="one-title-two-papers-abstract-decides",
    ),
    pytest.param(
        "Attention Is All You Need",
        ATTENTION,
        [(A, "Attention Is All You Need", ATTENTION), (B, "Attention is all you need", ATTENTION)],
        ("ambiguous", f"2 Hub papers have this title and an abstract like it ({A}, {B})"),
        id="two-papers-both-agree",
    ),
    pytest.param(
        "Attention Is All You Need",
        ATTENTION,
        [(A, "Attention Is All You Need", OTHER), (B, "Attention Is All You Need", OTHER)],
        ("unmatched", f"2 Hub papers have this title but their abstracts differ ({A}, {B})"),
        id="two-papers-both-differ",
    ),
    pytest.param(
        "Attention Is All You Need",
        None,
        [(A, "Attention Is All You Need", ATTENTION), (B, "Attention Is All You Need Again", OTHER)],
        ("resolved", A),
        id="no-abstract-one-title",
    ),
    pytest.param(
        "Attention Is All You Need",
        None,
        [(A, "Attention Is All You Need", ATTENTION), (B, "Attention Is All You Need", OTHER)],
        (
            "ambiguous",
            f"2 Hub papers have this title and the listing has no abstract to tell them apart ({A}, {B})",
        ),
        id="no-abstract-two-titles",
    ),
    pytest.param(
        "Attention Is All You Need",
        ATTENTION,
        [(A, "Attention Is All You Need", None)],
        ("resolved", A),
        id="hub-without-abstract-one-title",
    ),
    pytest.param(
        "Attention Is All You Need",
        ATTENTION,
        [(A, "Attention Is All You Need", None), (B, "Attention Is All You Need", OTHER)],
        ("ambiguous", f"2 Hub papers have this title; their abstracts do not tell which ({A}, {B})"),
        id="hub-without-abstract-two-titles",
    ),
    pytest.param(
        "Attention Is All You Need",
        ATTENTION,
        [(A, "Attention Is All You Need", ATTENTION), (A, "Attention Is All You Need", ATTENTION)],
        ("resolved", A),
        id="one-paper-found-twice",
    ),
    pytest.param(
        "Attention Is All You Need",
        ATTENTION,
        [(A, None, ATTENTION)],
        ("unmatched", "no Hub paper has this title"),
        id="result-without-title",
    ),
    pytest.param("Attention Is All You Need", ATTENTION, [], ("unmatched", "no Hub paper has this title"), id="none"),
]


@pytest.mark.parametrize(("title", "abstract", "found", "expected"), MATCHES)
def test_matching_rules(title: str, abstract: str | None, found: list[tuple], expected: tuple[str, str]) -> None:
    result = hub.match(title, abstract, [info(*candidate) for candidate in found])
    if expected[0] == "resolved":
        assert (result.status, result.paper.id if result.paper else None, result.reason) == (*expected, None)
    else:
        assert (result.status, result.paper, result.reason) == (expected[0], None, expected[1])


def test_many_ids_are_cut_short_in_a_reason() -> None:
    found = [info(f"2401.{n:05d}", "Attention Is All You Need", ATTENTION) for n in range(12)]
    result = hub.match("Attention Is All You Need", None, found)
    assert result.reason == (
        "12 Hub papers have this title and the listing has no abstract to tell them apart (2401.00000, 2401.00001, "
        "2401.00002, 2401.00003, 2401.00004, 2401.00005, 2401.00006, 2401.00007 and 4 more)"
    )


# --- records from what the Hub says (pure) ------------------------------------------------------


def roundtrip(record):
    return record_from_json(json.loads(record_to_json(record)))


def test_a_record_keeps_the_hubs_fields() -> None:
    found = info(
        A,
        "Attention Is All You Need",
        ATTENTION,
        flat=True,
        authors=["Ashish Vaswani", "Noam Shazeer"],
        published="2017-06-12T17:57:34.000Z",
        github="https://github.com/tensorflow/tensor2tensor",
        project="https://example.org/transformer/",
        keywords=["transformer", "attention"],
    )
    record, warnings = hub.make_record("attention is all you need", found, CHECKED)
    assert warnings == []
    assert roundtrip(record) == record
    assert json.loads(record_to_json(record)) == {
        "key": "attention is all you need",
        "status": "resolved",
        "checked": CHECKED,
        "arxiv_id": A,
        "title": "Attention Is All You Need",
        "authors": ["Ashish Vaswani", "Noam Shazeer"],
        "published": "2017-06-12",
        "github": "https://github.com/tensorflow/tensor2tensor",
        "project_page": "https://example.org/transformer/",
        "keywords": ["transformer", "attention"],
    }


def test_hostile_fields_are_kept_as_text_or_dropped_with_a_warning() -> None:
    found = info(
        A,
        "Attention\nIs All\x00 You Need\u202e",
        ATTENTION,
        flat=True,
        authors=[
            "<script>alert(1)</script>",
            "Bob\x07\tSmith",
            "  ",
            "x" * 301,
            {"name": "Hidden Author", "hidden": True},
            {"name": 42},
        ],
        github="https://gitlab.com/owner/repo",
        project="javascript:alert(1)",
        keywords=["fine\ntuning", "<b>bold</b>", "", 7, "fine tuning"],
    )
    record, warnings = hub.make_record("attention is all you need", found, CHECKED)
    assert roundtrip(record) == record
    assert record.title == "Attention Is All You Need"
    assert record.authors == ("<script>alert(1)</script>", "Bob Smith")  # escaped by the pages, not here
    assert record.keywords == ("fine tuning", "<b>bold</b>")
    assert (record.github, record.project_page) == (None, None)
    assert warnings == [
        "dropped an author's name '  ': not a name",
        f"dropped an author's name '{'x' * 76}...: not a name",
        "dropped an author's name 42: not a name",
        "dropped the keyword '': not a keyword",
        "dropped the keyword 7: not a keyword",
        "dropped the GitHub link 'https://gitlab.com/owner/repo': not a https://github.com/OWNER/REPO address",
        "dropped the project page 'javascript:alert(1)': not a plain http(s) address",
    ]


@pytest.mark.parametrize(
    ("github", "project", "kept"),
    [
        ("https://github.com/owner/repo", "http://example.org/a?b=c#d", (True, True)),
        ("https://github.com/owner/repo/", "https://example.org", (True, True)),
        (" https://github.com/owner/repo ", " https://example.org/x ", (True, True)),
        ("http://github.com/owner/repo", "data:text/html,<script>alert(1)</script>", (False, False)),
        ("https://github.com/owner", "https://example.org/a b", (False, False)),
        ("https://github.com/owner/repo/tree/main", 'https://example.org/"onmouseover="alert(1)', (False, False)),
        ("https://github.com.evil.org/owner/repo", "https://example.org/\x00", (False, False)),
        ("javascript:alert(1)//https://github.com/a/b", "JAVASCRIPT:alert(1)", (False, False)),
        (42, ["https://example.org"], (False, False)),
    ],
)
def test_links_are_kept_only_when_they_are_plain(github: object, project: object, kept: tuple[bool, bool]) -> None:
    found = info(A, "Title", ATTENTION, flat=True, github=github, project=project)
    record, warnings = hub.make_record("title", found, CHECKED)
    assert roundtrip(record) == record
    assert (record.github is not None, record.project_page is not None) == kept
    assert len(warnings) == kept.count(False)


def test_a_hub_id_that_is_not_an_arxiv_id_makes_no_resolved_record() -> None:
    with pytest.raises(ValueError, match="not an arXiv id"):
        hub.make_record("title", info("../../etc/passwd", "Title", ATTENTION, flat=True), CHECKED)
    result = hub.resolve_one("title", "Title", ATTENTION, _Offline([info("../x", "Title", ATTENTION)]), NOW)
    assert (result.status, result.record.reason) == (
        "unmatched",
        "the Hub paper with this title has no arXiv id ('../x')",
    )


class _Offline:
    """A client answering searches from a list, and counting them (no HTTP)."""

    def __init__(self, found: list) -> None:
        self.found = found
        self.requests = 0

    def search(self, _title: str) -> list:
        self.requests += 1
        return self.found

    def paper(self, paper_id: str):
        self.requests += 1
        return next(f for f in self.found if f.id == paper_id)


TEXT = st.text(st.characters(codec="utf-8"), max_size=400) | st.sampled_from(["", " ", "\n", "\u2028", "\ud800"])


@settings(max_examples=200, deadline=None)
@given(
    title=TEXT,
    names=st.lists(TEXT, max_size=5),
    keywords=st.lists(TEXT | st.integers(), max_size=5),
    github=TEXT,
    project=TEXT,
)
def test_every_record_made_reads_back(title, names, keywords, github, project) -> None:
    found = info(A, title, ATTENTION, flat=True, authors=names, keywords=keywords, github=github, project=project)
    record, _ = hub.make_record("some key", found, CHECKED)
    assert roundtrip(record) == record
    reason = hub.bounded_reason(f"no Hub paper has this title {title}")
    assert roundtrip(hub.unresolved_record("some key", "unmatched", reason, CHECKED)).reason == reason


# --- against the fake Hub ---------------------------------------------------------------------


def test_a_paper_resolves_in_two_requests_and_an_unmatched_one_in_one(fake: FakeHub) -> None:
    fake.add(A, "Attention Is All You Need", ATTENTION, github="https://github.com/a/b", keywords=["attention"])
    fake.add(B, "Attention Is Not All You Need", OTHER)
    hub_client = client(fake)
    found = hub.resolve_one("k", "Attention Is All You Need", ATTENTION, hub_client, NOW)
    assert (found.status, found.requests, found.record.arxiv_id, found.record.github, found.record.keywords) == (
        "resolved",
        2,  # the search results lack the GitHub repository and keywords: paper_info has them
        A,
        "https://github.com/a/b",
        ("attention",),
    )
    assert found.record.authors == ("Ada Lovelace", "Alan Turing")
    assert found.record.published == date(2024, 1, 15) and found.record.checked == CHECKED
    missing = hub.resolve_one("k2", "Nothing Like It", ATTENTION, hub_client, NOW)
    assert (missing.status, missing.requests, missing.record.reason) == ("unmatched", 1, "no Hub paper has this title")
    assert fake.requests == [
        "/api/papers/search?q=Attention+Is+All+You+Need&limit=10",
        f"/api/papers/{A}",
        "/api/papers/search?q=Nothing+Like+It&limit=10",
    ]


def test_flat_search_results_need_no_second_request() -> None:
    with FakeHub(flat_search=True) as fake:
        fake.add(A, "Attention Is All You Need", ATTENTION, github="https://github.com/a/b")
        found = hub.resolve_one("k", "Attention Is All You Need", ATTENTION, client(fake), NOW)
    assert (found.status, found.requests, found.record.github) == ("resolved", 1, "https://github.com/a/b")


@pytest.mark.parametrize(
    ("fault", "waits"),
    [
        pytest.param(lambda f: f.fail("/api/papers/search", 429, 1, retry_after="1"), [1.0], id="429-retry-after"),
        pytest.param(lambda f: f.fail("/api/papers/search", 429, 2), [0.01, 0.02], id="429"),
        pytest.param(lambda f: f.fail("/api/papers/search", 503, 3), [0.01, 0.02, 0.04], id="503-three-times"),
        pytest.param(lambda f: f.fail("/api/papers/2401", 500, 1), [0.01], id="500-on-paper-info"),
        pytest.param(lambda f: f.hang("/api/papers/search", 1), [0.01], id="hang"),
        pytest.param(lambda f: f.close("/api/papers/search", 2), [0.01, 0.02], id="connection-closed"),
    ],
)
def test_passing_failures_are_retried_with_growing_waits(fake: FakeHub, fault, waits: list[float]) -> None:
    fake.add(A, "Attention Is All You Need", ATTENTION)
    fault(fake)
    hub_client = client(fake)
    found = hub.resolve_one("k", "Attention Is All You Need", ATTENTION, hub_client, NOW)
    assert (found.status, found.error, hub_client.waits, found.requests) == ("resolved", None, waits, 2 + len(waits))


@pytest.mark.parametrize(
    ("fault", "requests", "error"),
    [
        (lambda f: f.fail("/api/papers/search", 503, 9), 4, "the Hub answered HTTP 503 Service Unavailable (4 tries)"),
        (lambda f: f.hang("/api/papers/search", 9), 4, "no answer from the Hub in time (4 tries)"),
        (lambda f: f.fail("/api/papers/2401", 404, 9), 2, "the Hub answered HTTP 404 Not Found"),
        (lambda f: f.fail("/api/papers/search", 403, 9), 1, "the Hub answered HTTP 403 Forbidden"),
        (
            lambda f: f.garbage("/api/papers/search", 9),
            1,
            "the Hub's answer could not be read (JSONDecodeError: Expecting value: line 1 column 1 (char 0))",
        ),
    ],
    ids=["503", "hang", "404-not-retried", "403-not-retried", "not-json"],
)
def test_a_lasting_failure_is_reported_after_bounded_tries(fake: FakeHub, fault, requests: int, error: str) -> None:
    fake.add(A, "Attention Is All You Need", ATTENTION)
    fault(fake)
    found = hub.resolve_one("k", "Attention Is All You Need", ATTENTION, client(fake, timeout=0.2), NOW)
    assert (found.status, found.record, found.error, found.requests) == ("failed", None, error, requests)


def test_an_unreachable_hub_is_a_failure_too() -> None:
    with FakeHub() as fake:
        url = fake.url
    hub_client = hub.connect(url, timeout=0.5, delay=0.01)
    found = hub.resolve_one("k", "Attention Is All You Need", ATTENTION, hub_client, NOW)
    assert found.status == "failed" and found.requests == 4
    assert found.error == "cannot reach the Hub (ConnectError: [Errno 111] Connection refused) (4 tries)"


def test_details_of_another_paper_are_refused() -> None:
    class Lying(FakeHub):
        def answer(self, target: str) -> tuple[int, Any]:
            if target == f"/api/papers/{A}":
                return 200, paper_json(B, "Something Else", OTHER)
            return super().answer(target)

    with Lying() as fake:
        fake.add(A, "Attention Is All You Need", ATTENTION)
        found = hub.resolve_one("k", "Attention Is All You Need", ATTENTION, client(fake), NOW)
    assert (found.status, found.error) == ("failed", f"the Hub answered with the paper '{B}' when asked for {A}")


def test_a_bad_answer_from_the_hub_fails_the_paper_not_the_run(fake: FakeHub) -> None:
    fake.add(A, "Attention Is All You Need", ATTENTION, published="yesterday")  # PaperInfo cannot parse it
    found = hub.resolve_one("k", "Attention Is All You Need", ATTENTION, client(fake), NOW)
    assert found.status == "failed" and found.requests == 1
    assert found.error.startswith("the Hub's answer could not be read (ValueError: ")


def papers_of(folder: Path, titles: list[str]) -> list[Paper]:
    folder.mkdir(exist_ok=True)
    return [paper(title, ATTENTION) for title in titles]


TITLES = [f"A Study of Attention Number {n}" for n in range(1, 7)]


def seeded(fake: FakeHub) -> None:
    for n, title in enumerate(TITLES, start=1):
        fake.add(f"2401.{n:05d}", title, ATTENTION)


def test_a_failed_paper_is_not_recorded_and_the_next_run_looks_it_up(fake: FakeHub, tmp_path: Path) -> None:
    seeded(fake)
    papers = papers_of(tmp_path, TITLES[:3])
    fake.fail("/api/papers/search", 503, 4)  # every try of the first paper
    seen: list[hub.Outcome] = []
    summary = hub.resolve_and_save(tmp_path, papers, client(fake), NOW, report=seen.append)
    assert [o.status for o in seen] == ["failed", "resolved", "resolved"]
    assert (summary.counts["failed"], summary.counts["resolved"], summary.requests, summary.written) == (1, 2, 8, 2)
    assert sorted(read_records(tmp_path)) == [title_key(TITLES[1]), title_key(TITLES[2])]
    fake.requests.clear()
    again = hub.resolve_and_save(tmp_path, papers, client(fake), NOW)
    assert (again.counts["resolved"], again.looked_up, again.requests) == (1, 1, 2)
    assert fake.requests[0] == "/api/papers/search?q=A+Study+of+Attention+Number+1&limit=10"
    assert len(read_records(tmp_path)) == 3
    assert hub.resolve_and_save(tmp_path, papers, client(fake), NOW).looked_up == 0  # nothing left to do


def test_retry_looks_unmatched_papers_up_again(fake: FakeHub, tmp_path: Path) -> None:
    papers = papers_of(tmp_path, TITLES[:2])
    first = hub.resolve_and_save(tmp_path, papers, client(fake), NOW)
    assert first.counts == {"unmatched": 2}
    seeded(fake)
    assert hub.resolve_and_save(tmp_path, papers, client(fake), NOW).looked_up == 0
    again = hub.resolve_and_save(tmp_path, papers, client(fake), NOW, retry=True, limit=1)
    assert again.counts == {"resolved": 1}
    assert [r.status for r in read_records(tmp_path).values()] == ["resolved", "unmatched"]


def test_records_are_written_as_the_run_goes(fake: FakeHub, tmp_path: Path) -> None:
    seeded(fake)
    papers = papers_of(tmp_path, TITLES)
    on_disk: list[int] = []

    def look(target: str) -> None:
        if target.startswith("/api/papers/search"):
            path = tmp_path / FILE_NAME
            on_disk.append(len(path.read_text().splitlines()) if path.exists() else 0)

    fake.on_request = look
    hub.resolve_and_save(tmp_path, papers, client(fake), NOW, save_every=2)
    assert on_disk == [0, 0, 2, 2, 4, 4]
    assert len(read_records(tmp_path)) == 6


def test_an_interrupted_run_keeps_what_it_resolved(fake: FakeHub, tmp_path: Path) -> None:
    seeded(fake)
    papers = papers_of(tmp_path, TITLES)

    class Interrupted(hub.Hub):
        def search(self, title: str) -> list:
            if title == TITLES[3]:
                raise KeyboardInterrupt
            return super().search(title)

    hub_client = client(fake)
    with pytest.raises(KeyboardInterrupt):  # records are saved every 25: these by the interrupt
        hub.resolve_and_save(tmp_path, papers, Interrupted(hub_client.api, timeout=0.5), NOW)
    assert sorted(read_records(tmp_path)) == sorted(title_key(t) for t in TITLES[:3])
    fake.requests.clear()
    rest = hub.resolve_and_save(tmp_path, papers, hub_client, NOW)
    assert rest.counts == {"resolved": 3}
    assert fake.requests[0] == "/api/papers/search?q=A+Study+of+Attention+Number+4&limit=10"


def test_a_long_retry_after_stops_the_run(fake: FakeHub, tmp_path: Path) -> None:
    seeded(fake)
    papers = papers_of(tmp_path, TITLES)
    fake.fail("/api/papers/search", 429, 1, retry_after="3600")
    summary = hub.resolve_and_save(tmp_path, papers, client(fake), NOW)
    assert (summary.counts, summary.left, summary.requests) == ({"failed": 1}, 5, 1)
    assert summary.stopped == "the Hub asks to wait before it is asked again"


def test_a_dead_hub_stops_the_run_after_a_few_papers(tmp_path: Path) -> None:
    with FakeHub() as fake:
        url = fake.url
    papers = papers_of(tmp_path, TITLES)
    summary = hub.resolve_and_save(tmp_path, papers, hub.connect(url, timeout=0.2, delay=0.001), NOW)
    assert (summary.counts, summary.left, summary.requests) == ({"failed": 5}, 1, 20)
    assert summary.stopped == "5 papers in a row failed"
    assert not (tmp_path / FILE_NAME).exists()


def test_retry_after_as_a_date() -> None:
    assert hub.parse_retry_after("120") == 120.0
    assert hub.parse_retry_after("Wed, 02 Dec 2026 10:00:30 GMT", NOW) == 30.0
    assert hub.parse_retry_after("Wed, 02 Dec 2026 09:00:00 GMT", NOW) == 0.0
    assert hub.parse_retry_after("soon") is None and hub.parse_retry_after(None) is None


def test_no_token_is_sent_and_the_endpoint_comes_from_hf_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeHub() as fake:
        fake.add(A, "Attention Is All You Need", ATTENTION)
        monkeypatch.setenv("HF_TOKEN", "hf_secret")
        monkeypatch.setenv("HF_ENDPOINT", fake.url + "/")
        hub_client = hub.connect(timeout=0.5)
        assert hub_client.search("Attention Is All You Need")[0].id == A
        assert hub_client.paper(A).id == A
        assert hub_client.api.endpoint == fake.url
    assert len(fake.headers) == 2
    for headers in fake.headers:
        assert "authorization" not in headers
    assert "agent/" not in fake.headers[0]["user-agent"]  # huggingface_hub's telemetry: off
    assert fake.headers[0]["user-agent"].startswith("paper-archive/")


def test_a_bad_hf_endpoint_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "javascript:alert(1)")
    with pytest.raises(hub.ArchiveError, match="HF_ENDPOINT must be an http"):
        hub.connect()


# --- the daily papers as a dump -----------------------------------------------------------------


def test_daily_papers_are_fetched_page_by_page(fake: FakeHub) -> None:
    for n in range(150):
        fake.add(f"2401.{n:05d}", f"Paper Number {n}", ATTENTION)
        fake.list_on("2024-01-16", f"2401.{n:05d}")
    hub_client = client(fake)
    listed = hub_client.daily(date(2024, 1, 16))
    assert [p.id for p in listed] == [f"2401.{n:05d}" for n in range(150)]
    assert fake.requests == [
        "/api/daily_papers?p=0&limit=100&date=2024-01-16",
        "/api/daily_papers?p=1&limit=100&date=2024-01-16",
    ]
    assert hub_client.daily(date(2024, 1, 17)) == []


def test_the_daily_listing_reads_back_as_written() -> None:
    papers = [
        info(A, "Attention\nIs All\tYou Need", ATTENTION.replace(". ", ".\n\n"), flat=True),
        info(B, "Graphs. A Study", OTHER + "\x07", flat=True),  # a title with a full stop
        info(C, "May 30", ATTENTION, flat=True),  # would read as a day line
        info("2401.00004", "Short Abstract", "It works", flat=True),  # would read as a title
        info("2401.00005", "No Abstract", None, flat=True),
        info("2401.00006", None, ATTENTION, flat=True),
        info("2401.00007", "x" * 301, ATTENTION, flat=True),
        info("2401.00008", "byAK and the research community", ATTENTION, flat=True),
    ]
    kept, warnings = hub.daily_listing(papers)
    assert [item.info.id for item in kept] == [A, B]
    assert warnings == [
        "May 30: left out of the dump: its title would not read back as a title",
        "Short Abstract: left out of the dump: its abstract would read back as a title",
        "No Abstract: left out of the dump: it has no abstract",
        "'2401.00006': left out of the dump: it has no title",
        f"{'x' * 301}: left out of the dump: its title would not read back as a title",
        "byAK and the research community: left out of the dump: its title would not read back as a title",
    ]
    text = hub.dump_text(kept)
    dump = parse_dump(text, "2024-01-16-daily.txt", date(2024, 1, 16))
    assert [(e.title, e.abstract) for e in dump.entries] == [
        ("Attention Is All You Need", " ".join(ATTENTION.split())),
        ("Graphs. A Study", OTHER),
    ]
    assert dump.warnings == () and text.startswith("Get trending papers in your email inbox!\nSubscribe\n")


def test_records_of_a_listing_need_no_search(fake: FakeHub) -> None:
    fake.add(A, "Attention Is All You Need", ATTENTION, github="https://github.com/a/b")
    hub_client = client(fake)
    listed = [
        ("k1", "Attention Is All You Need", [info(A, "Attention Is All You Need", ATTENTION)]),
        ("k2", "Twice", [info(B, "Twice", ATTENTION), info(C, "Twice", ATTENTION)]),
    ]
    first, second = hub.listed_outcomes(listed, hub_client, NOW)
    assert (first.status, first.record.github, first.requests) == ("resolved", "https://github.com/a/b", 1)
    assert (second.status, second.record.reason) == (
        "ambiguous",
        f"the Hub listed 2 papers as this one on the day ({B}, {C})",
    )
    assert fake.requests == [f"/api/papers/{A}"]


def test_the_fake_hub_serves_what_huggingface_hub_parses(fake: FakeHub) -> None:
    from huggingface_hub import HfApi

    fake.add(A, "Attention Is All You Need", ATTENTION, github="https://github.com/a/b", keywords=["k"])
    fake.list_on("2024-01-16", A)
    api = HfApi(endpoint=fake.url, token=False)
    (searched,) = api.list_papers(query="attention", limit=5, token=False)
    full = api.paper_info(A)
    (daily,) = api.list_daily_papers(date="2024-01-16", token=False)
    for found in (searched, full, daily):
        assert (found.id, found.title, found.summary) == (A, "Attention Is All You Need", ATTENTION)
        assert [a.name for a in found.authors] == ["Ada Lovelace", "Alan Turing"]
        assert found.published_at == datetime(2024, 1, 15, tzinfo=UTC)
    assert (full.github_repo, full.ai_keywords) == ("https://github.com/a/b", ["k"])
    assert (searched.github_repo, daily.github_repo, searched.ai_keywords) == (None, None, None)  # under "paper"
    assert daily.submitted_at == datetime(2024, 1, 16, tzinfo=UTC)


# --- the commands ---------------------------------------------------------------------------------

FEATURE = "We formalize and study a phenomenon called feature collapse. It makes precise an intuitive idea."
NEURONS = "We study the universality of individual neurons across GPT2 models. Many neurons are universal."
FIRST = f"Get trending papers in your email inbox!\nSubscribe\nFeature Collapse\n{FEATURE}\n"
FIRST += f"Universal Neurons in GPT2 Language Models\n{NEURONS}\n"
NEW = (
    f"Get trending papers in your email inbox!\nSubscribe\nFeature Collapse\n{FEATURE}\n"
    f"Scaling Laws for Tiny Models\n{OTHER}\n"
)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    (tmp_path / "dumps").mkdir()
    (tmp_path / "dumps" / "2026-05-30-first.txt").write_text(FIRST, encoding="utf-8")
    return tmp_path


def hostile(fake: FakeHub) -> None:
    fake.add(
        "2401.00001",
        "Feature Collapse",
        FEATURE,
        authors=["<img src=x onerror=alert(1)>", "Eve\x1b[31m Red"],
        github="https://evil.example/owner/repo",
        project="javascript:alert(1)",
        keywords=["feature collapse"],
    )


def generator(folder: Path, fake: FakeHub | str, *args: str, **env: str):
    url = fake if isinstance(fake, str) else fake.url
    settings = {"HF_ENDPOINT": url, "PA_HUB_DELAY": "0.01", "PA_HUB_TIMEOUT": "1", **env}
    return run_generator(*args, cwd=folder, env=settings)


def test_resolve_records_what_the_hub_knows(archive: Path, fake: FakeHub) -> None:
    hostile(fake)
    result = generator(archive, fake, "resolve")
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "Looked up 2 papers on the Hub: 1 resolved, 1 unmatched, 0 ambiguous, 0 failed; 3 requests (1.5 a paper); "
        "2 records written to dumps/records.jsonl.\n",
        "resolve: Feature Collapse: warning: dropped the GitHub link 'https://evil.example/owner/repo': not a "
        "https://github.com/OWNER/REPO address\n"
        "resolve: Feature Collapse: warning: dropped the project page 'javascript:alert(1)': not a plain http(s) "
        "address\n",
    )
    records = read_records(archive / "dumps")
    assert records["feature collapse"].authors == ("<img src=x onerror=alert(1)>", "Eve[31m Red")
    assert records["universal neurons in gpt2 language models"].reason == "no Hub paper has this title"
    again = generator(archive, fake, "resolve")
    assert (again.returncode, again.stdout) == (
        0,
        "Nothing to look up: all 2 papers have a record (--retry looks the unmatched and ambiguous ones up again).\n",
    )
    fake.add("2401.00002", "Universal Neurons in GPT2 Language Models", NEURONS)
    retried = generator(archive, fake, "resolve", "--retry")
    assert (retried.returncode, retried.stdout.split(":")[1]) == (
        0,
        " 1 resolved, 0 unmatched, 0 ambiguous, 0 failed; 2 requests (2.0 a paper); 1 record written to dumps/records.jsonl.\n",
    )


def test_resolve_reports_a_failed_paper_exits_1_and_the_next_run_retries_it(archive: Path, fake: FakeHub) -> None:
    hostile(fake)
    fake.fail("/api/papers/search", 503, 4)
    result = generator(archive, fake, "resolve")
    assert (result.returncode, result.stdout) == (
        1,
        "Looked up 2 papers on the Hub: 0 resolved, 1 unmatched, 0 ambiguous, 1 failed; 5 requests (2.5 a paper); "
        "1 record written to dumps/records.jsonl. The 1 that failed (network errors, after retries, or answers "
        "that could not be read) were not recorded: `python -m generator resolve` will try them again.\n",
    )
    assert result.stderr == "resolve: Feature Collapse: the Hub answered HTTP 503 Service Unavailable (4 tries)\n"
    assert list(read_records(archive / "dumps")) == ["universal neurons in gpt2 language models"]
    again = generator(archive, fake, "resolve")
    assert again.returncode == 0 and again.stdout.startswith("Looked up 1 paper on the Hub: 1 resolved,")
    assert len(read_records(archive / "dumps")) == 2


def test_resolve_stops_when_the_hub_is_down_and_says_so(archive: Path) -> None:
    result = generator(archive, "http://127.0.0.1:9", "resolve", "--limit", "1")
    assert result.returncode == 1
    assert result.stderr == (
        "resolve: Feature Collapse: cannot reach the Hub (ConnectError: [Errno 111] Connection refused) (4 tries)\n"
    )
    assert result.stdout.startswith("Looked up 1 paper on the Hub: 0 resolved, 0 unmatched, 0 ambiguous, 1 failed;")
    assert not (archive / "dumps" / FILE_NAME).exists()


def test_an_interrupted_resolve_keeps_its_records(archive: Path, fake: FakeHub) -> None:
    hostile(fake)
    searches = []

    def hang_the_second(target: str) -> None:
        if target.startswith("/api/papers/search"):
            searches.append(target)
            if len(searches) == 2:
                fake.hang("/api/papers/search")

    fake.on_request = hang_the_second
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_ENDPOINT": fake.url, "PA_HUB_TIMEOUT": "30"}
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "resolve"],
        cwd=archive,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a command started in the background by a shell without job control (`cmd &` in a
        # script, as CI may run the suite) ignores SIGINT, and so would this child: Python then
        # raises no KeyboardInterrupt (the run went on to the end)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert fake.hanging.wait(60), "the second paper's search never came"
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert (process.returncode, out) == (130, "")
    assert err.endswith(
        "resolve: interrupted; the records made so far are kept in dumps/records.jsonl: "
        "`python -m generator resolve` goes on from there\n"
    )
    assert list(read_records(archive / "dumps")) == ["feature collapse"]
    fake.requests.clear()
    fake.on_request = None
    rest = generator(archive, fake, "resolve")
    assert rest.returncode == 0 and rest.stdout.startswith("Looked up 1 paper on the Hub: 0 resolved, 1 unmatched")
    assert fake.requests == ["/api/papers/search?q=Universal+Neurons+in+GPT2+Language+Models&limit=10"]


def test_add_offline_makes_no_request(archive: Path, fake: FakeHub) -> None:
    (archive / "new.txt").write_text(NEW, encoding="utf-8")
    result = generator(archive, fake, "add", "new.txt", "--date", "2026-06-01", "--offline")
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "Filed dumps/2026-06-01-new.txt: 2 papers, 1 new, 1 already in the archive.\n",
        "",
    )
    assert fake.requests == [] and not (archive / "dumps" / FILE_NAME).exists()
    offline = generator(archive, fake, "add", "new.txt", "--date", "2026-06-02", HF_HUB_OFFLINE="1")
    assert (offline.returncode, offline.stderr) == (
        0,
        "add: HF_HUB_OFFLINE is set: the dump's papers were not looked up on the Hub; `python -m generator "
        "resolve` will look them up\n",
    )
    assert fake.requests == []
    refused = generator(archive, fake, "resolve", HF_HUB_OFFLINE="1")
    assert (refused.returncode, refused.stderr) == (
        1,
        "error: HF_HUB_OFFLINE is set: looking papers up needs the Hub\n",
    )


def test_add_looks_up_the_new_dumps_papers(archive: Path, fake: FakeHub) -> None:
    hostile(fake)
    fake.add("2401.00003", "Scaling Laws for Tiny Models", OTHER, github="https://github.com/tiny/laws")
    assert generator(archive, fake, "resolve").returncode == 0
    fake.requests.clear()
    (archive / "new.txt").write_text(NEW, encoding="utf-8")
    result = generator(archive, fake, "add", "new.txt", "--date", "2026-06-01")
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "Filed dumps/2026-06-01-new.txt: 2 papers, 1 new, 1 already in the archive.\n"
        "Looked up 1 paper on the Hub: 1 resolved, 0 unmatched, 0 ambiguous, 0 failed; 2 requests (2.0 a paper); "
        "1 record written to dumps/records.jsonl.\n",
        "",
    )
    assert fake.requests == ["/api/papers/search?q=Scaling+Laws+for+Tiny+Models&limit=10", "/api/papers/2401.00003"]
    assert read_records(archive / "dumps")["scaling laws for tiny models"].github == "https://github.com/tiny/laws"


def test_add_keeps_the_dump_filed_when_the_hub_fails(archive: Path) -> None:
    (archive / "new.txt").write_text(NEW, encoding="utf-8")
    result = generator(archive, "http://127.0.0.1:9", "add", "new.txt", "--date", "2026-06-01")
    assert result.returncode == 1
    assert result.stdout.startswith("Filed dumps/2026-06-01-new.txt: 2 papers, 1 new, 1 already in the archive.\n")
    assert result.stderr.splitlines()[-1] == (
        "add: the dump was filed (dumps/2026-06-01-new.txt), but 2 of its papers could not be looked up on the Hub: "
        "`python -m generator resolve` will try them again"
    )
    assert (archive / "dumps" / "2026-06-01-new.txt").read_text(encoding="utf-8") == NEW
    assert "scaling-laws-for-tiny-models\t" in (archive / "dumps" / "permalinks.tsv").read_text(encoding="utf-8")
    bad = generator(archive, "ftp://127.0.0.1", "add", "new.txt", "--date", "2026-06-02")
    assert (bad.returncode, bad.stderr) == (
        1,
        "error: HF_ENDPOINT must be an http(s) address, not 'ftp://127.0.0.1'\n"
        "add: the dump was filed (dumps/2026-06-02-new.txt); `python -m generator resolve` will look its papers up\n",
    )


def test_fetch_writes_the_days_papers_as_a_dump_with_their_records(archive: Path, fake: FakeHub) -> None:
    hostile(fake)
    fake.add(
        "2401.00004", "Long\nTitle  Split Over Lines", OTHER + "\n\nSecond paragraph.", github="https://github.com/a/b"
    )
    fake.add("2401.00005", "May 30", OTHER)
    fake.list_on("2026-06-03", "2401.00001", "2401.00004", "2401.00005")
    result = generator(archive, fake, "fetch", "--date", "2026-06-03")
    assert (result.returncode, result.stdout) == (
        0,
        "Fetched the Hub's daily papers of 2026-06-03 into dumps/2026-06-03-daily.txt: 2 papers, 1 new, "
        "1 already in the archive.\n"
        "Looked up 2 papers on the Hub: 2 resolved, 0 unmatched, 0 ambiguous, 0 failed; 3 requests (1.5 a paper); "
        "2 records written to dumps/records.jsonl.\n",
    )
    assert (
        result.stderr.splitlines()[0] == "fetch: May 30: left out of the dump: its title would not read back as a title"
    )
    dump = archive / "dumps" / "2026-06-03-daily.txt"
    assert dump.read_text(encoding="utf-8") == (
        f"Get trending papers in your email inbox!\nSubscribe\nFeature Collapse\n{FEATURE}\n"
        f"Long Title Split Over Lines\n{OTHER} Second paragraph.\n"
    )
    checked = generator(archive, fake, "check", "dumps/2026-06-03-daily.txt")
    assert (checked.returncode, checked.stdout, checked.stderr) == (
        0,
        "dumps/2026-06-03-daily.txt: 2 papers listed, 2 distinct, 0 duplicates, 0 warnings\n",
        "",
    )
    records = read_records(archive / "dumps")
    assert records["long title split over lines"].github == "https://github.com/a/b"
    assert records["feature collapse"].authors == ("<img src=x onerror=alert(1)>", "Eve[31m Red")
    assert fake.count("/api/papers/search") == 0  # the listing says which paper it is
    before = {p.name: p.read_bytes() for p in (archive / "dumps").iterdir()}
    again = generator(archive, fake, "fetch", "--date", "2026-06-03")
    assert (again.returncode, again.stdout, again.stderr) == (
        1,
        "",
        "dumps/2026-06-03-daily.txt: a dump with this name is already filed; fetch never overwrites one\n",
    )
    assert {p.name: p.read_bytes() for p in (archive / "dumps").iterdir()} == before
    built = generator(
        archive,
        fake,
        "build",
        "--docs",
        "docs",
        "--overrides",
        "",
        "--taxonomy",
        str(ROOT / "taxonomy" / "tags.yml"),
    )
    assert built.returncode == 0, built.stderr


def test_fetch_writes_nothing_when_the_hub_fails(archive: Path, fake: FakeHub) -> None:
    fake.fail("/api/daily_papers", 503, 4)
    result = generator(archive, fake, "fetch", "--date", "2026-06-03")
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        "",
        "error: cannot list the daily papers of 2026-06-03: the Hub answered HTTP 503 Service Unavailable "
        "(4 tries); nothing written\n",
    )
    assert sorted(p.name for p in (archive / "dumps").iterdir()) == ["2026-05-30-first.txt"]
    empty = generator(archive, fake, "fetch", "--date", "2026-06-04")
    assert (empty.returncode, empty.stdout) == (0, "The Hub lists no daily papers for 2026-06-04: nothing written.\n")
    assert sorted(p.name for p in (archive / "dumps").iterdir()) == ["2026-05-30-first.txt"]


def test_builds_never_import_huggingface_hub(archive: Path, fake: FakeHub) -> None:
    hostile(fake)
    assert generator(archive, fake, "resolve").returncode == 0
    taxonomy = str(ROOT / "taxonomy" / "tags.yml")
    for command in (
        ["build", "--docs", "docs", "--overrides", "", "--taxonomy", taxonomy],
        ["check", "dumps/2026-05-30-first.txt"],
    ):
        result = generator(archive, "http://127.0.0.1:9", *command, PYTHONPROFILEIMPORTTIME="1")
        assert result.returncode == 0, result.stderr
        imported = {
            line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")
        }
        assert "generator.records" in imported or command[0] == "check"
        assert not {name for name in imported if name.split(".")[0] in ("huggingface_hub", "httpx2", "httpcore2")}
