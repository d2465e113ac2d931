//! What a population plan reads of a figure over its cohort: a robust objective or constraint.

use serde::Serialize;

/// A summary of one figure over the plan's patients.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "statistic", rename_all = "snake_case")]
pub enum Statistic {
    /// The mean.
    Mean,
    /// The median (the default).
    Median,
    /// The `q`-quantile, q ∈ [0, 1] (linear interpolation between order statistics, type 7 of
    /// Hyndman & Fan 1996, R's default): a lower quantile is a robust objective, an upper one a
    /// safety constraint (90 % of patients within a downtime).
    Quantile {
        /// The probability.
        q: f64,
    },
    /// The share of patients, in %, whose figure is at least `threshold` (a responder rate).
    ShareAtLeast {
        /// The threshold, in the figure's unit.
        threshold: f64,
    },
    /// The share of patients, in %, whose figure is at most `threshold`.
    ShareAtMost {
        /// The threshold, in the figure's unit.
        threshold: f64,
    },
}

impl Statistic {
    /// The statistic of `xs` (NaN for no value or any NaN: a patient without the figure).
    pub fn of(&self, xs: &[f64]) -> f64 {
        if xs.is_empty() || xs.iter().any(|x| x.is_nan()) {
            return f64::NAN;
        }
        let share =
            |pred: &dyn Fn(f64) -> bool| 100.0 * xs.iter().filter(|&&x| pred(x)).count() as f64 / xs.len() as f64;
        match *self {
            Statistic::Mean => xs.iter().sum::<f64>() / xs.len() as f64,
            Statistic::Median => quantile(xs, 0.5),
            Statistic::Quantile { q } => quantile(xs, q),
            Statistic::ShareAtLeast { threshold } => share(&|x| x >= threshold),
            Statistic::ShareAtMost { threshold } => share(&|x| x <= threshold),
        }
    }

    /// `median of downtime_d`, `share (%) with outcomes.x >= 50`, …
    pub fn label(&self, figure: &str) -> String {
        match self {
            Statistic::Mean => format!("mean of {figure}"),
            Statistic::Median => format!("median of {figure}"),
            Statistic::Quantile { q } => format!("{}th percentile of {figure}", 100.0 * q),
            Statistic::ShareAtLeast { threshold } => format!("share of patients (%) with {figure} >= {threshold}"),
            Statistic::ShareAtMost { threshold } => format!("share of patients (%) with {figure} <= {threshold}"),
        }
    }
}

/// The q-quantile of `xs` by linear interpolation between order statistics (type 7).
pub fn quantile(xs: &[f64], q: f64) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let h = (v.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    v[lo] + (h - lo as f64) * (v[hi] - v[lo])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_of_a_small_sample_by_hand() {
        let xs = [4.0, 1.0, 3.0, 2.0, 10.0];
        assert_eq!(Statistic::Mean.of(&xs), 4.0);
        assert_eq!(Statistic::Median.of(&xs), 3.0);
        // type 7: h = 4·0.25 = 1 → the second order statistic; h = 4·0.9 = 3.6 → 4 + 0.6·6
        assert_eq!(Statistic::Quantile { q: 0.25 }.of(&xs), 2.0);
        assert!((Statistic::Quantile { q: 0.9 }.of(&xs) - 7.6).abs() < 1e-12);
        assert_eq!(Statistic::ShareAtLeast { threshold: 3.0 }.of(&xs), 60.0);
        assert_eq!(Statistic::ShareAtMost { threshold: 1.0 }.of(&xs), 20.0);
        assert!(Statistic::Median.of(&[1.0, f64::NAN]).is_nan() && Statistic::Mean.of(&[]).is_nan());
        assert_eq!(Statistic::Median.of(&[1.0, 2.0]), 1.5);
    }
}
