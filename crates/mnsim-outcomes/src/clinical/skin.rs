//! Wrinkle, laxity and texture grades, profilometry roughness and HFUS echogenicity as clinics
//! and their instruments report them.
//!
//! ```text
//! Lemperle (0–5)        L(W) = g + (W − W_g)/(W_{g+1} − W_g) in bin g of the depth limits
//!                       (W_0 = 0), 5 above the last; grade = ⌊L⌋
//! Fitzpatrick (1–9)     F(W) = 1 + 3·W/W_I (class I), 4 + 3·(W − W_I)/(W_II − W_I) (II),
//!                       7 + 2·min(1, (W − W_II)/(W_9 − W_II)) (III); class = I | II | III
//! Alexiades-Armenakas   laxity  = clamp(L0·(R0/R0_0)^k, 0, 4),  texture = clamp(T0·Ra/Ra_0, 0, 4)
//!                       L0, T0 as graded, else clamp(g50 + (age − 50)·g', 0, 4)
//! profilometry          Ra = Ra_m + W·f·(1 − f/2)²,  Rz = r·Ra_m + W,  f = min(1, q·W0/λ)
//!                       (microrelief Ra_m plus V-grooves of depth W, width q·W0, spacing λ)
//! HFUS echogenicity     e = (s_I·c_I + ε·s_III·c_III)/(s_I + ε·s_III)·(1 − k_w·min(1, I))
//! ```

use crate::input::{Patient, TissueCourse};
use crate::params::OutcomeParams;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Continuous Lemperle score, 0–5, of a wrinkle `depth_um` deep (a cohort mean of grades).
pub fn lemperle_score(depth_um: f64, p: &OutcomeParams) -> f64 {
    let w = depth_um.max(0.0);
    let mut lo = 0.0;
    for (g, &hi) in p.lemperle_depth_limits_um.iter().enumerate() {
        if w < hi {
            return g as f64 + (w - lo) / (hi - lo);
        }
        lo = hi;
    }
    5.0
}

/// Lemperle grade, 0–5, as an observer scores one wrinkle.
pub fn lemperle_grade(depth_um: f64, p: &OutcomeParams) -> u8 {
    (lemperle_score(depth_um, p).floor() as u8).min(5)
}

/// Continuous Fitzpatrick wrinkle score, 1–9.
pub fn fitzpatrick_wrinkle_score(depth_um: f64, p: &OutcomeParams) -> f64 {
    let [w1, w2, w9] = p.fitzpatrick_wrinkle_depth_limits_um;
    let w = depth_um.max(0.0);
    if w < w1 {
        1.0 + 3.0 * w / w1
    } else if w < w2 {
        4.0 + 3.0 * (w - w1) / (w2 - w1)
    } else {
        7.0 + 2.0 * ((w - w2) / (w9 - w2)).min(1.0)
    }
}

/// Fitzpatrick wrinkle class, 1 (I) – 3 (III), of a score 1–9.
pub fn fitzpatrick_wrinkle_class(score: f64) -> u8 {
    if score < 4.0 {
        1
    } else if score < 7.0 {
        2
    } else {
        3
    }
}

/// Wrinkle grades at baseline and follow-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WrinkleGrades {
    /// Lemperle grade at baseline, 0–5.
    pub lemperle_grade_baseline: u8,
    /// Lemperle grade at follow-up, 0–5.
    pub lemperle_grade: u8,
    /// Continuous Lemperle score at baseline, 0–5.
    pub lemperle_score_baseline: f64,
    /// Continuous Lemperle score at follow-up, 0–5.
    pub lemperle_score: f64,
    /// Fitzpatrick wrinkle score at baseline, 1–9.
    pub fitzpatrick_score_baseline: f64,
    /// Fitzpatrick wrinkle score at follow-up, 1–9.
    pub fitzpatrick_score: f64,
    /// Fitzpatrick wrinkle class at follow-up, 1–3 (I–III).
    pub fitzpatrick_class: u8,
}

/// Wrinkle grades from the baseline and follow-up wrinkle depths, µm.
pub fn wrinkle_grades(w0_um: f64, w1_um: f64, p: &OutcomeParams) -> WrinkleGrades {
    let f1 = fitzpatrick_wrinkle_score(w1_um, p);
    WrinkleGrades {
        lemperle_grade_baseline: lemperle_grade(w0_um, p),
        lemperle_grade: lemperle_grade(w1_um, p),
        lemperle_score_baseline: lemperle_score(w0_um, p),
        lemperle_score: lemperle_score(w1_um, p),
        fitzpatrick_score_baseline: fitzpatrick_wrinkle_score(w0_um, p),
        fitzpatrick_score: f1,
        fitzpatrick_class: fitzpatrick_wrinkle_class(f1),
    }
}

/// Default Alexiades-Armenakas grade (laxity or texture) of a patient of this age.
pub fn aa_default_grade(age_y: f64, p: &OutcomeParams) -> f64 {
    (p.aa_grade_at_50y + (age_y - 50.0) * p.aa_grade_per_y).clamp(0.0, 4.0)
}

/// Rounded to the scale's half grades.
pub fn half_grade(x: f64) -> f64 {
    (2.0 * x).round() / 2.0
}

/// Alexiades-Armenakas laxity and texture grades.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AaGrades {
    /// Laxity at baseline, 0–4 (as graded or from age).
    pub laxity_baseline: f64,
    /// Laxity at follow-up, 0–4 (continuous, a cohort mean).
    pub laxity: f64,
    /// Laxity at follow-up to the scale's half grade.
    pub laxity_half_grade: f64,
    /// Texture at baseline, 0–4.
    pub texture_baseline: f64,
    /// Texture at follow-up, 0–4 (continuous).
    pub texture: f64,
    /// Texture at follow-up to the half grade.
    pub texture_half_grade: f64,
}

/// Laxity from the suction compliance ratio R0/R0_baseline and texture from the roughness ratio
/// Ra/Ra_baseline.
pub fn aa_grades(patient: &Patient, r0_ratio: f64, ra_ratio: f64, p: &OutcomeParams) -> AaGrades {
    let l0 = patient.laxity_grade.unwrap_or_else(|| aa_default_grade(patient.age_y, p));
    let t0 = patient.texture_grade.unwrap_or_else(|| aa_default_grade(patient.age_y, p));
    let laxity = (l0 * r0_ratio.max(0.0).powf(p.aa_laxity_compliance_exponent)).clamp(0.0, 4.0);
    let texture = (t0 * ra_ratio.max(0.0)).clamp(0.0, 4.0);
    AaGrades {
        laxity_baseline: l0,
        laxity,
        laxity_half_grade: half_grade(laxity),
        texture_baseline: t0,
        texture,
        texture_half_grade: half_grade(texture),
    }
}

/// Ra and Rz, µm, of a profilometry field: microrelief of roughness `ra_micro_um` crossed by
/// lines `w_um` deep whose width was set at the baseline depth `w0_um`.
pub fn profilometry_ra_rz_um(ra_micro_um: f64, w_um: f64, w0_um: f64, p: &OutcomeParams) -> (f64, f64) {
    let f = (p.wrinkle_width_per_depth * w0_um / p.wrinkle_spacing_um).clamp(0.0, 1.0);
    let ra = ra_micro_um + w_um * f * (1.0 - f / 2.0).powi(2);
    let rz = p.profilometry_rz_per_ra * ra_micro_um + w_um;
    (ra, rz)
}

/// Profilometry roughness (PRIMOS / silicone replica) at baseline and follow-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Profilometry {
    /// Ra at baseline, µm.
    pub ra_baseline_um: f64,
    /// Ra at follow-up, µm.
    pub ra_um: f64,
    /// Rz at baseline, µm.
    pub rz_baseline_um: f64,
    /// Rz at follow-up, µm.
    pub rz_um: f64,
    /// Ra change, %.
    pub ra_change_pct: f64,
    /// Rz change, %.
    pub rz_change_pct: f64,
}

/// Profilometry from the microrelief Ra and wrinkle depth at baseline and follow-up, µm.
pub fn profilometry(ra0_um: f64, ra1_um: f64, w0_um: f64, w1_um: f64, p: &OutcomeParams) -> Profilometry {
    let (a0, z0) = profilometry_ra_rz_um(ra0_um, w0_um, w0_um, p);
    let (a1, z1) = profilometry_ra_rz_um(ra1_um, w1_um, w0_um, p);
    let pct = |x: f64, b: f64| if b > 0.0 { 100.0 * (x / b - 1.0) } else { 0.0 };
    Profilometry {
        ra_baseline_um: a0,
        ra_um: a1,
        rz_baseline_um: z0,
        rz_um: z1,
        ra_change_pct: pct(a1, a0),
        rz_change_pct: pct(z1, z0),
    }
}

/// Dermal echogenicity (20–22 MHz HFUS "dermal density"), relative to baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HfusEchogenicity {
    /// Echogenicity change at follow-up, %.
    pub change_pct: f64,
    /// Lowest echogenicity change during the course, % (oedema and immature collagen III).
    pub nadir_change_pct: f64,
    /// Echogenicity relative to baseline at each sample.
    pub rel_series: Vec<f64>,
}

/// Echogenicity of the dermis (unnormalised) for collagen I, III (rel.) and inflammation.
pub fn hfus_echo(c1: f64, c3: f64, inflammation: f64, p: &OutcomeParams) -> f64 {
    let (s1, s3, eps) = (p.collagen_i_share, p.collagen_iii_share, p.hfus_type_iii_relative_echo);
    (s1 * c1 + eps * s3 * c3) / (s1 + eps * s3)
        * (1.0 - p.hfus_echo_loss_per_inflammation * inflammation.clamp(0.0, 1.0))
}

/// HFUS echogenicity over the course (inputs validated).
pub fn hfus_echogenicity(course: &TissueCourse, p: &OutcomeParams) -> HfusEchogenicity {
    let raw: Vec<f64> = (0..course.len())
        .map(|i| hfus_echo(course.collagen_i_rel[i], course.collagen_iii_rel[i], course.inflammation_rel[i], p))
        .collect();
    let b = raw[0].max(1e-12);
    let rel: Vec<f64> = raw.iter().map(|x| x / b).collect();
    let n = rel.len() - 1;
    HfusEchogenicity {
        change_pct: 100.0 * (rel[n] - 1.0),
        nadir_change_pct: 100.0 * (rel.iter().copied().fold(f64::INFINITY, f64::min) - 1.0),
        rel_series: rel,
    }
}
