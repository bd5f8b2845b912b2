"""Benchmark: the site's search in headless Chromium: Material's lunr (issue 6) or Pagefind (issue 8).

For each site: the bytes the browser downloads for search, the time until search is ready and
the time from the last keystroke to results, as the median of --runs fresh browser contexts.
The engine is detected from the built site: Pagefind if it holds pagefind/pagefind-entry.json
(archives of generator.search.PAGEFIND_FROM papers or more), else Material's lunr search.

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

Pagefind sites (docs/javascripts/pagefind-search.js imports Pagefind on the first focus of the
search box and fills its filters from api/filters.json; a query is searched 200 ms after the last
key (Pagefind's debouncedSearch), never with fewer than two letters; each query shows up to 20
results, each result's fragment fetched before the list is drawn). Times
are from the page's clock; keystrokes are trusted key events; "results" is the first change of the
result list or count after the keystroke (the script draws only the latest query's answer). Each
run uses two fresh contexts; in both the page is loaded and left idle for a second, then the box
is clicked and the first query entered:
- at once (one input event, `fill`): the bytes of a first query and its results: everything
  under pagefind/ plus pagefind-search.js sent from navigation until its results are drawn and
  the filters loaded (raw bytes of the bodies sent, and gzip -6 of the same files; Pagefind's
  index files are already compressed); from the focus of the box: search loaded (filters filled
  in) and results drawn; the longest main-thread task meanwhile;
- typed while it loads (60 ms a key, each prefix a search): the same bytes (prefixes fetch
  fragments of results never shown), the last key to the results, the focus to the first
  results drawn, and responsiveness: the longest main-thread task and the blocking time (each
  long task's time over 50 ms) until loaded and drawn, and the slowest key event meanwhile
  (Event Timing: from the keystroke to the next paint after its handlers);
- keystroke to results, once loaded (second context, after the first query): for each other
  query, the query minus its last character is filled in and its results drawn, then the last
  key is pressed; from that keydown to the results. "Typed": the box is cleared and the query
  typed at 60 ms a key, from the last keydown to its results. "Year": both again with the year
  filter set to the latest year. Also the bytes of these later queries and the longest task;
- queries (default): the first four words of the middle paper's title (the first query), then
  the rarest long word of its abstract, its two rarest words, its topic (e.g. "adversarial
  robustness") and the last three words of its title; rarity from up to 2,000 paper pages.
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
PAGEFIND_ENTRY = "pagefind/pagefind-entry.json"
PAGEFIND_JS = "/javascripts/pagefind-search.js"
# issue 8's targets at 30,000 papers
BYTES_TARGET_KB = 500  # first query and its results (1 KB = 1,000 bytes)
RESULTS_TARGET_MS = 300  # last keystroke to results, once loaded
RESPONSIVE_MS = 100  # "responsive while it loads": no task or key event slower than this

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


# Pagefind sites: long tasks, key events (Event Timing), the first focus of the search box,
# keydowns, changes to the result list or count, the first result item and the filters loaded.
PAGEFIND_PROBE = """
(() => {
  const m = window.__bench = {longtasks: [], events: [], keydowns: [], changes: [],
                              focus: null, firstItem: null, filters: null};
  try {
    new PerformanceObserver(list => {
      for (const e of list.getEntries()) m.longtasks.push([e.startTime, e.duration]);
    }).observe({type: "longtask", buffered: true});
  } catch (e) {}
  try {
    new PerformanceObserver(list => {
      for (const e of list.getEntries()) m.events.push([e.name, e.startTime, e.duration]);
    }).observe({type: "event", durationThreshold: 16, buffered: true});
  } catch (e) {}
  document.addEventListener("focusin", e => {
    if (m.focus === null && e.target.matches && e.target.matches("input.md-search__input")) m.focus = e.timeStamp;
  }, true);
  document.addEventListener("keydown", e => m.keydowns.push(e.timeStamp), true);
  new MutationObserver(records => {
    const t = performance.now();
    for (const r of records) {
      const node = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      if (node && node.closest && node.closest(".md-search-result")) { m.changes.push(t); break; }
    }
    if (m.firstItem === null && document.querySelector(".md-search-result__item")) m.firstItem = t;
    const tags = document.querySelector('select[name="tag"]');
    if (m.filters === null && tags && tags.options.length > 1) m.filters = t;
  }).observe(document, {childList: true, subtree: true, characterData: true});
})();
"""


def engine_of(site: Path) -> str:
    return "pagefind" if (site / PAGEFIND_ENTRY).exists() else "lunr"


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


def pagefind_queries(site: Path) -> tuple[int, list[str]]:
    """(pages Pagefind indexed; queries from the middle paper page, rarity from a sample)."""
    entry = json.loads((site / PAGEFIND_ENTRY).read_text(encoding="utf-8"))
    documents = sum(language["page_count"] for language in entry["languages"].values())
    pages = sorted((site / "papers").glob("*/index.html"))

    def title_and_abstract(page: Path) -> tuple[str, str]:
        html = page.read_text(encoding="utf-8")
        title = re.search(r'<h1 class="pa-title"[^>]*>(.*?)</h1>', html, re.S)
        abstract = re.search(r'<div class="pa-abstract">\s*<p>(.*?)</p>', html, re.S)
        return strip_html(title[1] if title else ""), strip_html(abstract[1] if abstract else "")

    step = max(1, len(pages) // 2000)
    frequency: Counter[str] = Counter()
    for page in pages[::step]:
        frequency.update(set(re.findall(r"[a-z]{5,}", title_and_abstract(page)[1].lower())))
    title, abstract = title_and_abstract(pages[len(pages) // 2])
    words = sorted(set(re.findall(r"[a-z]{5,}", abstract.lower())))
    rare = sorted(words, key=lambda w: (frequency[w], -len(w), w))
    long_rare = [w for w in rare if len(w) >= 8] or rare
    title_words = title.split()
    # synthetic titles: "<Head> <Topic> with <words> <number>"; else the title's middle words
    topic = title.split(" with ")[0].split(" ", 1)[-1] if " with " in title else " ".join(title_words[1:3])
    queries = [" ".join(title_words[:4]), long_rare[0], f"{rare[0]} {rare[1]}", topic.lower()]
    return documents, [*queries, " ".join(title_words[-3:])]


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
    if path.startswith("/pagefind/"):
        return "pagefind"
    if "/assets/javascripts/workers/search." in path or "/assets/javascripts/lunr/" in path:
        return "search_js"
    if path.endswith(PAGEFIND_JS):
        return "search_js"
    return "page"


def tally(site: Path, sent: list[tuple[str, int]]) -> dict[str, list[int]]:
    """Bytes sent per category: [raw, gzip -6 of the same files, files]."""
    totals: dict[str, list[int]] = {}
    for path, size in sent:
        raw_gz = totals.setdefault(category(path), [0, 0, 0])
        raw_gz[0] += size
        raw_gz[1] += gzip_size(site, path) if size else 0
        raw_gz[2] += 1
    return totals


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


def change_after(page, since: float, timeout_s: float) -> float:  # type: ignore[no-untyped-def]
    """When the result list or count first changed after `since` (page clock, ms)."""
    page.wait_for_function(f"window.__bench.changes.some(t => t > {since})", timeout=timeout_s * 1000, polling=10)
    return min(t for t in state(page)["changes"] if t > since)


def keystroke(page, search, query: str, timeout_s: float) -> float:  # type: ignore[no-untyped-def]
    """Fill in all of `query` but its last character, let its results be drawn, press the last
    key: ms from that keydown to the results."""
    before = page.evaluate("performance.now()")
    search.fill(query[:-1])  # one input event: the script draws its answer (results or none)
    change_after(page, before, timeout_s)
    page.wait_for_timeout(150)
    search.press(query[-1])
    down = state(page)["keydowns"][-1]
    return change_after(page, down, timeout_s) - down


def typed(page, search, query: str, timeout_s: float) -> float:  # type: ignore[no-untyped-def]
    """Clear the box, type `query` at KEY_DELAY_MS a key: ms from the last keydown to its results."""
    search.fill("")
    page.wait_for_timeout(100)
    search.press_sequentially(query, delay=KEY_DELAY_MS)
    down = state(page)["keydowns"][-1]
    return change_after(page, down, timeout_s) - down


def new_page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*", only_local)
    context.add_init_script(PAGEFIND_PROBE)
    return context, context.new_page()


def first_query(page, site: Path, server: LoggingServer, base_url: str, query: str, delay: float, timeout_s: float):  # type: ignore[no-untyped-def]
    """Load the page, let it settle, click the search box and enter `query`: all at once (one input
    event) with delay < 0, else typed at `delay` ms a key. Waits for its results and the filters.

    Returns the search box and the figures (times from the focus of the box)."""
    server.take()
    page.goto(base_url, wait_until="load", timeout=timeout_s * 1000)
    page.wait_for_timeout(1000)  # the page settles: the reader is looking at it
    search = page.locator("input.md-search__input")
    search.click()
    if delay < 0:
        before = page.evaluate("performance.now()")
        search.fill(query)
    else:
        search.press_sequentially(query, delay=delay)
        before = state(page)["keydowns"][-1]
    drawn = change_after(page, before, timeout_s)
    page.wait_for_function("window.__bench.filters !== null", timeout=timeout_s * 1000, polling=20)
    page.wait_for_timeout(500)  # let the last responses be logged
    sent = server.take()
    totals = tally(site, sent)
    bench = state(page)
    focus = bench["focus"]
    loaded = max(drawn, bench["filters"])
    tasks = [d for start, d in bench["longtasks"] if focus - 50 <= start <= loaded]
    keys = [d for name, start, d in bench["events"] if name.startswith("key") and focus <= start <= loaded]
    return search, {
        "bytes": sum(totals.get(c, [0])[0] for c in ("pagefind", "search_js")),
        "gzip": sum(totals.get(c, [0, 0])[1] for c in ("pagefind", "search_js")),
        "files": sum(totals.get(c, [0, 0, 0])[2] for c in ("pagefind", "search_js")),
        "page_bytes": totals.get("page", [0])[0],
        "loaded_ms": bench["filters"] - focus,
        "first_results_ms": bench["firstItem"] - focus,
        "results_ms": drawn - focus,
        "after_key_ms": drawn - before,  # from the last keydown (typed) or the fill (at once)
        "longest_task_ms": max(tasks, default=0.0),
        "blocked_ms": sum(max(0.0, d - 50) for d in tasks),
        "slowest_key_ms": max(keys, default=0.0),
        "_files": [(path, size) for path, size in sent if category(path) != "page"],
    }


def pagefind_run(browser, site: Path, server: LoggingServer, base_url: str, queries: list[str], timeout_s: float):  # type: ignore[no-untyped-def]
    """Two fresh contexts: the first query typed while Pagefind loads (at KEY_DELAY_MS a key),
    then the first query entered at once, followed by the queries once loaded."""
    result: dict[str, Any] = {}
    context, page = new_page(browser)
    try:
        _, typed_first = first_query(page, site, server, base_url, queries[0], KEY_DELAY_MS, timeout_s)
        result |= {f"typed_{key}": value for key, value in typed_first.items()}
    finally:
        context.close()
    context, page = new_page(browser)
    try:
        search, once = first_query(page, site, server, base_url, queries[0], -1, timeout_s)
        result |= {f"once_{key}": value for key, value in once.items()}
        warm_start = page.evaluate("performance.now()")
        last_key, typed_ms, year_key, year_typed = [], [], [], []
        for query in queries[1:]:
            last_key.append(keystroke(page, search, query, timeout_s))
            typed_ms.append(typed(page, search, query, timeout_s))
        years = page.eval_on_selector_all('select[name="year"] option', "os => os.map(o => o.value).filter(Boolean)")
        if years:
            search.fill("")
            before = page.evaluate("performance.now()")
            page.select_option('select[name="year"]', max(years))
            change_after(page, before, timeout_s)
            for query in queries[1:]:
                year_key.append(keystroke(page, search, query, timeout_s))
                year_typed.append(typed(page, search, query, timeout_s))
            page.select_option('select[name="year"]', "")
        page.wait_for_timeout(300)
        later = tally(site, server.take())
        bench = state(page)
        result |= {
            "last_key_ms": last_key,
            "typed_ms": typed_ms,
            "year_key_ms": year_key or [0.0],
            "year_typed_ms": year_typed or [0.0],
            "later_bytes": sum(later.get(c, [0])[0] for c in ("pagefind", "search_js")),
            "longest_task_warm_ms": max((d for s, d in bench["longtasks"] if s >= warm_start), default=0.0),
        }
    finally:
        context.close()
    return result


def measure_pagefind(site: Path, runs: int, queries: list[str] | None, timeout_s: float) -> dict[str, Any]:
    documents, derived = pagefind_queries(site)
    queries = queries or derived
    server = LoggingServer(site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base_url = f"http://127.0.0.1:{server.server_address[1]}/"
    runs_data = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for number in range(runs):
                    run = pagefind_run(browser, site, server, base_url, queries, timeout_s)
                    runs_data.append(run)
                    print(
                        f"  run {number + 1}: first query at once {run['once_bytes'] / 1e3:.0f} KB "
                        f"({run['once_gzip'] / 1e3:.0f} KB gzip, {run['once_files']} files), loaded "
                        f"{run['once_loaded_ms']:.0f} ms, results {run['once_results_ms']:.0f} ms, longest task "
                        f"{run['once_longest_task_ms']:.0f} ms; typed {run['typed_bytes'] / 1e3:.0f} KB "
                        f"({run['typed_files']} files), loaded {run['typed_loaded_ms']:.0f} ms, first results "
                        f"{run['typed_first_results_ms']:.0f} ms, last key to its results "
                        f"{run['typed_after_key_ms']:.0f} ms, "
                        f"longest task {run['typed_longest_task_ms']:.0f} ms, slowest key "
                        f"{run['typed_slowest_key_ms']:.0f} ms; last key "
                        f"{', '.join(f'{t:.0f}' for t in run['last_key_ms'])} ms, typed "
                        f"{', '.join(f'{t:.0f}' for t in run['typed_ms'])} ms; with the year filter, last key "
                        f"{', '.join(f'{t:.0f}' for t in run['year_key_ms'])} ms, typed "
                        f"{', '.join(f'{t:.0f}' for t in run['year_typed_ms'])} ms; longest task later "
                        f"{run['longest_task_warm_ms']:.0f} ms",
                        flush=True,
                    )
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
    result: dict[str, Any] = {"site": str(site), "engine": "pagefind", "documents": documents, "queries": queries}
    result["search_files"] = runs_data[-1]["once__files"]
    result["search_files_typed"] = runs_data[-1]["typed__files"]
    for key in (key for key in runs_data[0] if not key.endswith("__files")):
        values = [v for r in runs_data for v in (r[key] if isinstance(r[key], list) else [r[key]])]
        result[key] = statistics.median(values)
        result[key + "_max"] = max(values)
    return result


def measure(site: Path, runs: int, queries: list[str] | None, timeout_s: float) -> dict[str, Any]:
    site = site.resolve()
    if engine_of(site) == "pagefind":
        return measure_pagefind(site, runs, queries, timeout_s)
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
        "engine": "lunr",
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


def by_folder(files: list[tuple[str, int]]) -> str:
    """'path: bytes' per file, and per folder for pagefind/index, fragment and filter files."""
    totals: dict[str, list[int]] = {}
    for path, size in files:
        parts = path.split("/")
        key = "/".join(parts[:3]) + "/*" if len(parts) > 3 else path
        total = totals.setdefault(key, [0, 0])
        total[0] += size
        total[1] += 1
    return ", ".join(f"{key} {size / 1e3:.1f} KB ({count})" for key, (size, count) in totals.items())


def pagefind_table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| papers | first query at once: search KB raw (gzip), files | typed while loading: KB, files "
        "| focus to loaded ms | focus to results ms: at once | typed while loading: last key to results ms "
        "(focus to first drawn) "
        "| last key to results ms median (max) | typed, last key to results ms median (max) "
        "| year filter: last key / typed ms median (max) | longest task while loading ms: at once / typed (blocking) "
        "| slowest key event while loading ms | longest task once loaded ms | later queries KB |",
        "|" + "---|" * 13,
    ]
    for r in results:
        lines.append(
            f"| {r['documents']:,} | {r['once_bytes'] / 1e3:.0f} ({r['once_gzip'] / 1e3:.0f}), {r['once_files']:.0f} "
            f"| {r['typed_bytes'] / 1e3:.0f}, {r['typed_files']:.0f} | {r['once_loaded_ms']:.0f} "
            f"| {r['once_results_ms']:.0f} | {r['typed_after_key_ms']:.0f} ({r['typed_first_results_ms']:.0f}) "
            f"| {r['last_key_ms']:.0f} ({r['last_key_ms_max']:.0f}) | {r['typed_ms']:.0f} ({r['typed_ms_max']:.0f}) "
            f"| {r['year_key_ms']:.0f} ({r['year_key_ms_max']:.0f}) / {r['year_typed_ms']:.0f} "
            f"({r['year_typed_ms_max']:.0f}) "
            f"| {r['once_longest_task_ms']:.0f} / {r['typed_longest_task_ms']:.0f} ({r['typed_blocked_ms']:.0f}) "
            f"| {r['typed_slowest_key_ms']:.0f} | {r['longest_task_warm_ms']:.0f} | {r['later_bytes'] / 1e3:.0f} |"
        )
    return "\n".join(lines)


def pagefind_verdicts(r: dict[str, Any]) -> str:
    slowest = max(r["last_key_ms_max"], r["year_key_ms_max"])
    typed_slowest = max(r["typed_ms_max"], r["year_typed_ms_max"])
    responsive = max(r["once_longest_task_ms_max"], r["typed_longest_task_ms_max"], r["typed_slowest_key_ms_max"])
    most = r["once_bytes_max"]
    return (
        f"{r['documents']:,} papers: first query and its results {most / 1e3:.0f} KB at most "
        f"(target {BYTES_TARGET_KB} KB: {'met' if most <= BYTES_TARGET_KB * 1e3 else 'NOT met'}; typed while "
        f"loading {r['typed_bytes_max'] / 1e3:.0f} KB at most); slowest last keystroke to results {slowest:.0f} ms "
        f"(target {RESULTS_TARGET_MS} ms: {'met' if slowest <= RESULTS_TARGET_MS else 'NOT met'}), typed at "
        f"{KEY_DELAY_MS} ms a key {typed_slowest:.0f} ms ({'met' if typed_slowest <= RESULTS_TARGET_MS else 'NOT met'})"
        "; while loading, "
        f"longest task or key event {responsive:.0f} ms (responsive, at most {RESPONSIVE_MS} ms: "
        f"{'met' if responsive <= RESPONSIVE_MS else 'NOT met'})"
    )


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
        if result["engine"] == "pagefind":
            print(f"  queries {result['queries']}", flush=True)
            for label, files in (("at once", result["search_files"]), ("typed", result["search_files_typed"])):
                print(f"  first query {label}, bytes sent per file or folder: {by_folder(files)}", flush=True)
        else:
            print(f"  queries {result['queries']}; search files {result['search_files']}", flush=True)
        results.append(result)
    lunr = [r for r in results if r["engine"] == "lunr"]
    pagefind = [r for r in results if r["engine"] == "pagefind"]
    print()
    print("Medians of", args.runs, "runs; bytes are as served (raw) and gzip -6 of the same files.")
    if lunr:
        print(table(lunr))
    if pagefind:
        print()
        print(pagefind_table(pagefind))
        print()
        for r in pagefind:
            print(pagefind_verdicts(r))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
