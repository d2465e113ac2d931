//! Validation against published measurements.
//!
//! A case is a TOML file (format documented in `docs/VALIDATION.md`): its source, its role
//! (`calibration`: used to set a parameter; `validation`: never used to set one), the
//! conditions as a scenario (a worked scenario or an inline one, plus dotted `set`/`unset`
//! edits), the model quantity to compare (a figure of `results.json`), the published value with
//! its spread, and the pass band with its justification.

use mnsim_scenario::{Edit, ResolvedScenario};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use thiserror::Error;

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
}

/// A case's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Used to set a parameter (so agreement is by construction).
    Calibration,
    /// Never used to set a parameter.
    Validation,
}

impl Role {
    /// The role's name in case files and tables (`calibration`, `validation`).
    pub fn name(self) -> &'static str {
        match self {
            Role::Calibration => "calibration",
            Role::Validation => "validation",
        }
    }
}

/// The conditions of a case.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CaseScenario {
    /// A worked scenario by name (`acne-scars-cheek`, a file in `scenarios/`) or `default`.
    #[serde(default)]
    pub base: Option<String>,
    /// A whole scenario inline (instead of `base`).
    #[serde(default)]
    pub inline: Option<toml::Table>,
    /// Dotted-key edits applied to the base (`"device.needle_length_um" = 770`).
    #[serde(default)]
    pub set: toml::Table,
    /// Dotted keys removed from the base.
    #[serde(default)]
    pub unset: Vec<String>,
}

/// What is compared.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Compare {
    /// Name of a figure in `results.json`.
    pub quantity: String,
    /// Unit of the published value (must equal the figure's unit).
    pub unit: String,
    /// Published value (a point estimate; omit for a one-sided or range statement).
    #[serde(default)]
    pub published: Option<f64>,
    /// Lower end of the published spread or range.
    #[serde(default)]
    pub low: Option<f64>,
    /// Upper end of the published spread or range.
    #[serde(default)]
    pub high: Option<f64>,
    /// What the spread is (`mean ± 1 SD`, `range`, `95 % CI`).
    #[serde(default)]
    pub spread: String,
}

/// The pass band.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// Lowest passing model value (omit for none).
    #[serde(default)]
    pub low: Option<f64>,
    /// Highest passing model value (omit for none).
    #[serde(default)]
    pub high: Option<f64>,
    /// Why this band.
    pub justification: String,
}

/// One validation case.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Identifier (`PN01`).
    pub id: String,
    /// Title in words.
    pub title: String,
    /// Area (`penetration`, `device`, `skin_layers`, `transport`, `healing`, `clinical`…).
    pub area: String,
    /// Role.
    pub role: Role,
    /// Source: authors, year, venue, table or figure.
    pub source: String,
    /// Confidence mark of the source number (`retrieved`, `derived`, `recalled`).
    pub confidence: String,
    /// Conditions.
    pub scenario: CaseScenario,
    /// Quantity and published value.
    pub compare: Compare,
    /// Pass band.
    pub band: Band,
    /// Notes: what the case stands for, caveats.
    #[serde(default)]
    pub notes: String,
}

/// A case file could not be read or understood, or its scenario is invalid.
#[derive(Debug, Clone, Error)]
#[non_exhaustive]
pub enum CaseError {
    /// Unreadable file.
    #[error("{0}: cannot read: {1}")]
    Read(String, String),
    /// Malformed case file.
    #[error("{0}: {1}")]
    Parse(String, String),
    /// The case's scenario is invalid.
    #[error("{0}: scenario: {1}")]
    Scenario(String, String),
    /// The model has no figure of that name, or its unit differs.
    #[error("{0}: {1}")]
    Quantity(String, String),
}

/// A case file as loaded: where it came from and the case (or why it could not be read).
#[derive(Debug, Clone)]
pub struct LoadedCase {
    /// File name or path.
    pub file: String,
    /// The case, or the error.
    pub case: Result<Case, CaseError>,
}

/// The built-in cases (`data/validation/*.toml`, compiled in).
pub fn builtin_cases() -> Vec<LoadedCase> {
    builtin::CASES.iter().map(|(f, text)| LoadedCase { file: f.to_string(), case: parse_case(text, f) }).collect()
}

/// Parse one case file's text.
pub fn parse_case(text: &str, file: &str) -> Result<Case, CaseError> {
    toml::from_str::<Case>(text).map_err(|e| {
        let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        let at = match line {
            Some(l) => format!("{file}:{l}"),
            None => file.to_string(),
        };
        CaseError::Parse(at, mnsim_scenario::with_line(text, line, e.message()))
    })
}

/// Load every `*.toml` case in `dir` (sorted by name).
pub fn load_dir(dir: &Path) -> Result<Vec<LoadedCase>, CaseError> {
    let rd = std::fs::read_dir(dir).map_err(|e| CaseError::Read(dir.display().to_string(), e.to_string()))?;
    let mut paths: Vec<PathBuf> =
        rd.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "toml")).collect();
    paths.sort();
    Ok(paths
        .into_iter()
        .map(|p| {
            let file = p.display().to_string();
            let case = std::fs::read_to_string(&p)
                .map_err(|e| CaseError::Read(file.clone(), e.to_string()))
                .and_then(|t| parse_case(&t, &file));
            LoadedCase { file, case }
        })
        .collect())
}

/// Text of a worked scenario by name (`default` is the built-in default).
fn base_text(name: &str) -> Option<&'static str> {
    if name == "default" {
        return Some(mnsim_scenario::default_toml());
    }
    let want = format!("{name}.toml");
    builtin::SCENARIOS.iter().find(|(f, _)| *f == want).map(|(_, t)| *t)
}

/// Build the case's resolved scenario.
pub fn case_scenario(case: &Case, file: &str) -> Result<ResolvedScenario, CaseError> {
    let s = &case.scenario;
    let text = match (&s.base, &s.inline) {
        (Some(b), None) => base_text(b).map(str::to_string).ok_or_else(|| {
            let known: Vec<&str> = builtin::SCENARIOS.iter().map(|(f, _)| f.trim_end_matches(".toml")).collect();
            CaseError::Parse(
                file.into(),
                format!("scenario.base = {b:?} is not a worked scenario; known: default, {}", known.join(", ")),
            )
        })?,
        (None, Some(t)) => toml::to_string(t).map_err(|e| CaseError::Parse(file.into(), e.to_string()))?,
        _ => {
            return Err(CaseError::Parse(file.into(), "give exactly one of scenario.base or scenario.inline".into()));
        }
    };
    // a case compares the nominal model: no uncertainty ensemble unless the case asks for one
    let mut edits: Vec<Edit> = vec![Edit::Set("simulation.ensemble_members".into(), toml::Value::Integer(1))];
    edits.extend(s.unset.iter().map(|k| Edit::Unset(k.clone())));
    edits.extend(s.set.iter().map(|(k, v)| Edit::Set(k.clone(), v.clone())));
    mnsim_scenario::parse_with(&text, &format!("{file} [scenario]"), &edits)
        .map_err(|e| CaseError::Scenario(file.into(), e.to_string()))
}

/// A case's result: the row of the validation table (the report's type, so the table, the CSV
/// and the page read it directly).
pub use mnsim_report::validation::Row as CaseResult;

/// Run one case.
pub fn run_case(case: &Case, file: &str) -> Result<CaseResult, CaseError> {
    let sc = case_scenario(case, file)?;
    let r = mnsim_sim::run(&sc, &mut mnsim_sim::NoProgress)
        .map_err(|e| CaseError::Quantity(file.into(), format!("the model failed: {e}")))?;
    let f = r.figure(&case.compare.quantity).ok_or_else(|| {
        CaseError::Quantity(
            file.into(),
            format!("compare.quantity = {:?} is not a figure of the model's results", case.compare.quantity),
        )
    })?;
    if f.unit != case.compare.unit {
        return Err(CaseError::Quantity(
            file.into(),
            format!("compare.unit = {:?} but the model reports {} in {:?}", case.compare.unit, f.name, f.unit),
        ));
    }
    let pass = f.value.is_finite()
        && case.band.low.is_none_or(|l| f.value >= l)
        && case.band.high.is_none_or(|h| f.value <= h);
    Ok(CaseResult {
        id: case.id.clone(),
        title: case.title.clone(),
        area: case.area.clone(),
        role: case.role.name().to_string(),
        model: f.value,
        published: case.compare.published,
        low: case.compare.low,
        high: case.compare.high,
        band_low: case.band.low,
        band_high: case.band.high,
        unit: case.compare.unit.clone(),
        pass,
        source: case.source.clone(),
    })
}

/// Outcome of one loaded case: a result, or the error that kept it from running.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Case file.
    pub file: String,
    /// Result or error.
    pub result: Result<CaseResult, CaseError>,
}

/// Run all cases in parallel; `on_done` is called once per finished case (for a progress bar).
pub fn run_all(cases: &[LoadedCase], on_done: &(dyn Fn() + Sync)) -> Vec<Outcome> {
    cases
        .par_iter()
        .map(|lc| {
            let result = lc.case.clone().and_then(|c| run_case(&c, &lc.file));
            on_done();
            Outcome { file: lc.file.clone(), result }
        })
        .collect()
}

/// Pass counts: (passed, total) for calibration and for validation cases.
pub fn counts(outcomes: &[Outcome]) -> ((usize, usize), (usize, usize)) {
    let mut c = ((0, 0), (0, 0));
    for r in outcomes.iter().filter_map(|o| o.result.as_ref().ok()) {
        let slot = if r.role == Role::Calibration.name() { &mut c.0 } else { &mut c.1 };
        slot.1 += 1;
        slot.0 += r.pass as usize;
    }
    c
}

/// The expected status of each built-in case (`data/validation_status.toml`): the regression
/// guard. `pass` cases must keep passing; `known_miss` cases carry their explanation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedStatus {
    /// Case id → `pass` or `known_miss: why`.
    pub cases: std::collections::BTreeMap<String, String>,
}

/// The built-in expected-status file.
pub fn expected_status() -> Result<ExpectedStatus, CaseError> {
    let text = include_str!("../../../data/validation_status.toml");
    toml::from_str(text).map_err(|e| CaseError::Parse("data/validation_status.toml".into(), e.message().to_string()))
}
