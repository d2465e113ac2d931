//! A whole sensitivity study as `mnsim sensitivity` runs it, without I/O, so that the CLI and
//! the web lab write the same folder: [`prepare`] checks the request and builds the design,
//! [`run`] makes the base run and every design run and computes the indices, [`document`] is
//! `sensitivity.json` and [`files`] the folder (the estimators: [`crate::sensitivity`]).

use crate::sensitivity::{self as sa, ParamRange, SensitivityError};
use mnsim_scenario::ResolvedScenario;

/// The method of a study.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Variance-based first-order and total indices (N·(k+2) runs).
    Sobol,
    /// Elementary-effects screening (r·(k+1) runs).
    Morris,
}

/// What a study is asked to do.
#[derive(Debug, Clone)]
pub struct Request {
    /// The parameters and their ranges (empty: [`sa::default_params`]).
    pub params: Vec<ParamRange>,
    /// The method.
    pub method: Method,
    /// Sobol N, or Morris trajectories r.
    pub n: usize,
    /// Morris levels.
    pub levels: usize,
    /// Figures to analyse (None: the defaults the scenario has).
    pub outputs: Option<Vec<String>>,
    /// Healing time courses analysed over time ([`sa::course_output`]).
    pub time_courses: Vec<String>,
    /// Days at which they are read (None: [`sa::DEFAULT_COURSE_TIMES_D`] within the course).
    pub times: Option<Vec<f64>>,
    /// Seed (None: the scenario's).
    pub seed: Option<u64>,
}

/// The design of either method.
pub enum Design {
    /// Sobol A/B/AB_i.
    Sobol(sa::SobolDesign),
    /// Morris trajectories.
    Morris(sa::MorrisDesign),
}

impl Design {
    /// Its points, in the parameters' units.
    pub fn points(&self) -> &[Vec<f64>] {
        match self {
            Design::Sobol(d) => &d.points,
            Design::Morris(d) => &d.points,
        }
    }
    /// What the manifest says of it.
    pub fn json(&self) -> serde_json::Value {
        match self {
            Design::Sobol(d) => serde_json::json!({
                "method": "sobol", "n": d.n, "runs": d.runs(), "params": d.params, "seed": d.seed,
                "sequence": "Owen-scrambled Sobol (sobol_burley 0.5), A = dimensions 0..k, B = k..2k",
                "bootstrap": sa::DEFAULT_BOOTSTRAP, "confidence": sa::CONFIDENCE_LEVEL,
            }),
            Design::Morris(d) => serde_json::json!({
                "method": "morris", "trajectories": d.r, "levels": d.levels, "delta": d.delta,
                "runs": d.points.len(), "params": d.params, "seed": d.seed,
            }),
        }
    }
}

/// A checked study: the model, its design, the time-course outputs.
pub struct Prepared {
    /// The scenario as it resolves.
    pub scenario: ResolvedScenario,
    /// Its file (in the manifest).
    pub scenario_file: String,
    /// The model over the parameters.
    pub model: sa::ScenarioModel,
    /// The design.
    pub design: Design,
    /// The seed of the design and the bootstrap.
    pub seed: u64,
    /// The time-course outputs (`course.VAR@Td`).
    pub courses: Vec<String>,
    /// The figures asked for.
    pub requested: Option<Vec<String>>,
}

/// The end of the healing course of `scenario`, days from the first session: its last session
/// plus the follow-up.
pub fn course_end_d(scenario: &ResolvedScenario) -> f64 {
    scenario.protocol.session_times_s().last().copied().unwrap_or(0.0) / 86_400.0
        + scenario.scenario.simulation.follow_up_d
}

/// The days a study reads its time courses at: `times`, each within the course of `scenario`
/// (its last session plus follow-up), or the defaults within it.
pub fn course_times(scenario: &ResolvedScenario, times: Option<&[f64]>) -> Result<Vec<f64>, SensitivityError> {
    let end_d = course_end_d(scenario);
    match times {
        Some(t) => {
            if let Some(bad) = t.iter().find(|d| !(d.is_finite() && (0.0..=end_d).contains(*d))) {
                return Err(SensitivityError::Outputs {
                    why: format!("time {bad} d is outside the course, [0, {end_d}] d from the first session"),
                });
            }
            Ok(t.to_vec())
        }
        None => Ok(sa::DEFAULT_COURSE_TIMES_D.iter().copied().filter(|d| *d <= end_d).collect()),
    }
}

/// Check the request on scenario `text` (`file` names it) and build its design; every point is
/// checked against the scenario before any run.
pub fn prepare(text: &str, file: &str, req: &Request, budget: mnsim_sim::Budget) -> Result<Prepared, SensitivityError> {
    let scenario = mnsim_scenario::parse(text, file).map_err(|e| SensitivityError::Point {
        run: 0,
        point: "the scenario as written".into(),
        message: e.to_string(),
    })?;
    let params = if req.params.is_empty() { sa::default_params() } else { req.params.clone() };
    let model = sa::ScenarioModel::new(text, file, params, budget)?;
    let seed = req.seed.unwrap_or_else(|| scenario.seed());
    let design = match req.method {
        Method::Sobol => Design::Sobol(sa::sobol_design(model.params(), req.n, seed)?),
        Method::Morris => Design::Morris(sa::morris_design(model.params(), req.n, req.levels, seed)?),
    };
    model.check_points(design.points())?;
    let times = course_times(&scenario, req.times.as_deref())?;
    let courses: Vec<String> =
        req.time_courses.iter().flat_map(|v| times.iter().map(move |t| sa::course_output_name(v, *t))).collect();
    Ok(Prepared {
        scenario,
        scenario_file: file.to_string(),
        model,
        design,
        seed,
        courses,
        requested: req.outputs.clone(),
    })
}

/// The indices of either method.
pub enum Analysed {
    /// Sobol S1 and ST.
    Sobol(sa::SobolResult),
    /// Morris μ, μ*, σ.
    Morris(sa::MorrisResult),
}

/// A finished study.
pub struct Done {
    /// The base run's figures (the time-course outputs included).
    pub base: Vec<mnsim_sim::Figure>,
    /// The outputs analysed.
    pub outputs: Vec<String>,
    /// Their units.
    pub units: Vec<String>,
    /// The indices.
    pub result: Analysed,
    /// Model runs (the base run and the design's).
    pub runs: usize,
}

/// The base run, then every design run (in parallel; `on_done` after each, the base run
/// included), then the indices.
pub fn run(p: &Prepared, on_done: &(dyn Fn() + Sync)) -> Result<Done, SensitivityError> {
    let base = p.model.base_figures_with(&p.courses)?;
    on_done();
    let mut outputs = sa::ScenarioModel::resolve_outputs(p.requested.as_deref(), &base)?;
    for c in &p.courses {
        if !outputs.contains(c) {
            outputs.push(c.clone());
        }
    }
    let unit = |n: &str| base.iter().find(|f| f.name == n).map(|f| f.unit.clone()).unwrap_or_default();
    let units: Vec<String> = outputs.iter().map(|n| unit(n)).collect();
    let eval = |x: &[f64]| p.model.evaluate(x, &outputs);
    let values = sa::evaluate(&eval, p.model.params(), &outputs, p.design.points(), on_done)?;
    let result = match &p.design {
        Design::Sobol(d) => Analysed::Sobol(sa::sobol_analyse(d, &outputs, &values, sa::SobolOptions::default())?),
        Design::Morris(d) => Analysed::Morris(sa::morris_analyse(d, &outputs, &values)?),
    };
    Ok(Done { base, outputs, units, result, runs: p.design.points().len() + 1 })
}

impl Analysed {
    /// sensitivity.csv.
    pub fn csv(&self, units: &[String]) -> String {
        match self {
            Analysed::Sobol(r) => r.csv(units),
            Analysed::Morris(r) => r.csv(units),
        }
    }
    /// The result as JSON.
    pub fn json(&self) -> serde_json::Value {
        match self {
            Analysed::Sobol(r) => serde_json::to_value(r),
            Analysed::Morris(r) => serde_json::to_value(r),
        }
        .unwrap_or(serde_json::Value::Null)
    }
}

/// `sensitivity.json`.
pub fn document(p: &Prepared, d: &Done, wall_time_s: f64) -> serde_json::Value {
    let figure = |name: &str| d.base.iter().find(|f| f.name == name);
    serde_json::json!({
        "method": p.design.json()["method"],
        "scenario": p.scenario_file,
        "scenario_name": p.scenario.scenario.name,
        "ensemble_members_per_run": sa::ENSEMBLE_MEMBERS_PER_RUN,
        "model_runs": d.runs,
        "skipped_in_design_runs": p.model.fast_path(&d.outputs).1,
        "wall_time_s": wall_time_s,
        "outputs": d.outputs.iter().zip(&d.units).map(|(n, u)| serde_json::json!({
            "name": n, "unit": u, "base_value": figure(n).map(|f| f.value), "description": figure(n).map(|f| f.description.clone()),
        })).collect::<Vec<_>>(),
        "result": d.result.json(),
    })
}

/// The folder: manifest (with `meta`), sensitivity.csv, sensitivity.json (`doc`),
/// sensitivity.html.
pub fn files(
    p: &Prepared,
    d: &Done,
    doc: &serde_json::Value,
    meta: &mnsim_report::RunMeta,
) -> Result<Vec<(String, Vec<u8>)>, String> {
    let details = serde_json::json!({
        "seed": p.seed,
        "scenario_file": p.scenario_file,
        "scenario": p.scenario.scenario,
        "design": p.design.json(),
        "time_course_outputs": p.courses,
        "ensemble_members_per_run": sa::ENSEMBLE_MEMBERS_PER_RUN,
        "model_runs": d.runs,
        "skipped_in_design_runs": p.model.fast_path(&d.outputs).1,
    });
    let page = mnsim_report::sensitivity::html(doc).map_err(|e| format!("drawing sensitivity.html: {e}"))?;
    Ok(vec![
        mnsim_report::folder_manifest("sensitivity", meta, details),
        ("sensitivity.csv".to_string(), d.result.csv(&d.units).into_bytes()),
        ("sensitivity.json".to_string(), serde_json::to_vec_pretty(doc).map_err(|e| e.to_string())?),
        ("sensitivity.html".to_string(), page.into_bytes()),
    ])
}
