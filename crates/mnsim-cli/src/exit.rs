//! The exit codes of `mnsim`, in one place: `main` maps every error to one of them, `--help`
//! prints [`TABLE`] and README.md § "Exit codes" documents the same table.
//!
//! An error is **invalid input** unless the command marked it a **run failure** (with
//! [`OrRunFailure::or_run_failure`] or [`run_failure`]) where the work itself failed. The
//! dividing line: everything that can be known before the work starts — the scenario, the case
//! files, the run folders given to `compare`, option values, the memory budget, whether the
//! output folder may be taken — is input; what goes wrong after that — a solver or model
//! failure, drawing a figure, writing the output or stdout — is a run failure.

use std::fmt;

/// How `mnsim` ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    /// The command did what it was asked. (A validation case that misses its band is a result,
    /// shown in the table, not a failure.)
    Success = 0,
    /// Invalid input: a scenario or case file that cannot be read or is invalid, a folder given
    /// to `compare` that is not a run folder, an option value out of range, a scenario over the
    /// memory budget, or an output folder that is refused (exists without `--force`, unsafe,
    /// not writable, being written by another command). Nothing was run and nothing was written.
    InvalidInput = 1,
    /// Usage error: an unknown command or option, a missing or malformed argument (clap's own
    /// code for its errors).
    Usage = 2,
    /// Run failure: the input was valid but the work failed — a solver or model failure, a
    /// figure that could not be drawn, an I/O error writing the output folder or stdout. An
    /// output folder is written whole or not at all, so nothing partial is left.
    RunFailure = 3,
}

/// Interrupted by signal `n` (SIGINT, SIGTERM, SIGHUP): exit code `128 + n` (130 for Ctrl-C,
/// 143 for SIGTERM), after the staging folders were removed.
pub const SIGNAL_BASE: i32 = 128;

impl Code {
    /// The process exit status.
    pub fn status(self) -> u8 {
        self as u8
    }

    /// The code of an error returned by a command: [`Code::RunFailure`] if it was marked so
    /// anywhere in its chain, else [`Code::InvalidInput`].
    pub fn of(e: &anyhow::Error) -> Code {
        if e.downcast_ref::<RunFailed>().is_some() { Code::RunFailure } else { Code::InvalidInput }
    }
}

/// The exit-code table as printed after `mnsim --help` (README.md § "Exit codes" says the same).
pub const TABLE: &str = "\
Exit codes:
  0        success (a validation case that misses its band is a result, not a failure)
  1        invalid input: scenario, case file, run folder, option value, memory budget, or a
           refused output folder (exists, unsafe, unwritable, busy); nothing was run or written
  2        usage error: unknown command or option, missing or malformed argument
  3        run failure: solver or model failure, drawing a figure, I/O error writing the output
           or stdout; nothing partial is left
  128+N    interrupted by signal N (130 Ctrl-C, 143 SIGTERM); nothing is left behind
A closed stdout (`mnsim validate | head -1`) is not an error: the rest of the output is dropped.";

/// The marker that makes an error a run failure. It is a context layer with no text of its
/// own, so the message printed is unchanged.
#[derive(Debug, Clone, Copy)]
pub struct RunFailed;

impl fmt::Display for RunFailed {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        Ok(())
    }
}

/// Mark `e` as a run failure.
pub fn run_failure(e: impl Into<anyhow::Error>) -> anyhow::Error {
    e.into().context(RunFailed)
}

/// `.or_run_failure()` on a result: its error, if any, is a run failure.
pub trait OrRunFailure<T> {
    /// Mark the error, if any, as a run failure.
    fn or_run_failure(self) -> anyhow::Result<T>;
}

impl<T, E: Into<anyhow::Error>> OrRunFailure<T> for Result<T, E> {
    fn or_run_failure(self) -> anyhow::Result<T> {
        self.map_err(run_failure)
    }
}

/// An error of writing an output folder that was already taken (`OutputDir::commit`,
/// `write_run`): a refusal (the folder changed meanwhile) is invalid input as at the start;
/// anything else — I/O, a figure that could not be drawn, a figure that is not finite (a model
/// defect) — is a run failure.
pub fn committing(e: mnsim_report::ReportError) -> anyhow::Error {
    use mnsim_report::ReportError as R;
    match e {
        R::Exists(_) | R::Refused { .. } | R::Busy { .. } => e.into(),
        _ => run_failure(e),
    }
}

/// An error of a simulation: over the memory budget is invalid input (it is checked before
/// any work); a solver or model failure is a run failure.
pub fn simulating(e: mnsim_sim::SimError) -> anyhow::Error {
    match e {
        mnsim_sim::SimError::Budget(_) => e.into(),
        _ => run_failure(e),
    }
}

/// The message of an error: each layer of its chain, outermost first, joined by `: ` (as
/// anyhow's `{:#}`), leaving out the empty [`RunFailed`] marker.
pub fn message(e: &anyhow::Error) -> String {
    e.chain().map(|c| c.to_string()).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn a_marked_error_is_a_run_failure_through_later_context_and_reads_the_same() {
        let e: anyhow::Result<()> = Err(std::io::Error::other("disk full")).or_run_failure();
        let e = e.context("variant a").context("writing out").unwrap_err();
        assert_eq!(Code::of(&e), Code::RunFailure);
        assert_eq!(message(&e), "writing out: variant a: disk full");
        let plain = anyhow::anyhow!("bad.toml: field `x` = 0 is invalid").context("check");
        assert_eq!(Code::of(&plain), Code::InvalidInput);
        assert_eq!(message(&plain), format!("{plain:#}"));
    }

    #[test]
    fn codes_are_distinct_and_match_the_table() {
        let all = [Code::Success, Code::InvalidInput, Code::Usage, Code::RunFailure];
        for (i, c) in all.iter().enumerate() {
            assert!(TABLE.contains(&format!("\n  {}  ", c.status())), "{c:?}");
            assert!(all[..i].iter().all(|d| d.status() != c.status()));
        }
        assert_eq!(Code::Usage.status() as i32, clap::Error::new(clap::error::ErrorKind::InvalidValue).exit_code());
    }
}
