//! Synthetic tissue courses for unit checks of the outcome mappings. Each kinetic constant is
//! stated with where its shape comes from; the per-session amplitudes (STANDARD) are chosen by
//! hand as described in docs/model/outcomes.md §9 — not fitted to the validation rows, but not
//! produced by the device and healing stages either, so a test on these courses is a unit check
//! of the mapping, never validation (issue 10, item 5; the validation is end to end,
//! `data/validation/`).
#![allow(dead_code, clippy::needless_range_loop)]

use mnsim_outcomes::*;

/// Collagen deposition time constant, d: a digitised rat-wound curve gives 78 % of the day-28
/// collagen at day 21 (healing-kinetics.md §1, secondary) → 1 − e^(−21/τ) = 0.78, τ ≈ 14 d.
pub const TAU_COLLAGEN_D: f64 = 14.0;
/// Transient collagen III pulse: rises with fibroblasts (≈ 3 d) and is replaced by type I by
/// ≈ week 2 (healing-kinetics.md §3).
pub const TAU_COL3_RISE_D: f64 = 3.0;
pub const TAU_COL3_FALL_D: f64 = 10.0;
/// Elastin accrues more slowly (assumed 30 d).
pub const TAU_ELASTIN_D: f64 = 30.0;
/// Barrier recovery time constant: TEWL back in 4–5 h after a roller (Kalluri 2011, RS03,
/// calibration) with the 10 % rule: τ = 4.5 h / ln 10.
pub const TAU_BARRIER_D: f64 = 4.5 / 24.0 / std::f64::consts::LN_10;
/// Inflammation rise (neutrophil arrival ≈ 2 h, Kim 2008 via healing-kinetics.md) and decay
/// (neutrophil removal 1.02 /d, Cooper et al. 2015 model).
pub const TAU_INFL_RISE_D: f64 = 2.0 / 24.0;
pub const TAU_INFL_DECAY_D: f64 = 1.0 / 1.02;

/// Per-session response amplitudes of a synthetic course.
#[derive(Clone, Copy, Debug)]
pub struct SessionResponse {
    /// Lasting collagen I gain per session (fraction of baseline).
    pub collagen_i: f64,
    /// Lasting collagen III gain per session.
    pub collagen_iii: f64,
    /// Transient collagen III pulse amplitude.
    pub collagen_iii_pulse: f64,
    /// Elastin gain per session.
    pub elastin: f64,
    /// Dermal thickening per session, µm.
    pub dermis_um: f64,
    /// Epidermal thickening per session, µm.
    pub epidermis_um: f64,
    /// Barrier loss right after the session (patch average, 0–1).
    pub barrier_loss: f64,
    /// Peak inflammation (1 = acute wound bed over the whole patch).
    pub inflammation_peak: f64,
    /// Change of basal melanin per session (fraction; negative = faster clearance).
    pub melanin: f64,
}

/// A "standard" 1.5 mm session on the face: amplitudes chosen by hand (docs/model/outcomes.md
/// §9), assumed, because the unit checks need a representative input of known size; the model's
/// own sessions give other amplitudes (e.g. a 1.5 mm roller: a few per cent of collagen).
pub const STANDARD: SessionResponse = SessionResponse {
    collagen_i: 0.03,
    collagen_iii: 0.03,
    collagen_iii_pulse: 0.15,
    elastin: 0.015,
    dermis_um: 12.0,
    epidermis_um: 2.0,
    barrier_loss: 0.5,
    inflammation_peak: 1.0,
    melanin: 0.0,
};

pub const NONE: SessionResponse = SessionResponse {
    collagen_i: 0.0,
    collagen_iii: 0.0,
    collagen_iii_pulse: 0.0,
    elastin: 0.0,
    dermis_um: 0.0,
    epidermis_um: 0.0,
    barrier_loss: 0.0,
    inflammation_peak: 0.0,
    melanin: 0.0,
};

fn rise(dt: f64, tau: f64) -> f64 {
    if dt <= 0.0 { 0.0 } else { 1.0 - (-dt / tau).exp() }
}

fn pulse(dt: f64, tr: f64, td: f64) -> f64 {
    if dt <= 0.0 {
        return 0.0;
    }
    // normalised to a peak of 1
    let tp = (td / tr).ln() * tr * td / (td - tr);
    let f = |t: f64| (-t / td).exp() - (-t / tr).exp();
    f(dt) / f(tp)
}

/// Time grid: 0.02 d steps for 5 days after each session, 0.5 d otherwise.
pub fn grid(sessions: &[f64], end_d: f64) -> Vec<f64> {
    let mut t = vec![];
    let mut x = 0.0;
    while x <= end_d + 1e-9 {
        t.push(x);
        let near = sessions.iter().any(|&s| x >= s - 1e-9 && x < s + 5.0);
        x += if near { 0.02 } else { 0.5 };
    }
    for &s in sessions {
        t.push(s);
    }
    t.sort_by(f64::total_cmp);
    t.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
    t
}

/// A course with the same response at every session.
pub fn course(sessions: &[f64], end_d: f64, r: SessionResponse, dermis_um: f64, epidermis_um: f64) -> TissueCourse {
    let t = grid(sessions, end_d);
    let n = t.len();
    let mut c = TissueCourse::unchanged(t.clone(), sessions.to_vec(), dermis_um, epidermis_um);
    for i in 0..n {
        let (mut c1, mut c3, mut el, mut h, mut e, mut b, mut inf, mut mel) =
            (1.0, 1.0, 1.0, dermis_um, epidermis_um, 1.0, 0.0, 1.0);
        for &s in sessions {
            let dt = t[i] - s;
            c1 += r.collagen_i * rise(dt, TAU_COLLAGEN_D);
            c3 += r.collagen_iii * rise(dt, TAU_COLLAGEN_D)
                + r.collagen_iii_pulse * pulse(dt, TAU_COL3_RISE_D, TAU_COL3_FALL_D);
            el += r.elastin * rise(dt, TAU_ELASTIN_D);
            h += r.dermis_um * rise(dt, TAU_COLLAGEN_D);
            e += r.epidermis_um * rise(dt, TAU_COLLAGEN_D);
            if dt >= 0.0 {
                b -= r.barrier_loss * (-dt / TAU_BARRIER_D).exp();
            }
            inf += r.inflammation_peak * pulse(dt, TAU_INFL_RISE_D, TAU_INFL_DECAY_D);
            mel += r.melanin * rise(dt, 40.0);
        }
        c.collagen_i_rel[i] = c1;
        c.collagen_iii_rel[i] = c3;
        c.elastin_rel[i] = el;
        c.dermal_thickness_um[i] = h;
        c.epidermal_thickness_um[i] = e;
        c.barrier_integrity[i] = b.clamp(0.0, 1.0);
        c.inflammation_rel[i] = inf;
        c.melanin_rel[i] = mel.max(1e-3);
    }
    c
}

pub fn patient(age_y: f64) -> Patient {
    Patient {
        age_y,
        fitzpatrick: 3,
        site: "cheek".into(),
        wrinkle_depth_um: None,
        roughness_ra_um: None,
        laxity_grade: None,
        texture_grade: None,
    }
}

pub fn inputs(course: TissueCourse, age_y: f64) -> OutcomeInputs {
    OutcomeInputs {
        course,
        delivery: DeliverySummary::default(),
        patient: patient(age_y),
        scar: None,
        striae: None,
        pigment: None,
    }
}

/// Monthly sessions.
pub fn monthly(n: usize) -> Vec<f64> {
    (0..n).map(|i| 30.0 * i as f64).collect()
}

/// Sessions every `every_d` days.
pub fn every(n: usize, every_d: f64) -> Vec<f64> {
    (0..n).map(|i| every_d * i as f64).collect()
}

/// Scale the per-session response (ensemble jitter).
pub fn scaled(r: SessionResponse, k: f64) -> SessionResponse {
    SessionResponse {
        collagen_i: r.collagen_i * k,
        collagen_iii: r.collagen_iii * k,
        collagen_iii_pulse: r.collagen_iii_pulse * k,
        elastin: r.elastin * k,
        dermis_um: r.dermis_um * k,
        epidermis_um: r.epidermis_um * k,
        barrier_loss: (r.barrier_loss * k).min(1.0),
        inflammation_peak: r.inflammation_peak * k,
        melanin: r.melanin * k,
    }
}
