//! `mnsim compare RUN_DIR...`: outcomes of several runs side by side; also the JSON form of a
//! comparison that `mnsim run --vary --json` prints.

use crate::exit::{self, OrRunFailure};
use crate::run::default_out;
use anyhow::Result;
use mnsim_report::compare::{Comparison, HEADLINE};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn compare(runs: &[PathBuf], out: Option<PathBuf>, force: bool, json: bool) -> Result<()> {
    let cmp = mnsim_report::compare::load_runs(runs)?;
    let scenarios: Vec<Option<Value>> = runs.iter().map(|d| manifest_scenario(d)).collect();
    let varied = varied_values(&scenarios);
    let out = out.unwrap_or_else(|| default_out("compare", &mnsim_report::now_utc()));
    let target = mnsim_report::OutputDir::reserve(&out, force)?;
    let (csv, html) = mnsim_report::compare::render(&cmp)
        .map_err(|e| exit::run_failure(anyhow::anyhow!("drawing compare.html: {e}")))?;
    let meta = crate::run::meta(std::time::Instant::now(), mnsim_report::now_utc());
    let details = json!({ "runs": runs.iter().map(|r| r.display().to_string()).collect::<Vec<_>>() });
    let manifest = mnsim_report::folder_manifest("compare", &meta, details);
    let dir = target
        .commit(&[manifest, ("compare.csv".into(), csv), ("compare.html".into(), html.into_bytes())])
        .map_err(exit::committing)?;
    if json {
        let dirs: Vec<String> = runs.iter().map(|r| r.display().to_string()).collect();
        let mut doc = comparison_json(&cmp, &dirs, &varied);
        doc["out_dir"] = json!(dir.display().to_string());
        outln!("{}", serde_json::to_string_pretty(&doc).or_run_failure()?)
    } else {
        out!("{}", mnsim_report::compare::table(&cmp))?;
        outln!("wrote {}", dir.display())
    }
}

/// The resolved scenario stamped into a run folder's manifest.json, if it has one.
fn manifest_scenario(dir: &Path) -> Option<Value> {
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
fn varied_values(scenarios: &[Option<Value>]) -> Vec<BTreeMap<String, Value>> {
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
