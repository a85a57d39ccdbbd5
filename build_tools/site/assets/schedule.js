/* The review schedule: FSRS (ts-fsrs, bundled before this file as window.FSRS) applied to
 * the schedules the store keeps, and the words that describe them.
 *
 * The scheduler runs with ts-fsrs's defaults: 90% requested retention, no fuzz, learning
 * steps of 1 and 10 minutes (a new card rated Good comes back after 10 minutes, then after
 * days), relearning after 10 minutes. A card is "new" until it is first rated, "due" once
 * its due time has come, and "learned" until then. */
(function () {
  "use strict";

  var FSRS = window.FSRS;
  var scheduler = FSRS.fsrs(FSRS.generatorParameters({}));
  var GRADES = [
    { grade: FSRS.Rating.Again, name: "Again" },
    { grade: FSRS.Rating.Hard, name: "Hard" },
    { grade: FSRS.Rating.Good, name: "Good" },
    { grade: FSRS.Rating.Easy, name: "Easy" }
  ];
  var MINUTE = 60000;
  var HOUR = 60 * MINUTE;
  var DAY = 24 * HOUR;

  function toCard(schedule, now) {
    if (!schedule) return FSRS.createEmptyCard(now);
    var card = {};
    Object.keys(schedule).forEach(function (key) { card[key] = schedule[key]; });
    card.due = new Date(schedule.due);
    card.last_review = schedule.last_review ? new Date(schedule.last_review) : undefined;
    return card;
  }

  function toSchedule(card) {
    return {
      due: card.due.toISOString(),
      last_review: card.last_review ? card.last_review.toISOString() : null,
      state: card.state,
      reps: card.reps,
      lapses: card.lapses,
      learning_steps: card.learning_steps,
      stability: card.stability,
      difficulty: card.difficulty,
      elapsed_days: card.elapsed_days,
      scheduled_days: card.scheduled_days
    };
  }

  /* "new", "due" or "learned". */
  function status(schedule, now) {
    if (!schedule) return "new";
    return Date.parse(schedule.due) <= now.getTime() ? "due" : "learned";
  }

  /* The four ratings with the due date each would give: [{grade, name, due}]. */
  function preview(schedule, now) {
    var outcomes = scheduler.repeat(toCard(schedule, now), now);
    return GRADES.map(function (choice) {
      return { grade: choice.grade, name: choice.name, due: outcomes[choice.grade].card.due };
    });
  }

  /* The schedule after rating it ``grade`` (1 Again ... 4 Easy) at ``now``. */
  function rate(schedule, grade, now) {
    return toSchedule(scheduler.next(toCard(schedule, now), now, grade).card);
  }

  function plural(count, word) {
    return count + " " + word + (count === 1 ? "" : "s");
  }

  /* A wait as a flashcard tool shows it on a button: "10 min", "3 h", "8 days". */
  function interval(ms) {
    if (ms < HOUR) return Math.max(1, Math.round(ms / MINUTE)) + " min";
    if (ms < DAY) return Math.round(ms / HOUR) + " h";
    var days = Math.round(ms / DAY);
    if (days < 100) return plural(days, "day");
    if (days < 730) return plural(Math.round(days / 30.44), "month");
    return (days / 365.25).toFixed(1) + " years";
  }

  function startOfDay(date) {
    return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
  }

  /* A due date in words: "today at 14:05", "tomorrow at 09:30", "on Fri, 12 Dec 2025". */
  function when(date, now) {
    var days = Math.round((startOfDay(date) - startOfDay(now)) / DAY);
    var time = date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
    if (days === 0) return "today at " + time;
    if (days === 1) return "tomorrow at " + time;
    var options = { weekday: "short", day: "numeric", month: "short" };
    if (date.getFullYear() !== now.getFullYear()) options.year = "numeric";
    return "on " + date.toLocaleDateString(undefined, options);
  }

  window.tdlSchedule = {
    status: status,
    preview: preview,
    rate: rate,
    interval: interval,
    when: when,
    plural: plural
  };
})();
