//! Inputs of the outcome metrics: plain, documented, serde-serialisable structs, decoupled from
//! the healing and transport crates. The integrator fills them from those crates' results.
//!
//! Conventions: `_rel` = relative to the patient's own baseline (1 at baseline); times in days
//! from the start of the simulation; thicknesses in µm.

use crate::error::{OutcomeError, check, check_pos};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Largest relative value accepted for a `_rel` series (a hundred-fold change is far outside
/// anything a course of needling does; larger values indicate a unit error upstream).
pub const MAX_REL: f64 = 100.0;
/// Largest layer thickness accepted, µm (the thickest dermis in the reference is ≈ 6 mm).
pub const MAX_THICKNESS_UM: f64 = 20_000.0;

/// The simulated tissue trajectory of the treated patch (area averages over the patch).
///
/// Every series has one value per entry of `times_d`. The first time point is the baseline
/// (at or before the first session).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TissueCourse {
    /// Sample times, days from the start; strictly increasing, ≥ 0, at least 2.
    pub times_d: Vec<f64>,
    /// Session times, days; sorted, inside `[times_d[0], times_d[last]]`; may be empty.
    pub session_days: Vec<f64>,
    /// Dermal collagen type I, relative to baseline (> 0).
    pub collagen_i_rel: Vec<f64>,
    /// Dermal collagen type III, relative to baseline (≥ 0).
    pub collagen_iii_rel: Vec<f64>,
    /// Dermal elastin (elastic-fibre content), relative to baseline (≥ 0).
    pub elastin_rel: Vec<f64>,
    /// Collagen laid down since the first session, as a fraction of the baseline total
    /// collagen (≥ 0). Optional: when absent it is estimated from the net gain (see
    /// [`crate::matrix`]).
    #[serde(default)]
    pub new_collagen_rel: Option<Vec<f64>>,
    /// Dermal thickness (true, in-vivo), µm (> 0).
    pub dermal_thickness_um: Vec<f64>,
    /// Viable-epidermis + stratum corneum thickness (true, in-vivo), µm (> 0).
    pub epidermal_thickness_um: Vec<f64>,
    /// Stratum-corneum barrier integrity, 0 (fully open) to 1 (intact).
    pub barrier_integrity: Vec<f64>,
    /// Vasodilating inflammation, area average, 0 at rest; 1 = the whole patch as inflamed as
    /// an acute wound bed (≥ 0, ≤ 100).
    pub inflammation_rel: Vec<f64>,
    /// Basal-layer melanin production/content of the patch relative to baseline, as the
    /// healing model gives it (turnover and post-inflammatory stimulation), (> 0).
    pub melanin_rel: Vec<f64>,
}

impl TissueCourse {
    /// A course in which nothing changes: every series at its baseline, at the given times.
    pub fn unchanged(
        times_d: Vec<f64>,
        session_days: Vec<f64>,
        dermal_thickness_um: f64,
        epidermal_thickness_um: f64,
    ) -> Self {
        let n = times_d.len();
        Self {
            times_d,
            session_days,
            collagen_i_rel: vec![1.0; n],
            collagen_iii_rel: vec![1.0; n],
            elastin_rel: vec![1.0; n],
            new_collagen_rel: None,
            dermal_thickness_um: vec![dermal_thickness_um; n],
            epidermal_thickness_um: vec![epidermal_thickness_um; n],
            barrier_integrity: vec![1.0; n],
            inflammation_rel: vec![0.0; n],
            melanin_rel: vec![1.0; n],
        }
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.times_d.len()
    }

    /// True when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.times_d.is_empty()
    }

    /// Check lengths, order and ranges; the first error names field, value and allowed range.
    pub fn validate(&self) -> Result<(), OutcomeError> {
        let n = self.times_d.len();
        if n < 2 {
            return Err(OutcomeError::BadTimes {
                field: "times_d",
                reason: format!("needs at least 2 time points, has {n}"),
            });
        }
        for (i, &t) in self.times_d.iter().enumerate() {
            check(format!("times_d[{i}]"), t, 0.0, 1.0e5, "[0, 100000] d")?;
        }
        if let Some(i) = self.times_d.windows(2).position(|w| w[1] <= w[0]) {
            return Err(OutcomeError::BadTimes {
                field: "times_d",
                reason: format!(
                    "must increase strictly; times_d[{}] = {} is not after times_d[{i}] = {}",
                    i + 1,
                    self.times_d[i + 1],
                    self.times_d[i]
                ),
            });
        }
        let (t0, t1) = (self.times_d[0], self.times_d[n - 1]);
        for (i, &s) in self.session_days.iter().enumerate() {
            if !(s.is_finite() && s >= t0 && s <= t1) {
                return Err(OutcomeError::OutOfRange {
                    field: format!("session_days[{i}]"),
                    value: s,
                    allowed: "[times_d[0], times_d[last]]",
                });
            }
        }
        if self.session_days.windows(2).any(|w| w[1] < w[0]) {
            return Err(OutcomeError::BadTimes { field: "session_days", reason: "must be sorted".into() });
        }
        type Rule = (&'static str, f64, f64, bool, &'static str);
        let series: [(&Vec<f64>, Rule); 9] = [
            (&self.collagen_i_rel, ("collagen_i_rel", 0.0, MAX_REL, true, "(0, 100]")),
            (&self.collagen_iii_rel, ("collagen_iii_rel", 0.0, MAX_REL, false, "[0, 100]")),
            (&self.elastin_rel, ("elastin_rel", 0.0, MAX_REL, false, "[0, 100]")),
            (&self.dermal_thickness_um, ("dermal_thickness_um", 0.0, MAX_THICKNESS_UM, true, "(0, 20000] µm")),
            (&self.epidermal_thickness_um, ("epidermal_thickness_um", 0.0, MAX_THICKNESS_UM, true, "(0, 20000] µm")),
            (&self.barrier_integrity, ("barrier_integrity", 0.0, 1.0, false, "[0, 1]")),
            (&self.inflammation_rel, ("inflammation_rel", 0.0, MAX_REL, false, "[0, 100]")),
            (&self.melanin_rel, ("melanin_rel", 0.0, MAX_REL, true, "(0, 100]")),
            (
                self.new_collagen_rel.as_ref().unwrap_or(&self.collagen_i_rel),
                ("new_collagen_rel", 0.0, MAX_REL, false, "[0, 100]"),
            ),
        ];
        for (v, (name, lo, hi, strict, allowed)) in series {
            if v.len() != n {
                return Err(OutcomeError::LengthMismatch { field: name, len: v.len(), expected: n });
            }
            for (i, &x) in v.iter().enumerate() {
                if strict {
                    check_pos(format!("{name}[{i}]"), x, hi, allowed)?;
                } else {
                    check(format!("{name}[{i}]"), x, lo, hi, allowed)?;
                }
            }
        }
        Ok(())
    }
}

/// What the transport stage delivered that matters to outcomes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliverySummary {
    /// Name of the depigmenting active (e.g. `tranexamic_acid`), for the report.
    #[serde(default)]
    pub depigmenting_active: Option<String>,
    /// Amount of the depigmenting active that reached the viable epidermis / basal layer at
    /// each session, µg·cm⁻² (one value per session, or empty for none).
    #[serde(default)]
    pub depigmenting_amount_ug_per_cm2: Vec<f64>,
    /// Fractional inhibition of lesional melanogenesis by a daily home regimen over the whole
    /// course (0 none … <1), e.g. [`crate::pigment::TRIPLE_COMBINATION_INHIBITION`].
    #[serde(default)]
    pub home_depigmenting_inhibition: f64,
    /// Inhibition-days of each session's delivered active, ∫ I(u(t)) dt from the active's
    /// pharmacodynamics ([`crate::actives`]) over the basal-layer concentration course, d (one
    /// per session, or empty: then the amount-based `depigmenting_amount_ug_per_cm2` rule of
    /// [`crate::OutcomeParams`] applies).
    #[serde(default)]
    pub session_inhibition_d: Vec<f64>,
    /// Window over which one session's inhibition-days are spread, d (the active's effect
    /// offset, at least 1 d; widened so that the inhibition stays below 0.99). (0, 365].
    #[serde(default = "d_window")]
    pub session_effect_window_d: f64,
    /// Steady inhibition of lesional melanogenesis by a daily home topical (the scenario's
    /// `[home_care]`, through intact skin), [0, 0.99], from `home_active_from_day` to
    /// `home_active_to_day`.
    #[serde(default)]
    pub home_active_inhibition: f64,
    /// First day of the home topical, d from the first session.
    #[serde(default)]
    pub home_active_from_day: f64,
    /// Last day of the home topical (absent: to the end of the course).
    #[serde(default)]
    pub home_active_to_day: Option<f64>,
}

fn d_window() -> f64 {
    1.0
}

impl Default for DeliverySummary {
    fn default() -> Self {
        DeliverySummary {
            depigmenting_active: None,
            depigmenting_amount_ug_per_cm2: vec![],
            home_depigmenting_inhibition: 0.0,
            session_inhibition_d: vec![],
            session_effect_window_d: d_window(),
            home_active_inhibition: 0.0,
            home_active_from_day: 0.0,
            home_active_to_day: None,
        }
    }
}

impl DeliverySummary {
    /// Check ranges; `n_sessions` is the number of sessions of the course.
    pub fn validate(&self, n_sessions: usize) -> Result<(), OutcomeError> {
        if !self.depigmenting_amount_ug_per_cm2.is_empty() && self.depigmenting_amount_ug_per_cm2.len() != n_sessions {
            return Err(OutcomeError::LengthMismatch {
                field: "depigmenting_amount_ug_per_cm2 (one per session; session_days)",
                len: self.depigmenting_amount_ug_per_cm2.len(),
                expected: n_sessions,
            });
        }
        for (i, &a) in self.depigmenting_amount_ug_per_cm2.iter().enumerate() {
            check(format!("depigmenting_amount_ug_per_cm2[{i}]"), a, 0.0, 1.0e6, "[0, 1e6] µg/cm²")?;
        }
        check("home_depigmenting_inhibition", self.home_depigmenting_inhibition, 0.0, 0.99, "[0, 0.99]")?;
        if !self.session_inhibition_d.is_empty() && self.session_inhibition_d.len() != n_sessions {
            return Err(OutcomeError::LengthMismatch {
                field: "session_inhibition_d (one per session; session_days)",
                len: self.session_inhibition_d.len(),
                expected: n_sessions,
            });
        }
        for (i, &a) in self.session_inhibition_d.iter().enumerate() {
            check(format!("session_inhibition_d[{i}]"), a, 0.0, 365.0, "[0, 365] d")?;
        }
        check_pos("session_effect_window_d", self.session_effect_window_d, 365.0, "(0, 365] d")?;
        check("home_active_inhibition", self.home_active_inhibition, 0.0, 0.99, "[0, 0.99]")?;
        check("home_active_from_day", self.home_active_from_day, 0.0, 1.0e5, "[0, 1e5] d")?;
        if let Some(t) = self.home_active_to_day {
            check("home_active_to_day", t, self.home_active_from_day, 1.0e5, "[home_active_from_day, 1e5] d")?;
        }
        Ok(())
    }
}

/// Who is treated, where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Patient {
    /// Age, years (sets the baseline suction-test elasticity).
    pub age_y: f64,
    /// Fitzpatrick skin type, 1–6 (sets baseline skin lightness L*).
    pub fitzpatrick: u8,
    /// Body site name (for the report's sentences).
    pub site: String,
    /// Baseline depth of the treated fine lines/wrinkles, µm (profilometry), if known.
    #[serde(default)]
    pub wrinkle_depth_um: Option<f64>,
    /// Baseline arithmetic surface roughness Ra, µm (replica profilometry), if known.
    #[serde(default)]
    pub roughness_ra_um: Option<f64>,
    /// Baseline Alexiades-Armenakas laxity grade, 0–4, if graded (absent: from age,
    /// [`crate::OutcomeParams::aa_grade_at_50y`]).
    #[serde(default)]
    pub laxity_grade: Option<f64>,
    /// Baseline Alexiades-Armenakas texture grade, 0–4, if graded (absent: from age).
    #[serde(default)]
    pub texture_grade: Option<f64>,
}

impl Patient {
    /// Check ranges.
    pub fn validate(&self) -> Result<(), OutcomeError> {
        check("age_y", self.age_y, 0.0, 120.0, "[0, 120] y")?;
        check("fitzpatrick", f64::from(self.fitzpatrick), 1.0, 6.0, "1..=6")?;
        if let Some(w) = self.wrinkle_depth_um {
            check("wrinkle_depth_um", w, 0.0, 5000.0, "[0, 5000] µm")?;
        }
        if let Some(r) = self.roughness_ra_um {
            check("roughness_ra_um", r, 0.0, 1000.0, "[0, 1000] µm")?;
        }
        if let Some(g) = self.laxity_grade {
            check("laxity_grade", g, 0.0, 4.0, "[0, 4]")?;
        }
        if let Some(g) = self.texture_grade {
            check("texture_grade", g, 0.0, 4.0, "[0, 4]")?;
        }
        Ok(())
    }
}

/// Morphology of an atrophic (acne) scar (Jacob et al. 2001 classification).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScarKind {
    /// Broad (4–5 mm), shallow, sloped, tethered depression.
    Rolling,
    /// Round/oval depression with sharp vertical edges, 1.5–4 mm wide.
    Boxcar,
    /// Narrow (< 2 mm), deep, epithelial tract into the deep dermis.
    IcePick,
}

impl ScarKind {
    /// Snake-case name.
    pub fn name(self) -> &'static str {
        match self {
            ScarKind::Rolling => "rolling",
            ScarKind::Boxcar => "boxcar",
            ScarKind::IcePick => "ice_pick",
        }
    }
}

/// An atrophic scar: a depression of given depth and width over disorganised collagen.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AtrophicScar {
    /// Morphology.
    pub kind: ScarKind,
    /// Depth of the depression below the surrounding surface, µm (> 0).
    pub depth_um: f64,
    /// Width (diameter) of the depression, µm (> 0).
    pub width_um: f64,
    /// Number of such scars on the assessed face, 1–1000, for the Goodman–Baron quantitative
    /// and ECCA scores (absent: [`crate::OutcomeParams::default_scar_count`]). Their depths
    /// spread around `depth_um` ([`crate::OutcomeParams::scar_depth_spread_fraction`]).
    #[serde(default)]
    pub count: Option<u32>,
}

impl AtrophicScar {
    /// Check ranges.
    pub fn validate(&self) -> Result<(), OutcomeError> {
        check_pos("scar.depth_um", self.depth_um, 5000.0, "(0, 5000] µm")?;
        check_pos("scar.width_um", self.width_um, 50_000.0, "(0, 50000] µm")?;
        if let Some(n) = self.count {
            check("scar.count", f64::from(n), 1.0, 1000.0, "1..=1000")?;
        }
        Ok(())
    }
}

/// Stage of striae distensae.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StriaeKind {
    /// Early, red, inflamed striae.
    Rubra,
    /// Mature, white, atrophic striae.
    Alba,
}

/// Striae distensae: a band of thinned, disorganised dermis.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Striae {
    /// Stage.
    pub kind: StriaeKind,
    /// Width of the band, µm (> 0).
    pub width_um: f64,
    /// Dermal thickness deficit of the band relative to the surrounding dermis, % (0–100).
    pub dermal_deficit_pct: f64,
}

impl Striae {
    /// Check ranges.
    pub fn validate(&self) -> Result<(), OutcomeError> {
        check_pos("striae.width_um", self.width_um, 50_000.0, "(0, 50000] µm")?;
        check("striae.dermal_deficit_pct", self.dermal_deficit_pct, 0.0, 95.0, "[0, 95] %")?;
        Ok(())
    }
}

/// A hyperpigmented lesion (melasma, PIH) inside the treated region.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PigmentLesion {
    /// Excess epidermal melanin of the lesion over the surrounding skin, as a fraction of the
    /// surrounding melanin (0.5 = lesion 1.5× the surround), (0, 10].
    pub excess_melanin: f64,
    /// Fraction of the treated region covered by the lesion, (0, 1].
    pub area_fraction: f64,
    /// Lesion area fraction in each MASI region — forehead, right malar, left malar, chin —
    /// each [0, 1] (absent: `area_fraction` in all four, the same pattern everywhere). All
    /// involved regions are taken as treated with the same protocol.
    #[serde(default)]
    pub region_area_fraction: Option<[f64; 4]>,
}

impl PigmentLesion {
    /// Check ranges.
    pub fn validate(&self) -> Result<(), OutcomeError> {
        check_pos("pigment.excess_melanin", self.excess_melanin, 10.0, "(0, 10]")?;
        check_pos("pigment.area_fraction", self.area_fraction, 1.0, "(0, 1]")?;
        if let Some(r) = self.region_area_fraction {
            for (i, &a) in r.iter().enumerate() {
                check(format!("pigment.region_area_fraction[{i}]"), a, 0.0, 1.0, "[0, 1]")?;
            }
        }
        Ok(())
    }
}

/// Everything the outcome metrics read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeInputs {
    /// The tissue trajectory.
    pub course: TissueCourse,
    /// The delivery of actives.
    #[serde(default)]
    pub delivery: DeliverySummary,
    /// The patient.
    pub patient: Patient,
    /// An atrophic scar being treated, if any.
    #[serde(default)]
    pub scar: Option<AtrophicScar>,
    /// Striae being treated, if any.
    #[serde(default)]
    pub striae: Option<Striae>,
    /// A pigmented lesion being treated, if any.
    #[serde(default)]
    pub pigment: Option<PigmentLesion>,
}

impl OutcomeInputs {
    /// Validate every part.
    pub fn validate(&self) -> Result<(), OutcomeError> {
        self.course.validate()?;
        self.delivery.validate(self.course.session_days.len())?;
        self.patient.validate()?;
        if let Some(s) = &self.scar {
            s.validate()?;
        }
        if let Some(s) = &self.striae {
            s.validate()?;
        }
        if let Some(p) = &self.pigment {
            p.validate()?;
        }
        Ok(())
    }
}
