"""Golden snapshot of every page generated from the small fixture dumps.

After an intended change of the pages, refresh the snapshot with
`UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py` and review the diff.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tests.sitebuild import ROOT, run_generator

FIXTURES = ROOT / "tests" / "fixtures" / "dumps"
GOLDEN = ROOT / "tests" / "golden"


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_generated_pages_match_the_golden_snapshot(tmp_path: Path) -> None:
    result = run_generator(
        "build", "--dumps", FIXTURES, "--docs", tmp_path / "docs", "--overrides", "", "--site-url", ""
    )
    assert result.returncode == 0, result.stderr
    generated = tree(tmp_path / "docs")
    if os.environ.get("UPDATE_GOLDEN") == "1":
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(tmp_path / "docs", GOLDEN)
    assert sorted(generated) == sorted(tree(GOLDEN))
    for path, text in generated.items():
        assert text == (GOLDEN / path).read_text(encoding="utf-8"), path


def test_two_builds_give_byte_identical_pages(tmp_path: Path) -> None:
    for name in ("one", "two"):
        assert run_generator("build", "--dumps", FIXTURES, "--docs", tmp_path / name, "--overrides", "").returncode == 0
    one, two = tmp_path / "one", tmp_path / "two"
    assert {p: (one / p).read_bytes() for p in tree(one)} == {p: (two / p).read_bytes() for p in tree(two)}
