"""Benchmark: resolve synthetic papers against the fake Hub of tests/fakehub.py (never the real one).

Usage: .venv/bin/python bench/bench_resolve.py [--papers 1000] [--repeat 3] [--missing 0.1]

The fake Hub (a child process, on 127.0.0.1) holds the papers but a share of them
(--missing), so that share comes out unmatched; every search also returns the papers whose
titles share words with the query (up to the 10 asked for), as near misses. Each run resolves
every paper into a fresh records file with `generator.hub.resolve_and_save`, through
huggingface_hub's HfApi, the way `python -m generator resolve` does. Two shapes of search
results: the Hub's (entries nesting the paper under "paper", whose GitHub link and keywords
huggingface_hub does not read, so a match costs a second request, `paper_info`), and flat
results carrying them (one request a paper). Prints the median of the runs: wall time, and the
CPU time of this process (huggingface_hub's requests, JSON and PaperInfo, matching, records),
the fake Hub's own work being in its process.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import abstract, title
from generator import hub
from generator.dedupe import title_key
from generator.model import Paper, Source
from tests.fakehub import FakeHub

NOW = datetime(2026, 12, 2, tzinfo=UTC)


def papers_and_hub(count: int, missing: float, flat: bool) -> tuple[list[Paper], FakeHub]:
    rng = random.Random(17)
    fake = FakeHub(flat_search=flat)
    papers: list[Paper] = []
    for number in range(count):
        paper_title = title(rng, number)
        paper_abstract = abstract(rng, paper_title)
        if rng.random() >= missing:
            fake.add(
                f"2401.{number:05d}",
                paper_title,
                paper_abstract,
                github=f"https://github.com/lab/repo-{number}",
                keywords=["attention", "scaling"],
            )
        source = Source("2024-01-01-synthetic.txt", 3 + 2 * number, date(2024, 1, 1))
        papers.append(Paper(title_key(paper_title), f"p{number}", paper_title, paper_abstract, (source,)))
    return papers, fake


def serve(fake: FakeHub, address: Any, stop: Any) -> None:
    """The fake Hub, in a child process until `stop` is set; its address put in `address`."""
    with fake:
        address.put(fake.url)
        stop.wait()


def run(papers: list[Paper], url: str) -> tuple[float, float, hub.Summary]:
    with tempfile.TemporaryDirectory() as scratch:
        client = hub.connect(url, timeout=10)
        start, cpu = time.perf_counter(), time.process_time()
        summary = hub.resolve_and_save(Path(scratch), papers, client, NOW)
        return time.perf_counter() - start, time.process_time() - cpu, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--papers", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--missing", type=float, default=0.1, help="share of the papers the Hub does not have")
    args = parser.parse_args()
    print(f"{args.papers} papers, {args.missing:.0%} of them not on the fake Hub; median of {args.repeat} runs\n")
    print(
        "| search results | resolved | unmatched | ambiguous | failed | requests | requests/paper "
        "| wall s | ms/paper | resolver CPU ms/paper |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    context = multiprocessing.get_context("fork")
    for flat in (False, True):
        papers, fake = papers_and_hub(args.papers, args.missing, flat)
        address, stop = context.Queue(), context.Event()
        server = context.Process(target=serve, args=(fake, address, stop), daemon=True)
        server.start()
        try:
            url = address.get(timeout=60)
            runs = [run(papers, url) for _ in range(args.repeat)]
        finally:
            stop.set()
            server.join(30)
        wall = statistics.median(seconds for seconds, _, _ in runs)
        cpu = statistics.median(seconds for _, seconds, _ in runs)
        summary = runs[0][2]
        counts, looked_up = summary.counts, summary.looked_up
        shape = "flat (1 request a match)" if flat else "the Hub's (nested under paper)"
        print(
            f"| {shape} | {counts['resolved']} | {counts['unmatched']} | {counts['ambiguous']} | {counts['failed']} "
            f"| {summary.requests} | {summary.requests / looked_up:.2f} | {wall:.2f} | {1000 * wall / looked_up:.2f} "
            f"| {1000 * cpu / looked_up:.2f} |"
        )
        print(f"  runs, wall: {', '.join(f'{seconds:.2f} s' for seconds, _, _ in runs)}", file=sys.stderr)


if __name__ == "__main__":
    main()
