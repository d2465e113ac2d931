//! Virtual cohorts: sampled marginals and correlations against their specification, inclusion
//! criteria, bad input, and bit identity of the patients across threads and shards.

use mnsim_study::cohort::population::{self, Value, phi};
use mnsim_study::cohort::summary::{pearson, spearman};
use mnsim_study::cohort::{self as co, Cohort, CohortError, CohortOptions};

/// Draws for the moment checks: the sample mean's standard error is then SD/63.
const DRAWS: u64 = 4000;

const SPEC: &str = r#"
name = "test"
[covariates.age_y]
dist = "normal"
mean = 40
sd = 10
source = "assumed, because it is a test"
[covariates.sex]
dist = "categorical"
values = ["female", "male"]
p = [0.7, 0.3]
source = "assumed, because it is a test"
[covariates.fitzpatrick]
dist = "categorical"
values = [1, 2, 3, 4]
p = [0.1, 0.2, 0.3, 0.4]
source = "assumed, because it is a test"
[parameters."healing.rates.col_synth_per_d"]
dist = "lognormal"
median = 0.02
cv = 0.3
source = "assumed, because it is a test"
[parameters."penetration.drag_loss_quasistatic"]
dist = "uniform"
min = 0.7
max = 0.9
source = "assumed, because it is a test"
[parameters."healing.rates.mac_death_per_d"]
dist = "normal"
mean = 0.3
sd = 0.1
min = 0.2
max = 0.5
source = "assumed, because it is a test"
[parameters."healing.rates.col3_to_col1_per_d"]
dist = "normal"
mean = 0.045
sd = 0.01
source = "assumed, because it is a test"
[[correlations]]
between = ["age_y", "healing.rates.col3_to_col1_per_d"]
rho = -0.6
source = "assumed, because it is a test"
[[correlations]]
between = ["healing.rates.col_synth_per_d", "penetration.drag_loss_quasistatic"]
rho = 0.5
source = "assumed, because it is a test"
"#;

fn column(draws: &[Vec<Value>], j: usize) -> Vec<f64> {
    draws.iter().map(|d| d[j].number().unwrap()).collect()
}

fn mean_sd(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    (m, (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0)).sqrt())
}

#[test]
fn sampled_marginals_and_correlations_match_their_specification() {
    let pop = population::parse(SPEC, "t.toml").unwrap();
    let draws: Vec<Vec<Value>> = (0..DRAWS).map(|i| pop.sample_unfiltered(7, i)).collect();
    let idx = |n: &str| pop.variable(n).unwrap().0;
    // tolerance: 4 standard errors of the mean; SD within 6 % (its SE is ≈ 1.1 % at n = 4000)
    let se = |sd: f64| 4.0 * sd / (DRAWS as f64).sqrt();
    // normal
    let (m, s) = mean_sd(&column(&draws, idx("age_y")));
    assert!((m - 40.0).abs() < se(10.0) && (s / 10.0 - 1.0).abs() < 0.06, "normal {m} {s}");
    // lognormal: log-mean ln(median), log-SD √ln(1 + cv²)
    let logs: Vec<f64> = column(&draws, idx("healing.rates.col_synth_per_d")).iter().map(|x| x.ln()).collect();
    let sigma = population::lognormal_sigma(0.3);
    let (m, s) = mean_sd(&logs);
    assert!((m - 0.02f64.ln()).abs() < se(sigma) && (s / sigma - 1.0).abs() < 0.06, "lognormal {m} {s}");
    // uniform: mean (a+b)/2, SD (b−a)/√12, all inside
    let u = column(&draws, idx("penetration.drag_loss_quasistatic"));
    let (m, s) = mean_sd(&u);
    let sd_u = 0.2 / 12f64.sqrt();
    assert!(u.iter().all(|x| (0.7..=0.9).contains(x)));
    assert!((m - 0.8).abs() < se(sd_u) && (s / sd_u - 1.0).abs() < 0.06, "uniform {m} {s}");
    // truncated normal: inside [0.2, 0.5], mean μ + σ(φ(α) − φ(β))/(Φ(β) − Φ(α))
    let t = column(&draws, idx("healing.rates.mac_death_per_d"));
    assert!(t.iter().all(|x| (0.2..=0.5).contains(x)));
    let dens = |z: f64| (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let (a, b) = (-1.0, 2.0);
    let want = 0.3 + 0.1 * (dens(a) - dens(b)) / (phi(b) - phi(a));
    let (m, _) = mean_sd(&t);
    assert!((m - want).abs() < se(0.1), "truncated normal mean {m} vs {want}");
    // categorical frequencies within 4 binomial SEs
    for (name, levels, p) in [
        ("sex", vec![Value::Text("female".into()), Value::Text("male".into())], vec![0.7, 0.3]),
        ("fitzpatrick", (1..=4).map(|k| Value::Number(k as f64)).collect(), vec![0.1, 0.2, 0.3, 0.4]),
    ] {
        let j = idx(name);
        for (l, q) in levels.iter().zip(&p) {
            let f = draws.iter().filter(|d| &d[j] == l).count() as f64 / DRAWS as f64;
            assert!((f - q).abs() < 4.0 * (q * (1.0 - q) / DRAWS as f64).sqrt(), "{name}={l}: {f} vs {q}");
        }
    }
    // correlations: two normals' Pearson r is ρ; any two continuous marginals' Spearman is
    // (6/π) asin(ρ/2); tolerance 0.05 (the SE of r at n = 4000 is ≈ (1 − ρ²)/√n ≈ 0.01)
    let r = pearson(&column(&draws, idx("age_y")), &column(&draws, idx("healing.rates.col3_to_col1_per_d")));
    assert!((r + 0.6).abs() < 0.05, "pearson {r}");
    let rs = spearman(
        &column(&draws, idx("healing.rates.col_synth_per_d")),
        &column(&draws, idx("penetration.drag_loss_quasistatic")),
    );
    let want = 6.0 / std::f64::consts::PI * (0.25f64).asin();
    assert!((rs - want).abs() < 0.05, "spearman {rs} vs {want}");
    // uncorrelated pairs stay near 0
    let r0 = pearson(&column(&draws, idx("age_y")), &column(&draws, idx("penetration.drag_loss_quasistatic")));
    assert!(r0.abs() < 0.05, "{r0}");
}

#[test]
fn inclusion_criteria_are_honoured_and_draws_are_per_patient() {
    let text =
        format!("{SPEC}\n[inclusion]\nage_y = {{ min = 30, max = 45 }}\nfitzpatrick = [1, 2, 3]\nsex = [\"female\"]\n");
    let pop = population::parse(&text, "t.toml").unwrap();
    let share = pop.check_acceptance(1).unwrap();
    // P(30 ≤ age ≤ 45) · P(FST ≤ 3) · P(female) = 0.533 · 0.6 · 0.7 ≈ 0.224
    assert!((share - 0.224).abs() < 0.04, "{share}");
    let (a, f, s) =
        (pop.variable("age_y").unwrap().0, pop.variable("fitzpatrick").unwrap().0, pop.variable("sex").unwrap().0);
    let mut rejected = 0;
    for i in 0..500 {
        let d = pop.sample(1, i).unwrap();
        let age = d.values[a].number().unwrap();
        assert!((30.0..=45.0).contains(&age), "{age}");
        assert!(d.values[f].number().unwrap() <= 3.0);
        assert_eq!(d.values[s], Value::Text("female".into()));
        rejected += d.attempts - 1;
        // a patient's draw depends on (seed, index) only
        assert_eq!(pop.sample(1, i).unwrap(), d);
    }
    assert!(rejected > 0);
    assert_ne!(pop.sample(1, 0).unwrap(), pop.sample(2, 0).unwrap());
}

fn err(text: &str) -> String {
    population::parse(text, "bad.toml").unwrap_err().to_string()
}

#[test]
fn bad_population_files_name_file_field_value_and_allowed_range() {
    let e = err(&SPEC.replace("name = \"test\"", "name = \"test\"\nfoo = 1"));
    assert!(e.contains("bad.toml") && e.contains("`foo`") && e.contains("allowed"), "{e}");
    let e = err(&SPEC.replace("sd = 10", "sd = -1"));
    assert!(
        e.contains("bad.toml:") && e.contains("covariates.age_y.sd") && e.contains("-1") && e.contains("> 0"),
        "{e}"
    );
    let e = err(&SPEC.replace("sd = 10", "sd = 10\nsdd = 3"));
    assert!(e.contains("covariates.age_y.sdd") && e.contains("mean, sd, min, max"), "{e}");
    let e = err(&SPEC.replace("p = [0.7, 0.3]", "p = [0.7, 0.4]"));
    assert!(e.contains("covariates.sex.p") && e.contains("sum to 1"), "{e}");
    let e = err(&SPEC.replace("dist = \"uniform\"", "dist = \"gamma\""));
    assert!(
        e.contains("dist") && e.contains("gamma") && e.contains("normal, lognormal, uniform or categorical"),
        "{e}"
    );
    let e = err(&SPEC.replace("cv = 0.3", "cv = 0"));
    assert!(e.contains("cv") && e.contains("(0, 5]"), "{e}");
    let e = err(&SPEC.replace("min = 0.7\nmax = 0.9", "min = 0.9\nmax = 0.7"));
    assert!(e.contains("max") && e.contains("greater than min"), "{e}");
    let e = err(&SPEC.replace("values = [\"female\", \"male\"]", "values = [\"female\", \"other\"]"));
    assert!(e.contains("covariates.sex") && e.contains("female"), "{e}");
    let e = err(&SPEC.replace("source = \"assumed, because it is a test\"\n[covariates.sex]", "[covariates.sex]"));
    assert!(e.contains("covariates.age_y.source") && e.contains("assumed, because"), "{e}");
    let e = err(&SPEC.replace("rho = -0.6", "rho = 1.5"));
    assert!(e.contains("rho") && e.contains("1.5") && e.contains("(−1, 1)"), "{e}");
    let e = err(&SPEC.replace("between = [\"age_y\", \"healing", "between = [\"weight\", \"healing"));
    assert!(e.contains("weight") && e.contains("known: age_y"), "{e}");
    let bad_matrix = format!(
        "{SPEC}\n[[correlations]]\nbetween = [\"age_y\", \"healing.rates.col_synth_per_d\"]\nrho = 0.9\nsource = \"assumed, because a test\"\n\
         [[correlations]]\nbetween = [\"healing.rates.col3_to_col1_per_d\", \"healing.rates.col_synth_per_d\"]\nrho = 0.9\nsource = \"assumed, because a test\"\n"
    );
    let e = err(&bad_matrix);
    assert!(e.contains("positive definite"), "{e}");
    let e = err(&format!("{SPEC}\n[inclusion]\nbmi = {{ min = 18 }}\n"));
    assert!(e.contains("inclusion.bmi") && e.contains("not a variable"), "{e}");
    let e = err("name = \"x\"\n[covariates.age_y\n");
    assert!(e.contains("bad.toml:2"), "{e}");
    // inclusion that rejects everyone
    let none = population::parse(&format!("{SPEC}\n[inclusion]\nage_y = {{ min = 150 }}\n"), "none.toml").unwrap();
    let e = none.check_acceptance(1).unwrap_err().to_string();
    assert!(e.contains("none.toml") && e.contains("accept 0 of 2000") && e.contains("age_y ≥ 150"), "{e}");
}

#[test]
fn the_cohort_refuses_n_zero_an_unknown_key_and_a_value_out_of_range() {
    let sc = mnsim_scenario::default_toml();
    let pop = || population::parse(SPEC, "t.toml").unwrap();
    let opts = |n| CohortOptions { n, seed: 1, with_transport: false };
    let b = mnsim_sim::Budget::default();
    let e = Cohort::new(sc, "s.toml", pop(), opts(0), b).unwrap_err();
    assert!(matches!(e, CohortError::Size { n: 0 }) && e.to_string().contains("[1, 1000000]"), "{e}");
    let text = SPEC.replace("healing.rates.mac_death_per_d", "healing.rates.no_such_rate");
    let e = Cohort::new(sc, "s.toml", population::parse(&text, "k.toml").unwrap(), opts(4), b).unwrap_err().to_string();
    assert!(e.contains("k.toml") && e.contains("no_such_rate"), "{e}");
    let text = SPEC.replace("mean = 40\nsd = 10", "mean = 400\nsd = 10");
    let e = Cohort::new(sc, "s.toml", population::parse(&text, "a.toml").unwrap(), opts(4), b).unwrap_err().to_string();
    assert!(
        e.contains("a.toml")
            && e.contains("covariates.age_y")
            && e.contains("patient.age_y")
            && e.contains("[12, 100]"),
        "{e}"
    );
    assert!(
        co::parse_shard("2/2", 4).is_err() && co::parse_shard("0/5", 4).is_err() && co::parse_shard("x", 4).is_err()
    );
    assert_eq!(co::parse_shard("1/2", 4).unwrap(), (1, 2));
    assert_eq!(co::shard_range(5, 0, 2), 0..2);
    assert_eq!(co::shard_range(5, 1, 2), 2..5);
}

#[test]
fn every_builtin_population_reads_and_fits_its_worked_scenario() {
    let all = co::builtin_populations();
    assert_eq!(all.len(), 6, "{:?}", all.iter().map(|p| p.0).collect::<Vec<_>>());
    for (name, text) in all {
        let pop = population::parse(text, name).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(pop.name, name);
        let sc = co::worked_scenario(pop.scenario.as_deref().unwrap()).unwrap();
        let share = pop.check_acceptance(1).unwrap();
        assert!(share > 0.5, "{name}: acceptance {share}");
        for v in &pop.variables {
            assert!(v.source.len() > 20, "{name}: {} has no source", v.name);
        }
        let c = Cohort::new(sc, name, pop, CohortOptions { n: 8, seed: 3, with_transport: false }, Default::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        // every patient resolves (the scenario takes every draw)
        for i in 0..8 {
            let d = c.population.sample(3, i).unwrap();
            c.patient_scenario(&d).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}

/// A small, short scenario for the runs: the default pen on a 1.5 mm patch, one session, 14 days
/// of follow-up.
pub fn tiny_scenario() -> String {
    mnsim_scenario::default_toml()
        .replace("session_days = [0, 28, 56]", "session_days = [0]")
        .replace("patch_width_mm = 3", "patch_width_mm = 1.5")
        .replace("patch_height_mm = 3", "patch_height_mm = 1.5")
        .replace("follow_up_d = 180", "follow_up_d = 14")
}

#[test]
fn a_patients_scenario_carries_its_draws_the_fast_path_and_its_own_seed() {
    let pop = population::parse(co::builtin_population("acne-scars-cheek").unwrap(), "p").unwrap();
    let c = Cohort::new(
        &tiny_scenario(),
        "tiny",
        pop,
        CohortOptions { n: 4, seed: 9, with_transport: false },
        Default::default(),
    )
    .unwrap();
    let d = c.population.sample(9, 2).unwrap();
    let s = c.patient_scenario(&d).unwrap();
    let (a, _) = c.population.variable("age_y").unwrap();
    assert_eq!(s.scenario.patient.age_y, d.values[a].number().unwrap());
    assert_eq!(s.scenario.simulation.ensemble_members, 1);
    assert!(!s.scenario.transport.compute_window);
    assert!(s.scenario.topical.is_none(), "hyaluronic acid enters no outcome: no transport");
    assert_eq!(s.seed(), population::patient_seed(9, 2));
    // the scale draw multiplies the patient's own thickness
    let base = c.patient_scenario(&population::Draw {
        values: c
            .population
            .variables
            .iter()
            .zip(&d.values)
            .map(|(v, x)| if v.scale { Value::Number(1.0) } else { x.clone() })
            .collect(),
        ..d.clone()
    });
    let (j, _) = c.population.variable("patient.layers.reticular_dermis_um").unwrap();
    let f = d.values[j].number().unwrap();
    let ratio = s.skin.layers.reticular_dermis_um / base.unwrap().skin.layers.reticular_dermis_um;
    assert!((ratio - f).abs() < 1e-9, "{ratio} vs {f}");
    assert!(c.skipped.iter().any(|s| s.contains("transport of the topical")));
}

#[test]
fn patients_are_bit_identical_across_threads_and_shards_and_chunks_round_trip() {
    let pop = population::parse(co::builtin_population("acne-scars-cheek").unwrap(), "p").unwrap();
    let c = Cohort::new(
        &tiny_scenario(),
        "tiny",
        pop,
        CohortOptions { n: 4, seed: 11, with_transport: false },
        Default::default(),
    )
    .unwrap();
    let run = |threads: usize, range: std::ops::Range<u64>| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| c.run_range(range, &|| {}))
            .unwrap()
    };
    let one = run(1, 0..4);
    let two = run(2, 0..4);
    let mut shards = run(2, 0..1);
    shards.extend(run(1, 1..4));
    let bytes = co::encode_chunk(&one);
    assert_eq!(bytes, co::encode_chunk(&two));
    assert_eq!(bytes, co::encode_chunk(&shards));
    assert_eq!(co::decode_chunk(&bytes).unwrap(), one);
    assert!(one.iter().all(|r| r.figure("outcomes.scar_improvement_pct").is_some()));
    // patients differ from one another
    assert_ne!(one[0].figure("mean_depth_um"), one[1].figure("mean_depth_um"));
    let s = co::summary::summarise(&c.population, &one);
    assert_eq!(s.patients, 4);
    assert!(s.responders.iter().any(|r| r.rule.name == "scar_grade_improved_1"));
    assert!(s.outcomes.iter().any(|o| o.name == "mean_depth_um" && o.sd > 0.0));
}

/// The folder a command streams (the per-patient tables written a chunk at a time with
/// `summary::Table`, every other file from the records' compact `Columns`) is the same bytes as
/// the folder built from the whole records, and the columns read a figure that only a later
/// patient has as absent for the earlier ones.
#[test]
fn a_streamed_folder_is_the_same_bytes_as_the_whole_one() {
    let pop = population::parse(co::builtin_population("acne-scars-cheek").unwrap(), "p").unwrap();
    let c = Cohort::new(
        &tiny_scenario(),
        "tiny",
        pop,
        CohortOptions { n: 3, seed: 5, with_transport: false },
        Default::default(),
    )
    .unwrap();
    let records = c.run_range(0..3, &|| {}).unwrap();
    let info = co::folder::Info { n: 3, shard: None, range: 0..3, resumed: 0, chunk: 2 };
    let meta = mnsim_report::RunMeta {
        mnsim_version: "test".into(),
        git_revision: "test".into(),
        started_utc: "2026-12-06T00:00:00Z".into(),
        wall_time_s: 1.0,
        command: vec!["test".into()],
    };
    let whole = co::folder::files(&c, &records, &info, &meta);
    let mut cols = co::Columns::default();
    let mut patients = co::summary::Table::patients(&c.population, Vec::new()).unwrap();
    let mut outcomes = co::summary::Table::outcomes(&c.population, Vec::new()).unwrap();
    for chunk in records.chunks(2) {
        patients.rows(chunk).unwrap();
        outcomes.rows(chunk).unwrap();
        chunk.iter().for_each(|r| cols.push(r));
    }
    let streamed = co::folder::summary_files(&c, &cols, &info, &meta);
    let mut files = streamed.files.clone();
    files.insert(1, (co::folder::PATIENTS_TABLE.to_string(), patients.finish().unwrap()));
    files.insert(2, (co::folder::OUTCOMES_TABLE.to_string(), outcomes.finish().unwrap()));
    assert_eq!(files.len(), whole.files.len());
    for ((n1, b1), (n2, b2)) in files.iter().zip(&whole.files) {
        assert_eq!(n1, n2);
        assert!(b1 == b2, "{n1} differs between the streamed and the whole folder");
    }
    assert_eq!(streamed.doc, whole.doc);
    // a figure that the first patient lacks is absent for it, present for the later one
    let mut late = records[1].clone();
    late.figures.push(("only_late".to_string(), 2.5));
    late.units.push("1".to_string());
    let cols = co::Columns::of(&[records[0].clone(), late]);
    let rows = cols.rows();
    use co::Patient;
    assert_eq!(rows[0].figure("only_late"), None);
    assert_eq!(rows[1].figure("only_late"), Some(2.5));
    assert_eq!(rows[0].figure("mean_depth_um"), records[0].figure("mean_depth_um"));
    assert_eq!(cols.names_units().last().unwrap(), &("only_late".to_string(), "1".to_string()));
}

/// The fast path skips only what no outcome reads: a patient's outcomes are the same numbers as
/// a full run of the same patient (topical kept, window search on) with the nominal member.
#[test]
fn the_fast_path_leaves_every_outcome_as_the_full_run_has_it() {
    let pop = population::parse(co::builtin_population("acne-scars-cheek").unwrap(), "p").unwrap();
    let c = Cohort::new(
        &tiny_scenario(),
        "tiny",
        pop,
        CohortOptions { n: 1, seed: 2, with_transport: false },
        Default::default(),
    )
    .unwrap();
    let fast = c.run_patient(0).unwrap();
    let mut full = c.patient_scenario(&fast.draw).unwrap();
    let kept = mnsim_scenario::parse(&tiny_scenario(), "tiny").unwrap();
    full.scenario.topical = kept.scenario.topical.clone();
    full.scenario.transport.compute_window = true;
    let r = mnsim_sim::run(&full, &mut mnsim_sim::NoProgress).unwrap();
    let mut compared = 0;
    for f in r.figures.iter().filter(|f| !f.name.starts_with("transport_")) {
        let v = fast.figure(&f.name).unwrap_or_else(|| panic!("the fast path lost `{}`", f.name));
        assert!(v.to_bits() == f.value.to_bits(), "{}: fast {v} vs full {}", f.name, f.value);
        compared += 1;
    }
    assert!(compared > 50 && r.figures.iter().any(|f| f.name.starts_with("transport_")));
}
