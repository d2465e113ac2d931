//! Depigmenting actives that act (issue 11 item 4): each active's own dose–response
//! (`mnsim_outcomes::DEPIGMENTING_PD`), a session's effect from the basal-layer concentration
//! course the transport model computes, and a daily home topical through intact skin
//! (`[home_care]`). Each test can fail: home care must lower the MASI against none, more with
//! a higher concentration; a non-depigmenting active must do nothing; bad input must name the
//! field, value and allowed range; nothing may be NaN.

mod common;

use mnsim_scenario::{Edit, parse_with};

fn scenario_text() -> (String, String) {
    let path = format!("{}/../../scenarios/melasma-cheek.toml", env!("CARGO_MANIFEST_DIR"));
    (std::fs::read_to_string(&path).unwrap(), path)
}

fn parse(extra: &str, edits: &[Edit]) -> Result<mnsim_scenario::ResolvedScenario, mnsim_scenario::ScenarioError> {
    let (text, path) = scenario_text();
    // one member and cheaper transport: the assertions compare runs with each other, and the
    // cheaper runs test the same behaviour (figures in `common::cheap_transport`)
    let mut all = vec![Edit::Set("simulation.ensemble_members".into(), toml::Value::Integer(1))];
    all.extend(common::cheap_transport());
    all.extend_from_slice(edits);
    parse_with(&format!("{text}\n{extra}"), &path, &all)
}

fn run(extra: &str, edits: &[Edit]) -> mnsim_sim::RunResult {
    let s = parse(extra, edits).unwrap();
    mnsim_sim::run(&s, &mut mnsim_sim::NoProgress).unwrap()
}

fn masi(r: &mnsim_sim::RunResult) -> f64 {
    let v = r.figure("outcomes.masi_change_pct").expect("masi figure").value;
    assert!(v.is_finite());
    v
}

fn home(name: &str, conc: f64) -> String {
    format!(
        "[home_care]\nname = \"{name}\"\nconcentration_mg_per_ml = {conc}\napplications_per_day = 2\nfrom_day = 1\n"
    )
}

fn no_nan(r: &mnsim_sim::RunResult) {
    let o = r.outcomes.as_ref().expect("outcomes");
    let p = o.pigment.as_ref().expect("pigment outcome");
    for v in p.masi_series.iter().chain(&p.evenness_series).chain(&p.masi_after_session) {
        assert!(v.is_finite());
    }
    for f in &r.figures {
        assert!(f.value.is_finite(), "{} is {}", f.name, f.value);
    }
}

#[test]
fn home_care_lowers_masi_more_with_more_active_and_nothing_is_nan() {
    let none = run("", &[]);
    let mut last = masi(&none);
    eprintln!("no home care: MASI {last:.2} %");
    no_nan(&none);
    for c in [3.0, 30.0, 300.0] {
        let r = run(&home("tranexamic_acid", c), &[]);
        no_nan(&r);
        let m = masi(&r);
        eprintln!("home TXA {c} mg/mL b.i.d.: MASI {m:.2} %");
        assert!(m < last, "MASI {m} with {c} mg/mL not below {last}");
        last = m;
    }
}

#[test]
fn a_non_depigmenting_active_does_nothing() {
    let base = run("", &[Edit::Unset("topical".into())]);
    let caffeine_home = run(&home("caffeine", 30.0), &[Edit::Unset("topical".into())]);
    assert_eq!(masi(&base), masi(&caffeine_home));
    let caffeine_serum = run(
        "",
        &[
            Edit::Set("topical.name".into(), toml::Value::String("caffeine".into())),
            Edit::Unset("topical.molecular_weight_da".into()),
            Edit::Unset("topical.log_p".into()),
        ],
    );
    assert!(caffeine_serum.transport.is_some());
    assert_eq!(masi(&base), masi(&caffeine_serum));
}

#[test]
fn home_care_dose_is_monotone_in_concentration_and_zero_for_non_depigmenting() {
    let s = parse(&home("tranexamic_acid", 30.0), &[]).unwrap();
    let h_ve = s.skin.layers.viable_epidermis_um;
    let mut spec = s.scenario.home_care.clone().unwrap();
    let mut last = 0.0;
    for c in [0.1, 1.0, 10.0, 100.0, 1000.0] {
        spec.concentration_mg_per_ml = c;
        let d = mnsim_sim::home_care_dose(&spec, h_ve).unwrap();
        eprintln!(
            "TXA {c} mg/mL: kp {:.3e} cm/h, {:.3} µg/cm²/d, basal {:.3} µg/mL, I {:.3}",
            d.kp_cm_per_h, d.daily_dose_ug_per_cm2, d.basal_free_ug_per_ml, d.inhibition
        );
        assert!(d.inhibition.is_finite() && d.inhibition > last && d.inhibition < 1.0);
        last = d.inhibition;
    }
    spec.name = "caffeine".into();
    let d = mnsim_sim::home_care_dose(&spec, h_ve).unwrap();
    assert!(d.daily_dose_ug_per_cm2 > 0.0);
    assert_eq!(d.inhibition, 0.0);
}

#[test]
fn bad_home_care_input_names_field_value_and_range() {
    let cases = [
        (
            "[home_care]\nname = \"tranexamic_acid\"\nconcentration_mg_per_ml = -1\n",
            "home_care.concentration_mg_per_ml",
            "-1",
            "(0, 1000]",
        ),
        (
            "[home_care]\nname = \"tranexamic_acid\"\nconcentration_mg_per_ml = 30\napplications_per_day = 0\n",
            "home_care.applications_per_day",
            "0",
            "[1, 6]",
        ),
        (
            "[home_care]\nname = \"tranexamic_acid\"\nconcentration_mg_per_ml = 30\nfrom_day = 10\nto_day = 5\n",
            "home_care.to_day",
            "5",
            "[home_care.from_day = 10, 3650]",
        ),
        (
            "[home_care]\nname = \"unobtainium\"\nconcentration_mg_per_ml = 30\n",
            "home_care.name",
            "unobtainium",
            "tranexamic_acid",
        ),
        (
            "[home_care]\nname = \"txa\"\nconcentration_mg_per_ml = 30\namount_mg_per_cm2 = 50\n",
            "home_care.amount_mg_per_cm2",
            "50",
            "(0, 20]",
        ),
    ];
    for (extra, field, value, allowed) in cases {
        let e = parse(extra, &[]).unwrap_err().to_string();
        eprintln!("{e}");
        assert!(e.contains(field) && e.contains(value) && e.contains(allowed), "{e}");
    }
}

#[test]
fn the_depigmenting_list_matches_the_dose_responses() {
    for a in mnsim_sim::DEPIGMENTING_ACTIVES {
        assert!(mnsim_outcomes::find_pd(a).is_some(), "{a}");
        assert!(mnsim_transport::catalogue::find(a).is_some(), "{a}");
    }
    assert_eq!(mnsim_sim::DEPIGMENTING_ACTIVES.len(), mnsim_outcomes::DEPIGMENTING_PD.len());
    assert_eq!(mnsim_sim::depigmenting_pd("Tranexamic acid serum").unwrap().name, "tranexamic_acid");
    assert!(mnsim_sim::depigmenting_pd("caffeine").is_none());
}

fn outcome(r: &mnsim_sim::RunResult, name: &str) -> f64 {
    let v = r.figure(&format!("outcomes.{name}")).unwrap_or_else(|| panic!("no outcomes.{name}")).value;
    assert!(v.is_finite(), "{name} = {v}");
    v
}

/// Actives that act on the cascade (`mnsim_healing::actives`): a daily retinol raises the
/// epidermal thickness and the collagen gain of the course, more at a higher strength, and
/// lightens through turnover; hyaluronic acid, a humectant, leaves the cascade exactly as
/// without it.
#[test]
fn retinol_home_care_acts_more_at_higher_strength_and_hyaluronic_acid_does_not() {
    let unset = [Edit::Unset("topical".into())];
    let none = run("", &unset);
    let ha = run(&home("hyaluronic_acid_50kda", 10.0), &unset);
    for q in ["collagen_change_pct", "epidermis_change_pct", "masi_change_pct"] {
        assert_eq!(outcome(&none, q), outcome(&ha, q), "{q}");
    }
    assert_eq!(ha.figure("home_care_collagen_synthesis_gain_pct").unwrap().value, 0.0);
    let mut last = (outcome(&none, "collagen_change_pct"), outcome(&none, "epidermis_change_pct"), masi(&none));
    eprintln!("no home care: collagen {:.2} %, epidermis {:.2} %, MASI {:.2} %", last.0, last.1, last.2);
    for mg_per_ml in [0.25, 10.0] {
        let r = run(&home("retinol", mg_per_ml), &unset);
        no_nan(&r);
        let now = (outcome(&r, "collagen_change_pct"), outcome(&r, "epidermis_change_pct"), masi(&r));
        eprintln!(
            "retinol {mg_per_ml} mg/mL b.i.d.: collagen {:.2} %, epidermis {:.2} %, MASI {:.2} % (gains {:.1} / {:.1} %)",
            now.0,
            now.1,
            now.2,
            r.figure("home_care_collagen_synthesis_gain_pct").unwrap().value,
            r.figure("home_care_keratinocyte_gain_pct").unwrap().value
        );
        assert!(now.0 > last.0 && now.1 > last.1 && now.2 < last.2, "{mg_per_ml} mg/mL: {now:?} vs {last:?}");
        last = now;
    }
    // the keratinocyte ceiling is +50 % (assumed, docs/model/healing.md § 10)
    assert!(last.1 < 55.0, "{}", last.1);
}

/// A vitamin C serum after each session raises the course's collagen over the same course
/// with a serum that does not act on the cascade (tranexamic acid), by at most the ceiling a
/// tissue that already holds ascorbate allows (+14 % of synthesis).
#[test]
fn an_ascorbic_acid_serum_raises_collagen_within_its_ceiling() {
    let txa = run("", &[]);
    let vit_c = run(
        "",
        &[
            Edit::Set("topical.name".into(), toml::Value::String("ascorbic_acid".into())),
            Edit::Set("topical.concentration_mg_per_ml".into(), toml::Value::Float(150.0)),
            Edit::Set("topical.vehicle_ph".into(), toml::Value::Float(3.2)),
        ],
    );
    no_nan(&vit_c);
    let g = vit_c.figure("serum_collagen_synthesis_gain_pct").unwrap().value;
    let w = vit_c.figure("serum_effect_window_d").unwrap().value;
    let (c0, c1) = (outcome(&txa, "collagen_change_pct"), outcome(&vit_c, "collagen_change_pct"));
    eprintln!("serum TXA: collagen {c0:.3} %; vitamin C 15 %: {c1:.3} % (gain {g:.2} % over {w:.2} d per session)");
    assert!(txa.figure("serum_collagen_synthesis_gain_pct").is_none());
    let ceiling = mnsim_healing::actives::find_healing_pd("ascorbic_acid").unwrap().ceiling().collagen_synthesis;
    assert!(g > 0.0 && g <= 100.0 * ceiling + 1e-9 && w >= 1.0, "{g} {w}");
    assert!(c1 > c0, "{c1} vs {c0}");
}

#[test]
fn the_healing_table_holds_catalogue_actives() {
    for pd in mnsim_healing::actives::HEALING_PD {
        let a = mnsim_transport::catalogue::find(pd.name).unwrap_or_else(|| panic!("{} not in the catalogue", pd.name));
        assert_eq!(a.molecular_weight_da, pd.molecular_weight_da, "{}", pd.name);
        for alias in pd.aliases {
            assert_eq!(mnsim_transport::catalogue::find(alias).unwrap().name, pd.name, "{alias}");
        }
    }
}
