//! The micro-channels left by the punctures: where they are, when they were made, how deep they
//! reach and how wide they are at each depth. This is what transport and healing consume.
//!
//! Geometry only: how channels reseal over time is a transport property
//! (`mnsim-transport`), and how the tissue responds is healing (`mnsim-healing`).
//!
//! Diameter profile. The needle is a cone of length `taper_length_um` from a tip of diameter
//! d_tip to the shaft diameter d_base, then a cylinder. A channel of depth D holds, at depth z,
//! the needle section a distance s = D − z above the tip, so its open diameter is
//!
//! d(z) = (1 − r) · [d_tip + (d_base − d_tip) · min(s / L_taper, 1)],  0 ≤ z ≤ D,
//!
//! where r is the elastic recoil of the wound wall after withdrawal (see
//! [`crate::penetration::PenetrationParams::wall_recoil_fraction`]).

use serde::{Deserialize, Serialize};

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
    /// or if it did not pierce. See the module docs for the equation.
    pub fn diameter_at_depth_um(&self, i: usize, z_um: f64) -> f64 {
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
}
