//! Collagen and elastin (% change vs baseline, newly formed fraction) and layer thickness as
//! histology/OCT and 20–22 MHz HFUS would report it.
//!
//! ```text
//! C(t)      = (s_I·c_I(t) + s_III·c_III(t)) / (s_I + s_III)        total collagen, rel.
//! ΔC%       = 100·(C − 1);  likewise for c_I, c_III, elastin
//! share_III = 100·s_III·c_III / (s_I·c_I + s_III·c_III)            % of collagen
//! f_new     = N(t)/C(t), or, without N: max(0, C − e^{−ln2·(t−t0)/T½}) / C
//! h_HFUS    = h_dermis − max(0, echo − h_epidermis)                 dermis below the entry echo
//! ```

use crate::input::TissueCourse;
use crate::params::OutcomeParams;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Total collagen relative to baseline at each sample (type I and III weighted by their
/// baseline shares).
pub fn collagen_total_rel(course: &TissueCourse, p: &OutcomeParams) -> Vec<f64> {
    let (s1, s3) = (p.collagen_i_share, p.collagen_iii_share);
    course.collagen_i_rel.iter().zip(&course.collagen_iii_rel).map(|(c1, c3)| (s1 * c1 + s3 * c3) / (s1 + s3)).collect()
}

/// Collagen and elastin outcomes (histology: Masson trichrome / picrosirius / orcein image
/// analysis, as in El-Domyati et al. 2015).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MatrixOutcome {
    /// Total dermal collagen change at follow-up, %.
    pub collagen_change_pct: f64,
    /// Largest total collagen change during the course, %.
    pub collagen_peak_change_pct: f64,
    /// Collagen I change at follow-up, %.
    pub collagen_i_change_pct: f64,
    /// Collagen III change at follow-up, %.
    pub collagen_iii_change_pct: f64,
    /// Elastin change at follow-up, %.
    pub elastin_change_pct: f64,
    /// Collagen III share of collagen at baseline, %.
    pub collagen_iii_share_baseline_pct: f64,
    /// Collagen III share of collagen at follow-up, %.
    pub collagen_iii_share_pct: f64,
    /// Newly formed collagen as a share of all collagen at follow-up, %.
    pub new_collagen_fraction_pct: f64,
    /// Whether the new-collagen fraction was estimated from the net gain (no input series).
    pub new_collagen_estimated: bool,
    /// Total collagen change at each sample, % (time series on `times_d`).
    pub collagen_change_pct_series: Vec<f64>,
    /// Elastin change at each sample, %.
    pub elastin_change_pct_series: Vec<f64>,
}

fn pct(x: f64, base: f64) -> f64 {
    100.0 * (x / base - 1.0)
}

/// Compute the collagen and elastin outcomes (inputs validated).
pub fn matrix_outcome(course: &TissueCourse, p: &OutcomeParams) -> MatrixOutcome {
    let n = course.len() - 1;
    let c = collagen_total_rel(course, p);
    let (s1, s3) = (p.collagen_i_share, p.collagen_iii_share);
    let share = |i: usize| {
        let a = s1 * course.collagen_i_rel[i];
        let b = s3 * course.collagen_iii_rel[i];
        100.0 * b / (a + b)
    };
    let (f_new, estimated) = match &course.new_collagen_rel {
        Some(nw) => ((nw[n] / c[n]).clamp(0.0, 1.0), false),
        None => {
            let k = std::f64::consts::LN_2 / p.old_collagen_half_life_d;
            let old = (-k * (course.times_d[n] - course.times_d[0])).exp();
            (((c[n] - old) / c[n]).clamp(0.0, 1.0), true)
        }
    };
    MatrixOutcome {
        collagen_change_pct: pct(c[n], c[0]),
        collagen_peak_change_pct: c.iter().map(|x| pct(*x, c[0])).fold(f64::MIN, f64::max),
        collagen_i_change_pct: pct(course.collagen_i_rel[n], course.collagen_i_rel[0]),
        collagen_iii_change_pct: if course.collagen_iii_rel[0] > 0.0 {
            pct(course.collagen_iii_rel[n], course.collagen_iii_rel[0])
        } else {
            0.0
        },
        elastin_change_pct: if course.elastin_rel[0] > 0.0 {
            pct(course.elastin_rel[n], course.elastin_rel[0])
        } else {
            0.0
        },
        collagen_iii_share_baseline_pct: share(0),
        collagen_iii_share_pct: share(n),
        new_collagen_fraction_pct: 100.0 * f_new,
        new_collagen_estimated: estimated,
        collagen_change_pct_series: c.iter().map(|x| pct(*x, c[0])).collect(),
        elastin_change_pct_series: course
            .elastin_rel
            .iter()
            .map(|x| if course.elastin_rel[0] > 0.0 { pct(*x, course.elastin_rel[0]) } else { 0.0 })
            .collect(),
    }
}

/// Layer thickness outcomes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ThicknessOutcome {
    /// Dermis at baseline (histology / OCT, in vivo), µm.
    pub dermis_baseline_um: f64,
    /// Dermis at follow-up, µm.
    pub dermis_um: f64,
    /// Dermis change, %.
    pub dermis_change_pct: f64,
    /// Dermis as 20–22 MHz HFUS reports it (below the entry echo) at baseline, µm.
    pub dermis_hfus_baseline_um: f64,
    /// Same at follow-up, µm.
    pub dermis_hfus_um: f64,
    /// HFUS dermis change, %.
    pub dermis_hfus_change_pct: f64,
    /// Epidermis (histology / OCT) at baseline, µm.
    pub epidermis_baseline_um: f64,
    /// Epidermis at follow-up, µm.
    pub epidermis_um: f64,
    /// Epidermis change, %.
    pub epidermis_change_pct: f64,
}

/// Dermal thickness below a 20–22 MHz HFUS entry echo, µm.
pub fn hfus_dermis_um(dermis_um: f64, epidermis_um: f64, p: &OutcomeParams) -> f64 {
    (dermis_um - (p.hfus_entry_echo_um - epidermis_um).max(0.0)).max(0.0)
}

/// Compute the thickness outcomes (inputs validated).
pub fn thickness_outcome(course: &TissueCourse, p: &OutcomeParams) -> ThicknessOutcome {
    let n = course.len() - 1;
    let (d0, d1) = (course.dermal_thickness_um[0], course.dermal_thickness_um[n]);
    let (e0, e1) = (course.epidermal_thickness_um[0], course.epidermal_thickness_um[n]);
    let (h0, h1) = (hfus_dermis_um(d0, e0, p), hfus_dermis_um(d1, e1, p));
    ThicknessOutcome {
        dermis_baseline_um: d0,
        dermis_um: d1,
        dermis_change_pct: pct(d1, d0),
        dermis_hfus_baseline_um: h0,
        dermis_hfus_um: h1,
        dermis_hfus_change_pct: if h0 > 0.0 { pct(h1, h0) } else { 0.0 },
        epidermis_baseline_um: e0,
        epidermis_um: e1,
        epidermis_change_pct: pct(e1, e0),
    }
}
