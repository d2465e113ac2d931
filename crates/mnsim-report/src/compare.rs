//! Side-by-side comparison of run folders: a terminal table, a tidy CSV and one HTML page.

use crate::ReportError;
use crate::page::{esc, fmt_value as fmt};
use crate::plots::{self, Bar};
use plotters::style::RGBColor;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// One run as read back from its folder.
#[derive(Debug, Clone)]
pub struct RunSummary {
    /// Label (folder name).
    pub label: String,
    /// Scenario name.
    pub scenario: String,
    /// (name, value, unit, p05, p95) of every figure and outcome.
    pub values: Vec<(String, f64, String, Option<f64>, Option<f64>)>,
    /// The run's warnings (outside the calibrated range, …), as `results.json` holds them.
    pub warnings: Vec<String>,
}

/// Runs to compare.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    /// The runs, in the order given.
    pub runs: Vec<RunSummary>,
    /// Per run, the scenario values (dotted key → value) that differ between the runs
    /// ([`varied_values`]); empty maps when unknown. Written as their own columns.
    pub varied: Vec<BTreeMap<String, Value>>,
    /// The `--where` constraints each run is checked against (none: every run is shown as is).
    pub constraints: Vec<Constraint>,
}

/// How a [`Constraint`] compares a run's value with its bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `<=`
    Le,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `>`
    Gt,
}

impl Op {
    fn symbol(self) -> &'static str {
        match self {
            Op::Le => "<=",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Gt => ">",
        }
    }
}

/// One `--where QUANTITY OP VALUE` constraint (`downtime_d<=3`, `collagen_change_pct>10`) on a
/// figure or outcome of a run, by its name in `results.json` (`downtime_d`, or an outcome with or
/// without its `outcomes.` prefix).
#[derive(Debug, Clone, PartialEq)]
pub struct Constraint {
    /// The figure or outcome, as written.
    pub quantity: String,
    /// The comparison.
    pub op: Op,
    /// The bound, in the quantity's own unit.
    pub bound: f64,
}

impl std::str::FromStr for Constraint {
    type Err = String;

    /// Parse `QUANTITY<=VALUE` (operators `<=`, `>=`, `<`, `>`; spaces allowed around them).
    fn from_str(spec: &str) -> Result<Self, String> {
        let ops = [("<=", Op::Le), (">=", Op::Ge), ("<", Op::Lt), (">", Op::Gt)];
        let (at, len, op) = ops
            .iter()
            .filter_map(|(sym, op)| spec.find(sym).map(|i| (i, sym.len(), *op)))
            .min_by_key(|(i, len, _)| (*i, std::cmp::Reverse(*len)))
            .ok_or_else(|| format!("--where {spec}: expected QUANTITY<=VALUE (or >=, <, >), e.g. downtime_d<=3"))?;
        let quantity = spec[..at].trim();
        let value = spec[at + len..].trim();
        if quantity.is_empty() || !quantity.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') {
            return Err(format!("--where {spec}: `{quantity}` is not a figure or outcome name"));
        }
        let bound: f64 = value
            .parse()
            .ok()
            .filter(|b: &f64| b.is_finite())
            .ok_or_else(|| format!("--where {spec}: `{value}` is not a finite number"))?;
        Ok(Constraint { quantity: quantity.to_string(), op, bound })
    }
}

impl std::fmt::Display for Constraint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}{}", self.quantity, self.op.symbol(), self.bound)
    }
}

impl Constraint {
    /// The run's value of the constrained quantity, if it has it.
    pub fn value(&self, run: &RunSummary) -> Option<f64> {
        let prefixed = format!("outcomes.{}", self.quantity);
        let find = |n: &str| run.values.iter().find(|v| v.0 == n).map(|v| v.1);
        find(&self.quantity).or_else(|| find(&prefixed))
    }

    /// Whether the run meets the constraint (a run without the quantity does not).
    pub fn holds(&self, run: &RunSummary) -> bool {
        self.value(run).is_some_and(|x| match self.op {
            Op::Le => x <= self.bound,
            Op::Ge => x >= self.bound,
            Op::Lt => x < self.bound,
            Op::Gt => x > self.bound,
        })
    }
}

/// Check that every constraint names a quantity at least one of `runs` has; the error names the
/// constraint and the quantities that contain its name (or the headline ones).
pub fn check_constraints(constraints: &[Constraint], runs: &[RunSummary]) -> Result<(), String> {
    for c in constraints {
        if runs.iter().any(|r| c.value(r).is_some()) {
            continue;
        }
        let mut names: Vec<&str> = runs.iter().flat_map(|r| r.values.iter().map(|v| v.0.as_str())).collect();
        names.sort_unstable();
        names.dedup();
        let close: Vec<&str> = names.iter().copied().filter(|n| n.contains(c.quantity.as_str())).collect();
        let hint = if close.is_empty() {
            format!("headline quantities: {}", HEADLINE.iter().map(|h| h.0).collect::<Vec<_>>().join(", "))
        } else {
            format!("did you mean: {}", close.join(", "))
        };
        return Err(format!("--where {c}: no run has a figure or outcome `{}`; {hint}", c.quantity));
    }
    Ok(())
}

impl Comparison {
    /// A comparison of `runs`, with nothing varied and no constraints.
    pub fn new(runs: Vec<RunSummary>) -> Self {
        let varied = vec![BTreeMap::new(); runs.len()];
        Comparison { runs, varied, constraints: Vec::new() }
    }

    /// Whether run `k` meets every constraint (`None` without constraints).
    pub fn meets(&self, k: usize) -> Option<bool> {
        (!self.constraints.is_empty()).then(|| self.constraints.iter().all(|c| c.holds(&self.runs[k])))
    }

    /// The varied scenario keys, sorted, over all runs.
    pub fn varied_keys(&self) -> Vec<&String> {
        let mut keys: Vec<&String> = self.varied.iter().flat_map(|m| m.keys()).collect();
        keys.sort();
        keys.dedup();
        keys
    }

    fn get(&self, run: usize, name: &str) -> Option<&(String, f64, String, Option<f64>, Option<f64>)> {
        self.runs[run].values.iter().find(|v| v.0 == name)
    }

    /// Headline rows present in at least one run.
    fn rows(&self) -> Vec<(&'static str, &'static str, String)> {
        HEADLINE
            .iter()
            .filter_map(|(n, l)| {
                let unit = (0..self.runs.len()).find_map(|k| self.get(k, n).map(|v| v.2.clone()))?;
                Some((*n, *l, unit))
            })
            .collect()
    }

    /// The x axis of a dose–response chart: the varied key that is a number in every run and
    /// takes the most distinct values (ties: the first in sorted order); `None` when no varied
    /// key is numeric in every run with at least two distinct values.
    pub fn dose_axis(&self) -> Option<&String> {
        let mut best: Option<(&String, usize)> = None;
        for key in self.varied_keys() {
            let xs: Option<Vec<f64>> = self.varied.iter().map(|m| m.get(key).and_then(Value::as_f64)).collect();
            let Some(mut xs) = xs.filter(|x| x.len() == self.runs.len()) else { continue };
            xs.sort_by(f64::total_cmp);
            xs.dedup();
            if xs.len() >= 2 && best.is_none_or(|(_, n)| xs.len() > n) {
                best = Some((key, xs.len()));
            }
        }
        best.map(|(k, _)| k)
    }

    /// Dose–response series of `name` along `axis`: the runs grouped by their other varied
    /// values (one series each, in first-seen order), sorted by the axis value. `None` unless
    /// every run has the quantity and its nominal value is not the same in all of them.
    pub fn dose_series(&self, axis: &str, name: &str) -> Option<Vec<plots::DoseSeries>> {
        let vals: Vec<_> = (0..self.runs.len()).map(|k| self.get(k, name)).collect::<Option<_>>()?;
        if vals.iter().all(|v| v.1 == vals[0].1) {
            return None;
        }
        // the keys that split the runs into series: every varied key but the axis and those
        // that follow it (found once, not per run)
        let split: Vec<&String> =
            self.varied_keys().into_iter().filter(|key| key.as_str() != axis && !self.follows(axis, key)).collect();
        let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
        for k in 0..self.runs.len() {
            let label =
                split.iter().map(|key| format!("{key} = {}", self.varied_cell(k, key))).collect::<Vec<_>>().join(", ");
            match groups.iter_mut().find(|g| g.0 == label) {
                Some(g) => g.1.push(k),
                None => groups.push((label, vec![k])),
            }
        }
        let x_of = |k: usize| self.varied[k].get(axis).and_then(Value::as_f64).unwrap_or(f64::NAN);
        Some(
            groups
                .into_iter()
                .map(|(label, mut ks)| {
                    ks.sort_by(|&a, &b| x_of(a).total_cmp(&x_of(b)));
                    let band = ks.iter().map(|&k| vals[k].3.zip(vals[k].4)).collect::<Option<Vec<_>>>();
                    plots::DoseSeries {
                        label,
                        x: ks.iter().map(|&k| x_of(k)).collect(),
                        y: ks.iter().map(|&k| vals[k].1).collect(),
                        band: band.map(|b| b.into_iter().unzip()),
                    }
                })
                .collect(),
        )
    }

    /// Whether `key` follows `axis`: runs with the same axis value have the same `key` value (a
    /// default derived from the varied one, such as the pen's stroke from its needle length).
    /// Such a key does not split the runs into series.
    fn follows(&self, axis: &str, key: &str) -> bool {
        let n = self.runs.len();
        (0..n).all(|a| {
            (0..n).all(|b| {
                self.varied[a].get(axis) != self.varied[b].get(axis)
                    || self.varied[a].get(key) == self.varied[b].get(key)
            })
        })
    }

    fn varied_cell(&self, k: usize, key: &str) -> String {
        match self.varied.get(k).and_then(|m| m.get(key)) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(v) => v.to_string(),
        }
    }
}

/// The quantities shown in the terminal table and the page, in order, with labels.
pub const HEADLINE: [(&str, &str); 23] = [
    ("holes_per_cm2_per_session", "holes per cm² per session"),
    ("mean_depth_um", "mean depth reached"),
    ("depth_fraction", "depth ÷ needle length"),
    ("bleeding_fraction", "punctures reaching the plexus"),
    ("transport_delivered_needled_ug_per_cm2", "topical delivered past SC"),
    ("transport_dermis_needled_ug_per_cm2", "topical in the dermis"),
    ("transport_window_min", "application window"),
    ("reepithelialisation_h", "re-epithelialisation"),
    ("downtime_d", "downtime"),
    ("outcomes.collagen_change_pct", "collagen"),
    ("outcomes.elastin_change_pct", "elastin"),
    ("outcomes.dermis_change_pct", "dermal thickness"),
    ("outcomes.suction_stiffness_change_pct", "firmness"),
    ("outcomes.wrinkle_depth_change_pct", "wrinkle depth"),
    ("outcomes.scar_improvement_pct", "scar depth improvement"),
    ("outcomes.scar_grade", "scar grade (1–4)"),
    ("outcomes.striae_improvement_pct", "striae improvement"),
    ("outcomes.masi_change_pct", "MASI-like score"),
    ("outcomes.scar_gb_quantitative_points", "Goodman–Baron points"),
    ("outcomes.masi_points", "MASI (points)"),
    ("outcomes.wrinkle_lemperle_score", "Lemperle score (0–5)"),
    ("outcomes.laxity_aa_grade", "laxity (0–4)"),
    ("outcomes.pih_risk_pct", "PIH risk"),
];

fn read_json(p: &Path) -> Result<serde_json::Value, ReportError> {
    let text = std::fs::read_to_string(p).map_err(|e| ReportError::Io { path: p.to_path_buf(), cause: e })?;
    serde_json::from_str(&text).map_err(|e| ReportError::Io {
        path: p.to_path_buf(),
        cause: std::io::Error::new(std::io::ErrorKind::InvalidData, format!("not an mnsim results.json: {e}")),
    })
}

/// Check that `doc` is an mnsim `results.json`: an object with an `mnsim_version` string and a
/// `figures` object whose entries each hold a numeric `value`.
fn check_results(p: &Path, doc: &serde_json::Value) -> Result<(), ReportError> {
    let bad = |why: String| ReportError::Io {
        path: p.to_path_buf(),
        cause: std::io::Error::new(std::io::ErrorKind::InvalidData, format!("not an mnsim results.json: {why}")),
    };
    let obj = doc.as_object().ok_or_else(|| bad("the document is not a JSON object".into()))?;
    if !obj.get("mnsim_version").is_some_and(|v| v.is_string()) {
        return Err(bad("no `mnsim_version` string".into()));
    }
    let figures = obj.get("figures").and_then(|f| f.as_object()).ok_or_else(|| bad("no `figures` object".into()))?;
    if figures.is_empty() {
        return Err(bad("`figures` is empty".into()));
    }
    if let Some((name, _)) = figures.iter().find(|(_, v)| !v["value"].is_number()) {
        return Err(bad(format!("figure `{name}` has no numeric `value`")));
    }
    Ok(())
}

/// Read `results.json` of each run folder (each checked to be one), and the scenario values that
/// differ between them from their `manifest.json`.
pub fn load_runs(dirs: &[PathBuf]) -> Result<Comparison, ReportError> {
    let mut runs = Vec::new();
    for d in dirs {
        let label = d.file_name().map(|s| s.to_string_lossy().to_string()).unwrap_or_else(|| d.display().to_string());
        let p = d.join("results.json");
        let doc = read_json(&p)?;
        check_results(&p, &doc)?;
        runs.push(summary(label, &doc));
    }
    let scenarios: Vec<Option<Value>> = dirs.iter().map(|d| manifest_scenario(d)).collect();
    Ok(Comparison { varied: varied_values(&scenarios), ..Comparison::new(runs) })
}

/// A run's summary from its `results.json` document.
pub fn summary(label: String, r: &serde_json::Value) -> RunSummary {
    let mut values = Vec::new();
    if let Some(f) = r["figures"].as_object() {
        for (name, v) in f {
            if let Some(x) = v["value"].as_f64() {
                values.push((name.clone(), x, v["unit"].as_str().unwrap_or("").to_string(), None, None));
            }
        }
    }
    if let Some(o) = r["outcomes"].as_object() {
        for (name, v) in o {
            if let Some(x) = v["value"].as_f64() {
                values.push((
                    format!("outcomes.{name}"),
                    x,
                    v["unit"].as_str().unwrap_or("").to_string(),
                    v["ensemble_p05"].as_f64(),
                    v["ensemble_p95"].as_f64(),
                ));
            }
        }
    }
    let warnings = r["warnings"]
        .as_array()
        .map(|w| w.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    RunSummary { label, scenario: r["scenario"].as_str().unwrap_or("").to_string(), values, warnings }
}

/// Terminal table: the varied scenario values, one row per headline quantity, then (with
/// constraints) whether each run meets them; one column per run; the runs' warnings below it.
pub fn table(c: &Comparison) -> String {
    let mut s = String::new();
    let _ = write!(s, "{:<30}", "quantity");
    for r in &c.runs {
        let _ = write!(s, " {:>22}", truncate(&r.label, 22));
    }
    let _ = writeln!(s, "  unit");
    let row = |s: &mut String, label: &str, cells: Vec<String>, unit: &str| {
        let _ = write!(s, "{:<30}", truncate(label, 30));
        for v in cells {
            let _ = write!(s, " {:>22}", truncate(&v, 22));
        }
        let _ = writeln!(s, "  {unit}");
    };
    for key in c.varied_keys() {
        row(&mut s, key, (0..c.runs.len()).map(|k| c.varied_cell(k, key)).collect(), "");
    }
    for (name, label, unit) in c.rows() {
        let cells = (0..c.runs.len()).map(|k| c.get(k, name).map(|v| fmt(v.1)).unwrap_or_else(|| "—".into()));
        row(&mut s, label, cells.collect(), &unit);
    }
    if !c.constraints.is_empty() {
        let label = format!("meets {}", c.constraints.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", "));
        let cells = (0..c.runs.len()).map(|k| if c.meets(k) == Some(true) { "yes" } else { "no" }.to_string());
        row(&mut s, &label, cells.collect(), "");
    }
    for r in &c.runs {
        for w in &r.warnings {
            let _ = writeln!(s, "warning ({}): {w}", r.label);
        }
    }
    s
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().rev().take(n).collect::<Vec<_>>().into_iter().rev().collect()
    }
}

/// The tidy CSV: one row per run and quantity, with each varied scenario value in its own column
/// (named by its dotted key) and, with constraints, `meets_constraints` (true/false).
fn tidy_csv(c: &Comparison) -> Result<Vec<u8>, String> {
    let keys = c.varied_keys();
    let mut header: Vec<String> = vec!["run".into(), "scenario".into()];
    header.extend(keys.iter().map(|k| k.to_string()));
    if !c.constraints.is_empty() {
        header.push("meets_constraints".into());
    }
    header.extend(["quantity", "value", "ensemble_p05", "ensemble_p95", "unit"].map(String::from));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).map_err(|e| e.to_string())?;
    for (k, r) in c.runs.iter().enumerate() {
        let mut lead: Vec<String> = vec![r.label.clone(), r.scenario.clone()];
        lead.extend(keys.iter().map(|key| c.varied_cell(k, key)));
        if let Some(m) = c.meets(k) {
            lead.push(m.to_string());
        }
        for (name, v, unit, lo, hi) in &r.values {
            let mut rec = lead.clone();
            rec.extend([
                name.clone(),
                format!("{v}"),
                lo.map(|x| x.to_string()).unwrap_or_default(),
                hi.map(|x| x.to_string()).unwrap_or_default(),
                unit.clone(),
            ]);
            w.write_record(&rec).map_err(|e| e.to_string())?;
        }
    }
    w.into_inner().map_err(|e| e.to_string())
}

/// Tidy CSV (run × quantity) and the HTML page.
pub fn render(c: &Comparison) -> Result<(Vec<u8>, String), String> {
    let csv = tidy_csv(c)?;

    let mut h = String::new();
    h.push_str("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>mnsim comparison</title><style>body{font-family:sans-serif;max-width:1150px;margin:1.5em auto;color:#222}table{border-collapse:collapse;font-size:14px}td,th{border-bottom:1px solid #eee;padding:3px 8px}td.num{text-align:right;font-variant-numeric:tabular-nums}.fig{display:inline-block;vertical-align:top}td.ok{color:#1a7f37}td.no{color:#b42318}ul.warnings li{color:#8a5a00}</style></head><body><h1>mnsim comparison</h1><table><tr><th>quantity</th>");
    for r in &c.runs {
        let _ = write!(h, "<th>{}</th>", esc(&r.label));
    }
    h.push_str("<th>unit</th></tr>");
    for key in c.varied_keys() {
        let _ = write!(h, "<tr><td><code>{}</code></td>", esc(key));
        for k in 0..c.runs.len() {
            let _ = write!(h, "<td class=\"num\"><b>{}</b></td>", esc(&c.varied_cell(k, key)));
        }
        h.push_str("<td></td></tr>");
    }
    for (name, label, unit) in c.rows() {
        let _ = write!(h, "<tr><td>{}</td>", esc(label));
        for k in 0..c.runs.len() {
            let cell = c
                .get(k, name)
                .map(|v| match (v.3, v.4) {
                    (Some(lo), Some(hi)) => format!("{} [{} – {}]", fmt(v.1), fmt(lo), fmt(hi)),
                    _ => fmt(v.1),
                })
                .unwrap_or_else(|| "—".into());
            let _ = write!(h, "<td class=\"num\">{}</td>", esc(&cell));
        }
        let _ = write!(h, "<td>{}</td></tr>", esc(&unit));
    }
    if !c.constraints.is_empty() {
        let all = c.constraints.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", ");
        let _ = write!(h, "<tr><td>meets <code>{}</code></td>", esc(&all));
        for k in 0..c.runs.len() {
            let ok = c.meets(k) == Some(true);
            let _ =
                write!(h, "<td class=\"num {}\">{}</td>", if ok { "ok" } else { "no" }, if ok { "yes" } else { "no" });
        }
        h.push_str("<td></td></tr>");
    }
    h.push_str("</table><p>Brackets: 5–95 % over each run's uncertainty ensemble.</p>");
    let warned: Vec<&RunSummary> = c.runs.iter().filter(|r| !r.warnings.is_empty()).collect();
    if !warned.is_empty() {
        h.push_str("<h2>Warnings</h2><ul class=\"warnings\">");
        for r in warned {
            for w in &r.warnings {
                let _ = write!(h, "<li><b>{}</b>: {}</li>", esc(&r.label), esc(w));
            }
        }
        h.push_str("</ul>");
    }
    // a numeric sweep: each headline quantity that changes along it, as a dose–response line
    if let Some(axis) = c.dose_axis() {
        let _ = write!(
            h,
            "<h2>Dose–response along <code>{}</code></h2><p>One line per combination of the other varied \
             values; shaded: 5–95 % over each run's uncertainty ensemble. The data are in \
             <a href=\"compare.csv\">compare.csv</a>.</p>",
            esc(axis)
        );
        let mut legend_written = false;
        for (name, label, unit) in c.rows() {
            if let Some(series) = c.dose_series(axis, name) {
                if !legend_written && series.iter().any(|s| !s.label.is_empty()) {
                    // one legend for every chart, outside the data (the series are in the same order)
                    h.push_str("<p class=\"legend\">");
                    for (k, s) in series.iter().enumerate() {
                        let RGBColor(r, g, b) = plots::PALETTE[k % plots::PALETTE.len()];
                        let _ = write!(
                            h,
                            "<span style=\"white-space:nowrap;margin-right:1.2em\"><span style=\"display:inline-block;width:14px;height:4px;vertical-align:middle;background:#{r:02x}{g:02x}{b:02x}\"></span> {}</span>",
                            esc(&s.label)
                        );
                    }
                    h.push_str("</p>");
                }
                legend_written = true;
                let svg = plots::dose_response_svg(label, axis, &format!("{label} ({unit})"), &series)?;
                let _ = write!(h, "<div class=\"fig\">{svg}</div>");
            }
        }
    }
    // one small bar chart per outcome present in every run
    for (name, label, unit) in c.rows().into_iter().filter(|(n, _, _)| n.starts_with("outcomes.")) {
        let bars: Vec<Bar> = (0..c.runs.len())
            .filter_map(|k| {
                c.get(k, name).map(|v| Bar {
                    label: c.runs[k].label.clone(),
                    value: v.1,
                    low: v.3,
                    high: v.4,
                    higher_is_better: crate::page::higher_is_better(name),
                })
            })
            .collect();
        if bars.len() == c.runs.len() {
            let svg = plots::bar_chart_svg(label, &format!("{label} ({unit})"), &bars)?;
            let _ = write!(h, "<div class=\"fig\">{svg}</div>");
        }
    }
    h.push_str("</body></html>\n");
    Ok((csv, h))
}

/// The resolved scenario stamped into a run folder's manifest.json, if it has one.
pub fn manifest_scenario(dir: &Path) -> Option<Value> {
    let text = std::fs::read_to_string(dir.join("manifest.json")).ok()?;
    let doc: Value = serde_json::from_str(&text).ok()?;
    doc.get("scenario").filter(|s| s.is_object()).cloned()
}

/// Every leaf of a JSON object by its dotted key path (`device.needle_length_um`); arrays are
/// leaves.
fn leaves(prefix: &str, v: &Value, into: &mut BTreeMap<String, Value>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                leaves(&key, x, into);
            }
        }
        _ => {
            into.insert(prefix.to_string(), v.clone());
        }
    }
}

/// Per run, the scenario values (by dotted key) that are not the same in every run; a run
/// without a manifest has none, and a key a run lacks is `null` there.
pub fn varied_values(scenarios: &[Option<Value>]) -> Vec<BTreeMap<String, Value>> {
    let flat: Vec<BTreeMap<String, Value>> = scenarios
        .iter()
        .map(|s| {
            let mut m = BTreeMap::new();
            if let Some(s) = s {
                leaves("", s, &mut m);
            }
            m
        })
        .collect();
    let with: Vec<&BTreeMap<String, Value>> =
        scenarios.iter().zip(&flat).filter(|(s, _)| s.is_some()).map(|p| p.1).collect();
    let keys: std::collections::BTreeSet<&String> = with.iter().flat_map(|m| m.keys()).collect();
    let differ: Vec<&String> =
        keys.into_iter().filter(|k| with.windows(2).any(|w| w[0].get(*k) != w[1].get(*k))).collect();
    scenarios
        .iter()
        .zip(&flat)
        .map(|(s, m)| match s {
            Some(_) => differ.iter().map(|k| ((*k).clone(), m.get(*k).cloned().unwrap_or(Value::Null))).collect(),
            None => BTreeMap::new(),
        })
        .collect()
}

/// The JSON form of a comparison: per run its label, folder, the varied scenario values, every
/// figure and outcome with its unit (outcomes with their 5–95 % ensemble interval), then the
/// headline rows of the terminal table with one value per run (`null` where a run lacks it); with
/// constraints, each run's `meets_constraints` (`null` without), and each run's warnings.
pub fn comparison_json(cmp: &Comparison, dirs: &[String]) -> Value {
    let varied = &cmp.varied;
    let runs: Vec<Value> = cmp
        .runs
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let (mut figures, mut outcomes) = (Map::new(), Map::new());
            for (name, value, unit, lo, hi) in &r.values {
                match name.strip_prefix("outcomes.") {
                    Some(n) => {
                        outcomes.insert(
                            n.to_string(),
                            json!({"value": value, "unit": unit, "ensemble_p05": lo, "ensemble_p95": hi}),
                        );
                    }
                    None => {
                        figures.insert(name.clone(), json!({"value": value, "unit": unit}));
                    }
                }
            }
            json!({
                "label": r.label,
                "scenario": r.scenario,
                "run_dir": dirs.get(i),
                "varied": varied.get(i).cloned().unwrap_or_default(),
                "meets_constraints": cmp.meets(i),
                "warnings": r.warnings,
                "figures": figures,
                "outcomes": outcomes,
            })
        })
        .collect();
    let keys = cmp.varied_keys();
    let headline: Vec<Value> = HEADLINE
        .iter()
        .filter_map(|(name, label)| {
            let cells: Vec<Option<_>> = cmp.runs.iter().map(|r| r.values.iter().find(|v| v.0 == *name)).collect();
            let unit = cells.iter().flatten().next()?.2.clone();
            Some(json!({
                "name": name,
                "label": label,
                "unit": unit,
                "values": cells.iter().map(|c| c.map(|v| v.1)).collect::<Vec<_>>(),
            }))
        })
        .collect();
    let constraints: Vec<String> = cmp.constraints.iter().map(|c| c.to_string()).collect();
    json!({ "varied_keys": keys, "constraints": constraints, "runs": runs, "headline": headline })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_values_that_differ_are_varied() {
        let a = json!({"name": "x", "device": {"needle_length_um": 500, "needle_count": 12}, "seed": [1, 2]});
        let b = json!({"name": "x", "device": {"needle_length_um": 1500, "needle_count": 12}, "seed": [1, 3]});
        let v = varied_values(&[Some(a), Some(b), None]);
        assert_eq!(v[0].keys().collect::<Vec<_>>(), ["device.needle_length_um", "seed"]);
        assert_eq!(v[1]["device.needle_length_um"], 1500);
        assert!(v[2].is_empty());
        assert!(varied_values(&[Some(json!({"a": 1}))])[0].is_empty());
    }

    fn run(label: &str, downtime_d: f64, collagen_pct: f64) -> RunSummary {
        RunSummary {
            label: label.into(),
            scenario: "s".into(),
            values: vec![
                ("downtime_d".into(), downtime_d, "d".into(), None, None),
                ("outcomes.collagen_change_pct".into(), collagen_pct, "%".into(), None, None),
            ],
            warnings: vec![],
        }
    }

    #[test]
    fn constraints_parse_and_hold() {
        let c: Constraint = "downtime_d <= 3".parse().unwrap();
        assert_eq!((c.quantity.as_str(), c.op, c.bound), ("downtime_d", Op::Le, 3.0));
        assert_eq!("collagen_change_pct>=1e1".parse::<Constraint>().unwrap().op, Op::Ge);
        assert_eq!("x<2".parse::<Constraint>().unwrap().op, Op::Lt);
        assert_eq!("x>2".parse::<Constraint>().unwrap().op, Op::Gt);
        for bad in ["downtime_d", "<=3", "downtime_d<=three", "downtime_d<=nan", "down time<=3"] {
            let e = bad.parse::<Constraint>().unwrap_err();
            assert!(e.starts_with(&format!("--where {bad}:")), "{e}");
        }
        let (a, b) = (run("a", 2.5, 12.0), run("b", 3.5, 20.0));
        assert!(c.holds(&a) && !c.holds(&b));
        // an outcome with or without its prefix; the bound itself meets <= but not <
        let g: Constraint = "outcomes.collagen_change_pct>15".parse().unwrap();
        assert!(!g.holds(&a) && g.holds(&b));
        assert!("downtime_d<=2.5".parse::<Constraint>().unwrap().holds(&a));
        assert!(!"downtime_d<2.5".parse::<Constraint>().unwrap().holds(&a));
        let mut cmp = Comparison::new(vec![a, b]);
        assert_eq!(cmp.meets(0), None);
        cmp.constraints = vec![c, "collagen_change_pct>10".parse().unwrap()];
        assert_eq!((cmp.meets(0), cmp.meets(1)), (Some(true), Some(false)));
        let e = check_constraints(&["collagen<5".parse().unwrap()], &cmp.runs).unwrap_err();
        assert!(e.contains("no run has") && e.contains("outcomes.collagen_change_pct"), "{e}");
        assert!(check_constraints(&cmp.constraints, &cmp.runs).is_ok());
    }

    #[test]
    fn a_numeric_sweep_draws_one_sorted_line_per_other_varied_value() {
        // a 3 × 2 grid given out of order: needle length (numeric, 3 values) × a named device
        let mut runs = Vec::new();
        let mut varied = Vec::new();
        for (len, kind, collagen) in [
            (1500, "pen", 30.0),
            (500, "pen", 10.0),
            (1000, "roller", 4.0),
            (500, "roller", 2.0),
            (1000, "pen", 20.0),
            (1500, "roller", 6.0),
        ] {
            runs.push(run(&format!("{kind}-{len}"), 3.0, collagen));
            varied.push(BTreeMap::from([
                ("device.needle_length_um".to_string(), json!(len)),
                ("device.kind".to_string(), json!(kind)),
                // a default that follows the axis (the pen's stroke) does not split the series
                ("device.stroke_um".to_string(), json!(len + 1000)),
            ]));
        }
        let mut cmp = Comparison::new(runs);
        cmp.varied = varied;
        let axis = cmp.dose_axis().unwrap().clone();
        assert_eq!(axis, "device.needle_length_um", "the numeric key is the axis, the string key the series");
        let s = cmp.dose_series(&axis, "outcomes.collagen_change_pct").unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].label.as_str(), s[1].label.as_str()), ("device.kind = pen", "device.kind = roller"));
        assert_eq!(s[0].x, [500.0, 1000.0, 1500.0]);
        assert_eq!(s[0].y, [10.0, 20.0, 30.0]);
        assert_eq!(s[1].y, [2.0, 4.0, 6.0]);
        assert!(s[0].band.is_none(), "no ensemble, no band");
        // a quantity that is the same in every run draws nothing
        assert!(cmp.dose_series(&axis, "downtime_d").is_none());
        let (_, html) = render(&cmp).unwrap();
        assert!(html.contains("Dose–response along <code>device.needle_length_um</code>"), "page has the section");
        assert_eq!(html.matches("<svg").count(), 1 + 1, "one dose–response chart (collagen) and one bar chart");
        // nothing numeric varied: no dose–response section
        let mut flat = cmp.clone();
        for m in &mut flat.varied {
            m.remove("device.needle_length_um");
            m.remove("device.stroke_um");
        }
        assert!(flat.dose_axis().is_none() && !render(&flat).unwrap().1.contains("Dose–response"));
    }

    #[test]
    fn the_tidy_csv_carries_the_varied_values_and_the_verdict_as_columns() {
        let mut cmp = Comparison::new(vec![run("a", 2.5, 12.0), run("b", 3.5, 20.0)]);
        cmp.varied = vec![
            BTreeMap::from([("device.needle_length_um".to_string(), json!(500))]),
            BTreeMap::from([("device.needle_length_um".to_string(), json!(1500))]),
        ];
        cmp.constraints = vec!["downtime_d<=3".parse().unwrap()];
        let csv = String::from_utf8(tidy_csv(&cmp).unwrap()).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "run,scenario,device.needle_length_um,meets_constraints,quantity,value,ensemble_p05,ensemble_p95,unit"
        );
        assert_eq!(lines[1], "a,s,500,true,downtime_d,2.5,,,d");
        assert_eq!(lines[4], "b,s,1500,false,outcomes.collagen_change_pct,20,,,%");
        let t = table(&cmp);
        assert!(t.contains("device.needle_length_um") && t.contains("meets downtime_d<=3"), "{t}");
    }
}
