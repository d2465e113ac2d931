//! Sweep designs for `mnsim run --design FILE`: variants of one scenario beyond the grid of
//! `--vary` — a full factorial of listed levels, a Latin hypercube over ranges, or one factor at
//! a time around the scenario as written. No I/O: the file's text in, the variants' edits out.
//!
//! A sweep file (TOML):
//!
//! ```toml
//! kind = "latin_hypercube"     # "grid", "latin_hypercube" or "one_at_a_time"
//! n = 12                       # latin_hypercube: the number of variants
//! seed = 7                     # latin_hypercube: the seed (default: the scenario's simulation.seed)
//!
//! [[param]]
//! key = "device.needle_length_um"
//! low = 500                    # a range (latin_hypercube; one_at_a_time: its two ends)
//! high = 2000
//!
//! [[param]]
//! key = "protocol.sessions"
//! values = [1, 3, 6]           # levels (grid; one_at_a_time)
//! ```
//!
//! - **grid**: every combination of the parameters' `values` (the cartesian product, as
//!   `--vary` gives).
//! - **latin_hypercube** (McKay, Beckman & Conover 1979, Technometrics 21:239): `n` variants;
//!   each parameter's range is cut into `n` equal strata, each stratum holds one variant, at a
//!   uniform point inside it, and the strata are paired across parameters by independent random
//!   permutations. An integer key (from the scenario's schema) takes the whole number
//!   low + ⌊u·(high − low + 1)⌋, as `mnsim sensitivity` does.
//! - **one_at_a_time**: the scenario as written (`base`), then each parameter at each of its
//!   levels (`values`, or `low` and `high`) with every other key as written: 1 + Σ levels
//!   variants, the design of a tornado chart.

use crate::sensitivity::{KeyKind, key_kind};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Deserialize;
use thiserror::Error;

/// Most variants one sweep may give (the `--vary` limit: each variant is a whole run folder).
pub const MAX_VARIANTS: usize = 64;

/// How the variants are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SweepKind {
    /// Every combination of the listed levels.
    Grid,
    /// A Latin hypercube over the ranges.
    LatinHypercube,
    /// One parameter at a time around the scenario as written.
    OneAtATime,
}

/// One variant: a name (unique within the sweep) and its edits (key, value as written, value).
#[derive(Debug, Clone, PartialEq)]
pub struct SweepPoint {
    /// `base`, `p01`…, or `KEY=VALUE,…` for a grid.
    pub name: String,
    /// The keys it sets: (key, the value as printed, the value).
    pub edits: Vec<(String, String, toml::Value)>,
}

/// A parsed sweep: its kind, seed (Latin hypercube) and variants.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    /// The design.
    pub kind: SweepKind,
    /// The seed of a Latin hypercube.
    pub seed: Option<u64>,
    /// The variants, in run order.
    pub points: Vec<SweepPoint>,
}

/// A sweep file that cannot be used, naming the file, the field, the value and what is allowed.
#[derive(Debug, Clone, Error, PartialEq)]
pub enum SweepError {
    /// Not TOML, or not the file's shape (an unknown field, a wrong type).
    #[error("{file}: {message}")]
    Parse {
        /// The sweep file.
        file: String,
        /// What the reader said.
        message: String,
    },
    /// A field with a value outside what it allows.
    #[error("{file}: {field} = {value}: {allowed}")]
    Field {
        /// The sweep file.
        file: String,
        /// The field (`kind`, `n`, `param[2].low`, …).
        field: String,
        /// The value as read.
        value: String,
        /// What is allowed.
        allowed: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    kind: String,
    n: Option<i64>,
    seed: Option<u64>,
    #[serde(default, rename = "param")]
    params: Vec<Param>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Param {
    key: String,
    low: Option<f64>,
    high: Option<f64>,
    values: Option<Vec<toml::Value>>,
}

/// The value as printed in a label (numbers compact, as in the scenario's messages).
fn printed(v: &toml::Value) -> String {
    match v {
        toml::Value::Float(x) => mnsim_scenario::compact(*x),
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Read the sweep file `text` (`file` names it in errors); `default_seed` is the Latin
/// hypercube's seed when the file gives none. Keys are checked against the scenario's schema
/// here only for their kind (an integer key's range must have whole ends); whether the scenario
/// takes each variant is checked when the variants are built.
pub fn parse(text: &str, file: &str, default_seed: u64) -> Result<Sweep, SweepError> {
    let f: File = toml::from_str(text).map_err(|e| SweepError::Parse { file: file.into(), message: e.to_string() })?;
    let field = |field: String, value: String, allowed: &str| SweepError::Field {
        file: file.into(),
        field,
        value,
        allowed: allowed.into(),
    };
    let kind = match f.kind.as_str() {
        "grid" => SweepKind::Grid,
        "latin_hypercube" => SweepKind::LatinHypercube,
        "one_at_a_time" => SweepKind::OneAtATime,
        other => {
            return Err(field(
                "kind".into(),
                format!("{other:?}"),
                "one of \"grid\", \"latin_hypercube\", \"one_at_a_time\"",
            ));
        }
    };
    if f.params.is_empty() {
        return Err(field("param".into(), "(none)".into(), "give at least one [[param]] with its key"));
    }
    let schema = mnsim_scenario::json_schema();
    for (i, p) in f.params.iter().enumerate() {
        if p.key.is_empty() || p.key.split('.').any(str::is_empty) {
            return Err(field(format!("param[{i}].key"), format!("{:?}", p.key), "a dotted scenario key path"));
        }
        if f.params[..i].iter().any(|q| q.key == p.key) {
            return Err(field(format!("param[{i}].key"), format!("{:?}", p.key), "each key once"));
        }
    }
    if kind != SweepKind::LatinHypercube && f.n.is_some() {
        return Err(field("n".into(), format!("{}", f.n.unwrap_or_default()), "only a latin_hypercube takes n"));
    }
    if kind != SweepKind::LatinHypercube && f.seed.is_some() {
        return Err(field(
            "seed".into(),
            format!("{}", f.seed.unwrap_or_default()),
            "only a latin_hypercube takes a seed",
        ));
    }
    let points = match kind {
        SweepKind::Grid => grid(&f, file)?,
        SweepKind::OneAtATime => one_at_a_time(&f, file, &schema)?,
        SweepKind::LatinHypercube => latin_hypercube(&f, file, &schema, f.seed.unwrap_or(default_seed))?,
    };
    if points.len() > MAX_VARIANTS {
        return Err(field(
            "param".into(),
            format!("{} variants", points.len()),
            &format!("at most {MAX_VARIANTS} variants in one sweep"),
        ));
    }
    let seed = (kind == SweepKind::LatinHypercube).then(|| f.seed.unwrap_or(default_seed));
    Ok(Sweep { kind, seed, points })
}

fn levels(p: &Param, i: usize, file: &str, need: &str) -> Result<Vec<toml::Value>, SweepError> {
    let err = |field: String, value: String, allowed: &str| SweepError::Field {
        file: file.into(),
        field,
        value,
        allowed: allowed.into(),
    };
    match (&p.values, p.low, p.high) {
        (Some(v), None, None) if !v.is_empty() => {
            for (k, x) in v.iter().enumerate() {
                if v[..k].contains(x) {
                    return Err(err(format!("param[{i}].values[{k}]"), x.to_string(), "each level once"));
                }
            }
            Ok(v.clone())
        }
        (Some(_), None, None) => Err(err(format!("param[{i}].values"), "[]".into(), "at least one level")),
        (Some(_), _, _) => Err(err(format!("param[{i}]"), p.key.clone(), "give values or low and high, not both")),
        _ => Err(err(format!("param[{i}].values"), "(missing)".into(), need)),
    }
}

fn grid(f: &File, file: &str) -> Result<Vec<SweepPoint>, SweepError> {
    let levels: Vec<Vec<toml::Value>> = f
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| levels(p, i, file, "values: a grid takes the levels of each parameter"))
        .collect::<Result<_, _>>()?;
    let count = levels.iter().fold(1usize, |n, l| n.saturating_mul(l.len()));
    if count > MAX_VARIANTS {
        return Err(SweepError::Field {
            file: file.into(),
            field: "param".into(),
            value: format!("{count} variants"),
            allowed: format!("at most {MAX_VARIANTS} variants in one sweep"),
        });
    }
    let mut combos: Vec<Vec<(String, String, toml::Value)>> = vec![vec![]];
    for (p, vals) in f.params.iter().zip(&levels) {
        combos = combos
            .into_iter()
            .flat_map(|c| vals.iter().map(move |v| [c.clone(), vec![(p.key.clone(), printed(v), v.clone())]].concat()))
            .collect();
    }
    Ok(combos.into_iter().map(|edits| SweepPoint { name: String::new(), edits }).collect())
}

/// A range's ends as the key takes them: integers for an integer key (whole ends required).
fn range(p: &Param, i: usize, file: &str, schema: &serde_json::Value) -> Result<(f64, f64, bool), SweepError> {
    let err = |field: String, value: String, allowed: &str| SweepError::Field {
        file: file.into(),
        field,
        value,
        allowed: allowed.into(),
    };
    let (Some(lo), Some(hi), None) = (p.low, p.high, &p.values) else {
        return Err(err(
            format!("param[{i}]"),
            p.key.clone(),
            "give low and high (a range), or values where the kind takes levels",
        ));
    };
    if !(lo.is_finite() && hi.is_finite() && lo < hi) {
        return Err(err(format!("param[{i}].low"), format!("{lo}, high = {hi}"), "finite numbers with low < high"));
    }
    let integer = match key_kind(schema, &p.key) {
        KeyKind::Integer => true,
        KeyKind::Number | KeyKind::Unknown => false,
        KeyKind::Other(what) => {
            return Err(err(
                format!("param[{i}].key"),
                p.key.clone(),
                &format!("a numeric key (this one takes a {what} value)"),
            ));
        }
    };
    if integer && (lo.fract() != 0.0 || hi.fract() != 0.0) {
        return Err(err(
            format!("param[{i}].low"),
            format!("{lo}, high = {hi}"),
            "whole numbers (the key takes integers)",
        ));
    }
    Ok((lo, hi, integer))
}

fn one_at_a_time(f: &File, file: &str, schema: &serde_json::Value) -> Result<Vec<SweepPoint>, SweepError> {
    let mut points = vec![SweepPoint { name: "base".into(), edits: vec![] }];
    for (i, p) in f.params.iter().enumerate() {
        let vals = match &p.values {
            Some(_) => levels(p, i, file, "values, or low and high")?,
            None => {
                let (lo, hi, integer) = range(p, i, file, schema)?;
                if integer {
                    vec![toml::Value::Integer(lo as i64), toml::Value::Integer(hi as i64)]
                } else {
                    vec![toml::Value::Float(lo), toml::Value::Float(hi)]
                }
            }
        };
        for v in vals {
            let short = p.key.rsplit('.').next().unwrap_or(&p.key);
            points.push(SweepPoint {
                name: format!("{short}={}", printed(&v)),
                edits: vec![(p.key.clone(), printed(&v), v)],
            });
        }
    }
    Ok(points)
}

fn latin_hypercube(f: &File, file: &str, schema: &serde_json::Value, seed: u64) -> Result<Vec<SweepPoint>, SweepError> {
    let n = match f.n {
        Some(n) if (2..=MAX_VARIANTS as i64).contains(&n) => n as usize,
        other => {
            return Err(SweepError::Field {
                file: file.into(),
                field: "n".into(),
                value: other.map_or("(missing)".into(), |n| n.to_string()),
                allowed: format!("a whole number of variants in [2, {MAX_VARIANTS}]"),
            });
        }
    };
    let ranges: Vec<(f64, f64, bool)> =
        f.params.iter().enumerate().map(|(i, p)| range(p, i, file, schema)).collect::<Result<_, _>>()?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // per parameter: a random pairing of strata to variants, then a uniform point in each stratum
    let columns: Vec<Vec<f64>> = ranges
        .iter()
        .map(|_| {
            let mut strata: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                strata.swap(i, rng.random_range(0..=i));
            }
            strata.iter().map(|&s| (s as f64 + rng.random::<f64>()) / n as f64).collect()
        })
        .collect();
    let width = n.to_string().len();
    Ok((0..n)
        .map(|k| SweepPoint {
            name: format!("p{:0width$}", k + 1),
            edits: f
                .params
                .iter()
                .zip(&ranges)
                .zip(&columns)
                .map(|((p, &(lo, hi, integer)), col)| {
                    let u = col[k];
                    let v = if integer {
                        toml::Value::Integer((lo + (u * (hi - lo + 1.0)).floor()).min(hi) as i64)
                    } else {
                        toml::Value::Float(lo + u * (hi - lo))
                    };
                    (p.key.clone(), printed(&v), v)
                })
                .collect(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sweep(text: &str) -> Result<Sweep, SweepError> {
        parse(text, "s.toml", 42)
    }

    /// Each parameter of a Latin hypercube has exactly one variant in each of its n strata, the
    /// design is the same for the same seed and differs for another, and an integer key takes
    /// whole numbers in its range.
    #[test]
    fn a_latin_hypercube_fills_every_stratum_once() {
        let text = r#"
            kind = "latin_hypercube"
            n = 10
            [[param]]
            key = "device.needle_length_um"
            low = 500
            high = 2000
            [[param]]
            key = "patient.age_y"
            low = 20
            high = 70
        "#;
        let s = sweep(text).unwrap();
        assert_eq!(s.kind, SweepKind::LatinHypercube);
        assert_eq!(s.points.len(), 10);
        assert_eq!(s.points[0].name, "p01");
        for (j, (lo, hi)) in [(500.0, 2000.0), (20.0, 70.0)].into_iter().enumerate() {
            let mut strata: Vec<usize> = s
                .points
                .iter()
                .map(|p| {
                    let v = p.edits[j].2.as_float().unwrap();
                    assert!((lo..hi).contains(&v), "{v}");
                    ((v - lo) / (hi - lo) * 10.0).floor() as usize
                })
                .collect();
            strata.sort();
            assert_eq!(strata, (0..10).collect::<Vec<_>>(), "parameter {j}");
        }
        assert_eq!(sweep(text).unwrap(), s);
        assert_ne!(sweep(&format!("seed = 3\n{text}")).unwrap().points, s.points);
        let ints =
            sweep("kind = \"latin_hypercube\"\nn = 8\n[[param]]\nkey = \"device.needle_count\"\nlow = 4\nhigh = 12\n")
                .unwrap();
        for p in &ints.points {
            let v = p.edits[0].2.as_integer().expect("an integer key takes integers");
            assert!((4..=12).contains(&v));
        }
    }

    /// One at a time: the base, then each level of each parameter alone.
    #[test]
    fn one_at_a_time_moves_one_key_per_variant() {
        let s = sweep(
            r#"
            kind = "one_at_a_time"
            [[param]]
            key = "device.needle_length_um"
            low = 500
            high = 2000
            [[param]]
            key = "protocol.sessions"
            values = [1, 3, 6]
        "#,
        )
        .unwrap();
        assert_eq!(s.points.len(), 1 + 2 + 3);
        assert!(s.points[0].edits.is_empty() && s.points[0].name == "base");
        assert!(s.points[1..].iter().all(|p| p.edits.len() == 1));
        assert_eq!(s.points[5].name, "sessions=6");
        assert_eq!(s.points[2].edits[0].2, toml::Value::Float(2000.0));
    }

    /// A grid is the cartesian product of the levels.
    #[test]
    fn a_grid_is_every_combination() {
        let s = sweep(
            "kind = \"grid\"\n[[param]]\nkey = \"a.b\"\nvalues = [1, 2]\n[[param]]\nkey = \"c.d\"\nvalues = [\"x\", \"y\", \"z\"]\n",
        )
        .unwrap();
        assert_eq!(s.points.len(), 6);
        assert_eq!(s.points[5].edits[0].1, "2");
        assert_eq!(s.points[5].edits[1].1, "z");
    }

    /// Bad files name the file, the field, the value and what is allowed.
    #[test]
    fn bad_sweep_files_name_file_field_value_and_allowed() {
        let cases = [
            ("kind = \"sobol\"\n[[param]]\nkey = \"a.b\"\nvalues = [1]\n", "kind = \"sobol\""),
            ("kind = \"grid\"\n", "param = (none)"),
            ("kind = \"grid\"\nwat = 1\n", "unknown field"),
            ("kind = \"latin_hypercube\"\nn = 1\n[[param]]\nkey = \"patient.age_y\"\nlow = 20\nhigh = 70\n", "n = 1"),
            (
                "kind = \"latin_hypercube\"\nn = 65\n[[param]]\nkey = \"patient.age_y\"\nlow = 20\nhigh = 70\n",
                "[2, 64]",
            ),
            (
                "kind = \"latin_hypercube\"\nn = 4\n[[param]]\nkey = \"patient.age_y\"\nlow = 70\nhigh = 20\n",
                "param[0].low",
            ),
            (
                "kind = \"latin_hypercube\"\nn = 4\n[[param]]\nkey = \"patient.site\"\nlow = 1\nhigh = 2\n",
                "numeric key",
            ),
            (
                "kind = \"latin_hypercube\"\nn = 4\n[[param]]\nkey = \"device.needle_count\"\nlow = 4.5\nhigh = 9\n",
                "whole numbers",
            ),
            ("kind = \"grid\"\n[[param]]\nkey = \"a.b\"\nlow = 1\nhigh = 2\n", "a grid takes the levels"),
            ("kind = \"grid\"\n[[param]]\nkey = \"a.b\"\nvalues = [1, 1]\n", "param[0].values[1]"),
            (
                "kind = \"grid\"\n[[param]]\nkey = \"a.b\"\nvalues = [1]\n[[param]]\nkey = \"a.b\"\nvalues = [2]\n",
                "each key once",
            ),
            ("kind = \"grid\"\nn = 4\n[[param]]\nkey = \"a.b\"\nvalues = [1]\n", "only a latin_hypercube takes n"),
            ("kind = \"one_at_a_time\"\nseed = 4\n[[param]]\nkey = \"a.b\"\nvalues = [1]\n", "takes a seed"),
            (
                "kind = \"grid\"\n[[param]]\nkey = \"a.b\"\nvalues = [1,2,3,4,5,6,7,8,9]\n[[param]]\nkey = \"c.d\"\nvalues = [1,2,3,4,5,6,7,8]\n",
                "72 variants",
            ),
        ];
        for (text, want) in cases {
            let e = sweep(text).unwrap_err().to_string();
            assert!(e.starts_with("s.toml") && e.contains(want), "{text:?}: {e}");
        }
    }
}
