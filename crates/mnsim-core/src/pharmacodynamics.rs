//! The direct E_max model shared by every active with a dose–response (the depigmenting actives
//! of `mnsim-outcomes`, the healing actives of `mnsim-healing`), and the area of its effect over
//! a sampled concentration course.
//!
//! ```text
//! E(u)  = E_max·u/(u + EC50)                    u: free concentration, µg/mL (u ≤ 0 or NaN: 0)
//! A     = ∫ E(u(t)) dt                           trapezoid over the samples, from u = 0 at t = 0
//! tail  = (E_max/k)·ln(1 + u_end/EC50)           ∫ of E over an exponential decay u_end·e^(−k t)
//! ```
//!
//! The tail is exact: with u = u_end·e^(−k t), E = E_max·u/(u + EC50) integrates to
//! (E_max/k)·ln((u_end + EC50)/EC50).
//!
//! ```
//! use mnsim_core::pharmacodynamics::{emax, emax_exposure_d};
//! assert_eq!(emax(2.0, 0.5, 2.0), 0.25); // half of E_max at EC50
//! // one day at a constant EC50, no tail: E_max/2 × 1 d
//! let a = emax_exposure_d(&[0.0, 24.0], &[2.0, 2.0], f64::INFINITY, 0.5, 2.0);
//! assert!((a - 0.25).abs() < 1e-12);
//! ```

/// E_max·u/(u + EC50) at free concentration `u_ug_per_ml` (a negative or non-finite
/// concentration counts as 0; `ec50_ug_per_ml` > 0).
pub fn emax(u_ug_per_ml: f64, e_max: f64, ec50_ug_per_ml: f64) -> f64 {
    let u = if u_ug_per_ml.is_finite() { u_ug_per_ml.max(0.0) } else { 0.0 };
    e_max * u / (u + ec50_ug_per_ml)
}

/// ∫ E(u(t)) dt over the samples `(times_h, u_ug_per_ml)` for any effect `effect(u)` with
/// effect(0) = 0: trapezoid, from u = 0 at t = 0 unless the first sample is at 0. Returns hours.
pub fn effect_area_h(times_h: &[f64], u_ug_per_ml: &[f64], effect: impl Fn(f64) -> f64) -> f64 {
    let mut area_h = 0.0;
    let (mut t0, mut e0) = (0.0, 0.0);
    for (&t, &u) in times_h.iter().zip(u_ug_per_ml) {
        let (t1, e1) = (t.max(t0), effect(u));
        area_h += 0.5 * (e0 + e1) * (t1 - t0);
        (t0, e0) = (t1, e1);
    }
    area_h
}

/// Steps of [`decay_tail_h`]'s quadrature in s = k·t: midpoints 0.05 apart up to s = 40
/// (e^−40 ≈ 4·10⁻¹⁸ of the starting concentration is left), chosen for a relative error below
/// 10⁻³ on a saturating effect (tested against the closed form of E_max).
const TAIL_STEP: f64 = 0.05;
const TAIL_STEPS: usize = 800;

/// ∫₀^∞ effect(u_end·e^(−k t)) dt of an exponential decay at rate `rate_per_h` (hours; 0 for a
/// rate that is not finite and positive), by the midpoint rule in s = k t, for an effect with
/// no closed form.
pub fn decay_tail_h(u_end_ug_per_ml: f64, rate_per_h: f64, effect: impl Fn(f64) -> f64) -> f64 {
    if !(rate_per_h.is_finite() && rate_per_h > 0.0) {
        return 0.0;
    }
    let s: f64 = (0..TAIL_STEPS).map(|i| effect(u_end_ug_per_ml * (-(i as f64 + 0.5) * TAIL_STEP).exp())).sum();
    s * TAIL_STEP / rate_per_h
}

/// Effect-days of one exposure: ∫ E(u(t)) dt over the samples `(times_h, u_ug_per_ml)`
/// ([`effect_area_h`]), plus the exact tail of an exponential decay of rate `tail_rate_per_h`
/// after the last sample (no tail for a rate that is not finite and positive). Returns days.
pub fn emax_exposure_d(
    times_h: &[f64],
    u_ug_per_ml: &[f64],
    tail_rate_per_h: f64,
    e_max: f64,
    ec50_ug_per_ml: f64,
) -> f64 {
    let n = times_h.len().min(u_ug_per_ml.len());
    if n == 0 {
        return 0.0;
    }
    let mut area_h = effect_area_h(&times_h[..n], &u_ug_per_ml[..n], |u| emax(u, e_max, ec50_ug_per_ml));
    let u_end = if u_ug_per_ml[n - 1].is_finite() { u_ug_per_ml[n - 1].max(0.0) } else { 0.0 };
    if tail_rate_per_h.is_finite() && tail_rate_per_h > 0.0 {
        area_h += e_max / tail_rate_per_h * (u_end / ec50_ug_per_ml).ln_1p();
    }
    area_h / 24.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_matches_a_fine_quadrature_of_the_decay() {
        let (e_max, ec50, u_end, k) = (0.7, 3.0, 10.0, 0.2);
        let tail = emax_exposure_d(&[0.0], &[u_end], k, e_max, ec50) * 24.0;
        let (mut s, dt) = (0.0, 1e-3);
        let mut t = 0.5 * dt;
        while t < 200.0 {
            s += emax(u_end * (-k * t).exp(), e_max, ec50) * dt;
            t += dt;
        }
        assert!((tail - s).abs() < 1e-6 * s, "{tail} vs {s}");
        let numeric = decay_tail_h(u_end, k, |u| emax(u, e_max, ec50));
        assert!((numeric - tail).abs() < 1e-3 * tail, "{numeric} vs {tail}");
        assert_eq!(decay_tail_h(u_end, f64::INFINITY, |u| u), 0.0);
    }

    #[test]
    fn bad_concentrations_count_as_zero_and_area_is_monotone() {
        assert_eq!(emax(f64::NAN, 1.0, 1.0), 0.0);
        assert_eq!(emax(-3.0, 1.0, 1.0), 0.0);
        let mut last = 0.0;
        for f in [0.0, 0.5, 1.0, 4.0, 100.0] {
            let a = emax_exposure_d(&[1.0, 6.0, 24.0], &[f, 2.0 * f, f], 0.1, 0.5, 1.0);
            assert!(a.is_finite() && a >= last, "{f}: {a}");
            last = a;
        }
        assert_eq!(emax_exposure_d(&[], &[], 0.1, 0.5, 1.0), 0.0);
    }
}
