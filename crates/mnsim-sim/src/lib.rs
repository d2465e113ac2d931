//! # mnsim-sim
//!
//! One run of mnsim: a [`ResolvedScenario`] in, a [`RunResult`] out. Each stage is a plain
//! function of the previous stage's output, in the order of the data flow:
//!
//! ```text
//! scenario ─> punctures ─> penetration ─> channels ─┬─> coverage / penetration summaries
//!                                                   └─> healing (course + follow-up)
//! ```
//!
//! ```
//! let scenario = mnsim_scenario::default_scenario();
//! let result = mnsim_sim::run(&scenario, &mut mnsim_sim::NoProgress).unwrap();
//! assert!(result.figure("holes_per_cm2_per_session").unwrap().value > 0.0);
//! ```

use mnsim_core::ChannelSet;
use mnsim_core::penetration::{self, Penetration, PenetrationSummary};
use mnsim_core::punctures::{self, CoverageSummary, Punctures};
use mnsim_healing::HealingResult;
use mnsim_scenario::ResolvedScenario;
use serde::Serialize;
use thiserror::Error;

/// A run failed after its scenario was validated (a solver failure).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SimError {
    /// The healing model failed.
    #[error("healing: {0}")]
    Healing(#[from] mnsim_healing::HealingError),
    /// The outcome metrics rejected the tissue course (a bug upstream, reported not hidden).
    #[error("outcomes: {0}")]
    Outcomes(#[from] mnsim_outcomes::OutcomeError),
}

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
    /// The healing course (wound-healing cascade over the sessions and follow-up).
    pub healing: HealingResult,
    /// The five benefits as clinical measures.
    pub outcomes: mnsim_outcomes::Outcomes,
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
pub fn run(scenario: &ResolvedScenario, progress: &mut dyn Progress) -> Result<RunResult, SimError> {
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
    progress.stage("healing", 1);
    let healing = mnsim_healing::simulate(
        &scenario.skin,
        &channels,
        scenario.patch,
        &scenario.protocol.session_times_s(),
        &scenario.scenario.healing,
    )?;
    progress.advance(1);
    for (name, value, unit) in healing.summary() {
        let description = healing_description(&name);
        let unit = match unit.as_str() {
            "um" => "µm".to_string(),
            "g/m2/h" => "g/m²/h".to_string(),
            _ => unit,
        };
        figures.push(Figure {
            name,
            value,
            unit,
            description,
        });
    }
    progress.stage("outcomes", 1);
    let outcomes = mnsim_outcomes::compute_outcomes(&outcome_inputs(scenario, &healing), &scenario.scenario.outcomes)?;
    progress.advance(1);
    for (name, value, unit) in outcomes.summary() {
        let unit = if unit == "um" { "µm".to_string() } else { unit };
        figures.push(Figure {
            name: format!("outcomes.{name}"),
            value,
            unit,
            description: "outcome metric (docs/model/outcomes.md)".into(),
        });
    }
    Ok(RunResult {
        punctures,
        penetration: pen,
        channels,
        coverage,
        penetration_summary: psum,
        healing,
        outcomes,
        figures,
    })
}

/// The outcome metrics' view of a run: the healing model's patch-averaged courses, rescaled to
/// the outcome conventions (`_rel` = 1 at baseline, thicknesses in µm), plus the indication.
///
/// Inflammation: the healing model's erythema index E (papillary dermis) is scaled so that its
/// downtime threshold maps onto the outcome metrics' visible-erythema threshold, so the two
/// models agree on when redness is visible.
pub fn outcome_inputs(scenario: &ResolvedScenario, healing: &HealingResult) -> mnsim_outcomes::OutcomeInputs {
    let tc = &healing.time_courses;
    let get = |var: &str| -> Vec<f64> {
        tc.get(var, "patch")
            .or_else(|| {
                tc.series
                    .iter()
                    .find(|s| s.variable == var)
                    .map(|s| s.values.as_slice())
            })
            .map(<[f64]>::to_vec)
            .unwrap_or_else(|| vec![0.0; tc.t_d.len()])
    };
    let rel = |v: Vec<f64>| -> Vec<f64> {
        let b = v.first().copied().filter(|b| *b > 0.0).unwrap_or(1.0);
        v.into_iter().map(|x| (x / b).max(0.0)).collect()
    };
    let skin = &scenario.skin;
    let ind = &scenario.scenario.indication;
    let params = &scenario.scenario.outcomes;
    let infl_scale = params.erythema_visible_threshold / scenario.scenario.healing.rates.downtime_threshold;
    let new_total = get("collagen_new");
    let col_total0 = get("collagen_total")
        .first()
        .copied()
        .filter(|b| *b > 0.0)
        .unwrap_or(1.0);
    // the healing record holds the state just before and just after each session at the same
    // time; the "after" sample is placed 1e-6 d (0.09 s) later so that times increase strictly
    const SPLIT_D: f64 = 1e-6;
    let mut times_d = tc.t_d.clone();
    for i in 1..times_d.len() {
        if times_d[i] <= times_d[i - 1] {
            times_d[i] = times_d[i - 1] + SPLIT_D;
        }
    }
    let course = mnsim_outcomes::TissueCourse {
        times_d,
        session_days: scenario
            .protocol
            .session_times_s()
            .iter()
            .map(|t| t / mnsim_core::units::S_PER_DAY)
            .collect(),
        collagen_i_rel: rel(get("collagen_i")),
        collagen_iii_rel: rel(get("collagen_iii")),
        elastin_rel: rel(get("elastin")),
        new_collagen_rel: Some(new_total.iter().map(|x| (x / col_total0).max(0.0)).collect()),
        dermal_thickness_um: rel(get("dermal_thickness"))
            .into_iter()
            .map(|r| r * skin.layers.dermis_um())
            .collect(),
        epidermal_thickness_um: rel(get("epidermal_thickness"))
            .into_iter()
            .map(|r| r * skin.layers.epidermis_um())
            .collect(),
        barrier_integrity: get("barrier_function").into_iter().map(|b| b.clamp(0.0, 1.0)).collect(),
        inflammation_rel: get("erythema_index")
            .into_iter()
            .map(|e| (e * infl_scale).clamp(0.0, 100.0))
            .collect(),
        melanin_rel: rel(get("basal_melanin")),
    };
    mnsim_outcomes::OutcomeInputs {
        course,
        delivery: mnsim_outcomes::DeliverySummary {
            depigmenting_active: None,
            depigmenting_amount_ug_per_cm2: Vec::new(),
            home_depigmenting_inhibition: ind.home_depigmenting_inhibition,
        },
        patient: mnsim_outcomes::Patient {
            age_y: skin.age_y,
            fitzpatrick: scenario.scenario.patient.fitzpatrick,
            site: skin.site.clone(),
            wrinkle_depth_um: ind.wrinkle_depth_um,
            roughness_ra_um: ind.roughness_ra_um,
        },
        scar: ind.scar,
        striae: ind.striae,
        pigment: ind.pigment,
    }
}

/// Words for a healing figure (by name stem).
fn healing_description(name: &str) -> String {
    let stem = name.split("_session_").next().unwrap_or(name);
    let when = match name.split_once("_session_") {
        Some((_, k)) => format!(" (after session {k})"),
        None => " (end of follow-up)".into(),
    };
    let what = match stem {
        "collagen_change_pct" => "total dermal collagen vs baseline",
        "collagen_I_change_pct" => "collagen I vs baseline",
        "collagen_III_change_pct" => "collagen III vs baseline",
        "elastin_change_pct" => "elastin vs baseline",
        "dermal_thickness_change_pct" => "dermal thickness vs baseline",
        "reepithelialisation_h" => "time to re-epithelialise the needle wounds",
        "downtime_d" => "days of visible inflammation",
        "papillary_collagen_change_pct" => "papillary-dermis collagen vs baseline",
        "erythema_d" => "days of visible erythema",
        "barrier_recovery_h" => "time for the barrier (TEWL) to recover",
        "tewl_peak_g_m2_h" => "peak transepidermal water loss",
        "capillary_density_peak_change_pct" => "peak capillary density vs baseline",
        "capillary_density_change_pct" => "capillary density vs baseline",
        "melanin_index_change_pct" => "basal melanin index vs baseline",
        "epidermal_thickness_change_pct" => "epidermal thickness vs baseline",
        "new_collagen_um" => "newly formed collagen, as added dermal thickness",
        _ => "healing model figure",
    };
    format!("{what}{when}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_run_is_deterministic_and_finite() {
        let s = mnsim_scenario::default_scenario();
        let a = run(&s, &mut NoProgress).unwrap();
        let b = run(&s, &mut NoProgress).unwrap();
        assert_eq!(a.punctures, b.punctures);
        assert!(a.figures.iter().all(|f| f.value.is_finite()), "{:?}", a.figures);
        let layers: f64 = mnsim_core::Layer::ALL
            .iter()
            .map(|l| a.figure(&format!("deepest_in_{}_fraction", l.name())).unwrap().value)
            .sum();
        assert!((layers - 1.0).abs() < 1e-9);
    }
}
