//! `mnsim calibrate` as a user runs it: a fit of one parameter writes its folder and, with
//! --write, the fitted file; a calibration file that names a validation case is refused
//! before anything runs or is written.

use assert_cmd::Command;

fn mnsim() -> Command {
    Command::cargo_bin("mnsim").expect("binary built")
}

/// The built-in calibration file reduced to the PN01 parameter, with `value` replaced.
fn pn01_spec(value: &str) -> String {
    let text = mnsim_scenario::calibrated::spec_text();
    let start = text.find("[[parameter]]").unwrap();
    let end = text[start + 1..].find("[[parameter]]").unwrap() + start + 1;
    let block = &text[start..end];
    assert!(block.contains("penetration.drag_loss_quasistatic"));
    let block: String = block
        .lines()
        .map(|l| if l.starts_with("value =") { format!("value = {value}") } else { l.to_string() })
        .collect::<Vec<_>>()
        .join("\n");
    format!("significant_digits = 3\n\n{block}\n")
}

#[test]
fn a_one_parameter_fit_writes_its_folder_and_the_fitted_file() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = tmp.path().join("cal.toml");
    std::fs::write(&spec, pn01_spec("0.7")).unwrap();
    let out = tmp.path().join("cal-run");
    let o = mnsim()
        .args(["calibrate", "--quiet", "--spec"])
        .arg(&spec)
        .arg("--out")
        .arg(&out)
        .arg("--write")
        .arg(&spec)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}\n{stdout}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout.contains("penetration.drag_loss_quasistatic") && stdout.contains("PN01"), "{stdout}");
    for f in ["calibration.json", "calibration.toml", "manifest.json"] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let written = mnsim_scenario::calibrated::parse_spec(&std::fs::read_to_string(&spec).unwrap(), "cal.toml").unwrap();
    // started from 0.7, the fit returns to the shipped value (PN01 at 152.5 µm)
    let shipped = mnsim_scenario::calibrated::spec()
        .parameter
        .iter()
        .find(|p| p.key == "penetration.drag_loss_quasistatic")
        .unwrap()
        .value;
    assert_eq!(written.parameter[0].value, shipped, "{stdout}");
    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("calibration.json")).unwrap()).unwrap();
    assert_eq!(j["parameters"][0]["identifiable"], true);
    assert!(j["cases"][0]["residual"].as_f64().unwrap().abs() < 0.01);
}

#[test]
fn a_calibration_file_naming_a_validation_case_is_refused_before_anything_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = tmp.path().join("cal.toml");
    std::fs::write(&spec, pn01_spec("0.8").replace("cases = [\"PN01\"]", "cases = [\"PN01\", \"PN03\"]")).unwrap();
    let out = tmp.path().join("cal-run");
    let o = mnsim().args(["calibrate", "--quiet", "--spec"]).arg(&spec).arg("--out").arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("PN03") && stderr.contains("role is \"validation\""), "{stderr}");
    assert!(!out.exists(), "nothing written");
    // a malformed file names itself and the field
    std::fs::write(&spec, "significant_digits = 3\n[[parameter]]\nkey = 5\n").unwrap();
    let o = mnsim().args(["calibrate", "--quiet", "--spec"]).arg(&spec).arg("--out").arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("cal.toml:") && stderr.contains("key"), "{stderr}");
}
