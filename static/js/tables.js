// Phones: each table cell carries its column's label (shown before the value when the table becomes
// cards, see app.css); cells that already have one (set in the template) keep it.
(function () {
  "use strict";
  function label(table) {
    var heads = table.querySelectorAll("thead tr:last-child th");
    if (!heads.length) { return; }
    var names = Array.prototype.map.call(heads, function (th) { return th.textContent.replace(/\s+/g, " ").trim(); });
    Array.prototype.forEach.call(table.querySelectorAll("tbody tr, tfoot tr"), function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.children, function (cell) {
        if (!cell.hasAttribute("data-label") && names[column] && cell.textContent.trim()) {
          cell.setAttribute("data-label", names[column]);
        }
        column += cell.colSpan || 1;
      });
    });
  }
  function all(root) { Array.prototype.forEach.call((root || document).querySelectorAll("table.data"), label); }
  document.addEventListener("DOMContentLoaded", function () { all(document); });
  window.nghean = window.nghean || {};
  window.nghean.labelTables = all;
})();
