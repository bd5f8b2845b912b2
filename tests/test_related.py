"""Related papers: deterministic, exact, never the paper itself, and sensible on real dumps."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import related as related_module
from generator.model import Paper
from generator.related import DEFAULT_K, cosine_scores, related_papers, terms
from tests._papers import paper, shared_papers

#: pairs of papers in the shared dumps that clearly belong together.
PAIRS = [
    (
        "MMRL: Multi-Modal Representation Learning for Vision-Language Models",
        "MMRL++: Parameter-Efficient and Interaction-Aware Representation Learning for Vision-Language Models",
    ),
    (
        "4-bit Shampoo for Memory-Efficient Network Training",
        "Memory Efficient Optimizers with 4-bit States",
    ),
    (
        "Commutative Width and Depth Scaling in Deep Neural Networks",
        "Width and Depth Limits Commute in Residual Networks",
    ),
    (
        "A Dynamical Model of Neural Scaling Laws",
        "A Solvable Model of Neural Scaling Laws",
    ),
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Paper, ...]:

    return shared_papers(tmp_path_factory.mktemp("archive"))


@pytest.fixture(scope="module")
def related(archive: tuple[Paper, ...]) -> dict[str, tuple[str, ...]]:
    return related_papers(archive)


def by_title(archive: tuple[Paper, ...], title: str) -> Paper:
    (found,) = [p for p in archive if p.title == title]
    return found


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_papers_that_belong_together_are_related(
    archive: tuple[Paper, ...], related: dict[str, tuple[str, ...]], first: str, second: str
) -> None:
    a, b = by_title(archive, first), by_title(archive, second)
    assert b.slug in related[a.slug]
    assert a.slug in related[b.slug]


def test_the_closest_pair_is_each_others_first(archive: tuple[Paper, ...], related: dict[str, tuple[str, ...]]) -> None:
    a, b = (by_title(archive, title) for title in PAIRS[0])
    assert related[a.slug][0] == b.slug
    assert related[b.slug][0] == a.slug


def test_unrelated_papers_are_not_listed(archive: tuple[Paper, ...], related: dict[str, tuple[str, ...]]) -> None:
    mmrl = by_title(archive, PAIRS[0][0])
    shampoo = by_title(archive, PAIRS[1][0])
    assert shampoo.slug not in related[mmrl.slug]
    assert mmrl.slug not in related[shampoo.slug]


def test_every_paper_has_k_distinct_others(archive: tuple[Paper, ...], related: dict[str, tuple[str, ...]]) -> None:
    slugs = {p.slug for p in archive}
    assert set(related) == slugs
    for slug, others in related.items():
        assert slug not in others
        assert len(others) == DEFAULT_K  # every real paper shares words with at least 5 others
        assert len(set(others)) == len(others)
        assert set(others) <= slugs


def test_deterministic_whatever_the_order(archive: tuple[Paper, ...], related: dict[str, tuple[str, ...]]) -> None:
    shuffled = list(archive)
    random.Random(4).shuffle(shuffled)
    assert related_papers(shuffled) == related
    assert related_papers(reversed(archive)) == related


def test_matches_brute_force_with_small_blocks(
    archive: tuple[Paper, ...], related: dict[str, tuple[str, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The block-wise, split dense/sparse computation finds the true top k."""
    ordered = sorted(archive, key=lambda p: p.slug)
    full = cosine_scores([(p.title, p.abstract) for p in ordered])
    np.fill_diagonal(full, -1.0)
    index = {p.slug: i for i, p in enumerate(ordered)}
    # Many blocks, many join chunks, and a dense part of a few terms.
    monkeypatch.setattr(related_module, "BLOCK_CELLS", 7 * len(ordered))
    monkeypatch.setattr(related_module, "JOIN_CHUNK", 500)
    monkeypatch.setattr(related_module, "DENSE_MAX", 9)
    small = related_papers(ordered)
    for found in (related, small):
        for p in ordered:
            row = full[index[p.slug]]
            kth = np.sort(row)[-DEFAULT_K]
            scores = [row[index[slug]] for slug in found[p.slug]]
            assert min(scores) >= kth - 1e-5
            assert all(x >= y - 1e-5 for x, y in itertools.pairwise(scores))
    # Ties apart (none here at 6 decimals), the answers are the same.
    assert small == related


def test_papers_without_abstracts_are_related_by_title() -> None:
    papers = [
        paper("a", "Sparse autoencoders for interpretability", None),
        paper("b", "Evaluating sparse autoencoders", "We evaluate sparse autoencoders on language models."),
        paper("c", "Diffusion for images", "Image diffusion generates pictures."),
        paper("d", "Nothing in common", None),
    ]
    found = related_papers(papers)
    assert found["a"] == ("b",)
    assert found["b"] == ("a",)
    assert found["d"] == ()  # no shared word: nothing is listed rather than noise


def test_ties_are_broken_by_slug() -> None:
    twins = [paper(slug, "Graph neural networks", "Message passing on graphs.") for slug in ("d", "b", "c", "a")]
    assert related_papers(twins, k=2) == {
        "a": ("b", "c"),
        "b": ("a", "c"),
        "c": ("a", "b"),
        "d": ("a", "b"),
    }


def test_small_inputs() -> None:
    assert related_papers([]) == {}
    assert related_papers([paper("only")]) == {"only": ()}
    assert related_papers([paper("a", "Same words"), paper("b", "Same words")], k=0) == {"a": (), "b": ()}


def test_duplicate_slugs_are_refused() -> None:
    with pytest.raises(ValueError, match="slug"):
        related_papers([paper("a"), paper("a")])


def test_terms() -> None:
    assert terms("We propose MMRL++: Vision-Language models, 2 studies in 3D") == [
        "mmrl",
        "vision",
        "language",
        "model",
        "study",
        "3d",
    ]


WORDS = st.sampled_from(
    ["graph", "neural", "network", "diffusion", "image", "text", "vision", "language", "sparse", "model", "the", "of"]
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.lists(WORDS, min_size=0, max_size=5), st.none() | st.lists(WORDS, max_size=12)),
        min_size=0,
        max_size=12,
    ),
    st.integers(min_value=0, max_value=6),
    st.randoms(use_true_random=False),
)
def test_properties(docs: list[tuple[list[str], list[str] | None]], k: int, rnd: random.Random) -> None:
    papers = [
        paper(f"p{i:02d}", " ".join(title) or "x", None if abstract is None else " ".join(abstract) + ".")
        for i, (title, abstract) in enumerate(docs)
    ]
    found = related_papers(papers, k)
    shuffled = papers[:]
    rnd.shuffle(shuffled)
    assert related_papers(shuffled, k) == found
    full = cosine_scores([(p.title, p.abstract) for p in papers])
    for i, p in enumerate(papers):
        others = found[p.slug]
        assert p.slug not in others
        assert len(others) <= k
        for slug in others:
            assert full[i, int(slug[1:])] > 0
        # Fewer than k only when no other paper shares a word.
        positive = sum(1 for j in range(len(papers)) if j != i and full[i, j] > 1e-6)
        assert len(others) == min(k, positive)


def test_benchmark_script_exists() -> None:
    assert (Path(__file__).resolve().parents[1] / "bench" / "bench_related.py").is_file()
