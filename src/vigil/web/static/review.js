// The source view at reviewing speed: keys for the statement cards, a click on a highlight opens
// its card, a card brings its sentence into view, and a review swapped in by htmx recolours the
// highlight without reloading (so the page never jumps). A file, not inline script, for the CSP.
"use strict";
(() => {
  const cards = () => [...document.querySelectorAll("#panel .st-card")];
  const marks = (id) => document.querySelectorAll(`#article mark[data-statement="${id}"]`);
  let current = null;

  function select(card, fromArticle) {
    if (!card) return;
    // every card, not only `current`: a card htmx is still settling carries the old one's classes
    document.querySelectorAll("#panel .st-card.current").forEach((c) => c.classList.remove("current"));
    current = card;
    card.classList.add("current");
    card.focus({preventScroll: true});
    card.scrollIntoView({block: "nearest"});
    document.querySelectorAll("#article mark.current").forEach((m) => m.classList.remove("current"));
    const m = marks(card.dataset.statement);
    m.forEach((x) => x.classList.add("current"));
    if (!fromArticle && m.length) m[0].scrollIntoView({block: "center"});
  }

  function step(by) {
    const all = cards();
    const at = current ? all.findIndex((c) => c.id === current.id) : -1;  // by id: htmx may have replaced it
    select(all[Math.min(Math.max(at + by, 0), all.length - 1)], false);
  }

  function press(selector) {
    const b = current && current.querySelector(selector);
    if (b) b.click();
  }

  document.addEventListener("keydown", (e) => {
    if (!document.getElementById("panel") || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target.closest("input, textarea, select, [contenteditable]")) return;
    const act = {
      j: () => step(1), k: () => step(-1), a: () => press("button.accept"), r: () => press("button.reject"),
      e: () => { const d = current && current.querySelector("details.edit"); if (d) { d.open = true; d.querySelector("select").focus(); } },
      x: () => { const c = current && current.querySelector("input.pick"); if (c) c.checked = !c.checked; },
      n: () => { const n = document.getElementById("next-unreviewed"); if (n) n.click(); },
    }[e.key];
    if (act) { e.preventDefault(); act(); }
  });

  document.addEventListener("click", (e) => {
    const m = e.target.closest("#article mark[data-statement]");
    if (m) { select(document.getElementById(`st-${m.dataset.statement}`), true); return; }
    const c = e.target.closest("#panel .st-card");
    if (c && !e.target.closest("button, input, select, summary, a, label")) select(c, false);
  });

  // a review came back: recolour its highlights at once, clear the picks
  document.body.addEventListener("vigil:reviewed", (e) => {
    for (const one of e.detail.value || []) marks(one.id).forEach((m) => { m.dataset.status = one.status; });
    document.querySelectorAll("#panel input.pick:checked").forEach((c) => { c.checked = false; });
  });

  // htmx has put the new card in place (and given it back its own classes): keep it current
  document.body.addEventListener("htmx:afterSettle", () => {
    if (!current || document.contains(current)) return;
    const card = document.getElementById(current.id);
    if (card) { current = card; card.classList.add("current"); card.focus({preventScroll: true}); }
  });

  document.addEventListener("DOMContentLoaded", () => {
    const hash = location.hash.match(/^#st-(\d+)$/);
    if (hash) select(document.getElementById(`st-${hash[1]}`), false);
  });
})();
