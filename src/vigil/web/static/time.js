// Record times in the reader's own zone, to the minute; the UTC value stays on hover (title).
document.addEventListener("DOMContentLoaded", localTimes);
document.addEventListener("htmx:afterSwap", localTimes);
function localTimes() {
  const fmt = new Intl.DateTimeFormat(undefined, {day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short"});
  for (const t of document.querySelectorAll("time[data-local]")) {
    const d = new Date(t.getAttribute("datetime"));
    if (!isNaN(d)) { t.textContent = fmt.format(d); t.removeAttribute("data-local"); }
  }
}
