//! Scar revision: an atrophic scar as a depression over disorganised collagen, and striae as a
//! band of thinned dermis; depth/deficit after each session and at follow-up, a
//! Goodman–Baron-style grade and a quartile response category.
//!
//! ```text
//! Δh(t)   = h(t) − h(t0)                               new dermal matrix under the patch, µm
//! d(t)    = max(0, d0 − (G·k_kind − 1)·Δh(t))          scar depth (scar fills G·k× faster
//!                                                      than the rim, which also rises), µm
//! grade   = 1 if d < L1; 2 if d < L2; 3 if d < L3 and width/d ≥ ρ; else 4
//! δ(t)    = 1 − (h0·(1 − δ0) + G·k_kind·Δh) / (h0 + Δh)  striae dermal deficit
//! improvement = 100·(1 − d/d0)  or  100·(1 − δ/δ0);  quartile: <25 minimal, <50 moderate,
//!               <75 marked, ≥75 excellent
//! ```

use crate::input::{AtrophicScar, ScarKind, Striae, StriaeKind, TissueCourse};
use crate::params::OutcomeParams;
use crate::series::{assessment_times, interp};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Quartile response category (the scale of the striae and scar studies: minimal < 25 %,
/// moderate 25–50 %, marked 50–75 %, excellent ≥ 75 % improvement).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Response {
    /// < 25 % improvement (including none or worsening).
    Minimal,
    /// 25–50 %.
    Moderate,
    /// 50–75 %.
    Marked,
    /// ≥ 75 %.
    Excellent,
}

impl Response {
    /// Category of an improvement in %.
    pub fn from_improvement_pct(x: f64) -> Self {
        if x >= 75.0 {
            Response::Excellent
        } else if x >= 50.0 {
            Response::Marked
        } else if x >= 25.0 {
            Response::Moderate
        } else {
            Response::Minimal
        }
    }

    /// Snake-case name.
    pub fn name(self) -> &'static str {
        match self {
            Response::Minimal => "minimal",
            Response::Moderate => "moderate",
            Response::Marked => "marked",
            Response::Excellent => "excellent",
        }
    }
}

/// Goodman–Baron-style qualitative grade (1 macular … 4 severe) of a depression.
pub fn goodman_baron_grade(depth_um: f64, width_um: f64, p: &OutcomeParams) -> u8 {
    let [l1, l2, l3] = p.grade_depth_limits_um;
    if depth_um < l1 {
        1
    } else if depth_um < l2 {
        2
    } else if depth_um < l3 && width_um / depth_um >= p.grade_steep_ratio {
        3
    } else {
        4
    }
}

fn kind_response(kind: ScarKind, p: &OutcomeParams) -> f64 {
    p.scar_kind_response[match kind {
        ScarKind::Rolling => 0,
        ScarKind::Boxcar => 1,
        ScarKind::IcePick => 2,
    }]
}

/// Scar depth, µm, given the dermal thickening Δh (µm) under the patch.
pub fn scar_depth_um(scar: &AtrophicScar, dermal_gain_um: f64, p: &OutcomeParams) -> f64 {
    let net = p.scar_response_gain * kind_response(scar.kind, p) - 1.0;
    (scar.depth_um - net * dermal_gain_um).max(0.0)
}

/// One assessment of a scar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ScarAssessment {
    /// Sessions done before this assessment.
    pub sessions_done: usize,
    /// Time of the assessment, d.
    pub t_d: f64,
    /// Depth, µm.
    pub depth_um: f64,
    /// Goodman–Baron-style grade, 1–4.
    pub grade: u8,
    /// Depth improvement vs baseline, %.
    pub improvement_pct: f64,
}

/// Atrophic scar outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ScarOutcome {
    /// Morphology.
    pub kind: ScarKind,
    /// Width, µm.
    pub width_um: f64,
    /// Baseline assessment.
    pub baseline: ScarAssessment,
    /// After each session (just before the next; the last one a typical interval later).
    pub after_session: Vec<ScarAssessment>,
    /// At the end of the simulated follow-up.
    pub follow_up: ScarAssessment,
    /// Grade change at follow-up (negative = better).
    pub grade_change: i32,
    /// Quartile response at follow-up.
    pub response: Response,
    /// Depth at each sample, µm.
    pub depth_um_series: Vec<f64>,
}

fn assess(
    scar: &AtrophicScar,
    course: &TissueCourse,
    t: f64,
    sessions_done: usize,
    p: &OutcomeParams,
) -> ScarAssessment {
    let gain = interp(&course.times_d, &course.dermal_thickness_um, t) - course.dermal_thickness_um[0];
    let d = scar_depth_um(scar, gain, p);
    ScarAssessment {
        sessions_done,
        t_d: t,
        depth_um: d,
        grade: goodman_baron_grade(d, scar.width_um, p),
        improvement_pct: 100.0 * (1.0 - d / scar.depth_um),
    }
}

/// Compute the scar outcome (inputs validated).
pub fn scar_outcome(scar: &AtrophicScar, course: &TissueCourse, p: &OutcomeParams) -> ScarOutcome {
    let t = &course.times_d;
    let t_end = t[t.len() - 1];
    let baseline = assess(scar, course, t[0], 0, p);
    let after_session: Vec<ScarAssessment> = assessment_times(&course.session_days, t_end)
        .into_iter()
        .enumerate()
        .map(|(s, ta)| assess(scar, course, ta, s + 1, p))
        .collect();
    let follow_up = assess(scar, course, t_end, course.session_days.len(), p);
    let h0 = course.dermal_thickness_um[0];
    ScarOutcome {
        kind: scar.kind,
        width_um: scar.width_um,
        grade_change: i32::from(follow_up.grade) - i32::from(baseline.grade),
        response: Response::from_improvement_pct(follow_up.improvement_pct),
        depth_um_series: course.dermal_thickness_um.iter().map(|h| scar_depth_um(scar, h - h0, p)).collect(),
        baseline,
        after_session,
        follow_up,
    }
}

/// Striae outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StriaeOutcome {
    /// Stage.
    pub kind: StriaeKind,
    /// Band width, µm.
    pub width_um: f64,
    /// Dermal deficit at baseline, %.
    pub deficit_baseline_pct: f64,
    /// Dermal deficit after each session, %.
    pub deficit_after_session_pct: Vec<f64>,
    /// Dermal deficit at follow-up, %.
    pub deficit_pct: f64,
    /// Improvement of the deficit at follow-up, %.
    pub improvement_pct: f64,
    /// Quartile response at follow-up.
    pub response: Response,
}

/// Dermal deficit of a striae band, %, given the dermal thickening Δh (µm) of the surround.
pub fn striae_deficit_pct(s: &Striae, h0_um: f64, gain_um: f64, p: &OutcomeParams) -> f64 {
    let k = p.striae_kind_response[match s.kind {
        StriaeKind::Rubra => 0,
        StriaeKind::Alba => 1,
    }];
    let d0 = s.dermal_deficit_pct / 100.0;
    let band = h0_um * (1.0 - d0) + p.scar_response_gain * k * gain_um;
    let surround = (h0_um + gain_um).max(1e-9);
    100.0 * (1.0 - band / surround).clamp(0.0, 1.0)
}

/// Compute the striae outcome (inputs validated).
pub fn striae_outcome(s: &Striae, course: &TissueCourse, p: &OutcomeParams) -> StriaeOutcome {
    let t = &course.times_d;
    let t_end = t[t.len() - 1];
    let h0 = course.dermal_thickness_um[0];
    let at = |ta: f64| {
        let gain = interp(t, &course.dermal_thickness_um, ta) - h0;
        striae_deficit_pct(s, h0, gain, p)
    };
    let deficit = at(t_end);
    let improvement = if s.dermal_deficit_pct > 0.0 { 100.0 * (1.0 - deficit / s.dermal_deficit_pct) } else { 0.0 };
    StriaeOutcome {
        kind: s.kind,
        width_um: s.width_um,
        deficit_baseline_pct: s.dermal_deficit_pct,
        deficit_after_session_pct: assessment_times(&course.session_days, t_end).into_iter().map(at).collect(),
        deficit_pct: deficit,
        improvement_pct: improvement,
        response: Response::from_improvement_pct(improvement),
    }
}
