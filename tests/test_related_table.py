"""Kept related lists (dumps/related.tsv): a new dump finds its own papers' lists and changes an
old list only where a new paper scores higher than its last; the file round-trips, a bad line
is refused with its place, and `add` and `related` keep it."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import related as related_module
from generator.errors import InputError
from generator.related import Kept, Lists, cosine_scores, related_lists, related_papers
from generator.relatedtable import format_related, parse_related, read_related
from tests._papers import paper
from tests.sitebuild import ROOT, run_generator

WORDS = st.sampled_from(
    ["graph", "neural", "network", "diffusion", "image", "text", "vision", "language", "sparse", "model", "the", "of"]
)
DOCS = st.lists(
    st.tuples(st.lists(WORDS, min_size=1, max_size=5), st.none() | st.lists(WORDS, max_size=12)),
    min_size=2,
    max_size=14,
)


def papers_of(docs: list[tuple[list[str], list[str] | None]]) -> list:
    return [
        paper(f"p{i:02d}", " ".join(title), None if abstract is None else " ".join(abstract) + ".")
        for i, (title, abstract) in enumerate(docs)
    ]


def exact(papers: list, k: int) -> dict[str, tuple[str, ...]]:
    """Brute force: every pair scored, larger rounded score first, then smaller slug."""
    ordered = sorted(papers, key=lambda p: p.slug)
    rounded = np.rint(cosine_scores([(p.title, p.abstract) for p in ordered]) * 10.0**related_module.SCORE_DIGITS)
    found = {}
    for i, p in enumerate(ordered):
        pool = [j for j in range(len(ordered)) if j != i and rounded[i, j] > 0]
        pool.sort(key=lambda j: (-rounded[i, j], ordered[j].slug))
        found[p.slug] = tuple(ordered[j].slug for j in pool[:k])
    return found


@settings(max_examples=80, deadline=None)
@given(DOCS, st.integers(min_value=1, max_value=5), st.data())
def test_kept_lists_update_as_the_exact_lists(docs: list, k: int, data: st.DataObject) -> None:
    """Papers added, changed and removed since the lists were kept: the update is the exact top k
    (what a small archive's lists are from scratch too)."""
    papers = papers_of(docs)
    old = data.draw(st.sets(st.integers(0, len(papers) - 1), min_size=1))
    kept = related_lists([papers[i] for i in sorted(old)], k)
    changed = data.draw(st.sets(st.sampled_from(sorted(old))))
    gone = data.draw(st.sets(st.sampled_from(sorted(old))))
    now = [
        dataclasses.replace(p, abstract="graph sparse vision.") if i in changed else p
        for i, p in enumerate(papers)
        if i not in gone
    ]
    updated = related_lists(now, k, kept=kept)
    assert updated.slugs() == exact(now, k) == related_papers(now, k)
    assert updated == related_lists(now, k)  # scores and digests too
    # From scratch, exact whatever the candidates (here as few as a large archive's).
    with (
        mock.patch.object(related_module, "CANDIDATES", 1),
        mock.patch.object(related_module, "CANDIDATE_WORK", 4),
    ):
        assert related_lists(now, k, exact=True) == updated


def test_a_kept_list_stands_until_a_new_paper_beats_its_last() -> None:
    """The build takes the kept list as it is (here, one no method would find): only a paper
    new since then may enter it, and only above its last."""
    papers = [
        paper("a", "graph neural network", "Graph neural networks for sparse images."),
        paper("b", "graph neural network", "Graph networks."),
        paper("c", "diffusion image model", "Images."),
    ]
    kept = related_lists(papers, k=2)
    odd = dataclasses.replace(kept.lists["a"], slugs=("c", "b"), scores=(900_000, 1))
    kept = Lists(kept.method, {**kept.lists, "a": odd})
    assert related_papers(papers, k=2, kept=kept)["a"] == ("c", "b")
    twin = paper("d", "graph neural network", "Graph neural networks for sparse images.")
    assert related_papers([*papers, twin], k=2, kept=kept)["a"] == ("d", "c")  # scores 1.0: above "c"'s 0.9
    stale = Lists("0" * 16, kept.lists)  # another method's lists: found again
    assert related_papers(papers, k=2, kept=stale) == related_papers(papers, k=2)


def test_the_table_round_trips() -> None:
    lists = Lists(
        "0123456789abcdef",
        {
            "a": Kept("00000000000000aa", ("c", "b"), (1_000_000, 5)),
            "b": Kept("00000000000000bb", (), ()),
            "c": Kept("00000000000000cc", ("a",), (1_000_000,)),
        },
    )
    text = format_related(lists)
    assert "\na\t00000000000000aa\tc:1000000 b:5\nb\t00000000000000bb\t\nc" in text
    assert parse_related(text, "r") == lists


LINE = "#method\t0123456789abcdef\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (LINE + "a\n", "r:2: not a related list: expected a slug, a tab, a digest, a tab and slug:score pairs"),
        (
            LINE + "../a\t0123456789abcdef\t\n",
            "r:2: not a related list: expected a slug, a tab, a digest, a tab and slug:score pairs",
        ),
        (
            LINE + "a\tdigest\t\n",
            "r:2: not a related list: expected a slug, a tab, a digest, a tab and slug:score pairs",
        ),
        (LINE + "a\t0123456789abcdef\tb\n", "r:2: not a related paper: 'b' (expected slug:score, score 1 to 1000000)"),
        (
            LINE + "a\t0123456789abcdef\tb:0\n",
            "r:2: not a related paper: 'b:0' (expected slug:score, score 1 to 1000000)",
        ),
        (
            LINE + "a\t0123456789abcdef\tb:1000001\n",
            "r:2: not a related paper: 'b:1000001' (expected slug:score, score 1 to 1000000)",
        ),
        (
            LINE + "a\t0123456789abcdef\t<b>:1\n",
            "r:2: not a related paper: '<b>:1' (expected slug:score, score 1 to 1000000)",
        ),
        (
            LINE + "a\t0123456789abcdef\tb:1 c:2\n",
            "r:2: related papers must be distinct, other than the paper, and best first",
        ),
        (
            LINE + "a\t0123456789abcdef\ta:1\n",
            "r:2: related papers must be distinct, other than the paper, and best first",
        ),
        (
            LINE + "a\t0123456789abcdef\tb:1 b:1\n",
            "r:2: related papers must be distinct, other than the paper, and best first",
        ),
        (
            LINE + "a\t0123456789abcdef\tb:5 b:1\n",
            "r:2: related papers must be distinct, other than the paper, and best first",
        ),
        (LINE + "a\t0123456789abcdef\t\na\t0123456789abcdef\t\n", "r:3: a second related list for 'a'"),
        ("a\t0123456789abcdef\t\n", "r: no '#method' line: the method the lists were found by is unknown"),
    ],
)
def test_a_bad_table_is_refused(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_related(text, "r")
    assert str(caught.value) == message


def dump_text(*papers: tuple[str, str]) -> str:
    return "Get trending papers in your email inbox!\nSubscribe\n" + "".join(f"{t}\n{a}\n" for t, a in papers)


GRAPHS = ("Graph Networks at Scale", "We train graph neural networks on sparse graphs of a billion edges.")
SPARSE = ("Sparse Graph Attention", "Attention over sparse graphs: graph neural networks with fewer edges.")
IMAGES = ("Diffusion for Images", "A diffusion model that draws images from text prompts.")


def test_add_keeps_the_lists_and_the_build_reads_them(tmp_path: Path) -> None:
    dumps = tmp_path / "dumps"
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_text(dump_text(GRAPHS, IMAGES))
    second.write_text(dump_text(SPARSE))
    for file, day in ((first, "2026-06-01"), (second, "2026-06-02")):
        added = run_generator("add", file, "--date", day, "--dumps", dumps, "--offline", cwd=tmp_path)
        assert added.returncode == 0, added.stderr
    kept = read_related(dumps)
    assert kept is not None and kept.slugs() == {
        "graph-networks-at-scale": ("sparse-graph-attention",),  # filed by the second `add`
        "sparse-graph-attention": ("graph-networks-at-scale",),
        "diffusion-for-images": (),  # no word in common with the others
    }
    again = run_generator("related", "--dumps", dumps, cwd=tmp_path)
    assert (again.returncode, again.stdout) == (0, f"{dumps}/related.tsv: 3 related lists, 0 of them new or changed.\n")

    arguments = ("--dumps", dumps, "--docs", tmp_path / "docs", "--taxonomy", ROOT / "taxonomy" / "tags.yml")
    built = run_generator("build", *arguments, "--overrides", "", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    before = {p: p.read_bytes() for p in sorted((tmp_path / "docs").rglob("*")) if p.is_file()}
    page = (tmp_path / "docs" / "papers" / "graph-networks-at-scale.md").read_text()
    assert 'href="../sparse-graph-attention/"' in page
    # no list was found (all were kept), yet the vectors are kept for a build that will need them
    assert (tmp_path / "docs" / "papers" / ".related-vectors.bin").read_bytes().startswith(b"PA-VECTORS 1\t")

    # A hand-broken table stops the build at its line, and nothing is written.
    table = dumps / "related.tsv"
    table.write_text(table.read_text().replace("\tsparse-graph-attention:", "\tsparse graph:", 1))
    broken = run_generator("build", *arguments, "--overrides", "", cwd=tmp_path)
    line = next(n for n, text in enumerate(table.read_text().splitlines(), 1) if "sparse graph:" in text)
    message = f"{table}:{line}: not a related paper: 'sparse' (expected slug:score, score 1 to 1000000)\n"
    assert (broken.returncode, broken.stderr) == (1, message)
    assert {p: p.read_bytes() for p in sorted((tmp_path / "docs").rglob("*")) if p.is_file()} == before


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab-:0123456789 \t\nz#")) | st.text())
def test_any_table_is_read_or_refused_at_a_line(text: str) -> None:
    """Hostile or broken text: a table of lists, or an InputError naming the file (no other error)."""
    try:
        parsed = parse_related(LINE + text, "r")
    except InputError as error:
        assert str(error).startswith("r")
    else:
        assert parse_related(format_related(parsed), "r") == parsed


@settings(max_examples=60, deadline=None)
@given(DOCS, st.data())
def test_vectors_from_a_memo_are_the_same_bits(docs: list, data: st.DataObject) -> None:
    """A build keeps the papers' vectors (docs/papers/.related-vectors.bin) and tokenizes only the
    texts they do not hold: the vectors (and so every score) are the same bits as from scratch."""
    texts = [(" ".join(title), None if abstract is None else " ".join(abstract) + ".") for title, abstract in docs]
    digests = [related_module.text_digest(*text) for text in texts]
    reference = related_module.default_reference()
    seen = sorted(data.draw(st.sets(st.integers(0, len(texts) - 1))))
    earlier = related_module.vectors_of([texts[i] for i in seen], [digests[i] for i in seen], reference, None)
    memo = related_module.parse_vectors(related_module.format_vectors(earlier, "key"), "key")
    assert memo is not None and memo.digests == earlier.digests and list(memo.terms) == list(earlier.terms)
    assert (memo.matrix != earlier.matrix).nnz == 0
    made = related_module.vectors_of(texts, digests, reference, memo)
    scratch = related_module._vectors(texts, reference)
    for name in ("indptr", "indices", "data"):
        assert getattr(made.matrix, name).tolist() == getattr(scratch, name).tolist()
    assert list(made.terms) == sorted({t for text in texts for t in related_module.terms(" ".join(filter(None, text)))})


def test_a_vectors_memo_made_otherwise_or_altered_is_not_used() -> None:
    texts = [("Graph networks", "Sparse graphs."), ("Diffusion images", None)]
    digests = [related_module.text_digest(*text) for text in texts]
    made = related_module.vectors_of(texts, digests, related_module.default_reference(), None)
    data = related_module.format_vectors(made, "key")
    assert related_module.parse_vectors(data, "key") is not None
    header, _, body = data.partition(b"\n")
    for bad in (
        b"",
        data[:-1],  # cut short (a torn write)
        data + b"\0",
        data[:-8] + bytes(8),  # a weight altered
        data.replace(b"\tkey\t", b"\tother\t"),  # another key (code or reference table)
        header.replace(b"PA-VECTORS 1", b"PA-VECTORS 2") + b"\n" + body,
    ):
        assert related_module.parse_vectors(bad, "key") is None
    # A checksum that holds, with sizes that do not (however large): refused, not a crash.
    checksum = hashlib.blake2b(body, digest_size=16).hexdigest().encode()
    for size in (2**62, 2**63 - 1, 10**30):
        forged = b"\t".join([b"PA-VECTORS 1", b"key", checksum, str(size).encode(), b"1", b"1", str(size).encode()])
        assert related_module.parse_vectors(forged + b"\n" + body, "key") is None
    # Well formed, but not what a build writes: terms out of order, or a column out of range.
    swapped = dataclasses.replace(made, terms=made.terms[::-1].copy())
    wide = dataclasses.replace(made, terms=made.terms[:-1].copy())
    for odd in (swapped, wide):
        assert related_module.parse_vectors(related_module.format_vectors(odd, "key"), "key") is None


def test_the_build_tokenizes_only_new_texts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build keeps its vectors in docs/ and makes only those of new texts; with or without the
    memo (or with a broken one), it writes the same pages."""
    from generator.build import build

    dumps, docs = tmp_path / "dumps", tmp_path / "docs"
    dumps.mkdir()
    (dumps / "2026-06-01.txt").write_text(dump_text(GRAPHS, IMAGES))
    build(dumps, docs, None)
    memo = docs / "papers" / ".related-vectors.bin"
    assert memo.read_bytes().startswith(b"PA-VECTORS 1\t")
    tokenized: list[int] = []
    vectors = related_module._vectors_and_terms
    monkeypatch.setattr(
        related_module, "_vectors_and_terms", lambda docs, *rest: tokenized.append(len(docs)) or vectors(docs, *rest)
    )
    (dumps / "2026-06-02.txt").write_text(dump_text(SPARSE))
    build(dumps, docs, None)
    assert tokenized == [1]
    pages = {p: p.read_bytes() for p in sorted(docs.rglob("*.md"))}
    assert b'href="../sparse-graph-attention/"' in pages[docs / "papers" / "graph-networks-at-scale.md"]
    for broken in (memo.read_bytes()[:-8] + bytes(8), b""):
        memo.write_bytes(broken)
        build(dumps, docs, None)
        assert {p: p.read_bytes() for p in sorted(docs.rglob("*.md"))} == pages
    assert tokenized == [1, 3, 3]
