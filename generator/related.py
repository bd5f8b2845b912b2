"""Related papers: the most similar papers of the archive, by TF-IDF cosine similarity.

The similarity of two papers is the cosine of their TF-IDF vectors, made of the words of
their titles and abstracts:

- words are Unicode word runs, case-folded, with a light plural folding
  ("models" -> "model"); English stop words and academic boilerplate are dropped,
  and so are one-letter tokens and pure numbers;
- a title word counts TITLE_WEIGHT times: a title says what a paper is about
  more densely than its abstract, and a paper without an abstract is compared by
  its title alone;
- term frequency is sublinear (1 + ln tf), idf is smoothed (ln((1 + N) / (1 + df)) + 1),
  and every vector has unit length, so the dot product of two vectors is their cosine.

**The idf is fixed, not the archive's.** N and df come from a reference table
(REFERENCE: a number of papers and, for each term, how many of them hold it), made once
from the project's dumps (``python -m generator.related --write-reference``) and
committed; a term the table does not know counts as held by none of its papers (the
highest idf: rarer than anything in the reference). So the similarity of two papers
depends on those two papers only: adding papers never changes the score of a pair
already in the archive, and a paper's list changes only when a new paper scores higher
than its current last one (ranking is by score, then slug). With the archive's own idf,
every dump would move every weight a little and reshuffle lists all over the archive
(rewriting old paper pages and API files whose lists moved). The cost: weights do not
follow the archive's vocabulary as it drifts (a word that becomes common later keeps the
weight it had in the reference) until the table is made again, a deliberate change that
may reorder every list.

**How the top k are found.** Scoring every pair costs N^2. Instead, each paper's
candidates are the CANDIDATES papers with the largest dot product over the archive's
rarer terms: one sparse matrix product (scipy.sparse) per block of papers, whose cost is
the sum, over those terms, of their document frequency squared. Terms are taken rarest
first as long as that sum stays within CANDIDATE_WORK multiply-adds a paper, so the cost
grows with N, not N^2; a small archive (the project's, today) uses every term shared by
two papers, and its lists are the exact top k. Each candidate then gets its exact score
over all terms, and the best k are kept; a paper with fewer than CANDIDATES candidates is
scored against every paper. (A candidate's score is at least its rarer terms' part and at
most that plus the product of the two papers' norms over the other terms: candidates that
cannot reach the k-th are not scored.)

The frequent terms left out of the product still count in the exact scores, but they can
cause a miss: a paper's true neighbour owes its rank to many frequent terms it shares and
few rare ones, and is not among its candidates. That happens where papers have no close
neighbours (all their overlaps small); bench/bench_related.py measures the recall against
brute force (figures in bench/README.md). A miss is also the one way a list can change
other than through a better new paper: a listed paper drops out of a paper's candidates
(more than CANDIDATES - k new papers score higher on the rarer terms, or a term they share
becomes too frequent to choose candidates).

**Kept lists.** The lists are kept in the repository (generator.relatedtable: dumps/related.tsv)
and a build starts from them (:func:`related_lists`): only a paper the kept lists do not know
(or whose text changed) is scored, against every paper sharing a term with it, and enters a
kept list where it scores higher than its last. Candidates and misses above are then only for an
archive without kept lists; `python -m generator related` makes them exact instead (every pair
scored once: quadratic), and exact lists stay exact from one dump to the next. A new paper is
scored against every paper's vector: the build keeps the vectors it made (:class:`Vectors`,
docs/papers/.related-vectors.bin) and the next one tokenizes only the texts they do not hold.

Scores are deterministic to the bit: a pair's score is made of the two vectors alone (the
products of the weights of the terms both papers hold, in the terms' alphabetical order,
summed by numpy), whatever else is in the archive and however the pair was found.
Ranking rounds scores to SCORE_DIGITS decimals; ties go to the smaller slug; a paper never
lists itself, nor a paper sharing no term with it (score 0), so a paper may have fewer than
`k` related papers.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import math
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from . import urls
from .model import Paper

#: how many related papers a paper lists by default.
DEFAULT_K = 5
#: how many times a title word counts against an abstract word.
TITLE_WEIGHT = 3
#: papers scored exactly for each paper (found by the product over less frequent terms).
CANDIDATES = 60
#: multiply-adds a paper may spend choosing candidates: the rarest terms choose them, as many as
#: fit (the work of a term is its document frequency squared; small archives use every term).
CANDIDATE_WORK = 6_000
#: multiply-adds of one block of the candidate product (bounds its memory: ~12 bytes each).
BLOCK_WORK = 2_000_000
#: the version of the tokenizing and weighting: raise it when they change (kept lists are found again).
METHOD = 1
#: rows of a kept-lists update scored against every paper at a time (bounds the product's memory).
_EXACT_BLOCK = 32
#: scores are compared after rounding to this many decimals (ties then go by slug).
SCORE_DIGITS = 6
# A score this much below another may still round to the same value (or differ by float error).
_MARGIN = 2.0 * 10.0**-SCORE_DIGITS
#: documents tokenized at a time (bounds the memory of their token lists).
_CHUNK = 2048
#: the committed reference table of document frequencies (see the module's docstring).
REFERENCE = Path(__file__).with_name("related_df.tsv")

_WORD = re.compile(r"[^\W_]+")
# For ASCII text, [^\W_]+ is a run of letters and digits: str.translate and str.split find
# the same words several times faster than the regular expression.
_ASCII_APART = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})

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
class Reference:
    """Document frequencies that fix the idf: `papers` papers, `df[term]` of which hold the term."""

    papers: int
    df: Mapping[str, int]

    def idf(self, term: str) -> float:
        """ln((1 + N) / (1 + df)) + 1, with df 0 for a term the reference does not know."""
        return math.log((1.0 + self.papers) / (1.0 + self.df.get(term, 0))) + 1.0


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


def _words(text: str) -> list[str]:
    """The case-folded word runs of a text."""
    if text.isascii():
        return text.translate(_ASCII_APART).lower().split()
    return _WORD.findall(text.casefold())


def terms(text: str) -> list[str]:
    """The index terms of a text, in order (repeats kept)."""
    return [term for term in map(_term, _words(text)) if term is not None]


def reference_of(docs: Iterable[tuple[str, str | None]]) -> Reference:
    """The reference table of some (title, abstract) pairs."""
    words = _TermIds()
    term_id = words.__getitem__
    df: Counter[int] = Counter()
    papers = 0
    for title, abstract in docs:
        papers += 1
        held = set(map(term_id, _words(title)))
        held.update(map(term_id, _words(abstract or "")))
        held.discard(-1)
        df.update(held)
    names = {number: term for term, number in words.ids.items()}
    return Reference(papers, {names[number]: count for number, count in df.items()})


def write_reference(reference: Reference, path: Path) -> None:
    """Write a reference table: a line '#papers<TAB>N', then 'term<TAB>df' lines by term."""
    lines = [f"#papers\t{reference.papers}\n"]
    lines += [f"{term}\t{reference.df[term]}\n" for term in sorted(reference.df)]
    path.write_text("".join(lines), encoding="utf-8")


def read_reference(path: Path) -> Reference:
    """Read a table written by :func:`write_reference`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or not lines[0].startswith("#papers\t"):
        raise ValueError(f"{path}: not a reference table (no '#papers' line first)")
    df = {}
    for number, line in enumerate(lines[1:], start=2):
        term, sep, count = line.partition("\t")
        if not sep or not count.isdigit():
            raise ValueError(f"{path}:{number}: expected 'term<TAB>count'")
        df[term] = int(count)
    return Reference(int(lines[0].partition("\t")[2]), df)


@cache
def default_reference() -> Reference:
    """The committed reference table (REFERENCE), read once."""
    return read_reference(REFERENCE)


class _TermIds(dict[str, int]):
    """word -> id of its term in `ids` (-1 for a word that is not indexed), filled on first sight."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: dict[str, int] = {}

    def __missing__(self, word: str) -> int:
        term = _term(word)
        value = -1 if term is None else self.ids.setdefault(term, len(self.ids))
        self[word] = value
        return value


def _vectors(docs: Sequence[tuple[str, str | None]], reference: Reference) -> sp.csr_matrix:
    """Unit-length TF-IDF rows of (title, abstract) pairs, columns in the terms' alphabetical order.

    Each row is computed from its own document and the reference alone (its length is the
    sum of its own squared weights, in column order), so a paper's vector is the same in
    any archive."""
    return _vectors_and_terms(docs, reference)[0]


def _vectors_and_terms(
    docs: Sequence[tuple[str, str | None]], reference: Reference
) -> tuple[sp.csr_matrix, npt.NDArray[np.str_]]:
    """:func:`_vectors`, and the terms of its columns (sorted)."""
    words = _TermIds()
    term_id = words.__getitem__
    n = len(docs)
    parts = []
    for start in range(0, n, _CHUNK):  # in chunks: a list of Python ints per text is large
        ids: list[list[int]] = []
        for title, abstract in docs[start : start + _CHUNK]:
            ids.append(list(map(term_id, _words(title))))
            ids.append(list(map(term_id, _words(abstract))) if abstract else [])
        lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
        flat = np.fromiter(itertools.chain.from_iterable(ids), dtype=np.int64, count=int(lengths.sum()))
        rows = np.repeat(np.arange(len(ids), dtype=np.int64) // 2, lengths)
        counts = np.repeat(np.tile(np.array([float(TITLE_WEIGHT), 1.0]), len(ids) // 2), lengths)
        indexed = flat >= 0
        part = sp.csr_matrix(
            (counts[indexed], (rows[indexed], flat[indexed])), shape=(len(ids) // 2, len(words.ids)), dtype=np.float64
        )
        part.sum_duplicates()  # term frequencies: sums of small integers, exact
        parts.append(part)
    names = sorted(words.ids)
    alphabetical = np.empty(len(names), dtype=np.int64)
    alphabetical[[words.ids[name] for name in names]] = np.arange(len(names))
    for number, part in enumerate(parts):  # renumbered one at a time, in place
        parts[number] = sp.csr_matrix(
            (part.data, alphabetical[part.indices], part.indptr), shape=(part.shape[0], len(names))
        )
    matrix = sp.vstack(parts or [sp.csr_matrix((0, len(names)))], format="csr")
    del parts
    matrix.has_sorted_indices = False
    matrix.sort_indices()  # each row's columns in the terms' alphabetical order
    idf = np.array([reference.idf(name) for name in names], dtype=np.float64)
    matrix.data = (1.0 + np.log(matrix.data)) * idf[matrix.indices]
    row_of = np.repeat(np.arange(n, dtype=np.int32), np.diff(matrix.indptr))
    norms = np.sqrt(np.bincount(row_of, weights=matrix.data * matrix.data, minlength=n))
    matrix.data /= norms[row_of]
    return matrix, np.array(names, dtype=np.str_)


#: the papers' vectors as the last build made them, among the generated files (a dot file: not
#: part of the site), so that a build tokenizes only the texts that are new (:class:`Vectors`)
VECTORS_PATH = f"{urls.PAPERS}/.related-vectors.bin"


@dataclass(frozen=True)
class Vectors:
    """Papers' vectors (rows of `matrix`, whose columns are `terms`, sorted) by the digest of
    their text (:func:`text_digest`): a build's memo, so that the next one tokenizes only the
    texts it has not seen."""

    digests: Sequence[str]
    terms: npt.NDArray[np.str_]
    matrix: sp.csr_matrix


def vectors_key(reference: Reference, code: str) -> str:
    """A digest of all a paper's vector depends on but its text: the reference table and `code`
    (the generator's: generator.build.code_digest)."""
    return hashlib.blake2b(f"{method_digest(reference, 0)}\0{code}".encode(), digest_size=16).hexdigest()


def vectors_of(
    docs: Sequence[tuple[str, str | None]], digests: Sequence[str], reference: Reference, known: Vectors | None
) -> Vectors:
    """The vectors of `docs` (their text digests `digests`), rows in their order: taken from
    `known` where it holds the digest, the others made. The same bits as :func:`_vectors` of
    `docs` (a row is made of its own text; columns keep the terms' alphabetical order), with
    the columns of the terms the rows hold, and no more."""
    have = {digest: row for row, digest in enumerate(known.digests)} if known is not None else {}
    taken = np.array([have.get(digest, -1) for digest in digests], dtype=np.int64)
    missing = np.flatnonzero(taken < 0)
    made, made_terms = _vectors_and_terms([docs[row] for row in missing.tolist()], reference)
    parts = [(made, made_terms)] if known is None else [(made, made_terms), (known.matrix, known.terms)]
    terms = np.unique(np.concatenate([part_terms for _, part_terms in parts]))
    stacked = sp.vstack(
        [  # columns renumbered into the union's: in the same order, so every row stays sorted
            sp.csr_matrix(
                (m.data, np.searchsorted(terms, part_terms)[m.indices], m.indptr), shape=(m.shape[0], len(terms))
            )
            for m, part_terms in parts
        ],
        format="csr",
    )
    order = taken + made.shape[0]  # each doc's row of the stack: the made rows come first
    order[missing] = np.arange(len(missing))
    matrix = stacked[order]
    held = np.zeros(len(terms) + 1, dtype=np.int64)  # the terms some row holds, in order
    held[1:][matrix.indices] = 1
    renumber = np.cumsum(held)[:-1]
    matrix = sp.csr_matrix((matrix.data, renumber[matrix.indices], matrix.indptr), shape=(len(docs), int(held.sum())))
    matrix.has_sorted_indices = True
    return Vectors(tuple(digests), terms[held[1:] > 0], matrix)


def papers_vectors(papers: Iterable[Paper], reference: Reference | None = None) -> Vectors:
    """The vectors of papers (rows in slug order, as :func:`related_lists` makes them)."""
    docs = [(paper.title, paper.abstract) for paper in sorted(papers, key=lambda paper: paper.slug)]
    reference = default_reference() if reference is None else reference
    return vectors_of(docs, [text_digest(*doc) for doc in docs], reference, None)


_VECTORS_MAGIC = b"PA-VECTORS 1"


def format_vectors(vectors: Vectors, key: str) -> bytes:
    """The memo file: a header line (the magic, `key`: :func:`vectors_key`, a digest of the rest,
    and the sizes), then the digests, the terms (one per line), and the matrix's arrays
    (little-endian)."""
    terms = "\n".join(vectors.terms.tolist()).encode("utf-8", "surrogatepass")
    matrix = vectors.matrix
    body = b"".join(
        [
            "".join(vectors.digests).encode("ascii"),
            terms,
            np.asarray(matrix.indptr, dtype="<i8").tobytes(),
            np.asarray(matrix.indices, dtype="<i4").tobytes(),
            np.asarray(matrix.data, dtype="<f8").tobytes(),
        ]
    )
    sizes = (len(vectors.digests), len(vectors.terms), len(terms), matrix.nnz)
    header = [_VECTORS_MAGIC, key.encode(), _body_digest(body), *(str(size).encode() for size in sizes)]
    return b"\t".join(header) + b"\n" + body


def _body_digest(body: bytes) -> bytes:
    return hashlib.blake2b(body, digest_size=16).hexdigest().encode()


def parse_vectors(data: bytes, key: str) -> Vectors | None:
    """The memo of :func:`format_vectors`; None when made under another key, or not one (cut
    short or altered, sizes that do not add up, terms out of order, columns out of range)."""
    header, _, body = data.partition(b"\n")
    fields = header.split(b"\t")
    if (
        len(fields) != 7
        or fields[:2] != [_VECTORS_MAGIC, key.encode()]
        or not all(f.isdigit() for f in fields[3:])
        or fields[2] != _body_digest(body)
    ):
        return None
    rows, count, size, nnz = map(int, fields[3:])
    ends = list(itertools.accumulate([16 * rows, size, 8 * (rows + 1), 4 * nnz, 8 * nnz]))  # Python ints: no overflow
    if len(body) != ends[-1]:
        return None
    try:
        text = body[: ends[0]].decode("ascii")
        terms = np.array(
            body[ends[0] : ends[1]].decode("utf-8", "surrogatepass").split("\n") if count else [], dtype=np.str_
        )
    except UnicodeDecodeError:
        return None
    indptr = np.frombuffer(body, dtype="<i8", count=rows + 1, offset=ends[1]).astype(np.int64)
    indices = np.frombuffer(body, dtype="<i4", count=nnz, offset=ends[2]).astype(np.int32)
    values = np.frombuffer(body, dtype="<f8", count=nnz, offset=ends[3]).astype(np.float64)
    if not (
        len(terms) == count
        and bool(np.all(terms[1:] > terms[:-1]))
        and indptr[0] == 0
        and indptr[-1] == nnz
        and bool(np.all(np.diff(indptr) >= 0))
        and bool(np.all((indices >= 0) & (indices < count)))
        and bool(np.all(np.isfinite(values)))
    ):
        return None
    matrix = sp.csr_matrix((values, indices, indptr), shape=(rows, count))
    if not matrix.has_canonical_format:  # each row's columns increasing: the order scores are summed in
        return None
    return Vectors(tuple(text[16 * row : 16 * row + 16] for row in range(rows)), terms, matrix)


def vectors_made_by(data: bytes, key: str) -> str | None:
    """The header line of a memo made under `key` (its sizes and the checksum of the rest), else None."""
    header, _, _ = data.partition(b"\n")
    return (
        header.decode("ascii", "replace")
        if header.startswith(b"\t".join([_VECTORS_MAGIC, key.encode(), b""]))
        else None
    )


def _dots(vectors: sp.csr_matrix, left: npt.NDArray[np.int64], right: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """The exact scores of pairs of rows: for each pair, the products of the weights of the terms
    both rows hold, summed in column order (the same bits whatever else is in the archive)."""
    out = np.zeros(len(left), dtype=np.float64)
    if len(left):
        products = vectors[left].multiply(vectors[right]).tocsr()
        filled = np.diff(products.indptr) > 0
        if products.nnz:
            out[filled] = np.add.reduceat(products.data, products.indptr[:-1][filled])
    return out


def _choosing_terms(df: npt.NDArray[np.int64], work: float) -> npt.NDArray[np.bool_]:
    """The terms that choose candidates: those held by two papers or more, rarest first, as many
    as fit in `work` multiply-adds (a term held by df papers costs df^2); ties by column."""
    shared = np.flatnonzero(df >= 2)
    by_df = shared[np.argsort(df[shared], kind="stable")]
    fits = np.cumsum(df[by_df].astype(np.float64) ** 2) <= work
    chooses = np.zeros(len(df), dtype=bool)
    chooses[by_df[fits]] = True
    return chooses


def _candidates(
    row: int,
    columns: npt.NDArray[np.int32],
    lower: npt.NDArray[np.float64],
    slack: float,
    norms: npt.NDArray[np.float64] | None,
    count: int,
    k: int,
) -> npt.NDArray[np.int64]:
    """The columns worth an exact score among a row's `count` largest `lower` bounds (more on a
    tie; all when there are fewer), the row itself left out.

    `lower` is at most a column's score and `lower + slack * norms[column]` (`lower + slack`
    without norms) at least: a column whose upper bound is below the k-th largest lower bound
    (less a margin for rounding) cannot be in the top k."""
    keep = columns != row
    columns, lower = columns[keep], lower[keep]
    if len(columns) > count:
        floor = np.partition(lower, len(lower) - count)[len(lower) - count]
        chosen = lower >= floor
        columns, lower = columns[chosen], lower[chosen]
    if len(columns) > k:
        kth = np.partition(lower, len(lower) - k)[len(lower) - k]
        upper = lower + (slack if norms is None else slack * norms[columns])
        columns = columns[upper >= kth - _MARGIN]
    return columns.astype(np.int64)


def _top(
    left: npt.NDArray[np.int64], right: npt.NDArray[np.int64], rounded: npt.NDArray[np.int64], k: int
) -> dict[int, list[tuple[int, int]]]:
    """The k best (right, rounded score) of each `left`: larger score, then smaller index; a
    pair whose score rounds to 0 is dropped."""
    keep = rounded > 0
    left, right, rounded = left[keep], right[keep], rounded[keep]
    order = np.lexsort((right, -rounded, left))
    left, right, rounded = left[order], right[order], rounded[order]
    rows, starts = np.unique(left, return_index=True)
    ends = [*starts[1:].tolist(), len(left)][: len(starts)]
    best: dict[int, list[tuple[int, int]]] = {}
    for row, start, end in zip(rows.tolist(), starts.tolist(), ends, strict=True):
        stop = min(end, start + k)
        best[row] = list(zip(right[start:stop].tolist(), rounded[start:stop].tolist(), strict=True))
    return best


def _rounded(scores: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """Scores as the integers ranking compares: rounded to SCORE_DIGITS decimals, times 10^SCORE_DIGITS."""
    return np.rint(scores * 10.0**SCORE_DIGITS).astype(np.int64)


def _rank(
    first: int,
    rows: int,
    left: npt.NDArray[np.int64],
    right: npt.NDArray[np.int64],
    scores: npt.NDArray[np.float64],
    k: int,
) -> list[list[tuple[int, int]]]:
    """The k best (right, rounded score) of each row (first, first + 1, ...), as :func:`_top`."""
    top = _top(left, right, _rounded(scores), k)
    return [top.get(first + r, []) for r in range(rows)]


def similar(
    docs: Sequence[tuple[str, str | None]], k: int = DEFAULT_K, reference: Reference | None = None
) -> list[list[tuple[int, int]]]:
    """For each (title, abstract) pair, the indices of its k most similar pairs with their scores
    (in units of 10^-SCORE_DIGITS), best first.

    Ties are broken by the smaller index, so pass the documents in slug order.
    """
    n = len(docs)
    if n < 2 or k < 1:
        return [[] for _ in range(n)]
    return _similar(_vectors(docs, default_reference() if reference is None else reference), k)


def _similar(vectors: sp.csr_matrix, k: int) -> list[list[tuple[int, int]]]:
    """:func:`similar` of the rows of `vectors`."""
    n = vectors.shape[0]
    df = np.bincount(vectors.indices, minlength=vectors.shape[1])
    chooses = _choosing_terms(df, CANDIDATE_WORK * n)
    chosen = chooses[vectors.indices]
    row_of = np.repeat(np.arange(n, dtype=np.int32), np.diff(vectors.indptr))
    sparse = sp.csr_matrix(
        (
            vectors.data[chosen],
            vectors.indices[chosen],
            np.concatenate([[0], np.cumsum(np.bincount(row_of[chosen], minlength=n))]),
        ),
        shape=vectors.shape,
    )
    # Each row's norm over the terms that do not choose candidates (its slack: see _candidates).
    rest = np.sqrt(np.bincount(row_of[~chosen], weights=vectors.data[~chosen] ** 2, minlength=n))
    del chosen, row_of
    transposed = sparse.T.tocsr()
    # Blocks of rows of about BLOCK_WORK multiply-adds (a row walks the postings of its terms).
    work = np.cumsum(np.bincount(np.repeat(np.arange(n), np.diff(sparse.indptr)), df[sparse.indices], minlength=n))
    blocks = []
    first = 0
    while first < n:
        last = int(np.searchsorted(work, (work[first - 1] if first else 0) + BLOCK_WORK, side="right"))
        blocks.append((first, min(n, max(last, first + 1))))
        first = blocks[-1][1]
    whole: list[sp.csr_matrix] = []  # every term's postings, made when a row needs them
    found: list[list[tuple[int, int]]] = []
    wanted = max(CANDIDATES, k)
    for first, last in blocks:
        product = (sparse[first:last] @ transposed).tocsr()
        lefts, rights = [], []
        for r in range(last - first):
            lo, hi = product.indptr[r], product.indptr[r + 1]
            if hi - lo > wanted:  # the frequent terms add at most the product of the rows' norms over them
                picked = _candidates(
                    first + r, product.indices[lo:hi], product.data[lo:hi], rest[first + r], rest, wanted, k
                )
            else:  # few candidates: scored against every paper sharing a term
                if not whole:
                    whole.append(vectors.T.tocsr())
                row = (vectors[first + r] @ whole[0]).tocsr()
                picked = _candidates(first + r, row.indices, row.data, 0.0, None, wanted, k)
            lefts.append(np.full(len(picked), first + r, dtype=np.int64))
            rights.append(picked)
        del product
        left, right = np.concatenate(lefts), np.concatenate(rights)
        found += _rank(first, last - first, left, right, _dots(vectors, left, right), k)
    return found


@dataclass(frozen=True)
class Kept:
    """A paper's related list: the digest of the text it was found for (:func:`text_digest`), and
    the related papers' slugs and their scores (in units of 10^-SCORE_DIGITS), best first."""

    digest: str
    slugs: tuple[str, ...]
    scores: tuple[int, ...]


@dataclass(frozen=True)
class Lists:
    """Every paper's related list (by slug), found by the method `method` (:func:`method_digest`)."""

    method: str
    lists: Mapping[str, Kept]
    #: the papers' vectors, when finding some list needed them (for the next build: :class:`Vectors`)
    vectors: Vectors | None = field(default=None, compare=False, repr=False)

    def slugs(self) -> dict[str, tuple[str, ...]]:
        """Slug -> the slugs of its related papers, best first."""
        return {slug: kept.slugs for slug, kept in self.lists.items()}


@lru_cache(maxsize=1 << 18)  # a build asks it of every paper twice: the tag memo, the related lists
def text_digest(title: str, abstract: str | None) -> str:
    """A digest of what a paper's vector is made of: its title and abstract."""
    text = f"{title}\0{abstract or ''}".encode("utf-8", "surrogatepass")
    return hashlib.blake2b(text, digest_size=8).hexdigest()


def method_digest(reference: Reference, k: int) -> str:
    """A digest of everything that makes a score or a list, but the two papers: the reference
    table, k, and the tokenizing and weighting (METHOD names their version)."""
    state = hashlib.blake2b(digest_size=8)
    state.update(repr((METHOD, k, TITLE_WEIGHT, SCORE_DIGITS, sorted(STOP_WORDS), reference.papers)).encode())
    state.update("".join(f"{term}\t{reference.df[term]}\n" for term in sorted(reference.df)).encode())
    return state.hexdigest()


def related_lists(
    papers: Iterable[Paper],
    k: int = DEFAULT_K,
    reference: Reference | None = None,
    kept: Lists | None = None,
    exact: bool = False,
    vectors: Callable[[], Vectors | None] | None = None,
) -> Lists:
    """Each paper's (at most) k most similar papers, best first, with their scores.

    Without `kept` (or with lists `kept` by another method), every list is found from scratch:
    by :func:`similar`, or with `exact`, by scoring every paper against every paper sharing a
    term with it (the exact top k, in time quadratic in the number of papers).

    With them, a kept list stands as long as its paper's text and the papers it lists are
    unchanged, and takes a paper that is new (or whose text changed) only where that paper
    scores higher than its last: the result depends on the papers and the kept lists, never on
    anything else. A new paper's own list, and a list that held a paper now gone or changed, is
    exact: scored against every paper sharing a term with it. So lists kept exact stay exact:
    the top k of (a paper's top k so far + the new papers) is its top k among all of them.

    `vectors` gives those of some papers (an earlier call's), called only when vectors are needed:
    a paper's vector is taken from them when they hold its text's, not made again (the same bits
    either way)."""
    ordered = sorted(papers, key=lambda paper: paper.slug)
    for before, after in itertools.pairwise(ordered):
        if before.slug == after.slug:
            raise ValueError(f"two papers share the slug {before.slug!r}")
    reference = default_reference() if reference is None else reference
    method = method_digest(reference, k)
    docs = [(paper.title, paper.abstract) for paper in ordered]
    digests = [text_digest(*doc) for doc in docs]
    valid = kept.lists if kept is not None and kept.method == method else {}
    made: list[Vectors] = []

    def vectorize() -> sp.csr_matrix:
        made.append(vectors_of(docs, digests, reference, vectors() if vectors is not None else None))
        return made[-1].matrix

    found: list[list[tuple[int, int]] | None]
    if len(ordered) < 2 or k < 1:
        found = [[] for _ in ordered]
    elif not valid and not exact:
        found = list(_similar(vectorize(), k))
    else:
        found = _updated(vectorize, [paper.slug for paper in ordered], digests, valid, k)
    return Lists(
        method,
        {
            paper.slug: valid[paper.slug]
            if row is None
            else Kept(digest, tuple(ordered[o].slug for o, _ in row), tuple(s for _, s in row))
            for paper, digest, row in zip(ordered, digests, found, strict=True)
        },
        made[-1] if made else None,
    )


def _updated(
    vectorize: Callable[[], sp.csr_matrix],
    slugs: Sequence[str],
    digests: Sequence[str],
    kept: Mapping[str, Kept],
    k: int,
) -> list[list[tuple[int, int]] | None]:
    """:func:`related_lists` from kept lists (`slugs` in order, `digests` their texts';
    `vectorize` makes their vectors, only when some list is to be found); None for a row whose
    kept list stands as it is."""
    n = len(slugs)
    index = {slug: number for number, slug in enumerate(slugs)}
    fresh = [row for row in range(n) if (entry := kept.get(slugs[row])) is None or entry.digest != digests[row]]
    is_fresh = np.zeros(n, dtype=bool)
    is_fresh[fresh] = True
    found: list[list[tuple[int, int]] | None] = [None] * n
    # Every kept list at once: the rows of the papers it lists, and their scores.
    old = np.flatnonzero(~is_fresh)
    lists = [kept[slugs[row]] for row in old.tolist()]
    lengths = np.fromiter((len(entry.slugs) for entry in lists), dtype=np.int64, count=len(lists))
    others = itertools.chain.from_iterable(entry.slugs for entry in lists)
    listed = np.fromiter(map(index.get, others, itertools.repeat(-1)), dtype=np.int64, count=int(lengths.sum()))
    scores = np.fromiter(
        itertools.chain.from_iterable(entry.scores for entry in lists), dtype=np.int64, count=len(listed)
    )
    owner = np.repeat(old, lengths)
    broken = np.zeros(n, dtype=bool)  # a list naming a paper gone or changed (or itself): found again
    broken[owner[(listed < 0) | (listed == owner) | is_fresh[np.maximum(listed, 0)]]] = True
    broken[old[lengths > k]] = True
    # What a new paper must beat to enter a kept list that stands: its last score (0 when it has room).
    floor = np.full(n, -1, dtype=np.int64)
    floor[old] = np.where(lengths == k, scores[np.maximum(np.cumsum(lengths) - 1, 0)] if len(scores) else 0, 0)
    floor[broken] = -1
    exact = sorted(fresh + np.flatnonzero(broken).tolist())
    if not exact:
        return found
    for row in exact:
        found[row] = []
    vectors = vectorize()
    transposed = vectors.T.tocsr()
    lefts, rights = [], []  # pairs to score exactly: a row found again and its candidates, a kept list and a new paper
    for first in range(0, len(exact), _EXACT_BLOCK):
        rows = exact[first : first + _EXACT_BLOCK]
        product = (vectors[rows] @ transposed).tocsr()
        for r, row in enumerate(rows):
            columns, lower = (
                product.indices[product.indptr[r] : product.indptr[r + 1]],
                product.data[product.indptr[r] : product.indptr[r + 1]],
            )
            chosen = _candidates(row, columns, lower, 0.0, None, len(columns), k)
            lefts.append(np.full(len(chosen), row, dtype=np.int64))
            rights.append(chosen)
            if is_fresh[row]:  # the kept lists it may enter: it scores (about) as high as their last
                bar = floor[columns]
                takes = columns[(bar >= 0) & (lower >= bar * 10.0**-SCORE_DIGITS - _MARGIN)].astype(np.int64)
                lefts.append(takes)
                rights.append(np.full(len(takes), row, dtype=np.int64))
        del product
    left, right = np.concatenate(lefts), np.concatenate(rights)
    rounded = _rounded(_dots(vectors, left, right))
    # The kept lists a new paper may enter: their own papers compete again.
    merged = np.isin(owner, left[floor[left] >= 0])
    left = np.concatenate([left, owner[merged]])
    right = np.concatenate([right, listed[merged]])
    rounded = np.concatenate([rounded, scores[merged]])
    for row, top in _top(left, right, rounded, k).items():
        found[row] = top
    return found


def related_papers(
    papers: Iterable[Paper], k: int = DEFAULT_K, reference: Reference | None = None, kept: Lists | None = None
) -> dict[str, tuple[str, ...]]:
    """Each paper's slug -> the slugs of its (at most) k most similar papers, best first
    (:func:`related_lists`).

    Deterministic: the result depends only on the papers' slugs, titles and abstracts (and
    the reference table, and the kept lists), not on their order. Every paper has a key
    (possibly an empty tuple).
    """
    return related_lists(papers, k, reference, kept).slugs()


def pair_scores(
    docs: Sequence[tuple[str, str | None]], pairs: Sequence[tuple[int, int]], reference: Reference | None = None
) -> list[float]:
    """The scores by which :func:`similar` ranks, rounded to SCORE_DIGITS decimals, of pairs of
    (title, abstract) documents given by their indices in `docs`; the same whatever else
    `docs` holds (the vectors are the pair's own), so `docs` needs only the paired documents."""
    if not pairs:
        return []
    vectors = _vectors(docs, default_reference() if reference is None else reference)
    left, right = (np.array(side, dtype=np.int64) for side in zip(*pairs, strict=True))
    return [round(float(score), SCORE_DIGITS) for score in _dots(vectors, left, right)]


def cosine_scores(
    docs: Sequence[tuple[str, str | None]], reference: Reference | None = None
) -> npt.NDArray[np.float64]:
    """The full N x N matrix of exact scores of small inputs (for tests and inspection only)."""
    vectors = _vectors(docs, default_reference() if reference is None else reference)
    n = len(docs)
    left, right = np.divmod(np.arange(n * n, dtype=np.int64), n)
    return _dots(vectors, left, right).reshape(n, n)


def main(argv: Sequence[str] | None = None) -> None:
    """Write the reference table from the papers of a folder of dumps."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--write-reference", action="store_true", required=True)
    parser.add_argument("--dumps", type=Path, default=Path("dumps"))
    parser.add_argument("--output", type=Path, default=REFERENCE)
    args = parser.parse_args(argv)
    from .archive import load_archive

    papers = load_archive(args.dumps).papers
    reference = reference_of((paper.title, paper.abstract) for paper in papers)
    write_reference(reference, args.output)
    print(f"{args.output}: {reference.papers} papers, {len(reference.df)} terms", file=sys.stderr)


__all__ = [
    "DEFAULT_K",
    "Reference",
    "cosine_scores",
    "default_reference",
    "pair_scores",
    "read_reference",
    "reference_of",
    "related_papers",
    "similar",
    "terms",
    "write_reference",
]

if __name__ == "__main__":
    main()
