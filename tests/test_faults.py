"""Fault injection: a build (`python -m generator site`, what `make site` runs) killed with
SIGKILL at points spread over all its changes to the file system, in the generator and in
MkDocs. Whenever it dies, site/ is the old site or the new one, never a mix, and the next build
succeeds by itself and gives exactly what an uninterrupted build gives."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import pytest

from tests.sitebuild import ROOT, file_hashes, prepare_project

pytestmark = pytest.mark.slow

KILLPOINTS = Path(__file__).parent / "killpoints"  # its sitecustomize.py kills at the N-th change
FIXTURES = ROOT / "tests" / "fixtures" / "dumps"
POINTS = 22


def run_site(project: Path, kill_at: int = 0) -> subprocess.CompletedProcess[str]:
    counter = project.parent / f"{project.name}.changes"
    counter.unlink(missing_ok=True)
    environment = {
        **os.environ,
        "PYTHONPATH": f"{KILLPOINTS}{os.pathsep}{ROOT}",
        "PA_KILL_COUNTER": str(counter),
        "PA_KILL_AT": str(kill_at),
        "NO_MKDOCS_2_WARNING": "1",
        "PYTHONDONTWRITEBYTECODE": "1",  # the same changes in every run
    }
    return subprocess.run(
        [sys.executable, "-m", "generator", "site", "--overrides", ""],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        start_new_session=True,  # the kill takes the build's process group, not the tests
        timeout=120,
    )


def changes(project: Path) -> int:
    return (project.parent / f"{project.name}.changes").stat().st_size


def digest(folder: Path) -> dict[str, str]:
    """Every file under a folder by its content's hash, the generator's own records left out."""
    return {
        path: hashed
        for path, hashed in file_hashes(folder).items()
        if not path.rsplit("/", 1)[-1].startswith(".generat")
    }


def leftovers(project: Path) -> list[str]:
    return sorted(p.relative_to(project).as_posix() for p in project.rglob("*") if p.name.endswith(".pa-tmp"))


@pytest.fixture(scope="module")
def old_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project whose site was built from the first dump only."""
    project = prepare_project(tmp_path_factory.mktemp("faults") / "old")
    shutil.copytree(ROOT / "taxonomy", project / "taxonomy")
    (project / "dumps").mkdir()
    shutil.copy(FIXTURES / "2026-05-30-first.txt", project / "dumps")
    built = run_site(project)
    assert built.returncode == 0, built.stderr
    return project


def with_new_dump(old_project: Path, name: str) -> Path:
    project = old_project.parent / name
    shutil.copytree(old_project, project, symlinks=True)
    shutil.copy(FIXTURES / "2026-06-02-second.txt", project / "dumps")
    return project


def test_a_build_killed_anywhere_leaves_the_old_or_new_site_and_the_next_build_recovers(old_project: Path) -> None:
    old_site = digest(old_project / "site")
    reference = with_new_dump(old_project, "reference")
    built = run_site(reference)
    assert built.returncode == 0, built.stderr
    total = changes(reference)
    new_site, new_docs = digest(reference / "site"), digest(reference / "docs")
    # the day of the build is the newest listing's, not today's: the same dumps, the same site
    # (MkDocs writes it as the time in sitemap.xml.gz's gzip header, bytes 4-7: that day's
    # midnight in the machine's time zone, as mkdocs.utils.get_build_timestamp reads it)
    header = (reference / "site" / "sitemap.xml.gz").read_bytes()[:10]
    assert int.from_bytes(header[4:8], "little") == int(datetime.fromisoformat("2026-06-02").timestamp())
    assert new_site != old_site and total > 100
    # kill points spread over the whole build: the generator's reading, staging, renames and
    # deletions, then MkDocs' build and the swap of site/
    points = sorted({1 + (total - 2) * n // (POINTS - 1) for n in range(POINTS)})
    assert len(points) == POINTS

    def attempt(point: int) -> tuple[int, str]:
        project = with_new_dump(old_project, f"killed-at-{point}")
        killed = run_site(project, kill_at=point)
        assert killed.returncode == -9, (point, killed.returncode, killed.stderr)
        site = digest(project / "site")
        assert site in (old_site, new_site), f"killed at change {point}/{total}: site/ is a mix"
        recovered = run_site(project)
        assert recovered.returncode == 0, (point, recovered.stderr)
        assert digest(project / "site") == new_site and digest(project / "docs") == new_docs, point
        assert leftovers(project) == [] and len(list((project / ".site").iterdir())) == 1, point
        shutil.rmtree(project)
        return point, "new" if site == new_site else "old"

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = dict(pool.map(attempt, points))
    # the early kills leave the old site, the last ones (after the swap) the new one
    assert outcomes[points[0]] == "old" and "new" in outcomes.values()
