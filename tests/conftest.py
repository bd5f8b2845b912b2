"""Shared fixtures: real dumps, site builds, and a real Chromium for browser tests."""

from __future__ import annotations

import atexit
import gc
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sitebuild import ROOT, build_site

SHARED_DUMPS = ROOT / "dumps"
#: The dumps shared with the project (../shared/dumps), as filed in dumps/: name -> sha256. They
#: stay as they are; dumps filed later (python -m generator add) come beside them.
SHARED_DUMP_FILES = {
    "2026-11-22-000-00d4a3d3fd5f8d9c.txt": "c3c0af0a4e44f5e2c3fd19ad23050f7e3f9835a2cc4a6e7daa9aff5cfb215957",
    "2026-11-22-001-39613a20fa4a2115.txt": "169e2fc00c51950fd0da07b1ac906f983fa865739541629c435726d51e3ce42a",
    "2026-11-22-002-b22038616ce28914.txt": "aeb1671aff185d8673ff461ddf324d8032d36854d30d834adbbce34592eac5c8",
}
HOSTILE_DUMPS = ROOT / "tests" / "fixtures" / "hostile"
FIXTURE_DUMPS = ROOT / "tests" / "fixtures" / "dumps"
#: papers of the synthetic archive searched with Pagefind (above generator.search.PAGEFIND_FROM)
LARGE_PAPERS = 2100  # just above generator.search.PAGEFIND_FROM
#: the Pagefind indexes of the large site (generator.search.PAGEFIND_BLOCK: 10,000 papers otherwise)
LARGE_BLOCKS = 3

# No test ever reaches the real Hugging Face Hub. huggingface_hub reads these when it is first
# imported (and child processes inherit them): its default address is a closed port of this
# machine, it reads no token and writes nothing in the home folder. Tests that need a Hub start
# tests/fakehub.py and point HF_ENDPOINT (or HfApi's endpoint) at it.
_HF_HOME = tempfile.mkdtemp(prefix="pa-hf-home-")
atexit.register(shutil.rmtree, _HF_HOME, ignore_errors=True)
os.environ.update(
    {
        "HF_ENDPOINT": "http://127.0.0.1:9",
        "HF_HOME": _HF_HOME,
        "HF_HUB_OFFLINE": "0",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1",
    }
)
for _name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_TOKEN_PATH", "TRANSFORMERS_OFFLINE", "PA_HUB_DELAY"):
    os.environ.pop(_name, None)


#: the session's site builds (below), and the markers a test that uses one must have: `make
#: test-fast` leaves out the tests marked browser or slow, so it builds no site
SITE_FIXTURES = {
    "real_site": {"slow", "browser"},
    "hostile_site": {"slow", "browser"},
    "fixture_site": {"slow", "browser"},
    "large_site": {"slow"},
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    unmarked = []
    for item in items:
        markers = {marker.name for marker in item.iter_markers()}
        for fixture in SITE_FIXTURES.keys() & set(getattr(item, "fixturenames", ())):
            if not SITE_FIXTURES[fixture] & markers:
                unmarked.append(
                    f"{item.nodeid} (uses {fixture}: mark it {' or '.join(sorted(SITE_FIXTURES[fixture]))})"
                )
    if unmarked:
        raise pytest.UsageError("tests that build a site must be marked:\n  " + "\n  ".join(unmarked))


@pytest.fixture(autouse=True)
def _no_github_annotations(monkeypatch: pytest.MonkeyPatch) -> None:
    """CI sets GITHUB_ACTIONS; tests that want annotations set it themselves."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture
def restored_gc_threshold() -> Iterator[None]:
    """The cycle collector's thresholds, as they were before the test (generator.collector)."""
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)


# --- sites built once per session ----------------------------------------------------
# Each distinct site is built here, once, and shared by every module that reads it: a test
# must never change one (build its own in tmp_path for that).


@pytest.fixture(scope="session")
def shared_dumps(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dumps folder holding only the shared dumps (copies of those filed in dumps/), whatever
    else dumps/ holds (dumps filed since, permalinks.tsv, records.jsonl)."""
    folder = tmp_path_factory.mktemp("shared-dumps")
    for name in SHARED_DUMP_FILES:
        if (SHARED_DUMPS / name).is_file():  # tests/test_shared_dumps.py says when one is missing
            shutil.copy(SHARED_DUMPS / name, folder / name)
    return folder


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built from the project's own dumps/ (generator + mkdocs --strict), every block
    reused across pages checked against the page's own (PA_CHECK_BLOCKS, overrides/hooks.py)."""
    return build_site(tmp_path_factory.mktemp("real"), SHARED_DUMPS, env={"PA_CHECK_BLOCKS": "1"})


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of tests/fixtures/hostile: titles and abstracts made of markup and script."""
    return build_site(tmp_path_factory.mktemp("hostile"), HOSTILE_DUMPS)


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site of tests/fixtures/dumps, whose records.jsonl resolves two of its papers."""
    return build_site(tmp_path_factory.mktemp("fixture"), FIXTURE_DUMPS)


@pytest.fixture(scope="session")
def large_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic archive of LARGE_PAPERS papers listed 4 a day over two years (2024-01-01 to
    2025-06-08), searched with Pagefind, in LARGE_BLOCKS indexes (the search box merges them):
    the largest build of the suite (mark its tests slow)."""
    from bench.synthetic import write_dumps

    project = tmp_path_factory.mktemp("large")
    write_dumps(project / "dumps", LARGE_PAPERS, per_day=4)
    block = str(-(-LARGE_PAPERS // LARGE_BLOCKS))
    return build_site(project / "project", project / "dumps", env={"PA_PAGEFIND_BLOCK": block})


# --- real browser -----------------------------------------------------------------


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    path = chromium_path()
    args = {
        **browser_type_launch_args,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
        ],
    }
    if path:
        args["executable_path"] = path
    return args


def serve(directory: Path) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(directory)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def site_server(real_site: Path) -> Iterator[str]:
    yield from serve(real_site)


@pytest.fixture(scope="session")
def hostile_url(hostile_site: Path) -> Iterator[str]:
    yield from serve(hostile_site)


@pytest.fixture(scope="session")
def fixture_url(fixture_site: Path) -> Iterator[str]:
    yield from serve(fixture_site)


@pytest.fixture(scope="session")
def large_url(large_site: Path) -> Iterator[str]:
    yield from serve(large_site)


@pytest.fixture(scope="session")
def base_url(site_server: str) -> str:
    return site_server


@pytest.fixture
def context(context):  # type: ignore[no-untyped-def]
    """Every request that is not to this machine is aborted: tests never leave it."""
    blocked: list[str] = []

    def route(route):  # type: ignore[no-untyped-def]
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context.route("**/*", route)
    context.blocked_requests = blocked
    yield context


os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


@pytest.fixture
def page(page):  # type: ignore[no-untyped-def]
    page.set_default_timeout(10_000)
    return page
