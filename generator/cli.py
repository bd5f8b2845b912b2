"""The command line: a thin click layer over the library. The only place that exits."""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import click

from . import dumps as dump_files
from . import hub
from .archive import Archive, build_archive, load_archive
from .build import build as build_site
from .collector import fewer_full_collections
from .dates import date_from_name
from .dedupe import title_key
from .errors import ArchiveError, DumpError, InputError, LocatedError, shown
from .model import Dump, Notice, Paper
from .parse import decode, parse_dump
from .permalinks import FILE_NAME, read_permalinks, write_permalinks
from .records import FILE_NAME as RECORDS
from .records import read_records
from .related import related_lists
from .relatedtable import FILE_NAME as RELATED
from .relatedtable import read_related, write_related
from .site import publish_site
from .siteurl import check_site_url
from .slugs import slug_of
from .tagging import explain_tags, tagged_archive
from .taxonomy import NO_OVERRIDES, Overrides, Taxonomy, load_overrides, load_taxonomy
from .write import locked

DUMPS = Path("dumps")
DOCS = Path("docs")
TAXONOMY = Path("taxonomy/tags.yml")
OVERRIDES = Path("taxonomy/overrides.yml")
MKDOCS_YML = Path("mkdocs.yml")


def config_value(config: Path, name: str) -> str:
    """A setting of an mkdocs.yml (with its !ENV tags resolved), or ""."""
    if not config.is_file():
        return ""
    import yaml
    from mkdocs.utils.yaml import get_yaml_loader

    with config.open(encoding="utf-8") as stream:
        data = yaml.load(stream, Loader=get_yaml_loader())
    return str((data or {}).get(name) or "")


def read_tag_rules(taxonomy: Path, overrides: Path | None) -> tuple[Taxonomy, Overrides]:
    """The taxonomy, and the overrides if any (the default overrides file may be absent)."""
    rules = load_taxonomy(taxonomy)
    if overrides is None or (overrides == OVERRIDES and not overrides.exists()):
        return rules, NO_OVERRIDES
    return rules, load_overrides(overrides)


def github_annotation(error: InputError) -> str:
    """A GitHub Actions workflow command that shows an input error on its file and line.

    Every property value and the message are escaped as GitHub reads them: a newline in a
    path or a message cannot end the command and start another one; other control
    characters (a terminal escape, a bidirectional override) are written as Python escapes."""
    properties = {"file": error.path, "line": error.line, "title": "Rejected dump"}
    fields = ",".join(f"{key}={_escape_property(str(value))}" for key, value in properties.items() if value is not None)
    return f"::error {fields}::{_escape_data(error.message)}"


def _escape_data(value: str) -> str:
    # GitHub's escapes, then any other control character as a Python escape (shown)
    return shown(value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


@contextmanager
def reporting_errors() -> Iterator[None]:
    """Turn the library's errors into `file:line: message` and exit code 1."""
    try:
        yield
    except LocatedError as error:
        if isinstance(error, InputError) and os.environ.get("GITHUB_ACTIONS") == "true":
            click.echo(github_annotation(error))
        click.echo(str(error), err=True)
        sys.exit(1)
    except ArchiveError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)


def show_warnings(warnings: tuple[Notice, ...] | list[Notice]) -> None:
    for notice in warnings:
        click.echo(str(notice), err=True)


def date_option(help_text: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), default=None, help=help_text)


def taxonomy_options(command: Callable[..., None]) -> Callable[..., None]:
    command = click.option(
        "--overrides",
        type=click.Path(dir_okay=False),
        default=str(OVERRIDES),
        show_default=True,
        help="Per-paper tag corrections (an empty value: none).",
        callback=lambda _ctx, _param, value: Path(value) if value else None,
    )(command)
    return click.option(
        "--taxonomy",
        type=click.Path(path_type=Path, dir_okay=False),
        default=TAXONOMY,
        show_default=True,
        help="Tag rules.",
    )(command)


dumps_option = click.option(
    "--dumps",
    "dumps_dir",
    type=click.Path(path_type=Path),
    default=DUMPS,
    show_default=True,
    help="Folder of dumps (YYYY-MM-DD-name.txt).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Paper Archive: turn Hugging Face Papers dumps into an archive website."""
    fewer_full_collections()


site_url_option = click.option(
    "--site-url",
    envvar="SITE_URL",
    default=None,
    help="Address the site is published at, an http(s) URL ending with / (default: $SITE_URL, else "
    "mkdocs.yml's site_url; an empty value: none).",
)


@main.command()
@dumps_option
@click.option(
    "--docs",
    "docs_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=DOCS,
    show_default=True,
    help="MkDocs docs folder to write the generated pages into.",
)
@taxonomy_options
@site_url_option
def build(dumps_dir: Path, docs_dir: Path, taxonomy: Path, overrides: Path | None, site_url: str | None) -> None:
    """Read every dump and write the site's pages into DOCS."""
    with reporting_errors():
        generate(dumps_dir, docs_dir, taxonomy, overrides, site_url)


@main.command()
@dumps_option
@taxonomy_options
@site_url_option
@click.option(
    "--site-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("site"),
    show_default=True,
    help="Where the site is published (a link to its newest whole build in .site/).",
)
def site(dumps_dir: Path, taxonomy: Path, overrides: Path | None, site_url: str | None, site_dir: Path) -> None:
    """Build the pages, then the site with `mkdocs build --strict`; SITE_DIR changes only on success."""
    docs_dir = Path(config_value(MKDOCS_YML, "docs_dir") or DOCS)
    with reporting_errors(), locked(docs_dir, waiting=lambda: _waiting(docs_dir)):
        papers = generate(dumps_dir, docs_dir, taxonomy, overrides, site_url)
        build = publish_site(MKDOCS_YML, site_dir, max((paper.listed for paper in papers), default=None))
    click.echo(f"Built the site into {build}; {site_dir} now points at it.")


def generate(
    dumps_dir: Path, docs_dir: Path, taxonomy: Path, overrides: Path | None, site_url: str | None
) -> tuple[Paper, ...]:
    """The pages of every dump, written into `docs_dir`; prints the warnings and a summary."""
    url = check_site_url(site_url if site_url is not None else config_value(MKDOCS_YML, "site_url"))
    rules, corrections = read_tag_rules(taxonomy, overrides)
    with locked(docs_dir, waiting=lambda: _waiting(docs_dir)):
        built = build_site(dumps_dir, docs_dir, rules, corrections, url)
    archive, report = built.archive, built.report
    show_warnings(archive.warnings)
    if report.foreign:
        click.echo(
            f"warning: {len(report.foreign)} files in the generated folders were not written by a build "
            f"(left alone; MkDocs publishes them), e.g. {docs_dir / report.foreign[0]}",
            err=True,
        )
    total = report.written + report.unchanged
    click.echo(
        f"{len(archive.papers)} papers from {len(archive.dumps)} dumps ({archive.listings} listings); "
        f"{total} files: {report.written} written, {report.unchanged} unchanged, {report.deleted} deleted."
    )
    return archive.papers


def _waiting(docs_dir: Path) -> None:
    click.echo(f"waiting for another build of {docs_dir} to end", err=True)


@main.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@date_option("Day the page was copied (default: the date in the file name, else today).")
@click.option(
    "--dumps",
    "dumps_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=DUMPS,
    show_default=True,
    help="Folder of dumps to file it into.",
)
@click.option("--offline", is_flag=True, help="Only file the dump: do not look its papers up on the Hugging Face Hub.")
def add(file: Path, day: datetime | None, dumps_dir: Path, offline: bool) -> None:
    """Validate a new dump FILE and file it into DUMPS as DATE-name.txt, then look its new
    papers up on the Hugging Face Hub ($HF_ENDPOINT) and record what it knows of them."""
    dump_date = _dump_date(file, day)
    with reporting_errors():
        data = dump_files.read_bytes(file)
        dump = parse_dump(decode(data, str(file)), str(file), dump_date)
        existing = dump_files.read_dumps(dumps_dir, allow_none=True) if dumps_dir.is_dir() else []
        stem = file.stem[10:].lstrip("-_") if date_from_name(file.name) else file.stem
        target = dumps_dir / f"{dump_date.isoformat()}-{slug_of(stem)}.txt"
        if target.exists():
            raise InputError(target, "a dump with this name is already filed; give the new one another name or date")
        show_warnings(dump.warnings)
        before, after = file_dump(dumps_dir, target, dump, existing, lambda temporary: temporary.write_bytes(data))
    listed = {paper.key for paper in after if any(source.dump == target.name for source in paper.sources)}
    new = len(listed - {paper.key for paper in before})
    click.echo(
        f"Filed {target}: {len(listed)} papers, {new} new, {len(listed) - new} already in the archive"
        f"{f', {len(dump.warnings)} warnings' if dump.warnings else ''}."
    )
    if offline:
        return
    if hub.offline_mode():
        click.echo(
            "add: HF_HUB_OFFLINE is set: the dump's papers were not looked up on the Hub; "
            "`python -m generator resolve` will look them up",
            err=True,
        )
        return
    papers = [paper for paper in after if paper.key in listed]
    with after_filing("add", target):
        summary = resolve_papers(dumps_dir, papers)
    if summary.failed or summary.left:
        click.echo(
            f"add: the dump was filed ({target}), but {summary.failed + summary.left} of its papers could not be "
            "looked up on the Hub: `python -m generator resolve` will try them again",
            err=True,
        )
        sys.exit(1)


def file_dump(
    dumps_dir: Path, target: Path, dump: Dump, existing: list[Dump], put: Callable[[Path], object]
) -> tuple[tuple[Paper, ...], tuple[Paper, ...]]:
    """File `dump` as `target`: `put` writes it to the temporary name it is renamed from. The
    papers already in the archive keep their slugs, then the dump's new ones get theirs: both
    recorded, so that a dump older than the others renames no page; then every paper's related
    list is recorded (kept lists brought up to date: the new papers' found exactly). The
    archive's papers before and after."""
    recorded = read_permalinks(dumps_dir) if dumps_dir.is_dir() else {}
    kept = read_related(dumps_dir) if dumps_dir.is_dir() else None
    before = build_archive(existing, permalinks=recorded).papers if existing else ()
    recorded = {**recorded, **{paper.key: paper.slug for paper in before}}
    after = build_archive([*existing, replace(dump, name=target.name)], permalinks=recorded).papers
    dumps_dir.mkdir(parents=True, exist_ok=True)
    write_permalinks(dumps_dir, recorded)
    temporary = target.with_name(target.name + ".pa-tmp")
    put(temporary)
    try:
        target.hardlink_to(temporary)  # never over a file filed in the meantime
    except FileExistsError:
        message = "a dump with this name is already filed; give the new one another name or date"
        raise InputError(target, message) from None
    finally:
        temporary.unlink()
    write_permalinks(dumps_dir, {**recorded, **{paper.key: paper.slug for paper in after}})
    write_related(dumps_dir, related_lists(after, kept=kept, exact=True))
    return before, after


@contextmanager
def after_filing(command: str, target: Path) -> Iterator[None]:
    """Errors of the Hub's part of `add` and `fetch`: the dump stays filed, and that is said."""
    filed = f"{command}: the dump was filed ({target}); `python -m generator resolve` will look its papers up"
    try:
        yield
    except ArchiveError as error:
        click.echo(str(error) if isinstance(error, LocatedError) else f"error: {error}", err=True)
        click.echo(filed, err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo(f"{command}: interrupted; the records made so far are kept", err=True)
        click.echo(filed, err=True)
        sys.exit(130)


def report_outcome(outcome: hub.Outcome) -> None:
    """A paper's warnings and failure, on stderr: `resolve: <title>: <what went wrong>`."""
    for warning in outcome.warnings:
        click.echo(f"resolve: {outcome.title}: warning: {warning}", err=True)
    if outcome.error is not None:
        click.echo(f"resolve: {outcome.title}: {outcome.error}", err=True)


def resolve_papers(
    dumps_dir: Path, papers: list[Paper] | tuple[Paper, ...], *, retry: bool = False, limit: int | None = None
) -> hub.Summary:
    """Look `papers` up on the Hub (those that need it) and print the summary."""
    summary = hub.resolve_and_save(
        dumps_dir, papers, hub.connect, lambda: datetime.now(UTC), retry=retry, limit=limit, report=report_outcome
    )
    if summary.looked_up:
        click.echo(summary_line(summary, dumps_dir))
    return summary


def summary_line(summary: hub.Summary, dumps_dir: Path) -> str:
    counts = summary.counts
    text = (
        f"Looked up {plural(summary.looked_up, 'paper')} on the Hub: {counts['resolved']} resolved, "
        f"{counts['unmatched']} unmatched, {counts['ambiguous']} ambiguous, {counts['failed']} failed; "
        f"{plural(summary.requests, 'request')} ({summary.requests / summary.looked_up:.1f} a paper); "
        f"{plural(summary.written, 'record')} written to {dumps_dir / RECORDS}."
    )
    if summary.failed:
        text += (
            f" The {summary.failed} that failed (network errors, after retries, or answers that could not be read) "
            "were not recorded: `python -m generator resolve` will try them again."
        )
    if summary.stopped:
        text += f" Stopped early ({summary.stopped}): {plural(summary.left, 'paper')} not looked up."
    return text


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@main.command()
@dumps_option
@click.option("--retry", is_flag=True, help="Also look up again the papers whose record is unmatched or ambiguous.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Look up at most this many papers.")
def resolve(dumps_dir: Path, retry: bool, limit: int | None) -> None:
    """Look the archive's papers up on the Hugging Face Hub ($HF_ENDPOINT) and record what it
    knows of them in DUMPS/records.jsonl: every paper with no record yet (with --retry, also
    the unmatched and ambiguous ones). Exit code 1 when some look-up failed."""
    with reporting_errors():
        papers = load_archive(dumps_dir).papers
        if hub.offline_mode():
            raise ArchiveError("HF_HUB_OFFLINE is set: looking papers up needs the Hub")
        try:
            summary = resolve_papers(dumps_dir, papers, retry=retry, limit=limit)
        except KeyboardInterrupt:
            click.echo(
                f"resolve: interrupted; the records made so far are kept in {dumps_dir / RECORDS}: "
                "`python -m generator resolve` goes on from there",
                err=True,
            )
            sys.exit(130)
    if not summary.looked_up:
        click.echo(
            f"Nothing to look up: all {len(papers)} papers have a record"
            + ("." if retry else " (--retry looks the unmatched and ambiguous ones up again).")
        )
    if summary.failed or summary.left:
        sys.exit(1)


@main.command()
@click.option(
    "--date",
    "day",
    type=click.DateTime(["%Y-%m-%d"]),
    required=True,
    help="The day whose daily papers to fetch (YYYY-MM-DD).",
)
@dumps_option
def fetch(day: datetime, dumps_dir: Path) -> None:
    """Write the Hugging Face Hub's daily papers of DATE ($HF_ENDPOINT) as the dump
    DUMPS/DATE-daily.txt, and their records. Never overwrites a dump."""
    listed_day = day.date()
    target = dumps_dir / f"{listed_day.isoformat()}-daily.txt"
    with reporting_errors():
        existing = dump_files.read_dumps(dumps_dir, allow_none=True) if dumps_dir.is_dir() else []
        if target.exists():
            raise InputError(target, "a dump with this name is already filed; fetch never overwrites one")
        if hub.offline_mode():
            raise ArchiveError("HF_HUB_OFFLINE is set: fetching needs the Hub")
        client = hub.connect()
        try:
            papers = client.daily(listed_day)
        except hub.HubError as error:
            message = f"cannot list the daily papers of {listed_day}: {error.message}; nothing written"
            raise ArchiveError(message) from None
        kept, left_out = hub.daily_listing(papers)
        for warning in left_out:
            click.echo(f"fetch: {warning}", err=True)
        if not kept:
            click.echo(f"The Hub lists no daily papers for {listed_day}: nothing written.")
            return
        dump, before, after = file_listing(dumps_dir, target, listed_day, kept, existing)
    line_of = {entry.line: item for entry, item in zip(dump.entries, kept, strict=True)}
    listed = [paper for paper in after if any(source.dump == target.name for source in paper.sources)]
    new = len({paper.key for paper in listed} - {paper.key for paper in before})
    click.echo(
        f"Fetched the Hub's daily papers of {listed_day} into {target}: {len(listed)} papers, {new} new, "
        f"{len(listed) - new} already in the archive."
    )
    with after_filing("fetch", target):
        records = read_records(dumps_dir)
        todo = [
            (paper.key, paper.title, [line_of[s.line].info for s in paper.sources if s.dump == target.name])
            for paper in listed
            if not (paper.key in records and records[paper.key].resolved)
        ]
        outcomes = hub.listed_outcomes(todo, client, lambda: datetime.now(UTC))
        summary = hub.save_outcomes(dumps_dir, records, outcomes, len(todo), client, report=report_outcome)
        summary.requests = client.requests  # the listing's pages too
    if summary.looked_up:
        click.echo(summary_line(summary, dumps_dir))
    if summary.failed or summary.left:
        click.echo(
            f"fetch: the dump was filed ({target}), but {summary.failed + summary.left} of its papers have no "
            "record: `python -m generator resolve` will look them up",
            err=True,
        )
        sys.exit(1)


def file_listing(
    dumps_dir: Path, target: Path, listed_day: date, kept: list[hub.Listed], existing: list[Dump]
) -> tuple[Dump, tuple[Paper, ...], tuple[Paper, ...]]:
    """Write the Hub's listing as a dump under a temporary name, read it back with the dump
    parser, and file it only if it lists exactly the papers it was written from."""
    dumps_dir.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".pa-tmp")
    try:
        temporary.write_text(hub.dump_text(kept), encoding="utf-8", newline="\n")
        dump = dump_files.read_dump(temporary, listed_day)
        read_back = [(entry.title, entry.abstract) for entry in dump.entries]
        if read_back != [(item.title, item.abstract) for item in kept] or dump.warnings:
            raise DumpError(temporary, "the Hub's listing does not read back as it was written: nothing filed")
        before, after = file_dump(dumps_dir, target, dump, existing, lambda _temporary: None)
    finally:
        temporary.unlink(missing_ok=True)
    return dump, before, after


@main.command()
@dumps_option
def permalinks(dumps_dir: Path) -> None:
    """Record the slug of every paper of DUMPS in DUMPS/permalinks.tsv (`add` does it by itself)."""
    with reporting_errors():
        recorded = read_permalinks(dumps_dir)
        papers = build_archive(dump_files.read_dumps(dumps_dir), permalinks=recorded).papers
        updated = {**recorded, **{paper.key: paper.slug for paper in papers}}
        write_permalinks(dumps_dir, updated)
    click.echo(f"{dumps_dir / FILE_NAME}: {len(updated) - len(recorded)} new permalinks, {len(updated)} in all.")


@main.command()
@dumps_option
def related(dumps_dir: Path) -> None:
    """Record the related papers of every paper of DUMPS in DUMPS/related.tsv (`add` does it by
    itself). Lists already recorded are brought up to date; without any, every paper is scored
    against every other (exact, but quadratic: minutes for tens of thousands of papers)."""
    with reporting_errors():
        kept = read_related(dumps_dir)
        papers = build_archive(dump_files.read_dumps(dumps_dir), permalinks=read_permalinks(dumps_dir)).papers
        lists = related_lists(papers, kept=kept, exact=True)
        write_related(dumps_dir, lists)
    before = kept.lists if kept is not None and kept.method == lists.method else {}
    changed = sum(before.get(slug) != entry for slug, entry in lists.lists.items())
    click.echo(f"{dumps_dir / RELATED}: {len(lists.lists)} related lists, {changed} of them new or changed.")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@date_option("Day of the dumps whose names carry no date (default: today).")
def check(files: tuple[Path, ...], day: datetime | None) -> None:
    """Parse and report on dumps without writing anything."""
    failed = False
    parsed: list[Dump] = []
    for file in files:
        try:
            dump = dump_files.read_dump(file, _dump_date(file, day))
        except InputError as error:
            click.echo(str(error), err=True)
            failed = True
            continue
        parsed.append(dump)
        show_warnings(dump.warnings)
        counts = Counter(title_key(entry.title) for entry in dump.entries)
        repeats = sum(n - 1 for n in counts.values())
        click.echo(
            f"{file}: {len(dump.entries)} papers listed, {len(counts)} distinct, {repeats} duplicates, "
            f"{len(dump.warnings)} warnings"
        )
    if len(parsed) > 1:
        archive: Archive = build_archive(parsed)
        click.echo(
            f"all {len(parsed)} files: {archive.listings} listings, {len(archive.papers)} distinct papers, "
            f"{archive.listings - len(archive.papers)} duplicates, {len(archive.warnings)} warnings"
        )
    if failed:
        sys.exit(1)


@main.command()
@dumps_option
@taxonomy_options
@click.option("--explain", "slug", metavar="SLUG", default=None, help="Why the paper SLUG has each of its tags.")
def tags(dumps_dir: Path, taxonomy: Path, overrides: Path | None, slug: str | None) -> None:
    """Report every tag with its number of papers, and the papers with no tag; with --explain,
    why one paper has each of its tags."""
    with reporting_errors():
        rules, corrections = read_tag_rules(taxonomy, overrides)
        tagged = tagged_archive(load_archive(dumps_dir).papers, rules, corrections)
        if slug is not None:
            text = explain_tags(tagged, slug)
    if slug is not None:
        click.echo(text, nl=False)
        return
    click.echo(tagged.report(), nl=False)


def _dump_date(file: Path, day: datetime | None) -> date:
    if day is not None:
        return day.date()
    return date_from_name(file.name) or date.today()
