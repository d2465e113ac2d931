//! Every worked scenario against the clinically reported range for its indication (nominal run,
//! no ensemble), with the source beside each assertion (issue 10, item 6). Where a scenario
//! misses its reported range, the test does not pretend: the miss is an end-to-end validation
//! case marked `known_miss` in `data/validation_status.toml` (named below), and this test keeps
//! only what honestly holds (the direction, and a magnitude bound where one is sourced).

mod common;

use mnsim_scenario::{Edit, parse_with};

/// Nominal member only, and cheaper transport, which leaves the asserted outcomes unchanged
/// (figures in `common::cheap_transport`).
fn cheap() -> Vec<Edit> {
    let mut edits = vec![Edit::Set("simulation.ensemble_members".into(), toml::Value::Integer(1))];
    edits.extend(common::cheap_transport());
    edits
}

fn run(file: &str) -> mnsim_sim::RunResult {
    let path = format!("{}/../../scenarios/{file}.toml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let s = parse_with(&text, &path, &cheap()).unwrap();
    mnsim_sim::run(&s, &mut mnsim_sim::NoProgress).unwrap()
}

/// The built-in default scenario (1.5 mm pen, cheek, 3 sessions) at another pen depth setting.
fn default_at(needle_length_um: f64) -> mnsim_sim::RunResult {
    let mut edits = cheap();
    edits.extend([
        Edit::Unset("topical".into()),
        Edit::Unset("device.stroke_um".into()),
        Edit::Set("device.needle_length_um".into(), toml::Value::Float(needle_length_um)),
    ]);
    let s = parse_with(mnsim_scenario::default_toml(), "default", &edits).unwrap();
    mnsim_sim::run(&s, &mut mnsim_sim::NoProgress).unwrap()
}

fn value(r: &mnsim_sim::RunResult, name: &str) -> f64 {
    let f = r.figure(name).unwrap_or_else(|| panic!("no figure {name}"));
    assert!(f.value.is_finite());
    f.value
}

fn within(name: &str, v: f64, lo: f64, hi: f64) {
    eprintln!("{name}: model {v:.3}, reported range [{lo}, {hi}]");
    assert!(v >= lo && v <= hi, "{name}: model {v} outside the reported range [{lo}, {hi}]");
}

/// Acne scars (1.5 mm pen, 3 sessions 4 weeks apart, rolling scar 300 µm):
/// - scar improvement: Alster & Li 2020 (Plast Reconstr Surg 145:358, abstract; CA04/CA05):
///   all scars ≥ 50 % improved, after on average 2.5 treatments → [50, 100] %. The model's
///   100 % sits at the end of a saturated band (a weak pass, see CA04).
/// - grade: Tirmizi 2021 (Cureus 13:e12578) report III → II for this course; the model gives
///   −2 grades, a known miss (case SC-ACNE-GRADE), so only the direction is asserted here.
#[test]
fn acne_scars_improve_in_the_reported_range() {
    let r = run("acne-scars-cheek");
    within("acne scar improvement %", value(&r, "outcomes.scar_improvement_pct"), 50.0, 100.0);
    assert!(value(&r, "outcomes.scar_grade_change") < 0.0, "the grade falls (magnitude: SC-ACNE-GRADE)");
    assert!(value(&r, "outcomes.collagen_change_pct") > 0.0);
    // the clinical scores ride on the same depths (docs/model/outcomes.md § 11): a fully filled
    // scar population scores fewer Goodman–Baron and ECCA points than at baseline
    let (gb0, gb) =
        (value(&r, "outcomes.scar_gb_quantitative_points_baseline"), value(&r, "outcomes.scar_gb_quantitative_points"));
    println!(
        "acne-scars-cheek: Goodman–Baron {gb0} → {gb} points, ECCA {} → {} points, PIH risk {:.1} %",
        value(&r, "outcomes.scar_ecca_points_baseline"),
        value(&r, "outcomes.scar_ecca_points"),
        value(&r, "outcomes.pih_risk_pct")
    );
    assert!(
        gb0 > 0.0
            && gb < gb0
            && value(&r, "outcomes.scar_ecca_points") < value(&r, "outcomes.scar_ecca_points_baseline")
    );
    within("PIH risk %", value(&r, "outcomes.pih_risk_pct"), 0.0, 100.0);
}

/// Fine lines (0.5 mm pen, forehead and periorbital): J Cosmet Dermatol 2023;22:206 (WR02,
/// NCT03803059): 68.8 % of subjects report improvement 90 days after 4 monthly procedures; no
/// numeric range of line depth is published in the retrieved sources, so the reported statement
/// is one-sided (depth falls) and a sign is all that can be asserted; the magnitude bound
/// is physical (a line cannot become shallower than flat: > −100 %).
#[test]
fn fine_lines_get_shallower() {
    for s in ["fine-lines-forehead", "fine-lines-periorbital"] {
        let r = run(s);
        within(&format!("{s} wrinkle depth change %"), value(&r, "outcomes.wrinkle_depth_change_pct"), -100.0, 0.0);
        assert!(value(&r, "outcomes.wrinkle_depth_change_pct") < 0.0, "{s}");
        assert!(value(&r, "outcomes.collagen_change_pct") > 0.0, "{s}");
        let (l0, l1) =
            (value(&r, "outcomes.wrinkle_lemperle_grade_baseline"), value(&r, "outcomes.wrinkle_lemperle_grade"));
        assert!(l1 <= l0 && (0.0..=5.0).contains(&l1), "{s}: Lemperle {l0} → {l1}");
        assert!(value(&r, "outcomes.profilometry_ra_um") < value(&r, "outcomes.profilometry_ra_um_baseline"), "{s}");
    }
}

/// Melasma (1.5 mm pen, 2 sessions, tranexamic acid 4 mg/mL): the nearest retrieved clinical
/// range for needling plus a topical depigmenting active is Ismail 2019 (J Cosmet Dermatol,
/// MA05): MASI −33 %, band −55 to −15 %. The scenario gives ≈ −0.1 %: a known miss (case
/// SC-MELASMA-TXA). Asserted here: the direction (MASI falls) and that the transport ran.
#[test]
fn melasma_gets_lighter_with_tranexamic_acid() {
    let r = run("melasma-cheek");
    assert!(r.transport.is_some());
    assert!(value(&r, "outcomes.masi_change_pct") < 0.0, "direction (magnitude: SC-MELASMA-TXA)");
    assert!(value(&r, "outcomes.masi_points") < value(&r, "outcomes.masi_points_baseline"));
    assert!(value(&r, "outcomes.mmasi_points") <= 24.0 && value(&r, "outcomes.masi_points") <= 48.0);
}

/// Striae alba (2 mm roller, 5 monthly sessions): Mohamed Ali 2017 (J Egypt Womens Dermatol
/// Soc 14:92, SD01): the median needled patient improves 50–75 %. The model gives ≈ 12 % for
/// this scenario and 14 % for SD01 (the same scenario with 6 sessions 2 weeks apart): a known
/// miss (case SD01). Asserted here: the direction, and at most the published upper end.
#[test]
fn striae_improve() {
    let r = run("striae-abdomen");
    within("striae improvement %", value(&r, "outcomes.striae_improvement_pct"), 0.0, 75.0);
    assert!(value(&r, "outcomes.striae_improvement_pct") > 0.0, "direction (magnitude: SD01)");
}

/// Laxity (1.0 mm pen, neck, 4 sessions 4 weeks apart): Aesthet Surg J 2021 (PMID 33656167,
/// WR01): facial and neck elasticity +28.2 % 3 months after 4 monthly sessions (BTC-2000
/// suction device), band ± 50 % → [14.1, 42.3] % (as case WR01), compared with the model's
/// suction stiffness change. The scenario follows up for 180 d after the last session, the
/// study for 90 d; the band is the study's. The direction is asserted here (the dermis thickens,
/// the laxity grade falls); the magnitude is the known miss below.
#[test]
fn laxity_firms_up() {
    let r = run("laxity-neck");
    assert!(value(&r, "outcomes.suction_stiffness_change_pct") > 0.0);
    assert!(value(&r, "outcomes.dermis_change_pct") > 0.0);
    let (l0, l1) = (value(&r, "outcomes.laxity_aa_grade_baseline"), value(&r, "outcomes.laxity_aa_grade"));
    println!("laxity-neck: Alexiades-Armenakas laxity {l0:.2} → {l1:.2}");
    assert!(l1 < l0 && l1 >= 0.0);
}

/// The laxity scenario's suction stiffness against the study's band (as
/// [`laxity_firms_up`]). **A known miss since the torn matrix became a band along a planar crack**
/// (2026-12-03; docs/VALIDATION.md, known misses outside the case table): +48.5 % against
/// [14.1, 42.3] %, while WR01, the same study run as published (1.5 mm pen on the cheek, 90 d
/// follow-up), gives +31.7 % and passes. The worked scenario differs from the study in needle
/// (1.0 mm), site (neck) and follow-up (180 d against 90 d); which of them moves the figure was
/// not traced.
#[test]
#[ignore = "known miss: laxity-neck suction stiffness +48.5 % against the study's 14.1-42.3 %"]
fn known_miss_laxity_firms_up_in_the_reported_range() {
    let r = run("laxity-neck");
    within("neck suction stiffness change %", value(&r, "outcomes.suction_stiffness_change_pct"), 14.1, 42.3);
}

/// Issue 10, item 8, end to end through the puncture pipeline: the reported net collagen
/// (`collagen_change_pct`) of the default course rises with the pen depth setting while the
/// channels end inside the cutis (0.5 → 1.0 mm), and holds a plateau (≥ 90 % of the 1.0 mm
/// gain; stated tolerance) once they pass it (1.5 mm reaches ≈ 1.4 mm against a 1.1 mm cheek
/// cutis). Measured 14.56 / 28.92 / 26.68 % (mean depth 439 / 916 / 1398 µm, cutis 1106 µm;
/// the 1.5 mm course at 92 % of the 1.0 mm one). With the cell-mean wound model it was 13.6 /
/// 29.0 / 28.0 %; with the sub-cell model and the whole shear rim torn (2026-12-02 to 12-03) 13.4
/// / 25.6 / 21.9 %, a listed known miss until the torn matrix became the band along a planar
/// crack (docs/model/healing.md § 2).
#[test]
fn deeper_pen_settings_give_more_reported_collagen_within_the_dermis() {
    let runs: Vec<_> = [500.0, 1000.0, 1500.0].iter().map(|&l| default_at(l)).collect();
    let g: Vec<f64> = runs.iter().map(|r| value(r, "collagen_change_pct")).collect();
    let depth: Vec<f64> = runs.iter().map(|r| value(r, "mean_depth_um")).collect();
    let cutis = value(&runs[0], "cutis_thickness_um");
    eprintln!("collagen change % at 0.5/1.0/1.5 mm: {g:?}; mean depth {depth:.0?} µm, cutis {cutis:.0} µm");
    assert!(depth[0] < cutis && depth[1] < cutis && depth[2] > cutis, "depths {depth:?} against cutis {cutis}");
    assert!(g[0] < g[1], "no rise inside the cutis: {g:?}");
    assert!(g[2] >= 0.9 * g[1], "no plateau past the cutis: {g:?}");
}

/// What biology says past the dermis: a deeper setting adds no dermis to injure, so the dermal
/// collagen response plateaus and does not fall. KNOWN MISS (docs/VALIDATION.md, known misses
/// outside the case table): end to end the reported net collagen falls from 26.68 % at 1.5 mm to
/// 23.83 % at 2.0 mm (2026-12-03; 28.0 → 24.8 % with the cell-mean model). With the sub-cell
/// wound model the default grid agrees with a grid that resolves the wounds (healing.md
/// § Convergence), so this is the model, not resolution: the dense pen's response zone already
/// covers the whole dermis, and a longer, wider channel only kills more cells and tears more
/// matrix in the dermis it crosses; what the model lacks is the extra bleeding and signal of a deeper wound
/// once the zone is saturated.
#[test]
#[ignore = "known miss: reported net collagen falls from a 1.5 to a 2.0 mm pen setting (26.7 -> 23.8 %)"]
fn known_miss_reported_collagen_does_not_fall_past_the_dermis() {
    let c15 = value(&default_at(1500.0), "collagen_change_pct");
    let c20 = value(&default_at(2000.0), "collagen_change_pct");
    eprintln!("collagen change % at 1.5 / 2.0 mm: {c15:.2} / {c20:.2}");
    assert!(c20 >= c15, "{c15} -> {c20}");
}
