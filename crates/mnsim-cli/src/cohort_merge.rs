//! `mnsim cohort merge DIR`: the shard folders of one cohort (`mnsim cohort … --shard K/M`, on
//! one machine or on many, e.g. a Slurm job array) merged into the folder of the whole cohort
//! (checks and records: `mnsim_study::cohort::folder::merge`).

use crate::cohort::{finish, studying};
use crate::run::default_out;
use anyhow::{Context, Result};
use mnsim_study::cohort::folder;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The shard files under `dir` (every sub-folder holding shard.json), in name order.
fn shard_files(dir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    anyhow::ensure!(dir.is_dir(), "{}: not a folder (the folder holding the shard folders)", dir.display());
    let mut subs: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("{}: cannot list the folder", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join(folder::SHARD_FILE).is_file())
        .collect();
    subs.sort();
    anyhow::ensure!(
        !subs.is_empty(),
        "{}: no shard folders in it (sub-folders with a {} written by `mnsim cohort … --shard K/M`)",
        dir.display(),
        folder::SHARD_FILE
    );
    subs.iter()
        .map(|p| {
            let f = p.join(folder::SHARD_FILE);
            let bytes = std::fs::read(&f).with_context(|| format!("{}: cannot read", f.display()))?;
            Ok((f.display().to_string(), bytes))
        })
        .collect()
}

pub fn merge(dir: &Path, out: Option<PathBuf>, force: bool, json: bool, budget: &mnsim_sim::Budget) -> Result<()> {
    let t0 = Instant::now();
    let shards = shard_files(dir)?;
    let merged = folder::merge(&shards, *budget).map_err(studying)?;
    let started_utc = mnsim_report::now_utc();
    let out = out.unwrap_or_else(|| default_out(&format!("cohort-{}", merged.cohort.population.name), &started_utc));
    let target = mnsim_report::OutputDir::reserve(&out, force)?;
    let n = merged.cohort.options.n;
    let info = folder::Info { n, shard: None, range: 0..n, resumed: 0, chunk: merged.chunk };
    let meta = crate::run::meta(t0, started_utc);
    finish(target, &merged.cohort, "", &merged.records, &info, &meta, json)
}
