//! The unit convention of mnsim, and the few conversions made at the edges.
//!
//! Inside the library every length is in micrometres (µm), every time in seconds (s),
//! every concentration in mol·m⁻³ (= mmol·L⁻¹), every diffusivity in µm²·s⁻¹. The unit is part
//! of every field name (`needle_length_um`, `closure_half_life_h` for a value given in hours at
//! the edge). Scenario files may use mm, h or days where a person would; the scenario crate
//! converts them with the constants below.

/// Micrometres per millimetre.
pub const UM_PER_MM: f64 = 1_000.0;
/// Micrometres per centimetre.
pub const UM_PER_CM: f64 = 10_000.0;
/// Square micrometres per square centimetre.
pub const UM2_PER_CM2: f64 = 1.0e8;
/// Square micrometres per square millimetre.
pub const UM2_PER_MM2: f64 = 1.0e6;
/// Seconds per minute.
pub const S_PER_MIN: f64 = 60.0;
/// Seconds per hour.
pub const S_PER_H: f64 = 3_600.0;
/// Seconds per day.
pub const S_PER_DAY: f64 = 86_400.0;
/// Micrometres per metre.
pub const UM_PER_M: f64 = 1.0e6;
/// Pascal per kilopascal.
pub const PA_PER_KPA: f64 = 1.0e3;

/// Degrees to radians.
#[inline]
pub fn deg_to_rad(deg: f64) -> f64 {
    deg.to_radians()
}
