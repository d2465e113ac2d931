//! What a healing run returns: time courses (per layer and patch-averaged) of every state
//! variable and of the derived indices, maps of new collagen, per-session figures and the
//! headline summary.

use crate::integrator::SolverStats;
use serde::{Deserialize, Serialize};

/// One time series: a variable in a region, sampled at [`TimeCourses::t_d`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// Variable name (`collagen_i`, `tewl`, …).
    pub variable: String,
    /// Region: a layer name (`viable_epidermis`, `papillary_dermis`, `reticular_dermis`,
    /// `subcutis`) or `patch` (volume-weighted over the layers where the variable lives:
    /// epidermis for epidermal variables, dermis for matrix/fibroblast/vessel variables,
    /// epidermis + dermis for the rest).
    pub region: String,
    /// Unit of the values.
    pub unit: String,
    /// Values, one per time.
    pub values: Vec<f64>,
}

/// Time courses in columnar form (compact to serialise); [`TimeCourses::tidy`] gives one row
/// per time × region × variable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TimeCourses {
    /// Sample times, days since the start of the course (the first session's time is the
    /// `session_times_s[0]` given to [`crate::simulate`]).
    pub t_d: Vec<f64>,
    /// All series.
    pub series: Vec<Series>,
}

/// One tidy row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TidyRow {
    /// Time, days since course start.
    pub t_d: f64,
    /// Region (layer name or `patch`).
    pub region: String,
    /// Variable.
    pub variable: String,
    /// Value.
    pub value: f64,
    /// Unit.
    pub unit: String,
    /// Which of the two samples at a session time this is: [`Phase::BeforeSession`] (the state
    /// just before the session's injury), [`Phase::AfterSession`] (just after it), or
    /// [`Phase::Course`] for every other time, so that (time, region, variable, phase) is a key.
    pub phase: Phase,
}

/// Phase of a sample relative to a session at the same time ([`TidyRow::phase`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// A time with one sample.
    Course,
    /// The sample just before a session's injury at this time.
    BeforeSession,
    /// The sample just after it.
    AfterSession,
}

impl Phase {
    /// Snake-case name (as in the CSV).
    pub fn name(self) -> &'static str {
        match self {
            Phase::Course => "course",
            Phase::BeforeSession => "before_session",
            Phase::AfterSession => "after_session",
        }
    }
}

impl TimeCourses {
    /// One row per time × region × variable.
    pub fn tidy(&self) -> Vec<TidyRow> {
        let phases = self.phases();
        let mut rows = Vec::with_capacity(self.t_d.len() * self.series.len());
        for s in &self.series {
            for ((t, v), phase) in self.t_d.iter().zip(&s.values).zip(&phases) {
                rows.push(TidyRow {
                    t_d: *t,
                    region: s.region.clone(),
                    variable: s.variable.clone(),
                    value: *v,
                    unit: s.unit.clone(),
                    phase: *phase,
                });
            }
        }
        rows
    }

    /// Phase of each sample time: the recorder samples a session time twice, just before and
    /// just after the injury, and every other time once.
    pub fn phases(&self) -> Vec<Phase> {
        let t = &self.t_d;
        (0..t.len())
            .map(|i| {
                if i + 1 < t.len() && t[i + 1] == t[i] {
                    Phase::BeforeSession
                } else if i > 0 && t[i - 1] == t[i] {
                    Phase::AfterSession
                } else {
                    Phase::Course
                }
            })
            .collect()
    }

    /// The series of `variable` in `region`, if recorded.
    pub fn get(&self, variable: &str, region: &str) -> Option<&[f64]> {
        self.series.iter().find(|s| s.variable == variable && s.region == region).map(|s| s.values.as_slice())
    }
}

/// Map of new collagen at one time: a 2-D array over the patch columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CollagenMap {
    /// Time, days since course start.
    pub t_d: f64,
    /// Column width along x, µm.
    pub dx_um: f64,
    /// Column width along y, µm.
    pub dy_um: f64,
    /// `values[iy][ix]`: new collagen in the dermis of that column expressed as the dermal
    /// thickness it adds, µm (Σ_k Δz_k · collagen_new_k · collagen share of matrix).
    pub values_um: Vec<Vec<f64>>,
}

/// Figures of one session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionFigures {
    /// Session index (0-based).
    pub session: usize,
    /// Session time, days since course start.
    pub t_d: f64,
    /// Channels that pierced.
    pub n_channels: usize,
    /// Channels deeper than the superficial plexus (pinpoint bleeding).
    pub n_bleeding: usize,
    /// Dermal volume fraction injured, %.
    pub injured_dermis_pct: f64,
    /// Time to re-epithelialise (open epidermal area < 5 % of its post-puncture value), h.
    pub reepithelialisation_h: f64,
    /// Time until TEWL excess is back below 10 % of its peak, h.
    pub barrier_recovery_h: f64,
    /// Peak TEWL, g·m⁻²·h⁻¹.
    pub tewl_peak_g_m2_h: f64,
    /// Duration of visible inflammation (erythema index above the downtime threshold), days.
    pub downtime_d: f64,
    /// Duration of measurable erythema, days.
    pub erythema_d: f64,
    /// Dermal collagen change vs the pre-course baseline at the end of this session's window
    /// (just before the next session, or end of follow-up), %.
    pub collagen_change_pct: f64,
    /// Collagen I change at the end of the window, %.
    pub collagen_i_change_pct: f64,
    /// Collagen III change at the end of the window, %.
    pub collagen_iii_change_pct: f64,
    /// Elastin change at the end of the window, %.
    pub elastin_change_pct: f64,
    /// Dermal thickness change at the end of the window, %.
    pub dermal_thickness_change_pct: f64,
    /// True if a recovery time was cut short by the next session or the end of the run (the
    /// value is then the time available, a lower bound).
    pub censored: bool,
}

/// Peak times after the first session (patch averages), days after that session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PeakTimes {
    /// Neutrophils.
    pub neutrophils_d: f64,
    /// Macrophages (M1 + M2).
    pub macrophages_d: f64,
    /// PDGF.
    pub pdgf_d: f64,
    /// TGF-β.
    pub tgf_beta_d: f64,
    /// VEGF.
    pub vegf_d: f64,
    /// MMP activity.
    pub mmp_d: f64,
    /// Fibroblasts.
    pub fibroblasts_d: f64,
    /// Myofibroblasts.
    pub myofibroblasts_d: f64,
    /// Capillary density.
    pub capillaries_d: f64,
    /// Collagen III gained since the session (peak of the gain).
    pub collagen_iii_gain_d: f64,
    /// Collagen I gained since the session.
    pub collagen_i_gain_d: f64,
    /// Myofibroblasts fall to 10 % of their peak (days after the session).
    pub myofibroblasts_10pct_d: f64,
    /// Capillary excess falls to 10 % of its peak.
    pub capillaries_10pct_d: f64,
    /// Peak capillary density in the most injured cell, relative to homeostasis.
    pub capillaries_peak_local_rel: f64,
    /// Collagen III share of total collagen in the most injured cell at its maximum, %.
    pub collagen_iii_share_local_max_pct: f64,
    /// Day at which new collagen made after the session is type-I dominated again in the most
    /// injured cell (gain of I exceeds gain of III).
    pub collagen_i_dominant_local_d: f64,
}

/// Headline figures of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Summary {
    /// Dermal collagen (I + III) change at the end of follow-up, %.
    pub collagen_change_pct: f64,
    /// Collagen I change at the end, %.
    pub collagen_i_change_pct: f64,
    /// Collagen III change at the end, %.
    pub collagen_iii_change_pct: f64,
    /// Elastin change at the end, %.
    pub elastin_change_pct: f64,
    /// Dermal thickness change at the end, %.
    pub dermal_thickness_change_pct: f64,
    /// Papillary-dermis collagen change at the end, %.
    pub papillary_collagen_change_pct: f64,
    /// Re-epithelialisation time of the first session, h.
    pub reepithelialisation_h: f64,
    /// Downtime (visible inflammation) of the first session, days.
    pub downtime_d: f64,
    /// Erythema duration of the first session, days.
    pub erythema_d: f64,
    /// Barrier (TEWL) recovery time of the first session, h.
    pub barrier_recovery_h: f64,
    /// Peak TEWL after the first session, g·m⁻²·h⁻¹.
    pub tewl_peak_g_m2_h: f64,
    /// Peak dermal capillary density change over the run, %.
    pub capillary_density_peak_change_pct: f64,
    /// Dermal capillary density change at the end, %.
    pub capillary_density_change_pct: f64,
    /// Basal melanin index change at the end, %.
    pub melanin_index_change_pct: f64,
    /// Viable-epidermis thickness change at the end, %.
    pub epidermal_thickness_change_pct: f64,
    /// New collagen (made during the course, still present) at the end, as dermal thickness, µm.
    pub new_collagen_um: f64,
    /// Wound-induced elastin not yet assembled into mature fibres at the end (tropoelastin and
    /// fibres still assembling: what tropoelastin immunostaining sees beside the elastic-fibre
    /// stain of `elastin_change_pct`), % of homeostatic elastin.
    #[serde(default)]
    pub tropoelastin_pct: f64,
}

/// Everything a healing run returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealingResult {
    /// Time courses (per layer and patch) of every state variable and derived index.
    pub time_courses: TimeCourses,
    /// Maps of new collagen at the requested times.
    pub maps: Vec<CollagenMap>,
    /// Figures per session.
    pub sessions: Vec<SessionFigures>,
    /// Peak times after the first session.
    pub peaks: PeakTimes,
    /// Headline figures.
    pub headline: Summary,
    /// Grid size: columns along x, y and cells per column.
    pub grid_shape: [usize; 3],
    /// Simulated time, days.
    pub simulated_d: f64,
    /// Integrator work.
    pub stats: SolverStats,
}

impl HealingResult {
    /// Headline figures as (name, value, unit) for `results.json`, including per-session values
    /// (`…_session_N`, 1-based).
    pub fn summary(&self) -> Vec<(String, f64, String)> {
        let h = &self.headline;
        let mut v: Vec<(String, f64, String)> = [
            ("collagen_change_pct", h.collagen_change_pct, "%"),
            ("collagen_I_change_pct", h.collagen_i_change_pct, "%"),
            ("collagen_III_change_pct", h.collagen_iii_change_pct, "%"),
            ("elastin_change_pct", h.elastin_change_pct, "%"),
            ("dermal_thickness_change_pct", h.dermal_thickness_change_pct, "%"),
            ("papillary_collagen_change_pct", h.papillary_collagen_change_pct, "%"),
            ("reepithelialisation_h", h.reepithelialisation_h, "h"),
            ("downtime_d", h.downtime_d, "d"),
            ("erythema_d", h.erythema_d, "d"),
            ("barrier_recovery_h", h.barrier_recovery_h, "h"),
            ("tewl_peak_g_m2_h", h.tewl_peak_g_m2_h, "g/m2/h"),
            ("capillary_density_peak_change_pct", h.capillary_density_peak_change_pct, "%"),
            ("capillary_density_change_pct", h.capillary_density_change_pct, "%"),
            ("melanin_index_change_pct", h.melanin_index_change_pct, "%"),
            ("epidermal_thickness_change_pct", h.epidermal_thickness_change_pct, "%"),
            ("new_collagen_um", h.new_collagen_um, "um"),
            ("tropoelastin_pct", h.tropoelastin_pct, "%"),
        ]
        .into_iter()
        .map(|(a, b, c)| (a.to_string(), b, c.to_string()))
        .collect();
        for s in &self.sessions {
            let k = s.session + 1;
            for (name, val, unit) in [
                ("collagen_change_pct", s.collagen_change_pct, "%"),
                ("collagen_I_change_pct", s.collagen_i_change_pct, "%"),
                ("collagen_III_change_pct", s.collagen_iii_change_pct, "%"),
                ("elastin_change_pct", s.elastin_change_pct, "%"),
                ("dermal_thickness_change_pct", s.dermal_thickness_change_pct, "%"),
                ("reepithelialisation_h", s.reepithelialisation_h, "h"),
                ("downtime_d", s.downtime_d, "d"),
                ("barrier_recovery_h", s.barrier_recovery_h, "h"),
            ] {
                v.push((format!("{name}_session_{k}"), val, unit.to_string()));
            }
        }
        v
    }
}
