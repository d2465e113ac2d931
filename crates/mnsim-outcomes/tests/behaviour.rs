//! Hand-computed cases, directions of change, "no change in → no change out", typed errors and
//! no NaN ever.

mod common;
use approx::assert_relative_eq;
use common::*;
use mnsim_outcomes::*;

fn p() -> OutcomeParams {
    OutcomeParams::default()
}

fn two_point(end: impl Fn(&mut TissueCourse)) -> TissueCourse {
    let mut c = TissueCourse::unchanged(vec![0.0, 90.0], vec![0.0], 1000.0, 90.0);
    end(&mut c);
    c
}

#[test]
fn no_change_in_tissue_means_no_change_in_any_outcome() {
    let c = TissueCourse::unchanged(grid(&monthly(3), 150.0), monthly(3), 1000.0, 90.0);
    let mut inp = inputs(c, 40.0);
    inp.scar = Some(AtrophicScar { kind: ScarKind::Rolling, depth_um: 300.0, width_um: 4000.0, count: None });
    inp.striae = Some(Striae { kind: StriaeKind::Alba, width_um: 3000.0, dermal_deficit_pct: 30.0 });
    inp.pigment = Some(PigmentLesion { excess_melanin: 0.5, area_fraction: 0.4, region_area_fraction: None });
    let o = compute_outcomes(&inp, &p()).unwrap();
    let summary = o.summary();
    // a clinical read-out `x` equals its `x_baseline` (docs/model/outcomes.md § 11)
    let baseline_of = |name: &str| {
        let b = format!("{name}_baseline");
        let b = name
            .strip_suffix("_um")
            .map(|s| format!("{s}_um_baseline"))
            .filter(|_| name.starts_with("profilometry"))
            .unwrap_or(b);
        summary.iter().find(|r| r.0 == b).map(|r| r.1)
    };
    for (name, v, _) in o.summary() {
        let base = match name.as_str() {
            _ if name.ends_with("_baseline") => v,
            _ if baseline_of(&name).is_some() => baseline_of(&name).unwrap_or(f64::NAN),
            "scar_count" => 15.0,
            "wrinkle_lemperle_score" => o.clinical.wrinkle.lemperle_score_baseline,
            "wrinkle_fitzpatrick_class" => 1.0,
            "melanin_index_mexameter_peak" => 230.0,
            "collagen_iii_share_pct" => o.matrix.collagen_iii_share_baseline_pct,
            "new_collagen_fraction_pct" => v, // estimated: old collagen decays over 15 y half-life
            "dermis_um" => 1000.0,
            "dermis_hfus_um" => 890.0,
            "epidermis_um" => 90.0,
            "cutometer_r0_mm" => o.elasticity.r0_baseline_mm,
            "cutometer_r2" => o.elasticity.r2_baseline,
            "cutometer_r7" => o.elasticity.r7_baseline,
            "wrinkle_depth_um" => o.texture.wrinkle_depth_baseline_um,
            "roughness_ra_um" => o.texture.roughness_ra_baseline_um,
            "scar_depth_um" => 300.0,
            "scar_grade" => 3.0,
            "striae_deficit_pct" => 30.0,
            "masi_like" => o.pigment.as_ref().unwrap().masi_baseline,
            "melanin_evenness" => o.pigment.as_ref().unwrap().evenness_baseline,
            "tewl_peak_g_m2_h" => 12.0,
            _ => 0.0,
        };
        assert!((v - base).abs() < 1e-9, "{name} = {v}, expected {base}");
    }
    // the estimated new-collagen fraction is only the turnover of old collagen: ≈ 0.8 % in 150 d
    assert!(o.matrix.new_collagen_fraction_pct < 2.0);
    assert!(o.scar.as_ref().unwrap().after_session.iter().all(|a| a.depth_um == 300.0));
    assert!(o.barrier.sessions.iter().all(|s| s.tewl_recovery_h == 0.0 && s.erythema_visible_d == 0.0));
}

#[test]
fn collagen_and_elastin_by_hand() {
    let c = two_point(|c| {
        c.collagen_i_rel[1] = 1.2;
        c.elastin_rel[1] = 0.9;
        c.new_collagen_rel = Some(vec![0.0, 0.2]);
    });
    let o = compute_outcomes(&inputs(c, 40.0), &p()).unwrap();
    // C = (0.8·1.2 + 0.15·1)/0.95 = 1.168421
    assert_relative_eq!(o.matrix.collagen_change_pct, 16.842105, epsilon = 1e-5);
    assert_relative_eq!(o.matrix.collagen_i_change_pct, 20.0, epsilon = 1e-9);
    assert_relative_eq!(o.matrix.elastin_change_pct, -10.0, epsilon = 1e-9);
    // share III = 0.15/(0.96 + 0.15) = 13.5135 %; baseline 15.7895 %
    assert_relative_eq!(o.matrix.collagen_iii_share_pct, 13.513514, epsilon = 1e-5);
    assert_relative_eq!(o.matrix.collagen_iii_share_baseline_pct, 15.789474, epsilon = 1e-5);
    // new = 0.2/1.168421 = 17.117 %
    assert_relative_eq!(o.matrix.new_collagen_fraction_pct, 17.117117, epsilon = 1e-5);
    assert!(!o.matrix.new_collagen_estimated);
}

#[test]
fn thickness_and_hfus_by_hand() {
    let c = two_point(|c| {
        c.dermal_thickness_um[1] = 1050.0;
        c.epidermal_thickness_um[1] = 126.0;
    });
    let o = compute_outcomes(&inputs(c, 40.0), &p()).unwrap();
    let t = &o.thickness;
    assert_relative_eq!(t.dermis_change_pct, 5.0, epsilon = 1e-9);
    assert_relative_eq!(t.epidermis_change_pct, 40.0, epsilon = 1e-9);
    // HFUS: dermis below a 200 µm entry echo: 1000 − 110 = 890; 1050 − 74 = 976
    assert_relative_eq!(t.dermis_hfus_baseline_um, 890.0, epsilon = 1e-9);
    assert_relative_eq!(t.dermis_hfus_um, 976.0, epsilon = 1e-9);
}

#[test]
fn elasticity_and_texture_by_hand() {
    let c = two_point(|c| {
        c.collagen_i_rel[1] = 1.1;
        c.collagen_iii_rel[1] = 1.1;
    });
    let o = compute_outcomes(&inputs(c, 40.0), &p()).unwrap();
    let e = &o.elasticity;
    // E = 0.9·1.1² + 0.1 = 1.189; R0 = 0.35/1.189; R2_0 = 0.88 − 0.004·20 = 0.80; S = 1.05
    assert_relative_eq!(e.dermal_stiffness_change_pct, 18.9, epsilon = 1e-9);
    assert_relative_eq!(e.r0_baseline_mm, 0.35, epsilon = 1e-12);
    assert_relative_eq!(e.r0_mm, 0.35 / 1.189, epsilon = 1e-12);
    assert_relative_eq!(e.r2_baseline, 0.80, epsilon = 1e-12);
    assert_relative_eq!(e.r2, 1.0 - 0.2 / 1.05, epsilon = 1e-12);
    assert_relative_eq!(e.r7_baseline, 0.52, epsilon = 1e-12);
    assert_relative_eq!(e.r7, 1.0 - 0.48 / 1.05, epsilon = 1e-12);
    // W = 150·1.189^(−1/3)
    assert_relative_eq!(o.texture.wrinkle_depth_um, 150.0 * 1.189f64.powf(-1.0 / 3.0), epsilon = 1e-9);
    assert_relative_eq!(o.texture.roughness_ra_um, 20.0 * 1.189f64.powf(-1.0 / 3.0), epsilon = 1e-9);
}

#[test]
fn more_collagen_means_thicker_firmer_more_elastic_smoother() {
    let mut last: Option<Outcomes> = None;
    for k in [0.0, 0.5, 1.0, 2.0, 4.0] {
        let c = course(&monthly(4), 180.0, scaled(STANDARD, k), 1000.0, 90.0);
        let o = compute_outcomes(&inputs(c, 50.0), &p()).unwrap();
        if let Some(prev) = &last {
            assert!(o.matrix.collagen_change_pct > prev.matrix.collagen_change_pct);
            assert!(o.thickness.dermis_um > prev.thickness.dermis_um, "thicker");
            assert!(o.elasticity.r0_mm < prev.elasticity.r0_mm, "firmer = lower R0");
            assert!(o.elasticity.r2 > prev.elasticity.r2, "higher R2");
            assert!(o.elasticity.r7 > prev.elasticity.r7, "higher R7");
            assert!(o.texture.wrinkle_depth_um < prev.texture.wrinkle_depth_um, "shallower lines");
            assert!(o.texture.roughness_ra_um < prev.texture.roughness_ra_um);
        }
        last = Some(o);
    }
}

#[test]
fn more_elastin_alone_raises_r2_and_r7() {
    let lo = two_point(|c| c.elastin_rel[1] = 1.0);
    let hi = two_point(|c| c.elastin_rel[1] = 1.3);
    let a = compute_outcomes(&inputs(lo, 60.0), &p()).unwrap();
    let b = compute_outcomes(&inputs(hi, 60.0), &p()).unwrap();
    assert!(b.elasticity.r2 > a.elasticity.r2 && b.elasticity.r7 > a.elasticity.r7);
    assert!(b.elasticity.r7 <= b.elasticity.r2, "Ur ≤ Ua");
}

#[test]
fn scar_by_hand_and_a_filled_scar_is_shallower_with_a_lower_grade() {
    let scar = AtrophicScar { kind: ScarKind::Rolling, depth_um: 300.0, width_um: 4000.0, count: None };
    // Δh = 50 µm, net gain (3·1 − 1) = 2 → 300 − 100 = 200 µm
    assert_relative_eq!(scar::scar_depth_um(&scar, 50.0, &p()), 200.0, epsilon = 1e-12);
    assert_eq!(scar::goodman_baron_grade(300.0, 4000.0, &p()), 3);
    assert_eq!(scar::goodman_baron_grade(100.0, 4000.0, &p()), 2);
    assert_eq!(scar::goodman_baron_grade(30.0, 4000.0, &p()), 1);
    assert_eq!(scar::goodman_baron_grade(600.0, 800.0, &p()), 4, "deep ice-pick");
    assert_eq!(scar::goodman_baron_grade(300.0, 600.0, &p()), 4, "steep: not flattened by stretching");
    // ice-pick scars respond least: (3·0.4 − 1)·50 = 10 µm
    let ice = AtrophicScar { kind: ScarKind::IcePick, depth_um: 300.0, width_um: 1000.0, count: None };
    assert_relative_eq!(scar::scar_depth_um(&ice, 50.0, &p()), 290.0, epsilon = 1e-9);

    let mut prev = (f64::MAX, u8::MAX);
    for gain in [0.0, 10.0, 40.0, 80.0, 120.0] {
        let c = two_point(|c| c.dermal_thickness_um[1] = 1000.0 + gain);
        let mut inp = inputs(c, 30.0);
        inp.scar = Some(scar);
        let s = compute_outcomes(&inp, &p()).unwrap().scar.unwrap();
        assert!(s.follow_up.depth_um < prev.0 || gain == 0.0);
        assert!(s.follow_up.grade <= prev.1);
        prev = (s.follow_up.depth_um, s.follow_up.grade);
    }
    assert_eq!(prev.1, 2, "a filled 300 µm scar (−240 µm) is grade 2");
}

#[test]
fn scar_is_assessed_after_every_session_and_at_follow_up() {
    let c = course(&monthly(3), 150.0, STANDARD, 1000.0, 90.0);
    let mut inp = inputs(c, 30.0);
    inp.scar = Some(AtrophicScar { kind: ScarKind::Boxcar, depth_um: 250.0, width_um: 3000.0, count: None });
    let s = compute_outcomes(&inp, &p()).unwrap().scar.unwrap();
    assert_eq!(s.after_session.len(), 3);
    assert_eq!(s.after_session.iter().map(|a| a.t_d).collect::<Vec<_>>(), vec![30.0, 60.0, 90.0]);
    for w in s.after_session.windows(2) {
        assert!(w[1].depth_um < w[0].depth_um, "deepens never, fills every session");
    }
    assert!(s.follow_up.depth_um <= s.after_session[2].depth_um);
    assert_eq!(s.depth_um_series.len(), inp.course.len());
}

#[test]
fn striae_by_hand_and_rubra_respond_better_than_alba() {
    let s = Striae { kind: StriaeKind::Rubra, width_um: 3000.0, dermal_deficit_pct: 30.0 };
    // band 2000·0.7 + 3·1·100 = 1700; surround 2100 → 19.048 %
    assert_relative_eq!(
        scar::striae_deficit_pct(&s, 2000.0, 100.0, &p()),
        100.0 * (1.0 - 1700.0 / 2100.0),
        epsilon = 1e-9
    );
    let alba = Striae { kind: StriaeKind::Alba, ..s };
    assert!(scar::striae_deficit_pct(&alba, 2000.0, 100.0, &p()) > scar::striae_deficit_pct(&s, 2000.0, 100.0, &p()));
    assert_eq!(Response::from_improvement_pct(80.0), Response::Excellent);
    assert_eq!(Response::from_improvement_pct(60.0), Response::Marked);
    assert_eq!(Response::from_improvement_pct(30.0), Response::Moderate);
    assert_eq!(Response::from_improvement_pct(-5.0), Response::Minimal);
}

#[test]
fn pigment_metrics_by_hand() {
    let q = p();
    // E = 0.5, a = 0.4: darkness 2, visible 0.9 → a_vis 0.36 → A = 2.3; MASI = 2.3·(2 + 2)
    assert_relative_eq!(pigment::masi_like(0.5, 0.4, &q), 9.2, epsilon = 1e-12);
    assert_relative_eq!(pigment::masi_area_score(0.05), 0.5, epsilon = 1e-12);
    assert_relative_eq!(pigment::masi_area_score(1.0), 6.0);
    // evenness: 1 − √0.24·0.5/1.2
    assert_relative_eq!(pigment::evenness_index(0.5, 0.4), 100.0 * (1.0 - 0.24f64.sqrt() * 0.5 / 1.2), epsilon = 1e-12);
    assert_relative_eq!(pigment::evenness_index(0.0, 0.4), 100.0);
    // constant inhibition 0.5 for one turnover time: D = 0.5 + 0.5/e
    let d = DeliverySummary { home_depigmenting_inhibition: 0.5, ..Default::default() };
    let dep = pigment::depigmentation_factor(&[0.0, 40.0], &[], &d, &q);
    assert_relative_eq!(dep[1], 0.5 + 0.5 * (-1.0f64).exp(), epsilon = 1e-12);
}

#[test]
fn more_depigmenting_active_means_lower_melanin_index_and_masi() {
    let sessions = every(6, 14.0);
    let c = course(&sessions, 100.0, STANDARD, 1000.0, 90.0);
    let mut prev: Option<(f64, f64, f64)> = None;
    for amount in [0.0, 1.0, 5.0, 20.0, 100.0] {
        let mut inp = inputs(c.clone(), 40.0);
        inp.pigment = Some(PigmentLesion { excess_melanin: 0.5, area_fraction: 0.4, region_area_fraction: None });
        inp.delivery = DeliverySummary {
            depigmenting_active: Some("tranexamic_acid".into()),
            depigmenting_amount_ug_per_cm2: vec![amount; 6],
            home_depigmenting_inhibition: 0.0,
            ..Default::default()
        };
        let pg = compute_outcomes(&inp, &p()).unwrap().pigment.unwrap();
        let now = (pg.lesion_melanin_index_change_pct, pg.masi, pg.evenness);
        if let Some(b) = prev {
            assert!(now.0 < b.0, "melanin index falls with dose: {now:?} vs {b:?}");
            assert!(now.1 < b.1, "MASI falls with dose");
            assert!(now.2 > b.2, "evenness rises with dose");
        } else {
            assert_eq!(now.0, 0.0, "no active, neutral course: no change");
        }
        prev = Some(now);
    }
}

#[test]
fn barrier_dip_raises_tewl_and_recovers_after_tau_ln10() {
    let tau = 2.0 / 24.0; // 2 h
    let t: Vec<f64> = (0..=2000).map(|i| i as f64 * 0.001).collect();
    let mut c = TissueCourse::unchanged(t.clone(), vec![0.0], 1000.0, 90.0);
    for (i, ti) in t.iter().enumerate() {
        c.barrier_integrity[i] = 1.0 - 0.5 * (-ti / tau).exp();
        c.inflammation_rel[i] = 0.4 * (-ti).exp();
    }
    let o = compute_outcomes(&inputs(c, 40.0), &p()).unwrap();
    let b = &o.barrier;
    // TEWL = 12·(1 + 10·0.5) = 72 at the dip
    assert_relative_eq!(b.tewl_peak_g_m2_h, 72.0, epsilon = 1e-9);
    // excess ∝ e^(−t/τ): back below 10 % of peak at τ·ln 10 = 4.605 h
    assert_relative_eq!(b.tewl_recovery_h, 2.0 * std::f64::consts::LN_10, epsilon = 0.01);
    assert!(!b.sessions[0].tewl_recovery_censored);
    // inflammation 0.4·e^(−t) above 0.1 for ln 4 = 1.386 d
    assert_relative_eq!(b.erythema_visible_d, 4.0f64.ln(), epsilon = 1e-3);
    // measurable (> 1/30): ln 12 = 2.485 d, but the window ends at 2 d
    assert_relative_eq!(b.sessions[0].erythema_measurable_d, 2.0, epsilon = 1e-9);
    assert_relative_eq!(b.sessions[0].erythema_peak_delta_a, 4.0, epsilon = 1e-9);
}

#[test]
fn deeper_barrier_loss_and_more_inflammation_mean_longer_downtime() {
    let mut prev = (0.0, 0.0);
    for k in [0.2, 0.5, 1.0, 1.5] {
        let c = course(&[0.0], 20.0, scaled(STANDARD, k), 1000.0, 90.0);
        let b = compute_outcomes(&inputs(c, 40.0), &p()).unwrap().barrier;
        assert!(b.tewl_peak_g_m2_h > prev.0);
        assert!(b.erythema_visible_d > prev.1 || (prev.1 == 0.0 && b.erythema_visible_d == 0.0));
        prev = (b.tewl_peak_g_m2_h, b.erythema_visible_d);
    }
}

#[test]
fn invalid_inputs_are_typed_errors_naming_the_field() {
    let good = inputs(TissueCourse::unchanged(vec![0.0, 1.0, 2.0], vec![0.0], 1000.0, 90.0), 40.0);
    let err = |f: &dyn Fn(&mut OutcomeInputs)| {
        let mut i = good.clone();
        f(&mut i);
        compute_outcomes(&i, &p()).unwrap_err().to_string()
    };
    assert!(
        err(&|i| i.course.dermal_thickness_um.pop().map(|_| ()).unwrap())
            .contains("dermal_thickness_um has 2 values but times_d has 3")
    );
    assert!(err(&|i| i.course.dermal_thickness_um[1] = f64::NAN).contains("dermal_thickness_um[1] = NaN"));
    assert!(
        err(&|i| i.course.collagen_i_rel[2] = -0.1)
            .contains("collagen_i_rel[2] = -0.1 is outside the allowed range (0, 100]")
    );
    assert!(err(&|i| i.course.barrier_integrity[0] = 1.5).contains("barrier_integrity[0] = 1.5"));
    assert!(err(&|i| i.course.inflammation_rel[0] = f64::INFINITY).contains("inflammation_rel[0]"));
    assert!(err(&|i| i.course.times_d[2] = 0.5).contains("must increase strictly"));
    assert!(err(&|i| i.course.session_days = vec![5.0]).contains("session_days[0] = 5"));
    assert!(err(&|i| i.course.times_d = vec![0.0]).contains("at least 2"));
    assert!(
        err(&|i| i.delivery.depigmenting_amount_ug_per_cm2 = vec![1.0, 2.0]).contains("depigmenting_amount_ug_per_cm2")
    );
    assert!(err(&|i| i.delivery.home_depigmenting_inhibition = 1.0).contains("home_depigmenting_inhibition = 1"));
    assert!(err(&|i| i.patient.fitzpatrick = 7).contains("fitzpatrick = 7"));
    assert!(
        err(&|i| i.scar = Some(AtrophicScar { kind: ScarKind::Boxcar, depth_um: 0.0, width_um: 1.0, count: None }))
            .contains("scar.depth_um = 0")
    );
    assert!(
        err(&|i| i.pigment =
            Some(PigmentLesion { excess_melanin: 0.5, area_fraction: 1.2, region_area_fraction: None }))
        .contains("pigment.area_fraction = 1.2")
    );
    let bad = OutcomeParams { melanin_turnover_d: 0.0, ..OutcomeParams::default() };
    let e = compute_outcomes(&good, &bad).unwrap_err();
    assert!(matches!(e, OutcomeError::OutOfRange { ref field, .. } if field == "melanin_turnover_d"));
}

#[test]
fn outcomes_round_trip_through_json_and_carry_one_sentence_per_benefit() {
    let c = course(&monthly(3), 150.0, STANDARD, 1000.0, 90.0);
    let mut inp = inputs(c, 35.0);
    inp.scar = Some(AtrophicScar { kind: ScarKind::Rolling, depth_um: 300.0, width_um: 4000.0, count: None });
    inp.pigment = Some(PigmentLesion { excess_melanin: 0.5, area_fraction: 0.4, region_area_fraction: None });
    let text = serde_json::to_string(&inp).unwrap();
    let back: OutcomeInputs = serde_json::from_str(&text).unwrap();
    let o = compute_outcomes(&inp, &p()).unwrap();
    // serde_json parses floats to within an ulp, so compare outcomes with a tolerance
    let ob = compute_outcomes(&back, &p()).unwrap();
    for (a, b) in o.summary().iter().zip(ob.summary()) {
        assert!((a.1 - b.1).abs() <= 1e-9 * (1.0 + a.1.abs()), "{} {} {}", a.0, a.1, b.1);
    }
    let j = serde_json::to_string(&o).unwrap();
    let o2: Outcomes = serde_json::from_str(&j).unwrap();
    assert_eq!(o2.summary().len(), o.summary().len());
    let benefits: Vec<Benefit> = o.meaning.iter().map(|m| m.benefit).collect();
    for b in [
        Benefit::Texture,
        Benefit::ScarRevision,
        Benefit::Pigmentation,
        Benefit::Tightening,
        Benefit::Rejuvenation,
        Benefit::Downtime,
    ] {
        assert!(benefits.contains(&b), "{b:?} missing");
    }
    let scar_text = &o.meaning.iter().find(|m| m.benefit == Benefit::ScarRevision).unwrap().text;
    assert!(scar_text.contains("rolling scar goes from 300 to"), "{scar_text}");
    for m in &o.meaning {
        assert!(!m.text.contains("NaN") && !m.text.contains("inf"), "{}", m.text);
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Any valid course gives finite outcomes; any garbage gives an error, never a panic.
        #[test]
        fn never_nan(k in 0.0f64..6.0, age in 0.0f64..120.0, d0 in 1.0f64..3000.0,
                     w in 1.0f64..20000.0, e in 0.01f64..5.0, a in 0.01f64..1.0,
                     amt in 0.0f64..1000.0, ih in 0.0f64..0.99, junk in -1e3f64..1e3) {
            let c = course(&monthly(3), 120.0, scaled(STANDARD, k), 800.0, 70.0);
            let mut inp = inputs(c, age);
            inp.scar = Some(AtrophicScar { kind: ScarKind::IcePick, depth_um: d0, width_um: w, count: None });
            inp.striae = Some(Striae { kind: StriaeKind::Rubra, width_um: w, dermal_deficit_pct: 50.0 });
            inp.pigment = Some(PigmentLesion { excess_melanin: e, area_fraction: a, region_area_fraction: None });
            inp.delivery.depigmenting_amount_ug_per_cm2 = vec![amt; 3];
            inp.delivery.home_depigmenting_inhibition = ih;
            let o = compute_outcomes(&inp, &OutcomeParams::default()).unwrap();
            for (n, v, _) in o.summary() {
                prop_assert!(v.is_finite(), "{} = {}", n, v);
            }
            let mut bad = inp.clone();
            bad.course.melanin_rel[5] = junk;
            let r = compute_outcomes(&bad, &OutcomeParams::default());
            if let Ok(o) = r {
                prop_assert!(o.summary().iter().all(|x| x.1.is_finite()));
            }
        }
    }
}

#[test]
fn ensemble_summary_of_a_seeded_ensemble() {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let members: Vec<Outcomes> = (0..50)
        .map(|_| {
            let k = 0.5 + rng.random::<f64>();
            let c = course(&monthly(3), 120.0, scaled(STANDARD, k), 1000.0, 90.0);
            compute_outcomes(&inputs(c, 40.0), &OutcomeParams::default()).unwrap()
        })
        .collect();
    let s = summarise_outcomes(&members, 0.05, 0.95).unwrap();
    let col = s.iter().find(|i| i.name == "collagen_change_pct").unwrap();
    assert_eq!(col.n, 50);
    assert!(col.lo < col.median && col.median < col.hi, "{col:?}");
    assert_eq!(col.unit, "%");
    // deterministic under the seed
    let again = summarise_outcomes(&members, 0.05, 0.95).unwrap();
    assert_eq!(s, again);
}

/// Session inhibition-days and a home topical both lighten, more with more; out-of-range
/// values are rejected with the field named.
#[test]
fn inhibition_days_and_home_topical_lighten_monotonically() {
    let sessions = [0.0, 30.0];
    let c = course(&sessions, 100.0, STANDARD, 1000.0, 120.0);
    let masi_with = |d: DeliverySummary| {
        let mut inp = inputs(c.clone(), 40.0);
        inp.pigment = Some(PigmentLesion { excess_melanin: 0.5, area_fraction: 0.4, region_area_fraction: None });
        inp.delivery = d;
        let pg = compute_outcomes(&inp, &p()).unwrap().pigment.unwrap();
        assert!(pg.masi.is_finite() && pg.evenness.is_finite());
        pg.masi
    };
    let mut last = masi_with(DeliverySummary::default());
    for phi in [0.1, 1.0, 5.0, 50.0] {
        let m = masi_with(DeliverySummary { session_inhibition_d: vec![phi; 2], ..Default::default() });
        assert!(m < last, "Φ {phi}: {m} vs {last}");
        last = m;
    }
    let mut last = masi_with(DeliverySummary::default());
    for i in [0.05, 0.2, 0.5, 0.9] {
        let m =
            masi_with(DeliverySummary { home_active_inhibition: i, home_active_from_day: 1.0, ..Default::default() });
        assert!(m < last, "home {i}: {m} vs {last}");
        last = m;
    }
    // stopping the home topical early gives back some of the lightening
    let full = masi_with(DeliverySummary { home_active_inhibition: 0.5, ..Default::default() });
    let stopped = masi_with(DeliverySummary {
        home_active_inhibition: 0.5,
        home_active_to_day: Some(30.0),
        ..Default::default()
    });
    assert!(stopped > full);
    for (d, field) in [
        (DeliverySummary { home_active_inhibition: 1.5, ..Default::default() }, "home_active_inhibition"),
        (DeliverySummary { session_inhibition_d: vec![1.0], ..Default::default() }, "session_inhibition_d"),
        (DeliverySummary { session_inhibition_d: vec![f64::NAN; 2], ..Default::default() }, "session_inhibition_d[0]"),
        (
            DeliverySummary { home_active_from_day: 10.0, home_active_to_day: Some(5.0), ..Default::default() },
            "home_active_to_day",
        ),
    ] {
        let mut inp = inputs(c.clone(), 40.0);
        inp.pigment = Some(PigmentLesion { excess_melanin: 0.5, area_fraction: 0.4, region_area_fraction: None });
        inp.delivery = d;
        let e = compute_outcomes(&inp, &p()).unwrap_err().to_string();
        assert!(e.contains(field), "{e}");
    }
}
