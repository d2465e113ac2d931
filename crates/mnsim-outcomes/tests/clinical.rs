//! Clinical read-outs (docs/model/outcomes.md § 11): each scoring equation against a hand
//! computation, monotonicity in the right direction, bounds, never NaN.

mod common;

use approx::assert_relative_eq;
use common::*;
use mnsim_outcomes::clinical::pigment::{masi_mmasi_points, mexameter_baseline, pih_risk_pct};
use mnsim_outcomes::clinical::scar::{
    counts_by_grade, ecca_count_level, ecca_points, gb_count_factor, gb_quantitative_points, scar_population_um,
};
use mnsim_outcomes::clinical::skin::{
    aa_default_grade, aa_grades, fitzpatrick_wrinkle_class, fitzpatrick_wrinkle_score, half_grade, hfus_echo,
    lemperle_grade, lemperle_score, profilometry_ra_rz_um,
};
use mnsim_outcomes::pigment::masi_like;
use mnsim_outcomes::*;

fn p() -> OutcomeParams {
    OutcomeParams::default()
}

fn rolling(depth_um: f64, width_um: f64, count: u32) -> AtrophicScar {
    AtrophicScar { kind: ScarKind::Rolling, depth_um, width_um, count: Some(count) }
}

/// The Goodman–Baron quantitative scheme: points per grade 1, 1, 2, 3 times the count band
/// multiplier 1 (1–10), 2 (11–20), 3 (> 20).
#[test]
fn goodman_baron_quantitative_points_by_hand() {
    assert_eq!([0, 1, 10, 11, 20, 21, 400].map(gb_count_factor), [0, 1, 1, 2, 2, 3, 3]);
    // 5 mild (1 × 1) + 12 moderate (2 × 2) + 25 severe (3 × 3) = 14
    assert_eq!(gb_quantitative_points([0, 5, 12, 25]), 14.0);
    // 3 macular: 1 point
    assert_eq!(gb_quantitative_points([3, 0, 0, 0]), 1.0);
    // every atrophic row over 20 scars: 3 + 3 + 6 + 9 = 21, the atrophic maximum
    assert_eq!(gb_quantitative_points([21, 21, 21, 21]), 21.0);
    assert_eq!(gb_quantitative_points([0, 0, 0, 0]), 0.0);
}

/// ECCA's atrophic items: weight 15 / 20 / 25 by width × level 1 (< 5), 2 (5–20), 3 (> 20).
#[test]
fn ecca_points_by_hand() {
    assert_eq!([0, 1, 4, 5, 20, 21].map(ecca_count_level), [0, 1, 1, 2, 2, 3]);
    assert_eq!(ecca_points(15, 3000.0), 40.0); // U-shaped, limited
    assert_eq!(ecca_points(4, 3000.0), 20.0); // U-shaped, few
    assert_eq!(ecca_points(21, 1500.0), 45.0); // V-shaped (ice pick), many
    assert_eq!(ecca_points(8, 5000.0), 50.0); // M-shaped (rolling), limited
    assert_eq!(ecca_points(0, 5000.0), 0.0);
}

/// Four scars around 300 µm spread ±50 %: 187.5, 262.5, 337.5, 412.5 µm. At baseline three are
/// moderate and one severe (2·1 + 3·1 = 5 points, ECCA 20·1); after a 100 µm dermal gain a
/// rolling scar fills 2 × 100 µm: −12.5 (resolved), 62.5 and 137.5 (mild), 212.5 (moderate):
/// 1·1 + 2·1 = 3 points.
#[test]
fn scar_population_counts_by_hand() {
    let s = rolling(300.0, 4000.0, 4);
    let pop = scar_population_um(&s, &p());
    assert_eq!(pop, vec![187.5, 262.5, 337.5, 412.5]);
    let c0 = counts_by_grade(&s, &pop, 0.0, &p());
    assert_eq!(c0, [0, 0, 3, 1]);
    assert_eq!(gb_quantitative_points(c0), 5.0);
    assert_eq!(ecca_points(c0[1] + c0[2] + c0[3], s.width_um), 20.0);
    let c1 = counts_by_grade(&s, &pop, 100.0, &p());
    assert_eq!(c1, [0, 2, 1, 0]);
    assert_eq!(gb_quantitative_points(c1), 3.0);
    // a 10–50 µm remnant is macular (1 point), below 10 µm resolved
    let one = rolling(30.0, 4000.0, 1);
    assert_eq!(counts_by_grade(&one, &[30.0], 0.0, &p()), [1, 0, 0, 0]);
    assert_eq!(counts_by_grade(&one, &[30.0], 12.0, &p()), [0, 0, 0, 0]);
}

/// More sessions never make any scar deeper: the number of scars at or above each grade never
/// rises. The published points need not fall with it: a scar moving from severe to moderate can
/// lift the moderate row into a fuller count band (10 moderate + 5 severe = 2 + 3 = 5 points;
/// 11 moderate + 4 severe = 4 + 3 = 7). The default count applies without `count`.
#[test]
fn scar_grades_improve_with_sessions_and_points_stay_in_range() {
    assert_eq!(gb_quantitative_points([0, 0, 10, 5]), 5.0);
    assert_eq!(gb_quantitative_points([0, 0, 11, 4]), 7.0);
    let at_or_above = |c: [u32; 4], g: usize| c[g..].iter().sum::<u32>();
    let mut last = [u32::MAX; 4];
    for n in 0..6 {
        let c = course(&monthly(n.max(1)), 30.0 * (n.max(1) as f64) + 30.0, scaled(STANDARD, n as f64), 1000.0, 90.0);
        let mut inp = inputs(c, 30.0);
        inp.scar = Some(AtrophicScar { kind: ScarKind::Rolling, depth_um: 300.0, width_um: 4000.0, count: None });
        let o = compute_outcomes(&inp, &p()).unwrap();
        let s = o.clinical.scar.unwrap();
        assert_eq!(s.count, p().default_scar_count);
        assert!((0.0..=21.0).contains(&s.follow_up.gb_points) && (0.0..=75.0).contains(&s.follow_up.ecca_points));
        let c = s.follow_up.counts_by_grade;
        for g in 0..4 {
            assert!(at_or_above(c, g) <= at_or_above(s.baseline.counts_by_grade, g));
            assert!(at_or_above(c, g) <= last[g], "{n} sessions, grade ≥ {}: {c:?} vs {last:?}", g + 1);
            last[g] = at_or_above(c, g);
        }
        println!(
            "{n} × STANDARD: GB {} → {} points, ECCA {} → {} ({:+.1} %)",
            s.baseline.gb_points,
            s.follow_up.gb_points,
            s.baseline.ecca_points,
            s.follow_up.ecca_points,
            s.ecca_change_pct
        );
    }
}

/// MASI = Σ w·A·(D + H), mMASI = Σ w·A·D. E = 0.5: D = H = 2, visible share 0.9; forehead and
/// malar 30 % → 27 % visible → A = 1.85; chin 10 % → 9 % → A = 0.9: MASI = 0.9·1.85·4 + 0.1·0.9·4
/// = 7.02, mMASI = 3.51.
#[test]
fn masi_and_mmasi_points_by_hand() {
    let (m, mm) = masi_mmasi_points(0.5, [0.3, 0.3, 0.3, 0.1], &p());
    assert_relative_eq!(m, 7.02, epsilon = 1e-12);
    assert_relative_eq!(mm, 3.51, epsilon = 1e-12);
    // the same pattern in every region is the MASI-like score
    for (e, a) in [(0.2, 0.3), (0.5, 0.55), (1.5, 0.9)] {
        assert_relative_eq!(masi_mmasi_points(e, [a; 4], &p()).0, masi_like(e, a, &p()), epsilon = 1e-12);
    }
    // bounds: at most 48 and 24 points
    let (m, mm) = masi_mmasi_points(10.0, [1.0; 4], &p());
    assert!(m <= 48.0 && mm <= 24.0 && m > 47.0, "{m} {mm}");
    assert_eq!(masi_mmasi_points(0.0, [1.0; 4], &p()), (0.0, 0.0));
}

/// The triple combination lowers MASI points (the region fractions given), mMASI with it.
#[test]
fn masi_points_follow_the_depigmentation() {
    let c = course(&[0.0, 30.0], 60.0, STANDARD, 1000.0, 90.0);
    let mut inp = inputs(c, 40.0);
    inp.pigment = Some(PigmentLesion {
        excess_melanin: 0.5,
        area_fraction: 0.3,
        region_area_fraction: Some([0.3, 0.5, 0.5, 0.0]),
    });
    let before = compute_outcomes(&inp, &p()).unwrap().clinical.masi.unwrap();
    inp.delivery.home_depigmenting_inhibition = pigment::TRIPLE_COMBINATION_INHIBITION;
    let after = compute_outcomes(&inp, &p()).unwrap().clinical.masi.unwrap();
    assert_relative_eq!(before.masi, before.masi_baseline, epsilon = 1e-9);
    assert!(after.masi < 0.7 * after.masi_baseline && after.mmasi < after.mmasi_baseline);
    assert_relative_eq!(after.mmasi, after.masi / 2.0, epsilon = 1e-12);
    assert!(after.lesion_melanin_index < after.lesion_melanin_index_baseline);
    assert_eq!(after.masi_after_session.len(), 2);
}

/// Lemperle: 0|1 at 50 µm, then 200, 400, 800, 1600 µm; Fitzpatrick: class limits 200 and
/// 800 µm, score 9 at 1600 µm.
#[test]
fn wrinkle_grades_by_hand_and_monotone() {
    let q = p();
    for (w, s, g) in [(0.0, 0.0, 0), (25.0, 0.5, 0), (150.0, 1.0 + 100.0 / 150.0, 1), (200.0, 2.0, 2), (1600.0, 5.0, 5)]
    {
        assert_relative_eq!(lemperle_score(w, &q), s, epsilon = 1e-12);
        assert_eq!(lemperle_grade(w, &q), g);
    }
    assert_eq!(lemperle_grade(5000.0, &q), 5);
    for (w, s, c) in
        [(0.0, 1.0, 1), (100.0, 2.5, 1), (200.0, 4.0, 2), (500.0, 5.5, 2), (800.0, 7.0, 3), (1200.0, 8.0, 3)]
    {
        assert_relative_eq!(fitzpatrick_wrinkle_score(w, &q), s, epsilon = 1e-12);
        assert_eq!(fitzpatrick_wrinkle_class(s), c);
    }
    assert_eq!(fitzpatrick_wrinkle_score(9000.0, &q), 9.0);
    let mut last = (-1.0, 0.0);
    for i in 0..400 {
        let w = 5.0 * f64::from(i);
        let now = (lemperle_score(w, &q), fitzpatrick_wrinkle_score(w, &q));
        assert!(now.0 >= last.0 && now.1 >= last.1 && (0.0..=5.0).contains(&now.0) && (1.0..=9.0).contains(&now.1));
        last = now;
    }
}

/// Alexiades-Armenakas: default 2 at 50 y, 1 at 35 y, 3 at 65 y, clamped to 0–4; laxity scales
/// with the compliance ratio R0/R0_0 and texture with Ra/Ra_0.
#[test]
fn alexiades_armenakas_grades_by_hand() {
    let q = p();
    assert_relative_eq!(aa_default_grade(50.0, &q), 2.0);
    assert_relative_eq!(aa_default_grade(35.0, &q), 1.0, epsilon = 1e-12);
    assert_relative_eq!(aa_default_grade(65.0, &q), 3.0, epsilon = 1e-12);
    assert_eq!(aa_default_grade(10.0, &q), 0.0);
    assert_eq!(aa_default_grade(120.0, &q), 4.0);
    let pt = Patient { laxity_grade: Some(2.0), texture_grade: Some(2.0), ..patient(50.0) };
    let g = aa_grades(&pt, 0.8, 0.9, &q);
    assert_relative_eq!(g.laxity, 1.6, epsilon = 1e-12);
    assert_eq!(g.laxity_half_grade, 1.5);
    assert_relative_eq!(g.texture, 1.8, epsilon = 1e-12);
    assert_eq!(g.texture_half_grade, 2.0);
    assert_eq!(half_grade(3.74), 3.5);
    assert_eq!(aa_grades(&pt, 5.0, 5.0, &q).laxity, 4.0);
}

/// Profilometry: f = 4·150/2000 = 0.3; Ra = 20 + 150·0.3·0.85² = 52.5125 µm, Rz = 5·20 + 150 =
/// 250 µm; touching grooves (f = 1) give a triangle wave, Ra = W/4.
#[test]
fn profilometry_ra_rz_by_hand() {
    let q = p();
    let (ra, rz) = profilometry_ra_rz_um(20.0, 150.0, 150.0, &q);
    assert_relative_eq!(ra, 52.5125, epsilon = 1e-9);
    assert_relative_eq!(rz, 250.0, epsilon = 1e-9);
    let (ra, _) = profilometry_ra_rz_um(0.0, 400.0, 1000.0, &q);
    assert_relative_eq!(ra, 100.0, epsilon = 1e-9);
    // shallower lines and smoother microrelief read lower, and Ra differs from the wrinkle depth
    let (ra1, rz1) = profilometry_ra_rz_um(18.0, 120.0, 150.0, &q);
    assert!(ra1 < 52.5 && rz1 < 250.0 && ra1 != 120.0);
}

/// HFUS echogenicity weighs collagen III at 0.3 and falls with oedema: doubling collagen III
/// raises collagen content by 15.8 % but echogenicity by 5.3 %; inflammation 1 (or more) takes
/// 30 % off.
#[test]
fn hfus_echogenicity_differs_from_collagen_content() {
    let q = p();
    assert_relative_eq!(hfus_echo(1.0, 1.0, 0.0, &q), 1.0, epsilon = 1e-12);
    assert_relative_eq!(hfus_echo(1.0, 2.0, 0.0, &q), 0.89 / 0.845, epsilon = 1e-12);
    let collagen = (0.8 + 0.15 * 2.0) / 0.95;
    assert!(collagen - 1.0 > 2.5 * (hfus_echo(1.0, 2.0, 0.0, &q) - 1.0));
    assert_relative_eq!(hfus_echo(1.0, 1.0, 1.0, &q), 0.7, epsilon = 1e-12);
    assert_relative_eq!(hfus_echo(1.0, 1.0, 50.0, &q), 0.7, epsilon = 1e-12);
    // over a course: the early nadir is below the follow-up value
    let c = course(&monthly(3), 120.0, STANDARD, 1000.0, 90.0);
    let o = compute_outcomes(&inputs(c, 40.0), &q).unwrap();
    let h = &o.clinical.hfus;
    assert!(h.nadir_change_pct < h.change_pct && h.change_pct > 0.0, "{h:?}");
    assert!(h.change_pct < o.matrix.collagen_change_pct + 1e-9, "{} vs {}", h.change_pct, o.matrix.collagen_change_pct);
}

/// PIH: the calibration reproduces 5 of 30 (16.7 %) after 5 sessions at the reference erythema
/// in skin type IV (Dogra 2014); lower in type I, more with more erythema, none without.
#[test]
fn pih_risk_by_type_and_dose() {
    let q = p();
    let dogra = pih_risk_pct(4, &[2.5; 5], &q);
    assert_relative_eq!(dogra, 100.0 * 5.0 / 30.0, epsilon = 0.05);
    assert!(pih_risk_pct(1, &[2.5; 5], &q) < 0.2 * dogra);
    assert!(pih_risk_pct(3, &[2.5; 5], &q) < dogra);
    assert!(pih_risk_pct(4, &[5.0; 5], &q) > dogra);
    assert_eq!(pih_risk_pct(6, &[0.0; 5], &q), 0.0);
    assert_eq!(pih_risk_pct(6, &[1e6; 2], &q), 100.0);
    let pt = Patient { fitzpatrick: 3, ..patient(40.0) };
    assert_eq!(mexameter_baseline(&pt, &q), 230.0);
}

/// The clinical summary entries are all present, finite and inside their scales.
#[test]
fn clinical_summary_entries_are_bounded() {
    let c = course(&monthly(3), 120.0, scaled(STANDARD, 3.0), 1000.0, 90.0);
    let mut inp = inputs(c, 55.0);
    inp.scar = Some(rolling(300.0, 3000.0, 25));
    inp.pigment = Some(PigmentLesion { excess_melanin: 0.5, area_fraction: 0.3, region_area_fraction: None });
    let o = compute_outcomes(&inp, &p()).unwrap();
    let s = o.summary();
    let get = |n: &str| s.iter().find(|r| r.0 == n).unwrap_or_else(|| panic!("{n} missing")).1;
    for (n, lo, hi) in [
        ("scar_gb_quantitative_points", 0.0, 21.0),
        ("scar_ecca_points", 0.0, 75.0),
        ("masi_points", 0.0, 48.0),
        ("mmasi_points", 0.0, 24.0),
        ("wrinkle_lemperle_grade", 0.0, 5.0),
        ("wrinkle_fitzpatrick_score", 1.0, 9.0),
        ("wrinkle_fitzpatrick_class", 1.0, 3.0),
        ("laxity_aa_grade", 0.0, 4.0),
        ("texture_aa_grade", 0.0, 4.0),
        ("melanin_index_mexameter", 0.0, 999.0),
        ("pih_risk_pct", 0.0, 100.0),
        ("profilometry_rz_um", 0.0, 1e4),
    ] {
        let v = get(n);
        assert!(v.is_finite() && (lo..=hi).contains(&v), "{n} = {v}");
    }
    assert!(get("laxity_aa_grade") < get("laxity_aa_grade_baseline"));
    assert!(get("profilometry_ra_um") < get("profilometry_ra_um_baseline"));
    assert!(get("scar_gb_quantitative_points") <= get("scar_gb_quantitative_points_baseline"));
    for m in &o.meaning {
        assert!(!m.text.contains("NaN") && !m.text.contains("inf"), "{}", m.text);
        println!("{}", m.text);
    }
}

/// Bad new inputs are errors that name the field.
#[test]
fn bad_clinical_inputs_name_the_field() {
    let c = course(&[0.0], 30.0, STANDARD, 1000.0, 90.0);
    let mut inp = inputs(c, 40.0);
    inp.scar = Some(rolling(300.0, 3000.0, 0));
    let e = compute_outcomes(&inp, &p()).unwrap_err().to_string();
    assert!(e.contains("scar.count"), "{e}");
    inp.scar = None;
    inp.pigment = Some(PigmentLesion {
        excess_melanin: 0.5,
        area_fraction: 0.3,
        region_area_fraction: Some([0.3, 1.5, 0.3, 0.1]),
    });
    let e = compute_outcomes(&inp, &p()).unwrap_err().to_string();
    assert!(e.contains("pigment.region_area_fraction[1]") && e.contains("1.5"), "{e}");
    inp.pigment = None;
    inp.patient.laxity_grade = Some(4.5);
    let e = compute_outcomes(&inp, &p()).unwrap_err().to_string();
    assert!(e.contains("laxity_grade"), "{e}");
    let bad = OutcomeParams { lemperle_depth_limits_um: [50.0, 40.0, 400.0, 800.0, 1600.0], ..p() };
    let e =
        compute_outcomes(&inputs(course(&[0.0], 30.0, STANDARD, 1000.0, 90.0), 40.0), &bad).unwrap_err().to_string();
    assert!(e.contains("lemperle_depth_limits_um"), "{e}");
}
