//! Global sensitivity analysis: which uncertain inputs move which outputs, and how much.
//!
//! Two methods over a box of parameter ranges (equations and sources in `docs/STUDIES.md`):
//!
//! - [`sobol`]: variance-based first-order (S1) and total (ST) indices, with the Saltelli et al.
//!   2010 (Comput Phys Commun 181:259) first-order estimator and the Jansen 1999 total estimator
//!   on an A/B/AB_i design of N·(k+2) model runs drawn from a scrambled Sobol sequence; 95 %
//!   bootstrap percentile intervals over the N base rows, and the indices at N/4, N/2 and N as a
//!   convergence diagnostic.
//! - [`morris`]: elementary effects (Morris 1991, Technometrics 33:161) on r trajectories of k+1
//!   points over a p-level grid: μ, μ* (Campolongo et al. 2007) and σ per parameter, for
//!   screening many parameters with few runs.
//!
//! The estimators are generic over the model (`Fn(&[f64]) -> Vec<f64>`), so they are verified on
//! analytic functions (Ishigami, Sobol's G); [`ScenarioModel`] is the adapter that maps a point of
//! the parameter box to scenario edits and returns chosen figures of [`mnsim_sim::run`]. No I/O
//! here. Model runs are evaluated in parallel (rayon) and collected in index order, and every
//! sum is taken serially in that order, so results do not depend on the thread count.

use mnsim_scenario::{Edit, ResolvedScenario};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;
use thiserror::Error;

/// Smallest base sample N of the Sobol design: the convergence diagnostic's first step, N/4,
/// must hold at least 2 base rows for a variance.
pub const MIN_N: usize = 8;
/// Largest base sample N: the scrambled Sobol sequence of `sobol_burley` has 2^16 points.
pub const MAX_N: usize = 1 << 16;
/// Most parameters: matrices A and B take k dimensions each of the sequence's 256.
pub const MAX_PARAMS: usize = 128;
/// Bootstrap resamples of the N base rows for the confidence intervals. Assumed, because it is
/// the brief's choice and costs little next to the model runs; Efron & Tibshirani 1993 (An
/// Introduction to the Bootstrap, § 13) suggest 1000 or more for percentile intervals, so the
/// interval ends carry some resampling noise (≈ 0.01 on an index).
pub const DEFAULT_BOOTSTRAP: usize = 500;
/// Fewest bootstrap resamples accepted: below this the 2.5 % and 97.5 % percentiles rest on
/// fewer than 2.5 resamples each. Assumed.
pub const MIN_BOOTSTRAP: usize = 100;
/// Confidence level of the bootstrap intervals (two-sided percentile interval).
pub const CONFIDENCE_LEVEL: f64 = 0.95;
/// Widest 95 % interval of an index that is not flagged, in index units (fraction of the
/// output's variance). Assumed, because an index is read to about one decimal ("is it 0.3 or
/// 0.4?"): an interval wider than 0.1 cannot tell neighbouring decimals apart, so N should grow.
pub const MAX_CI_WIDTH: f64 = 0.1;
/// Levels of the Morris grid by default. Morris 1991 and Saltelli et al. 2004 (Sensitivity
/// Analysis in Practice, § 4.2) recommend p = 4 with the step Δ = p / (2(p − 1)) = 2/3.
pub const DEFAULT_LEVELS: usize = 4;
/// Most Morris levels accepted. Assumed: beyond 100 levels the grid is a continuum in practice.
pub const MAX_LEVELS: usize = 100;
/// Fewest Morris trajectories: σ is a sample standard deviation and needs two effects.
pub const MIN_TRAJECTORIES: usize = 2;
/// Most Morris trajectories. Assumed: screening uses 10–50 (Campolongo et al. 2007); 10 000 keeps
/// a mistyped value from starting an unbounded study.
pub const MAX_TRAJECTORIES: usize = 10_000;

/// Why a sensitivity study cannot run, or what failed in it. Each names the field, the value
/// and what is allowed.
#[derive(Debug, Clone, Error, PartialEq)]
#[non_exhaustive]
pub enum SensitivityError {
    /// A `--param` that is not `KEY=LOW:HIGH`.
    #[error("--param {spec:?}: expected KEY=LOW:HIGH with numbers, e.g. device.needle_length_um=500:2000")]
    Spec {
        /// The text as given.
        spec: String,
    },
    /// A range that is not a finite interval with low < high (or, for an integer key, whole ends).
    #[error("parameter `{key}`: range {low}:{high} is invalid: {why}")]
    Range {
        /// Scenario key.
        key: String,
        /// Low end as given.
        low: f64,
        /// High end as given.
        high: f64,
        /// What is wrong and what is allowed.
        why: String,
    },
    /// The same key twice.
    #[error("parameter `{key}` is given twice; give each key once")]
    DuplicateParam {
        /// Scenario key.
        key: String,
    },
    /// No parameter, or too many.
    #[error("{count} parameters: give 1 to {MAX_PARAMS}")]
    ParamCount {
        /// Number given.
        count: usize,
    },
    /// The scenario rejects the key or a value at an end of its range (the scenario's own error).
    #[error("parameter `{key}`: {message}")]
    Key {
        /// Scenario key.
        key: String,
        /// The scenario's message.
        message: String,
    },
    /// A design point the scenario rejects (a combination of values, each valid alone).
    #[error("run {run} ({point}): the scenario rejects this point: {message}")]
    Point {
        /// Index of the model run in the design.
        run: usize,
        /// The parameter values, `key=value, …`.
        point: String,
        /// The scenario's message.
        message: String,
    },
    /// N of the Sobol design out of range or not a power of two.
    #[error("--n {n} is invalid for sobol: {why}")]
    SampleSize {
        /// N as given.
        n: usize,
        /// What is allowed.
        why: String,
    },
    /// Trajectories of the Morris design out of range.
    #[error(
        "--n {r} is invalid for morris: the number of trajectories must be in [{MIN_TRAJECTORIES}, {MAX_TRAJECTORIES}]"
    )]
    Trajectories {
        /// r as given.
        r: usize,
    },
    /// Morris levels out of range.
    #[error("--levels {p} is invalid: the Morris grid needs an even number of levels in [2, {MAX_LEVELS}]")]
    Levels {
        /// p as given.
        p: usize,
    },
    /// Bootstrap resamples out of range.
    #[error("bootstrap resamples = {b} is invalid: at least {MIN_BOOTSTRAP}")]
    Bootstrap {
        /// B as given.
        b: usize,
    },
    /// No output, or one named twice.
    #[error("--outputs: {why}")]
    Outputs {
        /// What is wrong.
        why: String,
    },
    /// An output that is not a figure of the model's results.
    #[error("--outputs: `{name}` is not a figure of the model's results; known: {known}")]
    UnknownOutput {
        /// Name as given.
        name: String,
        /// The figures the base run has.
        known: String,
    },
    /// The model returned the wrong number of outputs.
    #[error("run {run}: the model returned {got} values for {want} outputs")]
    OutputCount {
        /// Index of the model run.
        run: usize,
        /// Values returned.
        got: usize,
        /// Outputs asked for.
        want: usize,
    },
    /// A model output that is not a finite number.
    #[error("run {run} ({point}): output `{output}` = {value} is not finite")]
    NonFinite {
        /// Index of the model run.
        run: usize,
        /// The parameter values, `key=value, …`.
        point: String,
        /// Output name.
        output: String,
        /// The value (`NaN`, `inf`).
        value: String,
    },
    /// The model failed at a point (a solver failure).
    #[error("run {run} ({point}): the model failed: {message}")]
    Model {
        /// Index of the model run ([`BASE_RUN`] for the base scenario).
        run: usize,
        /// The parameter values, `key=value, …`.
        point: String,
        /// The model's message.
        message: String,
    },
}

/// The run index that names the unedited base scenario in errors (it precedes the design).
pub const BASE_RUN: usize = usize::MAX;

/// One uncertain parameter: a scenario key and its range, sampled uniformly.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParamRange {
    /// Key (`device.needle_length_um`; for the generic estimators any name).
    pub key: String,
    /// Low end, in the key's unit.
    pub low: f64,
    /// High end, in the key's unit.
    pub high: f64,
    /// Integer-valued: each whole number in [low, high] equally likely.
    pub integer: bool,
}

impl ParamRange {
    /// A real-valued range.
    pub fn new(key: &str, low: f64, high: f64) -> Self {
        ParamRange { key: key.to_string(), low, high, integer: false }
    }

    /// Parse `KEY=LOW:HIGH`.
    pub fn parse(spec: &str) -> Result<Self, SensitivityError> {
        let bad = || SensitivityError::Spec { spec: spec.to_string() };
        let (key, range) = spec.split_once('=').ok_or_else(bad)?;
        let key = key.trim();
        if key.is_empty() || key.split('.').any(str::is_empty) {
            return Err(bad());
        }
        let (lo, hi) = range.split_once(':').ok_or_else(bad)?;
        let lo: f64 = lo.trim().parse().map_err(|_| bad())?;
        let hi: f64 = hi.trim().parse().map_err(|_| bad())?;
        Ok(ParamRange::new(key, lo, hi))
    }

    /// The value at `u` ∈ [0, 1]: low + u·(high − low), or for an integer key the whole number
    /// low + ⌊u·(high − low + 1)⌋ (capped at high), so each is equally likely.
    pub fn value(&self, u: f64) -> f64 {
        if self.integer {
            (self.low + (u * (self.high - self.low + 1.0)).floor()).min(self.high)
        } else {
            self.low + u * (self.high - self.low)
        }
    }

    /// Check the range: finite, low < high, whole ends for an integer key.
    pub fn check(&self) -> Result<(), SensitivityError> {
        let err = |why: &str| {
            Err(SensitivityError::Range { key: self.key.clone(), low: self.low, high: self.high, why: why.into() })
        };
        if !self.low.is_finite() || !self.high.is_finite() {
            return err("both ends must be finite numbers");
        }
        if self.low >= self.high {
            return err("the low end must be below the high end");
        }
        if self.integer && (self.low.fract() != 0.0 || self.high.fract() != 0.0) {
            return err("the key takes whole numbers, so both ends must be whole numbers");
        }
        Ok(())
    }
}

fn check_params(params: &[ParamRange]) -> Result<(), SensitivityError> {
    if params.is_empty() || params.len() > MAX_PARAMS {
        return Err(SensitivityError::ParamCount { count: params.len() });
    }
    for (i, p) in params.iter().enumerate() {
        p.check()?;
        if params[..i].iter().any(|q| q.key == p.key) {
            return Err(SensitivityError::DuplicateParam { key: p.key.clone() });
        }
    }
    Ok(())
}

fn check_outputs(outputs: &[String]) -> Result<(), SensitivityError> {
    if outputs.is_empty() {
        return Err(SensitivityError::Outputs { why: "no outputs; name at least one figure".into() });
    }
    for (i, o) in outputs.iter().enumerate() {
        if outputs[..i].contains(o) {
            return Err(SensitivityError::Outputs { why: format!("`{o}` is named twice; name each once") });
        }
    }
    Ok(())
}

/// A model that can fail: a point in the parameters' units in, one value per output out, or
/// the failure in words.
pub type FallibleModel<'a> = dyn Fn(&[f64]) -> Result<Vec<f64>, String> + Sync + 'a;

/// `key=value, …` of a point, for error messages.
pub fn describe_point(params: &[ParamRange], x: &[f64]) -> String {
    params
        .iter()
        .zip(x)
        .map(|(p, v)| format!("{}={}", p.key, mnsim_scenario::compact(*v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Evaluate `model` at every point, in parallel, collected in index order. A model error or a
/// non-finite output is the error of the first such run in index order (the same error whatever
/// the thread count). `on_done` is called once per finished run (a progress bar).
pub fn evaluate(
    model: &FallibleModel<'_>,
    params: &[ParamRange],
    outputs: &[String],
    points: &[Vec<f64>],
    on_done: &(dyn Fn() + Sync),
) -> Result<Vec<Vec<f64>>, SensitivityError> {
    let results: Vec<Result<Vec<f64>, String>> = points
        .par_iter()
        .map(|x| {
            let r = model(x);
            on_done();
            r
        })
        .collect();
    let mut out = Vec::with_capacity(points.len());
    for (run, (r, x)) in results.into_iter().zip(points).enumerate() {
        let y = r.map_err(|message| SensitivityError::Model { run, point: describe_point(params, x), message })?;
        if y.len() != outputs.len() {
            return Err(SensitivityError::OutputCount { run, got: y.len(), want: outputs.len() });
        }
        if let Some((o, v)) = outputs.iter().zip(&y).find(|(_, v)| !v.is_finite()) {
            return Err(SensitivityError::NonFinite {
                run,
                point: describe_point(params, x),
                output: o.clone(),
                value: v.to_string(),
            });
        }
        out.push(y);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Sobol indices
// ---------------------------------------------------------------------------------------------

/// The A/B/AB_i design of [`sobol`]: `points` holds N rows of A, then N of B, then N of each
/// AB_i (A with column i taken from B), in the parameters' units — N·(k+2) points in all.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SobolDesign {
    /// Base sample N (rows of A and of B).
    pub n: usize,
    /// The parameters.
    pub params: Vec<ParamRange>,
    /// Seed of the scrambled Sobol sequence and of the bootstrap.
    pub seed: u64,
    /// Every point, in run order.
    #[serde(skip)]
    pub points: Vec<Vec<f64>>,
}

impl SobolDesign {
    /// Number of model runs, N·(k+2).
    pub fn runs(&self) -> usize {
        self.points.len()
    }
}

/// Check N: a power of two in [[`MIN_N`], [`MAX_N`]].
pub fn check_n(n: usize) -> Result<(), SensitivityError> {
    let why = if !n.is_power_of_two() {
        Some(format!(
            "must be a power of two (the Sobol sequence is balanced on powers of two), e.g. {}",
            n.max(MIN_N).next_power_of_two().min(MAX_N)
        ))
    } else if !(MIN_N..=MAX_N).contains(&n) {
        Some(format!("must be in [{MIN_N}, {MAX_N}] (2^16 is the length of the scrambled Sobol sequence)"))
    } else {
        None
    };
    match why {
        Some(why) => Err(SensitivityError::SampleSize { n, why }),
        None => Ok(()),
    }
}

/// The seed of the scrambled Sobol sequence (`sobol_burley` takes 32 bits): the two halves of
/// `seed` folded together.
fn sequence_seed(seed: u64) -> u32 {
    (seed ^ (seed >> 32)) as u32
}

/// Draw the A/B/AB_i design: row j of A is point j of a 2k-dimensional Owen-scrambled Sobol
/// sequence (dimensions 0..k), row j of B the same point's dimensions k..2k.
pub fn sobol_design(params: &[ParamRange], n: usize, seed: u64) -> Result<SobolDesign, SensitivityError> {
    check_params(params)?;
    check_n(n)?;
    let k = params.len();
    let s = sequence_seed(seed);
    let unit = |j: usize, d: usize| f64::from(sobol_burley::sample(j as u32, d as u32, s));
    let a: Vec<Vec<f64>> = (0..n).map(|j| (0..k).map(|i| params[i].value(unit(j, i))).collect()).collect();
    let b: Vec<Vec<f64>> = (0..n).map(|j| (0..k).map(|i| params[i].value(unit(j, k + i))).collect()).collect();
    let mut points = Vec::with_capacity(n * (k + 2));
    points.extend(a.iter().cloned());
    points.extend(b.iter().cloned());
    for i in 0..k {
        for j in 0..n {
            let mut row = a[j].clone();
            row[i] = b[j][i];
            points.push(row);
        }
    }
    Ok(SobolDesign { n, params: params.to_vec(), seed, points })
}

/// First-order and total index of one output and one parameter, with their intervals and the
/// convergence diagnostic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SobolIndex {
    /// Output name.
    pub output: String,
    /// Parameter key.
    pub param: String,
    /// First-order index S1 (Saltelli 2010), fraction of the output's variance.
    pub s1: f64,
    /// Low end of the 95 % bootstrap interval of S1.
    pub s1_low: f64,
    /// High end of the 95 % bootstrap interval of S1.
    pub s1_high: f64,
    /// Total index ST (Jansen 1999), fraction of the output's variance.
    pub st: f64,
    /// Low end of the 95 % bootstrap interval of ST.
    pub st_low: f64,
    /// High end of the 95 % bootstrap interval of ST.
    pub st_high: f64,
    /// S1 from the first N/4, N/2 and N base rows ([`SobolResult::convergence_n`]).
    pub s1_convergence: Vec<f64>,
    /// ST from the first N/4, N/2 and N base rows.
    pub st_convergence: Vec<f64>,
}

/// Mean and variance of one output over the A and B rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutputMoments {
    /// Output name.
    pub output: String,
    /// Mean over the 2N rows of A and B, in the output's unit.
    pub mean: f64,
    /// Variance over the same rows (population form), in the output's unit squared.
    pub variance: f64,
}

/// What [`sobol`] found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SobolResult {
    /// Base sample N.
    pub n: usize,
    /// Model runs, N·(k+2).
    pub runs: usize,
    /// Seed (sequence scramble and bootstrap).
    pub seed: u64,
    /// Bootstrap resamples.
    pub bootstrap: usize,
    /// Confidence level of the intervals.
    pub confidence: f64,
    /// Base rows used by each step of the convergence diagnostic: N/4, N/2, N.
    pub convergence_n: Vec<usize>,
    /// The parameters.
    pub params: Vec<ParamRange>,
    /// The outputs.
    pub outputs: Vec<String>,
    /// Mean and variance of each output.
    pub moments: Vec<OutputMoments>,
    /// One entry per output × parameter, outputs outer.
    pub indices: Vec<SobolIndex>,
    /// Unconverged indices and constant outputs, in words.
    pub warnings: Vec<String>,
}

impl SobolResult {
    /// The indices of `output` and `param`.
    pub fn index(&self, output: &str, param: &str) -> Option<&SobolIndex> {
        self.indices.iter().find(|i| i.output == output && i.param == param)
    }
}

/// Options of a Sobol study beyond N and the seed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SobolOptions {
    /// Bootstrap resamples (at least [`MIN_BOOTSTRAP`]).
    pub bootstrap: usize,
}

impl Default for SobolOptions {
    fn default() -> Self {
        SobolOptions { bootstrap: DEFAULT_BOOTSTRAP }
    }
}

/// S1 and ST of every parameter for one output, over the base rows `rows`. `ya`, `yb` are the
/// output at the rows of A and B, `yab[i]` at the rows of AB_i, all centred on the full-sample
/// mean (a constant shift, which leaves both estimators unbiased and tames round-off). Returns
/// `None` when the output does not vary over these rows.
fn estimate(ya: &[f64], yb: &[f64], yab: &[Vec<f64>], rows: &[usize]) -> Option<(Vec<f64>, Vec<f64>)> {
    let m = rows.len() as f64;
    let mean = rows.iter().map(|&j| ya[j] + yb[j]).sum::<f64>() / (2.0 * m);
    let var = rows.iter().map(|&j| (ya[j] - mean).powi(2) + (yb[j] - mean).powi(2)).sum::<f64>() / (2.0 * m);
    if var <= 0.0 || !var.is_finite() {
        return None;
    }
    let s1 = yab.iter().map(|y| rows.iter().map(|&j| yb[j] * (y[j] - ya[j])).sum::<f64>() / m / var).collect();
    let st = yab.iter().map(|y| rows.iter().map(|&j| (ya[j] - y[j]).powi(2)).sum::<f64>() / (2.0 * m) / var).collect();
    Some((s1, st))
}

/// The `q`-quantile of sorted values, linearly interpolated (Hyndman & Fan type 7).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Sobol indices from the model's values at the design's points (`values[run][output]`).
pub fn sobol_analyse(
    design: &SobolDesign,
    outputs: &[String],
    values: &[Vec<f64>],
    options: SobolOptions,
) -> Result<SobolResult, SensitivityError> {
    check_outputs(outputs)?;
    if options.bootstrap < MIN_BOOTSTRAP {
        return Err(SensitivityError::Bootstrap { b: options.bootstrap });
    }
    let (n, k) = (design.n, design.params.len());
    assert_eq!(values.len(), n * (k + 2), "one value row per design point");
    // resampled base rows, one stream per resample (the same rows for every output)
    let resamples: Vec<Vec<usize>> = (0..options.bootstrap)
        .into_par_iter()
        .map(|b| {
            let mut rng = ChaCha8Rng::seed_from_u64(design.seed);
            rng.set_stream(b as u64 + 1);
            (0..n).map(|_| rng.random_range(0..n)).collect()
        })
        .collect();
    let tail = (1.0 - CONFIDENCE_LEVEL) / 2.0;
    let convergence_n = vec![n / 4, n / 2, n];
    let mut moments = Vec::new();
    let mut indices = Vec::new();
    let mut warnings = Vec::new();
    for (o, name) in outputs.iter().enumerate() {
        let col = |block: usize| -> Vec<f64> { (0..n).map(|j| values[block * n + j][o]).collect() };
        let (ya_raw, yb_raw) = (col(0), col(1));
        let all: Vec<usize> = (0..n).collect();
        let mean = all.iter().map(|&j| ya_raw[j] + yb_raw[j]).sum::<f64>() / (2.0 * n as f64);
        let centred = |v: Vec<f64>| -> Vec<f64> { v.into_iter().map(|y| y - mean).collect() };
        let (ya, yb) = (centred(ya_raw), centred(yb_raw));
        let yab: Vec<Vec<f64>> = (0..k).map(|i| centred(col(2 + i))).collect();
        let variance = all.iter().map(|&j| ya[j].powi(2) + yb[j].powi(2)).sum::<f64>() / (2.0 * n as f64);
        moments.push(OutputMoments { output: name.clone(), mean, variance });
        let Some((s1, st)) = estimate(&ya, &yb, &yab, &all) else {
            warnings.push(format!(
                "output `{name}` does not vary over the parameter ranges (variance 0): its indices are reported as 0"
            ));
            for p in &design.params {
                indices.push(SobolIndex {
                    output: name.clone(),
                    param: p.key.clone(),
                    s1: 0.0,
                    s1_low: 0.0,
                    s1_high: 0.0,
                    st: 0.0,
                    st_low: 0.0,
                    st_high: 0.0,
                    s1_convergence: vec![0.0; 3],
                    st_convergence: vec![0.0; 3],
                });
            }
            continue;
        };
        let boot: Vec<(Vec<f64>, Vec<f64>)> = resamples
            .par_iter()
            .map(|rows| estimate(&ya, &yb, &yab, rows).unwrap_or_else(|| (vec![0.0; k], vec![0.0; k])))
            .collect();
        let steps: Vec<(Vec<f64>, Vec<f64>)> = convergence_n
            .iter()
            .map(|&m| {
                let rows: Vec<usize> = (0..m).collect();
                estimate(&ya, &yb, &yab, &rows).unwrap_or_else(|| (vec![0.0; k], vec![0.0; k]))
            })
            .collect();
        for (i, p) in design.params.iter().enumerate() {
            // the percentile interval of S1 (total = false) or ST (total = true)
            let interval = |total: bool| {
                let mut v: Vec<f64> = boot.iter().map(|b| if total { b.1[i] } else { b.0[i] }).collect();
                v.sort_by(f64::total_cmp);
                (quantile(&v, tail), quantile(&v, 1.0 - tail))
            };
            let (s1_low, s1_high) = interval(false);
            let (st_low, st_high) = interval(true);
            let idx = SobolIndex {
                output: name.clone(),
                param: p.key.clone(),
                s1: s1[i],
                s1_low,
                s1_high,
                st: st[i],
                st_low,
                st_high,
                s1_convergence: steps.iter().map(|s| s.0[i]).collect(),
                st_convergence: steps.iter().map(|s| s.1[i]).collect(),
            };
            warnings.extend(convergence_warnings(&idx));
            indices.push(idx);
        }
    }
    Ok(SobolResult {
        n,
        runs: design.runs(),
        seed: design.seed,
        bootstrap: options.bootstrap,
        confidence: CONFIDENCE_LEVEL,
        convergence_n,
        params: design.params.clone(),
        outputs: outputs.to_vec(),
        moments,
        indices,
        warnings,
    })
}

/// One table as CSV text (the `csv` crate quotes fields that need it), header first.
fn csv_table(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).expect("in-memory CSV");
    for r in rows {
        w.write_record(&r).expect("in-memory CSV");
    }
    String::from_utf8(w.into_inner().expect("in-memory CSV")).expect("CSV of UTF-8 fields is UTF-8")
}

/// The unit of output `name` among `outputs` (`units[o]` of output `o`), or "".
fn unit_of<'a>(outputs: &[String], units: &'a [String], name: &str) -> &'a str {
    outputs.iter().position(|o| o == name).and_then(|o| units.get(o)).map_or("", |u| u.as_str())
}

impl SobolResult {
    /// The table `sensitivity.csv`: one row per output × parameter, with the output's unit
    /// (`units[o]` of output `o`), S1 and ST with their 95 % intervals (fractions of the
    /// output's variance, so no unit).
    pub fn csv(&self, units: &[String]) -> String {
        csv_table(
            &["output", "output_unit", "param", "s1", "s1_low_95", "s1_high_95", "st", "st_low_95", "st_high_95"],
            self.indices.iter().map(|i| {
                let mut r =
                    vec![i.output.clone(), unit_of(&self.outputs, units, &i.output).to_string(), i.param.clone()];
                r.extend([i.s1, i.s1_low, i.s1_high, i.st, i.st_low, i.st_high].map(|x| x.to_string()));
                r
            }),
        )
    }
}

/// The warnings of one index: an interval wider than [`MAX_CI_WIDTH`], or an estimate below 0
/// whose whole interval is below 0 too (a true index is never negative).
fn convergence_warnings(i: &SobolIndex) -> Vec<String> {
    let mut w = Vec::new();
    for (what, v, lo, hi) in [("S1", i.s1, i.s1_low, i.s1_high), ("ST", i.st, i.st_low, i.st_high)] {
        let c = |v: f64| format!("{v:.3}");
        if hi - lo > MAX_CI_WIDTH {
            w.push(format!(
                "`{}` × `{}`: the 95 % interval of {what} [{}, {}] is {} wide (over {MAX_CI_WIDTH}): not converged, increase N",
                i.output,
                i.param,
                c(lo),
                c(hi),
                c(hi - lo)
            ));
        }
        if v < 0.0 && hi < 0.0 {
            w.push(format!(
                "`{}` × `{}`: {what} = {} is negative beyond its interval [{}, {}]: not converged, increase N",
                i.output,
                i.param,
                c(v),
                c(lo),
                c(hi)
            ));
        }
    }
    w
}

/// Sobol first-order and total indices of `model` over `params` (uniform on each range), with N
/// base rows (N·(k+2) model runs, in parallel), 95 % bootstrap intervals from
/// [`DEFAULT_BOOTSTRAP`] resamples and the convergence diagnostic. `model` takes a point in the
/// parameters' units and returns one value per output.
pub fn sobol(
    model: impl Fn(&[f64]) -> Vec<f64> + Sync,
    params: &[ParamRange],
    outputs: &[String],
    n: usize,
    seed: u64,
) -> Result<SobolResult, SensitivityError> {
    let fallible = |x: &[f64]| Ok(model(x));
    sobol_with(&fallible, params, outputs, n, seed, SobolOptions::default(), &|| {})
}

/// [`sobol`] for a model that can fail, with options and a callback per finished run.
pub fn sobol_with(
    model: &FallibleModel<'_>,
    params: &[ParamRange],
    outputs: &[String],
    n: usize,
    seed: u64,
    options: SobolOptions,
    on_done: &(dyn Fn() + Sync),
) -> Result<SobolResult, SensitivityError> {
    check_outputs(outputs)?;
    if options.bootstrap < MIN_BOOTSTRAP {
        return Err(SensitivityError::Bootstrap { b: options.bootstrap });
    }
    let design = sobol_design(params, n, seed)?;
    let values = evaluate(model, params, outputs, &design.points, on_done)?;
    sobol_analyse(&design, outputs, &values, options)
}

// ---------------------------------------------------------------------------------------------
// Morris elementary effects
// ---------------------------------------------------------------------------------------------

/// The trajectories of [`morris`]: r trajectories of k+1 points each, in run order. Point m > 0
/// of a trajectory differs from point m − 1 in the parameter `moved[t][m−1]` alone, by the step
/// `steps[t][m−1]` (±Δ in units of the parameter's range).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MorrisDesign {
    /// Trajectories r.
    pub r: usize,
    /// Grid levels p.
    pub levels: usize,
    /// Step Δ = p / (2(p − 1)), fraction of each range.
    pub delta: f64,
    /// The parameters.
    pub params: Vec<ParamRange>,
    /// Seed of the trajectories.
    pub seed: u64,
    /// Every point, trajectory after trajectory.
    #[serde(skip)]
    pub points: Vec<Vec<f64>>,
    /// Per trajectory, the parameter moved at each step.
    #[serde(skip)]
    pub moved: Vec<Vec<usize>>,
    /// Per trajectory, the signed step of each move (+Δ or −Δ).
    #[serde(skip)]
    pub steps: Vec<Vec<f64>>,
}

/// Draw r Morris trajectories on a p-level grid (Morris 1991): a random base point with every
/// coordinate on a level from which a step of Δ stays in [0, 1], a random direction per
/// coordinate, and the coordinates moved one at a time in a random order.
pub fn morris_design(
    params: &[ParamRange],
    r: usize,
    levels: usize,
    seed: u64,
) -> Result<MorrisDesign, SensitivityError> {
    check_params(params)?;
    if !(MIN_TRAJECTORIES..=MAX_TRAJECTORIES).contains(&r) {
        return Err(SensitivityError::Trajectories { r });
    }
    if !(2..=MAX_LEVELS).contains(&levels) || !levels.is_multiple_of(2) {
        return Err(SensitivityError::Levels { p: levels });
    }
    let k = params.len();
    let step_levels = levels / 2; // Δ = (p/2) grid steps
    let delta = step_levels as f64 / (levels - 1) as f64;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut points, mut moved, mut steps) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..r {
        // the grid level of each coordinate and its direction
        let mut level: Vec<usize> = Vec::with_capacity(k);
        let mut dir: Vec<i64> = Vec::with_capacity(k);
        for _ in 0..k {
            let base = rng.random_range(0..levels - step_levels);
            let up = rng.random_range(0..2) == 0;
            level.push(if up { base } else { base + step_levels });
            dir.push(if up { 1 } else { -1 });
        }
        let mut order: Vec<usize> = (0..k).collect();
        for i in (1..k).rev() {
            order.swap(i, rng.random_range(0..=i));
        }
        let at = |lv: &[usize]| -> Vec<f64> {
            params.iter().zip(lv).map(|(p, &l)| p.value(unit_level(l, levels))).collect()
        };
        points.push(at(&level));
        let mut st = Vec::with_capacity(k);
        for &i in &order {
            level[i] = (level[i] as i64 + dir[i] * step_levels as i64) as usize;
            st.push(dir[i] as f64 * delta);
            points.push(at(&level));
        }
        moved.push(order);
        steps.push(st);
    }
    Ok(MorrisDesign { r, levels, delta, params: params.to_vec(), seed, points, moved, steps })
}

/// Where grid level `l` of `p` lies in [0, 1]: l/(p − 1) ([`ParamRange::value`] maps 1 to the
/// high end, and an integer key's top value too).
fn unit_level(l: usize, p: usize) -> f64 {
    l as f64 / (p - 1) as f64
}

/// Elementary-effect statistics of one output and one parameter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MorrisEffect {
    /// Output name.
    pub output: String,
    /// Parameter key.
    pub param: String,
    /// Mean elementary effect μ, in output units per full parameter range.
    pub mu: f64,
    /// Mean absolute elementary effect μ* (Campolongo et al. 2007), same unit: the screening
    /// measure of importance.
    pub mu_star: f64,
    /// Standard deviation of the elementary effects σ (sample form, r − 1), same unit:
    /// non-linearity or interaction.
    pub sigma: f64,
}

/// What [`morris`] found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MorrisResult {
    /// Trajectories r.
    pub r: usize,
    /// Grid levels p.
    pub levels: usize,
    /// Step Δ, fraction of each range.
    pub delta: f64,
    /// Model runs, r·(k+1).
    pub runs: usize,
    /// Seed of the trajectories.
    pub seed: u64,
    /// The parameters.
    pub params: Vec<ParamRange>,
    /// The outputs.
    pub outputs: Vec<String>,
    /// One entry per output × parameter, outputs outer.
    pub effects: Vec<MorrisEffect>,
}

impl MorrisResult {
    /// The statistics of `output` and `param`.
    pub fn effect(&self, output: &str, param: &str) -> Option<&MorrisEffect> {
        self.effects.iter().find(|e| e.output == output && e.param == param)
    }
}

impl MorrisResult {
    /// The table `sensitivity.csv`: one row per output × parameter, with the output's unit
    /// (`units[o]`); μ, μ* and σ are in that unit per full range of the parameter.
    pub fn csv(&self, units: &[String]) -> String {
        csv_table(
            &["output", "output_unit", "param", "mu", "mu_star", "sigma"],
            self.effects.iter().map(|e| {
                let mut r =
                    vec![e.output.clone(), unit_of(&self.outputs, units, &e.output).to_string(), e.param.clone()];
                r.extend([e.mu, e.mu_star, e.sigma].map(|x| x.to_string()));
                r
            }),
        )
    }
}

/// μ, μ* and σ from the model's values at the design's points (`values[run][output]`).
pub fn morris_analyse(
    design: &MorrisDesign,
    outputs: &[String],
    values: &[Vec<f64>],
) -> Result<MorrisResult, SensitivityError> {
    check_outputs(outputs)?;
    let k = design.params.len();
    assert_eq!(values.len(), design.r * (k + 1), "one value row per design point");
    let mut effects = Vec::new();
    for (o, name) in outputs.iter().enumerate() {
        // ee[i][t]: the effect of parameter i on trajectory t
        let mut ee = vec![vec![0.0; design.r]; k];
        for (t, (moved, steps)) in design.moved.iter().zip(&design.steps).enumerate() {
            let base = t * (k + 1);
            for (m, (&i, &step)) in moved.iter().zip(steps).enumerate() {
                ee[i][t] = (values[base + m + 1][o] - values[base + m][o]) / step;
            }
        }
        for (i, p) in design.params.iter().enumerate() {
            let r = design.r as f64;
            let mu = ee[i].iter().sum::<f64>() / r;
            let mu_star = ee[i].iter().map(|e| e.abs()).sum::<f64>() / r;
            let sigma = (ee[i].iter().map(|e| (e - mu).powi(2)).sum::<f64>() / (r - 1.0)).sqrt();
            effects.push(MorrisEffect { output: name.clone(), param: p.key.clone(), mu, mu_star, sigma });
        }
    }
    Ok(MorrisResult {
        r: design.r,
        levels: design.levels,
        delta: design.delta,
        runs: design.points.len(),
        seed: design.seed,
        params: design.params.clone(),
        outputs: outputs.to_vec(),
        effects,
    })
}

/// Morris elementary effects of `model` over `params`: r trajectories on a p-level grid,
/// r·(k+1) model runs in parallel.
pub fn morris(
    model: impl Fn(&[f64]) -> Vec<f64> + Sync,
    params: &[ParamRange],
    outputs: &[String],
    r: usize,
    levels: usize,
    seed: u64,
) -> Result<MorrisResult, SensitivityError> {
    let fallible = |x: &[f64]| Ok(model(x));
    morris_with(&fallible, params, outputs, r, levels, seed, &|| {})
}

/// [`morris`] for a model that can fail, with a callback per finished run.
pub fn morris_with(
    model: &FallibleModel<'_>,
    params: &[ParamRange],
    outputs: &[String],
    r: usize,
    levels: usize,
    seed: u64,
    on_done: &(dyn Fn() + Sync),
) -> Result<MorrisResult, SensitivityError> {
    check_outputs(outputs)?;
    let design = morris_design(params, r, levels, seed)?;
    let values = evaluate(model, params, outputs, &design.points, on_done)?;
    morris_analyse(&design, outputs, &values)
}

// ---------------------------------------------------------------------------------------------
// The scenario adapter
// ---------------------------------------------------------------------------------------------

/// One parameter of the default set: key, range and where the range comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DefaultParam {
    /// Scenario key.
    pub key: &'static str,
    /// Low end, in the key's unit.
    pub low: f64,
    /// High end, in the key's unit.
    pub high: f64,
    /// Source of the range, or "assumed, because …".
    pub source: &'static str,
}

/// Spread of a calibrated rate with no published spread, each way, as a fraction of its
/// default: two coefficients of variation of the model's own uncertainty ensemble
/// (`simulation.parameter_cv` = 0.2 by default), so the box holds ≈ 95 % of the ensemble's
/// draws. Assumed.
pub const CALIBRATED_RATE_SPREAD: f64 = 0.4;

/// The default parameter set, used when no `--param` is given: the rates the uncertainty
/// ensemble perturbs, two healing rates with published alternatives, the penetration drag loss
/// and the patient's age (also listed in `docs/STUDIES.md`).
pub const DEFAULT_PARAMS: [DefaultParam; 6] = [
    DefaultParam {
        key: "healing.rates.col_synth_per_d",
        low: 0.02 * (1.0 - CALIBRATED_RATE_SPREAD),
        high: 0.02 * (1.0 + CALIBRATED_RATE_SPREAD),
        source: "assumed, because the default 0.02 /d is calibrated (docs/model/healing.md) with no published \
                 spread: ±40 % (CALIBRATED_RATE_SPREAD, two ensemble CVs)",
    },
    DefaultParam {
        key: "healing.rates.col3_to_col1_per_d",
        low: 0.045 * (1.0 - CALIBRATED_RATE_SPREAD),
        high: 0.045 * (1.0 + CALIBRATED_RATE_SPREAD),
        source: "assumed, because the default 0.045 /d is calibrated on HE-TL-05 with no published spread: ±40 % \
                 (CALIBRATED_RATE_SPREAD)",
    },
    DefaultParam {
        key: "healing.rates.mac_death_per_d",
        low: 0.2,
        high: 0.5,
        source: "the published values the fitted default 0.25 /d lies between: Waugh & Sherratt 2006 (0.2 /d) \
                 and Cooper et al. 2015 (0.5 /d)",
    },
    DefaultParam {
        key: "healing.rates.gf_diffusivity_um2_per_h",
        low: 75.0,
        high: 750.0,
        source: "Cumming et al. 2010: TGF-β diffusivity in tissue 75–750 µm²/h (the default 300 lies inside)",
    },
    DefaultParam {
        key: "penetration.drag_loss_quasistatic",
        low: 0.7,
        high: 0.9,
        source: "assumed, because the default 0.80 is calibrated on one study (Kalluri et al. 2011, 770 µm \
                 roller → 152.5 µm channels): ±0.1, since ±40 % would pass the key's upper limit 0.99",
    },
    DefaultParam {
        key: "patient.age_y",
        low: 25.0,
        high: 55.0,
        source: "assumed, because it spans the adult ages of most microneedling trials around the default 35 y \
                 (no single source; the model's age range is 12–100 y)",
    },
];

/// The default parameter set as ranges (integer flags are set by [`ScenarioModel::new`]).
pub fn default_params() -> Vec<ParamRange> {
    DEFAULT_PARAMS.iter().map(|d| ParamRange::new(d.key, d.low, d.high)).collect()
}

/// The outputs studied when none is named, those of them the base run has: penetration, the
/// collagen change, downtime and the scar outcome.
pub const DEFAULT_OUTPUTS: [&str; 5] =
    ["mean_depth_um", "dermis_reached_fraction", "collagen_change_pct", "downtime_d", "outcomes.scar_improvement_pct"];

/// Every evaluation runs the nominal member only (`simulation.ensemble_members = 1`): the
/// uncertainty ensemble perturbs rates at random, which would add noise to the indices; the
/// study varies the uncertain parameters itself.
pub const ENSEMBLE_MEMBERS_PER_RUN: i64 = 1;

/// What kind of value a scenario key takes, read from the scenario's JSON Schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyKind {
    Integer,
    Number,
    Other(&'static str),
    Unknown,
}

/// Follow `$ref` and the non-null branch of `anyOf` (an optional table) to a schema node.
fn resolve_schema<'a>(defs: &'a serde_json::Value, mut v: &'a serde_json::Value) -> &'a serde_json::Value {
    // a reference chain is short; the bound only guards against a cycle
    const MAX_HOPS: usize = 8;
    for _ in 0..MAX_HOPS {
        if let Some(r) = v.get("$ref").and_then(|r| r.as_str()) {
            v = &defs[r.trim_start_matches("#/$defs/")];
        } else if let Some(a) = v.get("anyOf").and_then(|a| a.as_array()) {
            match a.iter().find(|b| b.get("type").and_then(|t| t.as_str()) != Some("null")) {
                Some(b) => v = b,
                None => break,
            }
        } else {
            break;
        }
    }
    v
}

pub(crate) fn key_kind(schema: &serde_json::Value, key: &str) -> KeyKind {
    let defs = &schema["$defs"];
    let mut node = resolve_schema(defs, schema);
    for part in key.split('.') {
        match node.get("properties").and_then(|p| p.get(part)) {
            Some(next) => node = resolve_schema(defs, next),
            None => return KeyKind::Unknown,
        }
    }
    let types: Vec<&str> = match node.get("type") {
        Some(serde_json::Value::String(s)) => vec![s.as_str()],
        Some(serde_json::Value::Array(a)) => a.iter().filter_map(|t| t.as_str()).filter(|t| *t != "null").collect(),
        _ => vec![],
    };
    match types.as_slice() {
        ["integer"] => KeyKind::Integer,
        ["number"] => KeyKind::Number,
        ["string"] => KeyKind::Other("text"),
        ["boolean"] => KeyKind::Other("true/false"),
        ["array"] => KeyKind::Other("list"),
        ["object"] => KeyKind::Other("table"),
        _ => KeyKind::Other("non-numeric"),
    }
}

/// A scenario as a model of its parameters: a point of the parameter box becomes scenario edits
/// (`key = value`, integers for integer keys, plus `simulation.ensemble_members = 1`), and the
/// model's value is the chosen figures of [`mnsim_sim::run_within`].
#[derive(Debug, Clone)]
pub struct ScenarioModel {
    text: String,
    file: String,
    params: Vec<ParamRange>,
    budget: mnsim_sim::Budget,
}

impl ScenarioModel {
    /// The model of scenario `text` (`file` names it in errors) over `params`. Checks every range
    /// and that the scenario accepts each key at both ends of its range (the others at their
    /// base values); an integer key (from the scenario's schema) must have whole ends.
    pub fn new(
        text: &str,
        file: &str,
        params: Vec<ParamRange>,
        budget: mnsim_sim::Budget,
    ) -> Result<Self, SensitivityError> {
        let schema = mnsim_scenario::json_schema();
        let mut params = params;
        for p in &mut params {
            match key_kind(&schema, &p.key) {
                KeyKind::Integer => p.integer = true,
                KeyKind::Number | KeyKind::Unknown => p.integer = false,
                KeyKind::Other(what) => {
                    return Err(SensitivityError::Key {
                        key: p.key.clone(),
                        message: format!("takes a {what} value; only numeric keys can be varied"),
                    });
                }
            }
        }
        check_params(&params)?;
        let model = ScenarioModel { text: text.to_string(), file: file.to_string(), params, budget };
        model.base().map_err(|e| match e {
            SensitivityError::Point { message, .. } => SensitivityError::Key { key: "(base)".into(), message },
            other => other,
        })?;
        for p in &model.params {
            for v in [p.low, p.high] {
                let mut edits = model.base_edits();
                edits.push(Edit::Set(p.key.clone(), toml_value(p, v)));
                mnsim_scenario::parse_with(&model.text, &model.file, &edits)
                    .map_err(|e| SensitivityError::Key { key: p.key.clone(), message: e.to_string() })?;
            }
        }
        Ok(model)
    }

    /// The parameters, with their integer flags.
    pub fn params(&self) -> &[ParamRange] {
        &self.params
    }

    fn base_edits(&self) -> Vec<Edit> {
        vec![Edit::Set("simulation.ensemble_members".into(), toml::Value::Integer(ENSEMBLE_MEMBERS_PER_RUN))]
    }

    /// The base scenario (no parameter edited), nominal member only.
    pub fn base(&self) -> Result<ResolvedScenario, SensitivityError> {
        mnsim_scenario::parse_with(&self.text, &self.file, &self.base_edits()).map_err(|e| SensitivityError::Point {
            run: BASE_RUN,
            point: "base".into(),
            message: e.to_string(),
        })
    }

    /// The scenario at point `x` (run `run` of the design, for the error).
    pub fn scenario_at(&self, run: usize, x: &[f64]) -> Result<ResolvedScenario, SensitivityError> {
        let mut edits = self.base_edits();
        edits.extend(self.params.iter().zip(x).map(|(p, &v)| Edit::Set(p.key.clone(), toml_value(p, v))));
        mnsim_scenario::parse_with(&self.text, &self.file, &edits).map_err(|e| SensitivityError::Point {
            run,
            point: describe_point(&self.params, x),
            message: e.to_string(),
        })
    }

    /// Check that the scenario accepts every point (in parallel; the first rejected point in
    /// index order is the error), before any model run.
    pub fn check_points(&self, points: &[Vec<f64>]) -> Result<(), SensitivityError> {
        let errors: Vec<Option<SensitivityError>> =
            points.par_iter().enumerate().map(|(run, x)| self.scenario_at(run, x).err()).collect();
        match errors.into_iter().flatten().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Run the base scenario and return its figures (name, value, unit).
    pub fn base_figures(&self) -> Result<Vec<mnsim_sim::Figure>, SensitivityError> {
        self.base_figures_with(&[])
    }

    /// [`ScenarioModel::base_figures`] and, for each time-course output in `courses`
    /// ([`course_output`]), its value in the base run as a figure; a course the run does not
    /// have is an [`SensitivityError::UnknownOutput`].
    pub fn base_figures_with(&self, courses: &[String]) -> Result<Vec<mnsim_sim::Figure>, SensitivityError> {
        let sc = self.base()?;
        let r = mnsim_sim::run_within(&sc, &self.budget, &mut mnsim_sim::NoProgress)
            .map_err(|e| SensitivityError::Model { run: BASE_RUN, point: "base".into(), message: e.to_string() })?;
        let mut figures = r.figures.clone();
        for name in courses {
            let f = course_figure(&r, name).ok_or_else(|| SensitivityError::UnknownOutput {
                name: name.clone(),
                known: r.healing.as_ref().map_or(
                    "no healing time courses (simulation.run_healing = false)".into(),
                    |h| {
                        let mut v: Vec<&str> = h
                            .time_courses
                            .series
                            .iter()
                            .filter(|s| s.region == "patch")
                            .map(|s| s.variable.as_str())
                            .collect();
                        v.dedup();
                        format!("course.VAR@Td with VAR one of {}", v.join(", "))
                    },
                ),
            })?;
            figures.push(f);
        }
        Ok(figures)
    }

    /// The outputs to study: `requested` (each must be a figure of the base run), or those of
    /// [`DEFAULT_OUTPUTS`] the base run has.
    pub fn resolve_outputs(
        requested: Option<&[String]>,
        base: &[mnsim_sim::Figure],
    ) -> Result<Vec<String>, SensitivityError> {
        let known = || base.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", ");
        let outputs: Vec<String> = match requested {
            Some(r) => r.to_vec(),
            None => {
                DEFAULT_OUTPUTS.iter().filter(|o| base.iter().any(|f| f.name == **o)).map(|o| o.to_string()).collect()
            }
        };
        check_outputs(&outputs)?;
        for o in &outputs {
            if !base.iter().any(|f| &f.name == o) {
                return Err(SensitivityError::UnknownOutput { name: o.clone(), known: known() });
            }
        }
        Ok(outputs)
    }

    /// What the design's runs skip because no output in `outputs` reads it (the cohort's fast
    /// path, issue 15 item 5): the edits, and each skipped part in words. The application-window
    /// search is skipped unless an output is a `transport_window_*` figure; the topical's
    /// transport is skipped unless an output is a `transport_*` figure, a parameter is a
    /// `topical.*` key, or the topical acts on another outcome (a depigmenting active, or one
    /// that acts on the healing cascade). Every other figure of a run is the same bits with or
    /// without these parts (`the_fast_path_leaves_every_outcome_as_the_full_run_has_it`), so the
    /// base run, which keeps them, gives the same base values.
    pub fn fast_path(&self, outputs: &[String]) -> (Vec<Edit>, Vec<String>) {
        let (mut edits, mut skipped) = (Vec::new(), Vec::new());
        if !outputs.iter().any(|o| o.starts_with("transport_window")) {
            edits.push(Edit::Set("transport.compute_window".into(), toml::Value::Boolean(false)));
            skipped.push("the transport application-window search: no output reads transport_window_*".to_string());
        }
        let base = self.base().ok();
        if let Some(t) = base.as_ref().and_then(|b| b.scenario.topical.as_ref())
            && !outputs.iter().any(|o| o.starts_with("transport_"))
            && !self.params.iter().any(|p| p.key.starts_with("topical."))
            && mnsim_sim::depigmenting_pd(&t.name).is_none()
            && base.as_ref().is_some_and(|b| !mnsim_sim::serum_acts_on_healing(b))
        {
            edits.push(Edit::Unset("topical".into()));
            skipped.push(format!(
                "transport of the topical `{}`: no output reads it and it acts on no other outcome",
                t.name
            ));
        }
        (edits, skipped)
    }

    /// The chosen figures of the run at `x` (on the fast path for `outputs`,
    /// [`ScenarioModel::fast_path`]); an error in words (a rejected point, a solver failure, a
    /// figure the run does not have).
    pub fn evaluate(&self, x: &[f64], outputs: &[String]) -> Result<Vec<f64>, String> {
        let mut edits = self.base_edits();
        edits.extend(self.fast_path(outputs).0);
        edits.extend(self.params.iter().zip(x).map(|(p, &v)| Edit::Set(p.key.clone(), toml_value(p, v))));
        let sc = mnsim_scenario::parse_with(&self.text, &self.file, &edits).map_err(|e| e.to_string())?;
        let r = mnsim_sim::run_within(&sc, &self.budget, &mut mnsim_sim::NoProgress).map_err(|e| e.to_string())?;
        outputs
            .iter()
            .map(|o| match course_output(o) {
                Some(_) => {
                    course_figure(&r, o).map(|f| f.value).ok_or_else(|| format!("the run has no time course `{o}`"))
                }
                None => r.figure(o).map(|f| f.value).ok_or_else(|| format!("the run has no figure `{o}`")),
            })
            .collect()
    }
}

/// Days at which `mnsim sensitivity --time-courses` reads each course by default (those within
/// the course). Assumed: the phases of a session's response (inflammation days 1–7,
/// proliferation weeks 2–4, remodelling months 1–6).
pub const DEFAULT_COURSE_TIMES_D: [f64; 8] = [1.0, 3.0, 7.0, 14.0, 30.0, 60.0, 90.0, 180.0];

/// A time-course output: `course.VAR@Td` is the patch-average healing time course of `VAR`
/// (`collagen_total`, `dermal_thickness`, `erythema_index`, … — a variable of `healing.csv`) at
/// `T` days from the first session, linearly interpolated between samples; its indices over a
/// grid of T are the time-resolved indices. Returns (VAR, T).
pub fn course_output(name: &str) -> Option<(&str, f64)> {
    let rest = name.strip_prefix("course.")?;
    let (var, t) = rest.split_once('@')?;
    let t: f64 = t.strip_suffix('d')?.parse().ok()?;
    (!var.is_empty() && t.is_finite() && t >= 0.0).then_some((var, t))
}

/// The name of time-course output `var` at `t_d` days ([`course_output`]).
pub fn course_output_name(var: &str, t_d: f64) -> String {
    format!("course.{var}@{}d", mnsim_scenario::compact(t_d))
}

/// The value of a time-course output in run `r`, as a figure (None if the run has no such
/// course, or the time is outside it).
pub fn course_figure(r: &mnsim_sim::RunResult, name: &str) -> Option<mnsim_sim::Figure> {
    let (var, t) = course_output(name)?;
    let tc = &r.healing.as_ref()?.time_courses;
    let s = tc.series.iter().find(|s| s.variable == var && s.region == "patch")?;
    let ts = &tc.t_d;
    if ts.is_empty() || t < ts[0] || t > *ts.last()? {
        return None;
    }
    let i = ts.partition_point(|&x| x <= t).clamp(1, ts.len() - 1);
    let (t0, t1, y0, y1) = (ts[i - 1], ts[i], s.values[i - 1], s.values[i]);
    let value = if t1 > t0 { y0 + (y1 - y0) * (t - t0) / (t1 - t0) } else { y1 };
    Some(mnsim_sim::Figure {
        name: name.to_string(),
        value,
        unit: s.unit.clone(),
        description: format!("healing time course `{var}` (patch average) at {} d", mnsim_scenario::compact(t)),
    })
}

/// The TOML value of parameter `p` at `v`: an integer for an integer key.
fn toml_value(p: &ParamRange, v: f64) -> toml::Value {
    if p.integer { toml::Value::Integer(v.round() as i64) } else { toml::Value::Float(v) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_is_parsed_and_checked() {
        let p = ParamRange::parse("device.needle_length_um=500:2000").unwrap();
        assert_eq!((p.key.as_str(), p.low, p.high), ("device.needle_length_um", 500.0, 2000.0));
        for bad in ["x", "x=1", "=1:2", "x=a:2", "x.=1:2", "x=1:"] {
            assert!(matches!(ParamRange::parse(bad), Err(SensitivityError::Spec { .. })), "{bad}");
        }
        for (lo, hi) in [(2.0, 1.0), (1.0, 1.0), (f64::NAN, 1.0), (0.0, f64::INFINITY)] {
            let e = ParamRange::new("x", lo, hi).check().unwrap_err();
            assert!(matches!(e, SensitivityError::Range { .. }), "{e}");
        }
        let mut i = ParamRange::new("n", 1.5, 4.0);
        i.integer = true;
        assert!(i.check().unwrap_err().to_string().contains("whole numbers"));
    }

    #[test]
    fn integer_values_are_equally_likely_whole_numbers() {
        let mut p = ParamRange::new("n", 2.0, 4.0);
        p.integer = true;
        let vals: Vec<f64> = (0..6).map(|j| p.value(j as f64 / 6.0)).collect();
        assert_eq!(vals, vec![2.0, 2.0, 3.0, 3.0, 4.0, 4.0]);
        assert_eq!(p.value(1.0 - f64::EPSILON), 4.0);
    }

    #[test]
    fn n_must_be_a_power_of_two_in_range() {
        for n in [0, 3, 100, 4, MAX_N * 2] {
            let e = check_n(n).unwrap_err();
            assert!(e.to_string().contains(&format!("--n {n}")), "{e}");
        }
        assert!(check_n(8).is_ok() && check_n(MAX_N).is_ok());
        assert!(check_n(100).unwrap_err().to_string().contains("e.g. 128"));
    }

    #[test]
    fn the_design_has_n_times_k_plus_2_points_and_ab_rows_mix_a_and_b() {
        let params = vec![ParamRange::new("a", 0.0, 1.0), ParamRange::new("b", 10.0, 20.0)];
        let d = sobol_design(&params, 16, 7).unwrap();
        assert_eq!(d.runs(), 16 * 4);
        for j in 0..16 {
            let (a, b, ab0, ab1) = (&d.points[j], &d.points[16 + j], &d.points[32 + j], &d.points[48 + j]);
            assert_eq!(ab0, &vec![b[0], a[1]]);
            assert_eq!(ab1, &vec![a[0], b[1]]);
            assert!((10.0..20.0).contains(&a[1]) && (0.0..1.0).contains(&b[0]));
        }
        // another seed, another scramble
        assert_ne!(sobol_design(&params, 16, 8).unwrap().points, d.points);
    }

    #[test]
    fn the_key_kind_comes_from_the_schema() {
        let s = mnsim_scenario::json_schema();
        assert_eq!(key_kind(&s, "device.needle_count"), KeyKind::Integer);
        assert_eq!(key_kind(&s, "patient.fitzpatrick"), KeyKind::Integer);
        assert_eq!(key_kind(&s, "device.needle_length_um"), KeyKind::Number);
        assert_eq!(key_kind(&s, "healing.rates.col_synth_per_d"), KeyKind::Number);
        assert_eq!(key_kind(&s, "penetration.drag_loss_quasistatic"), KeyKind::Number);
        assert_eq!(key_kind(&s, "patient.site"), KeyKind::Other("text"));
        assert_eq!(key_kind(&s, "device.no_such_key"), KeyKind::Unknown);
    }

    #[test]
    fn morris_trajectories_move_one_parameter_by_delta_each_step() {
        let params: Vec<ParamRange> = (0..3).map(|i| ParamRange::new(&format!("x{i}"), 0.0, 1.0)).collect();
        let d = morris_design(&params, 5, 4, 1).unwrap();
        assert_eq!(d.points.len(), 5 * 4);
        for t in 0..5 {
            let mut seen = d.moved[t].clone();
            seen.sort();
            assert_eq!(seen, vec![0, 1, 2]);
            for m in 0..3 {
                let (p, q) = (&d.points[t * 4 + m], &d.points[t * 4 + m + 1]);
                let i = d.moved[t][m];
                for c in 0..3 {
                    if c == i {
                        assert!((q[c] - p[c] - d.steps[t][m]).abs() < 1e-9, "{p:?} → {q:?}");
                    } else {
                        assert_eq!(q[c], p[c]);
                    }
                }
                assert!(q.iter().all(|v| (0.0..=1.0).contains(v)));
            }
        }
    }
}
