//! `mnsim`: a thin shell over the library crates. Parses arguments, dispatches, prints one
//! error with its context and maps it to an exit code.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use mnsim_report::RunMeta;
use mnsim_report::page::fmt_value;
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
enum BenchWhat {
    /// The transport solver step: voxel-updates per second, bytes per update, bandwidth.
    Transport {
        /// Grid as NXxNYxNZ.
        #[arg(long, default_value = "200x200x100")]
        grid: String,
        /// Worker threads.
        #[arg(long, default_value_t = 2)]
        threads: usize,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// The healing course of the default scenario: wall time and cost per cell per simulated day.
    Healing {
        /// Worker threads.
        #[arg(long, default_value_t = 2)]
        threads: usize,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
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
        /// Run variants: `PATH=V1,V2,…` over any scenario key (`device.needle_length_um=500,1000,1500`);
        /// repeat for a grid of variants. Writes one run folder per variant and a comparison.
        #[arg(long = "vary", value_name = "PATH=V1,V2,…")]
        vary: Vec<String>,
    },
    /// Put the outcomes of several run folders side by side (terminal table and compare.html).
    Compare {
        /// Run folders written by `mnsim run`.
        #[arg(required = true, num_args = 1..)]
        runs: Vec<PathBuf>,
        /// Output folder for compare.html and compare.csv (default: runs/compare-<time>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace an existing non-empty output folder.
        #[arg(long)]
        force: bool,
    },
    /// Benchmarks that print their figures (never timed assertions).
    Bench {
        #[command(subcommand)]
        what: BenchWhat,
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
        Command::Run { scenario, out, force, json, quiet, vary } => {
            if vary.is_empty() {
                run(scenario.as_deref(), out, force, json, quiet)
            } else {
                run_variants(scenario.as_deref(), out, force, quiet, &vary)
            }
        }
        Command::Compare { runs, out, force } => compare(&runs, out, force),
        Command::Bench { what } => bench(what),
        Command::Validate { cases, case, out, force, json, quiet } => validate(&cases, &case, out, force, json, quiet),
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
        let stamp = started_utc.replace([':', '-'], "").replace('T', "-").trim_end_matches('Z').to_string();
        PathBuf::from("runs").join(format!("{}-{stamp}", scenario.scenario.name))
    });
    // refuse before spending time on the simulation
    mnsim_report::check_target(&out, force)?;
    let t0 = Instant::now();
    let mut progress = BarProgress { bar: Bar::new(quiet || json), started: t0 };
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
        println!("mnsim {} — {} (seed {})", meta.mnsim_version, scenario.scenario.name, scenario.seed());
        print_summary(&result);
        for w in &result.warnings {
            println!("warning: {w}");
        }
        println!("wrote {} (open report.html) in {:.2} s", dir.display(), meta.wall_time_s);
    }
    Ok(())
}

fn stamp(utc: &str) -> String {
    utc.replace([':', '-'], "").replace('T', "-").trim_end_matches('Z').to_string()
}

fn validate(
    dirs: &[PathBuf],
    only: &[String],
    out: Option<PathBuf>,
    force: bool,
    json: bool,
    quiet: bool,
) -> Result<()> {
    use mnsim_study::validate;
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
            Ok(r) => rows.push(r.clone()),
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
        &[("validation.csv", mnsim_report::validation::csv(&rows)), ("validation.html", html.into_bytes())],
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
        println!("validation: {vp}/{vn} pass; calibration: {cp}/{cn} pass; {} could not run", errors.len());
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
                ("transport_delivered_needled_ug_per_cm2", "delivered past the SC, needled"),
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
        let present: Vec<_> = rows.iter().filter_map(|(n, l)| result.figure(n).map(|f| (*n, *l, f))).collect();
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

/// Parse `PATH=V1,V2,…` into (path, values as TOML).
fn parse_vary(spec: &str) -> Result<(String, Vec<(String, toml::Value)>)> {
    let (path, values) = spec.split_once('=').with_context(|| format!("--vary {spec}: expected PATH=V1,V2,…"))?;
    let path = path.trim();
    anyhow::ensure!(
        !path.is_empty() && !path.split('.').any(str::is_empty),
        "--vary {spec}: `{path}` is not a dotted key path"
    );
    let vals: Vec<(String, toml::Value)> = values
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| (v.to_string(), mnsim_scenario::parse_value(v)))
        .collect();
    anyhow::ensure!(!vals.is_empty(), "--vary {spec}: no values");
    Ok((path.to_string(), vals))
}

/// Largest number of variants one `--vary` call may run.
const MAX_VARIANTS: usize = 64;

fn run_variants(path: Option<&Path>, out: Option<PathBuf>, force: bool, quiet: bool, vary: &[String]) -> Result<()> {
    let (text, file) = match path {
        Some(p) => {
            anyhow::ensure!(!p.is_dir(), "{}: is a directory, not a scenario file", p.display());
            (
                std::fs::read_to_string(p).with_context(|| format!("{}: cannot read scenario file", p.display()))?,
                p.display().to_string(),
            )
        }
        None => (mnsim_scenario::default_toml().to_string(), "<built-in default>".to_string()),
    };
    let axes: Vec<(String, Vec<(String, toml::Value)>)> = vary.iter().map(|v| parse_vary(v)).collect::<Result<_>>()?;
    // cartesian product of the axes
    let mut combos: Vec<Vec<(String, String, toml::Value)>> = vec![vec![]];
    for (p, vals) in &axes {
        combos = combos
            .into_iter()
            .flat_map(|c| {
                vals.iter().map(move |(label, v)| [c.clone(), vec![(p.clone(), label.clone(), v.clone())]].concat())
            })
            .collect();
    }
    anyhow::ensure!(combos.len() <= MAX_VARIANTS, "--vary asks for {} variants; at most {MAX_VARIANTS}", combos.len());
    // validate every variant before running any
    let mut variants = Vec::new();
    for c in &combos {
        let edits: Vec<mnsim_scenario::Edit> =
            c.iter().map(|(p, _, v)| mnsim_scenario::Edit::Set(p.clone(), v.clone())).collect();
        let label = c
            .iter()
            .map(|(p, l, _)| format!("{}={l}", p.rsplit('.').next().unwrap_or(p)))
            .collect::<Vec<_>>()
            .join(",");
        let sc = mnsim_scenario::parse_with(&text, &file, &edits)?;
        variants.push((label, sc));
    }
    let started_utc = mnsim_report::now_utc();
    let base_name = variants.first().map(|v| v.1.scenario.name.clone()).unwrap_or_default();
    let out = out.unwrap_or_else(|| PathBuf::from("runs").join(format!("{base_name}-vary-{}", stamp(&started_utc))));
    mnsim_report::check_target(&out, force)?;
    // every variant's files and the comparison are gathered, then written as one folder
    // (whole or not at all)
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut summaries = Vec::new();
    for (label, sc) in &variants {
        let sub = sanitize(label);
        let t0 = Instant::now();
        let mut progress = BarProgress { bar: Bar::new(quiet), started: t0 };
        let result = mnsim_sim::run(sc, &mut progress).with_context(|| format!("variant {label}"))?;
        if let Some(b) = &progress.bar.bar {
            b.finish_and_clear();
        }
        let meta = RunMeta {
            mnsim_version: env!("CARGO_PKG_VERSION").to_string(),
            git_revision: env!("MNSIM_GIT_REV").to_string(),
            started_utc: mnsim_report::now_utc(),
            wall_time_s: t0.elapsed().as_secs_f64(),
            command: std::env::args().collect(),
        };
        summaries.push(mnsim_report::compare::summary(sub.clone(), &mnsim_report::results_json(sc, &result, &meta)));
        for (name, bytes) in mnsim_report::run_files(sc, &result, &meta)? {
            files.push((format!("{sub}/{name}"), bytes));
        }
        println!("{label}: done in {:.2} s", meta.wall_time_s);
    }
    let cmp = mnsim_report::compare::Comparison { runs: summaries };
    let (csv, html) = mnsim_report::compare::render(&cmp).map_err(|e| anyhow::anyhow!("drawing compare.html: {e}"))?;
    files.push(("compare.csv".into(), csv));
    files.push(("compare.html".into(), html.into_bytes()));
    let dir = mnsim_report::write_folder(&out, force, &files)?;
    print!("{}", mnsim_report::compare::table(&cmp));
    println!("wrote {} (compare.html and one folder per variant)", dir.display());
    Ok(())
}

fn sanitize(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.=,".contains(c) { c } else { '_' }).collect()
}

fn compare(runs: &[PathBuf], out: Option<PathBuf>, force: bool) -> Result<()> {
    let cmp = mnsim_report::compare::load_runs(runs)?;
    let out = out.unwrap_or_else(|| PathBuf::from("runs").join(format!("compare-{}", stamp(&mnsim_report::now_utc()))));
    let (csv, html) = mnsim_report::compare::render(&cmp).map_err(|e| anyhow::anyhow!("drawing compare.html: {e}"))?;
    let dir = mnsim_report::write_folder(&out, force, &[("compare.csv", csv), ("compare.html", html.into_bytes())])?;
    print!("{}", mnsim_report::compare::table(&cmp));
    println!("wrote {}", dir.display());
    Ok(())
}

fn bench(what: BenchWhat) -> Result<()> {
    match what {
        BenchWhat::Transport { grid, threads, json } => {
            let dims: Vec<usize> = grid
                .split(['x', 'X'])
                .map(|d| d.trim().parse::<usize>())
                .collect::<Result<_, _>>()
                .with_context(|| format!("--grid {grid}: expected NXxNYxNZ, e.g. 200x200x100"))?;
            anyhow::ensure!(
                dims.len() == 3 && dims.iter().all(|&d| (4..=4000).contains(&d)),
                "--grid {grid}: three sizes in [4, 4000] expected"
            );
            anyhow::ensure!((1..=256).contains(&threads), "--threads {threads}: expected 1 to 256");
            let r = mnsim_transport::bench::bench_transport([dims[0], dims[1], dims[2]], threads);
            if json {
                println!("{}", serde_json::to_string_pretty(&r)?);
            } else {
                println!("transport step on {}x{}x{} voxels, {} threads", r.grid[0], r.grid[1], r.grid[2], r.threads);
                println!("  voxel-updates per second   {:>12.3e}", r.voxel_updates_per_s);
                println!("  bytes per voxel-update     {:>12.1}", r.bytes_per_update);
                println!("  effective bandwidth        {:>12.2} GB/s", r.bandwidth_gb_s);
                println!("  machine bandwidth (triad)  {:>12.2} GB/s", r.machine_bandwidth_gb_s);
                println!("  fraction of that limit     {:>12.2}", r.fraction_of_bandwidth_limit);
                println!("  memory per voxel           {:>12.1} B", r.bytes_per_voxel);
                println!("  vs BioFVM 31 M/s           {:>12.2}x", r.speedup_vs_biofvm);
            }
        }
        BenchWhat::Healing { threads, json } => {
            anyhow::ensure!((1..=256).contains(&threads), "--threads {threads}: expected 1 to 256");
            let r = mnsim_healing::bench(threads)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&r)?);
            } else {
                println!("healing course of the bench scenario, {} threads", r.threads);
                println!("  wall time                  {:>12.3} s", r.wall_s);
                println!("  tissue cells               {:>12}", r.cells);
                println!("  simulated days             {:>12.1}", r.simulated_d);
                println!("  cost per cell per day      {:>12.2} µs", r.cost_per_cell_day_us);
                println!("  cell solves / skips        {:>8} / {}", r.cell_solves, r.cell_skips);
            }
        }
    }
    Ok(())
}
