//! Default values of each device kind, with their sources. These fill the keys a scenario
//! leaves out; `docs/MODEL.md` § Devices lists them in a table.

use crate::schema::{DeviceKind, DeviceSpec};
use mnsim_core::device::CartridgeLayout;

/// Needle tip diameter, µm: twice the 4 µm tip radius measured on a DermaRoller needle by SEM
/// (Kalluri, Kolli & Banga 2011, AAPS J 13:473).
pub const NEEDLE_TIP_DIAMETER_UM: f64 = 8.0;
/// Taper length as a multiple of the base diameter. Assumed: a conical tip of about 9.5° half
/// angle, typical of ground stainless needles.
pub const TAPER_LENGTH_PER_BASE_DIAMETER: f64 = 3.0;

/// Roller needle base diameter, µm: 140 µm base width by SEM (Kalluri et al. 2011); acne-scar
/// rollers are quoted at 0.1 mm (Doddaballapur 2009) to 0.25 mm (Schwarz & Laaff 2011).
pub const ROLLER_BASE_DIAMETER_UM: f64 = 140.0;
/// Roller drum diameter, mm: Dermaroller MF8, 2 cm (Schwarz & Laaff 2011).
pub const ROLLER_DRUM_DIAMETER_MM: f64 = 20.0;
/// Roller drum width, mm: Dermaroller MF8, 2 cm (Schwarz & Laaff 2011).
pub const ROLLER_DRUM_WIDTH_MM: f64 = 20.0;
/// Needle rings: 192 needles in 8 rows (Doddaballapur 2009; Schwarz & Laaff 2011).
pub const ROLLER_RINGS: u32 = 8;
/// Needles per ring: 192 / 8.
pub const ROLLER_NEEDLES_PER_RING: u32 = 24;
/// Needle tilt from radial, degrees: MF8 needles at 15° to the drum centre (Schwarz & Laaff 2011).
pub const ROLLER_TILT_DEG: f64 = 15.0;
/// Rolling speed, mm/s. Assumed: a slow, deliberate hand stroke of about 2 cm/s.
pub const ROLLER_SPEED_MM_PER_S: f64 = 20.0;

/// Pen needle base diameter, µm. Assumed 250 µm, the needle diameter of the MF8 medical roller
/// (Schwarz & Laaff 2011); pen cartridges use 32–36 gauge needles (0.18–0.24 mm).
pub const PEN_BASE_DIAMETER_UM: f64 = 250.0;
/// Pen needles per cartridge: 12. Cartridges carry 9–36 needles (Termedia review); the
/// Dermapen tip has 11 (Wilson 2012). 12 is a common cartridge.
pub const PEN_NEEDLES: u32 = 12;
/// Pen needle pitch, µm. Assumed: 12 needles within a ~2.5 mm cartridge face.
pub const PEN_PITCH_UM: f64 = 600.0;
/// Pen stroke frequency, Hz: Dermapen up to 90 Hz (Wilson 2012, trade source).
pub const PEN_FREQUENCY_HZ: f64 = 90.0;
/// Pen glide speed, mm/s. Assumed: about 2 cm/s, a slow continuous glide.
pub const PEN_GLIDE_MM_PER_S: f64 = 20.0;
/// Pen cartridge retraction above the skin, µm: stroke = needle length + this. Assumed.
pub const PEN_RETRACTION_UM: f64 = 1000.0;

/// Stamp needle base diameter, µm. Assumed equal to the roller's.
pub const STAMP_BASE_DIAMETER_UM: f64 = 140.0;
/// Stamp rows and columns. Assumed: a 6 × 6 plate (stamps carry tens to ~140 needles).
pub const STAMP_ROWS: u32 = 6;
/// Stamp columns.
pub const STAMP_COLS: u32 = 6;
/// Stamp pitch, µm. Assumed: 1 mm.
pub const STAMP_PITCH_UM: f64 = 1000.0;
/// Stamp press speed, mm/s. Assumed: a hand press of about 2 cm/s.
pub const STAMP_PRESS_MM_PER_S: f64 = 20.0;
/// Stamp press force, N: a hand press, 20 N (assumed, inside the 10–50 N per array used to mimic
/// manual application of microneedle arrays; see [`mnsim_core::device::HAND_PRESS_FORCE_N`]).
pub const STAMP_PRESS_FORCE_N: f64 = mnsim_core::device::HAND_PRESS_FORCE_N;

/// Skin pre-strain while needling, %: the resting tension of living skin, 6.6 % (calibrated on the
/// surface opening of Kalluri et al. 2011's DermaRoller channels, case PN06; see
/// [`mnsim_core::skin::IN_VIVO_PRESTRAIN_PCT`]). Set 0 for excised, untensioned skin.
pub const SKIN_PRESTRAIN_PCT: f64 = mnsim_core::skin::IN_VIVO_PRESTRAIN_PCT;

/// Fill every key the kind uses and the user left out.
pub fn fill_device(d: &mut DeviceSpec) {
    let base = match d.kind {
        DeviceKind::Roller => ROLLER_BASE_DIAMETER_UM,
        DeviceKind::Stamp => STAMP_BASE_DIAMETER_UM,
        DeviceKind::Pen => PEN_BASE_DIAMETER_UM,
    };
    let base = *d.needle_base_diameter_um.get_or_insert(base);
    d.needle_tip_diameter_um.get_or_insert(NEEDLE_TIP_DIAMETER_UM.min(base));
    d.needle_taper_length_um.get_or_insert(TAPER_LENGTH_PER_BASE_DIAMETER * base);
    match d.kind {
        DeviceKind::Roller => {
            d.drum_diameter_mm.get_or_insert(ROLLER_DRUM_DIAMETER_MM);
            d.drum_width_mm.get_or_insert(ROLLER_DRUM_WIDTH_MM);
            d.needle_rings.get_or_insert(ROLLER_RINGS);
            d.needles_per_ring.get_or_insert(ROLLER_NEEDLES_PER_RING);
            d.needle_tilt_deg.get_or_insert(ROLLER_TILT_DEG);
            d.rolling_speed_mm_per_s.get_or_insert(ROLLER_SPEED_MM_PER_S);
        }
        DeviceKind::Stamp => {
            d.needle_rows.get_or_insert(STAMP_ROWS);
            d.needle_cols.get_or_insert(STAMP_COLS);
            d.needle_pitch_um.get_or_insert(STAMP_PITCH_UM);
            d.press_speed_mm_per_s.get_or_insert(STAMP_PRESS_MM_PER_S);
            d.press_force_n.get_or_insert(STAMP_PRESS_FORCE_N);
        }
        DeviceKind::Pen => {
            d.needle_count.get_or_insert(PEN_NEEDLES);
            d.arrangement.get_or_insert(CartridgeLayout::Grid);
            d.needle_pitch_um.get_or_insert(PEN_PITCH_UM);
            d.frequency_hz.get_or_insert(PEN_FREQUENCY_HZ);
            d.glide_speed_mm_per_s.get_or_insert(PEN_GLIDE_MM_PER_S);
            let l = d.needle_length_um;
            d.stroke_um.get_or_insert(l + PEN_RETRACTION_UM);
        }
    }
}
