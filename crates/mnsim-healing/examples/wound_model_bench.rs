//! Cost of the two wound models on the healing bench course (`mnsim_healing::bench`'s scenario),
//! each run twice in one process with 2 threads; prints wall time, integrator steps and the collagen
//! headline. Measure alone on the machine, in release:
//! `cargo run --release --example wound_model_bench -p mnsim-healing`.

use mnsim_healing::{HealingSettings, WoundModel, bench, simulate};

fn main() -> Result<(), mnsim_healing::HealingError> {
    let (skin, channels, patch, times) = bench::default_scenario();
    for wound_model in [WoundModel::CellMean, WoundModel::SubCell, WoundModel::CellMean, WoundModel::SubCell] {
        let settings = HealingSettings { threads: 2, wound_model, ..Default::default() };
        let t0 = std::time::Instant::now();
        let r = simulate(&skin, &channels, patch, &times, &settings)?;
        println!(
            "{wound_model:?}: {:.3} s, {} integrator steps, {} cell solves, collagen {:+.3} %",
            t0.elapsed().as_secs_f64(),
            r.stats.steps,
            r.stats.cell_solves,
            r.headline.collagen_change_pct
        );
    }
    Ok(())
}
