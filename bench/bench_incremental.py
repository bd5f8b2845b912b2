"""Benchmark (issue 18): a full build against an incremental one (a dump of new papers added to an
archive built before, with the page cache), each stage, in one run.

    .venv/bin/python bench/bench_incremental.py --papers 10000 30000 [--add 100] [--workdir DIR]
    .venv/bin/python bench/bench_incremental.py --papers 100000 --full-only
    .venv/bin/python bench/bench_incremental.py --papers 30000 --repeat 3

With --repeat N, each build (full, and incremental) runs N times and every figure is the median of
its runs (a stage's each of its own; the whole build's the median run's). Before each incremental
run after the first, the archive goes back to its state before the new dump (a build without it,
untimed). The projects and the sites set aside are deleted only once all is measured.

For each size N, in its own scratch folder: synthetic dumps of N + --add papers (bench/synthetic.py,
100 papers a day: the last dump holds the added papers), and the related lists of the N papers
before the last dump (`python -m generator related`, timed: what `add` keeps in dumps/related.tsv)
and their permalinks (`python -m generator permalinks`), which both builds read. Then, each step
in its own child process, whose wall time, CPU time (user + system, its children's included) and peak RSS are read with
os.wait4, as bench/bench_site.py does:

- full: a fresh project (tests/sitebuild.py) with every dump; `python -m generator build`, then
  `mkdocs build --strict` without a page cache. MkDocs runs in bench_site's wrapper, which reports
  its own CPU apart from Pagefind's (a child process of its post-build hook).
- incremental: another fresh project with every dump but the last, built the same way with a page
  cache (PA_PAGE_CACHE, as `python -m generator site` sets it): the "first build with the cache";
  then the last dump is added and both steps run again: the incremental build (its site/ folder
  moved aside first, untimed, and deleted after: CI restores docs/ and the cache, not the last
  site).

The incremental site must equal the full build's, byte for byte (every file; both built with the
same SOURCE_DATE_EPOCH): the script stops otherwise. It prints a Markdown table of each stage's CPU
and wall time, full against incremental, and their ratio; the peak RSS of each step; the site's
size (and as a tar archive, what actions/upload-pages-artifact sends) and the cache's own size
(its files are hard links to the site's pages: their blocks are counted once).

Issue 18's target: the incremental build costs at most 15% of the full one (CPU, same run).
"""

from __future__ import annotations

import argparse
import hashlib
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_site import MKDOCS_WRAPPER, Usage, run, tar_bytes  # noqa: E402
from bench.synthetic import write_dumps  # noqa: E402
from generator.archive import load_archive  # noqa: E402
from generator.build import code_digest  # noqa: E402
from generator.collector import fewer_full_collections  # noqa: E402
from generator.related import VECTORS_PATH, default_reference, parse_vectors, related_lists, vectors_key  # noqa: E402
from generator.relatedtable import format_related, parse_related, read_related  # noqa: E402
from tests.sitebuild import prepare_project  # noqa: E402

TARGET = 0.15  # issue 18: incremental / full
EPOCH = "1780000000"  # the same day of build for every site


@dataclass
class Build:
    generator: Usage
    mkdocs: Usage  # the whole `mkdocs build`, Pagefind included
    mkdocs_self: Usage  # MkDocs' own process
    pagefind: Usage  # its children (Pagefind); wall not measured
    log: str  # the page cache's line of MkDocs' log, if any

    @property
    def cpu(self) -> float:
        return self.generator.cpu + self.mkdocs.cpu

    @property
    def wall(self) -> float:
        return self.generator.wall + self.mkdocs.wall


def build(project: Path, dumps: Path, cache: Path | None) -> Build:
    python = sys.executable
    os.sync()  # what the kernel still has to write of earlier steps is not charged to this build
    generator = run(
        [python, "-m", "generator", "build", "--dumps", str(dumps), "--docs", str(project / "docs"), "--overrides", ""],
        cwd=ROOT,
        log=project / "generator.log",
    )
    usage_file = project / "mkdocs-usage.json"
    os.environ["PA_PAGE_CACHE"] = str(cache) if cache else ""
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        mkdocs = run(
            [python, "-c", MKDOCS_WRAPPER, str(usage_file), "build", "--strict", "--site-dir", "site"],
            cwd=project,
            log=project / "mkdocs.log",
        )
    finally:
        del os.environ["PA_PAGE_CACHE"], os.environ["SOURCE_DATE_EPOCH"]
    usage = json.loads(usage_file.read_text())
    lines = [line for line in (project / "mkdocs.log").read_text().splitlines() if "Page cache:" in line]
    return Build(
        generator,
        mkdocs,
        Usage(mkdocs.wall, usage["self"]["cpu"], usage["self"]["max_rss_mb"], usage["self"]["system"]),
        Usage(0.0, usage["children"]["cpu"], usage["children"]["max_rss_mb"], usage["children"]["system"]),
        lines[-1].split("-  ", 1)[-1] if lines else "",
    )


def digest(site: Path) -> dict[str, str]:
    return {
        path.relative_to(site).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


def disk_mb(folder: Path, seen: set[tuple[int, int]] | None = None) -> tuple[float, int]:
    """The bytes of the files under `folder` (a file with several links counted once, across
    calls sharing `seen`) and how many files."""
    seen = set() if seen is None else seen
    total = files = 0
    for path in folder.rglob("*"):
        if path.is_file():
            info = path.stat()
            files += 1
            if (info.st_dev, info.st_ino) not in seen:
                seen.add((info.st_dev, info.st_ino))
                total += info.st_size
    return total / 1e6, files


def report_full(papers: int, full: Build, site: Path, whole: tuple[float, float]) -> None:
    """`whole`: the whole build's CPU and wall (with --repeat, the median run's)."""
    site_mb, site_files = disk_mb(site)
    tar_mb = sum(tar_bytes(p.stat().st_size) for p in site.rglob("*") if p.is_file()) / 1e6
    print(f"\n### {papers:,} papers, full build only\n")
    print("| stage | CPU | wall | peak RSS |\n|---|---:|---:|---:|")
    print(
        f"| generator (related papers included) | {full.generator.cpu:.1f} s | {full.generator.wall:.1f} s |"
        f" {full.generator.max_rss_mb:.0f} MB |"
    )
    print(
        f"| MkDocs (own process) | {full.mkdocs_self.cpu:.1f} s | {full.mkdocs.wall:.1f} s (with Pagefind) |"
        f" {full.mkdocs_self.max_rss_mb:.0f} MB |"
    )
    print(f"| Pagefind (MkDocs' child) | {full.pagefind.cpu:.1f} s | - | {full.pagefind.max_rss_mb:.0f} MB |")
    print(f"| **whole build** | **{whole[0]:.1f} s** | {whole[1]:.1f} s | - |")
    print(f"\nsite: {site_mb:.0f} MB in {site_files:,} files ({tar_mb:.0f} MB as a tar archive)")


def new_dumps(add: int) -> int:
    """How many of the last dumps hold the `add` new papers (synthetic dumps: 100 papers a day)."""
    return max(1, -(-add // 100))


def archive(papers: int, add: int, scratch: Path) -> tuple[Path, Path]:
    """Synthetic dumps of `papers` + `add` papers in `scratch`: dumps-before (all but the dumps of
    the `add` papers, with the related lists and permalinks `add` keeps beside them) and
    dumps-after (every dump, the same lists and permalinks: the new dump copied in)."""
    every = scratch / "all-dumps"
    write_dumps(every, papers + add)
    dumps = sorted(every.glob("*.txt"))
    days = new_dumps(add)
    before, after = scratch / "dumps-before", scratch / "dumps-after"
    before.mkdir()
    after.mkdir()
    for index, path in enumerate(dumps):
        shutil.copy(path, after)
        if index < len(dumps) - days:
            shutil.copy(path, before)
    # The repository's related lists, as `add` left them when it filed the last dump before the
    # new one (the new dump is copied in, as if filed without `add`: the build finds its papers'
    # lists itself, and both builds below read the same kept lists).
    lists = run(
        [sys.executable, "-m", "generator", "related", "--dumps", str(before)], cwd=ROOT, log=scratch / "related.log"
    )
    shutil.copy(before / "related.tsv", after)
    # and its permalinks (`add` records them too): the new dump's papers get theirs in the build
    run([sys.executable, "-m", "generator", "permalinks", "--dumps", str(before)], cwd=ROOT, log=scratch / "slugs.log")
    shutil.copy(before / "permalinks.tsv", after)
    print(
        f"\nrelated lists of the {papers:,} papers from scratch (`generator related`, kept in dumps/related.tsv):"
        f" {lists.cpu:.1f} s CPU, {lists.wall:.1f} s wall, peak RSS {lists.max_rss_mb:.0f} MB"
    )
    return before, after


def median_build(builds: list[Build]) -> Build:
    """Each figure of `builds` (wall, CPU, system, peak RSS of each stage) their median, apart:
    the median run of one stage need not be that of another."""

    def of(usages: list[Usage]) -> Usage:
        names = ("wall", "cpu", "max_rss_mb", "system")
        return Usage(*(statistics.median(getattr(usage, name) for usage in usages) for name in names))

    return Build(
        of([b.generator for b in builds]),
        of([b.mkdocs for b in builds]),
        of([b.mkdocs_self for b in builds]),
        of([b.pagefind for b in builds]),
        builds[-1].log,
    )


def median_whole(builds: list[Build]) -> tuple[float, float]:
    """The whole build's CPU and wall of the median run (not the sum of the stages' medians)."""
    return statistics.median(b.cpu for b in builds), statistics.median(b.wall for b in builds)


def measure(papers: int, add: int, scratch: Path, full_only: bool = False, repeat: int = 1) -> None:
    before, after = archive(papers, add, scratch)
    days = new_dumps(add)
    # Each run in a fresh project; the projects (and the sites moved aside below) are deleted only
    # at the end: deleting tens of thousands of files leaves the kernel freeing their blocks during
    # the next timed build (here, with `discard`, the folders MkDocs makes then cost up to 10x more).
    fulls = [build(prepare_project(scratch / f"full-{number}"), after, None) for number in range(repeat)]
    full_project = scratch / "full-0"
    full = median_build(fulls)
    full_cpu, full_wall = median_whole(fulls)
    if full_only:
        report_full(papers, full, full_project / "site", (full_cpu, full_wall))
        return

    project = prepare_project(scratch / "incremental")
    cache = scratch / "cache"
    first = build(project, before, cache)
    vectors = scratch / "vectors-before.bin"  # what the first build kept
    shutil.copy(project / "docs" / VECTORS_PATH, vectors)
    # CI (the publish workflow) starts from a clean checkout: docs/ and the cache are restored,
    # no site is left from the last run for MkDocs to clean. The last site is moved aside.
    aside = scratch / "aside"
    aside.mkdir()
    incrementals = []
    for number in range(repeat):
        if number:  # back to the archive before the new dump (untimed): docs/, the memo and the cache
            (project / "site").rename(aside / f"incremental-{number}")
            build(project, before, cache)
        (project / "site").rename(aside / f"before-{number}")
        incrementals.append(build(project, after, cache))
    incremental = median_build(incrementals)

    same = digest(project / "site") == digest(full_project / "site")
    site_mb, site_files = disk_mb(full_project / "site")
    tar_mb = sum(tar_bytes(p.stat().st_size) for p in (full_project / "site").rglob("*") if p.is_file()) / 1e6
    seen: set[tuple[int, int]] = set()
    disk_mb(project / "site", seen)
    cache_mb, cache_files = disk_mb(cache, seen)

    print(f"\n### {papers:,} papers, adding {add} (the last {days} dump{'s' if days > 1 else ''})\n")
    print(f"- incremental site equal to the full build's, byte for byte: {'yes' if same else 'NO'}")
    print(f"- first build with the cache: {first.log}")
    print(f"- incremental build: {incremental.log}")
    print(
        f"- site: {site_mb:.0f} MB in {site_files:,} files ({tar_mb:.0f} MB as a tar archive); page cache:"
        f" {cache_files:,} files, {cache_mb:.1f} MB beyond the site's (hard links)"
    )
    print()
    print(
        "| stage | full CPU | full wall | incremental CPU | incremental wall | CPU ratio | first build with cache CPU |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    rows = [
        ("generator (related papers included)", lambda b: b.generator),
        ("MkDocs (own process)", lambda b: b.mkdocs_self),
        ("Pagefind (MkDocs' child)", lambda b: b.pagefind),
    ]
    for name, of in rows:
        f, i, c = of(full), of(incremental), of(first)
        wall = (f"{f.wall:.1f} s", f"{i.wall:.1f} s") if f.wall else ("-", "-")
        ratio = f"{i.cpu / f.cpu:.0%}" if f.cpu else "-"
        print(f"| {name} | {f.cpu:.1f} s | {wall[0]} | {i.cpu:.1f} s | {wall[1]} | {ratio} | {c.cpu:.1f} s |")
    cpu, wall = median_whole(incrementals)
    print(
        f"| **whole build** | **{full_cpu:.1f} s** | {full_wall:.1f} s | **{cpu:.1f} s** |"
        f" {wall:.1f} s | **{cpu / full_cpu:.0%}** | {first.cpu:.1f} s |"
    )
    if repeat > 1:
        print(
            f"\nmedians of {repeat} runs of each build (a stage's figures: each the median of its own);"
            f" whole CPU of each run: full {', '.join(f'{b.cpu:.1f}' for b in fulls)} s;"
            f" incremental {', '.join(f'{b.cpu:.1f}' for b in incrementals)} s"
        )
    print()
    print(
        "| peak RSS | generator | MkDocs | Pagefind |\n|---|---:|---:|---:|\n"
        + "\n".join(
            f"| {name} | {b.generator.max_rss_mb:.0f} MB | {b.mkdocs_self.max_rss_mb:.0f} MB |"
            f" {b.pagefind.max_rss_mb:.0f} MB |"
            for name, b in (("full", full), ("incremental", incremental))
        )
    )
    print(
        "\nof the CPU, system time (the kernel making, reading and linking files and folders):"
        + "".join(
            f" {name}: generator {b.generator.system:.1f} s, MkDocs {b.mkdocs_self.system:.1f} s,"
            f" Pagefind {b.pagefind.system:.1f} s;"
            for name, b in (("full", full), ("incremental", incremental))
        )
    )
    # in a process of its own, as the build's (this one's heap, the sites' digests, slows it down)
    shares = [
        subprocess.run(
            [sys.executable, __file__, "--related-share", str(after), str(vectors)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        for _ in range(repeat)
    ]
    dropped, added = (statistics.median(float(share[column]) for share in shares) for column in (0, 1))
    print(
        f"\nrelated lists, as the incremental build finds them (in a process of their own): {dropped:.2f} s CPU,"
        f" {dropped / incremental.generator.cpu:.1%} of its generator; after `add` (the new papers'"
        f" lists kept in dumps/related.tsv): {added:.2f} s, {added / incremental.generator.cpu:.1%}"
        f" (target <= 5%)"
    )
    verdict = "met" if cpu <= TARGET * full_cpu else "not met"
    print(f"\nincremental / full CPU: {cpu / full_cpu:.3f} (target <= {TARGET}: {verdict})")
    if not same:
        sys.exit("the incremental site differs from the full build's")


def related_share(dumps: Path, memo: Path) -> tuple[float, float]:
    """CPU seconds of the related lists of the papers of `dumps`, as the build finds them (reading
    dumps/related.tsv, then the lists; `memo`: the vectors the last build kept), with the new
    papers' lists unknown (a dump copied in, as here), and once `add` has kept them."""
    papers = load_archive(dumps).papers
    vectors = memo.read_bytes()
    key = vectors_key(default_reference(), code_digest())
    start = time.process_time()
    lists = related_lists(papers, kept=read_related(dumps), vectors=lambda: parse_vectors(vectors, key))
    dropped = time.process_time() - start
    table = format_related(lists)
    start = time.process_time()
    related_lists(papers, kept=parse_related(table, "related.tsv"), vectors=lambda: parse_vectors(vectors, key))
    return dropped, time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, nargs="+", default=[10_000, 30_000])
    parser.add_argument("--add", type=int, default=100)
    parser.add_argument("--workdir", default=None, help="scratch folder (default: the system's temp folder)")
    parser.add_argument("--keep", action="store_true", help="leave the projects in --workdir")
    parser.add_argument("--full-only", action="store_true", help="measure the full build only")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each build; figures are their medians")
    parser.add_argument("--related-share", nargs=2, type=Path, metavar=("DUMPS", "MEMO"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.related_share:  # the bench's own child process (see measure), set as the generator's
        fewer_full_collections()
        print(*related_share(*args.related_share))
        return
    for papers in args.papers:
        scratch = Path(tempfile.mkdtemp(prefix=f"incremental-{papers}-", dir=args.workdir))
        try:
            measure(papers, args.add, scratch, args.full_only, args.repeat)
        finally:
            if not args.keep:
                shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
