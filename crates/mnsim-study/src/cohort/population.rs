//! Populations: inter-individual variability as a file of distributions.
//!
//! A population file (TOML) names the patient covariates (`age_y`, `sex`, `fitzpatrick`,
//! `site`) and physiological parameters (any numeric scenario key: layer thicknesses, healing
//! rates, …) with their distributions, the correlations between them (a Gaussian copula) and
//! the inclusion criteria of the trial it mirrors. Format and the built-in files:
//! `docs/STUDIES.md` § Virtual cohorts; the files themselves: `data/populations/*.toml`.
//!
//! **Sampling.** Every variable j has a standard-normal score zⱼ; the scores are correlated by
//! the Cholesky factor L of the correlation matrix R (x = L·z, so x ~ N(0, R)) and each
//! variable's value is its marginal's inverse CDF at uⱼ = Φ(xⱼ) (Nelsen 2006, An Introduction
//! to Copulas, § 2.3). A normal is mean + sd·x, a lognormal median·exp(σ·x) with
//! σ = √ln(1 + cv²) (Limpert et al. 2001, BioScience 51:341); a truncated one (`min`, `max`)
//! maps u into [F(min), F(max)] first; a uniform is min + u·(max − min); a categorical takes the
//! first level whose cumulative probability exceeds u. So a correlation ρ is the correlation of
//! the normal scores: for two normals it is their Pearson correlation, for any two continuous
//! marginals their Spearman rank correlation is (6/π)·asin(ρ/2).
//!
//! **Randomness.** Patient i of a cohort with seed s draws from its own ChaCha8 stream: key
//! from s, stream number i ([`patient_stream`]). Nothing depends on the order in which patients
//! are drawn, on the thread count or on how the cohort is split. A patient outside the
//! inclusion criteria is redrawn from the same stream (rejection sampling, at most
//! [`MAX_ATTEMPTS`] draws); a population whose criteria accept under [`MIN_ACCEPTANCE`] of a
//! pilot sample is refused before any run.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use thiserror::Error;

/// Pilot draws that estimate the acceptance of the inclusion criteria before a cohort runs.
pub const PILOT_DRAWS: u64 = 2000;
/// Smallest acceptance of the inclusion criteria allowed (share of the pilot draws). Assumed:
/// below 1 % the criteria describe a population the distributions barely hold, and a patient
/// needs over 100 draws on average; narrow the distributions instead.
pub const MIN_ACCEPTANCE: f64 = 0.01;
/// Most draws for one patient. At the smallest acceptance allowed, the chance that a patient
/// needs more is (1 − 0.01)^10000 ≈ 2·10⁻⁴⁴.
pub const MAX_ATTEMPTS: u32 = 10_000;
/// Most variables of a population (covariates and parameters together). Assumed: a bound that
/// keeps a mistyped file from building an unbounded correlation matrix.
pub const MAX_VARIABLES: usize = 64;

/// The covariates a population may describe, the scenario key each sets, and what it takes.
pub const COVARIATES: [(&str, &str, &str); 4] = [
    ("age_y", "patient.age_y", "a continuous distribution, years"),
    ("sex", "patient.sex", "categorical over \"female\", \"male\""),
    ("fitzpatrick", "patient.fitzpatrick", "categorical over whole numbers 1–6"),
    ("site", "patient.site", "categorical over site names (`patient.site` of a scenario)"),
];

/// Why a population file cannot be used. Each names the file, the field, the value and what
/// is allowed.
#[derive(Debug, Clone, Error, PartialEq)]
#[non_exhaustive]
pub enum PopulationError {
    /// Not TOML, or a field of the wrong kind.
    #[error("{file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Parse {
        /// The population file.
        file: String,
        /// 1-based line, where known.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// A field whose value is not allowed.
    #[error("{file}{}: field `{field}` = {value} is invalid: {allowed}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Invalid {
        /// The population file.
        file: String,
        /// 1-based line, where known.
        line: Option<usize>,
        /// Dotted field path.
        field: String,
        /// The value as written.
        value: String,
        /// What is allowed.
        allowed: String,
    },
    /// The inclusion criteria accept (almost) no sampled patient.
    #[error(
        "{file}: the inclusion criteria accept {accepted} of {draws} sampled patients ({pct:.2} %), under the {min_pct} % allowed: \
         widen [inclusion] ({criteria}) or move the distributions into it"
    )]
    Acceptance {
        /// The population file.
        file: String,
        /// Pilot draws accepted.
        accepted: u64,
        /// Pilot draws.
        draws: u64,
        /// Acceptance, %.
        pct: f64,
        /// The least acceptance allowed, %.
        min_pct: f64,
        /// The criteria, in words.
        criteria: String,
    },
    /// One patient was not accepted within [`MAX_ATTEMPTS`] draws.
    #[error("{file}: patient {index} was not accepted by the inclusion criteria within {MAX_ATTEMPTS} draws")]
    Attempts {
        /// The population file.
        file: String,
        /// Patient index.
        index: u64,
    },
}

/// A sampled value: a number or a level's name.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// A number (age, Fitzpatrick type, a parameter).
    Number(f64),
    /// A name (sex, site).
    Text(String),
}

impl Value {
    /// The value as a TOML value for a scenario edit (a whole number as an integer when `integer`).
    pub fn toml(&self, integer: bool) -> toml::Value {
        match self {
            Value::Number(x) if integer => toml::Value::Integer(x.round() as i64),
            Value::Number(x) => toml::Value::Float(*x),
            Value::Text(s) => toml::Value::String(s.clone()),
        }
    }
    /// The number, if it is one.
    pub fn number(&self) -> Option<f64> {
        match self {
            Value::Number(x) => Some(*x),
            Value::Text(_) => None,
        }
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Number(x) => write!(f, "{x}"),
            Value::Text(s) => write!(f, "{s}"),
        }
    }
}

/// A marginal distribution.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "dist", rename_all = "snake_case")]
pub enum Dist {
    /// Normal, truncated to [min, max] where given.
    Normal { mean: f64, sd: f64, min: Option<f64>, max: Option<f64> },
    /// Lognormal by its median and coefficient of variation, truncated where given.
    Lognormal { median: f64, cv: f64, min: Option<f64>, max: Option<f64> },
    /// Uniform on [min, max].
    Uniform { min: f64, max: f64 },
    /// Levels with probabilities (summing to 1 within 10⁻⁶; renormalised).
    Categorical { values: Vec<Value>, p: Vec<f64> },
}

impl Dist {
    /// The value at normal score `x` (see the module docs).
    pub fn at(&self, x: f64) -> Value {
        match self {
            Dist::Normal { mean, sd, min, max } => Value::Number(match (min, max) {
                (None, None) => mean + sd * x,
                _ => mean + sd * truncated_score(x, min.map(|a| (a - mean) / sd), max.map(|b| (b - mean) / sd)),
            }),
            Dist::Lognormal { median, cv, min, max } => {
                let s = lognormal_sigma(*cv);
                let score = |v: Option<f64>| v.map(|v| (v / median).ln() / s);
                Value::Number(match (min, max) {
                    (None, None) => median * (s * x).exp(),
                    _ => median * (s * truncated_score(x, score(*min), score(*max))).exp(),
                })
            }
            Dist::Uniform { min, max } => Value::Number(min + phi(x) * (max - min)),
            Dist::Categorical { values, p } => {
                let u = phi(x);
                let mut acc = 0.0;
                for (v, q) in values.iter().zip(p) {
                    acc += q;
                    if u < acc {
                        return v.clone();
                    }
                }
                values.last().expect("a categorical has levels").clone()
            }
        }
    }
    /// A typical value (used to check a key before sampling): the median.
    pub fn typical(&self) -> Value {
        self.at(0.0)
    }
    fn is_categorical(&self) -> bool {
        matches!(self, Dist::Categorical { .. })
    }
}

/// σ of a lognormal with coefficient of variation `cv`: √ln(1 + cv²).
pub fn lognormal_sigma(cv: f64) -> f64 {
    (1.0 + cv * cv).ln().sqrt()
}

/// The standard-normal score of a normal truncated to scores [a, b] at untruncated score `x`:
/// Φ⁻¹(Φ(a) + Φ(x)·(Φ(b) − Φ(a))).
fn truncated_score(x: f64, a: Option<f64>, b: Option<f64>) -> f64 {
    let fa = a.map_or(0.0, phi);
    let fb = b.map_or(1.0, phi);
    let z = phi_inv(fa + phi(x) * (fb - fa));
    z.clamp(a.unwrap_or(f64::NEG_INFINITY), b.unwrap_or(f64::INFINITY))
}

/// The standard normal CDF Φ(x), by Marsaglia's series Φ(x) = ½ + φ(x)·Σ x^(2n+1)/(2n+1)!!
/// (Marsaglia 2004, J Stat Softw 11(4)); absolute error near 10⁻¹⁵ for |x| ≤ 8, 0 or 1 beyond.
pub fn phi(x: f64) -> f64 {
    if x < -8.0 {
        return 0.0;
    }
    if x > 8.0 {
        return 1.0;
    }
    let q = x * x;
    let (mut s, mut t, mut b, mut i) = (x, 0.0_f64, x, 1.0_f64);
    // the series converges for every x; the bound only guards the loop
    for _ in 0..500 {
        if s == t {
            break;
        }
        t = s;
        i += 2.0;
        b *= q / i;
        s = t + b;
    }
    (0.5 + s * (-0.5 * q - 0.918_938_533_204_672_8).exp()).clamp(0.0, 1.0)
}

/// The standard normal quantile Φ⁻¹(u), by bisection on [`phi`] safeguarding Newton steps, to
/// about 10⁻¹² in x; ±8 at the ends.
pub fn phi_inv(u: f64) -> f64 {
    if u <= phi(-8.0) {
        return -8.0;
    }
    if u >= 1.0 {
        return 8.0;
    }
    let (mut lo, mut hi, mut x) = (-8.0_f64, 8.0_f64, 0.0_f64);
    for _ in 0..100 {
        let f = phi(x) - u;
        if f.abs() < 1e-16 {
            break;
        }
        if f < 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        let d = (-0.5 * x * x - 0.918_938_533_204_672_8).exp();
        let newton = x - f / d;
        x = if d > 0.0 && newton > lo && newton < hi { newton } else { 0.5 * (lo + hi) };
        if hi - lo < 1e-13 {
            break;
        }
    }
    x
}

/// Whether a variable is a covariate or a physiological parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A patient covariate (`age_y`, `sex`, `fitzpatrick`, `site`).
    Covariate,
    /// A physiological parameter on a scenario key.
    Parameter,
}

/// One variable of the population.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Variable {
    /// The covariate's name (`age_y`) or the parameter's scenario key.
    pub name: String,
    /// The scenario key it sets.
    pub key: String,
    /// Covariate or parameter.
    pub role: Role,
    /// The draw multiplies the patient's own value of the key (after its covariates), instead
    /// of replacing it.
    pub scale: bool,
    /// Its marginal distribution.
    pub dist: Dist,
    /// Where the distribution comes from, or "assumed, because …".
    pub source: String,
}

/// One correlation of the copula.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Correlation {
    /// The two variables.
    pub between: [String; 2],
    /// Correlation of their normal scores, in (−1, 1).
    pub rho: f64,
    /// Where it comes from, or "assumed, because …".
    pub source: String,
}

/// One inclusion criterion.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Criterion {
    /// A number in [min, max].
    Range { variable: String, min: Option<f64>, max: Option<f64> },
    /// A level among these.
    OneOf { variable: String, values: Vec<Value> },
}

impl Criterion {
    fn variable(&self) -> &str {
        match self {
            Criterion::Range { variable, .. } | Criterion::OneOf { variable, .. } => variable,
        }
    }
    fn accepts(&self, v: &Value) -> bool {
        match (self, v) {
            (Criterion::Range { min, max, .. }, Value::Number(x)) => {
                min.is_none_or(|m| *x >= m) && max.is_none_or(|m| *x <= m)
            }
            (Criterion::OneOf { values, .. }, v) => values.contains(v),
            _ => false,
        }
    }
    /// The criterion in words (`18 ≤ age_y ≤ 60`).
    pub fn describe(&self) -> String {
        match self {
            Criterion::Range { variable, min, max } => match (min, max) {
                (Some(a), Some(b)) => format!("{a} ≤ {variable} ≤ {b}"),
                (Some(a), None) => format!("{variable} ≥ {a}"),
                (None, Some(b)) => format!("{variable} ≤ {b}"),
                (None, None) => format!("any {variable}"),
            },
            Criterion::OneOf { variable, values } => {
                format!("{variable} in {{{}}}", values.iter().map(Value::to_string).collect::<Vec<_>>().join(", "))
            }
        }
    }
}

/// A population: its variables, their correlations and the inclusion criteria.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Population {
    /// Short name.
    pub name: String,
    /// One sentence.
    pub description: String,
    /// The worked scenario it mirrors (a built-in scenario name), used when the cohort names none.
    pub scenario: Option<String>,
    /// The file it was read from (in errors).
    pub file: String,
    /// Covariates first (in the order of [`COVARIATES`]), then parameters by key.
    pub variables: Vec<Variable>,
    /// The correlations given.
    pub correlations: Vec<Correlation>,
    /// The inclusion criteria.
    pub inclusion: Vec<Criterion>,
    /// Cholesky factor of the correlation matrix, row-major (lower triangle).
    #[serde(skip)]
    chol: Vec<Vec<f64>>,
}

/// One sampled patient: the values of the population's variables (in its order).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Draw {
    /// Patient index in the cohort.
    pub index: u64,
    /// Draws it took to pass the inclusion criteria (1 = the first).
    pub attempts: u32,
    /// One value per variable.
    pub values: Vec<Value>,
}

/// The random stream of patient `index` of a cohort with seed `seed`: ChaCha8 with a key from
/// the seed and a purpose tag, and stream number `index` (counter-based: any patient's stream
/// is reached directly, whatever was drawn before).
pub fn patient_stream(seed: u64, purpose: &[u8; 8], index: u64) -> ChaCha8Rng {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    key[8..16].copy_from_slice(b"mn-cohrt");
    key[16..24].copy_from_slice(purpose);
    let mut rng = ChaCha8Rng::from_seed(key);
    rng.set_stream(index);
    rng
}

/// Stream purpose of the covariate and parameter draws.
const DRAW_PURPOSE: &[u8; 8] = b"patient\0";
/// Stream purpose of each patient's simulation seed.
const SEED_PURPOSE: &[u8; 8] = b"simseed\0";

/// The `simulation.seed` of patient `index`: the first draw of its own stream, so it does not
/// depend on the population or the draws the inclusion criteria rejected; 63 bits, so that it
/// is a TOML integer.
pub fn patient_seed(seed: u64, index: u64) -> u64 {
    patient_stream(seed, SEED_PURPOSE, index).random::<u64>() >> 1
}

impl Population {
    /// The variable named `name` (a covariate name or a parameter key) and its position.
    pub fn variable(&self, name: &str) -> Option<(usize, &Variable)> {
        self.variables.iter().enumerate().find(|(_, v)| v.name == name)
    }

    /// One draw from `rng` (no inclusion check).
    fn draw_once(&self, rng: &mut ChaCha8Rng) -> Vec<Value> {
        let k = self.variables.len();
        let z: Vec<f64> = (0..k).map(|_| mnsim_core::rng::gaussian(rng)).collect();
        (0..k)
            .map(|i| {
                let x: f64 = (0..=i).map(|j| self.chol[i][j] * z[j]).sum();
                self.variables[i].dist.at(x)
            })
            .collect()
    }

    fn accepted(&self, values: &[Value]) -> bool {
        self.inclusion.iter().all(|c| {
            let (i, _) = self.variable(c.variable()).expect("criteria name variables (checked)");
            c.accepts(&values[i])
        })
    }

    /// Patient `index` of a cohort with seed `seed`: draws from its own stream until the
    /// inclusion criteria accept it (at most [`MAX_ATTEMPTS`]).
    pub fn sample(&self, seed: u64, index: u64) -> Result<Draw, PopulationError> {
        let mut rng = patient_stream(seed, DRAW_PURPOSE, index);
        for attempt in 1..=MAX_ATTEMPTS {
            let values = self.draw_once(&mut rng);
            if self.accepted(&values) {
                return Ok(Draw { index, attempts: attempt, values });
            }
        }
        Err(PopulationError::Attempts { file: self.file.clone(), index })
    }

    /// Draws without the inclusion criteria (for checking marginals against the specification).
    pub fn sample_unfiltered(&self, seed: u64, index: u64) -> Vec<Value> {
        self.draw_once(&mut patient_stream(seed, DRAW_PURPOSE, index))
    }

    /// The share of [`PILOT_DRAWS`] unfiltered draws the criteria accept, or the error when it is
    /// under [`MIN_ACCEPTANCE`].
    pub fn check_acceptance(&self, seed: u64) -> Result<f64, PopulationError> {
        if self.inclusion.is_empty() {
            return Ok(1.0);
        }
        let mut rng = patient_stream(seed, b"pilot\0\0\0", 0);
        let accepted = (0..PILOT_DRAWS).filter(|_| self.accepted(&self.draw_once(&mut rng))).count() as u64;
        let share = accepted as f64 / PILOT_DRAWS as f64;
        if share < MIN_ACCEPTANCE {
            return Err(PopulationError::Acceptance {
                file: self.file.clone(),
                accepted,
                draws: PILOT_DRAWS,
                pct: 100.0 * share,
                min_pct: 100.0 * MIN_ACCEPTANCE,
                criteria: self.inclusion.iter().map(Criterion::describe).collect::<Vec<_>>().join(", "),
            });
        }
        Ok(share)
    }

    /// The correlation matrix of the normal scores (1 on the diagonal).
    pub fn correlation_matrix(&self) -> Vec<Vec<f64>> {
        let k = self.variables.len();
        let mut r = vec![vec![0.0; k]; k];
        for (i, row) in r.iter_mut().enumerate() {
            row[i] = 1.0;
        }
        for c in &self.correlations {
            let a = self.variable(&c.between[0]).map(|v| v.0);
            let b = self.variable(&c.between[1]).map(|v| v.0);
            if let (Some(a), Some(b)) = (a, b) {
                r[a][b] = c.rho;
                r[b][a] = c.rho;
            }
        }
        r
    }
}

/// Cholesky factor of a symmetric matrix, or `None` if it is not positive definite.
fn cholesky(r: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let k = r.len();
    let mut l = vec![vec![0.0; k]; k];
    for i in 0..k {
        for j in 0..=i {
            let s: f64 = (0..j).map(|m| l[i][m] * l[j][m]).sum();
            if i == j {
                let d = r[i][i] - s;
                if d <= 1e-12 {
                    return None;
                }
                l[i][j] = d.sqrt();
            } else {
                l[i][j] = (r[i][j] - s) / l[j][j];
            }
        }
    }
    Some(l)
}

// ---------------------------------------------------------------------------------------------
// Reading a population file
// ---------------------------------------------------------------------------------------------

struct Reader<'a> {
    file: &'a str,
    text: &'a str,
}

impl Reader<'_> {
    fn line(&self, field: &str) -> Option<usize> {
        mnsim_scenario::line_of(self.text, field)
    }
    fn invalid(&self, field: &str, value: impl std::fmt::Display, allowed: impl Into<String>) -> PopulationError {
        PopulationError::Invalid {
            file: self.file.to_string(),
            line: self.line(field),
            field: field.to_string(),
            value: value.to_string(),
            allowed: allowed.into(),
        }
    }
    fn unknown_keys(&self, t: &toml::Table, at: &str, allowed: &[&str]) -> Result<(), PopulationError> {
        match t.keys().find(|k| !allowed.contains(&k.as_str())) {
            Some(k) => Err(self.invalid(
                &join(at, k),
                "(unknown key)",
                format!("is not a key here; allowed: {}", allowed.join(", ")),
            )),
            None => Ok(()),
        }
    }
    fn number(&self, t: &toml::Table, at: &str, key: &str) -> Result<Option<f64>, PopulationError> {
        match t.get(key) {
            None => Ok(None),
            Some(toml::Value::Float(x)) if x.is_finite() => Ok(Some(*x)),
            Some(toml::Value::Integer(i)) => Ok(Some(*i as f64)),
            Some(v) => Err(self.invalid(&join(at, key), v, "must be a finite number")),
        }
    }
    fn need(&self, t: &toml::Table, at: &str, key: &str) -> Result<f64, PopulationError> {
        self.number(t, at, key)?.ok_or_else(|| self.invalid(&join(at, key), "(missing)", "is required"))
    }
    fn text(&self, t: &toml::Table, at: &str, key: &str) -> Result<Option<String>, PopulationError> {
        match t.get(key) {
            None => Ok(None),
            Some(toml::Value::String(s)) => Ok(Some(s.clone())),
            Some(v) => Err(self.invalid(&join(at, key), v, "must be a string")),
        }
    }
    fn table<'t>(&self, v: &'t toml::Value, at: &str) -> Result<&'t toml::Table, PopulationError> {
        v.as_table().ok_or_else(|| self.invalid(at, v, "must be a table"))
    }

    fn dist(&self, t: &toml::Table, at: &str) -> Result<Dist, PopulationError> {
        let kind = self.text(t, at, "dist")?.ok_or_else(|| {
            self.invalid(&join(at, "dist"), "(missing)", "is required: normal, lognormal, uniform or categorical")
        })?;
        let common = ["dist", "source", "scale"];
        let with =
            |extra: &[&'static str]| -> Vec<&str> { common.iter().copied().chain(extra.iter().copied()).collect() };
        let bounds = |r: &Self| -> Result<(Option<f64>, Option<f64>), PopulationError> {
            let (lo, hi) = (r.number(t, at, "min")?, r.number(t, at, "max")?);
            if let (Some(a), Some(b)) = (lo, hi)
                && a >= b
            {
                return Err(r.invalid(&join(at, "max"), b, format!("must be greater than min = {a}")));
            }
            Ok((lo, hi))
        };
        match kind.as_str() {
            "normal" => {
                self.unknown_keys(t, at, &with(&["mean", "sd", "min", "max"]))?;
                let mean = self.need(t, at, "mean")?;
                let sd = self.need(t, at, "sd")?;
                if sd <= 0.0 {
                    return Err(self.invalid(&join(at, "sd"), sd, "must be > 0"));
                }
                let (min, max) = bounds(self)?;
                Ok(Dist::Normal { mean, sd, min, max })
            }
            "lognormal" => {
                self.unknown_keys(t, at, &with(&["median", "cv", "min", "max"]))?;
                let median = self.need(t, at, "median")?;
                if median <= 0.0 {
                    return Err(self.invalid(&join(at, "median"), median, "must be > 0"));
                }
                let cv = self.need(t, at, "cv")?;
                if !(cv > 0.0 && cv <= 5.0) {
                    return Err(self.invalid(&join(at, "cv"), cv, "must be in (0, 5]"));
                }
                let (min, max) = bounds(self)?;
                if let Some(m) = min
                    && m <= 0.0
                {
                    return Err(self.invalid(&join(at, "min"), m, "must be > 0 for a lognormal (or left out)"));
                }
                Ok(Dist::Lognormal { median, cv, min, max })
            }
            "uniform" => {
                self.unknown_keys(t, at, &with(&["min", "max"]))?;
                let min = self.need(t, at, "min")?;
                let max = self.need(t, at, "max")?;
                if min >= max {
                    return Err(self.invalid(&join(at, "max"), max, format!("must be greater than min = {min}")));
                }
                Ok(Dist::Uniform { min, max })
            }
            "categorical" => {
                self.unknown_keys(t, at, &with(&["values", "p"]))?;
                let values = match t.get("values") {
                    Some(toml::Value::Array(a)) if !a.is_empty() => a
                        .iter()
                        .map(|v| match v {
                            toml::Value::String(s) => Ok(Value::Text(s.clone())),
                            toml::Value::Integer(i) => Ok(Value::Number(*i as f64)),
                            toml::Value::Float(x) if x.is_finite() => Ok(Value::Number(*x)),
                            other => Err(self.invalid(&join(at, "values"), other, "levels must be strings or numbers")),
                        })
                        .collect::<Result<Vec<_>, _>>()?,
                    other => {
                        return Err(self.invalid(
                            &join(at, "values"),
                            other.map_or("(missing)".to_string(), |v| v.to_string()),
                            "must be a non-empty list of levels",
                        ));
                    }
                };
                let p: Vec<f64> = match t.get("p") {
                    Some(toml::Value::Array(a)) => a
                        .iter()
                        .map(|v| match v {
                            toml::Value::Float(x) if x.is_finite() && *x >= 0.0 => Ok(*x),
                            toml::Value::Integer(i) if *i >= 0 => Ok(*i as f64),
                            other => Err(self.invalid(&join(at, "p"), other, "probabilities must be numbers ≥ 0")),
                        })
                        .collect::<Result<_, _>>()?,
                    other => {
                        return Err(self.invalid(
                            &join(at, "p"),
                            other.map_or("(missing)".to_string(), |v| v.to_string()),
                            "must be a list of probabilities, one per level",
                        ));
                    }
                };
                if p.len() != values.len() {
                    return Err(self.invalid(
                        &join(at, "p"),
                        format!("{} probabilities", p.len()),
                        format!("must hold one probability per level ({})", values.len()),
                    ));
                }
                let sum: f64 = p.iter().sum();
                if (sum - 1.0).abs() > 1e-6 {
                    return Err(self.invalid(&join(at, "p"), format!("{p:?} (sum {sum})"), "must sum to 1"));
                }
                for (i, v) in values.iter().enumerate() {
                    if values[..i].contains(v) {
                        return Err(self.invalid(&join(at, "values"), v, "each level once"));
                    }
                }
                Ok(Dist::Categorical { values, p: p.iter().map(|q| q / sum).collect() })
            }
            other => Err(self.invalid(&join(at, "dist"), other, "must be normal, lognormal, uniform or categorical")),
        }
    }

    fn source(&self, t: &toml::Table, at: &str) -> Result<String, PopulationError> {
        match self.text(t, at, "source")? {
            Some(s) if s.trim().len() >= 8 => Ok(s),
            other => Err(self.invalid(
                &join(at, "source"),
                other.map_or("(missing)".into(), |s| format!("{s:?}")),
                "is required: the published source of the distribution, or \"assumed, because …\"",
            )),
        }
    }
}

fn join(at: &str, key: &str) -> String {
    if at.is_empty() { key.to_string() } else { format!("{at}.{key}") }
}

/// Read and check population `text` (`file` names it in errors). The scenario keys of the
/// parameters are checked against a scenario later ([`super::Cohort::new`]).
pub fn parse(text: &str, file: &str) -> Result<Population, PopulationError> {
    let r = Reader { file, text };
    let root: toml::Table = toml::from_str(text).map_err(|e| PopulationError::Parse {
        file: file.to_string(),
        line: e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1),
        message: e.message().to_string(),
    })?;
    r.unknown_keys(
        &root,
        "",
        &["name", "description", "scenario", "covariates", "parameters", "correlations", "inclusion"],
    )?;
    let name = r.text(&root, "", "name")?.ok_or_else(|| r.invalid("name", "(missing)", "is required"))?;
    let description = r.text(&root, "", "description")?.unwrap_or_default();
    let scenario = r.text(&root, "", "scenario")?;
    let mut variables = Vec::new();
    let empty = toml::Table::new();
    let covs = match root.get("covariates") {
        Some(v) => r.table(v, "covariates")?,
        None => &empty,
    };
    let allowed: Vec<&str> = COVARIATES.iter().map(|c| c.0).collect();
    r.unknown_keys(covs, "covariates", &allowed)?;
    for (cname, key, what) in COVARIATES {
        let Some(v) = covs.get(cname) else { continue };
        let at = format!("covariates.{cname}");
        let t = r.table(v, &at)?;
        let dist = r.dist(t, &at)?;
        if t.contains_key("scale") {
            return Err(r.invalid(&join(&at, "scale"), t["scale"].clone(), "is for parameters, not covariates"));
        }
        let ok = match (cname, &dist) {
            ("age_y", d) => !d.is_categorical(),
            ("sex", Dist::Categorical { values, .. }) => {
                values.iter().all(|v| matches!(v, Value::Text(s) if s == "female" || s == "male"))
            }
            ("fitzpatrick", Dist::Categorical { values, .. }) => {
                values.iter().all(|v| matches!(v, Value::Number(x) if x.fract() == 0.0 && (1.0..=6.0).contains(x)))
            }
            ("site", Dist::Categorical { values, .. }) => values.iter().all(|v| matches!(v, Value::Text(_))),
            _ => false,
        };
        if !ok {
            return Err(r.invalid(&at, format!("{dist:?}"), format!("`{cname}` must be {what}")));
        }
        let source = r.source(t, &at)?;
        variables.push(Variable {
            name: cname.into(),
            key: key.into(),
            role: Role::Covariate,
            scale: false,
            dist,
            source,
        });
    }
    if let Some(v) = root.get("parameters") {
        let params = r.table(v, "parameters")?;
        for (key, v) in params {
            let at = format!("parameters.{key}");
            if key.split('.').any(str::is_empty) || !key.contains('.') {
                return Err(r.invalid(
                    &at,
                    key,
                    "must be a dotted scenario key, e.g. \"healing.rates.col_synth_per_d\"",
                ));
            }
            if COVARIATES.iter().any(|c| c.1 == key) {
                return Err(r.invalid(&at, key, "is a covariate: describe it under [covariates]"));
            }
            let t = r.table(v, &at)?;
            let dist = r.dist(t, &at)?;
            if dist.is_categorical() {
                return Err(r.invalid(
                    &join(&at, "dist"),
                    "categorical",
                    "a parameter takes a continuous distribution",
                ));
            }
            let scale = match t.get("scale") {
                None => false,
                Some(toml::Value::Boolean(b)) => *b,
                Some(other) => return Err(r.invalid(&join(&at, "scale"), other, "must be true or false")),
            };
            if scale
                && let Value::Number(x) = dist.at(-8.0)
                && x <= 0.0
            {
                return Err(r.invalid(
                    &join(&at, "dist"),
                    format!("{dist:?}"),
                    "a scale factor must stay > 0: use a lognormal, or set min > 0",
                ));
            }
            let source = r.source(t, &at)?;
            variables.push(Variable {
                name: key.clone(),
                key: key.clone(),
                role: Role::Parameter,
                scale,
                dist,
                source,
            });
        }
    }
    if variables.is_empty() {
        return Err(r.invalid("covariates", "(none)", "describe at least one covariate or parameter"));
    }
    if variables.len() > MAX_VARIABLES {
        return Err(r.invalid("parameters", variables.len(), format!("at most {MAX_VARIABLES} variables in all")));
    }
    let names: Vec<String> = variables.iter().map(|v| v.name.clone()).collect();
    let known = || names.join(", ");
    let mut correlations = Vec::new();
    if let Some(v) = root.get("correlations") {
        let Some(list) = v.as_array() else {
            return Err(r.invalid("correlations", v, "must be a list of tables ([[correlations]])"));
        };
        for (i, c) in list.iter().enumerate() {
            let at = format!("correlations[{i}]");
            let t = r.table(c, &at)?;
            r.unknown_keys(t, &at, &["between", "rho", "source"])?;
            let between: Vec<String> = match t.get("between") {
                Some(toml::Value::Array(a)) => a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect(),
                _ => vec![],
            };
            if between.len() != 2 || between[0] == between[1] {
                return Err(r.invalid(
                    &join(&at, "between"),
                    t.get("between").map_or("(missing)".into(), |v| v.to_string()),
                    "must name two different variables",
                ));
            }
            for b in &between {
                if !names.contains(b) {
                    return Err(r.invalid(&join(&at, "between"), b, format!("is not a variable; known: {}", known())));
                }
            }
            let rho = r.need(t, &at, "rho")?;
            if !(rho > -1.0 && rho < 1.0) {
                return Err(r.invalid(&join(&at, "rho"), rho, "must be in (−1, 1)"));
            }
            if correlations.iter().any(|c: &Correlation| {
                (c.between[0] == between[0] && c.between[1] == between[1])
                    || (c.between[0] == between[1] && c.between[1] == between[0])
            }) {
                return Err(r.invalid(&join(&at, "between"), format!("{between:?}"), "each pair once"));
            }
            let source = r.source(t, &at)?;
            correlations.push(Correlation { between: [between[0].clone(), between[1].clone()], rho, source });
        }
    }
    let mut inclusion = Vec::new();
    if let Some(v) = root.get("inclusion") {
        let t = r.table(v, "inclusion")?;
        for (var, c) in t {
            let at = format!("inclusion.{var}");
            let Some(pos) = names.iter().position(|n| n == var) else {
                return Err(r.invalid(&at, var, format!("is not a variable of the population; known: {}", known())));
            };
            let numeric = !matches!(&variables[pos].dist, Dist::Categorical { values, .. } if values.iter().any(|v| matches!(v, Value::Text(_))));
            match c {
                toml::Value::Table(ct) if numeric => {
                    r.unknown_keys(ct, &at, &["min", "max"])?;
                    let (min, max) = (r.number(ct, &at, "min")?, r.number(ct, &at, "max")?);
                    if min.is_none() && max.is_none() {
                        return Err(r.invalid(&at, c, "give min, max or both"));
                    }
                    if let (Some(a), Some(b)) = (min, max)
                        && a > b
                    {
                        return Err(r.invalid(&join(&at, "max"), b, format!("must be ≥ min = {a}")));
                    }
                    inclusion.push(Criterion::Range { variable: var.clone(), min, max });
                }
                toml::Value::Array(a) if !a.is_empty() => {
                    let values = a
                        .iter()
                        .map(|x| match x {
                            toml::Value::String(s) => Ok(Value::Text(s.clone())),
                            toml::Value::Integer(i) => Ok(Value::Number(*i as f64)),
                            other => Err(r.invalid(&at, other, "levels must be strings or whole numbers")),
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    if let Dist::Categorical { values: levels, .. } = &variables[pos].dist
                        && let Some(v) = values.iter().find(|v| !levels.contains(v))
                    {
                        return Err(r.invalid(
                            &at,
                            v,
                            format!(
                                "is not a level of `{var}`; its levels: {}",
                                levels.iter().map(Value::to_string).collect::<Vec<_>>().join(", ")
                            ),
                        ));
                    }
                    inclusion.push(Criterion::OneOf { variable: var.clone(), values });
                }
                other => {
                    return Err(r.invalid(
                        &at,
                        other,
                        if numeric {
                            "must be { min = …, max = … } or a list of levels"
                        } else {
                            "must be a list of levels, e.g. [\"female\"]"
                        },
                    ));
                }
            }
        }
    }
    let mut p = Population {
        name,
        description,
        scenario,
        file: file.to_string(),
        variables,
        correlations,
        inclusion,
        chol: Vec::new(),
    };
    p.chol = cholesky(&p.correlation_matrix()).ok_or_else(|| {
        r.invalid(
            "correlations",
            p.correlations
                .iter()
                .map(|c| format!("{}~{} = {}", c.between[0], c.between[1], c.rho))
                .collect::<Vec<_>>()
                .join(", "),
            "the correlation matrix they make must be positive definite (some ρ contradict each other)",
        )
    })?;
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phi_and_its_inverse_agree_with_known_values() {
        assert!((phi(0.0) - 0.5).abs() < 1e-15);
        assert!((phi(1.959_963_984_540_054) - 0.975).abs() < 1e-13);
        assert!((phi(-1.0) - 0.158_655_253_931_457_05).abs() < 1e-13);
        for u in [1e-6, 0.01, 0.3, 0.5, 0.9, 0.999] {
            assert!((phi(phi_inv(u)) - u).abs() < 1e-12, "{u}");
        }
    }

    #[test]
    fn cholesky_rejects_a_contradictory_matrix() {
        let r = vec![vec![1.0, 0.9, 0.9], vec![0.9, 1.0, -0.9], vec![0.9, -0.9, 1.0]];
        assert!(cholesky(&r).is_none());
        assert!(cholesky(&[vec![1.0, 0.5], vec![0.5, 1.0]]).is_some());
    }
}
