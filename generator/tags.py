"""Topic tagging: a hand-edited taxonomy of rules, per-paper overrides, and the tag report.

The file formats and the matching semantics are documented at the top of
``taxonomy/tags.yml``. In short: every term of a tag is matched case-insensitively as
whole words in the title and the abstract; a paper's score for a tag is
``title_weight * title mentions + abstract mentions``; the tag is a candidate when the
score reaches the threshold; a paper keeps its ``max_tags`` strongest candidates; and a
tag is published (kept on papers at all) only when at least ``min_papers`` papers carry it.

Only :func:`load_taxonomy` and :func:`load_overrides` touch the file system; everything
else is pure.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain
from pathlib import Path
from re import _constants as _sre  # re's own parser (private, stable since 3.11): see regex_steps
from re import _parser as _sre_parse
from typing import Any

import yaml

from generator.errors import ConfigError
from generator.slugs import slug_of

# --------------------------------------------------------------------------- tokens

# A token is a run of word characters, or one punctuation character. Whitespace and
# hyphens separate tokens without being tokens, so "vision-language" and
# "vision language" tokenize alike, while a full stop or a comma breaks a phrase.
_TOKEN = re.compile(r"\w+|[^\w\s\-\u2010\u2011\u2013]")
# The same tokens of an ASCII text, found faster: \w and \s of ASCII characters without
# Unicode look-ups (Unicode's \s also holds the separators \x1c-\x1f).
_ASCII_TOKEN = re.compile(r"\w+|[^\w\s\x1c-\x1f\-]", re.ASCII)
_HYPHENS = re.compile(r"[\-\u2010\u2011\u2013]")
_WORD = re.compile(r"\w+")
_TAG_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

TAG_KEYS = ("label", "description", "terms", "exclude", "regex", "threshold")
SETTING_KEYS = ("title_weight", "threshold", "max_tags", "min_papers")
OVERRIDE_KEYS = ("add", "remove")
TOP_KEYS = ("settings", "tags")


def tokenize(text: str) -> list[str]:
    """Lowercase word and punctuation tokens of ``text``; hyphens and spaces separate."""
    lowered = text.lower()
    return (_ASCII_TOKEN if lowered.isascii() else _TOKEN).findall(lowered)


#: What stands for every punctuation token in :func:`word_tokens`.
PUNCTUATION = "\x00"
# ASCII characters that are neither word characters nor whitespace to PUNCTUATION, hyphens
# to spaces: one character for another, which str.translate does fastest.
_WORDS_APART = str.maketrans(
    {
        code: " " if code == ord("-") else PUNCTUATION
        for code in range(128)
        if not (chr(code).isalnum() or chr(code) == "_" or chr(code).isspace())
    }
)


def word_tokens(text: str) -> list[str]:
    """:func:`tokenize`, with each punctuation token of an ASCII text written PUNCTUATION:
    the same word tokens at the same positions, for phrases made of words only.

    A third faster than the regular expression on abstracts (str.translate, str.replace
    and str.split run in C, with no match object per token)."""
    lowered = text.lower()
    if not lowered.isascii():
        return _TOKEN.findall(lowered)
    return lowered.translate(_WORDS_APART).replace(PUNCTUATION, f" {PUNCTUATION} ").split()


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


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Tag:
    """One topic of the taxonomy and the rules that assign it."""

    name: str  # what papers carry, e.g. "large-language-models"
    label: str  # display name, e.g. "Large Language Models"
    terms: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    regex: tuple[re.Pattern[str], ...] = ()
    threshold: int | None = None  # None: the taxonomy's threshold
    description: str = ""
    line: int | None = None  # where the tag is defined in its file


@dataclass(frozen=True)
class Taxonomy:
    """The tags, in file order, and the scoring settings."""

    tags: tuple[Tag, ...]
    path: str = "<taxonomy>"
    title_weight: int = 3
    threshold: int = 3
    max_tags: int = 6
    min_papers: int = 3

    def tag(self, name: str) -> Tag | None:
        """The tag called ``name``, or None."""
        return next((t for t in self.tags if t.name == name), None)

    def label(self, name: str) -> str:
        """The display name of tag ``name`` (the name itself for an unknown tag)."""
        tag = self.tag(name)
        return tag.label if tag is not None else name

    @property
    def labels(self) -> dict[str, str]:
        """Tag name -> display name, in taxonomy order."""
        return {t.name: t.label for t in self.tags}

    @cached_property
    def thresholds(self) -> tuple[int, ...]:
        """Each tag's threshold (its own, or the taxonomy's), in taxonomy order."""
        return tuple(tag.threshold or self.threshold for tag in self.tags)


@dataclass(frozen=True)
class Override:
    """Tags added to or removed from one paper by hand."""

    slug: str
    add: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    line: int | None = None


@dataclass(frozen=True)
class Overrides:
    """Every per-paper override of one overrides file."""

    entries: tuple[Override, ...] = ()
    path: str = "<overrides>"


NO_OVERRIDES = Overrides()


@dataclass(frozen=True)
class Tagging:
    """The outcome of tagging a collection of papers."""

    tags: dict[str, tuple[str, ...]]  # slug -> published tags, strongest first
    unpublished: dict[str, int]  # tag -> papers it would have had (< min_papers)
    raw_scores: Mapping[str, Mapping[int, int]] = field(repr=False)  # slug -> tag index -> score
    tag_names: tuple[str, ...] = field(repr=False)  # tag index -> name

    @cached_property
    def scores(self) -> dict[str, dict[str, int]]:
        """Slug -> tag name -> score, tags in taxonomy order (made when asked for)."""
        names = self.tag_names
        return {slug: {names[n]: s for n, s in sorted(raw.items())} for slug, raw in self.raw_scores.items()}


# --------------------------------------------------------------------------- YAML


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _compose(text: str, path: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "malformed"
        line = mark.line + 1 if mark is not None else None
        raise ConfigError(path, f"invalid YAML: {problem}", line) from exc
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML marks its errors
        raise ConfigError(path, f"invalid YAML: {exc}") from exc


def _pairs(node: yaml.Node, path: str, what: str) -> list[tuple[str, yaml.Node, int]]:
    """The (key, value node, line) pairs of a mapping with unique string keys."""
    if not isinstance(node, yaml.MappingNode):
        raise ConfigError(path, f"{what} must be a mapping", _line(node))
    pairs: list[tuple[str, yaml.Node, int]] = []
    seen: set[str] = set()
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or not key_node.value:
            raise ConfigError(path, f"{what}: keys must be non-empty strings", _line(key_node))
        key = str(key_node.value)
        if key in seen:
            raise ConfigError(path, f"{what}: duplicate key {key!r}", _line(key_node))
        seen.add(key)
        pairs.append((key, value_node, _line(key_node)))
    return pairs


def _check_keys(
    pairs: Sequence[tuple[str, yaml.Node, int]],
    allowed: Sequence[str],
    path: str,
    what: str,
) -> None:
    for key, _, line in pairs:
        if key not in allowed:
            expected = ", ".join(allowed)
            raise ConfigError(path, f"{what}: unknown key {key!r} (expected one of: {expected})", line)


def _string(node: yaml.Node, path: str, what: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null":
        raise ConfigError(path, f"{what} must be a string", _line(node))
    value = str(node.value).strip()
    if not value:
        raise ConfigError(path, f"{what} must not be empty", _line(node))
    return value


def _strings(node: yaml.Node, path: str, what: str) -> list[tuple[str, int]]:
    """A list of non-empty strings (a single string is a list of one), with lines."""
    if isinstance(node, yaml.ScalarNode) and node.tag != "tag:yaml.org,2002:null":
        return [(_string(node, path, what), _line(node))]
    if not isinstance(node, yaml.SequenceNode):
        raise ConfigError(path, f"{what} must be a list of strings", _line(node))
    items: list[tuple[str, int]] = []
    seen: set[str] = set()
    for item in node.value:
        value = _string(item, path, f"{what} entry")
        if value.lower() in seen:
            raise ConfigError(path, f"{what}: {value!r} is listed twice", _line(item))
        seen.add(value.lower())
        items.append((value, _line(item)))
    return items


def _integer(node: yaml.Node, path: str, what: str, minimum: int) -> int:
    text = str(node.value) if isinstance(node, yaml.ScalarNode) else ""
    if not re.fullmatch(r"[0-9]+", text) or int(text) < minimum:
        shown = text if isinstance(node, yaml.ScalarNode) else f"a {node.id}"
        raise ConfigError(path, f"{what} must be an integer >= {minimum}, not {shown!r}", _line(node))
    return int(text)


# --------------------------------------------------------------------------- regex limits

#: The most steps a taxonomy regex may take at one position of a text (see regex_steps).
REGEX_STEPS = 1000

_ONE_CHARACTER = frozenset({_sre.LITERAL, _sre.NOT_LITERAL, _sre.ANY, _sre.IN, _sre.AT})
_REPEATS = frozenset({_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT})


def regex_steps(pattern: re.Pattern[str]) -> int:
    """The most steps ``pattern`` can take at one position of a text, counted over every way
    it can backtrack; raises ValueError for what a taxonomy regex may not hold.

    Python's ``re`` backtracks: ``(a+)+$`` tries every way of sharing a run of "a"s between
    its two repeats, a number that doubles with each "a", so one crafted abstract could stop
    the build. A taxonomy regex is therefore held to a subset whose search takes at most
    REGEX_STEPS steps per character of text, whatever the text: every repeat has an upper
    bound (``{1,20}``, not ``+``, ``*`` or ``{2,}``), there are no backreferences nor
    conditional groups, and the steps counted here stay within REGEX_STEPS. Which rules this
    rejects is known when the taxonomy is loaded, rather than when some text times out.

    The count follows the backtracking search tree of the pattern at one position (the
    pattern as ``re.compile`` parses it): a sequence tries what follows once for every way
    its part so far can end, an alternation tries each branch, a repeat is its body that
    many times with each further time optional, and a lookaround, an atomic group or a
    possessive repeat ends one way only.
    """
    return _steps(_sre_parse.parse(pattern.pattern, pattern.flags))[0]


def _steps(items: Iterable[tuple[Any, Any]]) -> tuple[int, int]:
    """(steps, ends) of a sequence of parsed items: the most steps its search tree at one
    position can take, and the most ways it can end (each one tries what follows)."""
    steps, ends = 0, 1
    for op, argument in items:
        if op in _ONE_CHARACTER:
            item_steps, item_ends = 1, 1
        elif op == _sre.SUBPATTERN:
            item_steps, item_ends = _steps(argument[3])
        elif op == _sre.BRANCH:
            branches = [_steps(branch) for branch in argument[1]]
            item_steps, item_ends = sum(s for s, _ in branches), sum(e for _, e in branches)
        elif op in _REPEATS:
            item_steps, item_ends = _repeat_steps(*argument)
            if op == _sre.POSSESSIVE_REPEAT:
                item_ends = 1
        elif op in (_sre.ASSERT, _sre.ASSERT_NOT):
            item_steps, item_ends = _steps(argument[1])[0], 1
        elif op == _sre.ATOMIC_GROUP:
            item_steps, item_ends = _steps(argument)[0], 1
        elif op in (_sre.GROUPREF, _sre.GROUPREF_EXISTS):
            raise ValueError("backreferences and conditional groups are not allowed")
        else:  # pragma: no cover - every construct of re's parser is named above
            raise ValueError(f"{op} is not allowed")
        steps += ends * item_steps
        ends *= item_ends
        if steps > REGEX_STEPS:
            raise ValueError(
                f"it could take more than {REGEX_STEPS} steps at one position of a text (repeats or "
                "alternatives that can match the same text in many ways); simplify it"
            )
    return steps, ends


def _repeat_steps(least: int, most: int, body: Iterable[tuple[Any, Any]]) -> tuple[int, int]:
    """(steps, ends) of ``body{least,most}``: ``least`` times the body, then ``most - least``
    times an optional body nested in the one before (each time one more step)."""
    if most == _sre.MAXREPEAT:
        raise ValueError("a repeat has no upper bound (*, + or {n,}); give it one, such as {1,20}")
    body_steps, body_ends = _steps(body)
    body_steps += 1
    optional_steps, optional_ends = 0, 1  # the optional times, from the innermost out
    for _ in range(most - least):
        optional_steps = 1 + body_steps + body_ends * optional_steps
        optional_ends = 1 + body_ends * optional_ends
        if optional_steps > REGEX_STEPS:
            break
    steps, ends = optional_steps, optional_ends
    for _ in range(least):
        steps = body_steps + body_ends * steps
        ends *= body_ends
        if steps > REGEX_STEPS:
            break
    return steps, ends


# --------------------------------------------------------------------------- taxonomy


def _parse_tag(name: str, node: yaml.Node, line: int, path: str) -> Tag:
    what = f"tag {name!r}"
    if not _TAG_NAME.fullmatch(name):
        raise ConfigError(
            path,
            f"{what}: a tag name is lowercase letters and digits joined by hyphens",
            line,
        )
    pairs = _pairs(node, path, what)
    _check_keys(pairs, TAG_KEYS, path, what)
    fields = {key: value for key, value, _ in pairs}
    if "label" not in fields:
        raise ConfigError(path, f"{what}: missing key 'label'", line)
    label = _string(fields["label"], path, f"{what}: label")
    description = _string(fields["description"], path, f"{what}: description") if "description" in fields else ""
    terms: list[str] = []
    for term, term_line in _strings(fields["terms"], path, f"{what}: terms") if "terms" in fields else []:
        if not term_variants(term):
            raise ConfigError(path, f"{what}: term {term!r} has no word in it", term_line)
        terms.append(term)
    exclude: list[str] = []
    for term, term_line in _strings(fields["exclude"], path, f"{what}: exclude") if "exclude" in fields else []:
        if not term_variants(term):
            raise ConfigError(path, f"{what}: exclude {term!r} has no word in it", term_line)
        exclude.append(term)
    patterns: list[re.Pattern[str]] = []
    for source, source_line in _strings(fields["regex"], path, f"{what}: regex") if "regex" in fields else []:
        try:
            pattern = re.compile(source, re.IGNORECASE)
        except re.error as exc:
            raise ConfigError(path, f"{what}: regex {source!r} does not compile: {exc}", source_line) from exc
        if pattern.search(""):
            raise ConfigError(path, f"{what}: regex {source!r} matches the empty string", source_line)
        try:
            regex_steps(pattern)
        except ValueError as exc:
            raise ConfigError(path, f"{what}: regex {source!r} is refused: {exc}", source_line) from None
        patterns.append(pattern)
    if not terms and not patterns:
        raise ConfigError(path, f"{what}: no rules (give 'terms' or 'regex')", line)
    threshold = _integer(fields["threshold"], path, f"{what}: threshold", 1) if "threshold" in fields else None
    return Tag(
        name=name,
        label=label,
        terms=tuple(terms),
        exclude=tuple(exclude),
        regex=tuple(patterns),
        threshold=threshold,
        description=description,
        line=line,
    )


#: tag slugs the site uses itself: feeds/tags/sitemap.xml is the empty sitemap Material's script
#: asks for next to every feed (overrides/hooks.py)
RESERVED_TAG_SLUGS = frozenset({"sitemap"})


def parse_taxonomy(text: str, path: str | Path = "<taxonomy>") -> Taxonomy:
    """Parse and validate a taxonomy document; ``path`` only names it in errors."""
    where = str(path)
    root = _compose(text, where)
    if root is None:
        raise ConfigError(where, "the taxonomy is empty (it needs a 'tags' mapping)")
    pairs = _pairs(root, where, "the taxonomy")
    _check_keys(pairs, TOP_KEYS, where, "the taxonomy")
    top = {key: (value, line) for key, value, line in pairs}
    settings: dict[str, int] = {}
    if "settings" in top:
        setting_pairs = _pairs(top["settings"][0], where, "settings")
        _check_keys(setting_pairs, SETTING_KEYS, where, "settings")
        for key, value, _ in setting_pairs:
            settings[key] = _integer(value, where, f"settings: {key}", 0 if key == "title_weight" else 1)
    if "tags" not in top:
        raise ConfigError(where, "the taxonomy has no 'tags' mapping", _line(root))
    tags_node, tags_line = top["tags"]
    tag_pairs = _pairs(tags_node, where, "tags") if not _is_null(tags_node) else []
    if not tag_pairs:
        raise ConfigError(where, "the taxonomy defines no tags", tags_line)
    tags = tuple(_parse_tag(name, node, line, where) for name, node, line in tag_pairs)
    pages: dict[str, Tag] = {}
    for tag in tags:  # a tag's page and feed are named after its label
        if slug_of(tag.label) in RESERVED_TAG_SLUGS:
            raise ConfigError(
                where,
                f"tag {tag.name!r}: its label {tag.label!r} names a file the site uses itself "
                f"(feeds/tags/{slug_of(tag.label)}.xml); give it another label",
                tag.line,
            )
        other = pages.setdefault(slug_of(tag.label), tag)
        if other is not tag:
            raise ConfigError(
                where,
                f"tag {tag.name!r}: its label {tag.label!r} names the same page as tag {other.name!r} "
                f"({other.label!r}): tags/{slug_of(tag.label)}/; give it another label",
                tag.line,
            )
    return Taxonomy(tags=tags, path=where, **settings)


def load_taxonomy(path: Path) -> Taxonomy:
    """Read, parse and validate the taxonomy file at ``path``."""
    return parse_taxonomy(_read(path), path)


# --------------------------------------------------------------------------- overrides


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def parse_overrides(text: str, path: str | Path = "<overrides>") -> Overrides:
    """Parse and validate an overrides document; ``path`` only names it in errors.

    Tag names and slugs are checked against the taxonomy and the papers by
    :func:`tag_papers`, which knows them.
    """
    where = str(path)
    root = _compose(text, where)
    if root is None or _is_null(root):
        return Overrides(path=where)
    entries: list[Override] = []
    for slug, node, line in _pairs(root, where, "the overrides"):
        what = f"override for {slug!r}"
        pairs = _pairs(node, where, what)
        _check_keys(pairs, OVERRIDE_KEYS, where, what)
        fields = {key: value for key, value, _ in pairs}
        add = [tag for tag, _ in _strings(fields["add"], where, f"{what}: add")] if "add" in fields else []
        remove = [tag for tag, _ in _strings(fields["remove"], where, f"{what}: remove")] if "remove" in fields else []
        if not add and not remove:
            raise ConfigError(where, f"{what}: nothing to add or remove", line)
        both = sorted(set(add) & set(remove))
        if both:
            raise ConfigError(where, f"{what}: {both[0]!r} is both added and removed", line)
        entries.append(Override(slug=slug, add=tuple(add), remove=tuple(remove), line=line))
    return Overrides(entries=tuple(entries), path=where)


def load_overrides(path: Path) -> Overrides:
    """Read, parse and validate the overrides file at ``path``."""
    return parse_overrides(_read(path), path)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(path, f"cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(path, f"not UTF-8 text: {exc.reason} at byte {exc.start}") from exc


# --------------------------------------------------------------------------- matching

# A phrase that may start at a position: (its tokens from the third on, its length in
# tokens, tags it is a term of, tags it is an exclude phrase of).
_Candidate = tuple[list[str], int, tuple[int, ...], tuple[int, ...]]
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
    # Every phrase is made of word tokens: punctuation only separates, and texts can be
    # split with word_tokens. Otherwise (a term such as "C++"), with tokenize.
    words_only: bool = False

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
        words_only = all(_WORD.fullmatch(token) for variant in terms.keys() | excludes.keys() for token in variant)
        return cls(taxonomy=taxonomy, starts=starts, patterns=patterns, words_only=words_only)

    def mentions(self, text: str) -> dict[int, int]:
        """Tag index -> number of mentions of the tag's rules in ``text``.

        Mentions of one tag do not overlap (the longest one starting first wins), and a
        mention lying inside one of the tag's exclude phrases does not count.
        """
        counts: dict[int, int] = {}
        tokens = word_tokens(text) if self.words_only else tokenize(text)
        lookup = self.starts.get
        found = [(position, start) for position, token in enumerate(tokens) if (start := lookup(token)) is not None]
        if found:
            covered: dict[int, int] = {}  # tag -> end of its last counted mention
            excluded: dict[int, int] = {}  # tag -> end of its furthest exclude phrase
            tokens.append("")  # every position has a next token
            for position, (following, alone) in found:
                # Longest first: an exclude phrase is seen before the terms inside it.
                candidates = following.get(tokens[position + 1], alone) if following else alone
                for rest, size, tags, excluding in candidates:
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
        for number, pattern in self.patterns:
            hits = len(pattern.findall(text))
            if hits:
                counts[number] = counts.get(number, 0) + hits
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


def _check_overrides(overrides: Overrides, taxonomy: Taxonomy, slugs: Iterable[str]) -> dict[str, Override]:
    known = set(slugs)
    names = {tag.name for tag in taxonomy.tags}
    by_slug: dict[str, Override] = {}
    for entry in overrides.entries:
        what = f"override for {entry.slug!r}"
        if entry.slug not in known:
            raise ConfigError(overrides.path, f"{what}: no paper has this slug", entry.line)
        for tag in (*entry.add, *entry.remove):
            if tag not in names:
                raise ConfigError(overrides.path, f"{what}: unknown tag {tag!r}", entry.line)
        if len(entry.add) > taxonomy.max_tags:
            raise ConfigError(
                overrides.path,
                f"{what}: adds {len(entry.add)} tags, more than max_tags ({taxonomy.max_tags})",
                entry.line,
            )
        by_slug[entry.slug] = entry
    return by_slug


def candidates(scores: Mapping[int, int], taxonomy: Taxonomy) -> tuple[int, ...]:
    """The tags (indexes) a paper's scores make candidates for it: those whose score reaches
    their threshold, strongest first (ties in taxonomy order)."""
    thresholds = taxonomy.thresholds
    return tuple([number for _, number in sorted([(-s, n) for n, s in scores.items() if s >= thresholds[n]])])


def assign_tags(
    papers: Sequence[tuple[str, str, str | None]],
    taxonomy: Taxonomy,
    overrides: Overrides = NO_OVERRIDES,
    scores: Sequence[Mapping[int, int]] | None = None,
) -> Tagging:
    """Tag (slug, title, abstract) triples; see :func:`tag_papers` for the rules.

    `scores`: the papers' scores from :func:`score_papers`, if they are known already."""
    slugs = [slug for slug, _, _ in papers]
    if scores is None:
        scores = score_papers([(title, abstract) for _, title, abstract in papers], taxonomy)
    ranked = [candidates(raw, taxonomy) for raw in scores]
    chosen, unpublished = choose_tags(slugs, ranked, taxonomy, overrides)
    tag_names = tuple(tag.name for tag in taxonomy.tags)
    return Tagging(
        tags=spelled(chosen, tag_names),
        unpublished=unpublished,
        raw_scores=dict(zip(slugs, scores, strict=True)),
        tag_names=tag_names,
    )


def spelled(chosen: Mapping[str, tuple[int, ...]], words: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Each paper's tags of :func:`choose_tags` (indexes) as ``words[index]`` (the tags' names
    or labels); papers with the same tags share one tuple."""
    made: dict[tuple[int, ...], tuple[str, ...]] = {}
    spelt: dict[str, tuple[str, ...]] = {}
    for slug, numbers in chosen.items():
        found = made.get(numbers)
        if found is None:
            found = made[numbers] = tuple(words[number] for number in numbers)
        spelt[slug] = found
    return spelt


def choose_tags(
    slugs: Sequence[str],
    ranked: Sequence[tuple[int, ...]],
    taxonomy: Taxonomy,
    overrides: Overrides = NO_OVERRIDES,
) -> tuple[dict[str, tuple[int, ...]], dict[str, int]]:
    """The published tags (indexes, strongest first) of each paper given its :func:`candidates`,
    and the tags left unpublished with the papers they would have had; see :func:`tag_papers`."""
    by_slug = _check_overrides(overrides, taxonomy, slugs)
    order = {tag.name: number for number, tag in enumerate(taxonomy.tags)}
    ranks = dict(zip(slugs, ranked, strict=True))
    for slug, entry in by_slug.items():  # added by hand first, removed by hand gone
        added = sorted(order[name] for name in entry.add)
        gone = {order[name] for name in (*entry.add, *entry.remove)}
        ranks[slug] = (*added, *[number for number in ranks[slug] if number not in gone])

    # Keep each paper's max_tags strongest published candidates. While some tag has fewer
    # than min_papers papers, unpublish (drop from every paper) the tags that could not
    # reach min_papers even without the cap, or else the single tag with the fewest
    # papers (the later in the taxonomy on a tie), and repeat: a dropped tag frees its
    # slots, which can lift another tag over min_papers.
    minimum, cap = taxonomy.min_papers, taxonomy.max_tags
    published = set(range(len(taxonomy.tags)))
    unpublished: dict[int, int] = {}
    chosen = {slug: numbers[:cap] for slug, numbers in ranks.items()}
    reach = Counter(chain.from_iterable(ranks.values()))  # papers each tag could have without the cap
    while True:
        counts = Counter(chain.from_iterable(chosen.values()))
        short = [number for number in published if counts[number] < minimum]
        if not short:
            break
        drop = {number for number in short if reach[number] < minimum}
        if not drop:
            drop = {min(short, key=lambda number: (counts[number], -number))}
        for number in drop:
            unpublished[number] = counts[number]
        published -= drop
        # Only the papers that carried a dropped tag change: the others keep their first
        # `cap` published candidates.
        for slug, numbers in chosen.items():
            if not drop.isdisjoint(numbers):
                chosen[slug] = tuple([number for number in ranks[slug] if number in published][:cap])
    names = [tag.name for tag in taxonomy.tags]
    return chosen, {names[number]: unpublished[number] for number in sorted(unpublished)}


def tag_papers(
    papers: Sequence[tuple[str, str, str | None]],
    taxonomy: Taxonomy,
    overrides: Overrides = NO_OVERRIDES,
) -> dict[str, tuple[str, ...]]:
    """Slug -> published tags of each (slug, title, abstract), strongest first.

    A tag is a candidate for a paper when its score reaches the threshold; an override
    adds tags (ranked first) or removes them; a paper keeps its ``max_tags`` strongest
    candidates; a tag carried by fewer than ``min_papers`` papers is dropped from every
    paper. Raises ConfigError for an override naming an unknown slug or tag.
    """
    return assign_tags(papers, taxonomy, overrides).tags


# --------------------------------------------------------------------------- report


def tag_report(
    tags_by_slug: Mapping[str, tuple[str, ...]],
    titles: Mapping[str, str],
    taxonomy: Taxonomy,
    unpublished: Mapping[str, int] | None = None,
) -> str:
    """A plain-text report: every tag with its paper count, then the untagged papers.

    ``unpublished`` is :attr:`Tagging.unpublished` (tags dropped for having fewer than
    ``min_papers`` papers, with the count they would have had); a taxonomy tag that is
    neither published nor in it matched no paper.
    """
    dropped = dict(unpublished or {})
    counts = Counter(tag for tags in tags_by_slug.values() for tag in tags)
    total = len(tags_by_slug)
    untagged = sorted(slug for slug, tags in tags_by_slug.items() if not tags)
    tagged = total - len(untagged)
    share = f"{100 * tagged / total:.1f}%" if total else "n/a"
    most = max((len(tags) for tags in tags_by_slug.values()), default=0)
    width = max([len(t.name) for t in taxonomy.tags] + [len(t) for t in counts] + [3])

    lines = [
        (f"{total} papers: {tagged} tagged ({share}), {len(untagged)} untagged, at most {most} tags on a paper."),
        "",
        f"Published tags ({len(counts)}), papers per tag:",
    ]
    for tag, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        lines.append(f"  {count:5d}  {tag:<{width}}  {taxonomy.label(tag)}")
    silent = {t.name: dropped.get(t.name, 0) for t in taxonomy.tags if t.name not in counts}
    lines += [
        "",
        f"Not published, fewer than {taxonomy.min_papers} papers ({len(silent)}):",
    ]
    for tag, count in sorted(silent.items(), key=lambda item: (-item[1], item[0])):
        lines.append(f"  {count:5d}  {tag:<{width}}  {taxonomy.label(tag)}")
    lines += ["", f"Untagged papers ({len(untagged)}):"]
    for slug in untagged:
        lines.append(f"  {slug}  {titles.get(slug, '')}".rstrip())
    return "\n".join(lines) + "\n"
