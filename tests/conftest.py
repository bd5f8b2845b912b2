"""Shared fixtures: real dumps, site builds, and a real Chromium for browser tests."""

from __future__ import annotations

import atexit
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


@pytest.fixture(autouse=True)
def _no_github_annotations(monkeypatch: pytest.MonkeyPatch) -> None:
    """CI sets GITHUB_ACTIONS; tests that want annotations set it themselves."""
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built from the project's own dumps/ (generator + mkdocs --strict), every block
    reused across pages checked against the page's own (PA_CHECK_BLOCKS, overrides/hooks.py)."""
    return build_site(tmp_path_factory.mktemp("real"), SHARED_DUMPS, env={"PA_CHECK_BLOCKS": "1"})


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
