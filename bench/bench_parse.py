"""Benchmark: read and deduplicate a synthetic archive (issue 2's target: well over 20,000 papers/s).

Usage: .venv/bin/python bench/bench_parse.py [--papers 100000] [--repeat 5]
Reports the median of the runs, in papers per second, for reading+parsing and for the whole
load (read, parse, dedupe) and with slugs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic import write_dumps
from generator import slugs
from generator.dedupe import merge
from generator.dumps import read_dumps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        paths = write_dumps(folder, args.papers)
        size = sum(p.stat().st_size for p in paths)
        print(f"{args.papers} papers in {len(paths)} dumps, {size / 1e6:.1f} MB")
        stages: dict[str, list[float]] = {"read+parse": [], "read+parse+dedupe": [], "read+parse+dedupe+slugs": []}
        for _ in range(args.repeat):
            start = time.perf_counter()
            dumps = read_dumps(folder)
            stages["read+parse"].append(time.perf_counter() - start)
            merged, _ = merge(dumps)
            stages["read+parse+dedupe"].append(time.perf_counter() - start)
            slugs.assign((m.key, m.title) for m in merged)
            stages["read+parse+dedupe+slugs"].append(time.perf_counter() - start)
        assert len(merged) == args.papers, len(merged)
        listings = sum(len(dump.entries) for dump in dumps)
        for label, times in stages.items():
            median = statistics.median(times)
            print(
                f"{label:26} median {median:6.2f} s  {args.papers / median:10,.0f} papers/s  "
                f"({listings / median:,.0f} listings/s; runs: {', '.join(f'{t:.2f}' for t in times)})"
            )


if __name__ == "__main__":
    main()
