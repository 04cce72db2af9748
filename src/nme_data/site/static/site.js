/* nme-data site: sorting and filtering on table pages, pop-ups on the article page.
   Everything here only enhances HTML that is complete without it. No network, no libraries. */
(function () {
  "use strict";

  function text(cell) {
    return (cell.getAttribute("data-value") !== null ? cell.getAttribute("data-value") : cell.textContent) || "";
  }

  function sortKey(cell, kind) {
    var raw = cell.getAttribute("data-sort");
    var value = text(cell);
    if (value === "") return null;
    if (kind === "number" || kind === "enum") {
      var number = parseFloat(raw);
      return isNaN(number) ? null : number;
    }
    return value.toLowerCase();
  }

  function setUpTable(table) {
    var form = document.querySelector("form.controls");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var headers = table.tHead.rows[0].cells;
    var status = form ? form.querySelector("[data-status]") : null;
    var search = form ? form.querySelector("[data-filter-text]") : null;
    var columnIndex = {};
    Array.prototype.forEach.call(headers, function (th, index) {
      columnIndex[th.getAttribute("data-column") || th.textContent.trim()] = index;
    });
    /* what the text filter searches: the words shown and the codes behind them (on hover), not the quotes */
    var haystacks = rows.map(function (row) {
      var cells = Array.prototype.filter.call(row.cells, function (cell) {
        return !cell.classList.contains("reading");
      });
      return cells.map(function (cell) {
        var codes = Array.prototype.map.call(cell.querySelectorAll("[title]"), function (node) {
          return node.getAttribute("title");
        });
        if (cell.hasAttribute("title")) codes.push(cell.getAttribute("title"));
        return cell.textContent + " " + codes.join(" ");
      }).join(" ").toLowerCase();
    });

    function apply() {
      var needle = search ? search.value.trim().toLowerCase() : "";
      var chosen = {};
      if (form) {
        Array.prototype.forEach.call(form.querySelectorAll("fieldset[data-facet]"), function (set) {
          var values = [];
          Array.prototype.forEach.call(set.querySelectorAll("input:checked"), function (box) {
            values.push(box.value);
          });
          if (values.length) chosen[set.getAttribute("data-facet")] = values;
        });
      }
      var shown = 0;
      rows.forEach(function (row, position) {
        var visible = !needle || haystacks[position].indexOf(needle) >= 0;
        Object.keys(chosen).forEach(function (column) {
          var cell = row.cells[columnIndex[column]];
          if (!cell || chosen[column].indexOf(text(cell)) < 0) visible = false;
        });
        row.hidden = !visible;
        if (visible) shown += 1;
      });
      if (status) status.textContent = shown + " of " + rows.length + " rows shown";
    }

    Array.prototype.forEach.call(headers, function (th, index) {
      var kind = th.getAttribute("data-kind");
      if (kind === "none") return;
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent;
      button.setAttribute("aria-label", "Sort by " + th.textContent);
      th.textContent = "";
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (other) {
          if (other.hasAttribute("aria-sort")) other.setAttribute("aria-sort", "none");
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var order = rows.map(function (row, position) {
          return { row: row, key: sortKey(row.cells[index], kind), position: position };
        });
        order.sort(function (a, b) {
          if (a.key === b.key) return a.position - b.position;
          if (a.key === null) return 1; /* missing values last either way */
          if (b.key === null) return -1;
          var result = a.key < b.key ? -1 : 1;
          return ascending ? result : -result;
        });
        order.forEach(function (item) {
          body.appendChild(item.row);
        });
      });
    });

    if (form) {
      form.hidden = false;
      form.addEventListener("input", apply);
      form.addEventListener("change", apply);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
      });
      form.addEventListener("reset", function () {
        window.setTimeout(apply, 0);
      });
      apply();
    }
  }

  function setUpQuotes() {
    var marks = document.querySelectorAll("mark.quote[id]");
    var panel = document.querySelector("[data-cited]");
    var aside = panel ? panel.closest("aside") : null;
    function panelShown() {
      /* wide screens show the panel (CSS); there it replaces the pop-up, which would cover the text */
      var shown = !!aside && window.getComputedStyle(aside).display !== "none";
      document.body.classList.toggle("has-panel", shown);
    }
    panelShown();
    window.addEventListener("resize", panelShown);
    function cite(mark, tip) {
      /* the side panel (wide screens) lists the rows of the passage last hovered or focused */
      if (!panel || !tip) return;
      panel.textContent = "";
      Array.prototype.forEach.call(tip.childNodes, function (node) {
        panel.appendChild(node.cloneNode(true));
      });
      panel.setAttribute("data-passage", mark.id);
    }
    Array.prototype.forEach.call(marks, function (mark) {
      var trigger = mark.querySelector(".quote-text");
      if (!trigger) return;
      var tip = mark.querySelector(".tip");
      mark.addEventListener("mouseenter", function () {
        cite(mark, tip);
      });
      function expanded(open) {
        trigger.setAttribute("aria-expanded", open ? "true" : "false");
      }
      function keepInView() {
        /* a pop-up near the right edge moves left rather than off the screen */
        if (!tip) return;
        tip.style.left = "";
        var overflow = tip.getBoundingClientRect().right - (document.documentElement.clientWidth - 8);
        if (overflow > 0) tip.style.left = -overflow + "px";
      }
      mark.addEventListener("mouseenter", keepInView);
      mark.addEventListener("focusin", function () {
        cite(mark, tip);
        mark.classList.remove("closed");
        expanded(true);
        keepInView();
      });
      mark.addEventListener("focusout", function (event) {
        if (!mark.contains(event.relatedTarget)) {
          mark.classList.remove("open");
          expanded(false);
        }
      });
      trigger.addEventListener("keydown", function (event) {
        if (event.key === "Escape") {
          mark.classList.add("closed"); /* dismiss without moving focus */
          mark.classList.remove("open");
          expanded(false);
        } else if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          var open = mark.classList.contains("closed");
          mark.classList.toggle("closed", !open);
          expanded(open);
        }
      });
    });
  }

  document.querySelectorAll("table.data").forEach(setUpTable);
  setUpQuotes();
})();
