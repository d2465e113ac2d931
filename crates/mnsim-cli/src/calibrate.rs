//! `mnsim calibrate`: fit the parameters that calibration cases set.

use crate::exit::{self, OrRunFailure};
use crate::progress::Bar;
use crate::run::default_out;
use anyhow::{Context, Result};
use mnsim_report::page::fmt_value;
use mnsim_study::calibrate::{self, Calibration};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What `mnsim calibrate` was asked.
pub struct Options {
    pub spec: Option<PathBuf>,
    pub cases: Vec<PathBuf>,
    pub out: Option<PathBuf>,
    pub force: bool,
    pub write: Option<PathBuf>,
    pub json: bool,
    pub quiet: bool,
}

pub fn calibrate(o: Options) -> Result<()> {
    let (text, spec_name) = match &o.spec {
        Some(p) => (
            std::fs::read_to_string(p).with_context(|| format!("{}: cannot read", p.display()))?,
            p.display().to_string(),
        ),
        None => (mnsim_scenario::calibrated::spec_text().to_string(), "data/calibration.toml (built in)".to_string()),
    };
    let spec = mnsim_scenario::calibrated::parse_spec(&text, &spec_name).map_err(anyhow::Error::msg)?;
    let mut loaded = Vec::new();
    if o.cases.is_empty() {
        loaded = mnsim_study::validate::builtin_cases();
    }
    for d in &o.cases {
        let found = mnsim_study::validate::load_dir(d)?;
        anyhow::ensure!(!found.is_empty(), "--cases {}: no case files (*.toml) in this folder", d.display());
        loaded.extend(found);
    }
    // every named case is a calibration case: checked before any run or folder
    let problem = calibrate::problem(&spec, &loaded)?;
    let started_utc = mnsim_report::now_utc();
    let out = o.out.clone().unwrap_or_else(|| default_out("calibrate", &started_utc));
    let target = mnsim_report::OutputDir::reserve(&out, o.force)?;
    let bar = Bar::new(o.quiet || o.json);
    let t0 = Instant::now();
    if let Some(b) = &bar.bar {
        b.set_message("calibrate (objective evaluations)");
    }
    let result = calibrate::calibrate(&problem, &|| {
        bar.tick_visibility(t0);
        if let Some(b) = &bar.bar {
            b.inc(1);
        }
    });
    if let Some(b) = &bar.bar {
        b.finish_and_clear();
    }
    let c = result.map_err(exit::run_failure)?;
    let written = calibrate::written_spec(&text, &c).map_err(|e| exit::run_failure(anyhow::anyhow!(e)))?;
    let json = serde_json::to_vec_pretty(&c).or_run_failure()?;
    let details = serde_json::json!({ "spec": spec_name, "cases": o.cases.iter().map(|d| d.display().to_string()).collect::<Vec<_>>() });
    let manifest = mnsim_report::folder_manifest("calibrate", &crate::run::meta(t0, started_utc), details);
    let dir = target
        .commit(&[
            manifest,
            ("calibration.json".into(), json),
            ("calibration.toml".into(), written.clone().into_bytes()),
        ])
        .map_err(exit::committing)?;
    if let Some(w) = &o.write {
        write_atomically(w, &written)?;
    }
    if o.json {
        outln!("{}", serde_json::to_string_pretty(&c).or_run_failure()?)?;
    } else {
        print_tables(&c, t0.elapsed().as_secs_f64())?;
        outln!("wrote {}", dir.display())?;
    }
    if let Some(w) = &o.write {
        errln!("wrote the fitted values into {} (rebuild mnsim to run on them)", w.display());
    }
    Ok(())
}

/// Replace `path` with `text` through a temporary file beside it and a rename.
fn write_atomically(path: &Path, text: &str) -> Result<()> {
    let tmp = path.with_extension(format!("toml.partial-{}", std::process::id()));
    std::fs::write(&tmp, text).and_then(|()| std::fs::rename(&tmp, path)).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        exit::run_failure(anyhow::anyhow!("--write {}: {e}", path.display()))
    })
}

fn print_tables(c: &Calibration, wall_s: f64) -> Result<()> {
    outln!(
        "{:<44} {:>9} {:>11} {:>9} {:>7}  {:<13} note",
        "parameter",
        "shipped",
        "fitted",
        "written",
        "SE(ln)",
        "identified"
    )?;
    for p in &c.parameters {
        let sig = |v: f64| mnsim_scenario::calibrated::round_significant(v, 5).to_string();
        let fitted = p.fitted.map_or("held".to_string(), sig);
        let se = p.relative_se.map_or("—".to_string(), |v| if v.is_finite() { format!("{v:.3}") } else { "∞".into() });
        let ident = match p.identifiable {
            Some(true) => "yes",
            Some(false) => "NO",
            None => "—",
        };
        let note = if p.held_because.is_empty() {
            format!("{} [{}, {}]", p.unit, fmt_value(p.low), fmt_value(p.high))
        } else {
            first_clause(&p.held_because)
        };
        outln!("{:<44} {:>9} {:>11} {:>9} {:>7}  {:<13} {note}", p.key, p.shipped, fitted, p.written, se, ident)?;
    }
    outln!()?;
    outln!(
        "{:<10} {:>11} {:>11} {:>11} {:>9} {:<7} {:<8} informs",
        "case",
        "target",
        "shipped",
        "fitted",
        "residual",
        "band",
        "unit"
    )?;
    for r in &c.cases {
        outln!(
            "{:<10} {:>11} {:>11} {:>11} {:>+9.3} {:<7} {:<8} {}",
            r.id,
            fmt_value(r.target.value),
            fmt_value(r.at_shipped),
            fmt_value(r.at_fitted),
            r.residual,
            if r.in_band { "in" } else { "OUT" },
            r.unit,
            r.informs.join(", ")
        )?;
    }
    for b in &c.blocks {
        outln!(
            "block {}: {} on {}, J {:.4} → {:.4} in {} iterations{}",
            b.keys.join(" + "),
            b.fit.method,
            b.cases.join(", "),
            b.objective_shipped,
            b.fit.objective,
            b.fit.iterations,
            if b.fit.converged { "" } else { " (iteration limit: not converged)" }
        )?;
    }
    outln!(
        "{} pass(es) of block coordinate descent; residual = (model − target) / spread; SE(ln) = Gauss–Newton standard error of ln θ; wall {wall_s:.1} s",
        c.passes
    )
}

/// The text of `s` up to its first colon (a held parameter's reason, shortened for the table).
fn first_clause(s: &str) -> String {
    let cut = s.find(':').unwrap_or(s.len()).min(60);
    let mut end = cut;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("held: {}", &s[..end])
}
