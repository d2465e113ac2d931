//! `mnsim compare RUN_DIR...`: outcomes of several runs side by side.

use crate::run::stamp;
use anyhow::Result;
use std::path::PathBuf;

pub fn compare(runs: &[PathBuf], out: Option<PathBuf>, force: bool) -> Result<()> {
    let cmp = mnsim_report::compare::load_runs(runs)?;
    let out = out.unwrap_or_else(|| PathBuf::from("runs").join(format!("compare-{}", stamp(&mnsim_report::now_utc()))));
    let (csv, html) = mnsim_report::compare::render(&cmp).map_err(|e| anyhow::anyhow!("drawing compare.html: {e}"))?;
    let meta = crate::run::meta(std::time::Instant::now(), mnsim_report::now_utc());
    let details = serde_json::json!({ "runs": runs.iter().map(|r| r.display().to_string()).collect::<Vec<_>>() });
    let manifest = mnsim_report::folder_manifest("compare", &meta, details);
    let dir = mnsim_report::write_folder(
        &out,
        force,
        &[manifest, ("compare.csv".into(), csv), ("compare.html".into(), html.into_bytes())],
    )?;
    print!("{}", mnsim_report::compare::table(&cmp));
    println!("wrote {}", dir.display());
    Ok(())
}
