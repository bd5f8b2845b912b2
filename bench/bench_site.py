"""Benchmark (issues 3 and 8): generate and build synthetic archives, e.g. of 1,000 and 10,000 papers.

Usage: .venv/bin/python bench/bench_site.py [--papers 1000 10000] [--repeat 1] [--keep DIR] [--stock]

For each size: writes synthetic dumps (bench/synthetic.py), prepares a scratch project the way the
tests do (tests/sitebuild.py), then times `python -m generator build` and `python -m mkdocs build
--strict`, each in its own child process whose resource usage is read with os.wait4 (so peak RSS is
that build's own, not a maximum over every child so far). MkDocs runs inside a small wrapper that
also reports its own usage apart from its children's: from generator.search.PAGEFIND_FROM papers on,
the build's post-build hook runs Pagefind as a child process, and its CPU and memory are shown apart.
Reports the generator's and MkDocs' wall and CPU (user + system) time, MkDocs' own CPU per page
built, the HTML size of a paper page (median, and gzipped), the site's size and peak RSS. With
--repeat N, each build runs N times in a fresh project and the run with the median MkDocs CPU time is
reported.

With --stock, each size is also built the way a stock MkDocs + Material archive would be, in its own
scratch project (stock-N-R/) right after ours: the same papers (read back from the JSON API the
generator wrote) as ordinary Markdown pages (front matter with title and tags; `# Title`, the
abstract as a paragraph, a `## Find this paper` list of 4 links, a sources list), rendered by
Material's default template, papers out of the nav, a plain mkdocs.yml (theme material, font false,
search + tags plugins, the same nav), Material's lunr search, no hooks and no overrides. Its MkDocs
CPU per page is compared with ours (MkDocs' own CPU: Pagefind, a child process, is reported apart).

The machine is shared and noisy (2 cores, other jobs): compare CPU times and ratios taken in one
run, not wall times. Issue 3's targets: MkDocs' time per page stays flat as the archive grows, and a
paper page is under 15 KB of HTML. Issue 8's: MkDocs' CPU per page at least STOCK_RATIO_TARGET
times lower than stock's, and flat from 1,000 to 30,000 papers.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_plus

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import write_dumps  # noqa: E402
from tests.sitebuild import prepare_project  # noqa: E402

PAGE_TARGET_KB = 15
LEAN_PAGE_TARGET_KB = 5  # issue 8: a paper page's HTML
SITE_PROJECTION = 100_000  # papers: the site's size is scaled to this many, folder by folder
#: the site's folders that grow with the archive ("(top)": the sitemap); the rest (assets, feeds of
#: at most 50 entries, hand-written pages) stay as they are
GROWING = frozenset({"papers", "api", "tags", "archive", "pagefind", "(top)"})
STOCK_RATIO_TARGET = 2.5  # issue 8: stock's MkDocs CPU per page / ours
FLAT_TOLERANCE = 1.10  # "flat": per-page CPU at the largest size at most 10% over the smallest's

# Stock MkDocs + Material: no custom_dir, no hooks, default plugin settings, papers out of the nav.
STOCK_MKDOCS_YML = """\
site_name: Paper Archive
theme:
  name: material
  font: false
plugins:
  - search
  - tags
nav:
  - Home: index.md
  - Tags: tags/index.md
  - Archive: archive/index.md
  - About: about.md
not_in_nav: |
  /papers/
"""

# Runs mkdocs in-process, then writes its own rusage and its children's (Pagefind) to argv[1].
MKDOCS_WRAPPER = """
import json, resource, runpy, sys
report, sys.argv = sys.argv[1], ["mkdocs", *sys.argv[2:]]
try:
    runpy.run_module("mkdocs", run_name="__main__", alter_sys=True)
    code = 0
except SystemExit as exit:
    code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
usage = {}
for name, who in (("self", resource.RUSAGE_SELF), ("children", resource.RUSAGE_CHILDREN)):
    r = resource.getrusage(who)
    usage[name] = {"cpu": r.ru_utime + r.ru_stime, "max_rss_mb": r.ru_maxrss / 1024, "system": r.ru_stime}
with open(report, "w") as out:
    json.dump(usage, out)
sys.exit(code)
"""


@dataclass
class Usage:
    wall: float  # seconds
    cpu: float  # seconds, user + system, of the child and the children it waited for
    max_rss_mb: float
    system: float = 0.0  # of `cpu`, the system's (the kernel's work: files made, read, linked)


@dataclass
class Result:
    papers: int
    generator: Usage
    mkdocs: Usage  # the whole build, Pagefind included
    mkdocs_self: Usage  # MkDocs' own process (wall: the whole build's)
    mkdocs_children: Usage  # Pagefind, when the site searches with it (wall: not measured, 0)
    search: str
    pages: int
    paper_pages: int
    page_median_kb: float
    page_mean_kb: float
    page_max_kb: float
    page_gzip_median_kb: float
    site_mb: float
    site_parts_mb: dict[str, float]  # by top-level folder (files at the top: "(top)")
    site_tar_parts_mb: dict[str, float]  # the same in a tar archive (see tar_bytes)
    stock: StockResult | None = None  # the stock build of the same papers, with --stock

    @property
    def cpu_ms_per_page(self) -> float:
        return 1000 * self.mkdocs_self.cpu / self.pages


@dataclass
class StockResult:
    """A stock MkDocs + Material build of the same papers (see STOCK_MKDOCS_YML)."""

    writing: float  # seconds (wall) to write its Markdown pages, not part of the build
    mkdocs: Usage
    mkdocs_self: Usage
    pages: int
    page_median_kb: float
    site_mb: float
    search_index_mb: float

    @property
    def cpu_ms_per_page(self) -> float:
        return 1000 * self.mkdocs_self.cpu / self.pages


def paper_pages_of(site: Path, papers: int) -> list[Path]:
    """The paper pages of a built site; stops the benchmark if there are not `papers` of them."""
    paper_pages = sorted((site / "papers").glob("*/index.html"))
    if len(paper_pages) != papers:
        sys.exit(f"expected {papers} paper pages in {site / 'papers'}, found {len(paper_pages)}")
    return paper_pages


def run(command: list[str], cwd: Path, log: Path, env: dict[str, str] | None = None) -> Usage:
    """Run `command` in a child process; its own wall time, CPU time and peak RSS (Linux: KB).
    Its environment: this one's with the project's Python settings, or `env` when given."""
    environment = env or {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "NO_MKDOCS_2_WARNING": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    with log.open("w") as output:
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, env=environment, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({child.returncode}); the last lines of {log}:\n" + tail(log))
    return Usage(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, usage.ru_stime)


def tail(log: Path, lines: int = 20) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def build_mkdocs(project: Path) -> tuple[Usage, Usage, Usage]:
    """`mkdocs build --strict` in project/: the whole build, MkDocs' own process, its children."""
    usage_file = project / "mkdocs-usage.json"
    mkdocs = run(
        [sys.executable, "-c", MKDOCS_WRAPPER, str(usage_file), "build", "--strict", "--site-dir", "site"],
        cwd=project,
        log=project / "mkdocs.log",
    )
    usage = json.loads(usage_file.read_text())
    mkdocs_self = Usage(mkdocs.wall, usage["self"]["cpu"], usage["self"]["max_rss_mb"])
    mkdocs_children = Usage(0.0, usage["children"]["cpu"], usage["children"]["max_rss_mb"])
    return mkdocs, mkdocs_self, mkdocs_children


def build_once(papers: int, dumps: Path, project: Path) -> Result:
    shutil.rmtree(project, ignore_errors=True)  # the generator writes only changed files: start empty
    prepare_project(project)
    python = sys.executable
    generator = run(
        [python, "-m", "generator", "build", "--dumps", str(dumps), "--docs", str(project / "docs"), "--overrides", ""],
        cwd=ROOT,
        log=project / "generator.log",
    )
    mkdocs, mkdocs_self, mkdocs_children = build_mkdocs(project)
    site = project / "site"
    pages = sum(1 for _ in site.rglob("index.html"))
    paper_pages = paper_pages_of(site, papers)
    sizes = []
    gzipped = []
    for path in paper_pages:
        data = path.read_bytes()
        sizes.append(len(data))
        gzipped.append(len(gzip.compress(data, compresslevel=6)))
    parts: dict[str, int] = {}
    tar_parts: dict[str, int] = {}
    for path in site.rglob("*"):
        relative = path.relative_to(site).parts
        part = relative[0] if len(relative) > 1 else "(top)"
        size = path.stat().st_size if path.is_file() else 0
        parts[part] = parts.get(part, 0) + size
        tar_parts[part] = tar_parts.get(part, 0) + tar_bytes(size)
    site_bytes = sum(parts.values())
    pagefind = [p for p in (site / "pagefind").rglob("*") if p.is_file()]
    lunr = site / "search" / "search_index.json"
    if pagefind:
        pagefind_mb = sum(p.stat().st_size for p in pagefind) / 1e6
        search = f"Pagefind, pagefind/ {pagefind_mb:.1f} MB in {len(pagefind):,} files"
    else:
        search = f"lunr, search_index.json {lunr.stat().st_size / 1e6:.1f} MB" if lunr.exists() else "none"
    return Result(
        papers=papers,
        generator=generator,
        mkdocs=mkdocs,
        mkdocs_self=mkdocs_self,
        mkdocs_children=mkdocs_children,
        search=search,
        pages=pages,
        paper_pages=len(paper_pages),
        page_median_kb=statistics.median(sizes) / 1024,
        page_mean_kb=statistics.fmean(sizes) / 1024,
        page_max_kb=max(sizes) / 1024,
        page_gzip_median_kb=statistics.median(gzipped) / 1024,
        site_mb=site_bytes / 1e6,
        site_parts_mb={name: size / 1e6 for name, size in sorted(parts.items(), key=lambda item: -item[1])},
        site_tar_parts_mb={name: size / 1e6 for name, size in sorted(tar_parts.items(), key=lambda item: -item[1])},
    )


def tar_bytes(size: int) -> int:
    """What a file of `size` bytes (0: a folder) takes in a tar archive: a 512-byte header and its
    data padded to 512 bytes. actions/upload-pages-artifact uploads the site as a tar archive."""
    return 512 + -(-size // 512) * 512


def search_links(title: str) -> list[tuple[str, str]]:
    """The 4 look-up links of a paper page (on our pages docs/javascripts/paper.js makes them)."""
    q = quote_plus(title)
    return [
        ("arXiv", f"https://arxiv.org/search/?query={q}&searchtype=title"),
        ("Hugging Face Papers", f"https://huggingface.co/papers?q={q}"),
        ("Semantic Scholar", f"https://www.semanticscholar.org/search?q={q}"),
        ("Google Scholar", f"https://scholar.google.com/scholar?q={q}"),
    ]


def stock_paper(paper: dict) -> str:
    """A paper as a stock MkDocs + Material archive would write it: ordinary Markdown."""
    title = paper["title"]
    lines = ["---", f"title: {json.dumps(title)}", "tags:" if paper["tags"] else "tags: []"]
    lines += [f"  - {json.dumps(tag)}" for tag in paper["tags"]]
    lines += ["---", "", f"# {title}", "", paper["abstract"] or "*No abstract.*", "", "## Find this paper", ""]
    lines += [f"- [{name}]({url})" for name, url in search_links(title)]
    lines += ["", "## Sources", ""]
    lines += [f"- Listed on Hugging Face Papers on {day} (`{day}-daily.txt`)" for day in paper["dates"]]
    return "\n".join(lines) + "\n"


def write_stock_project(api: Path, project: Path) -> tuple[int, float]:
    """A stock project of the papers in the generator's JSON API (api/days/*.json.gz).

    Returns the number of papers and the wall time spent writing them."""
    start = time.perf_counter()
    shutil.rmtree(project, ignore_errors=True)
    docs = project / "docs"
    (docs / "papers").mkdir(parents=True)
    (docs / "tags").mkdir()
    (docs / "archive").mkdir()
    (project / "mkdocs.yml").write_text(STOCK_MKDOCS_YML, encoding="utf-8")
    count = 0
    for day in sorted((api / "days").glob("*.json.gz")):
        for paper in json.loads(gzip.decompress(day.read_bytes()))["papers"]:
            (docs / "papers" / f"{paper['slug']}.md").write_text(stock_paper(paper), encoding="utf-8")
            count += 1
    # the nav's pages, short: no tags listing (a `<!-- material/tags -->` marker would list
    # every paper on one page), so the baseline is, if anything, cheaper than a real one
    (docs / "index.md").write_text(f"# Paper Archive\n\n{count:,} papers from Hugging Face Papers.\n")
    (docs / "tags" / "index.md").write_text("# Tags\n\nEach paper's tags are shown on its page.\n")
    (docs / "archive" / "index.md").write_text("# Archive\n\nPapers by the day they were listed.\n")
    (docs / "about.md").write_text("# About\n\nAn archive of the papers listed on Hugging Face Papers.\n")
    return count, time.perf_counter() - start


def build_stock(papers: int, ours: Path, project: Path) -> StockResult:
    """Build the papers of our project `ours` (its docs/api/) with stock MkDocs + Material."""
    count, writing = write_stock_project(ours / "docs" / "api", project)
    if count != papers:
        sys.exit(f"expected {papers} papers in {ours / 'docs' / 'api'}, found {count}")
    mkdocs, mkdocs_self, _ = build_mkdocs(project)
    site = project / "site"
    pages = sum(1 for _ in site.rglob("index.html"))
    paper_pages = paper_pages_of(site, papers)
    index = site / "search" / "search_index.json"
    return StockResult(
        writing=writing,
        mkdocs=mkdocs,
        mkdocs_self=mkdocs_self,
        pages=pages,
        page_median_kb=statistics.median(p.stat().st_size for p in paper_pages) / 1024,
        site_mb=sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 1e6,
        search_index_mb=index.stat().st_size / 1e6 if index.exists() else 0.0,
    )


def measure(papers: int, repeat: int, scratch: Path, stock: bool = False) -> Result:
    dumps = scratch / f"dumps-{papers}"
    shutil.rmtree(dumps, ignore_errors=True)
    paths = write_dumps(dumps, papers)
    size = sum(p.stat().st_size for p in paths)
    print(f"{papers} papers in {len(paths)} dumps, {size / 1e6:.1f} MB", file=sys.stderr, flush=True)
    results = []
    for run_index in range(repeat):
        project = scratch / f"project-{papers}-{run_index}"
        result = build_once(papers, dumps, project)
        print(
            f"  run {run_index + 1}: generator {result.generator.wall:.1f} s wall / {result.generator.cpu:.1f} s CPU, "
            f"mkdocs {result.mkdocs.wall:.1f} s wall / {result.mkdocs.cpu:.1f} s CPU "
            f"(own {result.mkdocs_self.cpu:.1f} s, Pagefind {result.mkdocs_children.cpu:.1f} s), {result.pages} pages",
            file=sys.stderr,
            flush=True,
        )
        if stock:
            result.stock = build_stock(papers, project, scratch / f"stock-{papers}-{run_index}")
            print(
                f"  run {run_index + 1}, stock: mkdocs {result.stock.mkdocs.wall:.1f} s wall / "
                f"{result.stock.mkdocs_self.cpu:.1f} s CPU, {result.stock.pages} pages, "
                f"{result.stock.cpu_ms_per_page:.2f} ms/page (ours {result.cpu_ms_per_page:.2f})",
                file=sys.stderr,
                flush=True,
            )
        results.append(result)
    chosen = sorted(results, key=lambda r: r.mkdocs_self.cpu)[len(results) // 2]
    if stock:  # the median stock build, whichever run it came from
        chosen.stock = sorted((r.stock for r in results if r.stock), key=lambda s: s.mkdocs_self.cpu)[len(results) // 2]
    return chosen


def report(results: list[Result]) -> None:
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores; read CPU, not wall)")
    print()
    print(
        "| papers | generator wall / CPU | mkdocs build wall / CPU (of which Pagefind CPU) | pages "
        "| mkdocs own CPU ms/page | paper page HTML median (gzip) | site | peak RSS mkdocs (Pagefind) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        pagefind_cpu = f"{r.mkdocs_children.cpu:.1f} s" if r.mkdocs_children.cpu > 0.05 else "-"
        pagefind_rss = f"{r.mkdocs_children.max_rss_mb:.0f} MB" if r.mkdocs_children.cpu > 0.05 else "-"
        print(
            f"| {r.papers:,} | {r.generator.wall:.1f} s / {r.generator.cpu:.1f} s "
            f"| {r.mkdocs.wall:.1f} s / {r.mkdocs.cpu:.1f} s ({pagefind_cpu}) | {r.pages:,} | {r.cpu_ms_per_page:.2f} "
            f"| {r.page_median_kb:.1f} KB ({r.page_gzip_median_kb:.1f} KB) | {r.site_mb:.0f} MB "
            f"| {r.mkdocs_self.max_rss_mb:.0f} MB ({pagefind_rss}) |"
        )
    print()
    for r in results:
        verdict = "OK" if r.page_max_kb < PAGE_TARGET_KB else f"OVER {PAGE_TARGET_KB} KB"
        lean = "under" if r.page_median_kb < LEAN_PAGE_TARGET_KB else "OVER"
        print(
            f"{r.papers:,} papers: paper page median {r.page_median_kb:.2f} KB ({lean} {LEAN_PAGE_TARGET_KB} KB), "
            f"mean {r.page_mean_kb:.1f} KB, max {r.page_max_kb:.1f} KB ({verdict}); "
            f"search: {r.search}; generator peak RSS {r.generator.max_rss_mb:.0f} MB, "
            f"{1000 * r.generator.cpu / r.papers:.2f} ms CPU per paper"
        )
    largest = max(results, key=lambda r: r.papers)
    projected = {
        name: mb * SITE_PROJECTION / largest.papers if name in GROWING else mb
        for name, mb in largest.site_parts_mb.items()
    }
    print(
        f"site files at {largest.papers:,} papers: {largest.site_mb:.0f} MB ("
        + ", ".join(f"{name} {mb:.1f}" for name, mb in largest.site_parts_mb.items() if mb >= 0.5)
        + f"); scaled to {SITE_PROJECTION:,} papers: {sum(projected.values()):,.0f} MB ("
        + ", ".join(f"{name} {mb:.0f}" for name, mb in projected.items() if mb >= 5)
        + "; GitHub Pages allows 1 GB)"
    )
    tar_projected = {
        name: mb * SITE_PROJECTION / largest.papers if name in GROWING else mb
        for name, mb in largest.site_tar_parts_mb.items()
    }
    print(
        f"as the tar archive GitHub Pages is sent (512-byte headers, files padded to 512 bytes): "
        f"{sum(largest.site_tar_parts_mb.values()):.0f} MB at {largest.papers:,} papers, "
        f"scaled to {SITE_PROJECTION:,}: {sum(tar_projected.values()):,.0f} MB ("
        + ", ".join(f"{name} {mb:.0f}" for name, mb in tar_projected.items() if mb >= 5)
        + ")"
    )
    if len(results) > 1:
        small, large = min(results, key=lambda r: r.papers), max(results, key=lambda r: r.papers)
        ratio = large.cpu_ms_per_page / small.cpu_ms_per_page
        marginal = 1000 * (large.mkdocs_self.cpu - small.mkdocs_self.cpu) / (large.pages - small.pages)
        fixed = small.mkdocs_self.cpu - marginal * small.pages / 1000
        print(
            f"flatness: mkdocs' own CPU per page at {large.papers:,} / at {small.papers:,} papers = {ratio:.2f} "
            f"(1.00 = flat); through both sizes: {marginal:.2f} ms CPU a page + {fixed:.1f} s fixed"
        )
        if small.search.split(",")[0] != large.search.split(",")[0]:
            print("note: the sizes use different search engines (lunr below generator.search.PAGEFIND_FROM papers)")
    if any(r.stock for r in results):
        report_stock([r for r in results if r.stock])


def net_ms_per_page(cpu: float, pages: int, startup_cpu: float, startup_pages: int) -> float:
    """CPU milliseconds per page beyond a small build's: MkDocs' start-up (config, theme, plugins,
    nav and hand-written pages: ~1.3 s here, the same at any size) taken out."""
    return 1000 * (cpu - startup_cpu) / (pages - startup_pages)


def report_stock(results: list[Result], startup: Result | None = None) -> None:
    """Issue 8: ours against stock MkDocs + Material, built in the same run."""
    print()
    print(
        "| papers | stock pages | stock mkdocs wall / CPU | stock ms/page | ours pages | ours ms/page (search) "
        "| stock / ours | ours Pagefind CPU (peak RSS) | stock search_index.json | stock paper page |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        s = r.stock
        assert s is not None
        pagefind = (
            f"{r.mkdocs_children.cpu:.1f} s, {1000 * r.mkdocs_children.cpu / r.paper_pages:.2f} ms/paper "
            f"({r.mkdocs_children.max_rss_mb:,.0f} MB)"
            if r.mkdocs_children.cpu > 0.05
            else "- (lunr)"
        )
        print(
            f"| {r.papers:,} | {s.pages:,} | {s.mkdocs.wall:.1f} s / {s.mkdocs_self.cpu:.1f} s "
            f"| {s.cpu_ms_per_page:.2f} | {r.pages:,} | {r.cpu_ms_per_page:.2f} ({r.search.split(',')[0]}) "
            f"| {s.cpu_ms_per_page / r.cpu_ms_per_page:.2f}x | {pagefind} | {s.search_index_mb:.1f} MB "
            f"| {s.page_median_kb:.1f} KB |"
        )
    print()
    ratios = [r.stock.cpu_ms_per_page / r.cpu_ms_per_page for r in results if r.stock]
    met = min(ratios) >= STOCK_RATIO_TARGET
    print(
        f"stock / ours, MkDocs CPU per page: {min(ratios):.2f}x at worst; target at least {STOCK_RATIO_TARGET}x "
        f"at every size: {'met' if met else 'NOT met'}"
    )
    if len(results) > 1:
        small, large = min(results, key=lambda r: r.papers), max(results, key=lambda r: r.papers)
        flat = large.cpu_ms_per_page / small.cpu_ms_per_page
        worst = max(r.cpu_ms_per_page for r in results) / small.cpu_ms_per_page
        assert small.stock is not None and large.stock is not None
        print(
            f"flat: ours per page at {large.papers:,} / at {small.papers:,} = {flat:.2f} (largest over the smallest's, "
            f"any size: {worst:.2f}; at most {FLAT_TOLERANCE:.2f}: {'met' if worst <= FLAT_TOLERANCE else 'NOT met'}); "
            f"stock's: {large.stock.cpu_ms_per_page / small.stock.cpu_ms_per_page:.2f}"
        )


def report_net(results: list[Result], startup: Result) -> None:
    """Per-page CPU with MkDocs' start-up taken out: each size's CPU beyond the start-up build's."""
    s0 = startup.stock
    assert s0 is not None
    print()
    print(
        f"Net of start-up (the {startup.papers:,}-paper build of the same run: ours {startup.mkdocs_self.cpu:.2f} s "
        f"for {startup.pages:,} pages, stock {s0.mkdocs_self.cpu:.2f} s for {s0.pages:,}):"
    )
    print()
    print("| papers | stock ms/page, net | ours ms/page, net | stock / ours, net |")
    print("|---:|---:|---:|---:|")
    nets = []
    for r in results:
        s = r.stock
        assert s is not None
        ours = net_ms_per_page(r.mkdocs_self.cpu, r.pages, startup.mkdocs_self.cpu, startup.pages)
        stock = net_ms_per_page(s.mkdocs_self.cpu, s.pages, s0.mkdocs_self.cpu, s0.pages)
        nets.append((r.papers, ours, stock))
        print(f"| {r.papers:,} | {stock:.2f} | {ours:.2f} | {stock / ours:.2f}x |")
    print()
    worst = min(stock / ours for _, ours, stock in nets)
    print(
        f"net stock / ours: {worst:.2f}x at worst (target {STOCK_RATIO_TARGET}x: "
        f"{'met' if worst >= STOCK_RATIO_TARGET else 'NOT met'})"
    )
    if len(nets) > 1:
        flat = max(ours for _, ours, _ in nets) / nets[0][1]
        print(
            f"net flatness: ours per page, largest over the smallest size's: {flat:.2f} "
            f"(at most {FLAT_TOLERANCE:.2f}: {'met' if flat <= FLAT_TOLERANCE else 'NOT met'})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, nargs="+", default=[1000, 10_000], help="archive sizes to build")
    parser.add_argument("--repeat", type=int, default=1, help="builds per size (the median MkDocs CPU is kept)")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it (default: a temporary one)")
    parser.add_argument(
        "--stock", action="store_true", help="also build each size with stock MkDocs + Material (issue 8's baseline)"
    )
    parser.add_argument(
        "--startup",
        type=int,
        default=100,
        help="with --stock, also build this many papers (both ways) and report per-page CPU net of it (0: off)",
    )
    args = parser.parse_args()

    def run_all(scratch: Path) -> None:
        startup = measure(args.startup, args.repeat, scratch, stock=True) if args.stock and args.startup else None
        results = [measure(n, args.repeat, scratch, args.stock) for n in args.papers]
        report(results)
        if startup:
            report_net(results, startup)

    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        run_all(args.keep.resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="bench-site-") as scratch:
            run_all(Path(scratch))


if __name__ == "__main__":
    main()
