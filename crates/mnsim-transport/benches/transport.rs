//! Divan benches of the transport step. `cargo bench -p mnsim-transport --bench transport`.
//! Prints per-step times; voxel-updates/s = voxels / time. The full report with bandwidth is
//! `cargo run --release -p mnsim-transport --example bench_transport -- 200 200 100 2`.

use mnsim_transport::bench::bench_solver;

fn main() {
    divan::main();
}

/// One LOD step (finite dose, per-voxel coefficients) on n×n×100, 2 threads.
#[divan::bench(args = [50, 100, 200], sample_count = 10)]
fn step_finite_2_threads(bencher: divan::Bencher, n: usize) {
    let mut s = bench_solver([n, n, 100], 2, false);
    s.step(60.0);
    bencher.counter(divan::counter::ItemsCount::new(n * n * 100)).bench_local(|| s.step(60.0));
}

/// Same, infinite dose (one z pass).
#[divan::bench(args = [200], sample_count = 10)]
fn step_infinite_2_threads(bencher: divan::Bencher, n: usize) {
    let mut s = bench_solver([n, n, 100], 2, true);
    s.step(60.0);
    bencher.counter(divan::counter::ItemsCount::new(n * n * 100)).bench_local(|| s.step(60.0));
}

/// Thread scaling at 200×200×100.
#[divan::bench(args = [1, 2], sample_count = 10)]
fn step_threads(bencher: divan::Bencher, threads: usize) {
    let mut s = bench_solver([200, 200, 100], threads, false);
    s.step(60.0);
    bencher.counter(divan::counter::ItemsCount::new(200usize * 200 * 100)).bench_local(|| s.step(60.0));
}
