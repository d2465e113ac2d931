//! Small helpers on sampled time series (linear interpolation between samples).

/// Linear interpolation of `y(t)` at `t`, clamped to the end values outside the samples.
/// `t_d` must be strictly increasing and as long as `y` (checked by validation upstream).
pub fn interp(t_d: &[f64], y: &[f64], t: f64) -> f64 {
    let n = t_d.len();
    if t <= t_d[0] {
        return y[0];
    }
    if t >= t_d[n - 1] {
        return y[n - 1];
    }
    let i = t_d.partition_point(|&x| x <= t) - 1;
    let (t0, t1) = (t_d[i], t_d[i + 1]);
    let w = (t - t0) / (t1 - t0);
    y[i] + w * (y[i + 1] - y[i])
}

/// Time at which each session is assessed ("after session s"): just before the next session,
/// and for the last session one typical interval later (the median interval of the course, or
/// 30 d for a single session), never beyond the end of the course.
pub fn assessment_times(session_days: &[f64], t_end: f64) -> Vec<f64> {
    let n = session_days.len();
    let mut gaps: Vec<f64> = session_days.windows(2).map(|w| w[1] - w[0]).collect();
    gaps.sort_by(f64::total_cmp);
    let typical = if gaps.is_empty() { 30.0 } else { gaps[gaps.len() / 2] };
    (0..n).map(|s| if s + 1 < n { session_days[s + 1] } else { (session_days[s] + typical).min(t_end) }).collect()
}

/// The window `[start, end]` of session `s`: from the session to the last sample before the
/// next session (so that the next session's own injury never counts), or to the end.
pub fn session_window(t_d: &[f64], session_days: &[f64], s: usize) -> (f64, f64) {
    let a = session_days[s];
    let end = t_d[t_d.len() - 1];
    match session_days.get(s + 1) {
        None => (a, end),
        Some(&next) => {
            let last_before = t_d.iter().copied().filter(|&t| t < next).fold(a, f64::max);
            (a, last_before.max(a))
        }
    }
}

/// Total time in `[a, b]` during which the piecewise-linear `y(t)` exceeds `threshold`, days.
pub fn duration_above(t_d: &[f64], y: &[f64], threshold: f64, a: f64, b: f64) -> f64 {
    let mut total = 0.0;
    for i in 0..t_d.len() - 1 {
        let (t0, t1) = (t_d[i].max(a), t_d[i + 1].min(b));
        if t1 <= t0 {
            continue;
        }
        let (y0, y1) = (interp(t_d, y, t0), interp(t_d, y, t1));
        let (e0, e1) = (y0 - threshold, y1 - threshold);
        total += if e0 > 0.0 && e1 > 0.0 {
            t1 - t0
        } else if e0 <= 0.0 && e1 <= 0.0 {
            0.0
        } else {
            // one crossing: the fraction of the interval above the threshold
            let f = e0.max(e1) / (e0 - e1).abs();
            f * (t1 - t0)
        };
    }
    total
}

/// Time from `a` until `y` falls back to or below `threshold` after its maximum in `[a, b]`,
/// days, and whether the window ended first (censored). Zero when `y` never exceeds the
/// threshold in the window.
pub fn recovery_time(t_d: &[f64], y: &[f64], threshold: f64, a: f64, b: f64) -> (f64, bool) {
    // the maximum in the window, at a sample or at the window's edges
    let mut pts: Vec<f64> = vec![a];
    pts.extend(t_d.iter().copied().filter(|&t| t > a && t < b));
    pts.push(b);
    let vals: Vec<f64> = pts.iter().map(|&t| interp(t_d, y, t)).collect();
    let (imax, &vmax) = vals.iter().enumerate().max_by(|x, y| x.1.total_cmp(y.1)).expect("window has points");
    if vmax <= threshold {
        return (0.0, false);
    }
    for k in imax..pts.len() - 1 {
        let (v0, v1) = (vals[k], vals[k + 1]);
        if v1 <= threshold {
            let f = (v0 - threshold) / (v0 - v1);
            return (pts[k] + f * (pts[k + 1] - pts[k]) - a, false);
        }
    }
    (b - a, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn interpolation_is_linear_and_clamped() {
        let t = [0.0, 1.0, 3.0];
        let y = [0.0, 2.0, 6.0];
        assert_relative_eq!(interp(&t, &y, 0.5), 1.0);
        assert_relative_eq!(interp(&t, &y, 2.0), 4.0);
        assert_relative_eq!(interp(&t, &y, -1.0), 0.0);
        assert_relative_eq!(interp(&t, &y, 9.0), 6.0);
    }

    #[test]
    fn duration_above_a_triangle() {
        // triangle 0 → 1 → 0 over [0, 2]; above 0.5 for 1 day
        let t = [0.0, 1.0, 2.0];
        let y = [0.0, 1.0, 0.0];
        assert_relative_eq!(duration_above(&t, &y, 0.5, 0.0, 2.0), 1.0, epsilon = 1e-12);
        assert_relative_eq!(duration_above(&t, &y, 0.5, 1.0, 2.0), 0.5, epsilon = 1e-12);
    }

    #[test]
    fn recovery_of_a_ramp() {
        let t = [0.0, 1.0, 3.0];
        let y = [0.0, 1.0, 0.0];
        // falls below 0.1 at t = 1 + 2·0.9 = 2.8
        let (r, c) = recovery_time(&t, &y, 0.1, 0.0, 3.0);
        assert_relative_eq!(r, 2.8, epsilon = 1e-12);
        assert!(!c);
        let (r, c) = recovery_time(&t, &y, 0.1, 0.0, 2.0);
        assert_relative_eq!(r, 2.0);
        assert!(c);
    }

    #[test]
    fn session_windows_stop_before_the_next_session() {
        let t = [0.0, 1.0, 2.0, 3.0, 4.0];
        assert_eq!(session_window(&t, &[0.0, 3.0], 0), (0.0, 2.0));
        assert_eq!(session_window(&t, &[0.0, 3.0], 1), (3.0, 4.0));
        assert_eq!(session_window(&t, &[1.0, 1.0], 0), (1.0, 1.0));
    }

    #[test]
    fn assessment_after_each_session() {
        let a = assessment_times(&[0.0, 30.0, 60.0], 200.0);
        assert_eq!(a, vec![30.0, 60.0, 90.0]);
        assert_eq!(assessment_times(&[0.0], 10.0), vec![10.0]);
    }
}
