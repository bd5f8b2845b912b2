"""Work shared among processes: every item done once, errors carried back, the same results
as in one process (reading dumps, scoring papers, rendering and writing the site)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import dumps as dump_files
from generator import matching, parallel
from generator.archive import build_archive, load_archive
from generator.matching import Matcher, score_paper, score_papers
from generator.related import related_papers
from generator.render import site_jobs
from generator.taxonomy import load_taxonomy
from generator.write import write_jobs

ROOT = Path(__file__).resolve().parents[1]
TAXONOMY = ROOT / "taxonomy" / "tags.yml"

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="parts run in forked processes")


def test_every_item_goes_to_one_part_and_results_come_in_part_order() -> None:
    def work(number: int, items: Iterator[int]) -> tuple[int, int, list[int]]:
        return number, os.getpid(), list(items)

    results = parallel.share(range(100), 2, work)
    assert [number for number, _, _ in results] == [0, 1]
    assert results[0][1] == os.getpid() != results[1][1]
    assert sorted(results[0][2] + results[1][2]) == list(range(100))
    # Part 0 takes items from the front, part 1 from the back.
    assert results[0][2] == sorted(results[0][2]) and results[1][2] == sorted(results[1][2], reverse=True)


def test_one_part_runs_in_this_process() -> None:
    assert parallel.share("abc", 1, lambda number, items: (number, os.getpid(), "".join(items))) == [
        (0, os.getpid(), "abc")
    ]


def test_an_error_in_a_worker_is_raised_here_after_undoing_the_others() -> None:
    undone: list[list[str]] = []

    def work(number: int, items: Iterator[str]) -> str:
        taken = "".join(items)
        if number == 1:
            raise ValueError(f"bad item in {taken!r}")
        return taken

    with pytest.raises(ValueError, match="bad item") as caught:
        parallel.share("abcdef", 2, work, undo=undone.append)
    assert any("in a worker process" in note for note in caught.value.__notes__)
    assert len(undone) == 1 and len(undone[0]) == 1  # part 0's result, to undo


@pytest.mark.parametrize("parts", [1, 2, 3])
def test_map_each_gives_every_result_in_item_order(parts: int) -> None:
    # Results of ~0.3 MB: more than a pipe holds, and several frames per read of the file.
    results = parallel.map_each(range(40), lambda item: (item, os.getpid(), "x" * item * 8000), parts)
    assert [(item, text) for item, _, text in results] == [(item, "x" * item * 8000) for item in range(40)]
    if parts == 1:
        assert {pid for _, pid, _ in results} == {os.getpid()}


def test_map_each_raises_an_error_of_a_worker() -> None:
    parent = os.getpid()

    def func(item: int) -> int:
        if os.getpid() != parent:
            raise KeyError(item)
        time.sleep(0.01)  # leaves items to the worker
        return item

    with pytest.raises(KeyError):
        parallel.map_each(range(60), func, 2)


@pytest.mark.parametrize(("setting", "expected"), [("1", 1), ("3", 3), ("0", 1), ("-2", 1)])
def test_pa_workers_sets_the_number_of_processes(monkeypatch: pytest.MonkeyPatch, setting: str, expected: int) -> None:
    monkeypatch.setenv("PA_WORKERS", setting)
    assert parallel.workers() == expected


def test_by_default_one_process_per_cpu_at_most_max_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PA_WORKERS", "not a number")
    assert 1 <= parallel.workers() == min(parallel.MAX_WORKERS, len(os.sched_getaffinity(0)))


def test_reading_dumps_in_parallel_makes_the_same_archive(monkeypatch: pytest.MonkeyPatch) -> None:
    """The facts of each listing (keys, slugs, tag mentions) worked out by the processes that
    read the dumps give the archive that working them out afterwards, in one process, gives."""
    taxonomy = load_taxonomy(TAXONOMY)
    alone = build_archive(dump_files.read_dumps(ROOT / "dumps"), taxonomy)
    monkeypatch.setattr(dump_files, "PARALLEL_FROM", 1)
    monkeypatch.setenv("PA_WORKERS", "2")
    shared = load_archive(ROOT / "dumps", taxonomy)
    assert shared == alone
    assert sum(1 for paper in shared.papers if paper.tags) > len(shared.papers) / 2


def test_scoring_in_parallel_gives_each_papers_own_score(monkeypatch: pytest.MonkeyPatch) -> None:
    taxonomy = load_taxonomy(TAXONOMY)
    papers = [(paper.title, paper.abstract) for paper in load_archive(ROOT / "dumps").papers]
    matcher = Matcher.build(taxonomy)
    monkeypatch.setattr(matching, "PARALLEL_FROM", 1)
    monkeypatch.setattr(matching, "_CHUNK", 7)
    monkeypatch.setenv("PA_WORKERS", "2")
    assert score_papers(papers, taxonomy) == [score_paper(title, abstract, matcher) for title, abstract in papers]


def test_writing_the_site_in_two_processes_writes_what_one_writes(tmp_path: Path) -> None:
    papers = load_archive(ROOT / "dumps", load_taxonomy(TAXONOMY)).papers
    jobs = site_jobs(papers, related_papers(papers), "https://example.org/")
    reports = {workers: write_jobs(tmp_path / str(workers), jobs, workers) for workers in (1, 2)}
    assert reports[1] == reports[2] and reports[1].written > len(papers)
    files = {
        workers: {
            p.relative_to(tmp_path / str(workers)): p.read_bytes()
            for p in (tmp_path / str(workers)).rglob("*")
            if p.is_file()
        }
        for workers in (1, 2)
    }
    assert files[1] == files[2]
