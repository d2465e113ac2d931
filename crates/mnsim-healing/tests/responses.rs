//! Sensible responses: dose (depth, sessions), interval, age.
mod common;
use common::*;
use mnsim_healing::HealingSettings;

/// Deeper needles give more new dermal collagen, up to a plateau once the channels pass the
/// bottom of the dermis (cheek: ≈ 0.96 mm below the surface).
#[test]
fn deeper_needles_give_more_collagen_up_to_a_plateau() {
    let g: Vec<f64> = [300.0, 600.0, 1000.0, 1500.0, 2000.0]
        .iter()
        .map(|&d| course(1, STD_PER, d, 28.0, 60.0).headline.new_collagen_um)
        .collect();
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
