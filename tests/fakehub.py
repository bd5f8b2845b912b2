"""A fake Hugging Face Hub on 127.0.0.1 for the tests and the benchmark: never the real one.

It answers the three requests huggingface_hub's HfApi makes for papers, in the JSON shapes the
Hub uses and huggingface_hub's PaperInfo parses:

- ``GET /api/papers/{id}`` (``paper_info``): the paper, flat: ``id``, ``title``, ``summary``,
  ``authors`` ([{"name", "hidden"}]), ``publishedAt``, ``githubRepo``, ``projectPage``,
  ``ai_keywords``...;
- ``GET /api/papers/search?q=&limit=`` (``list_papers``) and ``GET /api/daily_papers?date=&p=&limit=``
  (``list_daily_papers``): daily-paper entries, ``{"paper": {...the paper...}, "title",
  "summary", "publishedAt" (the day it was listed), "numComments", "thumbnail"}``. PaperInfo
  takes the id, authors, abstract and publication date from "paper", the title from the top
  level, and the GitHub repository, project page and keywords only from the top level, where
  these entries do not have them (``flat_search=True`` serves flat search results instead).

The search ranks the papers by the words their title shares with the query (case and
punctuation aside), like a title search would. Faults are scripted per path prefix: an HTTP
status (with Retry-After), a hang (no answer until the client gives up), a closed connection,
or a body that is not JSON. Every request is logged in ``requests`` (its headers in ``headers``).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from generator.dedupe import title_key

PUBLISHED = "2024-01-15T00:00:00.000Z"


def paper_json(
    paper_id: str,
    title: str,
    summary: str | None,
    *,
    authors: Iterable[str | dict[str, Any]] = ("Ada Lovelace", "Alan Turing"),
    published: str | None = PUBLISHED,
    github: str | None = None,
    project: str | None = None,
    keywords: Iterable[Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A paper as the Hub's /api/papers/{id} gives it (camelCase keys, absent fields left out)."""
    data: dict[str, Any] = {
        "id": paper_id,
        "title": title,
        "authors": [
            author if isinstance(author, dict) else {"_id": f"a{n}", "name": author, "hidden": False}
            for n, author in enumerate(authors)
        ],
        "upvotes": 3,
        "discussionId": f"d-{paper_id}",
    }
    if summary is not None:
        data["summary"] = summary
    if published is not None:
        data["publishedAt"] = published
    if github is not None:
        data["githubRepo"] = github
    if project is not None:
        data["projectPage"] = project
    if keywords is not None:
        data["ai_keywords"] = list(keywords)
    data.update(extra)
    return data


def daily_entry(paper: dict[str, Any], listed: str = "2024-01-16T00:00:00.000Z") -> dict[str, Any]:
    """A paper as an entry of the daily papers (and of the search results)."""
    entry: dict[str, Any] = {"paper": dict(paper), "publishedAt": listed, "numComments": 0, "thumbnail": ""}
    entry["title"] = paper.get("title")
    if paper.get("summary") is not None:
        entry["summary"] = paper["summary"]
    return entry


@dataclass
class Fault:
    path: str  # a prefix of the request's path, e.g. "/api/papers/search"
    kind: str  # "status", "hang", "close" or "garbage"
    times: int
    status: int = 500
    retry_after: str | None = None


class FakeHub:
    """The fake Hub; use as a context manager (``with FakeHub() as hub: ... hub.url``)."""

    def __init__(self, *, flat_search: bool = False, hang_seconds: float = 10.0) -> None:
        self.papers: dict[str, dict[str, Any]] = {}
        self.days: dict[str, list[str]] = {}  # date -> ids listed that day
        self.flat_search = flat_search
        self.hang_seconds = hang_seconds
        self.requests: list[str] = []
        self.headers: list[dict[str, str]] = []  # of every request
        self.faults: list[Fault] = []
        self.on_request: Callable[[str], None] | None = None
        self.hanging = threading.Event()  # set when a request starts hanging
        self._release = threading.Event()
        self._words: dict[str, set[str]] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # --- content

    def add(self, paper_id: str, title: str, summary: str | None, **fields: Any) -> dict[str, Any]:
        paper = paper_json(paper_id, title, summary, **fields)
        self.papers[paper_id] = paper
        self._words[paper_id] = set(title_key(title).split())
        return paper

    def list_on(self, day: str, *ids: str) -> None:
        self.days.setdefault(day, []).extend(ids)

    # --- faults

    def fail(self, path: str, status: int, times: int = 1, retry_after: str | None = None) -> None:
        self.faults.append(Fault(path, "status", times, status, retry_after))

    def hang(self, path: str, times: int = 1) -> None:
        self.faults.append(Fault(path, "hang", times))

    def close(self, path: str, times: int = 1) -> None:
        self.faults.append(Fault(path, "close", times))

    def garbage(self, path: str, times: int = 1) -> None:
        self.faults.append(Fault(path, "garbage", times))

    def _fault(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.times > 0 and path.startswith(fault.path):
                    fault.times -= 1
                    return fault
        return None

    # --- answers

    def search(self, query: str, limit: int) -> list[dict[str, Any]]:
        words = set(title_key(query).split())
        scored = sorted((-len(words & found), paper_id) for paper_id, found in self._words.items() if words & found)
        papers = [self.papers[paper_id] for _, paper_id in scored[:limit]]
        return [dict(paper) if self.flat_search else daily_entry(paper) for paper in papers]

    def answer(self, target: str) -> tuple[int, Any]:
        parts = urlsplit(target)
        query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
        if parts.path == "/api/papers/search":
            return 200, self.search(query.get("q", ""), int(query.get("limit", "50")))
        if parts.path == "/api/daily_papers":
            page, limit = int(query.get("p", "0")), int(query.get("limit", "50"))
            ids = self.days.get(query.get("date", ""), [])[page * limit : (page + 1) * limit]
            return 200, [daily_entry(self.papers[paper_id]) for paper_id in ids]
        found = re.fullmatch(r"/api/papers/(.+)", parts.path)
        if found and found[1] in self.papers:
            return 200, self.papers[found[1]]
        return 404, {"error": "Not Found"}

    # --- the server

    @property
    def url(self) -> str:
        assert self._server is not None, "the fake Hub is not running"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeHub:
        hub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # an answer in one write, sent at once: headers and body in two small writes of a
            # kept-alive connection would wait for the client's delayed ACK (~40 ms each)
            wbufsize = -1
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                hub.requests.append(self.path)
                hub.headers.append({name.lower(): value for name, value in self.headers.items()})
                if hub.on_request is not None:
                    hub.on_request(self.path)
                fault = hub._fault(urlsplit(self.path).path)
                if fault is not None and fault.kind == "hang":
                    hub.hanging.set()
                    hub._release.wait(hub.hang_seconds)
                    self.close_connection = True
                    return
                if fault is not None and fault.kind == "close":
                    self.close_connection = True
                    return
                if fault is not None and fault.kind == "status":
                    headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
                    self._send(fault.status, b'{"error":"fault"}', headers)
                    return
                if fault is not None and fault.kind == "garbage":
                    self._send(200, b"<html>not json</html>", {})
                    return
                status, body = hub.answer(self.path)
                self._send(status, json.dumps(body).encode(), {})

            def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeHub:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def count(self, prefix: str) -> int:
        return sum(1 for target in self.requests if target.startswith(prefix))
