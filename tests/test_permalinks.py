"""Permalinks: a paper's URL never changes once published, whatever dumps come later (older
ones too), and never takes a name the site uses itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import InputError
from generator.permalinks import format_permalinks, parse_permalinks
from tests.sitebuild import ROOT, run_generator

UBER = "We make attention faster on ride-sharing data by caching routes between requests."
UBER_OTHER = "Über attention: a survey of meta-attention mechanisms that attend over attention maps."
MU = "We transfer hyperparameters across depth, from ten layers to one thousand, with muP."
INDEX = "An index structure for retrieval augmented generation that scales to billions of passages."


def page(title: str, abstract: str) -> str:
    return f"{title}\n{abstract}\n"


def dump_text(*papers: tuple[str, str]) -> str:
    return "Get trending papers in your email inbox!\nSubscribe\n" + "".join(page(*p) for p in papers)


def pages(docs: Path) -> dict[str, str]:
    """Each paper page's slug and title."""
    found = {}
    for path in sorted((docs / "papers").glob("*.md")):
        title = next(line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("title: "))
        found[path.stem] = title.removeprefix("title: ").strip("\"'")
    return found


def build(tmp_path: Path) -> None:
    taxonomy = ROOT / "taxonomy" / "tags.yml"
    arguments = ("--dumps", tmp_path / "dumps", "--docs", tmp_path / "docs", "--taxonomy", taxonomy, "--overrides", "")
    result = run_generator("build", *arguments, cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_adding_an_older_dump_renames_no_page(tmp_path: Path) -> None:
    dumps, docs = tmp_path / "dumps", tmp_path / "docs"
    new = tmp_path / "new.txt"
    new.write_text(dump_text(("Uber Attention", UBER), ("μ-Transfer to 1,000 Layers", MU), ("Index", INDEX)))
    added = run_generator("add", new, "--date", "2026-06-01", "--dumps", dumps, "--offline", cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    build(tmp_path)
    published = pages(docs)
    assert published["uber-attention"] == "Uber Attention"
    assert "mu-transfer-to-1000-layers" in published
    assert "index" not in published and any(slug.startswith("index-") for slug in published)  # reserved

    old = tmp_path / "old.txt"  # listed a month earlier: another paper with the same slug, and
    # the same μ-Transfer paper spelled differently (its title now comes from this listing)
    old.write_text(dump_text(("Über Attention", UBER_OTHER), ("μ-Transfer to 1 000 Layers", MU)))
    added = run_generator("add", old, "--date", "2026-05-01", "--dumps", dumps, "--offline", cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith(f"Filed {dumps}/2026-05-01-old.txt: 2 papers, 1 new, 1 already in the archive")
    build(tmp_path)
    now = pages(docs)
    assert {slug: now[slug] for slug in published if slug != "mu-transfer-to-1000-layers"} == {
        slug: title for slug, title in published.items() if slug != "mu-transfer-to-1000-layers"
    }
    assert now["mu-transfer-to-1000-layers"] == "μ-Transfer to 1 000 Layers"  # same page, earliest spelling
    (other,) = set(now) - set(published)
    assert other.startswith("uber-attention-") and now[other] == "Über Attention"


def test_the_permalinks_command_records_a_dropped_in_dump(tmp_path: Path) -> None:
    dumps = tmp_path / "dumps"
    dumps.mkdir()
    (dumps / "2026-06-01-x.txt").write_text(dump_text(("Uber Attention", UBER)))
    result = run_generator("permalinks", "--dumps", dumps, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, f"{dumps}/permalinks.tsv: 1 new permalinks, 1 in all.\n")
    assert parse_permalinks((dumps / "permalinks.tsv").read_text(), "p") == {"uber attention": "uber-attention"}


def test_permalinks_round_trip() -> None:
    recorded = {"uber attention": "uber-attention", "c is all you need #0a1b2c3d": "c-is-all-you-need-0a1b2c"}
    assert parse_permalinks(format_permalinks(recorded), "p") == recorded


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("uber attention\n", "p:1: not a permalink: expected a slug, a tab and a paper key"),
        ("Uber\tuber\n", "p:1: not a permalink: expected a slug, a tab and a paper key"),
        ("../x\tx\n", "p:1: not a permalink: expected a slug, a tab and a paper key"),
        ("a\tx\ta\n", "p:1: not a permalink: expected a slug, a tab and a paper key"),
        ("index\tindex\n", "p:1: the slug 'index' is reserved for the site's own pages"),
        ("# c\na\tx\na\ty\n", "p:3: a second permalink for 'y' or 'a': each must be recorded once"),
    ],
)
def test_bad_permalinks_are_refused(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_permalinks(text, "p")
    assert str(caught.value) == message
