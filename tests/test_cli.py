"""The command line: exit codes and whole messages for good and bad input; nothing written on errors."""

from __future__ import annotations

import gc
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.collector import FULL_EVERY
from tests.sitebuild import ROOT, run_generator

GOOD = (
    "Get trending papers in your email inbox!\nSubscribeFeature Collapse\n"
    "We formalize and study a phenomenon called feature collapse. It makes precise an intuitive idea.\n"
    "Universal Neurons in GPT2 Language Models\n"
    "We study the universality of individual neurons across GPT2 models. Many neurons are universal.\n"
)
README = "# Paper Archive\n\nA static site generator.\n\n## Usage\n\n    make site\n"

BAD_DUMPS = [
    pytest.param(b"", "{path}:1: the file is empty: paste the text of a Hugging Face Papers page into it", id="empty"),
    pytest.param(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "{path}:3: this is a binary file, not a text dump (found a NUL byte)",
        id="binary",
    ),
    pytest.param(
        "Subscribe\nCaf\u00e9 Models\n".encode("latin-1"),
        "{path}:2: not valid UTF-8 (byte 0xe9): save the dump as UTF-8 text",
        id="latin-1",
    ),
    pytest.param(
        b"Get trending papers in your email inbox!\nSubscribe\n",
        "{path}:2: no papers found after the header: the dump holds only header lines",
        id="header-only",
    ),
    pytest.param(
        GOOD.encode() + b"A Paper Whose Abstract Was Not Copied\n",
        "{path}:6: the dump ends with the title 'A Paper Whose Abstract Was Not Copied' and no abstract: "
        "it looks cut short; copy the page again down to the last abstract, or delete this line",
        id="truncated",
    ),
    pytest.param(
        README.encode(),
        '{path}:1: not a Hugging Face Papers dump: no "Subscribe" line in its header; '
        'copy the whole page from its top ("Get trending papers in your email inbox!")',
        id="readme",
    ),
]


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    Path("taxonomy").mkdir()
    shutil.copy(ROOT / "taxonomy" / "tags.yml", "taxonomy/tags.yml")
    Path("dumps").mkdir()
    Path("dumps/2026-05-30-first.txt").write_text(GOOD, encoding="utf-8")
    return tmp_path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(("data", "message"), BAD_DUMPS)
def test_build_rejects_a_bad_dump_and_writes_nothing(archive: Path, data: bytes, message: str) -> None:
    assert invoke("build")[0] == 0
    before = snapshot(archive)
    Path("dumps/2026-06-01-bad.txt").write_bytes(data)
    code, out, err = invoke("build")
    assert (code, out, err) == (1, "", message.format(path="dumps/2026-06-01-bad.txt") + "\n")
    after = snapshot(archive)
    del after["dumps/2026-06-01-bad.txt"]
    assert after == before


@pytest.mark.parametrize(("data", "message"), BAD_DUMPS)
def test_add_rejects_a_bad_dump_and_files_nothing(archive: Path, data: bytes, message: str) -> None:
    Path("new.txt").write_bytes(data)
    code, out, err = invoke("add", "new.txt", "--date", "2026-06-01")
    assert (code, out, err) == (1, "", message.format(path="new.txt") + "\n")
    assert sorted(p.name for p in Path("dumps").iterdir()) == ["2026-05-30-first.txt"]


@pytest.mark.parametrize(("data", "message"), BAD_DUMPS)
def test_check_reports_a_bad_dump(archive: Path, data: bytes, message: str) -> None:
    Path("new.txt").write_bytes(data)
    assert invoke("check", "new.txt") == (1, "", message.format(path="new.txt") + "\n")


def test_a_dump_without_a_date_in_its_name_says_how_to_fix_it(archive: Path) -> None:
    Path("dumps/trending.txt").write_text(GOOD, encoding="utf-8")
    assert invoke("build") == (
        1,
        "",
        "dumps/trending.txt: the file name does not start with the dump's date: rename it to "
        "YYYY-MM-DD-trending.txt (the day the page was copied), or file it with "
        "`python -m generator add dumps/trending.txt --date YYYY-MM-DD`\n",
    )


def test_missing_dumps_folder_or_taxonomy(archive: Path) -> None:
    shutil.rmtree("dumps")
    assert invoke("build") == (1, "", "dumps: no such folder of dumps\n")
    # The taxonomy is checked first: it is small, and the dumps' reading uses it.
    shutil.rmtree("taxonomy")
    assert invoke("build") == (1, "", "taxonomy/tags.yml: cannot read: No such file or directory\n")


def test_build_reports_what_it_wrote(archive: Path) -> None:
    code, out, err = invoke("build")
    assert (code, err) == (0, "")
    files = len([p for p in Path("docs").rglob("*") if p.is_file() and not p.name.startswith(".generat")])
    assert out == f"2 papers from 1 dumps (2 listings); {files} files: {files} written, 0 unchanged, 0 deleted.\n"
    assert invoke("build")[1] == (
        f"2 papers from 1 dumps (2 listings); {files} files: 0 written, {files} unchanged, 0 deleted.\n"
    )
    Path("dumps/2026-05-30-first.txt").write_text(
        GOOD.replace("Feature Collapse", "Feature Collapsed"), encoding="utf-8"
    )
    # renaming a paper writes its page (under its new name), the day and home pages that list it, the
    # feed, the day's API file and the memos of candidate tags and of vectors (its text is new);
    # its old page is deleted; the rest is left untouched
    assert invoke("build")[1] == (
        f"2 papers from 1 dumps (2 listings); {files} files: 7 written, {files - 7} unchanged, 1 deleted.\n"
    )


def test_add_files_a_dump_and_counts_new_papers(archive: Path) -> None:
    Path("copied.txt").write_text(
        GOOD.replace("Feature Collapse", "Another Paper Entirely").replace("\n", "\r\n"), encoding="utf-8"
    )
    code, out, err = invoke("add", "copied.txt", "--date", "2026-06-01", "--offline")
    assert (code, out, err) == (
        0,
        "Filed dumps/2026-06-01-copied.txt: 2 papers, 1 new, 1 already in the archive.\n",
        "",
    )
    assert Path("dumps/2026-06-01-copied.txt").read_bytes() == Path("copied.txt").read_bytes()
    # the same name again is refused
    assert invoke("add", "copied.txt", "--date", "2026-06-01", "--offline") == (
        1,
        "",
        "dumps/2026-06-01-copied.txt: a dump with this name is already filed; give the new one another name or date\n",
    )


def test_add_defaults_to_today(archive: Path) -> None:
    Path("Trending Papers.txt").write_text(GOOD, encoding="utf-8")
    code, out, _ = invoke("add", "Trending Papers.txt", "--offline")
    today = date.today().isoformat()
    assert (code, out) == (0, f"Filed dumps/{today}-trending-papers.txt: 2 papers, 0 new, 2 already in the archive.\n")


def test_check_reports_papers_duplicates_and_warnings(archive: Path) -> None:
    text = GOOD.replace("Subscribe", "Subscribe\nA Title Without Abstract\n", 1) + GOOD.split("\n", 1)[1].replace(
        "SubscribeFeature", "Feature"
    )
    Path("x.txt").write_text(text, encoding="utf-8")
    code, out, err = invoke("check", "x.txt", "dumps/2026-05-30-first.txt")
    assert code == 0
    assert err == "x.txt:3: warning: the title 'A Title Without Abstract' has no abstract after it; kept without one\n"
    assert out == (
        "x.txt: 5 papers listed, 3 distinct, 2 duplicates, 1 warnings\n"
        "dumps/2026-05-30-first.txt: 2 papers listed, 2 distinct, 0 duplicates, 0 warnings\n"
        "all 2 files: 7 listings, 3 distinct papers, 4 duplicates, 1 warnings\n"
    )


@pytest.mark.parametrize(
    "args",
    [["frobnicate"], ["add"], ["add", "x.txt", "--date", "22/11/2026"], ["check"], ["build", "--nope"]],
)
def test_usage_errors_exit_2(archive: Path, args: list[str]) -> None:
    Path("x.txt").write_text(GOOD, encoding="utf-8")
    code, out, err = invoke(*args)
    assert code == 2
    assert out == ""
    assert err.startswith("Usage: ") and "Error: " in err


def test_python_dash_m_generator_runs_without_traceback(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "taxonomy", tmp_path / "taxonomy")
    (tmp_path / "dumps").mkdir()
    (tmp_path / "dumps" / "2026-06-01-x.txt").write_bytes(b"")
    result = run_generator("build", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (1, "")
    assert (
        result.stderr
        == "dumps/2026-06-01-x.txt:1: the file is empty: paste the text of a Hugging Face Papers page into it\n"
    )
    assert "Traceback" not in result.stderr
    assert ROOT.exists()


def test_a_build_makes_fewer_full_cycle_collections(restored_gc_threshold: None) -> None:
    """The generator's process holds the whole archive: Python's cycle collector makes its full
    collections ten times less often (generator.collector), from the start of any command."""
    gc.set_threshold(700, 10, 10)
    assert CliRunner().invoke(main, ["build", "--help"]).exit_code == 0
    assert gc.get_threshold() == (700, 10, FULL_EVERY)
