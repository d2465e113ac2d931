//! Studies started from the page — a plan, the validation suite, a virtual cohort — each run
//! with the library functions the CLI's command uses (`mnsim_study`, `mnsim_report`) and
//! written as the CLI writes its folder (plan.html, validation.html, cohort.html, with their
//! tables and manifest). They queue with the runs, report progress on the same events stream
//! (candidates, cases or patients done) and cancel like a run.
//!
//! Inputs are checked before the study is queued (a plan file's fields, a case id, a population,
//! N): a bad one answers 422 with the CLI's message. A plan's base scenario is a worked scenario
//! or the scenario sent with it (`scenario`, TOML text); its population a built-in one.

use crate::error::{ApiError, ApiResult};
use crate::runs::Tick;
use mnsim_report::RunMeta;
use mnsim_study::cohort::{self as co, Cohort, CohortOptions};
use mnsim_study::plan::{self as pl, ScenarioRef};
use serde::Deserialize;

/// Most patients of a cohort started from the page. Assumed: a page is for looking; larger
/// cohorts are `mnsim cohort` or `mnsim.distributed` jobs.
pub const MAX_PAGE_COHORT: u64 = 1000;

/// The folder's files (manifest included), or the study's failure in the CLI's words.
pub type StudyOutput = Result<Vec<(String, Vec<u8>)>, String>;

/// A checked study waiting for its slot.
pub struct Study {
    /// Its name (the folder is `<runs>/<name>-<stamp>`).
    pub name: String,
    /// `plan`, `validate`, `cohort` or `sensitivity`.
    pub kind: &'static str,
    /// Runs the study (progress on the tick; the start time for the manifest) and makes its files.
    pub work: Box<dyn FnOnce(&Tick, String) -> StudyOutput + Send>,
}

/// `POST /api/studies` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StudyInput {
    /// `plan`, `validate` or `cohort`.
    pub kind: String,
    /// plan: the plan file's text (format of docs/STUDIES.md § mnsim plan).
    #[serde(default)]
    pub plan: Option<String>,
    /// plan: the base scenario's TOML text, when the plan names a scenario file.
    #[serde(default)]
    pub scenario: Option<String>,
    /// validate: the case ids to run (default: every built-in case).
    #[serde(default)]
    pub cases: Option<Vec<String>>,
    /// cohort: a built-in population.
    #[serde(default)]
    pub population: Option<String>,
    /// cohort: patients.
    #[serde(default)]
    pub n: Option<u64>,
    /// plan, cohort, sensitivity: the seed (default: the plan's, or the scenario's).
    #[serde(default)]
    pub seed: Option<u64>,
    /// sensitivity: parameters, `KEY=LOW:HIGH` (default: the model's uncertain parameters).
    #[serde(default)]
    pub params: Option<Vec<String>>,
    /// sensitivity: `sobol` (default) or `morris`.
    #[serde(default)]
    pub method: Option<String>,
    /// sensitivity: Sobol N or Morris trajectories.
    #[serde(default)]
    pub n_design: Option<usize>,
    /// sensitivity: Morris levels.
    #[serde(default)]
    pub levels: Option<usize>,
    /// sensitivity: figures to analyse.
    #[serde(default)]
    pub outputs: Option<Vec<String>>,
    /// sensitivity: healing time courses analysed over time.
    #[serde(default)]
    pub time_courses: Option<Vec<String>>,
    /// sensitivity: days at which they are read.
    #[serde(default)]
    pub times: Option<Vec<f64>>,
}

fn meta(git_revision: &str, started_utc: String, t0: std::time::Instant, kind: &str) -> RunMeta {
    RunMeta {
        mnsim_version: env!("CARGO_PKG_VERSION").to_string(),
        git_revision: git_revision.to_string(),
        started_utc,
        wall_time_s: t0.elapsed().as_secs_f64(),
        command: vec!["mnsim".into(), "serve".into(), kind.into()],
    }
}

/// Check `input` and make its study.
pub fn prepare(input: StudyInput, budget: mnsim_sim::Budget, git_revision: String) -> ApiResult<Study> {
    let unused = |fields: &[(&str, bool)]| -> ApiResult<()> {
        match fields.iter().find(|(_, given)| *given) {
            Some((f, _)) => Err(ApiError::BadRequest(format!("`{f}` is not a field of a {} study", input.kind))),
            None => Ok(()),
        }
    };
    let sens = [
        ("params", input.params.is_some()),
        ("method", input.method.is_some()),
        ("n_design", input.n_design.is_some()),
        ("levels", input.levels.is_some()),
        ("outputs", input.outputs.is_some()),
        ("time_courses", input.time_courses.is_some()),
        ("times", input.times.is_some()),
    ];
    if input.kind != "sensitivity" {
        unused(&sens)?;
    }
    match input.kind.as_str() {
        "sensitivity" => {
            unused(&[
                ("plan", input.plan.is_some()),
                ("cases", input.cases.is_some()),
                ("population", input.population.is_some()),
                ("n", input.n.is_some()),
            ])?;
            sensitivity(input, budget, git_revision)
        }
        "plan" => {
            unused(&[
                ("cases", input.cases.is_some()),
                ("population", input.population.is_some()),
                ("n", input.n.is_some()),
            ])?;
            plan(input, budget, git_revision)
        }
        "validate" => {
            unused(&[
                ("plan", input.plan.is_some()),
                ("scenario", input.scenario.is_some()),
                ("population", input.population.is_some()),
                ("n", input.n.is_some()),
                ("seed", input.seed.is_some()),
            ])?;
            validate(input.cases, git_revision)
        }
        "cohort" => {
            unused(&[
                ("plan", input.plan.is_some()),
                ("scenario", input.scenario.is_some()),
                ("cases", input.cases.is_some()),
            ])?;
            cohort(input, budget, git_revision)
        }
        other => Err(ApiError::BadRequest(format!(
            "kind = {other:?}: expected \"plan\", \"validate\", \"cohort\" or \"sensitivity\""
        ))),
    }
}

fn plan(input: StudyInput, budget: mnsim_sim::Budget, git: String) -> ApiResult<Study> {
    let text =
        input.plan.ok_or_else(|| ApiError::BadRequest("a plan study needs `plan` (the plan file's text)".into()))?;
    let mut spec = pl::parse(&text, "plan.toml").map_err(|e| ApiError::Study(e.to_string()))?;
    if let Some(s) = input.seed {
        spec.seed = Some(s);
    }
    if let Some(c) = &spec.cohort
        && c.text.is_none()
    {
        return Err(ApiError::Study(format!(
            "plan.toml: plan.cohort.population = {:?}: from the page, a built-in population ({})",
            c.population,
            co::builtin_populations().iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
        )));
    }
    let (scenario_text, scenario_file) = match &spec.scenario {
        ScenarioRef::Worked(n) => {
            (pl::worked_scenario(n).unwrap_or_default().to_string(), format!("scenarios/{n}.toml"))
        }
        ScenarioRef::File(f) => match input.scenario {
            Some(t) => (t, f.clone()),
            None => {
                return Err(ApiError::Study(format!(
                    "plan.toml: plan.scenario = {f:?} names a file: send its text as `scenario`, or name a worked scenario"
                )));
            }
        },
    };
    mnsim_scenario::parse(&scenario_text, &scenario_file).map_err(ApiError::Scenario)?;
    let name = format!("plan-{}", spec.name);
    let work = move |tick: &Tick, started_utc: String| -> StudyOutput {
        let t0 = std::time::Instant::now();
        tick.stage("plan: base run", 1);
        let planner = pl::Planner::new(spec, &scenario_text, &scenario_file, budget).map_err(|e| e.to_string())?;
        let size = pl::search::space_size(&planner.spec.variables).and_then(|n| u64::try_from(n).ok());
        tick.stage("candidates", size.unwrap_or(planner.spec.settings.max_evaluations as u64));
        let result = planner.run_with(&Ticks(tick)).map_err(|e| e.to_string())?;
        let m = meta(&git, started_utc, t0, "plan");
        let doc = pl::folder::document(&planner, &result, &scenario_file, m.wall_time_s);
        let mut files = vec![mnsim_report::folder_manifest(
            "plan",
            &m,
            pl::folder::manifest_details(&planner, "plan.toml", &scenario_file),
        )];
        files.extend(pl::folder::files(&planner, &result, &doc)?);
        Ok(files)
    };
    Ok(Study { name, kind: "plan", work: Box::new(work) })
}

/// A plan's progress: every candidate evaluated is one tick (nothing is stored).
struct Ticks<'a>(&'a Tick);

impl pl::Checkpoint for Ticks<'_> {
    fn load(&self, _: &str) -> Option<pl::search::Evaluated> {
        None
    }
    fn store(&self, _: &str, _: &pl::search::Evaluated) -> Result<(), String> {
        self.0.tick();
        Ok(())
    }
}

fn validate(only: Option<Vec<String>>, git: String) -> ApiResult<Study> {
    use mnsim_study::validate as v;
    let mut cases = v::builtin_cases();
    if let Some(only) = &only {
        let unknown: Vec<&String> =
            only.iter().filter(|id| !cases.iter().any(|c| c.case.as_ref().is_ok_and(|k| &k.id == *id))).collect();
        if !unknown.is_empty() {
            return Err(ApiError::Study(format!(
                "cases: no built-in validation case with id {}",
                unknown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            )));
        }
        cases.retain(|c| c.case.as_ref().is_ok_and(|k| only.contains(&k.id)));
    }
    let work = move |tick: &Tick, started_utc: String| -> StudyOutput {
        let t0 = std::time::Instant::now();
        tick.stage("cases", cases.len() as u64);
        let outcomes = v::run_all(&cases, &|| tick.tick());
        let (rows, errors) = v::split(&outcomes);
        let m = meta(&git, started_utc.clone(), t0, "validate");
        let header = format!(
            "mnsim {} ({}), {} — {} cases, wall time {:.2} s",
            m.mnsim_version,
            m.git_revision,
            started_utc,
            outcomes.len(),
            m.wall_time_s
        );
        let html = mnsim_report::validation::html(&rows, &errors, &header)
            .map_err(|e| format!("drawing validation.html: {e}"))?;
        let details = serde_json::json!({ "cases": [], "only": only.clone().unwrap_or_default() });
        Ok(vec![
            mnsim_report::folder_manifest("validate", &m, details),
            ("validation.csv".into(), mnsim_report::validation::csv(&rows)),
            ("validation.html".into(), html.into_bytes()),
        ])
    };
    Ok(Study { name: "validate".into(), kind: "validate", work: Box::new(work) })
}

fn cohort(input: StudyInput, budget: mnsim_sim::Budget, git: String) -> ApiResult<Study> {
    let name = input.population.ok_or_else(|| ApiError::BadRequest("a cohort study needs `population`".into()))?;
    let n = input.n.ok_or_else(|| ApiError::BadRequest("a cohort study needs `n` (patients)".into()))?;
    if !(1..=MAX_PAGE_COHORT).contains(&n) {
        return Err(ApiError::Study(format!(
            "n = {n}: from the page, 1 to {MAX_PAGE_COHORT} patients (larger cohorts: mnsim cohort)"
        )));
    }
    let ptext = co::builtin_population(&name).ok_or_else(|| {
        ApiError::Study(format!(
            "population = {name:?}: a built-in population ({})",
            co::builtin_populations().iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
        ))
    })?;
    let pfile = format!("data/populations/{name}.toml");
    let pop = co::population::parse(ptext, &pfile).map_err(|e| ApiError::Study(e.to_string()))?;
    let (stext, sfile) = match pop.scenario.as_deref().and_then(|s| co::worked_scenario(s).map(|t| (s, t))) {
        Some((s, t)) => (t.to_string(), format!("scenarios/{s}.toml")),
        None => (mnsim_scenario::default_toml().to_string(), "<built-in default>".to_string()),
    };
    let seed = match input.seed {
        Some(s) => s,
        None => mnsim_scenario::parse(&stext, &sfile).map_err(ApiError::Scenario)?.seed(),
    };
    let options = CohortOptions { n, seed, with_transport: false };
    let cohort = Cohort::new(&stext, &sfile, pop, options, budget).map_err(|e| ApiError::Study(e.to_string()))?;
    let work = move |tick: &Tick, started_utc: String| -> StudyOutput {
        let t0 = std::time::Instant::now();
        tick.stage("patients", n);
        cohort.check_patients(0..n).map_err(|e| e.to_string())?;
        let records = cohort.run_range(0..n, &|| tick.tick()).map_err(|e| e.to_string())?;
        let m = meta(&git, started_utc, t0, "cohort");
        let info = co::folder::Info { n, shard: None, range: 0..n, resumed: 0, chunk: n };
        Ok(co::folder::files(&cohort, &records, &info, &m).files)
    };
    Ok(Study { name: format!("cohort-{name}"), kind: "cohort", work: Box::new(work) })
}

/// Most runs of a sensitivity design started from the page. Assumed: as the cohort's limit.
pub const MAX_PAGE_DESIGN_RUNS: usize = 1000;

fn sensitivity(input: StudyInput, budget: mnsim_sim::Budget, git: String) -> ApiResult<Study> {
    use mnsim_study::sensitivity as sa;
    use mnsim_study::sensitivity_study as st;
    let err = |e: sa::SensitivityError| ApiError::Study(e.to_string());
    let (text, file) = match input.scenario {
        Some(t) => (t, "scenario.toml".to_string()),
        None => (mnsim_scenario::default_toml().to_string(), "<built-in default>".to_string()),
    };
    mnsim_scenario::parse(&text, &file).map_err(ApiError::Scenario)?;
    let params: Vec<sa::ParamRange> = input
        .params
        .unwrap_or_default()
        .iter()
        .map(|p| sa::ParamRange::parse(p))
        .collect::<Result<_, _>>()
        .map_err(err)?;
    let method = match input.method.as_deref().unwrap_or("sobol") {
        "sobol" => st::Method::Sobol,
        "morris" => st::Method::Morris,
        other => return Err(ApiError::Study(format!("method = {other:?}: expected \"sobol\" or \"morris\""))),
    };
    let req = st::Request {
        params,
        method,
        n: input.n_design.unwrap_or(8),
        levels: input.levels.unwrap_or(sa::DEFAULT_LEVELS),
        outputs: input.outputs,
        time_courses: input.time_courses.unwrap_or_default(),
        times: input.times,
        seed: input.seed,
    };
    let prepared = st::prepare(&text, &file, &req, budget).map_err(err)?;
    let runs = prepared.design.points().len() + 1;
    if runs > MAX_PAGE_DESIGN_RUNS {
        return Err(ApiError::Study(format!(
            "the design has {runs} runs: from the page, at most {MAX_PAGE_DESIGN_RUNS} (larger designs: mnsim sensitivity)"
        )));
    }
    let work = move |tick: &Tick, started_utc: String| -> StudyOutput {
        let t0 = std::time::Instant::now();
        tick.stage("design runs", runs as u64);
        let done = st::run(&prepared, &|| tick.tick()).map_err(|e| e.to_string())?;
        let m = meta(&git, started_utc, t0, "sensitivity");
        let doc = st::document(&prepared, &done, m.wall_time_s);
        st::files(&prepared, &done, &doc, &m)
    };
    Ok(Study { name: "sensitivity".into(), kind: "sensitivity", work: Box::new(work) })
}
