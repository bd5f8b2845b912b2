"""The generator as an attacker or an unlucky maintainer meets it: symlinks planted in docs/,
two builds at once, a full disk. Each test runs the real command line and checks the exit
code, the whole message, and that nothing outside the generator's folders changed."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.sitebuild import ROOT, mkdocs_build, prepare_project, run_generator

FIXTURES = ROOT / "tests" / "fixtures" / "dumps"


def fingerprint(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Every file and link under a folder (links not followed), by content or target."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if relative.split("/")[0] in skip:
            continue
        if path.is_symlink():
            found[relative] = f"-> {path.readlink()}"
        elif path.is_file():
            found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = prepare_project(tmp_path / "project")
    shutil.copytree(ROOT / "taxonomy", project / "taxonomy")
    shutil.copytree(FIXTURES, project / "dumps")
    (project / "taxonomy" / "overrides.yml").unlink()
    return project


def build(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_generator("build", *args, cwd=project)


@pytest.mark.parametrize(
    ("folder", "target"),
    [("papers", "../.."), ("api", "../dumps"), ("feeds", "/"), ("archive", "../docs")],
)
def test_a_generated_folder_that_is_a_symlink_stops_the_build(project: Path, folder: str, target: str) -> None:
    assert build(project).returncode == 0
    shutil.rmtree(project / "docs" / folder)
    (project / "docs" / folder).symlink_to(target)
    before = fingerprint(project.parent)
    result = build(project)
    assert result.returncode == 1
    assert result.stderr.endswith(
        f"docs/{folder}: is a symbolic link: the generator writes this folder itself and never follows "
        "links out of docs; remove it (the build makes it again)\n"
    )
    assert fingerprint(project.parent) == before


def test_two_builds_at_once_wait_for_each_other(project: Path) -> None:
    docs = project / "docs"
    assert build(project).returncode == 0
    reference = fingerprint(docs)
    shutil.copy(FIXTURES / "2026-05-30-first.txt", project / "dumps" / "2026-06-05-again.txt")
    lock = os.open(docs / ".generator.lock", os.O_RDWR)
    fcntl.flock(lock, fcntl.LOCK_EX)  # a build that has not ended
    try:
        second = subprocess.Popen(
            [sys.executable, "-m", "generator", "build"],
            cwd=project,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert second.stderr is not None
        lines = iter(second.stderr.readline, "")
        assert "waiting for another build of docs to end\n" in (next(lines) for _ in range(5))
        time.sleep(0.2)
        assert second.poll() is None and fingerprint(docs) == reference  # it waits, writing nothing
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        os.close(lock)
    out, _ = second.communicate(timeout=60)
    assert second.returncode == 0 and out.startswith("5 papers from 3 dumps")
    # and two builds started together both succeed, one after the other, with the same pages
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "generator", "build"],
            cwd=project,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    after = fingerprint(docs)
    assert [run.wait(timeout=60) for run in runs] == [0, 0]
    assert fingerprint(docs) == after


@pytest.fixture
def small_disk(tmp_path: Path) -> Path:
    """A 1 MB file system (tmpfs, mounted as root): a disk that fills up."""
    mount = tmp_path / "disk"
    mount.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {result.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_stops_the_build_with_a_message_and_changes_nothing(project: Path, small_disk: Path) -> None:
    docs = small_disk / "docs"
    shutil.copytree(project / "docs", docs)
    (project / "dumps" / "2026-06-02-second.txt").unlink()
    assert run_generator("build", "--docs", docs, cwd=project).returncode == 0
    before = fingerprint(docs)
    shutil.copy(FIXTURES / "2026-06-02-second.txt", project / "dumps")
    room = os.statvfs(small_disk)
    (small_disk / "ballast").write_bytes(b"x" * (room.f_bavail - 2) * room.f_bsize)  # two blocks left
    result = run_generator("build", "--docs", docs, cwd=project)
    assert result.returncode == 1
    last = result.stderr.splitlines()[-1]
    assert last.startswith(f"{docs}/") and last.endswith(": cannot write: no space left on device"), result.stderr
    assert fingerprint(docs) == before


@pytest.mark.parametrize("leftover", ["papers/x.md.pa-tmp", ".generated.pending"])
def test_mkdocs_refuses_a_docs_folder_a_killed_build_left(project: Path, leftover: str) -> None:
    assert build(project).returncode == 0
    (project / "docs" / leftover).write_text("half-written\n")
    result = mkdocs_build(project)
    assert result.returncode == 1
    assert (
        f"docs/{leftover}: the generator was stopped while writing docs; "
        "run `python -m generator build` again before building the site"
    ) in result.stderr
    assert not (project / "site").exists()


def test_a_read_only_docs_folder_stops_the_build_with_a_message(project: Path, small_disk: Path) -> None:
    docs = small_disk / "docs"
    shutil.copytree(project / "docs", docs)
    assert run_generator("build", "--docs", docs, cwd=project).returncode == 0
    before = fingerprint(docs)
    (project / "dumps" / "2026-06-02-second.txt").unlink()  # a build that would change docs/
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    result = run_generator("build", "--docs", docs, cwd=project)
    assert result.returncode == 1
    assert result.stderr.endswith(f"{docs}/.generator.lock: cannot write: read-only file system\n")
    assert fingerprint(docs) == before
