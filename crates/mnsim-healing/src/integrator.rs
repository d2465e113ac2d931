//! Stiff integration of the local kinetics of each tissue cell with diffsol's ESDIRK34 (an
//! L-stable, stiffly accurate singly diagonally implicit Runge–Kutta method of order 3 with an
//! embedded error estimate; dense nalgebra matrices, LU), adaptive in step, to an exact stop
//! time.
//!
//! The kinetics are autonomous, so every cell is integrated from t = 0 to t = Δt of the current
//! splitting step. Each compartment is integrated in its own compact system of the variables
//! active there (`active_indices`: 21 of the 28 in connective tissue, 17 in the epidermis),
//! the others held. Two diffsol problems (one per compartment) are built per worker and reused
//! for every cell it handles: the per-cell parameters and initial state are read from a shared
//! context by the closures. The Jacobian–vector product is a forward difference of the
//! right-hand side, J·v ≈ [f(y + εv) − f(y)] / ε with ε = √(machine ε)·max(1, ‖y‖∞)/‖v‖∞;
//! diffsol builds the dense Jacobian column by column from it, so f(y) is kept between the
//! calls at the same y.
//!
//! Why a one-step method: every splitting step restarts the integration of every cell (the
//! transport half-steps change its state in between), and a restarted BDF climbs from order 1
//! with small steps each time (14.5 steps per cell solve on the bench course, against 2.7 for
//! ESDIRK34 with carried step sizes). Each cell's last accepted step size is carried to its
//! next solve ([`CellStep`]), so a cell does not estimate its first step again every splitting
//! step. Measured on `mnsim bench healing` (docs/PERFORMANCE.md § Healing integrator).

use crate::reaction::{CellParams, rhs};
use crate::settings::Rates;
use crate::state::{Compartment, NSTATES, Var, is_active};
use diffsol::{
    NalgebraContext, NalgebraLU, NalgebraMat, NalgebraVec, OdeBuilder, OdeEquationsImplicit, OdeSolverMethod,
    OdeSolverProblem, OdeSolverState, OdeSolverStopReason, RkState, VectorCommon,
};
use std::cell::RefCell;
use std::rc::Rc;

struct Ctx {
    rates: Rates,
    cell: CellParams,
    y0: [f64; NSTATES],
    /// Indices of the variables integrated for this cell's compartment ([`active_indices`]).
    active: &'static [usize],
    /// The compact state at which `f0` was last evaluated by the Jacobian–vector product, and
    /// the compact f there (first `active.len()` entries).
    jv_at: Option<([f64; NSTATES], [f64; NSTATES])>,
}

impl Ctx {
    /// Right-hand side on the compact state `x` of the cell's compartment: the full state is
    /// the cell's state at the start of the solve with the active entries from `x`.
    fn rhs_compact(&self, x: &[f64], dx: &mut [f64]) {
        let mut full = self.y0;
        for (k, &i) in self.active.iter().enumerate() {
            full[i] = x[k];
        }
        let mut dfull = [0.0; NSTATES];
        rhs(&self.rates, &self.cell, &full, &mut dfull);
        for (k, &i) in self.active.iter().enumerate() {
            dx[k] = dfull[i];
        }
    }
}

/// Order of the ESDIRK34 method, for diffsol's first-step estimate.
const ESDIRK34_ORDER: usize = 3;

/// A cell's step size carried from one splitting step to the next, days (0 = none yet: the
/// solver estimates its first step, Hairer et al. II.4.2, as diffsol does).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CellStep {
    /// Last accepted step size of the cell's previous solve, d.
    pub h_d: f64,
}

/// Counters of the work done by the stiff integrator.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SolverStats {
    /// Cell integrations (one per cell per splitting step that needed one).
    pub cell_solves: u64,
    /// Cell integrations skipped because the cell was at rest (‖f(y)‖∞ < atol·1e-3 at step start).
    pub cell_skips: u64,
    /// Integrator steps accepted.
    pub steps: u64,
    /// Error-test failures.
    pub error_test_failures: u64,
}

impl SolverStats {
    /// Accumulate another counter.
    pub fn add(&mut self, o: &SolverStats) {
        self.cell_solves += o.cell_solves;
        self.cell_skips += o.cell_skips;
        self.steps += o.steps;
        self.error_test_failures += o.error_test_failures;
    }
}

/// Integrate one cell over `dt_d` days from `y` (in place). Returns stats, or the solver's error.
pub type CellResult = Result<SolverStats, String>;

/// The state variables integrated in a cell of each compartment (the others have dy = 0 there,
/// [`crate::state::is_active`]), as indices into the full state: each compartment is integrated
/// in its own, smaller system (21 of the 28 variables in connective tissue, 17 in the
/// epidermis), which the dense LU factorises in (21/28)³ ≈ 0.42 and (17/28)³ ≈ 0.22 of the
/// full system's work; the inactive entries keep their values.
fn active_indices(comp: Compartment) -> &'static [usize] {
    static ACTIVE: std::sync::LazyLock<[Vec<usize>; 2]> = std::sync::LazyLock::new(|| {
        [Compartment::Connective, Compartment::Epidermis]
            .map(|comp| Var::ALL.iter().filter(|&&v| is_active(comp, v)).map(|v| v.index()).collect())
    });
    match comp {
        Compartment::Connective => &ACTIVE[0],
        Compartment::Epidermis => &ACTIVE[1],
    }
}

/// The diffsol problem of one compartment's compact state (see [`active_indices`]).
fn build_problem(
    ctx: &Rc<RefCell<Ctx>>,
    n: usize,
    rtol: f64,
    atol: f64,
) -> OdeSolverProblem<impl OdeEquationsImplicit<T = f64, V = NalgebraVec<f64>, M = NalgebraMat<f64>, C = NalgebraContext>>
{
    let (c1, c2, c3) = (ctx.clone(), ctx.clone(), ctx.clone());
    OdeBuilder::<NalgebraMat<f64>>::new()
        .rtol(rtol)
        .atol([atol])
        .rhs_implicit(
            move |x: &[f64], _p: &[f64], _t: f64, y: &mut [f64]| {
                let c = c1.borrow();
                c.rhs_compact(x, y);
            },
            move |x: &[f64], _p: &[f64], _t: f64, v: &[f64], y: &mut [f64]| {
                let mut c = c2.borrow_mut();
                let vmax = v.iter().fold(0.0f64, |a, b| a.max(b.abs()));
                if vmax == 0.0 {
                    y.fill(0.0);
                    return;
                }
                let xmax = x.iter().fold(1.0f64, |a, b| a.max(b.abs()));
                let eps = f64::EPSILON.sqrt() * xmax / vmax;
                let n = x.len();
                let mut xp = [0.0; NSTATES];
                for i in 0..n {
                    xp[i] = x[i] + eps * v[i];
                }
                let f0 = match c.jv_at {
                    Some((at, f0)) if at[..n] == x[..] => f0,
                    _ => {
                        let mut f0 = [0.0; NSTATES];
                        c.rhs_compact(x, &mut f0[..n]);
                        let mut at = [0.0; NSTATES];
                        at[..n].copy_from_slice(x);
                        c.jv_at = Some((at, f0));
                        f0
                    }
                };
                c.rhs_compact(&xp[..n], y);
                for i in 0..n {
                    y[i] = (y[i] - f0[i]) / eps;
                }
            },
        )
        .init(
            move |_p: &[f64], _t: f64, y: &mut [f64]| {
                // (called once at build with another compartment's indices: only the first n)
                let c = c3.borrow();
                for (yk, &i) in y.iter_mut().zip(c.active) {
                    *yk = c.y0[i];
                }
            },
            n,
        )
        .build()
        .expect("healing ODE problem is well formed")
}

/// Build a worker-local integrator and run `f` with a closure that integrates one cell.
///
/// `with_integrator(rates, rtol, atol, |solve| { ... solve(&cell, &mut y, dt, &mut step) ... })`.
pub fn with_integrator<R>(
    rates: &Rates,
    rtol: f64,
    atol: f64,
    body: impl FnOnce(&mut dyn FnMut(&CellParams, &mut [f64; NSTATES], f64, &mut CellStep) -> CellResult) -> R,
) -> R {
    let ctx = Rc::new(RefCell::new(Ctx {
        rates: rates.clone(),
        cell: CellParams::resting(Compartment::Connective),
        y0: [0.0; NSTATES],
        active: active_indices(Compartment::Connective),
        jv_at: None,
    }));
    let problem_c = build_problem(&ctx, active_indices(Compartment::Connective).len(), rtol, atol);
    let problem_e = build_problem(&ctx, active_indices(Compartment::Epidermis).len(), rtol, atol);
    let mut solve = |cell: &CellParams, y: &mut [f64; NSTATES], dt: f64, step: &mut CellStep| -> CellResult {
        let problem = match cell.comp {
            Compartment::Connective => &problem_c,
            Compartment::Epidermis => &problem_e,
        };
        let active = active_indices(cell.comp);
        {
            let mut c = ctx.borrow_mut();
            c.cell = *cell;
            c.y0 = *y;
            c.active = active;
            c.jv_at = None;
        }
        let err = |e: diffsol::error::DiffsolError| e.to_string();
        let mut state = RkState::new_without_initialise(&problem).map_err(err)?;
        if step.h_d > 0.0 {
            *state.as_mut().h = step.h_d.min(dt);
        } else {
            state.as_mut().set_step_size(problem.h0, &problem.atol, problem.rtol, &problem.eqn, ESDIRK34_ORDER);
        }
        let mut solver = problem.esdirk34_solver::<NalgebraLU<f64>>(state).map_err(err)?;
        solver.set_stop_time(dt).map_err(err)?;
        // carried: the largest step proposed before the stop time clipped the last one
        let mut h_next = 0.0f64;
        loop {
            match solver.step().map_err(err)? {
                OdeSolverStopReason::TstopReached => break,
                _ => h_next = h_next.max(solver.state().h),
            }
        }
        let out = solver.state().y.inner().as_slice();
        for (k, &i) in active.iter().enumerate() {
            let v = out[k];
            if !v.is_finite() {
                return Err(format!("non-finite state entry {i}"));
            }
            // Project onto the non-negative orthant (all quantities are densities).
            y[i] = v.max(0.0);
        }
        step.h_d = if h_next > 0.0 { h_next } else { solver.state().h.max(dt) };
        let st = solver.get_statistics();
        Ok(SolverStats {
            cell_solves: 1,
            cell_skips: 0,
            steps: st.number_of_steps as u64,
            error_test_failures: st.number_of_error_test_failures as u64,
        })
    };
    body(&mut solve)
}
