//! `mnsim bench transport|healing|cohort`: benchmarks that print their figures.

use crate::BenchWhat;
use crate::exit::OrRunFailure;
use anyhow::{Context, Result};

pub fn bench(what: BenchWhat, budget: &mnsim_sim::Budget) -> Result<()> {
    match what {
        BenchWhat::Plan { candidates, threads, json } => crate::plan::bench(candidates, threads, json, budget)?,
        BenchWhat::Transport { grid, threads, repetitions, json } => {
            let dims: Vec<usize> = grid
                .split(['x', 'X'])
                .map(|d| d.trim().parse::<usize>())
                .collect::<Result<_, _>>()
                .with_context(|| format!("--grid {grid}: expected NXxNYxNZ, e.g. 200x200x100"))?;
            anyhow::ensure!(
                dims.len() == 3 && dims.iter().all(|&d| (4..=4000).contains(&d)),
                "--grid {grid}: three sizes in [4, 4000] expected"
            );
            anyhow::ensure!((1..=256).contains(&threads), "--threads {threads}: expected 1 to 256");
            anyhow::ensure!((1..=100).contains(&repetitions), "--repetitions {repetitions}: expected 1 to 100");
            check_bench_memory(&grid, [dims[0], dims[1], dims[2]], budget)?;
            let r = mnsim_transport::bench::bench_transport([dims[0], dims[1], dims[2]], threads);
            let grids = [[dims[0], dims[1], dims[2]], RUN_GRID];
            let comparisons: Vec<_> = grids
                .iter()
                .map(|&g| mnsim_transport::bench::compare_step(g, threads, repetitions, COMPARE_MIN_SECONDS))
                .collect();
            if json {
                let mut v = serde_json::to_value(&r).or_run_failure()?;
                v["production_step"] = serde_json::to_value(&comparisons).or_run_failure()?;
                outln!("{}", serde_json::to_string_pretty(&v).or_run_failure()?)?;
            } else {
                outln!("transport step on {}x{}x{} voxels, {} threads", r.grid[0], r.grid[1], r.grid[2], r.threads)?;
                outln!("  voxel-updates per second   {:>12.3e}", r.voxel_updates_per_s)?;
                outln!("  bytes per voxel-update     {:>12.1}", r.bytes_per_update)?;
                outln!("  effective bandwidth        {:>12.2} GB/s", r.bandwidth_gb_s)?;
                outln!("  machine bandwidth (triad)  {:>12.2} GB/s", r.machine_bandwidth_gb_s)?;
                outln!("  fraction of that limit     {:>12.2}", r.fraction_of_bandwidth_limit)?;
                outln!("  memory per voxel           {:>12.1} B", r.bytes_per_voxel)?;
                outln!("  vs BioFVM 31 M/s           {:>12.2}x", r.speedup_vs_biofvm)?;
                for c in &comparisons {
                    print_step_comparison(c)?;
                }
            }
        }
        BenchWhat::Cohort { n, threads, json } => crate::cohort::bench(n, threads, json, budget)?,
        BenchWhat::Healing { threads, json } => {
            anyhow::ensure!((1..=256).contains(&threads), "--threads {threads}: expected 1 to 256");
            let r = mnsim_healing::bench(threads).or_run_failure()?;
            if json {
                outln!("{}", serde_json::to_string_pretty(&r).or_run_failure()?)?;
            } else {
                outln!("healing course of the bench scenario, {} threads", r.threads)?;
                outln!("  wall time                  {:>12.3} s", r.wall_s)?;
                outln!("  tissue cells               {:>12}", r.cells)?;
                outln!("  simulated days             {:>12.1}", r.simulated_d)?;
                outln!("  cost per cell per day      {:>12.2} µs", r.cost_per_cell_day_us)?;
                outln!("  cell solves / skips        {:>8} / {}", r.cell_solves, r.cell_skips)?;
            }
        }
    }
    Ok(())
}

/// Voxel counts of the default `mnsim run`'s 3D transport window (1 mm at 10 µm, 84 slabs).
const RUN_GRID: [usize; 3] = [100, 100, 84];
/// Shortest timed stretch of each kernel in each repetition of the step comparison, s.
const COMPARE_MIN_SECONDS: f64 = 0.3;

/// The production step beside the plain LOD step and the triad, as ratios (the headline) and
/// the absolute rates behind them.
fn print_step_comparison(c: &mnsim_transport::bench::StepComparison) -> Result<()> {
    let [g0, g1, g2] = c.grid;
    outln!(
        "production step (channels {:.2} % of the voxels) on {g0}x{g1}x{g2}, {} repetitions, min / median",
        100.0 * c.channel_voxel_fraction,
        c.repetitions
    )?;
    let [a, b] = c.ratio_to_reference;
    outln!("  vs plain constant-coefficient LOD step   {a:>8.3} / {b:.3}")?;
    let [a, b] = c.ratio_to_reference_per_sweep_set;
    outln!("  the same per LOD sweep set (3 a step)    {a:>8.3} / {b:.3}")?;
    let [a, b] = c.ratio_to_triad_elements;
    outln!("  voxel-updates per triad element (24 B)   {a:>8.3} / {b:.3}")?;
    let med = |v: &[f64]| mnsim_transport::bench::min_median(v)[1];
    outln!(
        "  medians: production {:.3e}, reference {:.3e} voxel-updates/s, triad {:.2} GB/s",
        med(&c.production_updates_per_s),
        med(&c.reference_updates_per_s),
        med(&c.triad_gb_s)
    )?;
    Ok(())
}

/// Bytes the STREAM triad measured beside the transport benchmark holds: three f64 arrays of
/// 2²⁴ elements (`mnsim_transport::bench::bench_transport`).
const TRIAD_BYTES: f64 = 3.0 * 8.0 * (1u64 << 24) as f64;

/// Refuse a benchmark grid whose memory exceeds the budget, before allocating it.
fn check_bench_memory(grid: &str, dims: [usize; 3], budget: &mnsim_sim::Budget) -> Result<()> {
    let voxels = dims.iter().map(|&d| d as f64).product::<f64>();
    let plane = (dims[0] * dims[1]) as f64;
    let need_gib = (voxels * mnsim_transport::size::BYTES_PER_VOXEL as f64
        + TRIAD_BYTES
        + plane * mnsim_transport::size::BYTES_PER_COLUMN as f64)
        / mnsim_sim::budget::BYTES_PER_GIB;
    anyhow::ensure!(
        need_gib <= budget.max_memory_gib,
        "--grid {grid}: {voxels:.3e} voxels need an estimated {need_gib:.2} GiB, over the budget of {} GiB \
         (raise it with --max-memory-gib or MNSIM_MAX_MEMORY_GIB)",
        budget.max_memory_gib
    );
    Ok(())
}
