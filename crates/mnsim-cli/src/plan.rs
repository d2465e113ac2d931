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
    let doc = plan_json(&planner, &result, &scenario_file, meta.wall_time_s);
    let details = serde_json::json!({
        "seed": planner.spec.settings.seed,
        "plan_file": file,
        "plan": planner.spec,
        "scenario_file": scenario_file,
        "scenario": planner.base.scenario,
    });
    let mut files = vec![
        mnsim_report::folder_manifest("plan", &meta, details),
        ("candidates.csv".to_string(), result.csv(&planner.spec).into_bytes()),
        ("plan.json".to_string(), serde_json::to_vec_pretty(&doc).or_run_failure()?),
    ];
    if let Ok(r) = &result.recommendation {
        files.push(("recommended.toml".to_string(), r.scenario_toml.clone().into_bytes()));
    }
    let courses: Vec<mnsim_report::plan::Course> =
        [result.recommendation.as_ref().ok().and_then(|r| r.course.clone()), planner.base_course.clone()]
            .into_iter()
            .flatten()
            .collect();
    let page = mnsim_report::plan::html(&doc, Some(&scatter(&planner, &result)), &courses)
        .map_err(|e| exit::run_failure(anyhow::anyhow!("drawing plan.html: {e}")))?;
    files.push(("plan.html".to_string(), page.into_bytes()));
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

fn plan_json(p: &Planner, r: &PlanOutcome, scenario_file: &str, wall_time_s: f64) -> serde_json::Value {
    let s = &p.spec;
    let record = |i: usize| {
        let rec = &r.search.records[i];
        serde_json::json!({
            "candidate": rec.index,
            "values": s.variables.iter().zip(&rec.values).map(|(v, x)| (v.key.clone(), serde_json::json!(x))).collect::<serde_json::Map<_, _>>(),
            "objectives": s.objectives.iter().zip(&rec.objectives).map(|(o, v)| (o.figure.clone(), serde_json::json!(v))).collect::<serde_json::Map<_, _>>(),
        })
    };
    let recommendation = match &r.recommendation {
        Ok(rec) => serde_json::json!({
            "candidate": rec.record,
            "values": s.variables.iter().zip(&rec.values).map(|(v, x)| (v.key.clone(), serde_json::json!(x))).collect::<serde_json::Map<_, _>>(),
            "objectives": s.objectives.iter().zip(&rec.objectives).enumerate().map(|(i, (o, v))| serde_json::json!({"figure": o.figure, "goal": if o.maximise {"maximise"} else {"minimise"}, "objective": s.objective_label(i), "value": v})).collect::<Vec<_>>(),
            "constraints": s.constraints.iter().zip(&rec.constraints).enumerate().map(|(i, (c, v))| serde_json::json!({"constraint": s.constraint_label(i), "figure": c.figure, "value": v, "met": c.violation(*v) == 0.0})).collect::<Vec<_>>(),
            "feasible_in_rerun": rec.feasible_in_rerun,
            "ensemble_members": rec.ensemble_members,
            "intervals": rec.intervals,
            "figures": rec.figures,
            "warnings": rec.warnings,
        }),
        Err(_) => serde_json::Value::Null,
    };
    serde_json::json!({
        "plan": s.name,
        "description": s.description,
        "plan_file": s.file,
        "scenario": scenario_file,
        "seed": s.settings.seed,
        "method": r.search.method,
        "method_detail": match r.search.method {
            plan::search::Method::Exhaustive => "every candidate of the space evaluated".to_string(),
            plan::search::Method::Nsga2 => format!(
                "NSGA-II (moors 0.2), population {}, {} generations, SBX η = {}, Gaussian mutation rate {} σ = {} on [0, 1] genes; answer read from every candidate evaluated",
                s.settings.population, r.search.generations, plan::search::SBX_ETA, plan::search::MUTATION_GENE_RATE, plan::search::MUTATION_SIGMA
            ),
        },
        "space_size": r.search.space_size.map(|n| n.to_string()),
        "candidates_evaluated": r.search.records.len(),
        "model_runs": r.model_runs,
        "search_wall_time_s": r.search_wall_s,
        "evaluations_per_s": r.evaluations_per_s,
        "resumed_candidates": r.resumed,
        "wall_time_s": wall_time_s,
        "search_settings": "simulation.ensemble_members = 1, transport.compute_window = false",
        "feasible": r.recommendation.is_ok(),
        "recommendation": recommendation,
        "infeasible": r.recommendation.as_ref().err(),
        "pareto_front": r.front.iter().map(|&i| record(i)).collect::<Vec<_>>(),
        "current": current_json(p),
        "population": s.cohort.as_ref().map(|c| serde_json::json!({
            "population": c.population,
            "patients": c.patients,
            "seed": c.seed.unwrap_or(s.settings.seed),
            "note": "every candidate runs the same patients (one population, one seed); objectives and constraints are statistics over them",
            "recommended": r.recommendation.as_ref().ok().and_then(|rec| rec.population.clone()),
            "current": p.base_population,
        })),
        "near_optimal": r.near_optimal.as_ref().map(|n| serde_json::json!({
            "figure": n.figure,
            "best": n.best,
            "tolerance": n.tolerance,
            "basis": n.basis,
            "candidates": n.records.iter().map(|&i| {
                let rec = &r.search.records[i];
                serde_json::json!({"candidate": rec.index, "protocol": plan::search::describe(&s.variables, &rec.values), "value": rec.objectives[0]})
            }).collect::<Vec<_>>(),
        })),
        "variable_effects": r.effects,
        "variable_effects_note": match r.search.method {
            plan::search::Method::Exhaustive => "every candidate enumerated: each range is the variable's main effect over the feasible candidates",
            plan::search::Method::Nsga2 => "candidates chosen by the GA, not a balanced design: each range is confounded with the other variables",
        },
        "candidates": r.search.records.iter().map(|rec| {
            let mut figures = serde_json::Map::new();
            for (o, v) in s.objectives.iter().zip(&rec.objectives) {
                figures.insert(o.figure.clone(), serde_json::json!(v));
            }
            for (c, v) in s.constraints.iter().zip(&rec.constraints) {
                figures.insert(c.figure.clone(), serde_json::json!(v));
            }
            serde_json::json!({
                "candidate": rec.index,
                "protocol": plan::search::describe(&s.variables, &rec.values),
                "figures": figures,
                "feasible": rec.feasible,
                "rejected": rec.rejected,
            })
        }).collect::<Vec<_>>(),
    })
}

/// The patient's current protocol: the base scenario's value of each decision variable and its
/// figures for the objectives and constraints (the base run, nominal member).
fn current_json(p: &Planner) -> serde_json::Value {
    let s = &p.spec;
    let values: serde_json::Map<_, _> = s.variables.iter().map(|v| (v.key.clone(), p.current_value(&v.key))).collect();
    // a population plan: the current protocol's statistics over the same patients
    let figures: serde_json::Map<_, _> = match &p.base_population {
        Some(bp) => bp.iter().rev().map(|f| (f.figure.clone(), serde_json::json!(f.value))).collect(),
        None => s
            .objectives
            .iter()
            .map(|o| &o.figure)
            .chain(s.constraints.iter().map(|c| &c.figure))
            .filter_map(|n| {
                p.base_figures.iter().find(|f| &f.name == n).map(|f| (n.clone(), serde_json::json!(f.value)))
            })
            .collect(),
    };
    serde_json::json!({"values": values, "figures": figures})
}

/// The scatter of the plan page: the first objective against the second objective, else the
/// first constraint's figure (its bounds drawn), else the candidate number.
fn scatter(p: &Planner, r: &PlanOutcome) -> mnsim_report::plan::Scatter {
    let s = &p.spec;
    let unit = |name: &str| p.base_figures.iter().find(|f| f.name == name).map(|f| f.unit.clone()).unwrap_or_default();
    let label = |name: &str| {
        let u = unit(name);
        if u.is_empty() { name.to_string() } else { format!("{name} ({u})") }
    };
    let (x_label, x_of, x_limits): (String, Box<dyn Fn(&plan::search::Record) -> f64>, Vec<(f64, String)>) =
        if s.objectives.len() >= 2 {
            (label(&s.objectives[1].figure), Box::new(|rec| rec.objectives[1]), Vec::new())
        } else if let Some(c) = s.constraints.first() {
            let limits = [c.min, c.max].into_iter().flatten().map(|v| (v, c.label())).collect();
            (label(&c.figure), Box::new(|rec| rec.constraints[0]), limits)
        } else {
            ("candidate".to_string(), Box::new(|rec| rec.index as f64), Vec::new())
        };
    let recommended = r.recommendation.as_ref().ok().map(|rec| rec.record);
    let near: Vec<usize> = r.near_optimal.as_ref().map(|n| n.records.clone()).unwrap_or_default();
    let points = r
        .search
        .records
        .iter()
        .enumerate()
        .filter(|(_, rec)| rec.rejected.is_none())
        .map(|(i, rec)| mnsim_report::plan::Point {
            candidate: rec.index,
            label: plan::search::describe(&s.variables, &rec.values),
            x: x_of(rec),
            y: rec.objectives[0],
            feasible: rec.feasible,
            front: r.front.contains(&i),
            recommended: recommended == Some(rec.index),
            near_optimal: near.contains(&i),
        })
        .filter(|pt| pt.x.is_finite() && pt.y.is_finite())
        .collect();
    mnsim_report::plan::Scatter { x_label, y_label: label(&s.objectives[0].figure), points, x_limits }
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
