//! The folder beside a plan's output folder (`<out>.evals/`) that keeps each candidate's
//! evaluation as it finishes, so that an interrupted `mnsim plan` rerun with the same command
//! resumes: one JSON file per candidate (written whole, by rename), named by a 64-bit FNV-1a
//! hash of the candidate's key and holding the key itself (a collision is detected, not
//! trusted), and `stamp.json` with every input that decides the figures (mnsim version and git
//! revision, the plan as parsed with its seed, the scenario's and the population's text). The
//! figures are stored as the bits of each f64, so a resumed plan is the same bit for bit. The
//! folder is removed once the output folder is written.

use mnsim_study::plan::{Checkpoint, search::Evaluated};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The evaluations of one plan, on disk.
pub struct EvalDir {
    /// The folder.
    pub dir: PathBuf,
    /// Testing: refuse new evaluations once this many are stored.
    stop_after: Option<usize>,
    stored: AtomicUsize,
}

/// FNV-1a, 64 bits (Fowler–Noll–Vo): a stable file name for a candidate's key.
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

impl EvalDir {
    /// Open the folder for `stamp`: create it, or check that the one there holds the
    /// evaluations of the same inputs.
    pub fn open(dir: PathBuf, stamp: &serde_json::Value, stop_after: Option<usize>) -> anyhow::Result<EvalDir> {
        crate::stamped::open(&dir, stamp, "evaluations of a plan")?;
        Ok(EvalDir { dir, stop_after, stored: AtomicUsize::new(0) })
    }

    fn file(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{:016x}.json", fnv1a(key)))
    }
}

impl Checkpoint for EvalDir {
    fn load(&self, key: &str) -> Option<Evaluated> {
        let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(self.file(key)).ok()?).ok()?;
        if doc["key"] != key {
            return None;
        }
        if let Some(why) = doc["rejected"].as_str() {
            return Some(Evaluated::Rejected(why.to_string()));
        }
        let bits = doc["figures_bits"].as_array()?;
        let figures: Option<Vec<f64>> =
            bits.iter().map(|b| b.as_str().and_then(|s| u64::from_str_radix(s, 16).ok()).map(f64::from_bits)).collect();
        figures.map(Evaluated::Figures)
    }

    fn store(&self, key: &str, evaluated: &Evaluated) -> Result<(), String> {
        if self.stop_after.is_some_and(|k| self.stored.load(Ordering::SeqCst) >= k) {
            return Err(format!(
                "stopped after {} new evaluations, as --stop-after-evaluations asked; rerun the same command to resume",
                self.stored.load(Ordering::SeqCst)
            ));
        }
        let doc = match evaluated {
            Evaluated::Figures(v) => serde_json::json!({
                "key": key,
                "figures_bits": v.iter().map(|x| format!("{:016x}", x.to_bits())).collect::<Vec<_>>(),
            }),
            Evaluated::Rejected(why) => serde_json::json!({"key": key, "rejected": why}),
        };
        crate::stamped::write_whole(&self.file(key), &serde_json::to_vec(&doc).unwrap_or_default())
            .map_err(|e| format!("{}: writing an evaluation: {e}", self.file(key).display()))?;
        self.stored.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}
