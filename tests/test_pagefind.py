"""The same dumps build the same site, byte for byte, Pagefind's index included.

Pagefind 1.5.2 writes a site's filters in a random order in every run (generator.pagefind
explains why), so its filter files, its metadata and pagefind-entry.json changed between two
builds of the same site; generator.pagefind.sort_filters puts them in order after it ran.
Nothing in the site is left out of the comparison: every file must be the same.

The site is a small one (40 papers listed over two years, so both the tag and the year filter
have several values) built with Pagefind by lowering the threshold (PA_PAGEFIND_FROM).

The one thing besides the input that the site depends on is the day it is built: MkDocs writes
it into sitemap.xml as every page's <lastmod>, and as the time in sitemap.xml.gz's gzip header
(unless SOURCE_DATE_EPOCH sets another). The builds compared set SOURCE_DATE_EPOCH, so the test
cannot fail across midnight, and a third build a day later shows those are the only two files
the day changes.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from bench.synthetic import write_dumps
from generator.pagefind import PagefindError, decode, encode, read, read_blocks, searched_part, sort_filters
from generator.search import search_blocks
from tests._papers import paper
from tests.sitebuild import build_site, file_hashes

PAPERS = 40
DAY = 1_767_225_600  # 2026-01-01, as SOURCE_DATE_EPOCH: the day MkDocs takes as the build's


def filters(bundle: Path) -> dict[str, dict[str, list[int]]]:
    """The filters of a Pagefind index (English), in the order of its files: {filter: {value: pages}}."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    meta, _ = decode(read(bundle / f"pagefind.{entry['languages']['en']['hash']}.pf_meta"))
    found = {}
    for name, file_hash in meta[3]:
        (filter_name, values), _ = decode(read(bundle / "filter" / f"{file_hash}.pf_filter"))
        assert filter_name == name
        found[name] = dict(values)
    return found


@pytest.mark.slow
def test_two_builds_of_the_same_dumps_are_the_same_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dumps = tmp_path / "dumps"
    for path in write_dumps(dumps, PAPERS, per_day=10)[2:]:  # 2024-01-01 ... 2024-01-04
        path.rename(path.with_name(path.name.replace("2024-", "2025-")))
    monkeypatch.setenv("PA_PAGEFIND_FROM", str(PAPERS // 2))
    monkeypatch.setenv("PA_PAGEFIND_BLOCK", str(PAPERS // 2))  # two indexes
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(DAY))
    first = build_site(tmp_path / "first", dumps)
    second = build_site(tmp_path / "second", dumps)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(DAY + 86_400))
    next_day = build_site(tmp_path / "next-day", dumps)

    indexes = [filters(first / "pagefind" / str(number)) for number in range(2)]
    assert sorted((first / "pagefind").iterdir()) == [first / "pagefind" / "0", first / "pagefind" / "1"]
    for index in indexes:
        assert list(index) == ["tag", "year"]
        assert len(index["tag"]) > 5 and list(index["tag"]) == sorted(index["tag"])
    # blocks in the order papers were first listed: the 2024 papers first
    assert [list(index["year"]) for index in indexes] == [["2024"], ["2025"]]
    files, again, later = file_hashes(first), file_hashes(second), file_hashes(next_day)
    assert len(files) > PAPERS
    assert list(files) == list(again) == list(later)
    assert [path for path in files if files[path] != again[path]] == []
    # The day of the build is the time in sitemap.xml.gz's gzip header (the sitemap has no
    # <lastmod>: overrides/sitemap.xml): the only file it changes.
    assert [path for path in files if files[path] != later[path]] == ["sitemap.xml.gz"]


PAGE = """<!doctype html><html lang="en"><head><title>Page {number}</title></head>
<body><main data-pagefind-body><h1>Page {number}</h1><p>{words}</p>
<span data-pagefind-filter="tag">{tag}</span><span data-pagefind-filter="tag">{other}</span>
<span data-pagefind-filter="year">{year}</span></main></body></html>
"""


def pagefind(site: Path, output: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", site, "--output-path", output, "--silent"],
        check=True,
        capture_output=True,
    )


def test_sorting_pagefinds_filters_keeps_what_they_hold_and_names_files_by_content(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    tags = ["zeta", "Alpha", "beta", "Émile", "gamma", "delta", "epsilon"]
    for number in range(30):
        text = PAGE.format(
            number=number,
            words=f"quantization word{number}",
            tag=tags[number % len(tags)],
            other=tags[(number * 3) % len(tags)],
            year=2020 + number % 4,
        )
        (site / f"{number}.html").write_text(text, encoding="utf-8")
    bundles = [tmp_path / "first", tmp_path / "second"]
    for bundle in bundles:
        pagefind(site, bundle)
    before = [filters(bundle) for bundle in bundles]
    for bundle in bundles:
        sort_filters(bundle)
    after = [filters(bundle) for bundle in bundles]

    assert after[0] == before[0] == before[1]  # the same values and pages (dicts ignore order)
    assert list(after[0]) == ["tag", "year"]
    assert list(after[0]["tag"]) == sorted(tags, key=str.encode)  # by bytes, as Pagefind sorts
    assert file_hashes(bundles[0]) == file_hashes(bundles[1])
    for path in (bundles[0] / "filter").iterdir():  # named as Pagefind names them
        assert path.name == f"en_{hashlib.sha1(read(path)).hexdigest()[:7]}.pf_filter"
    entry = json.loads((bundles[0] / "pagefind-entry.json").read_text(encoding="utf-8"))
    meta = bundles[0] / f"pagefind.{entry['languages']['en']['hash']}.pf_meta"
    assert meta.name == f"pagefind.en_{hashlib.sha1(read(meta)).hexdigest()[:10]}.pf_meta"
    assert len(list(bundles[0].glob("*.pf_meta"))) == 1


@pytest.mark.parametrize("item", [0, 23, 24, 255, 256, 65_536, 2**32, "", "é" * 30, [], [1, ["a", [2**40]]]])
def test_cbor_round_trip(item: object) -> None:
    data = encode(item)
    assert decode(data) == (item, len(data))


@pytest.mark.parametrize("data", [b"\x20", b"\xa0", b"\xf6", b"\x9f\xff", b"\x82\x01"])
def test_unexpected_cbor_is_refused(data: bytes) -> None:
    with pytest.raises(ValueError):
        decode(data)


@pytest.mark.parametrize(
    ("html", "searched"),
    [
        (b"<h1>T</h1><p>abstract</p>", b"<h1>T</h1><p>abstract</p>"),
        (
            b'<h1>T</h1><div class="pa-more"><h2>Related</h2><ul><li>x</li></ul></div></article>',
            b"<h1>T</h1></article>",
        ),
        (
            b'<p data-pagefind-ignore>Listed on <a data-pagefind-filter="year:2024">May 1</a>'
            b'<span class="pa-again"> and again on <a>May 9</a></span>.</p><p>abstract</p>',
            b'<p data-pagefind-ignore>Listed on <a data-pagefind-filter="year:2024">May 1</a>.</p><p>abstract</p>',
        ),
        # escaped text cannot stand for a part (abstracts are escaped)
        (b"<p>&lt;div class=&quot;pa-more&quot;&gt;</p>", b"<p>&lt;div class=&quot;pa-more&quot;&gt;</p>"),
    ],
)
def test_an_index_key_leaves_out_what_pagefind_does_not_read(html: bytes, searched: bytes) -> None:
    assert searched_part(html) == searched


def test_blocks_follow_the_order_papers_were_first_listed() -> None:
    may = [date(2026, 5, day) for day in (1, 2, 3)]
    papers = [paper("c", listed=(may[1],)), paper("a", listed=(may[2],)), paper("b", listed=(may[1], may[2]))]
    assert search_blocks(papers, 2) == [["b", "c"], ["a"]]
    # a newer paper joins the last block or starts one: the full blocks stay as they were
    newer = paper("0-newest", listed=(date(2026, 6, 1),))
    assert search_blocks([*papers, newer], 2) == [["b", "c"], ["a", "0-newest"]]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b'[["a-paper", "b"], ["c"]]', None),
        (b'[["../../etc"]]', "'../../etc' is not a paper's slug"),
        (b'[["a/b"]]', "'a/b' is not a paper's slug"),
        (b'[["a"], []]', "expected a list of blocks of paper slugs"),
        (b'{"a": 1}', "expected a list of blocks of paper slugs"),
        (b"[[1]]", "1 is not a paper's slug"),
    ],
)
def test_the_blocks_file_holds_paper_slugs_only(data: bytes, error: str | None) -> None:
    if error is None:
        assert read_blocks(data) == json.loads(data)
    else:
        with pytest.raises(PagefindError, match=re.escape(error)):
            read_blocks(data)
