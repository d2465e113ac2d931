//! Refinement of the headline transport outputs (dermis amount at 24 h, delivered past the SC
//! at 24 h and at 2 h — the 2-hour enhancement of this serum is the 2-hour delivery over a
//! fixed floor, so it moves with it) in both directions around the default depth grid and time
//! tolerance, on the production path (`simulate`), for a dense and a sparse channel pattern.
//! Run with `cargo test -p mnsim-transport --test headline_convergence -- --nocapture`
//! (`--include-ignored` adds the five-level time study of the dense pattern).
mod common;
use mnsim_core::Patch;
use mnsim_transport::{TopicalSpec, TransportSettings, simulate};

const NAMES: [&str; 3] = ["dermis at 24 h", "delivered at 24 h", "delivered at 2 h"];

fn topical() -> TopicalSpec {
    // the default scenario's serum: HA 50 kDa, 10 mg/mL, 10 µL/cm², open
    TopicalSpec {
        name: "hyaluronic_acid_50kda".into(),
        molecular_weight_da: Some(50_000.0),
        log_p: Some(-4.0),
        concentration_mg_per_ml: 10.0,
        vehicle_volume_ul_per_cm2: 10.0,
        ..Default::default()
    }
}

/// (dermis at 24 h, delivered at 24 h, delivered at 2 h), µg/cm², 1 mm channels on a jittered
/// lattice of `pitch_um` (150 µm: dense, ≈ 4400 /cm²; 300 µm: sparse, ≈ 1100 /cm²).
fn heads(pitch_um: f64, set: &TransportSettings) -> [f64; 3] {
    let patch = Patch { width_um: 3000.0, height_um: 3000.0 };
    let ch = common::lattice(patch, pitch_um, 1000.0);
    let set = TransportSettings {
        domain_width_um: 600.0,
        compute_window: false,
        output_times_h: vec![2.0, 24.0],
        profile_times_h: vec![24.0],
        slice_time_h: 24.0,
        ..set.clone()
    };
    let r = simulate(&common::cheek(), &ch, patch, &topical(), &set, 0).unwrap();
    let n = &r.needled;
    [
        n.papillary_dermis_ug_per_cm2[1] + n.reticular_dermis_ug_per_cm2[1],
        n.delivered_ug_per_cm2[1],
        n.delivered_ug_per_cm2[0],
    ]
}

fn time_level(k: i32) -> TransportSettings {
    // tolerance ×4⁻ᵏ and dt_max ×2⁻ᵏ: the controller's steps halve per level (h ∝ √tol)
    let d = TransportSettings::default();
    TransportSettings { tolerance: d.tolerance * 4f64.powi(-k), dt_max_s: d.dt_max_s * 2f64.powi(-k), ..d }
}

fn depth_level(k: i32) -> TransportSettings {
    // every depth cell halved per level: SC cells ×2, Δz_epidermis and Δz_max ÷2, growth √
    let d = TransportSettings::default();
    TransportSettings {
        sc_cells: ((d.sc_cells as f64) * 2f64.powi(k)).round() as usize,
        epidermis_dz_um: d.epidermis_dz_um * 2f64.powi(-k),
        max_dz_um: d.max_dz_um * 2f64.powi(-k),
        dz_growth: d.dz_growth.powf(2f64.powi(-k)),
        ..d
    }
}

fn rel(a: f64, b: f64) -> f64 {
    (a / b - 1.0).abs()
}

/// Dense pattern, one level coarser and one finer than the default in depth grid and in time:
/// every headline moves by < 2 % in either direction (stated tolerance; the issue-10 target).
#[test]
fn dense_pattern_headlines_move_less_than_two_percent_either_way() {
    let def = heads(150.0, &TransportSettings::default());
    for (what, lo, hi) in [("depth grid", depth_level(-1), depth_level(1)), ("time", time_level(-1), time_level(1))] {
        let (c, f) = (heads(150.0, &lo), heads(150.0, &hi));
        for i in 0..3 {
            println!(
                "dense, {what}: {}: coarse {:.4}, default {:.4}, fine {:.4} ({:+.2} %, {:+.2} %)",
                NAMES[i],
                c[i],
                def[i],
                f[i],
                100.0 * (c[i] / def[i] - 1.0),
                100.0 * (f[i] / def[i] - 1.0)
            );
            assert!(rel(c[i], def[i]) < 0.02 && rel(f[i], def[i]) < 0.02, "{what} {}", NAMES[i]);
        }
    }
}

/// Time refinement to four levels finer than the default (steps ÷16) for the pattern of
/// `pitch_um`: prints the levels, the observed order (three finest levels) and the default
/// error against the Richardson extrapolation of the two finest at that order (clamped to
/// [1, 2]; the scheme is second order, the observed order is lower on these levels, so this is
/// the larger correction); returns the default errors.
fn time_table(name: &str, pitch_um: f64) -> Vec<f64> {
    let t0 = std::time::Instant::now();
    // the levels are independent runs of a single-threaded solve: run them side by side
    use rayon::prelude::*;
    let v: Vec<[f64; 3]> = (0..=4).into_par_iter().map(|k| heads(pitch_um, &time_level(k))).collect();
    let mut errs = vec![];
    for i in 0..3 {
        let q = ((v[2][i] - v[3][i]) / (v[3][i] - v[4][i])).abs().log2();
        let conv = v[4][i] + (v[4][i] - v[3][i]) / (2f64.powf(q.clamp(1.0, 2.0)) - 1.0);
        let e = v[0][i] / conv - 1.0;
        println!(
            "{name}, time: {}: {:.4} (default) {:.4} {:.4} {:.4} {:.4}; observed order {q:.2}; converged (Richardson at that order) {conv:.4}; default error {:+.2} %",
            NAMES[i],
            v[0][i],
            v[1][i],
            v[2][i],
            v[3][i],
            v[4][i],
            100.0 * e
        );
        errs.push(e);
    }
    println!("{name}: five time levels in {:.1} s", t0.elapsed().as_secs_f64());
    errs
}

/// Sparse pattern: the default time control is within 2 % of the time-converged headlines (met
/// since the second-order step and the default tolerance 10⁻³; it was −7 % to −11 % with
/// backward Euler at 2·10⁻³); see docs/model/transport.md § 6.2.
#[test]
fn sparse_pattern_default_time_control_is_within_two_percent() {
    let errs = time_table("sparse", 300.0);
    assert!(errs.iter().all(|e| e.abs() < 0.02), "{errs:?}");
}

/// Dense pattern: the same five-level time study, same 2 % target (met: ≤ 0.4 %). Ignored for
/// time only (≈ 100 s on the loaded 2-core machine; the one-level-each-way dense test above runs
/// by default).
#[test]
#[ignore = "slow (≈ 100 s); run with --include-ignored"]
fn dense_pattern_default_time_control_is_within_two_percent() {
    let errs = time_table("dense", 150.0);
    assert!(errs.iter().all(|e| e.abs() < 0.02), "{errs:?}");
}

/// Lateral refinement (`lateral_resolution_um` 20 → 10 (default) → 5 µm) of the sparse
/// pattern's headlines and of the dense pattern's application window (docs/model/transport.md
/// § 6.2); prints each level, the observed order and the default's error against the finest
/// level and against Richardson. Asserts only that every figure is finite (a study, ≈ 40 s).
#[test]
#[ignore = "study, ≈ 40 s: cargo test -p mnsim-transport --test headline_convergence -- --ignored --nocapture lateral"]
fn lateral_refinement_study() {
    let levels = [20.0, 10.0, 5.0];
    let at = |dx: f64| TransportSettings { lateral_resolution_um: dx, ..TransportSettings::default() };
    let mut rows: Vec<(String, Vec<f64>)> = NAMES.iter().map(|n| (format!("sparse, {n}"), vec![])).collect();
    rows.push(("dense, window (min)".into(), vec![]));
    for dx in levels {
        let t0 = std::time::Instant::now();
        let h = heads(300.0, &at(dx));
        for (row, v) in rows.iter_mut().zip(h) {
            row.1.push(v);
        }
        let patch = Patch { width_um: 3000.0, height_um: 3000.0 };
        let ch = common::lattice(patch, 150.0, 1000.0);
        let set = TransportSettings {
            domain_width_um: 300.0,
            compute_window: true,
            output_times_h: vec![24.0],
            profile_times_h: vec![24.0],
            slice_time_h: 24.0,
            ..at(dx)
        };
        let r = simulate(&common::cheek(), &ch, patch, &topical(), &set, 0).unwrap();
        rows[3].1.push(r.window.and_then(|w| w.window_min).unwrap_or(f64::NAN));
        println!("lateral {dx} µm: {:.1} s", t0.elapsed().as_secs_f64());
    }
    for (name, v) in &rows {
        let (d1, d2) = (v[1] - v[0], v[2] - v[1]);
        let q = (d1 / d2).abs().log2();
        let rich = v[2] + d2 / (2f64.powf(q) - 1.0);
        println!(
            "{name}: {:.4} | {:.4} (default) | {:.4}; order {q:.2}; default vs finest {:+.2} %, vs Richardson {rich:.4} {:+.2} %",
            v[0],
            v[1],
            v[2],
            100.0 * (v[1] / v[2] - 1.0),
            100.0 * (v[1] / rich - 1.0)
        );
        assert!(v.iter().all(|x| x.is_finite()), "{name}: {v:?}");
    }
}
