//! `mnsim run --vary`: a grid of variants of one scenario, and their comparison.

use crate::exit::{self, OrRunFailure};
use crate::progress::{Bar, BarProgress};
use crate::run::default_out;
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

/// Parse `PATH=V1,V2,…` into (path, values as TOML).
fn parse_vary(spec: &str) -> Result<(String, Vec<(String, toml::Value)>)> {
    let (path, values) = spec.split_once('=').with_context(|| format!("--vary {spec}: expected PATH=V1,V2,…"))?;
    let path = path.trim();
    anyhow::ensure!(
        !path.is_empty() && !path.split('.').any(str::is_empty),
        "--vary {spec}: `{path}` is not a dotted key path"
    );
    let vals: Vec<(String, toml::Value)> = split_top_level(values)
        .into_iter()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| (v.to_string(), mnsim_scenario::parse_value(v)))
        .collect();
    anyhow::ensure!(!vals.is_empty(), "--vary {spec}: no values");
    Ok((path.to_string(), vals))
}

/// Split `V1,V2,…` at the commas outside brackets, braces and quotes, so a value may be a
/// TOML array or inline table: `protocol.session_days=[0,28],[0,14,28]` gives two values.
fn split_top_level(values: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut quote, mut start) = (Vec::new(), 0i32, None::<char>, 0);
    for (i, c) in values.char_indices() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                parts.push(&values[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&values[start..]);
    parts
}

/// One `--vary` axis: the key path and its values (as written, and as TOML).
type Axis = (String, Vec<(String, toml::Value)>);

/// One variant to build: its name (empty for a grid point) and its edits (key, value as
/// written, value).
type Combo = (String, Vec<(String, String, toml::Value)>);

/// Largest number of variants one `--vary` call may run (the sweep files' limit).
const MAX_VARIANTS: usize = mnsim_study::sweep::MAX_VARIANTS;

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
fn grid(axes: &[Axis]) -> Vec<Combo> {
    let mut combos: Vec<Vec<(String, String, toml::Value)>> = vec![vec![]];
    for (p, vals) in axes {
        combos = combos
            .into_iter()
            .flat_map(|c| {
                vals.iter().map(move |(label, v)| [c.clone(), vec![(p.clone(), label.clone(), v.clone())]].concat())
            })
            .collect();
    }
    combos.into_iter().map(|c| (String::new(), c)).collect()
}

/// The variants of the sweep file `path` (`default_seed` seeds a Latin hypercube that gives
/// none), and the sweep for the manifest.
fn sweep_combos(path: &std::path::Path, default_seed: u64) -> Result<(Vec<Combo>, mnsim_study::sweep::Sweep)> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("{}: cannot read the sweep file", path.display()))?;
    let sweep = mnsim_study::sweep::parse(&text, &path.display().to_string(), default_seed)?;
    let combos = sweep.points.iter().map(|p| (p.name.clone(), p.edits.clone())).collect();
    Ok((combos, sweep))
}

/// What `mnsim run --vary` was asked.
pub struct Options {
    /// The scenario file (`None`: the built-in default).
    pub scenario: Option<PathBuf>,
    /// The output folder (`None`: `runs/<scenario>-vary-<time>`).
    pub out: Option<PathBuf>,
    /// Replace an output folder mnsim wrote.
    pub force: bool,
    /// JSON on stdout.
    pub json: bool,
    /// No progress output.
    pub quiet: bool,
    /// The `--vary PATH=V1,V2,…` axes.
    pub vary: Vec<String>,
    /// The `--design FILE` sweep file (instead of `vary`).
    pub design: Option<PathBuf>,
    /// The `--where` constraints.
    pub constraints: Vec<String>,
}

/// A validated variant: its label, its folder name and its scenario.
type Variant = (String, String, mnsim_scenario::ResolvedScenario);

/// Build and check every variant of the grid before any runs: each scenario valid, within the
/// memory budget, and written to a folder of its own. Returns the variants and the largest
/// peak memory one of them needs, GiB.
fn build_variants(text: &str, file: &str, combos: &[Combo], budget: &mnsim_sim::Budget) -> Result<(Vec<Variant>, f64)> {
    let mut variants: Vec<Variant> = Vec::new();
    let mut peak_gib: f64 = 0.0;
    for (name, c) in combos {
        let edits: Vec<mnsim_scenario::Edit> =
            c.iter().map(|(p, _, v)| mnsim_scenario::Edit::Set(p.clone(), v.clone())).collect();
        let values = c
            .iter()
            .map(|(p, l, _)| format!("{}={l}", p.rsplit('.').next().unwrap_or(p)))
            .collect::<Vec<_>>()
            .join(",");
        // a sweep's point has its name (`p03`, `base`, `needle_length_um=500`; its values are
        // the comparison's varied rows); a grid point's label is its values
        let label = if name.is_empty() { values } else { name.clone() };
        let sc = mnsim_scenario::parse_with(text, file, &edits).with_context(|| format!("variant `{label}`"))?;
        let est = crate::budget::check(&sc, &format!("{file} with variant {label}"), budget)?;
        peak_gib = peak_gib.max(est.memory_gib());
        let sub = sanitize(&label);
        if let Some((other, _, _)) = variants.iter().find(|(_, s, _)| s == &sub) {
            anyhow::bail!("--vary: variants `{other}` and `{label}` would write the same folder `{sub}`");
        }
        variants.push((label, sub, sc));
    }
    Ok((variants, peak_gib))
}

/// How many variants run at once: one per worker thread, as many as the memory budget holds
/// when each takes the largest variant's peak (at least one).
fn concurrent_variants(n: usize, peak_gib: f64, budget: &mnsim_sim::Budget) -> usize {
    let fit = if peak_gib > 0.0 { (budget.max_memory_gib / peak_gib).floor() as usize } else { n };
    fit.clamp(1, rayon::current_num_threads().max(1)).min(n.max(1))
}

/// One variant's run: its results document and its files (under its folder).
struct VariantRun {
    doc: serde_json::Value,
    files: Vec<(String, Vec<u8>)>,
    wall_time_s: f64,
}

fn run_one(v: &Variant, budget: &mnsim_sim::Budget, bar: bool) -> Result<VariantRun> {
    let (label, sub, sc) = v;
    let t0 = Instant::now();
    let mut progress = BarProgress { bar: Bar::new(!bar), started: t0 };
    let result = mnsim_sim::run_within(sc, budget, &mut progress)
        .map_err(exit::simulating)
        .with_context(|| format!("variant {label}"))?;
    if let Some(b) = &progress.bar.bar {
        b.finish_and_clear();
    }
    let meta = crate::run::meta(t0, mnsim_report::now_utc());
    let doc = mnsim_report::results_json(sc, &result, &meta).map_err(exit::committing)?;
    let files = mnsim_report::run_files(sc, &result, &meta)
        .map_err(exit::committing)?
        .into_iter()
        .map(|(name, bytes)| (format!("{sub}/{name}"), bytes))
        .collect();
    Ok(VariantRun { doc, files, wall_time_s: meta.wall_time_s })
}

/// Run every variant, in parallel where the memory budget allows (each variant's result does
/// not depend on what runs beside it: runs are deterministic whatever the thread count), and
/// report each as it ends. The runs come back in the grid's order.
fn run_all(
    variants: &[Variant],
    peak_gib: f64,
    budget: &mnsim_sim::Budget,
    json: bool,
    quiet: bool,
) -> Result<Vec<VariantRun>> {
    let k = concurrent_variants(variants.len(), peak_gib, budget);
    let report = |label: &str, wall: f64| -> Result<()> {
        // stdout holds only the JSON document with --json
        if !json {
            outln!("{label}: done in {wall:.2} s")?;
        } else if !quiet {
            errln!("{label}: done in {wall:.2} s");
        }
        Ok(())
    };
    if k <= 1 {
        let mut runs = Vec::with_capacity(variants.len());
        for v in variants {
            let r = run_one(v, budget, !(quiet || json))?;
            report(&v.0, r.wall_time_s)?;
            runs.push(r);
        }
        return Ok(runs);
    }
    if !(quiet || json) {
        errln!("running {} variants, {k} at a time", variants.len());
    }
    let pool = rayon::ThreadPoolBuilder::new().num_threads(k).build().or_run_failure()?;
    pool.install(|| {
        use rayon::prelude::*;
        variants
            .par_iter()
            .map(|v| {
                let r = run_one(v, budget, false)?;
                report(&v.0, r.wall_time_s)?;
                Ok(r)
            })
            .collect()
    })
}

pub fn run_variants(opts: &Options, budget: &mnsim_sim::Budget) -> Result<()> {
    let (json, quiet) = (opts.json, opts.quiet);
    let (text, file) = crate::run::scenario_text(opts.scenario.as_deref())?;
    let axes = parse_axes(&opts.vary)?;
    let constraints = crate::compare::parse_constraints(&opts.constraints)?;
    // validate every variant before running any
    let (combos, sweep) = match &opts.design {
        Some(path) => {
            let seed = mnsim_scenario::parse(&text, &file)?.seed();
            let (c, s) = sweep_combos(path, seed)?;
            (c, Some(s))
        }
        None => (grid(&axes), None),
    };
    let (variants, peak_gib) = build_variants(&text, &file, &combos, budget)?;
    let started_utc = mnsim_report::now_utc();
    let t_all = Instant::now();
    let base_name = variants.first().map(|v| v.2.scenario.name.clone()).unwrap_or_default();
    let out = opts.out.clone().unwrap_or_else(|| default_out(&format!("{base_name}-vary"), &started_utc));
    let target = mnsim_report::OutputDir::reserve(&out, opts.force)?;
    // every variant's files and the comparison are gathered, then written as one folder
    // (whole or not at all)
    let runs = run_all(&variants, peak_gib, budget, json, quiet)?;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut summaries = Vec::new();
    let mut results = Vec::new();
    for ((_, sub, _), r) in variants.iter().zip(runs) {
        summaries.push(mnsim_report::compare::summary(sub.clone(), &r.doc));
        results.push(r.doc);
        files.extend(r.files);
    }
    mnsim_report::compare::check_constraints(&constraints, &summaries).map_err(|e| anyhow::anyhow!(e))?;
    // the varied values of each variant, as the scenario keys and values given to --vary
    let varied: Vec<BTreeMap<String, serde_json::Value>> = combos
        .iter()
        .map(|(_, c)| c.iter().map(|(k, _, v)| (k.clone(), serde_json::to_value(v).unwrap_or_default())).collect())
        .collect();
    // the comparison shows, as `mnsim compare` of the same folders does, every resolved scenario
    // value that differs between the variants (a default that follows a varied value, too)
    let resolved: Vec<Option<serde_json::Value>> =
        variants.iter().map(|(_, _, sc)| serde_json::to_value(&sc.scenario).ok()).collect();
    let cmp = mnsim_report::compare::Comparison {
        runs: summaries,
        varied: mnsim_report::compare::varied_values(&resolved),
        constraints,
    };
    let (csv, html) = mnsim_report::compare::render(&cmp)
        .map_err(|e| exit::run_failure(anyhow::anyhow!("drawing compare.html: {e}")))?;
    files.push(("compare.csv".into(), csv));
    files.push(("compare.html".into(), html.into_bytes()));
    let details = serde_json::json!({
        "scenario": file,
        "vary": opts.vary,
        "design": sweep.as_ref().map(|s| serde_json::json!({
            "file": opts.design.as_ref().map(|p| p.display().to_string()),
            "kind": s.kind,
            "seed": s.seed,
        })),
        "where": opts.constraints,
        "variants": variants.iter().map(|(label, sub, _)| serde_json::json!({"label": label, "folder": sub})).collect::<Vec<_>>(),
    });
    files.push(mnsim_report::folder_manifest("vary", &crate::run::meta(t_all, started_utc), details));
    let files = crate::tables::with_parquet(files)?;
    let dir = target.commit(&files).map_err(exit::committing)?;
    if json {
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
            "comparison": mnsim_report::compare::comparison_json(&cmp, &dirs),
        });
        outln!("{}", serde_json::to_string_pretty(&doc).or_run_failure()?)
    } else {
        out!("{}", mnsim_report::compare::table(&cmp))?;
        outln!("wrote {} (compare.html and one folder per variant)", dir.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_and_table_values_stay_whole() {
        assert_eq!(split_top_level("500,1000, 1500"), ["500", "1000", " 1500"]);
        assert_eq!(split_top_level("[0,28],[0, 14, 28]"), ["[0,28]", "[0, 14, 28]"]);
        assert_eq!(split_top_level("\"a,b\",c"), ["\"a,b\"", "c"]);
        assert_eq!(split_top_level("{x = 1, y = 2},{x = 3}"), ["{x = 1, y = 2}", "{x = 3}"]);
        let (key, vals) = parse_vary("protocol.session_days=[0,28],[0,14,28]").unwrap();
        assert_eq!(key, "protocol.session_days");
        assert_eq!(vals.len(), 2);
        assert_eq!(vals[1].1.as_array().map(|a| a.len()), Some(3));
    }
}

fn sanitize(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.=,".contains(c) { c } else { '_' }).collect()
}
