//! Positivity and conservation of the second-order step ([`Solver::step_extrapolated`]): the
//! Richardson extrapolation 2·S(h/2)² − S(h) undershoots in the tail of a front (there the two
//! half steps decay faster than the full step); the step clips and rescales small undershoots
//! (second order kept) and falls back to the two backward-Euler half steps for large ones.
//! Run with `cargo test -p mnsim-transport --test positivity -- --nocapture`.

use mnsim_transport::solver::{
    BottomBoundary, CLIP_MAX, ExtrapolatedStep, LateralBoundary, Solver, SolverSpec, Vehicle,
};

/// A 3-D block (4 × 4 lateral cells of 10 µm, 80 depth cells of 1 µm, D = 1 µm²/s, clearance in
/// the lower half, perfect sink at the bottom) under a finite vehicle (10 µm, c = 1).
fn block() -> Solver {
    let nz = 80;
    Solver::new(SolverSpec {
        nx: 4,
        ny: 4,
        dx_um: 10.0,
        dy_um: 10.0,
        dz_um: vec![1.0; nz],
        layer: (0..nz).map(|k| if k < 40 { 1 } else { 2 }).collect(),
        d_um2_per_s: vec![1.0; nz],
        k: vec![1.0; nz],
        lambda_per_s: (0..nz).map(|k| if k < 40 { 0.0 } else { 1e-3 }).collect(),
        lateral: LateralBoundary::NoFlux,
        bottom: BottomBoundary::Sink,
        vehicle: Vehicle {
            coupled: true,
            infinite: false,
            partition: 1.0,
            volume_um: 10.0,
            amount: 10.0,
            infinite_concentration: 0.0,
        },
        threads: 1,
    })
}

fn total(s: &Solver) -> f64 {
    s.vehicle.amount + s.layer_amounts().iter().sum::<f64>() + s.acc.cleared + s.acc.sunk
}

/// From an empty skin the first steps undershoot deep down (tiny amounts): clipped, state ≥ 0,
/// amount conserved to round-off, accounts consistent with the state; later steps are clean.
#[test]
fn front_tail_undershoot_is_clipped_conservatively() {
    let mut s = block();
    let m0 = total(&s);
    let mut counts = [0usize; 3];
    let mut h = 0.5;
    for _ in 0..60 {
        let r = s.step_extrapolated(h, |_, _, _| {});
        counts[match r {
            ExtrapolatedStep::Clean => 0,
            ExtrapolatedStep::Clipped => 1,
            ExtrapolatedStep::Fallback => 2,
        }] += 1;
        assert!(s.c.iter().all(|&c| c >= 0.0), "negative concentration after a {r:?} step");
        assert!(s.vehicle.amount >= 0.0);
        let cons = (total(&s) / m0 - 1.0).abs();
        assert!(cons < 1e-12, "conservation {cons:e}");
        let lay = s.layer_amounts();
        for (l, (&a, &b)) in lay.iter().zip(&s.acc.layer).enumerate() {
            assert!((a - b).abs() <= 1e-12 * m0, "layer {l}: {a} vs {b}");
        }
        h *= 1.2;
    }
    println!("clean {}, clipped {}, fallback {} of 60 steps (h 0.5 s × 1.2ⁿ)", counts[0], counts[1], counts[2]);
    assert!(counts[1] > 0, "the clip was not exercised");
}

/// The very first step into an empty skin undershoots (relative to the little that has entered)
/// by far more than [`CLIP_MAX`]: the step falls back to the two backward-Euler half steps,
/// exactly, accounts included.
#[test]
fn large_undershoot_falls_back_to_backward_euler() {
    let mut s = block();
    let mut be = block();
    let m0 = total(&s);
    let h = 0.5;
    let r = s.step_extrapolated(h, |_, _, _| {});
    be.step(0.5 * h);
    be.step(0.5 * h);
    println!("first step into an empty skin, h = {h} s: {r:?} (CLIP_MAX {CLIP_MAX:e})");
    assert_eq!(r, ExtrapolatedStep::Fallback);
    assert!(s.c.iter().all(|&c| c >= 0.0));
    let dev = s.c.iter().zip(&be.c).fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
    assert_eq!(dev, 0.0, "fallback differs from two backward-Euler half steps");
    assert!((total(&s) / m0 - 1.0).abs() < 1e-12);
    assert_eq!(s.vehicle.amount, be.vehicle.amount);
    assert_eq!(s.acc.uptake, be.acc.uptake);
    assert_eq!(s.acc.layer, be.acc.layer);
}
