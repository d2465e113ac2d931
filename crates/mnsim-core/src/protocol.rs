//! The treatment protocol: when sessions happen and how the device is moved in each, with the
//! operator's hand motion as seeded random jitter.

use crate::error::{CoreError, check_range};
use serde::{Deserialize, Serialize};

/// One treatment session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// Start of the session, s since the start of the course.
    pub start_s: f64,
    /// Stroke directions, degrees from the patch x axis; each is done `passes_per_direction` times.
    pub directions_deg: Vec<f64>,
    /// Passes in each direction.
    pub passes_per_direction: u32,
}

impl Session {
    /// Total passes in this session.
    pub fn passes(&self) -> u32 {
        self.directions_deg.len() as u32 * self.passes_per_direction
    }
}

/// The operator's hand: random deviations from the ideal path.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HandMotion {
    /// Standard deviation of each puncture's (or stamp's, or pen stroke's) position, µm.
    pub position_jitter_um: f64,
    /// Standard deviation of each pass's direction, degrees.
    pub direction_jitter_deg: f64,
    /// Pause between passes, s.
    pub pause_between_passes_s: f64,
}

/// A course of sessions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Protocol {
    /// Sessions, in time order.
    pub sessions: Vec<Session>,
    /// Hand motion.
    pub hand: HandMotion,
}

impl Protocol {
    /// Start times of the sessions, s.
    pub fn session_times_s(&self) -> Vec<f64> {
        self.sessions.iter().map(|s| s.start_s).collect()
    }

    /// Check the protocol: 1–20 sessions in strictly increasing time, 1–64 passes each.
    pub fn validate(&self) -> Result<(), CoreError> {
        check_range("sessions", self.sessions.len() as f64, 1.0, 20.0, "[1, 20] sessions")?;
        let mut last = f64::NEG_INFINITY;
        for s in &self.sessions {
            check_range("session start_s", s.start_s, 0.0, 10.0 * 365.0 * 86_400.0, "[0, 10 years]")?;
            if s.start_s <= last {
                return Err(CoreError::OutOfRange {
                    quantity: "session start_s",
                    value: s.start_s,
                    allowed: "strictly after the previous session",
                });
            }
            last = s.start_s;
            check_range("passes", s.passes() as f64, 1.0, 64.0, "[1, 64] passes per session")?;
            for &d in &s.directions_deg {
                check_range("directions_deg", d, -360.0, 360.0, "[-360, 360]")?;
            }
        }
        check_range("position_jitter_um", self.hand.position_jitter_um, 0.0, 5_000.0, "[0, 5000]")?;
        check_range("direction_jitter_deg", self.hand.direction_jitter_deg, 0.0, 45.0, "[0, 45]")?;
        check_range("pause_between_passes_s", self.hand.pause_between_passes_s, 0.0, 3_600.0, "[0, 3600]")?;
        Ok(())
    }
}
