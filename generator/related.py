"""Related papers: the most similar papers of the archive, by TF-IDF cosine similarity.

Each paper is a TF-IDF vector of the words of its title and abstract:

- words are Unicode word runs, case-folded, with a light plural folding
  ("models" -> "model"); English stop words and academic boilerplate are dropped,
  and so are one-letter tokens and pure numbers;
- a title word counts TITLE_WEIGHT times: a title says what a paper is about
  more densely than its abstract, and a paper without an abstract is compared by
  its title alone;
- term frequency is sublinear (1 + ln tf), idf is smoothed (ln((1 + N) / (1 + df)) + 1),
  and every vector has unit length, so the dot product of two vectors is their cosine.

The similarity of every pair is computed exactly, block by block, without ever
holding an N x N matrix. Terms are split by document frequency: the few frequent
terms (in more than DENSE_SHARE of the papers, at most DENSE_MAX of them) form a
small dense matrix multiplied with BLAS; the long tail of rarer terms is joined
through an inverted index (each shared rare term adds the product of its two
weights), which costs the sum of df^2 over those terms and stays small because
they are rare. Terms found in a single paper cannot make two papers similar and
are left out of both (they still count in the vector's length).

Ranking is deterministic: scores are rounded to SCORE_DIGITS decimals, ties are
broken by slug (the smaller slug first), a paper never lists itself, and papers
sharing no term with a paper (score 0) are never listed, so a paper may have
fewer than `k` related papers (none when nothing in the archive shares a word with it).

Time is O(N^2) (every pair is scored) with small constants; memory is
O(nnz + N * DENSE_MAX + BLOCK_CELLS). Measured with bench/bench_related.py on this
project's 2-core machine while other jobs ran (load 2-4): 30,000 papers in 14 s
(20 s CPU), 300 MB peak RSS for the whole process; 100,000 papers in 190 s, 920 MB.
"""

from __future__ import annotations

import itertools
import re
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .model import Paper

#: how many related papers a paper lists by default.
DEFAULT_K = 5
#: how many times a title word counts against an abstract word.
TITLE_WEIGHT = 3
#: a term in more than this share of the papers goes to the dense part.
DENSE_SHARE = 0.02
#: the dense part holds at most this many terms (bounds memory: N * DENSE_MAX * 4 bytes).
DENSE_MAX = 768
#: cells (rows x papers) of one block of the similarity matrix.
BLOCK_CELLS = 4_000_000
#: entries of the inverted-index join materialized at once.
JOIN_CHUNK = 4_000_000
#: scores are compared after rounding to this many decimals (ties then go by slug).
SCORE_DIGITS = 6

_WORD = re.compile(r"[^\W_]+")

_STOP_TEXT = """
    a about above across after again against all almost along also although always am among an
    and another any are around as at be became because been before being below between both but
    by can cannot could did do does doing done down due during each either else enough etc even
    ever every few for from further had has have having he her here hers herself him himself his
    how however i if in into is it its itself just least less many may me might more most much
    must my myself neither no nor not of off often on once one only onto or other others otherwise
    our ours ourselves out over own per rather same several she should since so some such than
    that the their theirs them themselves then there thereby therefore these they this those
    though through thus to too toward towards under until up upon us use used uses using very via
    was we were what whatever when where whether which while who whom whose why will with within
    without would yet you your yours yourself
    paper propose proposed proposes present presents introduce introduces introduced show shows
    shown demonstrate demonstrates based approach approaches method methods result results new
    novel work study existing recent recently however furthermore moreover specifically
    additionally well significantly extensive experiment experiments
    """
STOP_WORDS = frozenset(_STOP_TEXT.split())


@dataclass(frozen=True)
class _Matrix:
    """Unit-length TF-IDF rows in CSR form, with the vocabulary's document frequencies."""

    indptr: npt.NDArray[np.int64]
    indices: npt.NDArray[np.int64]
    data: npt.NDArray[np.float64]
    df: npt.NDArray[np.int64]


def _fold(word: str) -> str:
    """Fold a plural to its singular, conservatively ("studies" -> "study", "models" -> "model")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "ous")):
        return word[:-1]
    return word


def _term(word: str) -> str | None:
    """The index term of a case-folded word, or None for a word that is not indexed."""
    if len(word) < 2 or word.isdigit() or word in STOP_WORDS:
        return None
    return _fold(word)


def terms(text: str, seen: dict[str, str | None] | None = None) -> list[str]:
    """The index terms of a text, in order (repeats kept); `seen` caches words' terms."""
    cache: dict[str, str | None] = {} if seen is None else seen
    out = []
    for word in _WORD.findall(text.casefold()):
        term = cache.get(word, "")
        if term == "":
            term = cache[word] = _term(word)
        if term is not None:
            out.append(term)
    return out


def _tfidf(docs: Sequence[tuple[str, str | None]]) -> _Matrix:
    """Unit-length TF-IDF vectors of (title, abstract) pairs."""
    vocab: dict[str, int] = {}
    rows = array("q")
    cols = array("q")
    weights = array("d")
    seen: dict[str, str | None] = {}
    for row, (title, abstract) in enumerate(docs):
        counts: dict[int, float] = {}
        for term in terms(title, seen):
            tid = vocab.setdefault(term, len(vocab))
            counts[tid] = counts.get(tid, 0.0) + TITLE_WEIGHT
        for term in terms(abstract or "", seen):
            tid = vocab.setdefault(term, len(vocab))
            counts[tid] = counts.get(tid, 0.0) + 1.0
        ordered = sorted(counts)
        rows.extend([row] * len(ordered))
        cols.extend(ordered)
        weights.extend([counts[tid] for tid in ordered])
    n = len(docs)
    row_arr = np.frombuffer(rows, dtype=np.int64)
    indices = np.frombuffer(cols, dtype=np.int64)
    tf = np.frombuffer(weights, dtype=np.float64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(row_arr, minlength=n), out=indptr[1:])
    df = np.bincount(indices, minlength=len(vocab)).astype(np.int64)
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    data = (1.0 + np.log(tf)) * idf[indices]
    norms = np.sqrt(np.bincount(row_arr, weights=data * data, minlength=n))
    data /= norms[row_arr]
    return _Matrix(indptr=indptr, indices=indices, data=data, df=df)


def _top_k(scores: npt.NDArray[np.float64], first: int, k: int) -> list[list[int]]:
    """The k best columns of each row of a block (rows first, first + 1, ...).

    Scores are rounded to SCORE_DIGITS decimals; a larger rounded score wins, then
    a smaller column (slug order); the row's own column and scores that round to
    zero are never chosen. Modifies `scores`.
    """
    rows, n = scores.shape
    local = np.arange(rows)
    scores[local, first + local] = 0.0
    scale = 10.0**SCORE_DIGITS
    # The k-th largest raw score of each row: anything that can tie with it or beat it
    # once rounded is within 1 / scale of it. (Usually about k candidates a row.)
    take = min(k, n)
    kth = np.partition(scores, n - take, axis=1)[:, n - take]
    floor = np.maximum(kth - 1.0 / scale, 0.4 / scale)
    cand_rows, cand_cols = np.nonzero(scores >= floor[:, None])
    rounded = np.rint(scores[cand_rows, cand_cols] * scale).astype(np.int64)
    order = np.lexsort((cand_cols, -rounded, cand_rows))
    best: list[list[int]] = [[] for _ in range(rows)]
    for row, col, score in zip(cand_rows[order], cand_cols[order], rounded[order], strict=True):
        chosen = best[row]
        if score > 0 and len(chosen) < k:
            chosen.append(int(col))
    return best


def similar(docs: Sequence[tuple[str, str | None]], k: int = DEFAULT_K) -> list[list[int]]:
    """For each (title, abstract) pair, the indices of its k most similar pairs, best first.

    Ties are broken by the smaller index, so pass the documents in slug order.
    """
    n = len(docs)
    if n < 2 or k < 1:
        return [[] for _ in range(n)]
    matrix = _tfidf(docs)
    df = matrix.df
    row_of = np.repeat(np.arange(n, dtype=np.int64), np.diff(matrix.indptr))

    # Split the terms shared by at least two papers into dense (frequent) and sparse (rare).
    shared = np.flatnonzero(df >= 2)
    by_df = shared[np.lexsort((shared, -df[shared]))]  # most frequent first, then term id
    dense_terms = by_df[:DENSE_MAX][df[by_df[:DENSE_MAX]] > DENSE_SHARE * n]
    dense_col = np.full(len(df), -1, dtype=np.int64)
    dense_col[np.sort(dense_terms)] = np.arange(len(dense_terms))
    is_rare = df >= 2
    is_rare[dense_terms] = False

    dense = np.zeros((n, len(dense_terms)), dtype=np.float32)
    in_dense = dense_col[matrix.indices] >= 0
    dense[row_of[in_dense], dense_col[matrix.indices[in_dense]]] = matrix.data[in_dense]

    # The rare part, as rows (CSR) and as an inverted index (postings by term, then row).
    in_rare = is_rare[matrix.indices]
    rare_rows = row_of[in_rare]
    rare_terms = matrix.indices[in_rare]
    rare_data = matrix.data[in_rare]
    rare_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rare_rows, minlength=n), out=rare_ptr[1:])
    by_term = np.lexsort((rare_rows, rare_terms))
    post_rows = rare_rows[by_term]
    post_data = rare_data[by_term]
    post_ptr = np.zeros(len(df) + 1, dtype=np.int64)
    np.cumsum(np.bincount(rare_terms, minlength=len(df)), out=post_ptr[1:])
    post_len = np.diff(post_ptr)
    del matrix, row_of, in_dense, in_rare, by_term  # only the two parts are needed from here

    block = max(1, min(n, BLOCK_CELLS // n))
    related: list[list[int]] = []
    for first in range(0, n, block):
        last = min(n, first + block)
        scores = (dense[first:last] @ dense.T).astype(np.float64)
        lo, hi = rare_ptr[first], rare_ptr[last]
        _add_rare(
            scores,
            rare_rows[lo:hi] - first,
            rare_terms[lo:hi],
            rare_data[lo:hi],
            post_rows,
            post_data,
            post_ptr,
            post_len,
        )
        related.extend(_top_k(scores, first, k))
    return related


def _add_rare(
    scores: npt.NDArray[np.float64],
    rows: npt.NDArray[np.int64],
    term_ids: npt.NDArray[np.int64],
    weights: npt.NDArray[np.float64],
    post_rows: npt.NDArray[np.int64],
    post_data: npt.NDArray[np.float64],
    post_ptr: npt.NDArray[np.int64],
    post_len: npt.NDArray[np.int64],
) -> None:
    """Add to a block of scores the products of its rows' rare terms (inverted-index join)."""
    height, n = scores.shape
    flat = scores.reshape(-1)
    lengths = post_len[term_ids]
    ends = np.cumsum(lengths)
    start = 0
    while start < len(term_ids):
        # Take entries until about JOIN_CHUNK postings are joined (at least one entry).
        base = ends[start - 1] if start else 0
        stop = int(np.searchsorted(ends, base + JOIN_CHUNK, side="right"))
        stop = max(stop, start + 1)
        seg_len = lengths[start:stop]
        total = int(seg_len.sum())
        if total:
            offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(seg_len) - seg_len, seg_len)
            where = np.repeat(post_ptr[term_ids[start:stop]], seg_len) + offsets
            cells = np.repeat(rows[start:stop] * n, seg_len) + post_rows[where]
            products = np.repeat(weights[start:stop], seg_len) * post_data[where]
            flat += np.bincount(cells, weights=products, minlength=height * n)
        start = stop


def related_papers(papers: Iterable[Paper], k: int = DEFAULT_K) -> dict[str, tuple[str, ...]]:
    """Each paper's slug -> the slugs of its (at most) k most similar papers, best first.

    Deterministic: the result depends only on the papers' slugs, titles and
    abstracts, not on their order. Every paper has a key (possibly an empty tuple).
    """
    ordered = sorted(papers, key=lambda paper: paper.slug)
    for before, after in itertools.pairwise(ordered):
        if before.slug == after.slug:
            raise ValueError(f"two papers share the slug {before.slug!r}")
    found = similar([(paper.title, paper.abstract) for paper in ordered], k)
    return {
        paper.slug: tuple(ordered[index].slug for index in indices)
        for paper, indices in zip(ordered, found, strict=True)
    }


def cosine_scores(docs: Sequence[tuple[str, str | None]]) -> npt.NDArray[np.float64]:
    """The full N x N cosine matrix of small inputs (for tests and inspection only)."""
    matrix = _tfidf(docs)
    n = len(docs)
    vocab = len(matrix.df)
    full = np.zeros((n, vocab))
    row_of = np.repeat(np.arange(n), np.diff(matrix.indptr))
    full[row_of, matrix.indices] = matrix.data
    result: npt.NDArray[np.float64] = full @ full.T
    return result


__all__ = ["DEFAULT_K", "cosine_scores", "related_papers", "similar", "terms"]
