//! # mnsim-study
//!
//! Many runs at once. Today: [`validate`], the comparison of the model with published
//! measurements, one case file per measurement.

pub mod validate;

#[cfg(test)]
mod tests {
    use super::validate::*;

    #[test]
    fn every_builtin_case_parses_and_keeps_its_expected_verdict() {
        let cases = builtin_cases();
        assert!(!cases.is_empty());
        let status = expected_status().unwrap();
        let outcomes = run_all(&cases, &|| {});
        let mut misses = Vec::new();
        for o in &outcomes {
            let r = o.result.as_ref().unwrap_or_else(|e| panic!("{e}"));
            let expected = status
                .cases
                .get(&r.id)
                .unwrap_or_else(|| panic!("case {} has no verdict in data/validation_status.toml", r.id));
            if expected == "pass" {
                assert!(
                    r.pass,
                    "regression: {} ({}) passed before and now fails: model {} {} vs band {:?}–{:?}",
                    r.id, r.title, r.model, r.unit, r.band_low, r.band_high
                );
            } else {
                assert!(
                    expected.starts_with("known_miss:") && expected.len() > 20,
                    "{}: a known miss needs its explanation",
                    r.id
                );
                misses.push(r.id.clone());
            }
        }
        // every verdict in the status file names an existing case
        for id in status.cases.keys() {
            assert!(
                outcomes.iter().any(|o| o.result.as_ref().is_ok_and(|r| &r.id == id)),
                "status lists unknown case {id}"
            );
        }
        eprintln!("known misses: {misses:?}");
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
