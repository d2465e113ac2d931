//! `mnsim check SCENARIO`: validate a scenario and estimate its size, without running it.

use crate::exit::OrRunFailure;
use anyhow::Result;
use std::path::Path;

pub fn check(scenario: &Path, json: bool, budget: &mnsim_sim::Budget) -> Result<()> {
    let r = mnsim_scenario::load(scenario)?;
    let e = crate::budget::check(&r, &scenario.display().to_string(), budget)?;
    if json {
        let doc = serde_json::json!({
            "file": scenario.display().to_string(),
            "ok": true,
            "scenario": r.scenario.name,
            "device": r.device.kind(),
            "site": r.skin.site.to_string(),
            "sessions": r.protocol.sessions.len(),
            "needle_length_um": r.device.needle.length_um,
            "estimate": e,
            "peak_memory_gib": e.memory_gib(),
            "budget_gib": budget.max_memory_gib,
        });
        return outln!("{}", serde_json::to_string_pretty(&doc).or_run_failure()?);
    }
    outln!(
        "{}: ok — {} at {} ({}), {} sessions, needle {} µm",
        scenario.display(),
        r.device.kind(),
        r.skin.site,
        r.scenario.name,
        r.protocol.sessions.len(),
        r.device.needle.length_um
    )?;
    outln!(
        "  estimate: {:.3e} punctures, {:.3e} transport voxels, {:.3e} healing cells × {} courses over {:.0} d, \
         peak memory {:.2} GiB (budget {} GiB)",
        e.punctures,
        e.transport_voxels,
        e.healing_cells,
        e.healing_courses,
        e.simulated_d,
        e.memory_gib(),
        budget.max_memory_gib
    )
}
