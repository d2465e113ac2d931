//! Verification: homeostasis, positivity/boundedness, solver and grid convergence, API checks.
mod common;
use common::*;
use mnsim_core::ChannelSet;
use mnsim_healing::{HealingError, HealingSettings, Var, simulate};

/// Homeostasis: with no injury every variable stays at baseline for a simulated year, with the
/// integrator forced to run in every cell at every step (`integrate_resting_cells`; the
/// production run skips cells at rest, which would make this test vacuous).
/// Tolerance: |x − x₀| ≤ 1e-9 (absolute, all variables are O(1)): the kinetics must vanish at
/// the homeostatic state and the stiff integrator must keep a steady state steady.
#[test]
fn homeostasis_holds_for_a_year_without_injury_at_any_age() {
    for age in [25.0, 70.0] {
        // a coarse grid (2 × 2 columns) keeps the forced year cheap; homeostasis is per cell
        let s = HealingSettings {
            follow_up_d: 365.0,
            integrate_resting_cells: true,
            tissue_cell_um: 1500.0,
            ..Default::default()
        };
        // one session time, but no channels
        let r = simulate(&cheek(age), &ChannelSet::default(), patch(), &[0.0], &s).unwrap();
        assert!((r.simulated_d - 365.0).abs() < 1e-9);
        assert!(r.stats.cell_solves > 0 && r.stats.cell_skips == 0, "integrator did not run: {:?}", r.stats);
        for se in &r.time_courses.series {
            let x0 = se.values[0];
            for &x in &se.values {
                assert!((x - x0).abs() <= 1e-9, "{} in {} drifted {x0} -> {x}", se.variable, se.region);
            }
        }
        let h = &r.headline;
        for v in
            [h.collagen_change_pct, h.elastin_change_pct, h.dermal_thickness_change_pct, h.melanin_index_change_pct]
        {
            assert!(v.abs() < 1e-7, "{h:?}");
        }
        assert_eq!(h.downtime_d, 0.0);
    }
}

/// Channels that did not pierce (depth 0) injure nothing: no change.
#[test]
fn zero_depth_channels_change_nothing() {
    let r = course(2, 100, 0.0, 28.0, 60.0);
    assert!(r.headline.collagen_change_pct.abs() < 1e-9);
    assert_eq!(r.sessions[0].n_channels, 0);
}

/// Positivity and boundedness under 8 sessions a week apart with 2.5 mm needles (deeper than
/// the whole cheek dermis) and a dense pen-like density.
#[test]
fn eight_weekly_sessions_of_2_5_mm_stay_positive_finite_and_bounded() {
    let r = course(8, 600, 2500.0, 7.0, 60.0);
    let rates = mnsim_healing::Rates::default();
    for se in &r.time_courses.series {
        for &x in &se.values {
            assert!(x.is_finite(), "{} {}", se.variable, se.region);
            assert!(x >= -1e-12, "{} in {} negative: {x}", se.variable, se.region);
        }
        let max = se.values.iter().cloned().fold(0.0, f64::max);
        match se.variable.as_str() {
            "epidermal_coverage" | "barrier_function" | "clot" | "wound_fraction" => {
                assert!(max <= 1.0 + 1e-9)
            }
            "capillary_density" => assert!(max <= rates.cap_max + 1e-6),
            "fibroblasts" => assert!(max <= rates.fib_capacity + 1e-6),
            "collagen_total" => assert!(max <= rates.col_capacity + 1e-6),
            _ => {}
        }
    }
    for (name, v, _) in r.summary() {
        assert!(v.is_finite(), "{name}");
    }
    assert!(r.sessions.iter().all(|s| s.n_bleeding == 600));
}

fn headline(r: &mnsim_healing::HealingResult) -> Vec<(&'static str, f64)> {
    let h = &r.headline;
    vec![
        ("collagen_change_pct", h.collagen_change_pct),
        ("collagen_I_change_pct", h.collagen_i_change_pct),
        ("collagen_III_change_pct", h.collagen_iii_change_pct),
        ("elastin_change_pct", h.elastin_change_pct),
        ("dermal_thickness_change_pct", h.dermal_thickness_change_pct),
        ("reepithelialisation_h", h.reepithelialisation_h),
        ("downtime_d", h.downtime_d),
        ("barrier_recovery_h", h.barrier_recovery_h),
    ]
}

/// Tightening the integrator tolerances tenfold changes every headline output by < 1 %.
#[test]
fn tolerance_tightening_changes_headlines_by_less_than_one_percent() {
    let base = HealingSettings { follow_up_d: 90.0, ..Default::default() };
    let tight = HealingSettings { rtol: base.rtol / 10.0, atol: base.atol / 10.0, ..base.clone() };
    let a = course_with(cheek(40.0), 3, STD_PER, STD_DEPTH, 28.0, base);
    let b = course_with(cheek(40.0), 3, STD_PER, STD_DEPTH, 28.0, tight);
    for ((n, x), (_, y)) in headline(&a).into_iter().zip(headline(&b)) {
        let rel = (x - y).abs() / x.abs().max(1e-9);
        assert!(rel < 0.01, "{n}: {x} vs {y} ({:.3} %)", 100.0 * rel);
    }
}

/// Grid refinement in both directions around the default (columns 1000 → 500 (default) →
/// 250 µm, dermal slabs 800 → 400 → 200 µm), one session, 30 days. Stated tolerances:
/// coarsening changes the collagen/thickness headlines by < 10 % of their value and the
/// recovery times by < 15 % (asserted). The refined grid is printed, not asserted: with the
/// cell-mean wound model refining moved collagen by 14 % (9.22 → 8.91 → 7.63 %); with the
/// sub-cell model, the default since 2026-12-02, and the torn band of 2026-12-03, 9.87 → 9.86 →
/// 9.54 % (refining −3.2 %, thickness −3.3 %, downtime −1.2 %). The 2 % study is
/// `default_grid_is_within_two_percent_of_the_125_um_grid` in tests/convergence.rs; the
/// wound-resolving check that stays in the default run is
/// `dense_session_agrees_with_a_grid_that_resolves_its_wounds`.
#[test]
fn grid_refinement_both_directions() {
    let at = |cell: f64, slab: f64| {
        let s = HealingSettings { follow_up_d: 30.0, tissue_cell_um: cell, dermis_slab_um: slab, ..Default::default() };
        headline(&course_with(cheek(40.0), 1, STD_PER, STD_DEPTH, 28.0, s))
    };
    let (coarse, default, fine) = (at(1000.0, 800.0), at(500.0, 400.0), at(250.0, 200.0));
    for ((c, d), f) in coarse.iter().zip(&default).zip(&fine) {
        let (n, x) = (d.0, d.1);
        let rel_c = (c.1 - x).abs() / x.abs().max(1e-9);
        let rel_f = (f.1 - x).abs() / x.abs().max(1e-9);
        eprintln!(
            "{n}: coarse {:.4} default {x:.4} fine {:.4} (coarsening {:.2} %, refining {:.2} %)",
            c.1,
            f.1,
            100.0 * rel_c,
            100.0 * rel_f
        );
        let tol = if n.ends_with("_h") || n.ends_with("_d") { 0.15 } else { 0.10 };
        assert!(rel_c < tol, "{n}: coarsening {x} -> {}", c.1);
    }
}

#[test]
fn settings_validate_name_the_field_and_reject_unknown_keys() {
    HealingSettings::default().validate().unwrap();
    let mut s = HealingSettings::default();
    s.tissue_cell_um = 1.0;
    let e = s.validate().unwrap_err().to_string();
    assert!(e.contains("tissue_cell_um") && e.contains("1") && e.contains("50"), "{e}");
    let mut s = HealingSettings::default();
    s.rates.tgfb_decay_per_d = f64::NAN;
    assert!(s.validate().unwrap_err().to_string().contains("rates.tgfb_decay_per_d"));
    let json = serde_json::to_string(&HealingSettings::default()).unwrap();
    let back: HealingSettings = serde_json::from_str(&json).unwrap();
    assert_eq!(back, HealingSettings::default());
    let bad = r#"{"follow_up_days": 10}"#;
    assert!(serde_json::from_str::<HealingSettings>(bad).is_err());
    let partial: HealingSettings = serde_json::from_str(r#"{"follow_up_d": 30, "rates": {"cap_max": 3.0}}"#).unwrap();
    assert_eq!(partial.follow_up_d, 30.0);
    assert_eq!(partial.rates.cap_max, 3.0);
    let schema = schemars::schema_for!(HealingSettings);
    assert!(serde_json::to_string(&schema).unwrap().contains("follow_up_d"));
}

#[test]
fn bad_inputs_are_errors_not_panics() {
    let s = HealingSettings::default();
    let ch = channels(2, 10, 500.0, 28.0);
    let e = simulate(&cheek(40.0), &ch, patch(), &[0.0], &s).unwrap_err();
    assert!(matches!(e, HealingError::Channels(_)), "{e}");
    let e = simulate(&cheek(40.0), &ch, patch(), &[10.0, 5.0], &s).unwrap_err();
    assert!(matches!(e, HealingError::SessionTimes(_)));
    let e =
        simulate(&cheek(40.0), &ch, mnsim_core::Patch { width_um: 0.0, height_um: 1.0 }, &[0.0, 1.0], &s).unwrap_err();
    assert!(matches!(e, HealingError::Geometry(_)));
}

/// Outputs: every state variable per layer and patch, tidy rows, summary names, maps.
#[test]
fn outputs_cover_every_variable_layer_and_the_required_summary() {
    let r = course(2, STD_PER, STD_DEPTH, 14.0, 40.0);
    for v in Var::ALL {
        for region in ["viable_epidermis", "papillary_dermis", "reticular_dermis", "subcutis", "patch"] {
            assert!(r.time_courses.get(v.name(), region).is_some(), "{} {region}", v.name());
        }
    }
    let tidy = r.time_courses.tidy();
    assert_eq!(tidy.len(), r.time_courses.t_d.len() * r.time_courses.series.len());
    // each session time is sampled twice, before and after its injury: (time, phase) is unique
    let phases = r.time_courses.phases();
    let before = phases.iter().filter(|p| **p == mnsim_healing::Phase::BeforeSession).count();
    let after = phases.iter().filter(|p| **p == mnsim_healing::Phase::AfterSession).count();
    assert_eq!((before, after), (2, 2), "two sessions, each sampled before and after");
    let mut seen = std::collections::HashSet::new();
    for (t, p) in r.time_courses.t_d.iter().zip(&phases) {
        assert!(seen.insert((t.to_bits(), *p)), "(time {t}, {p:?}) twice");
    }
    let names: Vec<String> = r.summary().into_iter().map(|(n, _, _)| n).collect();
    for n in [
        "collagen_change_pct",
        "collagen_I_change_pct",
        "collagen_III_change_pct",
        "elastin_change_pct",
        "dermal_thickness_change_pct",
        "reepithelialisation_h",
        "downtime_d",
        "barrier_recovery_h",
        "erythema_d",
        "capillary_density_peak_change_pct",
        "melanin_index_change_pct",
        "collagen_change_pct_session_1",
        "collagen_change_pct_session_2",
    ] {
        assert!(names.iter().any(|m| m == n), "missing {n}");
    }
    // maps at 30 d (clamped to the end for later times)
    assert!(!r.maps.is_empty());
    let m = &r.maps[0];
    assert_eq!(m.values_um.len(), r.grid_shape[1]);
    assert_eq!(m.values_um[0].len(), r.grid_shape[0]);
    assert!(m.values_um.iter().flatten().all(|v| v.is_finite() && *v > 0.0));
    serde_json::to_string(&r).unwrap();
    // session times are hit exactly
    assert!(r.time_courses.t_d.iter().any(|&t| (t - 14.0).abs() < 1e-12));
}

/// The public bench function runs and reports finite, positive figures (no timing assertion).
#[test]
#[ignore = "slow-ish (≈ 2 s); run with --ignored"]
fn bench_reports_figures() {
    let b = mnsim_healing::bench(2).unwrap();
    eprintln!("{}", serde_json::to_string(&b).unwrap());
    assert!(b.wall_s > 0.0 && b.cost_per_cell_day_us.is_finite() && b.cells > 0);
}
