"""Build time with a Hub record for every paper, against without.

Writes a synthetic archive (bench/synthetic.py), then builds its pages (read, merge, tags,
render, write; related papers left out, as in bench_scale.py) in alternation with and without
a dumps/records.jsonl resolving every paper (five authors each, code for half of them), each
into a fresh docs folder, and prints the medians and their ratio. With --site, each run is the
whole build instead (`python -m generator site`: generator, MkDocs, search index) of a fresh
project, timed by its processes' CPU time.

Usage: python bench/bench_records.py --papers 100000 --repeat 3 --workdir /tmp/bench
       python bench/bench_records.py --site --papers 2000 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from synthetic import write_dumps  # noqa: E402

from generator.archive import load_archive  # noqa: E402
from generator.build import site_files  # noqa: E402
from generator.cli import read_tag_rules  # noqa: E402
from generator.records import Record, write_records  # noqa: E402
from generator.write import write_site  # noqa: E402
from tests.sitebuild import prepare_project, run_generator  # noqa: E402

SITE = "https://example.org/archive/"


def records_for(dumps: Path) -> dict[str, Record]:
    papers = load_archive(dumps).papers
    return {
        paper.key: Record(
            key=paper.key,
            status="resolved",
            checked="2026-12-01T00:00:00Z",
            arxiv_id=f"{2400 + number // 99999 % 100}.{number % 99999:05d}",
            title=paper.title,
            authors=tuple(f"Author {number % 997} Number{k}" for k in range(5)),
            published=date(2024, 1 + number % 12, 1 + number % 28),
            github=f"https://github.com/lab{number % 500}/repo{number}" if number % 2 else None,
        )
        for number, paper in enumerate(papers)
    }


def build(dumps: Path, docs: Path) -> float:
    start = time.perf_counter()
    rules, corrections = read_tag_rules(ROOT / "taxonomy" / "tags.yml", None)
    archive = load_archive(dumps, rules, corrections)
    write_site(docs, site_files(archive.papers, {}, SITE))
    return time.perf_counter() - start


def children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def build_site(dumps: Path, project: Path) -> float:
    """CPU seconds of `python -m generator site` in a fresh project with these dumps."""
    prepare_project(project)
    shutil.copytree(ROOT / "taxonomy", project / "taxonomy")
    shutil.copytree(dumps, project / "dumps")
    start = children_cpu()
    built = run_generator("site", "--overrides", "", cwd=project, env={"NO_MKDOCS_2_WARNING": "1"})
    if built.returncode != 0:
        raise SystemExit(built.stderr)
    return children_cpu() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--site", action="store_true", help="time whole builds (CPU) instead of the generator's (wall)")
    args = parser.parse_args()
    run, unit = (build_site, "CPU seconds") if args.site else (build, "seconds")
    with tempfile.TemporaryDirectory(dir=args.workdir) as scratch:
        work = Path(scratch)
        plain, resolved = work / "plain", work / "resolved"
        write_dumps(plain, args.papers)
        shutil.copytree(plain, resolved)
        write_records(resolved, records_for(resolved))
        times: dict[str, list[float]] = {"without records": [], "with records": []}
        for repeat in range(args.repeat):
            for name, dumps in (("without records", plain), ("with records", resolved)):
                docs = work / f"docs-{name.replace(' ', '-')}-{repeat}"
                times[name].append(run(dumps, docs))
                shutil.rmtree(docs)
        what = "whole builds" if args.site else "generator"
        load = os.getloadavg()[0]
        print(f"{args.papers:,} papers, {what}, {args.repeat} runs each, alternating (medians; load {load:.1f})")
        print(f"| build | {unit} | runs |\n|---|---|---|")
        for name, values in times.items():
            print(f"| {name} | {statistics.median(values):.1f} | {', '.join(f'{v:.1f}' for v in values)} |")
        ratio = statistics.median(times["with records"]) / statistics.median(times["without records"])
        print(f"\nwith / without: {ratio:.3f}")


if __name__ == "__main__":
    main()
