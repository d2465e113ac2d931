//! # mnsim-sim
//!
//! One run of mnsim: a [`ResolvedScenario`] in, a [`RunResult`] out. Each stage is a plain
//! function of the previous stage's output, in the order of the data flow:
//!
//! ```text
//! scenario ─> punctures ─> penetration ─> channels ─> coverage / penetration summaries
//! ```
//!
//! ```
//! let scenario = mnsim_scenario::default_scenario();
//! let result = mnsim_sim::run(&scenario, &mut mnsim_sim::NoProgress);
//! assert!(result.figure("holes_per_cm2_per_session").unwrap().value > 0.0);
//! ```

use mnsim_core::ChannelSet;
use mnsim_core::penetration::{self, Penetration, PenetrationSummary};
use mnsim_core::punctures::{self, CoverageSummary, Punctures};
use mnsim_scenario::ResolvedScenario;
use serde::Serialize;

/// One named summary figure with its unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// Name (`mean_depth_um`); the unit is also in the name where it has one.
    pub name: String,
    /// Value.
    pub value: f64,
    /// Unit (`µm`, `holes/cm²`, `fraction`, `1`).
    pub unit: String,
    /// What it is, in words.
    pub description: String,
}

/// Everything one run produces.
#[derive(Debug, Clone, Serialize)]
pub struct RunResult {
    /// Every puncture of the course.
    pub punctures: Punctures,
    /// Depth reached by each puncture.
    pub penetration: Penetration,
    /// The channels (geometry) left behind.
    pub channels: ChannelSet,
    /// Coverage summary.
    pub coverage: CoverageSummary,
    /// Penetration summary.
    pub penetration_summary: PenetrationSummary,
    /// Headline figures, by name.
    pub figures: Vec<Figure>,
}

impl RunResult {
    /// Look a figure up by name.
    pub fn figure(&self, name: &str) -> Option<&Figure> {
        self.figures.iter().find(|f| f.name == name)
    }
}

/// Progress reporting hook (the CLI shows a bar; the library stays silent).
pub trait Progress {
    /// A stage starts; `total` units of work follow.
    fn stage(&mut self, name: &str, total: u64);
    /// `done` units of the current stage are complete.
    fn advance(&mut self, done: u64);
}

/// A [`Progress`] that does nothing.
pub struct NoProgress;

impl Progress for NoProgress {
    fn stage(&mut self, _: &str, _: u64) {}
    fn advance(&mut self, _: u64) {}
}

fn fig(name: &str, value: f64, unit: &str, description: &str) -> Figure {
    Figure {
        name: name.into(),
        value,
        unit: unit.into(),
        description: description.into(),
    }
}

/// Run every stage that exists for `scenario`.
pub fn run(scenario: &ResolvedScenario, progress: &mut dyn Progress) -> RunResult {
    let n_sessions = scenario.protocol.sessions.len() as u32;
    progress.stage("punctures", 3);
    let punctures = punctures::generate(&scenario.device, &scenario.protocol, scenario.patch, scenario.seed);
    progress.advance(1);
    let pen = penetration::penetrate(
        &punctures,
        &scenario.device,
        &scenario.skin,
        &scenario.penetration,
        scenario.seed,
    );
    let channels = penetration::channels(
        &punctures,
        &pen,
        &scenario.device,
        &scenario.penetration,
        scenario.patch,
    );
    progress.advance(2);
    let coverage = punctures::coverage(
        &punctures,
        scenario.patch,
        n_sessions,
        scenario.device.needle.base_diameter_um / 2.0,
        scenario.scenario.simulation.reach_radius_um,
    );
    let psum = penetration::summarise(&pen, &scenario.skin, &channels, scenario.device.needle.length_um);
    progress.advance(3);

    let skin = &scenario.skin;
    let mut figures = vec![
        fig(
            "punctures_total",
            punctures.len() as f64,
            "1",
            "punctures over the whole course on the patch",
        ),
        fig(
            "holes_per_cm2_per_session",
            coverage.holes_per_cm2_per_session,
            "holes/cm²",
            "mean hole density made in one session",
        ),
        fig(
            "nominal_holes_per_cm2_per_pass",
            scenario.device.nominal_holes_per_cm2_per_pass(),
            "holes/cm²",
            "closed-form hole density of one pass of the device",
        ),
        fig(
            "nearest_neighbour_spacing_um",
            coverage.nearest_neighbour_spacing_um,
            "µm",
            "mean distance to the nearest puncture of the same session",
        ),
        fig(
            "area_within_reach_fraction",
            coverage.area_within_reach_fraction,
            "fraction",
            "fraction of the patch within reach_radius_um of a channel (mean over sessions)",
        ),
        fig(
            "overlap_fraction",
            coverage.overlap_fraction,
            "fraction",
            "fraction of punctures whose axis enters the footprint (base radius) of an earlier one of the same session",
        ),
        fig(
            "insertion_speed_m_per_s",
            pen.mean.insertion_speed_m_per_s,
            "m/s",
            "needle speed at skin contact",
        ),
        fig(
            "deflection_before_puncture_um",
            pen.mean.deflection_um,
            "µm",
            "skin surface deflection when the needle pierces",
        ),
        fig(
            "mean_depth_um",
            psum.mean_depth_um,
            "µm",
            "mean depth reached below the surface",
        ),
        fig(
            "sd_depth_um",
            psum.sd_depth_um,
            "µm",
            "standard deviation of depth reached",
        ),
        fig(
            "depth_fraction",
            psum.depth_fraction,
            "fraction",
            "mean depth reached ÷ needle length",
        ),
        fig(
            "dermis_reached_fraction",
            psum.dermis_reached_fraction,
            "fraction",
            "punctures that breach the epidermis",
        ),
        fig(
            "bleeding_fraction",
            psum.bleeding_fraction,
            "fraction",
            "punctures reaching the superficial vascular plexus (pinpoint bleeding)",
        ),
        fig(
            "mean_surface_diameter_um",
            psum.mean_surface_diameter_um,
            "µm",
            "mean open channel diameter at the surface",
        ),
        fig(
            "superficial_plexus_depth_um",
            skin.superficial_plexus_depth_um,
            "µm",
            "depth of the superficial vascular plexus",
        ),
        fig(
            "epidermis_thickness_um",
            skin.layers.epidermis_um(),
            "µm",
            "stratum corneum + viable epidermis",
        ),
        fig(
            "dermis_thickness_um",
            skin.layers.dermis_um(),
            "µm",
            "papillary + reticular dermis",
        ),
        fig("cutis_thickness_um", skin.layers.cutis_um(), "µm", "epidermis + dermis"),
    ];
    for l in mnsim_core::Layer::ALL {
        figures.push(fig(
            &format!("deepest_in_{}_fraction", l.name()),
            psum.deepest_layer_fraction[l.index()],
            "fraction",
            &format!(
                "punctures whose deepest point lies in the {}",
                l.name().replace('_', " ")
            ),
        ));
    }
    RunResult {
        punctures,
        penetration: pen,
        channels,
        coverage,
        penetration_summary: psum,
        figures,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_run_is_deterministic_and_finite() {
        let s = mnsim_scenario::default_scenario();
        let a = run(&s, &mut NoProgress);
        let b = run(&s, &mut NoProgress);
        assert_eq!(a.punctures, b.punctures);
        assert!(a.figures.iter().all(|f| f.value.is_finite()), "{:?}", a.figures);
        let layers: f64 = mnsim_core::Layer::ALL
            .iter()
            .map(|l| a.figure(&format!("deepest_in_{}_fraction", l.name())).unwrap().value)
            .sum();
        assert!((layers - 1.0).abs() < 1e-9);
    }
}
