//! Verification of the sensitivity estimators (issue 15 item 4) on functions whose indices are
//! known in closed form: the Ishigami function and Sobol's G-function (Saltelli et al. 2010,
//! § 4; Sobol' 1993), Morris screening of the G-function, results independent of the thread
//! count, and the errors of bad input. `-- --nocapture` prints the estimated against the
//! analytic indices (the figures quoted in docs/STUDIES.md).

use mnsim_study::sensitivity::*;
use std::f64::consts::PI;

/// Ishigami's constants (Ishigami & Homma 1990; the values of Saltelli et al. 2010).
const ISHIGAMI_A: f64 = 7.0;
const ISHIGAMI_B: f64 = 0.1;
/// Base sample of the verification studies: 4096 rows, N·(k+2) = 20 480 Ishigami runs.
const N_VERIFY: usize = 4096;
/// Largest accepted distance of an estimate from its analytic value (the brief's bound).
const ABS_TOLERANCE: f64 = 0.05;
/// Seed of the verification studies (any; fixed so the test is reproducible).
const SEED: u64 = 20261201;
/// G-function coefficients (Saltelli et al. 2010, test case: a = 0, 1, 4.5, 9, 99, 99, 99, 99).
const G_A: [f64; 8] = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0, 99.0, 99.0];

fn ishigami(x: &[f64]) -> Vec<f64> {
    vec![x[0].sin() + ISHIGAMI_A * x[1].sin().powi(2) + ISHIGAMI_B * x[2].powi(4) * x[0].sin()]
}

/// Analytic first-order and total indices of the Ishigami function.
fn ishigami_analytic() -> ([f64; 3], [f64; 3]) {
    let (a, b) = (ISHIGAMI_A, ISHIGAMI_B);
    let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
    let v2 = a * a / 8.0;
    let v13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
    let v = v1 + v2 + v13;
    ([v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v])
}

fn g_function(x: &[f64]) -> Vec<f64> {
    vec![x.iter().zip(G_A).map(|(xi, a)| ((4.0 * xi - 2.0).abs() + a) / (1.0 + a)).product()]
}

/// Analytic indices of the G-function: V_i = 1 / (3(1 + a_i)²), V = Π(1 + V_i) − 1.
fn g_analytic() -> (Vec<f64>, Vec<f64>) {
    let vi: Vec<f64> = G_A.iter().map(|a| 1.0 / (3.0 * (1.0 + a).powi(2))).collect();
    let prod: f64 = vi.iter().map(|v| 1.0 + v).product();
    let v = prod - 1.0;
    let s1 = vi.iter().map(|x| x / v).collect();
    let st = vi.iter().map(|x| x * prod / (1.0 + x) / v).collect();
    (s1, st)
}

fn unit_params(k: usize) -> Vec<ParamRange> {
    (0..k).map(|i| ParamRange::new(&format!("x{}", i + 1), 0.0, 1.0)).collect()
}

fn ishigami_params() -> Vec<ParamRange> {
    (0..3).map(|i| ParamRange::new(&format!("x{}", i + 1), -PI, PI)).collect()
}

fn y() -> Vec<String> {
    vec!["y".to_string()]
}

/// Each estimate lies inside its own 95 % interval's reach of the analytic value and within
/// `ABS_TOLERANCE`; prints the table.
fn assert_recovers(r: &SobolResult, s1: &[f64], st: &[f64], what: &str) {
    eprintln!("{what}, N = {}, {} runs:", r.n, r.runs);
    eprintln!("  param   S1 est [95 % interval]        analytic   ST est [95 % interval]        analytic");
    for (i, p) in r.params.iter().enumerate() {
        let x = r.index("y", &p.key).unwrap();
        eprintln!(
            "  {:<6} {:>7.4} [{:>7.4}, {:>7.4}]   {:>7.4}   {:>7.4} [{:>7.4}, {:>7.4}]   {:>7.4}",
            p.key, x.s1, x.s1_low, x.s1_high, s1[i], x.st, x.st_low, x.st_high, st[i]
        );
    }
    for (i, p) in r.params.iter().enumerate() {
        let x = r.index("y", &p.key).unwrap();
        assert!((x.s1 - s1[i]).abs() < ABS_TOLERANCE, "{what} S1 of {}: {} vs {}", p.key, x.s1, s1[i]);
        assert!((x.st - st[i]).abs() < ABS_TOLERANCE, "{what} ST of {}: {} vs {}", p.key, x.st, st[i]);
        assert!(x.s1_low <= s1[i] && s1[i] <= x.s1_high, "{what} S1 of {}: {s1:?} outside {x:?}", p.key);
        assert!(x.st_low <= st[i] && st[i] <= x.st_high, "{what} ST of {}: {st:?} outside {x:?}", p.key);
        assert!(x.s1_low <= x.s1 && x.s1 <= x.s1_high && x.st_low <= x.st && x.st <= x.st_high);
        assert_eq!(x.s1_convergence.len(), 3);
        assert_eq!(*x.s1_convergence.last().unwrap(), x.s1);
    }
}

#[test]
fn ishigami_indices_are_recovered_within_their_intervals() {
    let (s1, st) = ishigami_analytic();
    // the closed form against the published figures (Saltelli et al. 2010)
    for (got, want) in s1.iter().chain(&st).zip([0.3139, 0.4424, 0.0, 0.5576, 0.4424, 0.2437]) {
        assert!((got - want).abs() < 1e-4, "{got} vs {want}");
    }
    let r = sobol(ishigami, &ishigami_params(), &y(), N_VERIFY, SEED).unwrap();
    assert_eq!(r.runs, N_VERIFY * 5);
    assert_eq!(r.convergence_n, vec![N_VERIFY / 4, N_VERIFY / 2, N_VERIFY]);
    assert_recovers(&r, &s1, &st, "Ishigami (a = 7, b = 0.1)");
    // the variance is the analytic one, a²/8 + bπ⁴/5 + b²π⁸/18 + 1/2
    let v = ISHIGAMI_A.powi(2) / 8.0 + ISHIGAMI_B * PI.powi(4) / 5.0 + ISHIGAMI_B.powi(2) * PI.powi(8) / 18.0 + 0.5;
    assert!((r.moments[0].variance - v).abs() / v < 0.02, "{} vs {v}", r.moments[0].variance);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[test]
fn g_function_indices_are_recovered_within_their_intervals() {
    let (s1, st) = g_analytic();
    let r = sobol(g_function, &unit_params(8), &y(), N_VERIFY, SEED).unwrap();
    assert_recovers(&r, &s1, &st, "G-function (a = 0, 1, 4.5, 9, 99, 99, 99, 99)");
}

#[test]
fn a_small_sample_is_flagged_as_not_converged() {
    let r = sobol(ishigami, &ishigami_params(), &y(), 16, SEED).unwrap();
    assert!(r.warnings.iter().any(|w| w.contains("increase N")), "{:?}", r.warnings);
}

#[test]
fn a_constant_output_gives_zero_indices_and_a_warning_not_nan() {
    let outputs = vec!["y".to_string(), "flat".to_string()];
    let r = sobol(|x: &[f64]| vec![x[0], 3.0], &unit_params(2), &outputs, 16, SEED).unwrap();
    let flat = r.index("flat", "x1").unwrap();
    assert_eq!((flat.s1, flat.st, flat.s1_low, flat.st_high), (0.0, 0.0, 0.0, 0.0));
    assert!(r.warnings.iter().any(|w| w.contains("`flat` does not vary")), "{:?}", r.warnings);
    let json = serde_json::to_string(&r).unwrap();
    assert!(!json.contains("NaN") && !json.contains("null"), "{json}");
}

#[test]
fn morris_ranks_the_g_function_parameters_by_their_coefficients() {
    let r = morris(g_function, &unit_params(8), &y(), 50, DEFAULT_LEVELS, SEED).unwrap();
    assert_eq!(r.runs, 50 * 9);
    let mu: Vec<f64> = r.params.iter().map(|p| r.effect("y", &p.key).unwrap().mu_star).collect();
    eprintln!("Morris on the G-function, r = 50, p = 4: μ* = {mu:.4?}");
    // a = 0 matters most, then a = 1, then 4.5 and 9; the a = 99 parameters last
    assert!(mu[0] > mu[1] && mu[1] > mu[2] && mu[2] > mu[3], "{mu:?}");
    assert!(mu[4..].iter().all(|m| *m < mu[3]), "{mu:?}");
    // a linear function: every effect is the slope times the range, σ = 0
    let lin = morris(|x: &[f64]| vec![3.0 * x[0] - 2.0 * x[1]], &unit_params(2), &y(), 10, 4, SEED).unwrap();
    let (e1, e2) = (lin.effect("y", "x1").unwrap(), lin.effect("y", "x2").unwrap());
    assert!((e1.mu - 3.0).abs() < 1e-9 && (e2.mu + 2.0).abs() < 1e-9 && (e2.mu_star - 2.0).abs() < 1e-9);
    assert!(e1.sigma < 1e-9 && e2.sigma < 1e-9);
}

#[test]
fn results_are_bit_identical_with_1_and_2_threads() {
    let with = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| {
            let s = sobol(ishigami, &ishigami_params(), &y(), 256, SEED).unwrap();
            let m = morris(g_function, &unit_params(8), &y(), 20, 4, SEED).unwrap();
            (serde_json::to_string(&s).unwrap(), serde_json::to_string(&m).unwrap())
        })
    };
    let (one, two) = (with(1), with(2));
    assert!(one == two, "results differ between 1 and 2 threads");
    // and they depend on the seed
    let other = sobol(ishigami, &ishigami_params(), &y(), 256, SEED + 1).unwrap();
    assert_ne!(serde_json::to_string(&other).unwrap(), one.0);
}

#[test]
fn bad_input_is_an_error_naming_the_field() {
    let p = ishigami_params();
    let err = |r: Result<SobolResult, SensitivityError>| r.unwrap_err().to_string();
    assert!(err(sobol(ishigami, &p, &y(), 100, SEED)).contains("power of two"));
    assert!(err(sobol(ishigami, &p, &y(), 4, SEED)).contains("--n 4"));
    assert!(err(sobol(ishigami, &p, &y(), MAX_N * 2, SEED)).contains("65536"));
    let bad = vec![ParamRange::new("x1", 1.0, -1.0)];
    let e = err(sobol(ishigami, &bad, &y(), 8, SEED));
    assert!(e.contains("`x1`") && e.contains("low end"), "{e}");
    let e = err(sobol(ishigami, &[ParamRange::new("x", f64::NAN, 1.0)], &y(), 8, SEED));
    assert!(e.contains("finite"), "{e}");
    let twice = vec![p[0].clone(), p[0].clone()];
    assert!(err(sobol(ishigami, &twice, &y(), 8, SEED)).contains("twice"));
    assert!(err(sobol(ishigami, &[], &y(), 8, SEED)).contains("0 parameters"));
    assert!(err(sobol(ishigami, &p, &[], 8, SEED)).contains("--outputs"));
    // the model's values: wrong count and non-finite
    let e = err(sobol(|_: &[f64]| vec![1.0, 2.0], &p, &y(), 8, SEED));
    assert!(e.contains("returned 2 values for 1 outputs"), "{e}");
    let e = err(sobol(|x: &[f64]| vec![if x[0] > 0.0 { f64::NAN } else { x[1] }], &p, &y(), 8, SEED));
    assert!(e.contains("output `y` = NaN is not finite") && e.contains("x1=") && e.contains("run "), "{e}");
    let e = morris(ishigami, &p, &y(), 1, 4, SEED).unwrap_err().to_string();
    assert!(e.contains("--n 1") && e.contains("trajectories"), "{e}");
    let e = morris(ishigami, &p, &y(), 10, 3, SEED).unwrap_err().to_string();
    assert!(e.contains("--levels 3") && e.contains("even"), "{e}");
    // a failing model names the run and the point
    let fail = |x: &[f64]| if x[0] > 1.0 { Err("solver diverged".to_string()) } else { Ok(vec![x[0]]) };
    let e = sobol_with(&fail, &p, &y(), 8, SEED, SobolOptions::default(), &|| {}).unwrap_err();
    assert!(matches!(e, SensitivityError::Model { .. }) && e.to_string().contains("solver diverged"), "{e}");
    let e = sobol_with(&|x: &[f64]| Ok(vec![x[0]]), &p, &y(), 8, SEED, SobolOptions { bootstrap: 10 }, &|| {});
    assert!(e.unwrap_err().to_string().contains("at least 100"));
}

/// The scenario adapter: keys the scenario rejects get the scenario's own message, integer keys
/// get integer values, and no run is needed to find either.
#[test]
fn the_scenario_adapter_checks_keys_and_ranges_against_the_scenario() {
    let text = mnsim_scenario::default_toml();
    let budget = mnsim_sim::Budget::default();
    let new = |p: Vec<ParamRange>| ScenarioModel::new(text, "default.toml", p, budget.clone());
    let e = new(vec![ParamRange::new("device.no_such_key", 1.0, 2.0)]).unwrap_err().to_string();
    assert!(e.contains("device.no_such_key") && e.contains("default.toml"), "{e}");
    let e = new(vec![ParamRange::new("patient.age_y", 5.0, 40.0)]).unwrap_err().to_string();
    assert!(e.contains("patient.age_y") && e.contains("[12, 100]"), "{e}");
    let e = new(vec![ParamRange::new("patient.site", 1.0, 2.0)]).unwrap_err().to_string();
    assert!(e.contains("only numeric keys"), "{e}");
    let e = new(vec![ParamRange::new("device.needle_count", 4.5, 12.0)]).unwrap_err().to_string();
    assert!(e.contains("whole numbers"), "{e}");
    let m = new(vec![ParamRange::new("device.needle_count", 4.0, 12.0), ParamRange::new("patient.age_y", 20.0, 60.0)])
        .unwrap();
    assert!(m.params()[0].integer && !m.params()[1].integer);
    let d = sobol_design(m.params(), 8, SEED).unwrap();
    m.check_points(&d.points).unwrap();
    let sc = m.scenario_at(3, &d.points[3]).unwrap();
    assert_eq!(sc.scenario.simulation.ensemble_members, 1);
    assert_eq!(sc.scenario.patient.age_y, d.points[3][1]);
    // every default parameter is a key the default scenario accepts over its whole range
    let m = new(default_params()).unwrap();
    assert_eq!(m.params().len(), DEFAULT_PARAMS.len());
    let figs =
        [mnsim_sim::Figure { name: "mean_depth_um".into(), value: 1.0, unit: "µm".into(), description: "".into() }];
    let e = ScenarioModel::resolve_outputs(Some(&["nope".to_string()]), &figs).unwrap_err().to_string();
    assert!(e.contains("`nope`") && e.contains("known: mean_depth_um"), "{e}");
    assert_eq!(ScenarioModel::resolve_outputs(None, &figs).unwrap(), vec!["mean_depth_um".to_string()]);
}

/// The design runs' fast path (issue 15 item 5): the window search goes unless an output is a
/// window figure, the topical's transport unless an output is a transport figure or a
/// parameter is a topical key; and a fast run gives the full run's value of a non-transport
/// figure, to the bit.
#[test]
fn design_runs_skip_only_what_no_output_reads() {
    let text = mnsim_scenario::default_toml()
        .replace("session_days = [0, 28, 56]", "session_days = [0]")
        .replace("patch_width_mm = 3", "patch_width_mm = 1.5")
        .replace("patch_height_mm = 3", "patch_height_mm = 1.5")
        .replace("follow_up_d = 180", "follow_up_d = 7");
    let budget = mnsim_sim::Budget::default();
    let age = || vec![ParamRange::new("patient.age_y", 25.0, 55.0)];
    let m = ScenarioModel::new(&text, "tiny.toml", age(), budget.clone()).unwrap();
    let names = |o: &[&str]| o.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let unset_topical =
        |e: &[mnsim_scenario::Edit]| e.iter().any(|e| matches!(e, mnsim_scenario::Edit::Unset(k) if k == "topical"));
    let no_window = |e: &[mnsim_scenario::Edit]| {
        e.iter().any(|e| matches!(e, mnsim_scenario::Edit::Set(k, _) if k == "transport.compute_window"))
    };
    let (e, skipped) = m.fast_path(&names(&["collagen_change_pct", "downtime_d"]));
    assert!(unset_topical(&e) && no_window(&e) && skipped.len() == 2, "{skipped:?}");
    let (e, _) = m.fast_path(&names(&["collagen_change_pct", "transport_dermis_needled_ug_per_cm2"]));
    assert!(!unset_topical(&e) && no_window(&e));
    let (e, _) = m.fast_path(&names(&["transport_window_min"]));
    assert!(!unset_topical(&e) && !no_window(&e));
    let mut with_topical_key = age();
    with_topical_key.push(ParamRange::new("topical.concentration_mg_per_ml", 1.0, 10.0));
    let m2 = ScenarioModel::new(&text, "tiny.toml", with_topical_key, budget.clone()).unwrap();
    assert!(!unset_topical(&m2.fast_path(&names(&["collagen_change_pct"])).0));
    // a fast run reads the same value of a non-transport figure as the full run
    let x = [40.0];
    let outputs = names(&["collagen_change_pct", "mean_depth_um"]);
    let fast = m.evaluate(&x, &outputs).unwrap();
    let full = mnsim_sim::run_within(&m.scenario_at(0, &x).unwrap(), &budget, &mut mnsim_sim::NoProgress).unwrap();
    let full: Vec<f64> = outputs.iter().map(|o| full.figure(o).unwrap().value).collect();
    assert_eq!(
        fast.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
        full.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
    );
}
