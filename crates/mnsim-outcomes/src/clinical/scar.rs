//! Acne-scar scores in points, as clinics score them: the Goodman & Baron quantitative global
//! scarring grading system and the atrophic items of ECCA.
//!
//! ```text
//! scar population   d0_i = d0·(1 + s·(2·(i + ½)/N − 1)),  i = 0 … N−1      (uniform, ±s)
//! each scar         d_i(t) = max(0, d0_i − (G·k_kind − 1)·Δh(t))            (crate::scar)
//!                   resolved if d_i < d_res; else grade 1–4 (crate::scar::goodman_baron_grade)
//! Goodman–Baron     points = Σ_grades P_g·F(n_g),  P = 1, 1, 2, 3 (macular, mild, moderate,
//!                   severe),  F(n) = 0 | 1 (1–10) | 2 (11–20) | 3 (> 20)
//! ECCA (atrophic)   score = w(width)·Q(n_visible),  w = 15 (V, < 2 mm) | 20 (U, 2–4 mm) |
//!                   25 (M, > 4 mm),  Q(n) = 0 | 1 (< 5) | 2 (5–20) | 3 (> 20),
//!                   n_visible = scars of grade ≥ 2 (a depression that is seen)
//! ```

use crate::input::{AtrophicScar, TissueCourse};
use crate::params::OutcomeParams;
use crate::scar::{goodman_baron_grade, scar_depth_um};
use crate::series::{assessment_times, interp};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Goodman & Baron (2006, J Cosmet Dermatol 5:48–52) points per scar row by qualitative
/// grade: milder scarring (macular and mildly atrophic) 1, moderate 2, severe 3 (the
/// hyperplastic rows, papular 2 and keloidal 6, do not apply to atrophic scars). Recalled from
/// the paper's table (its abstract retrieved); consistent with its published maximum of 84
/// points over all rows. The model has no scar sub-types, so a scar's row is set by its grade.
pub const GB_POINTS_PER_GRADE: [u32; 4] = [1, 1, 2, 3];

/// ECCA weights of the three atrophic items (Dreno et al. 2006, Dermatology 212:349; recalled):
/// V-shaped (< 2 mm) 15, U-shaped (2–4 mm) 20, M-shaped (> 4 mm) 25. The other items
/// (superficial elastolysis 10, hypertrophic 30, keloid 40) are not modelled and score 0.
pub const ECCA_ATROPHIC_WEIGHTS: [f64; 3] = [15.0, 20.0, 25.0];

/// Goodman–Baron multiplier of a row's scar count: 0 for none, 1 for 1–10, 2 for 11–20, 3 above.
pub fn gb_count_factor(n: u32) -> u32 {
    match n {
        0 => 0,
        1..=10 => 1,
        11..=20 => 2,
        _ => 3,
    }
}

/// Goodman–Baron quantitative score, points, of scar counts by grade (macular, mild, moderate,
/// severe).
pub fn gb_quantitative_points(counts_by_grade: [u32; 4]) -> f64 {
    counts_by_grade.iter().zip(GB_POINTS_PER_GRADE).map(|(&n, pts)| f64::from(pts * gb_count_factor(n))).sum()
}

/// ECCA semi-quantitative level of a count: 0 none, 1 few (< 5), 2 limited (5–20), 3 many (> 20).
pub fn ecca_count_level(n: u32) -> u32 {
    match n {
        0 => 0,
        1..=4 => 1,
        5..=20 => 2,
        _ => 3,
    }
}

/// ECCA weight of an atrophic scar of this width (µm): V < 2 mm, U 2–4 mm, M > 4 mm.
pub fn ecca_weight(width_um: f64) -> f64 {
    if width_um < 2000.0 {
        ECCA_ATROPHIC_WEIGHTS[0]
    } else if width_um <= 4000.0 {
        ECCA_ATROPHIC_WEIGHTS[1]
    } else {
        ECCA_ATROPHIC_WEIGHTS[2]
    }
}

/// ECCA score (atrophic items), points, of `n_visible` scars of one width.
pub fn ecca_points(n_visible: u32, width_um: f64) -> f64 {
    ecca_weight(width_um) * f64::from(ecca_count_level(n_visible))
}

/// Baseline depths of the patient's scars, µm: the mid-quantiles of a uniform spread of
/// ±`scar_depth_spread_fraction` around the modelled depth.
pub fn scar_population_um(scar: &AtrophicScar, p: &OutcomeParams) -> Vec<f64> {
    let n = scar.count.unwrap_or(p.default_scar_count).max(1);
    let s = p.scar_depth_spread_fraction;
    (0..n).map(|i| scar.depth_um * (1.0 + s * (2.0 * (f64::from(i) + 0.5) / f64::from(n) - 1.0))).collect()
}

/// Counts by grade (macular, mild, moderate, severe) of the population after a dermal gain Δh
/// (µm) under the patch; resolved scars are not counted.
pub fn counts_by_grade(scar: &AtrophicScar, depths0_um: &[f64], gain_um: f64, p: &OutcomeParams) -> [u32; 4] {
    let mut c = [0u32; 4];
    for &d0 in depths0_um {
        let d = scar_depth_um(&AtrophicScar { depth_um: d0, ..*scar }, gain_um, p);
        if d >= p.scar_resolved_depth_um {
            c[usize::from(goodman_baron_grade(d, scar.width_um, p) - 1)] += 1;
        }
    }
    c
}

/// One assessment of the scar population.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ScarScoreAssessment {
    /// Time of the assessment, d.
    pub t_d: f64,
    /// Scars by qualitative grade: macular, mild, moderate, severe (resolved ones not counted).
    pub counts_by_grade: [u32; 4],
    /// Goodman–Baron quantitative score, points (atrophic rows: 0–21).
    pub gb_points: f64,
    /// ECCA score of the atrophic items, points (0–75).
    pub ecca_points: f64,
}

/// Acne-scar scores in points: baseline, after each session, follow-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ScarScores {
    /// Number of scars on the assessed face.
    pub count: u32,
    /// Baseline.
    pub baseline: ScarScoreAssessment,
    /// After each session (just before the next; the last one a typical interval later).
    pub after_session: Vec<ScarScoreAssessment>,
    /// End of follow-up.
    pub follow_up: ScarScoreAssessment,
    /// Goodman–Baron points change at follow-up (negative = better).
    pub gb_points_change: f64,
    /// ECCA change at follow-up, % of baseline (0 when the baseline is 0).
    pub ecca_change_pct: f64,
}

fn assess(scar: &AtrophicScar, pop: &[f64], course: &TissueCourse, t: f64, p: &OutcomeParams) -> ScarScoreAssessment {
    let gain = interp(&course.times_d, &course.dermal_thickness_um, t) - course.dermal_thickness_um[0];
    let c = counts_by_grade(scar, pop, gain, p);
    let visible = c[1] + c[2] + c[3];
    ScarScoreAssessment {
        t_d: t,
        counts_by_grade: c,
        gb_points: gb_quantitative_points(c),
        ecca_points: ecca_points(visible, scar.width_um),
    }
}

/// Compute the scar scores (inputs validated).
pub fn scar_scores(scar: &AtrophicScar, course: &TissueCourse, p: &OutcomeParams) -> ScarScores {
    let pop = scar_population_um(scar, p);
    let t = &course.times_d;
    let t_end = t[t.len() - 1];
    let baseline = assess(scar, &pop, course, t[0], p);
    let after_session =
        assessment_times(&course.session_days, t_end).into_iter().map(|ta| assess(scar, &pop, course, ta, p)).collect();
    let follow_up = assess(scar, &pop, course, t_end, p);
    let ecca_change_pct =
        if baseline.ecca_points > 0.0 { 100.0 * (follow_up.ecca_points / baseline.ecca_points - 1.0) } else { 0.0 };
    ScarScores {
        count: pop.len() as u32,
        gb_points_change: follow_up.gb_points - baseline.gb_points,
        ecca_change_pct,
        baseline,
        after_session,
        follow_up,
    }
}
