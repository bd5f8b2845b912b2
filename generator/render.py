"""Render the archive's pages into the files of docs/ (pure: yields (path under docs/, content))."""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from html import escape

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from . import text, urls
from .feeds import SITE_TITLE, tag_feed_path
from .meta import json_ld, scholarly_article
from .model import Paper, first_listed
from .records import abs_url, hub_url, pdf_url
from .search import engine
from .slugs import slug_of
from .write import Deferred

#: papers per tag page (see TagPage)
TAG_PAGE_SIZE = 100
#: tags shown on the home page
HOME_TAGS = 12
#: front matter of pages left out of the search index: they list papers, and their
#: titles and snippets would crowd the papers themselves out of the results.
NOT_INDEXED = {"exclude": True}
#: The theme template of the pages a large archive is made of (papers, tags, days): Material's
#: page without what only works with JavaScript (overrides/lean.html).
LEAN_TEMPLATE = "lean.html"


@dataclass(frozen=True)
class TagGroup:
    """A tag's papers, for its pages. `label`: the tag as papers carry it and pages show it
    (Paper.tags); `slug`: its URL's (urls.tag_url)."""

    label: str
    slug: str
    papers: tuple[Paper, ...]  # newest first

    @property
    def count(self) -> int:
        return len(self.papers)


@dataclass(frozen=True)
class TagPage:
    """One page of a tag's papers.

    The tag's front page (number None) shows its newest papers. Older papers are on pages
    of TAG_PAGE_SIZE numbered from the oldest (page-1 holds the first papers ever tagged), so
    a page, once full, never changes as papers are added: an update rewrites the front page
    and at most the newest numbered page, not every page of the tag.
    """

    number: int | None
    papers: tuple[Paper, ...]  # newest first
    newer: int | None  # the next newer numbered page; None: the front page
    older: int | None  # the next older numbered page; None: there is none


def _full_pages(count: int) -> int:
    """The numbered pages of a tag of `count` papers (see TagPage)."""
    return count // TAG_PAGE_SIZE if count > TAG_PAGE_SIZE else 0


def tag_pages(tag: TagGroup) -> list[TagPage]:
    oldest_first = tag.papers[::-1]
    full = _full_pages(tag.count)
    pages = [TagPage(None, tag.papers[:TAG_PAGE_SIZE], None, full or None)]
    for number in range(full, 0, -1):
        chunk = oldest_first[(number - 1) * TAG_PAGE_SIZE : number * TAG_PAGE_SIZE]
        pages.append(TagPage(number, chunk[::-1], number + 1 if number < full else None, number - 1 or None))
    return pages


@dataclass(frozen=True)
class Day:
    listed: date
    papers: tuple[Paper, ...]  # in the order they were listed that day
    previous: date | None = None
    next: date | None = None


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    days: tuple[Day, ...]
    count: int  # distinct papers listed in the month

    @property
    def name(self) -> str:
        return text.MONTH_NAMES[self.month - 1]


@dataclass(frozen=True)
class Year:
    year: int
    months: tuple[Month, ...]  # newest first
    count: int


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("generator", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
        lstrip_blocks=False,
    )
    env.globals.update(
        abs_url=abs_url,
        pdf_url=pdf_url,
        hub_url=hub_url,
        json_ld=json_ld,
        scholarly_article=scholarly_article,
        linkify=text.linkify,
        snippet=text.snippet,
        long_date=text.long_date,
        day_path=urls.day_path,
        day_url=urls.day_url,
        paper_url=urls.paper_url,
        tag_url=urls.tag_url,
        TAGS_URL=urls.TAGS_URL,
        ARCHIVE_URL=urls.ARCHIVE_URL,
        ALL_FEED=urls.ALL_FEED,
    )
    return env


def front_matter(html: bool = True, **fields: object) -> Markup:
    """YAML front matter. Titles and descriptions are HTML-escaped: Material prints them as HTML.

    `html`: the page's body is finished HTML, which MkDocs need not pass through Markdown
    (see overrides/hooks.py). Values are strings, lists of strings or mappings of them.
    """
    lines = [_field(key, value) for key, value in fields.items() if value is not None and value != [] and value != ()]
    if html:
        lines.append('generated: "html"\n')
    return Markup("".join(lines))


def _field(key: str, value: object) -> str:
    if key == "title":
        return f"title: {_quoted(escape(str(value), quote=False))}\n"
    if key == "description":  # printed into an attribute by Material's base.html as it is
        return f"description: {_quoted(escape(str(value)))}\n"
    return f"{key}: {yaml_value(value)}\n"


# Characters a YAML double-quoted scalar must not hold raw: controls, and the Unicode line
# separators YAML would fold; JSON's escapes (\uXXXX) are valid YAML escapes.
_YAML_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")


_JSON_STRING = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(value, ensure_ascii=False)


def _escape_unsafe(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def _quoted(value: str) -> str:
    """A YAML double-quoted scalar: the JSON string, with what YAML must not hold raw escaped."""
    return _YAML_UNSAFE.sub(_escape_unsafe, _JSON_STRING(value))


def yaml_value(value: object) -> str:
    """A YAML flow value (double-quoted strings) that reads back exactly as `value`."""
    if isinstance(value, str):
        return _quoted(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{yaml_value(str(k))}: {yaml_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(yaml_value(item) for item in value) + "]"
    raise TypeError(f"no YAML for {value!r}")


def base_of(path: str) -> str:
    """The relative prefix from a page's URL to the site root (directory URLs)."""
    depth = path.count("/") + (0 if path.endswith("index.md") else 1)
    return "../" * depth


def group_tags(papers: Sequence[Paper]) -> list[TagGroup]:
    """Tags with their papers, newest first; tags sorted by count then label."""
    by_label: dict[str, list[Paper]] = defaultdict(list)
    for paper in papers:
        for label in paper.tags:
            by_label[label].append(paper)
    tags = [
        TagGroup(label, slug_of(label), tuple(sorted(members, key=first_listed, reverse=True)))
        for label, members in by_label.items()
    ]
    return sorted(tags, key=lambda tag: _tag_order(tag.label, tag.count))


def _tag_order(label: str, count: int) -> tuple[int, str, str]:
    """Where a tag goes among the tags: most papers first, then by label."""
    return (-count, label.casefold(), label)


def group_days(papers: Sequence[Paper]) -> list[Day]:
    """Listing days, oldest first, each with its papers in listing order."""
    listings: dict[date, list[tuple[str, int, Paper]]] = defaultdict(list)
    for paper in papers:
        seen: set[date] = set()
        for source in paper.sources:
            if source.listed not in seen:
                seen.add(source.listed)
                listings[source.listed].append((source.dump, source.line, paper))
    dates = sorted(listings)
    return [
        Day(
            day,
            tuple(paper for _, _, paper in sorted(listings[day], key=lambda item: item[:2])),
            dates[index - 1] if index > 0 else None,
            dates[index + 1] if index + 1 < len(dates) else None,
        )
        for index, day in enumerate(dates)
    ]


def group_years(days: Iterable[Day]) -> list[Year]:
    """Years and months, newest first, with counts of distinct papers."""
    months: dict[tuple[int, int], list[Day]] = defaultdict(list)
    for day in days:
        months[(day.listed.year, day.listed.month)].append(day)
    by_year: dict[int, list[Month]] = defaultdict(list)
    for (year, month), month_days in sorted(months.items(), reverse=True):
        count = len({paper.key for day in month_days for paper in day.papers})
        by_year[year].append(Month(year, month, tuple(reversed(month_days)), count))
    return [
        Year(year, tuple(months_of_year), len({p.key for m in months_of_year for d in m.days for p in d.papers}))
        for year, months_of_year in sorted(by_year.items(), reverse=True)
    ]


#: characters of the abstract a page's description holds (what search engines show)
DESCRIPTION_LENGTH = 160


def paper_pages(
    papers: Sequence[Paper],
    related: Mapping[str, Sequence[str]],
    site_url: str,
    pagefind: bool,
    code: str,
    shown: Mapping[str, bytes],
) -> Iterator[tuple[str, str | Deferred]]:
    """The page of each paper as (path under docs/, Markdown), with its related papers.

    With `code` (a digest of the generator's code and templates), each page is Deferred: made
    only when its key, the digest of `code` and all the page shows, is not that of the page
    the last build left (generator.write); `shown` is :func:`_shown` of `papers`, for the keys."""
    macros = environment().get_template("paper.md.j2").module  # a macro call costs less than a template
    page, head = macros.page, macros.head  # type: ignore[attr-defined]
    # what a page shows of a related paper: (slug, title, first listing day)
    link = {paper.slug: (paper.slug, paper.title, paper.listed) for paper in papers}

    def markdown(paper: Paper, others: list[tuple[str, str, date]], path: str) -> str:
        record = paper.record if paper.record is not None and paper.record.resolved else None
        description = text.snippet(paper.abstract, DESCRIPTION_LENGTH) or paper.title
        url = f"{site_url}{urls.paper_url(paper.slug)}" if site_url else ""
        matter = front_matter(
            title=paper.title,
            tags=paper.tags,
            hide=("toc",),
            template=LEAN_TEMPLATE,
            head=str(head(paper, record, url, description, SITE_TITLE)),
        )
        return str(page(paper, record, others, base_of(path), pagefind, matter))

    for paper in papers:
        path = urls.paper_file(paper.slug)
        listed = related.get(paper.slug, ())
        others = [link[slug] for slug in listed]
        make = functools.partial(markdown, paper, others, path)
        yield path, _made(code, (paper, site_url, pagefind), make, [shown[slug] for slug in listed] if code else [])


def _shown(papers: Sequence[Paper]) -> dict[str, bytes]:
    """What a page that lists a paper shows of it (its slug, title and first listing day), by
    slug, as a key spells it out: made once a paper, not once each page that lists it."""
    return {
        paper.slug: repr((paper.slug, paper.title, paper.listed)).encode("utf-8", "surrogatepass") for paper in papers
    }


def _made(
    code: str, inputs: tuple[object, ...], make: Callable[[], str], listed: Sequence[bytes] = ()
) -> str | Deferred:
    """A page: with `code`, Deferred under the digest of `code`, `inputs` and `listed`, all the
    page is made of (the repr of `inputs`: str, int, date, tuples and frozen dataclasses of them,
    spelled out whole; then the papers it lists, :func:`_shown`'s, one a line: a repr holds no
    line break); without, made now."""
    if not code:
        return make()
    state = hashlib.blake2b(repr((code, inputs)).encode("utf-8", "surrogatepass"), digest_size=16)
    state.update(b"\n")
    state.update(b"\n".join(listed))
    return Deferred(state.hexdigest(), make)


def page_files(
    papers: Sequence[Paper], related: Mapping[str, Sequence[str]] | None = None, site_url: str = "", code: str = ""
) -> Iterator[tuple[str, str | Deferred]]:
    """Every generated page as (path under docs/, Markdown): papers, tags, days, archive, home
    (paper, tag and day pages Deferred with `code`: :func:`paper_pages`)."""
    env = environment()
    templates = {name: env.get_template(f"{name}.md.j2") for name in ("tag", "tags", "day", "archive", "home")}
    pagefind = engine(len(papers)) == "pagefind"  # the markup Pagefind reads, only where it is used
    shown = _shown(papers) if code else {}
    yield from paper_pages(papers, related or {}, site_url, pagefind, code, shown)

    tags = group_tags(papers)
    for tag in tags:
        feed = tag_feed_path(tag.label)
        for page in tag_pages(tag):
            path = urls.tag_file(tag.slug, page.number)
            title = tag.label if page.number is None else f"{tag.label} (page {page.number})"
            # only the front page says how many: a full numbered page never changes (TagPage)
            description = (
                f"{tag.count} papers on {tag.label} listed on Hugging Face Papers, newest first."
                if page.number is None
                else f"Papers on {tag.label} listed on Hugging Face Papers, page {page.number} (page 1: the first)."
            )
            matter = front_matter(
                title=title,
                description=description,
                hide=["toc"],
                search=NOT_INDEXED,
                feed=feed,
                feed_title=f"Paper Archive: {tag.label}",
                template=LEAN_TEMPLATE,
            )
            render = functools.partial(
                templates["tag"].render, tag=tag, page=page, base=base_of(path), feed=feed, front_matter=matter
            )
            # what the page shows: its papers' slugs, titles and days, and the tag's count on page one
            listed = [shown[paper.slug] for paper in page.papers] if code else []
            count = tag.count if page.number is None else None
            inputs = (path, matter, tag.label, tag.slug, count, page.number, page.newer, page.older)
            yield path, _made(code, inputs, render, listed)
    matter = front_matter(False, title="Tags", hide=["toc"], search=NOT_INDEXED)
    yield urls.TAGS_FILE, templates["tags"].render(tags=tags, front_matter=matter)

    days = group_days(papers)
    for day in days:
        path = urls.day_file(day.listed)
        matter = front_matter(
            title=text.long_date(day.listed),
            description=f"The {len(day.papers)} papers listed on Hugging Face Papers on {text.long_date(day.listed)}.",
            hide=["toc"],
            search=NOT_INDEXED,
            template=LEAN_TEMPLATE,
        )
        render = functools.partial(templates["day"].render, day=day, base=base_of(path), front_matter=matter)
        # what the page shows: its neighbours, and its papers' slugs, titles, days and abstracts
        listing = [(paper.slug, paper.title, paper.listed, paper.abstract) for paper in day.papers] if code else []
        yield path, _made(code, (path, matter, day.listed, day.previous, day.next, listing), render)
    yield (
        urls.ARCHIVE_FILE,
        templates["archive"].render(
            years=group_years(days),
            days=days,
            total_papers=len(papers),
            front_matter=front_matter(False, title="Archive", search=NOT_INDEXED),
        ),
    )
    yield (
        urls.HOME_FILE,
        templates["home"].render(
            total_papers=len(papers),
            days=days,
            tags=tags,
            top_tags=tags[:HOME_TAGS],
            latest=days[-1] if days else None,
            front_matter=front_matter(False, title="Home", hide=["toc"], search=NOT_INDEXED),
        ),
    )
