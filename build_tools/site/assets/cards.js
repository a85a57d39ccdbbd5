/* Question cards (li.tdl-card, see build_tools/site/teaching_markup.py) on lesson pages and
 * the review page: a box to write an answer in (it stays on the page, nothing is sent or
 * kept), the hint and answer folded as the page has them, and once the answer is open the
 * four ratings of a flashcard tool, each showing when the card would come back. A rating
 * goes through FSRS (schedule.js) into the store; "Undo" takes it back.
 *
 * Every card shows its schedule ("New card", "Due now", "Next review tomorrow at 09:30"),
 * drawn whenever a page appears, whenever the store changes, and again when the next card
 * falls due while the page is open. Other parts of the page that count cards (review.js)
 * draw along through ``tdlCards.onDraw``. */
(function () {
  "use strict";

  var element = window.tdlDom.element;
  var uniqueId = window.tdlDom.uniqueId;

  var store$ = window.tdlStore;
  var schedule$ = window.tdlSchedule;
  var CARD = "li.tdl-card[data-tdl-card]";
  var LONGEST_WAIT = 2147483647;  // setTimeout's limit (about 24 days)
  var drawers = [];
  var previous = {};  // card id -> its schedule before the rating made on this page (undo)
  var timer = null;
  var appeared = false;

  function lessonOf(id) {
    return id.slice(0, id.indexOf("#"));
  }

  function cardId(card) {
    return card.getAttribute("data-tdl-card");
  }

  function part(card, name) {
    return card.querySelector("[data-tdl-" + name + "]");
  }

  /* The fold whose opening asks for a rating: the answer, or the hint where there is none. */
  function reveal(card) {
    return card.querySelector(":scope > .tdl-card__answer") ||
      card.querySelector(":scope > .tdl-card__hint");
  }

  function siteUrl(path) {
    var scope = typeof __md_scope !== "undefined" ? __md_scope : new URL(".", location);
    return new URL(path, scope).href;
  }

  /* -- building ------------------------------------------------------------------------ */

  function answerBox(card, question) {
    var attempt = element("div", "tdl-card__attempt");
    var box = element("textarea");
    box.id = uniqueId("answer");
    box.rows = 2;
    box.setAttribute("data-tdl-attempt", "");
    box.setAttribute("aria-describedby", question.id);
    var label = element("label", null, "Your answer to question " + card.getAttribute("value"));
    label.htmlFor = box.id;
    label.appendChild(element("span", "tdl-card__note", " (for you alone: not sent, not kept)"));
    attempt.appendChild(label);
    attempt.appendChild(box);
    return attempt;
  }

  function ratings() {
    var group = element("div", "tdl-card__rate");
    var prompt = element("p", "tdl-card__rate-prompt", "How well did you know it?");
    prompt.id = uniqueId("rate");
    group.setAttribute("role", "group");
    group.setAttribute("aria-labelledby", prompt.id);
    group.setAttribute("data-tdl-rate", "");
    group.hidden = true;
    group.appendChild(prompt);
    var buttons = element("div", "tdl-card__grades");
    schedule$.preview(null, new Date()).forEach(function (choice) {
      var button = element("button", "tdl-grade tdl-grade--" + choice.name.toLowerCase());
      button.type = "button";
      button.setAttribute("data-tdl-grade", String(choice.grade));
      button.appendChild(element("span", "tdl-grade__name", choice.name));
      button.appendChild(element("span", "tdl-grade__wait"));
      buttons.appendChild(button);
    });
    group.appendChild(buttons);
    return group;
  }

  function outcome() {
    var after = element("div", "tdl-card__after");
    var status = element("p", "tdl-card__status");
    status.setAttribute("role", "status");
    status.setAttribute("data-tdl-outcome", "");
    var undo = element("button", "tdl-card__undo", "Undo");
    undo.type = "button";
    undo.hidden = true;
    undo.setAttribute("data-tdl-undo", "");
    after.appendChild(status);
    after.appendChild(undo);
    return after;
  }

  function enhance(card) {
    if (card.hasAttribute("data-tdl-ready")) return;
    card.setAttribute("data-tdl-ready", "");
    var question = card.querySelector(".tdl-card__question");
    question.id = question.id || uniqueId("question");
    var when = element("p", "tdl-card__when");
    when.setAttribute("data-tdl-when", "");
    card.insertBefore(when, card.firstChild);
    question.after(answerBox(card, question));
    card.appendChild(ratings());
    card.appendChild(outcome());
    if (!reveal(card)) showRatings(card);
  }

  /* Lesson pages say once, above their cards, what rating does. */
  function introduce(list) {
    var before = list.previousElementSibling;
    if (document.querySelector("[data-tdl-review-page]") ||
        before && before.hasAttribute("data-tdl-cards-intro")) return;
    var intro = element("p", "tdl-cards__intro",
      "Answer each question in your head or in its box, open the answer, then rate how well " +
      "you knew it: the ");
    intro.setAttribute("data-tdl-cards-intro", "");
    var link = element("a", null, "Review page");
    link.href = siteUrl("review/");
    intro.appendChild(link);
    intro.appendChild(document.createTextNode(" brings each question back when it is due."));
    list.before(intro);
  }

  /* -- rating -------------------------------------------------------------------------- */

  function showRatings(card) {
    var group = part(card, "rate");
    var now = new Date();
    var choices = schedule$.preview(store$.load().cards[cardId(card)], now);
    group.querySelectorAll("[data-tdl-grade]").forEach(function (button, index) {
      button.querySelector(".tdl-grade__wait").textContent =
        schedule$.interval(choices[index].due.getTime() - now.getTime());
    });
    group.hidden = false;
  }

  function rate(card, grade) {
    var id = cardId(card);
    var now = new Date();
    var store = store$.load();
    var before = Object.prototype.hasOwnProperty.call(store.cards, id) ? store.cards[id] : null;
    store.cards[id] = schedule$.rate(before, grade, now);
    var problem = store$.save(store);
    var name = part(card, "rate").querySelector("[data-tdl-grade='" + grade + "'] .tdl-grade__name");
    part(card, "rate").hidden = true;
    part(card, "outcome").textContent = problem
      ? "The rating was not saved: " + problem + "."
      : name.textContent + ": next review " + schedule$.when(new Date(store.cards[id].due), now) + ".";
    if (problem) return;
    previous[id] = before;
    part(card, "undo").hidden = false;
    part(card, "undo").focus();
    card.dispatchEvent(new CustomEvent("tdl:rated", { bubbles: true, detail: { id: id } }));
  }

  function undo(card) {
    var id = cardId(card);
    if (!Object.prototype.hasOwnProperty.call(previous, id)) return;
    var store = store$.load();
    if (previous[id]) store.cards[id] = previous[id];
    else delete store.cards[id];
    delete previous[id];
    store$.save(store);
    part(card, "undo").hidden = true;
    part(card, "outcome").textContent = "Rating undone.";
    showRatings(card);
    part(card, "rate").querySelector("[data-tdl-grade]").focus();
  }

  /* A card rated on this page that falls due while the page is open asks afresh. */
  function comeBack(card) {
    delete previous[cardId(card)];
    part(card, "undo").hidden = true;
    card.querySelectorAll(":scope > details").forEach(function (fold) { fold.open = false; });
    part(card, "outcome").textContent = "Due again: answer it once more.";
    if (!reveal(card)) showRatings(card);
  }

  /* -- drawing ------------------------------------------------------------------------- */

  function whenText(schedule, status, now) {
    if (status === "new") return "New card";
    if (status === "due") return "Due now";
    return "Next review " + schedule$.when(new Date(schedule.due), now);
  }

  function draw() {
    var store = store$.load();
    var now = new Date();
    var soonest = Infinity;
    // Where the browser keeps nothing, a rating could not be kept either (progress.js
    // says so once on the page).
    var readOnly = !!store$.writable();
    document.querySelectorAll("ol.tdl-cards").forEach(introduce);
    document.querySelectorAll(CARD).forEach(function (card) {
      enhance(card);
      part(card, "rate").querySelectorAll("[data-tdl-grade]").forEach(function (button) {
        button.disabled = readOnly;
      });
      var schedule = store.cards[cardId(card)];
      var status = schedule$.status(schedule, now);
      if (status === "due" && !part(card, "undo").hidden) comeBack(card);
      card.setAttribute("data-tdl-state", status);
      part(card, "when").textContent = whenText(schedule, status, now);
      if (status === "learned") soonest = Math.min(soonest, Date.parse(schedule.due));
    });
    drawers.forEach(function (drawer) {
      soonest = Math.min(soonest, drawer(store, now));
    });
    // Redraw when the next card falls due, so an open page never shows a stale schedule.
    clearTimeout(timer);
    if (isFinite(soonest)) {
      timer = setTimeout(draw, Math.min(Math.max(0, soonest - now.getTime()) + 1, LONGEST_WAIT));
    }
  }

  /* -- events -------------------------------------------------------------------------- */

  document.addEventListener("click", function (event) {
    var card = event.target.closest(CARD);
    if (!card) return;
    var grade = event.target.closest("[data-tdl-grade]");
    if (grade) rate(card, Number(grade.getAttribute("data-tdl-grade")));
    else if (event.target.closest("[data-tdl-undo]")) undo(card);
  });
  // "toggle" does not bubble: it is caught on its way down.
  document.addEventListener("toggle", function (event) {
    var card = event.target.closest && event.target.closest(CARD);
    if (card && event.target.open && event.target === reveal(card) && part(card, "undo").hidden) {
      showRatings(card);
    }
  }, true);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") draw();
  });
  store$.subscribe(function () { draw(); });

  window.tdlCards = {
    lessonOf: lessonOf,
    /* drawer(store, now) draws whatever counts cards and returns the time (ms) at which
     * the soonest card it counts falls due, or Infinity. */
    onDraw: function (drawer) {
      drawers.push(drawer);
      if (appeared) draw();
    },
    draw: draw
  };

  function appear() {
    previous = {};
    appeared = true;
    draw();
  }

  if (typeof document$ !== "undefined") document$.subscribe(appear);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", appear);
  else appear();
})();
