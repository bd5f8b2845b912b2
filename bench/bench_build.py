"""`python -m generator build` of one or more source trees on one folder of dumps, the trees
taking turns, each run in a fresh process into a fresh docs folder: wall time, CPU time (user
+ system) of the generator and of every process it started, peak RSS of the generator.

    .venv/bin/python bench/bench_build.py DUMPS --related CACHE --repeat 3 TREE [TREE:VAR=VALUE ...]

Each TREE is a folder holding the project (its own generator/ and taxonomy/, and a .venv);
`TREE:VAR=VALUE` runs it with that environment variable. Related papers are read from CACHE (a
JSON file of related_papers' result, written by the first run when it does not exist), so the
figures are the generator's without them: the same lists in every run, whatever the tree.
Outputs are deleted only at the end (creating files right after deleting ~100,000 is several
times slower on this file system: see "Scale"). This process is the subreaper of the runs'
descendants, so worker processes that the generator does not wait for itself (a process
pool's fork server and its workers) count in the CPU time.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

RUN = r"""
import json, sys
from pathlib import Path
import generator.related as related

cache, computed = Path(sys.argv[1]), related.related_papers


def cached(papers, *args, **kwargs):
    if cache.exists():
        own = {paper.slug: paper.slug for paper in papers}
        return {own[slug]: tuple(own[o] for o in others) for slug, others in json.loads(cache.read_text()).items()}
    found = computed(papers, *args, **kwargs)
    cache.write_text(json.dumps(found))
    return found


related.related_papers = cached
from generator.cli import main

main(sys.argv[2:])
"""

PR_SET_CHILD_SUBREAPER = 36


def run(tree: Path, env: dict[str, str], dumps: Path, cache: Path, docs: Path) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MB) of one build."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    command = [str(tree / ".venv/bin/python"), "-c", RUN, str(cache), "build", "--dumps", str(dumps), "--docs"]
    process = subprocess.Popen(
        [*command, str(docs), "--overrides", "", "--site-url", ""],
        cwd=tree,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    while True:  # the orphaned descendants, reparented to this process
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break
    if status:
        raise SystemExit(f"{tree}: the build failed ({status})")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dumps", type=Path)
    parser.add_argument("trees", nargs="+")
    parser.add_argument("--related", type=Path, required=True, help="JSON cache of the related papers")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", default=None, help="scratch folder (default: the system's temp folder)")
    args = parser.parse_args()
    if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise SystemExit("cannot become a subreaper (Linux only)")
    scratch = Path(tempfile.mkdtemp(dir=args.workdir))
    results: dict[str, list[tuple[float, float, float]]] = {spec: [] for spec in args.trees}
    try:
        for repeat in range(args.repeat):
            for number, spec in enumerate(args.trees):
                tree, *settings = spec.split(":")
                env = dict(setting.split("=", 1) for setting in settings)
                os.sync()
                wall, cpu, rss = run(
                    Path(tree).resolve(),
                    env,
                    args.dumps.resolve(),
                    args.related.resolve(),
                    scratch / f"{repeat}-{number}",
                )
                results[spec].append((wall, cpu, rss))
                load = os.getloadavg()[0]
                print(
                    f"run {repeat + 1} {spec}: wall {wall:.1f} s, CPU {cpu:.1f} s, "
                    f"peak RSS {rss:.0f} MB, load {load:.1f}",
                    flush=True,
                )
        print("\n| tree | wall s (median) | CPU s (median) | CPU per run | peak RSS MB |\n|---|---:|---:|---|---:|")
        for spec, runs in results.items():
            walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
            per_run = ", ".join(f"{cpu:.1f}" for cpu in cpus)
            peak = max(r[2] for r in runs)
            print(
                f"| {spec} | {statistics.median(walls):.1f} | {statistics.median(cpus):.1f} | {per_run} | {peak:.0f} |"
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
