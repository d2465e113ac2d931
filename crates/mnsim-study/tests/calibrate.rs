//! `mnsim calibrate` end to end: the calibration file covers every calibration case and only
//! those, a fit through the model recovers a known parameter, and the shipped values are the
//! fit at the precision they are written with.

use mnsim_scenario::calibrated::{CalibrationSpec, parse_spec, spec, spec_text};
use mnsim_study::calibrate::{CalibrateError, calibrate, problem, written_spec};
use mnsim_study::validate::{LoadedCase, Role, builtin_cases};

#[test]
fn the_calibration_file_names_every_calibration_case_and_no_other() {
    let cases = builtin_cases();
    let p = problem(spec(), &cases).expect("every named case exists and is a calibration case");
    let calibration: Vec<String> = cases
        .iter()
        .filter_map(|l| l.case.as_ref().ok())
        .filter(|c| c.role == Role::Calibration)
        .map(|c| c.id.clone())
        .collect();
    for id in &calibration {
        assert!(p.cases.contains_key(id), "calibration case {id} informs nothing in data/calibration.toml");
    }
    assert_eq!(p.cases.len(), calibration.len());
}

#[test]
fn a_validation_case_is_refused() {
    let text = spec_text().replace("cases = [\"PN01\"]", "cases = [\"PN01\", \"PN03\"]");
    let s = parse_spec(&text, "c.toml").unwrap();
    let e = problem(&s, &builtin_cases()).unwrap_err();
    assert!(matches!(e, CalibrateError::NotCalibration { ref id, .. } if id == "PN03"), "{e}");
    assert!(e.to_string().contains("validation cases are never read"), "{e}");
    let text = spec_text().replace("cases = [\"PN01\"]", "cases = [\"NO-SUCH-CASE\"]");
    let e = problem(&parse_spec(&text, "c.toml").unwrap(), &builtin_cases()).unwrap_err();
    assert!(e.to_string().contains("NO-SUCH-CASE"), "{e}");
}

/// A one-parameter spec over PN01 only.
fn pn01_only(value: f64) -> CalibrationSpec {
    let mut s = spec().clone();
    s.parameter.retain(|p| p.key == "penetration.drag_loss_quasistatic");
    s.parameter[0].value = value;
    s.constant.clear();
    s
}

/// A synthetic calibration problem with a known answer: PN01's published depth replaced by the
/// model's own depth at drag loss 0.7; the fit, started from 0.8, must return 0.7.
#[test]
fn a_fit_through_the_model_recovers_a_known_parameter() {
    const TRUE_DRAG_LOSS: f64 = 0.7;
    let mut cases: Vec<LoadedCase> = builtin_cases().into_iter().filter(|l| l.file.starts_with("PN01")).collect();
    let case = cases[0].case.as_ref().unwrap().clone();
    let edit =
        mnsim_scenario::Edit::Set("penetration.drag_loss_quasistatic".into(), toml::Value::Float(TRUE_DRAG_LOSS));
    let depth = mnsim_study::validate::model_value(&case, "PN01", &[edit]).unwrap();
    let mut synthetic = case.clone();
    synthetic.compare.published = Some(depth);
    cases[0].case = Ok(synthetic);
    let p = problem(&pn01_only(0.8), &cases).unwrap();
    let c = calibrate(&p, &|| {}).unwrap();
    let fitted = c.parameters[0].fitted.unwrap();
    eprintln!("synthetic PN01: depth {depth:.2} µm at {TRUE_DRAG_LOSS}; fitted {fitted:.5}, {c:#?}");
    assert!((fitted - TRUE_DRAG_LOSS).abs() < 1e-3 * TRUE_DRAG_LOSS, "fitted {fitted}");
    assert!(c.cases[0].residual.abs() < 1e-3, "{:?}", c.cases[0]);
    assert_eq!(c.parameters[0].identifiable, Some(true));
}

/// Re-running the calibration reproduces the shipped values: each fitted parameter, rounded to
/// the file's significant digits, is what the file holds, and writing it back changes nothing.
#[test]
fn rerunning_the_calibration_reproduces_the_shipped_values() {
    let p = problem(spec(), &builtin_cases()).unwrap();
    let c = calibrate(&p, &|| {}).unwrap();
    for r in &c.parameters {
        eprintln!(
            "{:45} shipped {:<8} fitted {:?} written {} SE {:?}",
            r.key, r.shipped, r.fitted, r.written, r.relative_se
        );
    }
    for r in c.cases.iter() {
        eprintln!(
            "{:10} target {:.3} model {:.3} residual {:+.3} in band {}",
            r.id, r.target.value, r.at_fitted, r.residual, r.in_band
        );
    }
    for r in c.parameters.iter().filter(|r| r.fitted.is_some()) {
        assert_eq!(r.written, r.shipped, "{}: the fit rounds to {} but the file ships {}", r.key, r.written, r.shipped);
        // `written` is the fit rounded by construction; what can fail is the fit itself landing
        // more than half a unit of the last written digit away from the shipped value
        let unit = 10f64.powi(r.shipped.abs().log10().floor() as i32 + 1 - spec().significant_digits as i32);
        assert!((r.fitted.unwrap() - r.shipped).abs() <= 0.5 * unit * (1.0 + 1e-9), "{}: fit {:?}", r.key, r.fitted);
    }
    for b in &c.blocks {
        assert!(b.fit.converged, "block {:?} stopped on the iteration limit", b.keys);
    }
    assert_eq!(written_spec(spec_text(), &c).unwrap(), spec_text(), "writing the fit back changes nothing");
    // every calibration case expected to pass still reproduces its number (in its band)
    let status = mnsim_study::validate::expected_status().unwrap();
    for r in &c.cases {
        let expected = status.cases.get(&r.id).map(String::as_str).unwrap_or("none");
        assert_eq!(
            r.in_band,
            expected == "pass",
            "calibration case {} (verdict {expected}) at the calibrated set: {r:?}",
            r.id
        );
    }
}
