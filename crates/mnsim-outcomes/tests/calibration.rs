//! Unit checks of this crate's mappings (tissue course → clinical measure) on synthetic tissue
//! courses, and the calibrations that were made on them. Nothing here is validation (issue 10,
//! items 2, 3, 5): the courses are built by hand (tests/common: kinetics with sources, and
//! per-session amplitudes of a STANDARD session chosen by hand, docs/model/outcomes.md §9), not
//! produced by the device and healing stages. Each published comparison is an end-to-end case
//! in `data/validation/` (named in each test), run by `mnsim validate` and guarded by
//! `cargo test -p mnsim-study`.
//!
//! - **mapping check**: with the STANDARD amplitudes the mapping lands in the published band
//!   (a check that the mapping's scale is sensible, asserted with the pre-set band);
//! - **calibration / by construction**: a constant set on this course, read back;
//! - a published number the synthetic course misses is not asserted here at all; what is
//!   asserted is an ordering the mapping must keep.
//!
//! Run with `-- --nocapture` to see the numbers.

mod common;
use common::*;
use mnsim_outcomes::pigment::TRIPLE_COMBINATION_INHIBITION;
use mnsim_outcomes::*;
use rand::{RngExt, SeedableRng};

fn p() -> OutcomeParams {
    OutcomeParams::default()
}

fn within(name: &str, value: f64, lo: f64, hi: f64, published: &str) {
    println!("{name}: model {value:.2} (band [{lo}, {hi}]; published {published})");
    assert!(value >= lo && value <= hi, "{name} = {value} outside [{lo}, {hi}]");
}

/// Mapping check for WR01 (end to end: case WR01): facial elasticity +28.2 % 3 months after 4 monthly sessions
/// (Aesthet Surg J 2021, PMID 33656167; BTC-2000 suction device, n = 32, 44–65 y).
/// Model: suction stiffness (1/R0) change at day 180 after sessions on days 0, 30, 60, 90.
/// Band ±50 % of the published value (14.1–42.3 %): a different device than the quantity
/// modelled (BTC-2000 "elasticity", not Cutometer), a single-centre n = 32 mean, and assumed
/// stiffness exponents (collagen exponent 2).
#[test]
fn mapping_check_wr01_facial_elasticity_after_four_monthly_sessions() {
    let c = course(&monthly(4), 180.0, STANDARD, 1000.0, 90.0);
    let o = compute_outcomes(&inputs(c, 55.0), &p()).unwrap();
    println!(
        "collagen {:+.1} %, elastin {:+.1} %, dermis {:+.1} %, R0 {:.3} → {:.3} mm, R2 {:.3} → {:.3}, R7 {:.3} → {:.3}",
        o.matrix.collagen_change_pct,
        o.matrix.elastin_change_pct,
        o.thickness.dermis_change_pct,
        o.elasticity.r0_baseline_mm,
        o.elasticity.r0_mm,
        o.elasticity.r2_baseline,
        o.elasticity.r2,
        o.elasticity.r7_baseline,
        o.elasticity.r7
    );
    within("WR01 suction stiffness change %", o.elasticity.suction_stiffness_change_pct, 14.1, 42.3, "+28.2 %");
    // sensitivity (reported, not asserted): collagen exponent 1 instead of 2
    let lin = OutcomeParams { stiffness_collagen_exponent: 1.0, ..p() };
    let c = course(&monthly(4), 180.0, STANDARD, 1000.0, 90.0);
    let o1 = compute_outcomes(&inputs(c, 55.0), &lin).unwrap();
    println!("  sensitivity: collagen exponent 1 → {:+.1} %", o1.elasticity.suction_stiffness_change_pct);
}

fn melasma_inputs(sessions: &[f64], end: f64, r: common::SessionResponse) -> OutcomeInputs {
    let mut i = inputs(course(sessions, end, r, 1000.0, 90.0), 40.0);
    i.pigment = Some(PigmentLesion { excess_melanin: 0.55, area_fraction: 0.55, region_area_fraction: None });
    i
}

/// MA04 (calibration, by construction; end to end: case MA04): triple combination + sunscreen alone, 8 weeks, median MASI
/// 13.1 → 3.2 (−75 %) (Lima et al. 2017, discussion). The constant
/// TRIPLE_COMBINATION_INHIBITION was set by bisection to reproduce it; band ±1 point.
#[test]
fn triple_combination_calibration_reproduces_ma04() {
    let mut i = melasma_inputs(&[], 56.0, NONE);
    i.delivery.home_depigmenting_inhibition = TRIPLE_COMBINATION_INHIBITION;
    let pg = compute_outcomes(&i, &p()).unwrap().pigment.unwrap();
    within("MA04 baseline MASI-like", pg.masi_baseline, 12.0, 14.5, "13.1");
    within("MA04 MASI change % (calibrated)", pg.masi_change_pct, -76.0, -74.0, "-75 %");
}

/// Mapping check for MA01 / MA03 (end to end: cases MA01, MA03, both weak: the calibrated
/// triple combination alone already lands in the MASI band): 2 sessions of 1.5 mm needling 30 d apart plus daily
/// triple combination, assessed 15 d after the last session: MASI −70 %, L* +13 % (Lima et al.
/// 2017, n = 6, refractory melasma). Bands: MASI −55 to −85 % (n = 6; ±15 points);
/// L* +5 to +25 % (no spread published; factor ≈ 2 either way, assumed lightness exponent).
#[test]
fn mapping_check_ma01_needling_plus_triple_combination() {
    let mut i = melasma_inputs(&[0.0, 30.0], 45.0, STANDARD);
    i.delivery.home_depigmenting_inhibition = TRIPLE_COMBINATION_INHIBITION;
    let pg = compute_outcomes(&i, &p()).unwrap().pigment.unwrap();
    within("MA01 MASI change %", pg.masi_change_pct, -85.0, -55.0, "-70 %");
    within("MA03 lesion L* change %", pg.lesion_lightness_change_pct, 5.0, 25.0, "+13 %");
}

// MA05 (Ismail 2019, MASI −33 % with needling and topical vitamin C, band −55 to −15 %) is an
// end-to-end case (data/validation/MA05.toml). On the synthetic course with the default active
// the mapping gave ≈ −14 %, outside the band, and the test asserted only "< −5 %"; that test is
// gone (issue 10, item 2). The direction of the mapping (more active, lower MASI) is checked in
// behaviour.rs (more_depigmenting_active_means_lower_melanin_index_and_masi).

/// Mapping check for CA02 (end to end: case CA02): acne scar assessment
/// score 11.73 ± 3.12 → 6.5 ± 2.71 after 5 monthly dermaroller sittings, 1 month after the
/// last (−45 %). Model: a moderate rolling scar 300 µm deep, 4 mm wide; depth improvement at
/// day 150. Band: the published change with the ±1 SD of the end score, 22–68 %.
#[test]
fn mapping_check_ca02_acne_scar_depth_after_five_monthly_sessions() {
    let mut i = inputs(course(&monthly(5), 150.0, STANDARD, 1000.0, 90.0), 28.0);
    i.scar = Some(AtrophicScar { kind: ScarKind::Rolling, depth_um: 300.0, width_um: 4000.0, count: None });
    let s = compute_outcomes(&i, &p()).unwrap().scar.unwrap();
    println!(
        "depth after each session: {:?}",
        s.after_session.iter().map(|a| (a.depth_um.round(), a.grade)).collect::<Vec<_>>()
    );
    within("CA02 scar improvement %", s.follow_up.improvement_pct, 22.0, 68.0, "score -45 %");
}

/// Tirmizi et al. 2021 (Cureus 13:e12578): grade III → II after 3 sessions 4 weeks apart, and
/// moderate scars responded better than severe. The published grade shift is end to end (case
/// TIRMIZI, a known miss). Unit check here, with the same 300 µm rolling scar as every
/// end-to-end case (not a depth chosen just above a grade limit): a moderate (300 µm) scar
/// improves by a larger share than a severe (500 µm) one under the same course.
#[test]
fn unit_check_moderate_scars_respond_better_than_severe() {
    let run = |depth: f64| {
        let mut i = inputs(course(&monthly(3), 90.0, STANDARD, 1000.0, 90.0), 31.0);
        i.scar = Some(AtrophicScar { kind: ScarKind::Rolling, depth_um: depth, width_um: 4000.0, count: None });
        compute_outcomes(&i, &p()).unwrap().scar.unwrap()
    };
    let m = run(300.0);
    let s = run(500.0);
    println!(
        "moderate 300 µm: grade {} → {} ({:.0} → {:.0} µm, {:.1} %); severe 500 µm: grade {} → {} ({:.1} %)",
        m.baseline.grade,
        m.follow_up.grade,
        m.baseline.depth_um,
        m.follow_up.depth_um,
        m.follow_up.improvement_pct,
        s.baseline.grade,
        s.follow_up.grade,
        s.follow_up.improvement_pct
    );
    assert_eq!(m.baseline.grade, 3, "a 300 µm rolling scar is grade 3 (as TIRMIZI)");
    assert!(m.follow_up.improvement_pct > s.follow_up.improvement_pct);
    assert!(s.follow_up.grade >= m.follow_up.grade);
}

/// Unit check on a synthetic cohort: ice-pick scars change grade less often than rolling and
/// boxcar scars of the same depth under the same course. Cohort: 400 seeded patients, rolling
/// or boxcar (50/50), depth uniform 150–450 µm, width 2–5 mm, response ×lognormal(σ = 0.4),
/// 5 monthly sessions, graded 2 months after the last. The share improving ≥ 1 grade is printed
/// only: the published 70–94 % (CA03 Majid 2009, CA07, CA08 Sohag; pre-set band 60–100 %) is
/// missed on this synthetic course (≈ 51 %), and the published comparison is end to end (cases
/// CA03 and CA08, known misses for the nominal patient).
#[test]
fn unit_check_ice_pick_scars_change_grade_less_than_rolling_and_boxcar() {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20240601);
    let gauss = |rng: &mut rand_chacha::ChaCha8Rng| {
        let u1: f64 = 1.0 - rng.random::<f64>();
        let u2: f64 = rng.random::<f64>();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    };
    let sessions = monthly(5);
    let mut improved = 0;
    let mut ice_improved = 0;
    let n = 400;
    for k in 0..n {
        let resp = (0.4 * gauss(&mut rng) - 0.08).exp();
        let depth = 150.0 + 300.0 * rng.random::<f64>();
        let width = 2000.0 + 3000.0 * rng.random::<f64>();
        let kind = if k % 2 == 0 { ScarKind::Rolling } else { ScarKind::Boxcar };
        let c = course(&sessions, 180.0, scaled(STANDARD, resp), 1000.0, 90.0);
        let mut i = inputs(c, 28.0);
        i.scar = Some(AtrophicScar { kind, depth_um: depth, width_um: width, count: None });
        let s = compute_outcomes(&i, &p()).unwrap().scar.unwrap();
        if s.grade_change <= -1 {
            improved += 1;
        }
        let mut ice = i.clone();
        ice.scar = Some(AtrophicScar { kind: ScarKind::IcePick, depth_um: depth, width_um: 1000.0, count: None });
        if compute_outcomes(&ice, &p()).unwrap().scar.unwrap().grade_change <= -1 {
            ice_improved += 1;
        }
    }
    let frac = 100.0 * improved as f64 / n as f64;
    println!("ice-pick-predominant patients improving ≥ 1 grade: {:.1} %", 100.0 * ice_improved as f64 / n as f64);
    println!(
        "synthetic cohort improved ≥ 1 grade %: {frac:.1} (published 70–94 %, pre-set band [60, 100]: missed; end to end: CA03, CA08)"
    );
    assert!(frac > 100.0 * ice_improved as f64 / n as f64);
}

/// Unit check on a synthetic cohort: striae rubra respond better than alba under the same
/// course. Cohort: 400 seeded patients, ≥ 6 sessions every 2 weeks, deficits uniform 15–40 %,
/// rubra/alba 50/50, abdominal dermis 2000 µm, response ×lognormal(σ = 0.4). The response
/// distribution is printed only: the published share with at least a moderate response (80 %,
/// Mohamed Ali 2017, SD01/SD02; pre-set band 50–100 %) is missed on this course (≈ 29 %), and
/// the published comparison is end to end (case SD01, a known miss).
#[test]
fn unit_check_striae_rubra_respond_better_than_alba() {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let gauss = |rng: &mut rand_chacha::ChaCha8Rng| {
        let u1: f64 = 1.0 - rng.random::<f64>();
        let u2: f64 = rng.random::<f64>();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    };
    let sessions = every(6, 14.0);
    let mut counts = [0usize; 4];
    let (mut rubra_sum, mut alba_sum) = (0.0, 0.0);
    let n = 400;
    for k in 0..n {
        let resp = (0.4 * gauss(&mut rng) - 0.08).exp();
        let deficit = 15.0 + 25.0 * rng.random::<f64>();
        let kind = if k % 2 == 0 { StriaeKind::Rubra } else { StriaeKind::Alba };
        let c = course(&sessions, 70.0 + 90.0, scaled(STANDARD, resp), 2000.0, 80.0);
        let mut i = inputs(c, 28.0);
        i.patient.site = "abdomen".into();
        i.striae = Some(Striae { kind, width_um: 4000.0, dermal_deficit_pct: deficit });
        let s = compute_outcomes(&i, &p()).unwrap().striae.unwrap();
        counts[s.response as usize] += 1;
        if kind == StriaeKind::Rubra {
            rubra_sum += s.improvement_pct;
        } else {
            alba_sum += s.improvement_pct;
        }
    }
    let pct = |x: usize| 100.0 * x as f64 / n as f64;
    println!(
        "striae: minimal {:.1} %, moderate {:.1} %, marked {:.1} %, excellent {:.1} % (published 20 / 13.3 / 26.7 / 40)",
        pct(counts[0]),
        pct(counts[1]),
        pct(counts[2]),
        pct(counts[3])
    );
    println!(
        "synthetic cohort share with ≥ moderate response %: {:.1} (published 80 %, pre-set band [50, 100]: missed; end to end: SD01)",
        pct(counts[1] + counts[2] + counts[3])
    );
    assert!(rubra_sum > alba_sum, "rubra respond better than alba");
}

/// By construction, not validation (issue 10, item 3): the synthetic course's barrier time
/// constant is set from RS03 (τ = 4.5 h/ln 10), so this only checks that the recovery-time
/// read-out (10 % rule) gives back what was put in, 4–5 h, on a multi-session course. The
/// published comparison is end to end (cases RS03-770, RS03-370, calibration).
#[test]
fn by_construction_tewl_recovery_read_out_returns_the_course_time_constant() {
    let c = course(&monthly(3), 120.0, STANDARD, 1000.0, 90.0);
    let b = compute_outcomes(&inputs(c, 40.0), &p()).unwrap().barrier;
    println!("TEWL peak {:.1} g/m²/h", b.tewl_peak_g_m2_h);
    within("RS03 TEWL recovery h", b.tewl_recovery_h, 4.0, 5.0, "4–5 h");
}

/// By construction, not validation (issue 10, item 3): the synthetic course's inflammation
/// pulse (peak 1, neutrophil-rate decay, visible above 0.1) was chosen so that the read-out
/// gives RS13's 2–3 d; this checks the read-out gives back that course's time constants. The
/// published comparisons are end to end (RS13 calibration, RS12, RS14, RS15). Unit check beside
/// it: a light session (peak 0.15) gives less than a day.
#[test]
fn by_construction_visible_erythema_read_out_returns_the_course_time_constants() {
    let c = course(&monthly(3), 120.0, STANDARD, 1000.0, 90.0);
    let b = compute_outcomes(&inputs(c, 40.0), &p()).unwrap().barrier;
    within("RS13 visible erythema d", b.erythema_visible_d, 2.0, 3.0, "2–3 d");
    let light = common::SessionResponse { inflammation_peak: 0.15, barrier_loss: 0.1, ..NONE };
    let c = course(&[0.0], 10.0, light, 1000.0, 90.0);
    let b = compute_outcomes(&inputs(c, 40.0), &p()).unwrap().barrier;
    println!("light session: visible erythema {:.2} d", b.erythema_visible_d);
    assert!(b.erythema_visible_d < 1.0);
}
