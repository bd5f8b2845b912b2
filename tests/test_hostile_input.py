"""Hostile input: files that are not files, names, dates and rules made to hang, exhaust or mislead.

The generator runs in a subprocess with a time limit where the old behaviour was to hang: a
hang fails the test instead of stalling the suite.
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.dumps import MAX_BYTES, MAX_LINES
from generator.errors import DumpError
from tests.sitebuild import ROOT

#: seconds a generator run may take here: a run that hangs is stopped and fails the test
LIMIT = 60

GOOD = (
    "Get trending papers in your email inbox!\nSubscribeFeature Collapse\n"
    "We formalize and study a phenomenon called feature collapse. It makes precise an intuitive idea.\n"
)


def generator(*args: str, cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of `python -m generator ARGS` in `cwd`, stopped after LIMIT seconds."""
    environment = {k: v for k, v in os.environ.items() if k not in {"GITHUB_ACTIONS", "CI"}}
    environment["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        env={**environment, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
        timeout=LIMIT,
    )
    return result.returncode, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with the real taxonomy (no overrides) and one good dump."""
    shutil.copytree(ROOT / "taxonomy", tmp_path / "taxonomy")
    (tmp_path / "taxonomy" / "overrides.yml").unlink()
    (tmp_path / "dumps").mkdir()
    (tmp_path / "dumps" / "2026-01-01-good.txt").write_text(GOOD, encoding="utf-8")
    return tmp_path


# --------------------------------------------------------------------------- not regular files


NOT_A_FILE = "not a regular file: it is {kind}; a dump must be a plain text file"


def _pipe_elsewhere(path: Path) -> None:
    os.mkfifo(path.parent.parent / "pipe")
    path.symlink_to(path.parent.parent / "pipe")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX's")
@pytest.mark.parametrize(
    ("make", "kind"),
    [
        pytest.param(os.mkfifo, "a named pipe (FIFO)", id="fifo"),
        pytest.param(_pipe_elsewhere, "a named pipe (FIFO)", id="symlink-to-fifo"),
        # /dev/null rather than /dev/zero: the old code read what it was given, to the end
        pytest.param(lambda path: path.symlink_to("/dev/null"), "a character device", id="symlink-to-device"),
    ],
)
def test_only_regular_files_are_read(project: Path, make: Callable[[Path], None], kind: str) -> None:
    name = "dumps/2026-01-02-x.txt"
    make(project / name)
    expected = (1, "", f"{name}: {NOT_A_FILE.format(kind=kind)}\n")
    assert generator("build", cwd=project) == expected
    assert generator("check", name, cwd=project) == expected
    assert generator("add", name, "--date", "2026-01-03", cwd=project) == expected
    assert sorted(path.name for path in (project / "dumps").iterdir()) == ["2026-01-01-good.txt", "2026-01-02-x.txt"]


def test_a_folder_named_like_a_dump_is_refused(project: Path) -> None:
    (project / "dumps" / "2026-01-02-x.txt").mkdir()
    kind = "a folder"
    assert generator("build", cwd=project) == (1, "", f"dumps/2026-01-02-x.txt: {NOT_A_FILE.format(kind=kind)}\n")


def test_a_symlink_to_a_regular_file_is_read(project: Path) -> None:
    (project / "elsewhere.txt").write_text(GOOD.replace("Feature Collapse", "Another Paper"), encoding="utf-8")
    (project / "dumps" / "2026-01-02-link.txt").symlink_to(project / "elsewhere.txt")
    code, out, err = generator("check", "dumps/2026-01-02-link.txt", cwd=project)
    assert (code, out, err) == (
        0,
        "dumps/2026-01-02-link.txt: 1 papers listed, 1 distinct, 0 duplicates, 0 warnings\n",
        "",
    )


# --------------------------------------------------------------------------- oversized dumps

TOO_LARGE = "the file is larger than a dump may be (16 MB): a copy of a Hugging Face Papers page is well under 1 MB"
TOO_LONG = (
    "the file has more lines than a dump may have (100,000): "
    "a copy of a Hugging Face Papers page has a few thousand at most"
)


def _sized(size: int) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        with path.open("wb") as stream:
            stream.truncate(size)  # sparse: no disk space, and NUL bytes the old code decoded to the end

    return make


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(_sized(MAX_BYTES + 1), TOO_LARGE, id="one-byte-too-large"),
        pytest.param(_sized(50 * 1024 * 1024), TOO_LARGE, id="50-MB"),
        pytest.param(lambda path: path.write_bytes(b"\n" * (MAX_LINES + 1)), TOO_LONG, id="blank-lines"),
        pytest.param(lambda path: path.write_bytes(b"\r" * (MAX_LINES + 1)), TOO_LONG, id="cr-lines"),
        pytest.param(lambda path: path.write_bytes(b"\r\n" * (MAX_LINES + 1)), TOO_LONG, id="crlf-lines"),
        pytest.param(
            lambda path: path.write_bytes(GOOD.encode() + b"\r\n" * (MAX_LINES - 3)),
            None,
            id="a-dump-at-the-limit",
        ),
    ],
)
def test_oversized_dumps_are_refused_before_they_are_decoded(
    project: Path, make: Callable[[Path], None], message: str | None
) -> None:
    name = "dumps/2026-01-02-x.txt"
    make(project / name)
    if message is None:
        assert generator("check", name, cwd=project) == (
            0,
            f"{name}: 1 papers listed, 1 distinct, 0 duplicates, 0 warnings\n",
            "",
        )
    else:
        assert generator("check", name, cwd=project) == (1, "", f"{name}: {message}\n")
        assert generator("add", name, "--date", "2026-01-03", cwd=project) == (1, "", f"{name}: {message}\n")


# --------------------------------------------------------------------------- names that break lines

INJECTED = "2026-01-01-a\n::error file=x::pwned.txt"


@pytest.mark.parametrize(
    ("name", "shown", "what"),
    [
        pytest.param(
            INJECTED, "2026-01-01-a\\n::error file=x::pwned.txt", "a control character (U+000A)", id="newline"
        ),
        pytest.param("2026-01-01-a\r.txt", "2026-01-01-a\\r.txt", "a control character (U+000D)", id="cr"),
        pytest.param("2026-01-01-\x1b[2J.txt", "2026-01-01-\\x1b[2J.txt", "a control character (U+001B)", id="escape"),
        pytest.param("2026-01-01-a\u2028b.txt", "2026-01-01-a\\u2028b.txt", "a control character (U+2028)", id="u2028"),
        pytest.param("2026-01-01-\u202eb.txt", "2026-01-01-\\u202eb.txt", "a control character (U+202E)", id="bidi"),
        pytest.param(
            os.fsdecode(b"2026-01-01-\xff.txt"),
            "2026-01-01-\\udcff.txt",
            "a byte that is not UTF-8 (0xFF)",
            id="latin-1",
        ),
    ],
)
def test_a_dump_name_with_a_control_character_is_refused_on_one_line(
    project: Path, name: str, shown: str, what: str
) -> None:
    (project / "dumps" / name).write_text(GOOD, encoding="utf-8")
    message = f"dumps/{shown}: the file name holds {what}: rename the file"
    assert generator("build", cwd=project) == (1, "", message + "\n")
    # in GitHub Actions, the same message and an annotation on one line
    annotated = shown.replace("\\n", "%0A").replace("\\r", "%0D").replace(":", "%3A")
    assert generator("build", cwd=project, env={"GITHUB_ACTIONS": "true"}) == (
        1,
        f"::error file=dumps/{annotated},title=Rejected dump::the file name holds {what}: rename the file\n",
        message + "\n",
    )


@pytest.mark.parametrize(
    ("path", "line", "message", "expected"),
    [
        ("dumps/2026-01-01-x.txt", 3, "plain: kept as it is", "dumps/2026-01-01-x.txt:3: plain: kept as it is"),
        (
            "dumps/caf\u00e9 \u03b1.txt",
            None,
            "non-ASCII text stays",
            "dumps/caf\u00e9 \u03b1.txt: non-ASCII text stays",
        ),
        (INJECTED, 1, "empty", "2026-01-01-a\\n::error file=x::pwned.txt:1: empty"),
        ("x\u2029.txt", None, "a\tb\x85c", "x\\u2029.txt: a\\tb\\x85c"),
    ],
)
def test_an_input_error_is_one_line_whatever_its_path(path: str, line: int | None, message: str, expected: str) -> None:
    assert str(DumpError(path, message, line)) == expected
    assert str(pickle.loads(pickle.dumps(DumpError(path, message, line)))) == expected


# --------------------------------------------------------------------------- implausible dates

WRONG_DATE = (
    ": the dump's date {day} cannot be right: a dump is dated from 1991-01-01 (arXiv opened in 1991) "
    "to 2100-12-31; correct the date in its file name (or the --date given)"
)
WITH_DAY_LINE = GOOD.replace("Subscribe", "Subscribe\n{day}\n")


@pytest.mark.parametrize(
    ("name", "text", "args", "message"),
    [
        ("dumps/0001-01-01-x.txt", GOOD, ["build"], WRONG_DATE.format(day="0001-01-01")),
        ("dumps/9999-12-31-x.txt", GOOD, ["build"], WRONG_DATE.format(day="9999-12-31")),
        ("0001-01-01-x.txt", GOOD, ["add", "0001-01-01-x.txt"], WRONG_DATE.format(day="0001-01-01")),
        ("x.txt", GOOD, ["add", "x.txt", "--date", "9999-12-31"], WRONG_DATE.format(day="9999-12-31")),
        ("x.txt", GOOD, ["check", "x.txt", "--date", "1990-12-31"], WRONG_DATE.format(day="1990-12-31")),
        (
            "dumps/2026-01-02-x.txt",
            WITH_DAY_LINE.format(day="Jan 1, 9999"),
            ["build"],
            ":3: day line 'Jan 1, 9999': the day 9999-01-01 is after the dump's date 2026-01-02",
        ),
        (
            "dumps/2026-01-02-x.txt",
            WITH_DAY_LINE.format(day="Jan 1, 0001"),
            ["build"],
            ":3: day line 'Jan 1, 0001': the year 0001 is before 1991, when arXiv opened",
        ),
    ],
    ids=["name-0001", "name-9999", "add-name-0001", "add-date-9999", "check-date-1990", "day-9999", "day-0001"],
)
def test_implausible_dates_are_refused(project: Path, name: str, text: str, args: list[str], message: str) -> None:
    (project / name).write_text(text, encoding="utf-8")
    filed = sorted((project / "dumps").iterdir())
    assert generator(*args, cwd=project) == (1, "", f"{name}{message}\n")
    assert sorted((project / "dumps").iterdir()) == filed


# --------------------------------------------------------------------------- regexes that backtrack

CRAFTED = GOOD.replace(
    "We formalize and study a phenomenon called feature collapse. It makes precise an intuitive idea.",
    "We formalize a phenomenon. It ends with a long run of one letter: " + "a" * 40 + "!",
).replace("Feature Collapse", "A Long Run")


def _taxonomy_with_regex(project: Path, regex: str) -> None:
    (project / "taxonomy" / "tags.yml").write_text(
        f"tags:\n  letters:\n    label: Letters\n    regex: ['{regex}']\n", encoding="utf-8"
    )


def test_a_regex_that_backtracks_without_end_is_refused_when_the_taxonomy_loads(project: Path) -> None:
    # (a+)+$ tries every way of splitting the run of 40 "a"s between its two repeats
    _taxonomy_with_regex(project, "(a+)+$")
    (project / "dumps" / "2026-01-02-crafted.txt").write_text(CRAFTED, encoding="utf-8")
    assert generator("build", cwd=project) == (
        1,
        "",
        "taxonomy/tags.yml:4: tag 'letters': regex '(a+)+$' is refused: a repeat has no upper bound "
        "(*, + or {n,}); give it one, such as {1,20}\n",
    )


def test_the_slowest_regex_allowed_stays_linear_on_a_crafted_abstract(project: Path) -> None:
    # each "a" of the abstract can start 2**7 ways of matching, none of which finds the "b"
    _taxonomy_with_regex(project, "(?:a|a){0,7}b")
    (project / "dumps" / "2026-01-02-crafted.txt").write_text(CRAFTED.replace("a" * 40, "a" * 50_000), encoding="utf-8")
    code, out, err = generator("tags", cwd=project)
    assert (code, err) == (0, "")
    assert out.startswith("2 papers: 0 tagged (0.0%), 2 untagged")
