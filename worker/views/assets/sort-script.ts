/**
 * The only script of the report pages, served as /assets/sort.js (CSP: script-src 'self'). It
 * makes every `table.sortable` sortable by a click on a column header's button: numbers by their
 * `data-v`, text by its content; rows without a value (a run of gap days: one cell across the
 * row) stay last. No inline handler.
 */
export const SORT_SCRIPT = `"use strict";
(function () {
  function value(row, i) {
    var cell = row.cells[i];
    if (!cell) return null;
    var v = cell.getAttribute("data-v");
    if (v === null) return cell.textContent.trim().toLowerCase();
    if (v === "") return null;
    var n = Number(v);
    return isNaN(n) ? v.toLowerCase() : n;
  }
  function sort(table, th, i) {
    var body = table.tBodies[0];
    if (!body) return;
    var numeric = th.getAttribute("data-type") === "num";
    var current = th.getAttribute("aria-sort");
    var dir = current === "descending" ? "ascending" : current === "ascending" ? "descending" : numeric ? "descending" : "ascending";
    var heads = table.tHead.rows[0].cells;
    for (var k = 0; k < heads.length; k++) heads[k].removeAttribute("aria-sort");
    th.setAttribute("aria-sort", dir);
    var rows = Array.prototype.slice.call(body.rows);
    var sign = dir === "ascending" ? 1 : -1;
    rows.forEach(function (r, n) { r._order = n; });
    rows.sort(function (a, b) {
      var x = value(a, i), y = value(b, i);
      if (x === null && y === null) return a._order - b._order;
      if (x === null) return 1;
      if (y === null) return -1;
      if (x < y) return -sign;
      if (x > y) return sign;
      return a._order - b._order;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  var tables = document.querySelectorAll("table.sortable");
  Array.prototype.forEach.call(tables, function (table) {
    if (!table.tHead) return;
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, i) {
      var button = th.querySelector("button");
      if (button) button.addEventListener("click", function () { sort(table, th, i); });
    });
  });
})();
`;
