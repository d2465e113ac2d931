//! Verification against analytic solutions (each within 1 %), manufactured solution orders,
//! and conservation. Run with `cargo test -p mnsim-transport --test verification -- --nocapture`
//! to see the printed figures.

use mnsim_transport::solver::{BottomBoundary, LateralBoundary, Solver, SolverSpec, Vehicle};

fn vehicle_infinite(c: f64) -> Vehicle {
    Vehicle { coupled: true, infinite: true, partition: 1.0, volume_um: 1.0, amount: 0.0, infinite_concentration: c }
}

/// 1-D laminate: (thickness µm, cells, D µm²/s, K) per layer.
fn laminate(layers: &[(f64, usize, f64, f64)], bottom: BottomBoundary, vehicle: Vehicle) -> Solver {
    let mut dz = vec![];
    let mut d = vec![];
    let mut k = vec![];
    for &(h, n, dd, kk) in layers {
        for _ in 0..n {
            dz.push(h / n as f64);
            d.push(dd);
            k.push(kk);
        }
    }
    let nz = dz.len();
    Solver::new(SolverSpec {
        nx: 1,
        ny: 1,
        dx_um: 1.0,
        dy_um: 1.0,
        layer: vec![0; nz],
        lambda_per_s: vec![0.0; nz],
        dz_um: dz,
        d_um2_per_s: d,
        k,
        lateral: LateralBoundary::NoFlux,
        bottom,
        vehicle,
        threads: 1,
    })
}

#[test]
fn steady_flux_through_a_membrane_is_k_d_dc_over_h() {
    let (h, d, k, c0) = (100.0, 2.0, 3.0, 1.0);
    let mut s = laminate(&[(h, 100, d, k)], BottomBoundary::Sink, vehicle_infinite(c0));
    let t_end = 3.0 * h * h / d;
    let dt = t_end / 3000.0;
    for _ in 0..3000 {
        s.step(dt);
    }
    let j_model = s.acc.last_sunk / dt;
    let j_exact = k * d * c0 / h;
    let rel = (j_model / j_exact - 1.0).abs();
    println!("steady flux: model {j_model:.6e}, exact {j_exact:.6e}, rel err {rel:.2e}");
    assert!(rel < 0.01, "{rel}");
}

#[test]
fn lag_time_is_h2_over_6d() {
    let (h, d, k, c0) = (100.0, 2.0, 3.0, 1.0);
    let mut s = laminate(&[(h, 200, d, k)], BottomBoundary::Sink, vehicle_infinite(c0));
    let t_end = 3.0 * h * h / d;
    let n = 20_000;
    let dt = t_end / n as f64;
    for _ in 0..n {
        s.step(dt);
    }
    let j = k * d * c0 / h;
    // Q(t) → J·(t − h²/6D): intercept of the asymptote.
    let t_lag = t_end - s.acc.sunk / j;
    let exact = h * h / (6.0 * d);
    let rel = (t_lag / exact - 1.0).abs();
    println!("lag time: model {t_lag:.3} s, exact {exact:.3} s, rel err {rel:.2e}");
    assert!(rel < 0.01, "{rel}");
}

#[test]
fn two_layer_laminate_matches_series_resistance() {
    let (h1, d1, k1) = (15.0, 0.01, 5.0);
    let (h2, d2, k2) = (85.0, 100.0, 0.7);
    let c0 = 1.0;
    let mut s = laminate(&[(h1, 30, d1, k1), (h2, 40, d2, k2)], BottomBoundary::Sink, vehicle_infinite(c0));
    // time to steady state dominated by layer 1: several h1²/D1
    let t_end = 4.0 * h1 * h1 / d1;
    let n = 4000;
    let dt = t_end / n as f64;
    for _ in 0..n {
        s.step(dt);
    }
    let j_model = s.acc.last_sunk / dt;
    let j_exact = c0 / (h1 / (k1 * d1) + h2 / (k2 * d2));
    let rel = (j_model / j_exact - 1.0).abs();
    println!("two-layer flux: model {j_model:.6e}, exact {j_exact:.6e}, rel err {rel:.2e}");
    assert!(rel < 0.01, "{rel}");
}

/// Roots of tan q = −α q in ((n−½)π, nπ).
fn crank_roots(alpha: f64, n: usize) -> Vec<f64> {
    (1..=n)
        .map(|m| {
            let (mut lo, mut hi) = ((m as f64 - 0.5) * std::f64::consts::PI + 1e-12, m as f64 * std::f64::consts::PI);
            let f = |q: f64| q.sin() + alpha * q * q.cos();
            for _ in 0..200 {
                let mid = 0.5 * (lo + hi);
                if f(lo) * f(mid) <= 0.0 { hi = mid } else { lo = mid }
            }
            0.5 * (lo + hi)
        })
        .collect()
}

#[test]
fn finite_dose_depletes_as_the_crank_series_says() {
    // Sheet of thickness l (one face to a well-stirred vehicle of thickness L, other face sealed):
    // M_t/M_inf = 1 − Σ 2α(1+α)/(1+α+α²q_n²)·exp(−D q_n² t/l²), α = L/(K l)  (Crank 1975, Eq. 4.37).
    let (l, d, k, lv, c0) = (50.0, 1.0, 2.0, 40.0, 1.0);
    let veh = Vehicle {
        coupled: true,
        infinite: false,
        partition: 1.0,
        volume_um: lv,
        amount: c0 * lv,
        infinite_concentration: 0.0,
    };
    let mut s = laminate(&[(l, 200, d, k)], BottomBoundary::NoFlux, veh);
    let alpha = lv / (k * l);
    let q = crank_roots(alpha, 200);
    let m_inf = c0 * lv / (1.0 + alpha);
    let dt = 0.05;
    let mut t = 0.0;
    let mut worst: f64 = 0.0;
    for &t_check in &[100.0, 400.0, 1000.0, 2500.0] {
        while t < t_check - 1e-9 {
            s.step(dt);
            t += dt;
        }
        let series: f64 = q
            .iter()
            .map(|&qn| {
                2.0 * alpha * (1.0 + alpha) / (1.0 + alpha + alpha * alpha * qn * qn)
                    * (-d * qn * qn * t / (l * l)).exp()
            })
            .sum();
        let mt_exact = m_inf * (1.0 - series);
        let mt_model = s.acc.skin();
        let rel = (mt_model / mt_exact - 1.0).abs();
        worst = worst.max(rel);
        println!("finite dose t = {t:.0} s: uptake model {mt_model:.6}, series {mt_exact:.6}, rel {rel:.2e}");
        // conservation at every check
        let total = s.vehicle.amount + s.acc.skin();
        let cons = (total / (c0 * lv) - 1.0).abs();
        println!("  conservation rel err {cons:.2e} after {:.0} steps", t / dt);
        assert!(cons < 1e-10, "{cons}");
    }
    assert!(worst < 0.01, "{worst}");
}

// ---------------------------------------------------------------------------------------------
// Manufactured solution with variable coefficients (3D, no-flux box of side 1 µm):
// u = c/K = e^(−t)·cos πx·cos πy·cos πz, D·K = a = 1 + 0.5x + 0.25y² + 0.3z, K = 1 + 0.3xyz,
// source S = ∂c/∂t − ∇·(a∇u) = −K·u − ∇a·∇u + 3π²·a·u.

/// `extrapolated`: step with [`Solver::step_extrapolated`] (second order) instead of
/// [`Solver::step`] (backward Euler). The manufactured field changes sign, so the positivity
/// clip is switched off.
fn mms_run(n: usize, dt: f64, t_end: f64, extrapolated: bool) -> Vec<f64> {
    use std::f64::consts::PI;
    let h = 1.0 / n as f64;
    let mut s = Solver::new(SolverSpec {
        nx: n,
        ny: n,
        dx_um: h,
        dy_um: h,
        dz_um: vec![h; n],
        layer: vec![2; n],
        d_um2_per_s: vec![1.0; n],
        k: vec![1.0; n],
        lambda_per_s: vec![0.0; n],
        lateral: LateralBoundary::NoFlux,
        bottom: BottomBoundary::NoFlux,
        vehicle: Vehicle {
            coupled: false,
            infinite: true,
            partition: 1.0,
            volume_um: 1.0,
            amount: 0.0,
            infinite_concentration: 0.0,
        },
        threads: 2,
    });
    let x = |i: usize| (i as f64 + 0.5) * h;
    let a = |x: f64, y: f64, z: f64| 1.0 + 0.5 * x + 0.25 * y * y + 0.3 * z;
    let kf = |x: f64, y: f64, z: f64| 1.0 + 0.3 * x * y * z;
    let u = |x: f64, y: f64, z: f64, t: f64| (-t).exp() * (PI * x).cos() * (PI * y).cos() * (PI * z).cos();
    for k in 0..n {
        for j in 0..n {
            for i in 0..n {
                let ix = (k * n + j) * n + i;
                let (xx, yy, zz) = (x(i), x(j), x(k));
                s.rdk[ix] = (1.0 / a(xx, yy, zz)) as f32;
                s.rdk_lat[ix] = s.rdk[ix];
                s.cap[ix] = kf(xx, yy, zz) as f32;
                s.c[ix] = s.cap[ix] as f64 * u(xx, yy, zz, 0.0);
            }
        }
    }
    s.rebuild_faces();
    let steps = (t_end / dt).round() as usize;
    let source = move |t: f64| {
        move |i: usize, j: usize, k: usize| {
            let (xx, yy, zz) = (x(i), x(j), x(k));
            let e = (-t).exp();
            let uu = u(xx, yy, zz, t);
            let gx = -PI * e * (PI * xx).sin() * (PI * yy).cos() * (PI * zz).cos();
            let gy = -PI * e * (PI * xx).cos() * (PI * yy).sin() * (PI * zz).cos();
            let gz = -PI * e * (PI * xx).cos() * (PI * yy).cos() * (PI * zz).sin();
            let grad_a_dot = 0.5 * gx + 0.5 * yy * gy + 0.3 * gz;
            -kf(xx, yy, zz) * uu - grad_a_dot + 3.0 * PI * PI * a(xx, yy, zz) * uu
        }
    };
    s.clip_negative = false;
    for m in 1..=steps {
        let t = m as f64 * dt;
        if extrapolated {
            let t0 = t - dt;
            s.step_extrapolated(dt, |s, te, hs| {
                s.add_source(hs, source(t0 + te));
            });
        } else {
            s.add_source(dt, source(t));
            s.step(dt);
        }
    }
    // error field: c − K·u_exact
    let mut err = vec![0.0; n * n * n];
    for k in 0..n {
        for j in 0..n {
            for i in 0..n {
                let ix = (k * n + j) * n + i;
                err[ix] = s.c[ix] - s.cap[ix] as f64 * u(x(i), x(j), x(k), t_end);
            }
        }
    }
    err
}

fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

#[test]
fn manufactured_solution_orders_in_space_and_time() {
    let t_end = 0.1;
    // space (with dt ∝ h², so the O(dt) splitting/time error scales like h² too)
    let mut e_prev = None;
    let mut orders = vec![];
    for &n in &[8usize, 16, 32] {
        let h = 1.0 / n as f64;
        let dt = t_end / (t_end / (0.4 * h * h)).round();
        let e = max_abs(&mms_run(n, dt, t_end, false));
        if let Some(p) = e_prev {
            let o = f64::log2(p / e);
            orders.push(o);
            println!("MMS space: n = {n:3}, max error {e:.3e}, observed order {o:.2}");
        } else {
            println!("MMS space: n = {n:3}, max error {e:.3e}");
        }
        e_prev = Some(e);
    }
    assert!(orders.iter().all(|&o| o > 1.8 && o < 2.3), "space orders {orders:?}");
    // time: fixed grid, self-convergence (spatial error cancels in the differences); backward
    // Euler (first order) and the extrapolated step of the production path (second order)
    let n = 12;
    for (extrapolated, band) in [(false, 0.85..1.2), (true, 1.7..2.3)] {
        let name = if extrapolated { "extrapolated implicit Euler" } else { "backward Euler" };
        let sols: Vec<Vec<f64>> = [10usize, 20, 40, 80, 160, 320]
            .iter()
            .map(|&m| mms_run(n, t_end / m as f64, t_end, extrapolated))
            .collect();
        let mut t_orders = vec![];
        for w in 0..4 {
            let d1: Vec<f64> = sols[w].iter().zip(&sols[w + 1]).map(|(a, b)| a - b).collect();
            let d2: Vec<f64> = sols[w + 1].iter().zip(&sols[w + 2]).map(|(a, b)| a - b).collect();
            let o = f64::log2(max_abs(&d1) / max_abs(&d2));
            println!(
                "MMS time, {name}: dt = {:.2e} → {:.2e}, differences {:.3e} → {:.3e}, observed order {o:.2}",
                t_end / [10., 20., 40., 80.][w],
                t_end / [20., 40., 80., 160.][w],
                max_abs(&d1),
                max_abs(&d2)
            );
            t_orders.push(o);
        }
        assert!(t_orders.iter().all(|o| band.contains(o)), "{name}: time orders {t_orders:?}");
    }
}
