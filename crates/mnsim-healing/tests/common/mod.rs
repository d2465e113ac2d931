#![allow(dead_code)]
use mnsim_core::{ChannelSet, Patch, Sex, Skin};
use mnsim_healing::{HealingResult, HealingSettings, protocol, simulate};

pub const W: f64 = 3000.0;

pub fn patch() -> Patch {
    Patch { width_um: W, height_um: W }
}

pub fn cheek(age: f64) -> Skin {
    Skin::at_site("cheek", age, Sex::Female).unwrap()
}

/// A course on the 3 × 3 mm cheek patch.
pub fn course(sessions: u32, per: usize, depth: f64, interval_d: f64, follow_up_d: f64) -> HealingResult {
    course_with(cheek(40.0), sessions, per, depth, interval_d, HealingSettings { follow_up_d, ..Default::default() })
}

pub fn course_with(
    skin: Skin,
    sessions: u32,
    per: usize,
    depth: f64,
    interval_d: f64,
    s: HealingSettings,
) -> HealingResult {
    let ch = channels(sessions, per, depth, interval_d);
    simulate(&skin, &ch, patch(), &protocol::session_times_s(sessions, interval_d), &s).unwrap()
}

pub fn channels(sessions: u32, per: usize, depth: f64, interval_d: f64) -> ChannelSet {
    protocol::uniform_course(sessions, per, depth, 100.0, W, W, interval_d * 86_400.0)
}

/// "Standard" 1.5 mm dermaroller session on the patch: ≈ 500 holes/cm² (45 on 9 mm²), 1.0 mm
/// achieved depth, 100 µm wide at the surface (assumed; DV05/DV06, PN04 ranges).
pub const STD_PER: usize = 45;
pub const STD_DEPTH: f64 = 1000.0;
