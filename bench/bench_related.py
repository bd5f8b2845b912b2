"""Benchmark of generator.related on a synthetic archive.

    .venv/bin/python bench/bench_related.py --papers 30000

Papers are made from a fixed seed: a vocabulary of pseudo-words, a Zipf-distributed
background (as in real text, a few words are very frequent and most are rare), a
few hundred topics with their own Zipf-distributed words, and English function
words, so that abstracts (~1,400 characters) and titles (8-14 words) have roughly
the term statistics of real arXiv abstracts. Prints the wall and CPU time of
related_papers() and the process's peak RSS before and after it.

Measured on this project's 2-core machine while other jobs ran (load 2-4):
30,000 papers: 14.3 s wall, 19.8 s CPU, peak RSS 300 MB (+179 MB over the papers);
100,000 papers: 190 s wall, 228 s CPU, peak RSS 917 MB.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.model import Paper, Source
from generator.related import related_papers

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

    start = date(2024, 1, 1)
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
            listed = start + timedelta(days=index // 100)
            papers.append(
                Paper(
                    key=f"paper {index}",
                    slug=f"paper-{index:06d}",
                    title=title,
                    abstract=abstract if index % 50 else None,  # 2% without abstract
                    sources=(
                        Source(dump=f"{listed.isoformat()}-trending.txt", line=index % 100 * 2 + 4, listed=listed),
                    ),
                )
            )
    return papers


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=30_000)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    made = time.perf_counter()
    papers = synthetic_papers(args.papers, args.seed)
    made = time.perf_counter() - made
    chars = sum(len(p.abstract or "") for p in papers) / len(papers)
    before = peak_rss_mb()
    print(
        f"{len(papers)} synthetic papers (mean abstract {chars:.0f} chars) made in {made:.1f} s; "
        f"peak RSS {before:.0f} MB"
    )

    wall, cpu = time.perf_counter(), time.process_time()
    related = related_papers(papers, args.k)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    after = peak_rss_mb()
    full = sum(len(slugs) == args.k for slugs in related.values())
    print(f"related_papers: {wall:.1f} s wall, {cpu:.1f} s CPU; peak RSS {after:.0f} MB (+{after - before:.0f} MB)")
    print(f"{full} of {len(related)} papers have {args.k} related papers")


if __name__ == "__main__":
    main()
