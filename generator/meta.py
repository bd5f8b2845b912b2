"""What a paper page's head tells machines about the paper: schema.org's ScholarlyArticle
(JSON-LD), written so that no text can end the script element it stands in."""

from __future__ import annotations

import orjson
from markupsafe import Markup

from .model import Paper
from .records import Record, abs_url, pdf_url


def json_ld(data: object) -> Markup:
    """`data` as JSON that is safe inside <script type="application/ld+json">: in a script
    element only "</script" or "<!--" could end or confuse it, and JSON may write any
    character as \\uXXXX, so "<", ">" and "&" never appear raw."""
    text = orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode("utf-8")
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


#: Google's limit for an article's headline
HEADLINE_LENGTH = 110


def scholarly_article(paper: Paper, record: Record | None) -> dict[str, object]:
    """The schema.org description of a paper: its record's facts when it has one.

    Its headline, and a `name` only when the headline is cut (a title longer than Google's limit
    for a headline): Google's article data reads the headline, and the title is in the page's
    title, citation_title and og:title. No `description`: the page's description
    tag holds it (what search engines show), and Google's article data does not read one. No
    `url`: the data describes the page it stands in, whose canonical link gives its address."""
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "headline": paper.title[:HEADLINE_LENGTH],
    }
    if len(paper.title) > HEADLINE_LENGTH:
        data["name"] = paper.title
    if record is not None and record.arxiv_id is not None:
        data["identifier"] = f"arXiv:{record.arxiv_id}"
        data["sameAs"] = abs_url(record.arxiv_id)
        data["encoding"] = {
            "@type": "MediaObject",
            "encodingFormat": "application/pdf",
            "contentUrl": pdf_url(record.arxiv_id),
        }
        if record.authors:
            data["author"] = [{"@type": "Person", "name": name} for name in record.authors]
        if record.published:
            data["datePublished"] = record.published.isoformat()
        if record.github:
            data["isBasedOn"] = record.github
    return data
