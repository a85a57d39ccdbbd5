/* What is due: the home page's review line and the review page's summary, filter and order.
 *
 * A card is waiting for review when it is due, or when it is new and its lesson is marked
 * as done (a lesson not read yet has nothing to review). The review page shows the waiting
 * cards by default, all of them on request; after a rating there, the next waiting card
 * takes the focus, as a flashcard tool moves on to the next card. Both are drawn by
 * cards.js (tdlCards.onDraw), so they follow every change of the store and every card
 * falling due. */
(function () {
  "use strict";

  var store$ = window.tdlStore;
  var schedule$ = window.tdlSchedule;
  var cards$ = window.tdlCards;
  var CARD = "li.tdl-card[data-tdl-card]";
  var ratedHere = {};  // cards rated since this page appeared: they stay in view
  var shown = null;  // the review page those were rated on

  function idOf(card) {
    return card.getAttribute("data-tdl-card");
  }

  function waiting(id, store, now) {
    var status = schedule$.status(store.cards[id], now);
    return status === "due" || (status === "new" && !!store.done["lesson:" + cards$.lessonOf(id)]);
  }

  function tally(ids, store, now) {
    var counts = { due: 0, fresh: 0, learned: 0, next: Infinity, total: ids.length };
    ids.forEach(function (id) {
      var schedule = store.cards[id];
      var status = schedule$.status(schedule, now);
      if (status === "due") counts.due += 1;
      else if (status === "learned") {
        counts.learned += 1;
        counts.next = Math.min(counts.next, Date.parse(schedule.due));
      } else if (waiting(id, store, now)) counts.fresh += 1;
    });
    return counts;
  }

  function are(count, noun) {
    return schedule$.plural(count, noun) + (count === 1 ? " is" : " are");
  }

  /* "3 cards are due for review, and 2 new cards are ready from lessons you have finished." */
  function dueSentence(counts, now) {
    var parts = [];
    if (counts.due) parts.push(are(counts.due, "card") + " due for review");
    if (counts.fresh) parts.push(are(counts.fresh, "new card") + " ready from lessons you have finished");
    if (parts.length) return parts.join(", and ") + ".";
    if (counts.learned) return "No cards are due: the next one is due " + schedule$.when(new Date(counts.next), now) + ".";
    return "";
  }

  /* -- the home page ------------------------------------------------------------------- */

  function drawHome(store, now) {
    var box = document.querySelector("[data-tdl-due]");
    if (!box) return Infinity;
    var ids = (box.getAttribute("data-cards") || "").split(/\s+/).filter(Boolean);
    var counts = tally(ids, store, now);
    var text = box.querySelector("[data-tdl-due-text]");
    var link = box.querySelector("[data-tdl-due-link]");
    if (!text.hasAttribute("data-default")) {
      text.setAttribute("data-default", text.textContent);
      link.setAttribute("data-default", link.textContent);
    }
    var sentence = dueSentence(counts, now);
    text.textContent = sentence || text.getAttribute("data-default");
    link.textContent = counts.due + counts.fresh ? "Review now" : link.getAttribute("data-default");
    box.classList.toggle("tdl-review-due--waiting", counts.due + counts.fresh > 0);
    return counts.next;
  }

  /* -- the review page ----------------------------------------------------------------- */

  function ids(root) {
    return Array.prototype.map.call(root.querySelectorAll(CARD), idOf);
  }

  function lessonCounts(counts) {
    var parts = [];
    if (counts.due) parts.push(counts.due + " due");
    if (counts.fresh) parts.push(counts.fresh + " new");
    if (counts.learned) parts.push(counts.learned + " learned");
    return parts.join(" · ");
  }

  function drawReview(store, now) {
    var tools = document.querySelector("[data-tdl-review-page]");
    if (!tools) return Infinity;
    var counts = tally(ids(document), store, now);
    if (tools !== shown) {
      shown = tools;
      ratedHere = {};
    }
    if (!tools.hasAttribute("data-tdl-drawn")) {
      // The first look shows what is waiting, or everything when nothing is or when the
      // address points at one lesson.
      tools.setAttribute("data-tdl-drawn", "");
      tools.hidden = false;
      var everything = !(counts.due + counts.fresh) || location.hash.length > 1;
      tools.querySelector("input[value=" + (everything ? "all" : "now") + "]").checked = true;
    }
    var all = tools.querySelector("input[value=all]").checked;
    var left = 0;
    document.querySelectorAll(CARD).forEach(function (card) {
      var id = idOf(card);
      var wanted = waiting(id, store, now);
      if (wanted && !ratedHere[id]) left += 1;
      card.hidden = !(all || wanted || ratedHere[id]);
    });
    document.querySelectorAll("[data-tdl-review-lesson]").forEach(function (lesson) {
      lesson.hidden = !lesson.querySelector(CARD + ":not([hidden])");
      lesson.querySelector("[data-tdl-review-counts]").textContent =
        lessonCounts(tally(ids(lesson), store, now));
    });
    document.querySelectorAll("[data-tdl-review-stage]").forEach(function (stage) {
      stage.hidden = !stage.querySelector("[data-tdl-review-lesson]:not([hidden])");
    });
    tools.querySelector("[data-tdl-count=now]").textContent = String(counts.due + counts.fresh);
    tools.querySelector("[data-tdl-count=all]").textContent = String(counts.total);
    tools.querySelector("[data-tdl-review-summary]").textContent = summary(counts, now);
    tools.querySelector("[data-tdl-review-start]").hidden = left === 0;
    var empty = document.querySelector("[data-tdl-review-empty]");
    empty.hidden = all || !!document.querySelector(CARD + ":not([hidden])");
    empty.textContent = counts.learned
      ? "Nothing to review now: the next card is due " + schedule$.when(new Date(counts.next), now) + "."
      : "Nothing to review yet. Mark a lesson as done, or rate a question at the end of a " +
        "lesson, and its cards come here.";
    return counts.next;
  }

  function summary(counts, now) {
    var text = counts.due + " due now · " + counts.fresh + " new from lessons you have finished · " +
      counts.learned + " learned";
    if (isFinite(counts.next)) text += " (the next due " + schedule$.when(new Date(counts.next), now) + ")";
    return text + ".";
  }

  /* The first waiting card after ``from`` (or from the top) that was not rated here yet. */
  function focusNext(from) {
    var store = store$.load();
    var now = new Date();
    var cards = Array.prototype.filter.call(document.querySelectorAll(CARD), function (card) {
      return !card.hidden && !ratedHere[idOf(card)] && waiting(idOf(card), store, now);
    });
    var later = cards.filter(function (card) {
      return !from || from.compareDocumentPosition(card) & Node.DOCUMENT_POSITION_FOLLOWING;
    });
    var next = later[0] || cards[0];
    if (next) {
      next.scrollIntoView({ block: "start" });
      next.querySelector("[data-tdl-attempt]").focus({ preventScroll: true });
    }
  }

  document.addEventListener("tdl:rated", function (event) {
    if (!document.querySelector("[data-tdl-review-page]")) return;
    ratedHere[event.detail.id] = true;
    cards$.draw();
    focusNext(event.target);
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-tdl-review-page] input[name=tdl-review-show]")) cards$.draw();
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-tdl-review-start]")) focusNext(null);
    // A link to a lesson left out of view (the table of contents) shows every card first.
    var link = event.target.closest("a[href*='#']");
    var tools = document.querySelector("[data-tdl-review-page]");
    if (!link || !tools || link.pathname !== location.pathname) return;
    var target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (target && target.closest("[hidden]")) {
      tools.querySelector("input[value=all]").checked = true;
      cards$.draw();
    }
  });

  cards$.onDraw(function (store, now) {
    return Math.min(drawHome(store, now), drawReview(store, now));
  });
})();
