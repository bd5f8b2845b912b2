"""The command line: a thin click layer over the library. The only place that exits."""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import click

from . import dumps as dump_files
from .archive import Archive, build_archive, load_archive
from .dates import date_from_name
from .dedupe import title_key
from .errors import ArchiveError, InputError, shown
from .model import Dump, Notice
from .parse import decode, parse_dump
from .related import related_papers
from .render import site_jobs
from .slugs import slug_of
from .tags import NO_OVERRIDES, Overrides, Taxonomy, assign_tags, load_overrides, load_taxonomy, tag_report
from .write import write_jobs

DUMPS = Path("dumps")
DOCS = Path("docs")
TAXONOMY = Path("taxonomy/tags.yml")
OVERRIDES = Path("taxonomy/overrides.yml")
MKDOCS_YML = Path("mkdocs.yml")


def site_url_of(config: Path) -> str:
    """The site_url of an mkdocs.yml (with its !ENV tags resolved), or ""."""
    if not config.is_file():
        return ""
    import yaml
    from mkdocs.utils.yaml import get_yaml_loader

    with config.open(encoding="utf-8") as stream:
        data = yaml.load(stream, Loader=get_yaml_loader())
    return str((data or {}).get("site_url") or "")


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
    except InputError as error:
        if os.environ.get("GITHUB_ACTIONS") == "true":
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
@click.option(
    "--site-url",
    envvar="SITE_URL",
    default=None,
    help="Address the site is published at (default: $SITE_URL, else mkdocs.yml's site_url).",
)
def build(dumps_dir: Path, docs_dir: Path, taxonomy: Path, overrides: Path | None, site_url: str | None) -> None:
    """Read every dump and write the site's pages into DOCS."""
    with reporting_errors():
        rules, corrections = read_tag_rules(taxonomy, overrides)
        archive = load_archive(dumps_dir, rules, corrections)
        show_warnings(archive.warnings)
        url = site_url if site_url is not None else site_url_of(MKDOCS_YML)
        jobs = site_jobs(archive.papers, related_papers(archive.papers), url)
        report = write_jobs(docs_dir, jobs)
    total = report.written + report.unchanged
    click.echo(
        f"{len(archive.papers)} papers from {len(archive.dumps)} dumps ({archive.listings} listings); "
        f"{total} files: {report.written} written, {report.unchanged} unchanged, {report.deleted} deleted."
    )


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
def add(file: Path, day: datetime | None, dumps_dir: Path) -> None:
    """Validate a new dump FILE and file it into DUMPS as DATE-name.txt."""
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
        known = {paper.key for paper in build_archive(existing).papers} if existing else set()
        keys = {title_key(entry.title) for entry in dump.entries}
        dumps_dir.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".pa-tmp")
        temporary.write_bytes(data)
        temporary.replace(target)
    new = len(keys - known)
    click.echo(
        f"Filed {target}: {len(keys)} papers, {new} new, {len(keys) - new} already in the archive"
        f"{f', {len(dump.warnings)} warnings' if dump.warnings else ''}."
    )


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
def tags(dumps_dir: Path, taxonomy: Path, overrides: Path | None) -> None:
    """Report every tag with its number of papers, and the papers with no tag."""
    with reporting_errors():
        rules, corrections = read_tag_rules(taxonomy, overrides)
        archive = load_archive(dumps_dir)  # keys and slugs worked out by the processes that read
        tagging = assign_tags([(p.slug, p.title, p.abstract) for p in archive.papers], rules, corrections)
    titles = {paper.slug: paper.title for paper in archive.papers}
    click.echo(tag_report(tagging.tags, titles, rules, tagging.unpublished), nl=False)


def _dump_date(file: Path, day: datetime | None) -> date:
    if day is not None:
        return day.date()
    return date_from_name(file.name) or date.today()
