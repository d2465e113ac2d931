//! `mnsim compare RUN_DIR...`: outcomes of several runs side by side (the JSON form of a comparison,
//! which `mnsim run --vary --json` prints too, is `mnsim_report::compare::comparison_json`).

use crate::exit::{self, OrRunFailure};
use crate::run::default_out;
use anyhow::Result;
use mnsim_report::compare::{manifest_scenario, varied_values};
use serde_json::{Value, json};
use std::path::PathBuf;

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
        let mut doc = mnsim_report::compare::comparison_json(&cmp, &dirs, &varied);
        doc["out_dir"] = json!(dir.display().to_string());
        outln!("{}", serde_json::to_string_pretty(&doc).or_run_failure()?)
    } else {
        out!("{}", mnsim_report::compare::table(&cmp))?;
        outln!("wrote {}", dir.display())
    }
}
