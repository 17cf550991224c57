// The index's filters (kind, place, year) and, when the site was indexed by Pagefind, its
// search box. Progressive enhancement: without JavaScript the form stays hidden and the
// index lists every briefing.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  var entries = Array.prototype.slice.call(document.querySelectorAll("article.entry"));
  var shown = document.getElementById("shown");
  var params = new URLSearchParams(window.location.search);
  var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
  selects.forEach(function (s) { if (params.get(s.name)) { s.value = params.get(s.name); } });
  function apply() {
    var count = 0;
    entries.forEach(function (e) {
      var match = selects.every(function (s) { return !s.value || e.dataset[s.name] === s.value; });
      e.hidden = !match;
      if (match) { count += 1; }
    });
    shown.textContent = count === entries.length ? "" : count + " of " + entries.length + " briefings shown";
  }
  selects.forEach(function (s) { s.addEventListener("change", apply); });
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  form.querySelector("button").hidden = true;
  form.hidden = false;
  apply();
  var ui = document.createElement("script");
  ui.src = "pagefind/pagefind-ui.js";
  ui.onload = function () {
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = "pagefind/pagefind-ui.css";
    document.head.appendChild(css);
    new window.PagefindUI({ element: "#search", showSubResults: true, showImages: false });
  };
  ui.onerror = function () { ui.remove(); };
  document.head.appendChild(ui);
}());
