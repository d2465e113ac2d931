//! `mnsim`: a thin shell over the library crates. Parses arguments, dispatches, prints one
//! error with its context and maps it to an exit code.

mod bench;
mod budget;
mod compare;
mod progress;
mod run;
mod validate;
mod vary;

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// mnsim — an in-silico microneedling lab.
#[derive(Parser)]
#[command(name = "mnsim", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Memory budget of a run, GiB: a scenario whose estimated peak exceeds it is refused before
    /// it starts (default 8, or MNSIM_MAX_MEMORY_GIB).
    #[arg(long, global = true, value_name = "GIB")]
    max_memory_gib: Option<f64>,
}

#[derive(Subcommand)]
pub enum BenchWhat {
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
    on_signal_remove_staging();
    if let Err(e) = dispatch(cli) {
        eprintln!("error: {e:#}");
        std::process::exit(2);
    }
}

/// On SIGINT, SIGTERM or SIGHUP: remove the staging folders and locks of the outputs being
/// written, then exit with 128 + the signal number (130 for Ctrl-C, 143 for SIGTERM).
fn on_signal_remove_staging() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return; // without a handler the default action still ends the process
    };
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            mnsim_report::output::abandon_all();
            eprintln!("\ninterrupted: nothing was written");
            std::process::exit(128 + sig);
        }
    });
}

fn dispatch(cli: Cli) -> Result<()> {
    let budget = budget::from_args(cli.max_memory_gib)?;
    match cli.command {
        Command::Run { scenario, out, force, json, quiet, vary } => {
            if vary.is_empty() {
                run::run(scenario.as_deref(), out, force, json, quiet, &budget)
            } else {
                vary::run_variants(scenario.as_deref(), out, force, quiet, &vary, &budget)
            }
        }
        Command::Compare { runs, out, force } => compare::compare(&runs, out, force),
        Command::Bench { what } => bench::bench(what, &budget),
        Command::Validate { cases, case, out, force, json, quiet } => {
            validate::validate(&cases, &case, out, force, json, quiet)
        }
        Command::Check { scenario } => {
            let r = mnsim_scenario::load(&scenario)?;
            let e = budget::check(&r, &scenario.display().to_string(), &budget)?;
            println!(
                "{}: ok — {} at {} ({}), {} sessions, needle {} µm",
                scenario.display(),
                r.device.kind(),
                r.skin.site,
                r.scenario.name,
                r.protocol.sessions.len(),
                r.device.needle.length_um
            );
            println!(
                "  estimate: {:.3e} punctures, {:.3e} transport voxels, {:.3e} healing cells × {} courses over {:.0} d, \
                 peak memory {:.2} GiB (budget {} GiB)",
                e.punctures,
                e.transport_voxels,
                e.healing_cells,
                e.healing_courses,
                e.simulated_d,
                e.memory_gib(),
                budget.max_memory_gib
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
