//! `mnsim run SCENARIO`: one run, one run folder.

use crate::exit::{self, OrRunFailure};
use crate::progress::{Bar, BarProgress};
use anyhow::{Context, Result};
use mnsim_report::RunMeta;
use mnsim_report::page::fmt_value;
use mnsim_scenario::ResolvedScenario;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Name of the built-in default scenario in messages.
pub(crate) const BUILT_IN_DEFAULT: &str = "<built-in default>";

/// The text of the scenario file at `path` and its name for messages; the built-in default
/// when no file is given. A folder or an unreadable file is an error naming it.
pub(crate) fn scenario_text(path: Option<&Path>) -> Result<(String, String)> {
    match path {
        Some(p) => {
            anyhow::ensure!(!p.is_dir(), "{}: is a directory, not a scenario file", p.display());
            let text =
                std::fs::read_to_string(p).with_context(|| format!("{}: cannot read scenario file", p.display()))?;
            Ok((text, p.display().to_string()))
        }
        None => Ok((mnsim_scenario::default_toml().to_string(), BUILT_IN_DEFAULT.to_string())),
    }
}

pub fn load(path: Option<&Path>) -> Result<ResolvedScenario> {
    match path {
        Some(p) => Ok(mnsim_scenario::load(p)?),
        None => Ok(mnsim_scenario::default_scenario()),
    }
}

pub fn run(
    path: Option<&Path>,
    out: Option<PathBuf>,
    force: bool,
    json: bool,
    quiet: bool,
    budget: &mnsim_sim::Budget,
) -> Result<()> {
    let scenario = load(path)?;
    let file = path.map(|p| p.display().to_string()).unwrap_or_else(|| BUILT_IN_DEFAULT.into());
    crate::budget::check(&scenario, &file, budget)?;
    let started_utc = mnsim_report::now_utc();
    let out = out.unwrap_or_else(|| default_out(&scenario.scenario.name, &started_utc));
    // take the folder (or refuse) before spending time on the simulation
    let target = mnsim_report::OutputDir::reserve(&out, force)?;
    let t0 = Instant::now();
    let mut progress = BarProgress { bar: Bar::new(quiet || json), started: t0 };
    let result = mnsim_sim::run_within(&scenario, budget, &mut progress).map_err(exit::simulating)?;
    if let Some(b) = &progress.bar.bar {
        b.finish_and_clear();
    }
    let meta = meta(t0, started_utc);
    let files = crate::tables::with_parquet(mnsim_report::run_files(&scenario, &result, &meta).or_run_failure()?)?;
    let dir = target.commit(&files).map_err(exit::committing).with_context(|| format!("writing {}", out.display()))?;
    if json {
        let mut doc = mnsim_report::results_json(&scenario, &result, &meta).or_run_failure()?;
        doc["run_dir"] = serde_json::json!(dir.display().to_string());
        outln!("{}", serde_json::to_string_pretty(&doc).or_run_failure()?)?;
    } else {
        outln!("mnsim {} — {} (seed {})", meta.mnsim_version, scenario.scenario.name, scenario.seed())?;
        print_summary(&result)?;
        for w in &result.warnings {
            outln!("warning: {w}")?;
        }
        outln!("wrote {} (open report.html) in {:.2} s", dir.display(), meta.wall_time_s)?;
    }
    Ok(())
}

/// The facts stamped into an output: version, git revision, start, wall time since `t0`, command.
pub fn meta(t0: Instant, started_utc: String) -> RunMeta {
    RunMeta {
        mnsim_version: env!("CARGO_PKG_VERSION").to_string(),
        git_revision: env!("MNSIM_GIT_REV").to_string(),
        started_utc,
        wall_time_s: t0.elapsed().as_secs_f64(),
        command: std::env::args().collect(),
    }
}

/// The default output folder `runs/<name>-<stamp>`; when that exists already (a second command
/// started in the same second), `runs/<name>-<stamp>-2`, `-3`, … (the first free one; two
/// commands racing for the same name still meet at the output lock, and one refuses).
pub fn default_out(name: &str, utc: &str) -> PathBuf {
    mnsim_report::free_run_dir(Path::new("runs"), name, utc)
}

/// The short terminal summary: the headline figures by stage (every figure is in results.json).
fn print_summary(result: &mnsim_sim::RunResult) -> Result<()> {
    let groups: [(&str, &[(&str, &str)]); 4] = [
        (
            "Device and penetration",
            &[
                ("holes_per_cm2_per_session", "holes per cm² per session"),
                ("nearest_neighbour_spacing_um", "nearest-neighbour spacing"),
                ("overlap_fraction", "re-puncture fraction"),
                ("mean_depth_um", "mean depth reached"),
                ("depth_fraction", "depth ÷ needle length"),
                ("dermis_reached_fraction", "punctures reaching the dermis"),
                ("bleeding_fraction", "punctures reaching the plexus (bleeding)"),
            ],
        ),
        (
            "Delivery of the topical (after session 1)",
            &[
                ("transport_delivered_needled_ug_per_cm2", "delivered past the SC, needled"),
                ("transport_dermis_needled_ug_per_cm2", "in the dermis at the end"),
                ("transport_enhancement_ratio", "enhancement vs intact skin"),
                ("transport_window_min", "window (benefit > half)"),
            ],
        ),
        (
            "Healing",
            &[
                ("reepithelialisation_h", "re-epithelialisation"),
                ("barrier_recovery_h", "barrier (TEWL) recovery"),
                ("downtime_d", "downtime (visible inflammation)"),
            ],
        ),
        (
            "Outcomes at the end of follow-up",
            &[
                ("outcomes.collagen_change_pct", "collagen"),
                ("outcomes.elastin_change_pct", "elastin"),
                ("outcomes.dermis_change_pct", "dermal thickness"),
                ("outcomes.suction_stiffness_change_pct", "firmness (suction stiffness)"),
                ("outcomes.wrinkle_depth_change_pct", "wrinkle depth"),
                ("outcomes.scar_improvement_pct", "scar depth improvement"),
                ("outcomes.scar_grade", "scar grade (1–4)"),
                ("outcomes.striae_improvement_pct", "striae improvement"),
                ("outcomes.masi_change_pct", "MASI-like score"),
            ],
        ),
    ];
    for (title, rows) in groups {
        let present: Vec<_> = rows.iter().filter_map(|(n, l)| result.figure(n).map(|f| (*n, *l, f))).collect();
        if present.is_empty() {
            continue;
        }
        outln!("{title}")?;
        for (name, label, f) in present {
            let interval = name
                .strip_prefix("outcomes.")
                .and_then(|n| result.ensemble.iter().find(|i| i.name == n))
                .map(|i| format!("  [{} – {}]", fmt_value(i.lo), fmt_value(i.hi)))
                .unwrap_or_default();
            // a ratio's unit is "1" in results.json (SI); a person reads it as "times"
            let unit = if f.unit == "1" { "×" } else { f.unit.as_str() };
            outln!("  {:<42} {:>12} {:<10}{}", label, fmt_value(f.value), unit, interval)?;
        }
    }
    if !result.ensemble.is_empty() {
        outln!("  (outcome intervals: 5–95 % over the uncertainty ensemble; every figure: results.json)")?;
    }
    Ok(())
}
