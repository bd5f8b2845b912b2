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

import itertools
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
_PAIR = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*:[1-9][0-9]{0,6}")
#: a whole line: slug, digest and related papers
_LINE = re.compile(rf"([a-z0-9]+(?:-[a-z0-9]+)*)\t([0-9a-f]{{16}})\t((?:{_PAIR.pattern})(?: {_PAIR.pattern})*)?")


def parse_related(text: str, path: str) -> Lists:
    """The kept lists of a related.tsv (pure); InputError at a line that is not one."""
    method = ""
    lists: dict[str, Kept] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        if not line or (line.startswith("#") and not line.startswith("#method")):
            continue
        if match := _METHOD.fullmatch(line):
            method = match[1]
            continue
        match = _LINE.fullmatch(line)  # the whole line at once: the usual case
        if match is None:
            _refuse(line, path, number)
        slug, digest, listed = match.groups()
        related = []
        for pair in listed.split(" ") if listed else ():
            other, _, score = pair.rpartition(":")
            related.append((other, int(score)))
        if len(slug) > MAX_LENGTH or any(len(other) > MAX_LENGTH or score > 1_000_000 for other, score in related):
            _refuse(line, path, number)
        if slug in lists:
            raise InputError(path, f"a second related list for {slug!r}", number)
        ranked = all((-s1, o1) < (-s2, o2) for (o1, s1), (o2, s2) in itertools.pairwise(related))
        if not ranked or len({slug, *(other for other, _ in related)}) != len(related) + 1:
            raise InputError(path, "related papers must be distinct, other than the paper, and best first", number)
        lists[slug] = Kept(digest, tuple(related))
    if lists and not method:
        raise InputError(path, "no '#method' line: the method the lists were found by is unknown")
    return Lists(method, lists)


def _refuse(line: str, path: str, number: int) -> NoReturn:
    """The error of a line that is not a related list, naming what is wrong in it."""
    slug, _, rest = line.partition("\t")
    digest, tab, listed = rest.partition("\t")
    if not tab or not is_slug(slug) or not _DIGEST.fullmatch(digest):
        raise InputError(
            path, "not a related list: expected a slug, a tab, a digest, a tab and slug:score pairs", number
        )
    pair = next(
        (
            pair
            for pair in listed.split(" ")
            if not (
                _PAIR.fullmatch(pair) and is_slug(pair.partition(":")[0]) and int(pair.partition(":")[2]) <= 1_000_000
            )
        ),
        listed,
    )
    raise InputError(path, f"not a related paper: {pair!r} (expected slug:score, score 1 to 1000000)", number)


def format_related(lists: Lists) -> str:
    lines = [
        f"{slug}\t{kept.digest}\t{' '.join(f'{other}:{score}' for other, score in kept.related)}\n"
        for slug, kept in sorted(lists.lists.items())
    ]
    return f"{HEADER}#method\t{lists.method}\n{''.join(lines)}"


def read_related(dumps_dir: Path) -> Lists | None:
    """The related lists kept beside the dumps (None when there is no such file)."""
    kept = read_kept(dumps_dir, FILE_NAME)
    return parse_related(*kept) if kept else None


def write_related(dumps_dir: Path, lists: Lists) -> None:
    """Write the related lists file whole (through a temporary file renamed over it)."""
    write_kept(dumps_dir, FILE_NAME, format_related(lists))
