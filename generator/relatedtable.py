"""Related lists kept in the repository: dumps/related.tsv records every paper's related papers,
so that a new dump costs the related lists of its own papers only, and an old paper's list
changes only when a new paper scores higher than its last (see generator.related).

A line is ``slug<TAB>digest<TAB>related``: the digest of the paper's title and abstract when
its list was found, and its related papers as ``slug:score`` (score in millionths) separated by
spaces, best first; lines are sorted by slug. The ``#method`` line names the method the lists
were found by (related.method_digest): lists of another method are found again from scratch.
`python -m generator add` writes this file, and so does `python -m generator related`; the
build only reads it.
"""

from __future__ import annotations

import operator
import re
from pathlib import Path
from typing import NoReturn

from .dumps import read_kept, write_kept
from .errors import InputError
from .related import Kept, Lists
from .slugs import MAX_LENGTH, is_slug

FILE_NAME = "related.tsv"
HEADER = (
    "# Paper Archive related papers: slug<TAB>digest of its title and abstract<TAB>its related papers\n"
    "# as slug:score (in millionths), best first. `python -m generator add` writes this file.\n"
)
_METHOD = re.compile(r"#method\t([0-9a-f]{16})")
_DIGEST = re.compile(r"[0-9a-f]{16}")
#: a slug of at most MAX_LENGTH characters (the look-ahead), followed by a tab or a colon;
#: possessive: what a slug is followed by never extends it
_SLUG = rf"(?=[a-z0-9-]{{1,{MAX_LENGTH}}}+[\t:])[a-z0-9]++(?:-[a-z0-9]++)*+"
#: a related paper: slug:score, the score from 1 to 1000000
_PAIR = re.compile(rf"{_SLUG}:(?:[1-9][0-9]{{0,5}}+|1000000)")
#: a whole line: slug, digest and related papers (every check of a line's parts but the order)
_LINE = re.compile(rf"({_SLUG})\t([0-9a-f]{{16}})\t((?:{_PAIR.pattern})(?: {_PAIR.pattern})*+)?")


def parse_related(text: str, path: str) -> Lists:
    """The kept lists of a related.tsv (pure); InputError at a line that is not one."""
    method = ""
    lists: dict[str, Kept] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        match = _LINE.fullmatch(line)  # the whole line at once: the usual case
        if match is None:
            if not line or (line.startswith("#") and not line.startswith("#method")):
                continue
            if method_line := _METHOD.fullmatch(line):
                method = method_line[1]
                continue
            _refuse(line, path, number)
        slug, digest, listed = match.groups()
        words = listed.replace(":", " ").split(" ") if listed else []  # slug, score, slug, score...
        others, scores = tuple(words[0::2]), tuple(map(int, words[1::2]))
        if slug in lists:
            raise InputError(path, f"a second related list for {slug!r}", number)
        if not _ranked(others, scores) or len({slug, *others}) != len(others) + 1:
            raise InputError(path, "related papers must be distinct, other than the paper, and best first", number)
        lists[slug] = Kept(digest, others, scores)
    if lists and not method:
        raise InputError(path, "no '#method' line: the method the lists were found by is unknown")
    return Lists(method, lists)


def _ranked(others: tuple[str, ...], scores: tuple[int, ...]) -> bool:
    """Whether related papers are best first: larger score, then smaller slug."""
    if all(map(operator.gt, scores, scores[1:])):  # the usual case: no ties
        return True
    ranks = list(zip(map(operator.neg, scores), others, strict=True))
    return ranks == sorted(ranks)


def _refuse(line: str, path: str, number: int) -> NoReturn:
    """The error of a line that is not a related list, naming what is wrong in it."""
    slug, _, rest = line.partition("\t")
    digest, tab, listed = rest.partition("\t")
    if not tab or not is_slug(slug) or not _DIGEST.fullmatch(digest):
        raise InputError(
            path, "not a related list: expected a slug, a tab, a digest, a tab and slug:score pairs", number
        )
    pair = next((pair for pair in listed.split(" ") if not _PAIR.fullmatch(pair)), listed)
    raise InputError(path, f"not a related paper: {pair!r} (expected slug:score, score 1 to 1000000)", number)


def format_related(lists: Lists) -> str:
    lines = []
    for slug, kept in sorted(lists.lists.items()):
        pairs = " ".join(f"{other}:{score}" for other, score in zip(kept.slugs, kept.scores, strict=True))
        lines.append(f"{slug}\t{kept.digest}\t{pairs}\n")
    return f"{HEADER}#method\t{lists.method}\n{''.join(lines)}"


def read_related(dumps_dir: Path) -> Lists | None:
    """The related lists kept beside the dumps (None when there is no such file)."""
    kept = read_kept(dumps_dir, FILE_NAME)
    return parse_related(*kept) if kept else None


def write_related(dumps_dir: Path, lists: Lists) -> None:
    """Write the related lists file whole (through a temporary file renamed over it)."""
    write_kept(dumps_dir, FILE_NAME, format_related(lists))
