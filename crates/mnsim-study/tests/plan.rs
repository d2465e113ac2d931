//! `mnsim plan`'s search and plan files: the optimiser against brute force on synthetic
//! functions (a discrete space, ZDT1's known front), constraints, infeasibility, seeds, and the
//! errors of bad plan files; one tiny real-model plan.

use mnsim_study::plan::search::{
    self, Constraint, Evaluated, Kind, Method, Objective, Record, Settings, Value, Variable,
};
use mnsim_study::plan::{self, PlanError};

fn int(key: &str, low: i64, high: i64) -> Variable {
    Variable { key: key.into(), kind: Kind::Integer { low, high } }
}
fn num(v: &Value) -> f64 {
    v.as_f64().unwrap()
}
#[cfg(feature = "nsga")]
fn ga(seed: u64, max_evaluations: usize, population: usize) -> Settings {
    Settings { seed, max_evaluations, population, exhaustive_limit: 0 }
}

/// A smooth, unimodal objective on three integer variables and one set; its maximum is at
/// (7, 2, 4, 30) and one constraint (x0 + x1 ≤ 8) cuts off part of the space.
fn synthetic(x: &[Value]) -> Result<Evaluated, String> {
    let (a, b, c, d) = (num(&x[0]), num(&x[1]), num(&x[2]), num(&x[3]));
    let f = 100.0 - (a - 7.0).powi(2) - 2.0 * (b - 2.0).powi(2) - (c - 4.0).powi(2) - ((d - 30.0) / 10.0).powi(2);
    Ok(Evaluated::Figures(vec![f, a + b]))
}

fn synthetic_space() -> Vec<Variable> {
    vec![
        int("a", 0, 9),
        int("b", 0, 4),
        int("c", 1, 6),
        Variable { key: "d".into(), kind: Kind::Set { values: vec![10.0, 20.0, 30.0, 40.0] } },
    ]
}

fn brute_force_best(vars: &[Variable], obj: &[Objective], cons: &[Constraint]) -> (Vec<Value>, f64) {
    let mut best: Option<(Vec<Value>, f64)> = None;
    for c in search::enumerate(vars) {
        let Evaluated::Figures(f) = synthetic(&c).unwrap() else { unreachable!() };
        if cons.iter().enumerate().any(|(j, k)| k.violation(f[obj.len() + j]) > 0.0) {
            continue;
        }
        let v = obj[0].cost(f[0]);
        if best.as_ref().is_none_or(|(_, b)| v < *b) {
            best = Some((c, v));
        }
    }
    best.unwrap()
}

#[test]
fn enumeration_and_the_ga_find_the_brute_force_optimum_under_a_constraint() {
    let vars = synthetic_space();
    let obj = vec![Objective { figure: "f".into(), maximise: true }];
    let cons = vec![Constraint { figure: "a_plus_b".into(), max: Some(8.0), min: None }];
    let (want, want_cost) = brute_force_best(&vars, &obj, &cons);
    assert_eq!(search::space_size(&vars), Some(10 * 5 * 6 * 4));
    // enumeration (above the default limit of 512, so raised)
    let all = Settings { exhaustive_limit: 2000, ..Settings::default() };
    let s = search::search(&vars, &obj, &cons, &synthetic, &all).unwrap();
    assert_eq!(s.method, Method::Exhaustive);
    assert_eq!(s.records.len(), 1200);
    let i = search::best(&s.records, &obj).unwrap();
    assert_eq!(s.records[i].values, want);
    // without the NSGA-II search, a space above the limit is a clear error
    #[cfg(not(feature = "nsga"))]
    {
        let _ = want_cost;
        let e = search::search(&vars, &obj, &cons, &synthetic, &Settings::default()).unwrap_err();
        assert!(e.to_string().contains("1200 candidates") && e.to_string().contains("--features nsga"), "{e}");
    }
    #[cfg(feature = "nsga")]
    the_ga_finds_it(&vars, &obj, &cons, &want_cost);
}

/// The GA, on a budget of a quarter of the space, finds the brute-force optimum.
#[cfg(feature = "nsga")]
fn the_ga_finds_it(vars: &[Variable], obj: &[Objective], cons: &[Constraint], want_cost: &f64) {
    let want_cost = *want_cost;
    let s = search::search(vars, obj, cons, &synthetic, &ga(7, 320, 32)).unwrap();
    assert_eq!(s.method, Method::Nsga2);
    assert!(s.records.len() <= 320, "{} distinct evaluations", s.records.len());
    let i = search::best(&s.records, &obj).unwrap();
    assert_eq!(obj[0].cost(s.records[i].objectives[0]), want_cost, "GA best {:?}", s.records[i].values);
    // the recommendation never violates a constraint
    for r in s.records.iter().filter(|r| r.feasible) {
        assert!(r.constraints[0] <= 8.0);
    }
    assert!(s.records[i].constraints[0] <= 8.0);
}

fn zdt1(x: &[Value]) -> Result<Evaluated, String> {
    let x: Vec<f64> = x.iter().map(num).collect();
    let f1 = x[0];
    let g = 1.0 + 9.0 * x[1..].iter().sum::<f64>() / (x.len() - 1) as f64;
    let f2 = g * (1.0 - (f1 / g).sqrt());
    Ok(Evaluated::Figures(vec![f1, f2]))
}

/// Distance from a point (f1, f2) to ZDT1's true front f2 = 1 − √f1, f1 ∈ [0, 1], by a fine
/// scan of the front.
fn distance_to_front(f1: f64, f2: f64) -> f64 {
    (0..=10_000)
        .map(|k| {
            let t = k as f64 / 10_000.0;
            ((f1 - t).powi(2) + (f2 - (1.0 - t.sqrt())).powi(2)).sqrt()
        })
        .fold(f64::INFINITY, f64::min)
}

#[test]
fn zdt1_front_on_a_grid_is_recovered_exactly_and_by_nsga2_within_0_001() {
    let obj =
        vec![Objective { figure: "f1".into(), maximise: false }, Objective { figure: "f2".into(), maximise: false }];
    // grid: x1 in 21 steps, x2, x3 in {0, 0.25, 0.5}: the front is x2 = x3 = 0
    let step =
        |k: &str, s: f64| Variable { key: k.into(), kind: Kind::Continuous { low: 0.0, high: 1.0, step: Some(s) } };
    let vars = vec![step("x1", 0.05), step("x2", 0.25), step("x3", 0.25)];
    let vars = vec![
        vars[0].clone(),
        Variable { key: "x2".into(), kind: Kind::Set { values: vec![0.0, 0.25, 0.5] } },
        Variable { key: "x3".into(), kind: Kind::Set { values: vec![0.0, 0.25, 0.5] } },
    ];
    let s = search::search(&vars, &obj, &[], &zdt1, &Settings::default()).unwrap();
    assert_eq!(s.method, Method::Exhaustive);
    let front = search::pareto_front(&s.records, &obj);
    assert_eq!(front.len(), 21);
    for &i in &front {
        let r = &s.records[i];
        assert_eq!((num(&r.values[1]), num(&r.values[2])), (0.0, 0.0));
        assert!(distance_to_front(r.objectives[0], r.objectives[1]) < 1e-9);
    }
    #[cfg(feature = "nsga")]
    nsga2_recovers_the_continuous_zdt1_front(&obj);
}

/// NSGA-II on the continuous ZDT1 in 3 variables: the front within 0.001 of the true one.
#[cfg(feature = "nsga")]
fn nsga2_recovers_the_continuous_zdt1_front(obj: &[Objective]) {
    let obj = obj.to_vec();
    let cont = |k: &str| Variable { key: k.into(), kind: Kind::Continuous { low: 0.0, high: 1.0, step: None } };
    let vars = vec![cont("x1"), cont("x2"), cont("x3")];
    let s = search::search(&vars, &obj, &[], &zdt1, &ga(3, 4000, 40)).unwrap();
    let front = search::pareto_front(&s.records, &obj);
    assert!(front.len() >= 20, "front of {}", front.len());
    // generational distance (mean) and the worst point, and the front spans f1
    let d: Vec<f64> =
        front.iter().map(|&i| distance_to_front(s.records[i].objectives[0], s.records[i].objectives[1])).collect();
    let mean = d.iter().sum::<f64>() / d.len() as f64;
    let f1s: Vec<f64> = front.iter().map(|&i| s.records[i].objectives[0]).collect();
    let span =
        f1s.iter().cloned().fold(f64::NEG_INFINITY, f64::max) - f1s.iter().cloned().fold(f64::INFINITY, f64::min);
    eprintln!(
        "ZDT1 NSGA-II: {} evaluations, front {} points, mean distance {mean:.2e}, span of f1 {span:.2}",
        s.records.len(),
        front.len()
    );
    assert!(mean < 1e-3, "mean distance {mean}");
    assert!(span > 0.8, "span {span}");
}

#[test]
fn an_impossible_constraint_leaves_no_recommendation_and_rejections_are_infeasible() {
    let vars = vec![int("a", 0, 9)];
    let obj = vec![Objective { figure: "f".into(), maximise: true }];
    let cons = vec![Constraint { figure: "a".into(), max: None, min: Some(20.0) }];
    let eval = |x: &[Value]| -> Result<Evaluated, String> {
        let a = num(&x[0]);
        if a == 3.0 {
            Ok(Evaluated::Rejected("three is not allowed".into()))
        } else {
            Ok(Evaluated::Figures(vec![a, a]))
        }
    };
    let s = search::search(&vars, &obj, &cons, &eval, &Settings::default()).unwrap();
    assert!(search::best(&s.records, &obj).is_none());
    let rej: Vec<&Record> = s.records.iter().filter(|r| r.rejected.is_some()).collect();
    assert_eq!(rej.len(), 1);
    assert!(!rej[0].feasible);
    // a model failure is an error naming the candidate
    let fail = |x: &[Value]| -> Result<Evaluated, String> {
        if num(&x[0]) == 5.0 { Err("solver diverged".into()) } else { Ok(Evaluated::Figures(vec![1.0, 1.0])) }
    };
    let e = search::search(&vars, &obj, &cons, &fail, &Settings::default()).unwrap_err();
    assert!(e.to_string().contains("a=5") && e.to_string().contains("solver diverged"), "{e}");
}

#[test]
#[cfg(feature = "nsga")]
fn same_seed_same_search_whatever_the_thread_count_and_another_seed_differs() {
    let vars = synthetic_space();
    let obj = vec![Objective { figure: "f".into(), maximise: true }];
    let run = |threads: usize, seed: u64| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| search::search(&vars, &obj, &[], &synthetic, &ga(seed, 128, 16)).unwrap())
    };
    let a = run(1, 11);
    let b = run(3, 11);
    assert_eq!(a, b);
    assert_ne!(a.records, run(2, 12).records);
}

fn plan_text(extra: &str) -> String {
    format!(
        "[plan]\nname = \"t\"\nscenario = \"acne-scars-cheek\"\n\n[[variable]]\nkey = \"device.needle_length_um\"\nkind = \"set\"\nvalues = [500, 1000]\n\n[[objective]]\nfigure = \"outcomes.scar_improvement_pct\"\ngoal = \"maximise\"\n{extra}"
    )
}

#[test]
fn bad_plan_files_are_errors_naming_file_field_value_and_what_is_allowed() {
    assert!(plan::parse(&plan_text(""), "p.toml").is_ok());
    let cases: Vec<(String, &[&str])> = vec![
        (
            plan_text("").replace("kind = \"set\"", "kind = \"sett\""),
            &["p.toml", "variable[0].kind", "sett", "categorical"],
        ),
        (plan_text("").replace("goal = \"maximise\"", "goal = \"up\""), &["objective[0].goal", "\"up\"", "minimise"]),
        (
            plan_text(
                "\n[[variable]]\nkey = \"protocol.passes_per_direction\"\nkind = \"integer\"\nlow = 4\nhigh = 1\n",
            ),
            &["variable[1].high", "at least low"],
        ),
        (
            plan_text(
                "\n[[variable]]\nkey = \"protocol.interval_d\"\nkind = \"continuous\"\nlow = 14\nhigh = 42\nstep = 0\n",
            ),
            &["variable[1].step", "positive"],
        ),
        (plan_text("\n[[constraint]]\nfigure = \"downtime_d\"\n"), &["constraint[0].max", "max, min or both"]),
        (plan_text("").replace("acne-scars-cheek", "acne"), &["plan.scenario", "\"acne\"", "laxity-neck"]),
        (
            plan_text("\n[[variable]]\nkey = \"topical.name\"\nkind = \"categorical\"\nchoices = [\"snake_oil\"]\n"),
            &["variable[1].choices", "snake_oil", "hyaluronic_acid_50kda"],
        ),
        (
            plan_text("\n[[variable]]\nkey = \"protocol.sessions\"\nkind = \"integer\"\nlow = 0\nhigh = 3\n"),
            &["variable[1].kind", "[1, 20]"],
        ),
        (
            plan_text("").replace("values = [500, 1000]", "values = [500, 1000]\nlow = 3"),
            &["variable[0].low", "not a field"],
        ),
        (plan_text("").replace("[plan]", "[plan]\nbudget = 3"), &["p.toml", "unknown field", "budget"]),
        (plan_text("").replace("values = [500, 1000]", "values = [500, 500]"), &["variable[0].values", "distinct"]),
        (
            plan_text("\n[[variable]]\nkey = \"home_care.name\"\nkind = \"categorical\"\nchoices = [\"elixir\"]\n"),
            &["variable[1].choices", "elixir", "tranexamic_acid"],
        ),
        (
            plan_text("\n[plan.cohort]\npopulation = \"acne-scars-cheek\"\npatients = 1\n"),
            &["plan.cohort.patients", "[2, 256]"],
        ),
        (
            plan_text("\n[plan.cohort]\npopulation = \"acne-scars-cheek\"\npatients = 3\n")
                .replace("goal = \"maximise\"", "goal = \"maximise\"\nstatistic = \"quantile\"\nq = 1.5"),
            &["objective[0].q", "1.5", "[0, 1]"],
        ),
        (
            plan_text("\n[plan.cohort]\npopulation = \"acne-scars-cheek\"\npatients = 3\n")
                .replace("goal = \"maximise\"", "goal = \"maximise\"\nstatistic = \"share_at_least\""),
            &["objective[0].threshold", "needs a threshold"],
        ),
    ];
    for (text, wants) in cases {
        let e = plan::parse(&text, "p.toml").unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("p.toml"), "{msg}");
        for w in wants {
            assert!(msg.contains(w), "`{w}` not in: {msg}");
        }
    }
}

/// A tiny version of the acne-scars scenario: small patch, short follow-up, no serum.
fn tiny_scenario() -> String {
    let mut t: toml::Table = toml::from_str(plan::worked_scenario("acne-scars-cheek").unwrap()).unwrap();
    t.remove("topical");
    let sim = t["simulation"].as_table_mut().unwrap();
    sim.insert("patch_width_mm".into(), toml::Value::Float(1.5));
    sim.insert("patch_height_mm".into(), toml::Value::Float(1.5));
    sim.insert("follow_up_d".into(), toml::Value::Float(14.0));
    sim.insert("ensemble_members".into(), toml::Value::Integer(2));
    toml::to_string(&t).unwrap()
}

fn tiny_plan(extra: &str) -> String {
    format!(
        "[plan]\nname = \"tiny\"\nscenario = \"tiny.toml\"\n\n[[variable]]\nkey = \"device.needle_length_um\"\nkind = \"set\"\nvalues = [500, 1500]\n\n[[variable]]\nkey = \"protocol.sessions\"\nkind = \"integer\"\nlow = 1\nhigh = 2\n\n[[objective]]\nfigure = \"outcomes.scar_improvement_pct\"\ngoal = \"maximise\"\n{extra}"
    )
}

/// A home-care variable keeps the regimen plan.set gives (its active replaced) or removes the
/// whole `[home_care]` table with `none`; the current protocol's value is the base scenario's.
#[test]
fn a_home_care_variable_sets_the_active_or_removes_the_regimen() {
    let sc = tiny_scenario();
    let text = tiny_plan(
        "\n[plan.set.home_care]\nname = \"niacinamide\"\nconcentration_mg_per_ml = 30\n\n[[variable]]\nkey = \"home_care.name\"\nkind = \"categorical\"\nchoices = [\"tranexamic_acid\", \"none\"]\n",
    );
    let spec = plan::parse(&text, "p.toml").unwrap();
    let p = plan::Planner::new(spec, &sc, "tiny.toml", mnsim_sim::Budget::default()).unwrap();
    let with = |v: &str| {
        let values =
            [plan::search::Value::Number(500.0), plan::search::Value::Integer(1), plan::search::Value::Text(v.into())];
        let t: toml::Table = toml::from_str(&p.scenario_toml(&values).unwrap()).unwrap();
        t.get("home_care").cloned()
    };
    let h = with("tranexamic_acid").expect("a regimen");
    assert_eq!(h["name"].as_str(), Some("tranexamic_acid"));
    assert_eq!(h["concentration_mg_per_ml"].as_integer(), Some(30));
    assert!(with("none").is_none(), "none removes [home_care]");
    assert_eq!(p.current_value("home_care.name"), "none");
}

#[test]
fn unknown_keys_and_figures_are_caught_against_the_scenario() {
    let sc = tiny_scenario();
    let spec =
        plan::parse(&tiny_plan("").replace("device.needle_length_um", "device.needle_lenght_um"), "p.toml").unwrap();
    let e = plan::Planner::new(spec, &sc, "tiny.toml", mnsim_sim::Budget::default()).unwrap_err();
    assert!(matches!(e, PlanError::Key { .. }), "{e}");
    assert!(e.to_string().contains("variable[0]") && e.to_string().contains("needle_lenght_um"), "{e}");
    let spec = plan::parse(&tiny_plan("\n[[constraint]]\nfigure = \"downtime_days\"\nmax = 3\n"), "p.toml").unwrap();
    let e = plan::Planner::new(spec, &sc, "tiny.toml", mnsim_sim::Budget::default()).unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, PlanError::UnknownFigure { .. }), "{msg}");
    assert!(
        msg.contains("constraint[0].figure") && msg.contains("downtime_days") && msg.contains("downtime_d,"),
        "{msg}"
    );
}

#[test]
fn a_tiny_real_plan_equals_brute_force_and_its_scenario_reproduces_the_rerun() {
    let sc = tiny_scenario();
    let spec =
        plan::parse(&tiny_plan("\n[[constraint]]\nfigure = \"bleeding_fraction\"\nmax = 1.0\n"), "p.toml").unwrap();
    let p = plan::Planner::new(spec, &sc, "tiny.toml", mnsim_sim::Budget::default()).unwrap();
    let out = p.run().unwrap();
    assert_eq!(out.search.method, Method::Exhaustive);
    assert_eq!(out.search.records.len(), 4);
    // brute force: each candidate as its own scenario, run directly
    let mut best = (f64::NEG_INFINITY, 0);
    for (k, (len, n)) in [(500.0, 1), (500.0, 2), (1500.0, 1), (1500.0, 2)].into_iter().enumerate() {
        let mut t: toml::Table = toml::from_str(&sc).unwrap();
        t["device"].as_table_mut().unwrap().insert("needle_length_um".into(), toml::Value::Float(len));
        let days: Vec<toml::Value> = (0..n).map(|j| toml::Value::Float(28.0 * j as f64)).collect();
        t["protocol"].as_table_mut().unwrap().insert("session_days".into(), toml::Value::Array(days));
        t["simulation"].as_table_mut().unwrap().insert("ensemble_members".into(), toml::Value::Integer(1));
        let s = mnsim_scenario::parse(&toml::to_string(&t).unwrap(), "bf.toml").unwrap();
        let r = mnsim_sim::run(&s, &mut mnsim_sim::NoProgress).unwrap();
        let v = r.figure("outcomes.scar_improvement_pct").unwrap().value;
        assert_eq!(v, out.search.records[k].objectives[0], "candidate {k}");
        if v > best.0 {
            best = (v, k);
        }
    }
    let rec = out.recommendation.as_ref().unwrap();
    assert_eq!(rec.record, best.1);
    // the written scenario reproduces the rerun exactly
    let s = mnsim_scenario::parse(&rec.scenario_toml, "recommended.toml").unwrap();
    assert_eq!(s.scenario.simulation.ensemble_members, 2);
    let r = mnsim_sim::run(&s, &mut mnsim_sim::NoProgress).unwrap();
    assert_eq!(r.figures, rec.figures);
    assert!(rec.feasible_in_rerun);
    // and the nominal member of the rerun is the search's value
    assert_eq!(rec.objectives[0], best.0);
}

#[test]
fn every_example_plan_parses_and_names_a_worked_scenario() {
    assert!(!plan::EXAMPLE_PLANS.is_empty());
    for (name, text) in plan::EXAMPLE_PLANS {
        let spec = plan::parse(text, &format!("data/plans/{name}.toml")).unwrap();
        assert!(matches!(&spec.scenario, plan::ScenarioRef::Worked(s) if plan::worked_scenario(s).is_some()), "{name}");
    }
    let spec = plan::parse(plan::example_plan("acne-scars").unwrap(), "acne-scars.toml").unwrap();
    // 2 needles × 2 passes × 2 session counts × 2 intervals × 2 serums: enumerated, so the
    // example runs in a default build (no NSGA-II)
    assert_eq!(search::space_size(&spec.variables), Some(32));
    assert!(32 <= search::EXHAUSTIVE_LIMIT);
}
