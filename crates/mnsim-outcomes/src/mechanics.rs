//! Elasticity and firmness (dermal stiffness, Cutometer-style suction values) and texture
//! (wrinkle depth, roughness) from collagen, elastin and dermal thickness.
//!
//! ```text
//! E/E0  = w_c·C^n + (1 − w_c)·L                         small-strain dermal stiffness, rel.
//! S     = (1 − w_r)·C + w_r·L                           elastic recoil capacity, rel.
//! R0    = R0_ref·(h_ref/h0)^m / (E/E0·(h/h0)^m)         final suction deformation Uf, mm
//! R2    = 1 − (1 − R2_0)/S,  R7 = 1 − (1 − R7_0)/S      Ua/Uf and Ur/Uf
//! R2_0  = R2_20 − k·max(0, age − 20),  R7_0 likewise
//! F     = R0_0/R0 − 1 = E/E0·(h/h0)^m − 1              suction stiffness ("elasticity") change
//! W     = W0·(E/E0)^−b·(h/h0)^−c,   Ra = Ra0·(E/E0)^−b·(h/h0)^−c
//! ```
//!
//! C: total collagen rel., L: elastin rel., h: dermal thickness. Better = lower R0 (firmer),
//! higher R2 and R7 (more elastic), shallower W, lower Ra.

use crate::input::{Patient, TissueCourse};
use crate::matrix::collagen_total_rel;
use crate::params::OutcomeParams;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Small-strain dermal stiffness relative to baseline.
pub fn stiffness_rel(collagen_rel: f64, elastin_rel: f64, p: &OutcomeParams) -> f64 {
    let w = p.stiffness_collagen_weight;
    w * collagen_rel.powf(p.stiffness_collagen_exponent) + (1.0 - w) * elastin_rel
}

/// Elastic recoil capacity relative to baseline.
pub fn recoil_rel(collagen_rel: f64, elastin_rel: f64, p: &OutcomeParams) -> f64 {
    let w = p.recoil_elastin_weight;
    (1.0 - w) * collagen_rel + w * elastin_rel
}

/// Baseline Cutometer (R0 mm, R2, R7) for this patient and dermal thickness.
pub fn cutometer_baseline(age_y: f64, dermis_um: f64, p: &OutcomeParams) -> (f64, f64, f64) {
    let r0 = p.cutometer_r0_ref_mm * (p.suction_reference_thickness_um / dermis_um).powf(p.suction_thickness_exponent);
    let dec = p.cutometer_decline_per_y * (age_y - 20.0).max(0.0);
    let r2 = (p.cutometer_r2_at_20y - dec).clamp(0.05, 1.0);
    let r7 = (p.cutometer_r7_at_20y - dec).clamp(0.02, r2);
    (r0, r2, r7)
}

/// Cutometer-style values at one time: (R0 mm, R2, R7).
pub fn cutometer(
    base: (f64, f64, f64),
    collagen_rel: f64,
    elastin_rel: f64,
    dermis_rel: f64,
    p: &OutcomeParams,
) -> (f64, f64, f64) {
    let e = stiffness_rel(collagen_rel, elastin_rel, p).max(1e-6);
    let s = recoil_rel(collagen_rel, elastin_rel, p).max(1e-6);
    let r0 = base.0 / (e * dermis_rel.powf(p.suction_thickness_exponent));
    let r2 = (1.0 - (1.0 - base.1) / s).clamp(0.0, 1.0);
    let r7 = (1.0 - (1.0 - base.2) / s).clamp(0.0, r2);
    (r0, r2, r7)
}

/// Elasticity and firmness outcomes (suction devices: Cutometer R0/R2/R7; BTC-2000-type
/// elasticity as the suction-stiffness change).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ElasticityOutcome {
    /// Dermal small-strain stiffness change at follow-up, %.
    pub dermal_stiffness_change_pct: f64,
    /// Suction stiffness (1/R0, "elasticity" of suction devices) change at follow-up, %.
    pub suction_stiffness_change_pct: f64,
    /// R0 (Uf) at baseline, mm. Lower = firmer.
    pub r0_baseline_mm: f64,
    /// R0 at follow-up, mm.
    pub r0_mm: f64,
    /// R2 (Ua/Uf, gross elasticity) at baseline. Higher = better.
    pub r2_baseline: f64,
    /// R2 at follow-up.
    pub r2: f64,
    /// R7 (Ur/Uf, biological elasticity) at baseline. Higher = better.
    pub r7_baseline: f64,
    /// R7 at follow-up.
    pub r7: f64,
    /// R0 at each sample, mm.
    pub r0_mm_series: Vec<f64>,
    /// R2 at each sample.
    pub r2_series: Vec<f64>,
    /// R7 at each sample.
    pub r7_series: Vec<f64>,
}

/// Compute elasticity outcomes (inputs validated).
pub fn elasticity_outcome(course: &TissueCourse, patient: &Patient, p: &OutcomeParams) -> ElasticityOutcome {
    let c = collagen_total_rel(course, p);
    let n = course.len() - 1;
    let h0 = course.dermal_thickness_um[0];
    let l0 = course.elastin_rel[0];
    let rel = |x: f64, b: f64| if b > 0.0 { x / b } else { 1.0 };
    let base = cutometer_baseline(patient.age_y, h0, p);
    let mut r0s = vec![];
    let mut r2s = vec![];
    let mut r7s = vec![];
    for i in 0..=n {
        let (r0, r2, r7) =
            cutometer(base, c[i] / c[0], rel(course.elastin_rel[i], l0), course.dermal_thickness_um[i] / h0, p);
        r0s.push(r0);
        r2s.push(r2);
        r7s.push(r7);
    }
    let e = stiffness_rel(c[n] / c[0], rel(course.elastin_rel[n], l0), p);
    ElasticityOutcome {
        dermal_stiffness_change_pct: 100.0 * (e - 1.0),
        suction_stiffness_change_pct: 100.0 * (r0s[0] / r0s[n] - 1.0),
        r0_baseline_mm: r0s[0],
        r0_mm: r0s[n],
        r2_baseline: r2s[0],
        r2: r2s[n],
        r7_baseline: r7s[0],
        r7: r7s[n],
        r0_mm_series: r0s,
        r2_series: r2s,
        r7_series: r7s,
    }
}

/// Texture outcomes (silicone-replica / fringe-projection profilometry: wrinkle depth, Ra).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TextureOutcome {
    /// Fine-line depth at baseline, µm.
    pub wrinkle_depth_baseline_um: f64,
    /// Fine-line depth at follow-up, µm.
    pub wrinkle_depth_um: f64,
    /// Wrinkle depth change, %.
    pub wrinkle_depth_change_pct: f64,
    /// Roughness Ra at baseline, µm.
    pub roughness_ra_baseline_um: f64,
    /// Roughness Ra at follow-up, µm.
    pub roughness_ra_um: f64,
    /// Roughness change, %.
    pub roughness_change_pct: f64,
    /// Wrinkle depth at each sample, µm.
    pub wrinkle_depth_um_series: Vec<f64>,
}

/// Relief factor W/W0 at one time.
pub fn relief_factor(stiffness_rel: f64, dermis_rel: f64, p: &OutcomeParams) -> f64 {
    stiffness_rel.max(1e-6).powf(-p.wrinkle_stiffness_exponent) * dermis_rel.powf(-p.wrinkle_thickness_exponent)
}

/// Compute texture outcomes (inputs validated).
pub fn texture_outcome(course: &TissueCourse, patient: &Patient, p: &OutcomeParams) -> TextureOutcome {
    let c = collagen_total_rel(course, p);
    let n = course.len() - 1;
    let h0 = course.dermal_thickness_um[0];
    let l0 = course.elastin_rel[0];
    let w0 = patient.wrinkle_depth_um.unwrap_or(p.default_wrinkle_depth_um);
    let ra0 = patient.roughness_ra_um.unwrap_or(p.default_roughness_ra_um);
    let f: Vec<f64> = (0..=n)
        .map(|i| {
            let l = if l0 > 0.0 { course.elastin_rel[i] / l0 } else { 1.0 };
            relief_factor(stiffness_rel(c[i] / c[0], l, p), course.dermal_thickness_um[i] / h0, p)
        })
        .collect();
    let pct = |a: f64, b: f64| if b > 0.0 { 100.0 * (a / b - 1.0) } else { 0.0 };
    TextureOutcome {
        wrinkle_depth_baseline_um: w0,
        wrinkle_depth_um: w0 * f[n],
        wrinkle_depth_change_pct: pct(w0 * f[n], w0),
        roughness_ra_baseline_um: ra0,
        roughness_ra_um: ra0 * f[n],
        roughness_change_pct: pct(ra0 * f[n], ra0),
        wrinkle_depth_um_series: f.iter().map(|x| w0 * x).collect(),
    }
}
