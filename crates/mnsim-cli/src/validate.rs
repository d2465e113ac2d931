//! `mnsim validate`: the model against published measurements.

use crate::progress::Bar;
use crate::run::stamp;
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
    let out = out.unwrap_or_else(|| PathBuf::from("runs").join(format!("validate-{}", stamp(&started_utc))));
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
    let details = serde_json::json!({
        "cases": dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>(),
        "only": only,
    });
    let manifest = mnsim_report::folder_manifest("validate", &crate::run::meta(t0, started_utc.clone()), details);
    let dir = target.commit(&[
        manifest,
        ("validation.csv".into(), mnsim_report::validation::csv(&rows)),
        ("validation.html".into(), html.into_bytes()),
    ])?;
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
