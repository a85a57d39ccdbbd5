/* Accessibility fixes for markup that the theme and the notebook renderer produce:
 * - Material leaves its search dialog without a name, and marks its page-load bar as a
 *   progress bar with neither name nor value: it is a visual cue only, so it is hidden
 *   from assistive technology;
 * - Material puts each code block's copy button in a <nav>, so a lesson page holds dozens
 *   of unnamed navigation landmarks; they lose the landmark role (the buttons keep their
 *   names);
 * - lesson code, outputs and displayed formulas that scroll sideways get tabindex="0", so
 *   a keyboard can scroll them, as Material does for its own code blocks. Formulas are
 *   measured after KaTeX has drawn them, and again when a fold opens to show some. */
(function () {
  "use strict";

  var NAMES = { ".md-search[role=dialog]": "Search" };
  var DECORATIVE = ".md-progress[role=progressbar]";
  var CODE_TOOLS = ".md-code__nav:not([role])";
  var SCROLLERS = ".tdl-code pre > code, .tdl-output, div.arithmatex";

  function nameWidgets() {
    Object.keys(NAMES).forEach(function (selector) {
      document.querySelectorAll(selector + ":not([aria-label])").forEach(function (widget) {
        widget.setAttribute("aria-label", NAMES[selector]);
      });
    });
    document.querySelectorAll(DECORATIVE).forEach(function (bar) {
      bar.setAttribute("aria-hidden", "true");
    });
    document.querySelectorAll(CODE_TOOLS).forEach(function (tools) {
      tools.setAttribute("role", "none");
    });
  }

  function focusScrollers() {
    document.querySelectorAll(SCROLLERS).forEach(function (block) {
      if (block.scrollWidth > block.clientWidth) block.setAttribute("tabindex", "0");
      else block.removeAttribute("tabindex");
    });
  }

  var pending = false;
  window.addEventListener("resize", function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; focusScrollers(); });
  });

  // Other scripts draw the page on the same signal; a frame later, they all have.
  function fix() {
    nameWidgets();
    requestAnimationFrame(focusScrollers);
  }
  document.addEventListener("toggle", function (event) {
    if (event.target.open) focusScrollers();
  }, true);

  if (typeof document$ !== "undefined") document$.subscribe(fix);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fix);
  else fix();
})();
