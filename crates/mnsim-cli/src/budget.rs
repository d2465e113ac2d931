//! The memory budget of a run: `--max-memory-gib`, else `MNSIM_MAX_MEMORY_GIB`, else the default
//! (`mnsim_sim::budget::DEFAULT_MAX_MEMORY_GIB`).

use anyhow::{Context, Result};
use mnsim_scenario::ResolvedScenario;
use mnsim_sim::{Budget, WorkEstimate};

/// Environment variable that sets the budget when the flag is not given.
pub const ENV: &str = "MNSIM_MAX_MEMORY_GIB";

/// The budget from the flag, the environment or the default.
pub fn from_args(flag: Option<f64>) -> Result<Budget> {
    let gib = match flag {
        Some(g) => g,
        None => match std::env::var(ENV) {
            Ok(v) => v.trim().parse::<f64>().with_context(|| format!("{ENV}={v}: expected a number of GiB"))?,
            Err(_) => return Ok(Budget::default()),
        },
    };
    anyhow::ensure!(gib.is_finite() && gib > 0.0, "memory budget {gib} GiB: must be a finite number > 0");
    Ok(Budget { max_memory_gib: gib })
}

/// Estimate `scenario` (read from `file`) and refuse it if it does not fit `budget`.
pub fn check(scenario: &ResolvedScenario, file: &str, budget: &Budget) -> Result<WorkEstimate> {
    let e = mnsim_sim::budget::estimate(scenario);
    budget.check(scenario, &e).with_context(|| format!("{file}: refused before running"))?;
    Ok(e)
}
