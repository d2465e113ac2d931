//! The calibrated parameter set (`data/calibration.toml`, compiled in): the parameters that
//! calibration cases set, their shipped values, their bounds and the cases that inform each.
//!
//! `mnsim calibrate` (`mnsim_study::calibrate`) fits them and writes the file; this module is
//! where a run takes the values from. Every scenario gets the `value` of each
//! [`Applies::Default`] parameter, and of the keys tied to it, for the keys it does not set
//! itself ([`with_calibrated_defaults`]); a key the scenario sets always wins. The same values
//! are the library defaults of the structs they live in (a test keeps the two equal), so a
//! program that builds `Rates::default()` by hand runs on the same set.
//!
//! ```
//! let spec = mnsim_scenario::calibrated::spec();
//! let p = spec.parameter.iter().find(|p| p.key == "penetration.drag_loss_quasistatic").unwrap();
//! assert!(p.low < p.value && p.value < p.high);
//! assert_eq!(p.cases, ["PN01"]);
//! ```

use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// The compiled-in calibration file's text.
pub fn spec_text() -> &'static str {
    include_str!("../../../data/calibration.toml")
}

/// The compiled-in calibration file, parsed and checked.
pub fn spec() -> &'static CalibrationSpec {
    static SPEC: OnceLock<CalibrationSpec> = OnceLock::new();
    SPEC.get_or_init(|| {
        parse_spec(spec_text(), "data/calibration.toml").expect("data/calibration.toml is valid (tested)")
    })
}

/// The whole calibration file.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CalibrationSpec {
    /// Significant digits of the values written back by `mnsim calibrate --write` (1–15).
    pub significant_digits: u32,
    /// Parameters with a scenario key.
    #[serde(default)]
    pub parameter: Vec<CalibratedParameter>,
    /// Constants set in closed form from a calibration case (no scenario key): checked, never
    /// fitted.
    #[serde(default)]
    pub constant: Vec<ClosedFormConstant>,
}

/// How a run takes a calibrated value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Applies {
    /// Every scenario takes it for the key unless it sets the key.
    Default,
    /// A property of a named scenario input (a home regimen's strength) that the scenarios using
    /// that input set themselves: fitted and reported, never applied to other scenarios.
    Scenario,
}

/// A key set to `ratio ×` the parameter's value whenever the parameter is applied.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TiedKey {
    /// Dotted scenario key.
    pub key: String,
    /// Ratio to the parameter's value (finite, > 0).
    pub ratio: f64,
}

/// One calibrated parameter with a scenario key.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CalibratedParameter {
    /// Dotted scenario key (`healing.rates.barrier_recovery_per_h`).
    pub key: String,
    /// Unit of the value (`1/h`, `1` for dimensionless).
    pub unit: String,
    /// Shipped value: the last fit, rounded to the file's significant digits.
    pub value: f64,
    /// Lower bound of the fit.
    pub low: f64,
    /// Upper bound of the fit.
    pub high: f64,
    /// Ids of the calibration cases that inform it.
    pub cases: Vec<String>,
    /// How a run takes the value.
    pub applies: Applies,
    /// Keys tied to this one.
    #[serde(default)]
    pub tied: Vec<TiedKey>,
    /// Fitted by `mnsim calibrate` (false: checked against its cases and held, with `reason`).
    #[serde(default = "yes")]
    pub fit: bool,
    /// Why a held parameter is not fitted.
    #[serde(default)]
    pub reason: String,
    /// What sets it, in words, with the source.
    pub source: String,
}

fn yes() -> bool {
    true
}

/// A constant set in closed form from a calibration case.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClosedFormConstant {
    /// Where it lives (`mnsim_core::closure::PORE_TO_BARRIER_RATIO`).
    pub name: String,
    /// Unit.
    pub unit: String,
    /// Ids of the calibration cases it reproduces.
    pub cases: Vec<String>,
    /// The arithmetic, in words, with the source.
    pub how: String,
}

/// Parse and check a calibration file's text; `file` names it in errors. Every problem names
/// the entry, the field, the value and what is allowed.
pub fn parse_spec(text: &str, file: &str) -> Result<CalibrationSpec, String> {
    let spec: CalibrationSpec = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        let msg = crate::with_line(text, line, e.message());
        match line {
            Some(l) => format!("{file}:{l}: {msg}"),
            None => format!("{file}: {msg}"),
        }
    })?;
    check_spec(&spec).map_err(|m| format!("{file}: {m}"))?;
    Ok(spec)
}

fn check_spec(spec: &CalibrationSpec) -> Result<(), String> {
    if !(1..=15).contains(&spec.significant_digits) {
        return Err(format!("significant_digits = {} is invalid: must be in [1, 15]", spec.significant_digits));
    }
    let mut keys = std::collections::BTreeSet::new();
    for p in &spec.parameter {
        let at = format!("parameter `{}`", p.key);
        if p.key.is_empty() || p.key.split('.').any(str::is_empty) {
            return Err(format!("{at}: key is not a dotted scenario key"));
        }
        if !(p.low.is_finite() && p.high.is_finite() && p.low < p.high) {
            return Err(format!("{at}: bounds low = {}, high = {} must be finite with low < high", p.low, p.high));
        }
        if !(p.value.is_finite() && p.low <= p.value && p.value <= p.high) {
            return Err(format!("{at}: value = {} is outside its bounds [{}, {}]", p.value, p.low, p.high));
        }
        if p.cases.is_empty() {
            return Err(format!("{at}: cases is empty: name the calibration cases that inform it"));
        }
        if !p.fit && p.reason.trim().is_empty() {
            return Err(format!("{at}: fit = false needs a `reason`"));
        }
        for t in &p.tied {
            if !(t.ratio.is_finite() && t.ratio > 0.0) {
                return Err(format!("{at}: tied `{}` ratio = {} must be finite and > 0", t.key, t.ratio));
            }
        }
        for k in std::iter::once(&p.key).chain(p.tied.iter().map(|t| &t.key)) {
            if !keys.insert(k.clone()) {
                return Err(format!("{at}: key `{k}` is declared twice"));
            }
        }
    }
    for c in &spec.constant {
        if c.cases.is_empty() {
            return Err(format!("constant `{}`: cases is empty", c.name));
        }
    }
    Ok(())
}

/// The (key, value) pairs a run takes from `spec`: every [`Applies::Default`] parameter and
/// its tied keys.
pub fn default_values(spec: &CalibrationSpec) -> Vec<(String, f64)> {
    spec.parameter
        .iter()
        .filter(|p| p.applies == Applies::Default)
        .flat_map(|p| {
            std::iter::once((p.key.clone(), p.value)).chain(p.tied.iter().map(|t| (t.key.clone(), t.ratio * p.value)))
        })
        .collect()
}

/// Whether the dotted `key` is present in `table`.
pub fn has_key(table: &toml::Table, key: &str) -> bool {
    let mut t = table;
    let mut parts = key.split('.').peekable();
    while let Some(p) = parts.next() {
        match (t.get(p), parts.peek()) {
            (None, _) => return false,
            (Some(_), None) => return true,
            (Some(toml::Value::Table(inner)), Some(_)) => t = inner,
            (Some(_), Some(_)) => return false,
        }
    }
    false
}

/// `table` with the calibrated defaults of the compiled-in set inserted for every key it does
/// not hold; `Ok(None)` if it already holds them all (nothing to change), an error naming the key
/// if the scenario holds a non-table where a calibrated key's table belongs.
pub fn with_calibrated_defaults(table: &toml::Table) -> Result<Option<toml::Table>, String> {
    let missing: Vec<(String, f64)> = default_values(spec()).into_iter().filter(|(k, _)| !has_key(table, k)).collect();
    if missing.is_empty() {
        return Ok(None);
    }
    let mut t = table.clone();
    for (k, v) in missing {
        crate::apply_edit(&mut t, &crate::Edit::Set(k, toml::Value::Float(v)))?;
    }
    Ok(Some(t))
}

/// `x` rounded to `digits` significant digits (0 stays 0).
pub fn round_significant(x: f64, digits: u32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(digits as i32 - 1 - x.abs().log10().floor() as i32);
    let r = (x * scale).round() / scale;
    // print-and-parse removes the binary tail of the division (0.61 rather than 0.6100000000000001)
    format!("{r:.*e}", digits.saturating_sub(1) as usize).parse().unwrap_or(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scenario_that_sets_no_calibrated_key_gets_every_calibrated_value() {
        let t: toml::Table = toml::from_str(crate::default_toml()).unwrap();
        let with = with_calibrated_defaults(&t).unwrap().expect("the default scenario sets none of them");
        for (k, v) in default_values(spec()) {
            let mut at = &with;
            let parts: Vec<&str> = k.split('.').collect();
            for p in &parts[..parts.len() - 1] {
                at = at[*p].as_table().unwrap();
            }
            assert_eq!(at[*parts.last().unwrap()].as_float(), Some(v), "{k}");
        }
        assert!(with_calibrated_defaults(&with).unwrap().is_none(), "nothing left to insert");
        let d = crate::default_scenario();
        assert_eq!(d.scenario.healing.rates.downtime_threshold, value_of("healing.rates.downtime_threshold"));
        assert_eq!(d.scenario.healing.rates.erythema_threshold, value_of("healing.rates.erythema_threshold"));
    }

    fn value_of(key: &str) -> f64 {
        default_values(spec()).into_iter().find(|(k, _)| k == key).unwrap().1
    }

    /// The library defaults of the structs agree with the shipped file, so a program that builds
    /// the defaults by hand runs on the calibrated set too.
    #[test]
    fn library_defaults_equal_the_calibrated_values() {
        let r = mnsim_healing::Rates::default();
        let p = mnsim_core::penetration::PenetrationParams::default();
        let lib = |key: &str| -> Option<f64> {
            Some(match key {
                "penetration.drag_loss_quasistatic" => p.drag_loss_quasistatic,
                "protocol.skin_prestrain_pct" => mnsim_core::skin::IN_VIVO_PRESTRAIN_PCT,
                "healing.rates.barrier_recovery_per_h" => r.barrier_recovery_per_h,
                "healing.rates.downtime_threshold" => r.downtime_threshold,
                "healing.rates.erythema_threshold" => r.erythema_threshold,
                "healing.rates.keratinocyte_front_um_per_h" => r.keratinocyte_front_um_per_h,
                "healing.rates.col_synth_per_d" => r.col_synth_per_d,
                _ => return None,
            })
        };
        for (k, v) in default_values(spec()) {
            let l = lib(&k).unwrap_or_else(|| panic!("no library default known for `{k}`: add it here"));
            assert!((l - v).abs() <= 1e-12 * v.abs(), "{k}: library default {l} ≠ data/calibration.toml {v}");
        }
        let tc = spec().parameter.iter().find(|p| p.key == "indication.home_depigmenting_inhibition").unwrap();
        assert_eq!(tc.value, mnsim_outcomes::pigment::TRIPLE_COMBINATION_INHIBITION);
    }

    /// A fit may try any value in its bounds: the scenario must accept both ends.
    #[test]
    fn every_bound_of_the_fit_is_a_valid_scenario_value() {
        for p in &spec().parameter {
            for v in [p.low, p.high] {
                let edits: Vec<crate::Edit> = std::iter::once(crate::Edit::Set(p.key.clone(), toml::Value::Float(v)))
                    .chain(p.tied.iter().map(|t| crate::Edit::Set(t.key.clone(), toml::Value::Float(t.ratio * v))))
                    .collect();
                if let Err(e) = crate::parse_with(crate::default_toml(), "default", &edits) {
                    panic!("{} = {v}: {e}", p.key);
                }
            }
        }
    }

    #[test]
    fn a_key_the_scenario_sets_wins_over_the_calibrated_value() {
        let text = crate::default_toml().to_string() + "\n[penetration]\ndrag_loss_quasistatic = 0.7\n";
        let r = crate::parse(&text, "x.toml").unwrap();
        assert_eq!(r.scenario.penetration.drag_loss_quasistatic, 0.7);
        let t: toml::Table = toml::from_str(&text).unwrap();
        assert!(has_key(&t, "penetration.drag_loss_quasistatic"));
        assert!(!has_key(&t, "penetration.depth_cv"));
        assert!(!has_key(&t, "healing.rates.barrier_recovery_per_h"));
    }

    #[test]
    fn bad_files_are_refused_with_the_entry_and_field() {
        let base = spec_text();
        let mut bad = spec().clone();
        let p = bad.parameter.iter_mut().find(|p| p.key == "healing.rates.barrier_recovery_per_h").unwrap();
        p.value = p.high * 2.0;
        let e = check_spec(&bad).unwrap_err();
        assert!(e.contains("barrier_recovery_per_h") && e.contains("outside its bounds"), "{e}");
        let e = parse_spec(&base.replace("significant_digits = 3", "significant_digits = 0"), "c.toml").unwrap_err();
        assert!(e.contains("significant_digits = 0"), "{e}");
        let e = parse_spec(&base.replace("cases = [\"PN01\"]", "cases = []"), "c.toml").unwrap_err();
        assert!(e.contains("drag_loss_quasistatic") && e.contains("cases is empty"), "{e}");
        let e = parse_spec(&base.replace("unit = \"1/h\"", "unit = \"1/h\"\nbogus = 1"), "c.toml").unwrap_err();
        assert!(e.starts_with("c.toml:") && e.contains("bogus"), "{e}");
    }

    #[test]
    fn rounding_keeps_the_stated_digits() {
        assert_eq!(round_significant(0.612_345, 3), 0.612);
        assert_eq!(round_significant(152.46, 3), 152.0);
        assert_eq!(round_significant(0.070_649, 3), 0.0706);
        assert_eq!(round_significant(-0.918_7, 2), -0.92);
        assert_eq!(round_significant(0.0, 3), 0.0);
    }
}
