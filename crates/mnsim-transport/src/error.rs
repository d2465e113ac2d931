//! Typed errors of the transport layer.

use thiserror::Error;

/// Everything that can go wrong in `mnsim-transport`. Variants carry the offending values.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum TransportError {
    /// An input field is outside its allowed range (or not finite).
    #[error("{field} = {value} is outside the allowed range {allowed}")]
    OutOfRange {
        /// Field name with its unit (`concentration_mg_per_ml`).
        field: &'static str,
        /// The offending value.
        value: f64,
        /// The allowed range, in words (`(0, 1000]`).
        allowed: &'static str,
    },
    /// A topical name is not in the catalogue and no `molecular_weight_da` / `log_p` were given.
    #[error(
        "unknown active `{name}`: not in the catalogue ({known}); give `molecular_weight_da` and `log_p` to use a free name"
    )]
    UnknownActive {
        /// The name given.
        name: String,
        /// Catalogue names, comma separated.
        known: String,
    },
    /// A field needed by the others is absent (e.g. `pka` of an acid).
    #[error("{field} is missing: {why}")]
    Missing {
        /// Field name.
        field: &'static str,
        /// Why it is needed and how to give it.
        why: &'static str,
    },
    /// Settings are inconsistent (e.g. output times not increasing).
    #[error("invalid transport settings: {0}")]
    Settings(String),
    /// The skin description is invalid.
    #[error("invalid skin: {0}")]
    Skin(String),
    /// The grid would need more memory than allowed.
    #[error("grid of {voxels} voxels needs {bytes} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// Number of voxels.
        voxels: usize,
        /// Bytes needed.
        bytes: usize,
        /// Limit, bytes.
        limit: usize,
    },
    /// The solver produced a non-finite value (should never happen; reported instead of NaN).
    #[error("solver produced a non-finite value at t = {t_s} s in {what}")]
    NonFinite {
        /// Time, s.
        t_s: f64,
        /// Which quantity.
        what: &'static str,
    },
}

/// Check `value` is finite and inside `[lo, hi]`.
pub(crate) fn check(
    field: &'static str,
    value: f64,
    lo: f64,
    hi: f64,
    allowed: &'static str,
) -> Result<f64, TransportError> {
    if value.is_finite() && value >= lo && value <= hi {
        Ok(value)
    } else {
        Err(TransportError::OutOfRange { field, value, allowed })
    }
}
