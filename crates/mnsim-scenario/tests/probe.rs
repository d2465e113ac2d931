//! The bad-input probe (issue 19, item 7): a list of bad scenarios, one per kind of mistake a
//! user makes — every type error per field kind, every enum, quoted keys and tables, inline
//! tables and dotted keys, huge and tiny values, unknown and missing keys, syntax errors,
//! missing files, directories and binary garbage. Each rejection must name the file, the line
//! (where the file has one), the field, the value as written and what is allowed; numbers are
//! printed compactly (no 300-digit decimals) and no cause is repeated.

use mnsim_scenario::{ScenarioError, default_toml, load, parse};

/// One bad input and what its message must say.
struct Probe {
    /// What is wrong, in words (printed on failure).
    what: &'static str,
    /// The scenario text.
    text: String,
    /// A substring of the line the message must point at (first line holding it); `None`: the
    /// message names the file without a line.
    line_of: Option<&'static str>,
    /// Substrings the message must contain (field, value, allowed values or range).
    says: Vec<&'static str>,
}

/// The default scenario with the first line starting with `from` (after indentation) replaced.
fn with(from: &str, to: &str) -> String {
    let t = default_toml();
    let start = t.lines().position(|l| l.trim_start().starts_with(from)).unwrap_or_else(|| panic!("no {from:?}"));
    t.lines()
        .enumerate()
        .map(|(i, l)| if i == start { to.to_string() } else { l.to_string() })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The default scenario with `key = …` (the first such line) given the value `v`.
fn set(key: &'static str, v: &str) -> String {
    with(&format!("{key} ="), &format!("{key} = {v}"))
}

fn p(what: &'static str, text: String, line_of: Option<&'static str>, says: &[&'static str]) -> Probe {
    Probe { what, text, line_of, says: says.to_vec() }
}

fn probes() -> Vec<Probe> {
    let d = default_toml();
    vec![
        // --- type errors, one per field kind -----------------------------------------------
        p("f64 given a string", set("age_y", "\"thirty\""), Some("age_y"), &["patient.age_y", "\"thirty\"", "number"]),
        p(
            "f64 given a bool",
            set("needle_length_um", "true"),
            Some("needle_length_um"),
            &["device.needle_length_um", "true", "number"],
        ),
        p(
            "f64 given an array",
            set("patch_width_mm", "[3]"),
            Some("patch_width_mm"),
            &["simulation.patch_width_mm", "[3]", "number"],
        ),
        p("f64 given a table", set("age_y", "{ v = 1 }"), Some("age_y"), &["patient.age_y", "number"]),
        p("f64 given a date", set("age_y", "1990-01-01"), Some("age_y"), &["patient.age_y", "1990-01-01", "number"]),
        p(
            "u8 given a fraction",
            set("fitzpatrick", "3.5"),
            Some("fitzpatrick"),
            &["patient.fitzpatrick", "3.5", "integer"],
        ),
        p(
            "u8 given a negative",
            set("fitzpatrick", "-1"),
            Some("fitzpatrick"),
            &["patient.fitzpatrick", "-1", "[1, 6]"],
        ),
        p("u8 overflow", set("fitzpatrick", "300"), Some("fitzpatrick"), &["patient.fitzpatrick", "300", "[1, 6]"]),
        p(
            "u32 given a string",
            set("needle_count", "\"twelve\""),
            Some("needle_count"),
            &["device.needle_count", "\"twelve\"", "integer"],
        ),
        p(
            "u32 given a negative",
            set("needle_count", "-3"),
            Some("needle_count"),
            &["device.needle_count", "-3", "integer"],
        ),
        p(
            "u32 overflow",
            set("needle_count", "99999999999"),
            Some("needle_count"),
            &["device.needle_count", "99999999999", "integer"],
        ),
        p("u64 given a negative", set("seed", "-1"), Some("seed ="), &["simulation.seed", "-1", "integer"]),
        p("u64 given a float", set("seed", "1e300"), Some("seed ="), &["simulation.seed", "1e300", "integer"]),
        p(
            "bool given a string",
            set("occluded", "\"yes\""),
            Some("occluded"),
            &["topical.occluded", "\"yes\"", "true or false"],
        ),
        p(
            "bool given an integer",
            set("infinite_dose", "1"),
            Some("infinite_dose"),
            &["topical.infinite_dose", "1", "true or false"],
        ),
        p("string given a number", set("name", "5"), Some("name ="), &["`name`", "5", "string"]),
        p("site given a number", set("site", "3"), Some("site ="), &["patient.site", "3", "string"]),
        p(
            "optional f64 given a string",
            set("needle_base_diameter_um", "\"wide\""),
            Some("needle_base_diameter_um"),
            &["device.needle_base_diameter_um", "\"wide\"", "number"],
        ),
        p(
            "list given a number",
            set("directions_deg", "90"),
            Some("directions_deg"),
            &["protocol.directions_deg", "90", "list"],
        ),
        p(
            "list item given a string",
            set("directions_deg", "[0, \"x\"]"),
            Some("directions_deg"),
            &["protocol.directions_deg", "\"x\"", "number"],
        ),
        p(
            "list given a string",
            set("session_days", "\"monthly\""),
            Some("session_days"),
            &["protocol.session_days", "\"monthly\"", "list"],
        ),
        p("table given a number", set("scar", "5"), Some("scar ="), &["indication.scar", "5", "table"]),
        p(
            "whole table given a value",
            d[..d.find("[simulation]").unwrap()].replacen("description =", "simulation = 3\ndescription =", 1),
            Some("simulation = 3"),
            &["`simulation`", "3", "table"],
        ),
        // --- enums ----------------------------------------------------------------------------
        p(
            "unknown device kind",
            with("kind = \"pen\"", "kind = \"robot\""),
            Some("kind = \"robot\""),
            &["device.kind", "\"robot\"", "roller", "stamp", "pen"],
        ),
        p("unknown sex", set("sex", "\"other\""), Some("sex ="), &["patient.sex", "\"other\"", "female", "male"]),
        p(
            "unknown indication",
            with("kind = \"acne_scars\"", "kind = \"acne\""),
            Some("kind = \"acne\""),
            &["indication.kind", "\"acne\"", "rejuvenation", "acne_scars", "laxity"],
        ),
        p(
            "unknown arrangement",
            set("arrangement", "\"hex\""),
            Some("arrangement"),
            &["device.arrangement", "\"hex\"", "grid", "ring"],
        ),
        p(
            "unknown scar kind (inline table)",
            set("scar", "{ kind = \"deep\", depth_um = 300, width_um = 3000 }"),
            Some("scar ="),
            &["indication.scar.kind", "\"deep\"", "rolling", "boxcar", "ice_pick"],
        ),
        p(
            "enum given a number",
            with("kind = \"pen\"", "kind = 5"),
            Some("kind = 5"),
            &["device.kind", "5", "roller", "stamp", "pen"],
        ),
        p("enum given a bool", set("sex", "true"), Some("sex ="), &["patient.sex", "true", "female", "male"]),
        p(
            "unknown boundary",
            format!("{d}\n[transport]\nbottom_boundary = \"open\"\n"),
            Some("bottom_boundary"),
            &["transport.bottom_boundary", "\"open\"", "no_flux", "sink"],
        ),
        // --- quoted keys, quoted tables, inline tables, dotted keys ---------------------------
        p(
            "quoted key",
            with("needle_length_um =", "\"needle_length_um\" = -5"),
            Some("\"needle_length_um\""),
            &["device.needle_length_um", "-5", "[50, 5000]"],
        ),
        p(
            "literal-quoted key",
            with("age_y =", "'age_y' = 500"),
            Some("'age_y'"),
            &["patient.age_y", "500", "[12, 100]"],
        ),
        p(
            "quoted table header",
            d.replacen("[device]", "[\"device\"]", 1).replacen("needle_length_um = 1500", "needle_length_um = 20", 1),
            Some("needle_length_um = 20"),
            &["device.needle_length_um", "20", "[50, 5000]"],
        ),
        p(
            "quoted type error",
            with("age_y =", "\"age_y\" = \"old\""),
            Some("\"age_y\""),
            &["patient.age_y", "\"old\"", "number"],
        ),
        p(
            "inline table value",
            set("scar", "{ kind = \"rolling\", depth_um = -300, width_um = 3000 }"),
            Some("scar ="),
            &["indication.scar.depth_um", "-300"],
        ),
        p(
            "inline table type error",
            set("scar", "{ kind = \"rolling\", depth_um = \"deep\", width_um = 3000 }"),
            Some("scar ="),
            &["indication.scar.depth_um", "\"deep\"", "number"],
        ),
        p(
            "multi-line inline layers",
            with(
                "fitzpatrick",
                "fitzpatrick = 3\nlayers = { stratum_corneum_um = -15, viable_epidermis_um = 70,\n  papillary_dermis_um = 150, reticular_dermis_um = 800, subcutis_um = 4000 }",
            ),
            Some("layers ="),
            &["patient.layers.stratum_corneum_um", "-15"],
        ),
        p(
            "scar count below 1 (inline table)",
            set("scar", "{ kind = \"rolling\", depth_um = 300, width_um = 3000, count = 0 }"),
            Some("scar ="),
            &["indication.scar.count", "0", "1..=1000"],
        ),
        p(
            "scar count given a fraction",
            set("scar", "{ kind = \"rolling\", depth_um = 300, width_um = 3000, count = 2.5 }"),
            Some("scar ="),
            &["indication.scar.count", "2.5"],
        ),
        p(
            "laxity grade above the scale",
            with("scar =", "scar = { kind = \"rolling\", depth_um = 300, width_um = 3000 }\nlaxity_grade = 7"),
            Some("laxity_grade"),
            &["indication.laxity_grade", "7", "[0, 4]"],
        ),
        p(
            "dotted key",
            with("scar =", "scar.kind = \"rolling\"\nscar.depth_um = -1\nscar.width_um = 3000"),
            Some("scar.depth_um"),
            &["indication.scar.depth_um", "-1"],
        ),
        p(
            "whole table inline",
            d[..d.find("[simulation]").unwrap()].replacen(
                "description =",
                "simulation = { patch_width_mm = 0 }\ndescription =",
                1,
            ),
            Some("simulation = {"),
            &["simulation.patch_width_mm", "0", "[0.2, 20]"],
        ),
        // --- huge and tiny values ---------------------------------------------------------------
        p(
            "huge length",
            set("needle_length_um", "1e300"),
            Some("needle_length_um"),
            &["device.needle_length_um", "1e300", "[50, 5000]"],
        ),
        p("tiny age", set("age_y", "1e-300"), Some("age_y"), &["patient.age_y", "1e-300", "[12, 100]"]),
        p(
            "tiny frequency",
            set("frequency_hz", "3.2e-12"),
            Some("frequency_hz"),
            &["device.frequency_hz", "3.2e-12", "[1, 300]"],
        ),
        p(
            "huge negative patch",
            set("patch_width_mm", "-1e300"),
            Some("patch_width_mm"),
            &["simulation.patch_width_mm", "-1e300", "[0.2, 20]"],
        ),
        p(
            "huge concentration",
            set("concentration_mg_per_ml", "1e300"),
            Some("concentration_mg_per_ml"),
            &["topical.concentration_mg_per_ml", "1e300", "(0, 1000]"],
        ),
        p(
            "huge session day",
            set("session_days", "[0, 1e300]"),
            Some("session_days"),
            &["protocol.session_days", "1e300", "[0, 3650]"],
        ),
        p(
            "huge molecular weight",
            set("molecular_weight_da", "1e300"),
            Some("molecular_weight_da ="),
            &["topical.molecular_weight_da", "1e300", "1e7"],
        ),
        p("huge healing setting", format!("{d}\n[healing]\nrtol = 1e300\n"), Some("rtol"), &["healing.rtol", "1e300"]),
        p(
            "huge penetration parameter",
            format!("{d}\n[penetration]\npuncture_force_sharp_n = 1e300\n"),
            Some("puncture_force_sharp_n"),
            &["penetration.puncture_force_sharp_n", "1e300"],
        ),
        p(
            "huge scar depth",
            set("scar", "{ kind = \"rolling\", depth_um = 1e300, width_um = 3000 }"),
            Some("scar ="),
            &["indication.scar.depth_um", "1e300"],
        ),
        // --- unknown, missing, repeated keys; names ---------------------------------------------
        p(
            "unknown key",
            with("needle_length_um =", "needle_lenght_um = 1500"),
            Some("needle_lenght_um"),
            &["device.needle_lenght_um", "needle_length_um"],
        ),
        p("unknown table", format!("{d}\n[extras]\nx = 1\n"), Some("[extras]"), &["extras", "patient", "device"]),
        p(
            "unknown key in an inline table",
            set("scar", "{ kind = \"rolling\", depth_um = 300, width_um = 3000, colour = 1 }"),
            Some("scar ="),
            &["indication.scar.colour", "depth_um"],
        ),
        p("missing key", with("age_y =", ""), Some("[patient]"), &["patient.age_y", "missing"]),
        p("duplicate key", with("age_y =", "age_y = 35\nage_y = 36"), Some("age_y = 36"), &["age_y", "duplicate"]),
        p(
            "empty topical name",
            with("name = \"hyaluronic", "name = \"\""),
            Some("name = \"\""),
            &["topical.name", "\"\"", "niacinamide"],
        ),
        p(
            "blank topical name",
            with("name = \"hyaluronic", "name = \"   \""),
            Some("name = \"   \""),
            &["topical.name", "\"   \"", "niacinamide"],
        ),
        p(
            "unknown topical name",
            format!("{d}\n")
                .replace("molecular_weight_da = 50000\n", "")
                .replace("hyaluronic_acid_50kda", "unobtainium"),
            Some("unobtainium"),
            &["topical.name", "\"unobtainium\"", "niacinamide", "molecular_weight_da"],
        ),
        // --- syntax ------------------------------------------------------------------------------
        p("syntax error", set("age_y", "= 3"), Some("age_y"), &["age_y"]),
        p("unterminated string", set("site", "\"cheek"), Some("site ="), &["site"]),
    ]
}

/// 1-based line of the first line of `text` holding `needle`.
fn line_in(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("no {needle:?} in the probe text")) + 1
}

/// Why `msg` fails its probe, or `None`.
fn judge(p: &Probe, msg: &str) -> Option<String> {
    let mut why = Vec::new();
    match p.line_of {
        Some(n) => {
            let want = format!("probe.toml:{}:", line_in(&p.text, n));
            if !msg.starts_with(&want) {
                why.push(format!("does not start with {want}"));
            }
        }
        None if !msg.starts_with("probe.toml") => why.push("does not name the file".into()),
        None => {}
    }
    for s in &p.says {
        if !msg.contains(s) {
            why.push(format!("lacks {s:?}"));
        }
    }
    why.extend(general_faults(msg));
    (!why.is_empty()).then(|| format!("{}: {}\n    message: {msg}", p.what, why.join("; ")))
}

/// Faults of any message: long digit runs, repeated causes.
fn general_faults(msg: &str) -> Vec<String> {
    let mut why = Vec::new();
    let longest = msg.split(|c: char| !c.is_ascii_digit()).map(str::len).max().unwrap_or(0);
    if longest > 17 {
        why.push(format!("prints a {longest}-digit number"));
    }
    if msg.matches("(os error").count() > 1 {
        why.push("repeats its cause".into());
    }
    why
}

#[test]
fn every_rejection_names_file_line_field_value_and_allowed() {
    let probes = probes();
    assert!(probes.len() >= 40, "the probe holds {} kinds", probes.len());
    let mut failures = Vec::new();
    for p in &probes {
        match parse(&p.text, "probe.toml") {
            Ok(_) => failures.push(format!("{}: accepted", p.what)),
            Err(e) => {
                // the whole sweep is readable with `--nocapture` (README, Development)
                println!("{:<36} {e}", p.what);
                failures.extend(judge(p, &e.to_string()));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} probes fail:\n  {}", failures.len(), probes.len(), failures.join("\n  "));
}

#[test]
fn typed_errors_carry_the_field() {
    // the field is data, not only text: consumers (validation cases, --vary) read it
    for (text, field) in [
        (set("age_y", "\"thirty\""), "patient.age_y"),
        (set("arrangement", "\"hex\""), "device.arrangement"),
        (with("needle_length_um =", "needle_lenght_um = 1500"), "device.needle_lenght_um"),
        (with("name = \"hyaluronic", "name = \"\""), "topical.name"),
    ] {
        let e = parse(&text, "probe.toml").unwrap_err();
        assert_eq!(e.field(), Some(field), "{e}");
    }
}

#[test]
fn files_that_cannot_be_read() {
    let dir = std::env::temp_dir().join(format!("mnsim-probe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let garbage = dir.join("garbage.toml");
    std::fs::write(&garbage, [0u8, 159, 146, 150, 255, 0, 1, 2, 200, 13, 10]).unwrap();
    let missing = dir.join("missing.toml");
    for (path, says) in [(missing.clone(), "No such file"), (dir.clone(), "directory"), (garbage.clone(), "UTF-8")] {
        let msg = load(&path).unwrap_err().to_string();
        let faults = general_faults(&msg);
        assert!(
            msg.starts_with(&path.display().to_string()) && msg.contains(says) && faults.is_empty(),
            "{msg} {faults:?}"
        );
        assert!(matches!(load(&path), Err(ScenarioError::Read { .. })));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn numbers_in_messages_are_compact() {
    for (v, shown) in
        [("1e300", "1e300"), ("-1e300", "-1e300"), ("3.2e-12", "3.2e-12"), ("1.5e-7", "1.5e-7"), ("7000", "7000")]
    {
        let msg = parse(&set("needle_length_um", v), "probe.toml").unwrap_err().to_string();
        assert!(msg.contains(&format!("= {shown} ")), "{v}: {msg}");
    }
}

/// Inputs the fuzzer found (`fuzz/`, README): each once broke a promise of this file.
#[test]
fn fuzz_regressions() {
    // scenario_check, 2026-12-01: digits inside an unknown table's name were "compacted"
    // (`hopica5.555555555555555e39l`); a key is shown exactly as written
    let key = format!("hopica{}l", "5".repeat(40));
    let msg = parse(&format!("[{key}]"), "probe.toml").unwrap_err().to_string();
    assert!(msg.starts_with("probe.toml:1:") && msg.contains(&format!("field `{key}` = [{key}]")), "{msg}");
}

#[test]
fn fuzz_regression_echoed_lines_are_compact_and_short() {
    // case_parse, 2026-12-01: a syntax error echoed its source line with a 94-digit number
    // (`sex = 2222…2"fem0`); the echo is compact and cut at 100 characters
    let digits = "2".repeat(94);
    let text = format!("name = \"x\"\npatient = {{ site = \"cheek\", sex = {digits}\"fem }}\n");
    let msg = mnsim_scenario::with_line(&text, Some(2), "missing comma");
    assert!(msg.contains("sex = 2.22") && msg.contains("e93") && !msg.contains(&digits), "{msg}");
    let long = format!("description = \"{}\" x", "a".repeat(300));
    let msg = mnsim_scenario::with_line(&long, Some(1), "bad");
    assert!(msg.chars().count() < 130 && msg.ends_with('…'), "{msg}");
    let msg = parse(&text, "probe.toml").unwrap_err().to_string();
    assert!(msg.starts_with("probe.toml:2:") && !msg.contains(&digits), "{msg}");
}
