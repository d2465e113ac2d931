//! # mnsim-report
//!
//! Writes a run folder: `manifest.json` (version, git revision, seed, resolved scenario, wall
//! time), `results.json` (figures by name with units), tidy CSV tables with units in column
//! names, and SVG figures. The folder appears whole or not at all, and is taken before the work
//! starts: see [`output`] for the protocol (what `--force` may replace, the lock, the staging
//! folder, the atomic swap, clean-up on failure and on signals).

pub mod cohort;
pub mod compare;
pub mod output;
pub mod page;
pub mod plan;
pub mod plots;
pub mod sensitivity;
pub mod validation;

use mnsim_scenario::ResolvedScenario;
use mnsim_sim::RunResult;
use serde::Serialize;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Errors writing a run folder.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ReportError {
    /// The target folder exists and is not empty.
    #[error("{0}: output folder exists and is not empty (use --force to replace it)")]
    Exists(PathBuf),
    /// A file could not be read or written. (The cause is shown in the message and is not a
    /// `source`, so a report of the whole error chain does not repeat it.)
    #[error("{path}: {cause}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        cause: std::io::Error,
    },
    /// A figure could not be drawn.
    #[error("drawing {0}: {1}")]
    Plot(&'static str, String),
    /// The target may not be written (unsafe path, a file, a non-mnsim folder with `--force`).
    #[error("{path}: refusing to write there: {why}")]
    Refused {
        /// The target as given.
        path: PathBuf,
        /// Why.
        why: String,
    },
    /// Another command is writing the same target.
    #[error("{path}: being written by {owner} (lock {lock}); wait for it or choose another --out")]
    Busy {
        /// The target as given.
        path: PathBuf,
        /// Who holds it.
        owner: String,
        /// The lock file.
        lock: PathBuf,
    },
    /// A figure that should be a finite number is not.
    #[error("figure `{name}` is {value}, not a finite number: refusing to write it (a model defect, please report it)")]
    NonFinite {
        /// Figure name.
        name: String,
        /// Its value.
        value: f64,
    },
}

/// Facts about the run stamped into the manifest.
#[derive(Debug, Clone, Serialize)]
pub struct RunMeta {
    /// mnsim version.
    pub mnsim_version: String,
    /// Git revision the binary was built from, or `unknown`.
    pub git_revision: String,
    /// Start of the run, UTC, ISO 8601.
    pub started_utc: String,
    /// Wall time of the simulation, s.
    pub wall_time_s: f64,
    /// The command line.
    pub command: Vec<String>,
}

pub use output::{OutputDir, check_target};

/// The manifest written into every run folder.
#[derive(Serialize)]
struct Manifest<'a> {
    mnsim_version: &'a str,
    git_revision: &'a str,
    started_utc: &'a str,
    wall_time_s: f64,
    command: &'a [String],
    seed: u64,
    scenario_name: &'a str,
    /// The resolved scenario (every default filled), as TOML text.
    scenario_toml: String,
    /// The same, as JSON.
    scenario: &'a mnsim_scenario::Scenario,
    skin: &'a mnsim_core::Skin,
    device: &'a mnsim_core::device::Device,
    files: Vec<String>,
    /// Wall time of each stage of the simulation, s.
    stage_wall_s: &'a [(String, f64)],
}

/// Files every run folder holds (more appear when the run has transport or healing).
pub const FILES: [&str; 7] =
    ["manifest.json", "results.json", "report.html", "punctures.csv", "layers.csv", "puncture_map.svg", "README.txt"];

/// Write the files of a run into a taken output folder (whole or not at all). Returns the folder.
pub fn write_run(
    out: OutputDir,
    scenario: &ResolvedScenario,
    result: &RunResult,
    meta: &RunMeta,
) -> Result<PathBuf, ReportError> {
    out.commit(&run_files(scenario, result, meta)?)
}

/// Take `dir` and write `files` (name, bytes) as it, whole or not at all ([`OutputDir`]).
/// Names may hold sub-folders (`variant-a/report.html`). For work that takes time, take the
/// folder with [`OutputDir::reserve`] before the work and commit it after.
pub fn write_folder<N: AsRef<str>>(dir: &Path, force: bool, files: &[(N, Vec<u8>)]) -> Result<PathBuf, ReportError> {
    OutputDir::reserve(dir, force)?.commit(files)
}

/// The `manifest.json` of an output folder that is not a single run (validation, comparison,
/// variants): what wrote it, when, and with which command. It also marks the folder as mnsim's,
/// so `--force` may later replace it.
pub fn folder_manifest(kind: &str, meta: &RunMeta, extra: serde_json::Value) -> (String, Vec<u8>) {
    let doc = serde_json::json!({
        "mnsim_version": meta.mnsim_version,
        "git_revision": meta.git_revision,
        "kind": kind,
        "started_utc": meta.started_utc,
        "wall_time_s": meta.wall_time_s,
        "command": meta.command,
        "details": extra,
    });
    ("manifest.json".to_string(), serde_json::to_vec_pretty(&doc).expect("a JSON value serialises"))
}

/// Every figure and ensemble interval of `result` is a finite number, or the error naming the
/// first that is not (JSON has no NaN; a null would hide a model defect).
pub fn check_finite(result: &RunResult) -> Result<(), ReportError> {
    let figures = result.figures.iter().map(|f| (f.name.clone(), f.value));
    let ensemble = result.ensemble.iter().flat_map(|i| {
        [("median", i.median), ("p05", i.lo), ("p95", i.hi)]
            .map(|(q, v)| (format!("outcomes.{}.ensemble_{q}", i.name), v))
    });
    match figures.chain(ensemble).find(|(_, v)| !v.is_finite()) {
        Some((name, value)) => Err(ReportError::NonFinite { name, value }),
        None => Ok(()),
    }
}

/// The results document: figures by name, each with value, unit and description. Fails with
/// [`ReportError::NonFinite`] rather than writing a non-finite figure.
pub fn results_json(
    scenario: &ResolvedScenario,
    result: &RunResult,
    meta: &RunMeta,
) -> Result<serde_json::Value, ReportError> {
    check_finite(result)?;
    let finite = |v: f64| serde_json::json!(v);
    let mut figures = serde_json::Map::new();
    let mut outcomes = serde_json::Map::new();
    for f in &result.figures {
        match f.name.strip_prefix("outcomes.") {
            Some(name) => {
                let iv = result.ensemble.iter().find(|i| i.name == name);
                outcomes.insert(
                    name.to_string(),
                    serde_json::json!({
                        "value": finite(f.value),
                        "unit": f.unit,
                        "ensemble_median": iv.map(|i| finite(i.median)),
                        "ensemble_p05": iv.map(|i| finite(i.lo)),
                        "ensemble_p95": iv.map(|i| finite(i.hi)),
                    }),
                );
            }
            None => {
                figures.insert(
                    f.name.clone(),
                    serde_json::json!({ "value": finite(f.value), "unit": f.unit, "description": f.description }),
                );
            }
        }
    }
    let meaning: Vec<serde_json::Value> = result
        .outcomes
        .as_ref()
        .map(|o| {
            o.meaning
                .iter()
                .map(|m| serde_json::json!({"benefit": format!("{:?}", m.benefit), "text": m.text}))
                .collect()
        })
        .unwrap_or_default();
    Ok(serde_json::json!({
        "mnsim_version": meta.mnsim_version,
        "git_revision": meta.git_revision,
        "scenario": scenario.scenario.name,
        "seed": scenario.seed(),
        "ensemble_members": scenario.scenario.simulation.ensemble_members,
        "warnings": result.warnings,
        "figures": figures,
        "outcomes": outcomes,
        "meaning": meaning,
    }))
}

/// The files of a run folder (name, bytes), as [`write_run`] writes them.
pub fn run_files(
    scenario: &ResolvedScenario,
    result: &RunResult,
    meta: &RunMeta,
) -> Result<Vec<(&'static str, Vec<u8>)>, ReportError> {
    let figs = page::figures(scenario, result).map_err(|e| ReportError::Plot("figures", e))?;
    let mut files: Vec<(&'static str, Vec<u8>)> = vec![
        (
            "results.json",
            serde_json::to_string_pretty(&results_json(scenario, result, meta)?)
                .expect("results serialise")
                .into_bytes(),
        ),
        ("report.html", page::report_html(scenario, result, meta, &figs).into_bytes()),
        ("punctures.csv", punctures_csv(result)),
        ("layers.csv", layers_csv(&scenario.skin)),
    ];
    for (name, bytes) in [
        ("healing.csv", page::healing_csv(result)),
        ("delivery.csv", page::delivery_csv(result)),
        ("outcomes.csv", page::outcomes_csv(result)),
        ("depth_profiles.csv", page::profiles_csv(result)),
        ("channel_slice.csv", page::channel_slice_csv(result)),
        ("collagen_maps.csv", page::collagen_maps_csv(result)),
    ] {
        if let Some(b) = bytes {
            files.push((name, b));
        }
    }
    files.extend(figs.into_iter().map(|(n, s)| (n, s.into_bytes())));
    files.push(("README.txt", RUN_README.as_bytes().to_vec()));
    let mut names: Vec<String> = files.iter().map(|(n, _)| n.to_string()).collect();
    names.insert(0, "manifest.json".into());
    let manifest = Manifest {
        mnsim_version: &meta.mnsim_version,
        git_revision: &meta.git_revision,
        started_utc: &meta.started_utc,
        wall_time_s: meta.wall_time_s,
        command: &meta.command,
        seed: scenario.seed(),
        scenario_name: &scenario.scenario.name,
        scenario_toml: toml::to_string(&scenario.scenario).unwrap_or_default(),
        scenario: &scenario.scenario,
        skin: &scenario.skin,
        device: &scenario.device,
        files: names,
        stage_wall_s: &result.stage_wall_s,
    };
    files.insert(
        0,
        ("manifest.json", serde_json::to_string_pretty(&manifest).expect("manifest serialises").into_bytes()),
    );
    Ok(files)
}

/// What each file of a run folder holds.
const RUN_README: &str = "mnsim run folder\n\
manifest.json   mnsim version, git revision, seed, the fully resolved scenario (TOML and JSON), wall time\n\
results.json    every summary figure by name with value, unit and description; outcomes with ensemble intervals\n\
report.html     the report: open it in any browser (self-contained, offline)\n\
punctures.csv   one row per puncture: session, pass, needle, x_um, y_um, time_s, angle_deg, depth_um, deepest layer, channel diameter\n\
layers.csv      the skin layers used\n\
delivery.csv    topical delivery: one row per time x skin (needled/intact) x compartment\n\
depth_profiles.csv  concentration vs depth at the profile times (needled mean, through a channel, intact)\n\
healing.csv     healing course: one row per time x phase x region x quantity (phase: before_session / after_session at a session time, else course); value = nominal member, ensemble_p05/p95 = the 5-95 % band over the ensemble members at that time (empty with one member)\n\
outcomes.csv    outcomes at the end of follow-up with ensemble median and 5-95 % interval\n\
channel_slice.csv  the channel slice figure's data: concentration per cell of the slice (x, depth)\n\
collagen_maps.csv  the maps of new collagen: added dermal thickness per column at each map time\n\
*.svg           the report's figures (the report links each to the table of its data)\n";

/// Tidy table of punctures: one row per puncture, units in column names.
pub fn punctures_csv(result: &RunResult) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let p = &result.punctures;
    let pen = &result.penetration;
    let c = &result.channels;
    w.write_record([
        "puncture",
        "session",
        "pass",
        "needle",
        "x_um",
        "y_um",
        "time_s",
        "angle_deg",
        "depth_um",
        "deepest_layer",
        "surface_diameter_um",
    ])
    .expect("in-memory CSV");
    for i in 0..p.len() {
        w.write_record([
            i.to_string(),
            p.session[i].to_string(),
            p.pass[i].to_string(),
            p.needle[i].to_string(),
            format!("{:.3}", p.x_um[i]),
            format!("{:.3}", p.y_um[i]),
            format!("{:.4}", p.time_s[i]),
            format!("{:.3}", p.angle_deg[i]),
            format!("{:.3}", pen.depth_um[i]),
            pen.deepest_layer[i].name().to_string(),
            format!("{:.3}", c.surface_diameter_um[i]),
        ])
        .expect("in-memory CSV");
    }
    w.into_inner().expect("in-memory CSV")
}

/// Tidy table of the skin layers used.
pub fn layers_csv(skin: &mnsim_core::Skin) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["layer", "top_um", "bottom_um", "thickness_um"]).expect("in-memory CSV");
    for l in mnsim_core::Layer::ALL {
        let (t, b) = (skin.layers.top_um(l), skin.layers.bottom_um(l));
        w.write_record([l.name().to_string(), format!("{t:.3}"), format!("{b:.3}"), format!("{:.3}", b - t)])
            .expect("in-memory CSV");
    }
    w.into_inner().expect("in-memory CSV")
}

/// A UTC timestamp as it goes into default folder names (`20261201-093000`).
pub fn stamp(utc: &str) -> String {
    utc.replace([':', '-'], "").replace('T', "-").trim_end_matches('Z').to_string()
}

/// The default output folder `<parent>/<name>-<stamp>`; when that exists already (a second
/// command started in the same second), `<parent>/<name>-<stamp>-2`, `-3`, … (the first free one;
/// two commands racing for the same name still meet at the output lock, and one refuses).
pub fn free_run_dir(parent: &Path, name: &str, utc: &str) -> PathBuf {
    free_run_dir_except(parent, name, utc, &|_| false)
}

/// [`free_run_dir`], also passing over the folders `taken` names (a server's runs that are
/// queued or running, whose folders do not exist yet).
pub fn free_run_dir_except(parent: &Path, name: &str, utc: &str, taken: &dyn Fn(&Path) -> bool) -> PathBuf {
    let free = |p: &PathBuf| !p.exists() && !taken(p);
    let base = parent.join(format!("{name}-{}", stamp(utc)));
    if free(&base) {
        return base;
    }
    (2..)
        .map(|k| parent.join(format!("{name}-{}-{k}", stamp(utc))))
        .find(free)
        .expect("an unbounded range yields a free name")
}

/// Current time as ISO 8601 UTC (`2026-11-25T09:41:07Z`), without a date crate.
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    // civil-from-days (H. Hinnant's algorithm)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn meta() -> RunMeta {
        RunMeta {
            mnsim_version: "test".into(),
            git_revision: "x".into(),
            started_utc: now_utc(),
            wall_time_s: 0.1,
            command: vec![],
        }
    }

    /// The default scenario with two ensemble members (the p05/p95 columns still exist), no
    /// application-window transport runs and 20 µm lateral transport cells: every output file
    /// is still written. Run once, shared by the tests (which took 59 s running the full default
    /// twice, 9 s with this).
    fn default_run() -> &'static (mnsim_scenario::ResolvedScenario, mnsim_sim::RunResult) {
        static RUN: std::sync::OnceLock<(mnsim_scenario::ResolvedScenario, mnsim_sim::RunResult)> =
            std::sync::OnceLock::new();
        RUN.get_or_init(|| {
            use mnsim_scenario::Edit;
            let edits = [
                Edit::Set("simulation.ensemble_members".into(), toml::Value::Integer(2)),
                Edit::Set("transport.compute_window".into(), toml::Value::Boolean(false)),
                Edit::Set("transport.lateral_resolution_um".into(), toml::Value::Integer(20)),
            ];
            let s = mnsim_scenario::parse_with(mnsim_scenario::default_toml(), "default", &edits).unwrap();
            let r = mnsim_sim::run(&s, &mut mnsim_sim::NoProgress).unwrap();
            (s, r)
        })
    }

    #[test]
    fn run_folder_is_complete_and_never_overwritten_without_force() {
        let (s, r) = default_run();
        let (s, r) = (s.clone(), r.clone());
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("run1");
        write_run(OutputDir::reserve(&dir, false).unwrap(), &s, &r, &meta()).unwrap();
        for f in FILES {
            assert!(dir.join(f).is_file(), "{f} missing");
        }
        let csv = fs::read_to_string(dir.join("punctures.csv")).unwrap();
        assert_eq!(csv.lines().count(), r.punctures.len() + 1);
        let results: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(dir.join("results.json")).unwrap()).unwrap();
        assert_eq!(results["figures"]["mean_depth_um"]["unit"], "µm");
        // the clinical scores (docs/model/outcomes.md § 11) reach results.json, outcomes.csv and
        // the page's table
        assert_eq!(results["outcomes"]["scar_gb_quantitative_points"]["unit"], "points");
        assert_eq!(results["outcomes"]["profilometry_rz_um"]["unit"], "µm");
        assert!(results["outcomes"]["pih_risk_pct"]["ensemble_p95"].is_number());
        let ocsv = fs::read_to_string(dir.join("outcomes.csv")).unwrap();
        assert!(ocsv.contains("\nscar_gb_quantitative_points,") && ocsv.contains("\npih_risk_pct,"));
        let html = fs::read_to_string(dir.join("report.html")).unwrap();
        assert!(html.contains("id=\"clinical\"") && html.contains("Goodman–Baron quantitative score"));
        assert!(output::is_mnsim_folder(&dir));
        assert!(matches!(OutputDir::reserve(&dir, false), Err(ReportError::Exists(_))));
        write_run(OutputDir::reserve(&dir, true).unwrap(), &s, &r, &meta()).unwrap();
        // no staging folder or lock left behind
        let leftovers: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with(".mnsim"))
            .collect();
        assert!(leftovers.is_empty());
    }

    /// Each figure of the report links the table of its data, which the folder holds (issue 13
    /// item 6), and the maps of new collagen share one colour scale: their colour bars read the
    /// same ticks, spanning every map's values.
    #[test]
    fn every_figure_links_its_data_and_the_collagen_maps_share_a_scale() {
        let (s, r) = default_run();
        let files = run_files(s, r, &meta()).unwrap();
        let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
        let html = String::from_utf8(files.iter().find(|(n, _)| *n == "report.html").unwrap().1.clone()).unwrap();
        for f in names.iter().filter(|n| n.ends_with(".svg")) {
            let data = page::figure_data(f).unwrap_or_else(|| panic!("{f} has no data table"));
            assert!(names.contains(&data), "{f}: {data} is not in the folder");
            assert!(html.contains(&format!("Data: <a href=\"{data}\">")), "{f}: no link to {data}");
        }
        let svg = |n: &str| String::from_utf8(files.iter().find(|(m, _)| *m == n).unwrap().1.clone()).unwrap();
        // the colour bar's tick labels (two decimals) of each map
        let ticks = |text: &str| -> Vec<String> {
            text.split("</text>")
                .filter_map(|t| t.rsplit('>').next())
                .map(str::trim)
                .filter(|t| t.len() > 3 && t.as_bytes()[t.len() - 3] == b'.' && t.parse::<f64>().is_ok())
                .map(String::from)
                .collect()
        };
        let maps: Vec<&str> = names.iter().copied().filter(|n| n.starts_with("collagen_map_")).collect();
        assert!(maps.len() >= 2, "{maps:?}");
        let first = ticks(&svg(maps[0]));
        assert!(!first.is_empty());
        for m in &maps[1..] {
            assert_eq!(ticks(&svg(m)), first, "{m} has its own colour scale");
        }
        let csv = String::from_utf8(files.iter().find(|(n, _)| *n == "collagen_maps.csv").unwrap().1.clone()).unwrap();
        let cells: usize =
            r.healing.as_ref().unwrap().maps.iter().map(|m| m.values_um.iter().map(Vec::len).sum::<usize>()).sum();
        assert_eq!(csv.lines().count(), cells + 1);
    }

    #[test]
    fn a_non_finite_figure_is_an_error_not_a_null() {
        let (s, r) = default_run();
        let (s, mut r) = (s.clone(), r.clone());
        assert!(results_json(&s, &r, &meta()).is_ok());
        r.figures[3].value = f64::NAN;
        let name = r.figures[3].name.clone();
        match results_json(&s, &r, &meta()) {
            Err(ReportError::NonFinite { name: n, .. }) => assert_eq!(n, name),
            other => panic!("expected NonFinite, got {other:?}"),
        }
        assert!(run_files(&s, &r, &meta()).is_err());
    }

    #[test]
    fn utc_timestamp_is_iso8601() {
        let t = now_utc();
        assert_eq!(t.len(), 20);
        assert!(t.ends_with('Z') && t.as_bytes()[10] == b'T');
    }
}
