/* Reading progress: lessons and resources marked as done, kept in this browser.
 *
 * The store is one JSON value in localStorage, under a key scoped to the site's root (as
 * Material scopes its own settings), so two sites on one host keep separate progress.
 * Every element that shows progress is drawn from the store whenever a page appears,
 * including after Material's instant navigation (document$), and again when another tab
 * changes the store. Export writes the store as a JSON file; import merges such a file. */
(function () {
  "use strict";

  var VERSION = 1;
  var ITEM = /^(lesson|resource):[a-z0-9][a-z0-9\/-]*$/;
  var listeners = [];

  function storageKey() {
    // __md_scope is the site root Material computes in every page's head.
    var scope = typeof __md_scope !== "undefined" ? __md_scope : new URL(".", location);
    return scope.pathname + ".tdl.progress";
  }

  function emptyStore() {
    return { version: VERSION, done: {} };
  }

  /* Only well-formed entries survive: a hand-edited or foreign file cannot break pages. */
  function clean(value) {
    var store = emptyStore();
    var done = value && typeof value === "object" ? value.done : null;
    if (!done || typeof done !== "object" || Array.isArray(done)) return store;
    Object.keys(done).forEach(function (item) {
      if (ITEM.test(item) && typeof done[item] === "string") store.done[item] = done[item];
    });
    return store;
  }

  function load() {
    try {
      return clean(JSON.parse(localStorage.getItem(storageKey()) || "null"));
    } catch (error) {
      return emptyStore();  // storage blocked or damaged: start afresh, never fail the page
    }
  }

  function save(store) {
    try {
      localStorage.setItem(storageKey(), JSON.stringify(store));
    } catch (error) {
      showStatus("Progress could not be saved: this browser blocks local storage.");
    }
    listeners.forEach(function (listener) { listener(store); });
  }

  function isDone(item, store) {
    return Object.prototype.hasOwnProperty.call((store || load()).done, item);
  }

  function setDone(item, done) {
    var store = load();
    if (done) store.done[item] = store.done[item] || new Date().toISOString();
    else delete store.done[item];
    save(store);
  }

  /* -- drawing ------------------------------------------------------------------------- */

  function plural(count, word) {
    return count + " " + word + (count === 1 ? "" : "s");
  }

  /* "2/5 lessons · 1/13 resources" on the page; spelled out for screen readers. */
  function countText(done, totals, long) {
    var parts = [];
    ["lesson", "resource"].forEach(function (kind) {
      if (!totals[kind]) return;
      var count = long ? done[kind] + " of " + totals[kind] : done[kind] + "/" + totals[kind];
      parts.push(count + " " + kind + (totals[kind] === 1 ? "" : "s"));
    });
    if (!parts.length) return "Nothing to do yet";
    return long ? parts.join(", ") + " done" : parts.join(" · ");
  }

  function drawBar(element, store) {
    var items = (element.getAttribute("data-items") || "").split(/\s+/).filter(Boolean);
    var totals = { lesson: 0, resource: 0 };
    var done = { lesson: 0, resource: 0 };
    items.forEach(function (item) {
      var kind = item.split(":")[0];
      totals[kind] += 1;
      if (isDone(item, store)) done[kind] += 1;
    });
    var all = totals.lesson + totals.resource;
    var percent = all ? Math.round((100 * (done.lesson + done.resource)) / all) : 0;
    var track = element.querySelector("[role=progressbar]");
    track.setAttribute("aria-valuenow", String(percent));
    track.setAttribute("aria-valuetext", countText(done, totals, true));
    track.firstElementChild.style.width = percent + "%";
    element.querySelector("[data-tdl-progress-text]").textContent = countText(done, totals, false);
    element.classList.toggle("tdl-progress--complete", all > 0 && percent === 100);
  }

  function daysSince(iso) {
    return Math.floor((Date.now() - Date.parse(iso)) / 86400000);
  }

  /* A lesson finished two days ago or more is due for a look at its questions again. */
  function reviewText(iso) {
    var days = daysSince(iso);
    var when = days <= 0 ? "today" : days === 1 ? "yesterday" : days + " days ago";
    return "Done " + when + (days >= 2 ? ": time to answer its questions again." : ".");
  }

  function draw(root) {
    var store = load();
    root = root || document;
    root.querySelectorAll("input[data-tdl-item]").forEach(function (box) {
      box.checked = isDone(box.getAttribute("data-tdl-item"), store);
      box.closest("label").classList.toggle("tdl-done--checked", box.checked);
    });
    root.querySelectorAll("[data-tdl-progress]").forEach(function (bar) {
      drawBar(bar, store);
    });
    root.querySelectorAll("[data-tdl-lesson]").forEach(function (link) {
      link.classList.toggle("tdl-is-done", isDone(link.getAttribute("data-tdl-lesson"), store));
    });
    root.querySelectorAll("[data-tdl-review]").forEach(function (line) {
      var when = store.done[line.getAttribute("data-tdl-review")];
      line.textContent = when ? reviewText(when) : "";
    });
    drawContinue(root, store);
    drawSummary(root, store);
  }

  /* "Continue": the first lesson of the path not done yet, once anything is done. */
  function drawContinue(root, store) {
    var button = root.querySelector("[data-tdl-continue]");
    if (!button) return;
    var links = Array.prototype.slice.call(root.querySelectorAll("a[data-tdl-lesson]"));
    var next = links.filter(function (a) { return !isDone(a.getAttribute("data-tdl-lesson"), store); })[0];
    var started = Object.keys(store.done).length > 0;
    button.hidden = !(started && next);
    if (started && next) {
      button.href = next.href;
      button.querySelector("[data-tdl-continue-title]").textContent = next.textContent;
    }
  }

  function drawSummary(root, store) {
    var summary = root.querySelector("[data-tdl-summary]");
    if (!summary) return;
    var count = Object.keys(store.done).length;
    if (count) {
      summary.textContent = "You have marked " + plural(count, "item") + " as done. Your " +
        "progress is kept in this browser; export it to keep a copy or move it to another.";
    }
  }

  function showStatus(message) {
    document.querySelectorAll("[data-tdl-status]").forEach(function (line) {
      line.textContent = message;
    });
  }

  /* -- export and import --------------------------------------------------------------- */

  function exportProgress() {
    var store = load();
    var text = JSON.stringify(
      { format: "tdl-progress", version: VERSION, exported: new Date().toISOString(), done: store.done },
      null, 2
    );
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type: "application/json" }));
    link.download = "tdl-progress-" + new Date().toISOString().slice(0, 10) + ".json";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 0);
    showStatus("Exported " + plural(Object.keys(store.done).length, "item") + ".");
  }

  function importProgress(input) {
    var file = input.files && input.files[0];
    if (!file) return;
    file.text().then(function (text) {
      var incoming;
      try {
        incoming = JSON.parse(text);
      } catch (error) {
        incoming = null;
      }
      if (!incoming || incoming.format !== "tdl-progress") {
        showStatus("That file is not a progress export of this site.");
        return;
      }
      var store = load();
      var added = clean(incoming).done;
      var count = 0;
      Object.keys(added).forEach(function (item) {
        if (!store.done[item]) count += 1;
        store.done[item] = store.done[item] || added[item];
      });
      save(store);
      draw();
      showStatus("Imported " + plural(count, "new item") + ".");
    }).finally(function () {
      input.value = "";  // choosing the same file again still triggers a change
    });
  }

  /* -- events -------------------------------------------------------------------------- */

  // Listeners sit on the document once; pages swapped in by instant navigation need none.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("input[data-tdl-item]")) {
      setDone(target.getAttribute("data-tdl-item"), target.checked);
      draw();
    } else if (target.matches("input[data-tdl-import]")) {
      importProgress(target);
    }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-tdl-export]")) exportProgress();
  });
  window.addEventListener("storage", function (event) {
    if (event.key === storageKey()) draw();
  });

  window.tdlProgress = {
    isDone: function (item) { return isDone(item); },
    done: function () { return load().done; },
    subscribe: function (listener) { listeners.push(listener); },
    draw: draw
  };

  if (typeof document$ !== "undefined") {
    document$.subscribe(function () { draw(); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { draw(); });
  } else {
    draw();
  }
})();
