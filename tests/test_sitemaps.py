"""Sitemaps past the protocol's 50,000 URLs: a sitemap index and sitemaps of at most 50,000."""

from __future__ import annotations

import gzip
import importlib.util
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from generator.sitemaps import MAX_URLS, split_sitemap
from tests.sitebuild import ROOT

SITE = "https://example.github.io/paper-archive/"
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


#: how a URL is laid out: by MkDocs' own template, and by the site's (overrides/sitemap.xml)
LAYOUTS = {
    "mkdocs": "    <url>\n         <loc>{}</loc>\n         <lastmod>2026-11-22</lastmod>\n    </url>\n",
    "archive": "<url><loc>{}</loc></url>\n",
}


def mkdocs_sitemap(count: int, layout: str = "archive") -> str:
    """A sitemap laid out the way MkDocs writes it with a template of LAYOUTS."""
    urls = "".join(LAYOUTS[layout].format(f"{SITE}papers/p{i}/") for i in range(count))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls + "</urlset>"
    )


def locs(xml: str) -> list[str]:
    return [element.text or "" for element in ET.fromstring(xml).iter(f"{NS}loc")]


@pytest.mark.parametrize("count", [0, 1, 3])
def test_small_sitemaps_are_left_alone(count: int) -> None:
    assert split_sitemap(mkdocs_sitemap(count), SITE, limit=3) == {}


def test_protocol_limit() -> None:
    assert MAX_URLS == 50_000


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize(("count", "limit", "parts"), [(4, 3, 2), (6, 3, 2), (7, 3, 3), (10, 1, 10)])
def test_large_sitemaps_become_an_index(count: int, limit: int, parts: int, layout: str) -> None:
    files = split_sitemap(mkdocs_sitemap(count, layout), SITE, limit=limit)
    names = [f"sitemap-{n}.xml" for n in range(1, parts + 1)]
    assert sorted(files) == sorted([*names, "sitemap.xml"])
    index = ET.fromstring(files["sitemap.xml"])
    assert index.tag == f"{NS}sitemapindex"
    assert locs(files["sitemap.xml"]) == [SITE + name for name in names]
    found = []
    for name in names:
        part = ET.fromstring(files[name])
        assert part.tag == f"{NS}urlset"
        assert 1 <= len(part) <= limit
        found += locs(files[name])
    assert found == locs(mkdocs_sitemap(count, layout))  # every URL once, in order
    assert files[names[0]].startswith('<?xml version="1.0" encoding="UTF-8"?>\n<urlset')


def test_site_url_without_trailing_slash() -> None:
    files = split_sitemap(mkdocs_sitemap(2), SITE.rstrip("/"), limit=1)
    assert locs(files["sitemap.xml"]) == [f"{SITE}sitemap-1.xml", f"{SITE}sitemap-2.xml"]


def test_without_a_site_address_the_sitemap_is_left_alone() -> None:
    assert split_sitemap(mkdocs_sitemap(5), "", limit=1) == {}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_refusals(layout: str) -> None:
    broken = re.sub("</url>\n", "</url>\n<!-- x -->\n", mkdocs_sitemap(3, layout), count=1)
    with pytest.raises(ValueError, match="urlset"):
        split_sitemap(broken, SITE, limit=1)


def test_the_build_hook_splits_a_sitemap_of_50001_urls(tmp_path: Path) -> None:
    """overrides/hooks.py, as MkDocs runs it after a build of more than 50,000 pages."""
    spec = importlib.util.spec_from_file_location("pa_hooks", ROOT / "overrides" / "hooks.py")
    assert spec and spec.loader
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    original = mkdocs_sitemap(MAX_URLS + 1)
    (tmp_path / "sitemap.xml").write_text(original, encoding="utf-8")
    hooks.write_sitemaps(tmp_path, SITE)
    index = (tmp_path / "sitemap.xml").read_text(encoding="utf-8")
    assert locs(index) == [f"{SITE}sitemap-1.xml", f"{SITE}sitemap-2.xml"]
    assert gzip.decompress((tmp_path / "sitemap.xml.gz").read_bytes()).decode("utf-8") == index
    first, second = (locs((tmp_path / f"sitemap-{n}.xml").read_text(encoding="utf-8")) for n in (1, 2))
    assert (len(first), len(second)) == (MAX_URLS, 1)
    assert first + second == locs(original)
    small = mkdocs_sitemap(3)
    (tmp_path / "sitemap.xml").write_text(small, encoding="utf-8")
    hooks.write_sitemaps(tmp_path, SITE)
    assert (tmp_path / "sitemap.xml").read_text(encoding="utf-8") == small
