//! `mnsim plan` end to end: the folder, the recommended scenario that `mnsim run` reproduces,
//! the same CSV for the same seed, an infeasible plan, and bad plan files. Tiny scenario: a
//! 1.5 mm patch, 14 days of follow-up, no serum.

use assert_cmd::Command;
use std::path::Path;

fn mnsim() -> Command {
    Command::cargo_bin("mnsim").expect("binary built")
}

fn tiny_scenario(dir: &Path) {
    let text = mnsim_study::plan::worked_scenario("acne-scars-cheek").unwrap();
    let mut t: toml::Table = toml::from_str(text).unwrap();
    t.remove("topical");
    let sim = t["simulation"].as_table_mut().unwrap();
    sim.insert("patch_width_mm".into(), toml::Value::Float(1.5));
    sim.insert("patch_height_mm".into(), toml::Value::Float(1.5));
    sim.insert("follow_up_d".into(), toml::Value::Float(14.0));
    sim.insert("ensemble_members".into(), toml::Value::Integer(2));
    std::fs::write(dir.join("tiny.toml"), toml::to_string(&t).unwrap()).unwrap();
}

fn write_plan(dir: &Path, constraint_max: f64) -> std::path::PathBuf {
    tiny_scenario(dir);
    let p = dir.join("plan.toml");
    std::fs::write(
        &p,
        format!(
            "[plan]\nname = \"tiny\"\nscenario = \"tiny.toml\"\n\n[[variable]]\nkey = \"device.needle_length_um\"\nkind = \"set\"\nvalues = [500, 1500]\n\n[[variable]]\nkey = \"protocol.passes_per_direction\"\nkind = \"integer\"\nlow = 1\nhigh = 2\n\n[[objective]]\nfigure = \"outcomes.scar_improvement_pct\"\ngoal = \"maximise\"\n\n[[objective]]\nfigure = \"downtime_d\"\ngoal = \"minimise\"\n\n[[constraint]]\nfigure = \"bleeding_fraction\"\nmax = {constraint_max}\n"
        ),
    )
    .unwrap();
    p
}

#[test]
fn a_plan_writes_its_folder_and_the_recommended_scenario_reproduces_under_mnsim_run() {
    let tmp = tempfile::tempdir().unwrap();
    let plan = write_plan(tmp.path(), 1.0);
    let out = tmp.path().join("p1");
    let o = mnsim().arg("plan").arg(&plan).arg("--out").arg(&out).arg("--seed").arg("5").output().unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}\n{stdout}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout.contains("recommended protocol") && stdout.contains("Pareto front"), "{stdout}");
    assert!(stdout.contains("evaluations/s"), "{stdout}");
    for f in ["plan.html", "candidates.csv", "plan.json", "recommended.toml", "manifest.json"] {
        assert!(out.join(f).is_file(), "{f}");
    }
    // the plan page: the recommendation beside the current protocol, its range flag, the
    // candidates' scatter, both time courses, the near-optimal set and the variables' effects
    let page = std::fs::read_to_string(out.join("plan.html")).unwrap();
    for part in [
        "Recommended protocol",
        "current protocol",
        "calibrated range",
        "Pareto front",
        "Time courses",
        "Near-optimal protocols",
        "Which decisions matter",
        "Every candidate",
    ] {
        assert!(page.contains(part), "plan.html lacks {part:?}");
    }
    assert_eq!(page.matches("<circle").count() - 5, 4, "one point per candidate (plus 5 legend marks)");
    assert!(page.matches("<svg").count() >= 1 + 5 + 3, "scatter, legend marks and three time-course charts");
    let csv = std::fs::read_to_string(out.join("candidates.csv")).unwrap();
    let head = csv.lines().next().unwrap();
    assert_eq!(
        head,
        "candidate,device.needle_length_um,protocol.passes_per_direction,outcomes.scar_improvement_pct,downtime_d,bleeding_fraction,feasible,pareto,rejected"
    );
    assert_eq!(csv.lines().count(), 5);
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("plan.json")).unwrap()).unwrap();
    assert_eq!(doc["seed"], 5);
    assert_eq!(doc["method"], "exhaustive");
    assert!(doc["feasible"].as_bool().unwrap());
    // how sensitive the recommendation is, and the current protocol it is set beside
    assert_eq!(doc["candidates"].as_array().unwrap().len(), 4);
    let effects = doc["variable_effects"].as_array().unwrap();
    assert_eq!(effects.len(), 2, "one main effect per decision variable");
    assert!(effects[0]["range"].as_f64().unwrap() >= effects[1]["range"].as_f64().unwrap(), "largest first");
    let near = &doc["near_optimal"];
    assert!(near["tolerance"].as_f64().unwrap() >= 0.0 && !near["candidates"].as_array().unwrap().is_empty());
    assert_eq!(near["candidates"][0]["candidate"], doc["recommendation"]["candidate"], "the best is near-optimal");
    assert_eq!(doc["current"]["values"]["device.needle_length_um"], 1500.0);
    assert!(doc["current"]["figures"]["downtime_d"].as_f64().unwrap() > 0.0);
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["mnsim_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(m["details"]["seed"], 5);
    // mnsim run on recommended.toml gives the figures of the plan's rerun
    let run = tmp.path().join("run");
    let o = mnsim().arg("run").arg(out.join("recommended.toml")).args(["--quiet", "--out"]).arg(&run).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let res: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("results.json")).unwrap()).unwrap();
    let planned = doc["recommendation"]["figures"].as_array().unwrap();
    assert!(planned.len() > 20);
    for b in planned {
        let name = b["name"].as_str().unwrap();
        let a = match name.strip_prefix("outcomes.") {
            Some(n) => &res["outcomes"][n]["value"],
            None => &res["figures"][name]["value"],
        };
        assert_eq!(a, &b["value"], "{name}");
    }
    // same seed, same candidates, bit for bit
    let out2 = tmp.path().join("p2");
    let o =
        mnsim().arg("plan").arg(&plan).arg("--out").arg(&out2).arg("--seed").arg("5").arg("--json").output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["out_dir"], out2.display().to_string());
    assert_eq!(std::fs::read(out.join("candidates.csv")).unwrap(), std::fs::read(out2.join("candidates.csv")).unwrap());
    assert_eq!(
        std::fs::read(out.join("recommended.toml")).unwrap(),
        std::fs::read(out2.join("recommended.toml")).unwrap()
    );
}

/// A population plan: each candidate runs the same three patients of the built-in acne-scar
/// population; the objective is their median, the constraint their 90th percentile, and the
/// figures reported for the recommendation are those statistics over the same patients.
#[test]
fn a_population_plan_reads_statistics_over_the_same_patients_for_every_candidate() {
    let tmp = tempfile::tempdir().unwrap();
    tiny_scenario(tmp.path());
    let plan = tmp.path().join("pop.toml");
    std::fs::write(
        &plan,
        "[plan]\nname = \"pop\"\nscenario = \"tiny.toml\"\n\n[plan.cohort]\npopulation = \"acne-scars-cheek\"\npatients = 3\n\n[[variable]]\nkey = \"device.needle_length_um\"\nkind = \"set\"\nvalues = [500, 1500]\n\n[[objective]]\nfigure = \"outcomes.scar_improvement_pct\"\ngoal = \"maximise\"\n\n[[constraint]]\nfigure = \"downtime_d\"\nmax = 10\nstatistic = \"quantile\"\nq = 0.9\n",
    )
    .unwrap();
    let out = tmp.path().join("p");
    let o = mnsim().arg("plan").arg(&plan).arg("--out").arg(&out).output().unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}\n{stdout}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout.contains("median of outcomes.scar_improvement_pct"), "{stdout}");
    assert!(stdout.contains("90th percentile of downtime_d <= 10"), "{stdout}");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("plan.json")).unwrap()).unwrap();
    let pop = &doc["population"];
    assert_eq!(pop["patients"], 3);
    let rec = pop["recommended"].as_array().unwrap();
    assert_eq!(rec.len(), 2, "one summary per objective and constraint");
    // the statistics the search read are the recommendation's reported values
    assert_eq!(doc["recommendation"]["objectives"][0]["value"], rec[0]["value"]);
    assert_eq!(doc["recommendation"]["constraints"][0]["value"], rec[1]["value"]);
    let chosen = doc["recommendation"]["candidate"].as_u64().unwrap() as usize;
    let searched = &doc["candidates"][chosen]["figures"]["outcomes.scar_improvement_pct"];
    assert_eq!(searched, &rec[0]["value"], "same patients in the search and the rerun");
    for f in rec {
        let (lo, med, hi) = (f["p05"].as_f64().unwrap(), f["median"].as_f64().unwrap(), f["p95"].as_f64().unwrap());
        assert!(lo <= med && med <= hi && f["n"] == 3, "{f}");
    }
    assert_eq!(pop["current"].as_array().unwrap().len(), 2);
    let page = std::fs::read_to_string(out.join("plan.html")).unwrap();
    assert!(page.contains("Over the plan's patients") && page.contains("acne-scars-cheek"));
    // a statistic without a cohort, and an unknown population, are invalid input
    let bad = tmp.path().join("bad.toml");
    let text = std::fs::read_to_string(&plan).unwrap();
    std::fs::write(&bad, text.replace("[plan.cohort]\npopulation = \"acne-scars-cheek\"\npatients = 3\n", "")).unwrap();
    let o = mnsim().arg("plan").arg(&bad).arg("--out").arg(tmp.path().join("b")).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("constraint[0].statistic"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::write(&bad, text.replace("\"acne-scars-cheek\"", "\"nobody\"")).unwrap();
    let o = mnsim().arg("plan").arg(&bad).arg("--out").arg(tmp.path().join("b")).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("plan.cohort.population"));
}

/// A plan stopped after two evaluations keeps them beside its output folder; the same command
/// then resumes from them and writes the same candidates, bit for bit, as an uninterrupted
/// plan; the evaluations folder is removed once the output is written.
#[test]
fn an_interrupted_plan_resumes_to_the_same_candidates() {
    let tmp = tempfile::tempdir().unwrap();
    let plan = write_plan(tmp.path(), 1.0);
    let whole = tmp.path().join("whole");
    let o = mnsim().arg("plan").arg(&plan).arg("--out").arg(&whole).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = tmp.path().join("cut");
    let evals = tmp.path().join("cut.evals");
    let o =
        mnsim().arg("plan").arg(&plan).arg("--out").arg(&out).args(["--stop-after-evaluations", "2"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("rerun the same command to resume"), "{stderr}");
    assert!(!out.exists(), "no half-written output folder");
    let kept = std::fs::read_dir(&evals)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "json"))
        .count();
    assert!(kept >= 3, "stamp + at least two evaluations, found {kept}");
    let o = mnsim().arg("plan").arg(&plan).arg("--out").arg(&out).output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(stderr.contains("resumed"), "{stderr}");
    assert_eq!(
        std::fs::read(whole.join("candidates.csv")).unwrap(),
        std::fs::read(out.join("candidates.csv")).unwrap()
    );
    assert_eq!(
        std::fs::read(whole.join("recommended.toml")).unwrap(),
        std::fs::read(out.join("recommended.toml")).unwrap()
    );
    assert!(!evals.exists(), "the evaluations folder is removed once the plan is written");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("plan.json")).unwrap()).unwrap();
    assert!(doc["resumed_candidates"].as_u64().unwrap() >= 2);
    // another plan (another seed) refuses the folder of this one
    let o = mnsim()
        .arg("plan")
        .arg(&plan)
        .arg("--out")
        .arg(&out)
        .args(["--stop-after-evaluations", "1", "--force"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3));
    let o = mnsim().arg("plan").arg(&plan).arg("--out").arg(&out).args(["--seed", "9", "--force"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("other inputs") && stderr.contains("plan"), "{stderr}");
}

#[test]
fn an_infeasible_plan_names_the_constraint_and_its_best_value_and_exits_1() {
    let tmp = tempfile::tempdir().unwrap();
    let plan = write_plan(tmp.path(), -1.0);
    let out = tmp.path().join("p");
    let o = mnsim().arg("plan").arg(&plan).arg("--out").arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("INFEASIBLE") && stdout.contains("bleeding_fraction <= -1"), "{stdout}");
    assert!(
        stderr.contains("infeasible")
            && stderr.contains("bleeding_fraction <= -1")
            && stderr.contains("best achievable"),
        "{stderr}"
    );
    assert!(out.join("candidates.csv").is_file() && !out.join("recommended.toml").exists());
}

#[test]
fn bad_plan_files_are_invalid_input_naming_the_field() {
    let tmp = tempfile::tempdir().unwrap();
    let plan = write_plan(tmp.path(), 1.0);
    let text = std::fs::read_to_string(&plan).unwrap();
    for (bad, wants) in [
        (text.replace("device.needle_length_um", "device.needle_lenght_um"), vec!["variable[0]", "needle_lenght_um"]),
        (
            text.replace("figure = \"downtime_d\"", "figure = \"downtime\""),
            vec!["objective[1].figure", "\"downtime\"", "downtime_d"],
        ),
        (text.replace("low = 1\nhigh = 2", "low = 2\nhigh = 1"), vec!["variable[1].high", "at least low"]),
    ] {
        std::fs::write(&plan, bad).unwrap();
        let out = tmp.path().join("bad");
        let o = mnsim().arg("plan").arg(&plan).arg("--out").arg(&out).output().unwrap();
        assert_eq!(o.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(stderr.contains("plan.toml"), "{stderr}");
        for w in wants {
            assert!(stderr.contains(w), "`{w}` not in {stderr}");
        }
        assert!(!out.exists(), "nothing is written for invalid input");
    }
    let o = mnsim().args(["plan", "--example", "nope"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("acne-scars"));
}

/// Slow (two runs of the full-size acne-scars scenario, ≈ 15 s of CPU): `--ignored`.
#[test]
#[ignore]
fn bench_plan_prints_evaluations_per_second_as_json() {
    let o = mnsim().args(["bench", "plan", "--candidates", "1", "--threads", "1", "--json"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["candidates"], 1);
    assert!(j["evaluations_per_s"].as_f64().unwrap() > 0.0);
    assert_eq!(j["plan"], "acne-scars");
    let o = mnsim().args(["bench", "plan", "--candidates", "0"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
}
