//! `mnsim`: a thin shell over the library crates. Parses arguments, dispatches, prints one
//! error with its context and maps it to an exit code ([`exit::Code`]).

#[macro_use]
mod out;
mod actives;
mod bench;
mod budget;
mod calibrate;
mod check;
mod cohort;
mod cohort_merge;
mod compare;
mod exit;
mod plan;
mod plan_checkpoint;
mod progress;
mod run;
mod sensitivity;
mod serve;
mod stamped;
mod tables;
mod validate;
mod vary;

use anyhow::Result;
use clap::{CommandFactory, Parser, Subcommand};
use exit::{Code, OrRunFailure};
use std::path::PathBuf;

/// mnsim — an in-silico microneedling lab.
///
/// Simulates a microneedling course: the device and its punctures, how deep each needle
/// reaches in every skin layer, delivery of a topical through the channels, the wound-healing
/// cascade over the sessions, and the five clinical benefits with their uncertainty. A run
/// writes one self-contained folder (report.html, results.json, tidy CSV tables, SVG figures).
/// Start from `mnsim scenario --print-default`.
#[derive(Parser)]
#[command(name = "mnsim", version, about, long_about, after_help = exit::TABLE)]
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
    ///
    /// Times the 3D finite-volume transport step on a synthetic grid and sets it beside a
    /// STREAM-triad measurement of the machine's memory bandwidth. The grid is refused before
    /// it is allocated if it exceeds the memory budget.
    Transport {
        /// Grid as NXxNYxNZ voxels, each size in [4, 4000].
        #[arg(long, default_value = "200x200x100", value_name = "NXxNYxNZ")]
        grid: String,
        /// Worker threads, 1 to 256.
        #[arg(long, default_value_t = 2, value_name = "N")]
        threads: usize,
        /// Repetitions of the interleaved comparison of the production step (channels
        /// included) with a plain constant-coefficient LOD step and a STREAM triad, on this grid
        /// and on the voxel counts of the default `mnsim run` (100x100x84), 1 to 100.
        #[arg(long, default_value_t = 5, value_name = "R")]
        repetitions: usize,
        /// Print one JSON object instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// A virtual cohort of the default indication on the cohort's fast path: patients per second.
    ///
    /// Runs N patients of the built-in population of the default scenario (acne scars, cheek)
    /// as `mnsim cohort` would (nominal member only, no transport window, no transport when no
    /// outcome reads it), without writing anything, and reports patients per second.
    Cohort {
        /// Patients, 1 to 10000.
        #[arg(long, default_value_t = 4, value_name = "N")]
        n: u64,
        /// Worker threads, 1 to 256.
        #[arg(long, default_value_t = 2, value_name = "N")]
        threads: usize,
        /// Print one JSON object instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// The healing course of the default scenario: wall time and cost per cell per simulated day.
    ///
    /// Runs the wound-healing cascade of the built-in bench scenario once and reports its wall
    /// time, the number of tissue cells, simulated days and the cost per cell per day.
    Healing {
        /// Worker threads, 1 to 256.
        #[arg(long, default_value_t = 2, value_name = "N")]
        threads: usize,
        /// Print one JSON object instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// The planner's candidates: evaluations per second of the acne-scars example plan.
    ///
    /// Evaluates candidates of data/plans/acne-scars.toml (evenly spaced over its space) as
    /// `mnsim plan` does — one run each, nominal member, no transport window — in parallel, after
    /// the plan's base run, and prints the wall time and evaluations per second.
    Plan {
        /// Candidates to evaluate, 1 to 64.
        #[arg(long, default_value_t = 4, value_name = "N")]
        candidates: usize,
        /// Worker threads, 1 to 256.
        #[arg(long, default_value_t = 2, value_name = "N")]
        threads: usize,
        /// Print one JSON object instead of the table.
        #[arg(long)]
        json: bool,
    },
}

/// What `mnsim cohort` does besides running a cohort.
#[derive(Subcommand)]
pub enum CohortAction {
    /// Merge the shard folders of one cohort (`mnsim cohort … --shard K/M`, each with its
    /// shard.json) into the folder of the whole cohort.
    ///
    /// DIR holds the shard folders (every sub-folder with a shard.json); each shard K of M must be
    /// there exactly once, all of the same scenario, population, N, seed, options and mnsim
    /// build. The merged folder's data files (outcomes.csv, patients.csv, summary.csv,
    /// responders.csv, subgroups.csv, separation.csv, outcomes.parquet) are the same bytes as
    /// those of the whole cohort run on one machine.
    Merge {
        /// The folder holding the shard folders.
        dir: PathBuf,
        /// Output folder (default: runs/cohort-<population>-<time>).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Replace an existing output folder, only if mnsim wrote it.
        #[arg(long)]
        force: bool,
        /// Print the summary as JSON on stdout instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario (the built-in default when none is given) and write a run folder.
    ///
    /// The scenario is validated and its memory estimated, and the output folder is taken,
    /// before the simulation starts. The folder (report.html, manifest.json, results.json, CSV
    /// tables, SVG figures) is written whole or not at all. With --vary, runs every variant of
    /// the grid and writes one folder per variant plus a comparison (compare.html, compare.csv).
    Run {
        /// Scenario file (TOML). Omit for the built-in default (acne scars, cheek, 1.5 mm pen).
        scenario: Option<PathBuf>,
        /// Output folder (default: runs/<scenario>-<timestamp>).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Replace an existing output folder, only if mnsim wrote it (it holds mnsim's manifest.json).
        #[arg(long)]
        force: bool,
        /// Print the results as JSON on stdout instead of a table (with --vary: every variant's
        /// results and the comparison).
        #[arg(long)]
        json: bool,
        /// No progress bar (and, with --vary --json, no per-variant lines on stderr).
        #[arg(long, short)]
        quiet: bool,
        /// Run variants: `PATH=V1,V2,…` over any scenario key (`device.needle_length_um=500,1000,1500`;
        /// TOML arrays as values: `protocol.session_days=[0,28],[0,14,28]`);
        /// repeat for a grid of variants (at most 64). Writes one run folder per variant and a comparison.
        #[arg(long = "vary", value_name = "PATH=V1,V2,…")]
        vary: Vec<String>,
        /// Run the variants of a sweep file (TOML) instead of a --vary grid.
        ///
        /// `kind = "grid"` (every combination of listed levels), `"latin_hypercube"` (n variants
        /// over ranges, seeded) or `"one_at_a_time"` (the scenario as written, then each key at
        /// each level alone), with one `[[param]]` per key (`key`, and `values` or `low` and
        /// `high`); at most 64 variants (docs/STUDIES.md § Sweep files).
        #[arg(long = "design", value_name = "FILE", conflicts_with = "vary")]
        design: Option<PathBuf>,
        /// With --vary or --design: mark which variants meet a constraint on a figure or
        /// outcome, e.g. `downtime_d<=3` (operators <=, >=, <, >; repeat for several, all must
        /// hold), as `mnsim compare --where` does.
        #[arg(long = "where", value_name = "QUANTITY<=VALUE")]
        constraints: Vec<String>,
    },
    /// Put the outcomes of several run folders side by side (terminal table, compare.html, compare.csv).
    ///
    /// Reads results.json (and manifest.json, for the scenario values that differ between the
    /// runs) of each folder and writes compare.html and compare.csv into a new output folder.
    /// With --json, prints each run's figures and outcomes with their units and the values of
    /// the resolved scenarios that differ between the runs (a default that follows from a
    /// varied value, such as a pen's stroke from its needle length, differs too).
    Compare {
        /// Run folders written by `mnsim run`.
        #[arg(required = true, num_args = 1.., value_name = "RUN_DIR")]
        runs: Vec<PathBuf>,
        /// Output folder for compare.html and compare.csv (default: runs/compare-<time>).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Replace an existing output folder, only if mnsim wrote it.
        #[arg(long)]
        force: bool,
        /// Print the comparison as JSON on stdout instead of a table.
        #[arg(long)]
        json: bool,
        /// Mark which runs meet a constraint on a figure or outcome, e.g. `downtime_d<=3` or
        /// `collagen_change_pct>10` (operators <=, >=, <, >; repeat for several, all must hold):
        /// a row in the table and the page, a `meets_constraints` column in compare.csv and field
        /// in the JSON.
        #[arg(long = "where", value_name = "QUANTITY<=VALUE")]
        constraints: Vec<String>,
    },
    /// Compare the model with published measurements (the built-in cases, or your own).
    ///
    /// Runs every validation case (data/validation/*.toml, compiled in, or the case files of
    /// --cases), prints one row per case with the model's value, the pass band and the verdict,
    /// and writes validation.csv and validation.html. A case that misses its band is a result,
    /// not an error; a case file that cannot run makes the command fail after the table.
    Validate {
        /// Folder of case files (repeatable). Default: the built-in cases.
        #[arg(long = "cases", value_name = "DIR")]
        cases: Vec<PathBuf>,
        /// Run only this case id (repeatable).
        #[arg(long = "case", value_name = "ID")]
        case: Vec<String>,
        /// Output folder for validation.csv and validation.html (default: runs/validate-<time>).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Replace an existing output folder, only if mnsim wrote it.
        #[arg(long)]
        force: bool,
        /// Print the results as JSON on stdout instead of a table.
        #[arg(long)]
        json: bool,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Fit the parameters that calibration cases set (data/calibration.toml) on those cases.
    ///
    /// Each parameter in the calibration file names the calibration cases that inform it
    /// (role = "calibration" only: naming a validation case is an error, so validation cases
    /// are never read). Parameters that share a case are fitted jointly (Nelder–Mead), one
    /// alone by a scan and Brent's method, on the objective Σ ((model − target)/spread)² run end
    /// to end through the model. Prints the fit, each case's residual and an identifiability
    /// check (Gauss–Newton standard error of ln θ and the objective's profile), and writes
    /// calibration.json and the fitted calibration.toml into the output folder; --write FILE
    /// also writes the fitted values into FILE (data/calibration.toml: every run of a rebuilt
    /// mnsim then takes them).
    Calibrate {
        /// Calibration file (default: the built-in data/calibration.toml).
        #[arg(long, value_name = "FILE")]
        spec: Option<PathBuf>,
        /// Folder of case files (repeatable). Default: the built-in cases.
        #[arg(long = "cases", value_name = "DIR")]
        cases: Vec<PathBuf>,
        /// Output folder (default: runs/calibrate-<time>).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Replace an existing output folder, only if mnsim wrote it.
        #[arg(long)]
        force: bool,
        /// Also write the fitted calibration file here (e.g. data/calibration.toml).
        #[arg(long, value_name = "FILE")]
        write: Option<PathBuf>,
        /// Print the result as JSON on stdout instead of the tables.
        #[arg(long)]
        json: bool,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Which uncertain parameters move which outputs: Sobol indices or Morris screening.
    ///
    /// Samples the given parameter ranges (or, without --param, a default set of the model's
    /// uncertain rates, the penetration drag loss and the patient's age; ranges and sources in
    /// docs/STUDIES.md), runs the scenario at every point (nominal ensemble member only,
    /// `simulation.ensemble_members = 1`, in parallel) and estimates, per output: Sobol
    /// first-order (S1, Saltelli 2010) and total (ST, Jansen 1999) indices with 95 % bootstrap
    /// intervals and a convergence check at N/4, N/2, N (N·(k+2) runs), or Morris elementary
    /// effects μ*, μ, σ (r·(k+1) runs). Writes sensitivity.csv, sensitivity.json and
    /// manifest.json, whole or not at all; every range, key and point is checked before the
    /// first run.
    Sensitivity {
        /// Scenario file (TOML). Omit for the built-in default.
        scenario: Option<PathBuf>,
        /// A parameter and its range, `KEY=LOW:HIGH` over a numeric scenario key
        /// (`device.needle_length_um=500:2000`, `healing.rates.col_synth_per_d=0.01:0.03`);
        /// repeat for each. An integer key takes each whole number in the range. Default: the
        /// built-in set (docs/STUDIES.md).
        #[arg(long = "param", value_name = "KEY=LOW:HIGH")]
        param: Vec<String>,
        /// sobol: variance-based indices; morris: elementary-effects screening.
        #[arg(long, value_enum, default_value = "sobol")]
        method: sensitivity::Method,
        /// sobol: base sample N, a power of two in [8, 65536] (N·(k+2) runs); morris: the
        /// number of trajectories r in [2, 10000] (r·(k+1) runs).
        #[arg(long, value_name = "N")]
        n: usize,
        /// morris: levels of the grid, even, in [2, 100].
        #[arg(long, default_value_t = mnsim_study::sensitivity::DEFAULT_LEVELS, value_name = "P")]
        levels: usize,
        /// Figures of results.json to analyse, comma-separated (default: mean_depth_um,
        /// dermis_reached_fraction, collagen_change_pct, downtime_d, outcomes.scar_improvement_pct,
        /// those the scenario has).
        #[arg(long, value_delimiter = ',', value_name = "NAME,NAME")]
        outputs: Option<Vec<String>>,
        /// Time-resolved indices: healing time courses (patch averages of healing.csv
        /// variables, e.g. collagen_total,dermal_thickness,erythema_index), each analysed at
        /// every day of --times as the output `course.VAR@Td`.
        #[arg(long, value_delimiter = ',', value_name = "VAR,VAR")]
        time_courses: Vec<String>,
        /// Days from the first session at which the --time-courses are read (default: 1, 3, 7,
        /// 14, 30, 60, 90, 180, those within the course).
        #[arg(long, value_delimiter = ',', value_name = "D,D")]
        times: Option<Vec<f64>>,
        /// Seed of the design and the bootstrap (default: the scenario's simulation.seed).
        #[arg(long, value_name = "S")]
        seed: Option<u64>,
        /// Output folder (default: runs/sensitivity-<time>).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Replace an existing output folder, only if mnsim wrote it.
        #[arg(long)]
        force: bool,
        /// Print the results as JSON on stdout instead of a table.
        #[arg(long)]
        json: bool,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Run a scenario for every patient of a virtual cohort sampled from a population.
    ///
    /// Draws N patients from the population (covariates and physiological parameters with
    /// their distributions and correlations, inclusion criteria; a file, or a built-in name:
    /// acne-scars-cheek, fine-lines-forehead, fine-lines-periorbital, melasma-cheek,
    /// striae-abdomen, laxity-neck), each from its own random stream keyed by the seed and its
    /// index, and runs the scenario for each on the fast path (nominal member only, no
    /// transport window, no transport when no outcome reads it), in parallel. Writes
    /// outcomes.csv (one row per patient × outcome; outcomes.parquet too when built with the
    /// `parquet` feature), patients.csv, the summary
    /// (summary.csv, responders.csv, subgroups.csv, separation.csv, summary.json) and
    /// manifest.json, whole or not at all. Completed patients are kept in chunks in
    /// `<out>.chunks/`: rerunning the same command with the same --out continues from them.
    /// A shard (`--shard K/M`) also writes shard.json; `mnsim cohort merge DIR` merges the
    /// shard folders in DIR into the folder of the whole cohort.
    #[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
    Cohort {
        #[command(subcommand)]
        action: Option<CohortAction>,
        /// Scenario file (TOML). Omit for the population's worked scenario (or the built-in default).
        scenario: Option<PathBuf>,
        /// Population file (TOML) or built-in name (default: the built-in population named after
        /// the scenario).
        #[arg(long, value_name = "FILE|NAME")]
        population: Option<String>,
        /// Patients, 1 to 1000000.
        #[arg(long, value_name = "N", required = true)]
        n: Option<u64>,
        /// Seed of the cohort (default: the scenario's simulation.seed).
        #[arg(long, value_name = "S")]
        seed: Option<u64>,
        /// Output folder (default: runs/cohort-<population>-<time>; give it to resume).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Replace an existing output folder, only if mnsim wrote it.
        #[arg(long)]
        force: bool,
        /// Print the summary as JSON on stdout instead of a table.
        #[arg(long)]
        json: bool,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
        /// Worker threads, 1 to 256 (default: every core). The result does not depend on it.
        #[arg(long, value_name = "T")]
        threads: Option<usize>,
        /// Run only shard K of M (patients ⌊K·N/M⌋ to ⌊(K+1)·N/M⌋ − 1); the shards' outcomes.csv
        /// rows, in order, are those of the whole cohort.
        #[arg(long, value_name = "K/M")]
        shard: Option<String>,
        /// Patients per stored chunk, 1 to 100000.
        #[arg(long, default_value_t = cohort::DEFAULT_CHUNK, value_name = "C")]
        chunk: u64,
        /// Keep the topical's transport run even when no outcome reads it (adds transport_* figures).
        #[arg(long)]
        with_transport: bool,
        /// Testing: stop with an error after writing this many new chunks (an interrupted cohort).
        #[arg(long, hide = true, value_name = "K")]
        stop_after_chunks: Option<usize>,
    },
    /// The best protocol under downtime and safety limits, for one patient or a small cohort (a
    /// plan file).
    ///
    /// The plan file names a base scenario, decision variables (scenario keys with their values),
    /// objectives and constraints on figures of the run's results (docs/STUDIES.md § mnsim plan),
    /// and optionally a cohort ([plan.cohort]) over which they are statistics.
    /// A space of at most 512 candidates is enumerated, a larger one searched by NSGA-II (moors,
    /// seeded; in a build with `--features nsga`, else refused with what to do); each candidate is one run, nominal member, no transport window. The recommended
    /// protocol is rerun with its scenario's ensemble. Writes plan.html (the plan page),
    /// candidates.csv, plan.json, recommended.toml (a scenario `mnsim run` reproduces) and
    /// manifest.json. An infeasible plan still writes its candidates and ends with exit code 1.
    /// Each candidate's evaluation is kept in <out>.evals/ as it finishes: an interrupted plan
    /// rerun with the same command resumes there.
    Plan {
        /// Plan file (TOML). Or --example NAME.
        plan: Option<PathBuf>,
        /// A built-in example plan instead of a file (acne-scars, fine-lines, laxity-neck, melasma).
        #[arg(long, value_name = "NAME", conflicts_with = "plan")]
        example: Option<String>,
        /// Seed of the search (default: the plan's seed, else the scenario's simulation.seed).
        #[arg(long, value_name = "S")]
        seed: Option<u64>,
        /// Output folder (default: runs/plan-<name>-<time>).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Replace an existing output folder, only if mnsim wrote it.
        #[arg(long)]
        force: bool,
        /// Print plan.json on stdout instead of the table.
        #[arg(long)]
        json: bool,
        /// Testing: stop with an error once this many new evaluations are stored (an
        /// interrupted plan).
        #[arg(long, hide = true, value_name = "K")]
        stop_after_evaluations: Option<usize>,
    },
    /// Start the local web lab: edit a scenario, run it with live progress, open, compare and
    /// delete runs.
    ///
    /// Serves one page at http://127.0.0.1:PORT (embedded in the binary; no network needed): a
    /// scenario editor generated from the scenario's JSON Schema, with a TOML view kept in sync,
    /// presets, upload and download; the same checks and messages as `mnsim check`; runs with
    /// live progress and cancel, written into the runs folder exactly as `mnsim run` writes them;
    /// the run history, with each run's report.html and comparisons as `mnsim compare` makes
    /// them. Only files inside the runs folder are read or written. Endpoints: docs/SERVE.md.
    Serve {
        /// Port to listen on (0: any free port).
        #[arg(long, default_value_t = mnsim_serve::DEFAULT_PORT, value_name = "P")]
        port: u16,
        /// The runs folder: history, and where new runs are written (created if missing).
        #[arg(long, default_value = "runs", value_name = "DIR")]
        runs: PathBuf,
        /// Runs at once, 1 to 64; further runs wait in a queue.
        #[arg(long, default_value_t = mnsim_serve::DEFAULT_MAX_CONCURRENT_RUNS, value_name = "N")]
        max_concurrent_runs: usize,
        /// Address to bind. The default, 127.0.0.1, lets only this machine connect; the lab has
        /// no authentication, so bind another address only on a network you trust.
        #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
        bind: std::net::IpAddr,
    },
    /// Validate a scenario file without running it, and estimate its size.
    ///
    /// Prints the device, site and sessions, and the estimated work: punctures, transport
    /// voxels, healing cells and peak memory, against the memory budget. A scenario that is
    /// invalid or over the budget is an error (exit code 1).
    Check {
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// Print the check and the estimate as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Print the default scenario as commented TOML, or the scenario format's JSON Schema.
    ///
    /// `--print-default` is a starting point for your own scenario: every key, with its unit,
    /// allowed range and source in comments. `--schema` is for editors that complete and check
    /// TOML against a JSON Schema.
    #[command(group(clap::ArgGroup::new("what").required(true).args(["print_default", "schema"])))]
    Scenario {
        /// Print the built-in default as commented TOML, a starting point for your own.
        #[arg(long)]
        print_default: bool,
        /// With --print-default: every parameter (about 250: healing rates, transport and
        /// outcome settings, penetration …) with its value, description, unit, source and range,
        /// instead of the worked scenario as written. Read back, it is the same scenario.
        #[arg(long, requires = "print_default")]
        all: bool,
        /// Print a JSON Schema of the scenario format (for editors).
        #[arg(long)]
        schema: bool,
    },
    /// List the catalogue of topical actives a scenario can name (`topical.name`).
    ///
    /// Molecular weight, log P, hydrodynamic radius, ionisation kind and pKa as the model uses
    /// them; `--json` adds each value's source.
    Actives {
        /// Print the catalogue as JSON on stdout (with sources).
        #[arg(long)]
        json: bool,
    },
    /// Benchmarks that print their figures (never timed assertions).
    ///
    /// Figures and how to read them: docs/PERFORMANCE.md.
    Bench {
        #[command(subcommand)]
        what: BenchWhat,
    },
    /// Print a shell completion script on stdout.
    ///
    /// For example `mnsim completions bash > ~/.local/share/bash-completion/completions/mnsim`,
    /// `mnsim completions zsh > "${fpath[1]}/_mnsim"` or
    /// `mnsim completions fish > ~/.config/fish/completions/mnsim.fish`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) on stdout, or write one page per command into a folder.
    ///
    /// `mnsim man | man -l -` reads it at once; `mnsim man --out DIR` writes mnsim.1,
    /// mnsim-run.1, mnsim-compare.1, … into DIR (created if missing; pages of the same name
    /// are replaced), for example into ~/.local/share/man/man1.
    Man {
        /// Write one page per command into this folder instead of printing mnsim.1.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

fn main() -> std::process::ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap's message: help and version on stdout (a closed pipe swallowed), errors on stderr
            let _ = e.print();
            let code = if e.use_stderr() { Code::Usage } else { Code::Success };
            return std::process::ExitCode::from(code.status());
        }
    };
    on_signal_remove_staging();
    let code = match dispatch(cli).and_then(|()| out::flush()) {
        Ok(()) => Code::Success,
        Err(e) => {
            let _ = out::flush();
            errln!("error: {}", exit::message(&e));
            Code::of(&e)
        }
    };
    std::process::ExitCode::from(code.status())
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
            errln!("\ninterrupted: nothing was written");
            std::process::exit(exit::SIGNAL_BASE + sig);
        }
    });
}

fn dispatch(cli: Cli) -> Result<()> {
    let budget = budget::from_args(cli.max_memory_gib)?;
    match cli.command {
        Command::Run { scenario, out, force, json, quiet, vary, design, constraints } => {
            if vary.is_empty() && design.is_none() {
                anyhow::ensure!(constraints.is_empty(), "--where needs --vary or --design: it marks variants");
                run::run(scenario.as_deref(), out, force, json, quiet, &budget)
            } else {
                let opts = vary::Options { scenario, out, force, json, quiet, vary, design, constraints };
                vary::run_variants(&opts, &budget)
            }
        }
        Command::Compare { runs, out, force, json, constraints } => {
            compare::compare(&runs, out, force, json, &constraints)
        }
        Command::Bench { what } => bench::bench(what, &budget),
        Command::Validate { cases, case, out, force, json, quiet } => {
            validate::validate(&cases, &case, out, force, json, quiet)
        }
        Command::Calibrate { spec, cases, out, force, write, json, quiet } => {
            calibrate::calibrate(calibrate::Options { spec, cases, out, force, write, json, quiet })
        }
        Command::Sensitivity {
            scenario,
            param,
            method,
            n,
            levels,
            outputs,
            time_courses,
            times,
            seed,
            out,
            force,
            json,
            quiet,
        } => sensitivity::sensitivity(
            sensitivity::Options {
                scenario,
                params: param,
                method,
                n,
                levels,
                outputs,
                time_courses,
                times,
                seed,
                out,
                force,
                json,
                quiet,
            },
            &budget,
        ),
        Command::Cohort { action: Some(CohortAction::Merge { dir, out, force, json }), .. } => {
            cohort_merge::merge(&dir, out, force, json, &budget)
        }
        Command::Cohort {
            action: None,
            scenario,
            population,
            n,
            seed,
            out,
            force,
            json,
            quiet,
            threads,
            shard,
            chunk,
            with_transport,
            stop_after_chunks,
        } => cohort::cohort(
            cohort::Options {
                scenario,
                population,
                n: n.expect("clap requires --n without a subcommand"),
                seed,
                out,
                force,
                json,
                quiet,
                threads,
                shard,
                chunk,
                with_transport,
                stop_after_chunks,
            },
            &budget,
        ),
        Command::Plan { plan, example, seed, out, force, json, stop_after_evaluations } => {
            plan::plan(plan::Options { plan, example, seed, out, force, json, stop_after_evaluations }, &budget)
        }
        Command::Check { scenario, json } => check::check(&scenario, json, &budget),
        Command::Serve { port, runs, max_concurrent_runs, bind } => {
            serve::serve(serve::Options { port, runs, max_concurrent_runs, bind }, &budget)
        }
        Command::Actives { json } => actives::actives(json),
        Command::Scenario { print_default, schema, all } => {
            if schema {
                outln!("{}", serde_json::to_string_pretty(&mnsim_scenario::json_schema()).or_run_failure()?)
            } else if all {
                out!("{}", mnsim_scenario::full_toml(&mnsim_scenario::default_scenario()))
            } else {
                debug_assert!(print_default, "clap requires one of the two");
                out!("{}", mnsim_scenario::default_toml())
            }
        }
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "mnsim", &mut script);
            out::bytes(&script)
        }
        Command::Man { out: None } => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut page).or_run_failure()?;
            out::bytes(&page)
        }
        Command::Man { out: Some(dir) } => {
            anyhow::ensure!(!dir.exists() || dir.is_dir(), "--out {}: not a folder", dir.display());
            std::fs::create_dir_all(&dir)
                .and_then(|()| clap_mangen::generate_to(Cli::command(), &dir))
                .map_err(|e| exit::run_failure(anyhow::anyhow!("{}: writing the man pages: {e}", dir.display())))?;
            outln!("wrote the man pages into {}", dir.display())
        }
    }
}
