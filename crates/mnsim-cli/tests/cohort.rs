//! `mnsim cohort` end to end on a tiny scenario (one session, 14 days of follow-up, a 1.5 mm
//! patch): the folder, bit identity across thread counts, shards and chunk sizes, resume after
//! an interrupted cohort, and bad input.

mod common;
use common::mnsim;
use std::path::{Path, PathBuf};

/// The default scenario made small: one session, 14 days of follow-up, a 1.5 × 1.5 mm patch.
fn tiny_scenario(dir: &Path) -> PathBuf {
    let o = mnsim().args(["scenario", "--print-default"]).output().unwrap();
    let text = String::from_utf8(o.stdout)
        .unwrap()
        .replace("session_days = [0, 28, 56]", "session_days = [0]")
        .replace("patch_width_mm = 3", "patch_width_mm = 1.5")
        .replace("patch_height_mm = 3", "patch_height_mm = 1.5")
        .replace("follow_up_d = 180", "follow_up_d = 14");
    let f = dir.join("tiny.toml");
    std::fs::write(&f, text).unwrap();
    f
}

fn cohort(scenario: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    mnsim()
        .arg("cohort")
        .arg(scenario)
        .args(["--population", "acne-scars-cheek", "--n", "4", "--seed", "5", "--json", "--out"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn a_cohort_is_the_same_bits_whatever_the_threads_shards_chunks_or_an_interruption() {
    let tmp = tempfile::tempdir().unwrap();
    let sc = tiny_scenario(tmp.path());
    // the whole cohort on one thread
    let one = tmp.path().join("one");
    let o = cohort(&sc, &one, &["--threads", "1"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON document");
    assert_eq!(doc["patients"], 4);
    assert!(
        doc["summary"]["responders"].as_array().unwrap().iter().any(|r| r["rule"]["name"] == "scar_grade_improved_1")
    );
    assert!(doc["skipped"].as_array().unwrap().iter().any(|s| s.as_str().unwrap().contains("transport_window")));
    let mut files = vec![
        "manifest.json",
        "patients.csv",
        "outcomes.csv",
        "summary.csv",
        "responders.csv",
        "subgroups.csv",
        "separation.csv",
        "summary.json",
        "cohort.html",
    ];
    if cfg!(feature = "parquet") {
        files.push("outcomes.parquet");
    }
    for f in &files {
        assert!(one.join(f).is_file(), "{f} missing");
    }
    assert!(!tmp.path().join("one.chunks").exists(), "the chunks are removed once the folder is written");
    let manifest: serde_json::Value = serde_json::from_slice(&read(&one.join("manifest.json"))).unwrap();
    assert_eq!(manifest["kind"], "cohort");
    assert_eq!(manifest["details"]["seed"], 5);
    assert!(manifest["mnsim_version"].is_string() && manifest["details"]["population"]["variables"].is_array());
    assert!(manifest["details"]["scenario"]["simulation"].is_object(), "the resolved scenario is stamped");
    let csv = String::from_utf8(read(&one.join("outcomes.csv"))).unwrap();
    assert!(csv.starts_with("patient,age_y,sex,fitzpatrick,outcome,value,unit\n"), "{}", &csv[..80]);
    assert!(csv.lines().any(|l| l.starts_with("3,") && l.contains(",outcomes.scar_improvement_pct,")));
    let page = String::from_utf8(read(&one.join("cohort.html"))).unwrap();
    assert!(page.contains("<svg") && page.contains("scar_grade_improved_1") && page.ends_with("</html>\n"));
    let patients = String::from_utf8(read(&one.join("patients.csv"))).unwrap();
    assert_eq!(patients.lines().count(), 5, "{patients}");

    // two threads, chunks of three: the same bytes
    let two = tmp.path().join("two");
    let o = cohort(&sc, &two, &["--threads", "2", "--chunk", "3"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in files.iter().filter(|f| !f.ends_with(".json")) {
        assert!(read(&one.join(f)) == read(&two.join(f)), "{f} differs between 1 and 2 threads");
    }

    // two shards: their rows, in order, are the whole cohort's
    let mut rows = Vec::new();
    for k in 0..2 {
        let dir = tmp.path().join(format!("shard{k}"));
        let o = cohort(&sc, &dir, &["--shard", &format!("{k}/2"), "--threads", "2"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let text = String::from_utf8(read(&dir.join("outcomes.csv"))).unwrap();
        let mut lines = text.lines();
        let header = lines.next().unwrap().to_string();
        if k == 0 {
            rows.push(header);
        }
        rows.extend(lines.map(str::to_string));
    }
    assert!(rows.join("\n") + "\n" == csv, "the shards do not combine to the whole cohort");
    // `mnsim cohort merge` of the shard folders (tmp holds them beside folders without a
    // shard.json): the whole cohort's data files, the same bytes
    let merged = tmp.path().join("merged");
    let o = mnsim().args(["cohort", "merge"]).arg(tmp.path()).arg("--json").arg("--out").arg(&merged).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON document");
    assert_eq!(doc["patients"], 4);
    for f in files.iter().filter(|f| f.ends_with(".csv") || f.ends_with(".parquet")) {
        assert!(read(&one.join(f)) == read(&merged.join(f)), "{f} differs between the merged shards and one run");
    }
    assert!(!merged.join("shard.json").exists(), "a merged cohort is not a shard");
    // a missing shard is refused, naming it
    std::fs::remove_dir_all(tmp.path().join("shard1")).unwrap();
    let o = mnsim().args(["cohort", "merge"]).arg(tmp.path()).arg("--out").arg(tmp.path().join("m2")).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("1/2") && err.contains("missing"), "{err}");

    // interrupted after two chunks of one patient: no output folder, the chunks kept
    let resumed = tmp.path().join("resumed");
    let o = cohort(&sc, &resumed, &["--chunk", "1", "--stop-after-chunks", "2"]);
    assert_eq!(o.status.code(), Some(3), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!resumed.exists(), "no half-written output folder");
    let chunks = tmp.path().join("resumed.chunks");
    let n = std::fs::read_dir(&chunks)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with("chunk-"))
        .count();
    assert_eq!(n, 2);
    // other inputs are refused while the chunks are there
    let o = mnsim()
        .arg("cohort")
        .arg(&sc)
        .args(["--population", "acne-scars-cheek", "--n", "4", "--seed", "6", "--chunk", "1", "--out"])
        .arg(&resumed)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("resumed.chunks") && err.contains("options"), "{err}");
    // the same command continues and gives the same file as the uninterrupted cohort
    let o = cohort(&sc, &resumed, &["--chunk", "1"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["resumed_patients"], 2);
    for f in files.iter().filter(|f| !f.ends_with(".json")) {
        assert!(read(&one.join(f)) == read(&resumed.join(f)), "{f} differs after a resume");
    }
    assert!(!chunks.exists());
}

#[test]
fn bad_cohort_input_is_refused_before_any_run_with_file_field_value_and_range() {
    let tmp = tempfile::tempdir().unwrap();
    let sc = tiny_scenario(tmp.path());
    let run = |args: &[&str]| {
        let o = mnsim().arg("cohort").arg(&sc).args(args).arg("--out").arg(tmp.path().join("x")).output().unwrap();
        (o.status.code(), String::from_utf8_lossy(&o.stderr).to_string())
    };
    let (code, err) = run(&["--population", "acne-scars-cheek", "--n", "0"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("--n 0") && err.contains("[1, 1000000]"), "{err}");
    let (code, err) = run(&["--population", "no-such-population", "--n", "4"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("no-such-population") && err.contains("acne-scars-cheek"), "{err}");
    let (code, err) = run(&["--population", "acne-scars-cheek", "--n", "4", "--shard", "3/2"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("--shard 3/2"), "{err}");
    let base = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/populations/acne-scars-cheek.toml"),
    )
    .unwrap();
    let bad = tmp.path().join("bad.toml");
    std::fs::write(&bad, base.replace("[inclusion]", "[inclusion]\nsex = [\"other\"]")).unwrap();
    let (code, err) = run(&["--population", bad.to_str().unwrap(), "--n", "4"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("bad.toml") && err.contains("inclusion.sex") && err.contains("female, male"), "{err}");
    std::fs::write(&bad, base.replace("age_y = { min = 18, max = 45 }", "age_y = { min = 60 }")).unwrap();
    let (code, err) = run(&["--population", bad.to_str().unwrap(), "--n", "4"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("bad.toml") && err.contains("accept 0 of 2000"), "{err}");
    // a draw the scenario rejects (an age under its 12 y) is refused before any run
    std::fs::write(
        &bad,
        base.replace("mean = 27", "mean = 15")
            .replace("min = 18\nmax = 50", "min = 5\nmax = 50")
            .replace("age_y = { min = 18, max = 45 }", "age_y = { max = 45 }"),
    )
    .unwrap();
    let (code, err) = run(&["--population", bad.to_str().unwrap(), "--n", "16", "--seed", "1"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("patient ") && err.contains("patient.age_y") && err.contains("[12, 100]"), "{err}");
    std::fs::write(&bad, base.replace("cv = 0.27", "cv = 0.27\ncvv = 1")).unwrap();
    let (code, err) = run(&["--population", bad.to_str().unwrap(), "--n", "4"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("bad.toml:") && err.contains("cvv") && err.contains("allowed"), "{err}");
    std::fs::write(&bad, base.replace("healing.rates.col_synth_per_d", "healing.rates.col_synthesis")).unwrap();
    let (code, err) = run(&["--population", bad.to_str().unwrap(), "--n", "4"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("bad.toml") && err.contains("col_synthesis"), "{err}");
    assert!(!tmp.path().join("x").exists() && !tmp.path().join("x.chunks").exists());
}

/// `mnsim bench cohort` runs the default indication (three sessions, 180 days): slow.
#[test]
#[ignore]
fn bench_cohort_prints_patients_per_second() {
    let o = mnsim().args(["bench", "cohort", "--n", "2", "--threads", "2", "--json"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(doc["patients_per_s"].as_f64().unwrap() > 0.0);
}
