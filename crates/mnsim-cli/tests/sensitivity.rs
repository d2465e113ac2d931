//! `mnsim sensitivity` end to end (issue 15 item 4) on the cheapest scenario: two parameters,
//! a penetration figure, N = 8 (32 design runs and the base run).

mod common;
use common::{fast_scenario, mnsim};

const LENGTH: &str = "device.needle_length_um";
const AGE: &str = "patient.age_y";

#[test]
fn sobol_on_two_parameters_writes_the_folder_and_needle_length_dominates_depth() {
    let tmp = tempfile::tempdir().unwrap();
    let f = fast_scenario(tmp.path());
    let out = tmp.path().join("sa");
    let o = mnsim()
        .arg("sensitivity")
        .arg(&f)
        .args(["--param", &format!("{LENGTH}=500:2000"), "--param", &format!("{AGE}=20:70")])
        .args(["--method", "sobol", "--n", "8", "--outputs", "mean_depth_um", "--json", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("stdout is one JSON document");
    assert_eq!(doc["model_runs"], 8 * 4 + 1);
    for name in ["sensitivity.csv", "sensitivity.json", "manifest.json"] {
        assert!(out.join(name).is_file(), "{name} missing");
    }
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("sensitivity.json")).unwrap()).unwrap();
    assert_eq!(file["result"], doc["result"]);
    let st = |param: &str| {
        doc["result"]["indices"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["param"] == param && i["output"] == "mean_depth_um")
            .unwrap_or_else(|| panic!("no index of {param}"))["st"]
            .as_f64()
            .unwrap()
    };
    assert!(st(LENGTH) > st(AGE), "ST of needle length {} vs age {}", st(LENGTH), st(AGE));
    let csv = std::fs::read_to_string(out.join("sensitivity.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("output,output_unit,param,s1,s1_low_95,s1_high_95,st,st_low_95,st_high_95"));
    assert_eq!(lines.count(), 2, "{csv}");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["kind"], "sensitivity");
    assert_eq!(manifest["details"]["design"]["n"], 8);
    assert_eq!(manifest["details"]["ensemble_members_per_run"], 1);
    assert!(manifest["details"]["scenario"]["device"]["needle_length_um"].is_number());
}

#[test]
fn bad_input_exits_1_before_any_run_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let f = fast_scenario(tmp.path());
    let out = tmp.path().join("never");
    let len = format!("--param={LENGTH}=500:2000");
    for (args, says) in [
        (vec![len.clone(), "--n=12".into()], "power of two"),
        (vec![format!("--param={LENGTH}=2000:500"), "--n=8".into()], "low end"),
        (vec!["--param=device.nope=1:2".into(), "--n=8".into()], "device.nope"),
        (vec![format!("--param={AGE}=5:40"), "--n=8".into()], "[12, 100]"),
        (vec![len.clone(), "--n=8".into(), "--outputs=no_such_figure".into()], "no_such_figure"),
        (vec![len.clone(), "--method=morris".into(), "--n=1".into()], "trajectories"),
        (vec!["--param=x".into(), "--n=8".into()], "KEY=LOW:HIGH"),
    ] {
        let o = mnsim().arg("sensitivity").arg(&f).args(&args).arg("--quiet").arg("--out").arg(&out).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(says) && !err.contains("panicked"), "{args:?}: {err}");
        assert!(!out.exists(), "{args:?} left {}", out.display());
    }
}

/// Time-resolved indices: a healing time course read at three days is three outputs
/// (`course.collagen_total@Td`), each with its indices, drawn over time on sensitivity.html
/// beside the bars of the scalar output. One session of the acne-scar scenario on a 1.5 mm
/// patch, 14 days, no serum; Morris, 2 trajectories of 2 parameters (6 runs and the base run).
#[test]
fn time_courses_get_indices_at_each_day_and_a_page() {
    let tmp = tempfile::tempdir().unwrap();
    let mut t: toml::Table = toml::from_str(mnsim_study::plan::worked_scenario("acne-scars-cheek").unwrap()).unwrap();
    t.remove("topical");
    let sim = t["simulation"].as_table_mut().unwrap();
    for (k, v) in [("patch_width_mm", 1.5), ("patch_height_mm", 1.5), ("follow_up_d", 14.0)] {
        sim.insert(k.into(), toml::Value::Float(v));
    }
    let p = t["protocol"].as_table_mut().unwrap();
    p.insert("session_days".into(), toml::Value::Array(vec![toml::Value::Float(0.0)]));
    let f = tmp.path().join("heal.toml");
    std::fs::write(&f, toml::to_string(&t).unwrap()).unwrap();
    let out = tmp.path().join("sa");
    let o = mnsim()
        .arg("sensitivity")
        .arg(&f)
        .args(["--param", &format!("{LENGTH}=500:1500"), "--param", &format!("{AGE}=20:70")])
        .args(["--method", "morris", "--n", "2", "--outputs", "mean_depth_um"])
        .args(["--time-courses", "collagen_total", "--times", "1,7,14", "--json", "--quiet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let names: Vec<&str> = doc["outputs"].as_array().unwrap().iter().map(|x| x["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["mean_depth_um", "course.collagen_total@1d", "course.collagen_total@7d", "course.collagen_total@14d"]
    );
    assert_eq!(doc["result"]["effects"].as_array().unwrap().len(), 4 * 2, "every output × parameter");
    let page = std::fs::read_to_string(out.join("sensitivity.html")).unwrap();
    assert!(
        page.contains("Over time") && page.contains("mu_star of `collagen_total` over time"),
        "time-resolved chart"
    );
    assert!(page.contains("mean_depth_um (µm)"), "the scalar output's chart");
    // a day outside the course, and a course the run does not have, are invalid input
    for (args, want) in [
        (vec!["--time-courses", "collagen_total", "--times", "99"], "--times 99"),
        (vec!["--time-courses", "no_such_var", "--times", "7"], "course.no_such_var@7d"),
    ] {
        let o = mnsim()
            .arg("sensitivity")
            .arg(&f)
            .args(["--param", &format!("{LENGTH}=500:1500"), "--method", "morris", "--n", "2", "--quiet"])
            .args(&args)
            .arg("--out")
            .arg(tmp.path().join("bad"))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(err.contains(want), "{err}");
    }
}
