"""The static JSON API: files parse, are consistent with the papers, and stay small."""

from __future__ import annotations

import gzip
import io
import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.api import API_VERSION, INDEX, build_api, day_path, encode, gzip_bytes, tag_path
from generator.model import Paper
from generator.records import Record
from generator.related import related_papers
from tests._papers import paper, shared_papers

SITE = "https://example.github.io/paper-archive/"
START = date(2026, 3, 1)


CHECKED = "2026-12-01T00:00:00Z"


def archive(count: int = 90) -> list[Paper]:
    papers = []
    for i in range(count):
        first = START + timedelta(days=i % 9)
        days = (first, first + timedelta(days=2), first + timedelta(days=30)) if i % 5 == 0 else (first,)
        tags = ("Vision & Language",) if i % 2 else ("Theory", "Optimization") if i % 3 else ()
        abstract = None if i % 11 == 0 else f"Abstract {i}: naïve “quotes” and \\ backslash."
        made = paper(f"paper-{i:03d}", f"Paper {i}", abstract, days, tags)
        if i % 4 == 1:  # some resolved on the Hub, with code or without; one not found
            found = Record(
                made.key,
                "resolved",
                CHECKED,
                f"2401.{i:05d}",
                made.title,
                ("A. Author", "B <Author>"),
                date(2024, 1, 1 + i % 28),
                "https://github.com/o/r" if i % 8 == 1 else None,
            )
            made = replace(made, record=found)
        elif i == 2:
            made = replace(made, record=Record(made.key, "unmatched", CHECKED, reason="no Hub paper has this title"))
        papers.append(made)
    return papers


def document_bytes(path: str, content: str | bytes) -> bytes:
    """A file's JSON text: day and tag files are gzip-compressed, the index is not."""
    assert isinstance(content, bytes)
    assert path.endswith(".json.gz") == path.startswith(("api/days/", "api/tags/"))
    return gzip.decompress(content) if path.endswith(".gz") else content


def load(files: dict[str, str | bytes], path: str) -> Any:
    content = document_bytes(path, files[path])
    assert content.endswith(b"\n") and b"\r" not in content
    return json.loads(content.decode("utf-8"))


def check(papers: list[Paper], site_url: str, related: dict[str, tuple[str, ...]] | None = None) -> None:
    """Every API file parses, and together they say exactly what the papers say."""
    files = build_api(papers, site_url, related)
    index = load(files, INDEX)
    assert index["version"] == API_VERSION
    assert index["count"] == len(papers)
    assert index["updated"] == max(p.listed for p in papers).isoformat()
    assert index["site_url"] == site_url
    by_slug = {p.slug: p for p in papers}

    # Every paper is in exactly one day file (its first listing day), with its full record.
    seen: dict[str, dict[str, Any]] = {}
    days = [day["date"] for day in index["days"]]
    assert days == sorted(days, reverse=True)
    assert set(days) == {d.isoformat() for p in papers for d in p.dates}
    for day in index["days"]:
        assert day["path"] == f"api/days/{day['date']}.json.gz"
        document = load(files, day["path"])
        assert document["date"] == day["date"] and document["version"] == API_VERSION
        assert document["count"] == day["count"] == len(document["papers"])
        slugs = [record["slug"] for record in document["papers"]]
        assert slugs == sorted(slugs)
        for record in document["papers"]:
            assert record["slug"] not in seen
            seen[record["slug"]] = record
            assert record["date"] == day["date"]
        for ref in document["relisted"]:
            p = by_slug[ref["slug"]]
            assert day["date"] in [d.isoformat() for d in p.dates[1:]]
            assert ref == {"slug": p.slug, "title": p.title, "date": p.listed.isoformat()}
    assert set(seen) == set(by_slug)
    for slug, record in seen.items():
        p = by_slug[slug]
        assert record == {
            "slug": p.slug,
            "title": p.title,
            "abstract": p.abstract,
            "tags": list(p.tags),
            "date": p.listed.isoformat(),
            "dates": [d.isoformat() for d in p.dates],
            "url": f"{site_url}papers/{p.slug}/",
            "related": list((related or {}).get(slug, ())),
            **hub_fields(p),
        }

    # Tag files list the tag's papers, newest first.
    tags = {tag for p in papers for tag in p.tags}
    assert {entry["name"] for entry in index["tags"]} == tags
    for entry in index["tags"]:
        assert entry["path"] == tag_path(entry["name"]) == f"api/tags/{entry['slug']}.json.gz"
        assert entry["page"] == f"tags/{entry['slug']}/"
        assert entry["feed"] == f"feeds/tags/{entry['slug']}.xml"
        document = load(files, entry["path"])
        members = [p for p in papers if entry["name"] in p.tags]
        assert document["count"] == entry["count"] == len(members) == len(document["papers"])
        assert document["name"] == entry["name"] and document["slug"] == entry["slug"]
        assert [ref["slug"] for ref in document["papers"]] == [
            p.slug for p in sorted(members, key=lambda p: (-p.listed.toordinal(), p.slug))
        ]
    expected = {INDEX} | {day_path(d) for p in papers for d in p.dates} | {tag_path(t) for t in tags}
    assert set(files) == expected


def hub_fields(paper: Paper) -> dict[str, Any]:
    """What the API says of a paper's record (nothing when it is not resolved)."""
    found = paper.record if paper.record is not None and paper.record.resolved else None
    return {
        "arxiv_id": found.arxiv_id if found else None,
        "authors": list(found.authors) if found else [],
        "published": found.published.isoformat() if found and found.published else None,
        "code": found.github if found else None,
        "project_page": found.project_page if found else None,
    }


def test_synthetic_archive() -> None:
    check(archive(), SITE)


def test_without_site_url_urls_are_site_relative() -> None:
    files = build_api(archive(3), "")
    record = load(files, day_path(START))["papers"][0]
    assert record["url"] == "papers/paper-000/"


def test_site_url_without_trailing_slash() -> None:
    assert build_api(archive(), SITE.rstrip("/")) != build_api(archive(), SITE)  # site_url is echoed
    files = build_api(archive(), SITE.rstrip("/"))
    assert load(files, day_path(START))["papers"][0]["url"] == f"{SITE}papers/paper-000/"


def test_canonical_bytes() -> None:
    papers = archive()
    files = build_api(papers, SITE)
    assert files == build_api(list(reversed(papers)), SITE)
    for path, content in files.items():
        text = document_bytes(path, content)
        document = json.loads(text)
        canonical = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
        assert text == canonical.encode("utf-8")
    assert "naïve “quotes”".encode() in gzip.decompress(files[day_path(START + timedelta(days=1))])


# Text a dump can hold: any character but lone surrogates (UTF-8 cannot encode them).
TEXT = st.text(st.characters(exclude_categories=["Cs"]))


@given(texts=st.lists(TEXT, max_size=4), number=st.integers(-(2**63), 2**63 - 1), day=st.dates())
def test_encode_is_canonical_json(texts: list[str], number: int, day: date) -> None:
    """orjson writes exactly what json.dumps writes in the canonical form; dates as ISO dates."""
    document = {text: {"text": text, "n": number} for text in texts} | {"list": texts, "none": None, "day": day}
    expected = {**document, "day": day.isoformat()}
    canonical = json.dumps(expected, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
    assert encode(document) == canonical.encode("utf-8")


@pytest.mark.parametrize("level", [0, 1, 2, 3])
@pytest.mark.parametrize("data", [b"", b"{}\n", "naïve “quotes”\n".encode() * 500, bytes(range(256)) * 40])
def test_gzip_bytes(data: bytes, level: int) -> None:
    """A standard gzip member that depends on the data alone: no name, time 0, OS unknown."""
    packed = gzip_bytes(data, level)
    assert gzip.decompress(packed) == data
    assert packed[:10] == b"\x1f\x8b\x08\x00\x00\x00\x00\x00" + bytes([4 if level < 3 else 0, 255])
    assert packed == gzip_bytes(data, level)
    with gzip.GzipFile(fileobj=io.BytesIO(packed)) as reader:
        assert reader.read() == data and reader.mtime == 0


def test_empty_archive() -> None:
    files = build_api([], SITE)
    assert list(files) == [INDEX]
    assert load(files, INDEX) == {
        "count": 0,
        "days": [],
        "site_url": SITE,
        "tags": [],
        "updated": None,
        "version": API_VERSION,
    }


def test_refusals() -> None:
    with pytest.raises(ValueError, match="slug"):
        build_api([paper("a"), paper("a")], SITE)
    with pytest.raises(ValueError, match="same slug"):
        build_api([paper("a", tags=("A B",)), paper("b", tags=("a-b",))], SITE)


def test_day_files_stay_small() -> None:
    """A day file holds one day's papers, however large the archive."""
    papers = [paper(f"p{i:05d}", abstract="x" * 1400, listed=(START + timedelta(days=i // 150),)) for i in range(3000)]
    files = build_api(papers, SITE)
    days = [gzip.decompress(content) for path, content in files.items() if path.startswith("api/days/")]
    assert max(map(len, days)) < 150 * 1700
    assert len(files[INDEX]) < 20 * 100


def test_shared_dumps_with_related(tmp_path: Path) -> None:

    papers = list(shared_papers(tmp_path))
    check(papers, SITE, related_papers(papers))
