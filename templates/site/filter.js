// The index's filters (kind, place, year) and, when the site was indexed by Pagefind, its
// search box. Progressive enhancement: without JavaScript the form stays hidden and the
// index lists every briefing.
(function () {
  "use strict";
  var search = document.getElementById("search");
  if (search) {
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = search.dataset.bundle + "pagefind-ui.css";
    document.head.appendChild(css);
    var ui = document.createElement("script");
    ui.src = search.dataset.bundle + "pagefind-ui.js";
    ui.onload = function () {
      new window.PagefindUI({ element: "#search", showSubResults: true, showImages: false });
      var input = search.querySelector("input");
      if (input) { // a visible label, not just a placeholder
        input.id = "search-input";
        var label = document.createElement("label");
        label.htmlFor = "search-input";
        label.className = "search-label";
        label.textContent = "Search the briefings";
        search.parentNode.insertBefore(label, search);
      }
    };
    document.head.appendChild(ui);
  }
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
  var button = form.querySelector("button");
  if (button) { button.hidden = true; }
  form.hidden = false;
  apply();
}());
