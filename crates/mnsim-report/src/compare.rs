//! Side-by-side comparison of run folders: a terminal table, a tidy CSV and one HTML page.

use crate::ReportError;
use crate::page::{esc, fmt_value as fmt};
use crate::plots::{self, Bar};
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
}

/// Runs to compare.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The runs, in the order given.
    pub runs: Vec<RunSummary>,
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

/// Read `results.json` of each run folder (each checked to be one).
pub fn load_runs(dirs: &[PathBuf]) -> Result<Comparison, ReportError> {
    let mut runs = Vec::new();
    for d in dirs {
        let label = d.file_name().map(|s| s.to_string_lossy().to_string()).unwrap_or_else(|| d.display().to_string());
        let p = d.join("results.json");
        let doc = read_json(&p)?;
        check_results(&p, &doc)?;
        runs.push(summary(label, &doc));
    }
    Ok(Comparison { runs })
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
    RunSummary { label, scenario: r["scenario"].as_str().unwrap_or("").to_string(), values }
}

impl Comparison {
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
}

/// Terminal table: one row per headline quantity, one column per run.
pub fn table(c: &Comparison) -> String {
    let mut s = String::new();
    let _ = write!(s, "{:<30}", "quantity");
    for r in &c.runs {
        let _ = write!(s, " {:>22}", truncate(&r.label, 22));
    }
    let _ = writeln!(s, "  unit");
    for (name, label, unit) in c.rows() {
        let _ = write!(s, "{label:<30}");
        for k in 0..c.runs.len() {
            let v = c.get(k, name).map(|v| fmt(v.1)).unwrap_or_else(|| "—".into());
            let _ = write!(s, " {v:>22}");
        }
        let _ = writeln!(s, "  {unit}");
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

/// Tidy CSV (run × quantity) and the HTML page.
pub fn render(c: &Comparison) -> Result<(Vec<u8>, String), String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["run", "scenario", "quantity", "value", "ensemble_p05", "ensemble_p95", "unit"])
        .map_err(|e| e.to_string())?;
    for r in &c.runs {
        for (name, v, unit, lo, hi) in &r.values {
            w.write_record([
                r.label.clone(),
                r.scenario.clone(),
                name.clone(),
                format!("{v}"),
                lo.map(|x| x.to_string()).unwrap_or_default(),
                hi.map(|x| x.to_string()).unwrap_or_default(),
                unit.clone(),
            ])
            .map_err(|e| e.to_string())?;
        }
    }
    let csv = w.into_inner().map_err(|e| e.to_string())?;

    let mut h = String::new();
    h.push_str("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>mnsim comparison</title><style>body{font-family:sans-serif;max-width:1150px;margin:1.5em auto;color:#222}table{border-collapse:collapse;font-size:14px}td,th{border-bottom:1px solid #eee;padding:3px 8px}td.num{text-align:right;font-variant-numeric:tabular-nums}.fig{display:inline-block;vertical-align:top}</style></head><body><h1>mnsim comparison</h1><table><tr><th>quantity</th>");
    for r in &c.runs {
        let _ = write!(h, "<th>{}</th>", esc(&r.label));
    }
    h.push_str("<th>unit</th></tr>");
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
    h.push_str("</table><p>Brackets: 5–95 % over each run's uncertainty ensemble.</p>");
    // one small bar chart per outcome present in every run
    for (name, label, unit) in c.rows().into_iter().filter(|(n, _, _)| n.starts_with("outcomes.")) {
        let bars: Vec<Bar> = (0..c.runs.len())
            .filter_map(|k| {
                c.get(k, name).map(|v| Bar { label: c.runs[k].label.clone(), value: v.1, low: v.3, high: v.4 })
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
/// headline rows of the terminal table with one value per run (`null` where a run lacks it).
pub fn comparison_json(cmp: &Comparison, dirs: &[String], varied: &[BTreeMap<String, Value>]) -> Value {
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
                "figures": figures,
                "outcomes": outcomes,
            })
        })
        .collect();
    let mut keys: Vec<&String> = varied.iter().flat_map(|m| m.keys()).collect();
    keys.sort();
    keys.dedup();
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
    json!({ "varied_keys": keys, "runs": runs, "headline": headline })
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
}
