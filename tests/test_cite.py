"""BibTeX citations: what the archive knows, escaped, parseable."""

from __future__ import annotations

import re
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from generator.cite import bibtex, cite_key, escape
from tests._papers import paper

SITE = "https://example.github.io/paper-archive/"


def test_entry() -> None:
    p = paper(
        "mmrl-multi-modal-representation-learning",
        "MMRL: Multi-Modal Representation Learning for Vision-Language Models",
        listed=(date(2025, 5, 30), date(2026, 1, 2)),
    )
    assert bibtex(p, SITE) == (
        "@misc{mmrl-multi-modal-representation-learning,\n"
        "  title = {{MMRL: Multi-Modal Representation Learning for Vision-Language Models}},\n"
        "  howpublished = {\\url{https://example.github.io/paper-archive/papers/mmrl-multi-modal-representation-learning/}},\n"
        "  url = {https://example.github.io/paper-archive/papers/mmrl-multi-modal-representation-learning/},\n"
        "  note = {Listed on Hugging Face Papers, 2025-05-30},\n"
        "  year = {2025},\n"
        "  month = may,\n"
        "}\n"
    )


def test_without_site_url_no_url_fields() -> None:
    text = bibtex(paper("p", "A title", listed=(date(2026, 12, 1),)))
    assert "url" not in text
    assert "  year = {2026},\n  month = dec,\n" in text


def test_site_url_without_trailing_slash() -> None:
    p = paper("p")
    assert bibtex(p, SITE.rstrip("/")) == bibtex(p, SITE)


def test_escaping() -> None:
    assert escape("50% of $x$ & {y}_1 #2 ~ ^ \\") == (
        r"50\% of \$x\$ \& \{y\}\_1 \#2 \textasciitilde{} \textasciicircum{} \textbackslash{}"
    )
    assert escape("a\n  b") == "a b"


def test_key() -> None:
    assert cite_key(paper("sigma-gpts-2")) == "sigma-gpts-2"


@given(st.text(min_size=1, max_size=80))
def test_braces_always_balance(title: str) -> None:
    text = bibtex(paper("p", title), SITE)
    depth = 0
    for char in re.sub(r"\\[{}]", "", text):
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0
    assert depth == 0
    assert text.startswith("@misc{p,\n") and text.endswith("}\n")
