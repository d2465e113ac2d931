//! `mnsim plan PLAN.toml`: the best protocol under downtime and safety limits (the search and
//! the plan file: `mnsim_study::plan`).

use crate::exit::{self, OrRunFailure};
use crate::run::default_out;
use anyhow::{Context, Result};
use mnsim_report::page::fmt_value;
use mnsim_study::plan::{self, PlanError, PlanOutcome, Planner, ScenarioRef, search::Value};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The command's options, as given.
pub struct Options {
    pub plan: Option<PathBuf>,
    pub example: Option<String>,
    pub seed: Option<u64>,
    pub out: Option<PathBuf>,
    pub force: bool,
    pub json: bool,
    /// Testing: stop once this many new evaluations are stored.
    pub stop_after_evaluations: Option<usize>,
}

/// A model failure during the search or the rerun is a run failure; anything else (the plan
/// file, a key, a figure, the scenario) is invalid input.
fn planning(e: PlanError) -> anyhow::Error {
    match e {
        PlanError::Search(_) | PlanError::Rerun { .. } => exit::run_failure(e),
        _ => e.into(),
    }
}

fn read(p: &Path, what: &str) -> Result<String> {
    anyhow::ensure!(!p.is_dir(), "{}: is a directory, not a {what}", p.display());
    std::fs::read_to_string(p).with_context(|| format!("{}: cannot read {what}", p.display()))
}

pub fn plan(o: Options, budget: &mnsim_sim::Budget) -> Result<()> {
    let (text, file, dir) = match (&o.plan, &o.example) {
        (Some(p), None) => (read(p, "plan file")?, p.display().to_string(), p.parent().map(Path::to_path_buf)),
        (None, Some(name)) => {
            let names: Vec<&str> = plan::EXAMPLE_PLANS.iter().map(|(n, _)| *n).collect();
            let t = plan::example_plan(name).ok_or_else(|| {
                anyhow::anyhow!("--example {name:?} is not a built-in plan; built-in plans: {}", names.join(", "))
            })?;
            (t.to_string(), format!("data/plans/{name}.toml"), None)
        }
        _ => anyhow::bail!("give a plan file or --example NAME (one of them)"),
    };
    let mut spec = plan::parse(&text, &file).map_err(planning)?;
    if let Some(s) = o.seed {
        spec.seed = Some(s);
    }
    if let Some(c) = spec.cohort.as_ref().filter(|c| c.text.is_none()) {
        let p = match &dir {
            Some(d) if Path::new(&c.population).is_relative() => d.join(&c.population),
            _ => PathBuf::from(&c.population),
        };
        let text = read(&p, "population file").with_context(|| format!("{file}: plan.cohort.population"))?;
        spec.attach_population(text, p.display().to_string());
    }
    let (scenario_text, scenario_file) = match &spec.scenario {
        ScenarioRef::Worked(n) => {
            (plan::worked_scenario(n).expect("parse checked the name").to_string(), format!("scenarios/{n}.toml"))
        }
        ScenarioRef::File(f) => {
            let p = match &dir {
                Some(d) if Path::new(f).is_relative() => d.join(f),
                _ => PathBuf::from(f),
            };
            (read(&p, "scenario file").with_context(|| format!("{file}: plan.scenario"))?, p.display().to_string())
        }
    };
    let scenario = mnsim_scenario::parse(&scenario_text, &scenario_file)?;
    crate::budget::check(&scenario, &scenario_file, budget)?;
    let planner = Planner::new(spec, &scenario_text, &scenario_file, *budget).map_err(planning)?;
    let started_utc = mnsim_report::now_utc();
    let out = o.out.clone().unwrap_or_else(|| default_out(&format!("plan-{}", planner.spec.name), &started_utc));
    let target = mnsim_report::OutputDir::reserve(&out, o.force)?;
    let t0 = Instant::now();
    if !o.json {
        let size = mnsim_study::plan::search::space_size(&planner.spec.variables)
            .map_or("a continuous space".to_string(), |n| format!("{n} candidates"));
        errln!(
            "mnsim plan {}: searching {size} of {} (nominal member, no transport window)…",
            planner.spec.name,
            scenario_file
        );
    }
    let stamp = serde_json::json!({
        "mnsim_version": env!("CARGO_PKG_VERSION"),
        "git_revision": env!("MNSIM_GIT_REV"),
        "plan": planner.spec,
        "scenario_text": scenario_text,
        "population_text": planner.spec.cohort.as_ref().and_then(|c| c.text.as_ref()).map(|t| &t.0),
    });
    let leaf = target.path().file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default();
    let evals = crate::plan_checkpoint::EvalDir::open(
        target.path().with_file_name(format!("{leaf}.evals")),
        &stamp,
        o.stop_after_evaluations,
    )?;
    let result = planner.run_with(&evals).map_err(|e| {
        planning(e).context(format!(
            "the evaluations made so far are kept in {}: rerun the same command to resume",
            evals.dir.display()
        ))
    })?;
    if result.resumed > 0 && !o.json {
        errln!("resumed {} candidates from {}", result.resumed, evals.dir.display());
    }
    let meta = crate::run::meta(t0, started_utc);
    let doc = plan::folder::document(&planner, &result, &scenario_file, meta.wall_time_s);
    let mut files = vec![mnsim_report::folder_manifest(
        "plan",
        &meta,
        plan::folder::manifest_details(&planner, &file, &scenario_file),
    )];
    files.extend(plan::folder::files(&planner, &result, &doc).map_err(|e| exit::run_failure(anyhow::anyhow!(e)))?);
    let files = crate::tables::with_parquet(files)?;
    let dir = target.commit(&files).map_err(exit::committing)?;
    let _ = std::fs::remove_dir_all(&evals.dir);
    if o.json {
        let mut doc = doc;
        doc["out_dir"] = serde_json::json!(dir.display().to_string());
        outln!("{}", serde_json::to_string_pretty(&doc).or_run_failure()?)?;
    } else {
        outln!(
            "mnsim {} — plan {} on {} (seed {}), {}: {} model runs in {:.1} s ({:.2} evaluations/s)",
            meta.mnsim_version,
            planner.spec.name,
            scenario_file,
            planner.spec.settings.seed,
            match result.search.method {
                plan::search::Method::Exhaustive => "every candidate (enumeration)",
                plan::search::Method::Nsga2 => "NSGA-II (moors)",
            },
            result.model_runs,
            result.search_wall_s,
            result.evaluations_per_s
        )?;
        out!("{}", table(&planner, &result))?;
        let wrote = if result.recommendation.is_ok() {
            "plan.html, candidates.csv, plan.json, recommended.toml, manifest.json"
        } else {
            "plan.html, candidates.csv, plan.json, manifest.json"
        };
        outln!("wrote {} ({wrote})", dir.display())?;
    }
    if let Err(inf) = &result.recommendation {
        anyhow::bail!("the plan is infeasible: {inf} (every candidate is in {})", dir.join("candidates.csv").display());
    }
    Ok(())
}

fn cell(v: &Value) -> String {
    v.cell()
}

/// The terminal table: the recommendation with its intervals and warnings, the front.
fn table(p: &Planner, r: &PlanOutcome) -> String {
    let s = &p.spec;
    let mut t = String::new();
    match &r.recommendation {
        Ok(rec) => {
            t.push_str("recommended protocol:\n");
            for (v, x) in s.variables.iter().zip(&rec.values) {
                t.push_str(&format!("  {:<36} {}\n", v.key, cell(x)));
            }
            t.push_str(&match &rec.population {
                Some(p) => format!(
                    "predicted over the plan's {} patients (the same as in the search; the warnings are the base patient's):\n",
                    p.first().map_or(0, |f| f.n)
                ),
                None => format!(
                    "predicted (rerun with the scenario's ensemble, {} members; median [5 %, 95 %] where the ensemble has the figure):\n",
                    rec.ensemble_members
                ),
            });
            // one patient: the ensemble's interval; a population plan: the spread over its patients
            let interval = |k: usize, name: &str| match &rec.population {
                Some(p) => p.get(k).map_or(String::new(), |f| {
                    format!(
                        "  (over {} patients: median {} [5 %, 95 %: {}, {}])",
                        f.n,
                        fmt_value(f.median),
                        fmt_value(f.p05),
                        fmt_value(f.p95)
                    )
                }),
                None => {
                    let n = name.strip_prefix("outcomes.").unwrap_or(name);
                    rec.intervals.iter().find(|i| i.name == n).map_or(String::new(), |i| {
                        format!("  (median {} [{}, {}])", fmt_value(i.median), fmt_value(i.lo), fmt_value(i.hi))
                    })
                }
            };
            let unit =
                |name: &str| rec.figures.iter().find(|f| f.name == name).map(|f| f.unit.clone()).unwrap_or_default();
            for (i, (o, v)) in s.objectives.iter().zip(&rec.objectives).enumerate() {
                t.push_str(&format!("  {:<36} {} {}", s.objective_label(i), fmt_value(*v), unit(&o.figure)));
                t.push_str(&interval(i, &o.figure));
                t.push('\n');
            }
            for (i, (c, v)) in s.constraints.iter().zip(&rec.constraints).enumerate() {
                let ok = if c.violation(*v) == 0.0 { "met" } else { "NOT MET in the rerun" };
                t.push_str(&format!("  {:<36} {} {} ({ok})", s.constraint_label(i), fmt_value(*v), unit(&c.figure)));
                t.push_str(&interval(s.objectives.len() + i, &c.figure));
                t.push('\n');
            }
            if rec.warnings.is_empty() {
                t.push_str("model warnings for this protocol: none\n");
            }
            for w in &rec.warnings {
                t.push_str(&format!("warning (recommended protocol): {w}\n"));
            }
        }
        Err(inf) => {
            t.push_str(&format!(
                "INFEASIBLE: no protocol among the {} evaluated meets every constraint\n",
                inf.evaluated
            ));
            for c in &inf.constraints {
                let best = c.best_value.map_or("none".to_string(), fmt_value);
                t.push_str(&format!("  {:<36} best achievable {best}; met by {} candidates\n", c.constraint, c.met_by));
            }
        }
    }
    if !r.front.is_empty() {
        t.push_str(&format!(
            "Pareto front ({} protocols, non-dominated among the feasible candidates evaluated):\n",
            r.front.len()
        ));
        for &i in &r.front {
            let rec = &r.search.records[i];
            let vals = plan::search::describe(&s.variables, &rec.values);
            let objs: Vec<String> = s
                .objectives
                .iter()
                .zip(&rec.objectives)
                .map(|(o, v)| format!("{}={}", o.figure, fmt_value(*v)))
                .collect();
            t.push_str(&format!("  #{:<4} {vals}: {}\n", rec.index, objs.join(", ")));
        }
    }
    t.push_str(
        "(the planner is only as trustworthy as the model: predictions are the model's, for this one patient, within its calibrated range — docs/VALIDATION.md)\n",
    );
    t
}

/// `mnsim bench plan`: evaluations per second of the acne-scars example's candidates.
pub fn bench(candidates: usize, threads: usize, json: bool, budget: &mnsim_sim::Budget) -> Result<()> {
    anyhow::ensure!((1..=64).contains(&candidates), "--candidates {candidates}: expected 1 to 64");
    anyhow::ensure!((1..=256).contains(&threads), "--threads {threads}: expected 1 to 256");
    let name = "acne-scars";
    let spec =
        plan::parse(plan::example_plan(name).expect("built in"), "data/plans/acne-scars.toml").map_err(planning)?;
    let ScenarioRef::Worked(sc) = spec.scenario.clone() else { anyhow::bail!("the example names a worked scenario") };
    let text = plan::worked_scenario(&sc).expect("parse checked the name");
    let planner = Planner::new(spec, text, &format!("scenarios/{sc}.toml"), *budget).map_err(planning)?;
    let r = plan::bench(&planner, candidates, threads).map_err(planning)?;
    if json {
        outln!("{}", serde_json::to_string_pretty(&r).or_run_failure()?)
    } else {
        outln!(
            "plan {} ({}): {} candidates on {} threads (nominal member, no transport window)",
            r.plan,
            sc,
            r.candidates,
            r.threads
        )?;
        outln!("  wall time                  {:>10.2} s", r.wall_s)?;
        outln!("  evaluations per second     {:>10.3}", r.evaluations_per_s)?;
        outln!("  seconds per evaluation     {:>10.2}", r.wall_s / r.candidates as f64)
    }
}
