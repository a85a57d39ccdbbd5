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
 * merged). A schedule is usable only with every field in the range FSRS produces, so a
 * file can never put a card in a state the scheduler cannot compute with. A write counts
 * only once it reads back as written; where the browser keeps nothing (storage blocked or
 * full), ``writable`` says why, and the pages stay readable without it. */
(function () {
  "use strict";

  var VERSION = 2;
  var FORMAT = "tdl-progress";
  var ITEM = /^(lesson|resource):[a-z0-9][a-z0-9\/-]*$/;
  var CARD = /^[a-z0-9][a-z0-9\/-]*#[0-9a-f]{12}$/;
  var COUNTS = ["reps", "lapses", "learning_steps"];
  // The range of each amount as ts-fsrs computes it: stability between its S_MIN and
  // S_MAX (days), difficulty from 1 to 10, intervals up to its maximum of 36500 days, and
  // elapsed time up to the span of four-digit years. A card never rated (state 0) holds 0.
  var RANGES = {
    stability: [0.001, 36500],
    difficulty: [1, 10],
    elapsed_days: [0, 3652425],
    scheduled_days: [0, 36500]
  };
  var AMOUNTS = Object.keys(RANGES);
  // The dates this site writes (toISOString), or a plain date; years 1970 to 9999.
  var ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;
  var FULL = "this browser's storage for this site is full";
  var BLOCKED = "this browser does not let the site keep anything (local storage is blocked)";
  var LOST = "this browser did not keep what was written";
  var listeners = [];
  var writeProblem;  // undefined until the first test of the storage on this page

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
    var found = typeof value === "string" && ISO_DATE.exec(value);
    if (!found || Number(found[1]) < 1970 || isNaN(Date.parse(value))) return false;
    var year = Number(found[1]), month = Number(found[2]), day = Number(found[3]);
    // Date.parse rolls "2024-02-30" over into March: the day must exist in its month.
    var days = new Date(Date.UTC(year, month, 0)).getUTCDate();
    return month >= 1 && month <= 12 && day >= 1 && day <= days &&
      !(Number(found[4]) > 23 || Number(found[5]) > 59 || Number(found[6]) > 59);
  }

  function amountProblem(card, key) {
    var value = card[key];
    var range = RANGES[key];
    if (typeof value !== "number" || !isFinite(value)) return key + " is not a number";
    if (value === 0 && (card.state === 0 || range[0] === 0)) return "";
    if (value < range[0] || value > range[1]) {
      return key + " " + value + " is not between " + range[0] + " and " + range[1];
    }
    return "";
  }

  /* Why a card's schedule cannot be used, or "" when it can. */
  function scheduleProblem(card) {
    if (!isObject(card)) return "it is not an object";
    if (!isDate(card.due)) return "its due date is missing or not a date";
    if (card.last_review != null && !isDate(card.last_review)) return "its last review is not a date";
    if ([0, 1, 2, 3].indexOf(card.state) < 0) return "its state is not 0 to 3";
    var count = COUNTS.filter(function (key) {
      return !(Number.isSafeInteger(card[key]) && card[key] >= 0);
    })[0];
    if (count) return count + " is not a whole number of 0 or more";
    for (var i = 0; i < AMOUNTS.length; i += 1) {
      var problem = amountProblem(card, AMOUNTS[i]);
      if (problem) return problem;
    }
    return "";
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
    if (!Number.isSafeInteger(value.version)) {
      // JSON.stringify would print 1e400 (Infinity) as "null": say what it is instead.
      return {
        error: "That file's format version is not a version number (this site reads 1 and " +
          "2). Nothing was changed."
      };
    }
    if (value.version !== 1 && value.version !== VERSION) {
      return {
        error: "That file has format version " + value.version + ", which this site does " +
          "not read (it reads 1 and 2). Nothing was changed."
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
    // Version 1 had no cards; a file that has them anyway gets them checked all the same.
    if (value.version === 1 && value.cards === undefined) return "";
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

  /* "" once ``text`` is stored under ``key`` and reads back as written; else why not. */
  function write(key, text) {
    try {
      localStorage.setItem(key, text);
      return localStorage.getItem(key) === text ? "" : LOST;
    } catch (error) {
      return error && (error.name === "QuotaExceededError" || error.code === 22) ? FULL : BLOCKED;
    }
  }

  /* "" when this browser keeps what the site writes, else a sentence saying why not.
   * Tested once per page load, with a write of a few bytes that is then removed. */
  function writable() {
    if (writeProblem === undefined) {
      var key = storageKey() + ".test";
      writeProblem = write(key, String(Date.now()));
      try {
        localStorage.removeItem(key);
      } catch (error) {
        // Blocked: already said by the write.
      }
    }
    return writeProblem;
  }

  /* "" once the store is kept (read back as written), else a sentence saying why not,
   * in which case what the browser had before is left as it was. */
  function save(store) {
    var problem = write(storageKey(), JSON.stringify(store));
    if (problem) writeProblem = problem;
    var kept = !problem;
    listeners.forEach(function (listener) { listener(store, kept); });
    return problem;
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
    /* save(store): "" when kept, else why not (nothing was changed). */
    save: save,
    writable: writable,
    parse: parse,
    merge: merge,
    exportText: exportText,
    /* listener(store, kept) after every save here and every change made in another tab. */
    subscribe: function (listener) { listeners.push(listener); }
  };
})();
