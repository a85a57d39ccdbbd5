/* Typeset the maths of each page with the KaTeX copy shipped with the site (no CDN).
   Arithmatex wraps formulas in .arithmatex spans as \( \) and \[ \]; Material swaps page
   bodies on instant navigation, so typesetting runs on every document$ emission. */
(function () {
  "use strict";
  function typeset(root) {
    if (typeof renderMathInElement !== "function") return;
    root.querySelectorAll(".arithmatex").forEach(function (node) {
      renderMathInElement(node, {
        delimiters: [
          { left: "\\(", right: "\\)", display: false },
          { left: "\\[", right: "\\]", display: true },
          { left: "$$", right: "$$", display: true },
        ],
        throwOnError: false,
      });
    });
  }
  if (typeof document$ !== "undefined") {
    document$.subscribe(function () { typeset(document.body); });
  } else {
    document.addEventListener("DOMContentLoaded", function () { typeset(document.body); });
  }
})();
