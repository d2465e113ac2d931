//! Devices: the needle and how a roller, a stamp or an automated pen carries it to the skin.
//!
//! Default values for each kind live in the scenario crate (they are user-facing); this module
//! holds the resolved geometry and the closed-form figures used to check puncture generation:
//!
//! * roller: holes per pass per area = N / (π · D_drum · W_drum) (each needle touches the skin
//!   once per drum revolution, which advances π·D along the stroke over a swath W);
//! * stamp: holes per stamp = rows · cols, per pass per area = 1 / pitch²;
//! * pen: holes per pass per area = n · f / (v_glide · swath), swath = the cartridge width.

use crate::error::{CoreError, check_range};
use crate::units::{UM_PER_M, UM2_PER_CM2};
use serde::{Deserialize, Serialize};

/// Force of a hand pressing a stamp or array onto the skin, N. Assumed 20 N, inside the 10–50 N
/// per array with which a texture analyser is set to mimic manual application of microneedle
/// arrays (methods excerpt of a Donnelly-group insertion study on pubcompare.ai, retrieved;
/// attribution to Larrañeta et al. 2014, Int J Pharm 472:65, recalled).
pub const HAND_PRESS_FORCE_N: f64 = 20.0;

/// Needle geometry, µm. A cone of `taper_length_um` from the tip to the shaft, then a cylinder.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Needle {
    /// Needle length protruding from the device (the depth setting on a pen), µm.
    pub length_um: f64,
    /// Shaft diameter at the base, µm.
    pub base_diameter_um: f64,
    /// Tip diameter (twice the tip radius), µm.
    pub tip_diameter_um: f64,
    /// Length of the conical tip, µm.
    pub taper_length_um: f64,
}

impl Needle {
    /// Diameter at distance `s_um` above the tip, µm.
    pub fn diameter_at_um(&self, s_um: f64) -> f64 {
        let f = if self.taper_length_um > 0.0 { (s_um / self.taper_length_um).clamp(0.0, 1.0) } else { 1.0 };
        self.tip_diameter_um + (self.base_diameter_um - self.tip_diameter_um) * f
    }

    /// Tip cross-section area π (d_tip/2)², µm².
    pub fn tip_area_um2(&self) -> f64 {
        std::f64::consts::PI * self.tip_diameter_um * self.tip_diameter_um / 4.0
    }

    /// Check ranges: 50 µm ≤ L ≤ 5000 µm, 0 < d_tip ≤ d_base ≤ 1000 µm.
    pub fn validate(&self) -> Result<(), CoreError> {
        check_range("needle_length_um", self.length_um, 50.0, 5000.0, "[50, 5000]")?;
        check_range("needle_base_diameter_um", self.base_diameter_um, 5.0, 1000.0, "[5, 1000]")?;
        check_range(
            "needle_tip_diameter_um",
            self.tip_diameter_um,
            0.1,
            self.base_diameter_um,
            "(0, needle_base_diameter_um]",
        )?;
        check_range("needle_taper_length_um", self.taper_length_um, 0.0, 5000.0, "[0, 5000]")?;
        Ok(())
    }
}

/// How the needles of a pen cartridge are arranged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CartridgeLayout {
    /// A square-ish grid, rows = ⌊√n⌋, filled row by row.
    Grid,
    /// Needles evenly spaced on a circle whose chord between neighbours equals the pitch.
    Ring,
}

/// Device-specific geometry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DeviceGeometry {
    /// A drum studded with rings of needles, rolled over the skin.
    Roller {
        /// Drum diameter, µm.
        drum_diameter_um: f64,
        /// Drum width (axial length), µm.
        drum_width_um: f64,
        /// Number of needle rings across the drum width.
        needle_rings: u32,
        /// Needles around each ring.
        needles_per_ring: u32,
        /// Needle tilt from the radial direction, degrees.
        needle_tilt_deg: f64,
        /// Hand rolling speed, µm/s.
        rolling_speed_um_per_s: f64,
    },
    /// A flat plate of needles pressed onto the skin repeatedly.
    Stamp {
        /// Needle rows.
        rows: u32,
        /// Needle columns.
        cols: u32,
        /// Needle pitch (centre-to-centre), µm.
        pitch_um: f64,
        /// Speed of the needles at skin contact, µm/s.
        press_speed_um_per_s: f64,
        /// Force with which the hand (or an applicator) presses the plate, N, shared by all its
        /// needles: a needle whose share is below its puncture force does not pierce.
        press_force_n: f64,
    },
    /// A motorised pen: a cartridge that reciprocates at a frequency while it glides.
    Pen {
        /// Needles in the cartridge.
        needles: u32,
        /// Cartridge layout.
        layout: CartridgeLayout,
        /// Needle pitch in the cartridge, µm.
        pitch_um: f64,
        /// Stroke frequency, Hz.
        frequency_hz: f64,
        /// Glide speed of the pen over the skin, µm/s.
        glide_speed_um_per_s: f64,
        /// Peak-to-peak stroke of the cartridge, µm (needle length + retraction).
        stroke_um: f64,
    },
}

/// A device: its needle and its geometry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Device {
    /// The needle (all needles of a device are alike).
    pub needle: Needle,
    /// Kind-specific geometry.
    pub geometry: DeviceGeometry,
}

impl Device {
    /// Kind name (`roller`, `stamp`, `pen`).
    pub fn kind(&self) -> &'static str {
        match self.geometry {
            DeviceGeometry::Roller { .. } => "roller",
            DeviceGeometry::Stamp { .. } => "stamp",
            DeviceGeometry::Pen { .. } => "pen",
        }
    }

    /// Total needles on the device.
    pub fn needle_count(&self) -> u32 {
        match self.geometry {
            DeviceGeometry::Roller { needle_rings, needles_per_ring, .. } => needle_rings * needles_per_ring,
            DeviceGeometry::Stamp { rows, cols, .. } => rows * cols,
            DeviceGeometry::Pen { needles, .. } => needles,
        }
    }

    /// Offsets (across, along) of the pen cartridge needles from the cartridge centre, µm.
    pub fn cartridge_offsets_um(&self) -> Vec<(f64, f64)> {
        match self.geometry {
            DeviceGeometry::Pen { needles, layout, pitch_um, .. } => cartridge_offsets(needles, layout, pitch_um),
            _ => Vec::new(),
        }
    }

    /// Width of the swath one pen line covers (extent of the cartridge across the glide
    /// direction plus one pitch), µm. Zero for other kinds.
    pub fn pen_swath_um(&self) -> f64 {
        match self.geometry {
            DeviceGeometry::Pen { pitch_um, .. } => {
                let offs = self.cartridge_offsets_um();
                let (lo, hi) = offs.iter().fold((f64::MAX, f64::MIN), |(lo, hi), &(a, _)| (lo.min(a), hi.max(a)));
                (hi - lo) + pitch_um
            }
            _ => 0.0,
        }
    }

    /// Closed-form nominal hole density of one pass, holes·cm⁻² (see module docs).
    pub fn nominal_holes_per_cm2_per_pass(&self) -> f64 {
        let per_um2 = match self.geometry {
            DeviceGeometry::Roller { drum_diameter_um, drum_width_um, .. } => {
                self.needle_count() as f64 / (std::f64::consts::PI * drum_diameter_um * drum_width_um)
            }
            DeviceGeometry::Stamp { pitch_um, .. } => 1.0 / (pitch_um * pitch_um),
            DeviceGeometry::Pen { needles, frequency_hz, glide_speed_um_per_s, .. } => {
                needles as f64 * frequency_hz / (glide_speed_um_per_s * self.pen_swath_um())
            }
        };
        per_um2 * UM2_PER_CM2
    }

    /// Force on each needle of a stamp, N: the press force shared by its needles (`None` for
    /// rollers and pens, which are not pressed by a set force).
    pub fn press_force_per_needle_n(&self) -> Option<f64> {
        match self.geometry {
            DeviceGeometry::Stamp { press_force_n, .. } => Some(press_force_n / self.needle_count().max(1) as f64),
            _ => None,
        }
    }

    /// Speed of the needle tip along its axis when it meets the skin, m/s.
    ///
    /// * roller: v = v_roll · sin θ_entry with cos θ_entry = R / (R + L): a radial needle meets the
    ///   skin at angle θ_entry from the normal while the drum rolls at v_roll;
    /// * stamp: the press speed;
    /// * pen: peak speed of a sinusoidal stroke, v = π · f · stroke.
    pub fn insertion_speed_m_per_s(&self) -> f64 {
        let v_um_s = match self.geometry {
            DeviceGeometry::Roller { rolling_speed_um_per_s, .. } => {
                rolling_speed_um_per_s * self.roller_entry_angle_deg().to_radians().sin()
            }
            DeviceGeometry::Stamp { press_speed_um_per_s, .. } => press_speed_um_per_s,
            DeviceGeometry::Pen { frequency_hz, stroke_um, .. } => std::f64::consts::PI * frequency_hz * stroke_um,
        };
        v_um_s / UM_PER_M
    }

    /// Angle from the skin normal at which a roller needle meets the skin, degrees:
    /// θ = arccos(R / (R + L)) + tilt. Zero for stamps and pens.
    pub fn roller_entry_angle_deg(&self) -> f64 {
        match self.geometry {
            DeviceGeometry::Roller { drum_diameter_um, needle_tilt_deg, .. } => {
                let r = drum_diameter_um / 2.0;
                (r / (r + self.needle.length_um)).acos().to_degrees() + needle_tilt_deg
            }
            _ => 0.0,
        }
    }

    /// Angle of the needle from the skin normal at its deepest point, degrees (the roller's
    /// tilt; 0 for stamps and pens). The depth reached is multiplied by its cosine.
    pub fn needle_axis_angle_deg(&self) -> f64 {
        match self.geometry {
            DeviceGeometry::Roller { needle_tilt_deg, .. } => needle_tilt_deg,
            _ => 0.0,
        }
    }

    /// Check every geometric field is finite and in range.
    pub fn validate(&self) -> Result<(), CoreError> {
        self.needle.validate()?;
        match self.geometry {
            DeviceGeometry::Roller {
                drum_diameter_um,
                drum_width_um,
                needle_rings,
                needles_per_ring,
                needle_tilt_deg,
                rolling_speed_um_per_s,
            } => {
                check_range("drum_diameter_um", drum_diameter_um, 2_000.0, 100_000.0, "[2000, 100000]")?;
                check_range("drum_width_um", drum_width_um, 1_000.0, 100_000.0, "[1000, 100000]")?;
                check_range("needle_rings", needle_rings as f64, 1.0, 200.0, "[1, 200]")?;
                check_range("needles_per_ring", needles_per_ring as f64, 1.0, 500.0, "[1, 500]")?;
                check_range("needle_tilt_deg", needle_tilt_deg, 0.0, 45.0, "[0, 45]")?;
                check_range("rolling_speed_um_per_s", rolling_speed_um_per_s, 100.0, 1.0e6, "[100, 1e6]")?;
            }
            DeviceGeometry::Stamp { rows, cols, pitch_um, press_speed_um_per_s, press_force_n } => {
                check_range("rows", rows as f64, 1.0, 200.0, "[1, 200]")?;
                check_range("cols", cols as f64, 1.0, 200.0, "[1, 200]")?;
                check_range(
                    "pitch_um",
                    pitch_um,
                    self.needle.base_diameter_um,
                    20_000.0,
                    "[needle_base_diameter_um, 20000]",
                )?;
                check_range("press_speed_um_per_s", press_speed_um_per_s, 100.0, 1.0e7, "[100, 1e7]")?;
                check_range("press_force_n", press_force_n, 0.0, 500.0, "[0, 500]")?;
            }
            DeviceGeometry::Pen { needles, pitch_um, frequency_hz, glide_speed_um_per_s, stroke_um, .. } => {
                check_range("needles", needles as f64, 1.0, 100.0, "[1, 100]")?;
                check_range(
                    "pitch_um",
                    pitch_um,
                    self.needle.base_diameter_um,
                    5_000.0,
                    "[needle_base_diameter_um, 5000]",
                )?;
                check_range("frequency_hz", frequency_hz, 1.0, 300.0, "[1, 300]")?;
                check_range("glide_speed_um_per_s", glide_speed_um_per_s, 100.0, 1.0e6, "[100, 1e6]")?;
                check_range("stroke_um", stroke_um, self.needle.length_um, 10_000.0, "[needle_length_um, 10000]")?;
            }
        }
        Ok(())
    }
}

fn cartridge_offsets(n: u32, layout: CartridgeLayout, pitch_um: f64) -> Vec<(f64, f64)> {
    let n = n as usize;
    match layout {
        CartridgeLayout::Grid => {
            let rows = ((n as f64).sqrt().floor() as usize).max(1);
            let cols = n.div_ceil(rows);
            let mut v = Vec::with_capacity(n);
            for k in 0..n {
                let (r, c) = (k / cols, k % cols);
                v.push((
                    (c as f64 - (cols - 1) as f64 / 2.0) * pitch_um,
                    (r as f64 - (rows - 1) as f64 / 2.0) * pitch_um,
                ));
            }
            v
        }
        CartridgeLayout::Ring => {
            if n == 1 {
                return vec![(0.0, 0.0)];
            }
            // chord between neighbours = pitch: 2 R sin(π/n) = pitch
            let r = pitch_um / (2.0 * (std::f64::consts::PI / n as f64).sin());
            (0..n)
                .map(|k| {
                    let a = 2.0 * std::f64::consts::PI * k as f64 / n as f64;
                    (r * a.cos(), r * a.sin())
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn needle() -> Needle {
        Needle { length_um: 1500.0, base_diameter_um: 250.0, tip_diameter_um: 8.0, taper_length_um: 750.0 }
    }

    #[test]
    fn mf8_roller_density_per_pass_is_n_over_pi_d_w() {
        let d = Device {
            needle: needle(),
            geometry: DeviceGeometry::Roller {
                drum_diameter_um: 20_000.0,
                drum_width_um: 20_000.0,
                needle_rings: 8,
                needles_per_ring: 24,
                needle_tilt_deg: 15.0,
                rolling_speed_um_per_s: 20_000.0,
            },
        };
        // 192 / (π · 2 cm · 2 cm)
        assert_relative_eq!(d.nominal_holes_per_cm2_per_pass(), 192.0 / (std::f64::consts::PI * 4.0), epsilon = 1e-9);
        assert!(d.validate().is_ok());
        // entry angle for R = 10 mm, L = 1.5 mm: acos(10/11.5) + 15°
        assert_relative_eq!(d.roller_entry_angle_deg(), (10.0f64 / 11.5).acos().to_degrees() + 15.0, epsilon = 1e-9);
    }

    #[test]
    fn ring_cartridge_neighbours_are_one_pitch_apart() {
        let o = cartridge_offsets(12, CartridgeLayout::Ring, 500.0);
        let d = ((o[0].0 - o[1].0).powi(2) + (o[0].1 - o[1].1).powi(2)).sqrt();
        assert_relative_eq!(d, 500.0, epsilon = 1e-9);
        let g = cartridge_offsets(12, CartridgeLayout::Grid, 500.0);
        assert_eq!(g.len(), 12);
    }

    #[test]
    fn needle_diameter_grows_from_tip_to_shaft() {
        let n = needle();
        assert_relative_eq!(n.diameter_at_um(0.0), 8.0);
        assert_relative_eq!(n.diameter_at_um(375.0), 8.0 + 242.0 * 0.5);
        assert_relative_eq!(n.diameter_at_um(2000.0), 250.0);
    }

    #[test]
    fn pen_speed_is_pi_f_stroke() {
        let d = Device {
            needle: needle(),
            geometry: DeviceGeometry::Pen {
                needles: 12,
                layout: CartridgeLayout::Grid,
                pitch_um: 600.0,
                frequency_hz: 100.0,
                glide_speed_um_per_s: 20_000.0,
                stroke_um: 2500.0,
            },
        };
        assert_relative_eq!(d.insertion_speed_m_per_s(), std::f64::consts::PI * 100.0 * 2.5e-3, epsilon = 1e-12);
    }
}
