"""Synthetic archives for benchmarks and scale tests: deterministic dumps of N papers.

Titles (~70 characters) and abstracts (~1,400 characters) are built from a machine-learning
vocabulary, so tagging, related papers and search see realistic text. Papers are listed 100 a
day; about 3% of listings repeat a paper of an earlier day (as Hugging Face does), in both page
layouts. Usage: python bench/synthetic.py DIR --papers 10000
"""

from __future__ import annotations

import argparse
import itertools
import random
from datetime import date, timedelta
from pathlib import Path

TOPICS = [
    "diffusion models", "large language models", "reinforcement learning", "graph neural networks",
    "vision-language models", "quantization", "pruning", "contrastive learning", "recommender systems",
    "medical imaging", "time series forecasting", "3D reconstruction", "speech recognition",
    "interpretability", "federated learning", "robotics", "retrieval-augmented generation", "code generation",
    "image segmentation", "object detection", "knowledge distillation", "mixture of experts", "state space models",
    "neural radiance fields", "adversarial robustness", "continual learning", "optimization theory",
]  # fmt: skip
WORDS = (
    "model models learning neural network networks training data dataset datasets method methods approach "
    "performance results task tasks representation representations feature features attention transformer "
    "transformers benchmark benchmarks accuracy efficient efficiency scalable framework propose proposed "
    "show demonstrate experiments evaluation generalization robust robustness inference parameters layer "
    "layers architecture architectures loss objective gradient optimization sample samples distribution "
    "prior latent embedding embeddings token tokens sequence sequences image images video text language "
    "vision multimodal downstream pretraining fine-tuning supervised unsupervised self-supervised "
    "baseline baselines state-of-the-art "
).split()
# Real abstracts use a large vocabulary (388 real papers hold ~9,100 distinct words): besides
# the common words above, abstracts draw rarer made-up words from a Zipf-like distribution.
SYLLABLES = "ka lo mi nu pe ra si to vu ze bri cla dro fen gri hal jor kel mun nor".split()
RARE_WORDS = [
    a + b + c + d for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES for d in ("", "tic", "ment", "ize")
]
random.Random(7).shuffle(RARE_WORDS)
RARE_WEIGHTS = [1 / (rank + 1) for rank in range(len(RARE_WORDS))]
# random.choices with weights adds them all up on every call; with their sums given, it draws the same words
RARE_CUMULATIVE = list(itertools.accumulate(RARE_WEIGHTS))
TITLE_HEADS = ["Towards", "Rethinking", "Scaling", "Understanding", "Learning", "Efficient", "On", "Beyond"]
START = date(2024, 1, 1)
PER_DAY = 100


def title(rng: random.Random, number: int) -> str:
    topic = rng.choice(TOPICS)
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 7)))
    return f"{rng.choice(TITLE_HEADS)} {topic.title()} with {words.title()} {number}"


def abstract(rng: random.Random, paper_title: str) -> str:
    topic = paper_title.split(" with ")[0].split(" ", 1)[1].lower()
    sentences = []
    while sum(len(s) for s in sentences) < 1300:
        words = [rng.choice(WORDS) for _ in range(rng.randint(9, 18))]
        words += rng.choices(RARE_WORDS, cum_weights=RARE_CUMULATIVE, k=rng.randint(3, 6))
        rng.shuffle(words)
        if rng.random() < 0.3:
            words.insert(rng.randint(0, len(words)), topic)
        sentences.append(" ".join(words).capitalize() + ".")
    return " ".join(sentences)


def papers(count: int, seed: int = 0) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    result = []
    for number in range(count):
        paper_title = title(rng, number)
        result.append((paper_title, abstract(rng, paper_title)))
    return result


def write_dumps(folder: Path, count: int, seed: int = 0, repeat: float = 0.03, per_day: int = PER_DAY) -> list[Path]:
    """Write `count` distinct papers as dumps of `per_day` listings each; returns the files."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed + 1)
    items = papers(count, seed)
    paths = []
    for day_index, start in enumerate(range(0, count, per_day)):
        day = START + timedelta(days=day_index)
        listed = items[start : start + per_day]
        if start:
            listed += [items[rng.randrange(start)] for _ in range(int(len(listed) * repeat))]
        if day_index % 2:
            header = "Get trending papers in your email inbox once a day!\nGet trending papers in your email inbox!\n"
            body = "\n".join(f"{t}\n{a}" for t, a in listed)
            text = f"{header}Subscribe{body}\n"
        else:
            header = (
                "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nbyAK and the research community\n\n"
            )
            text = header + f"{day:%b} {day.day}\n\n" + "".join(f"{t}\n\n{a}\n\n" for t, a in listed)
        path = folder / f"{day.isoformat()}-daily.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--papers", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-day", type=int, default=PER_DAY)
    args = parser.parse_args()
    paths = write_dumps(args.folder, args.papers, args.seed, per_day=args.per_day)
    print(f"wrote {len(paths)} dumps with {args.papers} papers to {args.folder}")


if __name__ == "__main__":
    main()
