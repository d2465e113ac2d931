//! # mnsim-py
//!
//! The native part of the Python package `mnsim` (module `mnsim._native`): a thin shell over the
//! library crates, as the CLI is. [`scenario`] holds the `Scenario` class (TOML text plus
//! dotted-key edits, validated by `mnsim_scenario`), [`run`] one run (`mnsim_sim`) and its run
//! folder (`mnsim_report`), [`study`] the many-run studies (`mnsim_study`: validation, cohorts),
//! and [`errors`] the typed Python exceptions every failure becomes. The pure-Python parts (the
//! `Result` object and its pandas DataFrames, pickling) live in `python/mnsim/`.
//!
//! The GIL is released (`Python::detach`) around every simulation, so runs in Python threads
//! overlap.

use pyo3::prelude::*;

pub mod errors;
pub mod run;
pub mod scenario;
pub mod study;

/// The facts stamped into an output written from Python: version, git revision, start, wall
/// time, the interpreter's command line.
pub(crate) fn meta(wall_time_s: f64, started_utc: String) -> mnsim_report::RunMeta {
    mnsim_report::RunMeta {
        mnsim_version: env!("CARGO_PKG_VERSION").to_string(),
        git_revision: env!("MNSIM_GIT_REV").to_string(),
        started_utc,
        wall_time_s,
        command: std::env::args().collect(),
    }
}

/// The native module `mnsim._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("GIT_REVISION", env!("MNSIM_GIT_REV"))?;
    errors::register(m)?;
    m.add_class::<scenario::Scenario>()?;
    m.add_class::<run::RunHandle>()?;
    m.add_function(wrap_pyfunction!(run::run, m)?)?;
    m.add_function(wrap_pyfunction!(run::write_folder, m)?)?;
    m.add_function(wrap_pyfunction!(study::validate, m)?)?;
    m.add_function(wrap_pyfunction!(study::cohort, m)?)?;
    m.add_function(wrap_pyfunction!(study::builtin_populations, m)?)?;
    m.add_function(wrap_pyfunction!(study::sensitivity, m)?)?;
    m.add_function(wrap_pyfunction!(study::sensitivity_design, m)?)?;
    m.add_function(wrap_pyfunction!(study::sensitivity_evaluate, m)?)?;
    m.add_function(wrap_pyfunction!(study::plan, m)?)?;
    m.add_function(wrap_pyfunction!(study::cohort_merge, m)?)?;
    m.add_function(wrap_pyfunction!(study::example_plans, m)?)?;
    Ok(())
}
