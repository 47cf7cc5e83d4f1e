"use strict";
// The run report page: draws the document in #data (see the package doc
// of distlab/labtest/report for its format) on one virtual-time axis.
(function () {
  const t0page = performance.now();
  const D = JSON.parse(document.getElementById("data").textContent);
  const body = document.body;
  const $ = (id) => document.getElementById(id);
  const RowH = 34, BandH = 11;
  // maxDrawn bounds the messages drawn one by one; beyond it the view draws
  // an even sample of the messages in view and says so.
  const maxDrawn = 12000;
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));

  // Durations: nanoseconds shown in the unit that fits.
  function dur(ns) {
    const a = Math.abs(ns);
    if (ns === 0) return "0 s";
    if (a >= 1e9) return trim((ns / 1e9).toFixed(3)) + " s";
    if (a >= 1e6) return trim((ns / 1e6).toFixed(3)) + " ms";
    if (a >= 1e3) return trim((ns / 1e3).toFixed(3)) + " µs";
    return ns + " ns";
  }
  function trim(s) { return s.indexOf(".") < 0 ? s : s.replace(/0+$/, "").replace(/\.$/, ""); }

  // Rows: a row per lane (servers, then clients, in the document's
  // order), then a row per fault lane that is not a server's (a cluster's
  // partitions, the network's modes).
  const rows = D.lanes.map((l, i) => ({ name: l.name, lane: i, client: !!l.client }));
  const rowOf = new Map(rows.map((r, i) => [r.name, i]));
  for (const f of D.faults || []) {
    if (!rowOf.has(f.lane)) { rowOf.set(f.lane, rows.length); rows.push({ name: f.lane, lane: -1, extra: true }); }
  }
  const laneRow = (lane) => (lane < 0 ? -1 : lane); // lanes are the first rows
  const end = Math.max(D.end || 0, 1);
  const msgs = D.messages;
  let maxSpan = 0;
  for (const m of msgs) maxSpan = Math.max(maxSpan, m[6] - m[5]);

  // States per lane, sorted by time, each until the next.
  const states = rows.map(() => []);
  for (const a of D.states) states[a[0]].push({ lane: a[0], at: a[1], role: a[2], term: a[3], commit: a[4], applied: a[5], note: a[6] || "" });
  for (const l of states) l.sort((a, b) => a.at - b.at);

  const hist = D.history;
  const ops = hist ? hist.ops : [];
  const clientRow = new Map();
  rows.forEach((r, i) => { if (r.client) clientRow.set(Number(r.name.replace(/^client-/, "")), i); });

  // View state.
  let v0 = 0, v1 = end;
  let fMethod = -1, fPeer = -1;
  let selected = null; // {kind: "msg"|"op"|"violation"|"state"|"log", i}
  let drawn = []; // indices of the messages drawn in the last frame
  let highlight = new Set(); // indices of highlighted messages

  const plot = $("plot"), cv = $("cv"), ctx = cv.getContext("2d"), marks = $("marks");
  let W = 800, H = rows.length * RowH;
  const x = (t) => ((t - v0) / (v1 - v0)) * W;
  const tAt = (px) => v0 + (px / W) * (v1 - v0);
  const yc = (row) => row * RowH + RowH / 2;

  // Header.
  const violations = D.violations || [];
  let verdict = "";
  if (hist && hist.verdict) {
    const bad = hist.verdict === "illegal";
    verdict = `<span class="${bad ? "verdict-bad" : "verdict-ok"}">history: ${bad ? "NOT LINEARIZABLE" : hist.verdict === "ok" ? "linearizable" : hist.verdict}</span>`;
  }
  $("summary").innerHTML = [
    `<span>${D.failed ? '<b class="verdict-bad">FAILED</b>' : '<b class="verdict-ok">passed</b>'}</span>`,
    `<span>seed ${esc(D.seed)}</span>`, `<span>${dur(D.end)} virtual</span>`,
    `<span>${D.lanes.length} lanes</span>`,
    `<span>${D.messages_total} messages${D.messages_kept < D.messages_total ? ` (the last ${D.messages_kept} kept)` : ""}</span>`,
    `<span>${ops.length} operations</span>`, verdict,
    `<span class="${violations.length ? "verdict-bad" : ""}">${violations.length} violation${violations.length === 1 ? "" : "s"}</span>`,
  ].join("");

  // Filters.
  const fm = $("f-method"), fp = $("f-peer");
  D.methods.forEach((m, i) => fm.insertAdjacentHTML("beforeend", `<option value="${i}">${esc(m)}</option>`));
  D.lanes.forEach((l, i) => fp.insertAdjacentHTML("beforeend", `<option value="${i}">${esc(l.name)}</option>`));
  const passes = (m) => (fMethod < 0 || m[4] === fMethod) && (fPeer < 0 || m[2] === fPeer || m[3] === fPeer);
  let shown = 0;
  function countShown() { shown = 0; for (const m of msgs) if (passes(m)) shown++; }
  fm.onchange = () => { fMethod = fm.value === "" ? -1 : Number(fm.value); countShown(); redraw(); };
  fp.onchange = () => { fPeer = fp.value === "" ? -1 : Number(fp.value); countShown(); redraw(); };

  // Labels.
  $("labels").innerHTML = rows.map((r, i) =>
    `<div class="lane${r.client ? " client" : ""}${r.extra ? " extra" : ""}" data-lane="${esc(r.name)}" title="${esc(r.name)}">${esc(r.name)}</div>`).join("");

  // Violation markers (DOM, so they can be clicked and counted).
  violations.forEach((vl, i) => {
    const el = document.createElement("div");
    el.className = "violation";
    el.dataset.v = i;
    el.title = `${dur(vl.at)}: ${vl.text}`;
    el.onclick = (e) => { e.stopPropagation(); select({ kind: "violation", i }); };
    marks.appendChild(el);
  });

  // lastAtOrBefore returns the last index of the sorted list whose time
  // (by at) is <= t, or -1.
  function lastAtOrBefore(list, at, t) {
    let lo = 0, hi = list.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (at(list[mid]) <= t) lo = mid + 1; else hi = mid; }
    return lo - 1;
  }

  function firstAtOrAfter(t) { // first message index with sent >= t
    let lo = 0, hi = msgs.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (msgs[mid][5] < t) lo = mid + 1; else hi = mid; }
    return lo;
  }

  const roleColour = { leader: "#f2b233", candidate: "#8cc4f2", follower: "#cfe3c4" };
  function colourOf(role) {
    if (roleColour[role]) return roleColour[role];
    let h = 0; for (const c of role || "") h = (h * 31 + c.charCodeAt(0)) % 360;
    return `hsl(${h},55%,78%)`;
  }
  const fateColour = ["#3b6ea8", "#d22", "#8a3ab9", "#e08a00", "#e08a00", "#e08a00", "#999"];

  function resize() {
    W = Math.max(200, plot.clientWidth);
    H = rows.length * RowH;
    const r = window.devicePixelRatio || 1;
    cv.width = W * r; cv.height = H * r;
    cv.style.width = W + "px"; cv.style.height = H + "px";
    ctx.setTransform(r, 0, 0, r, 0, 0);
  }

  function drawAxis() {
    const span = v1 - v0;
    let step = Math.pow(10, Math.floor(Math.log10(span / 8)));
    for (const k of [2, 5, 10]) if (span / step > 10) step = Math.pow(10, Math.floor(Math.log10(span / 8))) * k;
    const first = Math.ceil(v0 / step) * step;
    let h = "";
    for (let t = first; t <= v1; t += step) h += `<div class="tick" style="left:${x(t).toFixed(1)}px">${dur(Math.round(t))}</div>`;
    $("axis").innerHTML = h;
    $("range").textContent = `${dur(Math.round(v0))} – ${dur(Math.round(v1))}`;
  }

  function drawLanes() {
    ctx.clearRect(0, 0, W, H);
    rows.forEach((r, i) => {
      ctx.fillStyle = i % 2 ? "#fcfcfc" : "#f5f5f5";
      ctx.fillRect(0, i * RowH, W, RowH);
    });
    // States: a band at the top of the lane, from each state to the next.
    states.forEach((list, row) => {
      for (let k = Math.max(0, lastAtOrBefore(list, (s) => s.at, v0)); k < list.length && list[k].at <= v1; k++) {
        const s = list[k], s1 = k + 1 < list.length ? list[k + 1].at : end;
        if (s1 < v0 || s.at > v1 || s.role === "down") continue;
        const a = Math.max(0, x(s.at)), b = Math.min(W, x(s1));
        ctx.fillStyle = colourOf(s.role);
        ctx.fillRect(a, row * RowH + 1, Math.max(1, b - a), BandH);
        if (b - a > 60) {
          ctx.fillStyle = "#333"; ctx.font = "10px sans-serif";
          ctx.fillText(`${s.role ? `${s.role} t${s.term} ` : ""}c${s.commit} a${s.applied}${s.note ? " " + s.note : ""}`, a + 2, row * RowH + 10, b - a - 4);
        }
      }
    });
    // Faults from the harness's table.
    for (const f of D.faults || []) {
      const row = rowOf.get(f.lane);
      const fe = f.end > f.start ? f.end : f.start;
      if (fe < v0 || f.start > v1) continue;
      const a = x(f.start), b = Math.max(a + 2, x(fe));
      ctx.fillStyle = f.colour || "#f8c4c4";
      ctx.globalAlpha = 0.55;
      ctx.fillRect(a, row * RowH + BandH + 2, b - a, RowH - BandH - 4);
      ctx.globalAlpha = 1;
      if (b - a > 50) { ctx.fillStyle = "#722"; ctx.font = "10px sans-serif"; ctx.fillText(f.text, a + 2, row * RowH + RowH - 6, b - a - 4); }
    }
    // Client operations.
    ops.forEach((o, i) => {
      const row = clientRow.get(o.client);
      if (row === undefined) return;
      const oe = o.return < 0 ? end : o.return;
      if (oe < v0 || o.call > v1) return;
      const a = x(o.call), b = Math.max(a + 2, x(oe));
      const bad = hist.bad === i;
      ctx.fillStyle = bad ? "#f26b6b" : o.return < 0 ? "#ddd" : o.lin >= 0 ? "#9fd39a" : "#c9c9c9";
      ctx.fillRect(a, row * RowH + 3, b - a, BandH + 2);
      if (bad || (selected && selected.kind === "op" && selected.i === i)) {
        ctx.strokeStyle = bad ? "#900" : "#06c"; ctx.lineWidth = 2; ctx.strokeRect(a, row * RowH + 3, b - a, BandH + 2);
      }
      if (b - a > 40) { ctx.fillStyle = "#222"; ctx.font = "10px sans-serif"; ctx.fillText(o.desc, a + 2, row * RowH + 13, b - a - 4); }
    });
  }

  function segment(m) {
    const fr = laneRow(m[2]), tr = laneRow(m[3]);
    if (fr < 0 || tr < 0) return null;
    const x1 = x(m[5]), y1 = yc(fr) + 4;
    let x2 = x(m[6]), y2 = yc(tr) + 4;
    if (m[8] !== 0 && m[8] !== 2) { x2 = (x1 + x2) / 2; y2 = (y1 + y2) / 2; } // never arrived: half way
    return [x1, y1, x2, y2];
  }

  function drawMessages() {
    const lo = firstAtOrAfter(v0 - maxSpan), hi = firstAtOrAfter(v1 + 1);
    const inView = [];
    for (let i = lo; i < hi; i++) {
      const m = msgs[i];
      if (m[6] >= v0 && passes(m)) inView.push(i);
    }
    const stride = Math.max(1, Math.ceil(inView.length / maxDrawn));
    drawn = stride === 1 ? inView : inView.filter((_, k) => k % stride === 0);
    const arrows = drawn.length < 1500;
    ctx.lineWidth = 1;
    for (const i of drawn) {
      if (highlight.has(i)) continue;
      const m = msgs[i], s = segment(m);
      if (!s) continue;
      ctx.strokeStyle = fateColour[m[8]] || "#999";
      ctx.globalAlpha = highlight.size ? 0.25 : m[1] ? 0.45 : 0.7;
      line(s, arrows, m[8] !== 0 && m[8] !== 2);
    }
    ctx.globalAlpha = 1; ctx.lineWidth = 2.5;
    for (const i of highlight) {
      const m = msgs[i], s = segment(m);
      if (!s || m[6] < v0 || m[5] > v1) continue;
      ctx.strokeStyle = selected && selected.kind === "msg" && selected.i === i ? "#000" : "#0a5fd8";
      line(s, true, m[8] !== 0 && m[8] !== 2);
    }
    ctx.lineWidth = 1;
    let note = "";
    if (stride > 1) note = `drawing 1 in ${stride} of the ${inView.length} messages in view (an even sample); zoom in to see every one`;
    if (D.messages_kept < D.messages_total) note += (note ? "; " : "") + `only the last ${D.messages_kept} of ${D.messages_total} messages were kept`;
    $("note").textContent = note;
    body.dataset.inview = inView.length;
    body.dataset.drawn = drawn.length;
    body.dataset.sampled = stride > 1 ? "1" : "0";
  }

  function line(s, arrow, lost) {
    ctx.beginPath(); ctx.moveTo(s[0], s[1]); ctx.lineTo(s[2], s[3]); ctx.stroke();
    if (lost) { // a cross where it was lost
      ctx.beginPath(); ctx.moveTo(s[2] - 3, s[3] - 3); ctx.lineTo(s[2] + 3, s[3] + 3);
      ctx.moveTo(s[2] + 3, s[3] - 3); ctx.lineTo(s[2] - 3, s[3] + 3); ctx.stroke();
    } else if (arrow) {
      const a = Math.atan2(s[3] - s[1], s[2] - s[0]);
      ctx.beginPath(); ctx.moveTo(s[2], s[3]);
      ctx.lineTo(s[2] - 6 * Math.cos(a - 0.4), s[3] - 6 * Math.sin(a - 0.4));
      ctx.moveTo(s[2], s[3]);
      ctx.lineTo(s[2] - 6 * Math.cos(a + 0.4), s[3] - 6 * Math.sin(a + 0.4));
      ctx.stroke();
    }
  }

  function placeMarks() {
    for (const el of marks.querySelectorAll(".violation")) {
      const vl = violations[el.dataset.v];
      const px = x(vl.at);
      el.style.display = px < -2 || px > W + 2 ? "none" : "";
      el.style.left = px + "px";
      el.classList.toggle("selected", !!selected && selected.kind === "violation" && selected.i === Number(el.dataset.v));
    }
    const cur = $("cursor");
    if (selected && selected.kind === "log") { cur.style.display = ""; cur.style.left = x(logs[selected.i].at) + "px"; } else cur.style.display = "none";
  }

  let pending = false;
  function redraw() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; drawNow(); });
  }
  function drawNow() {
    drawAxis(); drawLanes(); drawMessages(); placeMarks(); drawLogs();
    body.dataset.shown = shown;
    body.dataset.v0 = Math.round(v0); body.dataset.v1 = Math.round(v1);
  }

  // Logs: a column per lane with lines, showing the lines in the view's
  // window that match the search.
  const logs = D.logs.map((a) => ({ at: a[0], lane: a[1], topic: a[2], text: a[3] }));
  const logCols = new Map();
  logs.forEach((l) => { if (!logCols.has(l.lane)) logCols.set(l.lane, []); });
  const colLanes = [...logCols.keys()].sort((a, b) => a - b);
  logs.forEach((l, i) => logCols.get(l.lane).push(i));
  for (const list of logCols.values()) list.sort((a, b) => logs[a].at - logs[b].at || a - b);
  $("logcols").innerHTML = colLanes.map((ln) =>
    `<div class="logcol" data-lane="${esc(ln < 0 ? "other" : D.lanes[ln].name)}"><h4>${esc(ln < 0 ? "other" : D.lanes[ln].name)}</h4><div class="lines"></div></div>`).join("");
  $("lognote").textContent = logs.length ? `${logs.length} lines; the columns show the lines in the time window above` : (D.logs_note || "no log lines were recorded");
  let search = "";
  $("search").oninput = (e) => { search = e.target.value.toLowerCase(); drawLogs(); };
  const perCol = 400;
  function drawLogs() {
    let visible = 0;
    colLanes.forEach((ln, c) => {
      const box = $("logcols").children[c].querySelector(".lines");
      let h = "", n = 0, more = 0;
      const col = logCols.get(ln);
      for (let k = lastAtOrBefore(col, (i) => logs[i].at, v0 - 1) + 1; k < col.length && logs[col[k]].at <= v1; k++) {
        const i = col[k], l = logs[i];
        if (search && (l.text + " " + l.topic).toLowerCase().indexOf(search) < 0) continue;
        if (n >= perCol) { more++; continue; }
        n++;
        h += `<div class="logline${selected && selected.kind === "log" && selected.i === i ? " selected" : ""}" data-i="${i}"><span class="t">${dur(l.at)}</span><b>${esc(l.topic)}</b> ${esc(l.text)}</div>`;
      }
      if (more) h += `<div class="more">… ${more} more lines in this window: zoom in or search</div>`;
      box.innerHTML = h;
      visible += n;
    });
    body.dataset.loglines = visible;
  }
  $("logcols").onclick = (e) => {
    const el = e.target.closest(".logline");
    if (!el) return;
    const i = Number(el.dataset.i);
    centre(logs[i].at);
    select({ kind: "log", i });
  };

  function centre(t) {
    const span = v1 - v0;
    v0 = t - span / 2; v1 = t + span / 2;
  }

  // Selection and the detail panel.
  function select(s) {
    selected = s;
    highlight = new Set();
    let h = "";
    if (s.kind === "msg") {
      const m = msgs[s.i];
      for (let k = Math.max(0, s.i - 2000); k < Math.min(msgs.length, s.i + 2000); k++) if (msgs[k][0] === m[0]) highlight.add(k);
      const name = (l) => (l < 0 ? "?" : D.lanes[l].name);
      h = `<h3>Message</h3><dl><dt>call</dt><dd>#${m[0]}</dd><dt>kind</dt><dd>${m[1] ? "reply" : "request"}</dd>` +
        `<dt>method</dt><dd>${esc(D.methods[m[4]])}</dd><dt>from</dt><dd>${esc(name(m[2]))}</dd><dt>to</dt><dd>${esc(name(m[3]))}</dd>` +
        `<dt>sent</dt><dd>${dur(m[5])}</dd><dt>${m[8] === 0 || m[8] === 2 ? "arrived" : "gave up"}</dt><dd>${dur(m[6])}</dd>` +
        `<dt>travel</dt><dd>${dur(m[6] - m[5])}</dd><dt>size</dt><dd>${m[7]} bytes</dd><dt>fate</dt><dd class="fate">${esc(D.fates[m[8]])}</dd></dl>`;
    } else if (s.kind === "op") {
      const o = ops[s.i], row = clientRow.get(o.client), oe = o.return < 0 ? end : o.return;
      const lane = row === undefined ? -2 : rows[row].lane;
      for (let k = firstAtOrAfter(o.call); k < msgs.length && msgs[k][5] <= oe; k++) {
        const m = msgs[k];
        if (m[2] === lane || m[3] === lane) highlight.add(k);
      }
      h = `<h3>Operation</h3><dl><dt>client</dt><dd>${o.client}</dd><dt>operation</dt><dd>${esc(o.desc)}</dd>` +
        `<dt>call</dt><dd>${dur(o.call)}</dd><dt>return</dt><dd>${o.return < 0 ? "never (pending)" : dur(o.return)}</dd>` +
        `<dt>linearization</dt><dd>${hist.bad === s.i ? "<b class=verdict-bad>the first operation that cannot be linearized</b>" : o.lin >= 0 ? "step " + (o.lin + 1) : "not in it"}</dd>` +
        `<dt>its RPCs</dt><dd class="op-rpcs">${highlight.size} messages, highlighted</dd></dl>`;
    } else if (s.kind === "violation") {
      const vl = violations[s.i];
      h = `<h3>Violation ${s.i + 1} of ${violations.length}</h3><dl><dt>at</dt><dd>${dur(vl.at)}</dd>` +
        `<dt>peer</dt><dd>${vl.lane < 0 ? "—" : esc(D.lanes[vl.lane].name)}</dd><dt>what</dt><dd class="vtext">${esc(vl.text)}</dd></dl>`;
    } else if (s.kind === "state") {
      // The messages the peer sent while in this role and term.
      const list = states[s.row], st = list[s.i];
      let a = s.i, b = s.i + 1;
      while (a > 0 && list[a - 1].role === st.role && list[a - 1].term === st.term) a--;
      while (b < list.length && list[b].role === st.role && list[b].term === st.term) b++;
      const from = list[a].at, to = b < list.length ? list[b].at : end;
      for (let k = firstAtOrAfter(from); k < msgs.length && msgs[k][5] < to; k++) if (msgs[k][2] === rows[s.row].lane) highlight.add(k);
      h = `<h3>State of ${esc(rows[s.row].name)}</h3><dl><dt>from</dt><dd>${dur(st.at)}</dd><dt>role</dt><dd>${esc(st.role)}</dd>` +
        `<dt>term</dt><dd>${st.term}</dd><dt>commit</dt><dd>${st.commit}</dd><dt>applied</dt><dd>${st.applied}</dd>${st.note ? `<dt>note</dt><dd>${esc(st.note)}</dd>` : ""}` +
        `<dt>in this term</dt><dd class="term-rpcs">${dur(from)} – ${dur(to)}: ${highlight.size} messages sent, highlighted</dd></dl>`;
    } else if (s.kind === "log") {
      const l = logs[s.i];
      h = `<h3>Log line</h3><dl><dt>at</dt><dd>${dur(l.at)}</dd><dt>peer</dt><dd>${l.lane < 0 ? "—" : esc(D.lanes[l.lane].name)}</dd><dt>topic</dt><dd>${esc(l.topic)}</dd><dt>text</dt><dd>${esc(l.text)}</dd></dl>`;
    }
    $("detail").innerHTML = h + legend();
    body.dataset.selected = s.kind + ":" + s.i;
    redraw();
  }

  function legend() {
    let h = '<h3 style="margin-top:12px">Legend</h3><div class="legend">';
    D.fates.forEach((f, i) => { h += `<span><i class="sw" style="background:${fateColour[i]}"></i>${esc(f)}</span>`; });
    h += "</div><div class=legend>";
    for (const r of ["leader", "candidate", "follower"]) h += `<span><i class="sw" style="background:${roleColour[r]}"></i>${r}</span>`;
    h += '<span><i class="sw" style="background:#f8c4c4"></i>fault</span></div>';
    h += "<p>Wheel: zoom. Drag: pan. Shift-drag: zoom into a window. Click a message, an operation, a state or a violation.</p>";
    return h;
  }

  // Hit testing: the nearest drawn message within 6 px, else an operation,
  // else a state band.
  function hit(px, py) {
    let best = -1, bd = 36;
    for (const i of drawn) {
      const s = segment(msgs[i]);
      if (!s) continue;
      const d = distSq(px, py, s);
      if (d < bd) { bd = d; best = i; }
    }
    if (best >= 0) return { kind: "msg", i: best };
    const row = Math.floor(py / RowH), t = tAt(px);
    if (row < 0 || row >= rows.length) return null;
    if (rows[row].client) {
      const c = Number(rows[row].name.replace(/^client-/, ""));
      for (let i = 0; i < ops.length; i++) {
        const o = ops[i];
        if (o.client === c && t >= o.call && t <= (o.return < 0 ? end : o.return)) return { kind: "op", i };
      }
    }
    if (py - row * RowH <= BandH + 1) {
      const list = states[row] || [];
      for (let k = list.length - 1; k >= 0; k--) if (list[k].at <= t) return { kind: "state", row, i: k };
    }
    return null;
  }
  function distSq(px, py, s) {
    const dx = s[2] - s[0], dy = s[3] - s[1];
    const l = dx * dx + dy * dy;
    let u = l ? ((px - s[0]) * dx + (py - s[1]) * dy) / l : 0;
    u = Math.max(0, Math.min(1, u));
    const ex = s[0] + u * dx - px, ey = s[1] + u * dy - py;
    return ex * ex + ey * ey;
  }

  // Mouse: wheel zooms, drag pans, shift-drag selects a window, a click selects.
  function zoom(f, px) {
    const t = tAt(px);
    const span = Math.max(1000, Math.min(end * 4, (v1 - v0) * f));
    v0 = t - (px / W) * span; v1 = v0 + span;
    redraw();
  }
  cv.addEventListener("wheel", (e) => { e.preventDefault(); zoom(e.deltaY > 0 ? 1.25 : 0.8, e.offsetX); }, { passive: false });
  let drag = null;
  cv.addEventListener("mousedown", (e) => {
    const r = cv.getBoundingClientRect();
    drag = { x: e.clientX - r.left, y: e.clientY - r.top, v0, v1, shift: e.shiftKey, moved: false };
  });
  window.addEventListener("mousemove", (e) => {
    if (!drag) return;
    const px = e.clientX - cv.getBoundingClientRect().left;
    if (Math.abs(px - drag.x) > 3) drag.moved = true;
    if (!drag.moved) return;
    if (drag.shift) {
      const b = $("brush");
      b.style.display = ""; b.style.left = Math.min(px, drag.x) + "px"; b.style.width = Math.abs(px - drag.x) + "px";
    } else {
      const dt = ((px - drag.x) / W) * (drag.v1 - drag.v0);
      v0 = drag.v0 - dt; v1 = drag.v1 - dt;
      redraw();
    }
  });
  window.addEventListener("mouseup", (e) => {
    if (!drag) return;
    const d = drag;
    drag = null;
    const rect = cv.getBoundingClientRect();
    const px = e.clientX - rect.left, py = e.clientY - rect.top;
    if (d.moved && d.shift) {
      $("brush").style.display = "none";
      const a = tAt(Math.min(px, d.x)), b = tAt(Math.max(px, d.x));
      if (b - a > 100) { v0 = a; v1 = b; redraw(); }
      return;
    }
    if (d.moved) return;
    const s = hit(px, py);
    if (s) select(s);
  });
  $("fit").onclick = () => { v0 = 0; v1 = end; redraw(); };
  $("zin").onclick = () => zoom(0.5, W / 2);
  $("zout").onclick = () => zoom(2, W / 2);
  window.addEventListener("resize", () => { resize(); redraw(); });

  // A click at a message's middle, through the same path as the mouse
  // (used by "#click=msg:N" below).
  function clickMessage(i) {
    const s = segment(msgs[i]);
    if (!s) return;
    const rect = cv.getBoundingClientRect();
    const o = { bubbles: true, clientX: rect.left + (s[0] + s[2]) / 2, clientY: rect.top + (s[1] + s[3]) / 2 };
    cv.dispatchEvent(new MouseEvent("mousedown", o));
    window.dispatchEvent(new MouseEvent("mouseup", o));
  }

  // Start: fit the run, then select the first violation (or the first
  // operation that cannot be linearized) and show the time around it.
  resize();
  countShown();
  let first = null;
  if (violations.length) {
    let k = 0;
    violations.forEach((vl, i) => { if (vl.at < violations[k].at) k = i; });
    first = { kind: "violation", i: k, at: violations[k].at };
  } else if (hist && hist.bad >= 0) {
    first = { kind: "op", i: hist.bad, at: ops[hist.bad].call };
  }
  if (first) {
    const span = Math.min(end, 4e9);
    v0 = Math.max(0, first.at - span * 0.75); v1 = v0 + span;
    select({ kind: first.kind, i: first.i });
  } else {
    $("detail").innerHTML = "<h3>Nothing selected</h3>" + legend();
  }
  drawNow();

  // Actions from the URL's fragment, e.g. #method=Raft.RequestVote&peer=server-1&click=msg:12
  // (the page's tests drive it this way; a person can bookmark a view).
  const acts = new URLSearchParams(location.hash.slice(1));
  if (acts.has("method")) { fm.value = String(D.methods.indexOf(acts.get("method"))); fm.onchange(); }
  if (acts.has("peer")) { fp.value = String(D.lanes.findIndex((l) => l.name === acts.get("peer"))); fp.onchange(); }
  if (acts.has("search")) { $("search").value = acts.get("search"); search = acts.get("search").toLowerCase(); }
  if (acts.has("window")) { const [a, b] = acts.get("window").split(",").map(Number); v0 = a; v1 = b; }
  drawNow();
  if (acts.has("click")) {
    const [kind, n] = acts.get("click").split(":");
    if (kind === "msg") { centre((msgs[n][5] + msgs[n][6]) / 2); drawNow(); clickMessage(Number(n)); }
    else if (kind === "op") { centre(ops[n].call); select({ kind: "op", i: Number(n) }); }
    else if (kind === "log") { const el = document.querySelector(`.logline[data-i="${Number(n)}"]`); if (el) el.click(); }
    else if (kind === "state") { const [row, k] = n.split("."); select({ kind: "state", row: Number(row), i: Number(k) }); }
    drawNow();
  }
  body.dataset.renderMs = Math.round(performance.now() - t0page);
  body.dataset.ready = "1";
})();
