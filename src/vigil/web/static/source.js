// The source view's "add a statement the machine missed": selecting a passage of the article fills in
// the form's start, end and sentence. A file rather than inline script, so pages run under the
// Content-Security-Policy (script-src 'self'). base.html loads it on every page, because an
// htmx-boosted form (the capture form) swaps in the source view's body without its head; it does
// nothing where there is no such form. The article's text comes from #article's data-text, as JSON
// (tojson), so that every character, carriage returns included, keeps its offset.
"use strict";
document.addEventListener("mouseup", () => {
  const sel = window.getSelection(), art = document.getElementById("article"), f = document.getElementById("add-form");
  if (!f || !art || !sel || !sel.rangeCount || sel.isCollapsed || !art.contains(sel.anchorNode)) return;
  const text = JSON.parse(art.dataset.text || '""');
  const picked = sel.toString().replace(/\s+/g, " ").trim();
  const at = text.indexOf(picked);
  if (!picked || at < 0) return;
  document.getElementById("sel-start").value = at;
  document.getElementById("sel-end").value = at + picked.length;
  document.getElementById("sel-text").textContent = picked;
  document.getElementById("add").open = true;
});
