//! The search of `mnsim plan`, generic over the model: a mixed decision space (discrete sets,
//! integers, continuous intervals, categorical choices), objectives and constraints on named
//! figures, and the optimiser that picks the candidates to evaluate.
//!
//! - A space of at most [`EXHAUSTIVE_LIMIT`] candidates (every variable enumerable: a set, an
//!   integer range, a categorical choice, or an interval with a `step`) is **enumerated**: every
//!   candidate is evaluated, so the answer is the exact optimum over the space.
//! - A larger space, or one with a continuous variable without a step, is searched by
//!   **NSGA-II** (Deb et al. 2002, IEEE Trans Evol Comput 6:182) from the `moors` crate, seeded.
//!   Each variable is one gene in [0, 1], decoded to its value (a discrete variable of n levels
//!   takes level ⌊u·n⌋); constraints go to NSGA-II as `g ≤ 0` (Deb's constrained domination).
//!   With one objective NSGA-II's rank is the objective's order, so it acts as an elitist
//!   (μ + λ) genetic algorithm.
//!
//! Whatever the method, the answer is read from **every candidate evaluated**, not only the
//! final population: the recommendation is the best feasible candidate evaluated, and the Pareto
//! front (more than one objective) is the non-dominated filter of the feasible candidates
//! evaluated. A GA's front is therefore an approximation of the true front, as good as the
//! candidates it visited.
//!
//! Candidates are evaluated in parallel (rayon) and recorded in a fixed order (enumeration:
//! mixed-radix order, the first variable slowest; GA: the population's row order, each distinct
//! candidate once), so the same seed gives the same records whatever the thread count.

use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
#[cfg(feature = "nsga")]
use std::sync::Mutex;

/// Largest space that is enumerated rather than searched by the GA. Assumed: 512 candidates at
/// ≈ 1 s each (nominal member, no transport window) is under ten minutes on two cores, the
/// budget of an interactive study; beyond that a GA of a few hundred evaluations finds the
/// optimum of the spaces in the worked plans (docs/STUDIES.md).
pub const EXHAUSTIVE_LIMIT: u128 = 512;
/// Default evaluation budget of the GA. Assumed: 12 generations of 16.
pub const DEFAULT_MAX_EVALUATIONS: usize = 192;
/// Default GA population. Assumed: 16, four times the usual four to six decision variables.
pub const DEFAULT_POPULATION: usize = 16;
/// Distribution index of the simulated binary crossover. Deb & Agrawal 1995 (Complex Systems
/// 9:115) and Deb et al. 2002 use η_c = 20 for NSGA-II on real genes; 15 is a little wider.
pub const SBX_ETA: f64 = 15.0;
/// Per-gene rate and standard deviation of the Gaussian mutation on the [0, 1] genes. Assumed:
/// 1/k is the usual per-gene rate for k genes; a fixed 0.25 with σ = 0.15 (of the whole range)
/// lets a discrete gene of 3–6 levels jump one level in about half the mutations.
pub const MUTATION_GENE_RATE: f64 = 0.25;
/// See [`MUTATION_GENE_RATE`].
pub const MUTATION_SIGMA: f64 = 0.15;
/// Constraint value given to NSGA-II for a candidate the scenario rejects (an invalid
/// combination): far beyond any real violation, so any valid candidate dominates it.
#[cfg(feature = "nsga")]
const REJECTED_VIOLATION: f64 = 1e12;

/// What values a decision variable takes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Kind {
    /// One of these numbers.
    Set { values: Vec<f64> },
    /// A whole number in `[low, high]`.
    Integer { low: i64, high: i64 },
    /// A number in `[low, high]`; with `step`, only `low + k·step` (the last ≤ high).
    Continuous { low: f64, high: f64, step: Option<f64> },
    /// One of these words.
    Categorical { choices: Vec<String> },
}

/// A decision variable: a name (a scenario key, or the protocol's `protocol.sessions` and
/// `protocol.interval_d`) and its values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Variable {
    /// The variable's name (the CSV column).
    pub key: String,
    /// Its values.
    #[serde(flatten)]
    pub kind: Kind,
}

/// A variable's value in a candidate.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// A whole number.
    Integer(i64),
    /// A number.
    Number(f64),
    /// A word.
    Text(String),
}

impl Value {
    /// The value as a number (`None` for a word).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Integer(i) => Some(*i as f64),
            Value::Number(x) => Some(*x),
            Value::Text(_) => None,
        }
    }
    /// The value as written in a CSV cell (numbers in Rust's shortest round-trip form).
    pub fn cell(&self) -> String {
        match self {
            Value::Integer(i) => i.to_string(),
            Value::Number(x) => x.to_string(),
            Value::Text(s) => s.clone(),
        }
    }
    fn key_bits(&self) -> String {
        match self {
            Value::Integer(i) => format!("i{i}"),
            Value::Number(x) => format!("n{:016x}", x.to_bits()),
            Value::Text(s) => format!("t{s}"),
        }
    }
}

impl Variable {
    /// Number of values, if finite.
    pub fn levels(&self) -> Option<usize> {
        match &self.kind {
            Kind::Set { values } => Some(values.len()),
            Kind::Integer { low, high } => Some((high - low + 1) as usize),
            Kind::Continuous { low, high, step: Some(s) } => Some(((high - low) / s + 1e-9).floor() as usize + 1),
            Kind::Continuous { step: None, .. } => None,
            Kind::Categorical { choices } => Some(choices.len()),
        }
    }

    /// Value number `i` (of [`Variable::levels`]).
    pub fn level(&self, i: usize) -> Value {
        match &self.kind {
            Kind::Set { values } => Value::Number(values[i]),
            Kind::Integer { low, .. } => Value::Integer(low + i as i64),
            Kind::Continuous { low, step: Some(s), .. } => Value::Number(snap(low + i as f64 * s)),
            Kind::Continuous { low, step: None, .. } => Value::Number(*low),
            Kind::Categorical { choices } => Value::Text(choices[i].clone()),
        }
    }

    /// The value of gene `u` ∈ [0, 1] (clamped): level ⌊u·n⌋ of a variable of n levels, else
    /// `low + u·(high − low)`.
    pub fn decode(&self, u: f64) -> Value {
        let u = if u.is_finite() { u.clamp(0.0, 1.0) } else { 0.0 };
        match (&self.kind, self.levels()) {
            (Kind::Continuous { low, high, step: None }, _) => Value::Number(low + u * (high - low)),
            (_, Some(n)) => self.level(((u * n as f64).floor() as usize).min(n - 1)),
            (_, None) => unreachable!("only a continuous variable without a step has no levels"),
        }
    }
}

/// `x` rounded to 12 significant digits, so that `14 + 3·0.1` is written `14.3`.
fn snap(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let digits = 12 - x.abs().log10().ceil() as i32;
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

/// Number of candidates of a space, if every variable is enumerable (saturating).
pub fn space_size(vars: &[Variable]) -> Option<u128> {
    vars.iter().try_fold(1u128, |n, v| v.levels().map(|l| n.saturating_mul(l as u128)))
}

/// Every candidate of an enumerable space, in mixed-radix order (the first variable slowest).
pub fn enumerate(vars: &[Variable]) -> Vec<Vec<Value>> {
    let levels: Vec<usize> = vars.iter().map(|v| v.levels().expect("enumerable")).collect();
    let total: usize = levels.iter().product();
    (0..total)
        .map(|mut k| {
            let mut idx = vec![0; vars.len()];
            for j in (0..vars.len()).rev() {
                idx[j] = k % levels[j];
                k /= levels[j];
            }
            vars.iter().zip(idx).map(|(v, i)| v.level(i)).collect()
        })
        .collect()
}

/// Maximise or minimise a figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Objective {
    /// Figure name (of results.json).
    pub figure: String,
    /// Maximise (else minimise).
    pub maximise: bool,
}

impl Objective {
    /// The objective as a value to minimise.
    pub fn cost(&self, v: f64) -> f64 {
        if self.maximise { -v } else { v }
    }
    /// `maximise NAME` / `minimise NAME`.
    pub fn label(&self) -> String {
        format!("{} {}", if self.maximise { "maximise" } else { "minimise" }, self.figure)
    }
}

/// A bound on a figure: `min ≤ value ≤ max` (either may be absent, not both).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Constraint {
    /// Figure name.
    pub figure: String,
    /// Upper bound.
    pub max: Option<f64>,
    /// Lower bound.
    pub min: Option<f64>,
}

impl Constraint {
    /// How far `v` is outside the bounds (0 inside; NaN counts as infinitely far).
    pub fn violation(&self, v: f64) -> f64 {
        if v.is_nan() {
            return f64::INFINITY;
        }
        let above = self.max.map_or(0.0, |m| (v - m).max(0.0));
        let below = self.min.map_or(0.0, |m| (m - v).max(0.0));
        above + below
    }
    /// `NAME <= MAX`, `NAME >= MIN`, or `MIN <= NAME <= MAX`.
    pub fn label(&self) -> String {
        match (self.min, self.max) {
            (Some(lo), Some(hi)) => format!("{lo} <= {} <= {hi}", self.figure),
            (None, Some(hi)) => format!("{} <= {hi}", self.figure),
            (Some(lo), None) => format!("{} >= {lo}", self.figure),
            (None, None) => self.figure.clone(),
        }
    }
}

/// What evaluating a candidate gave: the figures (objectives then constraints, in the order
/// given), or the scenario's reason for rejecting the combination.
#[derive(Debug, Clone, PartialEq)]
pub enum Evaluated {
    /// Values of the objectives' and then the constraints' figures.
    Figures(Vec<f64>),
    /// The scenario rejects this combination of values.
    Rejected(String),
}

/// One evaluated candidate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    /// Its index in evaluation order.
    pub index: usize,
    /// The decision values, one per variable.
    pub values: Vec<Value>,
    /// The objectives' figures (NaN when rejected).
    pub objectives: Vec<f64>,
    /// The constraints' figures (NaN when rejected).
    pub constraints: Vec<f64>,
    /// Every constraint holds and the scenario accepted the candidate.
    pub feasible: bool,
    /// The scenario's reason for rejecting it, if it did.
    pub rejected: Option<String>,
}

/// How the candidates were chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Every candidate of the space.
    Exhaustive,
    /// NSGA-II (moors).
    Nsga2,
}

/// Settings of the search.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Settings {
    /// Seed of the GA.
    pub seed: u64,
    /// GA: most distinct candidates to evaluate.
    pub max_evaluations: usize,
    /// GA: population size (and offspring per generation).
    pub population: usize,
    /// Enumerate a space of at most this many candidates.
    pub exhaustive_limit: u128,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            seed: 0,
            max_evaluations: DEFAULT_MAX_EVALUATIONS,
            population: DEFAULT_POPULATION,
            exhaustive_limit: EXHAUSTIVE_LIMIT,
        }
    }
}

/// Why a search failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SearchError {
    /// The model failed at a candidate (not a rejection: a solver or model failure).
    #[error("candidate {index} ({point}): the model failed: {message}")]
    Model {
        /// Index of the candidate.
        index: usize,
        /// Its values, `key=value, …`.
        point: String,
        /// The model's message.
        message: String,
    },
    /// The optimiser itself failed.
    #[error("the optimiser (moors NSGA-II) failed: {0}")]
    Optimiser(String),
    /// The space is above the enumeration limit and this build has no NSGA-II search.
    #[error(
        "the plan's space has {} candidates, more than the enumeration limit of {limit}: narrow the decision variables (or raise plan.exhaustive_limit), or build mnsim with the NSGA-II search: cargo install --path crates/mnsim-cli --features nsga",
        size.map_or("infinitely many".to_string(), |n| n.to_string())
    )]
    NeedsNsga {
        /// Candidates in the space (None: a continuous variable without a step).
        size: Option<u128>,
        /// The enumeration limit.
        limit: u128,
    },
    /// Population or budget out of range.
    #[error("{field} = {value} is invalid: {allowed}")]
    Setting {
        /// The setting.
        field: &'static str,
        /// Its value.
        value: String,
        /// What is allowed.
        allowed: String,
    },
}

/// Every candidate evaluated and how they were chosen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Search {
    /// Enumeration or NSGA-II.
    pub method: Method,
    /// Candidates in the space, if finite.
    pub space_size: Option<u128>,
    /// Every distinct candidate evaluated, in evaluation order.
    pub records: Vec<Record>,
    /// GA: generations run (0 for enumeration).
    pub generations: usize,
}

/// `key=value, …` of a candidate.
pub fn describe(vars: &[Variable], values: &[Value]) -> String {
    vars.iter().zip(values).map(|(v, x)| format!("{}={}", v.key, x.cell())).collect::<Vec<_>>().join(", ")
}

fn record(
    index: usize,
    values: Vec<Value>,
    e: Evaluated,
    objectives: &[Objective],
    constraints: &[Constraint],
) -> Record {
    match e {
        Evaluated::Figures(f) => {
            let (o, c) = f.split_at(objectives.len().min(f.len()));
            let feasible = o.iter().all(|v| v.is_finite())
                && constraints.iter().zip(c).all(|(k, &v)| k.violation(v) == 0.0)
                && c.len() == constraints.len();
            Record { index, values, objectives: o.to_vec(), constraints: c.to_vec(), feasible, rejected: None }
        }
        Evaluated::Rejected(why) => Record {
            index,
            values,
            objectives: vec![f64::NAN; objectives.len()],
            constraints: vec![f64::NAN; constraints.len()],
            feasible: false,
            rejected: Some(why),
        },
    }
}

/// The evaluated candidates so far, each distinct candidate once, and the first model error.
struct Memo {
    by_key: HashMap<String, usize>,
    records: Vec<Record>,
    error: Option<SearchError>,
}

impl Memo {
    fn key(values: &[Value]) -> String {
        candidate_key(values)
    }
}

/// A candidate's identity, exact to the bit (`i3|n4097…|tnone`): the key of the memo and of a
/// plan's stored evaluations.
pub fn candidate_key(values: &[Value]) -> String {
    values.iter().map(Value::key_bits).collect::<Vec<_>>().join("|")
}

type Eval<'a> = dyn Fn(&[Value]) -> Result<Evaluated, String> + Sync + 'a;

/// Evaluate the candidates not yet in `memo` (in parallel), appending them in order; return
/// the record index of each of `candidates`. A model error is kept in `memo` (the first, in
/// order) and its candidate recorded as rejected so the optimiser can go on to its end.
fn evaluate_into(
    memo: &mut Memo,
    vars: &[Variable],
    candidates: Vec<Vec<Value>>,
    eval: &Eval<'_>,
    objectives: &[Objective],
    constraints: &[Constraint],
) -> Vec<usize> {
    let mut fresh: Vec<Vec<Value>> = Vec::new();
    let mut fresh_keys: HashMap<String, usize> = HashMap::new();
    let keys: Vec<String> = candidates.iter().map(|c| Memo::key(c)).collect();
    for (c, k) in candidates.iter().zip(&keys) {
        if !memo.by_key.contains_key(k) && !fresh_keys.contains_key(k) {
            fresh_keys.insert(k.clone(), fresh.len());
            fresh.push(c.clone());
        }
    }
    let results: Vec<Result<Evaluated, String>> = fresh.par_iter().map(|c| eval(c)).collect();
    for (c, r) in fresh.into_iter().zip(results) {
        let index = memo.records.len();
        let e = match r {
            Ok(e) => e,
            Err(message) => {
                if memo.error.is_none() {
                    memo.error =
                        Some(SearchError::Model { index, point: describe(vars, &c), message: message.clone() });
                }
                Evaluated::Rejected(format!("model failure: {message}"))
            }
        };
        memo.by_key.insert(Memo::key(&c), index);
        memo.records.push(record(index, c, e, objectives, constraints));
    }
    keys.iter().map(|k| memo.by_key[k]).collect()
}

/// Search `vars` for the candidates that best meet `objectives` under `constraints`, with
/// `eval` giving a candidate's figures (objectives then constraints). Enumerates a small space,
/// else runs NSGA-II (module docs). A model failure at any candidate fails the search.
pub fn search(
    vars: &[Variable],
    objectives: &[Objective],
    constraints: &[Constraint],
    eval: &Eval<'_>,
    settings: &Settings,
) -> Result<Search, SearchError> {
    let size = space_size(vars);
    let mut memo = Memo { by_key: HashMap::new(), records: Vec::new(), error: None };
    if size.is_some_and(|n| n <= settings.exhaustive_limit) {
        evaluate_into(&mut memo, vars, enumerate(vars), eval, objectives, constraints);
        if let Some(e) = memo.error {
            return Err(e);
        }
        return Ok(Search { method: Method::Exhaustive, space_size: size, records: memo.records, generations: 0 });
    }
    if settings.population < 4 || settings.population > 10_000 {
        return Err(SearchError::Setting {
            field: "population",
            value: settings.population.to_string(),
            allowed: "a whole number in [4, 10000]".into(),
        });
    }
    if settings.max_evaluations < 2 * settings.population {
        return Err(SearchError::Setting {
            field: "max_evaluations",
            value: settings.max_evaluations.to_string(),
            allowed: format!("at least twice the population ({})", 2 * settings.population),
        });
    }
    #[cfg(feature = "nsga")]
    {
        nsga2(vars, objectives, constraints, eval, settings, size, memo)
    }
    #[cfg(not(feature = "nsga"))]
    {
        let _ = memo;
        Err(SearchError::NeedsNsga { size, limit: settings.exhaustive_limit })
    }
}

/// NSGA-II over the unit cube of the genes (module docs), every distinct candidate run once.
#[cfg(feature = "nsga")]
#[allow(clippy::too_many_arguments)]
fn nsga2(
    vars: &[Variable],
    objectives: &[Objective],
    constraints: &[Constraint],
    eval: &Eval<'_>,
    settings: &Settings,
    size: Option<u128>,
    memo: Memo,
) -> Result<Search, SearchError> {
    // the initial population and one offspring batch per generation
    let generations = settings.max_evaluations / settings.population - 1;
    let memo = Mutex::new(memo);
    let k = vars.len();
    let n_obj = objectives.len();
    let n_con = constraints.len();
    let fitness = |genes: &ndarray::Array2<f64>| -> ndarray::Array2<f64> {
        let cands: Vec<Vec<Value>> =
            genes.rows().into_iter().map(|r| vars.iter().zip(r.iter()).map(|(v, &u)| v.decode(u)).collect()).collect();
        let mut m = memo.lock().unwrap_or_else(|p| p.into_inner());
        let idx = evaluate_into(&mut m, vars, cands, eval, objectives, constraints);
        let mut out = ndarray::Array2::zeros((genes.nrows(), n_obj));
        for (row, &i) in idx.iter().enumerate() {
            let rec = &m.records[i];
            for (j, o) in objectives.iter().enumerate() {
                let v = rec.objectives[j];
                // a rejected candidate: a finite cost (NSGA-II's crowding needs finite values);
                // its constraint violation already puts it behind every valid candidate
                out[[row, j]] = if v.is_finite() { o.cost(v) } else { REJECTED_VIOLATION };
            }
        }
        out
    };
    let cons = Bounded {
        f: |genes: &ndarray::Array2<f64>| -> ndarray::Array2<f64> {
            let cands: Vec<Vec<Value>> = genes
                .rows()
                .into_iter()
                .map(|r| vars.iter().zip(r.iter()).map(|(v, &u)| v.decode(u)).collect())
                .collect();
            let mut m = memo.lock().unwrap_or_else(|p| p.into_inner());
            let idx = evaluate_into(&mut m, vars, cands, eval, objectives, constraints);
            let mut out = ndarray::Array2::zeros((genes.nrows(), n_con + 1));
            for (row, &i) in idx.iter().enumerate() {
                let rec = &m.records[i];
                for (j, c) in constraints.iter().enumerate() {
                    let v = rec.constraints[j];
                    out[[row, j]] = if v.is_finite() { signed_excess(c, v) } else { REJECTED_VIOLATION };
                }
                out[[row, n_con]] = if rec.rejected.is_some() { REJECTED_VIOLATION } else { 0.0 };
            }
            out
        },
    };
    let mut algo = moors::Nsga2Builder::default()
        .fitness_fn(fitness)
        .constraints_fn(cons)
        .sampler(moors::operators::RandomSamplingFloat::new(0.0, 1.0))
        .crossover(moors::operators::SimulatedBinaryCrossover::new(SBX_ETA))
        .mutation(moors::operators::GaussianMutation::new(MUTATION_GENE_RATE, MUTATION_SIGMA))
        .duplicates_cleaner(moors::NoDuplicatesCleaner)
        .num_vars(k)
        .population_size(settings.population)
        .num_offsprings(settings.population)
        .num_iterations(generations.max(1))
        .mutation_rate(1.0)
        .crossover_rate(0.9)
        .keep_infeasible(true)
        .verbose(false)
        .seed(settings.seed)
        .build()
        .map_err(|e| SearchError::Optimiser(e.to_string()))?;
    algo.run().map_err(|e| SearchError::Optimiser(e.to_string()))?;
    drop(algo);
    let memo = memo.into_inner().unwrap_or_else(|p| p.into_inner());
    if let Some(e) = memo.error {
        return Err(e);
    }
    Ok(Search { method: Method::Nsga2, space_size: size, records: memo.records, generations })
}

/// `g ≤ 0` form of a constraint: the larger signed excess over its bounds (negative inside).
#[cfg(feature = "nsga")]
fn signed_excess(c: &Constraint, v: f64) -> f64 {
    let above = c.max.map(|m| v - m);
    let below = c.min.map(|m| m - v);
    match (above, below) {
        (Some(a), Some(b)) => a.max(b),
        (Some(a), None) => a,
        (None, Some(b)) => b,
        (None, None) => 0.0,
    }
}

/// The constraints function given to moors, with the genes' bounds [0, 1] (moors clamps the
/// offspring to them).
#[cfg(feature = "nsga")]
struct Bounded<F> {
    f: F,
}

#[cfg(feature = "nsga")]
impl<F: Fn(&ndarray::Array2<f64>) -> ndarray::Array2<f64>> moors::ConstraintsFn for Bounded<F> {
    type Dim = ndarray::Ix2;
    fn call(&self, genes: &ndarray::Array2<f64>) -> ndarray::Array2<f64> {
        (self.f)(genes)
    }
    fn lower_bound(&self) -> Option<f64> {
        Some(0.0)
    }
    fn upper_bound(&self) -> Option<f64> {
        Some(1.0)
    }
}

/// `a` dominates `b` (costs to minimise): no worse in every objective, better in one.
pub fn dominates(a: &[f64], b: &[f64]) -> bool {
    a.iter().zip(b).all(|(x, y)| x <= y) && a.iter().zip(b).any(|(x, y)| x < y)
}

/// The Pareto front of the feasible records: indices (into `records`) of those no other
/// feasible record dominates, in record order; of several with equal objectives, the first.
pub fn pareto_front(records: &[Record], objectives: &[Objective]) -> Vec<usize> {
    let costs: Vec<(usize, Vec<f64>)> = records
        .iter()
        .enumerate()
        .filter(|(_, r)| r.feasible)
        .map(|(i, r)| (i, objectives.iter().zip(&r.objectives).map(|(o, &v)| o.cost(v)).collect()))
        .collect();
    costs
        .iter()
        .filter(|(i, c)| !costs.iter().any(|(j, d)| dominates(d, c) || (j < i && d == c)))
        .map(|(i, _)| *i)
        .collect()
}

/// The recommended record: the feasible one best on the first objective, ties broken by the
/// later objectives in turn, then by evaluation order. `None` if no record is feasible.
pub fn best(records: &[Record], objectives: &[Objective]) -> Option<usize> {
    let cost = |r: &Record| -> Vec<f64> { objectives.iter().zip(&r.objectives).map(|(o, &v)| o.cost(v)).collect() };
    records
        .iter()
        .enumerate()
        .filter(|(_, r)| r.feasible)
        .min_by(|(i, a), (j, b)| {
            let (ca, cb) = (cost(a), cost(b));
            ca.iter()
                .zip(&cb)
                .map(|(x, y)| x.total_cmp(y))
                .find(|o| o.is_ne())
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(i.cmp(j))
        })
        .map(|(i, _)| i)
}
