//! Dose–response of the whole chain (device → penetration → healing → outcomes) over what clinics
//! actually vary (issue 11, verification): puncture density, needle length, number of sessions
//! and the interval between them. Each test runs the built-in default scenario (1.5 mm pen on
//! the cheek) with one setting changed, nominal member only, no topical, and asserts the trend
//! biology gives — monotone where it should be, with a plateau (diminishing returns) where the
//! tissue saturates. Each prints its whole curve (`-- --nocapture`). A trend the model does not
//! follow is an `#[ignore]`d `known_miss_` test that asserts the biology and fails today.

use mnsim_scenario::{Edit, parse_with};
use toml::Value;

/// The default scenario with `edits` on top (nominal member, no topical, 90 d follow-up).
fn run_with(edits: &[(&str, Value)]) -> mnsim_sim::RunResult {
    let mut all = vec![
        Edit::Set("simulation.ensemble_members".into(), Value::Integer(1)),
        Edit::Set("simulation.follow_up_d".into(), Value::Integer(90)),
        Edit::Unset("topical".into()),
        Edit::Unset("device.stroke_um".into()),
    ];
    for (k, v) in edits {
        if *k == "protocol.sessions" {
            all.push(Edit::Unset("protocol.session_days".into()));
        }
        all.push(Edit::Set((*k).into(), v.clone()));
    }
    let s = parse_with(mnsim_scenario::default_toml(), "default", &all).expect("a valid scenario");
    mnsim_sim::run(&s, &mut mnsim_sim::NoProgress).expect("the run succeeds")
}

fn value(r: &mnsim_sim::RunResult, name: &str) -> f64 {
    r.figure(name).unwrap_or_else(|| panic!("no figure {name}")).value
}

fn collagen(r: &mnsim_sim::RunResult) -> f64 {
    value(r, "collagen_change_pct")
}

/// Needles in the cartridge, pen frequency (Hz) and glide speed (mm/s) giving ≈ 110, 150, 450,
/// 2500 and 10 000 holes/cm² a session on the default pen (≈ 9000 with 12 needles at 90 Hz and
/// 20 mm/s). Below ≈ 150 the density no longer falls with frequency / speed (the pen's firing
/// pattern over four passes on the 3 mm patch sets a floor), so the sparse end (≈ 110) comes from
/// a 4-needle cartridge; the 50 holes/cm² of the sparsest rolling is not reached with the pen.
const DENSITY_SETTINGS: [(i64, f64, f64); 5] =
    [(4, 1.0, 40.0), (12, 1.0, 40.0), (12, 5.0, 20.0), (12, 25.0, 20.0), (12, 100.0, 20.0)];

fn density_curve() -> Vec<(f64, f64)> {
    DENSITY_SETTINGS
        .iter()
        .map(|&(n, f, v)| {
            let r = run_with(&[
                ("device.needle_count", Value::Integer(n)),
                ("device.frequency_hz", Value::Float(f)),
                ("device.glide_speed_mm_per_s", Value::Float(v)),
                ("protocol.sessions", Value::Integer(1)),
                ("protocol.interval_d", Value::Integer(28)),
            ]);
            (value(&r, "holes_per_cm2_per_session"), collagen(&r))
        })
        .collect()
}

/// More holes per session give more new collagen, with diminishing returns: from 2500 to
/// 10 000 holes/cm² (4× the holes) the gain grows by less than 4× (overlapping damage zones
/// and saturating growth-factor activation; a second pass over wounded skin adds less).
/// Measured 0.5 / 0.7 / 4.4 / 16.8 / 17.3 % at 111 / 156 / 456 / 2533 / 10 022 holes/cm²
/// (2026-12-03). With the sub-cell model and the whole shear rim torn (2026-12-02 to 12-03) the
/// dense end fell (15.8 → 14.3 %), a listed known miss until the torn matrix became the band along
/// a planar crack (docs/model/healing.md § 2).
#[test]
fn collagen_rises_with_puncture_density_and_saturates() {
    let c = density_curve();
    eprintln!("one session: (holes/cm², collagen change %) = {c:.1?}");
    for w in c.windows(2) {
        assert!(w[1].1 > w[0].1, "collagen does not rise with density: {c:.2?}");
    }
    let (lo, hi) = (c[3], c[4]);
    let gain_ratio = hi.1 / lo.1;
    let hole_ratio = hi.0 / lo.0;
    assert!(gain_ratio < hole_ratio, "no saturation: {gain_ratio:.2}× the gain for {hole_ratio:.2}× the holes");
}

/// Collagen at 0.25 / 0.5 / 1.0 / 1.5 mm pen settings, the channels' mean depths and the cutis
/// thickness (µm), printed.
fn needle_length_curve() -> (Vec<f64>, Vec<f64>, f64) {
    let lengths = [250.0, 500.0, 1000.0, 1500.0];
    let runs: Vec<_> = lengths.iter().map(|&l| run_with(&[("device.needle_length_um", Value::Float(l))])).collect();
    let c: Vec<f64> = runs.iter().map(collagen).collect();
    let depth: Vec<f64> = runs.iter().map(|r| value(r, "mean_depth_um")).collect();
    let cutis = value(&runs[0], "cutis_thickness_um");
    eprintln!("collagen change % at 0.25/0.5/1.0/1.5 mm: {c:.2?}; mean depth {depth:.0?} µm, cutis {cutis:.0} µm");
    (c, depth, cutis)
}

/// Deeper settings give more while the channels end inside the cutis; once they pass it (the
/// 1.5 mm pen reaches ≈ 1.4 mm on the cheek, cutis ≈ 1.1 mm) there is no more dermis to injure
/// and the gain plateaus: a deeper setting stays within 10 % of the best shallower one (stated
/// tolerance: the extra depth tears more matrix in the dermis the channel crosses while the
/// response zone is already saturated). Measured 8.46 / 17.49 / 34.74 / 32.07 % at 0.25 / 0.5 /
/// 1.0 / 1.5 mm (2026-12-03, torn band along a planar crack; 1.5 mm at 92 % of 1.0 mm). With the
/// whole shear rim torn it was 8.05 / 16.07 / 30.76 / 26.28 % (1.5 mm at 85 %).
#[test]
fn collagen_rises_with_needle_length_to_a_plateau() {
    let (c, depth, cutis) = needle_length_curve();
    assert_depth_trend(&c, &depth, cutis);
}

/// A 0.25 mm setting ends in the epidermis or the top of the papillary dermis: little dermal
/// change, against the 1.5 mm default. Stated bound: the 0.25 mm course gives under a quarter of
/// the 1.5 mm course's collagen gain (assumed threshold: "little" — clinics use ≤ 0.25 mm for
/// delivery, not collagen induction; docs/model/healing.md § 7). **A known miss since the
/// sub-cell wound model became the default** (2026-12-02; docs/VALIDATION.md, known misses
/// outside the case table): the 0.25 mm course at 26 % of the 1.5 mm one (figures in
/// [`collagen_rises_with_needle_length_to_a_plateau`]; 31 % with the whole shear rim torn).
#[test]
#[ignore = "known miss: 0.25 mm gives 26 % of the 1.5 mm collagen (bound 25 %) with the sub-cell wound model"]
fn known_miss_short_needles_give_little_dermal_change() {
    let (c, _, _) = needle_length_curve();
    assert!(c[0] < 0.25 * c[3], "0.25 mm gives {:.2} % against {:.2} % at 1.5 mm", c[0], c[3]);
}

/// Rising while the channels end inside the cutis, a plateau (≥ 90 % of the best shallower
/// setting) once they pass it.
fn assert_depth_trend(c: &[f64], depth_um: &[f64], cutis_um: f64) {
    for i in 1..c.len() {
        let best_before = c[..i].iter().copied().fold(f64::MIN, f64::max);
        if depth_um[i] < cutis_um {
            assert!(
                c[i] > c[i - 1],
                "collagen does not rise with depth inside the cutis: {c:.2?}, depth {depth_um:.0?}"
            );
        } else {
            assert!(c[i] >= 0.9 * best_before, "no plateau past the cutis: {c:.2?}, depth {depth_um:.0?}");
        }
    }
}

/// More monthly sessions give more collagen, each adding less than the one before it (concave:
/// the tissue approaches a new steady state; clinical series report most of the gain after the
/// first 3–4 sessions).
#[test]
fn collagen_rises_with_sessions_with_diminishing_increments() {
    let n = [1, 2, 4, 8];
    let c: Vec<f64> = n
        .iter()
        .map(|&k| {
            collagen(&run_with(&[
                ("protocol.sessions", Value::Integer(k)),
                ("protocol.interval_d", Value::Integer(28)),
            ]))
        })
        .collect();
    eprintln!("collagen change % after 1/2/4/8 monthly sessions (90 d after the last): {c:.2?}");
    for w in c.windows(2) {
        assert!(w[1] > w[0], "collagen does not rise with sessions: {c:.2?}");
    }
    // increments per added session: 1→2, 2→4 (per session), 4→8 (per session)
    let inc = [c[1] - c[0], (c[2] - c[1]) / 2.0, (c[3] - c[2]) / 4.0];
    assert!(inc[0] > inc[1] && inc[1] > inc[2], "increments per session do not fall: {inc:.2?}");
}

/// Sessions too close together give less: 3 sessions a week apart injure tissue that is still
/// inflamed and remodelling, and clinics space sessions 4–6 weeks apart. Asserted: 7 d < 28 d;
/// the whole curve 7–60 d is printed (no monotone trend is claimed beyond 28 d).
#[test]
fn sessions_a_week_apart_give_less_than_a_month_apart() {
    let iv = [7, 14, 28, 60];
    let c: Vec<f64> = iv
        .iter()
        .map(|&d| {
            collagen(&run_with(&[("protocol.sessions", Value::Integer(3)), ("protocol.interval_d", Value::Integer(d))]))
        })
        .collect();
    eprintln!("collagen change % after 3 sessions 7/14/28/60 d apart (90 d after the last): {c:.2?}");
    assert!(c[0] < c[2], "7 d apart {:.2} % vs 28 d apart {:.2} %", c[0], c[2]);
}
