//! A folder of partial results beside an output folder (`<out>.chunks/` of a cohort,
//! `<out>.evals/` of a plan), stamped with every input that decides them so that a rerun
//! resumes only the same work; its files are written whole (temporary file, then rename).

use anyhow::Result;
use std::path::Path;

/// The stamp's file in the folder.
pub const STAMP_FILE: &str = "stamp.json";

/// Write `bytes` to `path` whole: into a temporary file beside it, then renamed.
pub fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// Open `dir` for `stamp`: create it with the stamp, or check that the one there was made by the
/// same inputs (else an error naming the inputs that differ). `what` names its contents in the
/// messages (`chunks of a cohort`, `evaluations of a plan`).
pub fn open(dir: &Path, stamp: &serde_json::Value, what: &str) -> Result<()> {
    let path = dir.join(STAMP_FILE);
    if dir.is_dir() {
        let old: Option<serde_json::Value> = std::fs::read(&path).ok().and_then(|b| serde_json::from_slice(&b).ok());
        let Some(old) = old else {
            anyhow::bail!("{}: a folder of {what} without a readable {STAMP_FILE}; remove it", dir.display());
        };
        if &old != stamp {
            let differ: Vec<String> = stamp
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(k, v)| old.get(k.as_str()) != Some(*v))
                .map(|(k, _)| k.clone())
                .collect();
            anyhow::bail!(
                "{}: holds the {what} with other inputs ({} differ): resume with the same command, or remove the folder to start again",
                dir.display(),
                differ.join(", ")
            );
        }
        return Ok(());
    }
    std::fs::create_dir_all(dir)
        .and_then(|()| write_whole(&path, &serde_json::to_vec_pretty(stamp).unwrap_or_default()))
        .map_err(|e| anyhow::anyhow!("{}: cannot create the folder of {what}: {e}", dir.display()))
}
