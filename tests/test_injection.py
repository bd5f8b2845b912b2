"""Input that tries to be read as something else than text: a dump holding the hooks' own
placeholder. It shows as written."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import pytest

from generator.archive import load_archive
from generator.cli import read_tag_rules
from tests.htmltext import Page, normalize
from tests.sitebuild import mkdocs_build, prepare_project, run_generator

# --- a dump holding the chrome script's placeholder ----------------------------------------

#: the placeholder the hooks used to replace wherever it stood in a page, with the base URLs of
#: the paper (../..) and day (../../../..) pages, none, and one no page has
PLACEHOLDERS = (
    "Get trending papers in your email inbox!\nSubscribe\n"
    "Placeholders __PA_CHROME[zzz]__ and __PA_CHROME[../..]__ in a Title\n"
    "An abstract about feature collapse with __PA_CHROME[../../../..]__, __PA_CHROME[]__ and "
    "__PA_CHROME[zzz]__ in it.\n"
    "An Unrelated Paper on Collapse\n"
    "Another abstract on collapse, naming __PA_CHROME[..]__ and __PA_CHROME_0123456789abcdef__ too.\n"
)
TAXONOMY = "settings: {threshold: 1, min_papers: 1}\ntags:\n  collapse:\n    label: Collapse\n    terms: [collapse]\n"


def build(project: Path, dump: str, *generator_args: str) -> Path:
    """The site of one dump tagged by TAXONOMY, built with mkdocs --strict."""
    prepare_project(project)
    (project / "dumps").mkdir()
    (project / "dumps" / "2026-06-01-dump.txt").write_text(dump, encoding="utf-8")
    (project / "tags.yml").write_text(TAXONOMY, encoding="utf-8")
    generated = run_generator(
        "build", "--dumps", project / "dumps", "--docs", project / "docs", "--overrides", "",
        "--taxonomy", project / "tags.yml", *generator_args,
    )  # fmt: skip
    assert generated.returncode == 0, generated.stderr
    built = mkdocs_build(project)
    assert built.returncode == 0, built.stderr
    return project / "site"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("placeholders"), PLACEHOLDERS)


def papers_of(site: Path):  # type: ignore[no-untyped-def]
    return load_archive(site.parent / "dumps", *read_tag_rules(site.parent / "tags.yml", None)).papers


def read(site: Path, path: str) -> Page:
    return Page((site / path / "index.html").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_a_dump_holding_the_chrome_placeholder_shows_it_as_written(site: Path) -> None:
    papers = papers_of(site)
    assert len(papers) == 2
    for paper in papers:
        page = read(site, f"papers/{paper.slug}")
        assert page.text("h1") == [normalize(paper.title)]
        assert page.text("div", "pa-abstract") == [normalize(paper.abstract)]
        assert page.text("title") == [f"{normalize(paper.title)} - Paper Archive"]
    for listing in ("archive/2026/06/01", ""):  # the day's page and the home page list them
        links = read(site, listing).text("a")
        assert all(normalize(paper.title) in links for paper in papers), listing


@pytest.mark.slow
def test_every_page_loads_its_own_depths_chrome_script(site: Path) -> None:
    lean = 0
    for path in site.rglob("*.html"):
        page = Page(path.read_text(encoding="utf-8"))
        url = "/" + path.relative_to(site).as_posix()
        chrome = [a["src"] for tag, a, _ in page.elements if tag == "script" and "chrome." in (a.get("src") or "")]
        for tag, attrs, _ in page.elements:
            if tag == "script" and attrs.get("src"):
                assert "__PA_CHROME" not in attrs["src"], url
                assert (site / urljoin(url, attrs["src"]).lstrip("/")).is_file(), (url, attrs["src"])
        lean += len(chrome)
        assert len(chrome) <= 1, url
    assert lean >= 4  # 2 papers, a tag page and a day page
