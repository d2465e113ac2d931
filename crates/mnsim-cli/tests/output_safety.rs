//! The output-folder protocol as a user meets it (issue 19): `--force` never deletes a user's
//! files, two commands never share a folder, nothing is left behind on failure or on a signal,
//! failures that can be known before the work are reported before it, and bad input to the
//! other commands is refused. Every data-loss case runs in a temporary folder holding sentinel
//! files that must survive.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

mod common;
use common::{fast_scenario, mnsim};

/// A folder with sentinel files (and a sub-folder) that must survive every refused command.
fn sentinels(dir: &Path) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir.join("notes")).unwrap();
    let files = vec![dir.join("thesis.txt"), dir.join("notes").join("lab.txt")];
    for f in &files {
        std::fs::write(f, "irreplaceable").unwrap();
    }
    files
}

fn assert_survive(files: &[PathBuf]) {
    // (a plain file sentinel holds the same text)
    for f in files {
        assert_eq!(std::fs::read_to_string(f).unwrap_or_default(), "irreplaceable", "{} was lost", f.display());
    }
}

/// Names in `dir` that mnsim's protocol uses for staging folders and locks.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".mnsim") || n.contains(".partial-"))
        .collect()
}

#[test]
fn force_on_the_working_folder_or_an_ancestor_refuses_and_deletes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("work");
    std::fs::create_dir_all(work.join("sub")).unwrap();
    let mut keep = sentinels(&work);
    keep.extend(sentinels(tmp.path()));
    let f = fast_scenario(tmp.path());
    for out in [".", "..", "./", "sub/..", "sub/../..", "../work", "/"] {
        let o =
            mnsim().current_dir(&work).arg("run").arg(&f).args(["--quiet", "--force", "--out", out]).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "--out {out} --force: {err}");
        assert!(err.contains("refusing to write there"), "--out {out}: {err}");
        assert_survive(&keep);
        assert!(work.join("sub").is_dir());
    }
    assert!(leftovers(&work).is_empty() && leftovers(tmp.path()).is_empty());
}

#[test]
fn force_on_the_home_folder_refuses() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let keep = sentinels(&home);
    let f = fast_scenario(tmp.path());
    let o = mnsim()
        .current_dir(tmp.path())
        .env("HOME", &home)
        .arg("run")
        .arg(&f)
        .args(["--quiet", "--force", "--out"])
        .arg(&home)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("home folder"));
    assert_survive(&keep);
}

#[test]
fn force_replaces_only_an_mnsim_folder_and_never_a_file() {
    let tmp = tempfile::tempdir().unwrap();
    let f = fast_scenario(tmp.path());
    // a user's folder that is not an mnsim output: refused even with --force
    let mine = tmp.path().join("mine");
    let keep = sentinels(&mine);
    let o = mnsim().arg("run").arg(&f).args(["--quiet", "--force", "--out"]).arg(&mine).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no mnsim manifest.json"));
    assert_survive(&keep);
    // a file: refused with or without --force, and no staging folder is left
    let file = tmp.path().join("data.csv");
    std::fs::write(&file, "irreplaceable").unwrap();
    let o = mnsim().arg("run").arg(&f).args(["--quiet", "--force", "--out"]).arg(&file).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("not a folder"));
    assert_survive(&[file]);
    // an mnsim run folder: replaced with --force, whole
    let run = tmp.path().join("run");
    mnsim().arg("run").arg(&f).args(["--quiet", "--out"]).arg(&run).assert().success();
    std::fs::write(run.join("stale.txt"), "old run").unwrap();
    mnsim().arg("run").arg(&f).args(["--quiet", "--force", "--out"]).arg(&run).assert().success();
    assert!(run.join("manifest.json").is_file() && !run.join("stale.txt").exists());
    assert!(leftovers(tmp.path()).is_empty(), "{:?}", leftovers(tmp.path()));
}

#[test]
fn a_folder_being_written_is_refused_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let f = fast_scenario(tmp.path());
    let out = tmp.path().join("run");
    // another live process (this test) holds the lock of `run`
    let lock = std::fs::read_dir(tmp.path()).unwrap().count(); // nothing yet
    assert_eq!(lock, 1);
    let first = mnsim_report::OutputDir::reserve(&out, false).unwrap();
    let t0 = Instant::now();
    let o = mnsim().arg("run").arg(&f).args(["--quiet", "--out"]).arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("being written by process"), "{err}");
    assert!(t0.elapsed() < Duration::from_secs(30), "refused only after {:?}", t0.elapsed());
    drop(first);
    assert!(leftovers(tmp.path()).is_empty());
}

#[test]
fn two_runs_to_the_same_folder_never_both_succeed() {
    let tmp = tempfile::tempdir().unwrap();
    let f = fast_scenario(tmp.path());
    for trial in 0..6 {
        let out = tmp.path().join(format!("race{trial}"));
        let spawn = || {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("mnsim"))
                .arg("run")
                .arg(&f)
                .args(["--quiet", "--out"])
                .arg(&out)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap()
        };
        let (mut a, mut b) = (spawn(), spawn());
        let ok = [a.wait().unwrap().success(), b.wait().unwrap().success()];
        assert_eq!(ok.iter().filter(|&&s| s).count(), 1, "trial {trial}: {ok:?}");
        assert!(out.join("manifest.json").is_file());
    }
    assert!(leftovers(tmp.path()).is_empty(), "{:?}", leftovers(tmp.path()));
}

#[test]
fn stale_staging_folders_and_locks_of_dead_processes_are_cleaned() {
    let tmp = tempfile::tempdir().unwrap();
    let f = fast_scenario(tmp.path());
    // a pid that is not running: beyond the kernel's pid_max
    let dead = 4_999_999;
    for name in [format!(".mnsim-partial-{dead}-0"), format!(".run.partial-{dead}")] {
        std::fs::create_dir_all(tmp.path().join(&name)).unwrap();
        std::fs::write(tmp.path().join(&name).join("results.json"), "{}").unwrap();
    }
    // a lock left by the dead process on the very folder we write
    let first = mnsim_report::OutputDir::reserve(&tmp.path().join("run"), false).unwrap();
    let lock = std::fs::read_dir(tmp.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.file_name().to_string_lossy().starts_with(".mnsim-lock-"))
        .unwrap()
        .path();
    drop(first);
    std::fs::write(&lock, dead.to_string()).unwrap();
    // a live process's staging folder is never touched
    let live = tmp.path().join(format!(".mnsim-partial-{}-9", std::process::id()));
    std::fs::create_dir_all(&live).unwrap();
    mnsim().arg("run").arg(&f).args(["--quiet", "--out"]).arg(tmp.path().join("run")).assert().success();
    assert_eq!(leftovers(tmp.path()), vec![live.file_name().unwrap().to_string_lossy().to_string()]);
}

#[cfg(unix)]
#[test]
fn a_signal_during_the_run_removes_the_staging_folder_and_exits_128_plus_signal() {
    let tmp = tempfile::tempdir().unwrap();
    // the default scenario runs for seconds: time to interrupt it
    for (sig, code) in [("INT", 130), ("TERM", 143)] {
        let out = tmp.path().join(format!("run-{sig}"));
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("mnsim"))
            .args(["run", "--quiet", "--out"])
            .arg(&out)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // wait until the staging folder exists (the folder is taken before the simulation)
        let t0 = Instant::now();
        while !leftovers(tmp.path()).iter().any(|n| n.starts_with(".mnsim-partial-")) {
            assert!(t0.elapsed() < Duration::from_secs(20), "no staging folder appeared");
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(200));
        let kill = std::process::Command::new("kill").arg(format!("-{sig}")).arg(child.id().to_string()).status();
        assert!(kill.unwrap().success());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(code), "SIG{sig}");
        assert!(!out.exists(), "SIG{sig}: a partial run folder was left");
        assert!(leftovers(tmp.path()).is_empty(), "SIG{sig}: {:?}", leftovers(tmp.path()));
    }
}

#[cfg(unix)]
#[test]
fn an_unwritable_parent_or_an_over_long_name_fails_before_the_simulation() {
    let tmp = tempfile::tempdir().unwrap();
    let f = fast_scenario(tmp.path());
    let long = tmp.path().join("x".repeat(256));
    let o = mnsim().arg("run").arg(&f).args(["--quiet", "--out"]).arg(&long).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("255-byte limit"));
    // a 250-byte name works: the staging name does not grow with it
    let ok = tmp.path().join("y".repeat(250));
    mnsim().arg("run").arg(&f).args(["--quiet", "--out"]).arg(&ok).assert().success();
    // a parent that is a file: refused at once, before the (seconds-long) default simulation
    let file = tmp.path().join("plain-file");
    std::fs::write(&file, "irreplaceable").unwrap();
    let t0 = Instant::now();
    let o = mnsim().args(["run", "--quiet", "--out"]).arg(file.join("run")).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(t0.elapsed() < Duration::from_secs(2), "refused only after {:?}", t0.elapsed());
    assert_survive(&[file]);
    // read-only parent (skipped as root, who may write anywhere)
    use std::os::unix::fs::PermissionsExt;
    let ro = tmp.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    if std::fs::write(ro.join("probe"), "").is_ok() {
        eprintln!("SKIPPED read-only parent: running as root");
        return;
    }
    // the default scenario takes seconds; the refusal must come at once
    let t0 = Instant::now();
    let o = mnsim().args(["run", "--quiet", "--out"]).arg(ro.join("run")).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(t0.elapsed() < Duration::from_secs(2), "refused only after {:?}", t0.elapsed());
}

#[test]
fn scenarios_over_the_memory_budget_are_refused_by_check_and_run() {
    let tmp = tempfile::tempdir().unwrap();
    let o = mnsim().args(["scenario", "--print-default"]).output().unwrap();
    let text = String::from_utf8(o.stdout)
        .unwrap()
        .replace("frequency_hz = 90", "frequency_hz = 300")
        .replace("needle_count = 12", "needle_count = 100")
        .replace("glide_speed_mm_per_s = 20", "glide_speed_mm_per_s = 0.1")
        .replace("passes_per_direction = 1", "passes_per_direction = 4")
        .replace(
            "directions_deg = [0, 90, 45, 135]",
            "directions_deg = [0, 22.5, 45, 67.5, 90, 112.5, 135, 157.5, 180, 202.5, 225, 247.5, 270, 292.5, 315, 337.5]",
        )
        .replace("patch_width_mm = 3", "patch_width_mm = 20")
        .replace("patch_height_mm = 3", "patch_height_mm = 20");
    let f = tmp.path().join("dense.toml");
    std::fs::write(&f, text).unwrap();
    let out = tmp.path().join("out");
    for args in [vec!["check".into(), f.clone()], vec!["run".into(), f.clone(), "--out".into(), out.clone()]] {
        let t0 = Instant::now();
        let o = mnsim().args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("GiB") && err.contains("budget of 8 GiB") && err.contains("dense.toml"),
            "{args:?}: {err}"
        );
        assert!(t0.elapsed() < Duration::from_secs(10), "{args:?}");
    }
    assert!(!tmp.path().join("out").exists());
    // the default fits, and check prints its estimate
    let o =
        mnsim().arg("check").arg(tmp.path().join("dense.toml")).args(["--max-memory-gib", "100000"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("estimate:"));
    // a benchmark grid over budget is refused before it is allocated
    let o = mnsim().args(["bench", "transport", "--grid", "4000x4000x4000"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("budget"));
}

#[test]
fn silent_acceptances_are_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let f = fast_scenario(tmp.path());
    // a missing run folder: the cause is said once, not repeated down the error chain
    let o = mnsim().arg("compare").arg(tmp.path().join("missing")).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.matches("(os error 2)").count(), 1, "{err}");
    // validate --cases on a folder without case files
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let o = mnsim().args(["validate", "--quiet", "--cases"]).arg(&empty).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no case files"));
    // compare on results.json that are not mnsim's
    for doc in ["{}", "[1,2,3]", "{\"mnsim_version\": \"0\", \"figures\": {}}"] {
        let d = tmp.path().join("fake");
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("results.json"), doc).unwrap();
        let o = mnsim().arg("compare").arg(&d).arg(&d).arg("--out").arg(tmp.path().join("cmp")).output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{doc}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("not an mnsim results.json"), "{doc}");
    }
    // --vary with a repeated value, or the same key on two axes
    for args in [
        vec!["--vary", "device.needle_length_um=1000,1000"],
        vec!["--vary", "device.needle_length_um=1000,1e3"],
        vec!["--vary", "device.needle_length_um=500", "--vary", "device.needle_length_um=1000"],
    ] {
        let o = mnsim().arg("run").arg(&f).arg("--quiet").args(&args).output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("repeats") || err.contains("already varied"), "{args:?}: {err}");
    }
    // a grid far over the variant limit is refused by counting, not by building it
    let many: String = (0..100).map(|k| (100 + k).to_string()).collect::<Vec<_>>().join(",");
    let t0 = Instant::now();
    let o = mnsim()
        .arg("run")
        .arg(&f)
        .args(["--vary", &format!("device.needle_length_um={many}")])
        .args([
            "--vary",
            &format!("device.frequency_hz={}", (1..=100).map(|k| k.to_string()).collect::<Vec<_>>().join(",")),
        ])
        .args([
            "--vary",
            &format!("protocol.position_jitter_um={}", (0..100).map(|k| k.to_string()).collect::<Vec<_>>().join(",")),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("at most 64"));
    assert!(t0.elapsed() < Duration::from_secs(5));
}
