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
        Command::Scenario {
            print_default,
            schema,
        } => {
            if schema {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&mnsim_scenario::json_schema())?
                );
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

fn run(
    path: Option<&Path>,
    out: Option<PathBuf>,
    force: bool,
    json: bool,
    quiet: bool,
) -> Result<()> {
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
    let result = mnsim_sim::run(&scenario, &mut progress);
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
        println!("{:<34} {:>12}  {}", "figure", "value", "unit");
        for f in &result.figures {
            println!("{:<34} {:>12}  {}", f.name, fmt_value(f.value), f.unit);
        }
        println!("wrote {} in {:.2} s", dir.display(), meta.wall_time_s);
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
