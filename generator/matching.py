"""Matching a taxonomy's rules in a text: the tokenizer, the spellings of a term, and a
Matcher that counts each tag's mentions in one pass over the tokens; a paper's score.

Every term of a tag is matched case-insensitively as whole words (hyphens and spaces
alike, a plural last word allowed); a paper's score for a tag is ``title_weight * title
mentions + abstract mentions`` (the semantics are documented in taxonomy/tags.yml).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.taxonomy import Taxonomy

# --------------------------------------------------------------------------- tokens

# A token is a run of word characters, or one punctuation character. Whitespace and
# hyphens separate tokens without being tokens, so "vision-language" and
# "vision language" tokenize alike, while a full stop or a comma breaks a phrase.
_TOKEN = re.compile(r"\w+|[^\w\s\-\u2010\u2011\u2013]")
_HYPHENS = re.compile(r"[\-\u2010\u2011\u2013]")
# The same tokens of an ASCII text, found faster with str methods (in C, no match object
# per token): hyphens become spaces, each other ASCII character that is neither a word
# character nor whitespace gets spaces around it, and the text is split at whitespace.
_ASCII_HYPHEN = str.maketrans("-", " ")
_ASCII_MARKS = tuple(
    (chr(code), f" {chr(code)} ")
    for code in range(128)
    if not (chr(code).isalnum() or chr(code) in "_-" or chr(code).isspace())
)


def tokenize(text: str) -> list[str]:
    """Lowercase word and punctuation tokens of ``text``; hyphens and spaces separate."""
    lowered = text.lower()
    if not lowered.isascii():
        return _TOKEN.findall(lowered)
    lowered = lowered.translate(_ASCII_HYPHEN)
    for mark, spaced in _ASCII_MARKS:
        if mark in lowered:
            lowered = lowered.replace(mark, spaced)
    return lowered.split()


def _plurals(word: str) -> list[str]:
    """The plural spellings accepted for the last word of a term."""
    forms = [word + "s"]
    if word.endswith(("s", "x", "z", "ch", "sh")):
        forms.append(word + "es")
    if len(word) > 1 and word.endswith("y") and word[-2] not in "aeiou":
        forms.append(word[:-1] + "ies")
    return forms


def term_variants(term: str) -> tuple[tuple[str, ...], ...]:
    """Every token sequence that counts as a mention of ``term``.

    The term as written (hyphens and spaces interchangeable); if it has hyphens, also
    with the hyphenated words written together ("fine-tuning" -> "finetuning"); and each
    of those with a plural last word ("LLM" -> "LLMs", "body" -> "bodies").
    """
    spellings = [tokenize(term)]
    joined = tokenize(_HYPHENS.sub("", term))
    if joined != spellings[0]:
        spellings.append(joined)
    variants: list[tuple[str, ...]] = []
    for tokens in spellings:
        if not tokens:
            continue
        forms = [tokens[-1]]
        if tokens[-1][-1].isalnum():
            forms += _plurals(tokens[-1])
        for last in forms:
            variant = (*tokens[:-1], last)
            if variant not in variants:
                variants.append(variant)
    return tuple(variants)


# --------------------------------------------------------------------------- matching

# A phrase that may start at a position: (its tokens from the third on, its length in
# tokens, tags it is a term of, tags it is an exclude phrase of, its tokens joined by spaces).
_Candidate = tuple[list[str], int, tuple[int, ...], tuple[int, ...], str]
# What may start at a token: by the token after it, the phrases of two or more tokens with
# that second token (longest first) followed by the one-word phrase, if any; and what starts
# there whatever the next token: the one-word phrase alone, or nothing.
_Start = tuple[dict[str, tuple[_Candidate, ...]], tuple[_Candidate, ...]]


@dataclass(frozen=True)
class Matcher:
    """The taxonomy's phrases indexed for one pass over the tokens of a text.

    Phrases are looked up by their first token, then longer ones by their second, so a
    position costs one or two dictionary look-ups.
    """

    taxonomy: Taxonomy
    starts: dict[str, _Start]  # first token of a phrase -> the phrases it starts
    patterns: tuple[tuple[int, re.Pattern[str]], ...]  # (tag index, regex)

    @classmethod
    def build(cls, taxonomy: Taxonomy) -> Matcher:
        terms: dict[tuple[str, ...], list[int]] = {}
        excludes: dict[tuple[str, ...], list[int]] = {}
        for number, tag in enumerate(taxonomy.tags):
            for table, phrases in ((terms, tag.terms), (excludes, tag.exclude)):
                for phrase in phrases:
                    for variant in term_variants(phrase):
                        bucket = table.setdefault(variant, [])
                        if number not in bucket:
                            bucket.append(number)
        singles: dict[str, _Candidate] = {}
        longer: dict[str, dict[str, list[_Candidate]]] = {}
        for variant in sorted(terms.keys() | excludes.keys(), key=lambda v: (-len(v), v)):
            candidate = (
                list(variant[2:]),
                len(variant),
                tuple(terms.get(variant, ())),
                tuple(excludes.get(variant, ())),
                " ".join(variant),
            )
            if len(variant) == 1:
                singles[variant[0]] = candidate
            else:
                longer.setdefault(variant[0], {}).setdefault(variant[1], []).append(candidate)
        starts: dict[str, _Start] = {}
        for first in sorted(singles.keys() | longer.keys()):
            alone = (singles[first],) if first in singles else ()
            following = longer.get(first, {})
            starts[first] = ({second: (*found, *alone) for second, found in following.items()}, alone)
        patterns = tuple((number, pattern) for number, tag in enumerate(taxonomy.tags) for pattern in tag.regex)
        return cls(taxonomy=taxonomy, starts=starts, patterns=patterns)

    def mentions(self, text: str) -> dict[int, int]:
        """Tag index -> number of mentions of the tag's rules in ``text``.

        Mentions of one tag do not overlap (the longest one starting first wins), and a
        mention lying inside one of the tag's exclude phrases does not count.
        """
        return self._count(text, None)

    def phrases(self, text: str) -> dict[int, Counter[str]]:
        """Tag index -> the mentions of :meth:`mentions`, by what matched: a term variant
        (its tokens joined by spaces) or a regex (``regex /pattern/``)."""
        found: dict[int, Counter[str]] = {}
        self._count(text, found)
        return found

    def _count(self, text: str, phrases: dict[int, Counter[str]] | None) -> dict[int, int]:
        counts: dict[int, int] = {}
        tokens = tokenize(text)
        lookup = self.starts.get
        found = [(position, start) for position, token in enumerate(tokens) if (start := lookup(token)) is not None]
        if found:
            covered: dict[int, int] = {}  # tag -> end of its last counted mention
            excluded: dict[int, int] = {}  # tag -> end of its furthest exclude phrase
            tokens.append("")  # every position has a next token
            for position, (following, alone) in found:
                # Longest first: an exclude phrase is seen before the terms inside it.
                candidates = following.get(tokens[position + 1], alone) if following else alone
                for rest, size, tags, excluding, phrase in candidates:
                    if size > 2 and tokens[position + 2 : position + size] != rest:
                        continue
                    end = position + size
                    for number in excluding:
                        if end > excluded.get(number, 0):
                            excluded[number] = end
                    for number in tags:
                        if position < covered.get(number, 0) or (excluded and end <= excluded.get(number, 0)):
                            continue
                        covered[number] = end
                        counts[number] = counts.get(number, 0) + 1
                        if phrases is not None:
                            phrases.setdefault(number, Counter())[phrase] += 1
        for number, pattern in self.patterns:
            hits = len(pattern.findall(text))
            if hits:
                counts[number] = counts.get(number, 0) + hits
                if phrases is not None:
                    phrases.setdefault(number, Counter())[f"regex /{pattern.pattern}/"] += hits
        return counts


def combine(title: Mapping[int, int], abstract: Mapping[int, int] | None, title_weight: int) -> dict[int, int]:
    """Tag index -> score: ``title_weight`` * the title's mentions + the abstract's mentions."""
    scores = {number: title_weight * hits for number, hits in title.items()}
    for number, hits in (abstract or {}).items():
        scores[number] = scores.get(number, 0) + hits
    return scores


def score_paper(title: str, abstract: str | None, matcher: Matcher) -> dict[int, int]:
    """Tag index -> score of one paper: title_weight * title mentions + abstract mentions."""
    mentions = matcher.mentions(abstract) if abstract else None
    return combine(matcher.mentions(title), mentions, matcher.taxonomy.title_weight)


def score_papers(papers: Sequence[tuple[str, str | None]], taxonomy: Taxonomy) -> list[dict[int, int]]:
    """:func:`score_paper` of each (title, abstract), in order."""
    matcher = Matcher.build(taxonomy)
    return [score_paper(title, abstract, matcher) for title, abstract in papers]
