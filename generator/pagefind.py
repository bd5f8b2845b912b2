"""Pagefind's indexes of the paper pages: one per block of papers, each made the same for the
same pages, and kept in the page cache by what they index (overrides/hooks.py calls
:func:`write_indexes` after MkDocs wrote the site).

**Blocks.** The search is several Pagefind indexes, one per block of papers
(generator.search.search_blocks: PAGEFIND_BLOCK papers, in the order they were first listed),
in ``site/pagefind/<n>/``; the search box loads the first and merges the others (Pagefind's
``mergeIndex``, which shares the first index's WebAssembly: each further index costs a reader
only its metadata and the chunks a query needs). Pagefind cannot update an index, so a new dump
would otherwise re-index the whole archive; with blocks, it re-indexes the blocks whose pages'
searched parts changed: the newest, mostly. An index is a function of its pages' files, so it is
cached under :func:`block_key`: the pages' paths and their HTML without the parts a new dump
changes on old pages and Pagefind does not read (UNSEARCHED: related papers, sources, later
listing days). Each index's files are those Pagefind writes, less its ready-made interfaces (the
search box is the site's own: only ``pagefind.js``, its worker and WebAssembly of the first
index are loaded). Ranking: each index scores its pages with its own word statistics, so merged
results rank a little differently from one index's.

**Filters in order.**

Pagefind 1.5.2 gathers a site's filters in Rust hash maps, which iterate in a new random order
in every run (std's RandomState), and writes them in that order: the values of each filter in
its file (``filter/<hash>.pf_filter``) and the filters in each language's metadata
(``pagefind.<hash>.pf_meta``). Those files, their names (the start of the SHA-1 of
their content) and ``pagefind-entry.json`` (which names the metadata) so changed from one build
of the same site to the next. No option of Pagefind's changes that, nor does running it on one
thread (``RAYON_NUM_THREADS=1``). Everything else it writes (word index chunks, page fragments,
scripts) is the same every time.

:func:`sort_filters` puts the values of every filter file and the filters of every metadata
file in order, by their names' bytes (as Pagefind's own repository now sorts them before
writing, in code not released as of 1.5.2), names the files as Pagefind does (the language, an
underscore and the start of the SHA-1 of the uncompressed content) and points
``pagefind-entry.json`` at the new metadata. No value, page list or other file changes, so
searches and filters find what they did.

The files are gzip members holding ``pagefind_dcd`` then CBOR (definite lengths, shortest
heads: what minicbor writes). A filter file is ``[filter, [[value, [page, ...]], ...]]``, the
metadata ``[version, pages, index_chunks, [[filter, hash], ...], sorts, meta_fields]``. Only
the parts read here must be as expected; anything else stops the build (ValueError) rather than
be rewritten blindly. Every filter and metadata file is written again, compressed by
:func:`generator.api.gzip_bytes`, so its bytes depend on its content alone.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import tempfile
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from . import urls
from .api import gzip_bytes
from .pagecache import PageCache, link_or_copy, link_tree
from .slugs import is_slug

#: the folder of the indexes in the site: site/pagefind/<n>/
BUNDLES = "pagefind"
#: the parts of a paper page that no Pagefind index depends on (see block_key), each an element
#: holding no other of its kind: what follows the searched body (overrides/lean.html's
#: page.more: related papers, sources) and the later listing days, in a paragraph Pagefind
#: ignores (data-pagefind-ignore: no words, and no filter in that part)
UNSEARCHED = ((b'<div class="pa-more">', b"</div>"), (b'<span class="pa-again">', b"</span>"))
#: the files of Pagefind's own interfaces, which the site does not use
UNUSED = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")
SIGNATURE = b"pagefind_dcd"
ENTRY = "pagefind-entry.json"
_UINT, _TEXT, _ARRAY = 0, 3, 4


def read(path: Path) -> bytes:
    """The CBOR of one of Pagefind's compressed files."""
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{path.name}: not a Pagefind index file")
    return data[len(SIGNATURE) :]


def write(path: Path, cbor: bytes) -> None:
    path.write_bytes(gzip_bytes(SIGNATURE + cbor))


def _head(data: bytes, at: int) -> tuple[int, int, int]:
    """(major type, argument, offset after the head) of the CBOR item at `at`."""
    if at >= len(data):
        raise ValueError("truncated CBOR")
    major, info = data[at] >> 5, data[at] & 0x1F
    if info < 24:
        return major, info, at + 1
    if info > 27:
        raise ValueError(f"unexpected CBOR item (major type {major}, additional information {info})")
    size = 1 << (info - 24)
    return major, int.from_bytes(data[at + 1 : at + 1 + size], "big"), at + 1 + size


def decode(data: bytes, at: int = 0) -> tuple[Any, int]:
    """The item at `at` (unsigned integers, text and arrays only) and the offset after it."""
    major, value, at = _head(data, at)
    if major == _UINT:
        return value, at
    if major == _TEXT:
        return data[at : at + value].decode("utf-8"), at + value
    if major == _ARRAY:
        items = []
        for _ in range(value):
            item, at = decode(data, at)
            items.append(item)
        return items, at
    raise ValueError(f"unexpected CBOR item (major type {major})")


def skip(data: bytes, at: int) -> int:
    """The offset after the item at `at`."""
    major, value, after = _head(data, at)
    if major == _UINT:
        return after
    if major == _TEXT:
        return after + value
    if major == _ARRAY:
        for _ in range(value):
            after = skip(data, after)
        return after
    raise ValueError(f"unexpected CBOR item (major type {major})")


def encode_head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | info]) + value.to_bytes(size, "big")
    raise ValueError(f"{value} does not fit CBOR")


def encode(item: Any) -> bytes:
    """CBOR of unsigned integers, text and lists, as minicbor writes them."""
    if isinstance(item, str):
        text = item.encode("utf-8")
        return encode_head(_TEXT, len(text)) + text
    if isinstance(item, int) and item >= 0:
        return encode_head(_UINT, item)
    if isinstance(item, list | tuple):
        return encode_head(_ARRAY, len(item)) + b"".join(map(encode, item))
    raise ValueError(f"cannot encode {item!r}")


def _array(data: bytes, at: int, what: str) -> tuple[int, int]:
    major, length, at = _head(data, at)
    if major != _ARRAY:
        raise ValueError(f"{what}: expected an array")
    return length, at


def sorted_filter(cbor: bytes) -> bytes:
    """A filter file's CBOR with its values in order (each value keeps its pages, byte for byte)."""
    length, at = _array(cbor, 0, "filter file")
    if length != 2:
        raise ValueError("filter file: expected [filter, values]")
    name_end = skip(cbor, at)  # the filter's name
    count, at = _array(cbor, name_end, "filter values")
    values = []
    for _ in range(count):
        end = skip(cbor, at)
        item = cbor[at:end]
        pairs, name_at = _array(item, 0, "filter value")
        value, _ = decode(item, name_at)
        if pairs != 2 or not isinstance(value, str):
            raise ValueError("filter value: expected [value, pages]")
        values.append((value.encode("utf-8"), item))  # Rust compares strings byte by byte
        at = end
    if at != len(cbor):
        raise ValueError("filter file: unexpected data after the values")
    values.sort(key=lambda pair: pair[0])
    return cbor[:name_end] + encode_head(_ARRAY, count) + b"".join(item for _, item in values)


def _text_pair(item: Any) -> bool:
    return isinstance(item, list) and len(item) == 2 and all(isinstance(text, str) for text in item)


def _name(language: str, cbor: bytes, taken: set[str]) -> str:
    """A filter file's name, as Pagefind makes it: longer while it is another filter's."""
    full = f"{language}_{hashlib.sha1(cbor).hexdigest()}"
    name = full[: len(language) + 8]
    while name in taken and len(name) < len(full):
        name = full[: len(name) + 1]
    return name


def sort_filters(bundle: Path) -> None:
    """Put the filters of the Pagefind index in `bundle` (site/pagefind) in order (see above)."""
    entry_path = bundle / ENTRY
    entry_text = entry_path.read_text(encoding="utf-8")
    for language, meta_of_language in json.loads(entry_text)["languages"].items():
        old_hash = meta_of_language["hash"]
        meta_path = bundle / f"pagefind.{old_hash}.pf_meta"
        meta = read(meta_path)
        fields, at = _array(meta, 0, meta_path.name)
        if fields < 4:
            raise ValueError(f"{meta_path.name}: expected at least 4 fields")
        for _ in range(3):  # version, pages, index chunks
            at = skip(meta, at)
        filters, end = decode(meta, at)
        if encode(filters) != meta[at:end] or not all(map(_text_pair, filters)):
            raise ValueError(f"{meta_path.name}: expected its filters as [[filter, hash], ...]")
        contents = {}
        for name, file_hash in filters:
            path = bundle / "filter" / f"{file_hash}.pf_filter"
            contents[name] = sorted_filter(read(path))
            path.unlink()
        taken: set[str] = set()
        named = []
        for name in sorted(contents, key=lambda name: name.encode("utf-8")):
            file_hash = _name(language, contents[name], taken)
            taken.add(file_hash)
            write(bundle / "filter" / f"{file_hash}.pf_filter", contents[name])
            named.append([name, file_hash])
        meta = meta[:at] + encode(named) + meta[end:]
        new_hash = f"{language}_{hashlib.sha1(meta).hexdigest()[: len(language) + 8]}"
        meta_path.unlink()
        write(bundle / f"pagefind.{new_hash}.pf_meta", meta)
        old = f'"hash":"{old_hash}"'  # as serde_json writes it
        if entry_text.count(old) != 1:
            raise ValueError(f"{ENTRY}: expected one {old}")
        entry_text = entry_text.replace(old, f'"hash":"{new_hash}"')
    entry_path.write_text(entry_text, encoding="utf-8")


class PagefindError(Exception):
    """Pagefind failed, or wrote an index this module does not understand."""


def searched_part(html: bytes) -> bytes:
    """A paper page's HTML without its UNSEARCHED parts (the first of each kind), which a new
    dump changes on old pages (a new related paper, a new listing day) but no index reads."""
    for start_tag, end_tag in UNSEARCHED:
        start = html.find(start_tag)
        end = html.find(end_tag, start)
        if start >= 0 and end >= 0:
            html = html[:start] + html[end + len(end_tag) :]
    return html


def part_digest(html: bytes) -> str:
    """The digest of a paper page's searched part (what a block's key is made of)."""
    return hashlib.sha256(searched_part(html)).hexdigest()


def block_key(pages: Sequence[str], digest_of: Callable[[str], str]) -> str:
    """The cache key of a block's index: Pagefind's version, and each page's path and the
    digest of its searched part (`digest_of(page)`: :func:`part_digest` of its HTML)."""
    digest = hashlib.sha256(f"pa-pagefind-block 2\0{metadata.version('pagefind')}\0".encode())
    for page in pages:
        digest.update(f"{page}\0{digest_of(page)}\n".encode())
    return digest.hexdigest()


def paper_page(slug: str) -> str:
    """A paper's HTML file in the site."""
    return f"{urls.paper_url(slug)}index.html"


def read_blocks(data: bytes) -> list[list[str]]:
    """The blocks of paper slugs the generator wrote (generator.search.BLOCKS_PATH), checked:
    only paper slugs, so no path leads out of the site's papers/ folder."""
    blocks = json.loads(data)
    if not (isinstance(blocks, list) and all(isinstance(block, list) and block for block in blocks)):
        raise PagefindError("expected a list of blocks of paper slugs")
    for slug in (slug for block in blocks for slug in block):
        if not (isinstance(slug, str) and is_slug(slug)):
            raise PagefindError(f"{slug!r} is not a paper's slug")
    return blocks


def write_indexes(
    site: Path,
    blocks: Sequence[Sequence[str]],
    cache: PageCache | None,
    index: Callable[[Path, Path], None],
    digest_of: Callable[[str], str] | None = None,
) -> tuple[set[str], int]:
    """Write the index of each block of paper slugs into site/pagefind/<n>/, from the cache
    when it holds the block's key, else with `index` (Pagefind: index the HTML files in a
    folder into another; the hooks run it, the generator runs no program), and then into the
    cache. `digest_of`: the :func:`part_digest` of a page (by its path in the site), if known
    without reading it. Return the keys of the blocks and how many were indexed."""
    digest_of = digest_of or (lambda page: part_digest((site / page).read_bytes()))
    keys, indexed = set(), 0
    for number, slugs in enumerate(blocks):
        pages = [paper_page(slug) for slug in slugs]
        target = site / BUNDLES / str(number)
        key = block_key(pages, digest_of) if cache is not None else ""
        if cache is not None and cache.bundle(key).is_dir():
            link_tree(cache.bundle(key), target)
        else:
            with tempfile.TemporaryDirectory(prefix=".pagefind-", dir=site) as folder:
                link_pages(site, pages, Path(folder))
                index(Path(folder), target)
            sort_filters(target)  # the same index for the same pages
            _trim(target, first=number == 0)
            indexed += 1
            if cache is not None:
                cache.store_bundle(key, target)
        keys.add(key)
    return keys, indexed


def _trim(bundle: Path, first: bool) -> None:
    """Remove the files of an index the search box never loads: Pagefind's interfaces, and in
    every index but the first its scripts and WebAssembly (merged indexes use the first's)."""
    for path in bundle.iterdir():
        needed = path.is_dir() or path.name == ENTRY or path.suffix == ".pf_meta"
        if path.name.startswith(UNUSED) or not (first or needed):
            path.unlink()


def link_pages(site: Path, pages: Sequence[str], folder: Path) -> None:
    """Put links to `pages` (paths of HTML files in `site`) in `folder`, at the same paths, so
    that Pagefind indexes them under the site's URLs."""
    for page in pages:
        (folder / page).parent.mkdir(parents=True, exist_ok=True)
        link_or_copy(site / page, folder / page)
