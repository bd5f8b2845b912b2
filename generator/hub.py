"""Looking papers up on the Hugging Face Hub: what `resolve`, `add` and `fetch` write into
dumps/records.jsonl (generator.records). Builds never come here: they read that file only.

A paper of the archive (its title and abstract, as listed) is searched for by its title
(`HfApi.list_papers`). A Hub paper is the same paper when its title is the same
(:func:`dedupe.title_key`: case, spacing, Unicode form and punctuation aside) and its abstract
agrees with the listed one (:func:`dedupe.abstracts_agree`, the archive's own test of two
listings being one paper). When either side has no abstract, the title alone decides, and only
if a single Hub paper has that title. One match is "resolved" (its details come from
`HfApi.paper_info` when the search results lack them), none "unmatched", several "ambiguous".

What the Hub gives is untrusted: text is kept as text (pages escape it) but made printable and
bounded, links are kept only when they are plain http(s) addresses (a GitHub repository only as
https://github.com/OWNER/REPO), ids only when they are arXiv ids; whatever is dropped is said.

Requests that fail for a passing reason (no connection, a timeout, HTTP 408, 429 or 5xx) are
tried again after a growing wait (or the wait the Hub asks for with Retry-After), a bounded
number of times; a paper whose look-up still fails is reported and not recorded, so the next
run looks it up again. huggingface_hub is imported only here, when a command needs the Hub.

The pure part (matching, making records, writing a day's listing as a dump) is separate from
the requests (:class:`Hub`) and from the file (:func:`resolve_and_save`).
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar
from urllib.parse import urlsplit

from .dates import parse_day_line
from .dedupe import abstracts_agree, title_key
from .errors import ArchiveError, OutputError
from .model import Paper
from .parse import _BYLINE, Kind, classify
from .records import (
    ARXIV_ID,
    FILE_NAME,
    GITHUB,
    MAX_ITEMS,
    MAX_TEXT,
    URL,
    Record,
    read_records,
    record_from_json,
    record_to_json,
    write_records,
)

if TYPE_CHECKING:
    from huggingface_hub import HfApi
    from huggingface_hub.hf_api import PaperInfo

T = TypeVar("T")

#: papers asked for in a title search: the paper itself comes first; near misses after it
SEARCH_LIMIT = 10
#: daily papers asked for a page (the Hub's largest page)
DAILY_PAGE = 100
DAILY_MAX_PAGES = 20
TRIES = 4  # attempts of one request
BASE_DELAY = 1.0  # seconds before the 2nd attempt; doubled before each next one
MAX_DELAY = 30.0
#: a Retry-After longer than this is not waited for: the run stops (the Hub is rate-limiting it)
MAX_RETRY_AFTER = 300.0
#: after this many papers in a row failed, the run stops (the Hub is unreachable)
GIVE_UP_AFTER = 5
#: records are written to the file after this many new ones (and at the end, and when stopped)
SAVE_EVERY = 25
MAX_TITLE = 2000  # records.record_from_json's bound on a title
MAX_LINK = 2000
RETRIED_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
HEADER = "Get trending papers in your email inbox!\nSubscribe\n"

Status = Literal["resolved", "unmatched", "ambiguous", "failed"]


class HubError(ArchiveError):
    """A request to the Hub that failed for good (after its retries, or at once when trying
    again cannot help). `stop`: the Hub asked to wait longer than a run should, so asking it
    about the next papers is pointless too."""

    def __init__(self, message: str, *, stop: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.stop = stop


# --------------------------------------------------------------------------------------------
# the pure part: cleaning what the Hub gives, matching, records


def clean_text(value: object, limit: int) -> str | None:
    """`value` as one line of printable text (spaces of every kind and line breaks become one
    space, control and format characters are dropped), or None when it is not text, is empty
    or is longer than `limit` once cleaned."""
    if not isinstance(value, str):
        return None
    if not value.isprintable():
        value = "".join(" " if ch.isspace() else ch for ch in value if ch.isspace() or ch.isprintable())
    text = " ".join(value.split())
    return text if 0 < len(text) <= limit else None


def shown(value: object) -> str:
    """A value the Hub gave, quoted for a message: escaped, at most 80 characters."""
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:77]}..."


def arxiv_id(value: object) -> str | None:
    return value if isinstance(value, str) and ARXIV_ID.fullmatch(value) else None


def github_link(value: object) -> tuple[str | None, str | None]:
    """The Hub's githubRepo as a record's `github`, or None and why it was dropped."""
    if value is None or value == "":
        return None, None
    text = value.strip() if isinstance(value, str) else value
    if isinstance(text, str) and GITHUB.fullmatch(text):
        return text, None
    return None, f"dropped the GitHub link {shown(value)}: not a https://github.com/OWNER/REPO address"


def project_link(value: object) -> tuple[str | None, str | None]:
    """The Hub's projectPage as a record's `project_page`, or None and why it was dropped:
    only plain http(s) addresses are kept (no javascript:, data: or other schemes, no spaces,
    quotes, angle brackets or control characters)."""
    if value is None or value == "":
        return None, None
    text = value.strip() if isinstance(value, str) else value
    if (
        isinstance(text, str)
        and len(text) <= MAX_LINK
        and text.isprintable()
        and URL.fullmatch(text)
        and urlsplit(text).scheme in ("http", "https")
    ):
        return text, None
    return None, f"dropped the project page {shown(value)}: not a plain http(s) address"


def checked_time(now: datetime) -> str:
    """A record's `checked`: the time in UTC, to the second."""
    if now.tzinfo is None:
        raise ValueError("the time a record was checked must be an aware datetime")
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def needs_details(info: PaperInfo) -> bool:
    """Whether a search result or a daily paper lacks what only `paper_info` gives for sure.

    Search results and daily papers come as {"paper": {...}, "title": ...}: huggingface_hub's
    PaperInfo takes the id, authors, publication date and abstract from "paper", but the GitHub
    repository, project page and keywords only from the top level, where the Hub does not put
    them. A result that has any of them came flat, with all of them."""
    return info.github_repo is None and info.project_page is None and not info.ai_keywords


def make_record(key: str, info: PaperInfo, checked: str) -> tuple[Record, list[str]]:
    """A resolved record of the paper `key` from the Hub's PaperInfo, and what was dropped.

    Raises ValueError when the Hub's id is not an arXiv id (there is no record to make)."""
    found = arxiv_id(info.id)
    if found is None:
        raise ValueError(f"the Hub's id {shown(info.id)} is not an arXiv id")
    warnings: list[str] = []
    title = clean_text(info.title, MAX_TITLE)
    if info.title and title is None:
        warnings.append(f"dropped the Hub's title {shown(info.title)}: not a title")
    authors: list[str] = []
    for author in info.authors or ():
        if getattr(author, "hidden", None) is True:  # the Hub does not show them: neither do we
            continue
        name = clean_text(getattr(author, "name", None), MAX_TEXT)
        if name is None:
            warnings.append(f"dropped an author's name {shown(getattr(author, 'name', None))}: not a name")
        elif len(authors) < MAX_ITEMS:
            authors.append(name)
        else:
            warnings.append(f"kept the first {MAX_ITEMS} authors only")
            break
    keywords: list[str] = []
    for keyword in info.ai_keywords or ():
        cleaned = clean_text(keyword, MAX_TEXT)
        if cleaned is None:
            warnings.append(f"dropped the keyword {shown(keyword)}: not a keyword")
        elif cleaned not in keywords and len(keywords) < MAX_ITEMS:
            keywords.append(cleaned)
    github, why = github_link(info.github_repo)
    warnings.extend([why] if why else [])
    project_page, why = project_link(info.project_page)
    warnings.extend([why] if why else [])
    published = info.published_at.astimezone(UTC).date() if isinstance(info.published_at, datetime) else None
    record = Record(
        key=key,
        status="resolved",
        checked=checked,
        arxiv_id=found,
        title=title,
        authors=tuple(authors),
        published=published,
        github=github,
        project_page=project_page,
        keywords=tuple(keywords),
    )
    return record, warnings


def unresolved_record(key: str, status: Literal["unmatched", "ambiguous"], reason: str, checked: str) -> Record:
    return Record(key=key, status=status, checked=checked, reason=bounded_reason(reason))


def bounded_reason(reason: str) -> str:
    text = clean_text(reason, 10_000) or "no reason given"
    return text if len(text) <= MAX_TEXT else f"{text[: MAX_TEXT - 3].rstrip()}..."


def valid(record: Record) -> Record:
    """The record, checked the way the records file is read (ValueError if it would not be)."""
    record_from_json(json.loads(record_to_json(record)))
    return record


@dataclass(frozen=True)
class Match:
    """What a title search says of one paper: the Hub paper that is it, or why none is."""

    status: Literal["resolved", "unmatched", "ambiguous"]
    paper: PaperInfo | None = None
    reason: str | None = None


def _ids(papers: Iterable[PaperInfo]) -> str:
    ids = [str(paper.id) for paper in papers]
    text = ", ".join(ids[:8])
    return text + (f" and {len(ids) - 8} more" if len(ids) > 8 else "")


def match(title: str, abstract: str | None, candidates: Iterable[PaperInfo]) -> Match:
    """The Hub paper among `candidates` (title search results) that is the listed paper (pure).

    Same title (title_key) and agreeing abstracts: a match. Without an abstract on one side,
    the title decides alone, and only when one Hub paper has that title."""
    key = title_key(title)
    same_title: dict[str, PaperInfo] = {}  # by id: a paper listed twice in the results is one
    for candidate in candidates:
        if isinstance(candidate.title, str) and title_key(candidate.title) == key:
            same_title.setdefault(str(candidate.id), candidate)
    found = list(same_title.values())
    if not found:
        return Match("unmatched", reason="no Hub paper has this title")
    if abstract is None or not abstract.strip():
        if len(found) == 1:
            return Match("resolved", found[0])
        return Match(
            "ambiguous",
            reason=f"{len(found)} Hub papers have this title and the listing has no abstract to tell them apart "
            f"({_ids(found)})",
        )
    summarised = [c for c in found if isinstance(c.summary, str) and c.summary.strip()]
    agreeing = [c for c in summarised if abstracts_agree(abstract, c.summary)]
    if len(agreeing) == 1:
        return Match("resolved", agreeing[0])
    if agreeing:
        return Match(
            "ambiguous", reason=f"{len(agreeing)} Hub papers have this title and an abstract like it ({_ids(agreeing)})"
        )
    without = [c for c in found if not (isinstance(c.summary, str) and c.summary.strip())]
    if len(found) == 1 and without:
        return Match("resolved", found[0])  # the one Hub paper of this title, with no abstract to compare
    if without:
        return Match(
            "ambiguous",
            reason=f"{len(found)} Hub papers have this title; their abstracts do not tell which ({_ids(found)})",
        )
    if len(found) == 1:
        return Match("unmatched", reason=f"a Hub paper has this title but its abstract differs ({_ids(found)})")
    return Match(
        "unmatched", reason=f"{len(found)} Hub papers have this title but their abstracts differ ({_ids(found)})"
    )


# --------------------------------------------------------------------------------------------
# the requests


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (a number of seconds or an HTTP date)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True)
class Failure:
    message: str
    retry: bool
    retry_after: float | None = None


def _failure(error: Exception) -> Failure | None:
    """What went wrong in a request, and whether trying again may help (None: not a failure of
    the request: a bug, which goes up)."""
    import httpx2
    from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled

    if isinstance(error, OfflineModeIsEnabled):
        return Failure("HF_HUB_OFFLINE is set: huggingface_hub makes no request", retry=False)
    if isinstance(error, HfHubHTTPError):
        response = error.response
        status = response.status_code
        phrase = getattr(response, "reason_phrase", "") or ""
        message = f"the Hub answered HTTP {status}{f' {phrase}' if phrase else ''}"
        if status in RETRIED_STATUSES:
            return Failure(message, retry=True, retry_after=parse_retry_after(response.headers.get("retry-after")))
        return Failure(message, retry=False)
    if isinstance(error, httpx2.TimeoutException):
        return Failure("no answer from the Hub in time", retry=True)
    if isinstance(error, (httpx2.UnsupportedProtocol, httpx2.InvalidURL)):
        return Failure(f"cannot ask the Hub: {error}", retry=False)
    if isinstance(error, httpx2.TransportError):
        return Failure(f"cannot reach the Hub ({type(error).__name__}: {error})", retry=True)
    if isinstance(error, (ValueError, TypeError, KeyError, AttributeError)):  # JSON, or PaperInfo(**...) of it
        return Failure(f"the Hub's answer could not be read ({type(error).__name__}: {error})", retry=False)
    if isinstance(error, httpx2.HTTPError):
        return Failure(f"the request failed ({type(error).__name__}: {error})", retry=False)
    return None


class Hub:
    """huggingface_hub's HfApi with bounded retries, counting the requests it makes."""

    def __init__(
        self,
        api: HfApi,
        *,
        timeout: float,
        tries: int = TRIES,
        delay: float = BASE_DELAY,
        max_delay: float = MAX_DELAY,
        max_retry_after: float = MAX_RETRY_AFTER,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.api = api
        self.timeout = timeout
        self.tries = max(1, tries)
        self.delay = delay
        self.max_delay = max_delay
        self.max_retry_after = max_retry_after
        self.sleep = sleep
        self.requests = 0
        self.waits: list[float] = []  # every wait before a retry, in seconds

    def search(self, title: str) -> list[PaperInfo]:
        """Hub papers found by a search for `title` (one request)."""
        return self._call(lambda: list(self.api.list_papers(query=title, limit=SEARCH_LIMIT, token=False)))

    def paper(self, paper_id: str) -> PaperInfo:
        """Everything the Hub knows of one paper (one request). `paper_id` must be an arXiv id:
        it goes into the request's path."""
        if arxiv_id(paper_id) is None:
            raise HubError(f"not an arXiv id: {shown(paper_id)}")
        return self._call(lambda: self.api.paper_info(paper_id))

    def _daily_page(self, day: date, page: int) -> list[PaperInfo]:
        return list(self.api.list_daily_papers(date=day.isoformat(), p=page, limit=DAILY_PAGE, token=False))

    def daily(self, day: date) -> list[PaperInfo]:
        """The Hub's daily papers of `day`, every page of them (distinct ids, in the Hub's order)."""
        papers: dict[str, PaperInfo] = {}
        for page in range(DAILY_MAX_PAGES):
            found = self._call(partial(self._daily_page, day, page))
            new = [paper for paper in found if str(paper.id) not in papers]
            for paper in new:
                papers[str(paper.id)] = paper
            if len(found) < DAILY_PAGE or not new:  # the last page (or a Hub that ignores `p`)
                break
        return list(papers.values())

    def _call(self, request: Callable[[], T]) -> T:
        import httpx2
        from huggingface_hub import get_session

        for attempt in range(1, self.tries + 1):
            session = get_session()  # huggingface_hub's shared client: no timeout of its own
            if session.timeout.read != self.timeout:
                session.timeout = httpx2.Timeout(self.timeout)
            self.requests += 1
            try:
                return request()
            except Exception as error:
                failure = _failure(error)
                if failure is None:
                    raise
                tried = f" ({attempt} tries)" if attempt > 1 else ""
                if not failure.retry or attempt == self.tries:
                    raise HubError(failure.message + tried) from None
                wait = min(self.delay * 2 ** (attempt - 1), self.max_delay)
                if failure.retry_after is not None:
                    if failure.retry_after > self.max_retry_after:
                        raise HubError(
                            f"{failure.message}, asking to wait {failure.retry_after:.0f} s before the next request",
                            stop=True,
                        ) from None
                    wait = failure.retry_after
                self.waits.append(wait)
                self.sleep(wait)
        raise AssertionError("unreachable")


def offline_mode() -> bool:
    """Whether huggingface_hub's offline mode is on (read like huggingface_hub reads it)."""
    value = os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE") or ""
    return value.upper() in {"1", "ON", "YES", "TRUE"}


def _float_env(name: str, default: float) -> float:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ArchiveError(f"{name} must be a number of seconds, not {value!r}") from None
    if not number >= 0:
        raise ArchiveError(f"{name} must be a number of seconds, not {value!r}")
    return number


def connect(
    endpoint: str | None = None,
    *,
    timeout: float | None = None,
    tries: int = TRIES,
    delay: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Hub:
    """A :class:`Hub` for `endpoint` (default: $HF_ENDPOINT, else huggingface_hub's default).

    The timeout of a request is `timeout`, else $PA_HUB_TIMEOUT, else huggingface_hub's
    HF_HUB_DOWNLOAD_TIMEOUT; the first wait before a retry `delay`, else $PA_HUB_DELAY, else
    1 s. No token is sent or read, and huggingface_hub's telemetry (which asks the Hub for a
    list of AI agents to name one in the user agent) is off."""
    endpoint = endpoint or os.environ.get("HF_ENDPOINT") or None
    if endpoint is not None:
        endpoint = endpoint.rstrip("/")
        if urlsplit(endpoint).scheme not in ("http", "https") or not urlsplit(endpoint).netloc:
            raise ArchiveError(f"HF_ENDPOINT must be an http(s) address, not {endpoint!r}")
    from huggingface_hub import HfApi, constants

    constants.HF_HUB_DISABLE_TELEMETRY = True
    api = HfApi(endpoint=endpoint, token=False, library_name="paper-archive")
    return Hub(
        api,
        timeout=timeout if timeout is not None else _float_env("PA_HUB_TIMEOUT", constants.HF_HUB_DOWNLOAD_TIMEOUT),
        tries=tries,
        delay=delay if delay is not None else _float_env("PA_HUB_DELAY", BASE_DELAY),
        sleep=sleep,
    )


# --------------------------------------------------------------------------------------------
# resolving papers


@dataclass(frozen=True)
class Outcome:
    """One paper looked up: its record, or what went wrong (then nothing is recorded)."""

    key: str
    title: str  # as listed
    record: Record | None
    error: str | None = None
    warnings: tuple[str, ...] = ()
    requests: int = 0
    stop: bool = False  # the Hub asked to wait longer than a run should: stop asking it

    @property
    def status(self) -> Status:
        return self.record.status if self.record is not None else "failed"


def needs_resolving(record: Record | None, retry: bool) -> bool:
    return record is None or (retry and not record.resolved)


def resolve_one(
    key: str, title: str, abstract: str | None, client: Hub, now: datetime | Callable[[], datetime]
) -> Outcome:
    """Look one paper up: search its title, then (for a match lacking them) its details."""
    before = client.requests
    try:
        found = match(title, abstract, client.search(title))
        checked = checked_time(now() if callable(now) else now)
        if found.status != "resolved" or found.paper is None:
            record = unresolved_record(key, found.status, found.reason or "", checked)  # type: ignore[arg-type]
            return Outcome(key, title, valid(record), requests=client.requests - before)
        info = found.paper
        if arxiv_id(info.id) is None:
            reason = f"the Hub paper with this title has no arXiv id ({shown(info.id)})"
            record = unresolved_record(key, "unmatched", reason, checked)
            return Outcome(key, title, valid(record), requests=client.requests - before)
    except HubError as error:
        return Outcome(key, title, None, error.message, requests=client.requests - before, stop=error.stop)
    return recorded(key, title, info, client, checked, before)


def recorded(key: str, title: str, info: PaperInfo, client: Hub, checked: str, before: int) -> Outcome:
    """The outcome of a paper matched to `info`: its record, the details fetched if `info`
    lacks them (`before`: the client's requests when the paper's look-up began)."""
    try:
        if needs_details(info):
            info = details(client, info.id)
        record, warnings = make_record(key, info, checked)
        return Outcome(key, title, valid(record), warnings=tuple(warnings), requests=client.requests - before)
    except HubError as error:
        return Outcome(key, title, None, error.message, requests=client.requests - before, stop=error.stop)
    except ValueError as error:  # a record that would not read back: a case the cleaning missed
        return Outcome(key, title, None, f"no record made: {error}", requests=client.requests - before)


def details(client: Hub, paper_id: str) -> PaperInfo:
    """`paper_info` of a paper found in a search or a listing; HubError if the Hub answers with
    another paper."""
    found = client.paper(paper_id)
    if found.id != paper_id:
        raise HubError(f"the Hub answered with the paper {shown(found.id)} when asked for {paper_id}")
    return found


def resolve(
    papers: Iterable[Paper],
    client: Hub,
    now: datetime | Callable[[], datetime],
    retry: bool = False,
    records: Mapping[str, Record] | None = None,
) -> Iterator[Outcome]:
    """Look up, one after the other, every paper with no record (with `retry`, also those
    whose record is unmatched or ambiguous). A paper's record is `records[key]` when given,
    else `paper.record`. Lazy: a paper is looked up when its outcome is asked for."""
    for paper in papers:
        record = records.get(paper.key) if records is not None else paper.record
        if needs_resolving(record, retry):
            yield resolve_one(paper.key, paper.title, paper.abstract, client, now)


@dataclass
class Summary:
    counts: Counter[str] = field(default_factory=Counter)
    requests: int = 0
    written: int = 0  # records written to the file
    left: int = 0  # papers not looked up because the run stopped
    stopped: str | None = None  # why the run stopped early

    @property
    def looked_up(self) -> int:
        return sum(self.counts.values())

    @property
    def failed(self) -> int:
        return self.counts["failed"]


def save_records(dumps_dir: Path, records: Mapping[str, Record]) -> None:
    try:
        dumps_dir.mkdir(parents=True, exist_ok=True)
        write_records(dumps_dir, records)
    except OSError as error:
        raise OutputError(dumps_dir / FILE_NAME, f"cannot write: {error.strerror or error}") from None


def resolve_and_save(
    dumps_dir: Path,
    papers: Sequence[Paper],
    client: Hub | Callable[[], Hub],
    now: datetime | Callable[[], datetime],
    *,
    retry: bool = False,
    limit: int | None = None,
    save_every: int = SAVE_EVERY,
    give_up_after: int = GIVE_UP_AFTER,
    report: Callable[[Outcome], None] = lambda _outcome: None,
) -> Summary:
    """Resolve the papers of `papers` that need it (at most `limit`) and keep their records in
    `dumps_dir`/records.jsonl (see :func:`save_outcomes`). `client` may be a function making
    the Hub client: it is called only when some paper needs looking up."""
    records = read_records(dumps_dir)
    todo = [paper for paper in papers if needs_resolving(records.get(paper.key), retry)]
    if limit is not None:
        todo = todo[:limit]
    if not todo:
        return Summary()
    hub = client if isinstance(client, Hub) else client()
    outcomes = (resolve_one(paper.key, paper.title, paper.abstract, hub, now) for paper in todo)
    return save_outcomes(dumps_dir, records, outcomes, len(todo), hub, save_every, give_up_after, report)


def save_outcomes(
    dumps_dir: Path,
    records: dict[str, Record],
    outcomes: Iterable[Outcome],
    total: int,
    hub: Hub,
    save_every: int = SAVE_EVERY,
    give_up_after: int = GIVE_UP_AFTER,
    report: Callable[[Outcome], None] = lambda _outcome: None,
) -> Summary:
    """Take `outcomes` (lazy: each is looked up when taken) and keep their records in `records`
    and in `dumps_dir`/records.jsonl: the file is written every `save_every` new records, at
    the end, and when the run is interrupted (KeyboardInterrupt goes on up once the file is
    written), so the next run goes on where this one stopped. The run stops early when the Hub
    asks to wait too long, or after `give_up_after` papers in a row failed. `report` sees every
    outcome, once its record is kept."""
    summary = Summary()
    start = hub.requests
    unsaved = 0
    failed_in_a_row = 0
    try:
        for done, outcome in enumerate(outcomes, start=1):
            summary.counts[outcome.status] += 1
            if outcome.record is not None:
                records[outcome.key] = outcome.record
                unsaved += 1
                summary.written += 1
                failed_in_a_row = 0
            else:
                failed_in_a_row += 1
            report(outcome)
            if unsaved >= save_every:
                save_records(dumps_dir, records)
                unsaved = 0
            if outcome.stop or failed_in_a_row >= give_up_after:
                summary.left = total - done
                summary.stopped = (
                    "the Hub asks to wait before it is asked again"
                    if outcome.stop
                    else f"{failed_in_a_row} papers in a row failed"
                )
                break
    finally:
        summary.requests = hub.requests - start
        if unsaved:
            save_records(dumps_dir, records)
    return summary


def listed_outcomes(
    listed: Iterable[tuple[str, str, Sequence[PaperInfo]]], client: Hub, now: datetime | Callable[[], datetime]
) -> Iterator[Outcome]:
    """The records of papers known from the Hub's own listing (key, title as listed, the daily
    papers listed as it): no search needed, the details fetched when the listing lacks them."""
    for key, title, infos in listed:
        before = client.requests
        checked = checked_time(now() if callable(now) else now)
        ids = {str(info.id) for info in infos}
        if len(ids) > 1:
            reason = f"the Hub listed {len(ids)} papers as this one on the day ({_ids(infos)})"
            yield Outcome(key, title, valid(unresolved_record(key, "ambiguous", reason, checked)))
            continue
        info = infos[0]
        if arxiv_id(info.id) is None:
            reason = f"the Hub listed it with no arXiv id ({shown(info.id)})"
            yield Outcome(key, title, valid(unresolved_record(key, "unmatched", reason, checked)))
            continue
        yield recorded(key, title, info, client, checked, before)


# --------------------------------------------------------------------------------------------
# a day's listing as a dump


def one_line(value: object) -> str | None:
    """Text as the dump parser reads one line of it back: no line breaks, no control or other
    unprintable characters, single spaces (None for no text)."""
    if not isinstance(value, str):
        return None
    return clean_text(value, 1_000_000)


@dataclass(frozen=True)
class Listed:
    """A daily paper as the dump will list it."""

    info: PaperInfo
    title: str
    abstract: str


def daily_listing(papers: Iterable[PaperInfo]) -> tuple[list[Listed], list[str]]:
    """The daily papers that a dump can list as they are (pure), and a warning for each left out.

    A title must read as a title to the dump parser (not as an abstract, a day line like
    "May 30" or the "byAK" line) and an abstract as an abstract (one that reads as a title
    would be taken for the next paper's): the dump parser never pairs lines by alternation
    alone, so a listing it would read otherwise is left out rather than misread."""
    kept: list[Listed] = []
    warnings: list[str] = []
    for info in papers:
        title, abstract = one_line(info.title), one_line(info.summary)
        name = title or shown(info.id)
        problem = None
        if title is None:
            problem = "it has no title"
        elif classify(title) is Kind.ABSTRACT or parse_day_line(title) or _BYLINE.fullmatch(title):
            problem = "its title would not read back as a title"
        elif abstract is None:
            problem = "it has no abstract"
        elif classify(abstract) is Kind.TITLE:
            problem = "its abstract would read back as a title"
        if problem:
            warnings.append(f"{name}: left out of the dump: {problem}")
            continue
        assert title is not None and abstract is not None
        kept.append(Listed(info, title, abstract))
    return kept, warnings


def dump_text(listed: Sequence[Listed]) -> str:
    """The text of a dump listing these papers: the page's header, then title and abstract lines."""
    return HEADER + "".join(f"{item.title}\n{item.abstract}\n" for item in listed)
