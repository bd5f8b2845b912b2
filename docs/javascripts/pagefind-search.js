// Paper Archive: the search box of large archives, driven by Pagefind.
// It fills Material's search markup (overrides/partials/search.html) the way Material's own
// search does, so results look the same; Pagefind downloads only the index chunks a query
// needs. Pagefind is loaded when the reader first focuses the search box.
(() => {
  const root = document.querySelector('[data-md-component="pagefind"]');
  if (!root) return;
  const toggle = document.getElementById("__search");
  const form = root.querySelector("form");
  const input = root.querySelector(".md-search__input");
  const meta = root.querySelector(".md-search-result__meta");
  const list = root.querySelector(".md-search-result__list");
  const selects = Object.fromEntries(
    ["tag", "year", "code"].map((name) => [name, root.querySelector(`select[name="${name}"]`)]).filter(([, select]) => select));
  const bundle = new URL(root.dataset.pagefindBundle, location.href);
  const MAX_RESULTS = 20;
  const DEBOUNCE_MS = 200; // typing fast: only the query the reader stops at is searched
  const MIN_QUERY = 2; // one letter matches nearly everything
  let pagefind = null;
  let latest = 0;

  function load() {
    if (!pagefind) {
      // the filters' options come from the generator (a few KB), not from Pagefind's
      // filters(), which downloads every filter index before the first query; so does the
      // number of indexes: one per block of papers (generator/pagefind.py), the first loaded,
      // the others merged into it (they share its WebAssembly)
      const values = fetch(new URL("../api/filters.json", bundle)).then((response) => {
        if (!response.ok) throw new Error(`api/filters.json: ${response.status}`);
        return response.json();
      });
      values.then(fillFilters, () => {});
      pagefind = Promise.all([values, import(new URL("0/pagefind.js", bundle).href)]).then(async ([{ indexes }, module]) => {
        const baseUrl = new URL("..", bundle).pathname;
        await module.options({ baseUrl });
        await module.init();
        const others = Array.from({ length: Math.max(0, indexes - 1) }, (_, index) => new URL(`${index + 1}/`, bundle).pathname);
        await Promise.all(others.map((path) => module.mergeIndex(path, { baseUrl })));
        return module;
      });
    }
    return pagefind;
  }

  function fillFilters(filters) {
    const order = {
      tag: (a, b) => b[1] - a[1] || a[0].localeCompare(b[0]),
      year: (a, b) => b[0].localeCompare(a[0]),
      code: () => 0,
    };
    const label = { code: () => "With code" };
    for (const [name, select] of Object.entries(selects)) {
      select.options.length = 1; // "any": filled once, even when loading is tried again
      const values = Object.entries(filters[name] || {}).sort(order[name]);
      for (const [value, count] of values) select.append(new Option(`${(label[name] || String)(value)} (${count})`, value));
    }
  }

  // The excerpt Pagefind returns marks the matched words with <mark>: keep those, show
  // everything else as text.
  function excerpt(html) {
    const paragraph = document.createElement("p");
    const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html").body;
    for (const node of parsed.childNodes) {
      if (node.nodeName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = node.textContent;
        paragraph.append(mark);
      } else {
        paragraph.append(node.textContent);
      }
    }
    return paragraph;
  }

  function item(result) {
    const li = document.createElement("li");
    li.className = "md-search-result__item";
    const link = document.createElement("a");
    link.className = "md-search-result__link";
    link.href = result.url;
    link.tabIndex = -1;
    const article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    const title = document.createElement("h1");
    title.textContent = result.meta.title;
    article.append(title, excerpt(result.excerpt));
    link.append(article);
    li.append(link);
    return li;
  }

  // Filters narrow the results of a query. A search with no words would make Pagefind
  // download nearly its whole index (9.5 MB at 30,000 papers), so an empty box only says so.
  async function run() {
    const query = input.value.trim();
    const filters = {};
    for (const [name, select] of Object.entries(selects)) if (select.value) filters[name] = select.value;
    const ticket = ++latest;
    if (query.length < MIN_QUERY) {
      meta.textContent = Object.keys(filters).length ? "Type a word to search within the filters" : "Type to start searching";
      list.replaceChildren();
      return;
    }
    let module;
    try {
      module = await load();
    } catch {
      pagefind = null; // the next keystroke tries again
      if (ticket === latest) meta.textContent = "The search index could not be loaded: check the connection and type again";
      return;
    }
    const search = await module.debouncedSearch(query, { filters }, DEBOUNCE_MS);
    if (search === null || ticket !== latest) return; // a newer query is on its way
    const results = await Promise.all(search.results.slice(0, MAX_RESULTS).map((r) => r.data()));
    if (ticket !== latest) return;
    const count = search.results.length;
    meta.textContent = count === 0 ? "No matching papers" : count === 1 ? "1 matching paper" : `${count} matching papers`;
    list.replaceChildren(...results.map(item));
  }

  input.addEventListener("focus", () => {
    toggle.checked = true;
    load().catch(() => (pagefind = null)); // run() says so when the reader types
  });
  input.addEventListener("input", run);
  for (const select of Object.values(selects)) select.addEventListener("change", run);
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("reset", () => setTimeout(run));
  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest("input, select, textarea, [contenteditable]");
    if (event.key === "Escape" && toggle.checked) {
      toggle.checked = false;
      input.blur();
    } else if (!typing && (event.key === "/" || event.key === "s" || event.key === "f")) {
      event.preventDefault();
      input.focus();
    }
  });
})();
