#include "report/html_page.h"

namespace calflops {

std::string_view HtmlPageStyle() {
  return R"css(
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.5em}
table#summary th{text-align:left;padding-right:1.5em;font-weight:600}
.exact{color:#777;font-size:.9em}
#controls{margin:1em 0}
#icicle{width:100%;border:1px solid #ddd;display:block}
#icicle rect{stroke:#fff;cursor:pointer}#icicle text{font-size:11px;pointer-events:none}
#steps{width:100%;border:1px solid #ddd;display:block}
table#tree{border-collapse:collapse;width:100%}
#tree th{cursor:pointer;text-align:right;border-bottom:2px solid #ccc;padding:2px 6px;user-select:none}
#tree th:first-child,#tree th:nth-child(2){text-align:left}
#tree td{padding:1px 6px;text-align:right;white-space:nowrap}
#tree td.name,#tree td.cls{text-align:left}
#tree tr:hover{background:#f3f6fb}
.tog{display:inline-block;width:1.1em;cursor:pointer;color:#555}
.bar{background:#e8eef8;width:120px;height:10px;display:inline-block;position:relative}
.bar>i{position:absolute;left:0;top:0;bottom:0;background:#4a7bd0}
)css";
}

std::string HtmlPageBody(bool steps) {
  std::string s =
      "<div id=\"controls\">Chart and bars: <select id=\"metric\"></select> "
      "<span id=\"crumbs\"></span></div>\n"
      "<svg id=\"icicle\" role=\"img\" aria-label=\"icicle chart\"></svg>\n";
  if (steps) {
    s += "<h2>Per call</h2>\n<div>Plot: <select id=\"step-metric\"><option value=\"flops\">FLOPs"
         "</option><option value=\"kv_cache\">KV cache</option></select> "
         "<span id=\"step-note\"></span></div>\n"
         "<svg id=\"steps\" role=\"img\" aria-label=\"per-call chart\"></svg>\n";
  }
  s += "<h2>Modules</h2>\n<p>Click a row's arrow to expand it, a column header to sort siblings, "
       "a chart cell to zoom into it (the top cell zooms out).</p>\n"
       "<table id=\"tree\"><thead></thead><tbody></tbody></table>\n";
  return s;
}

std::string_view HtmlPageScript() {
  return R"js(
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("calflops-data").textContent);
  var n = D.parent.length, kids = [], depth = [0], i;
  for (i = 0; i < n; i++) kids.push([]);
  for (i = 1; i < n; i++) { kids[D.parent[i]].push(i); depth[i] = depth[D.parent[i]] + 1; }
  // A folded entry stands for rep identical siblings; it and its descendants are drawn and
  // listed for the whole run (mult: the product of rep over the module and its ancestors), so
  // that children add up to their parent.
  var rep = D.repeat || null, mult = [1];
  for (i = 1; i < n; i++) mult[i] = mult[D.parent[i]] * (rep ? rep[i] : 1);
  function val(key, id) { return D[key][id] * mult[id]; }
  var SVG = "http://www.w3.org/2000/svg";
  var state = { metric: "flops", sort: null, desc: true, zoom: 0, open: {} };
  state.open[0] = true;

  function si(v, unit) {
    var p = ["", "K", "M", "G", "T", "P", "E", "Z", "Y"], k = 0;
    while (Math.abs(v) >= 1000 && k < p.length - 1) { v /= 1000; k++; }
    return (+v.toPrecision(4)) + " " + p[k] + unit;
  }
  function bytes(v) {
    var p = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"], k = 0;
    while (v >= 1024 && k < p.length - 1) { v /= 1024; k++; }
    return k ? v.toFixed(2) + " " + p[k] : v + " B";
  }
  function secs(s) {
    return s >= 1 ? s.toFixed(3) + " s" : s >= 1e-3 ? (s * 1e3).toFixed(3) + " ms"
                                                    : (s * 1e6).toFixed(3) + " us";
  }
  function fmt(key, v) {
    if (key === "memory") return bytes(v);
    if (key === "latency") return secs(v);
    if (key === "params") return si(v, "").replace(/ G$/, " B");  // billions, as calflops
    return si(v, key === "macs" ? "MACs" : "FLOPs");
  }
  function el(tag, attrs, text, ns) {
    var e = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
    for (var a in attrs) e.setAttribute(a, attrs[a]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function path(id) {
    var parts = [];
    for (; id > 0; id = D.parent[id]) parts.unshift(D.name[id]);
    return parts.join(".");
  }
  function label(id) {
    if (id === 0) return D.class[0];
    var r = rep ? rep[id] : 1, first = +D.name[id];
    if (r <= 1) return D.name[id];
    return (String(first) === D.name[id] ? first + "-" + (first + r - 1) : D.name[id]) + ": " + r + " x";
  }

  // Metric selector.
  var sel = document.getElementById("metric");
  D.metrics.forEach(function (m) { sel.appendChild(el("option", { value: m.key }, m.label)); });
  sel.addEventListener("change", function () { state.metric = sel.value; draw(); });

  // Module tree.
  var cols = [{ key: "name", label: "Module" }, { key: "class", label: "Class" }];
  D.metrics.forEach(function (m) { cols.push({ key: m.key, label: m.label }); });
  cols.push({ key: "share", label: "Share" });
  var head = document.querySelector("#tree thead"), body = document.querySelector("#tree tbody");
  var hr = el("tr");
  cols.forEach(function (c) {
    var th = el("th", { "data-key": c.key }, c.label);
    th.addEventListener("click", function () {
      if (c.key === "share") return;
      state.desc = state.sort === c.key ? !state.desc : c.key !== "name" && c.key !== "class";
      state.sort = c.key;
      drawTree();
    });
    hr.appendChild(th);
  });
  head.appendChild(hr);

  function ordered(list) {
    if (!state.sort) return list;
    var k = state.sort, s = list.slice();
    s.sort(function (a, b) {
      var x = k === "name" || k === "class" ? D[k][a] : val(k, a);
      var y = k === "name" || k === "class" ? D[k][b] : val(k, b), c = x < y ? -1 : x > y ? 1 : 0;
      return state.desc ? -c : c;
    });
    return s;
  }
  function drawTree() {
    body.textContent = "";
    var total = val(state.metric, 0) || 0;
    (function row(id) {
      var tr = el("tr", { "data-id": id, "data-path": path(id) });
      var name = el("td", { class: "name" });
      name.style.paddingLeft = 6 + 14 * depth[id] + "px";
      var tog = el("span", { class: "tog" }, kids[id].length ? (state.open[id] ? "\u25be" : "\u25b8") : "");
      if (kids[id].length) tog.addEventListener("click", function () { toggle(id); });
      name.appendChild(tog);
      name.appendChild(document.createTextNode(label(id)));
      tr.appendChild(name);
      tr.appendChild(el("td", { class: "cls" }, D.class[id]));
      D.metrics.forEach(function (m) { tr.appendChild(el("td", { "data-key": m.key }, fmt(m.key, val(m.key, id)))); });
      var share = total > 0 ? val(state.metric, id) / total : 0;
      var bar = el("span", { class: "bar", title: (100 * share).toFixed(2) + "%" });
      var fill = el("i");
      fill.style.width = Math.min(100, 100 * share) + "%";
      bar.appendChild(fill);
      var td = el("td", { class: "share" });
      td.appendChild(bar);
      td.appendChild(document.createTextNode(" " + (100 * share).toFixed(1) + "%"));
      tr.appendChild(td);
      body.appendChild(tr);
      if (state.open[id]) ordered(kids[id]).forEach(row);
    })(0);
  }
  function toggle(id) { state.open[id] = !state.open[id]; drawTree(); }

  // Icicle chart: the zoomed module on top, each level below splits its parent's width by value.
  var svg = document.getElementById("icicle"), ROW = 22, LEVELS = 8;
  var palette = ["#4a7bd0", "#6a9be0", "#8ab3e8", "#a9c8ef", "#c3d8f4", "#d6e4f7", "#e3edf9", "#eef4fb"];
  function drawIcicle() {
    svg.textContent = "";
    var W = svg.clientWidth || 960, key = state.metric, root = state.zoom, rootv = val(key, root);
    svg.setAttribute("data-zoom", path(root));
    svg.setAttribute("viewBox", "0 0 " + W + " " + ROW * LEVELS);
    svg.setAttribute("height", ROW * LEVELS);
    if (!(rootv > 0)) {
      svg.appendChild(el("text", { x: 8, y: 16 }, "no " + key + " in " + (path(root) || D.class[0]), SVG));
      return;
    }
    (function cell(id, x, w, level) {
      if (w < 0.5 || level >= LEVELS) return;
      var g = el("g", { "data-id": id, "data-path": path(id) }, undefined, SVG);
      var r = el("rect", { x: x, y: level * ROW, width: Math.max(w, 0.5), height: ROW - 1,
                           fill: palette[level % palette.length] }, undefined, SVG);
      g.appendChild(el("title", {}, (path(id) || D.class[0]) + " (" + D.class[id] + "): " + fmt(key, val(key, id)), SVG));
      g.appendChild(r);
      if (w > 50) {
        var t = label(id) + " " + fmt(key, val(key, id));
        g.appendChild(el("text", { x: x + 3, y: level * ROW + 15 }, t.length * 6.5 > w ? label(id) : t, SVG));
      }
      g.addEventListener("click", function () { zoomTo(id === state.zoom ? D.parent[id] : id); });
      svg.appendChild(g);
      var cx = x;
      kids[id].forEach(function (c) {
        var cw = w * val(key, c) / val(key, id);
        if (cw > 0) cell(c, cx, cw, level + 1);
        cx += cw > 0 ? cw : 0;
      });
    })(root, 0, W, 0);
  }
  function zoomTo(id) {
    if (id < 0) id = 0;
    state.zoom = id;
    for (var a = id; a >= 0; a = D.parent[a]) state.open[a] = true;  // show it in the tree too
    var crumbs = document.getElementById("crumbs");
    crumbs.textContent = id ? "zoomed to " + path(id) : "";
    draw();
  }

  // Per-call chart (generate): one point per call, the prefill first.
  var stepSel = document.getElementById("step-metric");
  if (stepSel && D.steps && D.steps.latency)
    stepSel.appendChild(el("option", { value: "latency" }, "Latency (roofline)"));
  function drawSteps() {
    var s = D.steps, box = document.getElementById("steps");
    if (!s || !box) return;
    var key = stepSel.value, v = s[key], W = box.clientWidth || 960, H = 220, L = 70, B = 30;
    box.textContent = "";
    box.setAttribute("viewBox", "0 0 " + W + " " + H);
    box.setAttribute("height", H);
    // Decode steps only: the prefill is orders of magnitude larger and is given in words.
    var from = v.length > 1 ? 1 : 0, lo = Infinity, hi = -Infinity, k;
    for (k = from; k < v.length; k++) { lo = Math.min(lo, v[k]); hi = Math.max(hi, v[k]); }
    if (hi === lo) { hi = lo + 1; }
    var x0 = s.call[from], x1 = s.call[v.length - 1] || 1, pts = [];
    for (k = from; k < v.length; k++) {
      var x = L + (W - L - 10) * (x1 > x0 ? (s.call[k] - x0) / (x1 - x0) : 0.5);
      var y = H - B - (H - B - 10) * (v[k] - lo) / (hi - lo);
      pts.push(x.toFixed(1) + "," + y.toFixed(1));
    }
    var unit = key === "kv_cache" ? bytes : key === "latency" ? secs
             : function (t) { return si(t, "FLOPs"); };
    box.appendChild(el("polyline", { points: pts.join(" "), fill: "none", stroke: "#4a7bd0", "stroke-width": 2, "data-points": pts.length }, undefined, SVG));
    box.appendChild(el("text", { x: 4, y: 14 }, unit(hi), SVG));
    box.appendChild(el("text", { x: 4, y: H - B }, unit(lo), SVG));
    box.appendChild(el("text", { x: L, y: H - 8 }, "call " + x0 + " (context " + s.context[from] + ")", SVG));
    box.appendChild(el("text", { x: W - 220, y: H - 8 }, "call " + x1 + " (context " + s.context[v.length - 1] + ")", SVG));
    document.getElementById("step-note").textContent =
        s.count + " calls; the prefill (call 0): " + unit(v[0]) + (v.length < s.count ? "; " + v.length + " calls sampled" : "");
  }
  if (stepSel) stepSel.addEventListener("change", drawSteps);

  function draw() { drawTree(); drawIcicle(); }
  kids[0].forEach(function (c) { state.open[c] = false; });
  draw();
  drawSteps();
  window.addEventListener("resize", function () { drawIcicle(); drawSteps(); });
})();
)js";
}

}  // namespace calflops
