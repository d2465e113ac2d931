//! Time stepping of a transport run, as [`crate::simulate`] drives it: each step is the
//! second-order extrapolated implicit Euler step [`Solver::step_extrapolated`] (the default
//! [`TimeScheme::Extrapolated`]; one full and two half LOD backward-Euler steps, each with the
//! channels' resealing and the vehicle's evaporation applied at its end), or one backward-Euler
//! step [`Solver::step`] ([`TimeScheme::BackwardEuler`], first order), then the adaptive
//! step-size control. Public so the
//! manufactured-solution tests (`tests/production_mms.rs`) drive the very same loop, with an
//! optional explicit forcing (a source split step) that costs one `Option` test per step when
//! unused.

use crate::solver::{ExtrapolatedStep, Solver};
use crate::spec::TransportSettings;

/// Time-dependent inputs of a run: channel resealing φ(t) = φ₀·2^(−(t + delay)/t½) and
/// vehicle evaporation V(t) = max(V₀ − e·t, V_min).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Schedule {
    /// Channel voxels present (resealing coefficients are updated every step).
    pub has_channels: bool,
    /// Closure half-life of the channels, s.
    pub half_life_s: f64,
    /// Age of the channels at time 0 (application delay), s.
    pub delay_s: f64,
    /// Finite dose: the vehicle volume follows the evaporation law.
    pub finite_vehicle: bool,
    /// Vehicle volume at time 0, µm (µm³/µm²).
    pub v0_um: f64,
    /// Evaporation rate, µm/s.
    pub evaporation_um_per_s: f64,
    /// Non-volatile floor of the vehicle volume, µm.
    pub v_min_um: f64,
}

impl Schedule {
    /// Relative open fraction f(t) = 2^(−(t + delay)/t½) of the channels at time `t_s`.
    pub fn open_fraction(&self, t_s: f64) -> f64 {
        (-(t_s + self.delay_s) * std::f64::consts::LN_2 / self.half_life_s).exp()
    }

    /// Vehicle volume at time `t_s`, µm.
    pub fn vehicle_volume(&self, t_s: f64) -> f64 {
        (self.v0_um - self.evaporation_um_per_s * t_s).max(self.v_min_um)
    }
}

/// An explicit forcing applied before each implicit step: `f(solver, t_new_s, h_s)` (used by
/// the manufactured-solution tests to add `h·S(t + h)`; `None` in production).
pub type Forcing<'a> = &'a mut dyn FnMut(&mut Solver, f64, f64);

/// Time integrator of [`StepControl::advance_to`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeScheme {
    /// Lie-split backward Euler, one implicit step per step: first order.
    BackwardEuler,
    /// Richardson-extrapolated backward Euler ([`Solver::step_extrapolated`]): second order,
    /// L-stable, positive (clip or fallback, counted), conservative; three sweep sets per step.
    #[default]
    Extrapolated,
}

/// Adaptive step-size control (the same for both [`TimeScheme`]s) on the cumulative delivered
/// (past the SC) and uptake amounts: local error of backward Euler ≈ h/2·|Δrate| relative to
/// the amount (floored at 10⁻⁶ of the dose; with the extrapolated step this bounds the
/// first-order error that the extrapolation removes, as in local extrapolation), step factor 0.9·√(tol/err) clamped to [0.5, `dt_growth`], step in
/// [min(`dt_initial_s`, 10⁻³), `dt_max_s`], and at most t½/8 while channels are more than 0.1 %
/// open.
#[derive(Debug, Clone, PartialEq)]
pub struct StepControl {
    /// Time reached, s.
    pub t_s: f64,
    /// Next proposed step, s.
    pub dt_s: f64,
    /// Last step taken, s.
    pub last_h_s: f64,
    /// Steps taken.
    pub steps: usize,
    /// Time integrator (default: second order).
    pub scheme: TimeScheme,
    /// Extrapolated steps whose undershoot was clipped (second order kept).
    pub clipped_steps: usize,
    /// Extrapolated steps that fell back to backward Euler (first order).
    pub fallback_steps: usize,
    floor: f64,
    d_prev: f64,
    u_prev: f64,
    rates_prev: Option<(f64, f64)>,
}

impl StepControl {
    /// Start at t = 0 with `settings.dt_initial_s`; `dose` (amount per area, solver units) sets
    /// the floor of the relative error.
    pub fn new(settings: &TransportSettings, dose: f64) -> StepControl {
        StepControl {
            t_s: 0.0,
            dt_s: settings.dt_initial_s,
            last_h_s: settings.dt_initial_s,
            steps: 0,
            scheme: TimeScheme::default(),
            clipped_steps: 0,
            fallback_steps: 0,
            floor: 1e-6 * dose.max(1e-300),
            d_prev: 0.0,
            u_prev: 0.0,
            rates_prev: None,
        }
    }

    /// Advance `s` to `target_s` (steps end exactly on it).
    pub fn advance_to(
        &mut self,
        s: &mut Solver,
        target_s: f64,
        sched: &Schedule,
        set: &TransportSettings,
        mut forcing: Option<Forcing>,
    ) {
        // open fraction the channel voxels were last set to in this call
        let mut applied_f: Option<f64> = None;
        while self.t_s < target_s - 1e-9 {
            let t = self.t_s;
            let mut h = self.dt_s.min(target_s - t);
            if target_s - t - h < 0.05 * h {
                h = target_s - t;
            }
            let mut prepare = |s: &mut Solver, t_end: f64, h_sub: f64| {
                if sched.has_channels {
                    // the full step of the extrapolated step ends where the second half step
                    // did: the channels are already set for that time
                    let f = sched.open_fraction(t + t_end);
                    if applied_f != Some(f) {
                        s.apply_channels(f);
                        applied_f = Some(f);
                    }
                }
                if sched.finite_vehicle {
                    s.vehicle.volume_um = sched.vehicle_volume(t + t_end);
                }
                if let Some(f) = forcing.as_mut() {
                    f(s, t + t_end, h_sub);
                }
            };
            match self.scheme {
                TimeScheme::BackwardEuler => {
                    prepare(s, h, h);
                    s.step(h);
                }
                TimeScheme::Extrapolated => match s.step_extrapolated(h, prepare) {
                    ExtrapolatedStep::Clean => {}
                    ExtrapolatedStep::Clipped => self.clipped_steps += 1,
                    ExtrapolatedStep::Fallback => self.fallback_steps += 1,
                },
            }
            self.t_s = t + h;
            self.last_h_s = h;
            self.steps += 1;
            self.control(s, h, sched, set);
        }
    }

    fn control(&mut self, s: &Solver, h: f64, sched: &Schedule, set: &TransportSettings) {
        let a = &s.acc;
        let delivered = a.layer[1..].iter().sum::<f64>() + a.cleared + a.sunk;
        let uptake = a.uptake;
        let rd = (delivered - self.d_prev) / h;
        let ru = (uptake - self.u_prev) / h;
        let mut err: f64 = 0.0;
        if let Some((p, q)) = self.rates_prev {
            err = err.max(0.5 * h * (rd - p).abs() / (delivered + self.floor));
            err = err.max(0.5 * h * (ru - q).abs() / (uptake + self.floor));
        }
        self.rates_prev = Some((rd, ru));
        self.d_prev = delivered;
        self.u_prev = uptake;
        let fac =
            if err > 0.0 { (0.9 * (set.tolerance / err).sqrt()).clamp(0.5, set.dt_growth) } else { set.dt_growth };
        let mut dt = (h.max(self.dt_s * 0.5) * fac).clamp(set.dt_initial_s.min(1e-3), set.dt_max_s);
        if sched.has_channels && sched.open_fraction(self.t_s) > 1e-3 {
            dt = dt.min(sched.half_life_s / 8.0);
        }
        self.dt_s = dt;
    }
}
