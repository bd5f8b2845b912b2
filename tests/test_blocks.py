"""overrides/hooks.py: the blocks rendered once per depth are reused only by pages in the same
state, and lean pages name Material's assets as the installed theme does."""

from __future__ import annotations

import gc
import importlib.util
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from jinja2 import Environment
from mkdocs.exceptions import BuildError

from generator.collector import FULL_EVERY
from tests.sitebuild import ROOT

_spec = importlib.util.spec_from_file_location("pa_hooks", ROOT / "overrides" / "hooks.py")
hooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hooks)

MATERIAL = Path(importlib.util.find_spec("material").origin).parent / "templates"


@dataclass
class FakePage:
    url: str
    toc: list[Any] = field(default_factory=list)
    previous_page: Any = None
    next_page: Any = None
    meta: dict[str, Any] = field(default_factory=dict)
    title: str = "A page"

    @property
    def file(self) -> SimpleNamespace:
        return SimpleNamespace(src_uri=self.url + "index.md")


@dataclass
class NavItem:
    title: str
    url: str
    active: bool = False
    children: list[Any] = field(default_factory=list)


#: a block reading what Material's nav, toc and footer partials read of the page
BLOCK = """{% macro block() -%}
{% set _ = calls.append(page.url) %}
{%- for item in nav.items if item.active %}[{{ item.title }}]{% endfor -%}
{%- for item in page.toc %}<a href="{{ item.url }}">{{ item.title }}</a>{% endfor -%}
{%- if page.next_page %}<a href="{{ page.next_page.url }}">next</a>{% endif -%}
{{ page.meta.hide }}
{%- endmacro %}{{ per_depth("block", block) }}"""


@pytest.fixture
def render(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(hooks, "_CHECK_BLOCKS", False)
    hooks._PER_DEPTH.clear()
    hooks._RENDERED_FOR.clear()
    env = Environment()
    env.globals["per_depth"] = hooks.per_depth
    calls: list[str] = []

    def render(page: FakePage, source: str = BLOCK, nav: list[NavItem] | None = None) -> str:
        depth = page.url.count("/")
        return env.from_string(source).render(
            page=page, base_url="/".join([".."] * depth), nav=SimpleNamespace(items=nav or []), calls=calls
        )

    render.calls = calls
    yield render
    hooks._PER_DEPTH.clear()
    hooks._RENDERED_FOR.clear()


def test_pages_in_the_same_state_share_the_block(render) -> None:  # type: ignore[no-untyped-def]
    first = render(FakePage("papers/a/"))
    assert render(FakePage("papers/b/")) == render(FakePage("tags/c/")) == first
    assert render.calls == ["papers/a/"]  # rendered once for the depth


@pytest.mark.parametrize(
    "other",
    [
        FakePage("papers/b/", toc=[NavItem("Part", "#part")]),
        FakePage("papers/b/", next_page=FakePage("papers/c/")),
        FakePage("papers/b/", meta={"hide": ["navigation"]}),
    ],
    ids=["toc", "next page", "hide"],
)
def test_a_page_in_another_state_gets_its_own_block(render, other: FakePage) -> None:  # type: ignore[no-untyped-def]
    plain = render(FakePage("papers/a/"))
    assert render(other) != plain
    assert render.calls == ["papers/a/", "papers/b/"]
    assert render(FakePage("papers/z/")) == plain  # and the plain pages still share theirs


def test_a_page_in_the_nav_gets_its_own_block(render) -> None:  # type: ignore[no-untyped-def]
    nav = [NavItem("Home", ""), NavItem("About", "about/")]
    plain = render(FakePage("tags/"), nav=nav)
    nav[1].active = True  # MkDocs marks the page being rendered active, with its sections
    assert "[About]" in render(FakePage("about/"), nav=nav)
    assert "[About]" not in plain
    assert render.calls == ["tags/", "about/"]


def test_checking_finds_a_block_that_reads_more_of_the_page(render, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """PA_CHECK_BLOCKS: a block reading what the state leaves out (the title) stops the build;
    links that reach the same page from another folder of the depth are the same block."""
    monkeypatch.setattr(hooks, "_CHECK_BLOCKS", True)
    links = '{% macro block() %}<a href="{{ "../" if page.url.startswith("tags/") else "../../tags/" }}">Tags</a>{% endmacro %}{{ per_depth("links", block) }}'
    render(FakePage("papers/a/"), links)
    render(FakePage("tags/b/"), links)
    titled = '{% macro block() %}{{ page.title }}{% endmacro %}{{ per_depth("title", block) }}'
    render(FakePage("papers/a/", title="One"), titled)
    with pytest.raises(BuildError, match="block 'title' is not the one"):
        render(FakePage("papers/b/", title="Two"), titled)


def test_lean_pages_at_one_depth_in_different_states_stop_the_build(render, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The chrome script holds one version of a block per depth: a lean page whose block differs
    is refused rather than given another page's."""
    hooks._CHROME.clear()
    hooks._CHROME_FILES.clear()
    env = Environment()
    env.globals["js_only"] = hooks.js_only
    source = '{% set lean = true %}{% macro block() %}{% for item in page.toc %}{{ item.title }}{% endfor %}{% endmacro %}{{ js_only("nav", block) }}'
    try:
        for page in (FakePage("papers/a/"), FakePage("papers/b/")):
            assert (
                env.from_string(source).render(page=page, base_url="../..", nav=None) == '<script>__pa("nav")</script>'
            )
        with pytest.raises(BuildError, match="block 'nav' differs"):
            env.from_string(source).render(page=FakePage("papers/c/", toc=[NavItem("Part", "#part")]), base_url="../..")
    finally:
        hooks._CHROME.clear()
        hooks._CHROME_FILES.clear()


# --- Material's assets ------------------------------------------------------------------


def theme_config(custom: Path, theme: Path) -> SimpleNamespace:
    return SimpleNamespace(theme=SimpleNamespace(custom_dir=str(custom), dirs=[str(custom), str(theme)]))


def test_asset_names_are_read_from_the_installed_material() -> None:
    base = (MATERIAL / "base.html").read_text(encoding="utf-8")
    found = hooks.material_assets(theme_config(ROOT / "overrides", MATERIAL))
    assert set(found) == {"main_css", "palette_css", "bundle_js", "search_worker"}
    for path in found.values():
        assert f"'{path}'" in base or f'"{path}"' in base
        assert (MATERIAL / path).is_file()


def test_asset_names_follow_another_version_of_material(tmp_path: Path) -> None:
    theme = tmp_path / "material"
    names = {
        "main_css": "assets/stylesheets/main.0123abcd.min.css",
        "palette_css": "assets/stylesheets/palette.4567cdef.min.css",
        "bundle_js": "assets/javascripts/bundle.89ab0123.min.js",
        "search_worker": "assets/javascripts/workers/search.cdef4567.min.js",
    }
    for path in names.values():
        (theme / path).parent.mkdir(parents=True, exist_ok=True)
        (theme / path).write_text("", encoding="utf-8")
    (theme / "base.html").write_text(" ".join(f"{{{{ '{path}' | url }}}}" for path in names.values()))
    # an override of base.html in custom_dir is not Material's
    (tmp_path / "overrides").mkdir()
    (tmp_path / "overrides" / "base.html").write_text("'assets/stylesheets/main.ffffffff.min.css'")
    assert hooks.material_assets(theme_config(tmp_path / "overrides", theme)) == names
    (theme / names["bundle_js"]).unlink()
    with pytest.raises(BuildError, match="no longer follows"):
        hooks.material_assets(theme_config(tmp_path / "overrides", theme))


@pytest.mark.slow
def test_lean_pages_load_the_theme_assets(real_site: Path) -> None:
    """The built lean pages and Material's own pages load the same, existing, assets."""
    found = hooks.material_assets(theme_config(ROOT / "overrides", MATERIAL))
    home = (real_site / "index.html").read_text(encoding="utf-8")
    paper = next((real_site / "papers").glob("*/index.html")).read_text(encoding="utf-8")
    chrome = re.search(r'src="\.\./\.\./(assets/javascripts/chrome\.\w+\.js)"', paper)[1]
    script = (real_site / chrome).read_text(encoding="utf-8")
    for name in ("main_css", "palette_css", "bundle_js"):
        assert found[name] in home and found[name] in paper
        assert (real_site / found[name]).is_file()
    assert found["search_worker"] in script and (real_site / found["search_worker"]).is_file()
    assert not re.search(r"\.[0-9a-f]{8}\.min\.(css|js)", (ROOT / "overrides" / "lean.html").read_text())


def test_mkdocs_makes_fewer_full_cycle_collections(restored_gc_threshold: None) -> None:
    """MkDocs' process holds every page: as in the generator's (generator.collector)."""
    gc.set_threshold(700, 10, 10)
    hooks.on_startup("build", dirty=False)
    assert gc.get_threshold() == (700, 10, FULL_EVERY)
