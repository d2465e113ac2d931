//! The micro-channels left by the punctures: where they are, when they were made, how deep they
//! reach and how wide they are at each depth. This is what transport and healing consume.
//!
//! Geometry only: how channels reseal over time is a transport property
//! (`mnsim-transport`), and how the tissue responds is healing (`mnsim-healing`).
//!
//! Diameter profile. The needle is a cone of length `taper_length_um` from a tip of diameter
//! d_tip to the shaft diameter d_base, then a cylinder: n(s) = d_tip + (d_base − d_tip)·min(s /
//! L_taper, 1) at a distance s above the tip. A channel of depth D held, at depth z, the needle
//! section n(D − z). Two layers keep it differently:
//!
//! * the entry. The stratum corneum is a stiff, brittle sheet that tears around the needle
//!   rather than closing on it, and living skin is under in-plane tension (pre-strain ε), so the
//!   torn hole gapes as a hole in a stretched plate does (Kirsch: the edge of a hole of radius a in
//!   an equibiaxially strained plane-stress sheet moves out by u = 2εa/(1 − ν)). Its surface
//!   diameter is the section that crossed the surface, widened by that gape:
//!
//!   d_s = (1 + 2ε/(1 − ν)) · n(D)                    ([`surface_opening_um`])
//!
//! * the dermal wall, elastic, springs back by the recoil r
//!   ([`crate::penetration::PenetrationParams::wall_recoil_fraction`]): (1 − r) · n(D − z).
//!
//! The gape of the entry fades over a depth equal to its own width (a surface disturbance decays
//! over about its own size, Saint-Venant; assumed), so the open diameter is
//!
//! d(z) = max[(1 − r) · n(D − z),  d_s − z],  0 ≤ z ≤ D.
//!
//! With ε = 6.6 % (calibrated, [`crate::skin::IN_VIVO_PRESTRAIN_PCT`]) a 770 µm DermaRoller
//! channel 152.5 µm deep opens 70.7 µm at the surface (Kalluri et al. 2011: 70.7 ± 9.9 µm); the
//! former d = (1 − r)·n(D) gave 28 µm, 2.5× too narrow.

use crate::device::Needle;
use crate::penetration::SKIN_POISSON_RATIO;
use serde::{Deserialize, Serialize};

/// Open diameter at the skin surface of a channel `depth_um` deep, µm: the needle section that
/// crossed the surface, n(D), widened by the Kirsch gape of a torn hole in skin pre-strained by
/// `prestrain_pct`: d_s = (1 + 2ε/(1 − ν))·n(D) (module docs). 0 if the needle did not pierce.
pub fn surface_opening_um(needle: &Needle, depth_um: f64, prestrain_pct: f64) -> f64 {
    if depth_um <= 0.0 {
        return 0.0;
    }
    let gape = 1.0 + 2.0 * (prestrain_pct / 100.0) / (1.0 - SKIN_POISSON_RATIO);
    gape * needle.diameter_at_um(depth_um)
}

/// A rectangular patch of skin surface, µm. Puncture coordinates lie in `[0, width) × [0, height)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Patch {
    /// Width along x, µm.
    pub width_um: f64,
    /// Height along y, µm.
    pub height_um: f64,
}

impl Patch {
    /// Area, µm².
    pub fn area_um2(&self) -> f64 {
        self.width_um * self.height_um
    }
}

/// All channels of a course, structure-of-arrays (index i is one channel).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChannelSet {
    /// Entry point x on the patch, µm.
    pub x_um: Vec<f64>,
    /// Entry point y on the patch, µm.
    pub y_um: Vec<f64>,
    /// Time the channel was made, s since the start of the course (first session at its day).
    pub created_s: Vec<f64>,
    /// Index of the session (0-based) that made it.
    pub session: Vec<u32>,
    /// Depth reached below the skin surface, µm (0 if the needle did not pierce).
    pub depth_um: Vec<f64>,
    /// Open diameter at the skin surface, µm.
    pub surface_diameter_um: Vec<f64>,
    /// Needle tip diameter, µm (same for every channel of one device).
    pub tip_diameter_um: f64,
    /// Needle shaft (base) diameter, µm.
    pub base_diameter_um: f64,
    /// Length of the conical tip, µm.
    pub taper_length_um: f64,
    /// Elastic recoil of the wall after withdrawal, fraction of the needle diameter lost.
    pub wall_recoil_fraction: f64,
}

impl ChannelSet {
    /// Number of channels.
    pub fn len(&self) -> usize {
        self.x_um.len()
    }

    /// True if there are no channels.
    pub fn is_empty(&self) -> bool {
        self.x_um.is_empty()
    }

    /// Open diameter of channel `i` at depth `z_um` below the surface, µm; 0 below its bottom
    /// or if it did not pierce: the larger of the recoiled dermal wall and the gaping entry,
    /// d(z) = max[(1 − r)·n(D − z), d_s − z] (module docs).
    pub fn diameter_at_depth_um(&self, i: usize, z_um: f64) -> f64 {
        let depth = self.depth_um[i];
        if depth <= 0.0 || z_um < 0.0 || z_um > depth {
            return 0.0;
        }
        self.wall_diameter_at_depth_um(i, z_um).max(self.surface_diameter_um[i] - z_um)
    }

    /// Diameter of channel `i`'s recoiled wall at depth `z_um`, µm: (1 − r)·n(D − z), the needle
    /// section less the wall's recoil, without the gaping entry; 0 below its bottom or if it did
    /// not pierce. This is the tissue the needle tore and displaced (healing's damage zone); the
    /// wider entry of [`ChannelSet::diameter_at_depth_um`] is the elastic gape of intact,
    /// stretched skin around the torn stratum corneum, open to a topical but not destroyed.
    pub fn wall_diameter_at_depth_um(&self, i: usize, z_um: f64) -> f64 {
        let depth = self.depth_um[i];
        if depth <= 0.0 || z_um < 0.0 || z_um > depth {
            return 0.0;
        }
        let s = depth - z_um;
        let frac = if self.taper_length_um > 0.0 { (s / self.taper_length_um).min(1.0) } else { 1.0 };
        (1.0 - self.wall_recoil_fraction)
            * (self.tip_diameter_um + (self.base_diameter_um - self.tip_diameter_um) * frac)
    }

    /// Open volume of channel `i`, µm³ (integral of π d(z)²/4 over its depth, midpoint rule with
    /// 64 slices; exact to < 0.1 % for the cone + cylinder profile).
    pub fn volume_um3(&self, i: usize) -> f64 {
        let depth = self.depth_um[i];
        if depth <= 0.0 {
            return 0.0;
        }
        const SLICES: usize = 64;
        let dz = depth / SLICES as f64;
        (0..SLICES)
            .map(|k| {
                let d = self.diameter_at_depth_um(i, (k as f64 + 0.5) * dz);
                std::f64::consts::PI * d * d / 4.0 * dz
            })
            .sum()
    }

    /// Indices of the channels made in session `s`.
    pub fn of_session(&self, s: u32) -> impl Iterator<Item = usize> + '_ {
        self.session.iter().enumerate().filter(move |&(_, &k)| k == s).map(|(i, _)| i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn one(depth: f64) -> ChannelSet {
        ChannelSet {
            x_um: vec![0.0],
            y_um: vec![0.0],
            created_s: vec![0.0],
            session: vec![0],
            depth_um: vec![depth],
            surface_diameter_um: vec![0.0],
            tip_diameter_um: 10.0,
            base_diameter_um: 110.0,
            taper_length_um: 200.0,
            wall_recoil_fraction: 0.5,
        }
    }

    #[test]
    fn diameter_profile_is_cone_then_cylinder() {
        let c = one(500.0);
        assert_relative_eq!(c.diameter_at_depth_um(0, 500.0), 5.0);
        assert_relative_eq!(c.diameter_at_depth_um(0, 400.0), 0.5 * (10.0 + 100.0 * 0.5));
        assert_relative_eq!(c.diameter_at_depth_um(0, 0.0), 55.0);
        assert_eq!(c.diameter_at_depth_um(0, 501.0), 0.0);
    }

    #[test]
    fn volume_matches_cone_plus_cylinder() {
        let c = one(500.0);
        // cylinder of 300 µm at d = 55, frustum of 200 µm from d = 5 to 55
        let cyl = std::f64::consts::PI * 55.0f64.powi(2) / 4.0 * 300.0;
        let (r1, r2) = (2.5f64, 27.5f64);
        let frustum = std::f64::consts::PI * 200.0 / 3.0 * (r1 * r1 + r1 * r2 + r2 * r2);
        assert_relative_eq!(c.volume_um3(0), cyl + frustum, max_relative = 1e-3);
    }

    #[test]
    fn entry_gapes_by_kirsch_and_fades_into_the_recoiled_wall() {
        // needle 10 µm tip, 110 µm base, 200 µm taper; channel 150 µm deep, pre-strain 6.6 %.
        // n(150) = 10 + 100 · 150/200 = 85 µm; gape 1 + 2 · 0.066 / 0.5 = 1.264 → d_s = 107.44 µm
        let needle =
            Needle { length_um: 500.0, base_diameter_um: 110.0, tip_diameter_um: 10.0, taper_length_um: 200.0 };
        let d_s = surface_opening_um(&needle, 150.0, 6.6);
        assert_relative_eq!(d_s, 107.44, epsilon = 1e-9);
        let mut c = one(150.0);
        c.surface_diameter_um[0] = d_s;
        assert_relative_eq!(c.diameter_at_depth_um(0, 0.0), 107.44, epsilon = 1e-9);
        // z = 20: wall 0.5 · n(130) = 37.5 µm, funnel 107.44 − 20 = 87.44 µm
        assert_relative_eq!(c.diameter_at_depth_um(0, 20.0), 87.44, epsilon = 1e-9);
        // z = 100: wall 0.5 · n(50) = 17.5 µm, funnel 7.44 µm
        assert_relative_eq!(c.diameter_at_depth_um(0, 100.0), 17.5, epsilon = 1e-9);
        // excised skin (no pre-strain): the section that crossed the surface, no gape
        assert_relative_eq!(surface_opening_um(&needle, 150.0, 0.0), 85.0, epsilon = 1e-9);
        assert_eq!(surface_opening_um(&needle, 0.0, 6.6), 0.0);
    }

    #[test]
    fn more_recoil_narrows_the_wall_and_more_prestrain_widens_the_entry() {
        let needle =
            Needle { length_um: 500.0, base_diameter_um: 110.0, tip_diameter_um: 10.0, taper_length_um: 200.0 };
        let mut last = 0.0;
        for pre in [0.0, 5.0, 10.0, 20.0] {
            let d = surface_opening_um(&needle, 150.0, pre);
            assert!(d > last);
            last = d;
        }
        let mut c = one(400.0);
        c.surface_diameter_um[0] = surface_opening_um(&needle, 400.0, 6.6);
        let deep = |c: &ChannelSet| c.diameter_at_depth_um(0, 300.0);
        let before = deep(&c);
        c.wall_recoil_fraction = 0.7;
        assert!(deep(&c) < before);
    }
}
