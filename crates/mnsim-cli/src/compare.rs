//! `mnsim compare RUN_DIR...`: outcomes of several runs side by side (the JSON form of a comparison,
//! which `mnsim run --vary --json` prints too, is `mnsim_report::compare::comparison_json`).

use crate::exit::{self, OrRunFailure};
use crate::run::default_out;
use anyhow::Result;
use mnsim_report::compare::{Constraint, check_constraints};
use serde_json::json;
use std::path::PathBuf;

/// Parse every `--where` constraint (the error names the one that does not parse).
pub fn parse_constraints(specs: &[String]) -> Result<Vec<Constraint>> {
    specs.iter().map(|s| s.parse::<Constraint>().map_err(|e| anyhow::anyhow!(e))).collect()
}

pub fn compare(runs: &[PathBuf], out: Option<PathBuf>, force: bool, json: bool, constraints: &[String]) -> Result<()> {
    let constraints = parse_constraints(constraints)?;
    let mut cmp = mnsim_report::compare::load_runs(runs)?;
    check_constraints(&constraints, &cmp.runs).map_err(|e| anyhow::anyhow!(e))?;
    cmp.constraints = constraints;
    let out = out.unwrap_or_else(|| default_out("compare", &mnsim_report::now_utc()));
    let target = mnsim_report::OutputDir::reserve(&out, force)?;
    let (csv, html) = mnsim_report::compare::render(&cmp)
        .map_err(|e| exit::run_failure(anyhow::anyhow!("drawing compare.html: {e}")))?;
    let meta = crate::run::meta(std::time::Instant::now(), mnsim_report::now_utc());
    let details = json!({
        "runs": runs.iter().map(|r| r.display().to_string()).collect::<Vec<_>>(),
        "where": cmp.constraints.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
    });
    let manifest = mnsim_report::folder_manifest("compare", &meta, details);
    let files = crate::tables::with_parquet(vec![
        manifest,
        ("compare.csv".into(), csv),
        ("compare.html".into(), html.into_bytes()),
    ])?;
    let dir = target.commit(&files).map_err(exit::committing)?;
    if json {
        let dirs: Vec<String> = runs.iter().map(|r| r.display().to_string()).collect();
        let mut doc = mnsim_report::compare::comparison_json(&cmp, &dirs);
        doc["out_dir"] = json!(dir.display().to_string());
        outln!("{}", serde_json::to_string_pretty(&doc).or_run_failure()?)
    } else {
        out!("{}", mnsim_report::compare::table(&cmp))?;
        outln!("wrote {}", dir.display())
    }
}
