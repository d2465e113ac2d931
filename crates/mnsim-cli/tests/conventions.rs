//! Command-line conventions (issue 13 item 8): documented exit codes, quiet exit on a closed
//! pipe, `--json` on every command that prints a table, shell completions, the man page and a
//! help text that describes every command.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

mod common;
use common::{fast_scenario, mnsim};

fn bin() -> std::process::Command {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("mnsim"))
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// The command's stdout is a pipe whose reading end is closed before it starts: its first
/// write meets `BrokenPipe`, every time.
fn with_closed_stdout(cmd: &mut std::process::Command) -> std::process::Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    cmd.stdout(writer).stderr(Stdio::piped()).output().unwrap()
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec![],
        vec!["frobnicate"],
        vec!["run", "--no-such-flag"],
        vec!["scenario"],
        vec!["scenario", "--print-default", "--schema"],
        vec!["completions", "tcsh"],
        vec!["bench", "transport", "--threads", "many"],
        vec!["check"],
    ] {
        let o = mnsim().args(&args).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{args:?}");
    }
}

#[test]
fn invalid_input_exits_1_and_names_the_problem() {
    let tmp = tempfile::tempdir().unwrap();
    let f = fast_scenario(tmp.path());
    let bad = tmp.path().join("bad.toml");
    std::fs::write(&bad, std::fs::read_to_string(&f).unwrap().replace("frequency_hz = 90", "frequency_hz = 0"))
        .unwrap();
    for args in [vec!["check".into(), bad.clone()], vec!["run".into(), bad.clone(), "--quiet".into()]] {
        let o = mnsim().args(&args).output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("bad.toml:") && stderr(&o).contains("[1, 300]"), "{}", stderr(&o));
    }
    // a refused output folder, an option value out of range and a memory budget too small for
    // the scenario are invalid input too: all are known before any work
    let mine = tmp.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("thesis.txt"), "keep").unwrap();
    for args in [
        vec!["run".into(), f.clone(), "--quiet".into(), "--out".into(), mine.clone()],
        vec!["bench".into(), "transport".into(), "--threads".into(), "0".into()],
        vec!["check".into(), f.clone(), "--max-memory-gib".into(), "0.000001".into()],
    ] {
        let o = mnsim().args(&args).output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).starts_with("error: "), "{args:?}: {}", stderr(&o));
    }
    assert_eq!(std::fs::read_to_string(mine.join("thesis.txt")).unwrap(), "keep");
}

#[cfg(target_os = "linux")]
#[test]
fn a_failure_to_write_the_output_is_a_run_failure_exit_3() {
    // /dev/full: every write fails with "no space left on device" (not a closed pipe)
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("SKIPPED: no /dev/full");
        return;
    };
    let o = bin().args(["scenario", "--print-default"]).stdout(full).stderr(Stdio::piped()).output().unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains("writing to stdout") && !err.contains("panicked"), "{err}");
}

#[test]
fn a_closed_pipe_ends_quietly_with_the_usual_code() {
    // read one line, then close: as `mnsim scenario --print-default | head -1`
    let mut child =
        bin().args(["scenario", "--print-default"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(first.starts_with('#') || first.contains('='), "{first}");
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    // closed before the first write, for every command that prints
    let tmp = tempfile::tempdir().unwrap();
    let f = fast_scenario(tmp.path());
    let out = tmp.path().join("v");
    let runs: Vec<Vec<std::ffi::OsString>> = vec![
        vec!["scenario".into(), "--print-default".into()],
        vec!["scenario".into(), "--schema".into()],
        vec!["--help".into()],
        vec!["completions".into(), "bash".into()],
        vec!["man".into()],
        vec!["check".into(), f.clone().into()],
        vec!["validate".into(), "--quiet".into(), "--case".into(), "DV06".into(), "--out".into(), out.clone().into()],
        vec![
            "bench".into(),
            "transport".into(),
            "--grid".into(),
            "8x8x8".into(),
            "--threads".into(),
            "1".into(),
            "--repetitions".into(),
            "1".into(),
        ],
    ];
    for args in runs {
        let o = with_closed_stdout(bin().args(&args));
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{args:?}: {}", stderr(&o));
    }
    // the work is still done: the validation folder was written whole
    assert!(out.join("validation.csv").is_file());
    // an error after a closed stdout keeps its own code
    let o = with_closed_stdout(bin().args(["check"]).arg(tmp.path().join("missing.toml")));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

#[test]
fn vary_and_compare_print_json_with_the_varied_values() {
    let tmp = tempfile::tempdir().unwrap();
    let f = fast_scenario(tmp.path());
    let sweep = tmp.path().join("sweep");
    let o = mnsim()
        .arg("run")
        .arg(&f)
        .args(["--quiet", "--json", "--vary", "device.needle_length_um=500,1500", "--out"])
        .arg(&sweep)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("stdout is one JSON document");
    let variants = v["variants"].as_array().unwrap();
    assert_eq!(variants.len(), 2);
    assert_eq!(variants[0]["varied"]["device.needle_length_um"], 500);
    assert_eq!(variants[1]["varied"]["device.needle_length_um"], 1500);
    assert_eq!(variants[1]["results"]["figures"]["mean_depth_um"]["unit"], "µm");
    assert_eq!(v["vary"][0]["key"], "device.needle_length_um");
    let cmp = &v["comparison"];
    assert_eq!(cmp["runs"].as_array().unwrap().len(), 2);
    let depth = cmp["headline"].as_array().unwrap().iter().find(|h| h["name"] == "mean_depth_um").unwrap();
    let d: Vec<f64> = depth["values"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
    assert!(d[1] > 2.0 * d[0], "{d:?}");
    // `mnsim compare --json` on the two folders finds the varied value from their manifests
    let (a, b) = (sweep.join("needle_length_um=500"), sweep.join("needle_length_um=1500"));
    let o =
        mnsim().arg("compare").arg(&a).arg(&b).arg("--json").arg("--out").arg(tmp.path().join("c")).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let c: serde_json::Value = serde_json::from_slice(&o.stdout).expect("stdout is one JSON document");
    // (the resolved scenarios are compared: a default that follows from the needle length,
    // such as the pen's stroke, differs too; what is the same in both is left out)
    let keys = c["varied_keys"].as_array().unwrap();
    assert!(keys.contains(&serde_json::json!("device.needle_length_um")), "{keys:?}");
    assert!(!keys.contains(&serde_json::json!("device.needle_count")), "{keys:?}");
    assert_eq!(c["runs"][0]["varied"]["device.needle_length_um"], 500.0);
    assert_eq!(c["runs"][1]["varied"]["device.needle_length_um"], 1500.0);
    assert_eq!(c["runs"][0]["figures"]["mean_depth_um"]["unit"], "µm");
    assert!(c["runs"][1]["figures"]["mean_depth_um"]["value"].as_f64().unwrap() > 0.0);
    assert!(c["out_dir"].as_str().unwrap().ends_with('c'));
    // and on a closed pipe, quietly, with its folder written
    let o =
        with_closed_stdout(bin().arg("compare").arg(&a).arg(&b).arg("--json").arg("--out").arg(tmp.path().join("d")));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked") && tmp.path().join("d").join("compare.csv").is_file());
}

#[test]
fn check_and_validate_print_json() {
    let tmp = tempfile::tempdir().unwrap();
    let f = fast_scenario(tmp.path());
    let o = mnsim().arg("check").arg(&f).arg("--json").output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["ok"], true);
    assert!(v["estimate"]["punctures"].as_f64().unwrap() > 0.0 && v["budget_gib"] == 8.0);
    let o = mnsim()
        .args(["validate", "--quiet", "--json", "--case", "DV06", "--out"])
        .arg(tmp.path().join("v"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["cases"][0]["id"], "DV06");
    assert_eq!(v["cases"][0]["unit"], "holes/cm²");
}

#[test]
fn completions_for_every_shell_and_the_man_page() {
    let o = mnsim().args(["completions", "bash"]).output().unwrap();
    assert!(o.status.success());
    let bash = String::from_utf8(o.stdout).unwrap();
    assert!(bash.contains("validate") && bash.contains("--max-memory-gib") && bash.contains("complete"), "{bash}");
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let o = mnsim().args(["completions", shell]).output().unwrap();
        assert!(o.status.success() && String::from_utf8_lossy(&o.stdout).contains("validate"), "{shell}");
    }
    let o = mnsim().arg("man").output().unwrap();
    assert!(o.status.success());
    let page = String::from_utf8(o.stdout).unwrap();
    // roff: the apostrophe preamble, then the title header
    let header = page.lines().find(|l| !l.starts_with(".ie") && !l.starts_with(".el")).unwrap();
    assert!(header.starts_with(".TH mnsim 1"), "{header}");
    assert!(page.contains("validate") && page.contains("Exit codes"), "the page lists the commands and the exit codes");
    let dir = tempfile::tempdir().unwrap();
    let o = mnsim().args(["man", "--out"]).arg(dir.path().join("man1")).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    for page in ["mnsim.1", "mnsim-run.1", "mnsim-compare.1", "mnsim-validate.1", "mnsim-bench-transport.1"] {
        let text = std::fs::read_to_string(dir.path().join("man1").join(page)).unwrap_or_default();
        assert!(text.contains(".TH"), "{page}");
    }
}

#[test]
fn help_describes_every_command_and_the_exit_codes() {
    let o = mnsim().arg("--help").output().unwrap();
    assert!(o.status.success());
    let help = String::from_utf8(o.stdout).unwrap();
    for (cmd, about) in [
        ("run", "Run a scenario"),
        ("compare", "side by side"),
        ("validate", "published measurements"),
        ("check", "without running it"),
        ("scenario", "default scenario"),
        ("bench", "Benchmarks"),
        ("completions", "completion script"),
        ("man", "man page"),
        ("serve", "local web lab"),
    ] {
        let line = help.lines().find(|l| l.trim_start().starts_with(&format!("{cmd} "))).unwrap_or_default();
        assert!(line.contains(about), "`{cmd}` in --help: {line:?}\n{help}");
    }
    assert!(help.contains("Exit codes:") && help.contains("3        run failure"), "{help}");
    // every command has a long description and help on each argument
    for cmd in ["run", "compare", "validate", "check", "scenario", "bench", "completions", "man", "serve"] {
        let o = mnsim().args([cmd, "--help"]).output().unwrap();
        let long = String::from_utf8(o.stdout).unwrap();
        let short = String::from_utf8(mnsim().args([cmd, "-h"]).output().unwrap().stdout).unwrap();
        assert!(long.len() > short.len(), "`{cmd} --help` has no long description");
    }
}

/// Two commands started in the same second with the default output folder both succeed, into
/// `runs/validate-<stamp>` and `runs/validate-<stamp>-2` (the default name once collided and the
/// second command failed with "output folder exists").
#[test]
fn default_output_folders_of_the_same_second_do_not_collide() {
    let dir = tempfile::tempdir().unwrap();
    let mut folders = std::collections::BTreeSet::new();
    for _ in 0..3 {
        let o = bin().current_dir(dir.path()).args(["validate", "--case", "DV06"]).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let text = format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
        let line = text.lines().find(|l| l.starts_with("wrote ")).expect("a 'wrote' line").to_string();
        folders.insert(line);
    }
    assert_eq!(folders.len(), 3, "three runs, three folders: {folders:?}");
    let n = std::fs::read_dir(dir.path().join("runs")).unwrap().count();
    assert_eq!(n, 3);
}

/// `mnsim actives` lists the catalogue a scenario can name, and `--json` gives every active
/// with its physico-chemistry and a source.
#[test]
fn actives_lists_the_catalogue_with_sources() {
    let o = mnsim().args(["actives"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    for name in ["caffeine", "tranexamic_acid", "hyaluronic_acid_50kda"] {
        assert!(text.contains(name), "{name} missing from:\n{text}");
    }
    let o = mnsim().args(["actives", "--json"]).output().unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let rows = rows.as_array().expect("an array");
    assert!(rows.len() >= 3);
    for r in rows {
        assert!(r["molecular_weight_da"].as_f64().unwrap() > 0.0, "{r}");
        assert!(!r["source"].as_str().unwrap().is_empty(), "{r}");
        assert!(!r["acts_on"].as_str().unwrap().is_empty(), "{r}");
    }
    // what each active acts on, with the healing dose–response and its source where one exists
    let row = |n: &str| rows.iter().find(|r| r["name"] == n).unwrap_or_else(|| panic!("{n}"));
    assert_eq!(row("caffeine")["acts_on"], "delivery only");
    assert_eq!(row("tranexamic_acid")["acts_on"], "melanogenesis");
    assert!(row("retinol")["acts_on"].as_str().unwrap().contains("keratinocytes"));
    assert!(row("retinol")["healing"]["source"].as_str().unwrap().contains("Duell"));
    assert!(row("hyaluronic_acid_1mda")["acts_on"].as_str().unwrap().contains("hydration only"));
    assert!(row("caffeine")["healing"].is_null());
    assert!(text.contains("acts on"));
}
