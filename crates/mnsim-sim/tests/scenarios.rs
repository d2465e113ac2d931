//! Every worked scenario moves its headline outcome in the clinically reported direction
//! (nominal run, no ensemble): acne scars shallower, fine lines shallower, melasma lighter,
//! striae improved, laxity firmer — and more collagen in every needled course.

use mnsim_scenario::{Edit, parse_with};

fn run(file: &str) -> mnsim_sim::RunResult {
    let path = format!("{}/../../scenarios/{file}.toml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let s =
        parse_with(&text, &path, &[Edit::Set("simulation.ensemble_members".into(), toml::Value::Integer(1))]).unwrap();
    mnsim_sim::run(&s, &mut mnsim_sim::NoProgress).unwrap()
}

fn value(r: &mnsim_sim::RunResult, name: &str) -> f64 {
    let f = r.figure(name).unwrap_or_else(|| panic!("no figure {name}"));
    assert!(f.value.is_finite());
    f.value
}

#[test]
fn acne_scars_get_shallower_and_lower_grade() {
    let r = run("acne-scars-cheek");
    assert!(value(&r, "outcomes.scar_improvement_pct") > 0.0);
    assert!(value(&r, "outcomes.scar_grade_change") < 0.0);
    assert!(value(&r, "outcomes.collagen_change_pct") > 0.0);
}

#[test]
fn fine_lines_get_shallower() {
    for s in ["fine-lines-forehead", "fine-lines-periorbital"] {
        let r = run(s);
        assert!(value(&r, "outcomes.wrinkle_depth_change_pct") < 0.0, "{s}");
        assert!(value(&r, "outcomes.collagen_change_pct") > 0.0, "{s}");
    }
}

#[test]
fn melasma_gets_lighter_with_tranexamic_acid() {
    let r = run("melasma-cheek");
    assert!(r.transport.is_some());
    assert!(value(&r, "outcomes.masi_change_pct") < 0.0);
}

#[test]
fn striae_improve() {
    let r = run("striae-abdomen");
    assert!(value(&r, "outcomes.striae_improvement_pct") > 0.0);
}

#[test]
fn laxity_firms_up() {
    let r = run("laxity-neck");
    assert!(value(&r, "outcomes.suction_stiffness_change_pct") > 0.0);
    assert!(value(&r, "outcomes.dermis_change_pct") > 0.0);
}
