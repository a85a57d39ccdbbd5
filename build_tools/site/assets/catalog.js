/* The catalog page: filters with live counts, a shareable address, one page of cards.
 *
 * The page carries every resource as a compact JSON row (build_tools/catalog_data.py) and
 * draws only the visible page of cards, so the DOM stays small however long the catalog.
 * Filters combine as "any checked value within a group, every group at once"; the text
 * box needs every word to appear in the title, authors, tags or kind. The state lives in
 * the address (?stage=1&kind=book&text=...), so a filtered view can be shared and reloaded. */
(function () {
  "use strict";

  var element = window.tdlDom.element;

  var PAGE_SIZE = 50;
  var FACETS = ["stage", "kind", "free", "level", "tag"];

  function safeUrl(url) {
    return /^https?:\/\//i.test(url) ? url : "#";
  }

  /* Rows -> objects; each resource keeps its facet values as the strings the form uses.
   * ``ids`` come from the page's anchors, one per row in the same order. */
  function prepare(data, ids) {
    var at = {};
    data.fields.forEach(function (name, index) { at[name] = index; });
    return data.resources.map(function (row, index) {
      var tags = row[at.tags].map(function (i) { return data.tags[i]; });
      var kind = data.kinds[row[at.kind]];
      var url = row[at.url];
      return {
        id: ids[index],
        title: row[at.title],
        url: /^https?:\/\//i.test(url) ? url : "https://" + url,  // https:// is left off
        authors: row[at.authors],
        hours: row[at.hours],
        archived: row[at.archived] === 1,
        lessons: row[at.lessons],
        verdict: row[at.verdict],
        checked: row[at.checked] >= 0 ? data.dates[row[at.checked]] : "",
        since: row[at.since] >= 0 ? data.dates[row[at.since]] : "",
        values: {
          stage: [String(row[at.stage])],
          kind: [kind],
          free: [data.free[row[at.free]]],
          level: [data.levels[row[at.level]]],
          tag: tags
        },
        text: [row[at.title], row[at.authors].join(" "), tags.join(" "), kind, ids[index]]
          .join(" ").toLowerCase()
      };
    });
  }

  /* -- state and the address ----------------------------------------------------------- */

  function emptyState() {
    var state = { q: "", todo: false, page: 1, chosen: {} };
    FACETS.forEach(function (facet) { state.chosen[facet] = []; });
    return state;
  }

  function stateFromQuery(search, known) {
    var params = new URLSearchParams(search);
    var state = emptyState();
    state.q = params.get("text") || "";
    state.todo = params.get("todo") === "1";
    state.page = Math.max(1, parseInt(params.get("page"), 10) || 1);
    FACETS.forEach(function (facet) {
      state.chosen[facet] = params.getAll(facet).filter(function (value) {
        return known[facet].indexOf(value) >= 0;  // unknown values are dropped, not kept as traps
      });
    });
    return state;
  }

  function queryFromState(state) {
    var params = new URLSearchParams();
    // Not "q": Material opens its own search box for a ?q= address.
    if (state.q) params.set("text", state.q);
    FACETS.forEach(function (facet) {
      state.chosen[facet].forEach(function (value) { params.append(facet, value); });
    });
    if (state.todo) params.set("todo", "1");
    if (state.page > 1) params.set("page", String(state.page));
    var query = params.toString();
    return query ? "?" + query : "";
  }

  /* -- filtering ----------------------------------------------------------------------- */

  function words(q) {
    return q.toLowerCase().split(/\s+/).filter(Boolean);
  }

  /* One pass gives the results and, for every option, how many results it would have
   * with the other groups' filters applied (the usual faceted counts). Plain loops and
   * lookup tables: this runs over every resource on each keystroke. */
  function filter(resources, state, done) {
    var terms = words(state.q);
    var counts = {};
    var wanted = {};
    var f, i, t, v;
    for (f = 0; f < FACETS.length; f++) {
      var chosen = state.chosen[FACETS[f]];
      counts[FACETS[f]] = {};
      wanted[FACETS[f]] = chosen.length ? {} : null;  // null: this group filters nothing
      for (i = 0; i < chosen.length; i++) wanted[FACETS[f]][chosen[i]] = true;
    }
    var results = [];
    outer: for (i = 0; i < resources.length; i++) {
      var resource = resources[i];
      if (state.todo && done["resource:" + resource.id]) continue;
      for (t = 0; t < terms.length; t++) if (resource.text.indexOf(terms[t]) < 0) continue outer;
      var failed = null;
      for (f = 0; f < FACETS.length; f++) {
        var want = wanted[FACETS[f]];
        if (!want) continue;
        var values = resource.values[FACETS[f]];
        var hit = false;
        for (v = 0; v < values.length && !hit; v++) hit = want[values[v]] === true;
        if (!hit) {
          if (failed !== null) continue outer;  // two groups fail: counts nowhere
          failed = FACETS[f];
        }
      }
      for (f = 0; f < FACETS.length; f++) {
        if (failed !== null && failed !== FACETS[f]) continue;
        var own = resource.values[FACETS[f]];
        var table = counts[FACETS[f]];
        for (v = 0; v < own.length; v++) table[own[v]] = (table[own[v]] || 0) + 1;
      }
      if (failed === null) results.push(resource);
    }
    return { results: results, counts: counts };
  }

  /* -- drawing ------------------------------------------------------------------------- */

  function Catalog(root, data, ids) {
    this.root = root;
    this.data = data;
    this.resources = prepare(data, ids);
    this.form = root.querySelector("form");
    this.list = root.querySelector("#tdl-catalog-results");
    this.count = root.querySelector("#tdl-catalog-count");
    this.pager = root.querySelector("#tdl-catalog-pager");
    this.freeLabels = {};
    this.known = {};
    var self = this;
    FACETS.forEach(function (facet) {
      self.known[facet] = [];
      self.boxes(facet).forEach(function (box) {
        self.known[facet].push(box.value);
        if (facet === "free") self.freeLabels[box.value] = box.nextElementSibling.textContent;
      });
    });
  }

  Catalog.prototype.boxes = function (facet) {
    return Array.prototype.slice.call(this.form.querySelectorAll("input[name=" + facet + "]"));
  };

  /* Form -> state (the page goes back to 1 whenever a filter changes). */
  Catalog.prototype.readForm = function () {
    var state = emptyState();
    var self = this;
    state.q = this.form.elements.q.value.trim();
    state.todo = this.form.elements.todo.checked;
    FACETS.forEach(function (facet) {
      state.chosen[facet] = self.boxes(facet)
        .filter(function (box) { return box.checked; })
        .map(function (box) { return box.value; });
    });
    return state;
  };

  Catalog.prototype.writeForm = function (state) {
    var self = this;
    this.form.elements.q.value = state.q;
    this.form.elements.todo.checked = state.todo;
    FACETS.forEach(function (facet) {
      self.boxes(facet).forEach(function (box) {
        box.checked = state.chosen[facet].indexOf(box.value) >= 0;
      });
    });
    this.form.querySelector(".tdl-facet-more").open = state.chosen.tag.length > 0;
    // On a phone the filters start folded (unless some are on), so results come first.
    var chosen = FACETS.some(function (facet) { return state.chosen[facet].length; });
    var narrow = window.matchMedia("(max-width: 44.9375em)").matches;
    this.form.querySelector(".tdl-filters__panel").open = chosen || state.todo || !narrow;
  };

  Catalog.prototype.update = function (state) {
    var done = window.tdlProgress ? window.tdlProgress.done() : {};
    var found = filter(this.resources, state, done);
    var pages = Math.max(1, Math.ceil(found.results.length / PAGE_SIZE));
    state.page = Math.min(state.page, pages);
    this.state = state;
    this.results = found.results;
    this.drawCounts(found.counts);
    this.drawCards(found.results.slice((state.page - 1) * PAGE_SIZE, state.page * PAGE_SIZE), state);
    this.drawPager(state.page, pages, found.results.length);
    var total = this.resources.length;
    var shown = found.results.length;
    this.count.textContent = shown === total
      ? "All " + total + " resources"
      : shown + " of " + total + " resources match";
    var active = FACETS.reduce(function (sum, facet) { return sum + state.chosen[facet].length; }, 0);
    active += (state.q ? 1 : 0) + (state.todo ? 1 : 0);
    this.root.querySelector("[data-active]").textContent = active ? "(" + active + " on)" : "";
    var url = location.pathname + queryFromState(state) + location.hash;
    if (url !== location.pathname + location.search + location.hash) {
      history.replaceState(history.state, "", url);  // keep Material's scroll state
    }
  };

  Catalog.prototype.drawCounts = function (counts) {
    var self = this;
    FACETS.forEach(function (facet) {
      self.boxes(facet).forEach(function (box) {
        var count = counts[facet][box.value] || 0;
        var label = box.closest("label");
        label.querySelector("[data-count]").textContent = String(count);
        label.classList.toggle("tdl-chip--empty", count === 0 && !box.checked);
      });
    });
  };

  Catalog.prototype.drawCards = function (page, state) {
    var fragment = document.createDocumentFragment();
    var self = this;
    page.forEach(function (resource) { fragment.appendChild(self.card(resource, state)); });
    if (!page.length) {
      fragment.appendChild(element("p", "tdl-catalog__empty",
        "No resource matches these filters. Clear a filter or two to see more."));
    }
    this.list.replaceChildren(fragment);
    if (window.tdlProgress) window.tdlProgress.draw(this.list);
  };

  Catalog.prototype.card = function (r, state) {
    var data = this.data;
    var card = element("article", "tdl-card");
    card.id = r.id;  // the anchor the page was built with, now on the card itself
    card.setAttribute("data-id", r.id);
    var heading = element("h2", "tdl-card__title");
    var link = element("a", "", r.title);
    link.href = safeUrl(r.url);
    link.rel = "noopener";
    heading.appendChild(link);
    card.appendChild(heading);

    var meta = element("p", "tdl-card__meta");
    var stage = r.values.stage[0];
    [
      ["stage", "Stage " + stage],
      ["kind", r.values.kind[0]],
      ["free-" + r.values.free[0], this.freeLabels[r.values.free[0]] || r.values.free[0]],
      ["level", r.values.level[0]],
      ["hours", r.hours ? "≈ " + r.hours + " h" : ""],
      ["archived", r.archived ? "archived" : ""]
    ].forEach(function (badge) {
      if (badge[1]) meta.appendChild(element("span", "tdl-badge tdl-badge--" + badge[0], badge[1]));
    });
    card.appendChild(meta);
    card.appendChild(element("p", "tdl-card__authors", r.authors.join(", ")));

    if (r.values.tag.length) {
      var tags = element("p", "tdl-card__tags");
      r.values.tag.forEach(function (tag) {
        var button = element("button", "tdl-tag", tag);
        button.type = "button";
        button.setAttribute("data-tag", tag);
        button.setAttribute("aria-pressed", String(state.chosen.tag.indexOf(tag) >= 0));
        button.setAttribute("aria-label", "Filter by tag " + tag);
        tags.appendChild(button);
      });
      card.appendChild(tags);
    }

    if (r.lessons.length) {
      var used = element("p", "tdl-card__lessons", "Used in: ");
      r.lessons.forEach(function (index, i) {
        var lesson = data.lessons[index];
        var a = element("a", "", lesson[0]);
        a.href = lesson[1];
        if (i) used.appendChild(document.createTextNode(", "));
        used.appendChild(a);
      });
      card.appendChild(used);
    }

    var foot = element("p", "tdl-card__foot");
    if (r.verdict >= 0) {
      var label = r.since ? "Link failing since " + r.since : data.verdicts[r.verdict];
      var health = label + (r.checked ? ", checked " + r.checked : "");
      foot.appendChild(element("span", "tdl-health tdl-health--" + data.verdictKeys[r.verdict], health));
    }
    var stageRow = data.stages.filter(function (s) { return String(s[0]) === stage; })[0];
    if (stageRow) {
      var details = element("a", "tdl-card__details", "Summary");
      details.href = stageRow[2] + "#" + r.id;
      details.setAttribute("aria-label", "Summary of " + r.title + " on the stage " + stage + " page");
      foot.appendChild(details);
    }
    var done = element("label", "tdl-done");
    var box = element("input");
    box.type = "checkbox";
    box.setAttribute("data-tdl-item", "resource:" + r.id);
    done.appendChild(box);
    done.appendChild(document.createTextNode(" Done"));
    done.setAttribute("aria-label", "Done: " + r.title);
    foot.appendChild(done);
    card.appendChild(foot);
    return card;
  };

  /* Links to catalog/#<id> (the page keeps a hidden anchor per resource): show the page
   * of results holding that resource and scroll to its card. */
  Catalog.prototype.reveal = function (id) {
    var index = this.results.map(function (r) { return r.id; }).indexOf(id);
    if (index < 0) return;
    var page = Math.floor(index / PAGE_SIZE) + 1;
    if (page !== this.state.page) {
      this.state.page = page;
      this.update(this.state);
    }
    var card = document.getElementById(id);
    card.classList.add("tdl-card--target");
    card.scrollIntoView({ block: "start" });
  };

  Catalog.prototype.drawPager = function (page, pages, found) {
    this.pager.hidden = pages <= 1;
    var first = (page - 1) * PAGE_SIZE + 1;
    var last = Math.min(found, page * PAGE_SIZE);
    this.pager.querySelector("[data-where]").textContent =
      "Page " + page + " of " + pages + " (" + first + "–" + last + ")";
    this.pager.querySelector("[data-page=prev]").disabled = page <= 1;
    this.pager.querySelector("[data-page=next]").disabled = page >= pages;
  };

  /* -- events -------------------------------------------------------------------------- */

  Catalog.prototype.listen = function () {
    var self = this;
    var refilter = function () { self.update(self.readForm()); };
    this.form.addEventListener("input", refilter);
    this.form.addEventListener("change", refilter);
    this.form.addEventListener("submit", function (event) { event.preventDefault(); });
    this.form.addEventListener("reset", function () { setTimeout(refilter, 0); });
    this.list.addEventListener("click", function (event) {
      var tag = event.target.closest("button[data-tag]");
      if (!tag) return;
      var box = self.boxes("tag").filter(function (b) { return b.value === tag.getAttribute("data-tag"); })[0];
      box.checked = !box.checked;
      refilter();
    });
    this.pager.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-page]");
      if (!button) return;
      var state = self.state;
      state.page += button.getAttribute("data-page") === "next" ? 1 : -1;
      self.update(state);
      self.count.scrollIntoView({ block: "start" });
    });
  };

  var current = null;  // the catalog on the page now; instant navigation replaces it

  function start() {
    var root = document.getElementById("tdl-catalog");
    if (!root || root.hasAttribute("data-ready")) return;
    var source = document.getElementById("tdl-catalog-data");
    // The anchors give the rows their ids; then they go, and each card carries its own.
    var anchors = root.querySelector(".tdl-catalog__anchors");
    var ids = Array.prototype.map.call(anchors.children, function (anchor) { return anchor.id; });
    anchors.remove();
    var catalog = new Catalog(root, JSON.parse(source.content.textContent), ids);
    root.setAttribute("data-ready", "");
    var state = stateFromQuery(location.search, catalog.known);
    catalog.writeForm(state);
    catalog.listen();
    catalog.update(state);
    if (location.hash.length > 1) catalog.reveal(decodeURIComponent(location.hash.slice(1)));
    current = catalog;
  }

  if (window.tdlProgress) {
    // Marking a card done while "hide what I have done" is on removes it from the list.
    window.tdlProgress.subscribe(function () {
      if (current && current.root.isConnected && current.state.todo) current.update(current.state);
    });
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(start);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
