//! Hand-built channel sets for tests, benches and quick studies (the real ones come from the
//! puncture and penetration models of `mnsim-core`).

use mnsim_core::ChannelSet;

/// A simple course: `sessions` sessions, each with `per_session` channels of depth `depth_um`
/// and surface diameter `surface_diameter_um` scattered over a `width_um` × `height_um` patch
/// by a fixed low-discrepancy (R2) sequence offset per session, so runs are reproducible.
/// Needle: cone of 200 µm from a 10 µm tip to a base of `surface_diameter_um / 0.6` (wall
/// recoil 0.4).
pub fn uniform_course(
    sessions: u32,
    per_session: usize,
    depth_um: f64,
    surface_diameter_um: f64,
    width_um: f64,
    height_um: f64,
    interval_s: f64,
) -> ChannelSet {
    let recoil = 0.4;
    let mut c = ChannelSet {
        tip_diameter_um: 10.0,
        base_diameter_um: surface_diameter_um / (1.0 - recoil),
        taper_length_um: 200.0,
        wall_recoil_fraction: recoil,
        ..Default::default()
    };
    // R2 sequence (Roberts 2018): alpha = 1/phi2, 1/phi2^2 with phi2 the plastic number.
    let g = 1.324_717_957_244_746_f64;
    let (a1, a2) = (1.0 / g, 1.0 / (g * g));
    for s in 0..sessions {
        let off = 0.5 + 0.37 * s as f64;
        for i in 0..per_session {
            let n = i as f64 + 1.0;
            c.x_um.push(((off + a1 * n).fract()) * width_um);
            c.y_um.push(((off * 0.61 + a2 * n).fract()) * height_um);
            c.created_s.push(s as f64 * interval_s);
            c.session.push(s);
            c.depth_um.push(depth_um);
            c.surface_diameter_um.push(surface_diameter_um);
        }
    }
    c
}

/// Session times of a course with a fixed interval, s.
pub fn session_times_s(sessions: u32, interval_d: f64) -> Vec<f64> {
    (0..sessions).map(|s| s as f64 * interval_d * 86_400.0).collect()
}
