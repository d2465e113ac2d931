//! Pigment read-outs in points and instrument units: MASI and mMASI over the four MASI regions,
//! the Mexameter melanin index, and the risk of post-inflammatory hyperpigmentation (PIH).
//!
//! ```text
//! MASI   = Σ_r w_r·A(a_r·v(E))·(D + H),   mMASI = Σ_r w_r·A(a_r·v(E))·D
//!          w = 0.3, 0.3, 0.3, 0.1 (forehead, right malar, left malar, chin); D = H = 4·min(1, E/E_full);
//!          v(E) = max(0, 1 − E_vis/(2E)); A: area score 0–6 (crate::pigment::masi_area_score)
//! MI     = min(999, MI_FST·m(t)/m(t0))  (treated patch),   MI_lesion = min(999, MI_FST·(1 + E(t)))
//! PIH    = 1 − Π_s (1 − min(1, p_ref·RR_FST·e_s/e_ref))       e_s: visible-erythema days of session s
//! ```

use crate::barrier::BarrierOutcome;
use crate::input::{DeliverySummary, Patient, PigmentLesion, TissueCourse};
use crate::params::OutcomeParams;
use crate::pigment::{lesion_excess_series, masi_area_score, masi_darkness, visible_area_factor};
use crate::series::{assessment_times, interp};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// MASI region weights: forehead, right malar, left malar, chin (Kimbrough-Green et al. 1994,
/// Arch Dermatol 130:727; the same weights in mMASI, Pandya et al. 2011, J Am Acad Dermatol
/// 64:78; recalled, the standard definition).
pub const MASI_REGION_WEIGHTS: [f64; 4] = [0.3, 0.3, 0.3, 0.1];

/// Top of the Mexameter melanin-index scale (0–999); readings saturate there.
pub const MEXAMETER_MAX: f64 = 999.0;

/// (MASI, mMASI) in points (0–48, 0–24) of a lesion of excess melanin `e` covering the area
/// fractions `regions` of the four MASI regions.
pub fn masi_mmasi_points(e: f64, regions: [f64; 4], p: &OutcomeParams) -> (f64, f64) {
    if e <= 0.0 {
        return (0.0, 0.0);
    }
    let d = masi_darkness(e, p);
    let v = visible_area_factor(e, p);
    let mut masi = 0.0;
    let mut mmasi = 0.0;
    for (w, a) in MASI_REGION_WEIGHTS.iter().zip(regions) {
        let area = masi_area_score(a * v);
        masi += w * area * (d + d);
        mmasi += w * area * d;
    }
    (masi, mmasi)
}

/// MASI and mMASI in points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MasiPoints {
    /// Lesion area fraction of each region used (forehead, right malar, left malar, chin).
    pub region_area_fraction: [f64; 4],
    /// MASI at baseline, points (0–48).
    pub masi_baseline: f64,
    /// MASI at follow-up, points.
    pub masi: f64,
    /// MASI after each session, points.
    pub masi_after_session: Vec<f64>,
    /// mMASI at baseline, points (0–24).
    pub mmasi_baseline: f64,
    /// mMASI at follow-up, points.
    pub mmasi: f64,
    /// Lesion Mexameter melanin index at baseline.
    pub lesion_melanin_index_baseline: f64,
    /// Lesion Mexameter melanin index at follow-up.
    pub lesion_melanin_index: f64,
}

/// MASI/mMASI points and the lesion melanin index over the course (inputs validated).
pub fn masi_points(
    lesion: &PigmentLesion,
    course: &TissueCourse,
    delivery: &DeliverySummary,
    patient: &Patient,
    p: &OutcomeParams,
) -> MasiPoints {
    let regions = lesion.region_area_fraction.unwrap_or([lesion.area_fraction; 4]);
    let e = lesion_excess_series(lesion, course, delivery, p);
    let t = &course.times_d;
    let n = t.len() - 1;
    let (m0, mm0) = masi_mmasi_points(e[0], regions, p);
    let (m1, mm1) = masi_mmasi_points(e[n], regions, p);
    let mi = mexameter_baseline(patient, p);
    MasiPoints {
        region_area_fraction: regions,
        masi_baseline: m0,
        masi: m1,
        masi_after_session: assessment_times(&course.session_days, t[n])
            .into_iter()
            .map(|ta| masi_mmasi_points(interp(t, &e, ta), regions, p).0)
            .collect(),
        mmasi_baseline: mm0,
        mmasi: mm1,
        lesion_melanin_index_baseline: (mi * (1.0 + e[0])).min(MEXAMETER_MAX),
        lesion_melanin_index: (mi * (1.0 + e[n])).min(MEXAMETER_MAX),
    }
}

/// Mexameter melanin index of the patient's normal skin (by Fitzpatrick type).
pub fn mexameter_baseline(patient: &Patient, p: &OutcomeParams) -> f64 {
    p.mexameter_mi_by_fitzpatrick[usize::from(patient.fitzpatrick.clamp(1, 6) - 1)]
}

/// Per-course risk of post-inflammatory hyperpigmentation, %, for this skin type and the
/// visible-erythema days of each session.
pub fn pih_risk_pct(fitzpatrick: u8, erythema_days: &[f64], p: &OutcomeParams) -> f64 {
    let rr = p.pih_relative_risk_by_fitzpatrick[usize::from(fitzpatrick.clamp(1, 6) - 1)];
    let clear: f64 = erythema_days
        .iter()
        .map(|&e| 1.0 - (p.pih_risk_per_session_ref * rr * e.max(0.0) / p.pih_reference_erythema_d).min(1.0))
        .product();
    100.0 * (1.0 - clear)
}

/// Melanin of the treated patch (Mexameter) and the risk of PIH.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MelaninReadout {
    /// Melanin index of the treated patch at baseline (normal skin of this Fitzpatrick type).
    pub melanin_index_baseline: f64,
    /// Melanin index of the treated patch at follow-up.
    pub melanin_index: f64,
    /// Highest melanin index of the treated patch during the course.
    pub melanin_index_peak: f64,
    /// Risk of post-inflammatory hyperpigmentation over the course, %.
    pub pih_risk_pct: f64,
}

/// Patch melanin index and PIH risk (inputs validated).
pub fn melanin_readout(
    course: &TissueCourse,
    patient: &Patient,
    barrier: &BarrierOutcome,
    p: &OutcomeParams,
) -> MelaninReadout {
    let mi0 = mexameter_baseline(patient, p);
    let m0 = course.melanin_rel[0];
    let n = course.len() - 1;
    let ery: Vec<f64> = barrier.sessions.iter().map(|s| s.erythema_visible_d).collect();
    MelaninReadout {
        melanin_index_baseline: mi0,
        melanin_index: (mi0 * course.melanin_rel[n] / m0).min(MEXAMETER_MAX),
        melanin_index_peak: (mi0 * course.melanin_rel.iter().copied().fold(m0, f64::max) / m0).min(MEXAMETER_MAX),
        pih_risk_pct: pih_risk_pct(patient.fitzpatrick, &ery, p),
    }
}
