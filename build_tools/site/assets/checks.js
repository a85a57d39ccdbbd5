/* Quick checks (div.tdl-check, see build_tools/site/teaching_markup.py) become small forms:
 * radio buttons for one right choice, checkboxes for several, a text box for a number
 * (any value within the tolerance is right; the unit stands beside the box), a Check
 * button and instant feedback. A right answer opens the folded answer with its "Why".
 * Without this script the folded "Show the answer" is what readers get. */
(function () {
  "use strict";

  var element = window.tdlDom.element;
  var uniqueId = window.tdlDom.uniqueId;

  // "2,080" and "1,234.5" group thousands; a lone comma ("0,5") is a decimal comma.
  var GROUPED = /^[-+]?\d{1,3}(,\d{3})+(\.\d*)?$/;
  var DECIMAL_COMMA = /^[-+]?\d*,\d+$/;

  /* The number a reader typed, or NaN; a trailing unit or % is allowed. */
  function readNumber(text, unit) {
    var value = text.trim().replace(/[\s_\u2009\u202f]/g, "").replace(/^\u2212/, "-");
    if (unit && value.toLowerCase().endsWith(unit.replace(/\s/g, "").toLowerCase())) {
      value = value.slice(0, value.length - unit.replace(/\s/g, "").length);
    }
    value = value.replace(/%$/, "");
    if (GROUPED.test(value)) value = value.replace(/,/g, "");
    else if (DECIMAL_COMMA.test(value)) value = value.replace(",", ".");
    return value === "" || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value) ? NaN : Number(value);
  }

  function choiceInputs(check, list, prompt) {
    var multiple = check.getAttribute("data-multiple") === "true";
    var group = element("div", "tdl-check__choices");
    group.setAttribute("role", multiple ? "group" : "radiogroup");
    group.setAttribute("aria-labelledby", prompt.id);
    var name = uniqueId("check");
    Array.prototype.forEach.call(list.children, function (item, index) {
      var label = element("label", "tdl-check__choice");
      var input = element("input");
      input.type = multiple ? "checkbox" : "radio";
      input.name = name;
      input.value = String(index);
      label.appendChild(input);
      var text = element("span");
      while (item.firstChild) text.appendChild(item.firstChild);
      label.appendChild(text);
      group.appendChild(label);
    });
    list.replaceWith(group);
    return group;
  }

  function numberInput(check, prompt) {
    var field = element("div", "tdl-check__number");
    var input = element("input");
    input.type = "text";
    input.inputMode = "decimal";
    input.autocomplete = "off";
    input.id = uniqueId("check");
    input.setAttribute("aria-describedby", prompt.id);
    var label = element("label", null, "Your answer");
    label.htmlFor = input.id;
    field.appendChild(label);
    field.appendChild(input);
    var unit = check.getAttribute("data-unit");
    if (unit) field.appendChild(element("span", "tdl-check__unit", unit));
    return field;
  }

  function enhance(check) {
    if (check.hasAttribute("data-tdl-ready")) return;
    check.setAttribute("data-tdl-ready", "");
    var prompt = check.querySelector(".tdl-check__prompt");
    prompt.id = prompt.id || uniqueId("prompt");
    var form = element("form", "tdl-check__form");
    form.noValidate = true;
    var list = check.querySelector(":scope > ul");
    if (check.getAttribute("data-kind") === "choice" && list) {
      form.appendChild(choiceInputs(check, list, prompt));
    } else {
      form.appendChild(numberInput(check, prompt));
    }
    var row = element("div", "tdl-check__row");
    var button = element("button", "md-button tdl-check__button", "Check");
    button.type = "submit";
    var feedback = element("p", "tdl-check__feedback");
    feedback.setAttribute("role", "status");
    row.appendChild(button);
    row.appendChild(feedback);
    form.appendChild(row);
    prompt.after(form);
  }

  /* true, false, or null when nothing was given yet. */
  function verdict(check, form) {
    if (check.getAttribute("data-kind") === "choice") {
      var chosen = Array.prototype.filter.call(form.querySelectorAll("input"), function (input) {
        return input.checked;
      }).map(function (input) { return input.value; });
      if (!chosen.length) return null;
      return chosen.sort().join(",") === check.getAttribute("data-answer").split(",").sort().join(",");
    }
    var typed = form.querySelector("input").value;
    if (!typed.trim()) return null;
    var value = readNumber(typed, check.getAttribute("data-unit") || "");
    var expected = Number(check.getAttribute("data-value"));
    var tolerance = Number(check.getAttribute("data-tolerance") || 0);
    // A hair of slack, so that 0.1 + 0.2 style rounding never marks a right answer wrong.
    return Math.abs(value - expected) <= tolerance + 1e-9 * Math.max(1, Math.abs(expected));
  }

  /* A status region reads out changes only: the same verdict twice is cleared first. */
  function say(line, text) {
    line.textContent = "";
    setTimeout(function () { line.textContent = text; }, 50);
  }

  function answer(check, form) {
    var result = verdict(check, form);
    var feedback = form.querySelector(".tdl-check__feedback");
    var multiple = check.getAttribute("data-multiple") === "true";
    check.classList.toggle("tdl-check--right", result === true);
    check.classList.toggle("tdl-check--wrong", result === false);
    if (result === null) {
      say(feedback, check.getAttribute("data-kind") === "choice"
        ? "Choose an answer first." : "Type a number first.");
    } else if (result) {
      say(feedback, "Right.");
      check.querySelector(".tdl-check__answer").open = true;
    } else {
      say(feedback, (multiple ? "Not quite: tick every right choice and no other." : "Not quite.") +
        " Try again, or show the answer below.");
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest(".tdl-check__form");
    if (!form) return;
    event.preventDefault();
    answer(form.closest(".tdl-check"), form);
  });

  function draw() {
    document.querySelectorAll(".tdl-check[data-tdl-check]").forEach(enhance);
  }

  if (typeof document$ !== "undefined") document$.subscribe(draw);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
