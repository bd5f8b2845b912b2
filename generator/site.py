"""Build site/ with MkDocs and publish it in one step: site/ is always a whole build.

site/ is a symbolic link to one complete build in .site/. A build goes into a new folder
there; only when `mkdocs build --strict` succeeds is a new link renamed over site/ (a rename
is atomic), and the older builds are removed. A build killed at any moment leaves site/
pointing at the old build or at the new one, never at a mix or at nothing; what it left in
.site/ is removed by the next build.

(A site/ that is a plain folder, from before, is moved into .site/ on the first build.)

MkDocs renders only the pages whose inputs changed since a build before: the others come from
the page cache (generator.pagecache, applied by overrides/hooks.py) in `.cache/pages/` next to
site/, or in the folder $PA_PAGE_CACHE names (an empty value: no cache). The site is the same,
byte for byte, with or without it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime, time
from pathlib import Path

from .errors import ArchiveError, OutputError
from .write import TEMP_SUFFIX

BUILDS = ".site"
#: the page cache, next to site/ (see above)
PAGE_CACHE = Path(".cache") / "pages"


def publish_site(config: Path, site: Path, newest: date | None = None) -> Path:
    """Build the site of the MkDocs `config` and make `site` point at it; return the build.

    `newest`: the archive's newest day, which MkDocs takes as the day of the build (the time
    in sitemap.xml.gz's gzip header) unless SOURCE_DATE_EPOCH is set: the same dumps, the same site."""
    builds = site.parent / BUILDS
    try:
        builds.mkdir(exist_ok=True)
        if builds.is_symlink() or not builds.is_dir():
            raise OutputError(builds, "is not a plain folder: it holds the site's builds")
        _remove_builds(builds, keep=_current(site, builds))
        build = Path(tempfile.mkdtemp(prefix="build-", dir=builds))
    except OSError as error:
        raise OutputError(error.filename or builds, f"cannot write: {error.strerror}") from None
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config)]
    environment = dict(os.environ)
    if "PA_PAGE_CACHE" not in environment:
        environment["PA_PAGE_CACHE"] = str((site.parent / PAGE_CACHE).absolute())
    if newest is not None and "SOURCE_DATE_EPOCH" not in environment:
        midnight = datetime.combine(newest, time(), tzinfo=UTC)
        environment["SOURCE_DATE_EPOCH"] = str(int(midnight.timestamp()))
    result = subprocess.run([*command, "--site-dir", str(build)], env=environment, check=False)
    if result.returncode != 0:
        shutil.rmtree(build, ignore_errors=True)
        raise ArchiveError(f"mkdocs build --strict failed: {site} is unchanged")
    try:
        link = site.with_name(site.name + TEMP_SUFFIX)
        link.unlink(missing_ok=True)
        link.symlink_to(os.path.relpath(build, site.parent), target_is_directory=True)
        if site.is_dir() and not site.is_symlink():  # a plain folder from before: moved aside
            site.rename(Path(tempfile.mkdtemp(prefix="old-", dir=builds)) / site.name)
        link.replace(site)
        _remove_builds(builds, keep=build.name)
    except OSError as error:
        raise OutputError(error.filename or site, f"cannot write: {error.strerror}") from None
    return build


def _current(site: Path, builds: Path) -> str | None:
    """The name of the build in `builds` that `site` points at, if it does."""
    if not site.is_symlink():
        return None
    target = site.readlink()
    return target.name if (site.parent / target).parent.resolve() == builds.resolve() else None


def _remove_builds(builds: Path, keep: str | None) -> None:
    for entry in builds.iterdir():
        if entry.name != keep:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
