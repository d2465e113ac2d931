// mnsim lab: the scenario editor (a form generated from the scenario's JSON Schema, and the TOML
// view, kept in sync through POST /api/check, which checks as `mnsim check` does), runs and
// studies (plan, validation, cohort) with live progress (server-sent events), each folder's
// page, the history and comparisons.
// Plain JavaScript, no build step, no network beyond this server.
"use strict";

const $ = (id) => document.getElementById(id);
const el = (tag, cls) => { const e = document.createElement(tag); if (cls) e.className = cls; return e; };
const enc = encodeURIComponent;
const state = { schema: null, doc: {}, resolved: null, file: "scenario.toml", seq: 0, run: null, es: null };
const fields = new Map(); // dotted key -> { row, input, msg, path, sh }

async function api(method, path, body) {
  const init = { method };
  if (body !== undefined) { init.headers = { "content-type": "application/json" }; init.body = JSON.stringify(body); }
  const r = await fetch(path, init);
  let data = null;
  try { data = await r.json(); } catch (_) { /* an empty body (204) */ }
  return { ok: r.ok, status: r.status, data };
}

const errText = (r) => (r.data && r.data.error && r.data.error.message) || ("HTTP " + r.status);

// ---- units, from the key's suffix (the project's naming rule: units in names) ----
const UNITS = [["_um2_per_h", "µm²/h"], ["_ul_per_cm2", "µL/cm²"], ["_ug_per_cm2", "µg/cm²"], ["_mg_per_ml", "mg/mL"],
  ["_mm_per_s", "mm/s"], ["_m_per_s", "m/s"], ["_um_per_h", "µm/h"], ["_per_d", "1/d"], ["_per_h", "1/h"],
  ["_fraction", "fraction"], ["_pct", "%"], ["_um", "µm"], ["_mm", "mm"], ["_hz", "Hz"], ["_deg", "°"],
  ["_min", "min"], ["_gib", "GiB"], ["_da", "Da"], ["_n", "N"], ["_s", "s"], ["_h", "h"], ["_d", "d"], ["_y", "years"]];
function unitOf(key) {
  for (const [suffix, unit] of UNITS) if (key.endsWith(suffix)) return unit;
  return "";
}

// ---- the schema, as the form needs it ----
function deref(s) {
  let guard = 0;
  while (s && s.$ref && guard++ < 20) s = state.schema.$defs[s.$ref.replace("#/$defs/", "")];
  return s || {};
}

function shape(prop) {
  let desc = prop.description || "";
  let s = prop;
  if (s.anyOf) {
    const notNull = s.anyOf.filter((x) => x.type !== "null");
    if (notNull.length !== 1) return { kind: "json", desc };
    s = notNull[0];
  }
  if (s.$ref) { const d = deref(s); if (!desc) desc = d.description || ""; s = d; }
  if (s.oneOf && s.oneOf.every((x) => x.const !== undefined)) {
    return { kind: "enum", values: s.oneOf.map((x) => [x.const, x.description || ""]), desc };
  }
  if (s.enum) return { kind: "enum", values: s.enum.map((v) => [v, ""]), desc };
  const types = (Array.isArray(s.type) ? s.type : [s.type]).filter((t) => t && t !== "null");
  if (types.length === 1) {
    const t = types[0];
    if (t === "object" && s.properties) return { kind: "object", schema: s, desc };
    if (["number", "integer", "string", "boolean"].includes(t)) return { kind: t, schema: s, desc };
    if (t === "array") {
      const it = deref(s.items || {});
      const itType = Array.isArray(it.type) ? it.type[0] : it.type;
      if (itType === "number" || itType === "integer") return { kind: "numarray", schema: s, desc };
    }
  }
  return { kind: "json", desc };
}

function describe(sh) {
  const parts = [sh.desc.replace(/\[`([^`]*)`\]/g, "$1").replace(/\s+/g, " ").trim()];
  const s = sh.schema || {};
  if (s.minimum !== undefined && s.minimum !== 0) parts.push("min " + s.minimum);
  if (s.maximum !== undefined) parts.push("max " + s.maximum);
  if (sh.kind === "integer") parts.push("(whole number)");
  if (sh.kind === "numarray") parts.push("(comma-separated numbers)");
  if (sh.kind === "json") parts.push("(JSON value)");
  return parts.filter(Boolean).join(" ");
}

// ---- the form ----
const OPEN = ["patient", "indication", "device", "protocol", "topical", "simulation"];

function buildForm() {
  const form = $("form");
  form.textContent = "";
  fields.clear();
  for (const [key, prop] of Object.entries(state.schema.properties)) {
    const sh = shape(prop);
    form.appendChild(sh.kind === "object" ? section([key], sh, OPEN.includes(key)) : fieldRow([key], sh));
  }
}

function section(path, sh, open) {
  const d = el("details");
  d.open = open;
  const sum = el("summary");
  sum.textContent = path.join(".");
  d.appendChild(sum);
  const p = el("div", "desc");
  p.textContent = sh.desc;
  d.appendChild(p);
  for (const [k, prop] of Object.entries(sh.schema.properties)) {
    const s2 = shape(prop);
    d.appendChild(s2.kind === "object" ? section(path.concat(k), s2, false) : fieldRow(path.concat(k), s2));
  }
  return d;
}

function selectOf(values) {
  const input = el("select");
  for (const [v, title] of [["", "(default)"]].concat(values)) {
    const o = el("option");
    o.value = v;
    o.textContent = v === "" ? "(default)" : v;
    if (title && v !== "") o.title = title;
    input.appendChild(o);
  }
  return input;
}

function fieldRow(path, sh) {
  const key = path.join(".");
  const id = "f-" + key.replace(/[^A-Za-z0-9_]/g, "-");
  const row = el("div", "field");
  row.dataset.key = key;
  const label = el("label");
  label.htmlFor = id;
  label.textContent = key;
  let input;
  if (sh.kind === "enum") input = selectOf(sh.values);
  else if (sh.kind === "boolean") input = selectOf([["true", ""], ["false", ""]]);
  else { input = el("input"); input.type = "text"; }
  input.id = id;
  input.name = key;
  input.addEventListener(input.tagName === "SELECT" ? "change" : "input", () => onFieldEdit(path, sh, input));
  const unit = el("span", "unit");
  unit.textContent = unitOf(path[path.length - 1]);
  const desc = el("span", "desc");
  desc.textContent = describe(sh);
  const msg = el("div", "msg");
  msg.id = id + "-msg";
  input.setAttribute("aria-describedby", msg.id);
  row.append(label, input, unit, desc, msg);
  fields.set(key, { row, input, msg, path, sh });
  return row;
}

function parseField(sh, text) {
  const t = text.trim();
  if (t === "") return undefined;
  switch (sh.kind) {
    case "number": case "integer": { const n = Number(t); return Number.isFinite(n) ? n : t; }
    case "boolean": return t === "true";
    case "numarray": return t.split(/[,\s]+/).filter(Boolean).map((x) => (Number.isFinite(Number(x)) ? Number(x) : x));
    case "json": try { return JSON.parse(t); } catch (_) { return t; }
    default: return t;
  }
}

function showField(sh, v) {
  if (v === undefined || v === null) return "";
  if (sh.kind === "numarray" && Array.isArray(v)) return v.join(", ");
  if (sh.kind === "json") return JSON.stringify(v);
  return String(v);
}

function getPath(obj, path) {
  let o = obj;
  for (const k of path) { if (o === null || typeof o !== "object") return undefined; o = o[k]; }
  return o;
}

function setPath(obj, path, v) {
  let o = obj;
  const chain = [];
  for (const k of path.slice(0, -1)) {
    if (typeof o[k] !== "object" || o[k] === null || Array.isArray(o[k])) o[k] = {};
    chain.push([o, k]);
    o = o[k];
  }
  const last = path[path.length - 1];
  if (v === undefined) delete o[last]; else o[last] = v;
  for (const [parent, k] of chain.reverse()) if (Object.keys(parent[k]).length === 0) delete parent[k];
}

function onFieldEdit(path, sh, input) {
  state.t_edit = performance.now();
  const value = parseField(sh, input.value);
  setPath(state.doc, path, value);
  // the edit is applied to the TOML text on the server, its comments and layout kept
  check({ toml: $("toml").value, set: { key: path.join("."), value: value === undefined ? null : value } }, "form");
}

function fillForm() {
  for (const f of fields.values()) {
    if (document.activeElement === f.input) continue;
    f.input.value = showField(f.sh, getPath(state.doc, f.path));
  }
}

function fillPlaceholders() {
  for (const f of fields.values()) {
    if (f.input.tagName === "SELECT") continue;
    const v = getPath(state.resolved, f.path);
    f.input.placeholder = v === undefined || v === null || typeof v === "object" && !Array.isArray(v) ? "" : showField(f.sh, v);
  }
}

// ---- checking (the CLI's messages beside the field) ----
function fieldOf(error) {
  if (!error || !error.field) return null;
  let best = null;
  for (const key of fields.keys()) {
    if ((error.field === key || error.field.startsWith(key + ".") || error.field.startsWith(key + "["))
      && (!best || key.length > best.length)) best = key;
  }
  return best && fields.get(best);
}

function showErrors(error) {
  for (const f of fields.values()) { f.row.classList.remove("invalid"); f.msg.textContent = ""; }
  $("toml-error").textContent = error ? error.message : "";
  const f = fieldOf(error);
  if (f) {
    f.row.classList.add("invalid");
    f.msg.textContent = error.message;
    const det = f.row.closest("details");
    if (det) det.open = true;
  }
}

async function check(body, source) {
  const seq = ++state.seq;
  const t0 = state.t_edit || performance.now();
  state.t_edit = null;
  body.file = state.file;
  const r = await api("POST", "/api/check", body);
  if (seq !== state.seq) return r; // a newer edit is on its way
  const d = r.data || {};
  if (typeof d.toml === "string" && source !== "toml") $("toml").value = d.toml;
  if (d.scenario && source !== "form") { state.doc = d.scenario; fillForm(); }
  if (d.resolved) { state.resolved = d.resolved; fillPlaceholders(); }
  showErrors(r.ok ? null : d.error || { message: errText(r) });
  const ms = performance.now() - t0;
  window.mnsimLastCheckMs = ms;
  const cs = $("check-status");
  if (r.ok) {
    const s = d.summary;
    cs.className = "check ok";
    cs.textContent = `✓ ${state.file}: ok — ${s.device} at ${s.site} (${s.name}), ${s.sessions} sessions, needle ${s.needle_length_um} µm;`
      + ` peak memory ${d.estimate.peak_memory_gib.toFixed(2)} GiB (checked in ${ms.toFixed(0)} ms)`;
  } else {
    cs.className = "check bad";
    cs.textContent = "✗ " + errText(r);
  }
  $("run").disabled = !r.ok;
  return r;
}

function loadText(text, file) {
  state.file = file;
  $("toml").value = text;
  return check({ toml: text }, "text");
}

// ---- runs ----
async function startRun() {
  $("run-error").textContent = "";
  const r = await api("POST", "/api/runs", { toml: $("toml").value, file: state.file });
  if (!r.ok) { $("run-error").textContent = errText(r); return; }
  follow(r.data);
}

function follow(s) {
  state.run = s.id;
  $("run-id").textContent = s.id;
  $("cancel").disabled = false;
  $("progress").hidden = false;
  if (state.es) state.es.close();
  const es = new EventSource("/api/runs/" + enc(s.id) + "/events");
  state.es = es;
  es.addEventListener("status", (e) => {
    const st = JSON.parse(e.data);
    showProgress(st);
    if (["done", "failed", "cancelled"].includes(st.state)) es.close();
  });
  es.onerror = () => es.close();
  showProgress(s);
}

function showProgress(st) {
  const frac = st.state === "done" ? 1 : st.total ? st.done / st.total : 0;
  $("progress-fill").style.width = (100 * frac).toFixed(0) + "%";
  const stage = st.stage === st.state ? "" : `: ${st.stage}` + (st.total ? ` ${st.done}/${st.total}` : "");
  $("progress-text").textContent = st.state + stage;
  document.body.dataset.runState = st.state;
  if (st.state === "done") { $("cancel").disabled = true; openReport(st.id, PAGE[st.kind]); refreshHistory(); }
  if (st.state === "failed") { $("cancel").disabled = true; $("run-error").textContent = st.error; refreshHistory(); }
  if (st.state === "cancelled") { $("cancel").disabled = true; $("run-error").textContent = `run ${st.id} cancelled: nothing was written`; refreshHistory(); }
}

// the page of a folder, by its kind (a run's report, a study's page)
const PAGE = { run: "report.html", plan: "plan.html", validate: "validation.html", cohort: "cohort.html", sensitivity: "sensitivity.html" };

function openReport(id, page) {
  const f = $("report");
  f.src = "/runs/" + enc(id) + "/" + (page || "report.html");
  f.hidden = false;
  f.scrollIntoView({ block: "nearest" });
  loadCourses(id, page || "report.html");
}

// ---- interactive time courses of the opened run (its healing.csv) ----
const courses = { rows: [], zoom: null, drag: null };

function parseCsv(text) {
  const lines = text.trim().split("\n");
  const head = lines[0].split(",");
  return lines.slice(1).map((l) => { const c = l.split(","); const o = {}; head.forEach((h, i) => { o[h] = c[i]; }); return o; });
}

async function loadCourses(id, page) {
  const box = $("courses");
  box.hidden = true;
  if (page !== "report.html") return;
  const r = await fetch("/runs/" + enc(id) + "/healing.csv");
  if (!r.ok) return; // a run without healing
  courses.rows = parseCsv(await r.text());
  courses.zoom = null;
  const vars = [...new Set(courses.rows.map((x) => x.quantity))].sort();
  const regions = [...new Set(courses.rows.map((x) => x.region))];
  const fill = (sel, values, keep) => {
    sel.textContent = "";
    for (const v of values) { const o = el("option"); o.value = v; o.textContent = v; sel.appendChild(o); }
    if (values.includes(keep)) sel.value = keep;
  };
  fill($("course-var"), vars, $("course-var").value || "collagen_total");
  fill($("course-region"), regions, $("course-region").value || "patch");
  box.hidden = false;
  drawCourse();
}

function courseSeries() {
  const v = $("course-var").value, g = $("course-region").value;
  return courses.rows.filter((x) => x.quantity === v && x.region === g)
    .map((x) => ({ t: Number(x.time_d), y: Number(x.value), lo: x.ensemble_p05 === "" ? NaN : Number(x.ensemble_p05),
      hi: x.ensemble_p95 === "" ? NaN : Number(x.ensemble_p95), unit: x.unit, phase: x.phase }));
}

function drawCourse() {
  const svg = $("course-plot");
  const W = svg.clientWidth || 700, H = 300, L = 60, R = 15, T = 12, B = 34;
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  let pts = courseSeries();
  if (courses.zoom) pts = pts.filter((p) => p.t >= courses.zoom[0] && p.t <= courses.zoom[1]);
  svg.textContent = "";
  if (pts.length < 2) return;
  const ys = pts.flatMap((p) => [p.y, p.lo, p.hi]).filter(Number.isFinite);
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (y1 === y0) { y0 -= 0.5 * Math.abs(y0 || 1); y1 += 0.5 * Math.abs(y1 || 1); }
  const [t0, t1] = [pts[0].t, pts[pts.length - 1].t];
  const X = (t) => L + (W - L - R) * (t - t0) / (t1 - t0 || 1), Y = (y) => T + (H - T - B) * (1 - (y - y0) / (y1 - y0));
  const ns = "http://www.w3.org/2000/svg";
  const add = (tag, attrs, text) => { const e = document.createElementNS(ns, tag); for (const k in attrs) e.setAttribute(k, attrs[k]); if (text) e.textContent = text; svg.appendChild(e); return e; };
  const band = pts.filter((p) => Number.isFinite(p.lo) && Number.isFinite(p.hi));
  if (band.length > 1) {
    const d = band.map((p, i) => (i ? "L" : "M") + X(p.t) + "," + Y(p.hi)).join("") + band.slice().reverse().map((p) => "L" + X(p.t) + "," + Y(p.lo)).join("") + "Z";
    add("path", { d, class: "band" });
  }
  add("path", { d: pts.map((p, i) => (i ? "L" : "M") + X(p.t) + "," + Y(p.y)).join(""), class: "line" });
  const g = add("g", { class: "axis" });
  const tick = (x1, y1, x2, y2) => { const e = document.createElementNS(ns, "line"); e.setAttribute("x1", x1); e.setAttribute("y1", y1); e.setAttribute("x2", x2); e.setAttribute("y2", y2); e.setAttribute("stroke", "#999"); g.appendChild(e); };
  tick(L, H - B, W - R, H - B); tick(L, T, L, H - B);
  for (let k = 0; k <= 4; k++) {
    const t = t0 + (t1 - t0) * k / 4, y = y0 + (y1 - y0) * k / 4;
    const a = document.createElementNS(ns, "text"); a.setAttribute("x", X(t)); a.setAttribute("y", H - B + 14); a.setAttribute("text-anchor", "middle"); a.textContent = t.toPrecision(3); g.appendChild(a);
    const b = document.createElementNS(ns, "text"); b.setAttribute("x", L - 4); b.setAttribute("y", Y(y) + 4); b.setAttribute("text-anchor", "end"); b.textContent = y.toPrecision(4); g.appendChild(b);
  }
  const lab = document.createElementNS(ns, "text"); lab.setAttribute("x", (L + W - R) / 2); lab.setAttribute("y", H - 4); lab.setAttribute("text-anchor", "middle");
  lab.textContent = `days from the first session — ${$("course-var").value} (${pts[0].unit}), ${$("course-region").value}` + (band.length > 1 ? "; band: 5–95 % over the ensemble" : "");
  g.appendChild(lab);
  const dot = add("circle", { r: 4, fill: "#d73027", visibility: "hidden" });
  const sel = add("rect", { class: "sel", y: T, height: H - T - B, width: 0, visibility: "hidden" });
  const tOf = (ev) => { const r = svg.getBoundingClientRect(); const x = (ev.clientX - r.left) * W / r.width; return t0 + (x - L) * (t1 - t0) / (W - L - R); };
  svg.onmousemove = (ev) => {
    const t = tOf(ev);
    let best = pts[0];
    for (const p of pts) if (Math.abs(p.t - t) < Math.abs(best.t - t)) best = p;
    dot.setAttribute("cx", X(best.t)); dot.setAttribute("cy", Y(best.y)); dot.setAttribute("visibility", "visible");
    const band = Number.isFinite(best.lo) ? ` [5–95 %: ${best.lo.toPrecision(4)}, ${best.hi.toPrecision(4)}]` : "";
    $("course-readout").textContent = `day ${best.t.toPrecision(4)}${best.phase === "course" ? "" : " (" + best.phase.replace("_", " ") + ")"}: ${best.y.toPrecision(4)} ${best.unit}${band}`;
    if (courses.drag !== null) {
      const a = X(Math.min(courses.drag, t)), b = X(Math.max(courses.drag, t));
      sel.setAttribute("x", a); sel.setAttribute("width", Math.max(0, b - a)); sel.setAttribute("visibility", "visible");
    }
  };
  svg.onmousedown = (ev) => { courses.drag = tOf(ev); };
  svg.onmouseup = (ev) => {
    if (courses.drag === null) return;
    const [a, b] = [Math.min(courses.drag, tOf(ev)), Math.max(courses.drag, tOf(ev))];
    courses.drag = null;
    if (b - a > (t1 - t0) / 200) { courses.zoom = [a, b]; drawCourse(); } else sel.setAttribute("visibility", "hidden");
  };
  svg.ondblclick = () => { courses.zoom = null; drawCourse(); };
}

async function cancelRun() {
  if (!state.run) return;
  const r = await api("POST", "/api/runs/" + enc(state.run) + "/cancel");
  if (!r.ok) $("run-error").textContent = errText(r);
}

// ---- studies ----
function showStudyForm() {
  const kind = $("study-kind").value;
  for (const k of ["plan", "validate", "cohort", "sensitivity"]) $("study-" + k).hidden = k !== kind;
}

async function startStudy() {
  $("study-error").textContent = "";
  const kind = $("study-kind").value;
  const body = { kind };
  if (kind === "plan") body.plan = $("plan-text").value;
  if (kind === "validate") {
    const ids = $("validate-cases").value.split(",").map((x) => x.trim()).filter((x) => x);
    if (ids.length) body.cases = ids;
  }
  if (kind === "cohort") { body.population = $("cohort-population").value; body.n = Number($("cohort-n").value); }
  if (kind === "sensitivity") {
    const list = (id, sep) => $(id).value.split(sep).map((x) => x.trim()).filter((x) => x);
    body.scenario = $("toml").value; // the scenario in the editor
    const params = list("sens-params", "\n");
    if (params.length) body.params = params;
    body.method = $("sens-method").value;
    body.n_design = Number($("sens-n").value);
    const outputs = list("sens-outputs", ",");
    if (outputs.length) body.outputs = outputs;
    const courses = list("sens-courses", ",");
    if (courses.length) body.time_courses = courses;
  }
  const r = await api("POST", "/api/studies", body);
  if (!r.ok) { $("study-error").textContent = errText(r); return; }
  follow(r.data);
}

async function loadStudies() {
  const r = await api("GET", "/api/studies");
  if (!r.ok) return;
  const ex = $("plan-example");
  for (const p of r.data.plans) {
    const o = el("option");
    o.value = p.name;
    o.textContent = p.name;
    ex.appendChild(o);
  }
  const pick = () => { const p = r.data.plans.find((x) => x.name === ex.value); if (p) $("plan-text").value = p.text; };
  ex.addEventListener("change", pick);
  pick();
  const pop = $("cohort-population");
  for (const name of r.data.populations) {
    const o = el("option");
    o.value = name;
    o.textContent = name;
    pop.appendChild(o);
  }
  $("cohort-n").max = r.data.max_cohort_patients;
  $("study-kind").addEventListener("change", showStudyForm);
  $("course-var").addEventListener("change", () => { courses.zoom = null; drawCourse(); });
  $("course-region").addEventListener("change", () => { courses.zoom = null; drawCourse(); });
  $("courses").addEventListener("toggle", drawCourse);
  $("study-run").addEventListener("click", startStudy);
}

// ---- history and comparison ----
async function refreshHistory() {
  const r = await api("GET", "/api/runs");
  if (!r.ok) return;
  const tbody = $("history").querySelector("tbody");
  tbody.textContent = "";
  for (const run of r.data.runs) {
    const tr = el("tr");
    tr.dataset.id = run.id;
    const pick = el("input");
    pick.type = "checkbox";
    pick.disabled = !run.comparable;
    pick.addEventListener("change", updateCompareButton);
    const name = el("td");
    if (run.page) {
      const a = el("a");
      a.href = "/runs/" + enc(run.id) + "/" + run.page;
      a.textContent = run.id;
      a.addEventListener("click", (e) => { e.preventDefault(); openReport(run.id, run.page); });
      name.appendChild(a);
    } else name.textContent = run.id;
    const del = el("button");
    del.type = "button";
    del.textContent = "delete";
    del.addEventListener("click", () => deleteRun(run.id, del));
    const cells = [pick, name, run.scenario || "", run.state, run.started_utc || "", del];
    cells.forEach((c, i) => {
      const td = c instanceof HTMLElement && c.tagName === "TD" ? c : el("td");
      if (c instanceof HTMLElement && c.tagName !== "TD") td.appendChild(c);
      else if (!(c instanceof HTMLElement)) td.textContent = c;
      if (i === 3) td.className = "state-" + run.state;
      tr.appendChild(td);
    });
    tbody.appendChild(tr);
  }
  updateCompareButton();
}

function selectedRuns() {
  return [...$("history").querySelectorAll("tbody tr")].filter((tr) => tr.querySelector("input").checked).map((tr) => tr.dataset.id);
}

function updateCompareButton() {
  $("compare").disabled = selectedRuns().length < 2;
}

async function deleteRun(id, button) {
  if (button.dataset.armed !== "1") { button.dataset.armed = "1"; button.textContent = "really delete?"; return; }
  const r = await api("DELETE", "/api/runs/" + enc(id));
  if (!r.ok) { $("compare-error").textContent = errText(r); return; }
  refreshHistory();
}

async function compareRuns() {
  $("compare-error").textContent = "";
  const r = await api("POST", "/api/compare", { runs: selectedRuns() });
  if (!r.ok) { $("compare-error").textContent = errText(r); return; }
  const f = $("comparison");
  f.srcdoc = r.data.html;
  f.hidden = false;
}

// ---- start ----
function tabs() {
  for (const t of document.querySelectorAll(".tab")) {
    t.addEventListener("click", () => {
      for (const u of document.querySelectorAll(".tab")) u.classList.toggle("active", u === t);
      for (const p of document.querySelectorAll(".pane")) p.classList.toggle("active", p.dataset.pane === t.dataset.tab);
    });
  }
}

async function serverStatus() {
  const r = await api("GET", "/api/status");
  if (!r.ok) return;
  const s = r.data;
  $("server-status").textContent = `mnsim ${s.mnsim_version} · runs folder ${s.runs_dir} · at most ${s.max_concurrent_runs} run(s) at once`;
}

async function main() {
  tabs();
  const [schema, presets] = await Promise.all([api("GET", "/api/schema"), api("GET", "/api/presets")]);
  state.schema = schema.data;
  buildForm();
  const sel = $("preset");
  state.presets = presets.data.presets;
  for (const p of state.presets) {
    const o = el("option");
    o.value = p.id;
    o.textContent = p.title;
    sel.appendChild(o);
  }
  sel.addEventListener("change", () => {
    const p = state.presets.find((x) => x.id === sel.value);
    if (p) loadText(p.toml, p.id + ".toml");
  });
  $("upload").addEventListener("change", async (e) => {
    const f = e.target.files[0];
    if (f) loadText(await f.text(), f.name);
  });
  $("download").addEventListener("click", () => {
    const a = el("a");
    a.href = URL.createObjectURL(new Blob([$("toml").value], { type: "text/plain" }));
    a.download = (state.doc.name || "scenario") + ".toml";
    a.click();
    URL.revokeObjectURL(a.href);
  });
  let timer = null;
  $("toml").addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => check({ toml: $("toml").value }, "toml"), 250);
  });
  $("run").addEventListener("click", startRun);
  $("cancel").addEventListener("click", cancelRun);
  $("compare").addEventListener("click", compareRuns);
  $("refresh").addEventListener("click", refreshHistory);
  await loadText(state.presets[0].toml, "scenario.toml");
  serverStatus();
  await loadStudies();
  refreshHistory();
  window.mnsimReadyMs = performance.now();
  document.body.dataset.ready = "1";
}

main().catch((e) => { $("check-status").textContent = "the lab failed to start: " + e; });
