// Paper Archive: a paper page's "Find this paper" and "Cite" sections. Loaded from the head.
//
// Both are made here, from what the page shows (its title, its address, the day it was
// first listed and, for a paper resolved on arXiv, its id, authors and publication day), rather than written into each of the archive's pages: they repeat the title
// four and three times and were a third of a paper page's HTML. Text goes in as text, never
// as HTML. `paperArchive` exposes the pure functions to tests.
(() => {
  const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
  // LaTeX's special characters and their escapes, applied in one pass
  const SPECIAL = {
    "\\": "\\textbackslash{}", "{": "\\{", "}": "\\}", "&": "\\&", "%": "\\%",
    "$": "\\$", "#": "\\#", "_": "\\_", "~": "\\textasciitilde{}", "^": "\\textasciicircum{}",
  };

  // Text safe inside a braced BibTeX field: LaTeX specials escaped, spaces collapsed.
  const escapeLatex = (text) =>
    text.split(/\s+/).filter(Boolean).join(" ").replace(/[\\{}&%$#_~^]/g, (char) => SPECIAL[char]);

  // The entry's key: the paper's slug (unique in the archive and stable).
  const citeKey = (slug) => slug.replace(/[^A-Za-z0-9_:-]+/g, "-").replace(/^-+|-+$/g, "") || "paper";

  // A BibTeX @misc entry. For a paper resolved on arXiv (`arxiv`: its id): its authors,
  // publication year and month, eprint and archivePrefix, and its arXiv address; otherwise the
  // page's address (as `url` for biblatex and natbib, as `howpublished` for classic styles;
  // left out when unknown) and the day first listed. Dates are "YYYY-MM-DD".
  const bibtex = ({ slug, title, url, listed, arxiv, published, authors = [] }) => {
    const fields = [["title", `{${escapeLatex(title)}}`]];
    if (authors.length) fields.push(["author", authors.map(escapeLatex).join(" and ")]);
    const day = arxiv && published ? published : listed;
    if (arxiv) {
      fields.push(["eprint", arxiv], ["archivePrefix", "arXiv"], ["url", `https://arxiv.org/abs/${arxiv}`]);
    } else {
      if (url) fields.push(["howpublished", `\\url{${url}}`], ["url", url]);
      fields.push(["note", `Listed on Hugging Face Papers, ${listed}`]);
    }
    fields.push(["year", day.slice(0, 4)]);
    const body = fields.map(([name, value]) => `  ${name} = {${value}}`).join(",\n");
    return `@misc{${citeKey(slug)},\n${body},\n  month = ${MONTHS[Number(day.slice(5, 7)) - 1]},\n}\n`;
  };

  // Where to look the paper up, by title (encoded as Python's urllib.parse.quote_plus does).
  const searchLinks = (title) => {
    const q = encodeURIComponent(title)
      .replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
      .replace(/%20/g, "+");
    return [
      ["arXiv", `https://arxiv.org/search/?query=${q}&searchtype=title`],
      ["Hugging Face Papers", `https://huggingface.co/papers?q=${q}`],
      ["Semantic Scholar", `https://www.semanticscholar.org/search?q=${q}`],
      ["Google Scholar", `https://scholar.google.com/scholar?q=${q}`],
    ];
  };

  const element = (name, properties = {}, children = []) => {
    const node = Object.assign(document.createElement(name), properties);
    node.append(...children);
    return node;
  };

  // The paper shown by this page, or null on other pages.
  const shownPaper = () => {
    const heading = document.querySelector("h1.pa-title");
    const day = document.querySelector(".pa-listed a");
    if (!heading || !day) return null;
    const canonical = document.querySelector('link[rel="canonical"]');
    const address = canonical ? canonical.href : "";
    const path = (address ? new URL(address) : location).pathname;
    const [, year, month, date] = day.getAttribute("href").match(/(\d{4})\/(\d{2})\/(\d{2})\/$/);
    const box = heading.closest(".pa-paper");
    const names = document.querySelectorAll(".pa-all-authors .pa-author").length
      ? document.querySelectorAll(".pa-all-authors .pa-author")
      : document.querySelectorAll(".pa-authors .pa-author");
    return {
      slug: path.replace(/\/$/, "").split("/").pop(),
      title: heading.textContent,
      url: address,
      listed: `${year}-${month}-${date}`,
      arxiv: box ? box.dataset.arxiv || "" : "",
      published: box ? box.dataset.published || "" : "",
      authors: [...names].map((name) => name.textContent),
    };
  };

  // "Find this paper" goes after the related papers, "Cite" at the end of the page's sections.
  const fill = (paper) => {
    const more = document.querySelector(".pa-more");
    if (!more) return;
    if (!paper.arxiv) { // a resolved paper links to arXiv itself: no need to search for it
      const links = searchLinks(paper.title).map(([name, href]) =>
        element("li", {}, [element("a", { href, textContent: name })]));
      const find = [element("h2", { textContent: "Find this paper" }), element("ul", { className: "pa-find" }, links)];
      const related = more.querySelector("ul.pa-related");
      if (related) related.after(...find);
      else more.prepend(...find);
    }
    const button = (copy, label) => {
      const node = element("button", { type: "button", className: "md-button", textContent: label });
      node.dataset.copy = copy;
      return node;
    };
    more.append(
      element("h2", { textContent: "Cite" }),
      element("p", { className: "pa-cite" }, [
        button("title-link", "Copy title and link"), " ", button("#bibtex", "Copy BibTeX"),
      ]),
      element("pre", { className: "pa-bibtex" }, [element("code", { id: "bibtex", textContent: bibtex(paper) })]),
    );
  };

  // A button with data-copy="title-link" copies the paper's title and its address;
  // data-copy="#id" copies the text of that element (the BibTeX entry).
  document.addEventListener("click", async (event) => {
    const button = event.target.closest("button[data-copy]");
    if (!button) return;
    const what = button.dataset.copy;
    let text;
    if (what === "title-link") {
      const paper = shownPaper();
      text = `${paper.title.trim()}\n${paper.url || location.href.split("#")[0]}`;
    } else {
      text = document.querySelector(what).textContent;
    }
    const label = button.textContent;
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = "Copied";
    } catch (error) {
      button.textContent = "Copy failed: select the text instead";
    }
    setTimeout(() => { button.textContent = label; }, 2000);
  });

  // The page calls this right after its content (overrides/lean.html, overrides/main.html), so
  // both sections are there before the page is first shown: made later (this script used to run
  // at the end of the page), they pushed down what was already on screen (a layout shift of 0.3
  // on a short paper page).
  let filled = false;
  const fillPage = () => {
    const paper = filled ? null : shownPaper();
    if (paper) fill(paper);
    filled = true;
  };

  window.paperArchive = { bibtex, citeKey, escapeLatex, searchLinks, fill: fillPage };
  // a page that does not call it (or this script loaded late) is filled once parsed
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fillPage);
  else fillPage();
})();
