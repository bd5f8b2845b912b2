"""Golden snapshot of every page generated from the small fixture dumps.

After an intended change of the pages, refresh the snapshot with
`UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py` and review the diff.
Compressed files (the API's `.json.gz`) are kept in the snapshot as their text, without `.gz`.
"""

from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

from generator.write import STAMPS
from tests.sitebuild import ROOT, run_generator

FIXTURES = ROOT / "tests" / "fixtures" / "dumps"
GOLDEN = ROOT / "tests" / "golden"


def tree(folder: Path) -> dict[str, str]:
    """Every file's text by path; a `.gz` file's text is its content's, under its name without `.gz`."""
    files = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file() and not p.name.startswith("."):  # the generator's manifest and lock
            path = p.relative_to(folder).as_posix()
            if path.endswith(".gz"):
                files[path.removesuffix(".gz")] = gzip.decompress(p.read_bytes()).decode("utf-8")
            else:
                files[path] = p.read_text(encoding="utf-8")
    return files


def test_generated_pages_match_the_golden_snapshot(tmp_path: Path) -> None:
    result = run_generator(
        "build", "--dumps", FIXTURES, "--docs", tmp_path / "docs", "--overrides", "", "--site-url", ""
    )
    assert result.returncode == 0, result.stderr
    generated = tree(tmp_path / "docs")
    if os.environ.get("UPDATE_GOLDEN") == "1":
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for path, text in generated.items():
            (GOLDEN / path).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / path).write_bytes(text.encode("utf-8"))
    golden = tree(GOLDEN)
    assert sorted(generated) == sorted(golden)
    for path, text in generated.items():
        assert text == golden[path], path


def test_two_builds_give_byte_identical_pages(tmp_path: Path) -> None:
    for name in ("one", "two"):
        assert run_generator("build", "--dumps", FIXTURES, "--docs", tmp_path / name, "--overrides", "").returncode == 0
    one, two = tmp_path / "one", tmp_path / "two"
    # every file but the generator's record of when it wrote each page (generator.write.STAMPS)
    files = [p.relative_to(one) for p in sorted(one.rglob("*")) if p.is_file() and p.name != STAMPS]
    assert any(p.suffix == ".gz" for p in files) and (one / STAMPS).is_file()
    assert {p: (one / p).read_bytes() for p in files} == {
        p.relative_to(two): p.read_bytes() for p in sorted(two.rglob("*")) if p.is_file() and p.name != STAMPS
    }
