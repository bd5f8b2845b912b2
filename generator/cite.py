"""Citation helper: a BibTeX @misc entry with what the archive knows of a paper.

The archive knows a paper's title and the day it was first listed on Hugging Face
Papers, not its authors, so the entry is a @misc with the title, the archive page's
URL (both as `url`, for biblatex and natbib styles, and as `howpublished = {\\url{...}}`,
for classic BibTeX styles), a note naming the listing day, and its year and month.
Without a site URL the two URL fields are left out.
"""

from __future__ import annotations

import re

from .model import Paper

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

#: LaTeX's special characters and their escapes, applied in one pass.
_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL_RE = re.compile("|".join(re.escape(char) for char in _SPECIAL))
_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9_:-]+")


def escape(text: str) -> str:
    """Text safe inside a braced BibTeX field: LaTeX specials escaped, spaces collapsed."""
    return _SPECIAL_RE.sub(lambda match: _SPECIAL[match.group()], " ".join(text.split()))


def cite_key(paper: Paper) -> str:
    """The entry's key: the paper's slug (unique in the archive and stable)."""
    return _KEY_UNSAFE.sub("-", paper.slug).strip("-") or "paper"


def paper_url(paper: Paper, site_url: str) -> str:
    """The absolute URL of a paper's page, or "" without a site URL."""
    if not site_url:
        return ""
    return (site_url if site_url.endswith("/") else site_url + "/") + f"papers/{paper.slug}/"


def bibtex(paper: Paper, site_url: str = "") -> str:
    """A BibTeX @misc entry for a paper, ending with a newline.

    The title is in double braces so that styles keep its capitalization.
    """
    url = paper_url(paper, site_url)
    listed = paper.date
    fields = [("title", "{" + escape(paper.title) + "}")]
    if url:
        fields += [("howpublished", "\\url{" + url + "}"), ("url", url)]
    fields += [
        ("note", f"Listed on Hugging Face Papers, {listed.isoformat()}"),
        ("year", str(listed.year)),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{cite_key(paper)},\n{body},\n  month = {_MONTHS[listed.month - 1]},\n}}\n"
