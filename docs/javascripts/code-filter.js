// Paper Archive: "Only papers with code" in Material's search (small archives, lunr).
// Material renders the results; this hides those that are not papers with code while the box
// is ticked. Which papers have code comes from api/code.json (their slugs), fetched the first
// time the box is ticked. Pagefind's search box (large archives) has its own filter.
(() => {
  const source = new URL("../api/code.json", document.currentScript.src);
  const start = () => {
    const box = document.querySelector('input[name="pa-code"]');
    const list = document.querySelector('[data-md-component="search-result"] .md-search-result__list');
    if (!box || !list) return;
    let withCode = null;
    const slugOf = (href) => {
      const parts = new URL(href, location.href).pathname.split("/").filter(Boolean);
      return parts.length >= 2 && parts[parts.length - 2] === "papers" ? parts[parts.length - 1] : null;
    };
    const meta = list.parentElement.querySelector(".md-search-result__meta");
    const apply = () => {
      let shown = 0;
      for (const item of list.children) {
        const link = item.querySelector("a[href]");
        item.hidden = box.checked && withCode !== null && !(link && withCode.has(slugOf(link.href)));
        shown += !item.hidden;
      }
      const note = meta.querySelector(".pa-code-note") || meta.appendChild(document.createElement("span"));
      note.className = "pa-code-note";
      note.textContent = box.checked && withCode !== null ? `, ${shown} shown with code` : "";
    };
    box.addEventListener("change", async () => {
      if (box.checked && withCode === null) {
        withCode = new Set(await (await fetch(source)).json());
      }
      apply();
    });
    new MutationObserver(apply).observe(list, { childList: true });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
