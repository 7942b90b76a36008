/*
 * Phones: a data table becomes a stack of cards (app.css, max-width 640px). Each cell needs the name
 * of its column to be read on its own; this copies the column heading into data-label. Tables with
 * grouped headings (several heading rows) keep their table layout and scroll inside their box.
 */
(function () {
  'use strict';
  function label(table) {
    var rows = table.tHead ? table.tHead.rows : [];
    if (rows.length !== 1) return;
    var names = [];
    Array.prototype.forEach.call(rows[0].cells, function (th) {
      for (var i = 0; i < (th.colSpan || 1); i++) names.push(th.textContent.replace(/\s+/g, ' ').trim());
    });
    Array.prototype.forEach.call(table.tBodies, function (tbody) {
      Array.prototype.forEach.call(tbody.rows, function (tr) {
        var col = 0;
        Array.prototype.forEach.call(tr.cells, function (td) {
          if (!td.hasAttribute('data-label') && (td.colSpan || 1) === 1)
            td.setAttribute('data-label', names[col] || '');
          col += td.colSpan || 1;
        });
      });
    });
    table.classList.add('stack');
  }
  function run() {
    Array.prototype.forEach.call(document.querySelectorAll('table.grid'), label);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', run);
  else run();
})();
