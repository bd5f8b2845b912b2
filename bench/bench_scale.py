"""Benchmarks of issue 8 (an archive of 100,000 papers): the generator against the disk floor,
and incremental updates. Each figure is compared with a baseline measured in the same run.

    .venv/bin/python bench/bench_scale.py generator --papers 100000 --repeat 3
    .venv/bin/python bench/bench_scale.py incremental --papers 30000 --add 100

generator: synthetic dumps of N papers; each repeat times, in a fresh process, the generator's
stages (read; merge + slugs + tags; render + write into an empty docs/) and, as the
baseline, writing the same files (same paths, same sizes) into an empty folder with no work
to make them (the disk floor). Related papers are computed and timed (wall and CPU, with the
process it forks) in the first run only
(they are a similarity search, not reading or writing); later runs read them back, untimed,
so that every run renders the same pages. Reports medians and the ratio to the floor,
and the peak memory of the generator with the worker processes it forks (their summed PSS,
sampled; and each one's peak RSS).

incremental: builds an archive of N papers, then adds one dump of --add new papers and
builds again, reporting what the generator wrote and left untouched.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import write_dumps  # noqa: E402

STAGES = r"""
import json, os, resource, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from generator.archive import build_archive
from generator.dumps import read_dumps
from generator.related import related_papers
from generator.build import site_files
from generator.taxonomy import load_taxonomy
from generator.write import write_site
dumps_dir, docs, related_file = Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])
times = {}
def cpu_now():  # user + system CPU of this process and of the worker processes it waited for
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system
cpu_start = cpu_now()
start = time.perf_counter()
taxonomy = load_taxonomy(Path(sys.argv[1]) / "taxonomy" / "tags.yml")
dumps = read_dumps(dumps_dir)
times["read"] = time.perf_counter() - start
mark = time.perf_counter()
archive = build_archive(dumps, taxonomy)
times["merge+slugs+tags"] = time.perf_counter() - mark
if related_file.exists():  # computed by the first run: read back, not timed, in the shape
    # related_papers gives: tuples of the papers' own slug strings (not copies made by json)
    own = {paper.slug: paper.slug for paper in archive.papers}
    loaded = json.loads(related_file.read_text())
    related = {own[slug]: tuple(own[other] for other in others) for slug, others in loaded.items()}
    del loaded
    times["related"] = times["related CPU"] = None
else:
    mark, cpu_mark = time.perf_counter(), cpu_now()
    related = related_papers(archive.papers)
    times["related"] = time.perf_counter() - mark
    times["related CPU"] = cpu_now() - cpu_mark
    related_file.write_text(json.dumps(related))
    cpu_start += cpu_now() - cpu_mark  # neither related papers nor saving them count below
mark = time.perf_counter()
report = write_site(docs, site_files(archive.papers, related, ""))
times["render+write"] = time.perf_counter() - mark
times["total without related"] = times["read"] + times["merge+slugs+tags"] + times["render+write"]
times["CPU without related"] = cpu_now() - cpu_start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"times": times, "files": report.written, "peak_mb": peak, "worker_peak_mb": workers}))
"""

FLOOR = r"""
import json, sys, time
from pathlib import Path
plan, target = json.loads(Path(sys.argv[1]).read_text()), Path(sys.argv[2])
start = time.perf_counter()
for relative, size in plan:
    path = target / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
print(json.dumps({"seconds": time.perf_counter() - start}))
"""


def run_json(code: str, *args: str) -> dict:
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_sampled(code: str, *args: str) -> tuple[dict, float]:
    """run_json, and the peak of the memory the process and its children use together: their
    summed PSS (shared pages counted once), read from /proc every second (0 where there is
    none). Reading it walks a process's memory (~7 ms of CPU for 500 MB): more often, the
    sampling would take a fair share of the 2 cores it measures."""
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen([sys.executable, "-c", code, *args], stdout=out, text=True)
        peak = 0
        while process.poll() is None:
            peak = max(peak, sum(_pss_kb(pid) for pid in _family(process.pid)))
            time.sleep(1)
        if process.returncode:
            raise subprocess.CalledProcessError(process.returncode, "generator stages")
        out.seek(0)
        return json.loads(out.read().strip().splitlines()[-1]), peak / 1024


def _family(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def generator(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(dir=args.workdir) as scratch:
        work = Path(scratch)
        write_dumps(work / "dumps", args.papers)
        runs, floors = [], []
        for repeat in range(args.repeat):
            docs = work / f"docs-{repeat}"
            os.sync()  # each timed step starts with no other step's data waiting to be written out
            run, pss = run_sampled(STAGES, str(ROOT), str(work / "dumps"), str(docs), str(work / "related.json"))
            runs.append({**run, "pss_mb": pss})
            plan = [(p.relative_to(docs).as_posix(), p.stat().st_size) for p in docs.rglob("*") if p.is_file()]
            (work / "plan.json").write_text(json.dumps(plan))
            os.sync()
            floors.append(run_json(FLOOR, str(work / "plan.json"), str(work / f"floor-{repeat}"))["seconds"])
        # The outputs are deleted only once every run is done: on an ext4 file system without a
        # journal, creating a file within ~30 s of many deletions is several times slower (the
        # inode allocator skips each recently deleted inode), which made a run that followed the
        # previous run's clean-up far slower than the floor measured after it.
        files = runs[0]["files"]
        print(
            f"{args.papers:,} papers, {files:,} files, {args.repeat} runs (medians; related papers timed in run 1 only)"
        )
        print("| stage | seconds |\n|---|---|")
        for stage in runs[0]["times"]:
            values = [run["times"][stage] for run in runs if run["times"][stage] is not None]
            print(f"| {stage} | {statistics.median(values):.1f} |")
        floor = statistics.median(floors)
        total = statistics.median(run["times"]["total without related"] for run in runs)
        print(f"| disk floor: writing the same {files:,} files | {floor:.1f} |")
        ratios = [run["times"]["total without related"] / seconds for run, seconds in zip(runs, floors, strict=True)]
        per_run = ", ".join(f"{ratio:.2f}" for ratio in ratios)
        print(f"\nratio generator (without related) / disk floor: {total / floor:.2f} (medians' ratio)")
        print(f"each run against the floor measured after it: {statistics.median(ratios):.2f} (per run: {per_run})")
        pss = [run["pss_mb"] for run in runs]
        print(
            f"peak memory of the generator and its worker processes together (summed PSS): {max(pss):.0f} MB"
            f" (per run: {', '.join(f'{mb:.0f}' for mb in pss)}; run 1 computes related papers)"
        )
        peak, worker = max(run["peak_mb"] for run in runs), max(run["worker_peak_mb"] for run in runs)
        print(f"peak RSS of the generator: {peak:.0f} MB; of its largest worker process: {worker:.0f} MB")
        print("(RSS counts the pages a forked worker shares with the generator in both)")


def incremental(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(dir=args.workdir) as scratch:
        work = Path(scratch)
        write_dumps(work / "all", args.papers + args.add)
        dumps = sorted((work / "all").glob("*.txt"))
        *before, last = dumps
        (work / "dumps").mkdir()
        for path in before:
            path.rename(work / "dumps" / path.name)
        command = [
            sys.executable,
            "-m",
            "generator",
            "build",
            "--dumps",
            str(work / "dumps"),
            "--docs",
            str(work / "docs"),
            "--taxonomy",
            str(ROOT / "taxonomy" / "tags.yml"),
            "--overrides",
            "",
            "--site-url",
            "",
        ]
        first = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        last.rename(work / "dumps" / last.name)
        start = time.perf_counter()
        second = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
        seconds = time.perf_counter() - start
        print(f"first build:  {first}")
        print(f"add one dump: {second}  ({seconds:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["generator", "incremental"])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--add", type=int, default=100, help="incremental: papers in the added dump")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", default=None, help="scratch folder (default: the system's temp folder)")
    args = parser.parse_args()
    {"generator": generator, "incremental": incremental}[args.what](args)


if __name__ == "__main__":
    main()
