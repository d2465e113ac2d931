//! `mnsim run --vary`: a grid of variants of one scenario, and their comparison.

use crate::exit::{self, OrRunFailure};
use crate::progress::{Bar, BarProgress};
use crate::run::default_out;
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

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

/// One `--vary` axis: the key path and its values (as written, and as TOML).
type Axis = (String, Vec<(String, toml::Value)>);

/// Largest number of variants one `--vary` call may run.
const MAX_VARIANTS: usize = 64;

/// Parse every `--vary` axis and check the grid before anything is built: no key on two axes,
/// no value twice on one axis, and at most [`MAX_VARIANTS`] variants (counted, not built).
fn parse_axes(vary: &[String]) -> Result<Vec<Axis>> {
    let mut axes: Vec<Axis> = Vec::new();
    let mut count: usize = 1;
    for spec in vary {
        let (key, vals) = parse_vary(spec)?;
        anyhow::ensure!(
            !axes.iter().any(|(k, _)| k == &key),
            "--vary {spec}: `{key}` is already varied by another --vary; give all its values in one"
        );
        for (i, (label, v)) in vals.iter().enumerate() {
            if let Some((first, _)) = vals[..i].iter().find(|(_, w)| same_value(w, v)) {
                anyhow::bail!("--vary {spec}: `{label}` repeats the value `{first}`; each value once");
            }
        }
        count = count.saturating_mul(vals.len());
        anyhow::ensure!(
            count <= MAX_VARIANTS,
            "--vary asks for {}{count} variants; at most {MAX_VARIANTS}",
            if count == usize::MAX { "over " } else { "" }
        );
        axes.push((key, vals));
    }
    Ok(axes)
}

/// Two `--vary` values are the same if equal as TOML values or as numbers (`1000` and `1e3`).
fn same_value(a: &toml::Value, b: &toml::Value) -> bool {
    let num = |v: &toml::Value| v.as_float().or_else(|| v.as_integer().map(|i| i as f64));
    match (num(a), num(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// The cartesian product of the axes: (key, label, value) per axis, per variant.
fn grid(axes: &[Axis]) -> Vec<Vec<(String, String, toml::Value)>> {
    let mut combos: Vec<Vec<(String, String, toml::Value)>> = vec![vec![]];
    for (p, vals) in axes {
        combos = combos
            .into_iter()
            .flat_map(|c| {
                vals.iter().map(move |(label, v)| [c.clone(), vec![(p.clone(), label.clone(), v.clone())]].concat())
            })
            .collect();
    }
    combos
}

pub fn run_variants(
    path: Option<&Path>,
    out: Option<PathBuf>,
    force: bool,
    json: bool,
    quiet: bool,
    vary: &[String],
    budget: &mnsim_sim::Budget,
) -> Result<()> {
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
    let axes = parse_axes(vary)?;
    // validate every variant before running any
    let mut variants: Vec<(String, String, mnsim_scenario::ResolvedScenario)> = Vec::new();
    let combos = grid(&axes);
    for c in &combos {
        let edits: Vec<mnsim_scenario::Edit> =
            c.iter().map(|(p, _, v)| mnsim_scenario::Edit::Set(p.clone(), v.clone())).collect();
        let label = c
            .iter()
            .map(|(p, l, _)| format!("{}={l}", p.rsplit('.').next().unwrap_or(p)))
            .collect::<Vec<_>>()
            .join(",");
        let sc = mnsim_scenario::parse_with(&text, &file, &edits)?;
        crate::budget::check(&sc, &format!("{file} with --vary {label}"), budget)?;
        let sub = sanitize(&label);
        if let Some((other, _, _)) = variants.iter().find(|(_, s, _)| s == &sub) {
            anyhow::bail!("--vary: variants `{other}` and `{label}` would write the same folder `{sub}`");
        }
        variants.push((label, sub, sc));
    }
    let started_utc = mnsim_report::now_utc();
    let t_all = Instant::now();
    let base_name = variants.first().map(|v| v.2.scenario.name.clone()).unwrap_or_default();
    let out = out.unwrap_or_else(|| default_out(&format!("{base_name}-vary"), &started_utc));
    let target = mnsim_report::OutputDir::reserve(&out, force)?;
    // every variant's files and the comparison are gathered, then written as one folder
    // (whole or not at all)
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut summaries = Vec::new();
    let mut results = Vec::new();
    for (label, sub, sc) in &variants {
        let t0 = Instant::now();
        let mut progress = BarProgress { bar: Bar::new(quiet || json), started: t0 };
        let result = mnsim_sim::run_within(sc, budget, &mut progress)
            .map_err(exit::simulating)
            .with_context(|| format!("variant {label}"))?;
        if let Some(b) = &progress.bar.bar {
            b.finish_and_clear();
        }
        let meta = crate::run::meta(t0, mnsim_report::now_utc());
        let doc = mnsim_report::results_json(sc, &result, &meta).map_err(exit::committing)?;
        summaries.push(mnsim_report::compare::summary(sub.clone(), &doc));
        results.push(doc);
        for (name, bytes) in mnsim_report::run_files(sc, &result, &meta).map_err(exit::committing)? {
            files.push((format!("{sub}/{name}"), bytes));
        }
        // stdout holds only the JSON document with --json
        if !json {
            outln!("{label}: done in {:.2} s", meta.wall_time_s)?;
        } else if !quiet {
            errln!("{label}: done in {:.2} s", meta.wall_time_s);
        }
    }
    let cmp = mnsim_report::compare::Comparison { runs: summaries };
    let (csv, html) = mnsim_report::compare::render(&cmp)
        .map_err(|e| exit::run_failure(anyhow::anyhow!("drawing compare.html: {e}")))?;
    files.push(("compare.csv".into(), csv));
    files.push(("compare.html".into(), html.into_bytes()));
    let details = serde_json::json!({
        "scenario": file,
        "vary": vary,
        "variants": variants.iter().map(|(label, sub, _)| serde_json::json!({"label": label, "folder": sub})).collect::<Vec<_>>(),
    });
    files.push(mnsim_report::folder_manifest("vary", &crate::run::meta(t_all, started_utc), details));
    let dir = target.commit(&files).map_err(exit::committing)?;
    if json {
        // the varied values of each variant, as the scenario keys and values given to --vary
        let varied: Vec<BTreeMap<String, serde_json::Value>> = combos
            .iter()
            .map(|c| c.iter().map(|(k, _, v)| (k.clone(), serde_json::to_value(v).unwrap_or_default())).collect())
            .collect();
        let dirs: Vec<String> = variants.iter().map(|(_, sub, _)| dir.join(sub).display().to_string()).collect();
        let doc = serde_json::json!({
            "scenario": file,
            "vary": axes.iter().map(|(k, vals)| serde_json::json!({
                "key": k,
                "values": vals.iter().map(|(_, v)| serde_json::to_value(v).unwrap_or_default()).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "out_dir": dir.display().to_string(),
            "variants": variants.iter().zip(&varied).zip(&dirs).zip(results).map(|((((label, sub, _), v), d), r)| serde_json::json!({
                "label": label, "folder": sub, "run_dir": d, "varied": v, "results": r,
            })).collect::<Vec<_>>(),
            "comparison": mnsim_report::compare::comparison_json(&cmp, &dirs, &varied),
        });
        outln!("{}", serde_json::to_string_pretty(&doc).or_run_failure()?)
    } else {
        out!("{}", mnsim_report::compare::table(&cmp))?;
        outln!("wrote {} (compare.html and one folder per variant)", dir.display())
    }
}

fn sanitize(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.=,".contains(c) { c } else { '_' }).collect()
}
