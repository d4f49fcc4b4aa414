// live.js refreshes the parts of a page marked data-live="SECONDS" (the
// proctor's live sittings) in place: it fetches the page again and swaps
// in the parts with the same id, so forms and focus elsewhere are kept.
// Without it, the page reloads itself (a refresh in <noscript>).
(function () {
  "use strict";
  var parts = document.querySelectorAll("[data-live][id]");
  if (!parts.length || !window.fetch || !window.DOMParser) { return; }
  var every = parseInt(parts[0].dataset.live, 10) || 10;
  function refresh() {
    if (document.hidden) { return; }
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        parts.forEach(function (el) {
          var fresh = doc.getElementById(el.id);
          if (fresh) { el.innerHTML = fresh.innerHTML; el.dataset.refreshed = String(Date.now()); }
        });
      })
      .catch(function () {
        parts.forEach(function (el) {
          var s = el.querySelector(".live-status");
          if (s) { s.textContent = "Could not refresh: the list may be out of date."; }
        });
      });
  }
  setInterval(refresh, every * 1000);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { refresh(); } });
})();
