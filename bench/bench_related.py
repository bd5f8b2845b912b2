"""Benchmark of generator.related on synthetic archives (issue 18): time, memory, recall, stability.

    .venv/bin/python bench/bench_related.py --papers 10000 30000 100000
    .venv/bin/python bench/bench_related.py --papers 10000 30000 --add 100 --corpus scale

Each size runs in a fresh child process (so that its peak RSS is its own), which:

- makes N synthetic papers (--corpus topics, the default: the generator below; --corpus scale:
  bench/synthetic.py's papers, the archive bench_scale.py builds);
- makes the reference table (the fixed idf) from the first --reference papers (10,000), as if the
  table had been made when the archive was that large: the papers after them are "later" ones;
- times related_papers(): CPU (user + system) and wall; reads the peak RSS before and after;
- recall@5: for --sample papers (1,000, chosen with a fixed seed), the exact top 5 by the same
  scores, found by brute force (the paper's score with every other paper), against its list;
- the cost of a fixed idf: how many of those exact top 5 are also the exact top 5 by the
  archive's own idf (what related.py used before: the reference made of all N papers);
- with --dumps DIR: the papers of real dumps instead (--papers is then ignored), with the
  committed reference table: the same measures on the project's own archive as it grows;
- with --add A: stability. related_papers() of the first N - A papers, then of all N: for each
  of the N - A papers, its new list must be the top 5 of (its old list + the A new papers) by
  the same scores; prints how many are not.

The "topics" corpus: a vocabulary of pseudo-words, a Zipf-distributed background (as in real
text, a few words are very frequent and most are rare), a few hundred topics with their own
Zipf-distributed words, and English function words, so that abstracts (~1,400 characters) and
titles (8-14 words) have roughly the term statistics of real arXiv abstracts.
Figures: bench/README.md, "Related papers".
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator import related as rel
from generator.model import Paper, Source
from generator.related import Reference, reference_of, related_papers

_FUNCTION_TEXT = """
    the of and to in a is for that we on with as by this are an be from our which it can these at or
    model models results show method based data learning using such performance than its their has
    have both two while however new into large across tasks
"""
FUNCTION_WORDS = _FUNCTION_TEXT.split()


def pseudo_words(rng: np.random.Generator, count: int) -> list[str]:
    """Distinct pronounceable pseudo-words of 2-4 syllables."""
    onsets = [*"bcdfghjklmnprstvwz", "br", "cr", "dr", "fr", "gr", "pr", "tr", "st", "sp", "sk", "pl", "bl", "cl", "fl"]
    vowels = [*"aeiou", "ai", "ea", "io", "ou"]
    codas = ["", "", "", "n", "r", "s", "l", "m", "t", "x", "nd", "rt"]
    syllables = [onset + vowel + coda for onset in onsets for vowel in vowels for coda in codas]
    words: dict[str, None] = {}
    while len(words) < count:
        lengths = rng.integers(2, 5, size=count)
        picks = rng.integers(len(syllables), size=(count, 4))
        for length, row in zip(lengths, picks, strict=True):
            words.setdefault("".join(syllables[i] for i in row[:length]))
    return list(words)[:count]


def zipf(size: int, exponent: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, size + 1) ** exponent
    return weights / weights.sum()


def _paper(index: int, title: str, abstract: str | None) -> Paper:
    listed = date(2024, 1, 1) + timedelta(days=index // 100)
    return Paper(
        key=f"paper {index}",
        slug=f"paper-{index:06d}",
        title=title,
        abstract=abstract,
        sources=(Source(dump=f"{listed.isoformat()}-trending.txt", line=index % 100 * 2 + 4, listed=listed),),
    )


def synthetic_papers(count: int, seed: int = 7) -> list[Paper]:
    rng = np.random.default_rng(seed)
    vocabulary = pseudo_words(rng, 40_000) + FUNCTION_WORDS  # function words at the end
    content = 40_000
    background = zipf(content, 1.05)
    topics = np.stack([rng.choice(content, size=300, replace=False) for _ in range(400)])
    topic_p = zipf(300, 0.9)
    function_p = zipf(len(FUNCTION_WORDS), 0.8)
    doc_topic = rng.integers(len(topics), size=count)
    title_len = rng.integers(8, 15, size=count)
    abstract_len = 260

    def words(docs: slice, n: int, topical: float) -> np.ndarray:
        """n word indices for each paper: topical share from its topic, 40% function words, the rest background."""
        size = (len(doc_topic[docs]), n)
        kinds = rng.random(size)
        from_topic = topics[doc_topic[docs, None], rng.choice(300, size=size, p=topic_p)]
        from_background = rng.choice(content, size=size, p=background)
        function = content + rng.choice(len(FUNCTION_WORDS), size=size, p=function_p)
        return np.where(kinds < topical, from_topic, np.where(kinds < topical + 0.4, function, from_background))

    papers = []
    for first in range(0, count, 1000):
        docs = slice(first, min(count, first + 1000))
        titles = words(docs, 14, 0.5)
        abstracts = words(docs, abstract_len, 0.25)
        for offset in range(docs.stop - docs.start):
            index = first + offset
            title = " ".join(vocabulary[i] for i in titles[offset, : title_len[index]]).capitalize()
            row = [vocabulary[i] for i in abstracts[offset]]
            sentences = [" ".join(row[at : at + 22]) for at in range(0, abstract_len, 22)]
            abstract = ". ".join(sentence.capitalize() for sentence in sentences)
            abstract = abstract[: abstract.rfind(" ", 0, 1400)] + "."
            papers.append(_paper(index, title, abstract if index % 50 else None))  # 2% without abstract
    return papers


def scale_papers(count: int) -> list[Paper]:
    """bench/synthetic.py's papers (the archive of bench_scale.py), as Paper objects."""
    from bench.synthetic import papers

    return [_paper(index, title, abstract) for index, (title, abstract) in enumerate(papers(count))]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def _ranked(left: np.ndarray, right: np.ndarray, scores: np.ndarray, k: int) -> dict[int, list[int]]:
    """For each left index, its k best right indices as related.py ranks them."""
    rounded = np.rint(scores * 10.0**rel.SCORE_DIGITS).astype(np.int64)
    keep = (rounded > 0) & (left != right)
    left, right, rounded = left[keep], right[keep], rounded[keep]
    order = np.lexsort((right, -rounded, left))
    left, right = left[order], right[order]
    best: dict[int, list[int]] = {}
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        chosen = best.setdefault(i, [])
        if len(chosen) < k:
            chosen.append(j)
    return best


def exact_top(
    docs: list[tuple[str, str | None]], rows: np.ndarray, reference: Reference, k: int
) -> dict[int, list[int]]:
    """The true top k of some rows by brute force: each row's score with every paper (sparse
    product over all terms), then the exact scores of the ones near its k-th."""
    vectors = rel._vectors(docs, reference)
    transposed = vectors.T.tocsr()
    found: dict[int, list[int]] = {}
    for start in range(0, len(rows), 50):
        chunk = rows[start : start + 50]
        block = (vectors[chunk] @ transposed).toarray()
        block[np.arange(len(chunk)), chunk] = 0.0
        kth = -np.partition(-block, k - 1, axis=1)[:, k - 1]
        left_local, right = np.nonzero((block >= (kth - 1e-6)[:, None]) & (block > 0))
        left = chunk[left_local]
        found.update(_ranked(left, right, rel._dots(vectors, left, right), k))
    return found


def one(args: argparse.Namespace) -> dict:
    made = time.perf_counter()
    if args.dumps:
        from generator.archive import load_archive

        papers = sorted(load_archive(args.dumps).papers, key=lambda paper: paper.slug)
        docs = [(paper.title, paper.abstract) for paper in papers]
        reference = rel.default_reference()
    else:
        papers = synthetic_papers(args.papers) if args.corpus == "topics" else scale_papers(args.papers)
        papers.sort(key=lambda paper: paper.slug)
        docs = [(paper.title, paper.abstract) for paper in papers]
        reference = reference_of(docs[: args.reference])
    made = time.perf_counter() - made
    before = peak_rss_mb()
    wall, times = time.perf_counter(), os.times()
    related = related_papers(papers, args.k, reference)
    wall, done = time.perf_counter() - wall, os.times()
    after = peak_rss_mb()
    result = {
        "papers": len(papers),
        "corpus": str(args.dumps) if args.dumps else args.corpus,
        "made_s": made,
        "cpu_s": done.user + done.system - times.user - times.system,
        "children_cpu_s": done.children_user + done.children_system - times.children_user - times.children_system,
        "wall_s": wall,
        "rss_before_mb": before,
        "rss_after_mb": after,
        "child_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0,
        "full_lists": sum(len(slugs) == args.k for slugs in related.values()),
    }
    index = {paper.slug: i for i, paper in enumerate(papers)}
    rows = np.sort(np.random.default_rng(1).choice(len(papers), min(args.sample, len(papers)), replace=False))
    mark = time.process_time()
    exact = exact_top(docs, rows, reference, args.k)
    result["exact_cpu_s"] = time.process_time() - mark
    hits = sum(len({index[s] for s in related[papers[i].slug]} & set(exact.get(int(i), []))) for i in rows)
    result["recall"] = hits / max(1, sum(len(exact.get(int(i), [])) for i in rows))
    own = exact_top(docs, rows, reference_of(docs), args.k)
    same = sum(len(set(own[int(i)]) & set(exact.get(int(i), []))) for i in rows)
    result["same_as_archive_idf"] = same / max(1, sum(len(own.get(int(i), [])) for i in rows))
    if args.add:
        result.update(stability(papers, docs, reference, args.add, args.k, related))
    return result


def stability(
    papers: list[Paper], docs: list[tuple[str, str | None]], reference: Reference, add: int, k: int, new: dict
) -> dict:
    """Old papers whose list after adding `add` papers is not top k of (old list + new papers)."""
    old = related_papers(papers[:-add], k, reference)
    vectors = rel._vectors(docs, reference)
    index = {paper.slug: i for i, paper in enumerate(papers)}
    added = np.arange(len(papers) - add, len(papers))
    left, right = [], []
    for slug, others in old.items():
        pool = np.unique(np.concatenate([[index[s] for s in others], added]).astype(np.int64))
        left.append(np.full(len(pool), index[slug]))
        right.append(pool)
    left_arr, right_arr = np.concatenate(left), np.concatenate(right)
    expected = _ranked(left_arr, right_arr, rel._dots(vectors, left_arr, right_arr), k)
    changed = sum(new[slug] != old[slug] for slug in old)
    broken = sum([index[s] for s in new[slug]] != expected.get(index[slug], []) for slug in old)
    return {"added": add, "old_lists_changed": changed, "unstable": broken}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, nargs="+", default=[30_000])
    parser.add_argument("--corpus", choices=["topics", "scale"], default="topics")
    parser.add_argument("--reference", type=int, default=10_000, help="papers the reference table is made from")
    parser.add_argument("--dumps", type=Path, help="a folder of real dumps instead (the committed reference table)")
    parser.add_argument("--sample", type=int, default=1000)
    parser.add_argument("--add", type=int, default=0)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        args.papers = args.papers[0]
        print(json.dumps(one(args)))
        return
    results = []
    for size in args.papers:
        command = [sys.executable, __file__, "--one", "--papers", str(size), "--corpus", args.corpus]
        command += ["--reference", str(args.reference), "--sample", str(args.sample), "--add", str(args.add)]
        command += ["--k", str(args.k)] + (["--dumps", str(args.dumps)] if args.dumps else [])
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
        print(json.dumps(results[-1]), file=sys.stderr)
    print(
        "| papers | corpus | related_papers CPU (of which forked) | wall | peak RSS (over the papers; forked) | "
        "recall@5 | same top 5 as the archive's idf | stability (old lists changed; not top 5 of old + new) |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---|")
    for r in results:
        stable = f"{r['old_lists_changed']:,} changed; {r['unstable']} not" if "unstable" in r else "-"
        cpu = r["cpu_s"] + r["children_cpu_s"]
        print(
            f"| {r['papers']:,} | {r['corpus']} | {cpu:.1f} s ({r['children_cpu_s']:.1f} s) | {r['wall_s']:.1f} s | "
            f"{r['rss_after_mb']:.0f} MB (+{r['rss_after_mb'] - r['rss_before_mb']:.0f}; {r['child_rss_mb']:.0f}) | "
            f"{r['recall']:.4f} | {r['same_as_archive_idf']:.3f} | {stable} |"
        )


if __name__ == "__main__":
    main()
