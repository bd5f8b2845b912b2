"""Where every generated page and file lives, relative to the site root (and to docs/).

One place for the paths the pages, feeds, API, sitemaps and search link to: a page's URL
(``papers/<slug>/``, directory URLs) and the Markdown file MkDocs builds it from
(``papers/<slug>.md``).
"""

from __future__ import annotations

from datetime import date

#: the folders the generator writes under docs/ (see generator.write)
PAPERS = "papers"
TAGS = "tags"
DAYS = "archive"
FEEDS = "feeds"
API = "api"

HOME_FILE = "index.md"
TAGS_URL = f"{TAGS}/"
TAGS_FILE = f"{TAGS}/index.md"
ARCHIVE_URL = f"{DAYS}/"
ARCHIVE_FILE = f"{DAYS}/index.md"
ALL_FEED = f"{FEEDS}/all.xml"
API_INDEX = f"{API}/index.json"
API_FILTERS = f"{API}/filters.json"
API_CODE = f"{API}/code.json"


def paper_url(slug: str) -> str:
    return f"papers/{slug}/"


def paper_file(slug: str) -> str:
    return f"papers/{slug}.md"


def tag_url(slug: str, page: int | None = None) -> str:
    """A tag's front page, or its numbered page `page` (see render.TagPage)."""
    return f"tags/{slug}/" if page is None else f"tags/{slug}/page-{page}/"


def tag_file(slug: str, page: int | None = None) -> str:
    return f"tags/{slug}/index.md" if page is None else f"tags/{slug}/page-{page}.md"


def day_path(day: date) -> str:
    """ "2026/05/30": where a listing day's page is under archive/."""
    return f"{day.year}/{day.month:02d}/{day.day:02d}"


def day_url(day: date) -> str:
    return f"archive/{day_path(day)}/"


def day_file(day: date) -> str:
    return f"archive/{day_path(day)}.md"


def tag_feed(slug: str) -> str:
    return f"feeds/tags/{slug}.xml"


def api_day(day: date) -> str:
    return f"api/days/{day.isoformat()}.json.gz"


def api_tag(slug: str) -> str:
    return f"api/tags/{slug}.json.gz"
