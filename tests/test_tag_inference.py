"""Tags inferred for papers the rules leave untagged (issue 19), and `tags --explain`."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.matching import Matcher
from generator.model import Paper, Source
from generator.records import Record
from generator.related import cosine_scores, pair_scores
from generator.tagging import FROM_KEYWORDS, FROM_NEIGHBOURS, Inferred, infer_tags, with_inferred_tags
from generator.taxonomy import Tag, Taxonomy


def taxonomy(**settings: int) -> Taxonomy:
    tags = (
        Tag(key="speech", label="Speech & <Audio>", terms=("speech", "vocoder")),
        Tag(key="graphs", label="Graphs", terms=("graph",)),
        Tag(key="rare", label="Rare", terms=("rare",)),
    )
    return Taxonomy(tags=tags, **{"infer_from": 2, "infer_similarity": 12, **settings})


def infer(
    tags: dict[str, tuple[str, ...]],
    near: dict[str, list[tuple[str, float]]],
    keywords: dict[str, tuple[str, ...]] | None = None,
    **settings: int,
) -> dict[str, tuple[Inferred, ...]]:
    return infer_tags(tags, near, keywords or {}, Matcher.build(taxonomy(**settings)))


TAGGED = {"a": ("speech",), "b": ("speech", "graphs"), "c": ("graphs",), "d": ("speech",)}


@pytest.mark.parametrize(
    ("near", "settings", "expected"),
    [
        pytest.param([("a", 0.5), ("b", 0.4)], {}, ("speech",), id="the-tag-two-neighbours-share"),
        pytest.param([("a", 0.5), ("c", 0.4)], {}, (), id="no-tag-shared-by-two"),
        pytest.param([("a", 0.5), ("b", 0.11)], {}, (), id="a-neighbour-below-the-similarity-does-not-count"),
        pytest.param([("a", 0.5), ("b", 0.12)], {}, ("speech",), id="the-similarity-is-inclusive"),
        pytest.param([("a", 0.5), ("b", 0.4)], {"infer_from": 3}, (), id="fewer-than-infer-from"),
        pytest.param([("a", 0.5), ("b", 0.4), ("d", 0.3)], {"infer_from": 3}, ("speech",), id="infer-from-3"),
        pytest.param([("a", 0.5), ("b", 0.4)], {"infer_from": 0}, (), id="infer-from-0-never-infers"),
        pytest.param(
            [("b", 0.3), ("c", 0.3), ("a", 0.2), ("d", 0.2)], {}, ("speech",), id="only-the-tags-most-neighbours-share"
        ),
        pytest.param([("b", 0.3), ("c", 0.3), ("a", 0.2)], {}, ("graphs", "speech"), id="ties-by-similarity"),
        pytest.param([("e", 0.9), ("f", 0.9)], {}, (), id="untagged-neighbours-are-no-evidence"),
    ],
)
def test_an_untagged_paper_takes_the_tags_its_neighbours_share(
    near: list[tuple[str, float]], settings: dict[str, int], expected: tuple[str, ...]
) -> None:
    tags = {**TAGGED, "e": (), "f": (), "x": ()}
    found = infer(tags, {"x": near}, **settings).get("x", ())
    assert tuple(item.key for item in found) == expected
    for item in found:
        assert item.evidence == FROM_NEIGHBOURS
        assert all(similarity * 100 >= 12 for _, similarity in item.neighbours)


def test_inferred_tags_are_not_evidence_and_tagged_papers_are_left_alone() -> None:
    # x gets speech from a and b; y's neighbours are x (inferred only) and a: nothing for y
    tags = {**TAGGED, "x": (), "y": ()}
    near = {"x": [("a", 0.5), ("b", 0.5)], "y": [("x", 0.9), ("a", 0.5)], "a": [("c", 0.9), ("b", 0.9)]}
    found = infer(tags, near)
    assert sorted(found) == ["x"]
    assert found["x"] == (Inferred("speech", FROM_NEIGHBOURS, neighbours=(("a", 0.5), ("b", 0.5))),)


def test_only_published_tags_are_inferred_from_keywords_first() -> None:
    tags = {**TAGGED, "x": (), "y": ()}
    near = {"x": [("a", 0.5), ("c", 0.5), ("b", 0.5)], "y": [("a", 0.5), ("b", 0.5)]}
    keywords = {"x": ("graph neural networks", "rare events"), "y": ("rare words",)}
    found = infer(tags, near, keywords)
    # x: its keywords name graphs (and rare, which no paper carries: not published)
    assert found["x"] == (Inferred("graphs", FROM_KEYWORDS, keywords=("graph neural networks",)),)
    # y: its keywords name no published tag, so its neighbours decide
    assert [(item.key, item.evidence) for item in found["y"]] == [("speech", FROM_NEIGHBOURS)]


def test_inference_does_not_depend_on_the_order_of_papers() -> None:
    tags = {**TAGGED, "x": (), "y": ()}
    near = {"x": [("a", 0.5), ("b", 0.4)], "y": [("b", 0.5), ("c", 0.4)]}
    backwards = dict(reversed(list(tags.items())))
    assert infer(tags, near) == infer(backwards, dict(reversed(list(near.items()))))


def test_pair_scores_are_the_related_papers_scores() -> None:
    docs = [("Neural vocoders", "A vocoder for speech."), ("Graph kernels", None), ("Speech vocoders", "Vocoders.")]
    full = cosine_scores(docs)
    assert pair_scores(docs, [(0, 2), (1, 0)]) == [round(full[0][2], 6), round(full[1][0], 6)]
    # a pair's score is the pair's own: the same with other documents around
    assert pair_scores([docs[2], docs[1], docs[0]], [(2, 0)]) == [round(full[0][2], 6)]
    assert pair_scores(docs, []) == []


def paper(slug: str, title: str, abstract: str, tags: tuple[str, ...] = (), record: Record | None = None) -> Paper:
    source = Source(dump="2026-05-30-first.txt", line=3, listed=date(2026, 5, 30))
    return Paper(key=slug, slug=slug, title=title, abstract=abstract, sources=(source,), tags=tags, record=record)


def test_papers_get_inferred_tags_as_labels_and_marked() -> None:
    rules = taxonomy()
    papers = [
        paper("a", "Speech Synthesis with Neural Vocoders", "Expressive waveforms.", ("Speech & <Audio>",)),
        paper("b", "Neural Vocoders for Expressive Speech", "Waveforms.", ("Speech & <Audio>",)),
        paper("x", "Neural Waveform Models, Expressive", "Expressive neural waveforms."),
        paper("y", "Graph Kernels", "Molecules.", ("Graphs",)),
    ]
    related = {"x": ("a", "b", "y"), "a": ("b",), "b": ("a",), "y": ()}
    updated, inferred = with_inferred_tags(papers, related, rules)
    assert [p.slug for p in updated] == ["a", "b", "x", "y"]
    assert updated[2].tags == updated[2].inferred == ("Speech & <Audio>",)
    assert updated[2].inferred_from == FROM_NEIGHBOURS
    assert updated[0] == papers[0] and updated[3] == papers[3]
    assert [item.key for item in inferred["x"]] == ["speech"]
    # keywords of a resolved record come first
    record = Record(
        key="x", status="resolved", checked="2026-12-01T09:30:00Z", arxiv_id="2401.01234", keywords=("graph",)
    )
    updated, _ = with_inferred_tags([*papers[:2], replace(papers[2], record=record), papers[3]], related, rules)
    assert (updated[2].tags, updated[2].inferred_from) == (("Graphs",), FROM_KEYWORDS)


# --------------------------------------------------------------------------- the command line

TAXONOMY = """settings: {min_papers: 1, infer_from: 2, infer_similarity: 10}
tags:
  speech:
    label: Speech & <Audio>
    terms: [speech, speaker]
  graphs:
    label: Graphs
    terms: [graph]
"""
DUMP = (
    "Get trending papers in your email inbox!\nSubscribe\n"
    "Speech Synthesis with Neural Vocoders\n"
    "We synthesize speech with a neural vocoder that models expressive waveforms of each speaker.\n"
    "Neural Vocoders for Expressive Speech\n"
    "A neural vocoder renders expressive speech waveforms from spectrograms.\n"
    "Neural Vocoders for Expressive Waveforms\n"
    "Neural vocoders turn spectrograms into waveforms; our vocoder is expressive and fast.\n"
    "Graph Kernels for Molecules\n"
    "We compare graph kernels on molecules and find that simple kernels suffice.\n"
)
RULES = (
    "Rules (score = 3 x mentions in the title + mentions in the abstract; "
    "a tag needs its threshold, a paper keeps its 6 strongest):\n"
)


@pytest.fixture
def archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    Path("taxonomy").mkdir()
    Path("taxonomy/tags.yml").write_text(TAXONOMY, encoding="utf-8")
    Path("dumps").mkdir()
    Path("dumps/2026-05-30-first.txt").write_text(DUMP, encoding="utf-8")
    return tmp_path


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        (
            "neural-vocoders-for-expressive-waveforms",
            "neural-vocoders-for-expressive-waveforms: Neural Vocoders for Expressive Waveforms\n"
            "Tags: Speech & <Audio>\n\n" + RULES + "  no tag reaches its threshold\n\n"
            "Inferred (the rules gave it no tag):\n"
            "  speech (Speech & <Audio>): carried by 2 similar papers: neural-vocoders-for-expressive-speech (0.77), "
            "speech-synthesis-with-neural-vocoders (0.61)\n",
        ),
        (
            "speech-synthesis-with-neural-vocoders",
            "speech-synthesis-with-neural-vocoders: Speech Synthesis with Neural Vocoders\n"
            "Tags: Speech & <Audio>\n\n" + RULES + "  speech (Speech & <Audio>): score 5, threshold 3; kept\n"
            '      title: "speech" x1\n'
            '      abstract: "speaker" x1, "speech" x1\n',
        ),
    ],
)
def test_tags_explain_says_why_a_paper_has_each_tag(archive: Path, slug: str, message: str) -> None:
    assert invoke("tags", "--explain", slug) == (0, message, "")


def test_tags_explain_of_an_unknown_slug(archive: Path) -> None:
    assert invoke("tags", "--explain", "nope") == (
        1,
        "",
        "error: no paper has the slug 'nope' (see `python -m generator tags` for the slugs)\n",
    )


def test_the_report_lists_inferred_tags_and_the_page_says_so(archive: Path) -> None:
    code, out, err = invoke("tags")
    assert (code, err) == (0, "")
    assert out.startswith("4 papers: 4 tagged (100.0%), 0 untagged, at most 1 tags on a paper.\n")
    assert out.endswith(
        "Tags inferred for papers no rule tags (1; tags --explain SLUG says why):\n"
        "  neural-vocoders-for-expressive-waveforms  speech  (from similar papers)\n"
    )
    assert invoke("build", "--site-url", "")[0] == 0
    page = Path("docs/papers/neural-vocoders-for-expressive-waveforms.md").read_text(encoding="utf-8")
    assert 'tags: ["Speech & <Audio>"]' in page
    assert (
        '<p class="pa-inferred" data-search-exclude>Its tag <em>Speech &amp; &lt;Audio&gt;</em> was inferred from '
        "the papers most similar to it: no rule of the taxonomy matched its title or abstract.</p>\n"
    ) in page
    ruled = Path("docs/papers/speech-synthesis-with-neural-vocoders.md").read_text(encoding="utf-8")
    assert "pa-inferred" not in ruled
