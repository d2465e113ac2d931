//! Calibration: fit the parameters that calibration cases set (`data/calibration.toml`,
//! [`mnsim_scenario::calibrated`]) on those cases, end to end through [`mnsim_sim::run`].
//!
//! Objective of a block of parameters θ (equations also in docs/VALIDATION.md § Calibration):
//!
//! J(θ) = Σᵢ rᵢ(θ)²,  rᵢ = (mᵢ(θ) − tᵢ) / sᵢ,
//!
//! over the cases i that inform the block, with mᵢ the model's value of the case's quantity,
//! tᵢ the published point value (else the middle of the published range) and sᵢ its spread
//! (half the published range or 1 SD; else half the pass band). Parameters that share a case
//! form one block and are fitted jointly; a block of one parameter is fitted by Brent's method
//! on its bounds, a larger block by Nelder–Mead on the box scaled to [0, 1]ⁿ (argmin).
//!
//! Identifiability, per parameter at the fit: the sensitivities Sᵢⱼ = ∂rᵢ/∂ln θⱼ by central
//! differences of relative step [`PROFILE_STEP`], the Gauss–Newton standard error of ln θ,
//! SE = √diag((SᵀS)⁻¹) (the spread sᵢ read as one standard deviation), and the profile of J at
//! θ(1 ± h). A parameter whose SE exceeds [`MAX_RELATIVE_SE`] is flagged poorly identified.
//!
//! Only cases with `role = "calibration"` are read: naming any other is an error
//! ([`CalibrateError::NotCalibration`]), so validation cases never inform a fit.

use crate::validate::{Case, LoadedCase, Role, in_band, model_value};
use argmin::core::{CostFunction, Executor, State};
use argmin::solver::brent::BrentOpt;
use argmin::solver::neldermead::NelderMead;
use mnsim_scenario::Edit;
use mnsim_scenario::calibrated::{CalibrationSpec, round_significant};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use thiserror::Error;

/// Relative step of θ for the sensitivities and the profile. Assumed: 5 % is large enough to
/// step over the read-out noise of threshold-crossing quantities (times read by interpolation
/// between solver steps) and small enough for a local slope.
pub const PROFILE_STEP: f64 = 0.05;
/// Largest Gauss–Newton standard error of ln θ for a parameter to count as identified by its
/// cases. Assumed: above 0.5 the cases allow θ to vary by a factor e^0.5 ≈ 1.6 within one
/// spread, so they do not pin it.
pub const MAX_RELATIVE_SE: f64 = 0.5;
/// Most iterations of one block's optimiser. Assumed: the shipped fits take 6–11 Brent
/// iterations; 200 leaves room for a Nelder–Mead block of a few parameters (≈ 20–50 per
/// parameter) and bounds the cost of a case that does not converge (reported as not converged).
pub const MAX_ITERATIONS: u64 = 200;
/// Relative tolerance on θ of Brent's method (well below the 3 significant digits written).
pub const BRENT_RELATIVE_TOLERANCE: f64 = 1e-5;
/// Standard deviation of the Nelder–Mead simplex's objective values at which it stops. Assumed:
/// J is a sum of squared residuals in units of the published spread, so 10⁻¹⁰ is far below any
/// difference a case can tell apart.
pub const SIMPLEX_SD_TOLERANCE: f64 = 1e-10;
/// Edge of the initial Nelder–Mead simplex in the unit cube (10 % of each parameter's range).
/// Assumed: large enough to leave the read-out noise of a threshold quantity, small enough to
/// stay in the start's basin.
pub const SIMPLEX_STEP: f64 = 0.1;

/// Why a calibration cannot run.
#[derive(Debug, Clone, Error, PartialEq)]
#[non_exhaustive]
pub enum CalibrateError {
    /// A case named in the calibration file is not among the cases given.
    #[error("calibration file: parameter or constant `{entry}` names case `{id}`, which is not among the case files")]
    MissingCase {
        /// The parameter key or constant name.
        entry: String,
        /// The case id.
        id: String,
    },
    /// A case named in the calibration file is not a calibration case.
    #[error(
        "calibration file: `{entry}` names case `{id}` ({file}), whose role is \"{role}\": only role = \"calibration\" cases may inform a fit (validation cases are never read)"
    )]
    NotCalibration {
        /// The parameter key or constant name.
        entry: String,
        /// The case id.
        id: String,
        /// Its file.
        file: String,
        /// Its role.
        role: String,
    },
    /// A case gives nothing to fit to (no published value, range or two-sided band).
    #[error("case `{id}`: {why}")]
    Target {
        /// The case id.
        id: String,
        /// What is missing.
        why: String,
    },
    /// A case could not be read or run.
    #[error("{0}")]
    Case(String),
    /// The optimiser failed.
    #[error("fitting {keys}: {why}")]
    Fit {
        /// The block's keys.
        keys: String,
        /// Why.
        why: String,
    },
}

/// What a case asks the model to reproduce.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    /// t, the value to reproduce.
    pub value: f64,
    /// s, the spread the residual is measured in.
    pub scale: f64,
    /// Where t and s come from, in words.
    pub basis: &'static str,
}

/// The target of a calibration case (see the module docs).
pub fn target_of(case: &Case) -> Result<Target, CalibrateError> {
    let c = &case.compare;
    let range = match (c.low, c.high) {
        (Some(l), Some(h)) if h > l => Some((l, h)),
        _ => None,
    };
    let band = match (case.band.low, case.band.high) {
        (Some(l), Some(h)) if h > l => Some((l, h)),
        _ => None,
    };
    let t = match (c.published, range, band) {
        (Some(p), Some((l, h)), _) => {
            Target { value: p, scale: (h - l) / 2.0, basis: "published value, published spread" }
        }
        (Some(p), None, Some((l, h))) => {
            Target { value: p, scale: (h - l) / 2.0, basis: "published value, half the band" }
        }
        (None, Some((l, h)), _) => {
            Target { value: (l + h) / 2.0, scale: (h - l) / 2.0, basis: "middle of the published range" }
        }
        (None, None, Some((l, h))) => {
            Target { value: (l + h) / 2.0, scale: (h - l) / 2.0, basis: "middle of the band" }
        }
        _ => {
            return Err(CalibrateError::Target {
                id: case.id.clone(),
                why: "no published value, range or two-sided band to fit to".into(),
            });
        }
    };
    Ok(t)
}

/// The calibration cases of a spec, checked: every named case exists and is a calibration case.
#[derive(Debug, Clone)]
pub struct Problem {
    /// The spec.
    pub spec: CalibrationSpec,
    /// Case id → (case, file, target).
    pub cases: BTreeMap<String, (Case, String, Target)>,
}

/// Check `spec` against the cases given and keep only the calibration cases it names.
pub fn problem(spec: &CalibrationSpec, loaded: &[LoadedCase]) -> Result<Problem, CalibrateError> {
    let named = spec
        .parameter
        .iter()
        .flat_map(|p| p.cases.iter().map(move |c| (p.key.clone(), c.clone())))
        .chain(spec.constant.iter().flat_map(|k| k.cases.iter().map(move |c| (k.name.clone(), c.clone()))));
    let mut cases = BTreeMap::new();
    for (entry, id) in named {
        if cases.contains_key(&id) {
            continue;
        }
        let lc = loaded
            .iter()
            .find(|l| l.case.as_ref().is_ok_and(|c| c.id == id))
            .ok_or_else(|| CalibrateError::MissingCase { entry: entry.clone(), id: id.clone() })?;
        let case = lc.case.clone().map_err(|e| CalibrateError::Case(e.to_string()))?;
        if case.role != Role::Calibration {
            return Err(CalibrateError::NotCalibration {
                entry,
                id,
                file: lc.file.clone(),
                role: case.role.name().to_string(),
            });
        }
        let target = target_of(&case)?;
        cases.insert(id, (case, lc.file.clone(), target));
    }
    Ok(Problem { spec: spec.clone(), cases })
}

impl Problem {
    /// Scenario edits that set parameter `index` of the spec (and its tied keys) to `value`.
    pub fn edits(&self, index: usize, value: f64) -> Vec<Edit> {
        let p = &self.spec.parameter[index];
        std::iter::once(Edit::Set(p.key.clone(), toml::Value::Float(value)))
            .chain(p.tied.iter().map(|t| Edit::Set(t.key.clone(), toml::Value::Float(t.ratio * value))))
            .collect()
    }

    /// Model values of `ids` with the block's parameters `indices` set to `theta`, in order.
    pub fn values(&self, ids: &[String], indices: &[usize], theta: &[f64]) -> Result<Vec<f64>, CalibrateError> {
        let edits: Vec<Edit> = indices.iter().zip(theta).flat_map(|(&i, &v)| self.edits(i, v)).collect();
        ids.par_iter()
            .map(|id| {
                let (case, file, _) = &self.cases[id];
                model_value(case, file, &edits).map_err(|e| CalibrateError::Case(e.to_string()))
            })
            .collect()
    }

    /// Normalised residuals (m − t)/s of `ids` for model values `m`.
    pub fn residuals(&self, ids: &[String], m: &[f64]) -> Vec<f64> {
        ids.iter().zip(m).map(|(id, v)| (v - self.cases[id].2.value) / self.cases[id].2.scale).collect()
    }

    /// Blocks of the fitted parameters: indices that share a case (transitively), each block
    /// with the ids of its cases, in the spec's order.
    pub fn blocks(&self) -> Vec<(Vec<usize>, Vec<String>)> {
        let fitted: Vec<usize> = (0..self.spec.parameter.len()).filter(|&i| self.spec.parameter[i].fit).collect();
        let mut block_of: Vec<usize> = (0..fitted.len()).collect();
        let shares =
            |a: usize, b: usize| self.spec.parameter[a].cases.iter().any(|c| self.spec.parameter[b].cases.contains(c));
        // label propagation until no label changes (the graph is tiny)
        loop {
            let mut changed = false;
            for x in 0..fitted.len() {
                for y in 0..fitted.len() {
                    if shares(fitted[x], fitted[y]) && block_of[y] < block_of[x] {
                        block_of[x] = block_of[y];
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        let mut labels: Vec<usize> = block_of.clone();
        labels.sort();
        labels.dedup();
        labels
            .into_iter()
            .map(|l| {
                let idx: Vec<usize> = (0..fitted.len()).filter(|&x| block_of[x] == l).map(|x| fitted[x]).collect();
                let mut ids: Vec<String> = idx.iter().flat_map(|&i| self.spec.parameter[i].cases.clone()).collect();
                ids.sort();
                ids.dedup();
                (idx, ids)
            })
            .collect()
    }
}

/// A minimum found by [`fit_box`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fit {
    /// θ at the minimum.
    pub theta: Vec<f64>,
    /// J(θ).
    pub objective: f64,
    /// Iterations of the optimiser.
    pub iterations: u64,
    /// `brent` or `nelder_mead`.
    pub method: &'static str,
    /// The optimiser stopped on its tolerance (not on the iteration limit).
    pub converged: bool,
}

/// The objective handed to argmin: θ in the box (Brent) or in [0, 1]ⁿ (Nelder–Mead, with a
/// quadratic penalty outside the box so that the simplex returns inside it).
struct Objective<'a> {
    f: &'a (dyn Fn(&[f64]) -> Result<f64, String> + Sync),
    low: &'a [f64],
    high: &'a [f64],
    unit_cube: bool,
}

/// Penalty weight per squared unit-cube distance outside [0, 1]ⁿ. Assumed: 10⁶ per unit²
/// dominates any objective of in-band residuals (J ≈ 1 per case at the band's edge), so the
/// simplex is pushed back inside the box within a step.
const OUTSIDE_PENALTY: f64 = 1e6;

/// θ for a point `u` of the unit cube (clamped into it) and the squared distance of `u` outside.
fn unit_to_box(u: &[f64], low: &[f64], high: &[f64]) -> (Vec<f64>, f64) {
    let mut outside = 0.0;
    let theta = u
        .iter()
        .enumerate()
        .map(|(j, &x)| {
            let c = x.clamp(0.0, 1.0);
            outside += (x - c) * (x - c);
            low[j] + c * (high[j] - low[j])
        })
        .collect();
    (theta, outside)
}

impl Objective<'_> {
    fn eval(&self, u: &[f64]) -> Result<f64, argmin::core::Error> {
        if self.unit_cube {
            let (theta, outside) = unit_to_box(u, self.low, self.high);
            (self.f)(&theta).map(|j| j + OUTSIDE_PENALTY * outside).map_err(argmin::core::Error::msg)
        } else {
            (self.f)(u).map_err(argmin::core::Error::msg)
        }
    }
}

impl CostFunction for Objective<'_> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, u: &Vec<f64>) -> Result<f64, argmin::core::Error> {
        self.eval(u)
    }
}

struct Objective1<'a>(Objective<'a>);

impl CostFunction for Objective1<'_> {
    type Param = f64;
    type Output = f64;
    fn cost(&self, x: &f64) -> Result<f64, argmin::core::Error> {
        self.0.eval(&[*x])
    }
}

/// Minimise `f` over the box [low, high] from `start`: for one parameter, a scan of
/// [`SCAN_INTERVALS`] + 1 points and `start` brackets the minimum and Brent's method refines it;
/// for more, Nelder–Mead (initial simplex: `start` and a step of 10 % of each range) for more.
pub fn fit_box(
    f: &(dyn Fn(&[f64]) -> Result<f64, String> + Sync),
    low: &[f64],
    high: &[f64],
    start: &[f64],
) -> Result<Fit, String> {
    let n = low.len();
    let err = |e: argmin::core::Error| e.to_string();
    if n == 1 {
        let (a, b, scanned) = bracket(f, low[0], high[0], start[0])?;
        let obj = Objective1(Objective { f, low, high, unit_cube: false });
        let solver = BrentOpt::new(a, b).set_tolerance(BRENT_RELATIVE_TOLERANCE, 1e-12);
        let res = Executor::new(obj, solver).configure(|s| s.max_iters(MAX_ITERATIONS)).run().map_err(err)?;
        let s = res.state();
        let (mut x, mut objective) = (*s.get_best_param().ok_or("Brent returned no parameter")?, s.get_best_cost());
        if scanned.1 < objective {
            (x, objective) = scanned; // the scan's best point beat Brent's (a flat or stepped objective)
        }
        return Ok(Fit {
            theta: vec![x],
            objective,
            iterations: s.get_iter(),
            method: "brent",
            converged: s.get_iter() < MAX_ITERATIONS,
        });
    }
    let obj = Objective { f, low, high, unit_cube: true };
    let u0: Vec<f64> = (0..n).map(|j| ((start[j] - low[j]) / (high[j] - low[j])).clamp(0.0, 1.0)).collect();
    let mut simplex = vec![u0.clone()];
    for j in 0..n {
        let mut v = u0.clone();
        v[j] = if v[j] + SIMPLEX_STEP <= 1.0 { v[j] + SIMPLEX_STEP } else { v[j] - SIMPLEX_STEP };
        simplex.push(v);
    }
    let solver = NelderMead::new(simplex).with_sd_tolerance(SIMPLEX_SD_TOLERANCE).map_err(err)?;
    let res = Executor::new(obj, solver).configure(|s| s.max_iters(MAX_ITERATIONS)).run().map_err(err)?;
    let s = res.state();
    let u = s.get_best_param().ok_or("Nelder–Mead returned no parameter")?.clone();
    let (theta, _) = unit_to_box(&u, low, high);
    Ok(Fit {
        theta,
        objective: s.get_best_cost(),
        iterations: s.get_iter(),
        method: "nelder_mead",
        converged: s.get_iter() < MAX_ITERATIONS,
    })
}

/// Points of the scan that brackets a one-parameter minimum before Brent's method refines it.
/// Assumed: 8 intervals find the basin of a monotone read-out that saturates (a threshold
/// crossing that reads 0 beyond some value, where Brent's first golden-section point can land
/// on the flat part and stay there).
pub const SCAN_INTERVALS: usize = 8;

/// Scan J on SCAN_INTERVALS + 1 even points of [low, high] and at `start`; return the grid
/// neighbours of the best point as Brent's bracket, and the best scanned (θ, J).
fn bracket(
    f: &(dyn Fn(&[f64]) -> Result<f64, String> + Sync),
    low: f64,
    high: f64,
    start: f64,
) -> Result<(f64, f64, (f64, f64)), String> {
    let mut pts: Vec<f64> =
        (0..=SCAN_INTERVALS).map(|k| low + (high - low) * k as f64 / SCAN_INTERVALS as f64).collect();
    pts.push(start.clamp(low, high));
    pts.sort_by(f64::total_cmp);
    pts.dedup();
    let js: Vec<f64> = pts.iter().map(|&x| f(&[x])).collect::<Result<_, _>>()?;
    let best = (0..pts.len()).min_by(|&i, &j| js[i].total_cmp(&js[j])).unwrap_or(0);
    let a = pts[best.saturating_sub(1)];
    let b = pts[(best + 1).min(pts.len() - 1)];
    Ok((a, b, (pts[best], js[best])))
}

/// Local identifiability of a block at θ (see the module docs).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Identifiability {
    /// Sᵢⱼ = ∂rᵢ/∂ln θⱼ, one row per case (in the block's case order).
    pub sensitivity: Vec<Vec<f64>>,
    /// Gauss–Newton standard error of ln θⱼ (∞ where SᵀS is singular).
    pub relative_se: Vec<f64>,
    /// J at θⱼ(1 − h), θ, θⱼ(1 + h), per parameter.
    pub profile: Vec<[f64; 3]>,
}

/// Identifiability of `theta` for a residual function `r` (one entry per case).
pub fn identifiability(
    r: &(dyn Fn(&[f64]) -> Result<Vec<f64>, String> + Sync),
    theta: &[f64],
) -> Result<Identifiability, String> {
    let n = theta.len();
    let at = r(theta)?;
    let j0: f64 = at.iter().map(|x| x * x).sum();
    let mut s = vec![vec![0.0; n]; at.len()];
    let mut profile = Vec::with_capacity(n);
    for j in 0..n {
        let step = |sign: f64| {
            let mut t = theta.to_vec();
            t[j] *= 1.0 + sign * PROFILE_STEP;
            r(&t)
        };
        let (lo, hi) = (step(-1.0)?, step(1.0)?);
        for i in 0..at.len() {
            // d/d ln θ by the central difference in ln θ
            s[i][j] = (hi[i] - lo[i]) / ((1.0 + PROFILE_STEP).ln() - (1.0 - PROFILE_STEP).ln());
        }
        let sq = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>();
        profile.push([sq(&lo), j0, sq(&hi)]);
    }
    let m = nalgebra::DMatrix::from_fn(at.len(), n, |i, j| s[i][j]);
    let fisher = m.transpose() * &m;
    let relative_se = match fisher.clone().try_inverse() {
        Some(inv) if inv.iter().all(|x| x.is_finite()) => (0..n).map(|j| inv[(j, j)].max(0.0).sqrt()).collect(),
        _ => vec![f64::INFINITY; n],
    };
    Ok(Identifiability { sensitivity: s, relative_se, profile })
}

/// One parameter's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParameterResult {
    /// Scenario key.
    pub key: String,
    /// Unit.
    pub unit: String,
    /// Value in the calibration file.
    pub shipped: f64,
    /// Fitted value (None if held).
    pub fitted: Option<f64>,
    /// What `--write` writes: the fit rounded to the file's significant digits (the shipped
    /// value if held).
    pub written: f64,
    /// Bounds of the fit.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
    /// Why it is held (empty if fitted).
    pub held_because: String,
    /// Gauss–Newton standard error of ln θ at the fit (None if held).
    pub relative_se: Option<f64>,
    /// J at θ(1 − h), θ, θ(1 + h) (None if held).
    pub profile: Option<[f64; 3]>,
    /// Identified by its cases (relative_se ≤ MAX_RELATIVE_SE); None if held.
    pub identifiable: Option<bool>,
}

/// One case's residual.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseResidual {
    /// Case id.
    pub id: String,
    /// Compared quantity and its unit.
    pub quantity: String,
    /// Unit.
    pub unit: String,
    /// What it asks.
    pub target: Target,
    /// Model value at the shipped values.
    pub at_shipped: f64,
    /// Model value at the fit (the shipped value for cases of held parameters and constants).
    pub at_fitted: f64,
    /// (m − t)/s at the fit.
    pub residual: f64,
    /// Within the case's pass band at the fit.
    pub in_band: bool,
    /// The parameters or constants it informs.
    pub informs: Vec<String>,
}

/// One fitted block.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlockResult {
    /// Its parameter keys.
    pub keys: Vec<String>,
    /// Its cases.
    pub cases: Vec<String>,
    /// J at the shipped values.
    pub objective_shipped: f64,
    /// The fit.
    pub fit: Fit,
}

/// A whole calibration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    /// Per parameter, in the file's order.
    pub parameters: Vec<ParameterResult>,
    /// Per case, by id.
    pub cases: Vec<CaseResidual>,
    /// Per fitted block (its fit in the last pass).
    pub blocks: Vec<BlockResult>,
    /// Passes of block coordinate descent taken.
    pub passes: usize,
}

/// Most passes over the blocks (block coordinate descent, below). Assumed: the shipped set
/// settles in 3 passes (the first fits, the second moves the coupled blocks, the third confirms);
/// 4 bounds the cost if it does not.
pub const MAX_PASSES: usize = 4;
/// Passes stop when no fitted value moves by more than this relative change (well below the
/// 3 significant digits written).
pub const PASS_RELATIVE_TOLERANCE: f64 = 1e-4;

/// Fit every block of `problem`; `on_eval` is called after each objective evaluation.
///
/// Blocks that share no case can still act on each other's cases through the model (a faster
/// wound closure shortens barrier recovery), so the blocks are fitted in turn with every other
/// fitted parameter at its latest value (block coordinate descent), repeating the passes until
/// no value moves by more than [`PASS_RELATIVE_TOLERANCE`] or [`MAX_PASSES`] are done.
pub fn calibrate(problem: &Problem, on_eval: &(dyn Fn() + Sync)) -> Result<Calibration, CalibrateError> {
    let spec = &problem.spec;
    let n = spec.parameter.len();
    let fitted_idx: Vec<usize> = (0..n).filter(|&i| spec.parameter[i].fit).collect();
    let mut current: Vec<f64> = spec.parameter.iter().map(|p| p.value).collect();
    let mut fitted: BTreeMap<usize, (f64, Option<f64>, [f64; 3])> = BTreeMap::new();
    let mut blocks: Vec<BlockResult> = Vec::new();
    let mut passes = 0;
    // values of `ids` with the block `idx` at `theta` and every other fitted parameter at `cur`
    let eval = |ids: &[String], idx: &[usize], theta: &[f64], cur: &[f64]| {
        let mut all: Vec<usize> = fitted_idx.iter().copied().filter(|i| !idx.contains(i)).collect();
        let mut th: Vec<f64> = all.iter().map(|&i| cur[i]).collect();
        all.extend_from_slice(idx);
        th.extend_from_slice(theta);
        problem.values(ids, &all, &th)
    };
    while passes < MAX_PASSES {
        passes += 1;
        let before = current.clone();
        let mut pass_blocks = Vec::new();
        for (idx, ids) in problem.blocks() {
            let keys: Vec<String> = idx.iter().map(|&i| spec.parameter[i].key.clone()).collect();
            let fit_err = |why: String| CalibrateError::Fit { keys: keys.join(", "), why };
            let cur = current.clone();
            let resid = |theta: &[f64]| -> Result<Vec<f64>, String> {
                let m = eval(&ids, &idx, theta, &cur).map_err(|e| e.to_string())?;
                on_eval();
                Ok(problem.residuals(&ids, &m))
            };
            let objective = |theta: &[f64]| resid(theta).map(|r| r.iter().map(|x| x * x).sum::<f64>());
            let start: Vec<f64> = idx.iter().map(|&i| cur[i]).collect();
            let low: Vec<f64> = idx.iter().map(|&i| spec.parameter[i].low).collect();
            let high: Vec<f64> = idx.iter().map(|&i| spec.parameter[i].high).collect();
            let objective_start = objective(&start).map_err(fit_err)?;
            let fit = fit_box(&objective, &low, &high, &start).map_err(fit_err)?;
            let ident = identifiability(&resid, &fit.theta).map_err(fit_err)?;
            for (k, &i) in idx.iter().enumerate() {
                fitted.insert(i, (fit.theta[k], Some(ident.relative_se[k]), ident.profile[k]));
                current[i] = fit.theta[k];
            }
            // J at the shipped values is the first pass's starting objective
            let objective_shipped =
                blocks.iter().find(|b| b.keys == keys).map_or(objective_start, |b| b.objective_shipped);
            pass_blocks.push(BlockResult { keys, cases: ids, objective_shipped, fit });
        }
        blocks = pass_blocks;
        let moved = fitted_idx
            .iter()
            .map(|&i| (current[i] - before[i]).abs() / before[i].abs().max(1e-300))
            .fold(0.0, f64::max);
        if passes > 1 && moved <= PASS_RELATIVE_TOLERANCE {
            break;
        }
    }
    let mut at_fit: BTreeMap<String, f64> = BTreeMap::new();
    for b in &blocks {
        let m = eval(&b.cases, &[], &[], &current)?;
        at_fit.extend(b.cases.iter().cloned().zip(m));
    }
    let parameters = spec
        .parameter
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let f = fitted.get(&i);
            ParameterResult {
                key: p.key.clone(),
                unit: p.unit.clone(),
                shipped: p.value,
                fitted: f.map(|x| x.0),
                written: f.map_or(p.value, |x| round_significant(x.0, spec.significant_digits)),
                low: p.low,
                high: p.high,
                held_because: if p.fit { String::new() } else { p.reason.clone() },
                relative_se: f.and_then(|x| x.1),
                profile: f.map(|x| x.2),
                identifiable: f.and_then(|x| x.1).map(|se| se <= MAX_RELATIVE_SE),
            }
        })
        .collect();
    let cases = case_residuals(problem, &at_fit)?;
    Ok(Calibration { parameters, cases, blocks, passes })
}

/// Every case's residual at the shipped values and at the fit.
fn case_residuals(problem: &Problem, at_fit: &BTreeMap<String, f64>) -> Result<Vec<CaseResidual>, CalibrateError> {
    let ids: Vec<String> = problem.cases.keys().cloned().collect();
    let shipped = problem.values(&ids, &[], &[])?;
    let informs = |id: &str| -> Vec<String> {
        let spec = &problem.spec;
        spec.parameter
            .iter()
            .filter(|p| p.cases.iter().any(|c| c == id))
            .map(|p| p.key.clone())
            .chain(spec.constant.iter().filter(|k| k.cases.iter().any(|c| c == id)).map(|k| k.name.clone()))
            .collect()
    };
    Ok(ids
        .iter()
        .zip(shipped)
        .map(|(id, s)| {
            let (case, _, target) = &problem.cases[id];
            let v = at_fit.get(id).copied().unwrap_or(s);
            CaseResidual {
                id: id.clone(),
                quantity: case.compare.quantity.clone(),
                unit: case.compare.unit.clone(),
                target: target.clone(),
                at_shipped: s,
                at_fitted: v,
                residual: (v - target.value) / target.scale,
                in_band: in_band(&case.band, v),
                informs: informs(id),
            }
        })
        .collect())
}

/// `text` (a calibration file) with the `value` of every fitted parameter replaced by its
/// written value; every other line is kept as it is. The result is parsed back and checked.
pub fn written_spec(text: &str, calibration: &Calibration) -> Result<String, String> {
    let new_value: BTreeMap<&str, f64> =
        calibration.parameters.iter().filter(|p| p.fitted.is_some()).map(|p| (p.key.as_str(), p.written)).collect();
    let mut out = String::with_capacity(text.len());
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut i = 0;
    while i < lines.len() {
        // one [[parameter]] block: from its header to the next table header
        let start = i;
        i += 1;
        while i < lines.len() && !lines[i].trim_start().starts_with('[') {
            i += 1;
        }
        let block = &lines[start..i];
        let key = block.iter().find_map(|l| {
            let (k, v) = l.split_once('=')?;
            (k.trim() == "key").then(|| v.trim().trim_matches('"'))
        });
        let replacement = lines[start].trim() == "[[parameter]]" && key.is_some_and(|k| new_value.contains_key(k));
        for l in block {
            match l.split_once('=') {
                Some((k, _)) if replacement && k.trim() == "value" => {
                    out.push_str(&format!("value = {}\n", new_value[key.unwrap_or_default()]));
                }
                _ => out.push_str(l),
            }
        }
    }
    let parsed = mnsim_scenario::calibrated::parse_spec(&out, "the written calibration file")?;
    for p in &parsed.parameter {
        if let Some(v) = new_value.get(p.key.as_str())
            && p.value != *v
        {
            return Err(format!("`{}`: wrote {v} but read back {}", p.key, p.value));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brent_finds_a_one_dimensional_minimum_and_a_minimum_on_the_bound() {
        let f = |x: &[f64]| Ok(((x[0] - 0.37) / 0.1).powi(2));
        let fit = fit_box(&f, &[0.0], &[1.0], &[0.8]).unwrap();
        assert!((fit.theta[0] - 0.37).abs() < 1e-5, "{fit:?}");
        assert!(fit.converged && fit.method == "brent");
        let g = |x: &[f64]| Ok((x[0] - 2.0).powi(2));
        let fit = fit_box(&g, &[0.0], &[1.0], &[0.5]).unwrap();
        assert!((fit.theta[0] - 1.0).abs() < 1e-4, "{fit:?}");
    }

    #[test]
    fn nelder_mead_recovers_the_parameters_of_a_linear_model() {
        // y = a t + b at five points, a = 1.7, b = −0.4: residuals vanish at the truth
        let ts = [0.0, 0.5, 1.0, 1.5, 2.0];
        let f = |x: &[f64]| Ok(ts.iter().map(|t| (x[0] * t + x[1] - (1.7 * t - 0.4)).powi(2)).sum::<f64>());
        let fit = fit_box(&f, &[0.0, -2.0], &[5.0, 2.0], &[1.0, 0.0]).unwrap();
        assert!((fit.theta[0] - 1.7).abs() < 1e-3 && (fit.theta[1] + 0.4).abs() < 1e-3, "{fit:?}");
        assert!(fit.converged);
        // a truth outside the box ends on its face
        let g = |x: &[f64]| Ok((x[0] - 9.0).powi(2) + (x[1] - 0.5).powi(2));
        let fit = fit_box(&g, &[0.0, 0.0], &[5.0, 1.0], &[1.0, 0.2]).unwrap();
        assert!((fit.theta[0] - 5.0).abs() < 1e-3 && (fit.theta[1] - 0.5).abs() < 1e-3, "{fit:?}");
    }

    #[test]
    fn identifiability_of_a_linear_residual_is_its_analytic_standard_error() {
        // r = (θ − 2)/0.1 → ∂r/∂ln θ = θ/0.1 = 20 at θ = 2 → SE(ln θ) = 1/20
        let r = |x: &[f64]| Ok(vec![(x[0] - 2.0) / 0.1]);
        let id = identifiability(&r, &[2.0]).unwrap();
        let expect = 2.0 * 2.0 * PROFILE_STEP / 0.1 / ((1.0 + PROFILE_STEP).ln() - (1.0 - PROFILE_STEP).ln());
        assert!((id.sensitivity[0][0] - expect).abs() < 1e-9);
        assert!((id.relative_se[0] - 1.0 / expect).abs() < 1e-9);
        assert!(id.profile[0][1] < id.profile[0][0] && id.profile[0][1] < id.profile[0][2]);
        // a parameter the residual does not depend on is not identified
        let flat = |x: &[f64]| Ok(vec![(x[0] - 2.0) / 0.1, 0.0 * x[1]]);
        let id = identifiability(&flat, &[2.0, 1.0]).unwrap();
        assert!(id.relative_se[1].is_infinite() || id.relative_se[1] > MAX_RELATIVE_SE);
    }
}
