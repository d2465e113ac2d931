//! Every bad-input case of the foundation issue gives one clear error naming the file, the
//! field (and line), the value and the allowed range — never a panic.

use mnsim_scenario::{ScenarioError, default_toml, load, parse};
use proptest::prelude::*;

fn with(from: &str, to: &str) -> String {
    let t = default_toml();
    assert!(t.contains(from), "default scenario lacks {from:?}");
    t.replacen(from, to, 1)
}

/// 1-based line of the first line of the default that starts with `key`.
fn line(key: &str) -> usize {
    default_toml().lines().position(|l| l.starts_with(key)).expect("key in default") + 1
}

fn invalid(text: &str) -> (String, String) {
    match parse(text, "case.toml") {
        Err(e @ ScenarioError::Invalid { .. }) => (e.field().unwrap().to_string(), e.to_string()),
        Err(other) => panic!("expected a field error, got {other}"),
        Ok(_) => panic!("expected an error"),
    }
}

#[test]
fn default_is_valid_and_round_trips_through_its_resolved_form() {
    let r = parse(default_toml(), "d.toml").unwrap();
    // the resolved scenario re-serialises to TOML that parses to the same thing
    let again = toml::to_string(&r.scenario).unwrap();
    let r2 = parse(&again, "again.toml").unwrap();
    assert_eq!(r.scenario, r2.scenario);
    assert_eq!(r.device, r2.device);
}

#[test]
fn zero_or_negative_needle_length() {
    for v in ["0", "-5"] {
        let (field, msg) = invalid(&with("needle_length_um = 1500", &format!("needle_length_um = {v}")));
        assert_eq!(field, "device.needle_length_um");
        assert!(msg.contains("case.toml:") && msg.contains(v) && msg.contains("[50, 5000]"), "{msg}");
    }
}

#[test]
fn needle_longer_than_the_skin_is_thick() {
    let text = with("site = \"cheek\"", "site = \"periorbital\"")
        .replace("needle_length_um = 1500", "needle_length_um = 2500");
    let (field, msg) = invalid(&text);
    assert_eq!(field, "device.needle_length_um");
    assert!(msg.contains("skin + subcutis"), "{msg}");
}

#[test]
fn unknown_site_lists_the_known_ones() {
    let (field, msg) = invalid(&with("site = \"cheek\"", "site = \"elbow\""));
    assert_eq!(field, "patient.site");
    assert!(
        msg.contains("elbow") && msg.contains("forehead") && msg.contains(&format!("case.toml:{}:", line("site ="))),
        "{msg}"
    );
}

#[test]
fn pen_frequency_of_zero() {
    let (field, msg) = invalid(&with("frequency_hz = 90", "frequency_hz = 0"));
    assert_eq!(field, "device.frequency_hz");
    assert!(msg.contains("[1, 300] Hz"), "{msg}");
}

#[test]
fn patch_of_zero_area() {
    let (field, _) = invalid(&with("patch_width_mm = 3", "patch_width_mm = 0"));
    assert_eq!(field, "simulation.patch_width_mm");
}

#[test]
fn nan_and_inf() {
    let (field, msg) = invalid(&with("age_y = 35", "age_y = nan"));
    assert_eq!(field, "patient.age_y");
    assert!(msg.contains("NaN"), "{msg}");
    let (field, _) = invalid(&with("glide_speed_mm_per_s = 20", "glide_speed_mm_per_s = inf"));
    assert_eq!(field, "device.glide_speed_mm_per_s");
}

fn parse_error(text: &str) -> String {
    match parse(text, "case.toml") {
        Err(e @ ScenarioError::Parse { .. }) => e.to_string(),
        Err(other) => panic!("expected a parse error, got {other}"),
        Ok(_) => panic!("expected an error"),
    }
}

#[test]
fn unknown_key_is_an_error_not_ignored() {
    let (field, msg) = invalid(&with("needle_length_um = 1500", "needle_lenght_um = 1500"));
    assert_eq!(field, "device.needle_lenght_um");
    assert!(
        msg.contains(&format!("case.toml:{}:", line("needle_length_um"))) && msg.contains("needle_length_um,"),
        "{msg}"
    );
}

#[test]
fn string_where_a_number_is_due() {
    let (field, msg) = invalid(&with("age_y = 35", "age_y = \"thirty\""));
    assert_eq!(field, "patient.age_y");
    assert!(msg.contains(&format!("case.toml:{}:", line("age_y"))) && msg.contains("[12, 100]"), "{msg}");
}

#[test]
fn missing_key_without_default() {
    let (field, msg) = invalid(&with("age_y = 35\n", ""));
    assert_eq!(field, "patient.age_y");
    assert!(msg.contains(&format!("case.toml:{}:", line("[patient]"))) && msg.contains("missing"), "{msg}");
}

#[test]
fn empty_and_non_toml_files() {
    assert!(parse_error("").contains("empty"));
    assert!(parse_error("   \n").contains("empty"));
    let msg = parse_error("this is not { toml");
    assert!(msg.contains("case.toml:1"), "{msg}");
}

#[test]
fn missing_file_and_directory() {
    let e = load(std::path::Path::new("/nonexistent/scenario.toml")).unwrap_err();
    assert!(matches!(e, ScenarioError::Read { .. }) && e.to_string().contains("/nonexistent/scenario.toml"));
    let dir = std::env::temp_dir();
    let e = load(&dir).unwrap_err();
    assert!(e.to_string().contains("directory"), "{e}");
}

#[test]
fn kind_specific_keys_belong_to_their_kind() {
    let (field, msg) = invalid(&with("frequency_hz = 90", "frequency_hz = 90\ndrum_diameter_mm = 20"));
    assert_eq!(field, "device.drum_diameter_mm");
    assert!(msg.contains("roller"), "{msg}");
}

#[test]
fn sessions_must_increase() {
    let (field, _) = invalid(&with("session_days = [0, 28, 56]", "session_days = [0, 28, 28]"));
    assert_eq!(field, "protocol.session_days");
    let r = parse(&with("session_days = [0, 28, 56]", "sessions = 4\ninterval_d = 14"), "x.toml").unwrap();
    assert_eq!(r.protocol.sessions.len(), 4);
    assert_eq!(r.scenario.protocol.session_days, Some(vec![0.0, 14.0, 28.0, 42.0]));
}

#[test]
fn custom_layers_require_the_table() {
    let (field, _) = invalid(&with("site = \"cheek\"", "site = \"custom\""));
    assert_eq!(field, "patient.layers");
    let text = with("fitzpatrick = 3", "fitzpatrick = 3\nlayers = { stratum_corneum_um = 15, viable_epidermis_um = 70, papillary_dermis_um = 150, reticular_dermis_um = 800, subcutis_um = 4000 }")
        .replace("site = \"cheek\"", "site = \"custom\"");
    let r = parse(&text, "x.toml").unwrap();
    assert_eq!(r.skin.layers.papillary_dermis_um, 150.0);
}

/// Replace the value of the `n`th `key = value` line of the default with `new`.
fn mutate(n: usize, new: &str) -> String {
    let text = default_toml();
    let mut k = 0;
    text.lines()
        .map(|line| {
            let code = line.split('#').next().unwrap_or("");
            if code.contains('=') && !line.trim_start().starts_with('#') {
                k += 1;
                if k == n {
                    let key = code.split('=').next().unwrap();
                    return format!("{key}= {new}");
                }
            }
            line.to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]
    /// Mutating any field of the default to any value gives a clean error or a clean scenario.
    #[test]
    fn random_mutations_never_panic(
        n in 1usize..45,
        v in prop_oneof![
            any::<f64>().prop_map(|x| format!("{x:?}")),
            (-1e7f64..1e7).prop_map(|x| format!("{x}")),
            any::<i64>().prop_map(|x| x.to_string()),
            Just("nan".to_string()), Just("-inf".to_string()), Just("\"text\"".to_string()),
            Just("[]".to_string()), Just("true".to_string()), Just("[1, 2, 3]".to_string()),
            Just("0".to_string()), Just("-1".to_string()),
        ]
    ) {
        let text = mutate(n, &v);
        match parse(&text, "m.toml") {
            Ok(r) => {
                prop_assert!(r.device.needle.length_um > 0.0);
                prop_assert!(r.patch.area_um2() > 0.0);
            }
            Err(e) => prop_assert!(e.to_string().starts_with("m.toml")),
        }
    }
}

#[test]
fn edits_set_and_unset_keys_and_errors_name_the_edit() {
    use mnsim_scenario::{Edit, parse_with};
    let r = parse_with(default_toml(), "d.toml", &[Edit::parse_assignment("device.needle_length_um=1000").unwrap()])
        .unwrap();
    assert_eq!(r.device.needle.length_um, 1000.0);
    let r = parse_with(default_toml(), "d.toml", &[Edit::Unset("topical".into())]).unwrap();
    assert!(r.scenario.topical.is_none());
    let e =
        parse_with(default_toml(), "d.toml", &[Edit::parse_assignment("device.frequency_hz=0").unwrap()]).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("with device.frequency_hz") && msg.contains("[1, 300]"), "{msg}");
    assert!(Edit::parse_assignment("nonsense").is_err());
    assert_eq!(mnsim_scenario::parse_value("roller"), toml::Value::String("roller".into()));
    assert_eq!(mnsim_scenario::parse_value("[0, 28]").as_array().unwrap().len(), 2);
}

#[test]
fn an_edit_of_one_schedule_form_replaces_the_other() {
    use mnsim_scenario::{Edit, parse_with};
    let set = |a: &str| Edit::parse_assignment(a).unwrap();
    let days = |r: &mnsim_scenario::ResolvedScenario| r.scenario.protocol.session_days.clone().unwrap();
    // the default lists session_days = [0, 28, 56]: `sessions` keeps its spacing, `interval_d` its count
    let r = parse_with(default_toml(), "d.toml", &[set("protocol.sessions=5")]).unwrap();
    assert_eq!(days(&r), [0.0, 28.0, 56.0, 84.0, 112.0]);
    let r = parse_with(default_toml(), "d.toml", &[set("protocol.interval_d=14")]).unwrap();
    assert_eq!(days(&r), [0.0, 14.0, 28.0]);
    let r = parse_with(default_toml(), "d.toml", &[set("protocol.sessions=2"), set("protocol.interval_d=60")]).unwrap();
    assert_eq!(days(&r), [0.0, 60.0]);
    // uneven days leave no spacing to keep: the edit must give interval_d too, and the error says so
    let uneven = default_toml().replace("session_days = [0, 28, 56]", "session_days = [0, 14, 42]");
    assert_ne!(uneven, default_toml());
    let e = parse_with(&uneven, "u.toml", &[set("protocol.sessions=4")]).unwrap_err().to_string();
    assert!(e.contains("u.toml") && e.contains("not evenly spaced") && e.contains("protocol.interval_d"), "{e}");
    // and the other way: session_days replaces sessions and interval_d
    let counted = default_toml().replace("session_days = [0, 28, 56]", "sessions = 3\ninterval_d = 28");
    let r = parse_with(&counted, "c.toml", &[set("protocol.session_days=[0, 7, 60]")]).unwrap();
    assert_eq!(days(&r), [0.0, 7.0, 60.0]);
    // edits that give both forms are still refused
    let both = [set("protocol.session_days=[0, 7]"), set("protocol.sessions=2")];
    assert!(parse_with(default_toml(), "d.toml", &both).unwrap_err().to_string().contains("not both"));
}

#[test]
fn vehicle_ph_outside_0_to_14_names_the_field() {
    // the default scenario has a [topical] table; add the pH to it through an edit
    use mnsim_scenario::{Edit, parse_with};
    let text = default_toml();
    for bad in ["15.5", "-1.5"] {
        let v: toml::Value = bad.parse::<f64>().map(toml::Value::Float).unwrap();
        match parse_with(text, "case.toml", &[Edit::Set("topical.vehicle_ph".into(), v)]) {
            Err(e @ ScenarioError::Invalid { .. }) => {
                assert_eq!(e.field().unwrap(), "topical.vehicle_ph");
                let msg = e.to_string();
                assert!(msg.contains("[0, 14]") && msg.contains(bad), "{msg}");
            }
            Err(other) => panic!("expected a field error, got {other}"),
            Ok(_) => panic!("pH {bad} accepted"),
        }
    }
    let ok = parse_with(text, "case.toml", &[Edit::Set("topical.vehicle_ph".into(), toml::Value::Float(3.5))]).unwrap();
    assert_eq!(ok.scenario.topical.unwrap().vehicle_ph, Some(3.5));
}

/// The clinical read-out fields (docs/model/outcomes.md § 11): scar count, MASI region areas,
/// baseline Alexiades-Armenakas grades; out-of-range values name the field, value and range.
#[test]
fn clinical_readout_fields_are_checked() {
    let scar = "scar = { kind = \"rolling\", depth_um = 300, width_um = 3000 }";
    let ok = with(
        scar,
        "scar = { kind = \"rolling\", depth_um = 300, width_um = 3000, count = 25 }\nlaxity_grade = 2.5\ntexture_grade = 1",
    );
    let r = parse(&ok, "case.toml").unwrap();
    assert_eq!(r.scenario.indication.scar.unwrap().count, Some(25));
    assert_eq!(r.scenario.indication.laxity_grade, Some(2.5));
    let (field, msg) =
        invalid(&with(scar, "scar = { kind = \"rolling\", depth_um = 300, width_um = 3000, count = 0 }"));
    assert_eq!(field, "indication.scar.count");
    assert!(msg.contains("1..=1000") && msg.contains('0'), "{msg}");
    let (field, msg) = invalid(&with(scar, &format!("{scar}\nlaxity_grade = 4.5")));
    assert_eq!(field, "indication.laxity_grade");
    assert!(msg.contains("4.5") && msg.contains("[0, 4]"), "{msg}");
    let (field, _) = invalid(&with(scar, &format!("{scar}\ntexture_grade = -1")));
    assert_eq!(field, "indication.texture_grade");
    let pig = "pigment = { excess_melanin = 0.5, area_fraction = 0.3, region_area_fraction = [0.3, 1.5, 0.3, 0.1] }";
    let (field, msg) = invalid(&with(scar, &format!("{scar}\n{pig}")));
    assert_eq!(field, "indication.pigment.region_area_fraction[1]");
    assert!(msg.contains("1.5") && msg.contains("[0, 1]"), "{msg}");
    // a wrong-length region list and an unknown key in the scar table are rejected, not ignored
    let short = "pigment = { excess_melanin = 0.5, area_fraction = 0.3, region_area_fraction = [0.3, 0.3] }";
    assert!(parse(&with(scar, &format!("{scar}\n{short}")), "case.toml").is_err());
    let unknown = "scar = { kind = \"rolling\", depth_um = 300, width_um = 3000, number = 25 }";
    let e = parse(&with(scar, unknown), "case.toml").unwrap_err().to_string();
    assert!(e.contains("number"), "{e}");
}

#[test]
fn skin_prestrain_out_of_range() {
    for v in ["-1", "50", "nan"] {
        let (field, msg) = invalid(&with("skin_prestrain_pct = 6.6", &format!("skin_prestrain_pct = {v}")));
        assert_eq!(field, "protocol.skin_prestrain_pct");
        assert!(
            msg.contains(&format!("case.toml:{}:", line("skin_prestrain_pct")))
                && msg.to_lowercase().contains(v)
                && msg.contains("[0, 40] %"),
            "{msg}"
        );
    }
}

#[test]
fn press_force_applies_only_to_stamps_and_must_be_in_range() {
    let (field, msg) = invalid(&with("frequency_hz = 90", "frequency_hz = 90\npress_force_n = 20"));
    assert_eq!(field, "device.press_force_n");
    assert!(msg.contains("only to kind = \"stamp\""), "{msg}");
    let stamp = with("kind = \"pen\"", "kind = \"stamp\"")
        .replace("needle_count = 12 ", "needle_rows = 6 ")
        .replace("arrangement = \"grid\"", "needle_cols = 6")
        .replace("frequency_hz = 90", "press_force_n = -3")
        .replace("glide_speed_mm_per_s = 20", "press_speed_mm_per_s = 20");
    let (field, msg) = invalid(&stamp);
    assert_eq!(field, "device.press_force_n");
    assert!(msg.contains("-3") && msg.contains("[0, 500] N"), "{msg}");
}
