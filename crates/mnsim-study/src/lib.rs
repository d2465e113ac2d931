//! # mnsim-study
//!
//! Many runs at once. Today: [`validate`], the comparison of the model with published
//! measurements, one case file per measurement, [`kept`], the regression guard on the
//! values of those cases, [`calibrate`], the fit of the parameters that calibration cases set
//! (`data/calibration.toml`), and [`sensitivity`], global sensitivity analysis (Sobol indices,
//! Morris screening) of any model, and of a scenario through its adapter, and [`cohort`],
//! virtual cohorts: a scenario run for every patient sampled from a population file, and
//! [`plan`], the best protocol for one patient under downtime and safety limits (enumeration, or
//! NSGA-II with the `nsga` feature).

pub mod calibrate;
pub mod cohort;
pub mod kept;
pub mod plan;
pub mod sensitivity;
pub mod sensitivity_study;
pub mod sweep;
pub mod validate;

/// Scenario edits of a many-run study's fast path: the nominal member only (the study itself is
/// the variability or the search) and no transport application-window search. Shared by
/// [`cohort`] and [`plan`], which list what they skip in their outputs.
pub fn fast_path_edits() -> Vec<mnsim_scenario::Edit> {
    vec![
        mnsim_scenario::Edit::Set("simulation.ensemble_members".into(), toml::Value::Integer(1)),
        mnsim_scenario::Edit::Set("transport.compute_window".into(), toml::Value::Boolean(false)),
    ]
}

#[cfg(test)]
mod tests {
    use super::kept;
    use super::validate::*;

    /// The regression guard (issue 10, item 9): runs every built-in case and fails when a case
    /// has no verdict or no kept value, when a `pass` case fails, when a `known_miss` passes,
    /// when an `independent` case is also passed by the do-nothing model, or when any value
    /// moves beyond its kept tolerance. With `MNSIM_UPDATE_KEPT=1` and `MNSIM_KEPT_REASON` it
    /// rewrites `data/validation_kept.toml` from the current model instead (and still fails on
    /// verdicts). Named `kept_values` so the update command can select it.
    #[test]
    fn kept_values_and_verdicts_of_every_builtin_case_hold() {
        let cases = builtin_cases();
        assert!(!cases.is_empty());
        let status = expected_status().unwrap();
        let outcomes = run_all(&cases, &|| {});
        let rows: Vec<CaseResult> =
            outcomes.iter().map(|o| o.result.clone().unwrap_or_else(|e| panic!("{e}"))).collect();
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/validation_kept.toml");
        let old = match std::fs::read_to_string(&path) {
            Ok(t) => kept::parse(&t, "data/validation_kept.toml").unwrap(),
            Err(_) => kept::Kept::default(),
        };
        if std::env::var("MNSIM_UPDATE_KEPT").is_ok_and(|v| v == "1") {
            let reason = std::env::var("MNSIM_KEPT_REASON").unwrap_or_default();
            assert!(
                reason.trim().len() >= 10,
                "MNSIM_UPDATE_KEPT=1 needs MNSIM_KEPT_REASON=\"why the values changed\""
            );
            let new = kept::updated(&old, &rows, reason.trim());
            std::fs::write(&path, kept::to_text(&new)).unwrap();
            eprintln!("rewrote {} ({} cases)", path.display(), new.cases.len());
            let p: Vec<String> =
                kept::problems(&rows, &status, &new).into_iter().filter(|l| !l.contains("kept")).collect();
            assert!(p.is_empty(), "verdicts still to fix:\n{}", p.join("\n"));
            return;
        }
        let p = kept::problems(&rows, &status, &old);
        assert!(p.is_empty(), "regression guard:\n{}", p.join("\n"));
        eprintln!("{}", Counts::of(&rows).headline());
    }

    #[test]
    fn the_guard_catches_drift_a_lost_pass_and_a_new_pass() {
        // the guard's logic on a row of a real case, with a model value put in by hand (the
        // model itself is checked by the test above)
        let case = builtin_cases().into_iter().find(|c| c.file.starts_with("PN01")).map(|c| c.case.unwrap()).unwrap();
        let mut row = case_result(&case, 152.0);
        assert!(row.pass, "152 µm is inside PN01's band");
        let mut status = ExpectedStatus { cases: Default::default() };
        status.cases.insert(row.id.clone(), "pass".into());
        let kept = kept::updated(&kept::Kept::default(), std::slice::from_ref(&row), "first value");
        assert!(kept::problems(std::slice::from_ref(&row), &status, &kept).is_empty());
        // drift inside the band but beyond 1 %
        row.model *= 1.02;
        let p = kept::problems(std::slice::from_ref(&row), &status, &kept);
        assert!(p.len() == 1 && p[0].contains("moved"), "{p:?}");
        // a pass that stops passing
        row.pass = false;
        assert!(kept::problems(std::slice::from_ref(&row), &status, &kept).iter().any(|l| l.contains("now fails")));
        // a known miss that starts passing
        row.pass = true;
        status.cases.insert(row.id.clone(), "known_miss: the model lacks something in particular".into());
        assert!(kept::problems(std::slice::from_ref(&row), &status, &kept).iter().any(|l| l.contains("now passes")));
        // updating takes the moved value with the new reason and keeps an unmoved one
        let k2 = kept::updated(&kept, std::slice::from_ref(&row), "second");
        assert_eq!(k2.cases[&row.id].reason, "second");
        assert_eq!(kept::updated(&k2, std::slice::from_ref(&row), "third").cases[&row.id].reason, "second");
        assert_eq!(kept::parse(&kept::to_text(&k2), "k").unwrap(), k2);
    }

    #[test]
    fn a_calibration_case_must_be_by_construction_and_null_model_is_defined_per_quantity() {
        let text = crate_case_text().replace("evidence = \"by_construction\"", "evidence = \"independent\"");
        assert!(parse_case(&text, "c.toml").unwrap_err().to_string().contains("by_construction"));
        assert_eq!(null_model("outcomes.masi_change_pct").unwrap().value, 0.0);
        assert_eq!(null_model("collagen_change_pct_session_2").unwrap().value, 0.0);
        assert_eq!(null_model("transport_enhancement_ratio").unwrap().value, 1.0);
        assert_eq!(null_model("deepest_in_dermis_fraction").unwrap().value, 0.0);
        assert!(null_model("dermis_thickness_um").is_none());
        assert!(null_model("transport_intact_log10_kp_cm_per_h").is_none());
    }

    #[test]
    fn a_malformed_case_is_reported_and_the_others_still_run() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("bad.toml"), "id = \"X\"\ntitle = 3\n").unwrap();
        std::fs::write(tmp.path().join("zz.toml"), crate_case_text()).unwrap();
        let cases = load_dir(tmp.path()).unwrap();
        let out = run_all(&cases, &|| {});
        let bad = out.iter().find(|o| o.file.ends_with("bad.toml")).unwrap();
        let msg = bad.result.as_ref().unwrap_err().to_string();
        assert!(msg.contains("bad.toml:2") && msg.contains("title"), "{msg}");
        assert!(out.iter().find(|o| o.file.ends_with("zz.toml")).unwrap().result.is_ok());
    }

    #[test]
    fn unknown_quantity_and_wrong_unit_are_errors() {
        let text = crate_case_text().replace("quantity = \"mean_depth_um\"", "quantity = \"nonsense\"");
        let c = parse_case(&text, "q.toml").unwrap();
        assert!(run_case(&c, "q.toml").unwrap_err().to_string().contains("nonsense"));
        let text = crate_case_text().replace("unit = \"µm\"", "unit = \"mm\"");
        let c = parse_case(&text, "u.toml").unwrap();
        assert!(run_case(&c, "u.toml").unwrap_err().to_string().contains("mm"));
    }

    fn crate_case_text() -> String {
        builtin_cases()
            .into_iter()
            .find(|c| c.file.starts_with("PN01"))
            .map(|c| toml::to_string(&c.case.unwrap()).unwrap())
            .unwrap()
    }
}
