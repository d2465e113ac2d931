//! Typed errors: every rejected input names the field, the offending value (or lengths) and the
//! allowed range, so that a caller never gets a NaN or a panic back.

use thiserror::Error;

/// An input to an outcome function is not usable.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum OutcomeError {
    /// A value is not finite or lies outside its allowed range.
    #[error("{field} = {value} is outside the allowed range {allowed}")]
    OutOfRange {
        /// Field name, with its unit and, for series, the index (`dermal_thickness_um[3]`).
        field: String,
        /// The offending value.
        value: f64,
        /// The allowed range, in words (`(0, 20000]`).
        allowed: &'static str,
    },
    /// A series does not have one value per time point.
    #[error("{field} has {len} values but times_d has {expected}")]
    LengthMismatch {
        /// Field name.
        field: &'static str,
        /// Its length.
        len: usize,
        /// The length of `times_d`.
        expected: usize,
    },
    /// Times must increase strictly, sessions must be sorted and inside the simulated span.
    #[error("{field}: {reason}")]
    BadTimes {
        /// Field name.
        field: &'static str,
        /// What is wrong, in words.
        reason: String,
    },
    /// An ensemble summary was asked of no values.
    #[error("cannot summarise an empty ensemble for `{0}`")]
    EmptyEnsemble(String),
}

/// Check that `value` is finite and inside `[lo, hi]`.
pub(crate) fn check(
    field: impl Into<String>,
    value: f64,
    lo: f64,
    hi: f64,
    allowed: &'static str,
) -> Result<f64, OutcomeError> {
    if value.is_finite() && value >= lo && value <= hi {
        Ok(value)
    } else {
        Err(OutcomeError::OutOfRange { field: field.into(), value, allowed })
    }
}

/// Check that `value` is finite and inside `(lo, hi]` (strictly positive quantities).
pub(crate) fn check_pos(
    field: impl Into<String>,
    value: f64,
    hi: f64,
    allowed: &'static str,
) -> Result<f64, OutcomeError> {
    if value.is_finite() && value > 0.0 && value <= hi {
        Ok(value)
    } else {
        Err(OutcomeError::OutOfRange { field: field.into(), value, allowed })
    }
}
