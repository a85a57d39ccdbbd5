/* Small DOM helpers shared by the reader's scripts (catalog.js, cards.js, checks.js):
 * an element with a class and text, and ids unique on the page. */
(function () {
  "use strict";

  var serial = 0;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function uniqueId(prefix) {
    serial += 1;
    return "tdl-" + prefix + "-" + serial;
  }

  window.tdlDom = { element: element, uniqueId: uniqueId };
})();
