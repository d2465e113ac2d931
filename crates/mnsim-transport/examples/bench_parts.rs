fn main() {
    let a: Vec<usize> = std::env::args().skip(1).filter_map(|s| s.parse().ok()).collect();
    let threads = a.first().copied().unwrap_or(2);
    for inf in [false, true] {
        let mut s = mnsim_transport::bench::bench_solver([200, 200, 100], threads, inf);
        s.step(60.0);
        let (mut x, mut z) = (0.0, 0.0);
        for _ in 0..10 {
            let (a, b) = s.step_timed(60.0);
            x += a;
            z += b;
        }
        let v = 4.0e6 * 10.0;
        println!("inf={inf}: xy {:.1} M/s, z {:.1} M/s", v / x / 1e6, v / z / 1e6);
    }
}
