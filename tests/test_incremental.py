"""Incremental builds (issue 18): a site built dump after dump, each build reusing the pages the
page cache holds (generator.pagecache, overrides/hooks.py), is the site a full build of the same
dumps gives, byte for byte, every file; and a change of a template or of the site's address
reaches every page although its source did not change."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from generator import pagecache
from generator.pagefind import part_digest
from generator.write import content_digest, read_manifest, stamp_of
from tests.sitebuild import ROOT, file_hashes, mkdocs_build, prepare_project

FIXTURES = ROOT / "tests" / "fixtures" / "dumps"
DUMPS = sorted(FIXTURES.glob("*.txt"))
CACHE_LINE = re.compile(r"Page cache: (\d+) pages from the cache, (\d+) rendered")
INDEX_LINE = re.compile(r"Pagefind: (\d+) indexes, (\d+) made, (\d+) from the cache")


def site_build(project: Path, env: dict[str, str]) -> tuple[int, int, int]:
    """`python -m generator site` in `project`; (pages from the cache, pages rendered, Pagefind
    indexes from the cache)."""
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "NO_MKDOCS_2_WARNING": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        **env,
    }
    built = subprocess.run(
        [sys.executable, "-m", "generator", "site", "--overrides", ""],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert built.returncode == 0, built.stderr
    found = CACHE_LINE.search(built.stderr)
    indexes = INDEX_LINE.search(built.stderr)
    return (int(found[1]) if found else 0, int(found[2]) if found else 0, int(indexes[3]) if indexes else 0)


def new_project(folder: Path) -> Path:
    project = prepare_project(folder)
    shutil.copytree(ROOT / "taxonomy", project / "taxonomy")
    (project / "dumps").mkdir()
    shutil.copy(FIXTURES / "records.jsonl", project / "dumps")
    return project


def change_template(project: Path) -> None:
    """A visible change of every lean page (paper and day pages)."""
    lean = project / "overrides" / "lean.html"
    text = lean.read_text(encoding="utf-8")
    assert text.count("</head>") == 1
    lean.write_text(text.replace("</head>", '<meta name="pa-test" content="changed">\n</head>'), encoding="utf-8")


#: each step: the dumps the archive holds, whether lean.html is changed, the site's address
STEPS = [
    (DUMPS[:1], False, "https://example.org/archive/"),
    (DUMPS[:2], False, "https://example.org/archive/"),
    (DUMPS[:2], True, "https://example.org/archive/"),
    (DUMPS[:2], True, "https://example.net/"),
]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("engine", "steps"),
    [("lunr", STEPS), ("pagefind", STEPS[:3])],
)
def test_builds_dump_after_dump_with_the_page_cache_equal_full_builds(
    tmp_path: Path, engine: str, steps: list[tuple[list[Path], bool, str]]
) -> None:
    engine_env = {"PA_PAGEFIND_FROM": "1", "PA_PAGEFIND_BLOCK": "2"} if engine == "pagefind" else {}
    incremental = new_project(tmp_path / "incremental")
    for number, (dumps, changed, site_url) in enumerate(steps):
        env = {**engine_env, "SITE_URL": site_url}
        for dump in dumps:
            if not (incremental / "dumps" / dump.name).exists():
                shutil.copy(dump, incremental / "dumps")
        if changed and not (number and steps[number - 1][1]):
            change_template(incremental)
        full = new_project(tmp_path / f"full-{number}")
        for dump in dumps:
            shutil.copy(dump, full / "dumps")
        if changed:
            change_template(full)
        with ThreadPoolExecutor(max_workers=2) as pool:  # the two builds side by side
            building = pool.submit(site_build, incremental, env)
            assert site_build(full, {**env, "PA_PAGE_CACHE": ""}) == (0, 0, 0)  # no cache
            cached, rendered, cached_indexes = building.result()
        site = file_hashes(incremental / "site")
        assert site == file_hashes(full / "site"), f"step {number}: the incremental site is not the full build's"
        assert (engine == "pagefind") == any(name.startswith("pagefind/") for name in site)
        previous = steps[number - 1] if number else None
        if previous is None:
            assert cached == cached_indexes == 0 and rendered > 0
        elif previous[1:] == (changed, site_url):  # only dumps added: old pages come from the cache
            assert cached > 0, f"step {number}: nothing came from the cache"
            # and so do the indexes of the two older blocks (2 papers each), though a paper of the
            # first took a new related paper and one of the second was listed again: only the new
            # paper's block is indexed
            expected = 2 if engine == "pagefind" else 0
            assert cached_indexes == expected, f"step {number}: {cached_indexes} indexes from the cache"
        else:  # a template or the address changed: every page and index is made again
            assert cached == cached_indexes == 0 and rendered > 0, f"step {number}: {cached} pages from a stale cache"
        day = (incremental / "site" / "archive" / "2026" / "05" / "30" / "index.html").read_text(encoding="utf-8")
        assert ('<meta name="pa-test"' in day) == changed
    # the cache holds the last site's pages, no more
    entries = list((incremental / ".cache" / "pages" / pagecache.HTML).rglob("*.html"))
    assert 0 < len(entries) == rendered + cached
    # and the digest of each paper page's searched part (the indexes' keys read no page it knows)
    parts = pagecache.PageCache(incremental / ".cache" / "pages").read_parts()
    papers = sorted((incremental / "site" / "papers").glob("*/index.html"))
    assert sorted(parts.values()) == (
        sorted(part_digest(page.read_bytes()) for page in papers) if engine == "pagefind" else []
    )
    # and its search indexes, no more: a lunr site keeps none (an archive that shrank below
    # PAGEFIND_FROM drops those it had)
    search = incremental / ".cache" / "pages" / pagecache.SEARCH
    stale = search / ("f" * 64)
    stale.mkdir(parents=True, exist_ok=True)
    site_build(incremental, env)
    indexes = sorted(path.name for path in search.iterdir())
    assert (engine == "lunr") == (indexes == [])
    assert stale.name not in indexes


def _inputs(root: Path) -> tuple[Path, Path, Path]:
    config = root / "mkdocs.yml"
    config.write_text("site_name: A\n", encoding="utf-8")
    overrides, docs = root / "overrides", root / "docs"
    (overrides / "partials").mkdir(parents=True)
    (overrides / "partials" / "x.html").write_text("<b>x</b>", encoding="utf-8")
    (docs / "papers").mkdir(parents=True)
    (docs / "papers" / "p.md").write_text("generated", encoding="utf-8")
    (docs / "about.md").write_text("hand-written", encoding="utf-8")
    return config, overrides, docs


def _print(root: Path, settings: dict[str, object] | None = None) -> str:
    config, overrides, docs = root / "mkdocs.yml", root / "overrides", root / "docs"
    return pagecache.fingerprint(config, settings or {"site_url": "https://a/"}, [overrides], docs, ["papers"])


@pytest.mark.parametrize(
    ("change", "changes_print"),
    [
        (lambda root: (root / "mkdocs.yml").write_text("site_name: B\n", encoding="utf-8"), True),
        (lambda root: (root / "overrides" / "partials" / "x.html").write_text("<i>x</i>", encoding="utf-8"), True),
        (lambda root: (root / "overrides" / "new.html").write_text("", encoding="utf-8"), True),
        (lambda root: (root / "docs" / "about.md").write_text("edited", encoding="utf-8"), True),
        (lambda root: (root / "docs" / "papers" / "p.md").write_text("other", encoding="utf-8"), False),
        (lambda root: (root / "docs" / ".generated").write_text("papers/p.md\n", encoding="utf-8"), False),
    ],
)
def test_the_fingerprint_covers_config_overrides_and_hand_written_pages(
    tmp_path: Path, change: object, changes_print: bool
) -> None:
    _inputs(tmp_path)
    before = _print(tmp_path)
    change(tmp_path)  # type: ignore[operator]
    assert (_print(tmp_path) != before) == changes_print


def test_the_fingerprint_covers_the_settings(tmp_path: Path) -> None:
    _inputs(tmp_path)
    prints = {
        _print(tmp_path, {"site_url": url, "extra": extra})
        for url in ("https://a/", "https://b/")
        for extra in ({}, {"n": 1})
    }
    assert len(prints) == 4


def test_a_page_key_covers_its_path_and_every_byte_of_its_source() -> None:
    page = b"---\ntitle: A\n---\nbody"
    keys = {
        pagecache.page_key("print", "papers/a.md", content_digest(page)),
        pagecache.page_key("print", "papers/b.md", content_digest(page)),
        pagecache.page_key("print", "papers/a.md", content_digest(page + b" ")),
        pagecache.page_key("print", "papers/a.md", content_digest(page.replace(b"\n", b"\r\n"))),
        pagecache.page_key("other", "papers/a.md", content_digest(page)),
        pagecache.page_key("print", "papers/a.md\0", content_digest(page)),
    }
    assert len(keys) == 6


def test_a_generated_page_changed_after_the_generator_is_rendered_again(tmp_path: Path) -> None:
    """The hooks take a generated page's digest from the generator's manifest only while the file
    keeps the size and modification time it was written with: a page changed since is read."""
    project = new_project(tmp_path / "project")
    shutil.copy(DUMPS[0], project / "dumps")
    env = {"PA_PAGEFIND_FROM": "1", "PA_PAGEFIND_BLOCK": "2"}
    site_build(project, env)
    page = next((project / "docs" / "papers").glob("*.md"))
    made = read_manifest(project / "docs")[1][f"papers/{page.name}"]
    assert made.stamp == stamp_of(str(page)) and made.digest == content_digest(page.read_bytes())
    page.write_text(page.read_text(encoding="utf-8").replace("</h1>", "</h1>\n<p>Changed.</p>", 1), encoding="utf-8")
    built = mkdocs_build(project, {**env, "PA_PAGE_CACHE": str(project / ".cache" / "pages")})
    assert built.returncode == 0, built.stderr
    assert CACHE_LINE.search(built.stderr)[2] == "1"  # type: ignore[index]
    html = (project / "site" / "papers" / page.stem / "index.html").read_text(encoding="utf-8")
    assert "<p>Changed.</p>" in html


def test_entries_are_stored_whole_and_the_unused_ones_pruned(tmp_path: Path) -> None:
    cache = pagecache.PageCache(tmp_path / "cache")
    built = tmp_path / "site" / "a" / "index.html"
    built.parent.mkdir(parents=True)
    built.write_bytes(b"<p>a</p>")
    cache.store_page("a" * 64, True, built)
    cache.store_page("b" * 64, False, built)
    cache.store_chrome("c" * 64, "chrome")
    held = cache.held()  # one listing of the cache's folders
    assert (cache.kind("a" * 64, held), cache.kind("b" * 64, held), cache.kind("d" * 64, held)) == (True, False, None)
    leftover = cache.html("e" * 64, False).with_name("x.html" + pagecache.TEMPORARY)
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"half")  # what a killed build may leave
    target = tmp_path / "new-site" / "a" / "index.html"
    cache.link_out("a" * 64, True, target)
    assert target.read_bytes() == b"<p>a</p>"
    assert cache.prune({"a" * 64}, set()) == 3
    assert sorted(p.name for p in (tmp_path / "cache").rglob("*") if p.is_file()) == [f"{'a' * 64}.lean.html"]
    assert cache.read_chrome("c" * 64) is None


def test_nothing_is_written_or_pruned_through_a_link_in_the_cache(tmp_path: Path) -> None:
    outside = tmp_path / "dumps"
    outside.mkdir()
    (outside / "keep.txt").write_text("a dump")
    root = tmp_path / "cache"
    (root / "html").mkdir(parents=True)
    (root / "html" / "aa").symlink_to(outside)
    (root / "chrome").symlink_to(outside)
    cache = pagecache.PageCache(root)
    built = tmp_path / "built.html"
    built.write_bytes(b"<p>a</p>")
    cache.store_page("a" * 64, False, built)
    cache.store_chrome("c" * 64, "chrome")
    assert not (root / "html" / "aa").is_symlink() and not (root / "chrome").is_symlink()
    (root / "html" / "bb").symlink_to(outside)  # planted after the entries were stored
    assert cache.prune(set(), set()) == 2
    assert sorted(p.name for p in outside.iterdir()) == ["keep.txt"] and not (root / "html" / "bb").exists()


def test_search_indexes_are_kept_whole_and_pruned_without_following_links(tmp_path: Path) -> None:
    outside = tmp_path / "dumps"
    outside.mkdir()
    (outside / "keep.txt").write_text("a dump")
    root = tmp_path / "cache"
    root.mkdir()
    (root / pagecache.SEARCH).symlink_to(outside)  # a link where the cache keeps its indexes
    built = tmp_path / "site" / "pagefind" / "0"
    (built / "index").mkdir(parents=True)
    (built / "pagefind-entry.json").write_text("{}")
    (built / "index" / "en_1.pf_index").write_bytes(b"chunk")
    cache = pagecache.PageCache(root)
    key, stale, planted = "a" * 64, "b" * 64, "c" * 64
    cache.store_bundle(key, built)
    assert not (root / pagecache.SEARCH).is_symlink()
    assert file_hashes(cache.bundle(key)) == file_hashes(built)
    # what a killed build leaves: a half-copied index under its temporary name, a stale index,
    # and a link planted among the entries
    (root / pagecache.SEARCH / f"{key}{pagecache.TEMPORARY}").mkdir()
    (root / pagecache.SEARCH / stale).mkdir()
    (root / pagecache.SEARCH / planted).symlink_to(outside)
    cache.store_bundle(key, built)  # the same key: kept as it is
    assert cache.prune(set(), set(), {key}) == 3
    assert sorted(path.name for path in (root / pagecache.SEARCH).iterdir()) == [key]
    assert sorted(path.name for path in outside.iterdir()) == ["keep.txt"]
    copied = tmp_path / "new-site" / "pagefind" / "0"
    pagecache.link_tree(cache.bundle(key), copied)
    assert file_hashes(copied) == file_hashes(built)
    assert cache.prune(set(), set()) == 0 and cache.bundle(key).is_dir()  # None: indexes left as they are
