//! `mnsim`: a thin shell over the library crates. Parses arguments, dispatches, prints one
//! error with its context and maps it to an exit code.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use mnsim_report::RunMeta;
use mnsim_scenario::ResolvedScenario;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// mnsim — an in-silico microneedling lab.
#[derive(Parser)]
#[command(name = "mnsim", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario (the built-in default when none is given) and write a run folder.
    Run {
        /// Scenario file (TOML). Omit for the built-in default (acne scars, cheek, 1.5 mm pen).
        scenario: Option<PathBuf>,
        /// Output folder (default: runs/<scenario>-<timestamp>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace an existing non-empty output folder.
        #[arg(long)]
        force: bool,
        /// Print the results as JSON on stdout instead of a table.
        #[arg(long)]
        json: bool,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Validate a scenario file without running it.
    Check {
        /// Scenario file (TOML).
        scenario: PathBuf,
    },
    /// Compare the model with published measurements (the built-in cases, or your own).
    Validate {
        /// Folder of case files (repeatable). Default: the built-in cases.
        #[arg(long = "cases")]
        cases: Vec<PathBuf>,
        /// Run only this case id (repeatable).
        #[arg(long = "case")]
        case: Vec<String>,
        /// Output folder for validation.csv and validation.html (default: runs/validate-<time>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace an existing non-empty output folder.
        #[arg(long)]
        force: bool,
        /// Print the results as JSON on stdout.
        #[arg(long)]
        json: bool,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Print the default scenario or the scenario format's JSON Schema.
    Scenario {
        /// Print the built-in default as commented TOML, a starting point for your own.
        #[arg(long, conflicts_with = "schema")]
        print_default: bool,
        /// Print a JSON Schema of the scenario format (for editors).
        #[arg(long)]
        schema: bool,
    },
}

fn main() {
    let cli = Cli::parse();
    if let Err(e) = dispatch(cli) {
        eprintln!("error: {e:#}");
        std::process::exit(2);
    }
}

fn dispatch(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run {
            scenario,
            out,
            force,
            json,
            quiet,
        } => run(scenario.as_deref(), out, force, json, quiet),
        Command::Validate {
            cases,
            case,
            out,
            force,
            json,
            quiet,
        } => validate(&cases, &case, out, force, json, quiet),
        Command::Check { scenario } => {
            let r = mnsim_scenario::load(&scenario)?;
            println!(
                "{}: ok — {} at {} ({}), {} sessions, needle {} µm",
                scenario.display(),
                r.device.kind(),
                r.skin.site,
                r.scenario.name,
                r.protocol.sessions.len(),
                r.device.needle.length_um
            );
            Ok(())
        }
        Command::Scenario { print_default, schema } => {
            if schema {
                println!("{}", serde_json::to_string_pretty(&mnsim_scenario::json_schema())?);
            } else if print_default {
                print!("{}", mnsim_scenario::default_toml());
            } else {
                anyhow::bail!("give --print-default or --schema");
            }
            Ok(())
        }
    }
}

fn load(path: Option<&Path>) -> Result<ResolvedScenario> {
    match path {
        Some(p) => Ok(mnsim_scenario::load(p)?),
        None => Ok(mnsim_scenario::default_scenario()),
    }
}

/// A progress bar that appears only for work lasting over a second.
struct Bar {
    bar: Option<ProgressBar>,
}

impl Bar {
    fn new(quiet: bool) -> Self {
        if quiet {
            return Bar { bar: None };
        }
        let b = ProgressBar::new(1);
        b.set_style(
            ProgressStyle::with_template("{spinner} {msg:12} [{bar:30}] {pos}/{len} ({elapsed})")
                .expect("static template")
                .progress_chars("=> "),
        );
        // drawn only if still running after a second
        b.set_draw_target(indicatif::ProgressDrawTarget::hidden());
        b.enable_steady_tick(Duration::from_millis(120));
        Bar { bar: Some(b) }
    }
    fn tick_visibility(&self, started: Instant) {
        if let Some(b) = &self.bar
            && started.elapsed() > Duration::from_secs(1)
            && b.is_hidden()
        {
            b.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }
}

struct BarProgress {
    bar: Bar,
    started: Instant,
}

impl mnsim_sim::Progress for BarProgress {
    fn stage(&mut self, name: &str, total: u64) {
        self.bar.tick_visibility(self.started);
        if let Some(b) = &self.bar.bar {
            b.set_message(name.to_string());
            b.set_length(total);
            b.set_position(0);
        }
    }
    fn advance(&mut self, done: u64) {
        self.bar.tick_visibility(self.started);
        if let Some(b) = &self.bar.bar {
            b.set_position(done);
        }
    }
}

fn run(path: Option<&Path>, out: Option<PathBuf>, force: bool, json: bool, quiet: bool) -> Result<()> {
    let scenario = load(path)?;
    let started_utc = mnsim_report::now_utc();
    let out = out.unwrap_or_else(|| {
        let stamp = started_utc
            .replace([':', '-'], "")
            .replace('T', "-")
            .trim_end_matches('Z')
            .to_string();
        PathBuf::from("runs").join(format!("{}-{stamp}", scenario.scenario.name))
    });
    // refuse before spending time on the simulation
    mnsim_report::check_target(&out, force)?;
    let t0 = Instant::now();
    let mut progress = BarProgress {
        bar: Bar::new(quiet || json),
        started: t0,
    };
    let result = mnsim_sim::run(&scenario, &mut progress)?;
    if let Some(b) = &progress.bar.bar {
        b.finish_and_clear();
    }
    let meta = RunMeta {
        mnsim_version: env!("CARGO_PKG_VERSION").to_string(),
        git_revision: env!("MNSIM_GIT_REV").to_string(),
        started_utc,
        wall_time_s: t0.elapsed().as_secs_f64(),
        command: std::env::args().collect(),
    };
    let dir = mnsim_report::write_run(&out, force, &scenario, &result, &meta)
        .with_context(|| format!("writing {}", out.display()))?;
    if json {
        let mut doc = mnsim_report::results_json(&scenario, &result, &meta);
        doc["run_dir"] = serde_json::json!(dir.display().to_string());
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        println!(
            "mnsim {} — {} (seed {})",
            meta.mnsim_version, scenario.scenario.name, scenario.seed
        );
        print_summary(&result);
        println!(
            "wrote {} (open report.html) in {:.2} s",
            dir.display(),
            meta.wall_time_s
        );
    }
    Ok(())
}

fn fmt_value(v: f64) -> String {
    if v == 0.0 || (v.abs() >= 0.01 && v.abs() < 1e6) {
        format!("{v:.3}")
    } else {
        format!("{v:.3e}")
    }
}

fn stamp(utc: &str) -> String {
    utc.replace([':', '-'], "")
        .replace('T', "-")
        .trim_end_matches('Z')
        .to_string()
}

fn validate(
    dirs: &[PathBuf],
    only: &[String],
    out: Option<PathBuf>,
    force: bool,
    json: bool,
    quiet: bool,
) -> Result<()> {
    use mnsim_study::validate::{self, Role};
    let started_utc = mnsim_report::now_utc();
    let out = out.unwrap_or_else(|| PathBuf::from("runs").join(format!("validate-{}", stamp(&started_utc))));
    mnsim_report::check_target(&out, force)?;
    let mut cases = Vec::new();
    if dirs.is_empty() {
        cases = validate::builtin_cases();
    }
    for d in dirs {
        cases.extend(validate::load_dir(d)?);
    }
    if !only.is_empty() {
        cases.retain(|c| c.case.as_ref().map(|k| only.contains(&k.id)).unwrap_or(true));
        if cases.iter().all(|c| c.case.is_err()) {
            anyhow::bail!("no case with id {}", only.join(", "));
        }
    }
    let bar = Bar::new(quiet || json);
    let t0 = Instant::now();
    if let Some(b) = &bar.bar {
        b.set_length(cases.len() as u64);
        b.set_message("validate");
    }
    let outcomes = validate::run_all(&cases, &|| {
        bar.tick_visibility(t0);
        if let Some(b) = &bar.bar {
            b.inc(1);
        }
    });
    if let Some(b) = &bar.bar {
        b.finish_and_clear();
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for o in &outcomes {
        match &o.result {
            Ok(r) => rows.push(mnsim_report::validation::Row {
                id: r.id.clone(),
                title: r.title.clone(),
                area: r.area.clone(),
                role: match r.role {
                    Role::Calibration => "calibration".into(),
                    Role::Validation => "validation".into(),
                },
                model: r.model,
                published: r.published,
                low: r.low,
                high: r.high,
                band_low: r.band_low,
                band_high: r.band_high,
                unit: r.unit.clone(),
                pass: r.pass,
                source: r.source.clone(),
            }),
            Err(e) => errors.push((o.file.clone(), e.to_string())),
        }
    }
    let ((cp, cn), (vp, vn)) = validate::counts(&outcomes);
    let header = format!(
        "mnsim {} ({}), {} — {} cases, wall time {:.2} s",
        env!("CARGO_PKG_VERSION"),
        env!("MNSIM_GIT_REV"),
        started_utc,
        outcomes.len(),
        t0.elapsed().as_secs_f64()
    );
    let html = mnsim_report::validation::html(&rows, &errors, &header)
        .map_err(|e| anyhow::anyhow!("drawing validation.html: {e}"))?;
    let dir = mnsim_report::write_folder(
        &out,
        force,
        &[
            ("validation.csv", mnsim_report::validation::csv(&rows)),
            ("validation.html", html.into_bytes()),
        ],
    )?;
    if json {
        let doc = serde_json::json!({
            "cases": rows.iter().map(|r| serde_json::json!({
                "id": r.id, "role": r.role, "area": r.area, "model": r.model, "published": r.published_point(),
                "low": r.low, "high": r.high, "band_low": r.band_low, "band_high": r.band_high, "unit": r.unit, "pass": r.pass,
            })).collect::<Vec<_>>(),
            "errors": errors.iter().map(|(f, e)| serde_json::json!({"file": f, "error": e})).collect::<Vec<_>>(),
            "calibration": {"passed": cp, "total": cn},
            "validation": {"passed": vp, "total": vn},
            "out_dir": dir.display().to_string(),
        });
        println!("{}", serde_json::to_string_pretty(&doc)?);
    } else {
        println!(
            "{:<11} {:<12} {:>12} {:>12} {:>21} {:<10} {}",
            "case", "role", "model", "published", "band", "unit", "verdict"
        );
        for r in &rows {
            let band = format!(
                "{}–{}",
                r.band_low.map(|x| fmt_value(x)).unwrap_or("-inf".into()),
                r.band_high.map(|x| fmt_value(x)).unwrap_or("inf".into())
            );
            println!(
                "{:<11} {:<12} {:>12} {:>12} {:>21} {:<10} {}",
                r.id,
                r.role,
                fmt_value(r.model),
                r.published_point().map(fmt_value).unwrap_or_default(),
                band,
                r.unit,
                if r.pass { "pass" } else { "MISS" }
            );
        }
        for (f, e) in &errors {
            eprintln!("error: {f}: {e}");
        }
        println!(
            "validation: {vp}/{vn} pass; calibration: {cp}/{cn} pass; {} could not run",
            errors.len()
        );
        println!("wrote {}", dir.display());
    }
    if !errors.is_empty() {
        anyhow::bail!("{} case file(s) could not run (listed above)", errors.len());
    }
    Ok(())
}

/// The short terminal summary: the headline figures by stage (every figure is in results.json).
fn print_summary(result: &mnsim_sim::RunResult) {
    let groups: [(&str, &[(&str, &str)]); 4] = [
        (
            "Device and penetration",
            &[
                ("holes_per_cm2_per_session", "holes per cm² per session"),
                ("nearest_neighbour_spacing_um", "nearest-neighbour spacing"),
                ("overlap_fraction", "re-puncture fraction"),
                ("mean_depth_um", "mean depth reached"),
                ("depth_fraction", "depth ÷ needle length"),
                ("dermis_reached_fraction", "punctures reaching the dermis"),
                ("bleeding_fraction", "punctures reaching the plexus (bleeding)"),
            ],
        ),
        (
            "Delivery of the topical (after session 1)",
            &[
                (
                    "transport_delivered_needled_ug_per_cm2",
                    "delivered past the SC, needled",
                ),
                ("transport_dermis_needled_ug_per_cm2", "in the dermis at the end"),
                ("transport_enhancement_ratio", "enhancement vs intact skin"),
                ("transport_window_min", "window (benefit > half)"),
            ],
        ),
        (
            "Healing",
            &[
                ("reepithelialisation_h", "re-epithelialisation"),
                ("barrier_recovery_h", "barrier (TEWL) recovery"),
                ("downtime_d", "downtime (visible inflammation)"),
            ],
        ),
        (
            "Outcomes at the end of follow-up",
            &[
                ("outcomes.collagen_change_pct", "collagen"),
                ("outcomes.elastin_change_pct", "elastin"),
                ("outcomes.dermis_change_pct", "dermal thickness"),
                ("outcomes.suction_stiffness_change_pct", "firmness (suction stiffness)"),
                ("outcomes.wrinkle_depth_change_pct", "wrinkle depth"),
                ("outcomes.scar_improvement_pct", "scar depth improvement"),
                ("outcomes.scar_grade", "scar grade (1–4)"),
                ("outcomes.striae_improvement_pct", "striae improvement"),
                ("outcomes.masi_change_pct", "MASI-like score"),
            ],
        ),
    ];
    for (title, rows) in groups {
        let present: Vec<_> = rows
            .iter()
            .filter_map(|(n, l)| result.figure(n).map(|f| (*n, *l, f)))
            .collect();
        if present.is_empty() {
            continue;
        }
        println!("{title}");
        for (name, label, f) in present {
            let interval = name
                .strip_prefix("outcomes.")
                .and_then(|n| result.ensemble.iter().find(|i| i.name == n))
                .map(|i| format!("  [{} – {}]", fmt_value(i.lo), fmt_value(i.hi)))
                .unwrap_or_default();
            println!("  {:<42} {:>12} {:<10}{}", label, fmt_value(f.value), f.unit, interval);
        }
    }
    if !result.ensemble.is_empty() {
        println!("  (outcome intervals: 5–95 % over the uncertainty ensemble; every figure: results.json)");
    }
}
