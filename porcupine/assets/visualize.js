// The visualisation of a checked history. The data (see visualize_data.go)
// is the JSON in #viz-data; everything is drawn once, and selecting a
// partition or a linearization only changes classes and the step table.
//
// Stable hooks for tests and tools: lanes are .lane[data-client] and
// .lane.tag-lane[data-tag]; operations .op[data-op="P:I"]; steps of the shown
// linearization tr.lin-step[data-step]; the operation that cannot follow is
// .op.bad.error-marker (the first one #first-problem) and tr.lin-fail;
// annotations .annotation[data-ann]; body[data-ready="1"] once drawn.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("viz-data").textContent);
  var ROW = 26, PAD = 5, LABEL_W = 112, MAX_ROWS = 600;
  var nRanks = D.times.length;
  var endRank = nRanks + 1; // pending operations reach here
  var u = 20; // pixels per rank
  var sel = { p: -1, lin: -1, op: null, showAll: false };
  var opEls = []; // per partition, per op: its element
  var laneTop = {}; // client → top of its lane in #timeline-content
  var content = document.getElementById("timeline-content");
  var timeline = document.getElementById("timeline");

  function $(id) { return document.getElementById(id); }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function fmtRaw(t) {
    return String(t).replace(/\B(?=(\d{3})+(?!\d))/g, "\u2009");
  }
  // Times: D.unitNs is how many nanoseconds one unit of the history's times
  // is (0: unknown, and times are shown as raw integers). A time is shown in
  // the largest of s, ms, µs, ns that keeps it at least 1, with enough
  // decimals to tell apart times res nanoseconds apart (without res: four
  // significant digits), never finer than the data, trailing zeros dropped
  // unless keepZeros (an axis label "1.0 s" beside "1.2 s"): "1.213 s",
  // "379.3 ms", "12 µs".
  var UNIT = D.unitNs > 0 ? D.unitNs : 0;
  var SCALES = [[1e9, "s"], [1e6, "ms"], [1e3, "\u00b5s"], [1, "ns"]];
  function fmtTime(t, res, keepZeros) {
    if (!UNIT) return fmtRaw(t);
    var ns = t * UNIT, a = Math.abs(ns);
    if (a === 0) return "0 s";
    var k = 0;
    while (k < SCALES.length - 1 && a < SCALES[k][0]) k++;
    for (;;) {
      var div = SCALES[k][0], v = ns / div;
      var dec = res > 0 ? Math.ceil(Math.log10(div / res) - 1e-9) : 3 - Math.floor(Math.log10(Math.abs(v)));
      dec = Math.max(0, Math.min(dec, Math.floor(Math.log10(div / UNIT) + 1e-9), 9));
      var txt = v.toFixed(dec);
      // Rounding up can reach the next scale (999.96 ms is 1.000 s).
      if (k > 0 && Math.abs(Number(txt)) >= 1000) { k--; continue; }
      if (dec > 0 && !keepZeros) txt = txt.replace(/\.?0+$/, "");
      return txt + " " + SCALES[k][1];
    }
  }
  function unitName() {
    for (var k = 0; k < SCALES.length; k++) if (SCALES[k][0] === UNIT) return SCALES[k][1];
    return "\u00d7 " + fmtTime(1);
  }
  function historySpan() { return D.times.length ? D.times[D.times.length - 1] - D.times[0] : 0; }
  // The resolution (ns) at which the ends of an interval d units long are
  // shown: a hundredth of it, or for an instant a hundred-thousandth of the
  // whole history.
  function endsRes(d) {
    return Math.max(UNIT, d > 0 ? d * UNIT / 100 : historySpan() * UNIT / 1e5);
  }
  function plural(n, w) { return n + " " + w + (n === 1 ? "" : "s"); }
  function lane(c) { return D.clients.findIndex(function (l) { return l.client === c; }); }
  function opRef(p, i) { return D.partitions[p].ops[i]; }

  // ---- header -------------------------------------------------------------
  var nOps = 0, nPending = 0, nIllegal = 0, nUnknown = 0;
  D.partitions.forEach(function (part) {
    nOps += part.ops.length;
    part.ops.forEach(function (o) { if (o.e < 0) nPending++; });
    if (!part.ok && !part.unknown) nIllegal++;
    if (part.unknown) nUnknown++;
  });
  document.body.dataset.verdict = D.verdict;
  var verdict = $("verdict");
  verdict.className = "verdict " + D.verdict;
  verdict.textContent = { ok: "LINEARIZABLE", illegal: "NOT LINEARIZABLE", unknown: "UNKNOWN (CHECK STOPPED)" }[D.verdict];
  $("summary").textContent = plural(nOps, "operation") + (nPending ? " (" + nPending + " pending)" : "") +
    " \u00b7 " + plural(D.clients.length, "client") + " \u00b7 " + plural(D.partitions.length, "partition") +
    (nIllegal ? " (" + nIllegal + " not linearizable)" : "") + (nUnknown ? " (" + nUnknown + " undecided)" : "") +
    (D.annotations.length ? " \u00b7 " + plural(D.annotations.length, "annotation") : "") +
    (D.t0 ? " \u00b7 times relative to " + D.t0 + (UNIT ? " " + unitName() : "") : "");
  var jump = $("jump-first-problem");
  jump.disabled = D.firstBad < 0;
  if (D.firstBad < 0) jump.title = "Every partition is linearizable";

  var chips = [];
  D.partitions.forEach(function (part, p) {
    var status = part.ok ? "ok" : part.unknown ? "unknown" : "illegal";
    chips.push('<button type="button" class="partition-chip ' + status +
      '" data-partition="' + p + '" title="' + { ok: "linearizable", illegal: "not linearizable", unknown: "undecided: the check stopped" }[status] + '">P' + p +
      " \u00b7 " + plural(part.ops.length, "op") + "</button>");
  });
  $("partitions").innerHTML = D.partitions.length > 1 ? chips.join("") : "";

  // ---- lanes ----------------------------------------------------------------
  function px(r, extra) { return "calc(var(--u) * " + r + (extra ? " + " + extra + "px" : "") + ")"; }
  function laneHTML(cls, attrs, label, rows, inner) {
    return '<div class="lane ' + cls + '" ' + attrs + ' style="height:' + (rows * ROW + 2 * PAD) + 'px">' +
      '<div class="lane-label" title="' + esc(label) + '">' + esc(label) + "</div>" +
      '<div class="track" style="width:' + px(endRank + 1) + '">' + inner.join("") + "</div></div>";
  }
  function annHTML(a, k, tagged) {
    var style = "";
    if (a.bg) style += "background:" + esc(a.bg) + ";";
    if (a.fg) style += "color:" + esc(a.fg) + ";";
    var top = tagged ? "top:" + (PAD + a.row * ROW) + "px;" : "";
    var cls = "annotation " + (a.point ? "point" : "interval") + (tagged ? " tagged" : " client-ann");
    var attrs = ' data-ann="' + k + '" data-kind="' + (a.point ? "point" : "interval") + '"';
    if (a.point) {
      var label = tagged ? esc(a.d) : "<span>" + esc(a.d) + "</span>";
      return '<div class="' + cls + '"' + attrs + ' style="left:' + px(a.s + 0.5) + ";" + top + style + '">' + label + "</div>";
    }
    return '<div class="' + cls + '"' + attrs + ' style="left:' + px(a.s + 0.5) + ";width:" + px(a.e - a.s) + ";" + top + style + '">' + esc(a.d) + "</div>";
  }

  var html = [];
  D.tags.forEach(function (t) {
    var inner = [];
    D.annotations.forEach(function (a, k) { if (a.tag === t.tag) inner.push(annHTML(a, k, true)); });
    html.push(laneHTML("tag-lane", 'data-tag="' + esc(t.tag) + '"', t.tag, t.rows, inner));
  });
  var perClient = D.clients.map(function () { return []; });
  D.annotations.forEach(function (a, k) { if (!a.tag) perClient[lane(a.c)].push(annHTML(a, k, false)); });
  D.partitions.forEach(function (part, p) {
    part.ops.forEach(function (o, i) {
      var bad = part.bad === i;
      var cls = "op" + (o.e < 0 ? " pending" : "") + (bad ? " bad error-marker" : "");
      var id = bad && p === D.firstBad ? ' id="first-problem"' : "";
      // A bar runs from its call's instant to its return's (the middle of
      // their ranks), 4px wider on each side so that an instant shows.
      var w = o.e < 0 ? px(endRank - o.s) : px(o.e - o.s, 8);
      perClient[lane(o.c)].push('<div class="' + cls + '"' + id + ' data-op="' + p + ":" + i + '" data-partition="' + p +
        '" data-client="' + o.c + '" style="left:' + px(o.s + 0.5, -4) + ";width:" + w + ";top:" + (PAD + o.row * ROW) + 'px">' + esc(o.d) + "</div>");
    });
  });
  D.clients.forEach(function (l, k) {
    html.push(laneHTML("client-lane", 'data-client="' + l.client + '"', "client " + l.client, l.rows, perClient[k]));
  });
  // Faults on a tagged lane shade every lane, to line them up with the operations.
  D.annotations.forEach(function (a) {
    if (a.tag && !a.point) {
      html.push('<div class="fault-band" style="left:' + px(a.s + 0.5, LABEL_W) + ";width:" + px(a.e - a.s) + '"></div>');
    }
  });
  var lanes = $("lanes");
  lanes.style.position = "relative";
  lanes.innerHTML = html.join("");
  D.partitions.forEach(function (part, p) { opEls[p] = new Array(part.ops.length); });
  lanes.querySelectorAll(".op").forEach(function (el) {
    var r = parseOp(el);
    opEls[r[0]][r[1]] = el;
  });

  // ---- zoom and axis --------------------------------------------------------
  // Lane tops are computed, not measured, so that drawing never forces a
  // layout of thousands of bars: the axis lane, then the tag lanes, then the
  // client lanes, each rows * ROW + 2 * PAD high (borders inside).
  var AXIS_H = 24, contentH = AXIS_H;
  D.tags.forEach(function (t) { contentH += t.rows * ROW + 2 * PAD; });
  D.clients.forEach(function (l) {
    laneTop[l.client] = contentH;
    contentH += l.rows * ROW + 2 * PAD;
  });
  function drawAxis() {
    var every = Math.max(1, Math.ceil(90 / u));
    var ticks = [], at = [];
    for (var r = 0; r < nRanks; r += every) at.push(r);
    // Each label has the digits that tell it from its neighbours, and no
    // more than a hundred-thousandth of the whole history needs.
    var finest = Math.max(UNIT, historySpan() * UNIT / 1e5);
    at.forEach(function (r, k) {
      var gap = Infinity;
      if (k > 0) gap = D.times[r] - D.times[at[k - 1]];
      if (k + 1 < at.length) gap = Math.min(gap, D.times[at[k + 1]] - D.times[r]);
      var res = isFinite(gap) ? Math.max(gap * UNIT, finest) : 0;
      ticks.push('<div class="tick" style="left:' + px(r + 0.5) + '">' + fmtTime(D.times[r], res, true) + "</div>");
    });
    var track = $("axis-track");
    track.style.width = px(endRank + 1);
    track.innerHTML = ticks.join("");
  }
  function setZoom(nu, keepCenter) {
    var center = keepCenter ? (timeline.scrollLeft + timeline.clientWidth / 2 - LABEL_W) / u : 0;
    u = Math.max(1, Math.min(200, nu));
    content.style.setProperty("--u", u + "px");
    drawAxis();
    drawPath();
    if (keepCenter) timeline.scrollLeft = center * u + LABEL_W - timeline.clientWidth / 2;
  }
  function fitZoom() { return (document.documentElement.clientWidth - LABEL_W - 24) / (endRank + 1); }
  $("zoom-in").onclick = function () { setZoom(u * 1.5, true); };
  $("zoom-out").onclick = function () { setZoom(u / 1.5, true); };
  $("zoom-fit").onclick = function () { setZoom(fitZoom(), false); };

  // ---- selection ----------------------------------------------------------------
  // The operation that cannot follow a partial linearization: of the
  // completed operations not in it, the one that returns first.
  function cannotFollow(p, lin) {
    var part = D.partitions[p], inLin = {}, bad = -1;
    lin.ops.forEach(function (id) { inLin[id] = true; });
    part.ops.forEach(function (o, i) {
      if (inLin[i] || o.e < 0) return;
      if (bad < 0 || o.ret < part.ops[bad].ret || (o.ret === part.ops[bad].ret && o.call < part.ops[bad].call)) bad = i;
    });
    return bad;
  }
  function shownBad() {
    if (sel.p < 0) return -1;
    var part = D.partitions[sel.p];
    if (part.ok || part.unknown) return -1;
    if (sel.lin < 0 || sel.lin === part.best) return part.bad;
    return cannotFollow(sel.p, part.lins[sel.lin]);
  }

  var decorated = []; // [partition, op] of the bars that show a step number
  function select(p, lin) {
    var prev = sel.p;
    sel.p = p;
    sel.lin = lin;
    sel.showAll = false;
    decorated.forEach(function (r) {
      var el = opEls[r[0]][r[1]];
      el.classList.remove("linearized");
      el.textContent = D.partitions[r[0]].ops[r[1]].d;
    });
    decorated = [];
    document.querySelectorAll(".op.chosen").forEach(function (el) { el.classList.remove("chosen"); });
    if (prev !== p) {
      D.partitions.forEach(function (part, q) {
        if (prev >= 0 && q !== prev && q !== p) return; // unchanged
        var other = D.partitions.length > 1 && q !== p;
        opEls[q].forEach(function (el) {
          el.classList.toggle("other", other);
          el.classList.toggle("in-sel", !other);
        });
      });
    }
    var part = D.partitions[p];
    var L = part.lins[lin];
    if (L) {
      L.ops.forEach(function (id, k) {
        var el = opEls[p][id];
        el.classList.add("linearized");
        el.innerHTML = '<span class="step-no">' + (k + 1) + "</span>" + esc(part.ops[id].d);
        decorated.push([p, id]);
      });
    }
    document.querySelectorAll(".partition-chip").forEach(function (c) {
      c.classList.toggle("selected", Number(c.dataset.partition) === p);
    });
    drawTable();
    drawPath();
  }

  function drawTable() {
    var p = sel.p, part = D.partitions[p], L = part.lins[sel.lin];
    var out = [];
    var bad = shownBad();
    var steps = L ? L.ops.length : 0;
    var completed = part.ops.filter(function (o) { return o.e >= 0; }).length;
    if (part.ok) {
      out.push("<h2>Partition " + p + ': <span class="status-ok">linearizable</span></h2>');
      out.push('<p class="lin-note">A linearization: ' + plural(steps, "step") +
        (part.pendingOut ? "; " + plural(part.pendingOut, "pending operation") + " never took effect" : "") + ".</p>");
    } else if (part.unknown) {
      out.push("<h2>Partition " + p + ': <span class="status-unknown">undecided</span></h2>');
      out.push('<p class="lin-note">The check stopped before deciding this partition (a timeout, or another partition had already shown that the history is not linearizable). The longest partial linearization it had found takes ' +
        steps + " of " + plural(completed, "completed operation") + ".</p>");
    } else {
      out.push("<h2>Partition " + p + ': <span class="status-bad">not linearizable</span></h2>');
      var note = "The longest partial linearization takes " + steps + " of " + plural(completed, "completed operation") +
        (bad >= 0 ? "; then <b>" + esc(part.ops[bad].d) + "</b> (client " + part.ops[bad].c + ") cannot follow: no order of the remaining operations explains it." : ".");
      if (sel.lin !== part.best && part.best >= 0) {
        note = "Showing a shorter partial linearization, the longest that holds the selected operation. " +
          '<button type="button" id="show-best">show the longest</button><br>' + note;
      }
      if (D.truncated) note += " (Some partial linearizations were left out of this page to keep it small.)";
      out.push('<p class="lin-note">' + note + "</p>");
    }
    out.push('<table class="steps" id="steps"><thead><tr><th>#</th><th>client</th><th>operation</th><th>state after</th></tr></thead><tbody>');
    out.push('<tr class="lin-init"><td class="num">0</td><td></td><td>initial state</td><td class="state">' + esc(part.init) + "</td></tr>");
    var shown = sel.showAll ? steps : Math.min(steps, MAX_ROWS);
    for (var k = 0; k < shown; k++) {
      var id = L.ops[k], o = part.ops[id];
      out.push('<tr class="lin-step" data-step="' + k + '" data-op="' + p + ":" + id + '"><td class="num">' + (k + 1) +
        "</td><td>" + o.c + "</td><td>" + esc(o.d) + (L.stepFailed === k ? " \u26a0 the model refuses this step" : "") +
        '</td><td class="state">' + esc(L.states[k]) + "</td></tr>");
    }
    if (shown < steps) {
      out.push('<tr class="more"><td colspan="4"><button type="button" id="show-all-steps">show all ' + steps + " steps</button></td></tr>");
    }
    if (bad >= 0) {
      var b = part.ops[bad];
      var before = steps ? L.states[steps - 1] : part.init;
      out.push('<tr class="lin-fail" id="lin-fail" data-op="' + p + ":" + bad + '"><td class="num">\u2717</td><td>' + b.c +
        "</td><td>" + esc(b.d) + '</td><td class="state">cannot follow state ' + esc(before) + "</td></tr>");
    }
    out.push("</tbody></table>");
    var box = $("linearization");
    box.dataset.partition = p;
    box.dataset.lin = sel.lin;
    box.innerHTML = out.join("");
    var sb = $("show-best");
    if (sb) sb.onclick = function () { select(p, part.best); };
    var sa = $("show-all-steps");
    if (sa) sa.onclick = function () { sel.showAll = true; drawTable(); };
  }

  // The path through the linearization points: each step at the earliest
  // moment inside its operation after the previous step.
  function drawPath() {
    var svg = $("lin-path");
    svg.setAttribute("width", Math.ceil(LABEL_W + (endRank + 1) * u));
    svg.setAttribute("height", contentH);
    if (sel.p < 0) { svg.innerHTML = ""; return; }
    var part = D.partitions[sel.p], L = part.lins[sel.lin];
    var pts = [], pos = -1;
    function y(o) { return laneTop[o.c] + PAD + o.row * ROW + (ROW - 5) / 2; }
    if (L) {
      L.ops.forEach(function (id) {
        var o = part.ops[id];
        var e = o.e < 0 ? endRank : o.e + 0.5;
        pos = Math.min(Math.max(pos + 0.15, o.s + 0.5), e);
        pts.push([LABEL_W + pos * u, y(o)]);
      });
    }
    var out = [];
    if (pts.length > 1) {
      out.push('<path class="lin-line" d="M' + pts.map(function (q) { return q[0].toFixed(1) + " " + q[1].toFixed(1); }).join(" L") + '"/>');
    }
    if (pts.length <= 3000) {
      pts.forEach(function (q) { out.push('<circle class="lin-dot" cx="' + q[0].toFixed(1) + '" cy="' + q[1].toFixed(1) + '" r="3"/>'); });
    }
    var bad = shownBad();
    if (bad >= 0) {
      var b = part.ops[bad];
      var bx = LABEL_W + (b.e + 0.5) * u, by = y(b);
      if (pts.length) {
        var last = pts[pts.length - 1];
        out.push('<path class="bad-line" d="M' + last[0].toFixed(1) + " " + last[1].toFixed(1) + " L" + bx.toFixed(1) + " " + by.toFixed(1) + '"/>');
      }
      out.push('<circle class="bad-dot" cx="' + bx.toFixed(1) + '" cy="' + by.toFixed(1) + '" r="4"/>');
    }
    svg.innerHTML = out.join("");
  }

  // ---- details and tooltip --------------------------------------------------------
  function opStatus(p, i) {
    var part = D.partitions[p], o = part.ops[i];
    if (p === sel.p) {
      var L = part.lins[sel.lin];
      var k = L ? L.ops.indexOf(i) : -1;
      if (k >= 0) return { text: "step " + (k + 1) + " of the " + (part.ok ? "linearization" : "partial linearization"), state: L.states[k] };
      if (i === shownBad()) return { text: "cannot follow the partial linearization", bad: true };
      if (o.e < 0) return { text: "pending; never took effect in this linearization" };
      return { text: "not in this partial linearization" };
    }
    if (i === part.bad) return { text: "cannot follow (partition " + p + " is not linearizable)", bad: true };
    return { text: "partition " + p + " is " + (part.ok ? "linearizable" : part.unknown ? "undecided" : "not linearizable") + "; click to show it" };
  }
  function opDetails(p, i) {
    var o = D.partitions[p].ops[i], st = opStatus(p, i);
    var rows = [["operation", esc(o.d)], ["client", o.c], ["partition", p],
      ["call", fmtTime(o.call, endsRes(o.e < 0 ? 0 : o.ret - o.call))],
      ["return", o.e < 0 ? "never (pending)" : fmtTime(o.ret, endsRes(o.ret - o.call))]];
    if (o.e >= 0) rows.push(["duration", fmtTime(o.ret - o.call)]);
    if (UNIT) rows.push(["raw times", fmtRaw(o.call) + (o.e < 0 ? "" : " \u2013 " + fmtRaw(o.ret)) + (D.t0 ? " (after t0)" : "")]);
    rows.push(["status", '<span class="' + (st.bad ? "status-bad" : "") + '">' + esc(st.text) + "</span>"]);
    if (st.state !== undefined) rows.push(["state after", esc(st.state)]);
    if (o.m) rows.push(["metadata", esc(o.m)]);
    return rows;
  }
  function annDetails(k) {
    var a = D.annotations[k];
    var rows = [["annotation", esc(a.d)], [a.tag ? "lane" : "client", esc(a.tag || a.c)],
      [a.point ? "at" : "from", fmtTime(a.from, endsRes(a.to - a.from))]];
    if (!a.point) rows.push(["to", fmtTime(a.to, endsRes(a.to - a.from))], ["duration", fmtTime(a.to - a.from)]);
    if (a.details) rows.push(["details", esc(a.details)]);
    return rows;
  }
  function showDetails(title, rows) {
    $("details").innerHTML = "<h3>" + title + "</h3><dl>" + rows.map(function (r) {
      return "<dt>" + r[0] + "</dt><dd>" + r[1] + "</dd>";
    }).join("") + "</dl>";
  }
  var tip = $("tooltip");
  function showTip(ev, rows) {
    tip.innerHTML = rows.map(function (r) { return "<b>" + r[0] + "</b>  " + r[1]; }).join("\n");
    tip.hidden = false;
    var x = Math.min(ev.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
    var y = ev.clientY + 16;
    if (y + tip.offsetHeight > window.innerHeight - 8) y = ev.clientY - tip.offsetHeight - 10;
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }
  function parseOp(el) {
    var s = el.dataset.op.split(":");
    return [Number(s[0]), Number(s[1])];
  }
  lanes.addEventListener("mousemove", function (ev) {
    var el = ev.target.closest(".op, .annotation");
    if (!el) { tip.hidden = true; return; }
    if (el.classList.contains("op")) { var r = parseOp(el); showTip(ev, opDetails(r[0], r[1])); }
    else showTip(ev, annDetails(Number(el.dataset.ann)));
  });
  lanes.addEventListener("mouseleave", function () { tip.hidden = true; });

  function choose(p, i, scroll) {
    document.querySelectorAll(".op.chosen, tr.chosen").forEach(function (e) { e.classList.remove("chosen"); });
    var el = opEls[p][i];
    el.classList.add("chosen");
    var row = document.querySelector('#steps tr[data-op="' + p + ":" + i + '"]');
    if (row) row.classList.add("chosen");
    showDetails("Operation", opDetails(p, i));
    if (scroll) scrollToOp(el);
    return row;
  }
  function scrollToOp(el) {
    var left = el.offsetLeft + LABEL_W - timeline.clientWidth / 3;
    var top = el.offsetTop + el.parentNode.parentNode.offsetTop - timeline.clientHeight / 2;
    timeline.scrollTo({ left: Math.max(0, left), top: Math.max(0, top) });
  }
  lanes.addEventListener("click", function (ev) {
    var el = ev.target.closest(".op, .annotation");
    if (!el) return;
    if (el.classList.contains("annotation")) { showDetails("Annotation", annDetails(Number(el.dataset.ann))); return; }
    var r = parseOp(el), part = D.partitions[r[0]], o = part.ops[r[1]];
    var lin = o.lin >= 0 ? o.lin : part.best;
    if (r[0] !== sel.p || lin !== sel.lin) select(r[0], lin);
    var row = choose(r[0], r[1], false);
    if (row) row.scrollIntoView({ block: "nearest" });
  });
  $("linearization").addEventListener("click", function (ev) {
    var tr = ev.target.closest("tr[data-op]");
    if (!tr) return;
    var r = parseOp(tr);
    choose(r[0], r[1], true);
  });
  $("partitions").addEventListener("click", function (ev) {
    var c = ev.target.closest(".partition-chip");
    if (c) { var p = Number(c.dataset.partition); select(p, D.partitions[p].best); }
  });
  jump.onclick = function () {
    var p = D.firstBad;
    if (p < 0) return;
    select(p, D.partitions[p].best);
    var part = D.partitions[p];
    if (part.bad < 0) return;
    choose(p, part.bad, true);
    var el = opEls[p][part.bad];
    el.classList.remove("flash");
    void el.offsetWidth;
    el.classList.add("flash");
    var fail = $("lin-fail");
    if (fail) fail.scrollIntoView({ block: "nearest" });
  };

  // ---- start ----------------------------------------------------------------------
  content.style.setProperty("--u", u + "px");
  setZoom(Math.max(14, Math.min(60, fitZoom())));
  if (D.partitions.length) {
    var first = D.firstBad >= 0 ? D.firstBad : 0;
    select(first, D.partitions[first].best);
  } else {
    $("linearization").innerHTML = '<p class="hint">The history is empty.</p>';
  }
  // Open on the problem: select and show the operation that cannot follow
  // (the #first-problem fragment also flashes it).
  if (location.hash === "#first-problem") jump.onclick();
  else if (D.firstBad >= 0 && D.partitions[D.firstBad].bad >= 0) choose(D.firstBad, D.partitions[D.firstBad].bad, true);
  document.body.dataset.ready = "1";
})();
