//! How sensitive a plan's recommendation is: the protocols that are as good within the model's
//! own uncertainty, and which decision variables move the first objective.
//!
//! **Near-optimal protocols.** A feasible candidate is near-optimal when its first objective is
//! within a tolerance τ of the recommended value: `v ≥ v* − τ` (maximise) or `v ≤ v* + τ`
//! (minimise). τ is the distance from the recommendation's nominal value to the unfavourable end
//! of its ensemble interval (5 % quantile when maximising, 95 % when minimising), i.e. protocols
//! the model cannot tell apart from the recommendation given its parameter uncertainty. Where
//! the recommendation has no interval for the figure, or the interval does not reach past the
//! nominal value, τ = [`FALLBACK_TOLERANCE_FRACTION`] × |v*| (assumed).
//!
//! **Variable effects.** For each decision variable, the mean of the first objective over the
//! feasible candidates at each of its values (a main effect; Montgomery, *Design and Analysis of
//! Experiments*, the standard factorial read-out) and the range of those means. On an enumerated
//! space (a full factorial restricted to the feasible candidates) the range is the variable's main
//! effect; on a GA's candidates, which are not balanced, it is confounded with the other
//! variables and labelled so. A variable with more than [`MAX_EFFECT_LEVELS`] distinct values is
//! split at its median into two groups.

use super::search::{Objective, Record, Value, Variable};
use serde::Serialize;

/// Tolerance of the near-optimal set when the recommendation has no usable ensemble interval,
/// as a fraction of |best value|. Assumed: 1 %, below the spread of any clinical read-out.
pub const FALLBACK_TOLERANCE_FRACTION: f64 = 0.01;
/// A variable with more distinct values than this among the candidates is grouped at its median.
pub const MAX_EFFECT_LEVELS: usize = 12;

/// The protocols as good as the recommendation within the tolerance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NearOptimal {
    /// The objective's figure.
    pub figure: String,
    /// The recommended (best) value.
    pub best: f64,
    /// τ, in the figure's unit.
    pub tolerance: f64,
    /// Where τ comes from, in words.
    pub basis: String,
    /// Record indices (into the search's records) of the near-optimal candidates, best first.
    pub records: Vec<usize>,
}

/// The feasible candidates within τ of `best` on objective 0; `interval` = (lo, hi) of the
/// recommendation's ensemble for that figure, if it has one.
pub fn near_optimal(records: &[Record], objective: &Objective, best: f64, interval: Option<(f64, f64)>) -> NearOptimal {
    let from_interval = interval.map(|(lo, hi)| if objective.maximise { best - lo } else { hi - best });
    let (tolerance, basis) = match from_interval {
        Some(t) if t.is_finite() && t > 0.0 => (
            t,
            format!(
                "the recommendation's ensemble interval ({} end): protocols the model's parameter uncertainty cannot tell apart",
                if objective.maximise { "5 %" } else { "95 %" }
            ),
        ),
        _ => (
            FALLBACK_TOLERANCE_FRACTION * best.abs(),
            format!(
                "{} % of the best value (no ensemble interval reaching past the nominal value; assumed)",
                100.0 * FALLBACK_TOLERANCE_FRACTION
            ),
        ),
    };
    let mut within: Vec<usize> = records
        .iter()
        .enumerate()
        .filter(|(_, r)| r.feasible && r.objectives.first().is_some_and(|v| v.is_finite()))
        .filter(|(_, r)| objective.cost(r.objectives[0]) <= objective.cost(best) + tolerance)
        .map(|(i, _)| i)
        .collect();
    within.sort_by(|&a, &b| {
        objective.cost(records[a].objectives[0]).total_cmp(&objective.cost(records[b].objectives[0])).then(a.cmp(&b))
    });
    NearOptimal { figure: objective.figure.clone(), best, tolerance, basis, records: within }
}

/// One value (or group of values) of a variable and the objective's mean over the feasible
/// candidates that have it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Level {
    /// The value as written in the candidates table, or `≤ m` / `> m` for a grouped variable.
    pub value: String,
    /// Mean of the objective.
    pub mean: f64,
    /// Feasible candidates at this value.
    pub n: usize,
}

/// The main effect of one decision variable on the first objective.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VariableEffect {
    /// The variable's key.
    pub key: String,
    /// Its values, in the order of first appearance (numbers ascending).
    pub levels: Vec<Level>,
    /// max − min of the level means (0 with fewer than two levels), in the objective's unit.
    pub range: f64,
}

/// Every variable's main effect on objective 0 over the feasible candidates, the largest first.
pub fn variable_effects(vars: &[Variable], records: &[Record]) -> Vec<VariableEffect> {
    let feasible: Vec<&Record> =
        records.iter().filter(|r| r.feasible && r.objectives.first().is_some_and(|v| v.is_finite())).collect();
    let mut out: Vec<VariableEffect> = vars
        .iter()
        .enumerate()
        .map(|(j, v)| {
            let groups = group(&feasible, j);
            let levels: Vec<Level> = groups
                .into_iter()
                .map(|(value, ys)| Level { value, mean: ys.iter().sum::<f64>() / ys.len() as f64, n: ys.len() })
                .collect();
            let (lo, hi) =
                levels.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), l| (a.min(l.mean), b.max(l.mean)));
            let range = if levels.len() >= 2 { hi - lo } else { 0.0 };
            VariableEffect { key: v.key.clone(), levels, range }
        })
        .collect();
    out.sort_by(|a, b| b.range.total_cmp(&a.range));
    out
}

/// The objective values of `feasible` grouped by variable `j`'s value.
fn group(feasible: &[&Record], j: usize) -> Vec<(String, Vec<f64>)> {
    let mut groups: Vec<(String, Option<f64>, Vec<f64>)> = Vec::new();
    for r in feasible {
        let (cell, num) = (r.values[j].cell(), r.values[j].as_f64());
        match groups.iter_mut().find(|(c, _, _)| *c == cell) {
            Some(g) => g.2.push(r.objectives[0]),
            None => groups.push((cell, num, vec![r.objectives[0]])),
        }
    }
    if groups.iter().all(|(_, n, _)| n.is_some()) {
        groups.sort_by(|a, b| a.1.unwrap_or(0.0).total_cmp(&b.1.unwrap_or(0.0)));
    }
    if groups.len() > MAX_EFFECT_LEVELS && groups.iter().all(|(_, n, _)| n.is_some()) {
        let mut xs: Vec<f64> = feasible.iter().filter_map(|r| r.values[j].as_f64()).collect();
        xs.sort_by(f64::total_cmp);
        let m = xs[(xs.len() - 1) / 2];
        let (mut low, mut high) = (Vec::new(), Vec::new());
        for r in feasible {
            let x = r.values[j].as_f64().unwrap_or(m);
            if x <= m { low.push(r.objectives[0]) } else { high.push(r.objectives[0]) }
        }
        let label = Value::Number(m).cell();
        return [(format!("≤ {label}"), low), (format!("> {label}"), high)]
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .collect();
    }
    groups.into_iter().map(|(c, _, v)| (c, v)).collect()
}

#[cfg(test)]
mod tests {
    use super::super::search::Kind;
    use super::*;

    fn rec(index: usize, a: f64, b: &str, y: f64, feasible: bool) -> Record {
        Record {
            index,
            values: vec![Value::Number(a), Value::Text(b.into())],
            objectives: vec![y],
            constraints: vec![],
            feasible,
            rejected: None,
        }
    }

    fn vars() -> Vec<Variable> {
        vec![
            Variable { key: "a".into(), kind: Kind::Set { values: vec![1.0, 2.0] } },
            Variable { key: "b".into(), kind: Kind::Categorical { choices: vec!["x".into(), "y".into()] } },
        ]
    }

    /// y = 10·a + (b == y ? 1 : 0) on a 2 × 2 factorial: a's main effect is 10, b's 1; an
    /// infeasible candidate does not count.
    #[test]
    fn main_effects_of_a_factorial_are_the_level_mean_differences() {
        let rs = vec![
            rec(0, 1.0, "x", 10.0, true),
            rec(1, 1.0, "y", 11.0, true),
            rec(2, 2.0, "x", 20.0, true),
            rec(3, 2.0, "y", 21.0, true),
            rec(4, 2.0, "y", 1000.0, false),
        ];
        let e = variable_effects(&vars(), &rs);
        assert_eq!(e[0].key, "a");
        assert!((e[0].range - 10.0).abs() < 1e-12, "{e:?}");
        assert_eq!(e[0].levels.iter().map(|l| l.n).collect::<Vec<_>>(), vec![2, 2]);
        assert_eq!(e[1].key, "b");
        assert!((e[1].range - 1.0).abs() < 1e-12);
    }

    #[test]
    fn near_optimal_uses_the_interval_and_falls_back_to_one_percent() {
        let rs = vec![rec(0, 1.0, "x", 10.0, true), rec(1, 1.0, "y", 9.5, true), rec(2, 2.0, "x", 8.0, true)];
        let max = Objective { figure: "f".into(), maximise: true };
        // interval 9.4–10.3 around the best 10: τ = 0.6, so 10 and 9.5 are near-optimal, 8 is not
        let n = near_optimal(&rs, &max, 10.0, Some((9.4, 10.3)));
        assert!((n.tolerance - 0.6).abs() < 1e-12);
        assert_eq!(n.records, vec![0, 1]);
        // no interval: τ = 0.1, only the best
        let n = near_optimal(&rs, &max, 10.0, None);
        assert!((n.tolerance - 0.1).abs() < 1e-12 && n.basis.contains("assumed"));
        assert_eq!(n.records, vec![0]);
        // minimising: the 95 % end counts
        let min = Objective { figure: "f".into(), maximise: false };
        let n = near_optimal(&rs, &min, 8.0, Some((7.0, 9.6)));
        assert_eq!(n.records, vec![2, 1]);
    }

    #[test]
    fn a_many_valued_variable_is_split_at_its_median() {
        let rs: Vec<Record> = (0..20).map(|i| rec(i, i as f64, "x", if i < 10 { 1.0 } else { 3.0 }, true)).collect();
        let e = variable_effects(&vars(), &rs);
        let a = e.iter().find(|v| v.key == "a").unwrap();
        assert_eq!(a.levels.len(), 2, "{a:?}");
        assert_eq!(a.levels[0].value, "≤ 9");
        assert!((a.range - 2.0).abs() < 1e-12);
    }
}
