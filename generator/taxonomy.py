"""The topic taxonomy: taxonomy/tags.yml and taxonomy/overrides.yml, loaded and validated.

The file formats are documented at the top of ``taxonomy/tags.yml``. Every mistake in
them (unknown or duplicate keys, a term with no word, a regex that does not compile or
could backtrack for long) is a ConfigError naming the file and the line, raised when the
files are loaded rather than when some text is matched.

Only :func:`load_taxonomy` and :func:`load_overrides` touch the file system.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from re import _constants as _sre  # type: ignore[attr-defined]  # re's own parser (private, stable since 3.11)
from re import _parser as _sre_parse  # type: ignore[attr-defined]  # (see regex_steps)
from typing import Any

import yaml

from generator.errors import ConfigError
from generator.matching import term_variants
from generator.slugs import slug_of

_TAG_KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: Where a tag may come from (taxonomy/SOURCES.md lists them): an arXiv category or archive
#: ("arXiv cs.LG", "arXiv astro-ph"), a Papers with Code area or task ("PwC Speech"), or the
#: dumps the first taxonomy was tuned on ("seed dumps").
SOURCE = re.compile(r"arXiv [a-z]+(?:-[a-z]+)?(?:\.[A-Za-z]+(?:-[a-z]+)?)?|PwC [A-Z0-9][A-Za-z0-9 &-]{0,60}|seed dumps")

TAG_FIELDS = ("label", "description", "source", "terms", "exclude", "regex", "threshold")
SETTING_KEYS = ("title_weight", "threshold", "max_tags", "min_papers", "infer_from", "infer_similarity")
OVERRIDE_KEYS = ("add", "remove")
TOP_KEYS = ("settings", "tags")


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Tag:
    """One topic of the taxonomy and the rules that assign it."""

    key: str  # its key in tags.yml and overrides.yml, e.g. "large-language-models"
    label: str  # what papers show and its page is named after, e.g. "Large Language Models"
    terms: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    regex: tuple[re.Pattern[str], ...] = ()
    threshold: int | None = None  # None: the taxonomy's threshold
    description: str = ""
    source: tuple[str, ...] = ()  # where the tag comes from (SOURCE)
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
    # A paper the rules leave untagged takes the tags that most of its related papers with a
    # similarity of at least `infer_similarity` hundredths carry, if `infer_from` of them do
    # (0: never; generator.tagging.infer_tags).
    infer_from: int = 2
    infer_similarity: int = 12

    def tag(self, key: str) -> Tag | None:
        """The tag with this key, or None."""
        return next((t for t in self.tags if t.key == key), None)

    def label(self, key: str) -> str:
        """The label of the tag with this key (the key itself for an unknown tag)."""
        tag = self.tag(key)
        return tag.label if tag is not None else key

    @property
    def labels(self) -> dict[str, str]:
        """Tag key -> label, in taxonomy order."""
        return {t.key: t.label for t in self.tags}

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
        shown = text if isinstance(node, yaml.ScalarNode) else f"a {node.id}"  # type: ignore[attr-defined]
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


def _parse_tag(key: str, node: yaml.Node, line: int, path: str) -> Tag:
    what = f"tag {key!r}"
    if not _TAG_KEY.fullmatch(key):
        raise ConfigError(
            path,
            f"{what}: a tag key is lowercase letters and digits joined by hyphens",
            line,
        )
    pairs = _pairs(node, path, what)
    _check_keys(pairs, TAG_FIELDS, path, what)
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
    sources: list[str] = []
    for source, source_line in _strings(fields["source"], path, f"{what}: source") if "source" in fields else []:
        if not SOURCE.fullmatch(source):
            raise ConfigError(
                path,
                f"{what}: source {source!r} is not 'arXiv <category>', 'PwC <area>' nor 'seed dumps'",
                source_line,
            )
        sources.append(source)
    return Tag(
        key=key,
        label=label,
        terms=tuple(terms),
        exclude=tuple(exclude),
        regex=tuple(patterns),
        threshold=threshold,
        description=description,
        source=tuple(sources),
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
            least = 0 if key in ("title_weight", "infer_from", "infer_similarity") else 1
            settings[key] = _integer(value, where, f"settings: {key}", least)
        if settings.get("infer_similarity", 0) > 100:
            line = next(line for key, _, line in setting_pairs if key == "infer_similarity")
            raise ConfigError(where, "settings: infer_similarity is in hundredths, at most 100", line)
    if "tags" not in top:
        raise ConfigError(where, "the taxonomy has no 'tags' mapping", _line(root))
    tags_node, tags_line = top["tags"]
    tag_pairs = _pairs(tags_node, where, "tags") if not _is_null(tags_node) else []
    if not tag_pairs:
        raise ConfigError(where, "the taxonomy defines no tags", tags_line)
    tags = tuple(_parse_tag(key, node, line, where) for key, node, line in tag_pairs)
    pages: dict[str, Tag] = {}
    for tag in tags:  # a tag's page and feed are named after its label
        if slug_of(tag.label) in RESERVED_TAG_SLUGS:
            raise ConfigError(
                where,
                f"tag {tag.key!r}: its label {tag.label!r} names a file the site uses itself "
                f"(feeds/tags/{slug_of(tag.label)}.xml); give it another label",
                tag.line,
            )
        other = pages.setdefault(slug_of(tag.label), tag)
        if other is not tag:
            raise ConfigError(
                where,
                f"tag {tag.key!r}: its label {tag.label!r} names the same page as tag {other.key!r} "
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

    Tag keys and slugs are checked against the taxonomy and the papers by
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
