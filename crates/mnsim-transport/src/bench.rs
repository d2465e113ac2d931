//! Performance measurement of the solver step (`mnsim bench transport`).
//!
//! Times [`Solver::step`] on a grid with per-voxel coefficients (random D·K over six decades
//! and random K, a finite-dose vehicle coupled on top, clearance, sink bottom: the default
//! simulation path), and a STREAM-triad kernel in the same run for this machine's bandwidth.

use crate::solver::{BottomBoundary, LateralBoundary, Solver, SolverSpec, Vehicle};
use rayon::prelude::*;
use serde::Serialize;
use std::time::Instant;

/// Voxel updates per second of BioFVM's LOD solver (PhysiCell 1.14.2, constant coefficients,
/// f64) on 200×200×100 with 2 threads on this machine type (issue 4).
pub const BIOFVM_REFERENCE_UPDATES_PER_S: f64 = 31.0e6;

/// Bytes moved per voxel per step by the finite-dose path: x–y pass (read c 8, K 4, G_x 4,
/// G_y 4; write c 8) + z pass 1 (read c 8, K 4, G_z 4) + z pass 2 (read c, K, G_z 16, write c 8).
pub const BYTES_PER_UPDATE_FINITE: f64 = 28.0 + 16.0 + 24.0;
/// Bytes per voxel-update of the infinite-dose path (no Schur pass).
pub const BYTES_PER_UPDATE_INFINITE: f64 = 28.0 + 24.0;

/// What one benchmark run measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchReport {
    /// Grid cells [nx, ny, nz].
    pub grid: [usize; 3],
    /// Worker threads.
    pub threads: usize,
    /// Steps timed.
    pub steps: usize,
    /// Wall time of the timed steps, s.
    pub seconds: f64,
    /// Voxel updates per second (voxels × steps / s).
    pub voxel_updates_per_s: f64,
    /// Bytes moved to and from memory per voxel update (model count, see constants).
    pub bytes_per_update: f64,
    /// Effective bandwidth implied: updates/s × bytes/update, GB/s.
    pub bandwidth_gb_s: f64,
    /// STREAM-triad bandwidth measured in the same run with the same threads, GB/s
    /// (24 B per element, STREAM convention).
    pub machine_bandwidth_gb_s: f64,
    /// Memory held per voxel (state, coefficients, scratch), B.
    pub bytes_per_voxel: f64,
    /// bandwidth_gb_s / machine_bandwidth_gb_s.
    pub fraction_of_bandwidth_limit: f64,
    /// voxel_updates_per_s / BioFVM reference (31 M/s).
    pub speedup_vs_biofvm: f64,
    /// Infinite-dose path (one z pass) instead of the finite-dose path.
    pub infinite_dose: bool,
}

/// A benchmark solver with per-voxel coefficients (deterministic pseudo-random).
pub fn bench_solver(grid: [usize; 3], threads: usize, infinite_dose: bool) -> Solver {
    let [nx, ny, nz] = grid;
    let mut s = Solver::new(SolverSpec {
        nx,
        ny,
        dx_um: 10.0,
        dy_um: 10.0,
        dz_um: vec![5.0; nz],
        layer: (0..nz)
            .map(|k| {
                if k < 3 {
                    0
                } else if k < 15 {
                    1
                } else {
                    2
                }
            })
            .collect(),
        d_um2_per_s: vec![1.0; nz],
        k: vec![1.0; nz],
        lambda_per_s: (0..nz).map(|k| if k >= 15 { 1e-3 } else { 0.0 }).collect(),
        lateral: LateralBoundary::NoFlux,
        bottom: BottomBoundary::Sink,
        vehicle: Vehicle {
            coupled: true,
            infinite: infinite_dose,
            partition: 1.0,
            volume_um: 50.0,
            amount: 50.0 * 100.0,
            infinite_concentration: 100.0,
        },
        threads,
    });
    let mut state: u64 = 0x9E3779B97F4A7C15;
    for i in 0..s.len() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let r1 = (state >> 11) as f64 / (1u64 << 53) as f64;
        let r2 = ((state >> 3) & 0xffff) as f64 / 65536.0;
        s.rdk[i] = 10f64.powf(3.0 - 6.0 * r1) as f32;
        s.cap[i] = (0.5 + 4.5 * r2) as f32;
        s.c[i] = r2;
    }
    s.rebuild_faces();
    s
}

/// STREAM triad a = b + s·c over `n` f64 with `threads` threads; best of 5, GB/s (24 B/element).
pub fn stream_triad_gb_s(n: usize, threads: usize) -> f64 {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads.max(1)).build().unwrap();
    pool.install(|| {
        let mut a = vec![0.0f64; n];
        let b = vec![1.0f64; n];
        let c = vec![2.0f64; n];
        let chunk = n.div_ceil(threads.max(1) * 4);
        let mut best: f64 = 0.0;
        for rep in 0..6 {
            let s = 3.0 + rep as f64;
            let t0 = Instant::now();
            a.par_chunks_mut(chunk).zip(b.par_chunks(chunk)).zip(c.par_chunks(chunk)).for_each(|((a, b), c)| {
                for i in 0..a.len() {
                    a[i] = b[i] + s * c[i];
                }
            });
            let dt = t0.elapsed().as_secs_f64();
            std::hint::black_box(&a);
            if rep > 0 {
                best = best.max(24.0 * n as f64 / dt / 1e9);
            }
        }
        best
    })
}

/// Time the solver step on `grid` with `threads` threads (finite-dose path), and measure the
/// machine bandwidth in the same run.
pub fn bench_transport(grid: [usize; 3], threads: usize) -> BenchReport {
    bench_transport_with(grid, threads, false, 1.0)
}

/// As [`bench_transport`], choosing the dose path and the minimum timed wall time, s.
pub fn bench_transport_with(grid: [usize; 3], threads: usize, infinite_dose: bool, min_seconds: f64) -> BenchReport {
    let threads = threads.max(1);
    let mut s = bench_solver(grid, threads, infinite_dose);
    let dt = 60.0;
    s.step(dt);
    s.step(dt);
    let t0 = Instant::now();
    let mut steps = 0;
    while steps < 3 || t0.elapsed().as_secs_f64() < min_seconds {
        s.step(dt);
        steps += 1;
    }
    let seconds = t0.elapsed().as_secs_f64();
    let voxels = s.len() as f64;
    let ups = voxels * steps as f64 / seconds;
    let bpu = if infinite_dose { BYTES_PER_UPDATE_INFINITE } else { BYTES_PER_UPDATE_FINITE };
    let bw = ups * bpu / 1e9;
    let bytes_per_voxel = s.bytes_per_voxel();
    drop(s);
    let machine = stream_triad_gb_s(1 << 24, threads);
    BenchReport {
        grid,
        threads,
        steps,
        seconds,
        voxel_updates_per_s: ups,
        bytes_per_update: bpu,
        bandwidth_gb_s: bw,
        machine_bandwidth_gb_s: machine,
        bytes_per_voxel,
        fraction_of_bandwidth_limit: bw / machine,
        speedup_vs_biofvm: ups / BIOFVM_REFERENCE_UPDATES_PER_S,
        infinite_dose,
    }
}
