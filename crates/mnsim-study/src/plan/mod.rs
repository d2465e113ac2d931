//! `mnsim plan`: the best protocol for one patient under downtime and safety limits.
//!
//! A plan file (TOML, format in `docs/STUDIES.md` § `mnsim plan`) names a base scenario, the
//! decision variables (scenario keys with their values: discrete sets, integer ranges,
//! continuous intervals, categorical choices such as the serum), the objectives (figures of
//! the run's results to maximise or minimise) and the constraints (bounds on figures). The
//! search ([`search`]) enumerates a small space and runs NSGA-II (moors) on a larger one; every
//! candidate is one [`mnsim_sim::run_within`] of the base scenario edited by
//! [`mnsim_scenario::parse_with`], with the nominal ensemble member only and no transport
//! window (`simulation.ensemble_members = 1`, `transport.compute_window = false`). The
//! recommendation is then rerun as the scenario it is (its own ensemble and window), for the
//! outcomes' ensemble intervals and the run's warnings.
//!
//! **Sessions and interval.** The variables `protocol.sessions` (an integer) and
//! `protocol.interval_d` (days) are not scenario keys: a candidate's sessions are
//! `protocol.session_days = [0, d, 2d, …, (n − 1)·d]` with n sessions d days apart (the base
//! scenario's `session_days`, `sessions` and `interval_d` removed). Where only one of the two
//! is a variable, the other is the base scenario's (its number of sessions, or the gap between
//! its first two sessions).
//!
//! **Serum.** A categorical variable on `topical.name` takes catalogue actives
//! (`mnsim actives`) or `none`: `none` removes the `[topical]` table; a name replaces the
//! active, its physicochemical keys (`molecular_weight_da`, `log_p`, …) removed so that the
//! catalogue's are used, the dose and vehicle kept.
//!
//! No I/O here: the CLI reads the files and writes the folder.

pub mod analysis;
pub mod folder;
pub mod search;
pub mod statistic;

use mnsim_scenario::{Edit, ResolvedScenario};
use search::{Constraint, Evaluated, Kind, Objective, Record, Search, SearchError, Settings, Value, Variable};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The worked scenarios a plan can name as its base (`scenarios/*.toml`, compiled in).
pub const WORKED_SCENARIOS: &[(&str, &str)] = &[
    ("acne-scars-cheek", include_str!("../../../../scenarios/acne-scars-cheek.toml")),
    ("fine-lines-forehead", include_str!("../../../../scenarios/fine-lines-forehead.toml")),
    ("fine-lines-periorbital", include_str!("../../../../scenarios/fine-lines-periorbital.toml")),
    ("laxity-neck", include_str!("../../../../scenarios/laxity-neck.toml")),
    ("melasma-cheek", include_str!("../../../../scenarios/melasma-cheek.toml")),
    ("striae-abdomen", include_str!("../../../../scenarios/striae-abdomen.toml")),
];

/// The built-in example plans (`data/plans/*.toml`, compiled in): `mnsim plan --example NAME`.
pub const EXAMPLE_PLANS: &[(&str, &str)] = &[
    ("acne-scars", include_str!("../../../../data/plans/acne-scars.toml")),
    ("fine-lines", include_str!("../../../../data/plans/fine-lines.toml")),
    ("laxity-neck", include_str!("../../../../data/plans/laxity-neck.toml")),
    ("melasma", include_str!("../../../../data/plans/melasma.toml")),
];

/// Most objectives. Assumed: a front of more than three objectives cannot be read from a table.
pub const MAX_OBJECTIVES: usize = 3;
/// Most decision variables. Assumed: a protocol has about half a dozen settings to choose.
pub const MAX_VARIABLES: usize = 16;
/// Most levels of one variable (a set, an integer range, a stepped interval, choices). Assumed.
pub const MAX_LEVELS: usize = 10_000;
/// The sessions variable.
pub const SESSIONS_KEY: &str = "protocol.sessions";
/// The interval variable.
pub const INTERVAL_KEY: &str = "protocol.interval_d";
/// The serum variable.
pub const TOPICAL_KEY: &str = "topical.name";
/// The home-care variable: a catalogue active used daily between sessions, or `none`.
pub const HOME_CARE_KEY: &str = "home_care.name";
/// Most sessions (the scenario's own limit for `protocol.sessions`).
pub const MAX_SESSIONS: i64 = 20;
/// The topical's physicochemical keys, removed when a catalogue name replaces the active.
const TOPICAL_PHYSCHEM: [&str; 5] = ["molecular_weight_da", "log_p", "hydrodynamic_radius_nm", "ionisation", "pka"];

/// Why a plan cannot run, or what failed in it. Each names the file, the field, the value and
/// what is allowed.
#[derive(Debug, Clone, Error, PartialEq)]
#[non_exhaustive]
pub enum PlanError {
    /// The plan file is not valid TOML or has an unknown or mistyped field (toml's message,
    /// with line and column).
    #[error("{file}: {message}")]
    Parse {
        /// The plan file.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// A field with a value that is not allowed.
    #[error("{file}: {field} = {value} is invalid: {allowed}")]
    Field {
        /// The plan file.
        file: String,
        /// The field (`variable[2].high`).
        field: String,
        /// The value as given.
        value: String,
        /// What is allowed.
        allowed: String,
    },
    /// The base scenario rejects a variable's key or one of its values (the scenario's message).
    #[error("{file}: {field} = {value}: the scenario rejects it: {message}")]
    Key {
        /// The plan file.
        file: String,
        /// The field (`variable[0].key`).
        field: String,
        /// The key or value.
        value: String,
        /// The scenario's message.
        message: String,
    },
    /// An objective or constraint names a figure the run does not have.
    #[error("{file}: {field} = {name:?} is not a figure of the base run; known figures: {known}")]
    UnknownFigure {
        /// The plan file.
        file: String,
        /// The field (`objective[0].figure`).
        field: String,
        /// The name as given.
        name: String,
        /// The figures of the base run.
        known: String,
    },
    /// The base scenario itself is invalid, unknown, or fails to run.
    #[error("{file}: plan.scenario = {scenario:?}: {message}")]
    Scenario {
        /// The plan file.
        file: String,
        /// The scenario as named.
        scenario: String,
        /// What is wrong.
        message: String,
    },
    /// The population of `[plan.cohort]` is invalid, or not read.
    #[error("{file}: plan.cohort.population: {message}")]
    Population {
        /// The plan file.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// The search failed (a model failure at a candidate, or the optimiser).
    #[error("{0}")]
    Search(#[from] SearchError),
    /// The recommended protocol failed in its rerun with the ensemble.
    #[error("the recommended protocol ({point}) failed in its rerun: {message}")]
    Rerun {
        /// The candidate's values.
        point: String,
        /// The model's message.
        message: String,
    },
}

/// The base scenario of a plan: a worked scenario by name, or a file (relative to the plan).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum ScenarioRef {
    /// A worked scenario of [`WORKED_SCENARIOS`].
    Worked(String),
    /// A scenario file, as written in the plan.
    File(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanFile {
    plan: PlanHeader,
    #[serde(default, rename = "variable")]
    variables: Vec<VariableSpec>,
    #[serde(default, rename = "objective")]
    objectives: Vec<ObjectiveSpec>,
    #[serde(default, rename = "constraint")]
    constraints: Vec<ConstraintSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanHeader {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    scenario: String,
    #[serde(default)]
    seed: Option<u64>,
    #[serde(default)]
    max_evaluations: Option<usize>,
    #[serde(default)]
    population: Option<usize>,
    #[serde(default)]
    exhaustive_limit: Option<u64>,
    #[serde(default)]
    set: toml::Table,
    #[serde(default)]
    cohort: Option<CohortHeader>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VariableSpec {
    key: String,
    kind: String,
    #[serde(default)]
    values: Option<Vec<f64>>,
    #[serde(default)]
    low: Option<f64>,
    #[serde(default)]
    high: Option<f64>,
    #[serde(default)]
    step: Option<f64>,
    #[serde(default)]
    choices: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ObjectiveSpec {
    figure: String,
    goal: String,
    #[serde(default)]
    statistic: Option<String>,
    #[serde(default)]
    q: Option<f64>,
    #[serde(default)]
    threshold: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConstraintSpec {
    figure: String,
    #[serde(default)]
    max: Option<f64>,
    #[serde(default)]
    min: Option<f64>,
    #[serde(default)]
    statistic: Option<String>,
    #[serde(default)]
    q: Option<f64>,
    #[serde(default)]
    threshold: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CohortHeader {
    population: String,
    patients: u64,
    #[serde(default)]
    seed: Option<u64>,
}

/// Most patients per candidate of a population plan. Assumed: "a small fixed cohort per
/// candidate" — each candidate costs this many runs.
pub const MAX_PLAN_PATIENTS: u64 = 256;

/// A population plan's cohort: the same patients (one population, one seed) for every
/// candidate, so that candidates differ only by the protocol (common random numbers).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CohortSpec {
    /// The population as written: a built-in name or a file ending in `.toml`.
    pub population: String,
    /// Patients per candidate.
    pub patients: u64,
    /// Seed of the draws (`None`: the plan's seed).
    pub seed: Option<u64>,
    /// The statistic of each objective's figure over the patients.
    pub objective_statistics: Vec<statistic::Statistic>,
    /// The statistic of each constraint's figure over the patients.
    pub constraint_statistics: Vec<statistic::Statistic>,
    /// The population file's text and name: filled in for a built-in population, by the caller
    /// ([`PlanSpec::attach_population`]) for a file.
    #[serde(skip)]
    pub text: Option<(String, String)>,
}

/// A parsed and checked plan file (independent of the scenario).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanSpec {
    /// The plan file (for errors).
    pub file: String,
    /// The plan's name.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// The base scenario.
    pub scenario: ScenarioRef,
    /// Seed of the GA (`None`: the scenario's `simulation.seed`).
    pub seed: Option<u64>,
    /// Fixed edits applied to every candidate (`[plan.set]`, dotted keys).
    pub set: Vec<(String, toml::Value)>,
    /// The decision variables.
    pub variables: Vec<Variable>,
    /// The objectives (at least one).
    pub objectives: Vec<Objective>,
    /// The constraints.
    pub constraints: Vec<Constraint>,
    /// Settings of the search (the seed filled in by [`Planner::new`]).
    pub settings: Settings,
    /// A population plan's cohort (`[plan.cohort]`): objectives and constraints are statistics
    /// over its patients. `None`: one patient, the base scenario's.
    pub cohort: Option<CohortSpec>,
}

impl PlanSpec {
    /// Objective `i` in words: `maximise outcomes.x`, or for a population plan `maximise median
    /// of outcomes.x`.
    pub fn objective_label(&self, i: usize) -> String {
        let o = &self.objectives[i];
        match self.cohort.as_ref().and_then(|c| c.objective_statistics.get(i)) {
            Some(st) => format!("{} {}", if o.maximise { "maximise" } else { "minimise" }, st.label(&o.figure)),
            None => o.label(),
        }
    }

    /// Constraint `i` in words: `downtime_d <= 3`, or for a population plan `90th percentile of
    /// downtime_d <= 3`.
    pub fn constraint_label(&self, i: usize) -> String {
        let c = &self.constraints[i];
        match self.cohort.as_ref().and_then(|h| h.constraint_statistics.get(i)) {
            Some(st) => Constraint { figure: st.label(&c.figure), ..c.clone() }.label(),
            None => c.label(),
        }
    }

    /// Give a population plan the text of its population file (`file` names it in errors); the
    /// caller reads the file named by `cohort.population` (relative to the plan).
    pub fn attach_population(&mut self, text: String, file: String) {
        if let Some(c) = &mut self.cohort {
            c.text = Some((text, file));
        }
    }
}

fn flatten(prefix: &str, t: &toml::Table, out: &mut Vec<(String, toml::Value)>) {
    for (k, v) in t {
        let path = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
        match v {
            toml::Value::Table(inner) => flatten(&path, inner, out),
            other => out.push((path, other.clone())),
        }
    }
}

/// Parse and check plan `text` (`file` names it in errors): every kind, bound, goal and
/// constraint is checked here; the keys and figures against the scenario in [`Planner::new`].
pub fn parse(text: &str, file: &str) -> Result<PlanSpec, PlanError> {
    let raw: PlanFile =
        toml::from_str(text).map_err(|e| PlanError::Parse { file: file.into(), message: e.to_string() })?;
    let field = |field: String, value: String, allowed: &str| PlanError::Field {
        file: file.into(),
        field,
        value,
        allowed: allowed.into(),
    };
    let h = raw.plan;
    let scenario = if WORKED_SCENARIOS.iter().any(|(n, _)| *n == h.scenario) {
        ScenarioRef::Worked(h.scenario.clone())
    } else if h.scenario.ends_with(".toml") {
        ScenarioRef::File(h.scenario.clone())
    } else {
        let names: Vec<&str> = WORKED_SCENARIOS.iter().map(|(n, _)| *n).collect();
        return Err(field(
            "plan.scenario".into(),
            format!("{:?}", h.scenario),
            &format!("a worked scenario ({}) or a scenario file ending in .toml", names.join(", ")),
        ));
    };
    let mut settings = Settings::default();
    if let Some(n) = h.max_evaluations {
        if !(8..=100_000).contains(&n) {
            return Err(field("plan.max_evaluations".into(), n.to_string(), "a whole number in [8, 100000]"));
        }
        settings.max_evaluations = n;
    }
    if let Some(n) = h.population {
        if !(4..=10_000).contains(&n) {
            return Err(field("plan.population".into(), n.to_string(), "a whole number in [4, 10000]"));
        }
        settings.population = n;
    }
    if settings.max_evaluations < 2 * settings.population {
        return Err(field(
            "plan.max_evaluations".into(),
            settings.max_evaluations.to_string(),
            &format!("at least twice plan.population ({})", 2 * settings.population),
        ));
    }
    if let Some(n) = h.exhaustive_limit {
        if n > 1_000_000 {
            return Err(field("plan.exhaustive_limit".into(), n.to_string(), "a whole number in [0, 1000000]"));
        }
        settings.exhaustive_limit = u128::from(n);
    }
    let mut set = Vec::new();
    flatten("", &h.set, &mut set);
    for (k, _) in &set {
        if k.starts_with("simulation.ensemble_members") || k == "transport.compute_window" {
            return Err(field(
                format!("plan.set.{k}"),
                "…".into(),
                "not a plan setting: the search always runs the nominal member without the transport window, and the recommendation is rerun as its scenario says",
            ));
        }
    }

    if raw.variables.is_empty() || raw.variables.len() > MAX_VARIABLES {
        return Err(field(
            "variable".into(),
            format!("{} variables", raw.variables.len()),
            &format!("1 to {MAX_VARIABLES} [[variable]] tables"),
        ));
    }
    let mut variables: Vec<Variable> = Vec::new();
    for (i, v) in raw.variables.iter().enumerate() {
        let f = |name: &str| format!("variable[{i}].{name}");
        let key = v.key.trim();
        if key.is_empty() || key.split('.').any(str::is_empty) {
            return Err(field(f("key"), format!("{:?}", v.key), "a dotted scenario key, e.g. device.needle_length_um"));
        }
        if variables.iter().any(|w| w.key == key) {
            return Err(field(f("key"), format!("{key:?}"), "each key once"));
        }
        // plan.set may hold a whole [home_care] table that a home_care.name variable replaces
        // the active of, or removes
        if key != HOME_CARE_KEY && set.iter().any(|(k, _)| k == key) {
            return Err(field(f("key"), format!("{key:?}"), "a key that plan.set does not also fix"));
        }
        let unused = |names: &[(&str, bool)]| -> Result<(), PlanError> {
            match names.iter().find(|(_, given)| *given) {
                Some(&(n, _)) => Err(field(f(n), "(given)".into(), &format!("not a field of kind = {:?}", v.kind))),
                None => Ok(()),
            }
        };
        let finite = |name: &str, x: Option<f64>| -> Result<f64, PlanError> {
            match x {
                Some(x) if x.is_finite() => Ok(x),
                Some(x) => Err(field(f(name), x.to_string(), "a finite number")),
                None => Err(field(f(name), "(missing)".into(), &format!("kind = {:?} needs low and high", v.kind))),
            }
        };
        let kind = match v.kind.as_str() {
            "set" => {
                unused(&[
                    ("low", v.low.is_some()),
                    ("high", v.high.is_some()),
                    ("step", v.step.is_some()),
                    ("choices", v.choices.is_some()),
                ])?;
                let values = v.values.clone().unwrap_or_default();
                if values.is_empty() || values.len() > MAX_LEVELS {
                    return Err(field(f("values"), format!("{values:?}"), &format!("1 to {MAX_LEVELS} numbers")));
                }
                if let Some(x) = values.iter().find(|x| !x.is_finite()) {
                    return Err(field(f("values"), x.to_string(), "finite numbers"));
                }
                if values.iter().enumerate().any(|(j, x)| values[..j].contains(x)) {
                    return Err(field(f("values"), format!("{values:?}"), "distinct numbers"));
                }
                Kind::Set { values }
            }
            "integer" => {
                unused(&[
                    ("values", v.values.is_some()),
                    ("step", v.step.is_some()),
                    ("choices", v.choices.is_some()),
                ])?;
                let (lo, hi) = (finite("low", v.low)?, finite("high", v.high)?);
                for (n, x) in [("low", lo), ("high", hi)] {
                    if x.fract() != 0.0 || x.abs() > 1e15 {
                        return Err(field(f(n), x.to_string(), "a whole number"));
                    }
                }
                if hi < lo || (hi - lo) as usize >= MAX_LEVELS {
                    return Err(field(
                        f("high"),
                        hi.to_string(),
                        &format!("at least low ({lo}) and fewer than {MAX_LEVELS} values"),
                    ));
                }
                Kind::Integer { low: lo as i64, high: hi as i64 }
            }
            "continuous" => {
                unused(&[("values", v.values.is_some()), ("choices", v.choices.is_some())])?;
                let (lo, hi) = (finite("low", v.low)?, finite("high", v.high)?);
                if hi <= lo {
                    return Err(field(f("high"), hi.to_string(), &format!("greater than low ({lo})")));
                }
                if let Some(s) = v.step
                    && (!(s.is_finite() && s > 0.0) || (hi - lo) / s >= MAX_LEVELS as f64)
                {
                    return Err(field(
                        f("step"),
                        s.to_string(),
                        &format!("a positive number giving fewer than {MAX_LEVELS} values in [{lo}, {hi}]"),
                    ));
                }
                Kind::Continuous { low: lo, high: hi, step: v.step }
            }
            "categorical" => {
                unused(&[
                    ("values", v.values.is_some()),
                    ("low", v.low.is_some()),
                    ("high", v.high.is_some()),
                    ("step", v.step.is_some()),
                ])?;
                let choices = v.choices.clone().unwrap_or_default();
                if choices.is_empty() || choices.len() > MAX_LEVELS {
                    return Err(field(f("choices"), format!("{choices:?}"), &format!("1 to {MAX_LEVELS} words")));
                }
                if choices.iter().enumerate().any(|(j, x)| choices[..j].contains(x)) {
                    return Err(field(f("choices"), format!("{choices:?}"), "distinct words"));
                }
                if key == TOPICAL_KEY || key == HOME_CARE_KEY {
                    for c in &choices {
                        if c != "none" && mnsim_transport::catalogue::find(c).is_none() {
                            return Err(field(
                                f("choices"),
                                format!("{c:?}"),
                                &format!("\"none\" or a catalogue active: {}", mnsim_transport::catalogue::names()),
                            ));
                        }
                    }
                }
                Kind::Categorical { choices }
            }
            other => {
                return Err(field(
                    f("kind"),
                    format!("{other:?}"),
                    "\"set\", \"integer\", \"continuous\" or \"categorical\"",
                ));
            }
        };
        let var = Variable { key: key.to_string(), kind };
        // the protocol's own variables
        if key == SESSIONS_KEY {
            match &var.kind {
                Kind::Integer { low, high } if *low >= 1 && *high <= MAX_SESSIONS => {}
                Kind::Set { values }
                    if values.iter().all(|x| x.fract() == 0.0 && (1.0..=MAX_SESSIONS as f64).contains(x)) => {}
                _ => {
                    return Err(field(
                        f("kind"),
                        format!("{:?}", v.kind),
                        &format!(
                            "protocol.sessions: kind = \"integer\" (or a \"set\" of whole numbers) within [1, {MAX_SESSIONS}]"
                        ),
                    ));
                }
            }
        }
        if key == INTERVAL_KEY {
            let positive = match &var.kind {
                Kind::Set { values } => values.iter().all(|&x| x > 0.0),
                Kind::Integer { low, .. } => *low > 0,
                Kind::Continuous { low, .. } => *low > 0.0,
                Kind::Categorical { .. } => false,
            };
            if !positive {
                return Err(field(f("kind"), format!("{:?}", v.kind), "protocol.interval_d: positive numbers of days"));
            }
        }
        if key != TOPICAL_KEY && matches!(var.kind, Kind::Categorical { .. }) && key.starts_with("topical.") {
            return Err(field(f("key"), format!("{key:?}"), "a categorical topical variable is topical.name"));
        }
        variables.push(var);
    }

    if raw.objectives.is_empty() || raw.objectives.len() > MAX_OBJECTIVES {
        return Err(field(
            "objective".into(),
            format!("{} objectives", raw.objectives.len()),
            &format!("1 to {MAX_OBJECTIVES} [[objective]] tables"),
        ));
    }
    let mut objectives = Vec::new();
    for (i, o) in raw.objectives.iter().enumerate() {
        let maximise = match o.goal.as_str() {
            "maximise" | "maximize" => true,
            "minimise" | "minimize" => false,
            other => {
                return Err(field(
                    format!("objective[{i}].goal"),
                    format!("{other:?}"),
                    "\"maximise\" or \"minimise\"",
                ));
            }
        };
        if objectives.iter().any(|p: &Objective| p.figure == o.figure) {
            return Err(field(format!("objective[{i}].figure"), format!("{:?}", o.figure), "each figure once"));
        }
        objectives.push(Objective { figure: o.figure.clone(), maximise });
    }
    let mut constraints = Vec::new();
    for (i, c) in raw.constraints.iter().enumerate() {
        let f = |n: &str| format!("constraint[{i}].{n}");
        for (n, x) in [("max", c.max), ("min", c.min)] {
            if let Some(x) = x
                && !x.is_finite()
            {
                return Err(field(f(n), x.to_string(), "a finite number"));
            }
        }
        match (c.min, c.max) {
            (None, None) => return Err(field(f("max"), "(missing)".into(), "a constraint needs max, min or both")),
            (Some(lo), Some(hi)) if lo > hi => {
                return Err(field(f("min"), lo.to_string(), &format!("at most max ({hi})")));
            }
            _ => {}
        }
        constraints.push(Constraint { figure: c.figure.clone(), max: c.max, min: c.min });
    }
    let cohort = match &h.cohort {
        None => {
            let given = raw
                .objectives
                .iter()
                .map(|o| (o.statistic.is_some() || o.q.is_some() || o.threshold.is_some(), "objective"))
                .enumerate()
                .chain(
                    raw.constraints
                        .iter()
                        .map(|c| (c.statistic.is_some() || c.q.is_some() || c.threshold.is_some(), "constraint"))
                        .enumerate(),
                )
                .find(|(_, (g, _))| *g);
            if let Some((i, (_, what))) = given {
                return Err(field(
                    format!("{what}[{i}].statistic"),
                    "(given)".into(),
                    "a statistic over patients needs a [plan.cohort] table (population, patients)",
                ));
            }
            None
        }
        Some(c) => {
            if !(2..=MAX_PLAN_PATIENTS).contains(&c.patients) {
                return Err(field(
                    "plan.cohort.patients".into(),
                    c.patients.to_string(),
                    &format!("a whole number in [2, {MAX_PLAN_PATIENTS}]"),
                ));
            }
            let text = match crate::cohort::builtin_population(&c.population) {
                Some(t) => Some((t.to_string(), format!("data/populations/{}.toml", c.population))),
                None if c.population.ends_with(".toml") => None,
                None => {
                    let names: Vec<&str> = crate::cohort::builtin_populations().iter().map(|(n, _)| *n).collect();
                    return Err(field(
                        "plan.cohort.population".into(),
                        format!("{:?}", c.population),
                        &format!("a built-in population ({}) or a population file ending in .toml", names.join(", ")),
                    ));
                }
            };
            let stat = |what: &str, i: usize, name: &Option<String>, q: Option<f64>, t: Option<f64>| {
                parse_statistic(file, &format!("{what}[{i}]"), name.as_deref(), q, t)
            };
            CohortSpec {
                population: c.population.clone(),
                patients: c.patients,
                seed: c.seed,
                objective_statistics: raw
                    .objectives
                    .iter()
                    .enumerate()
                    .map(|(i, o)| stat("objective", i, &o.statistic, o.q, o.threshold))
                    .collect::<Result<_, _>>()?,
                constraint_statistics: raw
                    .constraints
                    .iter()
                    .enumerate()
                    .map(|(i, c)| stat("constraint", i, &c.statistic, c.q, c.threshold))
                    .collect::<Result<_, _>>()?,
                text,
            }
            .into()
        }
    };
    Ok(PlanSpec {
        cohort,
        file: file.into(),
        name: h.name.unwrap_or_else(|| file.rsplit('/').next().unwrap_or(file).trim_end_matches(".toml").to_string()),
        description: h.description.unwrap_or_default(),
        scenario,
        seed: h.seed,
        set,
        variables,
        objectives,
        constraints,
        settings,
    })
}

/// The statistic of `field` (`objective[0]`) over a cohort: `mean`, `median` (the default),
/// `quantile` with `q`, `share_at_least` / `share_at_most` with `threshold`.
fn parse_statistic(
    file: &str,
    field: &str,
    name: Option<&str>,
    q: Option<f64>,
    threshold: Option<f64>,
) -> Result<statistic::Statistic, PlanError> {
    use statistic::Statistic;
    let err = |f: &str, value: String, allowed: &str| PlanError::Field {
        file: file.into(),
        field: format!("{field}.{f}"),
        value,
        allowed: allowed.into(),
    };
    let none_of = |q_ok: bool, t_ok: bool| -> Result<(), PlanError> {
        if q.is_some() && !q_ok {
            return Err(err("q", "(given)".into(), "only with statistic = \"quantile\""));
        }
        if threshold.is_some() && !t_ok {
            return Err(err(
                "threshold",
                "(given)".into(),
                "only with statistic = \"share_at_least\" or \"share_at_most\"",
            ));
        }
        Ok(())
    };
    let threshold_of = || match threshold {
        Some(t) if t.is_finite() => Ok(t),
        Some(t) => Err(err("threshold", t.to_string(), "a finite number in the figure's unit")),
        None => Err(err("threshold", "(missing)".into(), "a share statistic needs a threshold")),
    };
    match name.unwrap_or("median") {
        "median" => none_of(false, false).map(|_| Statistic::Median),
        "mean" => none_of(false, false).map(|_| Statistic::Mean),
        "quantile" => {
            none_of(true, false)?;
            match q {
                Some(q) if (0.0..=1.0).contains(&q) => Ok(Statistic::Quantile { q }),
                Some(q) => Err(err("q", q.to_string(), "a probability in [0, 1]")),
                None => Err(err("q", "(missing)".into(), "statistic = \"quantile\" needs q")),
            }
        }
        "share_at_least" => {
            none_of(false, true).and_then(|_| threshold_of()).map(|t| Statistic::ShareAtLeast { threshold: t })
        }
        "share_at_most" => {
            none_of(false, true).and_then(|_| threshold_of()).map(|t| Statistic::ShareAtMost { threshold: t })
        }
        other => Err(err(
            "statistic",
            format!("{other:?}"),
            "\"mean\", \"median\", \"quantile\", \"share_at_least\" or \"share_at_most\"",
        )),
    }
}

/// A plan bound to its base scenario: candidates become scenarios and runs.
#[derive(Debug, Clone)]
pub struct Planner {
    /// The plan.
    pub spec: PlanSpec,
    text: String,
    scenario_file: String,
    budget: mnsim_sim::Budget,
    /// Keys of `set` variables whose values the scenario takes as whole numbers.
    integer_sets: Vec<bool>,
    base_sessions: usize,
    base_interval_d: Option<f64>,
    /// The base run's figures (nominal member, no window).
    pub base_figures: Vec<mnsim_sim::Figure>,
    /// The base scenario, as it resolves.
    pub base: ResolvedScenario,
    /// The base run's healing time courses (the current protocol on the plan page).
    pub base_course: Option<mnsim_report::plan::Course>,
    /// A population plan's population (parsed from `spec.cohort`).
    population: Option<crate::cohort::population::Population>,
    /// A population plan: the current protocol over the plan's patients.
    pub base_population: Option<Vec<PopulationFigure>>,
}

/// One objective's or constraint's figure over a population plan's patients.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PopulationFigure {
    /// The figure.
    pub figure: String,
    /// The statistic the plan reads, in words (`median of downtime_d`).
    pub statistic: String,
    /// Its value.
    pub value: f64,
    /// Mean over the patients.
    pub mean: f64,
    /// 5 % quantile over the patients.
    pub p05: f64,
    /// Median over the patients.
    pub median: f64,
    /// 95 % quantile over the patients.
    pub p95: f64,
    /// Patients.
    pub n: usize,
}

/// Search-only edits: the nominal member, no transport window ([`crate::fast_path_edits`]).
fn search_edits() -> Vec<Edit> {
    crate::fast_path_edits()
}

impl Planner {
    /// Bind `spec` to the base scenario `text` (`scenario_file` names it in errors): checks the
    /// scenario, each variable's key at every value (or both ends), and, with one base run, that
    /// every objective and constraint names a figure of the run.
    pub fn new(
        mut spec: PlanSpec,
        text: &str,
        scenario_file: &str,
        budget: mnsim_sim::Budget,
    ) -> Result<Self, PlanError> {
        let (plan_file, scenario_name) = (
            spec.file.clone(),
            match &spec.scenario {
                ScenarioRef::Worked(n) | ScenarioRef::File(n) => n.clone(),
            },
        );
        let scen_err =
            |message: String| PlanError::Scenario { file: plan_file.clone(), scenario: scenario_name.clone(), message };
        let base = mnsim_scenario::parse(text, scenario_file).map_err(|e| scen_err(e.to_string()))?;
        if !base.scenario.simulation.run_healing {
            return Err(scen_err(
                "simulation.run_healing = false: a plan needs the healing course and outcomes".into(),
            ));
        }
        let base_sessions = base.protocol.sessions.len();
        let t = base.protocol.session_times_s();
        let base_interval_d = (t.len() >= 2).then(|| (t[1] - t[0]) / 86_400.0);
        if spec.seed.is_none() {
            spec.seed = Some(base.seed());
        }
        spec.settings.seed = spec.seed.unwrap_or_default();
        let has = |k: &str| spec.variables.iter().any(|v| v.key == k);
        if has(SESSIONS_KEY) && !has(INTERVAL_KEY) && base_interval_d.is_none() {
            let i = spec.variables.iter().position(|v| v.key == SESSIONS_KEY).unwrap_or(0);
            return Err(PlanError::Field {
                file: spec.file.clone(),
                field: format!("variable[{i}].key"),
                value: SESSIONS_KEY.into(),
                allowed: "with a base scenario of one session, also give protocol.interval_d as a variable".into(),
            });
        }
        let mut p = Planner {
            spec,
            text: text.to_string(),
            scenario_file: scenario_file.to_string(),
            budget,
            integer_sets: Vec::new(),
            base_sessions,
            base_interval_d,
            base_figures: Vec::new(),
            base,
            base_course: None,
            population: None,
            base_population: None,
        };
        if let Some(c) = &p.spec.cohort {
            let (text, file) = c.text.clone().ok_or_else(|| PlanError::Population {
                file: p.spec.file.clone(),
                message: format!("{:?}: the population file was not read (PlanSpec::attach_population)", c.population),
            })?;
            let pop = crate::cohort::population::parse(&text, &file)
                .map_err(|e| PlanError::Population { file: p.spec.file.clone(), message: e.to_string() })?;
            p.population = Some(pop);
        }
        // the fixed edits alone
        let edits = p.edits_for(None, true);
        mnsim_scenario::parse_with(&p.text, &p.scenario_file, &edits).map_err(|e| PlanError::Key {
            file: p.spec.file.clone(),
            field: "plan.set".into(),
            value: p.spec.set.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(", "),
            message: e.to_string(),
        })?;
        // each variable's values, the others at their base values
        p.integer_sets = vec![false; p.spec.variables.len()];
        for (i, v) in p.spec.variables.clone().iter().enumerate() {
            let probe: Vec<Value> = match v.levels() {
                Some(n) if n <= 64 => (0..n).map(|j| v.level(j)).collect(),
                _ => vec![v.decode(0.0), v.decode(1.0)],
            };
            if let Kind::Set { values } = &v.kind
                && values.iter().all(|x| x.fract() == 0.0)
            {
                // a whole-number set on an integer key must be written as integers
                let as_float = p.check_one(i, &Value::Number(values[0]));
                let as_int = p.check_one(i, &Value::Integer(values[0] as i64));
                p.integer_sets[i] = as_float.is_err() && as_int.is_ok();
            }
            for x in &probe {
                p.check_one(i, x).map_err(|message| PlanError::Key {
                    file: p.spec.file.clone(),
                    field: format!("variable[{i}]"),
                    value: format!("{} = {}", v.key, x.cell()),
                    message,
                })?;
            }
        }
        let base_sc = mnsim_scenario::parse_with(&p.text, &p.scenario_file, &p.edits_for(None, true))
            .map_err(|e| scen_err(e.to_string()))?;
        let r = mnsim_sim::run_within(&base_sc, &p.budget, &mut mnsim_sim::NoProgress)
            .map_err(|e| scen_err(format!("the base run failed: {e}")))?;
        p.base_course = mnsim_report::plan::course("current protocol", &base_sc, &r);
        p.base_figures = r.figures;
        if p.population.is_some() {
            let figures = p
                .cohort_figures(None)
                .map_err(|m| scen_err(format!("the current protocol over the plan's patients failed: {m}")))?;
            p.base_population = Some(figures.map_err(|m| scen_err(format!("the plan's patients: {m}")))?);
        }
        let known = || p.base_figures.iter().map(|f| f.name.as_str()).collect::<Vec<_>>().join(", ");
        let unknown = |field: String, name: &str| PlanError::UnknownFigure {
            file: p.spec.file.clone(),
            field,
            name: name.into(),
            known: known(),
        };
        for (i, o) in p.spec.objectives.iter().enumerate() {
            if !p.base_figures.iter().any(|f| f.name == o.figure) {
                return Err(unknown(format!("objective[{i}].figure"), &o.figure));
            }
        }
        for (i, c) in p.spec.constraints.iter().enumerate() {
            if !p.base_figures.iter().any(|f| f.name == c.figure) {
                return Err(unknown(format!("constraint[{i}].figure"), &c.figure));
            }
        }
        Ok(p)
    }

    /// The scenario accepts variable `i` at `x`, the others at their base values.
    fn check_one(&self, i: usize, x: &Value) -> Result<(), String> {
        let mut edits = self.edits_for(None, true);
        edits.extend(self.variable_edits(&[(i, x.clone())]));
        mnsim_scenario::parse_with(&self.text, &self.scenario_file, &edits).map(|_| ()).map_err(|e| e.to_string())
    }

    /// The edits of some variables' values (index, value).
    fn variable_edits(&self, values: &[(usize, Value)]) -> Vec<Edit> {
        let mut edits = Vec::new();
        let mut sessions = None;
        let mut interval = None;
        for (i, x) in values {
            let v = &self.spec.variables[*i];
            match v.key.as_str() {
                SESSIONS_KEY => sessions = x.as_f64(),
                INTERVAL_KEY => interval = x.as_f64(),
                HOME_CARE_KEY => match x {
                    Value::Text(t) if t == "none" => edits.push(Edit::Unset("home_care".into())),
                    Value::Text(t) => edits.push(Edit::Set(HOME_CARE_KEY.into(), toml::Value::String(t.clone()))),
                    _ => {}
                },
                TOPICAL_KEY => match x {
                    Value::Text(t) if t == "none" => edits.push(Edit::Unset("topical".into())),
                    Value::Text(t) => {
                        for k in TOPICAL_PHYSCHEM {
                            edits.push(Edit::Unset(format!("topical.{k}")));
                        }
                        edits.push(Edit::Set(TOPICAL_KEY.into(), toml::Value::String(t.clone())));
                    }
                    _ => {}
                },
                key => {
                    let value = match x {
                        Value::Integer(n) => toml::Value::Integer(*n),
                        Value::Number(n) if self.integer_sets.get(*i).copied().unwrap_or(false) => {
                            toml::Value::Integer(*n as i64)
                        }
                        Value::Number(n) => toml::Value::Float(*n),
                        Value::Text(t) => toml::Value::String(t.clone()),
                    };
                    edits.push(Edit::Set(key.into(), value));
                }
            }
        }
        if sessions.is_some() || interval.is_some() {
            let n = sessions.map_or(self.base_sessions, |s| s as usize).max(1);
            let d = interval.or(self.base_interval_d).unwrap_or(0.0);
            for k in ["session_days", "sessions", "interval_d"] {
                edits.push(Edit::Unset(format!("protocol.{k}")));
            }
            let days: Vec<toml::Value> = (0..n).map(|j| toml::Value::Float(session_day(j, d))).collect();
            edits.push(Edit::Set("protocol.session_days".into(), toml::Value::Array(days)));
        }
        edits
    }

    /// Fixed edits (and the search-only ones) plus, for a candidate, its variables' edits.
    fn edits_for(&self, values: Option<&[Value]>, searching: bool) -> Vec<Edit> {
        let mut edits = if searching { search_edits() } else { Vec::new() };
        edits.extend(self.spec.set.iter().map(|(k, v)| Edit::Set(k.clone(), v.clone())));
        if let Some(values) = values {
            let indexed: Vec<(usize, Value)> = values.iter().cloned().enumerate().collect();
            edits.extend(self.variable_edits(&indexed));
        }
        edits
    }

    /// The figures of a candidate (objectives, then constraints), or the scenario's reason for
    /// rejecting it; `Err` for a model failure.
    pub fn evaluate(&self, values: &[Value]) -> Result<Evaluated, String> {
        if self.population.is_some() {
            return Ok(match self.cohort_figures(Some(values))? {
                Ok(figs) => Evaluated::Figures(figs.iter().map(|f| f.value).collect()),
                Err(why) => Evaluated::Rejected(why),
            });
        }
        let sc = match mnsim_scenario::parse_with(&self.text, &self.scenario_file, &self.edits_for(Some(values), true))
        {
            Ok(sc) => sc,
            Err(e) => return Ok(Evaluated::Rejected(e.to_string())),
        };
        let r = mnsim_sim::run_within(&sc, &self.budget, &mut mnsim_sim::NoProgress).map_err(|e| e.to_string())?;
        let names =
            self.spec.objectives.iter().map(|o| &o.figure).chain(self.spec.constraints.iter().map(|c| &c.figure));
        Ok(Evaluated::Figures(names.map(|n| r.figure(n).map_or(f64::NAN, |f| f.value)).collect()))
    }

    /// The scenario of a candidate as TOML text that `mnsim run` runs as is: the base scenario
    /// with the plan's fixed edits and the candidate's values (its own ensemble and window),
    /// headed by a comment naming the plan.
    pub fn scenario_toml(&self, values: &[Value]) -> Result<String, PlanError> {
        self.scenario_text(Some(values))
    }

    /// [`Planner::scenario_toml`] of a candidate, or of the current protocol (`None`: the base
    /// scenario with the plan's fixed edits).
    fn scenario_text(&self, values: Option<&[Value]>) -> Result<String, PlanError> {
        let mut table: toml::Table = toml::from_str(&self.text).map_err(|e| PlanError::Scenario {
            file: self.spec.file.clone(),
            scenario: self.scenario_file.clone(),
            message: e.to_string(),
        })?;
        let point = values.map_or("the current protocol".to_string(), |v| search::describe(&self.spec.variables, v));
        let desc = format!("recommended by mnsim plan {} ({}): {point}", self.spec.name, self.spec.file);
        let mut edits = self.edits_for(values, false);
        edits.push(Edit::Set("description".into(), toml::Value::String(desc)));
        let rerr = |message: String| PlanError::Rerun { point: point.clone(), message };
        for e in &edits {
            mnsim_scenario::apply_edit(&mut table, e).map_err(rerr)?;
        }
        let body = toml::to_string(&table).map_err(|e| rerr(e.to_string()))?;
        Ok(format!(
            "# Written by mnsim {} plan `{}` (seed {}); run it with `mnsim run recommended.toml`.\n# Base scenario: {}\n\n{body}",
            env!("CARGO_PKG_VERSION"),
            self.spec.name,
            self.spec.settings.seed,
            self.scenario_file
        ))
    }

    /// Run the search, then rerun the recommendation (if any) with its scenario's ensemble.
    pub fn run(&self) -> Result<PlanOutcome, PlanError> {
        self.run_with(&NoCheckpoint)
    }

    /// [`Planner::run`], taking each candidate's evaluation from `checkpoint` where it holds one
    /// and storing every new one there, so that an interrupted plan resumes where it stopped
    /// (the evaluations are deterministic, so a resumed plan gives the same answer bit for bit).
    pub fn run_with(&self, checkpoint: &dyn Checkpoint) -> Result<PlanOutcome, PlanError> {
        let t0 = std::time::Instant::now();
        let resumed = std::sync::atomic::AtomicUsize::new(0);
        let resumed_runs = std::sync::atomic::AtomicUsize::new(0);
        let eval = |x: &[Value]| {
            let key = search::candidate_key(x);
            if let Some(e) = checkpoint.load(&key) {
                resumed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if matches!(e, Evaluated::Figures(_)) {
                    resumed_runs.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
                return Ok(e);
            }
            let e = self.evaluate(x)?;
            checkpoint.store(&key, &e)?;
            Ok(e)
        };
        let search = search::search(
            &self.spec.variables,
            &self.spec.objectives,
            &self.spec.constraints,
            &eval,
            &self.spec.settings,
        )?;
        let search_wall_s = t0.elapsed().as_secs_f64();
        let evaluated = search.records.iter().filter(|r| r.rejected.is_none()).count();
        let front = if self.spec.objectives.len() > 1 {
            search::pareto_front(&search.records, &self.spec.objectives)
        } else {
            Vec::new()
        };
        let best = search::best(&search.records, &self.spec.objectives);
        let recommendation = match best {
            None => Err(self.infeasible(&search)),
            Some(i) => Ok(self.rerun(&search.records[i])?),
        };
        let near_optimal = recommendation.as_ref().ok().map(|rec| {
            let o = &self.spec.objectives[0];
            let name = o.figure.strip_prefix("outcomes.").unwrap_or(&o.figure);
            let interval = rec.intervals.iter().find(|i| i.name == name).map(|i| (i.lo, i.hi));
            let best_value = best.map_or(rec.objectives[0], |i| search.records[i].objectives[0]);
            analysis::near_optimal(&search.records, o, best_value, interval)
        });
        let effects = analysis::variable_effects(&self.spec.variables, &search.records);
        Ok(PlanOutcome {
            resumed: resumed.load(std::sync::atomic::Ordering::Relaxed),
            near_optimal,
            effects,
            evaluations_per_s: if search_wall_s > 0.0 {
                evaluated.saturating_sub(resumed_runs.load(std::sync::atomic::Ordering::Relaxed)) as f64 / search_wall_s
            } else {
                0.0
            },
            search_wall_s,
            // a population plan runs each candidate once per patient; a resumed one did not run
            model_runs: evaluated.saturating_sub(resumed_runs.load(std::sync::atomic::Ordering::Relaxed))
                * self.spec.cohort.as_ref().map_or(1, |c| c.patients as usize),
            search,
            front,
            recommendation,
        })
    }

    fn rerun(&self, rec: &Record) -> Result<Recommendation, PlanError> {
        let toml_text = self.scenario_toml(&rec.values)?;
        let point = search::describe(&self.spec.variables, &rec.values);
        let rerr = |message: String| PlanError::Rerun { point: point.clone(), message };
        let sc = mnsim_scenario::parse(&toml_text, "recommended.toml").map_err(|e| rerr(e.to_string()))?;
        let r =
            mnsim_sim::run_within(&sc, &self.budget, &mut mnsim_sim::NoProgress).map_err(|e| rerr(e.to_string()))?;
        let named = |n: &str| r.figure(n).map_or(f64::NAN, |f| f.value);
        let population = match self.population {
            Some(_) => Some(self.cohort_figures(Some(&rec.values)).map_err(rerr)?.map_err(rerr)?),
            None => None,
        };
        // one patient: the base patient's figures; a population plan: the statistics over its
        // patients (the same patients as in the search, so the same values)
        let n_obj = self.spec.objectives.len();
        let (objectives, constraints): (Vec<f64>, Vec<f64>) = match &population {
            Some(p) => (p[..n_obj].iter().map(|f| f.value).collect(), p[n_obj..].iter().map(|f| f.value).collect()),
            None => (
                self.spec.objectives.iter().map(|o| named(&o.figure)).collect(),
                self.spec.constraints.iter().map(|c| named(&c.figure)).collect(),
            ),
        };
        Ok(Recommendation {
            record: rec.index,
            values: rec.values.clone(),
            feasible_in_rerun: self.spec.constraints.iter().zip(&constraints).all(|(c, v)| c.violation(*v) == 0.0),
            objectives,
            constraints,
            figures: r.figures.clone(),
            intervals: r.ensemble.clone(),
            ensemble_members: sc.scenario.simulation.ensemble_members,
            warnings: r.warnings.clone(),
            course: mnsim_report::plan::course("recommended protocol", &sc, &r),
            population,
            scenario_toml: toml_text,
        })
    }

    /// A population plan: the objectives' then the constraints' figures of a candidate (or of
    /// the current protocol, `None`) over the plan's patients, each as its statistic and
    /// summary. `Ok(Err(why))`: the scenario rejects the candidate or one of its patients;
    /// `Err`: a model failure.
    fn cohort_figures(&self, values: Option<&[Value]>) -> Result<Result<Vec<PopulationFigure>, String>, String> {
        let (Some(pop), Some(c)) = (&self.population, &self.spec.cohort) else {
            return Err("not a population plan".into());
        };
        let text = match self.scenario_text(values) {
            Ok(t) => t,
            Err(e) => return Ok(Err(e.to_string())),
        };
        let names: Vec<&String> = self
            .spec
            .objectives
            .iter()
            .map(|o| &o.figure)
            .chain(self.spec.constraints.iter().map(|c| &c.figure))
            .collect();
        let options = crate::cohort::CohortOptions {
            n: c.patients,
            seed: c.seed.unwrap_or(self.spec.settings.seed),
            with_transport: names.iter().any(|n| n.starts_with("transport_")),
        };
        let cohort = match crate::cohort::Cohort::new(&text, "candidate.toml", pop.clone(), options, self.budget) {
            Ok(h) => h,
            Err(e) => return Ok(Err(e.to_string())),
        };
        let records = match cohort.run_range(0..c.patients, &|| {}) {
            Ok(r) => r,
            Err(e @ crate::cohort::CohortError::Patient { .. }) => return Ok(Err(e.to_string())),
            Err(e) => return Err(e.to_string()),
        };
        let stats = c.objective_statistics.iter().chain(&c.constraint_statistics);
        Ok(Ok(names
            .iter()
            .zip(stats)
            .map(|(name, st)| {
                let key = name.as_str();
                let xs: Vec<f64> = records.iter().map(|r| r.figure(key).unwrap_or(f64::NAN)).collect();
                let q = |p: f64| if xs.iter().any(|x| x.is_nan()) { f64::NAN } else { statistic::quantile(&xs, p) };
                PopulationFigure {
                    figure: key.to_string(),
                    statistic: st.label(key),
                    value: st.of(&xs),
                    mean: statistic::Statistic::Mean.of(&xs),
                    p05: q(0.05),
                    median: q(0.5),
                    p95: q(0.95),
                    n: xs.len(),
                }
            })
            .collect()))
    }

    /// The base scenario's value of a decision variable (the patient's current protocol), as
    /// written: its sessions and interval, its serum (`none` without a topical), else the
    /// scenario key's resolved value; `Null` where the scenario has none.
    pub fn current_value(&self, key: &str) -> serde_json::Value {
        match key {
            SESSIONS_KEY => serde_json::json!(self.base_sessions),
            INTERVAL_KEY => serde_json::json!(self.base_interval_d),
            TOPICAL_KEY => serde_json::json!(self.base.scenario.topical.as_ref().map_or("none", |t| t.name.as_str())),
            HOME_CARE_KEY => {
                serde_json::json!(self.base.scenario.home_care.as_ref().map_or("none", |h| h.name.as_str()))
            }
            _ => serde_json::to_value(&self.base.scenario)
                .ok()
                .and_then(|j| j.pointer(&format!("/{}", key.replace('.', "/"))).cloned())
                .unwrap_or(serde_json::Value::Null),
        }
    }

    fn infeasible(&self, s: &Search) -> Infeasible {
        let valid: Vec<&Record> = s.records.iter().filter(|r| r.rejected.is_none()).collect();
        let constraints = self
            .spec
            .constraints
            .iter()
            .enumerate()
            .map(|(j, c)| {
                let best = valid
                    .iter()
                    .map(|r| r.constraints[j])
                    .filter(|v| v.is_finite())
                    .min_by(|a, b| c.violation(*a).total_cmp(&c.violation(*b)));
                let met_by = valid.iter().filter(|r| c.violation(r.constraints[j]) == 0.0).count();
                ConstraintReport { constraint: self.spec.constraint_label(j), best_value: best, met_by }
            })
            .collect();
        Infeasible { evaluated: valid.len(), rejected: s.records.len() - valid.len(), constraints }
    }
}

/// Day of session `j` (from 0) at interval `d` days, rounded to 12 significant digits.
fn session_day(j: usize, d: f64) -> f64 {
    let x = j as f64 * d;
    if x == 0.0 {
        return 0.0;
    }
    let digits = 12 - x.abs().log10().ceil() as i32;
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

/// The recommended protocol, rerun with its scenario's own ensemble and window.
#[derive(Debug, Clone, Serialize)]
pub struct Recommendation {
    /// Its candidate index.
    pub record: usize,
    /// Its decision values.
    pub values: Vec<Value>,
    /// The objectives' figures in the rerun.
    pub objectives: Vec<f64>,
    /// The constraints' figures in the rerun.
    pub constraints: Vec<f64>,
    /// Every constraint still holds in the rerun (the nominal member is the same run; the
    /// transport window does not enter a constraint unless one names it).
    pub feasible_in_rerun: bool,
    /// Every figure of the rerun.
    pub figures: Vec<mnsim_sim::Figure>,
    /// Median and 5–95 % interval of every outcome over the ensemble.
    pub intervals: Vec<mnsim_outcomes::Interval>,
    /// Ensemble members of the rerun.
    pub ensemble_members: u32,
    /// The run's warnings (outside the calibrated range, …).
    pub warnings: Vec<String>,
    /// The scenario, as TOML that `mnsim run` reproduces.
    pub scenario_toml: String,
    /// Its healing time courses (nominal member), for the plan page.
    #[serde(skip)]
    pub course: Option<mnsim_report::plan::Course>,
    /// A population plan: each objective's and constraint's figure over the plan's patients.
    pub population: Option<Vec<PopulationFigure>>,
}

/// One constraint of an infeasible plan: the best value any evaluated candidate reached.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConstraintReport {
    /// `downtime_d <= 3`.
    pub constraint: String,
    /// The value closest to meeting it among the candidates the scenario accepted.
    pub best_value: Option<f64>,
    /// How many candidates meet it alone.
    pub met_by: usize,
}

/// No evaluated candidate meets every constraint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Infeasible {
    /// Candidates evaluated (accepted by the scenario).
    pub evaluated: usize,
    /// Candidates the scenario rejected.
    pub rejected: usize,
    /// Each constraint, its best achievable value.
    pub constraints: Vec<ConstraintReport>,
}

impl std::fmt::Display for Infeasible {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no protocol among the {} evaluated meets every constraint:", self.evaluated)?;
        for c in &self.constraints {
            let best = c.best_value.map_or("none".to_string(), |v| format!("{v:.4}"));
            let verdict = if c.met_by == 0 { "never met" } else { "met alone by some" };
            write!(f, " `{}` {verdict} (best achievable {best}, met by {});", c.constraint, c.met_by)?;
        }
        Ok(())
    }
}

/// What a plan found.
#[derive(Debug, Clone, Serialize)]
pub struct PlanOutcome {
    /// Every candidate evaluated, and how.
    pub search: Search,
    /// Indices of the Pareto front's records (more than one objective), in record order.
    pub front: Vec<usize>,
    /// The recommendation, or why there is none.
    pub recommendation: Result<Recommendation, Infeasible>,
    /// The protocols as good as the recommendation within the model's uncertainty.
    pub near_optimal: Option<analysis::NearOptimal>,
    /// Each decision variable's main effect on the first objective, the largest first.
    pub effects: Vec<analysis::VariableEffect>,
    /// Model runs of the search (candidates the scenario accepted, times the patients of a
    /// population plan).
    pub model_runs: usize,
    /// Wall time of the search, s.
    pub search_wall_s: f64,
    /// Model runs per second of the search.
    pub evaluations_per_s: f64,
    /// Candidates whose evaluation came from the checkpoint (a resumed plan).
    pub resumed: usize,
}

/// Where a plan keeps its candidates' evaluations as they finish, so that an interrupted plan
/// resumes (the CLI: a folder beside the output folder). A model failure is never stored.
pub trait Checkpoint: Sync {
    /// The stored evaluation of the candidate with `key` ([`search::candidate_key`]), if any.
    fn load(&self, key: &str) -> Option<Evaluated>;
    /// Store a new evaluation; an error stops the plan (as a model failure at that candidate).
    fn store(&self, key: &str, evaluated: &Evaluated) -> Result<(), String>;
}

/// No checkpoint: every candidate is evaluated.
pub struct NoCheckpoint;

impl Checkpoint for NoCheckpoint {
    fn load(&self, _: &str) -> Option<Evaluated> {
        None
    }
    fn store(&self, _: &str, _: &Evaluated) -> Result<(), String> {
        Ok(())
    }
}

impl PlanOutcome {
    /// The candidates as CSV: `candidate`, one column per variable, one per figure (objectives,
    /// then constraints not already an objective), `feasible`, `pareto`, `rejected`.
    pub fn csv(&self, spec: &PlanSpec) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut figures: Vec<(&str, bool, usize)> = Vec::new();
        for (j, o) in spec.objectives.iter().enumerate() {
            figures.push((&o.figure, true, j));
        }
        for (j, c) in spec.constraints.iter().enumerate() {
            if !figures.iter().any(|(n, _, _)| *n == c.figure) {
                figures.push((&c.figure, false, j));
            }
        }
        let mut head = vec!["candidate".to_string()];
        head.extend(spec.variables.iter().map(|v| v.key.clone()));
        head.extend(figures.iter().map(|(n, _, _)| n.to_string()));
        head.extend(["feasible", "pareto", "rejected"].map(String::from));
        let _ = w.write_record(&head);
        for (i, r) in self.search.records.iter().enumerate() {
            let mut row = vec![r.index.to_string()];
            row.extend(r.values.iter().map(Value::cell));
            for (_, is_obj, j) in &figures {
                let v = if *is_obj { r.objectives[*j] } else { r.constraints[*j] };
                row.push(if v.is_nan() { String::new() } else { v.to_string() });
            }
            row.push(r.feasible.to_string());
            row.push(self.front.contains(&i).to_string());
            row.push(r.rejected.clone().unwrap_or_default());
            let _ = w.write_record(&row);
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}

/// The text of a worked scenario by name.
pub fn worked_scenario(name: &str) -> Option<&'static str> {
    WORKED_SCENARIOS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// The text of a built-in example plan by name.
pub fn example_plan(name: &str) -> Option<&'static str> {
    EXAMPLE_PLANS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// What `mnsim bench plan` measures: candidates of a plan evaluated as the search does.
#[derive(Debug, Clone, Serialize)]
pub struct PlanBench {
    /// The plan.
    pub plan: String,
    /// Candidates evaluated.
    pub candidates: usize,
    /// Worker threads.
    pub threads: usize,
    /// Wall time of the evaluations, s.
    pub wall_s: f64,
    /// Candidates per second.
    pub evaluations_per_s: f64,
    /// The candidates (`key=value, …`).
    pub evaluated: Vec<String>,
}

/// Evaluate `candidates` candidates of `planner`'s space (evenly spaced in enumeration order,
/// or decoded from evenly spaced genes for a continuous space), in parallel on `threads`
/// workers, as the search evaluates them (nominal member, no transport window).
pub fn bench(planner: &Planner, candidates: usize, threads: usize) -> Result<PlanBench, PlanError> {
    use rayon::prelude::*;
    let vars = &planner.spec.variables;
    let picks: Vec<Vec<Value>> = match search::space_size(vars) {
        Some(n) if n <= 1_000_000 => {
            let all = search::enumerate(vars);
            let step = (all.len() / candidates.max(1)).max(1);
            all.into_iter().step_by(step).take(candidates).collect()
        }
        _ => (0..candidates)
            .map(|i| {
                let u = (i as f64 + 0.5) / candidates as f64;
                vars.iter().map(|v| v.decode(u)).collect()
            })
            .collect(),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| PlanError::Search(SearchError::Optimiser(e.to_string())))?;
    let t0 = std::time::Instant::now();
    let results: Vec<Result<Evaluated, String>> =
        pool.install(|| picks.par_iter().map(|c| planner.evaluate(c)).collect());
    let wall_s = t0.elapsed().as_secs_f64();
    for (i, r) in results.into_iter().enumerate() {
        if let Err(message) = r {
            return Err(PlanError::Search(SearchError::Model {
                index: i,
                point: search::describe(vars, &picks[i]),
                message,
            }));
        }
    }
    Ok(PlanBench {
        plan: planner.spec.name.clone(),
        candidates: picks.len(),
        threads,
        wall_s,
        evaluations_per_s: picks.len() as f64 / wall_s.max(1e-9),
        evaluated: picks.iter().map(|c| search::describe(vars, c)).collect(),
    })
}
