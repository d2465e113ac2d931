//! `mnsim validate`: the model against published measurements.

use crate::exit::{self, OrRunFailure};
use crate::progress::Bar;
use crate::run::default_out;
use anyhow::Result;
use mnsim_report::page::fmt_value;
use std::path::PathBuf;
use std::time::Instant;

pub fn validate(
    dirs: &[PathBuf],
    only: &[String],
    out: Option<PathBuf>,
    force: bool,
    json: bool,
    quiet: bool,
) -> Result<()> {
    use mnsim_study::validate;
    let started_utc = mnsim_report::now_utc();
    let out = out.unwrap_or_else(|| default_out("validate", &started_utc));
    let target = mnsim_report::OutputDir::reserve(&out, force)?;
    let mut cases = Vec::new();
    if dirs.is_empty() {
        cases = validate::builtin_cases();
    }
    for d in dirs {
        let found = validate::load_dir(d)?;
        anyhow::ensure!(!found.is_empty(), "--cases {}: no case files (*.toml) in this folder", d.display());
        cases.extend(found);
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
    let (rows, errors) = validate::split(&outcomes);
    let counts = validate::counts(&outcomes);
    let header = format!(
        "mnsim {} ({}), {} — {} cases, wall time {:.2} s",
        env!("CARGO_PKG_VERSION"),
        env!("MNSIM_GIT_REV"),
        started_utc,
        outcomes.len(),
        t0.elapsed().as_secs_f64()
    );
    let html = mnsim_report::validation::html(&rows, &errors, &header)
        .map_err(|e| exit::run_failure(anyhow::anyhow!("drawing validation.html: {e}")))?;
    let details = serde_json::json!({
        "cases": dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>(),
        "only": only,
    });
    let manifest = mnsim_report::folder_manifest("validate", &crate::run::meta(t0, started_utc.clone()), details);
    let files = crate::tables::with_parquet(vec![
        manifest,
        ("validation.csv".into(), mnsim_report::validation::csv(&rows)),
        ("validation.html".into(), html.into_bytes()),
    ])?;
    let dir = target.commit(&files).map_err(exit::committing)?;
    if json {
        print_json(&rows, &errors, &counts, &dir)?;
    } else {
        print_table(&rows, &errors, &counts, &dir)?;
    }
    if !errors.is_empty() {
        let e = anyhow::anyhow!("{} case file(s) could not run (listed above)", errors.len());
        // the model failing on a valid case is a run failure; a case file in error is input
        let model_failed =
            outcomes.iter().any(|o| matches!(o.result, Err(mnsim_study::validate::CaseError::Model(..))));
        return Err(if model_failed { exit::run_failure(e) } else { e });
    }
    Ok(())
}

/// The machine-readable result: `published` only where the case has a published point value,
/// and the statement as published beside it.
fn print_json(
    rows: &[mnsim_study::validate::CaseResult],
    errors: &[(String, String)],
    c: &mnsim_study::validate::Counts,
    dir: &std::path::Path,
) -> Result<()> {
    let pair = |(p, n): (usize, usize)| serde_json::json!({"passed": p, "total": n});
    let doc = serde_json::json!({
        "cases": rows.iter().map(|r| serde_json::json!({
            "id": r.id, "role": r.role, "evidence": r.evidence, "evidence_note": r.evidence_note, "area": r.area,
            "model": r.model, "published": r.published, "low": r.low, "high": r.high, "spread": r.spread,
            "published_statement": r.published_statement(), "band_low": r.band_low, "band_high": r.band_high,
            "unit": r.unit, "pass": r.pass, "null_value": r.null_value, "null_pass": r.null_pass,
        })).collect::<Vec<_>>(),
        "errors": errors.iter().map(|(f, e)| serde_json::json!({"file": f, "error": e})).collect::<Vec<_>>(),
        "independent": pair(c.independent),
        "weak": pair(c.weak),
        "by_construction": pair(c.by_construction),
        "null_model_also_passes": c.null_also_passes,
        "out_dir": dir.display().to_string(),
    });
    outln!("{}", serde_json::to_string_pretty(&doc).or_run_failure()?)
}

/// The terminal table: one row per case, then the counts per evidence class.
fn print_table(
    rows: &[mnsim_study::validate::CaseResult],
    errors: &[(String, String)],
    c: &mnsim_study::validate::Counts,
    dir: &std::path::Path,
) -> Result<()> {
    outln!(
        "{:<14} {:<15} {:>12} {:>21} {:<11} {:<7} {:<12} published (as published)",
        "case",
        "evidence",
        "model",
        "band",
        "unit",
        "verdict",
        "null model"
    )?;
    for r in rows {
        outln!(
            "{:<14} {:<15} {:>12} {:>21} {:<11} {:<7} {:<12} {}",
            r.id,
            r.evidence,
            fmt_value(r.model),
            mnsim_report::validation::band_statement(r),
            r.unit,
            if r.pass { "pass" } else { "MISS" },
            r.null_statement(),
            r.published_statement()
        )?;
    }
    for (f, e) in errors {
        errln!("error: {f}: {e}");
    }
    outln!("{}; {} could not run", c.headline(), errors.len())?;
    outln!("wrote {}", dir.display())
}
