//! Uncertainty: summarise a seeded ensemble of any metric as a median and an interval.
//!
//! Quantiles are the linear interpolation between order statistics (Hyndman & Fan type 7, the
//! default of R and NumPy): q(p) = x₍⌊h⌋₎ + (h − ⌊h⌋)(x₍⌊h⌋+1₎ − x₍⌊h⌋₎), h = (n − 1)p.

use crate::error::{OutcomeError, check};
use crate::outcomes::Outcomes;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Median and interval of an ensemble of one metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Interval {
    /// Metric name.
    pub name: String,
    /// Unit.
    pub unit: String,
    /// Median.
    pub median: f64,
    /// Lower quantile (e.g. 5 %).
    pub lo: f64,
    /// Upper quantile (e.g. 95 %).
    pub hi: f64,
    /// Probability of the lower quantile.
    pub lo_q: f64,
    /// Probability of the upper quantile.
    pub hi_q: f64,
    /// Members summarised.
    pub n: usize,
}

/// Type-7 quantile of sorted, finite values.
fn quantile_sorted(x: &[f64], q: f64) -> f64 {
    let h = (x.len() - 1) as f64 * q;
    let i = h.floor() as usize;
    if i + 1 >= x.len() {
        return x[x.len() - 1];
    }
    x[i] + (h - i as f64) * (x[i + 1] - x[i])
}

/// Summarise `values` (one per ensemble member) by the median and the `[lo_q, hi_q]` quantiles.
/// Errors on an empty ensemble, a non-finite value, or quantiles outside `0 ≤ lo_q ≤ hi_q ≤ 1`.
pub fn summarise(name: &str, unit: &str, values: &[f64], lo_q: f64, hi_q: f64) -> Result<Interval, OutcomeError> {
    if values.is_empty() {
        return Err(OutcomeError::EmptyEnsemble(name.into()));
    }
    check("lo_q", lo_q, 0.0, 1.0, "[0, 1]")?;
    check("hi_q", hi_q, lo_q, 1.0, "[lo_q, 1]")?;
    for (i, &v) in values.iter().enumerate() {
        if !v.is_finite() {
            return Err(OutcomeError::OutOfRange { field: format!("{name}[{i}]"), value: v, allowed: "finite" });
        }
    }
    let mut x = values.to_vec();
    x.sort_by(f64::total_cmp);
    Ok(Interval {
        name: name.into(),
        unit: unit.into(),
        median: quantile_sorted(&x, 0.5),
        lo: quantile_sorted(&x, lo_q),
        hi: quantile_sorted(&x, hi_q),
        lo_q,
        hi_q,
        n: x.len(),
    })
}

/// Summarise every entry of [`Outcomes::summary`] over an ensemble of outcomes. Entries are
/// matched by name; an entry missing from some members is summarised over those that have it.
pub fn summarise_outcomes(members: &[Outcomes], lo_q: f64, hi_q: f64) -> Result<Vec<Interval>, OutcomeError> {
    let first = members.first().ok_or_else(|| OutcomeError::EmptyEnsemble("outcomes".into()))?;
    let sums: Vec<Vec<(String, f64, String)>> = members.iter().map(|m| m.summary()).collect();
    first
        .summary()
        .iter()
        .map(|(name, _, unit)| {
            let v: Vec<f64> = sums.iter().filter_map(|s| s.iter().find(|r| &r.0 == name).map(|r| r.1)).collect();
            summarise(name, unit, &v, lo_q, hi_q)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn quantiles_by_hand() {
        // 1..=5: median 3; 5 % at h = 0.2 → 1.2; 95 % at h = 3.8 → 4.8
        let s = summarise("x", "u", &[5.0, 1.0, 3.0, 2.0, 4.0], 0.05, 0.95).unwrap();
        assert_relative_eq!(s.median, 3.0);
        assert_relative_eq!(s.lo, 1.2, epsilon = 1e-12);
        assert_relative_eq!(s.hi, 4.8, epsilon = 1e-12);
        assert_eq!(s.n, 5);
        let one = summarise("x", "u", &[7.0], 0.05, 0.95).unwrap();
        assert_eq!((one.lo, one.median, one.hi), (7.0, 7.0, 7.0));
    }

    #[test]
    fn bad_ensembles_are_typed_errors() {
        assert!(matches!(summarise("x", "u", &[], 0.05, 0.95), Err(OutcomeError::EmptyEnsemble(_))));
        assert!(matches!(summarise("x", "u", &[1.0, f64::NAN], 0.05, 0.95), Err(OutcomeError::OutOfRange { .. })));
        assert!(summarise("x", "u", &[1.0], 0.9, 0.1).is_err());
    }
}
