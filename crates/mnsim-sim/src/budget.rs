//! The work and memory a scenario will need, estimated before anything is built, and the budget
//! it must fit (`mnsim check` prints the estimate; `mnsim run` refuses a scenario over budget
//! before generating a single puncture, instead of running out of memory half-way).
//!
//! The estimate is closed-form: punctures from the device's nominal hole density
//! ([`mnsim_core::device::Device::nominal_holes_per_cm2_per_pass`]) × passes × patch area; the
//! transport grid from [`mnsim_transport::size::grid_size`] (the same function the solver uses)
//! with the needle length as the deepest channel; the healing grid from
//! [`mnsim_healing::grid::TissueGrid::new`]. Bytes per item are stated below with their derivation; the
//! estimate is meant to be within a factor of about two of the measured peak (docs/MODEL.md § 11).

use mnsim_core::units::UM2_PER_CM2;
use mnsim_scenario::ResolvedScenario;
use serde::Serialize;
use thiserror::Error;

/// Memory held per puncture over a run, B: the puncture record (4 f64 + 3 u32 = 44 B), its
/// penetration result (9 B) and channel record (≈ 15 fields, ≈ 100 B), doubled for vector growth
/// (≈ 300 B), plus its row in `punctures.csv` and its mark in the puncture-map SVG (≈ 200 B of
/// text). Assumed from the struct layouts; checked against the measured peak of the default run.
pub const BYTES_PER_PUNCTURE: f64 = 512.0;
/// Memory held per healing cell, B: 22 state variables (f64) in about four copies (state, step
/// start, injury, signal transport scratch) ≈ 700 B, rounded up. Assumed from the state layout.
pub const BYTES_PER_HEALING_CELL: f64 = 1024.0;
/// Memory of a run that does not scale with the scenario (program, tables, figures), B. Assumed.
pub const BASE_BYTES: f64 = 64.0 * 1024.0 * 1024.0;
/// Default memory budget of one run, GiB: a third of the 24 GiB of the reference machine, so
/// that a run leaves room for the rest of the machine. Change it with `--max-memory-gib` or
/// `MNSIM_MAX_MEMORY_GIB`.
pub const DEFAULT_MAX_MEMORY_GIB: f64 = 8.0;
/// Bytes per GiB.
pub const BYTES_PER_GIB: f64 = 1024.0 * 1024.0 * 1024.0;

/// What a scenario will cost, estimated before the run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkEstimate {
    /// Punctures over the whole course (expected value).
    pub punctures: f64,
    /// Transport voxels (0 without a topical).
    pub transport_voxels: f64,
    /// Transport memory, B.
    pub transport_bytes: f64,
    /// Healing cells of one course (0 without healing).
    pub healing_cells: f64,
    /// Healing courses (nominal + ensemble members).
    pub healing_courses: u32,
    /// Healing courses held in memory at once (parallel members).
    pub concurrent_courses: u32,
    /// Simulated days of each course.
    pub simulated_d: f64,
    /// Peak memory, B.
    pub memory_bytes: f64,
}

impl WorkEstimate {
    /// Peak memory, GiB.
    pub fn memory_gib(&self) -> f64 {
        self.memory_bytes / BYTES_PER_GIB
    }
}

/// The limits a run must fit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Budget {
    /// Largest peak memory a run may need, GiB.
    pub max_memory_gib: f64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget { max_memory_gib: DEFAULT_MAX_MEMORY_GIB }
    }
}

/// A scenario does not fit its budget.
#[derive(Debug, Error, PartialEq)]
#[non_exhaustive]
pub enum BudgetError {
    /// The estimated peak memory exceeds the budget.
    #[error(
        "the scenario needs an estimated {need_gib:.3} GiB ({punctures:.3e} punctures, {voxels:.3e} transport voxels, \
         {cells:.3e} healing cells × {courses} courses), over the budget of {limit_gib} GiB: reduce the patch, \
         passes, sessions, pen frequency or needle count, or raise the budget with --max-memory-gib / MNSIM_MAX_MEMORY_GIB"
    )]
    Memory {
        /// Estimated need, GiB.
        need_gib: f64,
        /// Budget, GiB.
        limit_gib: f64,
        /// Punctures.
        punctures: f64,
        /// Transport voxels.
        voxels: f64,
        /// Healing cells of one course.
        cells: f64,
        /// Healing courses.
        courses: u32,
    },
    /// The transport grid alone exceeds the scenario's `transport.max_memory_gib`.
    #[error(
        "the transport grid needs {need_gib:.3} GiB ({voxels:.3e} voxels), over transport.max_memory_gib = {limit_gib} GiB: \
         coarsen transport.lateral_resolution_um or narrow transport.domain_width_um"
    )]
    Transport {
        /// Estimated need, GiB.
        need_gib: f64,
        /// The scenario's limit, GiB.
        limit_gib: f64,
        /// Voxels.
        voxels: f64,
    },
    /// The budget itself is not a positive finite number.
    #[error("memory budget {0} GiB is invalid: must be a finite number > 0")]
    Invalid(f64),
}

/// Estimate the work and peak memory of `scenario` (cheap: nothing is generated).
pub fn estimate(scenario: &ResolvedScenario) -> WorkEstimate {
    let patch_cm2 = scenario.patch.width_um * scenario.patch.height_um / UM2_PER_CM2;
    let passes: f64 = scenario.protocol.sessions.iter().map(|s| s.passes() as f64).sum();
    let punctures = scenario.device.nominal_holes_per_cm2_per_pass() * passes * patch_cm2;
    let (transport_voxels, transport_bytes) = scenario
        .scenario
        .topical
        .as_ref()
        .and_then(|_| {
            mnsim_transport::size::grid_size(
                &scenario.skin,
                scenario.patch,
                scenario.device.needle.length_um,
                &scenario.scenario.transport,
            )
            .ok()
        })
        .map(|g| (g.voxels as f64, g.bytes as f64))
        .unwrap_or((0.0, 0.0));
    let sim = &scenario.scenario.simulation;
    let healing = &scenario.scenario.healing;
    let healing_cells = if sim.run_healing {
        mnsim_healing::grid::TissueGrid::new(&scenario.skin, scenario.patch, healing)
            .map(|g| g.ncells() as f64)
            .unwrap_or(0.0)
    } else {
        0.0
    };
    let healing_courses = if sim.run_healing { sim.ensemble_members.max(1) } else { 0 };
    let threads = rayon::current_num_threads().max(1) as u32;
    let concurrent_courses = healing_courses.min(threads);
    let last_session_d = scenario.protocol.sessions.last().map(|s| s.start_s / 86_400.0).unwrap_or(0.0);
    // each course running at once holds its own punctures (members regenerate theirs)
    let memory_bytes = BASE_BYTES
        + BYTES_PER_PUNCTURE * punctures * (1 + concurrent_courses.saturating_sub(1)) as f64
        + transport_bytes
        + BYTES_PER_HEALING_CELL * healing_cells * concurrent_courses as f64;
    WorkEstimate {
        punctures,
        transport_voxels,
        transport_bytes,
        healing_cells,
        healing_courses,
        concurrent_courses,
        simulated_d: if sim.run_healing { last_session_d + healing.follow_up_d } else { 0.0 },
        memory_bytes,
    }
}

impl Budget {
    /// Check `estimate` (of `scenario`) against this budget and the scenario's own transport limit.
    pub fn check(&self, scenario: &ResolvedScenario, estimate: &WorkEstimate) -> Result<(), BudgetError> {
        if !(self.max_memory_gib.is_finite() && self.max_memory_gib > 0.0) {
            return Err(BudgetError::Invalid(self.max_memory_gib));
        }
        let transport_limit = scenario.scenario.transport.max_memory_gib;
        if estimate.transport_bytes / BYTES_PER_GIB > transport_limit {
            return Err(BudgetError::Transport {
                need_gib: estimate.transport_bytes / BYTES_PER_GIB,
                limit_gib: transport_limit,
                voxels: estimate.transport_voxels,
            });
        }
        if estimate.memory_gib() > self.max_memory_gib {
            return Err(BudgetError::Memory {
                need_gib: estimate.memory_gib(),
                limit_gib: self.max_memory_gib,
                punctures: estimate.punctures,
                voxels: estimate.transport_voxels,
                cells: estimate.healing_cells,
                courses: estimate.healing_courses,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_scenario_fits_and_its_puncture_estimate_matches_the_generator() {
        let s = mnsim_scenario::default_scenario();
        let e = estimate(&s);
        Budget::default().check(&s, &e).unwrap();
        let n = mnsim_core::punctures::generate(&s.device, &s.protocol, s.patch, s.seed()).len() as f64;
        assert!((e.punctures - n).abs() / n < 0.15, "estimate {} vs generated {n}", e.punctures);
        assert!(e.healing_cells > 0.0 && e.transport_voxels > 0.0);
    }

    #[test]
    fn a_dense_pen_on_a_large_patch_is_refused_with_the_estimate_and_the_limit() {
        // the scenario of the reliability report: 300 Hz, 100 needles, 0.1 mm/s, 16 directions
        // × 4 passes on 20 × 20 mm — 5.9 GB and an abort before this check existed
        let text = mnsim_scenario::default_toml();
        let edits = [
            ("device.frequency_hz", toml::Value::Float(300.0)),
            ("device.needle_count", toml::Value::Integer(100)),
            ("device.glide_speed_mm_per_s", toml::Value::Float(0.1)),
            ("protocol.passes_per_direction", toml::Value::Integer(4)),
            (
                "protocol.directions_deg",
                toml::Value::Array((0..16).map(|k| toml::Value::Float(k as f64 * 22.5)).collect()),
            ),
            ("simulation.patch_width_mm", toml::Value::Float(20.0)),
            ("simulation.patch_height_mm", toml::Value::Float(20.0)),
        ];
        let edits: Vec<_> = edits.into_iter().map(|(k, v)| mnsim_scenario::Edit::Set(k.into(), v)).collect();
        let s = match mnsim_scenario::parse_with(text, "dense.toml", &edits) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        let e = estimate(&s);
        let err = Budget::default().check(&s, &e).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("GiB") && msg.contains("budget of 8 GiB") && msg.contains("punctures"), "{msg}");
        assert!(e.punctures > 1e7, "{e:?}");
        // a generous budget lets it through
        Budget { max_memory_gib: 1e6 }.check(&s, &e).unwrap();
    }
}
