// Paper Archive: the copy buttons of a paper page's "Cite" section.
// A button with data-copy="title-link" copies the paper's title and its address;
// data-copy="#id" copies the text of that element (the BibTeX entry).
document.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const what = button.dataset.copy;
  let text;
  if (what === "title-link") {
    const canonical = document.querySelector('link[rel="canonical"]');
    const address = canonical ? canonical.href : location.href.split("#")[0];
    text = `${document.querySelector("h1.pa-title").textContent.trim()}\n${address}`;
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
