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

/// Pointwise `[lo_q, hi_q]` band of an ensemble of time series sampled at the same times: for
/// each sample k, the type-7 quantiles of the members' k-th values. Errors on an empty
/// ensemble, series of different lengths, a non-finite value, or quantiles outside
/// `0 ≤ lo_q ≤ hi_q ≤ 1`.
///
/// ```
/// let members: [&[f64]; 3] = [&[0.0, 1.0], &[0.0, 3.0], &[0.0, 2.0]];
/// let (lo, hi) = mnsim_outcomes::ensemble::pointwise_band("x", &members, 0.0, 1.0).unwrap();
/// assert_eq!((lo, hi), (vec![0.0, 1.0], vec![0.0, 3.0]));
/// ```
pub fn pointwise_band(
    name: &str,
    members: &[&[f64]],
    lo_q: f64,
    hi_q: f64,
) -> Result<(Vec<f64>, Vec<f64>), OutcomeError> {
    let first = members.first().ok_or_else(|| OutcomeError::EmptyEnsemble(name.into()))?;
    if let Some(m) = members.iter().find(|m| m.len() != first.len()) {
        return Err(OutcomeError::OutOfRange {
            field: format!("{name} (series length)"),
            value: m.len() as f64,
            allowed: "the length of every member's series",
        });
    }
    let (mut lo, mut hi) = (Vec::with_capacity(first.len()), Vec::with_capacity(first.len()));
    let mut column = vec![0.0; members.len()];
    for k in 0..first.len() {
        for (c, m) in column.iter_mut().zip(members) {
            *c = m[k];
        }
        let s = summarise(name, "", &column, lo_q, hi_q)?;
        lo.push(s.lo);
        hi.push(s.hi);
    }
    Ok((lo, hi))
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    /// The band of each sample is the quantiles of that sample over the members (here 1..=5
    /// in shuffled order, as in `quantiles_by_hand`), and series of unequal length are refused.
    #[test]
    fn pointwise_band_is_the_quantile_of_each_sample() {
        let m: Vec<Vec<f64>> = [5.0, 1.0, 3.0, 2.0, 4.0].iter().map(|&v| vec![7.0, v, -v]).collect();
        let refs: Vec<&[f64]> = m.iter().map(|v| v.as_slice()).collect();
        let (lo, hi) = pointwise_band("x", &refs, 0.05, 0.95).unwrap();
        assert_eq!((lo[0], hi[0]), (7.0, 7.0));
        assert_relative_eq!(lo[1], 1.2, epsilon = 1e-12);
        assert_relative_eq!(hi[1], 4.8, epsilon = 1e-12);
        assert_relative_eq!(lo[2], -4.8, epsilon = 1e-12);
        assert_relative_eq!(hi[2], -1.2, epsilon = 1e-12);
        let short: [&[f64]; 2] = [&[1.0, 2.0], &[1.0]];
        assert!(pointwise_band("x", &short, 0.05, 0.95).is_err());
        assert!(pointwise_band("x", &[], 0.05, 0.95).is_err());
    }

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
