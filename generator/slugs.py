"""URL slugs for papers and tags: readable, ASCII, stable."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping

from slugify import slugify, smart_truncate

MAX_LENGTH = 80

#: Greek letters are spelled out ("σ-GPTs" -> "sigma-gpts"), as readers say them.
GREEK = [
    [chr(code), unicodedata.name(chr(code)).split()[-1].lower()]
    for code in range(0x391, 0x3CA)
    if unicodedata.name(chr(code), "").startswith("GREEK")
]
_HAS_GREEK = re.compile("[\u0391-\u03c9]")


# python-slugify's steps for plain ASCII text without HTML entities, which most titles are:
# its quotes to "-", then every run of other characters to "-", then runs of "-" to one, come
# to every run of characters that are not letters or digits to one "-" (after dropping the
# commas inside numbers). tests/test_slugs.py checks that both paths agree on any ASCII text.
_DIGIT_COMMA = re.compile(r"(?<=\d),(?=\d)")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def slug_of(text: str) -> str:
    """A readable ASCII slug of at most MAX_LENGTH characters, cut at a word boundary."""
    if text.isascii() and "&" not in text:
        lowered = text.lower()
        if "," in lowered:
            lowered = _DIGIT_COMMA.sub("", lowered)
        slug = _NOT_ALNUM.sub("-", lowered).strip("-")
        if len(slug) >= MAX_LENGTH:
            slug = smart_truncate(slug, MAX_LENGTH, True, "-", True)
    else:
        replacements = GREEK if _HAS_GREEK.search(text) else ()
        slug = slugify(text, max_length=MAX_LENGTH, word_boundary=True, save_order=True, replacements=replacements)
    return slug or "untitled"


#: paper slugs the site uses itself: papers/index.md would be the papers folder's own page
RESERVED = frozenset({"index"})
_VALID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def assign(
    titles: Iterable[tuple[str, str]],
    slug_for: Callable[[str], str] = slug_of,
    recorded: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Slugs for (key, title) pairs given in first-listed order.

    A paper whose key `recorded` holds (the permalinks kept in the repository, key -> slug)
    keeps that slug. Any other takes its title's plain slug, unless a recorded paper, an
    earlier paper or the site (RESERVED) has it: then it gets a suffix derived from its own
    key, so its slug does not depend on which other papers exist. `slug_for` makes the
    plain slug of a pair's second item: :func:`slug_of` of a title, or ``str`` when the
    pairs hold plain slugs worked out already.
    """
    recorded = recorded or {}
    slugs: dict[str, str] = {}
    taken: set[str] = {*RESERVED, *recorded.values()}
    for key, title in titles:
        slug = recorded.get(key)
        if slug is None:
            slug = slug_for(title)
            if slug in taken:
                slug = _suffixed(slug, key, taken)
            taken.add(slug)
        slugs[key] = slug
    return slugs


def is_slug(text: str) -> bool:
    """Whether `text` is a slug this module could have made."""
    return len(text) <= MAX_LENGTH and _VALID.fullmatch(text) is not None


def _suffixed(slug: str, key: str, taken: set[str]) -> str:
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    for width in range(6, len(digest) + 1):
        candidate = f"{slug[: MAX_LENGTH - width - 1].rstrip('-')}-{digest[:width]}"
        if candidate not in taken:
            return candidate
    raise AssertionError("sha256 digests do not collide")  # pragma: no cover
