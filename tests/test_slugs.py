"""Slugs: readable, ASCII, at most 80 characters cut at a word boundary, stable and distinct."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from slugify import slugify

from generator.slugs import MAX_LENGTH, assign, slug_of

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("σ-GPTs: A New Approach to Autoregressive Models", "sigma-gpts-a-new-approach-to-autoregressive-models"),
        ("μ-Parametrization and Feature Learning", "mu-parametrization-and-feature-learning"),
        (
            "Memorize, Factorize, or be Naïve: Learning Optimal Feature Interaction Methods for CTR Prediction",
            "memorize-factorize-or-be-naive-learning-optimal-feature-interaction-methods-for",
        ),
        (
            "BT^2: Backward-compatible Training with Basis Transformation",
            "bt-2-backward-compatible-training-with-basis-transformation",
        ),
        ("WL meet VC", "wl-meet-vc"),
        ("<script>alert(1)</script>", "script-alert-1-script"),
        ("???", "untitled"),
    ],
)
def test_slug_of(title: str, slug: str) -> None:
    assert slug_of(title) == slug


@given(st.text(max_size=400))
def test_any_title_gives_a_clean_short_ascii_slug(title: str) -> None:
    slug = slug_of(title)
    assert SLUG.fullmatch(slug)
    assert len(slug) <= MAX_LENGTH
    assert slug == slug_of(title)


@given(st.lists(st.text(min_size=1, max_size=120), min_size=1, max_size=30, unique=True))
def test_assigned_slugs_are_distinct_and_stable_when_papers_are_added(titles: list[str]) -> None:
    pairs = [(f"key-{index}-{title}", title) for index, title in enumerate(titles)]
    slugs = assign(pairs)
    assert len(set(slugs.values())) == len(pairs)
    assert all(SLUG.fullmatch(s) and len(s) <= MAX_LENGTH for s in slugs.values())
    # later papers never rename earlier ones
    assert {k: v for k, v in assign([*pairs, ("key-new", titles[0])]).items() if k != "key-new"} == slugs


def test_collisions_earlier_keeps_the_plain_slug() -> None:
    slugs = assign([("feature collapse", "Feature Collapse"), ("feature collapse 2", "Feature Collapse!")])
    assert slugs["feature collapse"] == "feature-collapse"
    assert re.fullmatch(r"feature-collapse-[0-9a-f]{6}", slugs["feature collapse 2"])
    # the suffix depends only on the paper itself
    assert (
        assign([("x", "Feature Collapse"), ("feature collapse 2", "Feature Collapse?")])["feature collapse 2"]
        == (slugs["feature collapse 2"])
    )


@given(st.text(st.characters(max_codepoint=127), max_size=300))
def test_the_ascii_fast_path_is_python_slugify(title: str) -> None:
    expected = slugify(title, max_length=MAX_LENGTH, word_boundary=True, save_order=True) or "untitled"
    assert slug_of(title) == expected


@pytest.mark.parametrize(
    "title", ["It's 1,000 Papers", "A  --  B", "x" * 200, "Tom &amp; Jerry", "'quoted' title", "a,b 1,2"]
)
def test_the_ascii_fast_path_on_edge_cases(title: str) -> None:
    assert slug_of(title) == (slugify(title, max_length=MAX_LENGTH, word_boundary=True, save_order=True) or "untitled")
