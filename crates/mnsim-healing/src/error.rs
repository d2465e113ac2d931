//! Errors of the healing model.

use thiserror::Error;

/// Everything that can go wrong in a healing run.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum HealingError {
    /// A setting or rate is not finite or outside its allowed range.
    #[error("healing setting `{field}` = {value} is outside its allowed range [{lo}, {hi}]")]
    OutOfRange {
        /// Field name (`rates.` prefix for kinetic parameters).
        field: String,
        /// Offending value.
        value: f64,
        /// Lower bound.
        lo: f64,
        /// Upper bound.
        hi: f64,
    },
    /// Session times are not finite, negative or not strictly increasing.
    #[error("session times must be finite, ≥ 0 and strictly increasing; got {0:?} s")]
    SessionTimes(Vec<f64>),
    /// The channel set is inconsistent (lengths differ, a value is not finite, or a channel
    /// belongs to a session that has no time).
    #[error("channel set: {0}")]
    Channels(String),
    /// The patch or skin is not usable.
    #[error("geometry: {0}")]
    Geometry(String),
    /// The stiff integrator failed in a cell.
    #[error("stiff integrator failed in cell {cell} at t = {t_d} d: {message}")]
    Solver {
        /// Cell index.
        cell: usize,
        /// Time, days since the first session.
        t_d: f64,
        /// diffsol's message.
        message: String,
    },
}
