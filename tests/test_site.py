"""Real builds with mkdocs --strict: what a reader sees is exactly the dump's text, no input can
inject markup, every internal link resolves, and a failed build leaves docs/ and site/ alone."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from generator.archive import load_archive
from generator.sitemaps import split_sitemap
from tests.conftest import HOSTILE_DUMPS as HOSTILE
from tests.htmltext import Page, normalize
from tests.sitebuild import ROOT

pytestmark = pytest.mark.slow


def page(site: Path, url: str) -> Page:
    return Page((site / url / "index.html").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def archive():  # type: ignore[no-untyped-def]
    return load_archive(ROOT / "dumps")


def test_every_abstract_and_title_reads_exactly_as_in_the_dump(real_site: Path, archive) -> None:  # type: ignore[no-untyped-def]
    for paper in archive.papers:
        html = page(real_site, f"papers/{paper.slug}")
        assert html.text("h1") == [normalize(paper.title)]
        assert html.text("div", "pa-abstract") == [normalize(paper.abstract)]
        assert html.text("title") == [f"{normalize(paper.title)} - Paper Archive"]


@pytest.mark.parametrize("fragment", ["*optimal*", "w_{min}", "d_x+1", "``lightweight safety", "|x|_2"])
def test_markdown_characters_show_as_written(real_site: Path, archive, fragment: str) -> None:  # type: ignore[no-untyped-def]
    papers = [p for p in archive.papers if p.abstract and fragment in p.abstract]
    assert papers, fragment
    for paper in papers:
        assert fragment in page(real_site, f"papers/{paper.slug}").text("div", "pa-abstract")[0]


def test_links_in_abstracts_are_clickable(real_site: Path, archive) -> None:  # type: ignore[no-untyped-def]
    paper = next(p for p in archive.papers if p.abstract and "https://github.com/ZhangTP1996/OpenFE." in p.abstract)
    links = page(real_site, f"papers/{paper.slug}").find("a")
    assert any(attrs.get("href") == "https://github.com/ZhangTP1996/OpenFE" for _, attrs, _ in links)


def test_hostile_input_shows_literally_and_injects_nothing(hostile_site: Path) -> None:
    archive = load_archive(HOSTILE)
    for paper in archive.papers:
        html = page(hostile_site, f"papers/{paper.slug}")
        assert html.text("h1") == [normalize(paper.title)]
        assert html.text("div", "pa-abstract") == [normalize(paper.abstract)]
    for path in hostile_site.rglob("*.html"):
        parsed = Page(path.read_text(encoding="utf-8"))
        for tag, attrs, _ in parsed.elements:
            assert tag not in {"iframe", "style", "img", "b"}, (path, tag)
            if tag == "script" and "src" in attrs:
                assert re.fullmatch(r"(?!//)[\w./-]*(assets/)?javascripts/[\w./-]+\.js", attrs["src"] or ""), (
                    path,
                    attrs,
                )
            for name, value in attrs.items():
                assert not name.startswith("on"), (path, tag, name)
                assert not (value or "").strip().lower().startswith("javascript:"), (path, tag, name, value)
        scripts = [
            (attrs.get("type"), "".join(text))
            for tag, attrs, text in parsed.elements
            if tag == "script" and not attrs.get("src")
        ]
        assert all("pwned" not in text for kind, text in scripts if kind != "application/ld+json"), path
        # a paper's JSON-LD holds its title as data: JSON with nothing that could end the script
        for text in (text for kind, text in scripts if kind == "application/ld+json"):
            assert "<" not in text and json.loads(text)["@type"] == "ScholarlyArticle", path
    for paper in archive.papers:
        html = page(hostile_site, f"papers/{paper.slug}")
        (data,) = [json.loads("".join(t)) for tag, a, t in html.elements if a.get("type") == "application/ld+json"]
        assert data["headline"] == paper.title[:110]


def test_search_index_holds_hostile_text_escaped(hostile_site: Path) -> None:
    index = json.loads((hostile_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:
        assert "<script" not in doc["title"] + doc["text"]
        assert "<img" not in doc["title"] + doc["text"]


def internal_links(site: Path) -> set[tuple[str, str]]:
    found = set()
    for path in site.rglob("*.html"):
        url = "/" + path.relative_to(site).as_posix()
        for tag, attrs, _ in Page(path.read_text(encoding="utf-8")).elements:
            target = attrs.get("href") if tag in {"a", "link"} else attrs.get("src") if tag == "script" else None
            if not target or urlsplit(target).scheme or target.startswith(("#", "//")):
                continue
            found.add((url, urlsplit(urljoin(url, target)).path))
    return found


def test_every_internal_link_resolves(real_site: Path) -> None:
    missing = []
    for source, target in internal_links(real_site):
        resolved = real_site / target.lstrip("/")
        if not (resolved.is_file() or (resolved / "index.html").is_file()):
            missing.append((source, target))
    assert missing == []


def test_pages_load_nothing_from_third_parties(real_site: Path) -> None:
    for path in [real_site / "index.html", *list((real_site / "papers").glob("*/index.html"))[:20]]:
        for tag, attrs, _ in Page(path.read_text(encoding="utf-8")).elements:
            if tag in {"script", "img", "iframe"} or (
                tag == "link" and attrs.get("rel") in ("stylesheet", "preconnect")
            ):
                target = attrs.get("src") or attrs.get("href") or ""
                assert not re.match(r"(https?:)?//", target), (path, target)


# --- nothing lost when a build fails ---------------------------------------------------


def make_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    for name in ("Makefile", "mkdocs.yml", "requirements.txt"):
        shutil.copy(ROOT / name, project / name) if project.exists() else (
            project.mkdir(),
            shutil.copy(ROOT / name, project / name),
        )
    for name in ("overrides", "scripts", "generator", "taxonomy"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "tests" / "fixtures" / "dumps", project / "dumps")
    (project / "taxonomy" / "overrides.yml").unlink()  # it corrects papers of the real dumps only
    (project / "docs").mkdir()
    shutil.copy(ROOT / "docs" / "about.md", project / "docs" / "about.md")
    shutil.copytree(ROOT / "docs" / "stylesheets", project / "docs" / "stylesheets")
    shutil.copytree(ROOT / "docs" / "javascripts", project / "docs" / "javascripts")
    return project


def make_site(project: Path) -> subprocess.CompletedProcess[str]:
    venv = ROOT / ".venv"
    return subprocess.run(
        ["make", "--no-print-directory", "site", f"VENV={venv}"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(project)},
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_make_site_keeps_docs_and_site_when_a_dump_or_mkdocs_fails(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    assert make_site(project).returncode == 0
    docs, site = snapshot(project / "docs"), snapshot(project / "site")
    assert "papers/feature-collapse/index.html" in site

    (project / "dumps" / "2026-06-03-bad.txt").write_text("Subscribe\nA Title Cut Short\n", encoding="utf-8")
    failed = make_site(project)
    assert failed.returncode != 0
    assert "dumps/2026-06-03-bad.txt:2: the dump ends with the title 'A Title Cut Short'" in failed.stderr
    assert snapshot(project / "docs") == docs
    assert snapshot(project / "site") == site

    (project / "dumps" / "2026-06-03-bad.txt").unlink()
    (project / "docs" / "about.md").write_text("# About\n\n[broken](missing.md)\n", encoding="utf-8")
    failed = make_site(project)
    assert failed.returncode != 0
    assert "missing.md" in failed.stderr
    assert snapshot(project / "site") == site


def test_feeds_are_announced_and_built(real_site: Path) -> None:
    home = Page((real_site / "index.html").read_text(encoding="utf-8"))
    alternates = [a for tag, a, _ in home.elements if tag == "link" and a.get("rel") == "alternate"]
    assert [a["href"] for a in alternates] == ["feeds/all.xml"]
    assert any(a.get("href") == "feeds/all.xml" for tag, a, _ in home.elements if tag == "a")
    assert (real_site / "feeds" / "all.xml").is_file()
    tag_pages = [p for p in (real_site / "tags").glob("*/index.html")]
    assert tag_pages
    for path in tag_pages:
        parsed = Page(path.read_text(encoding="utf-8"))
        feeds = [a["href"] for tag, a, _ in parsed.elements if tag == "link" and a.get("rel") == "alternate"]
        assert feeds == ["../../feeds/all.xml", f"../../feeds/tags/{path.parent.name}.xml"]
        assert (real_site / "feeds" / "tags" / f"{path.parent.name}.xml").is_file()


def test_api_files_match_the_pages(real_site: Path) -> None:
    index = json.loads((real_site / "api" / "index.json").read_text(encoding="utf-8"))
    papers = [
        p
        for day in index["days"]
        for p in json.loads(gzip.decompress((real_site / day["path"]).read_bytes()))["papers"]
    ]
    assert len(papers) == index["count"] == len(list((real_site / "papers").glob("*/index.html")))
    for record in papers:
        html = page(real_site, f"papers/{record['slug']}")
        assert html.text("h1") == [normalize(record["title"])]
        assert html.text("div", "pa-abstract") == [normalize(record["abstract"])]
        assert sorted(html.text("a", "md-tag")) == sorted(record["tags"])  # chips are shown A-Z


def test_the_sitemap_split_reads_mkdocs_own_sitemap(real_site: Path) -> None:
    """generator.sitemaps splits the sitemap MkDocs writes (here with a small limit; a real
    archive reaches the protocol's 50,000 URLs at ~48,000 papers)."""
    text = (real_site / "sitemap.xml").read_text(encoding="utf-8")
    locs = re.findall(r"<loc>(.*?)</loc>", text)
    # the site's template (overrides/sitemap.xml): one URL a line, no indentation, no <lastmod>
    assert text.splitlines()[2:] == [*(f"<url><loc>{loc}</loc></url>" for loc in locs), "</urlset>"]
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<urlset ')
    assert len(locs) > 400 and split_sitemap(text, "https://example.org/") == {}
    files = split_sitemap(text, "https://example.org/", limit=100)
    parts = [files[f"sitemap-{n}.xml"] for n in range(1, -(-len(locs) // 100) + 1)]
    assert sorted(files) == sorted([*(f"sitemap-{n}.xml" for n in range(1, len(parts) + 1)), "sitemap.xml"])
    assert [loc for part in parts for loc in re.findall(r"<loc>(.*?)</loc>", part)] == locs
    assert all(part.startswith(text[: text.index("<url>")]) and part.rstrip().endswith("</urlset>") for part in parts)
    assert re.findall(r"<loc>(.*?)</loc>", files["sitemap.xml"]) == [
        f"https://example.org/sitemap-{n}.xml" for n in range(1, len(parts) + 1)
    ]
    assert (real_site / "feeds" / "sitemap.xml").read_text(encoding="utf-8").count("<url>") == 0
