//! Shared fixtures: skin and hand-built channel sets.
#![allow(dead_code)]

use mnsim_core::{ChannelSet, Patch, Sex, Skin};

pub fn cheek() -> Skin {
    Skin::at_site("cheek", 40.0, Sex::Female).unwrap()
}

/// Channels on a jittered square lattice of `pitch_um` over the patch, one session at t = 0,
/// depth `depth_um`, 1.5 mm-class needle (tip 10 µm, shaft 150 µm, taper 300 µm, recoil 0.5).
pub fn lattice(patch: Patch, pitch_um: f64, depth_um: f64) -> ChannelSet {
    let mut c = ChannelSet {
        tip_diameter_um: 10.0,
        base_diameter_um: 150.0,
        taper_length_um: 300.0,
        wall_recoil_fraction: 0.5,
        ..Default::default()
    };
    let nx = (patch.width_um / pitch_um).floor() as usize;
    let ny = (patch.height_um / pitch_um).floor() as usize;
    let mut s: u64 = 12345;
    let mut rnd = || {
        s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((s >> 11) as f64) / ((1u64 << 53) as f64)
    };
    for j in 0..ny {
        for i in 0..nx {
            let x = (i as f64 + 0.5 + 0.3 * (rnd() - 0.5)) * pitch_um;
            let y = (j as f64 + 0.5 + 0.3 * (rnd() - 0.5)) * pitch_um;
            c.x_um.push(x);
            c.y_um.push(y);
            c.created_s.push(0.0);
            c.session.push(0);
            let d = depth_um * (0.9 + 0.2 * rnd());
            c.depth_um.push(d);
            c.surface_diameter_um.push(75.0);
        }
    }
    c
}
