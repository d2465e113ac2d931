//! A built-in benchmark: the default patch, a 3-session course a month apart and 6 months of
//! follow-up, timed end to end.

use crate::protocol::{session_times_s, uniform_course};
use crate::{HealingError, HealingSettings, simulate};
use mnsim_core::{Patch, Sex, Skin};
use serde::{Deserialize, Serialize};

/// What [`bench`] measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BenchReport {
    /// Wall time of the run, s.
    pub wall_s: f64,
    /// Worker threads used.
    pub threads: usize,
    /// Tissue cells in the grid.
    pub cells: usize,
    /// Simulated time, days.
    pub simulated_d: f64,
    /// Wall time per cell per simulated day, µs.
    pub cost_per_cell_day_us: f64,
    /// Cell integrations done by the stiff solver.
    pub cell_solves: u64,
    /// Cell integrations skipped (cell at rest).
    pub cell_skips: u64,
    /// Stiff-integrator (ESDIRK34) steps accepted in total.
    pub integrator_steps: u64,
    /// Headline collagen change of the run, % (a sanity figure).
    pub collagen_change_pct: f64,
}

/// The default benchmark scenario: cheek skin of a 40-year-old woman, a 3 × 3 mm patch, 3
/// sessions 28 days apart of 300 channels each (1.0 mm deep, 100 µm wide at the surface), then
/// 180 days of follow-up.
pub fn default_scenario() -> (Skin, mnsim_core::ChannelSet, Patch, Vec<f64>) {
    let skin = Skin::at_site("cheek", 40.0, Sex::Female).expect("cheek is a built-in site");
    let patch = Patch { width_um: 3000.0, height_um: 3000.0 };
    let ch = uniform_course(3, 300, 1000.0, 100.0, patch.width_um, patch.height_um, 28.0 * 86_400.0);
    (skin, ch, patch, session_times_s(3, 28.0))
}

/// Run the default scenario with `threads` workers (0 = rayon's default) and time it.
pub fn bench(threads: usize) -> Result<BenchReport, HealingError> {
    let (skin, ch, patch, times) = default_scenario();
    let settings = HealingSettings { threads, ..Default::default() };
    let t0 = std::time::Instant::now();
    let res = simulate(&skin, &ch, patch, &times, &settings)?;
    let wall_s = t0.elapsed().as_secs_f64();
    let cells = res.grid_shape.iter().product::<usize>();
    let used = if threads == 0 { rayon::current_num_threads() } else { threads };
    Ok(BenchReport {
        wall_s,
        threads: used,
        cells,
        simulated_d: res.simulated_d,
        cost_per_cell_day_us: wall_s * 1e6 / (cells as f64 * res.simulated_d.max(1e-9)),
        cell_solves: res.stats.cell_solves,
        cell_skips: res.stats.cell_skips,
        integrator_steps: res.stats.steps,
        collagen_change_pct: res.headline.collagen_change_pct,
    })
}
