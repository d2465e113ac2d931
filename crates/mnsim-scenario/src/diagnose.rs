//! Turn a TOML parser or type error into a message that names the file, the line, the field,
//! the value as written and what is allowed.
//!
//! The parser reports a byte span and a serde message (`invalid type: string "x", expected
//! f64`). The span gives the field ([`crate::locate`]) and the value as written; the allowed
//! range comes from the validators themselves: the field is set to a value of the right type
//! that no range admits (NaN, the type's largest integer, a variant name that cannot exist) and
//! the scenario is resolved again, so the range is stated in one place only.

use crate::error::{Location, ScenarioError, compact_numbers_in};
use crate::locate::{Entry, entries, entry_at, line_at, snippet};
use crate::{Edit, apply_edit, with_line};

/// A scenario TOML error `e` on `text` of `file`, as a field error where the field is known.
pub(crate) fn toml_error(e: &toml::de::Error, text: &str, file: &str) -> ScenarioError {
    let message = e.message().trim();
    let span = e.span().unwrap_or(0..0);
    let syntax = || ScenarioError::Parse {
        at: Location { file: file.to_string(), line: e.span().map(|s| line_at(text, s.start)) },
        message: compact_numbers_in(&with_line(text, e.span().map(|s| line_at(text, s.start)), message)),
    };
    if let Some(name) = message.strip_prefix("missing field `").and_then(|m| m.split('`').next()) {
        return missing(text, file, &span, name);
    }
    let Some(entry) = entry_at(text, span.start) else { return syntax() };
    let value = snippet(text, &entry.value);
    let allowed = if let Some(rest) = message.strip_prefix("unknown field `") {
        let known = rest.split_once(", expected ").map_or("", |(_, k)| k);
        format!("unknown key; the keys allowed here are: {}", words(known))
    } else if let Some(rest) = message.strip_prefix("unknown variant `") {
        let known = rest.split_once(", expected ").map_or("", |(_, k)| k);
        format!("must be one of: {}", words(known))
    } else if message == "wanted string or table" || message.starts_with("wanted exactly 1 element") {
        match variants_of(text, &entry.path) {
            Some(known) => format!("must be one of: {known}"),
            None => "must be a string naming one of the allowed values".to_string(),
        }
    } else if let Some((found, expected)) = type_mismatch(message) {
        type_allowed(text, &entry.path, found, expected)
    } else if message == "duplicate key" {
        "each key may be written only once in a table".to_string()
    } else {
        return syntax();
    };
    invalid(text, file, &entry, value, allowed)
}

fn invalid(text: &str, file: &str, entry: &Entry, value: String, allowed: String) -> ScenarioError {
    ScenarioError::Invalid {
        at: Location { file: file.to_string(), line: Some(line_at(text, entry.key.start)) },
        field: entry.path.clone(),
        value: compact_numbers_in(&value),
        allowed: compact_numbers_in(&allowed),
    }
}

/// A required key that is not written: named under the table whose span the parser reports.
fn missing(text: &str, file: &str, span: &std::ops::Range<usize>, name: &str) -> ScenarioError {
    let table = entries(text).into_iter().find(|e| e.value == *span);
    let (field, line) = match &table {
        Some(t) => (format!("{}.{name}", t.path), Some(line_at(text, t.key.start))),
        None => (name.to_string(), None),
    };
    ScenarioError::Invalid {
        at: Location { file: file.to_string(), line },
        field,
        value: "(missing)".into(),
        allowed: "required: this key has no default".into(),
    }
}

/// `invalid type: string "x", expected f64` → (`string "x"`, `f64`); also `invalid value: …`.
fn type_mismatch(message: &str) -> Option<(&str, &str)> {
    let rest = message.strip_prefix("invalid type: ").or_else(|| message.strip_prefix("invalid value: "))?;
    rest.rsplit_once(", expected ")
}

/// "`a` or `b`" / "one of `a`, `b`, `c`" → "a, b" / "a, b, c".
fn words(list: &str) -> String {
    list.trim_start_matches("one of ").replace('`', "").replace(" or ", ", ")
}

/// What a serde "expected" names, in words, and a value of that type no range admits.
fn expected_kind(expected: &str) -> (&'static str, Option<toml::Value>) {
    let int = |max: i64| Some(toml::Value::Integer(max));
    match expected {
        "f64" | "f32" => ("a number", Some(toml::Value::Float(f64::NAN))),
        "u8" => ("a whole number (integer) in [0, 255]", int(u8::MAX as i64)),
        "u16" => ("a whole number (integer) in [0, 65535]", int(u16::MAX as i64)),
        "u32" => ("a whole number (integer) in [0, 4294967295]", int(u32::MAX as i64)),
        "u64" | "usize" => ("a whole number (integer) ≥ 0", int(i64::MAX)),
        "i64" | "i32" => ("a whole number (integer)", int(i64::MAX)),
        "a boolean" => ("true or false", None),
        "a string" => ("a string in quotes", None),
        "a sequence" => {
            ("a list in brackets, e.g. [0, 28, 56]", Some(toml::Value::Array(vec![toml::Value::Float(f64::NAN)])))
        }
        e if e.starts_with("struct ") || e == "a map" => ("a table, e.g. { key = value }", None),
        _ => ("a value of another type", None),
    }
}

/// The allowed text of a type error on `field`: the type, and the range its validator states.
fn type_allowed(text: &str, field: &str, found: &str, expected: &str) -> String {
    let (kind, placeholder) = expected_kind(expected);
    let wrong = if found.starts_with("integer") && kind.starts_with("a whole") {
        format!("out of range: must be {kind}")
    } else {
        format!("wrong type: must be {kind}")
    };
    match placeholder.and_then(|p| range_of(text, field, p)) {
        Some(range) => format!("{wrong}; {range}"),
        None => wrong,
    }
}

/// `text` with `field` set to `value`, as a scenario (before validation).
fn with_value(text: &str, field: &str, value: toml::Value) -> Result<crate::Scenario, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| e.message().to_string())?;
    with_value_in(table, field, value)
}

/// `table` with `field` set to `value`, as a scenario (before validation).
fn with_value_in(mut table: toml::Table, field: &str, value: toml::Value) -> Result<crate::Scenario, String> {
    apply_edit(&mut table, &Edit::Set(field.to_string(), value))?;
    table.try_into::<crate::Scenario>().map_err(|e| e.message().to_string())
}

/// What the validators allow for `field`: resolve with `placeholder` (a value of the right
/// type that no range admits) and take the allowed text of the error on that field.
fn range_of(text: &str, field: &str, placeholder: toml::Value) -> Option<String> {
    allowed_of(with_value(text, field, placeholder).ok()?, field)
}

/// The allowed text of the validator's error on `field` when `sc` is resolved, if it has one.
fn allowed_of(sc: crate::Scenario, field: &str) -> Option<String> {
    match crate::resolve::resolve(sc, &crate::resolve::Ctx { file: "", text: "" }) {
        Err(ScenarioError::Invalid { field: f, allowed, .. }) if f == field => Some(allowed),
        _ => None,
    }
}

/// What the validators allow for `field` of the built-in default scenario, probed with a value
/// no range admits (NaN, or 2³² − 1 for a whole number); `None` where the probe does not reach
/// a validator of that field. Used to write the ranges into the JSON Schema
/// ([`crate::schema_ranges`]).
pub(crate) fn allowed_for_probe(field: &str, integer: bool) -> Option<String> {
    // the default scenario is parsed once for all the probes of a schema
    static DEFAULT: std::sync::OnceLock<toml::Table> = std::sync::OnceLock::new();
    let table = DEFAULT.get_or_init(|| toml::from_str(crate::default_toml()).expect("the built-in default parses"));
    let placeholder = if integer { toml::Value::Integer(4_294_967_295) } else { toml::Value::Float(f64::NAN) };
    allowed_of(with_value_in(table.clone(), field, placeholder).ok()?, field)
}

/// The variants of the enum at `field`, read from the error a name that cannot exist gives.
fn variants_of(text: &str, field: &str) -> Option<String> {
    let message = with_value(text, field, toml::Value::String("\u{1}".into())).err()?;
    let (_, known) = message.strip_prefix("unknown variant `")?.split_once(", expected ")?;
    Some(words(known))
}
