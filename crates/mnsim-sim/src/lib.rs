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

pub mod budget;
pub mod closure;

pub use budget::{Budget, BudgetError, WorkEstimate};
use mnsim_core::ChannelSet;
use mnsim_core::penetration::{self, Penetration, PenetrationSummary};
use mnsim_core::pharmacodynamics::{decay_tail_h, effect_area_h};
use mnsim_core::punctures::{self, CoverageSummary, Punctures};
use mnsim_healing::HealingResult;
use mnsim_healing::actives::{ActiveEffect, ActiveGains, HealingPd, find_healing_pd};
use mnsim_scenario::ResolvedScenario;
use rayon::prelude::*;
use serde::Serialize;
use thiserror::Error;

/// A run failed after its scenario was validated (a solver failure).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SimError {
    /// The healing model failed.
    #[error("healing: {0}")]
    Healing(#[from] mnsim_healing::HealingError),
    /// The transport model failed.
    #[error("transport: {0}")]
    Transport(#[from] mnsim_transport::TransportError),
    /// The outcome metrics rejected the tissue course (a bug upstream, reported not hidden).
    #[error("outcomes: {0}")]
    Outcomes(#[from] mnsim_outcomes::OutcomeError),
    /// The scenario does not fit the run's memory budget (checked before any work).
    #[error("{0}")]
    Budget(#[from] BudgetError),
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
    /// Delivery of the topical after the first session (needled and intact skin), if any.
    pub transport: Option<mnsim_transport::TransportResult>,
    /// The healing course (wound-healing cascade over the sessions and follow-up), unless
    /// `simulation.run_healing = false`.
    pub healing: Option<HealingResult>,
    /// The five benefits as clinical measures (with healing).
    pub outcomes: Option<mnsim_outcomes::Outcomes>,
    /// Median and 5–95 % interval of every outcome over the uncertainty ensemble (the nominal
    /// run is member 0).
    pub ensemble: Vec<mnsim_outcomes::Interval>,
    /// The 5–95 % band of every healing time course over the ensemble, sample by sample
    /// (None without healing, with one member, or if the members' courses were not sampled at
    /// the same times).
    pub healing_band: Option<TimeCourseBand>,
    /// Headline figures, by name.
    pub figures: Vec<Figure>,
    /// Wall time of each stage, s (punctures, transport, healing, outcomes, ensemble).
    pub stage_wall_s: Vec<(String, f64)>,
    /// Where this run leaves the range the model was calibrated on, in words.
    pub warnings: Vec<String>,
}

/// Injured share of the dermis in the session the healing magnitudes were calibrated on
/// (45 channels 1.0 mm deep, 100 µm wide, on 9 mm² of cheek: ≈ 500 holes/cm², the "standard
/// session" of docs/model/healing.md), %. Computed with the healing model's own injury rule.
pub const CALIBRATED_INJURED_DERMIS_PCT: f64 = 4.45;
/// A session injuring more than this multiple of [`CALIBRATED_INJURED_DERMIS_PCT`] is flagged
/// as outside the calibrated range. Assumed: twice the calibration session.
pub const INJURY_WARNING_FACTOR: f64 = 2.0;

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

pub(crate) fn fig(name: &str, value: f64, unit: &str, description: &str) -> Figure {
    Figure { name: name.into(), value, unit: unit.into(), description: description.into() }
}

/// Run every stage that exists for `scenario`, within the default [`Budget`].
pub fn run(scenario: &ResolvedScenario, progress: &mut dyn Progress) -> Result<RunResult, SimError> {
    run_within(scenario, &Budget::default(), progress)
}

/// Run every stage that exists for `scenario`, after checking its [`budget::estimate`] against
/// `budget` (a scenario over budget is refused before any work).
pub fn run_within(
    scenario: &ResolvedScenario,
    budget: &Budget,
    progress: &mut dyn Progress,
) -> Result<RunResult, SimError> {
    budget.check(scenario, &budget::estimate(scenario))?;
    let mut timed = Timed { inner: progress, current: None, laps: Vec::new() };
    let mut r = run_stages(scenario, &mut timed)?;
    timed.close();
    r.stage_wall_s = timed.laps;
    Ok(r)
}

/// Records the wall time of each stage announced through [`Progress::stage`].
struct Timed<'a> {
    inner: &'a mut dyn Progress,
    current: Option<(String, std::time::Instant)>,
    laps: Vec<(String, f64)>,
}

impl Timed<'_> {
    fn close(&mut self) {
        if let Some((name, t0)) = self.current.take() {
            self.laps.push((name, t0.elapsed().as_secs_f64()));
        }
    }
}

impl Progress for Timed<'_> {
    fn stage(&mut self, name: &str, total: u64) {
        self.close();
        self.current = Some((name.to_string(), std::time::Instant::now()));
        self.inner.stage(name, total);
    }
    fn advance(&mut self, done: u64) {
        self.inner.advance(done);
    }
}

/// Run `work` on a scoped thread (its rayon calls go to the global pool) while this thread,
/// which is not a rayon worker, reports the count of finished runs in `done` to `progress`
/// (the work itself never touches `progress`, which need not be `Send`).
fn run_reporting_progress<T: Send>(
    work: impl FnOnce() -> T + Send,
    done: &std::sync::atomic::AtomicU64,
    progress: &mut dyn Progress,
) -> T {
    use std::sync::atomic::{AtomicBool, Ordering};
    let finished = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let handle = scope.spawn(|| {
            let r = work();
            finished.store(true, Ordering::Release);
            r
        });
        let mut shown = 0;
        while !finished.load(Ordering::Acquire) {
            std::thread::sleep(std::time::Duration::from_millis(50));
            let now = done.load(Ordering::Relaxed);
            if now != shown {
                shown = now;
                progress.advance(now);
            }
        }
        handle.join().expect("the simulation thread does not panic")
    })
}

fn run_stages(scenario: &ResolvedScenario, progress: &mut dyn Progress) -> Result<RunResult, SimError> {
    let n_sessions = scenario.protocol.sessions.len() as u32;
    progress.stage("punctures", 3);
    let punctures = punctures::generate(&scenario.device, &scenario.protocol, scenario.patch, scenario.seed());
    progress.advance(1);
    let pen =
        penetration::penetrate(&punctures, &scenario.device, &scenario.skin, scenario.penetration(), scenario.seed());
    let channels = penetration::channels(&punctures, &pen, &scenario.device, &scenario.skin, scenario.penetration());
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
        fig("punctures_total", punctures.len() as f64, "1", "punctures over the whole course on the patch"),
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
        fig("insertion_speed_m_per_s", pen.mean.insertion_speed_m_per_s, "m/s", "needle speed at skin contact"),
        fig(
            "deflection_before_puncture_um",
            pen.mean.deflection_um,
            "µm",
            "skin surface deflection when the needle pierces",
        ),
        fig("mean_depth_um", psum.mean_depth_um, "µm", "mean depth reached below the surface"),
        fig("sd_depth_um", psum.sd_depth_um, "µm", "standard deviation of depth reached"),
        fig("depth_fraction", psum.depth_fraction, "fraction", "mean depth reached ÷ needle length"),
        fig("dermis_reached_fraction", psum.dermis_reached_fraction, "fraction", "punctures that breach the epidermis"),
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
        fig("epidermis_thickness_um", skin.layers.epidermis_um(), "µm", "stratum corneum + viable epidermis"),
        fig("dermis_thickness_um", skin.layers.dermis_um(), "µm", "papillary + reticular dermis"),
        fig("cutis_thickness_um", skin.layers.cutis_um(), "µm", "epidermis + dermis"),
    ];
    let (_closure, closure_figures) = closure::figures(&closure::conditions(scenario, &channels));
    figures.extend(closure_figures);
    for l in mnsim_core::Layer::ALL {
        figures.push(fig(
            &format!("deepest_in_{}_fraction", l.name()),
            psum.deepest_layer_fraction[l.index()],
            "fraction",
            &format!("punctures whose deepest point lies in the {}", l.name().replace('_', " ")),
        ));
    }
    // Transport and the healing courses (nominal and ensemble members) do not depend on each
    // other: run them side by side; the outcomes, which need both, follow.
    let run_healing = scenario.scenario.simulation.run_healing;
    let members = if run_healing { scenario.scenario.simulation.ensemble_members.max(1) as usize } else { 0 };
    let has_topical = scenario.scenario.topical.is_some();
    // Progress in simulated days: each healing course adds its days as it passes them; the
    // transport run, which reports no steps, counts as one course's days when it finishes.
    let course_days =
        mnsim_healing::course_days(&scenario.protocol.session_times_s(), &scenario.scenario.healing).max(1);
    let units = (members as u64 + u64::from(has_topical)) * course_days;
    progress.stage(
        match (has_topical, run_healing) {
            (true, true) => "transport + healing courses, simulated days",
            (true, false) => "transport",
            (false, true) => "healing courses, simulated days",
            (false, false) => "done",
        },
        units.max(1),
    );
    let done = std::sync::atomic::AtomicU64::new(0);
    let transport_job = || {
        let t = scenario.scenario.topical.as_ref().map(|t| run_transport(scenario, &channels, t)).transpose();
        if has_topical {
            done.fetch_add(course_days, std::sync::atomic::Ordering::Relaxed);
        }
        t
    };
    let home_effects = home_care_effects(scenario);
    // A serum that acts on the cascade needs its delivered concentrations before the healing
    // courses start; any other serum runs beside them.
    let work = || {
        if serum_acts_on_healing(scenario) {
            let t = transport_job();
            let serum = match &t {
                Ok(Some(tr)) => serum_effects(scenario, tr),
                _ => Vec::new(),
            };
            let effects: Vec<ActiveEffect> = home_effects.iter().chain(&serum).copied().collect();
            let c = healing_courses(scenario, &channels, members, &done, &effects);
            ((t, serum), c)
        } else {
            let (t, c) =
                rayon::join(transport_job, || healing_courses(scenario, &channels, members, &done, &home_effects));
            ((t, Vec::new()), c)
        }
    };
    let ((transport, serum_windows), courses) = if rayon::current_thread_index().is_some() {
        // Already on a worker of a rayon pool (a study running cases in parallel): run inline.
        // A worker must never block waiting for work it has handed to its own pool, which the
        // polling below would do (every worker of the pool polling, none left to run the work).
        work()
    } else {
        run_reporting_progress(work, &done, progress)
    };
    let transport = transport?;
    let mut courses = courses?;
    progress.advance(units.max(1));
    if let Some(t) = &transport {
        for (name, value, unit) in t.summary() {
            let description = format!("topical {} after session 1 (docs/model/transport.md)", t.active);
            figures.push(Figure { name, value, unit, description });
        }
        bound_enhancement_by_detection(&mut figures);
        // the permeability coefficient an in-vitro diffusion cell would measure on an
        // epidermal membrane of this active (reference SC, heat-separated epidermis)
        use mnsim_transport::membrane::{EPIDERMAL_MEMBRANE_VE_UM, steady_kp_cm_per_h};
        use mnsim_transport::physchem::SC_REFERENCE_THICKNESS_UM;
        let kp = steady_kp_cm_per_h(&t.params, &[(SC_REFERENCE_THICKNESS_UM, 0), (EPIDERMAL_MEMBRANE_VE_UM, 1)], 40);
        figures.push(fig(
            "transport_intact_log10_kp_cm_per_h",
            kp.max(1e-300).log10(),
            "log10(cm/h)",
            "intact epidermal-membrane permeability coefficient of the topical (steady state)",
        ));
    }
    active_figures(scenario, &serum_windows, &mut figures);
    let mut healing_band = None;
    let (healing, outcomes, ensemble) = if courses.is_empty() {
        (None, None, Vec::new())
    } else {
        progress.stage("outcomes", 1);
        let all: Vec<mnsim_outcomes::Outcomes> = courses
            .iter()
            .map(|(s, h)| {
                mnsim_outcomes::compute_outcomes(&outcome_inputs(s, h, transport.as_ref()), &s.scenario.outcomes)
            })
            .collect::<Result<_, _>>()?;
        let ensemble = mnsim_outcomes::summarise_outcomes(&all, ENSEMBLE_LO_Q, ENSEMBLE_HI_Q)?;
        healing_band = time_course_band(&courses)?;
        let (_, healing) = courses.swap_remove(0);
        let outcomes = all.into_iter().next().expect("member 0 exists");
        for (name, value, unit) in healing.summary() {
            let description = healing_description(&name);
            let unit = unit_symbol(unit);
            figures.push(Figure { name, value, unit, description });
        }
        for (name, value, unit) in outcomes.summary() {
            let unit = unit_symbol(unit);
            figures.push(Figure {
                name: format!("outcomes.{name}"),
                value,
                unit,
                description: "outcome metric (docs/model/outcomes.md)".into(),
            });
        }
        progress.advance(1);
        (Some(healing), Some(outcomes), ensemble)
    };
    let mut warnings = Vec::new();
    if let Some(h) = &healing {
        for sf in &h.sessions {
            figures.push(fig(
                &format!("injured_dermis_pct_session_{}", sf.session + 1),
                sf.injured_dermis_pct,
                "%",
                "share of the dermis counted as wounded by this session's channels",
            ));
        }
        let worst = h.sessions.iter().map(|sf| sf.injured_dermis_pct).fold(0.0, f64::max);
        if worst > INJURY_WARNING_FACTOR * CALIBRATED_INJURED_DERMIS_PCT {
            warnings.push(format!(
                "a session wounds {worst:.1} % of the dermis, more than {INJURY_WARNING_FACTOR}× the {CALIBRATED_INJURED_DERMIS_PCT} % \
                 of the session the healing magnitudes were calibrated on: collagen, thickness, scar and elastin changes \
                 are extrapolated and likely overstated (docs/MODEL.md § 10)"
            ));
        }
    }
    Ok(RunResult {
        punctures,
        penetration: pen,
        channels,
        coverage,
        penetration_summary: psum,
        transport,
        healing,
        outcomes,
        ensemble,
        healing_band,
        figures,
        stage_wall_s: Vec::new(),
        warnings,
    })
}

/// The [`ENSEMBLE_LO_Q`]–[`ENSEMBLE_HI_Q`] band of every healing time course over the ensemble,
/// aligned with the nominal member's `time_courses.series` (`lower[i][k]` is the lower quantile
/// of series i at sample k).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TimeCourseBand {
    /// Probability of the lower quantile.
    pub lo_q: f64,
    /// Probability of the upper quantile.
    pub hi_q: f64,
    /// Members summarised.
    pub members: usize,
    /// Lower quantile, per series and sample.
    pub lower: Vec<Vec<f64>>,
    /// Upper quantile, per series and sample.
    pub upper: Vec<Vec<f64>>,
}

/// The band of the courses' time series, when there are at least two members and every member
/// was sampled at the nominal member's times with the same series (the splitting steps depend
/// only on the protocol and the numerical settings, so the members of one run share them).
fn time_course_band(courses: &[(ResolvedScenario, HealingResult)]) -> Result<Option<TimeCourseBand>, SimError> {
    let Some((_, nominal)) = courses.first() else { return Ok(None) };
    let tc = &nominal.time_courses;
    let same_grid = |h: &HealingResult| {
        h.time_courses.t_d == tc.t_d
            && h.time_courses.series.len() == tc.series.len()
            && h.time_courses
                .series
                .iter()
                .zip(&tc.series)
                .all(|(a, b)| a.variable == b.variable && a.region == b.region)
    };
    if courses.len() < 2 || !courses.iter().all(|(_, h)| same_grid(h)) {
        return Ok(None);
    }
    let (mut lower, mut upper) = (Vec::with_capacity(tc.series.len()), Vec::with_capacity(tc.series.len()));
    for (i, s) in tc.series.iter().enumerate() {
        let members: Vec<&[f64]> = courses.iter().map(|(_, h)| h.time_courses.series[i].values.as_slice()).collect();
        let name = format!("{}/{}", s.region, s.variable);
        let (lo, hi) = mnsim_outcomes::ensemble::pointwise_band(&name, &members, ENSEMBLE_LO_Q, ENSEMBLE_HI_Q)?;
        lower.push(lo);
        upper.push(hi);
    }
    Ok(Some(TimeCourseBand { lo_q: ENSEMBLE_LO_Q, hi_q: ENSEMBLE_HI_Q, members: courses.len(), lower, upper }))
}

/// Smallest amount delivered past the stratum corneum that a permeation study detects, µg/cm².
/// Assumed: the order of an HPLC-UV limit of quantification in a Franz receptor (≈ 0.01 µg/mL in
/// ≈ 1 mL per cm² of membrane); LC-MS/MS reaches lower.
pub const DETECTION_LIMIT_UG_PER_CM2: f64 = 0.01;

/// An enhancement ratio over an intact delivery that no study could measure is not a number to
/// report: when the intact amount is below [`DETECTION_LIMIT_UG_PER_CM2`], the ratio becomes the
/// lower bound needled ÷ limit and `transport_intact_below_detection` is 1 (else 0).
fn bound_enhancement_by_detection(figures: &mut Vec<Figure>) {
    let value = |figures: &[Figure], n: &str| figures.iter().find(|f| f.name == n).map(|f| f.value);
    let (Some(intact), Some(needled)) = (
        value(figures, "transport_delivered_intact_ug_per_cm2"),
        value(figures, "transport_delivered_needled_ug_per_cm2"),
    ) else {
        return;
    };
    let below = intact < DETECTION_LIMIT_UG_PER_CM2;
    if below && let Some(er) = figures.iter_mut().find(|f| f.name == "transport_enhancement_ratio") {
        er.value = needled / DETECTION_LIMIT_UG_PER_CM2;
        er.description = format!(
            "at least this: intact delivery is below the {DETECTION_LIMIT_UG_PER_CM2} µg/cm² detection limit, so the ratio is needled ÷ limit (docs/MODEL.md § 10)"
        );
    }
    figures.push(fig(
        "transport_intact_below_detection",
        if below { 1.0 } else { 0.0 },
        "1",
        "1 if the intact-skin delivery is below the detection limit (the enhancement ratio is then a lower bound)",
    ));
}

/// The nominal healing course (member 0, on the run's own channels) and the ensemble members
/// (their own punctures and perturbed rates), in parallel; `done` counts finished courses.
fn healing_courses(
    scenario: &ResolvedScenario,
    channels: &ChannelSet,
    members: usize,
    done: &std::sync::atomic::AtomicU64,
    effects: &[ActiveEffect],
) -> Result<Vec<(ResolvedScenario, HealingResult)>, SimError> {
    (0..members)
        .into_par_iter()
        .map(|k| {
            let s = perturbed(scenario, k as u64);
            let mut settings = s.scenario.healing.clone();
            settings.active_effects = effects.to_vec();
            let course = |ch: &ChannelSet| {
                let times = s.protocol.session_times_s();
                mnsim_healing::simulate_counting(&s.skin, ch, s.patch, &times, &settings, done)
            };
            let h = if k == 0 {
                course(channels)?
            } else {
                let p = punctures::generate(&s.device, &s.protocol, s.patch, s.seed());
                let pen = penetration::penetrate(&p, &s.device, &s.skin, s.penetration(), s.seed());
                course(&penetration::channels(&p, &pen, &s.device, &s.skin, s.penetration()))?
            };
            Ok((s, h))
        })
        .collect()
}

/// The transport run for the channels of session 1.
fn run_transport(
    scenario: &ResolvedScenario,
    channels: &ChannelSet,
    topical: &mnsim_transport::TopicalSpec,
) -> Result<mnsim_transport::TransportResult, SimError> {
    // channel resealing follows the closure model for this patient unless the scenario sets it
    let mut settings = scenario.scenario.transport.clone();
    let conditions = closure::conditions(scenario, channels);
    for (occluded, slot) in
        [(false, &mut settings.closure_half_life_open_h), (true, &mut settings.closure_half_life_occluded_h)]
    {
        if slot.is_none() {
            let c = mnsim_core::closure::ClosureConditions { occluded, ..conditions };
            let t = mnsim_core::closure::closure_times(&c).barrier_half_life_h;
            *slot = (t > 0.0).then_some(t);
        }
    }
    Ok(mnsim_transport::simulate(&scenario.skin, channels, scenario.patch, topical, &settings, 0)?)
}

/// Actives treated as depigmenting by the outcome metrics: tranexamic acid (Saleh et al. 2019),
/// ascorbic acid (Ismail et al. 2019), hydroquinone and kojic acid (tyrosinase inhibitors), and
/// niacinamide (melanosome-transfer inhibitor). Each has its own dose–response in
/// [`mnsim_outcomes::DEPIGMENTING_PD`] (same names; checked by a test).
pub const DEPIGMENTING_ACTIVES: [&str; 5] =
    ["tranexamic_acid", "ascorbic_acid", "hydroquinone", "kojic_acid", "niacinamide"];

/// The pharmacodynamics of a depigmenting active named `name` (catalogue name, alias, or a
/// free name that contains a depigmenting active's name, e.g. `tranexamic_acid_serum`).
pub fn depigmenting_pd(name: &str) -> Option<&'static mnsim_outcomes::DepigmentingPd> {
    let key = name.trim().to_ascii_lowercase().replace([' ', '-'], "_");
    mnsim_outcomes::find_pd(&key).or_else(|| mnsim_outcomes::DEPIGMENTING_PD.iter().find(|p| key.contains(p.name)))
}

/// Fallback decay rate of the basal-layer concentration after the transport run, 1/h, used when
/// the last two samples do not decay faster. Assumed ln 2 / 24 h: what is left in the skin a day
/// after the session is gone within about another day (the face is washed, the channels have
/// closed and the dermis clears small solutes within minutes).
pub const TAIL_DECAY_FLOOR_PER_H: f64 = std::f64::consts::LN_2 / 24.0;

/// Free (water-equivalent) concentration in the viable epidermis, µg/mL, of an amount per cm²
/// of skin: u = A/(h_ve·K_ve).
fn viable_epidermis_free_ug_per_ml(amount_ug_per_cm2: f64, h_ve_um: f64, k_ve: f64) -> f64 {
    (amount_ug_per_cm2 / (h_ve_um * 1e-4) / k_ve.max(1e-12)).max(0.0)
}

/// The free viable-epidermis (basal-layer) concentration course of the transport run after
/// session 1, µg/mL, with the decay rate of its tail after the last sample, 1/h (from the last
/// two samples, at least [`TAIL_DECAY_FLOOR_PER_H`]).
fn basal_free_course(t: &mnsim_transport::TransportResult, h_ve_um: f64) -> (Vec<f64>, f64) {
    let mut u: Vec<f64> = t
        .needled
        .viable_epidermis_ug_per_cm2
        .iter()
        .map(|&a| viable_epidermis_free_ug_per_ml(a, h_ve_um, t.params.k_ve))
        .collect();
    u.truncate(t.times_h.len());
    let n = u.len();
    let mut k = TAIL_DECAY_FLOOR_PER_H;
    if n >= 2 && u[n - 1] > 0.0 && u[n - 2] > u[n - 1] {
        let dt = t.times_h[n - 1] - t.times_h[n - 2];
        if dt > 0.0 {
            k = k.max((u[n - 2] / u[n - 1]).ln() / dt);
        }
    }
    (u, k)
}

/// Inhibition-days of one session's delivered active (the transport run after session 1):
/// the active's E_max over the viable-epidermis (basal-layer) concentration course, plus an
/// exponential tail after the last sample (rate from the last two samples, at least
/// [`TAIL_DECAY_FLOOR_PER_H`]).
pub fn session_inhibition_d(
    pd: &mnsim_outcomes::DepigmentingPd,
    t: &mnsim_transport::TransportResult,
    h_ve_um: f64,
) -> f64 {
    let (u, k) = basal_free_course(t, h_ve_um);
    pd.exposure_inhibition_d(&t.times_h[..u.len()], &u, k)
}

/// Whether the scenario's serum (`[topical]`) has an effect on the healing cascade
/// (`mnsim_healing::actives`).
pub fn serum_acts_on_healing(scenario: &ResolvedScenario) -> bool {
    scenario.scenario.topical.as_ref().and_then(|t| find_healing_pd(&t.name)).is_some_and(|pd| pd.acts())
}

/// What the serum applied after each session does to the cascade: one window per session,
/// from the session over the transport run plus one time constant of its tail (at least a
/// day), holding the mean gains of the exposure, ∫ g(u(t)) dt / window, u the basal-layer
/// concentration course of the run after session 1 (taken as the same for every session, as
/// for the depigmenting dose).
pub fn serum_effects(scenario: &ResolvedScenario, t: &mnsim_transport::TransportResult) -> Vec<ActiveEffect> {
    let Some(pd) = find_healing_pd(&t.active).filter(|pd| pd.acts()) else {
        return Vec::new();
    };
    let (u, k) = basal_free_course(t, scenario.skin.layers.viable_epidermis_um);
    let times = &t.times_h[..u.len()];
    let window_d = ((times.last().copied().unwrap_or(0.0) + 1.0 / k) / 24.0).max(1.0);
    // ∫ g(u(t)) dt over the samples and the exponential tail; g over an endogenous level is not
    // an E_max model of u, so the tail is by quadrature (`pharmacodynamics::decay_tail_h`)
    let u_end = u.last().copied().unwrap_or(0.0);
    let mean_gain = |gain: fn(ActiveGains) -> f64| {
        let g = |x: f64| gain(pd.gains(x));
        (effect_area_h(times, &u, g) + decay_tail_h(u_end, k, g)) / 24.0 / window_d
    };
    let gains = ActiveGains {
        collagen_synthesis: mean_gain(|g| g.collagen_synthesis),
        keratinocyte: mean_gain(|g| g.keratinocyte),
    };
    scenario
        .protocol
        .session_times_s()
        .iter()
        .map(|&ts| {
            let from_d = ts / 86_400.0;
            ActiveEffect { from_d, to_d: from_d + window_d, gains }
        })
        .collect()
}

/// What the daily home topical (`[home_care]`) does to the cascade: its steady basal-layer
/// concentration's gains over [from_day, to_day] (to the end of follow-up when open).
pub fn home_care_effects(scenario: &ResolvedScenario) -> Vec<ActiveEffect> {
    match (&scenario.scenario.home_care, home_care_healing(scenario)) {
        (Some(h), Some((pd, dose))) if pd.acts() => vec![ActiveEffect {
            from_d: h.from_day,
            to_d: h.to_day.unwrap_or(HOME_CARE_OPEN_END_D),
            gains: pd.gains(dose.basal_free_ug_per_ml),
        }],
        _ => Vec::new(),
    }
}

/// The home topical's healing pharmacodynamics and its dose, when the healing table holds it.
fn home_care_healing(scenario: &ResolvedScenario) -> Option<(&'static HealingPd, HomeCareDose)> {
    let h = scenario.scenario.home_care.as_ref()?;
    Some((find_healing_pd(&h.name)?, home_care_dose(h, scenario.skin.layers.viable_epidermis_um)?))
}

/// Figures of what the serum and the home topical do to the cascade: the serum's (`serum`, one
/// window per session) only when it acts (a cohort drops the transport of any other serum, so
/// its figures must not depend on it); the home topical's for any active the healing table holds (a zero says "held, and has
/// no effect", as for hyaluronic acid).
fn active_figures(scenario: &ResolvedScenario, serum: &[ActiveEffect], figures: &mut Vec<Figure>) {
    let pct = |x: f64| 100.0 * x;
    if let Some(e) = serum.first() {
        let (g, w) = (e.gains, e.to_d - e.from_d);
        figures.push(fig(
            "serum_collagen_synthesis_gain_pct",
            pct(g.collagen_synthesis),
            "%",
            "rise of papillary fibroblast collagen synthesis held over the serum's window after each session (docs/model/healing.md § 10)",
        ));
        figures.push(fig(
            "serum_keratinocyte_gain_pct",
            pct(g.keratinocyte),
            "%",
            "rise of the keratinocyte proliferation target held over the serum's window after each session",
        ));
        figures.push(fig(
            "serum_effect_window_d",
            w,
            "d",
            "how long each session's serum effect is held (0: no effect)",
        ));
    }
    if let Some((pd, dose)) = home_care_healing(scenario) {
        let g = pd.gains(dose.basal_free_ug_per_ml);
        figures.push(fig(
            "home_care_basal_free_ug_per_ml",
            dose.basal_free_ug_per_ml,
            "µg/mL",
            "steady free concentration of the home topical at the basal layer",
        ));
        figures.push(fig(
            "home_care_collagen_synthesis_gain_pct",
            pct(g.collagen_synthesis),
            "%",
            "rise of papillary fibroblast collagen synthesis while the home topical is used (docs/model/healing.md § 10)",
        ));
        figures.push(fig(
            "home_care_keratinocyte_gain_pct",
            pct(g.keratinocyte),
            "%",
            "rise of the keratinocyte proliferation target while the home topical is used",
        ));
    }
}

/// End of a home regimen with no `to_day`, d: later than any course (the scenario caps
/// follow-up at 3650 d).
const HOME_CARE_OPEN_END_D: f64 = 1e5;

/// Uptake and basal-layer concentration of a daily home topical through intact skin.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct HomeCareDose {
    /// Intact-skin permeability of the active, cm/h (the transport model's kp).
    pub kp_cm_per_h: f64,
    /// Amount taken up through the stratum corneum per day, µg/cm².
    pub daily_dose_ug_per_cm2: f64,
    /// Steady free concentration in the viable epidermis (basal layer), µg/mL.
    pub basal_free_ug_per_ml: f64,
    /// Steady inhibition of melanogenesis (0 for an active that is not depigmenting).
    pub inhibition: f64,
}

/// The daily dose of a home topical and the basal-layer concentration it holds (`None` for a
/// name outside the transport catalogue).
///
/// Each application leaves `amount_mg_per_cm2` of product on for 24 h / applications; the
/// uptake of one application is kp·C·t_res (infinite-dose flux through intact skin, kp from
/// the transport model for this active), at most the applied amount. The mean flux J = daily
/// dose / 24 h crosses the viable epidermis (no clearance there) into a dermis that clears at
/// λ: a steady state with c(DEJ) = J/√(D_de·λ) and a linear profile through the viable
/// epidermis, so the mean viable-epidermis concentration is J·(1/√(D_de·λ) + h_ve/(2·D_ve)),
/// free concentration that over K_ve.
pub fn home_care_dose(h: &mnsim_scenario::schema::HomeCareSpec, h_ve_um: f64) -> Option<HomeCareDose> {
    // the scenario's validation already rejected a name outside the catalogue
    let active = mnsim_transport::catalogue::find(&h.name)?;
    let ph = h.vehicle_ph.unwrap_or(mnsim_transport::spec::DEFAULT_VEHICLE_PH);
    let p = mnsim_transport::physchem::TransportParams::from_physchem(&active.physchem_at_ph(ph), None);
    let kp = 10f64.powf(p.log_kp_intact_cm_per_h);
    let apps = f64::from(h.applications_per_day.max(1));
    let t_res_h = 24.0 / apps;
    // mg/mL × cm/h × h = mg/cm²; ×1000 → µg/cm²
    let per_app = (kp * h.concentration_mg_per_ml * t_res_h).min(h.amount_mg_per_cm2 * h.concentration_mg_per_ml) * 1e3;
    let daily = apps * per_app;
    let j = daily / 86_400.0; // µg·cm⁻²·s⁻¹
    let d_de = p.d_de_um2_per_s * 1e-8; // cm²/s
    let d_ve = p.d_ve_um2_per_s * 1e-8;
    let lam = p.clearance_per_s.max(1e-12);
    let c_mean = j * (1.0 / (d_de * lam).sqrt() + h_ve_um * 1e-4 / (2.0 * d_ve)); // µg/cm³
    let u = (c_mean / p.k_ve.max(1e-12)).max(0.0);
    let inhibition = depigmenting_pd(active.name).map_or(0.0, |pd| pd.inhibition(u));
    Some(HomeCareDose { kp_cm_per_h: kp, daily_dose_ug_per_cm2: daily, basal_free_ug_per_ml: u, inhibition })
}

/// What delivery means to the outcomes: the depigmenting active delivered past the stratum
/// corneum by the transport run after session 1 (taken as the same for every session; the
/// model runs transport once) and, when the active has a dose–response, its inhibition-days
/// per session from the viable-epidermis concentration course; plus the home topical's steady
/// inhibition and the indication's home regimen.
fn delivery(
    scenario: &ResolvedScenario,
    transport: Option<&mnsim_transport::TransportResult>,
) -> mnsim_outcomes::DeliverySummary {
    let ind = &scenario.scenario.indication;
    let n = scenario.protocol.sessions.len();
    let h_ve = scenario.skin.layers.viable_epidermis_um;
    let depig = transport.and_then(|t| depigmenting_pd(&t.active).map(|pd| (t, pd)));
    let mut d = mnsim_outcomes::DeliverySummary {
        depigmenting_active: depig.map(|(t, _)| t.active.clone()),
        depigmenting_amount_ug_per_cm2: depig
            .map(|(t, _)| vec![t.needled.delivered_ug_per_cm2.last().copied().unwrap_or(0.0).max(0.0); n])
            .unwrap_or_default(),
        home_depigmenting_inhibition: ind.home_depigmenting_inhibition,
        ..Default::default()
    };
    if let Some((t, pd)) = depig {
        d.session_inhibition_d = vec![session_inhibition_d(pd, t, h_ve).clamp(0.0, 365.0); n];
        d.session_effect_window_d = pd.offset_d.max(1.0);
    }
    if let Some(h) = &scenario.scenario.home_care
        && let Some(dose) = home_care_dose(h, h_ve)
    {
        d.home_active_inhibition = dose.inhibition.clamp(0.0, 0.99);
        d.home_active_from_day = h.from_day;
        d.home_active_to_day = h.to_day;
    }
    d
}

/// Lower quantile of the reported ensemble interval.
pub const ENSEMBLE_LO_Q: f64 = 0.05;
/// Upper quantile of the reported ensemble interval.
pub const ENSEMBLE_HI_Q: f64 = 0.95;

/// The uncertain parameters an ensemble member perturbs, multiplicatively and log-normally with
/// CV `simulation.parameter_cv`: collagen and elastin synthesis, collagen III→I conversion
/// (healing), and the drag loss of penetration. Each member also has its own jitter seed.
pub fn perturbed(scenario: &ResolvedScenario, member: u64) -> ResolvedScenario {
    use mnsim_core::rng::{Stream, gaussian, stream};
    let mut s = scenario.clone();
    if member == 0 {
        return s;
    }
    let cv = scenario.scenario.simulation.parameter_cv;
    let sigma = (1.0 + cv * cv).ln().sqrt();
    let mut rng = stream(scenario.seed().wrapping_add(member), Stream::Ensemble);
    let mut factor = || (sigma * gaussian(&mut rng) - 0.5 * sigma * sigma).exp();
    let r = &mut s.scenario.healing.rates;
    r.col_synth_per_d *= factor();
    r.elastin_synth_per_d *= factor();
    r.col3_to_col1_per_d *= factor();
    let pen = &mut s.scenario.penetration;
    pen.drag_loss_quasistatic = (pen.drag_loss_quasistatic * factor()).min(0.99);
    s.scenario.simulation.seed = scenario.seed().wrapping_add(member);
    s
}

/// The outcome metrics' view of a run: the healing model's patch-averaged courses, rescaled to
/// the outcome conventions (`_rel` = 1 at baseline, thicknesses in µm), plus the indication.
///
/// Inflammation: the healing model's erythema index E (papillary dermis) is scaled so that its
/// downtime threshold maps onto the outcome metrics' visible-erythema threshold, so the two
/// models agree on when redness is visible.
pub fn outcome_inputs(
    scenario: &ResolvedScenario,
    healing: &HealingResult,
    transport: Option<&mnsim_transport::TransportResult>,
) -> mnsim_outcomes::OutcomeInputs {
    let tc = &healing.time_courses;
    let get = |var: &str| -> Vec<f64> {
        tc.get(var, "patch")
            .or_else(|| tc.series.iter().find(|s| s.variable == var).map(|s| s.values.as_slice()))
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
    let col_total0 = get("collagen_total").first().copied().filter(|b| *b > 0.0).unwrap_or(1.0);
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
        session_days: scenario.protocol.session_times_s().iter().map(|t| t / mnsim_core::units::S_PER_DAY).collect(),
        collagen_i_rel: rel(get("collagen_i")),
        collagen_iii_rel: rel(get("collagen_iii")),
        elastin_rel: rel(get("elastin")),
        new_collagen_rel: Some(new_total.iter().map(|x| (x / col_total0).max(0.0)).collect()),
        dermal_thickness_um: rel(get("dermal_thickness")).into_iter().map(|r| r * skin.layers.dermis_um()).collect(),
        epidermal_thickness_um: rel(get("epidermal_thickness"))
            .into_iter()
            .map(|r| r * skin.layers.epidermis_um())
            .collect(),
        barrier_integrity: get("barrier_function").into_iter().map(|b| b.clamp(0.0, 1.0)).collect(),
        inflammation_rel: get("erythema_index").into_iter().map(|e| (e * infl_scale).clamp(0.0, 100.0)).collect(),
        melanin_rel: rel(get("basal_melanin")),
    };
    mnsim_outcomes::OutcomeInputs {
        course,
        delivery: delivery(scenario, transport),
        patient: mnsim_outcomes::Patient {
            age_y: skin.age_y,
            fitzpatrick: scenario.scenario.patient.fitzpatrick,
            site: skin.site.clone(),
            wrinkle_depth_um: ind.wrinkle_depth_um,
            roughness_ra_um: ind.roughness_ra_um,
            laxity_grade: ind.laxity_grade,
            texture_grade: ind.texture_grade,
        },
        scar: ind.scar,
        striae: ind.striae,
        pigment: ind.pigment,
    }
}

/// The unit symbols of results.json: the healing and outcome crates write ASCII (`um`,
/// `g/m2/h`), the results use µm and superscripts.
fn unit_symbol(unit: String) -> String {
    match unit.as_str() {
        "um" => "µm".to_string(),
        "g/m2/h" => "g/m²/h".to_string(),
        _ => unit,
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
        "tropoelastin_pct" => "new elastin not yet assembled into mature fibres, % of baseline elastin",
        _ => "healing model figure",
    };
    format!("{what}{when}")
}

#[cfg(test)]
mod tests {

    #[test]
    fn an_undetectable_intact_delivery_bounds_the_enhancement_ratio() {
        let figs = |intact: f64| {
            let mut f = vec![
                fig("transport_delivered_intact_ug_per_cm2", intact, "µg/cm²", ""),
                fig("transport_delivered_needled_ug_per_cm2", 5.0, "µg/cm²", ""),
                fig("transport_enhancement_ratio", 5.0 / intact, "1", ""),
            ];
            bound_enhancement_by_detection(&mut f);
            (f[2].value, f[3].value)
        };
        // 1e-12 µg/cm² intact would give 5e12; the report says "at least 500" instead
        assert_eq!(figs(1e-12), (5.0 / DETECTION_LIMIT_UG_PER_CM2, 1.0));
        // a measurable intact delivery keeps its ratio
        assert_eq!(figs(0.5), (10.0, 0.0));
    }
    use super::*;

    #[test]
    fn default_run_is_deterministic_and_finite() {
        // the default scenario, its ensemble and application-window runs included, on 20 µm
        // lateral transport cells (the test binary 57 → 35 s here; determinism does not depend
        // on the cell size)
        let edits = [mnsim_scenario::Edit::Set("transport.lateral_resolution_um".into(), toml::Value::Integer(20))];
        let s = mnsim_scenario::parse_with(mnsim_scenario::default_toml(), "default", &edits).unwrap();
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
