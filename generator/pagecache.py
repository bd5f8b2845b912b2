"""A cache of built pages, so that a build renders only the pages whose inputs changed.

MkDocs cannot build part of a site: every build reads every page, and its sitemap, search
index and tag mapping need them all. What costs is rendering each page through Material's
templates (~0.5 ms a page). So MkDocs still runs over every page, but a page the generator
wrote as finished HTML (front matter `generated: html`) whose inputs are those of a page built
before is not rendered again: its HTML is taken from this cache (overrides/hooks.py).

A page's HTML depends on its own source (front matter and body) and its path, and on what is
the same for every page of a build: the config (mkdocs.yml, the site's address, `extra`), the
theme and its overrides (templates, hooks), the generator's code the hooks use, the
hand-written files in docs/, and the versions of MkDocs, Material and the libraries they render
with (:func:`fingerprint`). An entry's key (:func:`page_key`) is the SHA-256 of all that, so an
entry is never served for other inputs: a changed template, config or version gives every page
a new key. Generated pages are HTML already (no Markdown, so no links MkDocs rewrites or checks
against other pages), and the blocks that lean pages share by folder depth (overrides/hooks.py)
are the same for every page of a build, so nothing else of the site reaches a page.

Lean pages load one "chrome" script per depth, named by its content's hash (the blocks that only
work with JavaScript). Its content depends on the same inputs, so it is kept in the cache too,
under the fingerprint and the depth: a build whose pages at a depth all come from the cache
writes the script the cached pages name.

Layout (``DIR`` is $PA_PAGE_CACHE, e.g. ``.cache/pages``)::

    DIR/html/<2 hex>/<key>.html      one page's HTML, exactly the bytes MkDocs wrote
    DIR/html/<2 hex>/<key>.lean.html the same, of a lean page (it names its depth's chrome script)
    DIR/chrome/<key>.js              a depth's chrome script (key: fingerprint and depth)
    DIR/search/<key>/                a block's Pagefind index (key: its pages' searched parts,
                                     generator.pagefind.block_key)
    DIR/parts.json                   page key -> the digest of the page's searched part
                                     (generator.pagefind.part_digest), for the pages kept

Every entry is written under a temporary name and renamed into place, so a killed build leaves
whole entries or none (its temporary files are removed by the next build); entries are written
only once the build has written every page and script, and an entry of a page is kept only with
its depth's script. After a build, the entries it did not use are removed: the cache holds the
last site's pages. The cache owns its folders: a link or a file standing in place of one (html/,
chrome/, search/, html/<2 hex>/) is removed and a folder made, so nothing is written or removed
through a link out of the cache. An entry's file is a hard link to the page in the site when both are on one
file system (nothing rewrites either in place), so the cache costs no second copy of the pages.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

#: changes when what an entry holds, or how keys are made, changes
FORMAT = b"pa-page-cache 1\n"
#: the distributions whose code renders a page
DISTRIBUTIONS = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2", "markupsafe", "pyyaml")
TEMPORARY = ".tmp"
HTML = "html"
PARTS = "parts.json"
CHROME = "chrome"
SEARCH = "search"
LEAN = ".lean"


def _hash_tree(digest: Any, root: Path, skip: Iterable[str] = ()) -> None:
    """Feed every file under `root` (path and bytes, in order) into `digest`."""
    skipped = set(skip)
    if root.is_file():
        digest.update(b"F" + root.name.encode() + b"\0" + root.read_bytes())
        return
    # the skipped top-level entries are not walked (docs/papers holds a file per paper)
    tops = [entry for entry in root.iterdir() if entry.name not in skipped]
    paths = [path for top in tops for path in (top, *(top.rglob("*") if top.is_dir() else ()))]
    for path in sorted(paths):
        relative = path.relative_to(root).as_posix()
        if "__pycache__" in path.parts or not path.is_file():
            continue
        data = path.read_bytes()
        digest.update(f"F{relative}\0{len(data)}\0".encode() + data)


def fingerprint(
    config_file: Path,
    settings: dict[str, Any],
    folders: Iterable[Path],
    docs: Path,
    generated: Iterable[str],
) -> str:
    """What every page of a build depends on, as a hex digest: the config file's bytes, the
    `settings` the build computed (site address, `extra`, ...: JSON), every file of `folders`
    (the theme's overrides, the hooks, the generator's code), the hand-written files of `docs`
    (all but the `generated` top-level names), the versions of DISTRIBUTIONS and of Python."""
    digest = hashlib.sha256(FORMAT)
    digest.update(b"C" + config_file.read_bytes())
    digest.update(b"S" + json.dumps(settings, sort_keys=True, default=repr).encode())
    for folder in folders:
        digest.update(b"D" + str(folder.name).encode())
        _hash_tree(digest, folder)
    skip = {*generated, *(entry.name for entry in docs.iterdir() if entry.name.startswith("."))}
    digest.update(b"H")
    _hash_tree(digest, docs, skip)
    for name in DISTRIBUTIONS:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"V{name}={version}\0".encode())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def page_key(print_: str, src_uri: str, digest: str) -> str:
    """The key of a page: the build's fingerprint, the page's path and the digest of its whole
    source file (generator.write.content_digest)."""
    return hashlib.sha256(f"{print_}\0{src_uri}\0{digest}".encode("utf-8", "surrogatepass")).hexdigest()


def chrome_key(print_: str, base_url: str) -> str:
    return hashlib.sha256(f"{print_}\0chrome\0{base_url}".encode()).hexdigest()


@dataclass(frozen=True)
class PageCache:
    """The cache in `root` (see the module's docstring)."""

    root: Path

    def html(self, key: str, lean: bool) -> Path:
        return Path(self.html_path(key, lean))

    def html_path(self, key: str, lean: bool) -> str:
        """html() as a string (once per page of a build: no Path objects)."""
        return f"{self.root}/{HTML}/{key[:2]}/{key}{LEAN if lean else ''}.html"

    def chrome(self, key: str) -> Path:
        return self.root / CHROME / f"{key}.js"

    def kind(self, key: str, held: set[str]) -> bool | None:
        """Whether the cache holds the page of `key` as a lean page (True), another (False), or
        not at all (None); `held`: the names of its pages' files (:meth:`held`)."""
        for lean in (True, False):
            if f"{key}{LEAN if lean else ''}.html" in held:
                return lean
        return None

    def held(self) -> set[str]:
        """The names of the page files the cache holds (one listing of its folders a build,
        instead of a look-up a page)."""
        names: set[str] = set()
        root = self.root / HTML
        if root.is_dir() and not root.is_symlink():
            for folder in os.scandir(root):
                if folder.is_dir(follow_symlinks=False):
                    with os.scandir(folder.path) as entries:
                        names.update(entry.name for entry in entries if entry.is_file(follow_symlinks=False))
        return names

    def bundle(self, key: str) -> Path:
        """The folder of a block's Pagefind index (it exists when the cache holds it)."""
        return self.root / SEARCH / key

    def store_bundle(self, key: str, built: Path) -> None:
        """Keep the Pagefind index in `built` (a folder) as the entry `key`, atomically."""
        entry = self.bundle(key)
        _folder(entry.parent)
        if entry.is_dir() and not entry.is_symlink():
            return  # the same key: the same index
        temporary = entry.with_name(entry.name + TEMPORARY)
        _remove(temporary)
        link_tree(built, temporary)
        _remove(entry)
        temporary.rename(entry)

    def read_parts(self) -> dict[str, str]:
        """The digests of the kept pages' searched parts, by page key (none when the memo is
        missing or not one: the pages are then read again)."""
        path = self.root / PARTS
        try:
            parts = {} if path.is_symlink() else json.loads(path.read_bytes())
        except (OSError, ValueError):
            return {}
        if not isinstance(parts, dict) or not all(isinstance(value, str) for value in parts.values()):
            return {}
        return parts

    def write_parts(self, parts: dict[str, str]) -> None:
        _folder(self.root)
        path = self.root / PARTS
        temporary = path.with_name(path.name + TEMPORARY)
        temporary.unlink(missing_ok=True)  # never written through: a link left there is removed
        temporary.write_text(json.dumps(parts, sort_keys=True, separators=(",", ":")), encoding="utf-8")
        temporary.replace(path)

    def read_chrome(self, key: str) -> str | None:
        try:
            return self.chrome(key).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def link_out(self, key: str, lean: bool, target: Path) -> None:
        """Put the page of `key` at `target` (a path no file holds yet)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        link_or_copy(self.html(key, lean), target)

    def store_page(self, key: str, lean: bool, built: Path) -> None:
        _install(built, self.html(key, lean))

    def store_chrome(self, key: str, script: str) -> None:
        path = self.chrome(key)
        _folder(path.parent)
        if path.is_file() and path.read_text(encoding="utf-8") == script:
            return
        temporary = path.with_name(path.name + TEMPORARY)
        temporary.write_text(script, encoding="utf-8")
        temporary.replace(path)

    def prune(self, pages: set[str], chromes: set[str], bundles: set[str] | None = None) -> int:
        """Remove every entry but those of `pages`, `chromes` and `bundles` (None: keep the
        search indexes as they are), and any temporary file; return how many entries were
        removed."""
        removed = 0
        if bundles is not None:
            for entry in sorted(_folder(self.root / SEARCH).iterdir()):
                if entry.name not in bundles:
                    _remove(entry)
                    removed += 1
        for kind, keep, suffix in ((HTML, pages, ".html"), (CHROME, chromes, ".js")):
            for folder, subfolders, names in os.walk(_folder(self.root / kind)):
                for name in [name for name in subfolders if os.path.islink(os.path.join(folder, name))]:  # noqa: PTH114, PTH118
                    os.unlink(os.path.join(folder, name))  # noqa: PTH108, PTH118 - a link is never the cache's
                for name in names:
                    if name.endswith(suffix) and name[: -len(suffix)].removesuffix(LEAN) in keep:
                        continue
                    os.unlink(os.path.join(folder, name))  # noqa: PTH108, PTH118 - once per stale entry
                    removed += 1
        return removed


def link_or_copy(source: Path | str, target: Path | str) -> None:
    """Make `target` a hard link to `source`, or a copy where links fail (FileNotFoundError when
    `target`'s folder is missing)."""
    try:
        os.link(source, target)
    except FileNotFoundError:
        raise
    except OSError:  # another file system, or links not allowed: a copy
        shutil.copyfile(source, target)


def link_tree(source: Path, target: Path) -> None:
    """Make `target` a folder of the files under `source`, as hard links (or copies)."""
    for folder, _, names in os.walk(source):
        into = target / os.path.relpath(folder, source)
        into.mkdir(parents=True, exist_ok=True)
        for name in names:
            link_or_copy(os.path.join(folder, name), into / name)  # noqa: PTH118 - once per file


def _remove(path: Path) -> None:
    """Remove `path`, a folder (its tree), a file or a link (never what it points to)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _folder(path: Path) -> Path:
    """`path` as a plain folder: a link or file in its place is removed first (see the module)."""
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        path.unlink()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _install(source: Path, entry: Path) -> None:
    """Make `entry` hold the bytes of `source`, atomically."""
    _folder(entry.parent.parent)
    _folder(entry.parent)
    temporary = entry.with_name(entry.name + TEMPORARY)
    temporary.unlink(missing_ok=True)
    link_or_copy(source, temporary)
    temporary.replace(entry)
