//! The many-run studies from Python: `mnsim.validate()` (the built-in validation cases) and
//! `mnsim.cohort(...)` (a virtual cohort), both through `mnsim_study`, returning the tables the
//! CLI writes (as CSV bytes the Python side reads into DataFrames) and the folder's files.

use crate::errors::StudyError;
use crate::scenario::Scenario;
use mnsim_study::cohort::{self as co, Cohort, CohortOptions};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use std::time::Instant;

fn bytes_dict<'py>(py: Python<'py>, items: Vec<(String, Vec<u8>)>) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (k, v) in items {
        d.set_item(k, PyBytes::new(py, &v))?;
    }
    Ok(d)
}

/// Run the built-in validation cases (all, or those whose id is in `only`): validation.csv as
/// `mnsim validate` writes it, and the cases that could not run ((file, message)).
#[pyfunction]
#[pyo3(signature = (only = None))]
pub fn validate(py: Python<'_>, only: Option<Vec<String>>) -> PyResult<(Py<PyBytes>, Vec<(String, String)>)> {
    use mnsim_study::validate as v;
    let mut cases = v::builtin_cases();
    if let Some(only) = &only {
        cases.retain(|c| c.case.as_ref().map(|k| only.contains(&k.id)).unwrap_or(false));
        if cases.is_empty() {
            return Err(StudyError::new_err(format!("no built-in validation case with id {}", only.join(", "))));
        }
    }
    let outcomes = py.detach(|| v::run_all(&cases, &|| {}));
    let (rows, errors) = v::split(&outcomes);
    Ok((PyBytes::new(py, &mnsim_report::validation::csv(&rows)).unbind(), errors))
}

/// The built-in populations: (name, TOML text).
#[pyfunction]
pub fn builtin_populations() -> Vec<(String, String)> {
    co::builtin_populations().into_iter().map(|(n, t)| (n.to_string(), t.to_string())).collect()
}

/// The population's text and name in errors: a file, else a built-in name (as `mnsim cohort
/// --population` reads it).
fn population_text(spec: &str) -> PyResult<(String, String)> {
    let p = std::path::Path::new(spec);
    if p.is_file() {
        let text = std::fs::read_to_string(p)
            .map_err(|e| StudyError::new_err(format!("{}: cannot read population file: {e}", p.display())))?;
        return Ok((text, p.display().to_string()));
    }
    if let Some(t) = co::builtin_population(spec) {
        return Ok((t.to_string(), format!("<built-in population {spec}>")));
    }
    let known: Vec<&str> = co::builtin_populations().iter().map(|(n, _)| *n).collect();
    Err(StudyError::new_err(format!(
        "population {spec:?}: no such file, and not a built-in population; built-in: {}",
        known.join(", ")
    )))
}

fn cohort_error(e: co::CohortError) -> PyErr {
    StudyError::new_err(e.to_string())
}

/// Run a virtual cohort: `n` patients of `population` (a built-in name or a population file) on
/// `scenario` (default: the population's worked scenario), seed `seed` (default: the scenario's),
/// optionally only shard (K, M). The GIL is released while the patients run (on `threads`
/// threads, default every core; the numbers do not depend on it).
#[pyfunction]
#[pyo3(signature = (population, n, scenario = None, seed = None, with_transport = false, shard = None, threads = None, max_memory_gib = None))]
#[allow(clippy::too_many_arguments)]
pub fn cohort<'py>(
    py: Python<'py>,
    population: &str,
    n: u64,
    scenario: Option<&Scenario>,
    seed: Option<u64>,
    with_transport: bool,
    shard: Option<(u64, u64)>,
    threads: Option<usize>,
    max_memory_gib: Option<f64>,
) -> PyResult<Bound<'py, PyDict>> {
    let budget = crate::run::budget_of(max_memory_gib)?;
    let (ptext, pfile) = population_text(population)?;
    let pop = co::population::parse(&ptext, &pfile).map_err(|e| cohort_error(e.into()))?;
    let (text, file, edited) = match scenario {
        Some(s) => (s.text.clone(), s.file.clone(), s.edits.clone()),
        None => match pop.scenario.as_deref().map(|name| (name, co::worked_scenario(name))) {
            Some((_, Some(t))) => {
                (t.to_string(), format!("<worked scenario {}>", pop.scenario.clone().unwrap()), vec![])
            }
            Some((name, None)) => {
                return Err(StudyError::new_err(format!("{pfile}: scenario {name:?} is not a worked scenario")));
            }
            None => (mnsim_scenario::default_toml().to_string(), "<built-in default>".to_string(), vec![]),
        },
    };
    // a Python scenario's edits become part of its text (the cohort adds its own edits to it)
    let sc = Scenario { text, file, edits: edited };
    let resolved = sc.resolved(py)?;
    let text = sc.text_with_edits(py)?;
    let seed = seed.unwrap_or_else(|| resolved.seed());
    let options = CohortOptions { n, seed, with_transport };
    let cohort = Cohort::new(&text, &sc.file, pop, options, budget).map_err(cohort_error)?;
    let range = match shard {
        Some((k, m)) => {
            co::parse_shard(&format!("{k}/{m}"), n).map_err(cohort_error)?;
            co::shard_range(n, k, m)
        }
        None => 0..n,
    };
    if let Some(t) = threads
        && !(1..=256).contains(&t)
    {
        return Err(pyo3::exceptions::PyValueError::new_err(format!("threads = {t}: expected 1 to 256")));
    }
    let started_utc = mnsim_report::now_utc();
    let t0 = Instant::now();
    let records = py.detach(|| {
        let mut b = rayon::ThreadPoolBuilder::new();
        if let Some(t) = threads {
            b = b.num_threads(t);
        }
        let pool = b.build().map_err(|e| co::CohortError::Chunk(format!("starting the worker threads: {e}")))?;
        pool.install(|| {
            cohort.check_patients(range.clone())?;
            cohort.run_range(range.clone(), &|| {})
        })
    });
    let records = records.map_err(cohort_error)?;
    let meta = crate::meta(t0.elapsed().as_secs_f64(), started_utc);
    let info = co::folder::Info { n, shard, range, resumed: 0, chunk: n };
    let mut folder = co::folder::files(&cohort, &records, &info, &meta);
    if let Some(f) = co::folder::ShardFile::new(&cohort, &ptext, &info, &records, &meta) {
        folder.files.push((co::folder::SHARD_FILE.to_string(), f.to_bytes()));
    }
    let d = PyDict::new(py);
    d.set_item("doc", serde_json::to_string(&folder.doc).expect("JSON"))?;
    d.set_item("files", bytes_dict(py, folder.files)?)?;
    d.set_item("wall_time_s", meta.wall_time_s)?;
    Ok(d)
}

/// The scenario (default: the built-in default) with its edits as text, and its model over
/// `params` (default: the model's uncertain parameters).
fn sensitivity_model(
    py: Python<'_>,
    scenario: Option<&Scenario>,
    params: Option<Vec<String>>,
    budget: mnsim_sim::Budget,
) -> PyResult<(mnsim_study::sensitivity::ScenarioModel, u64)> {
    use mnsim_study::sensitivity as sa;
    let err = |e: sa::SensitivityError| StudyError::new_err(e.to_string());
    let sc = scenario.cloned().unwrap_or(Scenario {
        text: mnsim_scenario::default_toml().to_string(),
        file: "<built-in default>".into(),
        edits: vec![],
    });
    let resolved = sc.resolved(py)?;
    let text = sc.text_with_edits(py)?;
    let params: Vec<sa::ParamRange> = match params {
        None => sa::default_params(),
        Some(p) => p.iter().map(|s| sa::ParamRange::parse(s)).collect::<Result<_, _>>().map_err(err)?,
    };
    let model = sa::ScenarioModel::new(&text, &sc.file, params, budget).map_err(err)?;
    Ok((model, resolved.seed()))
}

/// A Sobol or Morris design of `model`.
enum Design {
    Sobol(mnsim_study::sensitivity::SobolDesign),
    Morris(mnsim_study::sensitivity::MorrisDesign),
}

impl Design {
    fn new(
        model: &mnsim_study::sensitivity::ScenarioModel,
        method: &str,
        n: usize,
        levels: usize,
        seed: u64,
    ) -> PyResult<Self> {
        use mnsim_study::sensitivity as sa;
        let err = |e: sa::SensitivityError| StudyError::new_err(e.to_string());
        match method {
            "sobol" => Ok(Design::Sobol(sa::sobol_design(model.params(), n, seed).map_err(err)?)),
            "morris" => Ok(Design::Morris(sa::morris_design(model.params(), n, levels, seed).map_err(err)?)),
            other => Err(pyo3::exceptions::PyValueError::new_err(format!(
                "method = {other:?}: expected \"sobol\" or \"morris\""
            ))),
        }
    }
    fn points(&self) -> &[Vec<f64>] {
        match self {
            Design::Sobol(d) => &d.points,
            Design::Morris(d) => &d.points,
        }
    }
}

/// A sensitivity study (`mnsim sensitivity`): `params` as `KEY=LOW:HIGH` (default: the model's
/// uncertain parameters), `method` `"sobol"` (N = `n`) or `"morris"` (`n` trajectories of
/// `levels` levels), `outputs` figure names (default: the headline outcomes the run has). Returns
/// sensitivity.csv as `mnsim sensitivity` writes it and the run count. The GIL is released while
/// the design runs. With `values` (one row of outputs per design point, in design order, as
/// `sensitivity_evaluate` gives them — e.g. gathered from distributed tasks) nothing is run but
/// the base run, and the indices are computed from them.
#[pyfunction]
#[pyo3(signature = (scenario = None, params = None, method = "sobol", n = 64, levels = 4, outputs = None, seed = None, max_memory_gib = None, values = None))]
#[allow(clippy::too_many_arguments)]
pub fn sensitivity(
    py: Python<'_>,
    scenario: Option<&Scenario>,
    params: Option<Vec<String>>,
    method: &str,
    n: usize,
    levels: usize,
    outputs: Option<Vec<String>>,
    seed: Option<u64>,
    max_memory_gib: Option<f64>,
    values: Option<Vec<Vec<f64>>>,
) -> PyResult<(Py<PyBytes>, usize)> {
    use mnsim_study::sensitivity as sa;
    let err = |e: sa::SensitivityError| StudyError::new_err(e.to_string());
    let budget = crate::run::budget_of(max_memory_gib)?;
    let (model, scenario_seed) = sensitivity_model(py, scenario, params, budget)?;
    let design = Design::new(&model, method, n, levels, seed.unwrap_or(scenario_seed))?;
    let points = design.points();
    if let Some(v) = &values
        && v.len() != points.len()
    {
        return Err(StudyError::new_err(format!(
            "values: {} rows given, the design has {} points",
            v.len(),
            points.len()
        )));
    }
    let csv = py.detach(|| -> Result<String, sa::SensitivityError> {
        model.check_points(points)?;
        let courses: Vec<String> =
            outputs.iter().flatten().filter(|o| sa::course_output(o).is_some()).cloned().collect();
        let base = model.base_figures_with(&courses)?;
        let outputs = sa::ScenarioModel::resolve_outputs(outputs.as_deref(), &base)?;
        let units: Vec<String> = outputs
            .iter()
            .map(|o| base.iter().find(|f| &f.name == o).map(|f| f.unit.clone()).unwrap_or_default())
            .collect();
        let values = match values {
            Some(v) => v,
            None => {
                let eval = |x: &[f64]| model.evaluate(x, &outputs);
                sa::evaluate(&eval, model.params(), &outputs, points, &|| {})?
            }
        };
        Ok(match &design {
            Design::Sobol(d) => sa::sobol_analyse(d, &outputs, &values, sa::SobolOptions::default())?.csv(&units),
            Design::Morris(d) => sa::morris_analyse(d, &outputs, &values)?.csv(&units),
        })
    });
    let csv = csv.map_err(err)?;
    Ok((PyBytes::new(py, csv.as_bytes()).unbind(), points.len() + 1))
}

/// The design of a sensitivity study, for running it elsewhere: its points (in the parameters'
/// units, design order) and the outputs it reads (resolved as `sensitivity` resolves them).
#[pyfunction]
#[pyo3(signature = (scenario = None, params = None, method = "sobol", n = 64, levels = 4, outputs = None, seed = None, max_memory_gib = None))]
#[allow(clippy::too_many_arguments)]
pub fn sensitivity_design(
    py: Python<'_>,
    scenario: Option<&Scenario>,
    params: Option<Vec<String>>,
    method: &str,
    n: usize,
    levels: usize,
    outputs: Option<Vec<String>>,
    seed: Option<u64>,
    max_memory_gib: Option<f64>,
) -> PyResult<(Vec<Vec<f64>>, Vec<String>)> {
    use mnsim_study::sensitivity as sa;
    let err = |e: sa::SensitivityError| StudyError::new_err(e.to_string());
    let budget = crate::run::budget_of(max_memory_gib)?;
    let (model, scenario_seed) = sensitivity_model(py, scenario, params, budget)?;
    let design = Design::new(&model, method, n, levels, seed.unwrap_or(scenario_seed))?;
    let points = design.points().to_vec();
    let outputs = py
        .detach(|| -> Result<Vec<String>, sa::SensitivityError> {
            model.check_points(&points)?;
            let courses: Vec<String> =
                outputs.iter().flatten().filter(|o| sa::course_output(o).is_some()).cloned().collect();
            let base = model.base_figures_with(&courses)?;
            sa::ScenarioModel::resolve_outputs(outputs.as_deref(), &base)
        })
        .map_err(err)?;
    Ok((points, outputs))
}

/// The outputs of a sensitivity study's model at `points` (a chunk of its design), one row per
/// point: the task body of a distributed study. Errors name the point's index in the chunk
/// plus `first` (its index in the design).
#[pyfunction]
#[pyo3(signature = (scenario, params, points, outputs, first = 0, max_memory_gib = None))]
pub fn sensitivity_evaluate(
    py: Python<'_>,
    scenario: Option<&Scenario>,
    params: Option<Vec<String>>,
    points: Vec<Vec<f64>>,
    outputs: Vec<String>,
    first: usize,
    max_memory_gib: Option<f64>,
) -> PyResult<Vec<Vec<f64>>> {
    use mnsim_study::sensitivity as sa;
    let budget = crate::run::budget_of(max_memory_gib)?;
    let (model, _) = sensitivity_model(py, scenario, params, budget)?;
    let eval = |x: &[f64]| model.evaluate(x, &outputs);
    py.detach(|| sa::evaluate(&eval, model.params(), &outputs, &points, &|| {}))
        .map_err(|e| StudyError::new_err(format!("design points from {first}: {e}")))
}

/// The built-in example plans: (name, TOML text).
#[pyfunction]
pub fn example_plans() -> Vec<(String, String)> {
    mnsim_study::plan::EXAMPLE_PLANS.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect()
}

/// Run a plan (`mnsim plan`): `text` is the plan file's text and `file` its path (a base
/// scenario file and a population file are read relative to it) or `data/plans/NAME.toml` for a
/// built-in example. Returns plan.json, the folder's files (manifest included) and whether a
/// protocol meets every constraint. The GIL is released while the candidates run.
#[pyfunction]
#[pyo3(signature = (text, file, seed = None, threads = None, max_memory_gib = None))]
pub fn plan<'py>(
    py: Python<'py>,
    text: &str,
    file: &str,
    seed: Option<u64>,
    threads: Option<usize>,
    max_memory_gib: Option<f64>,
) -> PyResult<Bound<'py, PyDict>> {
    use mnsim_study::plan::{self as pl, ScenarioRef};
    let err = |e: pl::PlanError| StudyError::new_err(e.to_string());
    let budget = crate::run::budget_of(max_memory_gib)?;
    let mut spec = pl::parse(text, file).map_err(err)?;
    if let Some(s) = seed {
        spec.seed = Some(s);
    }
    let dir = std::path::Path::new(file).parent().map(std::path::Path::to_path_buf).unwrap_or_default();
    let read = |name: &str, what: &str| -> PyResult<(String, String)> {
        let p = if std::path::Path::new(name).is_relative() { dir.join(name) } else { name.into() };
        std::fs::read_to_string(&p)
            .map(|t| (t, p.display().to_string()))
            .map_err(|e| StudyError::new_err(format!("{file}: {what} {}: cannot read: {e}", p.display())))
    };
    if let Some(c) = spec.cohort.as_ref().filter(|c| c.text.is_none()) {
        let (t, f) = read(&c.population.clone(), "plan.cohort.population")?;
        spec.attach_population(t, f);
    }
    let (scenario_text, scenario_file) = match &spec.scenario {
        ScenarioRef::Worked(n) => {
            (pl::worked_scenario(n).map(str::to_string).unwrap_or_default(), format!("scenarios/{n}.toml"))
        }
        ScenarioRef::File(f) => read(&f.clone(), "plan.scenario")?,
    };
    if let Some(t) = threads
        && !(1..=256).contains(&t)
    {
        return Err(pyo3::exceptions::PyValueError::new_err(format!("threads = {t}: expected 1 to 256")));
    }
    let started_utc = mnsim_report::now_utc();
    let t0 = Instant::now();
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        b = b.num_threads(t);
    }
    let pool = b.build().map_err(|e| StudyError::new_err(format!("starting the worker threads: {e}")))?;
    let out = py.detach(|| -> Result<_, pl::PlanError> {
        pool.install(|| {
            let planner = pl::Planner::new(spec, &scenario_text, &scenario_file, budget)?;
            let result = planner.run()?;
            Ok((planner, result))
        })
    });
    let (planner, result) = out.map_err(err)?;
    let meta = crate::meta(t0.elapsed().as_secs_f64(), started_utc);
    let doc = pl::folder::document(&planner, &result, &scenario_file, meta.wall_time_s);
    let mut files = vec![mnsim_report::folder_manifest(
        "plan",
        &meta,
        pl::folder::manifest_details(&planner, file, &scenario_file),
    )];
    files.extend(pl::folder::files(&planner, &result, &doc).map_err(StudyError::new_err)?);
    let d = PyDict::new(py);
    d.set_item("doc", serde_json::to_string(&doc).expect("JSON"))?;
    d.set_item("files", bytes_dict(py, files)?)?;
    d.set_item("feasible", result.recommendation.is_ok())?;
    d.set_item("wall_time_s", meta.wall_time_s)?;
    Ok(d)
}

/// Merge the shard files of one cohort (name in errors, `shard.json` bytes), as `mnsim cohort
/// merge` does: the whole cohort's folder (doc and files; the data files are the bytes of the
/// cohort run on one machine).
#[pyfunction]
#[pyo3(signature = (shards, max_memory_gib = None))]
pub fn cohort_merge<'py>(
    py: Python<'py>,
    shards: Vec<(String, Bound<'py, PyBytes>)>,
    max_memory_gib: Option<f64>,
) -> PyResult<Bound<'py, PyDict>> {
    let budget = crate::run::budget_of(max_memory_gib)?;
    let shards: Vec<(String, Vec<u8>)> = shards.into_iter().map(|(n, b)| (n, b.as_bytes().to_vec())).collect();
    let started_utc = mnsim_report::now_utc();
    let t0 = Instant::now();
    let merged = py.detach(|| co::folder::merge(&shards, budget)).map_err(cohort_error)?;
    let n = merged.cohort.options.n;
    let info = co::folder::Info { n, shard: None, range: 0..n, resumed: 0, chunk: merged.chunk };
    let meta = crate::meta(t0.elapsed().as_secs_f64(), started_utc);
    let folder = co::folder::files(&merged.cohort, &merged.records, &info, &meta);
    let d = PyDict::new(py);
    d.set_item("doc", serde_json::to_string(&folder.doc).expect("JSON"))?;
    d.set_item("files", bytes_dict(py, folder.files)?)?;
    d.set_item("wall_time_s", meta.wall_time_s)?;
    Ok(d)
}
