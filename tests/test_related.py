"""Related papers: deterministic, exact, never the paper itself, and sensible on real dumps."""

from __future__ import annotations

import itertools
import os
import random
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import related as related_module
from generator.model import Paper
from generator.related import (
    DEFAULT_K,
    Reference,
    cosine_scores,
    default_reference,
    read_reference,
    reference_of,
    related_papers,
    terms,
    write_reference,
)
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


def exact_top(scores: np.ndarray, slugs: list[str], row: int, k: int = DEFAULT_K) -> tuple[str, ...]:
    """The true top k of a row of exact scores, ranked as related.py ranks: rounded score, then slug."""
    rounded = np.rint(scores[row] * 10.0**related_module.SCORE_DIGITS)
    order = sorted((j for j in range(len(slugs)) if j != row and rounded[j] > 0), key=lambda j: (-rounded[j], slugs[j]))
    return tuple(slugs[j] for j in order[:k])


def test_matches_brute_force(
    archive: tuple[Paper, ...], related: dict[str, tuple[str, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a small archive every term chooses candidates: the lists are the true top k, and
    blocks of one row or scoring every row against every paper change nothing."""
    ordered = sorted(archive, key=lambda p: p.slug)
    slugs = [p.slug for p in ordered]
    full = cosine_scores([(p.title, p.abstract) for p in ordered])
    assert related == {slug: exact_top(full, slugs, i) for i, slug in enumerate(slugs)}
    monkeypatch.setattr(related_module, "BLOCK_WORK", 1)
    assert related_papers(ordered) == related
    monkeypatch.setattr(related_module, "CANDIDATES", len(ordered))  # every row scored against every paper
    assert related_papers(ordered) == related


def test_few_candidate_terms_still_find_nearly_all(
    archive: tuple[Paper, ...], related: dict[str, tuple[str, ...]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With candidates chosen by the rarest terms only (as in a large archive), the lists are
    still ranked by exact score, and nearly all are the true top k."""
    ordered = sorted(archive, key=lambda p: p.slug)
    full = cosine_scores([(p.title, p.abstract) for p in ordered])
    index = {p.slug: i for i, p in enumerate(ordered)}
    monkeypatch.setattr(related_module, "CANDIDATE_WORK", 40)  # terms held by at most 5 of the 388 papers
    monkeypatch.setattr(related_module, "CANDIDATES", 60)
    monkeypatch.setattr(related_module, "BLOCK_WORK", 5_000)
    few = related_papers(ordered)
    hits = 0
    for slug, others in few.items():
        scores = [full[index[slug], index[other]] for other in others]
        assert all(x >= y for x, y in itertools.pairwise(scores))
        hits += len(set(others) & set(related[slug]))
    assert hits / (DEFAULT_K * len(ordered)) >= 0.95


def check_stable(old: dict[str, tuple[str, ...]], new: dict[str, tuple[str, ...]], papers: Sequence[Paper]) -> int:
    """Assert that each old paper's new list is the top k of (its old list + the new papers) by
    the same exact scores; returns how many old lists changed."""
    ordered = sorted(papers, key=lambda p: p.slug)
    slugs = [p.slug for p in ordered]
    index = {slug: i for i, slug in enumerate(slugs)}
    rounded = np.rint(cosine_scores([(p.title, p.abstract) for p in ordered]) * 10.0**related_module.SCORE_DIGITS)
    added = set(new) - set(old)
    changed = 0
    for slug, others in old.items():
        k = max(len(others), len(new[slug]))
        pool = [s for s in set(others) | added if rounded[index[slug], index[s]] > 0 and s != slug]
        pool.sort(key=lambda s: (-rounded[index[slug], index[s]], s))
        assert new[slug] == tuple(pool[:k]), slug
        changed += new[slug] != others
    return changed


def test_adding_a_dump_changes_a_list_only_for_a_more_similar_new_paper(archive: tuple[Paper, ...]) -> None:
    """The archive without its last dump's new papers, then with them."""
    last = max(p.sources[0].dump for p in archive)
    old_papers = [p for p in archive if p.sources[0].dump != last]
    assert 0 < len(old_papers) < len(archive)
    old, new = related_papers(old_papers), related_papers(archive)
    changed = check_stable(old, new, list(archive))
    assert 0 < changed < len(old)  # some lists take a new paper, most stay as they were


def test_scores_do_not_depend_on_the_archive(archive: tuple[Paper, ...]) -> None:
    """A pair's score is the same, to the bit, in the whole archive and in a part of it."""
    ordered = sorted(archive, key=lambda p: p.slug)
    docs = [(p.title, p.abstract) for p in ordered]
    whole = cosine_scores(docs)
    part = list(range(0, len(docs), 3))
    assert np.array_equal(cosine_scores([docs[i] for i in part]), whole[np.ix_(part, part)])
    assert np.array_equal(whole, whole.T)


def test_byte_identical_across_runs(tmp_path: Path) -> None:
    """Two processes write the same bytes (no hash seed, thread or memory layout shows through)."""
    script = (
        "import json, sys; from tests._papers import shared_papers; from generator.related import related_papers;"
        "sys.stdout.write(json.dumps(related_papers(shared_papers()), sort_keys=True))"
    )
    root = Path(__file__).resolve().parents[1]
    runs = [
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=root,
            capture_output=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    ]
    assert runs[0] == runs[1] and len(runs[0]) > 1000


def test_reference_table(tmp_path: Path) -> None:
    table = default_reference()
    assert table.papers > 0 and table.df
    assert all(0 < count <= table.papers for count in table.df.values())
    # an unknown term counts as held by no paper of the reference: the highest idf
    assert table.idf("zzzunknownzzz") > max(table.idf(term) for term in table.df)
    made = reference_of([("Graph networks", "Graph neural networks on graphs."), ("Images", None)])
    assert made == Reference(2, {"graph": 1, "network": 1, "neural": 1, "image": 1})
    write_reference(made, tmp_path / "df.tsv")
    assert (tmp_path / "df.tsv").read_text() == "#papers\t2\ngraph\t1\nimage\t1\nnetwork\t1\nneural\t1\n"
    assert read_reference(tmp_path / "df.tsv") == made
    (tmp_path / "bad.tsv").write_text("graph\t1\n")
    with pytest.raises(ValueError, match="reference table"):
        read_reference(tmp_path / "bad.tsv")


def test_the_reference_changes_the_weights_not_the_archive() -> None:
    """With a reference in which "graph" is common, sharing "graph" counts for less."""
    papers = [
        paper("a", "Graph diffusion", None),
        paper("b", "Graph models", None),
        paper("c", "Diffusion models", None),
    ]
    rare_graph = Reference(100, {"graph": 1, "diffusion": 50, "model": 50})
    common_graph = Reference(100, {"graph": 90, "diffusion": 1, "model": 50})
    assert related_papers(papers, k=1, reference=rare_graph)["a"] == ("b",)
    assert related_papers(papers, k=1, reference=common_graph)["a"] == ("c",)


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
    st.sampled_from([(related_module.CANDIDATES, related_module.CANDIDATE_WORK), (1, 4), (2, 1)]),
)
def test_properties(
    docs: list[tuple[list[str], list[str] | None]], k: int, rnd: random.Random, settings_: tuple[int, int]
) -> None:
    """Also with few candidates chosen by few terms (the path a large archive takes)."""
    papers = [
        paper(f"p{i:02d}", " ".join(title) or "x", None if abstract is None else " ".join(abstract) + ".")
        for i, (title, abstract) in enumerate(docs)
    ]
    candidates, work = settings_
    with (
        mock.patch.object(related_module, "CANDIDATES", candidates),
        mock.patch.object(related_module, "CANDIDATE_WORK", work),
    ):
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


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.lists(WORDS, min_size=1, max_size=5), st.none() | st.lists(WORDS, max_size=12)),
        min_size=2,
        max_size=14,
    ),
    st.integers(min_value=1, max_value=5),
    st.data(),
)
def test_stability_property(docs: list[tuple[list[str], list[str] | None]], k: int, data: st.DataObject) -> None:
    """Adding papers (any of them: new slugs fall anywhere in slug order) changes an old list
    only to take a new paper that scores higher than its last."""
    papers = [
        paper(f"p{i:02d}", " ".join(title), None if abstract is None else " ".join(abstract) + ".")
        for i, (title, abstract) in enumerate(docs)
    ]
    new_ones = data.draw(st.sets(st.integers(0, len(papers) - 1), min_size=1, max_size=len(papers) - 1))
    old_papers = [p for i, p in enumerate(papers) if i not in new_ones]
    check_stable(related_papers(old_papers, k), related_papers(papers, k), papers)


def test_benchmark_script_exists() -> None:
    assert (Path(__file__).resolve().parents[1] / "bench" / "bench_related.py").is_file()
