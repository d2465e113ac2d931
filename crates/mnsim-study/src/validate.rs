//! Validation against published measurements.
//!
//! A case is a TOML file (format documented in `docs/VALIDATION.md`): its source, its role
//! (`calibration`: used to set a parameter; `validation`: never used to set one), the
//! conditions as a scenario (a worked scenario or an inline one, plus dotted `set`/`unset`
//! edits), the model quantity to compare (a figure of `results.json`), the published value with
//! its spread, the pass band with its justification, and its evidence class
//! ([`Evidence`]: independent, weak, by construction). Each result carries the do-nothing
//! model's value ([`null_model`]) and whether it would also pass; [`counts`] heads with the
//! independent passes over the independent cases.

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

/// How much a case's agreement says about the model (issue 10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    /// A two-sided band from a published number that was not used to build the model, and that
    /// the do-nothing model ([`null_model`]) does not also pass.
    Independent,
    /// A one-sided or saturated band, a qualitative statement, or a band the do-nothing model
    /// also passes; the case's `evidence_note` states the null model.
    Weak,
    /// The number set a parameter, or the model value is built from the same source (the
    /// agreement is by construction). Every calibration case is `by_construction`.
    ByConstruction,
}

impl Evidence {
    /// The class's name in case files and tables.
    pub fn name(self) -> &'static str {
        match self {
            Evidence::Independent => "independent",
            Evidence::Weak => "weak",
            Evidence::ByConstruction => "by_construction",
        }
    }
}

/// The value a do-nothing model gives for a quantity, and what "do nothing" means for it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NullModel {
    /// The do-nothing value, in the quantity's unit.
    pub value: f64,
    /// What the do-nothing model is for this quantity.
    pub meaning: &'static str,
}

/// The do-nothing model of each compared quantity, in one place (documented in
/// `docs/VALIDATION.md`, "The null model"):
///
/// - a change from baseline (`…_change_pct`, `…_change`, `…improvement_pct`, grade change):
///   0, no change from baseline;
/// - an effect of the punctures (holes, depths, fractions reached, bleeding, erythema or
///   downtime days, barrier-recovery, re-epithelialisation and channel-closure hours, TEWL
///   excess, new collagen): 0, no needling, so no puncture and no wound;
/// - a ratio of needled to intact skin (`transport_enhancement_ratio`): 1, needling changes
///   nothing;
/// - a property of intact skin (layer thicknesses, intact permeability) or a model setting
///   (closure half-life): none, since the do-nothing model is the same model; such cases get
///   no null column;
/// - any other figure (absolute scores and sizes at follow-up): none, since its do-nothing value
///   is the case's own baseline, not a constant.
pub fn null_model(quantity: &str) -> Option<NullModel> {
    const NO_CHANGE: &str = "no change from baseline";
    const NO_NEEDLING: &str = "no needling: no puncture, no wound";
    let q = quantity.strip_prefix("outcomes.").unwrap_or(quantity);
    let q = match q.find("_session_") {
        Some(i) => &q[..i],
        None => q,
    };
    let zero = |meaning| Some(NullModel { value: 0.0, meaning });
    match q {
        "transport_enhancement_ratio" => Some(NullModel { value: 1.0, meaning: "needling changes nothing: ratio 1" }),
        _ if q.ends_with("_change_pct") || q.ends_with("_change") || q.ends_with("improvement_pct") => zero(NO_CHANGE),
        "holes_per_cm2_per_session"
        | "nominal_holes_per_cm2_per_pass"
        | "mean_depth_um"
        | "depth_fraction"
        | "bleeding_fraction"
        | "dermis_reached_fraction"
        | "punctures_total"
        | "downtime_d"
        | "erythema_d"
        | "erythema_visible_d"
        | "erythema_visible_total_d"
        | "barrier_recovery_h"
        | "tewl_recovery_h"
        | "reepithelialisation_h"
        | "new_collagen_um" => zero(NO_NEEDLING),
        _ if q.starts_with("deepest_in_") => zero(NO_NEEDLING),
        // closure read-outs of the channels (docs/MODEL.md § 6.1): no needling, no channel to close
        _ if q.starts_with("closure_") && q.ends_with("_h") => zero(NO_NEEDLING),
        _ => None,
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
    /// Evidence class (`independent`, `weak`, `by_construction`).
    pub evidence: Evidence,
    /// Why this class; a `weak` case states its null model (what a do-nothing model gives and
    /// why it would also pass, or why the band cannot tell the model from it).
    pub evidence_note: String,
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
    /// A cohort case: the compared value is a statistic of `compare.quantity` over the
    /// patients of a population (a responder rate, a cohort median), not one patient's figure.
    #[serde(default)]
    pub cohort: Option<CaseCohort>,
}

/// The cohort of a cohort case ([`Case::cohort`]).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CaseCohort {
    /// A built-in population (`data/populations/`).
    pub population: String,
    /// Patients, 2 to 256 (each is one run of the case's scenario with the patient's draws).
    pub patients: u64,
    /// Seed of the draws (default: the case scenario's seed).
    #[serde(default)]
    pub seed: Option<u64>,
    /// `share_at_least` or `share_at_most` (a responder rate, %, with `threshold`), `mean` or
    /// `median`.
    pub statistic: String,
    /// The responder threshold, in the figure's unit.
    #[serde(default)]
    pub threshold: Option<f64>,
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
    /// The case is valid but the model failed on it (a solver or model failure).
    #[error("{0}: the model failed: {1}")]
    Model(String, String),
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
    let case = toml::from_str::<Case>(text).map_err(|e| {
        let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        let at = match line {
            Some(l) => format!("{file}:{l}"),
            None => file.to_string(),
        };
        CaseError::Parse(at, mnsim_scenario::with_line(text, line, e.message()))
    })?;
    check_evidence(&case, file)?;
    Ok(case)
}

/// A calibration case is `by_construction` (never counted as validation), and every case says
/// why it has its class.
fn check_evidence(case: &Case, file: &str) -> Result<(), CaseError> {
    if case.role == Role::Calibration && case.evidence != Evidence::ByConstruction {
        return Err(CaseError::Parse(
            file.into(),
            format!(
                "evidence = {:?} but role = \"calibration\": a number used to set a parameter is \"by_construction\"",
                case.evidence.name()
            ),
        ));
    }
    if case.evidence_note.trim().is_empty() {
        return Err(CaseError::Parse(
            file.into(),
            "evidence_note is empty: say why the case has its evidence class".into(),
        ));
    }
    Ok(())
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
    case_scenario_with(case, file, &[])
}

/// The one figure the application-window transport runs produce.
const WINDOW_FIGURE: &str = "transport_window_min";

/// Build the case's resolved scenario with `extra` edits applied after the case's own (a
/// calibration trial value of a parameter overrides what the case sets).
pub fn case_scenario_with(case: &Case, file: &str, extra: &[Edit]) -> Result<ResolvedScenario, CaseError> {
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
    // the application-window transport runs feed one figure only (`transport_window_min`; they
    // run beside the needled run and share nothing with it): a case that compares another
    // figure skips them, and its value is the same (docs/VALIDATION.md § Running)
    if case.compare.quantity != WINDOW_FIGURE {
        edits.push(Edit::Set("transport.compute_window".into(), toml::Value::Boolean(false)));
    }
    edits.extend(s.unset.iter().map(|k| Edit::Unset(k.clone())));
    edits.extend(s.set.iter().map(|(k, v)| Edit::Set(k.clone(), v.clone())));
    edits.extend(extra.iter().cloned());
    mnsim_scenario::parse_with(&text, &format!("{file} [scenario]"), &edits)
        .map_err(|e| CaseError::Scenario(file.into(), e.to_string()))
}

/// A case's result: the row of the validation table (the report's type, so the table, the CSV
/// and the page read it directly).
pub use mnsim_report::validation::Row as CaseResult;

/// Run one case.
pub fn run_case(case: &Case, file: &str) -> Result<CaseResult, CaseError> {
    Ok(case_result(case, model_value(case, file, &[])?))
}

/// The row of `case` for a model value `value`: the verdict in the case's band and the null
/// model's value and verdict beside it.
pub(crate) fn case_result(case: &Case, value: f64) -> CaseResult {
    let null = null_model(&case.compare.quantity);
    CaseResult {
        id: case.id.clone(),
        title: case.title.clone(),
        area: case.area.clone(),
        role: case.role.name().to_string(),
        evidence: case.evidence.name().to_string(),
        evidence_note: case.evidence_note.clone(),
        model: value,
        published: case.compare.published,
        low: case.compare.low,
        high: case.compare.high,
        spread: case.compare.spread.clone(),
        band_low: case.band.low,
        band_high: case.band.high,
        unit: case.compare.unit.clone(),
        pass: in_band(&case.band, value),
        null_value: null.map(|n| n.value),
        null_pass: null.map(|n| in_band(&case.band, n.value)),
        source: case.source.clone(),
    }
}

/// The model's value of a cohort case: the statistic of the compared figure over the cohort's
/// patients, each the case's scenario (with `extra` edits) with the patient's draws.
fn cohort_value(case: &Case, c: &CaseCohort, file: &str, extra: &[Edit]) -> Result<f64, CaseError> {
    use crate::plan::statistic::Statistic;
    let bad = |why: String| CaseError::Parse(file.into(), format!("cohort: {why}"));
    let statistic = match (c.statistic.as_str(), c.threshold) {
        ("share_at_least", Some(t)) => Statistic::ShareAtLeast { threshold: t },
        ("share_at_most", Some(t)) => Statistic::ShareAtMost { threshold: t },
        ("mean", None) => Statistic::Mean,
        ("median", None) => Statistic::Median,
        (s, t) => {
            return Err(bad(format!(
                "statistic = {s:?}{}: expected share_at_least or share_at_most with a threshold, or mean or median without",
                t.map_or(String::new(), |t| format!(" with threshold {t}"))
            )));
        }
    };
    let share = matches!(statistic, Statistic::ShareAtLeast { .. } | Statistic::ShareAtMost { .. });
    if share && case.compare.unit != "%" {
        return Err(CaseError::Quantity(
            file.into(),
            format!("compare.unit = {:?}: a share of patients is in %", case.compare.unit),
        ));
    }
    if !(2..=256).contains(&c.patients) {
        return Err(bad(format!("patients = {}: expected 2 to 256", c.patients)));
    }
    let ptext = crate::cohort::builtin_population(&c.population).ok_or_else(|| {
        let known: Vec<&str> = crate::cohort::builtin_populations().iter().map(|(n, _)| *n).collect();
        bad(format!("population = {:?}: a built-in population ({})", c.population, known.join(", ")))
    })?;
    let pop = crate::cohort::population::parse(ptext, &format!("data/populations/{}.toml", c.population))
        .map_err(|e| bad(e.to_string()))?;
    let sc = case_scenario_with(case, file, extra)?;
    let text = toml::to_string(&sc.scenario).map_err(|e| CaseError::Scenario(file.into(), e.to_string()))?;
    let options =
        crate::cohort::CohortOptions { n: c.patients, seed: c.seed.unwrap_or(sc.seed()), with_transport: false };
    let cohort =
        crate::cohort::Cohort::new(&text, &format!("{file} [scenario]"), pop, options, mnsim_sim::Budget::default())
            .map_err(|e| CaseError::Scenario(file.into(), e.to_string()))?;
    let records = cohort.run_range(0..c.patients, &|| {}).map_err(|e| match e {
        crate::cohort::CohortError::Patient { .. } => CaseError::Scenario(file.into(), e.to_string()),
        _ => CaseError::Model(file.into(), e.to_string()),
    })?;
    let q = &case.compare.quantity;
    let mut xs = Vec::with_capacity(records.len());
    for r in &records {
        let i = r.figures.iter().position(|(n, _)| n == q).ok_or_else(|| {
            CaseError::Quantity(file.into(), format!("compare.quantity = {q:?} is not a figure of the model's results"))
        })?;
        if !share && r.units[i] != case.compare.unit {
            return Err(CaseError::Quantity(
                file.into(),
                format!("compare.unit = {:?} but the model reports {q} in {:?}", case.compare.unit, r.units[i]),
            ));
        }
        xs.push(r.figures[i].1);
    }
    Ok(statistic.of(&xs))
}

/// The model's value of the case's compared quantity, with `extra` edits on top of the case's
/// scenario (see [`case_scenario_with`]); for a cohort case the statistic over its patients.
pub fn model_value(case: &Case, file: &str, extra: &[Edit]) -> Result<f64, CaseError> {
    if let Some(c) = &case.cohort {
        return cohort_value(case, c, file, extra);
    }
    let sc = case_scenario_with(case, file, extra)?;
    let r = mnsim_sim::run(&sc, &mut mnsim_sim::NoProgress).map_err(|e| match e {
        // over the memory budget: refused before any work, so the case's input, not the model
        mnsim_sim::SimError::Budget(_) => CaseError::Scenario(file.into(), e.to_string()),
        _ => CaseError::Model(file.into(), e.to_string()),
    })?;
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
    Ok(f.value)
}

/// Whether a value lies in the band (inclusive; a non-finite value never does).
pub fn in_band(band: &Band, v: f64) -> bool {
    v.is_finite() && band.low.is_none_or(|l| v >= l) && band.high.is_none_or(|h| v <= h)
}

/// Outcome of one loaded case: a result, or the error that kept it from running.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Case file.
    pub file: String,
    /// Result or error.
    pub result: Result<CaseResult, CaseError>,
}

/// The results of the cases that ran, and (case file, error text) for each that could not.
pub fn split(outcomes: &[Outcome]) -> (Vec<CaseResult>, Vec<(String, String)>) {
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for o in outcomes {
        match &o.result {
            Ok(r) => rows.push(r.clone()),
            Err(e) => errors.push((o.file.clone(), e.to_string())),
        }
    }
    (rows, errors)
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

/// Pass counts per evidence class (the report's type).
pub use mnsim_report::validation::Counts;

/// Pass counts per evidence class; the headline is `independent`.
pub fn counts(outcomes: &[Outcome]) -> Counts {
    let rows: Vec<CaseResult> = outcomes.iter().filter_map(|o| o.result.as_ref().ok().cloned()).collect();
    Counts::of(&rows)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A cohort case names its statistic, threshold, unit and population correctly, or says
    /// which is wrong before any run.
    #[test]
    fn bad_cohort_cases_are_errors_naming_what_is_wrong() {
        let text = builtin::CASES.iter().find(|(f, _)| f.starts_with("CA-RESP")).expect("the responder case").1;
        let case = parse_case(text, "c.toml").unwrap();
        let with = |f: &dyn Fn(&mut Case)| {
            let mut c = case.clone();
            f(&mut c);
            model_value(&c, "c.toml", &[]).unwrap_err().to_string()
        };
        let e = with(&|c| c.cohort.as_mut().unwrap().threshold = None);
        assert!(e.contains("c.toml") && e.contains("statistic = \"share_at_most\""), "{e}");
        let e = with(&|c| c.compare.unit = "grades".into());
        assert!(e.contains("a share of patients is in %"), "{e}");
        let e = with(&|c| c.cohort.as_mut().unwrap().population = "nobody".into());
        assert!(e.contains("population = \"nobody\"") && e.contains("acne-scars-cheek"), "{e}");
        let e = with(&|c| c.cohort.as_mut().unwrap().patients = 1);
        assert!(e.contains("patients = 1"), "{e}");
    }
}
