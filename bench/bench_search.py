"""Benchmark: Material's built-in search (lunr.js in a web worker) in headless Chromium (issue 6).

For each site: the bytes the browser downloads for search, the time until search is ready and
the time from the last keystroke to results, as the median of --runs fresh browser contexts.

Usage:
  .venv/bin/python bench/bench_search.py --papers 1000 5000 10000   # synthetic sites, built once
  .venv/bin/python bench/bench_search.py --site site                # any built site

Synthetic sites go to --workdir/papers-N/ (default /tmp/bench-search) and are reused when
already built there. The site is served by an in-process HTTP server on 127.0.0.1 that logs the
bytes it sends per path (raw, uncompressed, as `python -m http.server` serves them); the gzip size
of the same files (gzip level 6; GitHub Pages serves gzip) is computed alongside.

What is measured, in milliseconds from navigation start (performance.now() in the page):
- index downloaded: responseEnd of search/search_index.json (Material's main bundle fetches it
  at page load, parses it on the main thread and posts it to the search worker);
- worker ready: the worker's "ready" message (the lunr index is built);
- first results: a query typed right after the page loads shows its first result item. This
  is the "ready" time: when a reader who starts typing at once first sees results;
- keystroke to results: with search ready, the query minus its last character is filled in
  without key events, then the last key is pressed (Material sends one query per keyup); from
  that keydown to the first change of the result list after the worker answers;
- typed: the query typed word by word (press_sequentially, 60 ms a key) as a reader would, every
  keyup queueing a query in the worker; from the last keydown to the rendering of the answer
  to the full query (includes waiting for the queued prefixes); also the slowest single query
  among those prefixes (worker time, queue wait excluded);
- longest main-thread task (PerformanceObserver "longtask") until first results.
Queries come from the site's own search index: the rarest long word of a paper's text, the
two rarest words of the same text, and the first four words of its title (--query overrides).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import re
import shutil
import statistics
import sys
import threading
import time
from collections import Counter
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from bench.synthetic import write_dumps
from tests.sitebuild import build_site

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
KEY_DELAY_MS = 60
INDEX = "search/search_index.json"

# Installed before any page script: records long tasks, the search worker's messages, keydowns
# and changes to the search results, all as performance.now() (ms since navigation start).
PROBE = """
(() => {
  const m = window.__bench = {longtasks: [], posted: [], answers: [], keydowns: [], changes: [],
                              setup: null, ready: null, firstItem: null};
  try {
    new PerformanceObserver(list => {
      for (const e of list.getEntries()) m.longtasks.push([e.startTime, e.duration]);
    }).observe({type: "longtask", buffered: true});
  } catch (e) {}
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", ev => {
        const d = ev.data, t = performance.now();
        if (d && d.type === 1 && m.ready === null) m.ready = t;
        if (d && d.type === 3) m.answers.push([t, d.data && d.data.items ? d.data.items.length : -1]);
      });
    }
    postMessage(data, ...rest) {
      const t = performance.now();
      if (data && data.type === 0) m.setup = t;
      if (data && data.type === 2) m.posted.push([t, data.data]);
      return super.postMessage(data, ...rest);
    }
  };
  document.addEventListener("keydown", () => m.keydowns.push(performance.now()), true);
  new MutationObserver(records => {
    const t = performance.now();
    for (const r of records) {
      const node = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      if (node && node.closest && node.closest(".md-search-result")) { m.changes.push(t); break; }
    }
    if (m.firstItem === null && document.querySelector(".md-search-result__item")) m.firstItem = t;
  }).observe(document, {childList: true, subtree: true, characterData: true});
})();
"""


# --- sites ---------------------------------------------------------------------------


def synthetic_site(workdir: Path, count: int) -> Path:
    """Build (or reuse) a site of `count` synthetic papers under workdir/papers-COUNT/."""
    base = workdir / f"papers-{count}"
    site = base / "project" / "site"
    if (base / "built.ok").exists() and (site / INDEX).exists():
        print(f"reusing {site}", flush=True)
        return site
    shutil.rmtree(base, ignore_errors=True)
    start = time.perf_counter()
    write_dumps(base / "dumps", count)
    build_site(base / "project", base / "dumps")
    (base / "built.ok").write_text(f"{count}\n")
    print(f"built {site} in {time.perf_counter() - start:.0f} s", flush=True)
    return site


def strip_html(text: str) -> str:
    return re.sub(r"<[^>]+>", " ", text)


def derive_queries(site: Path) -> tuple[int, list[str]]:
    """(number of paper documents, or of all documents; queries from the middle paper)."""
    docs = json.loads((site / INDEX).read_text(encoding="utf-8"))["docs"]
    papers = [d for d in docs if d["location"].startswith("papers/")] or [d for d in docs if d.get("text")]
    frequency: Counter[str] = Counter()
    for doc in papers:
        frequency.update(set(re.findall(r"[a-z]{5,}", strip_html(doc.get("text", "")).lower())))
    doc = papers[len(papers) // 2]
    words = sorted(set(re.findall(r"[a-z]{5,}", strip_html(doc.get("text", "")).lower())))
    rare = sorted(words, key=lambda w: (frequency[w], -len(w), w))
    long_rare = [w for w in rare if len(w) >= 8] or rare
    title = " ".join(strip_html(doc["title"]).split()[:4])
    return len(papers), [long_rare[0], f"{rare[0]} {rare[1]}", title]


# --- serving ---------------------------------------------------------------------------


class LoggingHandler(SimpleHTTPRequestHandler):
    """Serves the site and records (path, bytes of body sent) for every response."""

    server: LoggingServer

    def copyfile(self, source, outputfile) -> None:  # type: ignore[no-untyped-def]
        sent = 0
        try:
            while chunk := source.read(256 * 1024):
                outputfile.write(chunk)
                sent += len(chunk)
        finally:
            with self.server.lock:
                self.server.sent.append((unquote(urlsplit(self.path).path), sent))

    def log_message(self, format: str, *args: Any) -> None:
        pass


class LoggingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, site: Path) -> None:
        self.sent: list[tuple[str, int]] = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), partial(LoggingHandler, directory=str(site)))

    def take(self) -> list[tuple[str, int]]:
        with self.lock:
            sent, self.sent = self.sent, []
        return sent


def category(path: str) -> str:
    if path.endswith("/" + INDEX):
        return "index"
    if "/assets/javascripts/workers/search." in path or "/assets/javascripts/lunr/" in path:
        return "search_js"
    return "page"


GZIP_SIZES: dict[Path, int] = {}


def gzip_size(site: Path, path: str) -> int:
    file = site / path.lstrip("/")
    if file.is_dir():
        file = file / "index.html"
    if file not in GZIP_SIZES:
        GZIP_SIZES[file] = len(gzip.compress(file.read_bytes(), compresslevel=6)) if file.is_file() else 0
    return GZIP_SIZES[file]


# --- the browser ------------------------------------------------------------------------


def only_local(route) -> None:  # type: ignore[no-untyped-def]
    if urlsplit(route.request.url).hostname == "127.0.0.1":
        route.continue_()
    else:
        route.abort()


def state(page) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return page.evaluate("window.__bench")


def answered(page, query: str, sent: int, timeout_s: float) -> tuple[dict[str, Any], float]:  # type: ignore[no-untyped-def]
    """Wait until `query` was sent to the worker after the first `sent` queries, and every query
    sent is answered.

    Returns the probe's state and when the answer to `query` changed the result list (or, if
    the list did not change within a second, when the answer arrived)."""
    page.wait_for_function(
        """([query, sent]) => { const m = window.__bench;
            return m.posted.length > sent && m.posted[m.posted.length - 1][1] === query
                   && m.answers.length >= m.posted.length; }""",
        arg=[query, sent],
        timeout=timeout_s * 1000,
        polling=20,
    )
    answer_time = state(page)["answers"][-1][0]
    # the result list changes in the same task as the answer, or a frame later
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(f"window.__bench.changes.some(t => t >= {answer_time})", timeout=1000, polling=20)
    bench = state(page)
    return bench, min([t for t in bench["changes"] if t >= answer_time] or [answer_time])


def one_run(browser, base_url: str, queries: list[str], timeout_s: float) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*", only_local)
    context.add_init_script(PROBE)
    page = context.new_page()
    try:
        page.goto(base_url, wait_until="domcontentloaded", timeout=timeout_s * 1000)
        search = page.locator("input.md-search__input")
        search.click()
        search.press_sequentially(queries[0])
        page.wait_for_function("window.__bench.firstItem !== null", timeout=timeout_s * 1000, polling=20)
        bench = state(page)
        index_end = page.evaluate(
            f"""Math.max(0, ...performance.getEntriesByType("resource")
                   .filter(e => e.name.endsWith("/{INDEX}")).map(e => e.responseEnd))"""
        )
        result: dict[str, Any] = {
            "index_ms": index_end,
            "ready_ms": bench["ready"],
            "first_results_ms": bench["firstItem"],
            "longest_task_ms": max((d for s, d in bench["longtasks"] if s <= bench["firstItem"]), default=0.0),
            "blocked_ms": sum(d for s, d in bench["longtasks"] if s <= bench["firstItem"]),
        }
        answered(page, queries[0], 0, timeout_s)  # let the first query settle
        # Material sends a query only when the text changed: leave something else in the box
        search.press("End")
        search.press("Backspace")
        answered(page, queries[0][:-1], 1, timeout_s)
        last_key, typed, worker, slowest = [], [], [], []
        for query in queries:
            # one query: everything but the last character without key events, then the last key
            search.fill(query[:-1])
            sent = len(state(page)["posted"])
            search.press_sequentially(query[-1])
            bench, shown = answered(page, query, sent, timeout_s)
            last_key.append(shown - bench["keydowns"][-1])
            worker.append(bench["answers"][-1][0] - bench["posted"][-1][0])
            # as typed, word by word: every keyup queues a query in the worker
            search.fill("")
            sent = len(state(page)["posted"])
            first, *rest = query.split(" ")
            search.press_sequentially(first, delay=KEY_DELAY_MS)
            for word in rest:
                search.press_sequentially(" " + word, delay=KEY_DELAY_MS)
            bench, shown = answered(page, query, sent, timeout_s)
            typed.append(shown - bench["keydowns"][-1])
            # the worker answers in order: time spent on each query typed, past waiting in the queue
            answers = [t for t, _ in bench["answers"]]
            slowest.append(
                max(answers[i] - max(bench["posted"][i][0], answers[i - 1]) for i in range(sent, len(bench["posted"])))
            )
        result |= {"last_key_ms": last_key, "typed_ms": typed, "worker_ms": worker, "slowest_prefix_ms": slowest}
        return result
    finally:
        context.close()


def measure(site: Path, runs: int, queries: list[str] | None, timeout_s: float) -> dict[str, Any]:
    site = site.resolve()
    documents, derived = derive_queries(site)
    queries = queries or derived
    server = LoggingServer(site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base_url = f"http://127.0.0.1:{server.server_address[1]}/"
    runs_data, downloads = [], []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for number in range(runs):
                    server.take()
                    run = one_run(browser, base_url, queries, timeout_s)
                    time.sleep(0.2)  # let the last responses be logged
                    sent = server.take()
                    totals: dict[str, list[int]] = {}
                    for path, size in sent:
                        raw_gz = totals.setdefault(category(path), [0, 0])
                        raw_gz[0] += size
                        raw_gz[1] += gzip_size(site, path) if size else 0
                    downloads.append((totals, sent))
                    runs_data.append(run)
                    print(
                        f"  run {number + 1}: index {run['index_ms'] / 1000:.2f} s, worker ready "
                        f"{run['ready_ms'] / 1000:.2f} s, first results {run['first_results_ms'] / 1000:.2f} s, "
                        f"last key {', '.join(f'{t:.0f}' for t in run['last_key_ms'])} ms, typed "
                        f"{', '.join(f'{t:.0f}' for t in run['typed_ms'])} ms (slowest query "
                        f"{', '.join(f'{t:.0f}' for t in run['slowest_prefix_ms'])} ms), longest task "
                        f"{run['longest_task_ms']:.0f} ms",
                        flush=True,
                    )
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    totals = downloads[-1][0]
    search_files = sorted({p for p, _ in downloads[-1][1] if category(p) != "page"})

    def median(key: str) -> float:
        values = [r[key] for r in runs_data]
        return statistics.median(v for vs in values for v in (vs if isinstance(vs, list) else [vs]))

    return {
        "site": str(site),
        "documents": documents,
        "queries": queries,
        "search_files": search_files,
        "index": totals.get("index", [0, 0]),
        "search_js": totals.get("search_js", [0, 0]),
        "page": totals.get("page", [0, 0]),
        **{key: median(key) for key in runs_data[0]},
    }


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| papers | search_index.json MB raw (gzip) | search JS KB raw (gzip) | page assets KB raw (gzip) "
        "| index downloaded s | worker ready s | first results s | keystroke to results ms "
        "| typed, last key to results ms | worker per query ms | slowest query while typing ms "
        "| longest main-thread task ms |",
        "|" + "---|" * 12,
    ]
    for r in results:
        lines.append(
            f"| {r['documents']:,} | {r['index'][0] / 1e6:.2f} ({r['index'][1] / 1e6:.2f}) "
            f"| {r['search_js'][0] / 1e3:.0f} ({r['search_js'][1] / 1e3:.0f}) "
            f"| {r['page'][0] / 1e3:.0f} ({r['page'][1] / 1e3:.0f}) "
            f"| {r['index_ms'] / 1000:.2f} | {r['ready_ms'] / 1000:.2f} | {r['first_results_ms'] / 1000:.2f} "
            f"| {r['last_key_ms']:.0f} | {r['typed_ms']:.0f} | {r['worker_ms']:.0f} | {r['slowest_prefix_ms']:.0f} "
            f"| {r['longest_task_ms']:.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--papers", type=int, nargs="+", help="build (or reuse) synthetic sites of these sizes")
    what.add_argument("--site", type=Path, nargs="+", help="measure these already built sites")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bench-search"))
    parser.add_argument("--runs", type=int, default=3, help="fresh browser contexts per site (median)")
    parser.add_argument("--query", action="append", help="query to use (repeatable); default: from the index")
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for one step")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    sites = [synthetic_site(args.workdir, n) for n in args.papers] if args.papers else args.site
    results = []
    for site in sites:
        print(f"{site}:", flush=True)
        result = measure(site, args.runs, args.query, args.timeout)
        print(f"  queries {result['queries']}; search files {result['search_files']}", flush=True)
        results.append(result)
    print()
    print("Medians of", args.runs, "runs; bytes are as served (raw) and gzip -6 of the same files.")
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
