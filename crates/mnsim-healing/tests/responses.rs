//! Sensible responses: dose (depth, sessions), interval, age.
mod common;
use common::*;
use mnsim_healing::HealingSettings;

fn by_depth(quantity: fn(&mnsim_healing::HealingResult) -> f64) -> Vec<f64> {
    [300.0, 600.0, 1000.0, 1500.0, 2000.0].iter().map(|&d| quantity(&course(1, STD_PER, d, 28.0, 60.0))).collect()
}

/// Unit check (synthetic sessions of 45 channels at a given achieved depth, not a device-stage
/// output): the reported net collagen (`collagen_change_pct`, the figure users read; issue 10,
/// item 8) rises with achieved depth while the channels stay in the dermis (cheek: ≈ 0.96 mm
/// below the surface) and does not fall past it (deeper channels add no dermis to injure: a
/// plateau). Measured: 2.05 / 4.83 / 8.42 / 9.47 / 9.53 % at 0.3 / 0.6 / 1.0 / 1.5 / 2.0 mm.
/// End to end through the puncture pipeline the same quantity falls from a 1.5 to a 2.0 mm pen
/// setting: a known miss, `crates/mnsim-sim/tests/scenarios.rs`.
#[test]
fn deeper_channels_give_more_reported_collagen_up_to_a_plateau() {
    let g = by_depth(|r| r.headline.collagen_change_pct);
    eprintln!("collagen change % by depth 0.3/0.6/1.0/1.5/2.0 mm: {g:?}");
    assert!(g[0] < g[1] && g[1] < g[2], "{g:?}");
    for w in g.windows(2) {
        assert!(w[1] >= w[0] - 1e-9, "{g:?}");
    }
}

/// Unit check of the deposition term (not the reported figure): new matrix deposited
/// (`new_collagen_um`) rises with depth up to a plateau once the channels pass the dermis.
#[test]
fn unit_check_deposited_matrix_rises_with_depth_to_a_plateau() {
    let g = by_depth(|r| r.headline.new_collagen_um);
    eprintln!("new collagen (um) by depth 0.3/0.6/1.0/1.5/2.0 mm: {g:?}");
    for w in g.windows(2) {
        assert!(w[1] >= w[0] - 1e-9, "{g:?}");
    }
    assert!(g[4] - g[3] < 0.25 * (g[2] - g[0]), "no plateau: {g:?}");
}

/// More sessions give more collagen, with diminishing returns (concave).
#[test]
fn more_sessions_give_more_collagen_with_diminishing_returns() {
    let g: Vec<f64> =
        [1u32, 2, 4, 8].iter().map(|&n| course(n, 150, STD_DEPTH, 28.0, 90.0).headline.collagen_change_pct).collect();
    eprintln!("collagen change % by sessions 1/2/4/8: {g:?}");
    for w in g.windows(2) {
        assert!(w[1] > w[0], "{g:?}");
    }
    assert!((g[3] - g[2]) / 4.0 < (g[1] - g[0]), "not concave: {g:?}");
}

/// Too-short intervals blunt the response: three sessions 2 days apart make less collagen
/// (90 days after the last) than three sessions 4 weeks apart.
#[test]
fn too_short_intervals_blunt_the_response() {
    let short = course(3, STD_PER, STD_DEPTH, 2.0, 90.0).headline.collagen_change_pct;
    let long = course(3, STD_PER, STD_DEPTH, 28.0, 90.0).headline.collagen_change_pct;
    eprintln!("3 sessions, 2 d apart: {short:.2} %; 28 d apart: {long:.2} %");
    assert!(short < long);
}

/// Older skin turns over more slowly: less new collagen and slower keratinocyte turnover, while
/// homeostasis still holds (checked in verification.rs).
#[test]
fn older_skin_makes_less_new_collagen() {
    let s = HealingSettings { follow_up_d: 60.0, ..Default::default() };
    let young = course_with(cheek(25.0), 1, STD_PER, STD_DEPTH, 28.0, s.clone());
    let old = course_with(cheek(70.0), 1, STD_PER, STD_DEPTH, 28.0, s);
    eprintln!(
        "collagen change 25 y {:.2} %, 70 y {:.2} %",
        young.headline.collagen_change_pct, old.headline.collagen_change_pct
    );
    assert!(old.headline.collagen_change_pct < young.headline.collagen_change_pct);
}
