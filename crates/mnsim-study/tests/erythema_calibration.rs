//! Re-derives the visible-erythema threshold (`healing.rates.downtime_threshold`) end to end on
//! its calibration case RS13 (a 1.5 mm roller session: visible erythema "usually resolves after
//! 2–3 days"), and prints what the same threshold gives on the other erythema cases (RS12,
//! RS14, RS15 are validation cases: they are never read to set it).
//!
//! `cargo test -p mnsim-study --test erythema_calibration -- --ignored --nocapture`

use mnsim_study::validate::{builtin_cases, case_scenario};

/// The erythema-index time course of the healing run of a built-in case: (t in d, index).
fn erythema_course(id: &str) -> (Vec<f64>, Vec<f64>, f64) {
    let lc = builtin_cases().into_iter().find(|c| c.case.as_ref().map(|c| c.id == id).unwrap_or(false)).unwrap();
    let case = lc.case.unwrap();
    let s = case_scenario(&case, &lc.file).unwrap();
    let r = mnsim_sim::run(&s, &mut mnsim_sim::NoProgress).unwrap();
    let h = r.healing.unwrap();
    let e = h
        .time_courses
        .series
        .iter()
        .find(|x| x.variable == "erythema_index" && x.region == "patch")
        .expect("an erythema series")
        .values
        .clone();
    (h.time_courses.t_d.clone(), e, s.scenario.healing.rates.downtime_threshold)
}

/// Days of visible erythema at threshold `thr`: the healing crate's own downtime read-out over
/// the whole (one-session) course.
fn days_above(t: &[f64], e: &[f64], thr: f64) -> f64 {
    mnsim_healing::simulate::duration_above(t, e, 0, t.len() - 1, thr).0
}

/// The threshold at which the course shows `days` of visible erythema (bisection on log θ; the
/// duration falls as θ rises).
fn threshold_for(t: &[f64], e: &[f64], days: f64) -> f64 {
    let (mut lo, mut hi) = (1e-6f64, 10.0f64);
    for _ in 0..60 {
        let mid = (lo * hi).sqrt();
        if days_above(t, e, mid) > days { lo = mid } else { hi = mid }
    }
    (lo * hi).sqrt()
}

#[test]
#[ignore = "calibration print (re-derives downtime_threshold on RS13); run with --ignored --nocapture"]
fn downtime_threshold_from_rs13() {
    let (t, e, current) = erythema_course("RS13");
    let theta = threshold_for(&t, &e, 2.5);
    let band = [threshold_for(&t, &e, 3.0), threshold_for(&t, &e, 2.0)];
    println!(
        "RS13: θ for 2.5 d = {theta:.5}; θ range for 2–3 d = {:.5} – {:.5}; current θ = {current}",
        band[0], band[1]
    );
    for id in ["RS12", "RS13", "RS14", "RS15"] {
        let (t, e, _) = erythema_course(id);
        let peak = e.iter().copied().fold(0.0, f64::max);
        println!(
            "{id}: peak index {peak:.4}; days above θ(2.5 d) {:.2}; above the current θ {:.2}",
            days_above(&t, &e, theta),
            days_above(&t, &e, current)
        );
    }
}
