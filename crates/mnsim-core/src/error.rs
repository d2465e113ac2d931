//! Typed errors of the physics layer. The scenario crate validates user input first, so these
//! name the quantity, its value and the allowed range for inputs that reach the physics directly
//! through the library API.

use thiserror::Error;

/// An input to a physics function is outside the range the model is defined on.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum CoreError {
    /// A named quantity is outside its allowed range (or not finite).
    #[error("{quantity} = {value} is outside the allowed range {allowed}")]
    OutOfRange {
        /// Name of the quantity, with its unit (`needle_length_um`).
        quantity: &'static str,
        /// The offending value.
        value: f64,
        /// The allowed range, in words (`(0, 5000]`).
        allowed: &'static str,
    },
    /// The body site is not in the site table.
    #[error("unknown body site `{0}`; known sites: {1}")]
    UnknownSite(String, String),
    /// The needle is longer than the soft-tissue stack the model holds at this site.
    #[error(
        "needle_length_um = {needle_length_um} exceeds the skin and subcutis thickness at this site ({tissue_um:.0} µm)"
    )]
    NeedleTooLong {
        /// Needle length, µm.
        needle_length_um: f64,
        /// Epidermis + dermis + subcutis thickness, µm.
        tissue_um: f64,
    },
}

/// Check that `value` is finite and inside `[lo, hi]`; else an [`CoreError::OutOfRange`].
pub fn check_range(
    quantity: &'static str,
    value: f64,
    lo: f64,
    hi: f64,
    allowed: &'static str,
) -> Result<f64, CoreError> {
    if value.is_finite() && value >= lo && value <= hi {
        Ok(value)
    } else {
        Err(CoreError::OutOfRange { quantity, value, allowed })
    }
}
