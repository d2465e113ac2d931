//! Scenario errors: each names the file, and where it can the field, its line, the value and the
//! allowed range.

use std::fmt;
use thiserror::Error;

/// Where in a scenario file something is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// File name as given (or `<built-in default>`).
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}", self.file, l),
            None => write!(f, "{}", self.file),
        }
    }
}

/// A scenario could not be read, parsed or validated.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// The file could not be read (missing, a directory, unreadable).
    #[error("{file}: cannot read scenario file: {reason}")]
    Read {
        /// The path.
        file: String,
        /// Why.
        reason: String,
    },
    /// Not valid TOML, or a key/type mismatch (unknown key, string where a number is due,
    /// missing key). `message` comes from the TOML parser and shows line and column.
    #[error("{at}: {message}")]
    Parse {
        /// File and line.
        at: Location,
        /// Parser message.
        message: String,
    },
    /// A value is outside the range the model is defined on.
    #[error("{at}: field `{field}` = {value} is invalid: {allowed}")]
    Invalid {
        /// File and line.
        at: Location,
        /// Dotted field path (`device.needle_length_um`).
        field: String,
        /// The value, as written.
        value: String,
        /// The allowed range or values, in words.
        allowed: String,
    },
}

impl ScenarioError {
    /// The dotted field path, when the error is about one field.
    pub fn field(&self) -> Option<&str> {
        match self {
            ScenarioError::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }
}
