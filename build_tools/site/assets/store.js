/* The reader's store: lessons and resources marked as done, and the review schedule of
 * every question card, kept in this browser.
 *
 * One JSON value in localStorage, under a key scoped to the site's root (as Material scopes
 * its own settings), so two sites on one host keep separate progress:
 *
 *   {version: 2, done: {"lesson:ID": isoDate}, cards: {"LESSON-ID#hash": schedule}}
 *
 * where a schedule is the FSRS card state (ts-fsrs's Card, dates as ISO strings). Version 1
 * had no cards; it is read as version 2 with none. Items and cards of lessons that were
 * renamed (window.TDL_SITE.aliases, "lesson:OLD" -> "lesson:NEW") move to the new ids
 * whenever a store or a file is read. Cards whose question was reworded get a new id, so
 * they start as new; the old schedule stays in the store, unused, and travels with exports.
 *
 * Reading the browser's own copy is lenient (a damaged entry is dropped, a page never
 * fails); reading a file to import is strict (parse says what is wrong, and nothing is
 * merged). */
(function () {
  "use strict";

  var VERSION = 2;
  var FORMAT = "tdl-progress";
  var ITEM = /^(lesson|resource):[a-z0-9][a-z0-9\/-]*$/;
  var CARD = /^[a-z0-9][a-z0-9\/-]*#[0-9a-f]{12}$/;
  var COUNTS = ["reps", "lapses", "learning_steps"];
  var AMOUNTS = ["stability", "difficulty", "elapsed_days", "scheduled_days"];
  var listeners = [];

  function storageKey() {
    // __md_scope is the site root Material computes in every page's head.
    var scope = typeof __md_scope !== "undefined" ? __md_scope : new URL(".", location);
    return scope.pathname + ".tdl.progress";
  }

  function emptyStore() {
    return { version: VERSION, done: {}, cards: {} };
  }

  function isObject(value) {
    return !!value && typeof value === "object" && !Array.isArray(value);
  }

  function isDate(value) {
    return typeof value === "string" && !isNaN(Date.parse(value));
  }

  /* Why a card's schedule cannot be used, or "" when it can. */
  function scheduleProblem(card) {
    if (!isObject(card)) return "it is not an object";
    if (!isDate(card.due)) return "its due date is missing or not a date";
    if (card.last_review != null && !isDate(card.last_review)) return "its last review is not a date";
    if ([0, 1, 2, 3].indexOf(card.state) < 0) return "its state is not 0 to 3";
    var bad = COUNTS.filter(function (key) {
      return !(Number.isInteger(card[key]) && card[key] >= 0);
    }).concat(AMOUNTS.filter(function (key) {
      return !(typeof card[key] === "number" && isFinite(card[key]) && card[key] >= 0);
    }));
    return bad.length ? bad[0] + " is not a non-negative number" : "";
  }

  function schedule(card) {
    var kept = { due: card.due, last_review: card.last_review || null, state: card.state };
    COUNTS.concat(AMOUNTS).forEach(function (key) { kept[key] = card[key]; });
    return kept;
  }

  /* -- renamed lessons ----------------------------------------------------------------- */

  function aliases() {
    var site = window.TDL_SITE;
    return site && isObject(site.aliases) ? site.aliases : {};
  }

  function movedItem(item, moved) {
    return Object.prototype.hasOwnProperty.call(moved, item) ? moved[item] : item;
  }

  function movedCard(id, moved) {
    var cut = id.indexOf("#");
    var lesson = movedItem("lesson:" + id.slice(0, cut), moved);
    return lesson.slice("lesson:".length) + id.slice(cut);
  }

  /* The entries under their current ids; an entry under a current id wins over one that
   * moves onto it (it is the newer). */
  function rename(entries, move) {
    var out = {};
    var keys = Object.keys(entries);
    keys.forEach(function (key) { if (move(key) === key) out[key] = entries[key]; });
    keys.forEach(function (key) {
      var to = move(key);
      if (to !== key && !Object.prototype.hasOwnProperty.call(out, to)) out[to] = entries[key];
    });
    return out;
  }

  function migrated(store) {
    var moved = aliases();
    store.done = rename(store.done, function (item) { return movedItem(item, moved); });
    store.cards = rename(store.cards, function (id) { return movedCard(id, moved); });
    return store;
  }

  /* -- reading ------------------------------------------------------------------------- */

  /* The browser's copy: versions 1 and 2, well-formed entries only. */
  function clean(value) {
    var store = emptyStore();
    if (!isObject(value)) return store;
    if (isObject(value.done)) {
      Object.keys(value.done).forEach(function (item) {
        if (ITEM.test(item) && isDate(value.done[item])) store.done[item] = value.done[item];
      });
    }
    if (isObject(value.cards)) {
      Object.keys(value.cards).forEach(function (id) {
        var card = value.cards[id];
        if (CARD.test(id) && !scheduleProblem(card)) store.cards[id] = schedule(card);
      });
    }
    return migrated(store);
  }

  /* A file to import: {store} when it is an export of this site (version 1 or 2), else
   * {error} with a sentence for the reader. */
  function parse(text) {
    var value;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return { error: "That file is not a progress export (it is not JSON). Nothing was changed." };
    }
    if (!isObject(value) || value.format !== FORMAT) {
      return { error: "That file is not a progress export of this site. Nothing was changed." };
    }
    if (value.version !== 1 && value.version !== VERSION) {
      return {
        error: "That file has format version " + JSON.stringify(value.version) + ", which this " +
          "site does not read (it reads 1 and 2). Nothing was changed."
      };
    }
    var problem = fileProblem(value);
    if (problem) return { error: "That file is damaged: " + problem + ". Nothing was changed." };
    var store = emptyStore();
    Object.keys(value.done).forEach(function (item) { store.done[item] = value.done[item]; });
    Object.keys(value.cards || {}).forEach(function (id) {
      store.cards[id] = schedule(value.cards[id]);
    });
    return { store: migrated(store) };
  }

  function fileProblem(value) {
    if (!isObject(value.done)) return '"done" is not a list of items';
    var items = Object.keys(value.done);
    for (var i = 0; i < items.length; i += 1) {
      if (!ITEM.test(items[i])) return "the item " + JSON.stringify(items[i]) + " is not a lesson or resource";
      if (!isDate(value.done[items[i]])) return "the date of " + items[i] + " is not a date";
    }
    if (value.version === 1) return "";
    if (!isObject(value.cards)) return '"cards" is not a list of review schedules';
    var ids = Object.keys(value.cards);
    for (var j = 0; j < ids.length; j += 1) {
      if (!CARD.test(ids[j])) return "the card " + JSON.stringify(ids[j]) + " is not a question card";
      var problem = scheduleProblem(value.cards[ids[j]]);
      if (problem) return "the schedule of card " + ids[j] + " is unusable: " + problem;
    }
    return "";
  }

  function load() {
    try {
      return clean(JSON.parse(localStorage.getItem(storageKey()) || "null"));
    } catch (error) {
      return emptyStore();  // storage blocked or damaged: start afresh, never fail the page
    }
  }

  /* -- writing ------------------------------------------------------------------------- */

  /* False when the browser refuses to keep it (private modes, full storage). */
  function save(store) {
    var kept = true;
    try {
      localStorage.setItem(storageKey(), JSON.stringify(store));
    } catch (error) {
      kept = false;
    }
    listeners.forEach(function (listener) { listener(store, kept); });
    return kept;
  }

  /* ``incoming`` into ``store``: done items keep their first date; of two schedules of one
   * card, the one reviewed last wins (an older file never rolls reviews back). */
  function merge(store, incoming) {
    var added = { items: 0, cards: 0 };
    Object.keys(incoming.done).forEach(function (item) {
      if (!store.done[item]) {
        store.done[item] = incoming.done[item];
        added.items += 1;
      }
    });
    Object.keys(incoming.cards).forEach(function (id) {
      var mine = store.cards[id];
      var theirs = incoming.cards[id];
      if (!mine || Date.parse(theirs.last_review || 0) > Date.parse(mine.last_review || 0)) {
        store.cards[id] = theirs;
        added.cards += 1;
      }
    });
    return added;
  }

  function exportText(store) {
    return JSON.stringify({
      format: FORMAT,
      version: VERSION,
      exported: new Date().toISOString(),
      done: store.done,
      cards: store.cards
    }, null, 2);
  }

  window.addEventListener("storage", function (event) {
    if (event.key === storageKey()) listeners.forEach(function (listener) { listener(load(), true); });
  });

  window.tdlStore = {
    load: load,
    save: save,
    parse: parse,
    merge: merge,
    exportText: exportText,
    /* listener(store, kept) after every save here and every change made in another tab. */
    subscribe: function (listener) { listeners.push(listener); }
  };
})();
