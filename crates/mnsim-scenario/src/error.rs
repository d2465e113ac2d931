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

/// A number as people write it: `1500`, `0.25`, `1e300`, `3.2e-12` — never hundreds of digits.
/// Plain notation for magnitudes in [1e-4, 1e9), scientific notation outside.
pub fn compact(v: f64) -> String {
    let a = v.abs();
    if v == 0.0 || !v.is_finite() || (1e-4..1e9).contains(&a) { format!("{v}") } else { format!("{v:e}") }
}

/// `text` with every number of more than 17 digits (a number printed in full, `1000…0.0`)
/// written compactly, as [`compact`] does. Only whole number tokens change: digits inside a
/// word (a key such as `layer55555…`) and text inside double quotes (a string the user wrote)
/// are kept as written.
pub fn compact_numbers_in(text: &str) -> String {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut quoted = false;
    let mut prev: Option<char> = None;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '"' {
            quoted = !quoted;
        }
        if quoted || !c.is_ascii_digit() || prev.is_some_and(word) {
            out.push(c);
            prev = Some(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let token = rest[..len].trim_end_matches('.');
        let digits = token.chars().filter(char::is_ascii_digit).count();
        let standalone = !rest[token.len()..].starts_with(word);
        match token.parse::<f64>() {
            Ok(v) if digits > 17 && standalone => out.push_str(&compact(v)),
            _ => out.push_str(token),
        }
        prev = token.chars().last();
        rest = &rest[token.len()..];
    }
    out
}

/// A value shown in an error message: numbers compactly, text as given.
pub trait Shown {
    /// The value as the message shows it.
    fn shown(&self) -> String;
}

impl Shown for f64 {
    fn shown(&self) -> String {
        compact(*self)
    }
}

impl Shown for u32 {
    fn shown(&self) -> String {
        self.to_string()
    }
}

impl Shown for &str {
    fn shown(&self) -> String {
        compact_numbers_in(self)
    }
}

impl Shown for String {
    fn shown(&self) -> String {
        compact_numbers_in(self)
    }
}

/// A list of numbers, compactly: `[0, 28, 1e300]`.
pub fn compact_list(values: &[f64]) -> String {
    format!("[{}]", values.iter().map(|v| compact(*v)).collect::<Vec<_>>().join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_compact() {
        for (v, s) in
            [(1e300, "1e300"), (-1e300, "-1e300"), (3.2e-12, "3.2e-12"), (1500.0, "1500"), (0.25, "0.25"), (0.0, "0")]
        {
            assert_eq!(compact(v), s);
        }
        let long = format!("x = {} and {} and 12345", 1e300, 1e-300);
        assert_eq!(compact_numbers_in(&long), "x = 1e300 and 1e-300 and 12345");
        assert_eq!(compact_numbers_in("in [1, 2.5]."), "in [1, 2.5].");
        let quoted = "name = \"run-0000000000000000000001\" at 100000000000000000000000";
        assert_eq!(compact_numbers_in(quoted), "name = \"run-0000000000000000000001\" at 1e23");
        // fuzz crash: digits inside a key are part of the key
        let key = "field `hopica5555555555555555555555555555555555555555l` = [x55555555555555555555555l]";
        assert_eq!(compact_numbers_in(key), key);
    }
}
