//! What a cohort's records say together: outcome distributions, responder rates at trial
//! thresholds, subgroup tables by covariate, and which covariates separate responders from
//! non-responders; and the tidy tables of the records themselves. No I/O: tables come back as
//! bytes.

use super::population::{Dist, Population, Role, Value};
use super::{Patient, PatientRecord, PatientRecord as Rec};
use serde::Serialize;

/// A responder definition a trial uses, on the figures of a run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ResponderRule {
    /// Name (`scar_grade_improved_1`).
    pub name: &'static str,
    /// In words.
    pub description: &'static str,
    /// The figure read.
    pub outcome: &'static str,
    /// A baseline figure subtracted from it, if any (`outcome − baseline`).
    pub baseline: Option<&'static str>,
    /// Responder when the value is at most `threshold` (a fall is the improvement), else at least.
    pub at_most: bool,
    /// The threshold, in the figure's unit.
    pub threshold: f64,
    /// Which trials use it.
    pub source: &'static str,
}

/// The responder definitions, those of them a cohort's figures have are reported.
pub const RESPONDER_RULES: [ResponderRule; 7] = [
    ResponderRule {
        name: "scar_grade_improved_1",
        description: "≥ 1 grade better on the qualitative scar grade (Goodman–Baron 1–4)",
        outcome: "outcomes.scar_grade_change",
        baseline: None,
        at_most: true,
        threshold: -1.0,
        source: "Majid 2009 (34 of 36 improved by 1–2 grades); Hong Kong J Dermatol Venereol 2018 (91.8 % ≥ 1 grade); \
                 Sohag Med J (70 % one grade): ../shared/reference/device-skin-clinical.md",
    },
    ResponderRule {
        name: "scar_improved_50pct",
        description: "≥ 50 % improvement of scar depth",
        outcome: "outcomes.scar_improvement_pct",
        baseline: None,
        at_most: false,
        threshold: 50.0,
        source: "Alster & Li 2020 (all scars ≥ 50 % improved; over 80 % of patients 50–75 %)",
    },
    ResponderRule {
        name: "striae_improved_50pct",
        description: "≥ 50 % improvement of the striae's dermal deficit",
        outcome: "outcomes.striae_improvement_pct",
        baseline: None,
        at_most: false,
        threshold: 50.0,
        source: "the ≥ 50 % (\"marked\" or better) band of the quartile grading of striae trials, e.g. Mohamed Ali et al. 2017",
    },
    ResponderRule {
        name: "masi_reduced_50pct",
        description: "≥ 50 % reduction of the MASI-like score",
        outcome: "outcomes.masi_change_pct",
        baseline: None,
        at_most: true,
        threshold: -50.0,
        source: "MASI-50, the usual melasma responder endpoint (assumed here as the trial convention)",
    },
    ResponderRule {
        name: "wrinkle_grade_improved_1",
        description: "≥ 1 grade better on the Lemperle wrinkle scale (0–5)",
        outcome: "outcomes.wrinkle_lemperle_grade",
        baseline: Some("outcomes.wrinkle_lemperle_grade_baseline"),
        at_most: true,
        threshold: -1.0,
        source: "the ≥ 1-point improvement responder of wrinkle-scale trials (assumed as the convention)",
    },
    ResponderRule {
        name: "laxity_grade_improved_1",
        description: "≥ 1 grade better on the laxity grade (0–4)",
        outcome: "outcomes.laxity_aa_grade",
        baseline: Some("outcomes.laxity_aa_grade_baseline"),
        at_most: true,
        threshold: -1.0,
        source: "the ≥ 1-grade improvement responder of photoaging-scale trials (assumed as the convention)",
    },
    ResponderRule {
        name: "texture_grade_improved_1",
        description: "≥ 1 grade better on the texture grade (0–4)",
        outcome: "outcomes.texture_aa_grade",
        baseline: Some("outcomes.texture_aa_grade_baseline"),
        at_most: true,
        threshold: -1.0,
        source: "the ≥ 1-grade improvement responder of photoaging-scale trials (assumed as the convention)",
    },
];

impl ResponderRule {
    /// The rule's value for a record (`outcome − baseline`), if the record has the figures and,
    /// for a change of grade, the patient's baseline grade leaves room for it (a baseline of at
    /// least |threshold| grades, as a trial enrols only patients who can improve by that much).
    pub fn value(&self, r: &impl Patient) -> Option<f64> {
        let v = r.figure(self.outcome)?;
        match self.baseline {
            Some(b) => {
                let b = r.figure(b)?;
                (b >= self.threshold.abs()).then_some(v - b)
            }
            None => Some(v),
        }
    }
    /// Whether a value makes a responder.
    pub fn responds(&self, v: f64) -> bool {
        if self.at_most { v <= self.threshold } else { v >= self.threshold }
    }
}

/// Upper edges of the age bands of the subgroup table, years: < 30, 30–44, 45–59, ≥ 60.
/// Assumed: the decades trials stratify by, merged where microneedling trials have few patients.
pub const AGE_BAND_EDGES_Y: [f64; 3] = [30.0, 45.0, 60.0];

/// The outcomes the subgroup table shows the mean of, those of them the cohort has.
pub const SUBGROUP_OUTCOMES: [&str; 8] = [
    "collagen_change_pct",
    "downtime_d",
    "outcomes.scar_improvement_pct",
    "outcomes.scar_grade_change",
    "outcomes.masi_change_pct",
    "outcomes.striae_improvement_pct",
    "outcomes.wrinkle_depth_change_pct",
    "outcomes.dermal_stiffness_change_pct",
];

/// The distribution of one figure over the cohort.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomeDistribution {
    /// Figure name.
    pub name: String,
    /// Unit.
    pub unit: String,
    /// Patients with the figure.
    pub n: usize,
    /// Mean.
    pub mean: f64,
    /// Sample standard deviation (0 for one patient).
    pub sd: f64,
    /// Minimum.
    pub min: f64,
    /// 5th percentile.
    pub p05: f64,
    /// 25th percentile.
    pub p25: f64,
    /// Median.
    pub median: f64,
    /// 75th percentile.
    pub p75: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Maximum.
    pub max: f64,
}

/// A responder rate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponderRate {
    /// The rule.
    pub rule: ResponderRule,
    /// Patients with the rule's figures.
    pub n: usize,
    /// Responders.
    pub responders: usize,
    /// Responders ÷ n.
    pub rate: f64,
    /// 95 % Wilson score interval of the rate (Wilson 1927, JASA 22:209).
    pub low_95: f64,
    /// Upper end.
    pub high_95: f64,
}

/// One row of the subgroup table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Subgroup {
    /// The covariate (`age_y`, `sex`, `fitzpatrick`, `site`).
    pub covariate: String,
    /// The group (`30–44`, `female`, `3`).
    pub group: String,
    /// Patients in it.
    pub n: usize,
    /// Responder rate per rule present: (rule, responders, rate).
    pub responders: Vec<(String, usize, f64)>,
    /// Mean of each outcome of [`SUBGROUP_OUTCOMES`] present: (outcome, mean).
    pub means: Vec<(String, f64)>,
}

/// How a variable separates responders from non-responders of one rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Separation {
    /// The rule.
    pub rule: String,
    /// The variable (`age_y`, `sex=male`, a parameter key).
    pub variable: String,
    /// Mean among responders.
    pub mean_responders: f64,
    /// Mean among non-responders.
    pub mean_non_responders: f64,
    /// Standardised mean difference (responders − non-responders) / √((s²_R + s²_N)/2) (Austin
    /// 2009, Stat Med 28:3083); |d| ≥ 0.2 small, ≥ 0.5 medium, ≥ 0.8 large (Cohen 1988).
    pub smd: f64,
    /// Spearman rank correlation of the variable with the rule's value (the outcome itself, not
    /// the yes/no), average ranks for ties.
    pub spearman: f64,
}

/// The cohort summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CohortSummary {
    /// Patients summarised.
    pub patients: usize,
    /// Mean draws per accepted patient (1 = no rejections).
    pub mean_attempts: f64,
    /// Every figure's distribution.
    pub outcomes: Vec<OutcomeDistribution>,
    /// Responder rates of the rules present.
    pub responders: Vec<ResponderRate>,
    /// Subgroup table.
    pub subgroups: Vec<Subgroup>,
    /// Separation of responders by each variable, per rule with at least two responders and two
    /// non-responders.
    pub separation: Vec<Separation>,
}

/// Quantile `q` of sorted values, linear interpolation between order statistics (Hyndman & Fan
/// 1996 type 7, R's default).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

fn mean_sd(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    let var = if v.len() > 1 { v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0) } else { 0.0 };
    (m, var.sqrt())
}

fn wilson(k: usize, n: usize) -> (f64, f64) {
    // z of the two-sided 95 % interval
    const Z: f64 = 1.959_963_984_540_054;
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let d = 1.0 + Z * Z / n;
    let c = (p + Z * Z / (2.0 * n)) / d;
    let h = Z * ((p * (1.0 - p) / n) + Z * Z / (4.0 * n * n)).sqrt() / d;
    ((c - h).max(0.0), (c + h).min(1.0))
}

/// Average ranks (1-based) of `v`.
fn ranks(v: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut r = vec![0.0; v.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            r[k] = avg;
        }
        i = j + 1;
    }
    r
}

/// Pearson correlation (0 when either side is constant).
pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let (mx, _) = mean_sd(x);
    let (my, _) = mean_sd(y);
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx) * (a - mx)).sum();
    let syy: f64 = y.iter().map(|b| (b - my) * (b - my)).sum();
    if sxx <= 0.0 || syy <= 0.0 { 0.0 } else { sxy / (sxx * syy).sqrt() }
}

/// Spearman rank correlation, average ranks for ties.
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    pearson(&ranks(x), &ranks(y))
}

/// The numeric views of a population's variables: a number as itself, a named level as an
/// indicator per level (`sex=male`), the first level of a two-level name left out.
fn numeric_views<R: Patient>(pop: &Population, records: &[R]) -> Vec<(String, Vec<f64>)> {
    let mut out = Vec::new();
    for (j, v) in pop.variables.iter().enumerate() {
        match &v.dist {
            Dist::Categorical { values, .. } if values.iter().any(|x| matches!(x, Value::Text(_))) => {
                let skip = usize::from(values.len() == 2);
                for level in &values[skip..] {
                    out.push((
                        format!("{}={level}", v.name),
                        records.iter().map(|r| f64::from(u8::from(&r.draw().values[j] == level))).collect(),
                    ));
                }
            }
            _ => out.push((
                v.name.clone(),
                records.iter().map(|r| r.draw().values[j].number().unwrap_or(f64::NAN)).collect(),
            )),
        }
    }
    out
}

fn age_band(a: f64) -> String {
    let e = AGE_BAND_EDGES_Y;
    if a < e[0] {
        format!("<{}", e[0])
    } else if a < e[1] {
        format!("{}–{}", e[0], e[1] - 1.0)
    } else if a < e[2] {
        format!("{}–{}", e[1], e[2] - 1.0)
    } else {
        format!("≥{}", e[2])
    }
}

/// The unit of each figure the records have, by name.
fn units_of(records: &[Rec]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for r in records {
        for ((n, _), u) in r.figures.iter().zip(&r.units) {
            if !out.iter().any(|(m, _)| m == n) {
                out.push((n.clone(), u.clone()));
            }
        }
    }
    out
}

/// Summarise `records` (in index order) of a cohort of `pop`.
pub fn summarise(pop: &Population, records: &[PatientRecord]) -> CohortSummary {
    summarise_patients(pop, &units_of(records), records)
}

/// Summarise the patients `records` (in index order) of a cohort of `pop`, whose figures are
/// `units` (name, unit; in order of first appearance): the same summary whether the patients
/// are whole records or rows of [`super::Columns`].
pub fn summarise_patients<R: Patient>(pop: &Population, units: &[(String, String)], records: &[R]) -> CohortSummary {
    let unit = |n: &str| units.iter().find(|(m, _)| m == n).map(|(_, u)| u.clone()).unwrap_or_default();
    let outcomes = units
        .iter()
        .map(|(name, _)| name)
        .filter_map(|name| {
            let mut v: Vec<f64> = records.iter().filter_map(|r| r.figure(name)).collect();
            if v.is_empty() {
                return None;
            }
            let (mean, sd) = mean_sd(&v);
            v.sort_by(f64::total_cmp);
            Some(OutcomeDistribution {
                name: name.clone(),
                unit: unit(name),
                n: v.len(),
                mean,
                sd,
                min: v[0],
                p05: quantile(&v, 0.05),
                p25: quantile(&v, 0.25),
                median: quantile(&v, 0.5),
                p75: quantile(&v, 0.75),
                p95: quantile(&v, 0.95),
                max: v[v.len() - 1],
            })
        })
        .collect();
    let rules: Vec<&ResponderRule> =
        RESPONDER_RULES.iter().filter(|rule| records.iter().any(|r| rule.value(r).is_some())).collect();
    let responders = rules
        .iter()
        .map(|rule| {
            let vals: Vec<f64> = records.iter().filter_map(|r| rule.value(r)).collect();
            let k = vals.iter().filter(|&&v| rule.responds(v)).count();
            let (low_95, high_95) = wilson(k, vals.len());
            ResponderRate {
                rule: **rule,
                n: vals.len(),
                responders: k,
                rate: k as f64 / vals.len() as f64,
                low_95,
                high_95,
            }
        })
        .collect();
    // subgroups
    let mut subgroups = Vec::new();
    for (j, v) in pop.variables.iter().enumerate() {
        if v.role != Role::Covariate {
            continue;
        }
        let group_of = |r: &R| match (&v.name[..], &r.draw().values[j]) {
            ("age_y", Value::Number(a)) => age_band(*a),
            (_, x) => x.to_string(),
        };
        let mut groups: Vec<String> = match (&v.name[..], &v.dist) {
            ("age_y", _) => {
                let e = AGE_BAND_EDGES_Y;
                [e[0] - 1.0, e[0], e[1], e[2]].iter().map(|&a| age_band(a)).collect()
            }
            (_, Dist::Categorical { values, .. }) => values.iter().map(Value::to_string).collect(),
            _ => continue,
        };
        groups.retain(|g| records.iter().any(|r| &group_of(r) == g));
        for g in groups {
            let members: Vec<&R> = records.iter().filter(|r| group_of(r) == g).collect();
            let responders = rules
                .iter()
                .filter_map(|rule| {
                    let vals: Vec<f64> = members.iter().filter_map(|r| rule.value(r)).collect();
                    (!vals.is_empty()).then(|| {
                        let k = vals.iter().filter(|&&x| rule.responds(x)).count();
                        (rule.name.to_string(), k, k as f64 / vals.len() as f64)
                    })
                })
                .collect();
            let means = SUBGROUP_OUTCOMES
                .iter()
                .filter_map(|o| {
                    let vals: Vec<f64> = members.iter().filter_map(|r| r.figure(o)).collect();
                    (!vals.is_empty()).then(|| (o.to_string(), mean_sd(&vals).0))
                })
                .collect();
            subgroups.push(Subgroup { covariate: v.name.clone(), group: g, n: members.len(), responders, means });
        }
    }
    // separation
    let views = numeric_views(pop, records);
    let mut separation = Vec::new();
    for rule in &rules {
        let with: Vec<(usize, f64)> =
            records.iter().enumerate().filter_map(|(i, r)| rule.value(r).map(|v| (i, v))).collect();
        let yes = with.iter().filter(|(_, v)| rule.responds(*v)).count();
        if yes < 2 || with.len() - yes < 2 {
            continue;
        }
        for (name, xs) in &views {
            let pick = |resp: bool| -> Vec<f64> {
                with.iter().filter(|(_, v)| rule.responds(*v) == resp).map(|(i, _)| xs[*i]).collect()
            };
            let (mr, sr) = mean_sd(&pick(true));
            let (mn, sn) = mean_sd(&pick(false));
            let pooled = ((sr * sr + sn * sn) / 2.0).sqrt();
            let smd = if pooled > 0.0 { (mr - mn) / pooled } else { 0.0 };
            let x: Vec<f64> = with.iter().map(|(i, _)| xs[*i]).collect();
            let y: Vec<f64> = with.iter().map(|(_, v)| *v).collect();
            separation.push(Separation {
                rule: rule.name.to_string(),
                variable: name.clone(),
                mean_responders: mr,
                mean_non_responders: mn,
                smd,
                spearman: spearman(&x, &y),
            });
        }
    }
    let mean_attempts = records.iter().map(|r| f64::from(r.draw().attempts)).sum::<f64>() / records.len().max(1) as f64;
    CohortSummary { patients: records.len(), mean_attempts, outcomes, responders, subgroups, separation }
}

fn csv_bytes(header: &[String], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).expect("writing to memory");
    for r in rows {
        w.write_record(&r).expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// `patients.csv`: one row per patient: index, simulation seed, draws taken, every variable.
pub fn patients_csv(pop: &Population, records: &[Rec]) -> Vec<u8> {
    let mut t = Table::patients(pop, Vec::new()).expect("writing to memory");
    t.rows(records).expect("writing to memory");
    t.finish().expect("writing to memory")
}

/// `outcomes.csv`: one row per patient × figure, with the patient's covariates:
/// `patient, <covariates>, outcome, value, unit`. Values print as the shortest decimal that reads
/// back to the same bits.
pub fn outcomes_csv(pop: &Population, records: &[Rec]) -> Vec<u8> {
    let mut t = Table::outcomes(pop, Vec::new()).expect("writing to memory");
    t.rows(records).expect("writing to memory");
    t.finish().expect("writing to memory")
}

/// One of the per-patient tables ([`patients_csv`], [`outcomes_csv`]) written to `W` a batch of
/// records at a time, so that a large cohort's table can stream to a file: the header at
/// creation, the rows of each [`Table::rows`] call, the same bytes as the whole table.
pub struct Table<W: std::io::Write> {
    w: csv::Writer<W>,
    outcomes: bool,
    covariates: Vec<usize>,
}

impl<W: std::io::Write> Table<W> {
    /// `patients.csv` into `w`.
    pub fn patients(pop: &Population, w: W) -> std::io::Result<Table<W>> {
        let mut header = strings(&["patient", "sim_seed", "attempts"]);
        header.extend(pop.variables.iter().map(|v| v.name.clone()));
        Table::with_header(w, &header, false, vec![])
    }

    /// `outcomes.csv` into `w`.
    pub fn outcomes(pop: &Population, w: W) -> std::io::Result<Table<W>> {
        let covs: Vec<usize> =
            pop.variables.iter().enumerate().filter(|(_, v)| v.role == Role::Covariate).map(|(j, _)| j).collect();
        let mut header = strings(&["patient"]);
        header.extend(covs.iter().map(|&j| pop.variables[j].name.clone()));
        header.extend(strings(&["outcome", "value", "unit"]));
        Table::with_header(w, &header, true, covs)
    }

    fn with_header(w: W, header: &[String], outcomes: bool, covariates: Vec<usize>) -> std::io::Result<Table<W>> {
        let mut w = csv::Writer::from_writer(w);
        w.write_record(header)?;
        Ok(Table { w, outcomes, covariates })
    }

    /// Write the rows of `records` (the next patients in index order).
    pub fn rows(&mut self, records: &[Rec]) -> std::io::Result<()> {
        for r in records {
            if self.outcomes {
                for ((n, v), u) in r.figures.iter().zip(&r.units) {
                    let mut row = vec![r.draw.index.to_string()];
                    row.extend(self.covariates.iter().map(|&j| r.draw.values[j].to_string()));
                    row.extend([n.clone(), v.to_string(), u.clone()]);
                    self.w.write_record(&row)?;
                }
            } else {
                let mut row = vec![r.draw.index.to_string(), r.sim_seed.to_string(), r.draw.attempts.to_string()];
                row.extend(r.draw.values.iter().map(Value::to_string));
                self.w.write_record(&row)?;
            }
        }
        Ok(())
    }

    /// Flush and return the writer.
    pub fn finish(self) -> std::io::Result<W> {
        self.w.into_inner().map_err(|e| std::io::Error::other(e.to_string()))
    }
}

impl CohortSummary {
    /// `summary.csv`: one row per figure: `outcome, unit, n, mean, sd, min, p05, p25, median, p75, p95, max`.
    pub fn outcomes_csv(&self) -> Vec<u8> {
        csv_bytes(
            &strings(&["outcome", "unit", "n", "mean", "sd", "min", "p05", "p25", "median", "p75", "p95", "max"]),
            self.outcomes.iter().map(|o| {
                let mut row = vec![o.name.clone(), o.unit.clone(), o.n.to_string()];
                row.extend([o.mean, o.sd, o.min, o.p05, o.p25, o.median, o.p75, o.p95, o.max].map(|x| x.to_string()));
                row
            }),
        )
    }
    /// `responders.csv`: `rule, description, outcome, threshold, n, responders, rate, low_95, high_95`.
    pub fn responders_csv(&self) -> Vec<u8> {
        csv_bytes(
            &strings(&["rule", "description", "outcome", "threshold", "n", "responders", "rate", "low_95", "high_95"]),
            self.responders.iter().map(|r| {
                vec![
                    r.rule.name.to_string(),
                    r.rule.description.to_string(),
                    r.rule.outcome.to_string(),
                    r.rule.threshold.to_string(),
                    r.n.to_string(),
                    r.responders.to_string(),
                    r.rate.to_string(),
                    r.low_95.to_string(),
                    r.high_95.to_string(),
                ]
            }),
        )
    }
    /// `subgroups.csv`, tidy: `covariate, group, n, quantity, value` with quantity
    /// `responder_rate:<rule>` or `mean:<outcome>`.
    pub fn subgroups_csv(&self) -> Vec<u8> {
        csv_bytes(
            &strings(&["covariate", "group", "n", "quantity", "value"]),
            self.subgroups.iter().flat_map(|s| {
                let head = [s.covariate.clone(), s.group.clone(), s.n.to_string()];
                let rates = s.responders.iter().map(|(r, _, rate)| (format!("responder_rate:{r}"), *rate));
                let means = s.means.iter().map(|(o, m)| (format!("mean:{o}"), *m));
                rates
                    .chain(means)
                    .map(|(q, v)| {
                        let mut row = head.to_vec();
                        row.extend([q, v.to_string()]);
                        row
                    })
                    .collect::<Vec<_>>()
            }),
        )
    }
    /// `separation.csv`: `rule, variable, mean_responders, mean_non_responders, smd, spearman`.
    pub fn separation_csv(&self) -> Vec<u8> {
        csv_bytes(
            &strings(&["rule", "variable", "mean_responders", "mean_non_responders", "smd", "spearman"]),
            self.separation.iter().map(|s| {
                vec![
                    s.rule.clone(),
                    s.variable.clone(),
                    s.mean_responders.to_string(),
                    s.mean_non_responders.to_string(),
                    s.smd.to_string(),
                    s.spearman.to_string(),
                ]
            }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_average_ties_and_spearman_of_a_monotone_map_is_one() {
        assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0]), vec![3.5, 1.0, 3.5, 2.0]);
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        let y: Vec<f64> = x.iter().map(|v: &f64| v.exp()).collect();
        assert!((spearman(&x, &y) - 1.0).abs() < 1e-12);
        let (lo, hi) = wilson(5, 10);
        assert!(lo < 0.5 && hi > 0.5 && (lo - 0.2366).abs() < 1e-3, "{lo} {hi}");
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
    }
}
