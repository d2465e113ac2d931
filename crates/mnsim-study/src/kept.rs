//! The regression guard on values (issue 10, item 9): every built-in case's model value is kept
//! in `data/validation_kept.toml` with a tolerance and the reason of its last change. The
//! guard fails when a value moves beyond its tolerance (pass or known miss alike), when a
//! `pass` case stops passing, and when a `known_miss` starts passing (so that its status in
//! `data/validation_status.toml` gets updated).
//!
//! Tolerance: `max(rel_tol · |kept|, abs_tol)` in the case's unit, with `rel_tol = 0.01` and
//! `abs_tol = 0.001` by default. The model is deterministic (seeded punctures, fixed grids), so
//! a rerun reproduces each value exactly on one machine; 1 % admits floating-point differences
//! between platforms and nothing a change of the model would give, and the absolute floor keeps
//! values at zero (0 d of erythema, no grade change) from failing on round-off.
//!
//! Rewriting the kept values is one command (it never happens otherwise):
//! `MNSIM_UPDATE_KEPT=1 MNSIM_KEPT_REASON="why" cargo test -p mnsim-study --lib kept_values`.
//! An entry whose value stays inside its tolerance keeps its value and reason; an entry that
//! moved (or is new) takes the current value and the given reason.

use crate::validate::{CaseError, CaseResult, ExpectedStatus};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Default relative tolerance of a kept value.
pub const REL_TOL_DEFAULT: f64 = 0.01;
/// Default absolute tolerance (in the case's unit), for values at or near zero.
pub const ABS_TOL_DEFAULT: f64 = 1e-3;

/// One kept value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeptValue {
    /// The model value when it was last kept, in the case's unit.
    pub model: f64,
    /// Relative tolerance (fraction of |model|).
    pub rel_tol: f64,
    /// Absolute tolerance, in the case's unit.
    pub abs_tol: f64,
    /// Why the value last changed.
    pub reason: String,
}

impl KeptValue {
    /// The allowed distance from the kept value.
    pub fn tolerance(&self) -> f64 {
        (self.rel_tol * self.model.abs()).max(self.abs_tol)
    }

    /// Whether `v` is within the tolerance of the kept value.
    pub fn holds(&self, v: f64) -> bool {
        v.is_finite() && (v - self.model).abs() <= self.tolerance()
    }
}

/// The kept file: case id → kept value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kept {
    /// Case id → kept value.
    pub cases: BTreeMap<String, KeptValue>,
}

/// Parse the kept file's text.
pub fn parse(text: &str, file: &str) -> Result<Kept, CaseError> {
    toml::from_str(text).map_err(|e| CaseError::Parse(file.into(), e.message().to_string()))
}

/// The kept file's text (a header, then one table per case, sorted by id).
pub fn to_text(k: &Kept) -> String {
    let mut s = String::from(
        "# Kept model value of every built-in validation case: the regression guard on values.\n\
         # A case fails the guard (cargo test -p mnsim-study) when its value moves beyond\n\
         # max(rel_tol·|model|, abs_tol). Rewrite with (docs/VALIDATION.md):\n\
         #   MNSIM_UPDATE_KEPT=1 MNSIM_KEPT_REASON=\"why\" cargo test -p mnsim-study --lib kept_values\n",
    );
    for (id, v) in &k.cases {
        let _ = write!(
            s,
            "\n[cases.{}]\nmodel = {:?}\nrel_tol = {:?}\nabs_tol = {:?}\nreason = {}\n",
            toml_key(id),
            v.model,
            v.rel_tol,
            v.abs_tol,
            toml::Value::String(v.reason.clone())
        );
    }
    s
}

fn toml_key(id: &str) -> String {
    if id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        id.to_string()
    } else {
        toml::Value::String(id.to_string()).to_string()
    }
}

/// Everything the guard objects to, one line each (empty: the guard holds).
pub fn problems(rows: &[CaseResult], status: &ExpectedStatus, kept: &Kept) -> Vec<String> {
    let mut out = Vec::new();
    for r in rows {
        let Some(expected) = status.cases.get(&r.id) else {
            out.push(format!("{}: no verdict in data/validation_status.toml", r.id));
            continue;
        };
        let miss = expected.strip_prefix("known_miss:").map(str::trim);
        match (expected.as_str(), miss, r.pass) {
            ("pass", _, false) => out.push(format!(
                "{}: marked pass and now fails: model {} {} vs band {:?}–{:?}",
                r.id, r.model, r.unit, r.band_low, r.band_high
            )),
            (_, Some(why), _) if why.len() < 20 => out.push(format!("{}: a known miss needs its explanation", r.id)),
            (_, Some(_), true) => out.push(format!(
                "{}: marked known_miss and now passes (model {} {}): mark it \"pass\" in data/validation_status.toml",
                r.id, r.model, r.unit
            )),
            ("pass", _, true) | (_, Some(_), false) => {}
            _ => out.push(format!("{}: verdict {expected:?} is neither \"pass\" nor \"known_miss: why\"", r.id)),
        }
        if r.evidence == "independent" && r.null_pass == Some(true) {
            out.push(format!("{}: marked independent but the do-nothing model also passes its band: weak", r.id));
        }
        match kept.cases.get(&r.id) {
            None => out.push(format!("{}: no kept value in data/validation_kept.toml", r.id)),
            Some(k) if !k.holds(r.model) => out.push(format!(
                "{}: model {} {} moved from the kept {} (tolerance {}; last reason: {})",
                r.id,
                r.model,
                r.unit,
                k.model,
                k.tolerance(),
                k.reason
            )),
            Some(_) => {}
        }
    }
    for id in status.cases.keys().chain(kept.cases.keys()) {
        if !rows.iter().any(|r| &r.id == id) {
            out.push(format!("{id}: listed in the status or kept file but no such case ran"));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The kept values brought up to date: entries within tolerance keep their value and reason;
/// moved or new entries take the current value and `reason`; entries of cases that no longer
/// exist are dropped.
pub fn updated(kept: &Kept, rows: &[CaseResult], reason: &str) -> Kept {
    let mut cases = BTreeMap::new();
    for r in rows {
        let v = match kept.cases.get(&r.id) {
            Some(k) if k.holds(r.model) => k.clone(),
            Some(k) => KeptValue { model: r.model, reason: reason.to_string(), ..k.clone() },
            None => KeptValue {
                model: r.model,
                rel_tol: REL_TOL_DEFAULT,
                abs_tol: ABS_TOL_DEFAULT,
                reason: reason.to_string(),
            },
        };
        cases.insert(r.id.clone(), v);
    }
    Kept { cases }
}
