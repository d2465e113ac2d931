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
        s.rdk_lat[i] = s.rdk[i];
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

/// A plain constant-coefficient LOD step, as BioFVM writes it (one f64 array, three
/// backward-Euler Thomas sweeps along x, y and z with the coefficients of the constant
/// tridiagonal systems precomputed, no-flux ends, lines in parallel): the reference the
/// production step is measured against in the same process ([`compare_step`]).
pub struct ReferenceLod {
    nx: usize,
    ny: usize,
    /// Concentration, one f64 per voxel (x fastest).
    pub c: Vec<f64>,
    /// Per axis: modified super-diagonal c′ and inverse pivots 1/(b − a c′) of the Thomas
    /// algorithm, and the off-diagonal −r.
    coef: [(Vec<f64>, Vec<f64>, f64); 3],
    pool: rayon::ThreadPool,
}

impl ReferenceLod {
    /// The reference on an `nx × ny × nz` grid of 10 × 10 × 5 µm voxels with D = 1 µm²/s and
    /// step `dt_s`, on `threads` threads.
    pub fn new(grid: [usize; 3], dt_s: f64, threads: usize) -> ReferenceLod {
        let [nx, ny, nz] = grid;
        let d_um2_per_s = 1.0;
        let thomas = |n: usize, h_um: f64| {
            let r = d_um2_per_s * dt_s / (h_um * h_um);
            let (mut cp, mut inv) = (vec![0.0; n], vec![0.0; n]);
            for i in 0..n {
                let ends = usize::from(i > 0) + usize::from(i + 1 < n);
                let b = 1.0 + r * ends as f64;
                let a_cp = if i > 0 { -r * cp[i - 1] } else { 0.0 };
                inv[i] = 1.0 / (b - a_cp);
                cp[i] = if i + 1 < n { -r * inv[i] } else { 0.0 };
            }
            (cp, inv, -r)
        };
        let c = (0..nx * ny * nz).map(|i| ((i * 2654435761) % 1000) as f64 * 1e-3).collect();
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads.max(1)).build().expect("thread pool");
        ReferenceLod { nx, ny, c, coef: [thomas(nx, 10.0), thomas(ny, 10.0), thomas(nz, 5.0)], pool }
    }

    /// Voxels of the grid.
    pub fn len(&self) -> usize {
        self.c.len()
    }

    /// Whether the grid is empty.
    pub fn is_empty(&self) -> bool {
        self.c.is_empty()
    }

    /// One step: the x, y and z sweeps.
    pub fn step(&mut self) {
        let (nx, ny) = (self.nx, self.ny);
        let (coef, c) = (&self.coef, &mut self.c);
        self.pool.install(|| {
            // x: contiguous rows
            c.par_chunks_mut(nx).for_each(|row| sweep(row, 1, &coef[0]));
            // y: each plane's columns, stride nx
            c.par_chunks_mut(nx * ny).for_each(|plane| {
                for i in 0..nx {
                    sweep(&mut plane[i..], nx, &coef[1]);
                }
            });
        });
        // z: lines of stride nx·ny, split by blocks of x–y positions
        let plane = nx * ny;
        let ptr = SharedSlice(c.as_mut_ptr());
        let lines = plane;
        let block = lines.div_ceil(self.pool.current_num_threads() * 8).max(1);
        self.pool.install(|| {
            (0..lines.div_ceil(block)).into_par_iter().for_each(|b| {
                let p = &ptr;
                for l in b * block..((b + 1) * block).min(lines) {
                    // SAFETY: line l touches only the voxels l + k·plane, k < nz, inside the
                    // array, and no two lines (of this block or another) share a voxel.
                    unsafe { sweep_raw(p.0.add(l), plane, &coef[2]) };
                }
            });
        });
    }
}

struct SharedSlice(*mut f64);
unsafe impl Sync for SharedSlice {}

/// Thomas sweep of a constant tridiagonal system along `x[0], x[s], x[2s], …` in place.
fn sweep(x: &mut [f64], stride: usize, coef: &(Vec<f64>, Vec<f64>, f64)) {
    let n = coef.0.len();
    assert!(n == 0 || x.len() > (n - 1) * stride, "line shorter than its system");
    // SAFETY: the assertion puts every x[i·stride], i < n, inside the slice borrowed mutably
    unsafe { sweep_raw(x.as_mut_ptr(), stride, coef) }
}

/// [`sweep`] through a raw pointer (the z lines, which interleave in memory).
///
/// # Safety
/// `x.add(i·stride)` must be valid for reads and writes for every i < the system's size, and
/// not accessed by anyone else during the call.
unsafe fn sweep_raw(x: *mut f64, stride: usize, (cp, inv, a): &(Vec<f64>, Vec<f64>, f64)) {
    let n = cp.len();
    let mut prev = 0.0;
    for i in 0..n {
        // SAFETY: the caller's contract
        unsafe {
            let e = x.add(i * stride);
            let v = (*e - a * prev) * inv[i];
            *e = v;
            prev = v;
        }
    }
    for i in (0..n.saturating_sub(1)).rev() {
        // SAFETY: the caller's contract
        unsafe {
            *x.add(i * stride) -= cp[i] * *x.add((i + 1) * stride);
        }
    }
}

/// Minimum and median of a list (NaN-free, not empty), in that order.
pub fn min_median(v: &[f64]) -> [f64; 2] {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    [s[0], s[s.len() / 2]]
}

/// The production step measured beside its references ([`compare_step`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepComparison {
    /// Grid cells [nx, ny, nz].
    pub grid: [usize; 3],
    /// Worker threads.
    pub threads: usize,
    /// Repetitions (each: the production steps, the reference steps, a triad).
    pub repetitions: usize,
    /// Share of the voxels that are channel voxels (re-set every sub-step, as in production).
    pub channel_voxel_fraction: f64,
    /// Production steps per second of wall time, one per repetition: the extrapolated step
    /// ([`Solver::step_extrapolated`]: two half and one full LOD step, each after
    /// [`Solver::apply_channels`] and the vehicle's evaporation) — what `mnsim run` advances by.
    pub production_updates_per_s: Vec<f64>,
    /// Plain constant-coefficient LOD steps ([`ReferenceLod`]) per second, voxel-updates.
    pub reference_updates_per_s: Vec<f64>,
    /// STREAM-triad bandwidth of each repetition, GB/s.
    pub triad_gb_s: Vec<f64>,
    /// Production ÷ reference voxel-updates per second: [min, median] over the repetitions.
    pub ratio_to_reference: [f64; 2],
    /// The same per LOD sweep set (the production step makes three): [min, median].
    pub ratio_to_reference_per_sweep_set: [f64; 2],
    /// Production voxel-updates ÷ triad elements per second (24 B each): [min, median].
    pub ratio_to_triad_elements: [f64; 2],
}

/// Time the production step (channels included) against the plain LOD step and a STREAM triad,
/// interleaved in one process, `repetitions` times on `grid` with `threads` threads. The
/// production solver is [`bench_solver`]'s, with a square lattice of channel columns 100 µm
/// apart through the top 70 % of the depth (open, resealing with a 2 h half-life), stepped by
/// 60 s; each timing covers at least `min_seconds`.
pub fn compare_step(grid: [usize; 3], threads: usize, repetitions: usize, min_seconds: f64) -> StepComparison {
    let threads = threads.max(1);
    let dt_s = 60.0;
    let mut s = bench_solver(grid, threads, false);
    let [nx, ny, nz] = grid;
    let (pitch, deep) = (10usize, (nz * 7) / 10);
    let mut idx = vec![];
    for k in 0..deep {
        for j in (pitch / 2..ny).step_by(pitch) {
            for i in (pitch / 2..nx).step_by(pitch) {
                idx.push(((k * ny + j) * nx + i) as u32);
            }
        }
    }
    s.channels = crate::solver::ChannelVoxels {
        phi0: vec![1.0; idx.len()],
        idx,
        dk_channel: vec![1.0e3; nz],
        cap_channel: vec![1.0; nz],
    };
    let channel_voxel_fraction = s.channels.idx.len() as f64 / s.len() as f64;
    let half_life_s = 7200.0;
    let mut t = 0.0;
    let mut production = |s: &mut Solver| {
        s.step_extrapolated(dt_s, |s, t_end, _| {
            s.apply_channels((-(t + t_end) * std::f64::consts::LN_2 / half_life_s).exp());
            s.vehicle.volume_um = (50.0 - 1e-3 * (t + t_end)).max(10.0);
        });
        t += dt_s;
    };
    let mut reference = ReferenceLod::new(grid, dt_s, threads);
    let timed = |f: &mut dyn FnMut()| {
        f();
        let t0 = Instant::now();
        let mut n = 0;
        while n < 2 || t0.elapsed().as_secs_f64() < min_seconds {
            f();
            n += 1;
        }
        n as f64 / t0.elapsed().as_secs_f64()
    };
    let voxels = s.len() as f64;
    let (mut prod, mut refr, mut triad) = (vec![], vec![], vec![]);
    for _ in 0..repetitions.max(1) {
        prod.push(voxels * timed(&mut || production(&mut s)));
        refr.push(voxels * timed(&mut || reference.step()));
        triad.push(stream_triad_gb_s(1 << 24, threads));
    }
    let ratios = |f: &dyn Fn(usize) -> f64| min_median(&(0..prod.len()).map(f).collect::<Vec<_>>());
    StepComparison {
        grid,
        threads,
        repetitions: prod.len(),
        channel_voxel_fraction,
        ratio_to_reference: ratios(&|r| prod[r] / refr[r]),
        ratio_to_reference_per_sweep_set: ratios(&|r| 3.0 * prod[r] / refr[r]),
        ratio_to_triad_elements: ratios(&|r| prod[r] / (triad[r] * 1e9 / 24.0)),
        production_updates_per_s: prod,
        reference_updates_per_s: refr,
        triad_gb_s: triad,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference LOD step solves each backward-Euler tridiagonal system: after one x-only
    /// sweep of a row, (1 + 2r)x_i − r(x_{i−1} + x_{i+1}) (one-sided at the ends) gives back the
    /// row before the sweep; and a step conserves the total (no-flux ends) to round-off.
    #[test]
    fn reference_sweeps_solve_their_systems_and_conserve() {
        let grid = [7, 5, 6];
        let mut r = ReferenceLod::new(grid, 60.0, 2);
        let row: Vec<f64> = r.c[..7].to_vec();
        let mut x = row.clone();
        sweep(&mut x, 1, &r.coef[0]);
        let rr = -r.coef[0].2;
        for i in 0..7 {
            let left = if i > 0 { x[i] - x[i - 1] } else { 0.0 };
            let right = if i + 1 < 7 { x[i] - x[i + 1] } else { 0.0 };
            let back = x[i] + rr * (left + right);
            assert!((back - row[i]).abs() < 1e-12, "{i}: {back} vs {}", row[i]);
        }
        let before: f64 = r.c.iter().sum();
        r.step();
        let after: f64 = r.c.iter().sum();
        assert!((after - before).abs() < 1e-12 * before, "{before} → {after}");
    }

    /// The comparison runs and reports finite positive rates and ratios.
    #[test]
    fn step_comparison_reports_finite_ratios() {
        let c = compare_step([20, 20, 12], 2, 2, 0.0);
        assert_eq!(c.repetitions, 2);
        assert!(c.channel_voxel_fraction > 0.0 && c.channel_voxel_fraction < 1.0);
        for v in c.production_updates_per_s.iter().chain(&c.reference_updates_per_s).chain(&c.triad_gb_s) {
            assert!(v.is_finite() && *v > 0.0, "{c:?}");
        }
        assert!(c.ratio_to_reference[0] <= c.ratio_to_reference[1], "{c:?}");
        assert!(c.ratio_to_triad_elements.iter().all(|r| r.is_finite() && *r > 0.0), "{c:?}");
    }
}
