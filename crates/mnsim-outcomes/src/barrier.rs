//! Barrier and downtime: TEWL over time and its recovery time after each session, and days of
//! visible erythema from the inflammation course.
//!
//! ```text
//! TEWL(t)   = TEWL0·(1 + g·(1 − b(t)))                  g·m⁻²·h⁻¹ (evaporimeter)
//! recovery  = time from the session until TEWL − TEWL0 ≤ f·(peak − TEWL0)
//! Δa*(t)    = k_a·I(t)                                   redness (colorimeter, CIELAB a*)
//! erythema  = time with I(t) > θ_visible (per session window); measurable: I > θ_measurable
//! ```

use crate::input::TissueCourse;
use crate::params::OutcomeParams;
use crate::series::{duration_above, recovery_time, session_window};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// TEWL, g·m⁻²·h⁻¹, for a barrier integrity `b` (0–1).
pub fn tewl_g_m2_h(b: f64, p: &OutcomeParams) -> f64 {
    p.tewl_baseline_g_m2_h * (1.0 + p.tewl_open_gain * (1.0 - b).max(0.0))
}

/// Barrier and downtime figures of one session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SessionBarrier {
    /// Session index (0-based).
    pub session: usize,
    /// Session time, d.
    pub t_d: f64,
    /// Peak TEWL after the session, g·m⁻²·h⁻¹.
    pub tewl_peak_g_m2_h: f64,
    /// Time until the TEWL excess is back below the recovered fraction of its peak, h (window:
    /// from the session to the last sample before the next one).
    pub tewl_recovery_h: f64,
    /// The window to the next session (or the end) ended before recovery.
    pub tewl_recovery_censored: bool,
    /// Days of visible erythema after the session.
    pub erythema_visible_d: f64,
    /// Days of colorimetrically measurable erythema after the session.
    pub erythema_measurable_d: f64,
    /// Peak Δa* after the session.
    pub erythema_peak_delta_a: f64,
}

/// Barrier and downtime outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BarrierOutcome {
    /// Resting TEWL, g·m⁻²·h⁻¹.
    pub tewl_baseline_g_m2_h: f64,
    /// Per session.
    pub sessions: Vec<SessionBarrier>,
    /// Largest TEWL over the course, g·m⁻²·h⁻¹.
    pub tewl_peak_g_m2_h: f64,
    /// Longest TEWL recovery over the sessions, h.
    pub tewl_recovery_h: f64,
    /// Longest visible-erythema period over the sessions, d (downtime per session).
    pub erythema_visible_d: f64,
    /// Total visible-erythema days over the course, d.
    pub erythema_visible_total_d: f64,
    /// TEWL at each sample, g·m⁻²·h⁻¹.
    pub tewl_series: Vec<f64>,
    /// Δa* at each sample.
    pub delta_a_series: Vec<f64>,
}

/// Compute the barrier outcome (inputs validated).
pub fn barrier_outcome(course: &TissueCourse, p: &OutcomeParams) -> BarrierOutcome {
    let t = &course.times_d;
    let t_end = t[t.len() - 1];
    let tewl: Vec<f64> = course.barrier_integrity.iter().map(|&b| tewl_g_m2_h(b, p)).collect();
    let excess: Vec<f64> = tewl.iter().map(|x| x - p.tewl_baseline_g_m2_h).collect();
    let infl = &course.inflammation_rel;
    let mut sessions = vec![];
    for (s, _) in course.session_days.iter().enumerate() {
        let (a, b) = session_window(t, &course.session_days, s);
        // peak excess in the window (samples and window edges)
        let mut peak = crate::series::interp(t, &excess, a).max(crate::series::interp(t, &excess, b));
        let mut ipk = crate::series::interp(t, infl, a).max(crate::series::interp(t, infl, b));
        for (i, &ti) in t.iter().enumerate() {
            if ti >= a && ti <= b {
                peak = peak.max(excess[i]);
                ipk = ipk.max(infl[i]);
            }
        }
        let (rec, censored) =
            if peak > 0.0 { recovery_time(t, &excess, p.tewl_recovered_fraction * peak, a, b) } else { (0.0, false) };
        sessions.push(SessionBarrier {
            session: s,
            t_d: a,
            tewl_peak_g_m2_h: p.tewl_baseline_g_m2_h + peak,
            tewl_recovery_h: 24.0 * rec,
            tewl_recovery_censored: censored,
            erythema_visible_d: duration_above(t, infl, p.erythema_visible_threshold, a, b),
            erythema_measurable_d: duration_above(t, infl, p.erythema_measurable_threshold, a, b),
            erythema_peak_delta_a: p.erythema_a_star_per_unit * ipk,
        });
    }
    let maxf = |f: fn(&SessionBarrier) -> f64| sessions.iter().map(f).fold(0.0, f64::max);
    BarrierOutcome {
        tewl_baseline_g_m2_h: p.tewl_baseline_g_m2_h,
        tewl_peak_g_m2_h: tewl.iter().copied().fold(p.tewl_baseline_g_m2_h, f64::max),
        tewl_recovery_h: maxf(|s| s.tewl_recovery_h),
        erythema_visible_d: maxf(|s| s.erythema_visible_d),
        erythema_visible_total_d: duration_above(t, infl, p.erythema_visible_threshold, t[0], t_end),
        delta_a_series: infl.iter().map(|x| p.erythema_a_star_per_unit * x).collect(),
        tewl_series: tewl,
        sessions,
    }
}
