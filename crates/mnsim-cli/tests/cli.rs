//! The `mnsim` binary end to end, as a user runs it.

use assert_cmd::Command;
use std::path::Path;

fn mnsim() -> Command {
    Command::cargo_bin("mnsim").expect("binary built")
}

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().parent().unwrap()
}

#[test]
fn default_run_writes_a_complete_stamped_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let o = mnsim().args(["run", "--quiet", "--out"]).arg(&out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("mean depth reached") && stdout.contains("holes per cm² per session"), "{stdout}");
    assert!(stdout.contains("collagen") && stdout.contains("5–95 %"), "{stdout}");
    // a ratio reads as times, not as the SI unit "1" of results.json
    assert!(
        stdout.lines().any(|l| l.contains("enhancement vs intact skin") && l.trim_end().ends_with('×')),
        "{stdout}"
    );
    for f in [
        "report.html",
        "healing.csv",
        "delivery.csv",
        "outcomes.csv",
        "healing_matrix.svg",
        "outcomes.svg",
        "manifest.json",
        "results.json",
        "punctures.csv",
        "layers.csv",
        "puncture_map.svg",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    // with the `parquet` feature every table has its typed Parquet beside it (src/tables.rs)
    let tables: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    assert!(tables.len() >= 6, "{tables:?}");
    for t in &tables {
        assert_eq!(t.with_extension("parquet").is_file(), cfg!(feature = "parquet"), "{}", t.display());
    }
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["mnsim_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(m["seed"], 20_261_125);
    assert_eq!(m["scenario"]["device"]["needle_count"], 12, "defaults are written into the resolved scenario");
    assert!(m["scenario_toml"].as_str().unwrap().contains("needle_length_um = 1500"));
    assert!(m["git_revision"].is_string() && m["wall_time_s"].as_f64().unwrap() >= 0.0);
    let svg = std::fs::read_to_string(out.join("puncture_map.svg")).unwrap();
    assert!(svg.contains("<svg") && svg.contains("Puncture map") && svg.contains("depth below surface (µm)"));
    let results: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("results.json")).unwrap()).unwrap();
    assert_eq!(results["outcomes"]["collagen_change_pct"]["unit"], "%");
    // the dense default pen course is outside the healing calibration, and the run says so
    let warnings = results["warnings"].as_array().unwrap();
    assert!(warnings.iter().any(|w| w.as_str().unwrap().contains("of the dermis")), "{warnings:?}");
    assert!(stdout.contains("warning: a session wounds"));
    assert!(results["outcomes"]["collagen_change_pct"]["ensemble_p05"].is_number());
    let healing = std::fs::read_to_string(out.join("healing.csv")).unwrap();
    assert!(healing.starts_with("time_d,phase,region,quantity,value,ensemble_p05,ensemble_p95,unit"));
    // (time, phase, region, quantity) is a key: the two samples at a session time are told apart
    let mut keys = std::collections::HashSet::new();
    let mut phases = std::collections::BTreeMap::new();
    for line in healing.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        assert!(keys.insert((f[0], f[1], f[2], f[3])), "duplicate key in healing.csv: {line}");
        *phases.entry(f[1]).or_insert(0usize) += 1;
    }
    // the ensemble band of each time course: ordered everywhere, collapsed on the homeostatic
    // state before the first session, open at the end of the follow-up
    let collagen: Vec<Vec<f64>> = healing
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f[2] == "patch" && f[3] == "collagen_total")
        .map(|f| f[4..7].iter().map(|x| x.parse::<f64>().unwrap()).collect())
        .collect();
    for line in healing.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (lo, hi): (f64, f64) = (f[5].parse().unwrap(), f[6].parse().unwrap());
        assert!(lo <= hi, "band out of order: {line}");
    }
    let (first, last) = (&collagen[0], collagen.last().unwrap());
    assert!(first[1] == first[2] && first[0] == first[1], "band at baseline: {first:?}");
    assert!(last[1] < last[2], "no ensemble spread at the end: {last:?}");
    // the default course has 3 sessions: as many rows before as after them
    assert_eq!(phases.get("before_session"), phases.get("after_session"), "{phases:?}");
    assert!(phases.get("before_session").is_some_and(|&n| n > 0) && phases.contains_key("course"), "{phases:?}");
    let header = std::fs::read_to_string(out.join("punctures.csv")).unwrap().lines().next().unwrap().to_string();
    assert_eq!(
        header,
        "puncture,session,pass,needle,x_um,y_um,time_s,angle_deg,depth_um,deepest_layer,surface_diameter_um"
    );
}

#[test]
fn existing_folder_is_kept_without_force_and_replaced_with_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("precious.txt"), "keep me").unwrap();
    // the folder rules do not depend on the scenario: a fast one (no topical, no healing)
    let sc = fast_scenario(tmp.path());
    let o = mnsim().arg("run").arg(&sc).args(["--quiet", "--out"]).arg(&out).output().unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
    assert!(out.join("precious.txt").exists());
    // --force replaces only an mnsim output folder: a user's folder is refused, and kept
    let o = mnsim().arg("run").arg(&sc).args(["--quiet", "--force", "--out"]).arg(&out).output().unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("no mnsim manifest.json"));
    assert!(out.join("precious.txt").exists());
    let run = tmp.path().join("run2");
    mnsim().arg("run").arg(&sc).args(["--quiet", "--out"]).arg(&run).assert().success();
    std::fs::write(run.join("stale.txt"), "old").unwrap();
    mnsim().arg("run").arg(&sc).args(["--quiet", "--force", "--out"]).arg(&run).assert().success();
    assert!(!run.join("stale.txt").exists() && run.join("manifest.json").exists());
}

#[test]
fn bad_scenario_fails_cleanly_and_leaves_nothing_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.toml");
    std::fs::write(&bad, mnsim_scenario_default().replace("frequency_hz = 90", "frequency_hz = 0")).unwrap();
    let out = tmp.path().join("run");
    let o = mnsim().arg("run").arg(&bad).arg("--out").arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad.toml:") && err.contains("device.frequency_hz") && err.contains("[1, 300]"), "{err}");
    assert!(!err.contains("panicked"));
    assert!(!out.exists());
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1, "only bad.toml remains");
}

fn mnsim_scenario_default() -> String {
    let o = mnsim().args(["scenario", "--print-default"]).output().unwrap();
    assert!(o.status.success());
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn printed_default_checks_and_schema_is_json() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("mine.toml");
    std::fs::write(&f, mnsim_scenario_default()).unwrap();
    mnsim().arg("check").arg(&f).assert().success();
    // every parameter, commented, checks as a scenario too; --all needs --print-default
    let o = mnsim().args(["scenario", "--print-default", "--all"]).output().unwrap();
    assert!(o.status.success());
    let all = String::from_utf8(o.stdout).unwrap();
    assert!(all.matches(" = ").count() > 3 * mnsim_scenario_default().matches(" = ").count(), "every parameter");
    assert!(all.contains("[healing.rates]") && all.contains("# allowed:"));
    std::fs::write(&f, &all).unwrap();
    mnsim().arg("check").arg(&f).assert().success();
    assert_eq!(mnsim().args(["scenario", "--all"]).output().unwrap().status.code(), Some(2));
    let o = mnsim().args(["scenario", "--schema"]).output().unwrap();
    let schema: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(schema["properties"]["device"].is_object());
    assert!(schema.to_string().contains("needle_length_um"));
}

#[test]
fn every_worked_example_checks() {
    let dir = workspace().join("scenarios");
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            mnsim().arg("check").arg(&p).assert().success();
            n += 1;
        }
    }
    assert!(n >= 6);
}

#[test]
fn json_output_is_machine_readable() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r");
    let o = mnsim().arg("run").arg(fast_scenario(tmp.path())).args(["--json", "--out"]).arg(&out).output().unwrap();
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("stdout is JSON only");
    assert_eq!(v["figures"]["depth_fraction"]["unit"], "fraction");
    assert!(v["figures"]["mean_depth_um"]["value"].as_f64().unwrap() > 0.0);
}

#[test]
fn missing_file_directory_and_garbage_are_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    for (arg, needle) in
        [(tmp.path().join("nope.toml"), "nope.toml: cannot read"), (tmp.path().to_path_buf(), "is a directory")]
    {
        let o = mnsim().arg("check").arg(&arg).output().unwrap();
        assert_eq!(o.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&o.stderr).contains(needle), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let g = tmp.path().join("g.toml");
    std::fs::write(&g, [0xffu8, 0xfe, 0x00, 0x01]).unwrap();
    let o = mnsim().arg("check").arg(&g).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&o.stderr).contains("panicked"));
}

/// The default scenario without topical, healing or ensemble: fast, for sweep tests.
fn fast_scenario(dir: &Path) -> std::path::PathBuf {
    let text = mnsim_scenario_default();
    let start = text.find("[topical]").unwrap();
    let end = text.find("[simulation]").unwrap();
    let text = format!("{}{}", &text[..start], &text[end..])
        .replace("ensemble_members = 5", "ensemble_members = 1\nrun_healing = false");
    let f = dir.join("fast.toml");
    std::fs::write(&f, text).unwrap();
    f
}

#[test]
fn vary_runs_each_variant_and_writes_a_comparison() {
    let tmp = tempfile::tempdir().unwrap();
    let f = fast_scenario(tmp.path());
    let out = tmp.path().join("sweep");
    let o = mnsim()
        .arg("run")
        .arg(&f)
        .args(["--quiet", "--vary", "device.needle_length_um=500,1500", "--where", "mean_depth_um<=600", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let table = String::from_utf8_lossy(&o.stdout);
    let meets = table.lines().find(|l| l.starts_with("meets mean_depth_um<=600")).expect("a verdict row");
    assert_eq!(meets.split_whitespace().skip(2).collect::<Vec<_>>(), ["yes", "no"], "{table}");
    // the varied value and the verdict are columns of the tidy CSV, not parts of a label
    let csv = std::fs::read_to_string(out.join("compare.csv")).unwrap();
    let header = "run,scenario,device.needle_length_um,device.stroke_um,meets_constraints,quantity,value";
    assert!(csv.starts_with(header), "{csv}");
    assert!(
        csv.lines()
            .any(|l| l.starts_with("needle_length_um=1500,") && l.contains(",1500.0,2500.0,false,mean_depth_um,"))
    );
    let a = out.join("needle_length_um=500");
    let b = out.join("needle_length_um=1500");
    assert!(a.join("report.html").is_file() && b.join("report.html").is_file());
    assert!(out.join("compare.html").is_file() && out.join("compare.csv").is_file());
    let depth = |d: &Path| -> f64 {
        let r: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(d.join("results.json")).unwrap()).unwrap();
        r["figures"]["mean_depth_um"]["value"].as_f64().unwrap()
    };
    assert!(depth(&b) > 2.0 * depth(&a));
    // a variant run beside another gives the figures it gives alone
    let alone_toml = tmp.path().join("alone.toml");
    let text = std::fs::read_to_string(&f).unwrap();
    assert!(text.contains("needle_length_um = 1500"));
    std::fs::write(&alone_toml, text.replace("needle_length_um = 1500", "needle_length_um = 500")).unwrap();
    let alone = tmp.path().join("alone");
    let o = mnsim().arg("run").arg(&alone_toml).args(["--quiet", "--out"]).arg(&alone).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let figures = |d: &Path| -> serde_json::Value {
        let r: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(d.join("results.json")).unwrap()).unwrap();
        r["figures"].clone()
    };
    assert_eq!(figures(&alone), figures(&a));
    // compare the two folders again from the command line
    let cmp = tmp.path().join("cmp");
    let o = mnsim().arg("compare").arg(&a).arg(&b).arg("--out").arg(&cmp).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(table.contains("mean depth reached") && table.contains("needle_length_um=1500"), "{table}");
    let csv = std::fs::read_to_string(cmp.join("compare.csv")).unwrap();
    // the same columns from the folders' manifests, less the verdict
    assert!(csv.starts_with(&header.replace("meets_constraints,", "")), "{csv}");
    // a constraint on a quantity no run has is refused, naming the close ones, and writes nothing
    let cmp2 = tmp.path().join("cmp2");
    let o =
        mnsim().arg("compare").arg(&a).arg(&b).args(["--where", "depth<=600", "--out"]).arg(&cmp2).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--where depth<=600") && err.contains("mean_depth_um"), "{err}");
    assert!(!cmp2.exists());
}

/// `mnsim run --design`: a Latin hypercube's variants carry their sampled values as the
/// comparison's columns, within the ranges and one per stratum; one at a time runs the base and
/// each key alone; a bad sweep file fails before any run, naming the file and the field, and
/// writes nothing.
#[test]
fn a_sweep_file_runs_a_latin_hypercube_or_one_factor_at_a_time() {
    let tmp = tempfile::tempdir().unwrap();
    let f = fast_scenario(tmp.path());
    let lhs = tmp.path().join("lhs.toml");
    std::fs::write(
        &lhs,
        "kind = \"latin_hypercube\"\nn = 4\nseed = 3\n[[param]]\nkey = \"device.needle_length_um\"\nlow = 500\nhigh = 2000\n",
    )
    .unwrap();
    let out = tmp.path().join("lhs");
    let o = mnsim()
        .arg("run")
        .arg(&f)
        .arg("--design")
        .arg(&lhs)
        .args(["--quiet", "--json", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let variants = doc["variants"].as_array().unwrap();
    assert_eq!(variants.len(), 4);
    let mut strata: Vec<usize> = variants
        .iter()
        .map(|v| {
            let x = v["varied"]["device.needle_length_um"].as_f64().unwrap();
            assert!((500.0..2000.0).contains(&x), "{x}");
            ((x - 500.0) / 1500.0 * 4.0) as usize
        })
        .collect();
    strata.sort();
    assert_eq!(strata, [0, 1, 2, 3]);
    assert_eq!(variants[0]["folder"], "p1");
    let csv = std::fs::read_to_string(out.join("compare.csv")).unwrap();
    assert!(csv.starts_with("run,scenario,device.needle_length_um,"), "{csv}");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["details"]["design"]["kind"], "latin_hypercube", "{manifest}");

    let oat = tmp.path().join("oat.toml");
    std::fs::write(
        &oat,
        "kind = \"one_at_a_time\"\n[[param]]\nkey = \"device.needle_length_um\"\nvalues = [500, 2000]\n[[param]]\nkey = \"device.needle_count\"\nvalues = [6]\n",
    )
    .unwrap();
    let out = tmp.path().join("oat");
    let o = mnsim().arg("run").arg(&f).arg("--design").arg(&oat).args(["--quiet", "--out"]).arg(&out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for d in ["base", "needle_length_um=500", "needle_length_um=2000", "needle_count=6"] {
        assert!(out.join(d).join("results.json").is_file(), "{d}");
    }

    let bad = tmp.path().join("bad.toml");
    std::fs::write(
        &bad,
        "kind = \"latin_hypercube\"\nn = 1\n[[param]]\nkey = \"patient.age_y\"\nlow = 20\nhigh = 70\n",
    )
    .unwrap();
    let out = tmp.path().join("bad");
    let o = mnsim().arg("run").arg(&f).arg("--design").arg(&bad).arg("--out").arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad.toml") && err.contains("n = 1") && err.contains("[2, 64]"), "{err}");
    assert!(!out.exists());
    let o = mnsim().arg("run").arg(&f).args(["--where", "mean_depth_um<=600"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "--where without variants is refused");
}

#[test]
fn vary_with_a_bad_value_fails_before_running_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let f = fast_scenario(tmp.path());
    let out = tmp.path().join("sweep");
    let o =
        mnsim().arg("run").arg(&f).args(["--vary", "device.frequency_hz=90,0", "--out"]).arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("device.frequency_hz") && err.contains("[1, 300]"), "{err}");
    assert!(!out.exists());
    let o = mnsim().arg("run").arg(&f).args(["--vary", "nonsense"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let o = mnsim().arg("compare").arg(tmp.path().join("missing")).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("results.json"));
}

#[test]
fn bench_commands_print_json_with_the_documented_keys() {
    let o = mnsim()
        .args(["bench", "transport", "--grid", "24x24x24", "--threads", "1", "--repetitions", "1", "--json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for k in [
        "voxel_updates_per_s",
        "bytes_per_update",
        "bandwidth_gb_s",
        "machine_bandwidth_gb_s",
        "bytes_per_voxel",
        "grid",
        "threads",
    ] {
        assert!(!v[k].is_null(), "missing {k}");
    }
    // the production step beside its references, on the asked grid and on the run's
    let steps = v["production_step"].as_array().expect("production_step");
    assert_eq!(steps.len(), 2);
    assert_eq!(steps[1]["grid"], serde_json::json!([100, 100, 84]));
    for k in ["ratio_to_reference", "ratio_to_reference_per_sweep_set", "ratio_to_triad_elements"] {
        let r = steps[0][k].as_array().unwrap_or_else(|| panic!("missing {k}"));
        assert!(r.iter().all(|x| x.as_f64().is_some_and(|x| x.is_finite() && x > 0.0)), "{k}: {r:?}");
    }
    let o = mnsim().args(["bench", "transport", "--repetitions", "0"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let o = mnsim().args(["bench", "transport", "--grid", "2x2"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
}
