//! `cargo run --release -p mnsim-transport --example bench_transport -- 200 200 100 2 [inf]`
//! prints one JSON BenchReport.
fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let g = |i: usize, d: usize| a.get(i).and_then(|s| s.parse().ok()).unwrap_or(d);
    let grid = [g(0, 200), g(1, 200), g(2, 100)];
    let threads = g(3, 2);
    let inf = a.get(4).is_some_and(|s| s == "inf");
    let r = mnsim_transport::bench::bench_transport_with(grid, threads, inf, 2.0);
    println!("{}", serde_json::to_string(&r).unwrap());
}
