"""Build a site the way `make site` does, into a scratch folder (used by tests and benchmarks)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HAND_WRITTEN = ("about.md", "stylesheets", "javascripts")


def prepare_project(project: Path) -> Path:
    """A copy of the project's MkDocs set-up (config, overrides, hand-written pages)."""
    project.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", project / "overrides", dirs_exist_ok=True)
    for name in HAND_WRITTEN:
        source = ROOT / "docs" / name
        if source.is_dir():
            shutil.copytree(source, project / "docs" / name, dirs_exist_ok=True)
        elif source.is_file():
            (project / "docs").mkdir(exist_ok=True)
            shutil.copy(source, project / "docs" / name)
    return project


def run_generator(
    *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "generator", *map(str, args)],
        cwd=cwd or ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def mkdocs_build(project: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", "site"],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def build_site(
    project: Path, dumps: Path, templates: dict[str, str] | None = None, env: dict[str, str] | None = None
) -> Path:
    """Generate pages from `dumps` and build them with mkdocs --strict; return site/.

    `templates` replaces files of the project's overrides/ (name: text); `env` is added to
    the generator's and MkDocs' environments."""
    prepare_project(project)
    for name, text in (templates or {}).items():
        (project / "overrides" / name).write_text(text, encoding="utf-8")
    # taxonomy/overrides.yml corrects papers of the project's own dumps only
    overrides = () if dumps == ROOT / "dumps" else ("--overrides", "")
    generated = run_generator("build", "--dumps", dumps, "--docs", project / "docs", *overrides, env=env)
    if generated.returncode != 0:
        raise AssertionError(f"generator failed:\n{generated.stderr}")
    built = mkdocs_build(project, env)
    if built.returncode != 0:
        raise AssertionError(f"mkdocs build --strict failed:\n{built.stderr}")
    return project / "site"


def file_hashes(folder: Path) -> dict[str, str]:
    """The sha256 of every file under a folder (following a link to it, as site/ is), by path."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
