//! The files of a cohort folder (`mnsim cohort`, `mnsim cohort merge`, `mnsim.cohort(...).save`):
//! the same bytes whoever writes them, from the cohort and its records in index order.
//!
//! A shard's folder also holds `shard.json`: its inputs (the population's text, so a merge can
//! rebuild the cohort), the shard and every record exactly ([`super::encode_chunk`]), so that
//! [`merge`] of the shards gives the folder of the whole cohort run on one machine, the same bits
//! on every data file.

use super::{Cohort, CohortError, CohortOptions, Columns, Patient, PatientRecord, summary};
use serde::{Deserialize, Serialize};

/// What a cohort folder says about how it was run, beyond the cohort and its records.
#[derive(Debug, Clone)]
pub struct Info {
    /// Patients of the whole cohort.
    pub n: u64,
    /// The shard (K, M), when one shard ran.
    pub shard: Option<(u64, u64)>,
    /// The patients of this folder.
    pub range: std::ops::Range<u64>,
    /// Patients resumed from stored chunks.
    pub resumed: u64,
    /// Patients per stored chunk.
    pub chunk: u64,
}

/// A cohort folder's contents.
#[derive(Debug)]
pub struct Folder {
    /// The summary document (`summary.json`; `--json` prints it).
    pub doc: serde_json::Value,
    /// The summary.
    pub summary: summary::CohortSummary,
    /// The files (name, bytes).
    pub files: Vec<(String, Vec<u8>)>,
}

/// The files of the folder (name, bytes): manifest, patients, outcomes, summary tables and the
/// cohort page, with the summary document. (outcomes.parquet is the CLI's, behind its `parquet`
/// feature.)
pub fn files(cohort: &Cohort, records: &[PatientRecord], info: &Info, meta: &mnsim_report::RunMeta) -> Folder {
    let mut folder = summary_files(cohort, &Columns::of(records), info, meta);
    let pop = &cohort.population;
    folder.files.insert(1, (PATIENTS_TABLE.to_string(), summary::patients_csv(pop, records)));
    folder.files.insert(2, (OUTCOMES_TABLE.to_string(), summary::outcomes_csv(pop, records)));
    folder
}

/// The per-patient tables of the folder, which [`summary_files`] leaves out (a caller streams
/// them with [`summary::Table`]).
pub const PATIENTS_TABLE: &str = "patients.csv";
/// See [`PATIENTS_TABLE`].
pub const OUTCOMES_TABLE: &str = "outcomes.csv";

/// The files of the folder but its per-patient tables ([`PATIENTS_TABLE`], [`OUTCOMES_TABLE`]),
/// from the records' compact columns: the manifest, the summary tables, the summary document
/// and the cohort page, the same bytes as [`files`] gives.
pub fn summary_files(cohort: &Cohort, cols: &Columns, info: &Info, meta: &mnsim_report::RunMeta) -> Folder {
    let pop = &cohort.population;
    let rows = cols.rows();
    let units = cols.names_units();
    let s = summary::summarise_patients(pop, &units, &rows);
    let shard = info.shard.map(|(k, m)| format!("{k}/{m}"));
    let doc = serde_json::json!({
        "population": pop.name,
        "population_file": pop.file,
        "scenario": cohort.scenario_file,
        "patients": cols.len(),
        "cohort_size": info.n,
        "shard": shard,
        "patient_range": [info.range.start, info.range.end],
        "seed": cohort.options.seed,
        "resumed_patients": info.resumed,
        "wall_time_s": meta.wall_time_s,
        "skipped": cohort.skipped,
        "summary": s,
    });
    let details = serde_json::json!({
        "seed": cohort.options.seed,
        "scenario_file": cohort.scenario_file,
        "scenario": mnsim_scenario::parse(&cohort.scenario_text, &cohort.scenario_file).map(|r| r.scenario).ok(),
        "scenario_text": cohort.scenario_text,
        "population": pop,
        "cohort_size": info.n,
        "shard": shard,
        "patient_range": [info.range.start, info.range.end],
        "chunk": info.chunk,
        "with_transport": cohort.options.with_transport,
        "skipped": cohort.skipped,
        "randomness": "patient i draws from ChaCha8 keyed by (seed, purpose), stream i; its simulation.seed likewise",
        "resumed_patients": info.resumed,
    });
    let mut files = vec![
        mnsim_report::folder_manifest("cohort", meta, details),
        ("summary.csv".to_string(), s.outcomes_csv()),
        ("responders.csv".to_string(), s.responders_csv()),
        ("subgroups.csv".to_string(), s.subgroups_csv()),
        ("separation.csv".to_string(), s.separation_csv()),
        ("summary.json".to_string(), serde_json::to_vec_pretty(&doc).expect("JSON")),
    ];
    files.push((
        "cohort.html".to_string(),
        mnsim_report::cohort::html(&doc, &histograms_of(&units, &rows)).into_bytes(),
    ));
    Folder { doc, summary: s, files }
}

/// The headline outcomes (those of the subgroup table and of the responder rules) the records
/// have, in that order, with one value per patient.
pub fn histograms(records: &[PatientRecord]) -> Vec<(String, String, Vec<f64>)> {
    let units = Columns::of(records).names_units();
    histograms_of(&units, records)
}

/// [`histograms`] of patients whose figures are `units` (name, unit).
fn histograms_of<R: Patient>(units: &[(String, String)], records: &[R]) -> Vec<(String, String, Vec<f64>)> {
    let mut names: Vec<&'static str> = Vec::new();
    for n in summary::SUBGROUP_OUTCOMES.iter().copied().chain(summary::RESPONDER_RULES.iter().map(|r| r.outcome)) {
        if !names.contains(&n) && records.iter().any(|r| r.figure(n).is_some()) {
            names.push(n);
        }
    }
    names
        .into_iter()
        .map(|n| {
            let unit = units.iter().find(|(m, _)| m == n).map(|(_, u)| u.clone()).unwrap_or_default();
            (n.to_string(), unit, records.iter().filter_map(|r| r.figure(n)).collect())
        })
        .collect()
}

/// The name of a shard's own file in its folder.
pub const SHARD_FILE: &str = "shard.json";

/// Format tag of [`SHARD_FILE`].
pub const SHARD_FORMAT: &str = "mnsim-cohort-shard/1";

/// `shard.json`: everything a merge needs of one shard.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ShardFile {
    /// [`SHARD_FORMAT`].
    pub format: String,
    /// mnsim version and git revision that ran the shard (shards of one cohort share them).
    pub mnsim_version: String,
    /// Git revision.
    pub git_revision: String,
    /// The shard: K of M.
    pub shard: (u64, u64),
    /// Patients of the whole cohort.
    pub n: u64,
    /// Patients of this shard.
    pub range: (u64, u64),
    /// Seed.
    pub seed: u64,
    /// Keep transport.
    pub with_transport: bool,
    /// Patients per chunk (stamped; does not change the numbers, so shards may differ in it).
    pub chunk: u64,
    /// The scenario's text and file name.
    pub scenario_text: String,
    /// The scenario's file.
    pub scenario_file: String,
    /// The population's text and file name (parsed again by the merge).
    pub population_text: String,
    /// The population's file.
    pub population_file: String,
    /// The records, exactly ([`super::encode_chunk`], as text).
    pub records: String,
}

impl ShardFile {
    /// The shard file of `records` of `cohort` (the population text as read).
    pub fn new(
        cohort: &Cohort,
        population_text: &str,
        info: &Info,
        records: &[PatientRecord],
        meta: &mnsim_report::RunMeta,
    ) -> Option<ShardFile> {
        let shard = info.shard?;
        Some(ShardFile {
            format: SHARD_FORMAT.into(),
            mnsim_version: meta.mnsim_version.clone(),
            git_revision: meta.git_revision.clone(),
            shard,
            n: info.n,
            range: (info.range.start, info.range.end),
            seed: cohort.options.seed,
            with_transport: cohort.options.with_transport,
            chunk: info.chunk,
            scenario_text: cohort.scenario_text.clone(),
            scenario_file: cohort.scenario_file.clone(),
            population_text: population_text.to_string(),
            population_file: cohort.population.file.clone(),
            records: String::from_utf8(super::encode_chunk(records)).expect("JSON is UTF-8"),
        })
    }

    /// The bytes of `shard.json`.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a shard file serialises")
    }
}

/// Shards gathered into the whole cohort: the cohort rebuilt from the shards' inputs, and every
/// record in index order.
#[derive(Debug)]
pub struct Merged {
    /// The cohort (checked as `mnsim cohort` checks it).
    pub cohort: Cohort,
    /// Records of patients 0..n.
    pub records: Vec<PatientRecord>,
    /// Patients per chunk of the shards.
    pub chunk: u64,
}

fn merge_err(why: String) -> CohortError {
    CohortError::Merge(why)
}

/// Merge shard files (name in errors, bytes): every shard K of M exactly once, the same inputs,
/// the same mnsim build; their records in index order are the whole cohort's.
pub fn merge(shards: &[(String, Vec<u8>)], budget: mnsim_sim::Budget) -> Result<Merged, CohortError> {
    let mut parsed: Vec<(String, ShardFile)> = Vec::with_capacity(shards.len());
    for (name, bytes) in shards {
        let f: ShardFile = serde_json::from_slice(bytes).map_err(|e| {
            merge_err(format!("{name}: not a shard file ({SHARD_FILE} of `mnsim cohort --shard`): {e}"))
        })?;
        if f.format != SHARD_FORMAT {
            return Err(merge_err(format!("{name}: format {:?}, expected {SHARD_FORMAT:?}", f.format)));
        }
        parsed.push((name.clone(), f));
    }
    let Some((first_name, first)) = parsed.first().cloned() else {
        return Err(merge_err("no shard folders (folders holding shard.json) to merge".into()));
    };
    let m = first.shard.1;
    let same = |f: &ShardFile| {
        // the shard, its patients and its chunk size (which does not change a number) may differ
        let mut a = f.clone();
        a.shard.0 = first.shard.0;
        a.range = first.range;
        a.chunk = first.chunk;
        a.records.clear();
        let mut b = first.clone();
        b.records.clear();
        a == b
    };
    for (name, f) in &parsed {
        if !same(f) {
            return Err(merge_err(format!(
                "{name}: another cohort than {first_name} (the scenario, population, N, seed, options or mnsim build differ)"
            )));
        }
    }
    parsed.sort_by_key(|(_, f)| f.shard.0);
    let ks: Vec<u64> = parsed.iter().map(|(_, f)| f.shard.0).collect();
    let missing: Vec<String> = (0..m).filter(|k| !ks.contains(k)).map(|k| format!("{k}/{m}")).collect();
    if !missing.is_empty() {
        return Err(merge_err(format!("shard(s) {} missing of {m}", missing.join(", "))));
    }
    if let Some(w) = ks.windows(2).find(|w| w[0] == w[1]) {
        return Err(merge_err(format!("shard {}/{m} appears twice", w[0])));
    }
    let population = super::population::parse(&first.population_text, &first.population_file)?;
    let options = CohortOptions { n: first.n, seed: first.seed, with_transport: first.with_transport };
    let cohort = Cohort::new(&first.scenario_text, &first.scenario_file, population, options, budget)?;
    let mut records = Vec::with_capacity(first.n as usize);
    for (name, f) in &parsed {
        let r = super::decode_chunk(f.records.as_bytes()).map_err(|e| merge_err(format!("{name}: {e}")))?;
        let expect = super::shard_range(f.n, f.shard.0, m);
        if (expect.start, expect.end) != f.range || r.iter().map(|p| p.draw.index).ne(expect.clone()) {
            return Err(merge_err(format!(
                "{name}: holds patients other than shard {}/{m}'s {}..{}",
                f.shard.0, expect.start, expect.end
            )));
        }
        records.extend(r);
    }
    Ok(Merged { cohort, records, chunk: first.chunk })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cohort::{Draw, Value};

    /// A shard file of K/M of a 5-patient cohort of the built-in default with made-up records
    /// (merge checks and orders records; it does not run them).
    fn shard(k: u64, m: u64, seed: u64) -> (String, Vec<u8>) {
        shard_chunked(k, m, seed, 2)
    }

    fn shard_chunked(k: u64, m: u64, seed: u64, chunk: u64) -> (String, Vec<u8>) {
        let (pop_name, ptext) = crate::cohort::builtin_populations()[0];
        let pop = crate::cohort::population::parse(ptext, pop_name).unwrap();
        let options = CohortOptions { n: 5, seed, with_transport: false };
        let cohort =
            Cohort::new(mnsim_scenario::default_toml(), "d.toml", pop, options, mnsim_sim::Budget::default()).unwrap();
        let range = crate::cohort::shard_range(5, k, m);
        let records: Vec<PatientRecord> = range
            .clone()
            .map(|i| PatientRecord {
                draw: Draw { index: i, attempts: 1, values: vec![Value::Number(0.1 + i as f64)] },
                sim_seed: i,
                figures: vec![("x".into(), (i as f64).sqrt())],
                units: vec!["1".into()],
            })
            .collect();
        let info = Info { n: 5, shard: Some((k, m)), range, resumed: 0, chunk };
        let meta = mnsim_report::RunMeta {
            mnsim_version: "v".into(),
            git_revision: "g".into(),
            started_utc: String::new(),
            wall_time_s: 0.0,
            command: vec![],
        };
        let f = ShardFile::new(&cohort, ptext, &info, &records, &meta).unwrap();
        (format!("s{k}"), f.to_bytes())
    }

    #[test]
    fn shards_merge_in_index_order_and_bad_sets_are_refused_by_name() {
        let budget = mnsim_sim::Budget::default();
        let m = merge(&[shard(2, 3, 7), shard(0, 3, 7), shard_chunked(1, 3, 7, 16)], budget).unwrap();
        assert_eq!(m.records.iter().map(|r| r.draw.index).collect::<Vec<_>>(), vec![0, 1, 2, 3, 4]);
        assert_eq!(m.records[3].figures[0].1.to_bits(), 3f64.sqrt().to_bits(), "records merge exactly");
        assert_eq!((m.cohort.options.n, m.cohort.options.seed, m.chunk), (5, 7, 2));
        let err = |shards: &[(String, Vec<u8>)]| merge(shards, budget).unwrap_err().to_string();
        assert!(err(&[shard(0, 3, 7), shard(2, 3, 7)]).contains("1/3 missing"));
        assert!(err(&[shard(0, 2, 7), shard(0, 2, 7), shard(1, 2, 7)]).contains("0/2 appears twice"));
        assert!(err(&[shard(0, 2, 7), shard(1, 2, 8)]).contains("s1: another cohort than s0"));
        assert!(err(&[("junk".into(), b"{}".to_vec())]).contains("junk: not a shard file"));
        assert!(err(&[]).contains("no shard folders"));
    }
}
