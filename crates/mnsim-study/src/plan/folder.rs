//! The plan's output folder, built without I/O so that the CLI and the Python package write the
//! same files: `plan.json` ([`document`]), `candidates.csv`, `recommended.toml` and `plan.html`
//! ([`files`]; the caller adds its manifest).

use super::{PlanOutcome, Planner, search};

/// The plan's `plan.json` document.
pub fn document(p: &Planner, r: &PlanOutcome, scenario_file: &str, wall_time_s: f64) -> serde_json::Value {
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
            search::Method::Exhaustive => "every candidate of the space evaluated".to_string(),
            search::Method::Nsga2 => format!(
                "NSGA-II (moors 0.2), population {}, {} generations, SBX η = {}, Gaussian mutation rate {} σ = {} on [0, 1] genes; answer read from every candidate evaluated",
                s.settings.population, r.search.generations, search::SBX_ETA, search::MUTATION_GENE_RATE, search::MUTATION_SIGMA
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
                serde_json::json!({"candidate": rec.index, "protocol": search::describe(&s.variables, &rec.values), "value": rec.objectives[0]})
            }).collect::<Vec<_>>(),
        })),
        "variable_effects": r.effects,
        "variable_effects_note": match r.search.method {
            search::Method::Exhaustive => "every candidate enumerated: each range is the variable's main effect over the feasible candidates",
            search::Method::Nsga2 => "candidates chosen by the GA, not a balanced design: each range is confounded with the other variables",
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
                "protocol": search::describe(&s.variables, &rec.values),
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
pub fn scatter(p: &Planner, r: &PlanOutcome) -> mnsim_report::plan::Scatter {
    let s = &p.spec;
    let unit = |name: &str| p.base_figures.iter().find(|f| f.name == name).map(|f| f.unit.clone()).unwrap_or_default();
    let label = |name: &str| {
        let u = unit(name);
        if u.is_empty() { name.to_string() } else { format!("{name} ({u})") }
    };
    let (x_label, x_of, x_limits): (String, Box<dyn Fn(&search::Record) -> f64>, Vec<(f64, String)>) =
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
            label: search::describe(&s.variables, &rec.values),
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

/// The folder's files besides the manifest: `candidates.csv`, `plan.json` (`doc`),
/// `recommended.toml` (with a recommendation) and `plan.html`.
pub fn files(p: &Planner, r: &PlanOutcome, doc: &serde_json::Value) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut files = vec![
        ("candidates.csv".to_string(), r.csv(&p.spec).into_bytes()),
        ("plan.json".to_string(), serde_json::to_vec_pretty(doc).map_err(|e| e.to_string())?),
    ];
    if let Ok(rec) = &r.recommendation {
        files.push(("recommended.toml".to_string(), rec.scenario_toml.clone().into_bytes()));
    }
    let courses: Vec<mnsim_report::plan::Course> =
        [r.recommendation.as_ref().ok().and_then(|rec| rec.course.clone()), p.base_course.clone()]
            .into_iter()
            .flatten()
            .collect();
    let page =
        mnsim_report::plan::html(doc, Some(&scatter(p, r)), &courses).map_err(|e| format!("drawing plan.html: {e}"))?;
    files.push(("plan.html".to_string(), page.into_bytes()));
    Ok(files)
}

/// The `details` of the plan folder's manifest: the seed, the plan file and the plan as parsed,
/// the base scenario's file and the scenario as it resolves.
pub fn manifest_details(p: &Planner, plan_file: &str, scenario_file: &str) -> serde_json::Value {
    serde_json::json!({
        "seed": p.spec.settings.seed,
        "plan_file": plan_file,
        "plan": p.spec,
        "scenario_file": scenario_file,
        "scenario": p.base.scenario,
    })
}
