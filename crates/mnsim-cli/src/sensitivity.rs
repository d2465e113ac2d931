//! `mnsim sensitivity SCENARIO`: which uncertain parameters move which outputs — Sobol indices
//! or Morris screening over parameter ranges (the estimators: `mnsim_study::sensitivity`).

use crate::exit::{self, OrRunFailure};
use crate::progress::Bar;
use crate::run::default_out;
use anyhow::Result;
use mnsim_report::page::fmt_value;
use mnsim_study::sensitivity::{self as sa, ParamRange, SensitivityError};
use std::path::PathBuf;
use std::time::Instant;

/// The method of a sensitivity study.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Method {
    /// Variance-based first-order and total indices (N·(k+2) runs).
    Sobol,
    /// Elementary-effects screening (r·(k+1) runs).
    Morris,
}

/// The command's options, as given.
pub struct Options {
    pub scenario: Option<PathBuf>,
    pub params: Vec<String>,
    pub method: Method,
    pub n: usize,
    pub levels: usize,
    pub outputs: Option<Vec<String>>,
    pub time_courses: Vec<String>,
    pub times: Option<Vec<f64>>,
    pub seed: Option<u64>,
    pub out: Option<PathBuf>,
    pub force: bool,
    pub json: bool,
    pub quiet: bool,
}

/// An error of the study: the model failing at a point is a run failure, anything else (a
/// range, a key, N, an output name) is invalid input.
fn studying(e: SensitivityError) -> anyhow::Error {
    match e {
        SensitivityError::Model { .. } | SensitivityError::NonFinite { .. } | SensitivityError::OutputCount { .. } => {
            exit::run_failure(e)
        }
        _ => e.into(),
    }
}

pub fn sensitivity(o: Options, budget: &mnsim_sim::Budget) -> Result<()> {
    use mnsim_study::sensitivity_study as st;
    let (text, file) = crate::run::scenario_text(o.scenario.as_deref())?;
    let scenario = mnsim_scenario::parse(&text, &file)?;
    crate::budget::check(&scenario, &file, budget)?;
    let params: Vec<ParamRange> =
        o.params.iter().map(String::as_str).map(ParamRange::parse).collect::<Result<_, _>>()?;
    let end_d = st::course_end_d(&scenario);
    if let Some(bad) = o.times.iter().flatten().find(|d| !(d.is_finite() && (0.0..=end_d).contains(*d))) {
        anyhow::bail!("--times {bad}: expected days within the course, [0, {end_d}] from the first session");
    }
    let req = st::Request {
        params,
        method: match o.method {
            Method::Sobol => st::Method::Sobol,
            Method::Morris => st::Method::Morris,
        },
        n: o.n,
        levels: o.levels,
        outputs: o.outputs.clone(),
        time_courses: o.time_courses.clone(),
        times: o.times.clone(),
        seed: o.seed,
    };
    // every point is a valid scenario, checked before any run
    let prepared = st::prepare(&text, &file, &req, *budget)?;
    let started_utc = mnsim_report::now_utc();
    let out = o.out.clone().unwrap_or_else(|| default_out("sensitivity", &started_utc));
    let target = mnsim_report::OutputDir::reserve(&out, o.force)?;

    let t0 = Instant::now();
    let bar = Bar::new(o.quiet || o.json);
    if let Some(b) = &bar.bar {
        b.set_length(prepared.design.points().len() as u64 + 1);
        b.set_message("sensitivity");
    }
    let tick = || {
        bar.tick_visibility(t0);
        if let Some(b) = &bar.bar {
            b.inc(1);
        }
    };
    let done = st::run(&prepared, &tick).map_err(studying)?;
    if let Some(b) = &bar.bar {
        b.finish_and_clear();
    }
    let table = match &done.result {
        st::Analysed::Sobol(r) => sobol_table(r, &done.units, &done.base),
        st::Analysed::Morris(r) => morris_table(r, &done.units, &done.base),
    };
    let meta = crate::run::meta(t0, started_utc);
    let doc = st::document(&prepared, &done, meta.wall_time_s);
    let files = st::files(&prepared, &done, &doc, &meta).map_err(|e| exit::run_failure(anyhow::anyhow!(e)))?;
    let files = crate::tables::with_parquet(files)?;
    let dir = target.commit(&files).map_err(exit::committing)?;
    if o.json {
        let mut doc = doc;
        doc["out_dir"] = serde_json::json!(dir.display().to_string());
        outln!("{}", serde_json::to_string_pretty(&doc).or_run_failure()?)
    } else {
        outln!(
            "mnsim {} — sensitivity of {} ({}), {} model runs (1 base + design; nominal member each), seed {}, {:.1} s",
            meta.mnsim_version,
            scenario.scenario.name,
            prepared.design.json()["method"].as_str().unwrap_or_default(),
            done.runs,
            prepared.seed,
            meta.wall_time_s
        )?;
        out!("{table}")?;
        outln!("wrote {} (sensitivity.html, sensitivity.csv, sensitivity.json, manifest.json)", dir.display())
    }
}

/// Width of the parameter column of the tables.
const PARAM_COLUMN: usize = 40;

fn heading(name: &str, unit: &str, base: &[mnsim_sim::Figure]) -> String {
    let at = base.iter().find(|f| f.name == name).map(|f| fmt_value(f.value)).unwrap_or_default();
    format!("{name} ({unit}; {at} at the scenario as written)\n")
}

fn sobol_table(r: &sa::SobolResult, units: &[String], base: &[mnsim_sim::Figure]) -> String {
    let mut t = String::new();
    // three decimals, and no "-0.000" for an estimate a hair below 0
    let f = |v: f64| {
        let s = format!("{v:.3}");
        if s == "-0.000" { "0.000".to_string() } else { s }
    };
    for (o, name) in r.outputs.iter().enumerate() {
        t.push_str(&heading(name, &units[o], base));
        t.push_str(&format!(
            "  {:<PARAM_COLUMN$} {:>6} {:>17} {:>6} {:>17}\n",
            "parameter", "S1", "95 % interval", "ST", "95 % interval"
        ));
        for i in r.indices.iter().filter(|i| &i.output == name) {
            t.push_str(&format!(
                "  {:<PARAM_COLUMN$} {:>6} {:>17} {:>6} {:>17}\n",
                i.param,
                f(i.s1),
                format!("[{}, {}]", f(i.s1_low), f(i.s1_high)),
                f(i.st),
                format!("[{}, {}]", f(i.st_low), f(i.st_high))
            ));
        }
    }
    t.push_str(&format!(
        "(N = {}, {} design runs; S1 first order (Saltelli 2010), ST total (Jansen 1999), fractions of the output's variance; intervals: {} bootstrap resamples)\n",
        r.n, r.runs, r.bootstrap
    ));
    for w in &r.warnings {
        t.push_str(&format!("warning: {w}\n"));
    }
    t
}

fn morris_table(r: &sa::MorrisResult, units: &[String], base: &[mnsim_sim::Figure]) -> String {
    let mut t = String::new();
    for (o, name) in r.outputs.iter().enumerate() {
        t.push_str(&heading(name, &units[o], base));
        t.push_str(&format!("  {:<PARAM_COLUMN$} {:>12} {:>12} {:>12}\n", "parameter", "μ*", "μ", "σ"));
        let mut rows: Vec<&sa::MorrisEffect> = r.effects.iter().filter(|e| &e.output == name).collect();
        rows.sort_by(|a, b| b.mu_star.total_cmp(&a.mu_star));
        for e in rows {
            t.push_str(&format!(
                "  {:<PARAM_COLUMN$} {:>12} {:>12} {:>12}\n",
                e.param,
                fmt_value(e.mu_star),
                fmt_value(e.mu),
                fmt_value(e.sigma)
            ));
        }
    }
    t.push_str(&format!(
        "(r = {} trajectories, p = {} levels, Δ = {:.3} of each range; μ*, μ, σ in the output's unit per full range, sorted by μ*)\n",
        r.r, r.levels, r.delta
    ));
    t
}
