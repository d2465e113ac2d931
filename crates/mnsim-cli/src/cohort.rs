//! `mnsim cohort [SCENARIO] --population FILE|NAME --n N`: the scenario run for every patient
//! of a virtual cohort (sampling and summaries: `mnsim_study::cohort`).
//!
//! Completed patients are kept in chunks in `<out>.chunks/` beside the output folder (each
//! chunk file written whole, by rename) with the stamp of the inputs; a rerun of the same
//! command continues from them once the stamp matches. The output folder itself is written
//! whole at the end (or not at all), and the chunks are then removed.

use crate::exit::{self, OrRunFailure};
use crate::progress::Bar;
use crate::run::default_out;
use anyhow::{Context, Result};
use mnsim_report::page::fmt_value;
use mnsim_study::cohort::{self as co, Cohort, CohortError, CohortOptions, PatientRecord, summary};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Patients per chunk by default. Assumed: small enough that an interrupted cohort loses
/// little, large enough that a thousand patients make under a hundred files.
pub const DEFAULT_CHUNK: u64 = 16;

/// The command's options, as given.
pub struct Options {
    pub scenario: Option<PathBuf>,
    pub population: Option<String>,
    pub n: u64,
    pub seed: Option<u64>,
    pub out: Option<PathBuf>,
    pub force: bool,
    pub json: bool,
    pub quiet: bool,
    pub threads: Option<usize>,
    pub shard: Option<String>,
    pub chunk: u64,
    pub with_transport: bool,
    pub stop_after_chunks: Option<usize>,
}

/// A cohort error: the model failing for a patient is a run failure, anything else is input.
pub fn studying(e: CohortError) -> anyhow::Error {
    match e {
        CohortError::Model { .. } | CohortError::NonFinite { .. } | CohortError::Chunk(_) => exit::run_failure(e),
        _ => e.into(),
    }
}

/// The population text and its name in errors: a file, else a built-in name.
fn read_population(spec: &str) -> Result<(String, String)> {
    let p = Path::new(spec);
    if p.is_file() {
        let text =
            std::fs::read_to_string(p).with_context(|| format!("{}: cannot read population file", p.display()))?;
        return Ok((text, p.display().to_string()));
    }
    match co::builtin_population(spec) {
        Some(t) => Ok((t.to_string(), format!("<built-in population {spec}>"))),
        None => {
            let known: Vec<&str> = co::builtin_populations().iter().map(|(n, _)| *n).collect();
            anyhow::bail!(
                "--population {spec}: no such file, and not a built-in population; built-in: {}",
                known.join(", ")
            )
        }
    }
}

/// The scenario text and its name in errors: the file given, else the population's worked
/// scenario, else the built-in default.
fn read_scenario(given: Option<&Path>, pop: &co::Population) -> Result<(String, String)> {
    if given.is_some() {
        return crate::run::scenario_text(given);
    }
    match &pop.scenario {
        Some(name) => match co::worked_scenario(name) {
            Some(t) => Ok((t.to_string(), format!("<worked scenario {name}>"))),
            None => Err(CohortError::UnknownScenario {
                file: pop.file.clone(),
                name: name.clone(),
                known: co::worked_scenarios().join(", "),
            }
            .into()),
        },
        None => crate::run::scenario_text(None),
    }
}

/// Build the cohort of the options (everything checked, nothing run), with the population's
/// text as read (a shard stamps it into its folder for the merge).
fn prepare(o: &Options, budget: &mnsim_sim::Budget) -> Result<(Cohort, String)> {
    let pop_spec = match &o.population {
        Some(p) => p.clone(),
        None => {
            // the built-in population of the scenario's name
            let name = match &o.scenario {
                Some(p) => mnsim_scenario::parse(&std::fs::read_to_string(p).unwrap_or_default(), "")
                    .map(|s| s.scenario.name)
                    .unwrap_or_default(),
                None => mnsim_scenario::default_scenario().scenario.name,
            };
            anyhow::ensure!(
                co::builtin_population(&name).is_some(),
                "--population is required: no built-in population is named after the scenario `{name}`; built-in: {}",
                co::builtin_populations().iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
            );
            name
        }
    };
    let (ptext, pfile) = read_population(&pop_spec)?;
    let population = co::population::parse(&ptext, &pfile)?;
    let (text, file) = read_scenario(o.scenario.as_deref(), &population)?;
    let scenario = mnsim_scenario::parse(&text, &file)?;
    crate::budget::check(&scenario, &file, budget)?;
    let seed = o.seed.unwrap_or_else(|| scenario.seed());
    let options = CohortOptions { n: o.n, seed, with_transport: o.with_transport };
    Ok((Cohort::new(&text, &file, population, options, *budget).map_err(studying)?, ptext))
}

fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool> {
    if let Some(t) = threads {
        anyhow::ensure!((1..=256).contains(&t), "--threads {t}: expected 1 to 256");
    }
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        b = b.num_threads(t);
    }
    b.build().map_err(|e| exit::run_failure(anyhow::anyhow!("starting the worker threads: {e}")))
}

/// The stored chunks of a cohort beside its output folder.
struct Chunks {
    dir: PathBuf,
}

impl Chunks {
    fn file(&self, first: u64) -> PathBuf {
        self.dir.join(format!("chunk-{first:09}.json"))
    }
    /// Open the chunk folder for `stamp`: create it, or check that the one there was made by the
    /// same inputs.
    fn open(dir: PathBuf, stamp: &serde_json::Value) -> Result<Chunks> {
        crate::stamped::open(&dir, stamp, "chunks of a cohort")?;
        Ok(Chunks { dir })
    }
    fn load(&self, first: u64) -> Result<Option<Vec<PatientRecord>>> {
        match std::fs::read(self.file(first)) {
            Ok(b) => co::decode_chunk(&b).map(Some).with_context(|| {
                format!("{}: unreadable chunk; remove it to run its patients again", self.file(first).display())
            }),
            Err(_) => Ok(None),
        }
    }
    fn store(&self, first: u64, records: &[PatientRecord]) -> Result<()> {
        crate::stamped::write_whole(&self.file(first), &co::encode_chunk(records))
            .map_err(|e| exit::run_failure(anyhow::anyhow!("{}: writing a chunk: {e}", self.file(first).display())))
    }
}

pub fn cohort(o: Options, budget: &mnsim_sim::Budget) -> Result<()> {
    let (cohort, population_text) = prepare(&o, budget)?;
    let n = o.n;
    let (range, shard) = match &o.shard {
        Some(s) => {
            let (k, m) = co::parse_shard(s, n).map_err(studying)?;
            (co::shard_range(n, k, m), Some((k, m)))
        }
        None => (0..n, None),
    };
    anyhow::ensure!((1..=100_000).contains(&o.chunk), "--chunk {}: expected 1 to 100000 patients", o.chunk);
    let pool = pool(o.threads)?;
    // every patient of the range is a valid scenario, checked before any run
    pool.install(|| cohort.check_patients(range.clone())).map_err(studying)?;
    let started_utc = mnsim_report::now_utc();
    let out = o.out.clone().unwrap_or_else(|| default_out(&format!("cohort-{}", cohort.population.name), &started_utc));
    let target = mnsim_report::OutputDir::reserve(&out, o.force)?;
    let mut stamp = cohort.stamp();
    stamp["mnsim_version"] = serde_json::json!(env!("CARGO_PKG_VERSION"));
    stamp["git_revision"] = serde_json::json!(env!("MNSIM_GIT_REV"));
    stamp["patients"] = serde_json::json!([range.start, range.end]);
    stamp["chunk"] = serde_json::json!(o.chunk);
    let leaf = target.path().file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default();
    let chunk_dir = target.path().with_file_name(format!("{leaf}.chunks"));
    let chunks = Chunks::open(chunk_dir, &stamp)?;

    let t0 = Instant::now();
    let bar = Bar::new(o.quiet || o.json);
    if let Some(b) = &bar.bar {
        b.set_length(range.end - range.start);
        b.set_message("patients");
    }
    let tick = || {
        bar.tick_visibility(t0);
        if let Some(b) = &bar.bar {
            b.inc(1);
        }
    };
    // The per-patient tables stream to the staging folder chunk by chunk and the summary reads
    // compact columns, so memory does not hold the records (docs/STUDIES.md). A shard keeps its
    // records (shard.json holds each exactly), and so does the `parquet` build (its Parquet
    // tables are built whole).
    let keep_records = shard.is_some() || cfg!(feature = "parquet");
    let mut tables = StreamedTables::create(&target, &cohort.population)?;
    let mut cols = co::Columns::default();
    let mut records: Vec<PatientRecord> = Vec::new();
    let (mut resumed, mut new_chunks) = (0u64, 0usize);
    let mut first = range.start;
    while first < range.end {
        let last = (first + o.chunk).min(range.end);
        let got = match chunks.load(first)? {
            Some(r) if r.len() as u64 == last - first && r.iter().zip(first..last).all(|(p, i)| p.draw.index == i) => {
                resumed += last - first;
                if let Some(b) = &bar.bar {
                    b.inc(last - first);
                }
                r
            }
            _ => {
                if o.stop_after_chunks.is_some_and(|k| new_chunks >= k) {
                    return Err(exit::run_failure(anyhow::anyhow!(
                        "stopped after {new_chunks} new chunks, as --stop-after-chunks asked; rerun the same command to continue"
                    )));
                }
                let r = pool.install(|| cohort.run_range(first..last, &tick)).map_err(studying)?;
                chunks.store(first, &r)?;
                new_chunks += 1;
                r
            }
        };
        tables.rows(&got)?;
        for r in &got {
            cols.push(r);
        }
        if keep_records {
            records.extend(got);
        }
        first = last;
    }
    if let Some(b) = &bar.bar {
        b.finish_and_clear();
    }
    tables.finish()?;
    let meta = crate::run::meta(t0, started_utc);
    let info = co::folder::Info { n, shard, range: range.clone(), resumed, chunk: o.chunk };
    if keep_records {
        finish(target, &cohort, &population_text, &records, &info, &meta, o.json)?;
    } else {
        finish_streamed(target, &cohort, &cols, &info, &meta, o.json)?;
    }
    let _ = std::fs::remove_dir_all(&chunks.dir);
    Ok(())
}

/// The per-patient tables of a cohort folder, written into its staging folder as the chunks
/// come ([`co::summary::Table`]).
struct StreamedTables {
    patients: (PathBuf, co::summary::Table<std::io::BufWriter<std::fs::File>>),
    outcomes: (PathBuf, co::summary::Table<std::io::BufWriter<std::fs::File>>),
}

impl StreamedTables {
    fn create(target: &mnsim_report::OutputDir, pop: &co::Population) -> Result<StreamedTables> {
        let open = |name: &str, table: fn(&co::Population, _) -> std::io::Result<_>| -> Result<_> {
            let (path, w) = target.create_streamed(name).map_err(exit::committing)?;
            let t = table(pop, w).map_err(|e| written(&path, e))?;
            Ok((path, t))
        };
        Ok(StreamedTables {
            patients: open(co::folder::PATIENTS_TABLE, co::summary::Table::patients)?,
            outcomes: open(co::folder::OUTCOMES_TABLE, co::summary::Table::outcomes)?,
        })
    }
    fn rows(&mut self, records: &[PatientRecord]) -> Result<()> {
        for (path, t) in [&mut self.patients, &mut self.outcomes] {
            t.rows(records).map_err(|e| written(path, e))?;
        }
        Ok(())
    }
    fn finish(self) -> Result<()> {
        for (path, t) in [self.patients, self.outcomes] {
            let mut w = t.finish().map_err(|e| written(&path, e))?;
            std::io::Write::flush(&mut w).map_err(|e| written(&path, e))?;
        }
        Ok(())
    }
}

fn written(path: &Path, e: std::io::Error) -> anyhow::Error {
    exit::run_failure(anyhow::anyhow!("{}: writing a table: {e}", path.display()))
}

/// Write the cohort folder of `records` into the taken `target` and print its summary (a table,
/// or the summary document with `json`). Shared by `mnsim cohort` and `mnsim cohort merge`.
pub fn finish(
    target: mnsim_report::OutputDir,
    cohort: &Cohort,
    population_text: &str,
    records: &[PatientRecord],
    info: &co::folder::Info,
    meta: &mnsim_report::RunMeta,
    json: bool,
) -> Result<()> {
    let co::folder::Folder { doc, summary: s, mut files } = co::folder::files(cohort, records, info, meta);
    #[cfg(feature = "parquet")]
    files.push(("outcomes.parquet".to_string(), parquet_out::outcomes(&cohort.population, records).or_run_failure()?));
    if let Some(f) = co::folder::ShardFile::new(cohort, population_text, info, records, meta) {
        files.push((co::folder::SHARD_FILE.to_string(), f.to_bytes()));
    }
    let files = crate::tables::with_parquet(files)?;
    let dir = target.commit(&files).map_err(exit::committing)?;
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    report(&dir, doc, &s, &names, cohort, records.len(), info, meta, json)
}

/// [`finish`] for a folder whose per-patient tables were streamed into `target` already
/// ([`StreamedTables`]): the other files from the records' columns.
fn finish_streamed(
    target: mnsim_report::OutputDir,
    cohort: &Cohort,
    cols: &co::Columns,
    info: &co::folder::Info,
    meta: &mnsim_report::RunMeta,
    json: bool,
) -> Result<()> {
    let co::folder::Folder { doc, summary: s, files } = co::folder::summary_files(cohort, cols, info, meta);
    let files = crate::tables::with_parquet(files)?;
    let dir = target.commit(&files).map_err(exit::committing)?;
    let mut names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    names.splice(1..1, [co::folder::PATIENTS_TABLE, co::folder::OUTCOMES_TABLE]);
    report(&dir, doc, &s, &names, cohort, cols.len(), info, meta, json)
}

/// Print a written cohort folder's summary: a table, or the summary document with `json`.
#[allow(clippy::too_many_arguments)]
fn report(
    dir: &Path,
    doc: serde_json::Value,
    s: &summary::CohortSummary,
    names: &[&str],
    cohort: &Cohort,
    patients: usize,
    info: &co::folder::Info,
    meta: &mnsim_report::RunMeta,
    json: bool,
) -> Result<()> {
    if json {
        let mut doc = doc;
        doc["out_dir"] = serde_json::json!(dir.display().to_string());
        outln!("{}", serde_json::to_string_pretty(&doc).or_run_failure()?)
    } else {
        outln!(
            "mnsim {} — cohort of {} patients{} from population {} on {}, seed {}, {:.1} s ({:.2} patients/s{})",
            meta.mnsim_version,
            patients,
            info.shard.map(|(k, m)| format!(" (shard {k}/{m} of {})", info.n)).unwrap_or_default(),
            cohort.population.name,
            cohort.scenario_file,
            cohort.options.seed,
            meta.wall_time_s,
            (patients as u64 - info.resumed) as f64 / meta.wall_time_s.max(1e-9),
            if info.resumed > 0 { format!("; {} resumed from chunks", info.resumed) } else { String::new() }
        )?;
        out!("{}", table(s))?;
        outln!("wrote {} ({})", dir.display(), names.join(", "))
    }
}

fn table(s: &summary::CohortSummary) -> String {
    let mut t = String::new();
    if !s.responders.is_empty() {
        t.push_str("responders\n");
        for r in &s.responders {
            t.push_str(&format!(
                "  {:<28} {:>4}/{:<4} {:>6.1} %  [95 % {:.1}–{:.1} %]  {}\n",
                r.rule.name,
                r.responders,
                r.n,
                100.0 * r.rate,
                100.0 * r.low_95,
                100.0 * r.high_95,
                r.rule.description
            ));
        }
    }
    t.push_str(&format!(
        "  {:<40} {:>10} {:>10} {:>10} {:>10} {:>10}\n",
        "outcome", "mean", "sd", "p05", "median", "p95"
    ));
    let shown: Vec<&str> =
        summary::SUBGROUP_OUTCOMES.iter().copied().chain(summary::RESPONDER_RULES.iter().map(|r| r.outcome)).collect();
    let mut seen = Vec::new();
    for name in shown {
        if seen.contains(&name) {
            continue;
        }
        seen.push(name);
        if let Some(o) = s.outcomes.iter().find(|o| o.name == name) {
            t.push_str(&format!(
                "  {:<40} {:>10} {:>10} {:>10} {:>10} {:>10}  {}\n",
                o.name,
                fmt_value(o.mean),
                fmt_value(o.sd),
                fmt_value(o.p05),
                fmt_value(o.median),
                fmt_value(o.p95),
                o.unit
            ));
        }
    }
    let strong: Vec<&summary::Separation> = s.separation.iter().filter(|x| x.smd.abs() >= 0.5).collect();
    if !strong.is_empty() {
        t.push_str("what separates responders (|SMD| ≥ 0.5)\n");
        for x in strong {
            t.push_str(&format!(
                "  {:<28} {:<40} SMD {:>6.2}  Spearman {:>6.2}\n",
                x.rule, x.variable, x.smd, x.spearman
            ));
        }
    }
    t
}

/// `mnsim bench cohort`: patients per second of the default indication's cohort on the fast path.
pub fn bench(n: u64, threads: usize, json: bool, budget: &mnsim_sim::Budget) -> Result<()> {
    anyhow::ensure!((1..=256).contains(&threads), "--threads {threads}: expected 1 to 256");
    anyhow::ensure!((1..=10_000).contains(&n), "--n {n}: expected 1 to 10000");
    let o = Options {
        scenario: None,
        population: None,
        n,
        seed: None,
        out: None,
        force: false,
        json,
        quiet: true,
        threads: Some(threads),
        shard: None,
        chunk: n,
        with_transport: false,
        stop_after_chunks: None,
    };
    let (cohort, _) = prepare(&o, budget)?;
    let pool = pool(Some(threads))?;
    let t0 = Instant::now();
    let records = pool.install(|| cohort.run_range(0..n, &|| {})).map_err(studying)?;
    let wall = t0.elapsed().as_secs_f64();
    let r = serde_json::json!({
        "population": cohort.population.name,
        "scenario": cohort.scenario_file,
        "patients": records.len(),
        "threads": threads,
        "wall_s": wall,
        "patients_per_s": records.len() as f64 / wall,
        "s_per_patient_per_thread": wall * threads as f64 / records.len() as f64,
        "skipped": cohort.skipped,
    });
    if json {
        outln!("{}", serde_json::to_string_pretty(&r).or_run_failure()?)
    } else {
        outln!("cohort of {} patients, population {}, {} threads", records.len(), cohort.population.name, threads)?;
        outln!("  wall time                  {:>12.3} s", wall)?;
        outln!("  patients per second        {:>12.3}", records.len() as f64 / wall)?;
        outln!("  s per patient per thread   {:>12.3}", wall * threads as f64 / records.len() as f64)
    }
}

#[cfg(feature = "parquet")]
mod parquet_out {
    use arrow_array::{ArrayRef, Float64Array, StringArray, UInt64Array};
    use arrow_schema::{DataType, Field};
    use mnsim_study::cohort::population::{Role, Value};
    use mnsim_study::cohort::{PatientRecord, Population};
    use std::sync::Arc;

    /// `outcomes.parquet`: the rows of outcomes.csv, typed (numbers as f64, names as strings),
    /// snappy-compressed.
    pub fn outcomes(pop: &Population, records: &[PatientRecord]) -> anyhow::Result<Vec<u8>> {
        let covs: Vec<usize> =
            pop.variables.iter().enumerate().filter(|(_, v)| v.role == Role::Covariate).map(|(j, _)| j).collect();
        let rows: Vec<(&PatientRecord, usize)> =
            records.iter().flat_map(|r| (0..r.figures.len()).map(move |k| (r, k))).collect();
        let mut fields = vec![Field::new("patient", DataType::UInt64, false)];
        let mut cols: Vec<ArrayRef> =
            vec![Arc::new(UInt64Array::from_iter_values(rows.iter().map(|(r, _)| r.draw.index)))];
        for &j in &covs {
            let v = &pop.variables[j];
            let numeric = records.first().is_none_or(|r| matches!(r.draw.values[j], Value::Number(_)));
            if numeric {
                fields.push(Field::new(&v.name, DataType::Float64, false));
                cols.push(Arc::new(Float64Array::from_iter_values(
                    rows.iter().map(|(r, _)| r.draw.values[j].number().unwrap_or(f64::NAN)),
                )));
            } else {
                fields.push(Field::new(&v.name, DataType::Utf8, false));
                cols.push(Arc::new(StringArray::from_iter_values(
                    rows.iter().map(|(r, _)| r.draw.values[j].to_string()),
                )));
            }
        }
        fields.push(Field::new("outcome", DataType::Utf8, false));
        cols.push(Arc::new(StringArray::from_iter_values(rows.iter().map(|(r, k)| r.figures[*k].0.as_str()))));
        fields.push(Field::new("value", DataType::Float64, false));
        cols.push(Arc::new(Float64Array::from_iter_values(rows.iter().map(|(r, k)| r.figures[*k].1))));
        fields.push(Field::new("unit", DataType::Utf8, false));
        cols.push(Arc::new(StringArray::from_iter_values(rows.iter().map(|(r, k)| r.units[*k].as_str()))));
        crate::tables::parquet_table::write(fields, cols)
    }
}
