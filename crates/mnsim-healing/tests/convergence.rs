//! Order and convergence of the healing model on the production path (`simulate`):
//! temporal order of the operator splitting, the stiff integrator's error against its tolerance,
//! and grid refinement in both directions around the default tissue grid.
//! Run with `cargo test -p mnsim-healing --test convergence -- --nocapture` to see the figures.
mod common;
use common::*;
use mnsim_healing::{HealingResult, HealingSettings};

fn heads(r: &HealingResult) -> Vec<(&'static str, f64)> {
    let h = &r.headline;
    vec![
        ("collagen_change_pct", h.collagen_change_pct),
        ("elastin_change_pct", h.elastin_change_pct),
        ("new_elastin_pct", h.elastin_change_pct + h.tropoelastin_pct),
        ("dermal_thickness_change_pct", h.dermal_thickness_change_pct),
        ("reepithelialisation_h", h.reepithelialisation_h),
        ("downtime_d", h.downtime_d),
        ("barrier_recovery_h", h.barrier_recovery_h),
    ]
}

fn patch_state(r: &HealingResult) -> Vec<f64> {
    r.time_courses.series.iter().filter(|s| s.region == "patch").map(|s| *s.values.last().unwrap()).collect()
}

/// Largest relative difference between two patch states (denominator floored at 10⁻³: every
/// variable is O(1) at baseline).
fn max_rel(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y).abs() / x.abs().max(1e-3)).fold(0.0, f64::max)
}

/// One 1.0 mm session on a coarse grid (1000 µm columns), state 3 days later.
fn three_days(s: HealingSettings) -> Vec<f64> {
    let base = HealingSettings { follow_up_d: 3.0, tissue_cell_um: 1000.0, dermis_slab_um: 800.0, ..s };
    patch_state(&course_with(cheek(40.0), 1, STD_PER, STD_DEPTH, 28.0, base))
}

/// Temporal order of the Strang splitting T(h/2)·R(h)·T(h/2): splitting steps (min, max,
/// share of the wound's age) = (0.5 h, 12 h, 0.1) → (0.25 h, 6 h, 0.05) → (0.125 h, 3 h, 0.025)
/// with a tight integrator (rtol 10⁻⁹), so the
/// splitting error dominates; self-convergence of every patch-mean state variable at day 3.
/// Expected order 2 (Strang; the explicit transport sub-steps are limited by stability, so
/// their own first-order error is small at these steps); asserted in [1.6, 2.4].
/// (The coarser pair (2, 48) → (1, 24) h, the default, is pre-asymptotic: differences
/// 7·10⁻⁴ → 10⁻³, printed by the ignored study below.)
#[test]
fn strang_splitting_is_second_order_in_time() {
    let tight = HealingSettings { rtol: 1e-9, atol: 1e-12, ..Default::default() };
    let st: Vec<Vec<f64>> = [0.25, 0.125, 0.0625]
        .iter()
        .map(|&f| {
            // every cap scales with f, the age share too, so the whole step sequence halves
            let s = HealingSettings {
                split_min_h: 2.0 * f,
                split_max_h: 48.0 * f,
                split_age_share: 0.4 * f,
                ..tight.clone()
            };
            three_days(s)
        })
        .collect();
    let (d1, d2) = (max_rel(&st[0], &st[1]), max_rel(&st[1], &st[2]));
    let order = (d1 / d2).log2();
    println!("healing splitting: differences {d1:.3e} → {d2:.3e}, observed order {order:.2}");
    assert!((1.6..=2.4).contains(&order), "observed splitting order {order}");
}

/// The stiff integrator's error follows its tolerance down to the default: at the default
/// splitting steps, the day-3 state at rtol = 10⁻³, 10⁻⁴ (default), 10⁻⁵, 10⁻⁶ (atol fixed at
/// 10⁻¹², so only rtol varies) against rtol = 10⁻¹⁰. ESDIRK34 controls the error per step, so
/// its global error falls as rtol^(p/(p+1)) (Hairer, Nørsett & Wanner I, § II.4: 0.75 for the
/// embedded pair's p = 3), not in proportion to rtol as the restarted BDF did (0.72·10⁻³ →
/// 0.33·10⁻⁴ before 2026-12-03). Observed (2026-12-03, each compartment's compact state):
/// 4.0·10⁻⁴, 9.2·10⁻⁵, 2.7·10⁻⁵, 5.8·10⁻⁶, exponents 0.64, 0.53, 0.67. Stated: the error is
/// below 2·rtol at the default and below 10·rtol at every tolerance, it falls with an exponent
/// of at least 0.5 between neighbouring tolerances, and it is below 2·10⁻³ everywhere — 200×
/// below the 2 % target at the default.
#[test]
fn integrator_error_follows_its_tolerance() {
    let at = |rtol: f64| three_days(HealingSettings { rtol, atol: 1e-12, ..Default::default() });
    let reference = at(1e-10);
    let rtols = [1e-3, 1e-4, 1e-5, 1e-6];
    let mut errs = vec![];
    for rtol in rtols {
        let e = max_rel(&at(rtol), &reference);
        println!("healing integrator: rtol {rtol:.0e}: max rel error {e:.3e} ({:.2}·rtol)", e / rtol);
        errs.push(e);
    }
    assert!(errs[1] < 2.0 * 1e-4, "default tolerance: {errs:?}");
    assert!(errs.iter().zip(rtols).all(|(e, t)| *e < 10.0 * t), "{errs:?}");
    for k in 1..errs.len() {
        let exponent = (errs[k - 1] / errs[k]).log10();
        println!("healing integrator: exponent rtol {:.0e} → {:.0e}: {exponent:.2}", rtols[k - 1], rtols[k]);
        assert!(exponent >= 0.5, "error no longer falls with the tolerance: {errs:?}");
    }
    assert!(errs.iter().all(|&e| e < 2e-3), "{errs:?}");
}

/// Grid refinement study in both directions around the default tissue grid (columns
/// 1000 → 500 (default) → 250 → 125 µm, slabs 800 → 400 → 200 → 100 µm), three sessions four
/// weeks apart, 90 days follow-up; prints each headline, the Richardson estimate from the
/// three finest grids where the differences shrink, and the default's error (≈ 1 min, most of
/// it the 125 µm grid). Asserted: every headline at the default grid within 2 % of its
/// converged value (the issue-10 target; table in docs/model/healing.md § Convergence).
/// A known miss from the sub-cell wound model's default (2026-12-02: collagen and thickness
/// +5.3 / +5.3 % above the 125 µm grid) until the signals got their own localisation floor
/// (2026-12-04, `reaction::SIGNAL_FLOOR`): +1.96 / +1.96 %, downtime −1.9 %, a narrow pass.
/// The 125 µm grid does not resolve these ≈ 60 µm-radius wounds either: against a grid that
/// does (25 µm, the ignored `resolved_grid_study_of_the_standard_course`) the same protocol
/// on a 1 mm patch reads +3.9 %, and the verification against resolved wounds in the default run is
/// [`dense_session_agrees_with_a_grid_that_resolves_its_wounds`].
#[test]
fn default_grid_is_within_two_percent_of_the_125_um_grid() {
    let grids = [(1000.0, 800.0), (500.0, 400.0), (250.0, 200.0), (125.0, 100.0)];
    let mut rows = vec![];
    for (cell, slab) in grids {
        let s = HealingSettings { follow_up_d: 90.0, tissue_cell_um: cell, dermis_slab_um: slab, ..Default::default() };
        let t0 = std::time::Instant::now();
        let r = course_with(cheek(40.0), 3, STD_PER, STD_DEPTH, 28.0, s);
        println!("healing grid {cell} µm / {slab} µm: {:.1} s", t0.elapsed().as_secs_f64());
        rows.push(heads(&r));
    }
    let mut errs = vec![];
    for h in 0..rows[0].len() {
        let v: Vec<f64> = rows.iter().map(|r| r[h].1).collect();
        let (d1, d2) = (v[2] - v[1], v[3] - v[2]);
        let rich = if d2.abs() < d1.abs() && d1 * d2 > 0.0 { Some(v[3] + d2 * d2 / (d1 - d2)) } else { None };
        println!(
            "{}: {:.4} | {:.4} (default) | {:.4} | {:.4}; converged {}; default error {}",
            rows[0][h].0,
            v[0],
            v[1],
            v[2],
            v[3],
            rich.map(|x| format!("{x:.4} (Richardson)")).unwrap_or_else(|| format!("{:.4} (finest)", v[3])),
            format!("{:+.1} %", 100.0 * (v[1] / rich.unwrap_or(v[3]) - 1.0))
        );
        errs.push((rows[0][h].0, v[1] / rich.unwrap_or(v[3]) - 1.0));
    }
    // Mature elastin at 90 d is the small net of fibres matured and fibres degraded (0.4 % of
    // a gross ≈ 10 % turned over, § Elastin): a relative error of a near-zero net is not a
    // measure of the grid, so it is held to 0.5 percentage points absolute; the elastin made
    // by the course (mature + still assembling, `new_elastin_pct`) is held to 2 % like the rest.
    let (mature, others): (Vec<_>, Vec<_>) = errs.iter().partition(|(n, _)| *n == "elastin_change_pct");
    assert!(others.iter().all(|(_, e)| e.abs() < 0.02), "default grid off by more than 2 %: {others:?}");
    let m: Vec<f64> = rows.iter().map(|r| r[1].1).collect();
    println!("mature elastin: default − finest = {:+.3} percentage points ({:?})", m[1] - m[3], mature);
    assert!((m[1] - m[3]).abs() < 0.5, "mature elastin off by {} points", m[1] - m[3]);
}

/// The standard course against a grid that resolves its wounds (healing.md § Convergence, "A grid
/// that resolves the wounds"): the same hole density (5 channels on a 1 × 1 mm patch ≈ 500
/// holes/cm²), 3 sessions four weeks apart, 90 d follow-up; the cell-mean and sub-cell models on
/// the default grid (500 µm / 400 µm) against the sub-cell model on 25 µm columns and 50 µm slabs
/// (≈ 6 min). Prints; asserts only that every figure is finite.
#[test]
#[ignore = "study, ≈ 6 min: cargo test -p mnsim-healing --test convergence -- --ignored --nocapture resolved"]
fn resolved_grid_study_of_the_standard_course() {
    use mnsim_healing::WoundModel;
    let side = 1000.0;
    let per = (STD_PER as f64 * side * side / (W * W)).round() as usize;
    let run = |wound_model, cell, slab| square_patch_course(side, 3, per, 90.0, wound_model, cell, slab);
    let reference = run(WoundModel::SubCell, 25.0, 50.0);
    let cell_mean = run(WoundModel::CellMean, 500.0, 400.0);
    let sub_cell = run(WoundModel::SubCell, 500.0, 400.0);
    for ((name, r), ((_, a), (_, b))) in reference.iter().zip(cell_mean.iter().zip(&sub_cell)) {
        println!(
            "{name}: resolved {r:.4} | cell-mean {a:.4} ({:+.1} %) | sub-cell {b:.4} ({:+.1} %)",
            100.0 * (a / r - 1.0),
            100.0 * (b / r - 1.0)
        );
        assert!(r.is_finite() && a.is_finite() && b.is_finite());
    }
}

/// The default (sub-cell) wound model on the default grid against a grid that resolves the
/// wounds (issue 11, item 1 verification): one dense session (9000 holes/cm² as the default
/// pen, 1.0 mm, 100 µm surface diameter, so damage discs of ≈ 60 µm radius ≈ 105 µm apart) on a
/// 0.5 × 0.5 mm patch, 30 d; reference the same model on 25 µm columns and 50 µm slabs, where
/// almost every cell is wholly inside or outside a damage disc. Stated tolerance: the dermal
/// headlines (collagen, dermal thickness) within 10 % and the timing headlines within 2 % of
/// the reference (the cell-mean model, printed beside it, is outside the first). Prints every
/// headline (≈ 20 s, most of it the reference).
#[test]
fn dense_session_agrees_with_a_grid_that_resolves_its_wounds() {
    use mnsim_healing::WoundModel;
    const DENSE_HOLES_PER_CM2: f64 = 9000.0;
    let side = 500.0;
    let per = (DENSE_HOLES_PER_CM2 * side * side * 1e-8).round() as usize;
    let run = |wound_model, cell, slab| square_patch_course(side, 1, per, 30.0, wound_model, cell, slab);
    assert_eq!(HealingSettings::default().wound_model, WoundModel::SubCell);
    let reference = run(WoundModel::SubCell, 25.0, 50.0);
    let default = run(WoundModel::SubCell, 500.0, 400.0);
    let cell_mean = run(WoundModel::CellMean, 500.0, 400.0);
    for ((name, r), ((_, d), (_, c))) in reference.iter().zip(default.iter().zip(&cell_mean)) {
        let (ed, ec) = (d / r - 1.0, c / r - 1.0);
        println!(
            "{name}: resolved {r:.4} | default {d:.4} ({:+.1} %) | cell-mean {c:.4} ({:+.1} %)",
            100.0 * ed,
            100.0 * ec
        );
        let tol = match *name {
            "collagen_change_pct" | "dermal_thickness_change_pct" => 0.10,
            "reepithelialisation_h" | "barrier_recovery_h" => 0.02,
            _ => continue,
        };
        assert!(ed.abs() < tol, "{name}: default grid {d} against resolved {r} ({:+.1} %)", 100.0 * ed);
    }
}

/// The sparse counterpart of [`dense_session_agrees_with_a_grid_that_resolves_its_wounds`]
/// (issue 11, item 1): one session of the standard density (≈ 500 holes/cm², 1.0 mm, 100 µm
/// entries: damage discs of ≈ 60 µm radius ≈ 450 µm apart) on a 1 × 1 mm patch, 30 d; the
/// default (sub-cell) model on the default grid against the same model on 25 µm columns and
/// 50 µm slabs. Stated tolerance: collagen and dermal thickness within 5 %, re-epithelialisation
/// and barrier recovery within 2 %. Downtime is printed, not asserted: against a resolved grid it
/// depends on how leukocytes that wander into intact cells are localised, which the model does
/// not yet represent (docs/model/healing.md § Convergence). ≈ 35 s, most of it the reference.
/// The tolerance was written before the first run; that run (2026-12-04) read collagen 9.31
/// against 8.89 % (+4.7 %), thickness +4.8 %, re-epithelialisation −0.0 %, barrier +0.1 %,
/// downtime 3.77 against 4.25 d (−11.3 %): a narrow pass.
#[test]
fn sparse_session_agrees_with_a_grid_that_resolves_its_wounds() {
    use mnsim_healing::WoundModel;
    let side = 1000.0;
    let per = (STD_PER as f64 * side * side / (W * W)).round() as usize;
    let run = |cell, slab| square_patch_course(side, 1, per, 30.0, WoundModel::SubCell, cell, slab);
    let reference = run(25.0, 50.0);
    let default = run(500.0, 400.0);
    for ((name, r), (_, d)) in reference.iter().zip(&default) {
        let e = d / r - 1.0;
        println!("{name}: resolved {r:.4} | default {d:.4} ({:+.1} %)", 100.0 * e);
        let tol = match *name {
            "collagen_change_pct" | "dermal_thickness_change_pct" => 0.05,
            "reepithelialisation_h" | "barrier_recovery_h" => 0.02,
            _ => continue,
        };
        assert!(e.abs() < tol, "{name}: default grid {d} against resolved {r} ({:+.1} %)", 100.0 * e);
    }
}

/// Headlines of `sessions` uniform sessions of `per` channels (1.0 mm, 100 µm entries, four weeks
/// apart) on a square patch of `side_um`, cheek 40 y, with the given wound model and grid;
/// prints the wall time.
fn square_patch_course(
    side_um: f64,
    sessions: u32,
    per: usize,
    follow_up_d: f64,
    wound_model: mnsim_healing::WoundModel,
    cell_um: f64,
    slab_um: f64,
) -> Vec<(&'static str, f64)> {
    use mnsim_core::Patch;
    use mnsim_healing::{protocol, simulate};
    let ch = protocol::uniform_course(sessions, per, STD_DEPTH, 100.0, side_um, side_um, 28.0 * 86_400.0);
    let times = protocol::session_times_s(sessions, 28.0);
    let s = HealingSettings {
        follow_up_d,
        tissue_cell_um: cell_um,
        dermis_slab_um: slab_um,
        wound_model,
        ..Default::default()
    };
    let t0 = std::time::Instant::now();
    let r = simulate(&cheek(40.0), &ch, Patch { width_um: side_um, height_um: side_um }, &times, &s).unwrap();
    println!("{wound_model:?} {cell_um} µm / {slab_um} µm: {:.1} s", t0.elapsed().as_secs_f64());
    heads(&r)
}
