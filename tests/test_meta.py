"""A paper page's head (issue 18): each thing once for each kind of reader of it.

Search engines read the description tag, reference managers and Google Scholar the citation_*
tags, link previews OpenGraph's og:type, og:site_name, og:title and og:url, and Google the
JSON-LD's headline: no copy of the description or of the title that none of them reads."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date

import pytest

from generator.meta import HEADLINE_LENGTH, scholarly_article
from generator.records import Record
from generator.render import environment
from tests._papers import paper

URL = "https://example.org/papers/p/"
DESCRIPTION = "What the paper is about, in short."
RECORD = Record(
    "k",
    "resolved",
    "2026-01-01T00:00:00Z",
    "2401.00001",
    authors=("Ada Lovelace", "Alan Turing"),
    published=date(2024, 1, 3),
)
LONG = "A Title " * 20


def head(title: str, record: Record | None, url: str = URL) -> str:
    macros = environment().get_template("paper.md.j2").module
    return str(macros.head(replace(paper("p"), title=title), record, url, DESCRIPTION, "Paper Archive"))  # type: ignore[attr-defined]


def tags(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<meta (?:name|property)="([^"]+)" content="([^"]*)">', html)


def json_ld(html: str) -> dict[str, object]:
    (text,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html)
    return json.loads(text)


@pytest.mark.parametrize("record", [None, RECORD], ids=["no record", "record"])
@pytest.mark.parametrize("url", [URL, ""], ids=["site address", "no address"])
def test_the_head_writes_the_description_once_and_the_title_once_for_each_reader(
    record: Record | None, url: str
) -> None:
    html = head("Feature Collapse", record, url)
    names = [name for name, _ in tags(html)]
    assert html.count(DESCRIPTION) == 1 and ("description", DESCRIPTION) in tags(html)
    assert "og:description" not in names
    # citation_title (Scholar, Zotero), og:title (link previews), headline (Google's article data)
    assert html.count("Feature Collapse") == 3
    assert [n for n in names if n.startswith("og:")] == ["og:type", "og:site_name", "og:title"] + (
        ["og:url"] if url else []
    )
    assert html.count(URL) == (1 if url else 0)  # og:url; the canonical link is the layout's
    data = json_ld(html)
    assert "description" not in data and "url" not in data and "name" not in data
    assert data["headline"] == "Feature Collapse" and data["@type"] == "ScholarlyArticle"


def test_reference_managers_keep_the_citation_tags() -> None:
    assert [t for t in tags(head("Feature Collapse", RECORD)) if t[0].startswith("citation_")] == [
        ("citation_title", "Feature Collapse"),
        ("citation_author", "Ada Lovelace"),
        ("citation_author", "Alan Turing"),
        ("citation_publication_date", "2024/01/03"),
        ("citation_arxiv_id", "2401.00001"),
        ("citation_pdf_url", "https://arxiv.org/pdf/2401.00001"),
    ]


@pytest.mark.parametrize(
    ("title", "fields"),
    [
        ("Short", {"headline": "Short"}),
        ("x" * HEADLINE_LENGTH, {"headline": "x" * HEADLINE_LENGTH}),
        # a headline cut at Google's limit: the whole title as the name
        (LONG, {"headline": LONG[:HEADLINE_LENGTH], "name": LONG}),
    ],
)
def test_the_json_ld_names_a_paper_by_its_headline_and_whole_title_only_once(
    title: str, fields: dict[str, str]
) -> None:
    data = scholarly_article(replace(paper("p"), title=title), None)
    assert data == {"@context": "https://schema.org", "@type": "ScholarlyArticle", **fields}


def test_the_json_ld_keeps_the_records_facts() -> None:
    data = scholarly_article(paper("p"), RECORD)
    assert data["author"] == [{"@type": "Person", "name": "Ada Lovelace"}, {"@type": "Person", "name": "Alan Turing"}]
    assert data["datePublished"] == "2024-01-03" and data["sameAs"] == "https://arxiv.org/abs/2401.00001"
