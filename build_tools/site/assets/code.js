/* Colours the code of lesson pages in the browser, with the copy of Prism shipped with the
   site (assets/tdl/prism, 1.30.0, MIT). Lesson pages carry their code as plain text, which
   keeps them small; Markdown pages keep the server-side highlighting of their code blocks.
   This file loads before Prism and puts it in manual mode, so Prism leaves those blocks
   alone; Material swaps page bodies on instant navigation, so colouring runs on every
   document$ emission. */
(function () {
  "use strict";
  window.Prism = window.Prism || {};
  window.Prism.manual = true;

  function colour(root) {
    var prism = window.Prism;
    if (!prism || typeof prism.highlightElement !== "function") return;
    root.querySelectorAll(".tdl-code code[class*='language-']:not([data-tdl-coloured])")
      .forEach(function (code) {
        prism.highlightElement(code);
        code.setAttribute("data-tdl-coloured", "");
      });
  }

  function run() { colour(document); }
  if (typeof document$ !== "undefined") document$.subscribe(run);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
