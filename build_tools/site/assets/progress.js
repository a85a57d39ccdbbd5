/* Reading progress: lessons and resources marked as done (kept by store.js).
 *
 * Every element that shows progress is drawn from the store whenever a page appears,
 * including after Material's instant navigation (document$), and again whenever the store
 * changes, here or in another tab. Export writes the whole store (done items and review
 * schedules) as a JSON file; import merges such a file, or says why it cannot, and claims
 * success only once the merged store is kept.
 *
 * Where the browser keeps nothing (local storage blocked or full), every page still reads
 * as usual: the boxes and the import button are turned off, and one notice at the top of
 * a page that has them says why. */
(function () {
  "use strict";

  var store$ = window.tdlStore;

  function load() {
    return store$.load();
  }

  function save(store) {
    var problem = store$.save(store);
    if (problem) showStatus("Progress could not be saved: " + problem + ".");
    return problem;
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

  /* When the lesson was marked as done (the review schedule is the cards' business). */
  function reviewText(iso) {
    var days = daysSince(iso);
    var when = days <= 0 ? "today" : days === 1 ? "yesterday" : days + " days ago";
    return "You finished this lesson " + when + ".";
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
    root.querySelectorAll("a[data-tdl-lesson]").forEach(function (link) {
      link.classList.toggle("tdl-is-done", isDone(link.getAttribute("data-tdl-lesson"), store));
    });
    root.querySelectorAll("[data-tdl-review]").forEach(function (line) {
      var when = store.done[line.getAttribute("data-tdl-review")];
      line.textContent = when ? reviewText(when) : "";
    });
    drawContinue(root, store);
    drawSummary(root, store);
    drawReadOnly(root);
  }

  /* Without storage: the controls that would write are off, and one notice says why. */
  function drawReadOnly(root) {
    var problem = store$.writable();
    var controls = root.querySelectorAll("input[data-tdl-item], input[data-tdl-import]");
    if (!problem || !(controls.length || root.querySelector("li.tdl-card"))) return;
    controls.forEach(function (input) {
      input.disabled = true;
      var label = input.closest("label");
      if (label) label.classList.add("tdl-off");
    });
    var content = document.querySelector(".md-content__inner") || document.body;
    if (content.querySelector("[data-tdl-storage-notice]")) return;
    var notice = window.tdlDom.element("p", "tdl-storage-notice",
      "Your progress cannot be kept here: " + problem + ". Every page reads as usual; " +
      "marking as done, rating questions and importing progress are turned off.");
    notice.setAttribute("role", "status");
    notice.setAttribute("data-tdl-storage-notice", "");
    content.insertBefore(notice, content.firstChild);
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
        "progress and review schedule are kept in this browser; export them to keep a copy " +
        "or to move them to another.";
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
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([store$.exportText(store)], { type: "application/json" }));
    link.download = "tdl-progress-" + new Date().toISOString().slice(0, 10) + ".json";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 0);
    showStatus("Exported " + plural(Object.keys(store.done).length, "item") + " and " +
      plural(Object.keys(store.cards).length, "card schedule") + ".");
  }

  function importProgress(input) {
    var file = input.files && input.files[0];
    if (!file) return;
    file.text().then(function (text) {
      var read = store$.parse(text);
      if (read.error) {
        showStatus(read.error);
        return;
      }
      var store = load();
      var added = store$.merge(store, read.store);
      // The store's listeners redraw the page, from what the browser kept.
      var problem = store$.save(store);
      showStatus(problem
        ? "Nothing was imported: " + problem + ". Your progress is as it was."
        : "Imported " + plural(added.items, "new item") + " and " +
          plural(added.cards, "card schedule") + ".");
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
    } else if (target.matches("input[data-tdl-import]")) {
      importProgress(target);
    }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-tdl-export]")) exportProgress();
  });
  store$.subscribe(function () { draw(); });

  window.tdlProgress = {
    isDone: function (item) { return isDone(item); },
    done: function () { return load().done; },
    subscribe: store$.subscribe,
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
