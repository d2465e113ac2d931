//! Exact Euclidean distance transform on a periodic raster (Felzenszwalb & Huttenlocher 2012,
//! "Distance transforms of sampled functions", Theory of Computing 8:415): the squared distance
//! from every raster point to the nearest point of a set, by two passes of the 1-D lower
//! envelope of parabolas. Used to measure how far the wounded tissue of a cell lies from intact
//! tissue ([`crate::injury::damage_union`]).

/// 1-D squared distance transform with unit spacing, in place: d(p) = min_q (p − q)² + f(q)
/// over q = 0..n; entries of `f` that are `f64::INFINITY` are not in the set. `v` and `z` are
/// scratch of length ≥ n and n + 1.
fn dt_1d(f: &[f64], d: &mut [f64], v: &mut [usize], z: &mut [f64]) {
    let n = f.len();
    let mut k: isize = -1;
    for q in 0..n {
        if !f[q].is_finite() {
            continue;
        }
        loop {
            if k < 0 {
                k = 0;
                v[0] = q;
                z[0] = f64::NEG_INFINITY;
                z[1] = f64::INFINITY;
                break;
            }
            let p = v[k as usize];
            let s = ((f[q] + (q * q) as f64) - (f[p] + (p * p) as f64)) / (2.0 * (q as f64 - p as f64));
            if s <= z[k as usize] {
                k -= 1;
                continue;
            }
            k += 1;
            v[k as usize] = q;
            z[k as usize] = s;
            z[k as usize + 1] = f64::INFINITY;
            break;
        }
    }
    if k < 0 {
        d[..n].fill(f64::INFINITY);
        return;
    }
    let mut j = 0usize;
    for (p, dp) in d.iter_mut().enumerate().take(n) {
        while z[j + 1] < p as f64 {
            j += 1;
        }
        let q = v[j];
        let dq = p as f64 - q as f64;
        *dp = dq * dq + f[q];
    }
}

/// Squared distance, in raster steps, from each point of a periodic row to the nearest point
/// where `inside` is false (`f64::INFINITY` if there is none): a forward and a backward scan
/// around the ring from an outside point. Returns whether any point of the row is inside.
fn periodic_sq_steps_to_outside(inside: &[bool], out: &mut [f64]) -> bool {
    let n = inside.len();
    let Some(start) = inside.iter().position(|&c| !c) else {
        out.fill(f64::INFINITY);
        return n > 0;
    };
    // the ring from `start`: [start, n) then [0, start), without a modulo per point
    let ring = || (start..n).chain(0..start);
    let (mut since, mut any) = (0usize, false);
    for i in ring() {
        since = if inside[i] { since + 1 } else { 0 };
        any |= inside[i];
        out[i] = since as f64;
    }
    // backward: start, then start − 1 down to 0, then n − 1 down to start + 1
    let mut until = 0usize;
    for i in std::iter::once(start).chain((0..start).rev()).chain((start + 1..n).rev()) {
        until = if inside[i] { until + 1 } else { 0 };
        let steps = out[i].min(until as f64);
        out[i] = steps * steps;
    }
    any
}

/// Squared distance (µm²) from each point of an `nx` × `ny` periodic raster (row-major,
/// spacing `sx` × `sy` µm) to the nearest point where `inside` is false; `f64::INFINITY`
/// everywhere if every point is inside.
pub fn periodic_sq_distance_to_outside(inside: &[bool], nx: usize, ny: usize, sx: f64, sy: f64) -> Vec<f64> {
    assert_eq!(inside.len(), nx * ny, "raster size");
    let mut out = vec![0.0; nx * ny];
    // Pass along x: on a binary set the 1-D transform is the squared distance to the nearest
    // outside point of the periodic row, two linear scans. It is stored transposed (column i
    // at gxt[i·ny..]) and rescaled to unit spacing in y, so that the y pass reads contiguous
    // columns.
    let mut gxt = vec![0.0; nx * ny];
    let mut row_sq = vec![0.0; nx];
    let mut column_has_inside = vec![false; nx];
    for j in 0..ny {
        let row = &inside[j * nx..(j + 1) * nx];
        if !periodic_sq_steps_to_outside(row, &mut row_sq) {
            continue; // gxt stays 0 on this row: every point is outside
        }
        for (i, (&g, &c)) in row_sq.iter().zip(row).enumerate() {
            gxt[i * ny + j] = g * (sx * sx) / (sy * sy);
            column_has_inside[i] |= c;
        }
    }
    // Pass along y on g_x (rescaled to unit spacing in y). A column without an inside point is
    // 0. In a column with an outside point (g_x = 0), the nearest set point of an inside point
    // never lies beyond the nearest outside point of its column ((p − q)² + g(q) ≥ (p − o)² for
    // q past o), so each run of inside points is transformed on its own, between the two
    // outside points that bound it: the work is that of the inside points, not of the column.
    // A column without an outside point is unrolled over [−⌈ny/2⌉, ny + ⌈ny/2⌉) (the nearest
    // point of a periodic column lies within half a period).
    let pad = ny.div_ceil(2); // ≤ ny
    let len = ny + 2 * pad;
    let (mut f, mut d) = (vec![0.0; len], vec![0.0; len]);
    let (mut v, mut z) = (vec![0usize; len], vec![0.0; len + 1]);
    for i in (0..nx).filter(|&i| column_has_inside[i]) {
        let col = &gxt[i * ny..(i + 1) * ny];
        let Some(o) = col.iter().position(|&g| g == 0.0) else {
            f[..pad].copy_from_slice(&col[ny - pad..]);
            f[pad..pad + ny].copy_from_slice(col);
            f[pad + ny..len].copy_from_slice(&col[..pad]);
            dt_1d(&f[..len], &mut d[..len], &mut v, &mut z);
            for j in 0..ny {
                out[j * nx + i] = d[pad + j] * sy * sy;
            }
            continue;
        };
        // walk the ring from the outside point o: each run of inside points, with the outside
        // points before and after it as the ends of its line
        let mut k = 1;
        while k < ny {
            if col[(o + k) % ny] == 0.0 {
                k += 1;
                continue;
            }
            let run_start = k;
            f[0] = 0.0;
            let mut run_len = 0;
            while k < ny && col[(o + k) % ny] != 0.0 {
                run_len += 1;
                f[run_len] = col[(o + k) % ny];
                k += 1;
            }
            f[run_len + 1] = 0.0;
            dt_1d(&f[..run_len + 2], &mut d[..run_len + 2], &mut v, &mut z);
            for r in 0..run_len {
                out[((o + run_start + r) % ny) * nx + i] = d[1 + r] * sy * sy;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Brute force over all outside points and their periodic images.
    fn brute(inside: &[bool], nx: usize, ny: usize, sx: f64, sy: f64) -> Vec<f64> {
        let mut out = vec![f64::INFINITY; nx * ny];
        for j in 0..ny {
            for i in 0..nx {
                for jj in 0..ny {
                    for ii in 0..nx {
                        if inside[jj * nx + ii] {
                            continue;
                        }
                        let di = (i as isize - ii as isize)
                            .unsigned_abs()
                            .min(nx - (i as isize - ii as isize).unsigned_abs());
                        let dj = (j as isize - jj as isize)
                            .unsigned_abs()
                            .min(ny - (j as isize - jj as isize).unsigned_abs());
                        let d2 = (di as f64 * sx).powi(2) + (dj as f64 * sy).powi(2);
                        out[j * nx + i] = out[j * nx + i].min(d2);
                    }
                }
            }
        }
        out
    }

    /// The transform equals brute force on random sets, with unequal spacings and wrap-around,
    /// on odd and even periods and single rows and columns, and with columns that are all inside
    /// (fill 0.95) beside columns whose inside runs are transformed one by one.
    #[test]
    fn matches_brute_force_on_random_sets() {
        for (nx, ny) in [(23, 17), (10, 8), (1, 5), (7, 1), (6, 2), (40, 31)] {
            matches_brute_force_on(nx, ny);
        }
    }

    fn matches_brute_force_on(nx: usize, ny: usize) {
        let (sx, sy) = (20.0, 12.5);
        let mut state = 12345u64;
        for fill in [0.3, 0.7, 0.95] {
            let inside: Vec<bool> = (0..nx * ny)
                .map(|_| {
                    state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    ((state >> 11) as f64 / (1u64 << 53) as f64) < fill
                })
                .collect();
            let fast = periodic_sq_distance_to_outside(&inside, nx, ny, sx, sy);
            let slow = brute(&inside, nx, ny, sx, sy);
            for (a, b) in fast.iter().zip(&slow) {
                assert!(a == b || (a - b).abs() < 1e-9 * b.max(1.0), "{a} vs {b} at fill {fill}, {nx} × {ny}");
            }
        }
    }

    #[test]
    fn all_inside_is_infinitely_far() {
        let d = periodic_sq_distance_to_outside(&[true; 12], 4, 3, 1.0, 1.0);
        assert!(d.iter().all(|x| x.is_infinite()));
    }
}
