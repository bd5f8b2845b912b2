"""Benchmark (issue 18): the publish workflow's build job for a new dump, tests excluded, on this
machine, step by step as the job runs them.

    .venv/bin/python bench/bench_ci.py --papers 100000 [--add 100] [--workdir DIR] [--keep]

In a scratch folder: a git repository holding this repository's committed tree (HEAD) with a
synthetic archive of N papers in dumps/, its related lists and permalinks as `add` keeps them
(bench_incremental.archive). A first run of the job builds it from a fresh clone with no cache
and saves the cache. Then the last dump (--add papers) is committed, as if filed without `add`,
and the job runs again from a fresh clone:

1. checkout: `git clone --depth 1` (actions/checkout, fetch-depth 1)
2. deps: `make deps` (a venv and the pinned requirements; pip's cache is warm, as setup-python's
   `cache: pip` restores it)
3. restore: the cache's archive extracted (actions/cache: `zstd -d --long=30 | tar -x`)
4. site: `make site` (SITE_URL set, as the workflow sets it)
5. save: the cached paths (read from .github/workflows/publish.yml) archived again
   (actions/cache: `tar --posix | zstd -T0 --long=30`)
6. artifact: actions/upload-pages-artifact's tar of the site (`--dereference --hard-dereference`),
   then its zip compression by actions/upload-artifact (deflate level 6, its default; here
   `gzip -6`, the same deflate, its output thrown away)

Each step's wall and CPU time are read with os.wait4 (bench_site.run). Not measured: the network
(the cache's download and upload, the artifact's upload, pip's downloads were its cache cold) and
the runner's own set-up (the machine, downloading the actions, setting up Python).

Issue 18's target: the whole job (tests excluded) for a new dump under 5 minutes on a 2-core
machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_incremental import archive  # noqa: E402
from bench.bench_site import Usage, run  # noqa: E402

TARGET = 300.0  # seconds: issue 18's 5 minutes
SITE_URL = "https://example.github.io/archive/"
#: the lines of `make site`'s output that say what it wrote, and what it took from the page cache
SUMMARIES = (" papers from ", "Page cache:", "Pagefind:")


def cached_paths() -> list[str]:
    """The paths the publish workflow keeps between runs (its actions/cache restore step's)."""
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    restore = next(step for step in steps if step.get("uses", "").startswith("actions/cache/restore@"))
    return restore["with"]["path"].split()


def job_environment() -> dict[str, str]:
    """A runner's environment: no PYTHONPATH, the workflow's own variables."""
    keep = ("PATH", "HOME", "LANG", "TMPDIR", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_TRUSTED_HOST")
    return {
        **{name: os.environ[name] for name in keep if name in os.environ},
        "NO_MKDOCS_2_WARNING": "1",
        "SITE_URL": SITE_URL,
        "PYTHON": getattr(sys, "_base_executable", sys.executable),
    }


def repository(scratch: Path, dumps: Path) -> Path:
    """A git repository of this one's committed tree, with `dumps` as its dumps/ (and no tag
    overrides, which may be absent)."""
    origin = scratch / "origin"
    origin.mkdir()
    tree = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x"], cwd=origin, input=tree, check=True)
    shutil.rmtree(origin / "dumps")
    shutil.copytree(dumps, origin / "dumps")
    (origin / "taxonomy" / "overrides.yml").unlink()  # its corrections name the real archive's papers
    git(origin, "init", "--quiet", "--initial-branch", "main")
    commit(origin, "the archive before the new dump")
    return origin


def git(folder: Path, *arguments: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost", *arguments], cwd=folder, check=True
    )


def commit(origin: Path, message: str) -> None:
    git(origin, "add", "--all")
    git(origin, "commit", "--quiet", "-m", message)


def job(scratch: Path, origin: Path, name: str, cache: Path | None, saved: Path) -> list[tuple[str, Usage]]:
    """The build job from a fresh clone of `origin` (restoring `cache`, if any; saving `saved`)."""
    environment = job_environment()
    clone = scratch / name
    logs = scratch / f"{name}-logs"
    logs.mkdir()

    def step(label: str, command: list[str], cwd: Path) -> tuple[str, Usage]:
        """A timed step; its output in the log named by the label's first word (one per step)."""
        return label, run(command, cwd=cwd, log=logs / f"{label.split()[0]}.log", env=environment)

    artifact = scratch / f"{name}-artifact.tar"
    paths = " ".join(cached_paths())
    steps = [
        step(
            "checkout (git clone --depth 1)",
            ["git", "clone", "--quiet", "--depth", "1", origin.as_uri(), str(clone)],
            scratch,
        )
    ]
    steps.append(step("deps (make deps)", ["make", "deps"], clone))
    if cache is not None:
        steps.append(
            step("restore (zstd -d, tar -x)", ["sh", "-c", f"zstd -d --long=30 -q -c '{cache}' | tar -xf -"], clone)
        )
    steps.append(step("site (make site)", ["make", "site"], clone))
    save = f"tar --posix -cf - {paths} | zstd -T0 --long=30 -q -o '{saved}'"
    steps.append(step("save (tar --posix, zstd)", ["sh", "-c", save], clone))
    tar = ["tar", "--dereference", "--hard-dereference", "-cf", str(artifact), "-C", "site", "."]
    steps.append(step("artifact (tar of the site)", tar, clone))
    steps.append(
        step(
            "deflate (gzip -6, as upload-artifact zips it)", ["sh", "-c", f"gzip -6 -c '{artifact}' > /dev/null"], clone
        )
    )
    print(
        f"\n{name}: cache archive {saved.stat().st_size / 1e6:.0f} MB, artifact {artifact.stat().st_size / 1e6:.0f} MB"
    )
    built = (logs / "site.log").read_text(encoding="utf-8").splitlines()
    print(*(f"    {line}" for line in built if any(part in line for part in SUMMARIES)), sep="\n")
    artifact.unlink()
    return steps


def report(name: str, steps: list[tuple[str, Usage]]) -> float:
    print(f"\n| {name} | wall | CPU | of which system |\n|---|---:|---:|---:|")
    for label, usage in steps:
        print(f"| {label} | {usage.wall:.1f} s | {usage.cpu:.1f} s | {usage.system:.1f} s |")
    wall = sum(usage.wall for _, usage in steps)
    print(f"| **the job** | **{wall:.1f} s** | {sum(usage.cpu for _, usage in steps):.1f} s | |")
    return wall


def measure(papers: int, add: int, scratch: Path) -> None:
    before, after = archive(papers, add, scratch)
    origin = repository(scratch, before)
    first_cache, cache = scratch / "cache-first.tzst", scratch / "cache.tzst"
    report(f"first run, {papers:,} papers, no cache", job(scratch, origin, "first", None, first_cache))
    for path in sorted(set(after.iterdir()) - {after / p.name for p in before.iterdir()}):
        shutil.copy(path, origin / "dumps")
    commit(origin, "a new dump")
    wall = report(f"a new dump of {add} papers", job(scratch, origin, "new-dump", first_cache, cache))
    verdict = "met" if wall <= TARGET else "not met"
    print(f"\nthe job for a new dump, tests and network excluded: {wall:.0f} s (target < {TARGET:.0f} s: {verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--add", type=int, default=100)
    parser.add_argument("--workdir", default=None, help="scratch folder (default: the system's temp folder)")
    parser.add_argument("--keep", action="store_true", help="leave the scratch folder in --workdir")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix=f"ci-{args.papers}-", dir=args.workdir))
    try:
        measure(args.papers, args.add, scratch)
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
