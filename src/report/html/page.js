"use strict";
// keysweep's HTML report. Reads the JSON in #keysweep-data and draws the page. Every value from
// the data is set as text (textContent, setAttribute), never parsed as markup: paths, commit
// messages and context lines come from the scanned repositories and may be hostile.
(function () {
  const data = JSON.parse(document.getElementById("keysweep-data").textContent);
  const SEVERITIES = ["critical", "high", "medium", "low"];
  const STATUSES = ["new", "accepted", "false-positive", "revoked"];
  const SVG = "http://www.w3.org/2000/svg";
  const isSweep = data.kind === "sweep";
  const rules = data.rules;
  const findings = data.findings;
  findings.forEach(function (f, i) { f.index = i; });

  // Triage marked on this page, not yet applied to the store: fingerprint -> {status, note}.
  const pending = new Map();
  const state = { query: "", group: "", filters: {} };

  function el(tag, props) {
    const node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      const value = props[key];
      if (value === undefined || value === null) return;
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else if (key === "on") Object.keys(value).forEach(function (ev) { node.addEventListener(ev, value[ev]); });
      else node.setAttribute(key, value);
    });
    for (let i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }
  function append(node, child) {
    if (child === undefined || child === null || child === false) return;
    if (Array.isArray(child)) child.forEach(function (c) { append(node, c); });
    else node.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
  }
  function svg(tag, attrs) {
    const node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    return node;
  }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
  function day(iso) { return iso ? iso.slice(0, 10) : ""; }
  function shortId(id) { return id ? id.slice(0, 12) : ""; }
  function ruleOf(f) { return rules[f.rule] || { name: f.rule, provider: f.rule.split(".")[0] }; }
  function statusOf(f) {
    const mark = pending.get(f.fingerprint);
    if (mark) return mark.status;
    return f.triage ? f.triage.status : "";
  }
  function headOf(f) {
    if (f.at_head === true) return "still at HEAD";
    if (f.at_head === false) return "history only";
    return "not in git";
  }

  // The facets a finding can be filtered and grouped by: each gives a finding's values.
  const facets = [
    { key: "severity", label: "Severity", values: function (f) { return [f.severity]; } },
    { key: "provider", label: "Provider", values: function (f) { return [ruleOf(f).provider]; } },
    { key: "rule", label: "Rule", values: function (f) { return [f.rule]; } },
    { key: "repository", label: "Repository", values: function (f) { return [f.repository]; } },
    { key: "owner", label: "Owner", values: function (f) { return f.owners.length ? f.owners : ["(unknown)"]; } },
    { key: "validity", label: "Validity", values: function (f) { return [f.validity]; } },
    { key: "head", label: "At HEAD", values: function (f) { return [headOf(f)]; } },
  ];
  if (isSweep) facets.push({ key: "status", label: "Triage", values: function (f) { return [statusOf(f)]; } });
  const facetByKey = {};
  facets.forEach(function (facet) { facetByKey[facet.key] = facet; });

  function matches(f) {
    for (const key of Object.keys(state.filters)) {
      const wanted = state.filters[key];
      if (wanted && facetByKey[key].values(f).indexOf(wanted) < 0) return false;
    }
    if (!state.query) return true;
    const q = state.query.toLowerCase();
    const rule = ruleOf(f);
    const hay = [f.rule, rule.name, rule.provider, f.repository, f.secret, f.fingerprint, f.context,
      f.owners.join(" "), f.introduced ? f.introduced.author + " " + f.introduced.email + " " + f.introduced.summary + " " + f.introduced.commit : ""]
      .concat(f.locations.map(function (l) { return l.path; })).join("\n").toLowerCase();
    return hay.indexOf(q) >= 0;
  }

  function counts(list, facet) {
    const map = new Map();
    list.forEach(function (f) {
      facet.values(f).forEach(function (v) { map.set(v, (map.get(v) || 0) + 1); });
    });
    const entries = Array.from(map.entries());
    if (facet.key === "severity") entries.sort(function (a, b) { return SEVERITIES.indexOf(a[0]) - SEVERITIES.indexOf(b[0]); });
    else entries.sort(function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : 1); });
    return entries;
  }

  function setFilter(key, value) {
    state.filters[key] = state.filters[key] === value ? "" : value;
    const select = document.getElementById("filter-" + key);
    if (select) select.value = state.filters[key];
    update();
  }

  // ---- the fixed parts of the page ----
  const root = el("main", { id: "report" });
  document.body.appendChild(root);

  const secrets = new Set(findings.map(function (f) { return f.fingerprint; })).size;
  root.appendChild(el("header", null,
    el("h1", { text: data.title }),
    el("p", { className: "meta", text: data.tool + " " + data.version + " · generated " + data.generated.replace("T", " ").replace("Z", " UTC") }),
    el("p", { className: data.secrets_shown ? "banner shown" : "banner", id: "secrets-banner",
      text: data.secrets_shown ? "Secrets are shown in full in this page: handle it as you would the secrets themselves."
        : "Secrets are redacted in this page (regenerate with --show-secrets to see them)." })));

  const cards = el("section", { className: "cards", id: "cards" });
  root.appendChild(cards);
  function card(label, value, id) { return el("div", { className: "card", id: id }, el("strong", { text: String(value) }), el("span", { text: label })); }
  cards.appendChild(card("findings", findings.length, "card-findings"));
  cards.appendChild(card("distinct secrets", secrets, "card-secrets"));
  cards.appendChild(card("live", findings.filter(function (f) { return f.validity === "live"; }).length, "card-live"));
  if (findings.some(function (f) { return f.at_head !== undefined; })) {
    cards.appendChild(card("still at HEAD", findings.filter(function (f) { return f.at_head === true; }).length, "card-head"));
  }
  cards.appendChild(card(data.repositories.length === 1 ? "repository" : "repositories", data.repositories.length, "card-repositories"));

  const charts = el("section", { className: "charts" });
  root.appendChild(charts);
  const chartSeverity = el("figure", { id: "chart-severity" });
  const chartProvider = el("figure", { id: "chart-provider" });
  const chartValidity = el("figure", { id: "chart-validity" });
  charts.appendChild(chartSeverity);
  charts.appendChild(chartProvider);
  charts.appendChild(chartValidity);

  const timeline = el("section", { id: "timeline" }, el("h2", { text: "Exposure timeline" }));
  root.appendChild(timeline);

  if (isSweep || data.repositories.length > 1) root.appendChild(repositoryTable());

  const controls = el("section", { className: "controls", id: "controls" });
  root.appendChild(controls);
  const search = el("input", { id: "search", type: "search", placeholder: "Search rule, path, author, fingerprint…", "aria-label": "Search",
    on: { input: function () { state.query = search.value.trim(); update(); } } });
  controls.appendChild(search);
  facets.forEach(function (facet) {
    const values = counts(findings, facet);
    // A facet with one value filters nothing (the owner of a plain directory's files, say).
    if (values.length < 2 && facet.key !== "severity" && facet.key !== "validity") return;
    const select = el("select", { id: "filter-" + facet.key, "aria-label": facet.label,
      on: { change: function () { state.filters[facet.key] = select.value; update(); } } },
      el("option", { value: "", text: facet.label + ": all" }),
      values.map(function (entry) { return el("option", { value: entry[0], text: (entry[0] || "(none)") + " (" + entry[1] + ")" }); }));
    controls.appendChild(select);
  });
  const group = el("select", { id: "group-by", "aria-label": "Group by",
    on: { change: function () { state.group = group.value; update(); } } },
    el("option", { value: "", text: "Group: none" }),
    facets.map(function (facet) { return el("option", { value: facet.key, text: "Group: " + facet.label.toLowerCase() }); }));
  controls.appendChild(group);
  const shown = el("span", { id: "shown-count" });
  controls.appendChild(shown);

  const table = el("table", { id: "findings" });
  const head = el("tr", null, ["Severity", "Rule", "Location", data.repositories.length > 1 ? "Repository" : null,
    "Introduced", "At HEAD", "Validity", isSweep ? "Triage" : null].filter(Boolean).map(function (h) { return el("th", { text: h }); }));
  const columns = head.children.length;
  table.appendChild(el("thead", null, head));
  const body = el("tbody");
  table.appendChild(body);
  root.appendChild(el("section", { className: "findings" }, el("h2", { text: "Findings" }), table));

  if (data.notices.length) root.appendChild(noticeList());

  let triageBar = null;
  if (isSweep && data.triage_store) {
    triageBar = el("aside", { id: "triage-bar", hidden: "" });
    document.body.appendChild(triageBar);
  }

  // ---- the parts that follow the filters ----
  // The findings the filters let through, most severe first, then by place.
  function visible() {
    return findings.filter(matches).sort(function (a, b) {
      return SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
        (a.locations[0].path < b.locations[0].path ? -1 : a.locations[0].path > b.locations[0].path ? 1 : 0) ||
        a.locations[0].line - b.locations[0].line;
    });
  }

  function update() {
    const list = visible();
    shown.textContent = list.length + " of " + plural(findings.length, "finding");
    barChart(chartSeverity, "By severity", counts(list, facetByKey.severity), "severity");
    barChart(chartProvider, "By provider", counts(list, facetByKey.provider).slice(0, 12), "provider");
    barChart(chartValidity, "By validity", counts(list, facetByKey.validity), "validity");
    drawTimeline(list);
    drawRows(list);
  }

  function barChart(figure, title, entries, key) {
    figure.textContent = "";
    figure.appendChild(el("figcaption", { text: title }));
    if (!entries.length) { figure.appendChild(el("p", { className: "empty", text: "nothing to show" })); return; }
    const max = Math.max.apply(null, entries.map(function (e) { return e[1]; }));
    const rowHeight = 22, labelWidth = 150, width = 420;
    const chart = svg("svg", { viewBox: "0 0 " + width + " " + (entries.length * rowHeight), role: "img", "aria-label": title });
    entries.forEach(function (entry, i) {
      const y = i * rowHeight;
      const barWidth = Math.max(2, (width - labelWidth - 40) * entry[1] / max);
      const g = svg("g", { class: "bar-row", "data-value": entry[0] });
      g.appendChild(svg("title", { text: entry[0] + ": " + entry[1] + " (click to filter)" }));
      g.appendChild(svg("text", { x: labelWidth - 6, y: y + 15, "text-anchor": "end", class: "label", text: entry[0].length > 22 ? entry[0].slice(0, 21) + "…" : entry[0] }));
      g.appendChild(svg("rect", { x: labelWidth, y: y + 4, width: barWidth, height: rowHeight - 8, class: "bar " + key + "-" + entry[0].replace(/[^a-z-]/g, "-") }));
      g.appendChild(svg("text", { x: labelWidth + barWidth + 4, y: y + 15, class: "count", text: String(entry[1]) }));
      g.addEventListener("click", function () { setFilter(key, entry[0]); });
      chart.appendChild(g);
    });
    figure.appendChild(chart);
  }

  // One row per finding from the commit that introduced it to now (still at HEAD) or to the
  // last commit that added it (removed since; when exactly is not known, so the end is open).
  function drawTimeline(list) {
    Array.from(timeline.querySelectorAll("div, p")).forEach(function (n) { n.remove(); });
    const dated = list.filter(function (f) { return f.introduced; });
    if (!dated.length) { timeline.appendChild(el("p", { className: "empty", text: "No finding in this view has a commit: nothing to draw." })); return; }
    const limit = 150;
    dated.sort(function (a, b) { return a.introduced.date < b.introduced.date ? -1 : 1; });
    const rows = dated.slice(0, limit);
    const now = Date.parse(data.generated);
    const start = Math.min.apply(null, rows.map(function (f) { return Date.parse(f.introduced.date); }));
    const span = Math.max(now - start, 86400000);
    const labelWidth = 320, width = 1000, rowHeight = 16, top = 24;
    const x = function (t) { return labelWidth + (width - labelWidth - 20) * (t - start) / span; };
    const chart = svg("svg", { viewBox: "0 0 " + width + " " + (top + rows.length * rowHeight + 4), role: "img", "aria-label": "Exposure timeline" });
    for (let i = 0; i <= 5; i++) {
      const t = start + span * i / 5;
      chart.appendChild(svg("line", { x1: x(t), x2: x(t), y1: top - 6, y2: top + rows.length * rowHeight, class: "tick" }));
      chart.appendChild(svg("text", { x: x(t), y: 12, "text-anchor": i === 5 ? "end" : "middle", class: "axis", text: new Date(t).toISOString().slice(0, 7) }));
    }
    rows.forEach(function (f, i) {
      const y = top + i * rowHeight + rowHeight / 2;
      const from = Date.parse(f.introduced.date);
      const removed = f.at_head === false;
      // A removal not found (the secret came in on a merged branch) ends at its last addition.
      const to = !removed ? now : f.removed ? Date.parse(f.removed.date) : Date.parse(f.last_added || f.introduced.date);
      const live = f.validity === "live";
      const g = svg("g", { class: "row" + (live ? " live" : "") + (removed ? " removed" : " present"), "data-index": f.index });
      g.appendChild(svg("title", { text: ruleOf(f).name + " in " + f.locations[0].path + "\nintroduced " + day(f.introduced.date) + " by " + f.introduced.author +
        (removed ? (f.removed ? "\nremoved " + day(f.removed.date) + " by " + f.removed.author : "\nnot at HEAD any more (when it went is not known)") : "\nstill at HEAD") + (live ? "\nLIVE" : "") }));
      const label = ruleOf(f).name + " · " + f.locations[0].path;
      g.appendChild(svg("text", { x: labelWidth - 6, y: y + 4, "text-anchor": "end", class: "label", text: label.length > 44 ? label.slice(0, 43) + "…" : label }));
      g.appendChild(svg("line", { x1: x(from), x2: Math.max(x(to), x(from) + 3), y1: y, y2: y, class: "span severity-" + f.severity }));
      g.appendChild(svg("circle", { cx: x(from), cy: y, r: 4, class: "start severity-" + f.severity }));
      g.appendChild(svg("circle", { cx: Math.max(x(to), x(from) + 3), cy: y, r: 4, class: !removed ? "end" : f.removed ? "end removed-at" : "end open" }));
      g.addEventListener("click", function () { toggleDetails(f, true); });
      chart.appendChild(g);
    });
    timeline.appendChild(el("div", { className: "scroll" }, chart));
    const legend = "Each line runs from the commit that introduced the secret to today (still at HEAD, filled end) or to the commit that removed it (hollow end; an open grey end when that commit is not known). Live secrets are drawn thick. A removed secret is still in history: revoke it.";
    timeline.appendChild(el("p", { className: "legend", text: dated.length > limit ? legend + " Showing the " + limit + " oldest of " + dated.length + "; filter to narrow." : legend }));
  }

  const open = new Set();
  function drawRows(list) {
    body.textContent = "";
    const facet = facetByKey[state.group];
    if (!facet) { list.forEach(function (f) { addRow(f); }); return; }
    const groups = counts(list, facet);
    groups.forEach(function (entry) {
      body.appendChild(el("tr", { className: "group" }, el("th", { colspan: columns, text: facet.label + ": " + (entry[0] || "(none)") + " — " + plural(entry[1], "finding") })));
      list.filter(function (f) { return facet.values(f).indexOf(entry[0]) >= 0; }).forEach(function (f) { addRow(f); });
    });
  }

  function addRow(f) {
    const rule = ruleOf(f);
    const loc = f.locations[0];
    const more = f.locations.length - 1 + f.more_locations;
    const row = el("tr", { className: "finding", "data-fingerprint": f.fingerprint, tabindex: "0",
      on: { click: function () { toggleDetails(f); }, keydown: function (e) { if (e.key === "Enter") toggleDetails(f); } } },
      el("td", null, el("span", { className: "badge severity-" + f.severity, text: f.severity })),
      el("td", null, el("span", { className: "rule-name", text: rule.name }), el("br"), el("code", { className: "rule-id", text: f.rule })),
      el("td", null, el("code", { text: loc.path + ":" + loc.line }), more > 0 ? el("span", { className: "more", text: " +" + more + " more" }) : null),
      data.repositories.length > 1 ? el("td", { text: f.repository }) : null,
      el("td", null, f.introduced ? [day(f.introduced.date), el("br"), el("span", { className: "author", text: f.introduced.author })] : "—"),
      el("td", { text: f.at_head === true ? "yes" : f.at_head === false ? "no" : "—" }),
      el("td", null, el("span", { className: "badge validity-" + f.validity.replace(/ /g, "-"), text: f.validity })),
      isSweep ? el("td", { className: "triage-cell", text: (statusOf(f) || "—") + (pending.has(f.fingerprint) ? " *" : "") }) : null);
    body.appendChild(row);
    if (open.has(f.index)) row.after(details(f));
  }

  function toggleDetails(f, scroll) {
    if (open.has(f.index) && !scroll) open.delete(f.index); else open.add(f.index);
    drawRows(visible());
    if (scroll) {
      const row = body.querySelector("tr.finding[data-fingerprint=\"" + f.fingerprint + "\"]");
      if (row) row.scrollIntoView({ block: "center" });
    }
  }

  function fact(label, value) {
    if (value === undefined || value === null || value === "") return null;
    return [el("dt", { text: label }), el("dd", null, value)];
  }

  function details(f) {
    const rule = ruleOf(f);
    const dl = el("dl");
    append(dl, fact("Secret", el("code", { className: "secret", text: f.secret })));
    append(dl, fact("Fingerprint", el("code", { text: f.fingerprint })));
    append(dl, fact("Confidence", f.confidence + (f.checksum_valid ? "; checksum valid (offline)" : "")));
    append(dl, fact("Line", f.context ? el("code", { className: "context", text: f.context }) : null));
    append(dl, fact("Paired with", f.paired_with));
    append(dl, fact("Owners", f.owners.join(", ")));
    if (f.introduced) {
      append(dl, fact("Introduced", [el("code", { text: shortId(f.introduced.commit) }), " " + day(f.introduced.date) + " by " + f.introduced.author + " <" + f.introduced.email + ">: " + f.introduced.summary]));
    }
    append(dl, fact("At HEAD", f.at_head === true ? "yes: still in the current tree" : f.at_head === false ? "no: only in history; rewriting history does not unleak it, revoke it" : null));
    if (f.removed) {
      append(dl, fact("Removed", [el("code", { text: shortId(f.removed.commit) }), " " + day(f.removed.date) + " by " + f.removed.author + " <" + f.removed.email + ">: " + f.removed.summary]));
    }
    append(dl, fact("Validity", f.validity + (f.validity_reason ? " (" + f.validity_reason + ")" : "")));
    const identity = Object.keys(f.identity || {});
    if (identity.length) {
      append(dl, fact("Identity", el("table", { className: "identity" }, identity.map(function (k) { return el("tr", null, el("th", { text: k }), el("td", { text: f.identity[k] })); }))));
    }
    append(dl, fact("Locations", el("ul", { className: "locations" },
      f.locations.map(function (l) {
        return el("li", null, el("code", { text: l.path + ":" + l.line + ":" + l.column }),
          " " + l.source + (l.commit ? " · commit " + shortId(l.commit) + " " + day(l.date) : "") +
          (l.encoding ? " · encoded: " + l.encoding : "") + (l.introduced_as ? " · introduced as " + l.introduced_as : "") +
          (l.refs && l.refs.length ? " · on " + l.refs.join(", ") : "") + (l.unreachable ? " · reachable from no ref" : ""));
      }),
      f.more_locations ? el("li", { text: "… and " + f.more_locations + " more (see the JSON report)" }) : null)));
    if (f.revoke && /^https:\/\//.test(f.revoke)) {
      append(dl, fact("Revoke at", el("a", { href: f.revoke, rel: "noopener noreferrer", target: "_blank", text: f.revoke })));
    }
    append(dl, fact("Remediation", rule.remediation));
    if (rule.references && rule.references.length) {
      append(dl, fact("References", el("ul", null, rule.references.map(function (r) {
        return el("li", null, /^https:\/\//.test(r) ? el("a", { href: r, rel: "noopener noreferrer", target: "_blank", text: r }) : r);
      }))));
    }
    if (isSweep && data.triage_store) append(dl, fact("Triage", triageControls(f)));
    else if (f.triage) append(dl, fact("Triage", f.triage.status + (f.triage.note ? ": " + f.triage.note : "")));
    return el("tr", { className: "details" }, el("td", { colspan: columns }, dl));
  }

  function triageControls(f) {
    const mark = pending.get(f.fingerprint) || { status: f.triage ? f.triage.status : "new", note: f.triage && f.triage.note ? f.triage.note : "" };
    const select = el("select", { className: "triage-status", "aria-label": "Triage status" },
      STATUSES.map(function (s) { const o = el("option", { value: s, text: s }); if (s === mark.status) o.selected = true; return o; }));
    const note = el("input", { className: "triage-note", type: "text", placeholder: "note (why)", value: mark.note });
    const apply = function () {
      const stored = f.triage || { status: "new" };
      if (select.value === stored.status && note.value === (stored.note || "")) pending.delete(f.fingerprint);
      else pending.set(f.fingerprint, { status: select.value, note: note.value });
      const cell = body.querySelector("tr.finding[data-fingerprint=\"" + f.fingerprint + "\"] .triage-cell");
      if (cell) cell.textContent = statusOf(f) + (pending.has(f.fingerprint) ? " *" : "");
      drawTriageBar();
    };
    select.addEventListener("change", apply);
    note.addEventListener("change", apply);
    return el("span", { className: "triage" }, select, note);
  }

  function shellQuote(text) { return /^[A-Za-z0-9_.\/:=@%+-]+$/.test(text) ? text : "'" + text.replace(/'/g, "'\\''") + "'"; }

  function triageCommands() {
    const byMark = new Map();
    pending.forEach(function (mark, fingerprint) {
      const key = JSON.stringify([mark.status, mark.note]);
      if (!byMark.has(key)) byMark.set(key, []);
      byMark.get(key).push(fingerprint);
    });
    const lines = [];
    byMark.forEach(function (fingerprints, key) {
      const mark = JSON.parse(key);
      lines.push(["keysweep findings triage --store", shellQuote(data.triage_store), "--status", mark[0]]
        .concat(mark[1] ? ["--note", shellQuote(mark[1])] : []).concat(fingerprints).join(" "));
    });
    return lines.join("\n");
  }

  function triageFile() {
    const changes = [];
    pending.forEach(function (mark, fingerprint) {
      const change = { fingerprint: fingerprint, status: mark.status };
      if (mark.note) change.note = mark.note;
      changes.push(change);
    });
    return JSON.stringify({ keysweep_triage: 1, store: data.triage_store, changes: changes }, null, 2) + "\n";
  }

  function drawTriageBar() {
    if (!triageBar) return;
    triageBar.textContent = "";
    if (!pending.size) { triageBar.hidden = true; return; }
    triageBar.hidden = false;
    const commands = el("textarea", { id: "triage-commands", readonly: "", rows: Math.min(6, pending.size + 1), "aria-label": "Triage commands" });
    commands.value = triageCommands();
    triageBar.appendChild(el("p", null, el("strong", { text: plural(pending.size, "change") + " to apply" }),
      " — run these commands, or download the file and run ", el("code", { text: "keysweep findings triage --from FILE" })));
    triageBar.appendChild(commands);
    triageBar.appendChild(el("div", { className: "buttons" },
      el("button", { id: "triage-copy", type: "button", text: "Copy commands", on: { click: function () {
        commands.select();
        if (navigator.clipboard) navigator.clipboard.writeText(commands.value).catch(function () { document.execCommand("copy"); });
        else document.execCommand("copy");
      } } }),
      el("button", { id: "triage-download", type: "button", text: "Download triage file", on: { click: function () {
        const url = URL.createObjectURL(new Blob([triageFile()], { type: "application/json" }));
        const link = el("a", { href: url, download: "keysweep-triage.json" });
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
      } } }),
      el("button", { id: "triage-discard", type: "button", text: "Discard", on: { click: function () { pending.clear(); drawTriageBar(); update(); } } })));
  }

  function repositoryTable() {
    const rows = data.repositories.map(function (r) {
      const mine = findings.filter(function (f) { return f.repository === r.name; });
      const live = mine.filter(function (f) { return f.validity === "live"; }).length;
      const untriaged = mine.filter(function (f) { return !f.triage || f.triage.status === "new"; }).length;
      return { repo: r, count: mine.length, live: live, untriaged: untriaged };
    });
    rows.sort(function (a, b) { return b.count - a.count || (a.repo.name < b.repo.name ? -1 : 1); });
    const tableNode = el("table", { id: "repositories" },
      el("thead", null, el("tr", null, ["Repository", "State", "Findings", "Live", "Untriaged", "Scanned", "Blobs", "Note"].map(function (h) { return el("th", { text: h }); }))),
      el("tbody", null, rows.map(function (row) {
        const r = row.repo;
        return el("tr", { className: "repo state-" + r.state },
          el("td", null, el("a", { href: "#findings", text: r.name, on: { click: function () { setFilter("repository", r.name); } } })),
          el("td", { text: r.state }), el("td", { text: String(row.count) }), el("td", { text: String(row.live) }),
          el("td", { text: String(row.untriaged) }), el("td", { text: day(r.scanned_at) || "—" }), el("td", { text: String(r.blobs) }),
          el("td", { text: r.reason || (r.state === "scanned" ? "" : "not reached yet: no findings here does not mean clean") }));
      })));
    return el("section", null, el("h2", { text: "Repositories" }), tableNode);
  }

  function noticeList() {
    return el("section", { id: "notices" }, el("h2", { text: "Notices" }),
      el("ul", null, data.notices.map(function (n) {
        return el("li", { className: "notice level-" + n.level },
          el("strong", { text: n.level }), " [" + n.kind + "] ", isSweep ? n.repository + ": " : "", el("code", { text: n.subject }), " " + n.message);
      })));
  }

  update();
  document.body.setAttribute("data-ready", "true");
})();
