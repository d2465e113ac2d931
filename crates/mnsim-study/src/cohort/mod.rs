//! Virtual cohorts: one scenario run for every patient of a sampled population.
//!
//! A [`Cohort`] is a scenario, a [`Population`], a size N and a seed. Patient i is drawn from
//! its own counter-based stream ([`population::patient_stream`], keyed by the seed and i), its
//! covariates and parameters become scenario edits, and the scenario runs on the cohort's fast
//! path ([`FAST_PATH`]): nominal member only, no transport window search, no transport at all
//! when no outcome reads it. A patient's result depends only on (inputs, seed, i), so a cohort
//! is the same bits whatever the thread count, the chunking or the sharding. No I/O here:
//! [`encode_chunk`] and [`decode_chunk`] turn records into bytes and back (exactly: values as
//! their IEEE bits) for the command that stores them, and [`summary`] reads the records.

pub mod folder;
pub mod population;
pub mod summary;

pub use population::{Draw, Population, PopulationError, Value};

use mnsim_scenario::{Edit, ResolvedScenario};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use thiserror::Error;

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
}

/// Most patients of one cohort. Assumed: a bound that keeps a mistyped N from starting an
/// unbounded study (a million patients at ≈ 1 s each is weeks of one core).
pub const MAX_PATIENTS: u64 = 1_000_000;

/// What a cohort skips of a single run, and why (written into every cohort's manifest).
pub const FAST_PATH: [&str; 3] = [
    "pictures and report.html: a cohort writes tables only",
    "the uncertainty ensemble (simulation.ensemble_members = 1): the cohort itself is the variability",
    "the transport application-window search (transport.compute_window = false): no transport_window_* figures",
];

/// Why a cohort cannot run, or what failed in it.
#[derive(Debug, Clone, Error, PartialEq)]
#[non_exhaustive]
pub enum CohortError {
    /// The population file.
    #[error(transparent)]
    Population(#[from] PopulationError),
    /// N out of range.
    #[error("--n {n} is invalid: must be a whole number in [1, {MAX_PATIENTS}]")]
    Size {
        /// N as given.
        n: u64,
    },
    /// A shard that is not K/M with 0 ≤ K < M ≤ N.
    #[error("--shard {spec}: {why}")]
    Shard {
        /// As given.
        spec: String,
        /// What is allowed.
        why: String,
    },
    /// The scenario rejects a variable of the population at a typical value (an unknown key,
    /// a value out of the key's range).
    #[error("{file}: `{field}` ({key} = {value}): the scenario rejects it: {message}")]
    Key {
        /// The population file.
        file: String,
        /// The population's field (`covariates.age_y`, `parameters."…"`).
        field: String,
        /// Scenario key.
        key: String,
        /// Value tried.
        value: String,
        /// The scenario's message.
        message: String,
    },
    /// A `scale = true` parameter whose key has no numeric value in the scenario.
    #[error("{file}: `parameters.\"{key}\"`: scale = true needs a key with a numeric value in the scenario; {why}")]
    Scale {
        /// The population file.
        file: String,
        /// Scenario key.
        key: String,
        /// What was found.
        why: String,
    },
    /// The population names a scenario that is not a worked one.
    #[error("{file}: field `scenario` = {name:?} is invalid: must be a worked scenario: {known}")]
    UnknownScenario {
        /// The population file.
        file: String,
        /// As given.
        name: String,
        /// The worked scenarios.
        known: String,
    },
    /// A sampled patient the scenario rejects (a combination of values each valid alone).
    #[error("patient {index} ({patient}): the scenario rejects this patient: {message}")]
    Patient {
        /// Patient index.
        index: u64,
        /// The patient's values in words.
        patient: String,
        /// The scenario's message.
        message: String,
    },
    /// The model failed for a patient.
    #[error("patient {index} ({patient}): the model failed: {message}")]
    Model {
        /// Patient index.
        index: u64,
        /// The patient's values in words.
        patient: String,
        /// The model's message.
        message: String,
    },
    /// A figure is not finite.
    #[error("patient {index}: figure `{name}` = {value} is not finite (a model defect)")]
    NonFinite {
        /// Patient index.
        index: u64,
        /// Figure name.
        name: String,
        /// Its value.
        value: f64,
    },
    /// A stored chunk that cannot be read back.
    #[error("chunk: {0}")]
    Chunk(String),
    /// Shard folders that do not merge into one cohort (`mnsim cohort merge`).
    #[error("merge: {0}")]
    Merge(String),
}

/// The text of a worked scenario (`default` or a name in `scenarios/`), if it is one.
pub fn worked_scenario(name: &str) -> Option<&'static str> {
    if name == "default" {
        return Some(mnsim_scenario::default_toml());
    }
    let want = format!("{name}.toml");
    builtin::SCENARIOS.iter().find(|(f, _)| *f == want).map(|(_, t)| *t)
}

/// The names of the worked scenarios.
pub fn worked_scenarios() -> Vec<&'static str> {
    builtin::SCENARIOS.iter().map(|(f, _)| f.trim_end_matches(".toml")).collect()
}

/// The built-in populations (`data/populations/*.toml`): (name, text).
pub fn builtin_populations() -> Vec<(&'static str, &'static str)> {
    builtin::POPULATIONS.iter().map(|(f, t)| (f.trim_end_matches(".toml"), *t)).collect()
}

/// The built-in population named `name`, if any.
pub fn builtin_population(name: &str) -> Option<&'static str> {
    builtin_populations().into_iter().find(|(n, _)| *n == name).map(|(_, t)| t)
}

/// The patients of shard `k` of `m` of a cohort of `n`: the contiguous range
/// [⌊k·n/m⌋, ⌊(k+1)·n/m⌋), so the shards in order are the whole cohort.
pub fn shard_range(n: u64, k: u64, m: u64) -> std::ops::Range<u64> {
    let at = |j: u64| ((j as u128 * n as u128) / m as u128) as u64;
    at(k)..at(k + 1)
}

/// Parse `K/M` for a cohort of `n`.
pub fn parse_shard(spec: &str, n: u64) -> Result<(u64, u64), CohortError> {
    let err = |why: &str| CohortError::Shard { spec: spec.to_string(), why: why.to_string() };
    let (k, m) = spec.split_once('/').ok_or_else(|| err("expected K/M, e.g. 0/2 (shard K of M, from 0)"))?;
    let k: u64 = k.trim().parse().map_err(|_| err("K must be a whole number"))?;
    let m: u64 = m.trim().parse().map_err(|_| err("M must be a whole number"))?;
    if m == 0 || m > n {
        return Err(err(&format!("M must be in [1, N = {n}]")));
    }
    if k >= m {
        return Err(err(&format!("K must be in [0, M − 1 = {}]", m - 1)));
    }
    Ok((k, m))
}

/// Options of a cohort beyond the scenario and the population.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CohortOptions {
    /// Patients.
    pub n: u64,
    /// Seed of the draws (each patient's own stream is keyed by it).
    pub seed: u64,
    /// Keep the topical's transport run even when no outcome reads it (its `transport_*`
    /// figures then appear per patient).
    pub with_transport: bool,
}

/// One patient's result: its draw, its simulation seed and its figures (name, value, unit, in
/// the run's order).
#[derive(Debug, Clone, PartialEq)]
pub struct PatientRecord {
    /// The draw (index, attempts, values of the population's variables).
    pub draw: Draw,
    /// The patient's `simulation.seed`.
    pub sim_seed: u64,
    /// Figures: (name, value).
    pub figures: Vec<(String, f64)>,
    /// The unit of each figure (same order).
    pub units: Vec<String>,
}

impl PatientRecord {
    /// The value of figure `name`.
    pub fn figure(&self, name: &str) -> Option<f64> {
        self.figures.iter().find(|(n, _)| n == name).map(|(_, v)| *v)
    }
}

/// What a cohort summary reads of one patient: a whole [`PatientRecord`], or a row of
/// [`Columns`].
pub trait Patient {
    /// The patient's draw.
    fn draw(&self) -> &Draw;
    /// The value of figure `name`, if the patient has it.
    fn figure(&self, name: &str) -> Option<f64>;
}

impl<T: Patient + ?Sized> Patient for &T {
    fn draw(&self) -> &Draw {
        (**self).draw()
    }
    fn figure(&self, name: &str) -> Option<f64> {
        (**self).figure(name)
    }
}

impl Patient for PatientRecord {
    fn draw(&self) -> &Draw {
        &self.draw
    }
    fn figure(&self, name: &str) -> Option<f64> {
        PatientRecord::figure(self, name)
    }
}

/// A cohort's records in compact columns, for its summary: every figure's name and unit once
/// (in order of first appearance), and per patient its draw and one value per figure (`NaN`
/// where it lacks that figure; a record's figures are finite, [`CohortError::NonFinite`]).
/// A value costs 8 bytes here where a [`PatientRecord`] holds it with two strings (its name
/// and unit, ≈ 100 bytes), so `mnsim cohort` keeps these while its tables stream to disk.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    names: Vec<String>,
    units: Vec<String>,
    index: std::collections::HashMap<String, usize>,
    draws: Vec<Draw>,
    values: Vec<Vec<f64>>,
}

impl Columns {
    /// The columns of `records`.
    pub fn of(records: &[PatientRecord]) -> Columns {
        let mut c = Columns::default();
        for r in records {
            c.push(r);
        }
        c
    }

    /// Add one patient (after those already held).
    pub fn push(&mut self, r: &PatientRecord) {
        let mut row = vec![f64::NAN; self.names.len()];
        for ((name, v), unit) in r.figures.iter().zip(&r.units) {
            let k = match self.index.get(name) {
                Some(&k) => k,
                None => {
                    self.names.push(name.clone());
                    self.units.push(unit.clone());
                    self.index.insert(name.clone(), self.names.len() - 1);
                    row.push(f64::NAN);
                    self.names.len() - 1
                }
            };
            row[k] = *v;
        }
        self.draws.push(r.draw.clone());
        self.values.push(row);
    }

    /// Patients held.
    pub fn len(&self) -> usize {
        self.draws.len()
    }

    /// Whether no patient is held.
    pub fn is_empty(&self) -> bool {
        self.draws.is_empty()
    }

    /// Every figure's (name, unit), in order of first appearance.
    pub fn names_units(&self) -> Vec<(String, String)> {
        self.names.iter().cloned().zip(self.units.iter().cloned()).collect()
    }

    /// The patients, in the order they were added.
    pub fn rows(&self) -> Vec<ColumnRow<'_>> {
        (0..self.len()).map(|i| ColumnRow { cols: self, i }).collect()
    }
}

/// One patient of [`Columns`].
#[derive(Debug, Clone, Copy)]
pub struct ColumnRow<'a> {
    cols: &'a Columns,
    i: usize,
}

impl Patient for ColumnRow<'_> {
    fn draw(&self) -> &Draw {
        &self.cols.draws[self.i]
    }
    fn figure(&self, name: &str) -> Option<f64> {
        let k = *self.cols.index.get(name)?;
        self.cols.values[self.i].get(k).copied().filter(|v| !v.is_nan())
    }
}

/// A cohort ready to run: every input checked.
#[derive(Debug, Clone)]
pub struct Cohort {
    /// The scenario text and its file name.
    pub scenario_text: String,
    /// The scenario's file (in errors and the manifest).
    pub scenario_file: String,
    /// The population.
    pub population: Population,
    /// Options.
    pub options: CohortOptions,
    /// What the cohort skips of a run, in words (the fast path, and transport when dropped).
    pub skipped: Vec<String>,
    /// The edits every patient shares (the fast path).
    base_edits: Vec<Edit>,
    /// The scenario on the fast path, before any patient's edits.
    base: ResolvedScenario,
    budget: mnsim_sim::Budget,
}

impl Cohort {
    /// Check everything before any run: N, the acceptance of the inclusion criteria, and that the
    /// scenario takes every variable of the population at a typical value (the key exists, the
    /// value is in its range).
    pub fn new(
        scenario_text: &str,
        scenario_file: &str,
        population: Population,
        options: CohortOptions,
        budget: mnsim_sim::Budget,
    ) -> Result<Cohort, CohortError> {
        if options.n == 0 || options.n > MAX_PATIENTS {
            return Err(CohortError::Size { n: options.n });
        }
        let scenario_err = |e: mnsim_scenario::ScenarioError| CohortError::Key {
            file: population.file.clone(),
            field: "(scenario)".into(),
            key: "(scenario)".into(),
            value: scenario_file.into(),
            message: e.to_string(),
        };
        let base = mnsim_scenario::parse(scenario_text, scenario_file).map_err(scenario_err)?;
        let mut base_edits = crate::fast_path_edits();
        let mut skipped: Vec<String> = FAST_PATH.iter().map(|s| s.to_string()).collect();
        if let Some(t) = &base.scenario.topical
            && !options.with_transport
            && mnsim_sim::depigmenting_pd(&t.name).is_none()
            && !mnsim_sim::serum_acts_on_healing(&base)
        {
            base_edits.push(Edit::Unset("topical".into()));
            skipped.push(format!(
                "transport of the topical `{}`: no outcome reads it (it is neither depigmenting nor acting on the healing \
                 cascade), so no transport_* figures (keep it with --with-transport)",
                t.name
            ));
        }
        let fast = mnsim_scenario::parse_with(scenario_text, scenario_file, &base_edits).map_err(scenario_err)?;
        let cohort = Cohort {
            scenario_text: scenario_text.to_string(),
            scenario_file: scenario_file.to_string(),
            population,
            options,
            skipped,
            base_edits,
            base: fast,
            budget,
        };
        cohort.population.check_acceptance(options.seed)?;
        // every variable alone at its typical value
        for v in &cohort.population.variables {
            let field = match v.role {
                population::Role::Covariate => format!("covariates.{}", v.name),
                population::Role::Parameter => format!("parameters.\"{}\"", v.key),
            };
            let value = v.dist.typical();
            let edit = cohort.edit_for(v, &value, &cohort.base)?;
            cohort.resolve(&edit).map_err(|message| CohortError::Key {
                file: cohort.population.file.clone(),
                field,
                key: v.key.clone(),
                value: value.to_string(),
                message,
            })?;
        }
        Ok(cohort)
    }

    fn resolve(&self, extra: &[Edit]) -> Result<ResolvedScenario, String> {
        let mut edits = self.base_edits.clone();
        edits.extend_from_slice(extra);
        mnsim_scenario::parse_with(&self.scenario_text, &self.scenario_file, &edits).map_err(|e| e.to_string())
    }

    /// The edits that set variable `v` to `value` on a patient whose scenario with covariates
    /// only is `r0` (a scale parameter multiplies r0's value; a layer sets the whole stack).
    fn edit_for(
        &self,
        v: &population::Variable,
        value: &Value,
        r0: &ResolvedScenario,
    ) -> Result<Vec<Edit>, CohortError> {
        let integer = v.key == "patient.fitzpatrick";
        let Value::Number(x) = value else {
            return Ok(vec![Edit::Set(v.key.clone(), value.toml(false))]);
        };
        let scale_err =
            |why: String| CohortError::Scale { file: self.population.file.clone(), key: v.key.clone(), why };
        let layer = v.key.strip_prefix("patient.layers.");
        let x = if v.scale {
            let base = match layer {
                Some(l) => layer_value(&r0.skin.layers, l).ok_or_else(|| scale_err(format!("`{l}` is not a layer")))?,
                None => {
                    let json = serde_json::to_value(&r0.scenario).map_err(|e| scale_err(e.to_string()))?;
                    let ptr = format!("/{}", v.key.replace('.', "/"));
                    json.pointer(&ptr).and_then(serde_json::Value::as_f64).ok_or_else(|| {
                        scale_err(format!(
                            "the scenario has {}",
                            json.pointer(&ptr).map_or("no such key".to_string(), |j| format!("`{j}`"))
                        ))
                    })?
                }
            };
            base * x
        } else {
            *x
        };
        Ok(match layer {
            Some(l) if layer_value(&r0.skin.layers, l).is_some() => {
                // the patient's own resolved stack (site, age, sex), one layer replaced
                let names = [
                    "stratum_corneum_um",
                    "viable_epidermis_um",
                    "papillary_dermis_um",
                    "reticular_dermis_um",
                    "subcutis_um",
                ];
                names
                    .iter()
                    .map(|n| {
                        let val = if *n == l { x } else { layer_value(&r0.skin.layers, n).expect("a layer") };
                        Edit::Set(format!("patient.layers.{n}"), toml::Value::Float(val))
                    })
                    .collect()
            }
            _ => vec![Edit::Set(v.key.clone(), Value::Number(x).toml(integer))],
        })
    }

    /// The scenario of a drawn patient, as it runs (fast path, the patient's own seed).
    pub fn patient_scenario(&self, draw: &Draw) -> Result<ResolvedScenario, CohortError> {
        let rejected =
            |message: String| CohortError::Patient { index: draw.index, patient: self.describe(draw), message };
        let seed = Edit::Set(
            "simulation.seed".into(),
            // 63 bits: a TOML integer (signed 64-bit) whatever the draw
            toml::Value::Integer(population::patient_seed(self.options.seed, draw.index) as i64),
        );
        let vars = &self.population.variables;
        let mut covs = vec![seed];
        for (v, x) in vars.iter().zip(&draw.values) {
            if v.role == population::Role::Covariate {
                covs.extend(self.edit_for(v, x, &self.base)?);
            }
        }
        let r0 = self.resolve(&covs).map_err(rejected)?;
        let mut edits = covs;
        // layers: later edits of the whole stack must keep earlier layer draws
        let mut layers = r0.skin.layers;
        for (v, x) in vars.iter().zip(&draw.values) {
            if v.role == population::Role::Parameter {
                let mut r = r0.clone();
                r.skin.layers = layers;
                for e in self.edit_for(v, x, &r)? {
                    if let Edit::Set(k, toml::Value::Float(val)) = &e
                        && let Some(l) = k.strip_prefix("patient.layers.")
                    {
                        set_layer(&mut layers, l, *val);
                    }
                    edits.push(e);
                }
            }
        }
        self.resolve(&edits).map_err(rejected)
    }

    /// The patient's values in words (`age_y=34.2, sex=female, …`).
    pub fn describe(&self, draw: &Draw) -> String {
        self.population
            .variables
            .iter()
            .zip(&draw.values)
            .map(|(v, x)| match x {
                Value::Number(n) => format!("{}={}", v.name, mnsim_scenario::compact(*n)),
                Value::Text(s) => format!("{}={s}", v.name),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Draw and run patient `index`.
    pub fn run_patient(&self, index: u64) -> Result<PatientRecord, CohortError> {
        let draw = self.population.sample(self.options.seed, index)?;
        let sc = self.patient_scenario(&draw)?;
        let r = mnsim_sim::run_within(&sc, &self.budget, &mut mnsim_sim::NoProgress)
            .map_err(|e| CohortError::Model { index, patient: self.describe(&draw), message: e.to_string() })?;
        if let Some(f) = r.figures.iter().find(|f| !f.value.is_finite()) {
            return Err(CohortError::NonFinite { index, name: f.name.clone(), value: f.value });
        }
        Ok(PatientRecord {
            sim_seed: sc.seed(),
            draw,
            units: r.figures.iter().map(|f| f.unit.clone()).collect(),
            figures: r.figures.into_iter().map(|f| (f.name, f.value)).collect(),
        })
    }

    /// Check that the scenario takes every patient of `range` (in parallel; the first rejected
    /// patient in index order is the error), before any run.
    pub fn check_patients(&self, range: std::ops::Range<u64>) -> Result<(), CohortError> {
        let errors: Vec<Option<CohortError>> = range
            .into_par_iter()
            .map(|i| {
                self.population
                    .sample(self.options.seed, i)
                    .map_err(CohortError::from)
                    .and_then(|d| self.patient_scenario(&d))
                    .err()
            })
            .collect();
        match errors.into_iter().flatten().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Run patients `range` in parallel (on the current rayon pool), collected in index order;
    /// `done` is called after each patient. The first failure in index order is the error.
    pub fn run_range(
        &self,
        range: std::ops::Range<u64>,
        done: &(dyn Fn() + Sync),
    ) -> Result<Vec<PatientRecord>, CohortError> {
        let out: Vec<Result<PatientRecord, CohortError>> = range
            .into_par_iter()
            .map(|i| {
                let r = self.run_patient(i);
                done();
                r
            })
            .collect();
        out.into_iter().collect()
    }

    /// Everything that decides the cohort's numbers, for the stamp a resumed cohort must match:
    /// the mnsim version is added by the command.
    pub fn stamp(&self) -> serde_json::Value {
        serde_json::json!({
            "scenario_file": self.scenario_file,
            "scenario_text": self.scenario_text,
            "population": self.population,
            "options": self.options,
            "skipped": self.skipped,
        })
    }
}

fn layer_value(l: &mnsim_core::LayerStack, name: &str) -> Option<f64> {
    Some(match name {
        "stratum_corneum_um" => l.stratum_corneum_um,
        "viable_epidermis_um" => l.viable_epidermis_um,
        "papillary_dermis_um" => l.papillary_dermis_um,
        "reticular_dermis_um" => l.reticular_dermis_um,
        "subcutis_um" => l.subcutis_um,
        _ => return None,
    })
}

fn set_layer(l: &mut mnsim_core::LayerStack, name: &str, v: f64) {
    match name {
        "stratum_corneum_um" => l.stratum_corneum_um = v,
        "viable_epidermis_um" => l.viable_epidermis_um = v,
        "papillary_dermis_um" => l.papillary_dermis_um = v,
        "reticular_dermis_um" => l.reticular_dermis_um = v,
        "subcutis_um" => l.subcutis_um = v,
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// Chunks: records as bytes and back, exactly
// ---------------------------------------------------------------------------------------------

#[derive(Serialize, Deserialize)]
struct StoredValue {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    bits: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    text: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct StoredRecord {
    index: u64,
    attempts: u32,
    sim_seed: u64,
    values: Vec<StoredValue>,
    names: Vec<String>,
    units: Vec<String>,
    bits: Vec<u64>,
}

/// Records as bytes (JSON with every number as its IEEE-754 bits, so reading them back gives the
/// same bits).
pub fn encode_chunk(records: &[PatientRecord]) -> Vec<u8> {
    let stored: Vec<StoredRecord> = records
        .iter()
        .map(|r| StoredRecord {
            index: r.draw.index,
            attempts: r.draw.attempts,
            sim_seed: r.sim_seed,
            values: r
                .draw
                .values
                .iter()
                .map(|v| match v {
                    Value::Number(x) => StoredValue { bits: Some(x.to_bits()), text: None },
                    Value::Text(s) => StoredValue { bits: None, text: Some(s.clone()) },
                })
                .collect(),
            names: r.figures.iter().map(|(n, _)| n.clone()).collect(),
            units: r.units.clone(),
            bits: r.figures.iter().map(|(_, v)| v.to_bits()).collect(),
        })
        .collect();
    serde_json::to_vec(&stored).expect("records serialise")
}

/// The records of [`encode_chunk`]'s bytes.
pub fn decode_chunk(bytes: &[u8]) -> Result<Vec<PatientRecord>, CohortError> {
    let stored: Vec<StoredRecord> = serde_json::from_slice(bytes).map_err(|e| CohortError::Chunk(e.to_string()))?;
    stored
        .into_iter()
        .map(|s| {
            if s.names.len() != s.bits.len() || s.units.len() != s.bits.len() {
                return Err(CohortError::Chunk(format!("patient {}: names and values differ in length", s.index)));
            }
            let values = s
                .values
                .into_iter()
                .map(|v| match (v.bits, v.text) {
                    (Some(b), None) => Ok(Value::Number(f64::from_bits(b))),
                    (None, Some(t)) => Ok(Value::Text(t)),
                    _ => {
                        Err(CohortError::Chunk(format!("patient {}: a value is neither a number nor a name", s.index)))
                    }
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(PatientRecord {
                draw: Draw { index: s.index, attempts: s.attempts, values },
                sim_seed: s.sim_seed,
                units: s.units,
                figures: s.names.into_iter().zip(s.bits.into_iter().map(f64::from_bits)).collect(),
            })
        })
        .collect()
}
