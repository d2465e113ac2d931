//! The allowed ranges of the scenario's numeric fields, written into the JSON Schema as
//! `minimum` / `maximum` (`exclusiveMinimum` / `exclusiveMaximum` for an open end), so that
//! editors and the web lab flag a value before a run is tried.
//!
//! The ranges are not restated here: each numeric field of the schema is probed through the
//! validators themselves (the built-in default scenario with that one field set to a value no
//! range admits: NaN for a number, 2³² − 1 for a whole number) and the interval the validator's
//! error states ("must be a finite number in [50, 5000] µm") is read back. The schema and the
//! errors therefore cannot disagree. A field the probe cannot reach (one that only applies to
//! another device kind, a list, a field whose validator states no interval) keeps the schema
//! it had. A field reached through two paths with different ranges (a type used in two places)
//! gets none, rather than a range that is wrong for one of them.

use crate::diagnose::allowed_for_probe;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Where a numeric property lives in the schema: the `$defs` entry (`None` for the root) and
/// the property's name, with the dotted scenario path it was reached by and whether it is a
/// whole number.
struct Leaf {
    def: Option<String>,
    property: String,
    path: String,
    integer: bool,
}

/// Bounds read from a validator's interval, `exclusive` where the bracket is open.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Bounds {
    pub low: Option<f64>,
    pub low_exclusive: bool,
    pub high: Option<f64>,
    pub high_exclusive: bool,
}

/// Add `minimum`/`maximum` to every numeric property whose validator states an interval.
/// Returns the number of properties given a range.
pub(crate) fn add_ranges(schema: &mut Value) -> usize {
    let mut leaves = Vec::new();
    let root: &Value = schema;
    collect(root, root, None, "", 0, &mut leaves);
    let mut found: BTreeMap<(Option<String>, String), Option<Bounds>> = BTreeMap::new();
    for leaf in &leaves {
        let bounds = allowed_for_probe(&leaf.path, leaf.integer).as_deref().and_then(parse_interval);
        let key = (leaf.def.clone(), leaf.property.clone());
        match found.get(&key).copied() {
            // Two paths to one property that disagree: no range rather than a wrong one.
            Some(previous) if previous != bounds => {
                found.insert(key, None);
            }
            Some(_) => {}
            None => {
                found.insert(key, bounds);
            }
        }
    }
    let mut count = 0;
    for ((def, property), bounds) in found {
        let Some(b) = bounds else { continue };
        let props = match &def {
            Some(d) => schema.pointer_mut(&format!("/$defs/{d}/properties")),
            None => schema.pointer_mut("/properties"),
        };
        if let Some(Value::Object(node)) = props.and_then(|p| p.get_mut(&property)) {
            write_bounds(node, b);
            count += 1;
        }
    }
    count
}

fn write_bounds(node: &mut Map<String, Value>, b: Bounds) {
    for k in ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"] {
        node.remove(k);
    }
    if let Some(lo) = b.low {
        let key = if b.low_exclusive { "exclusiveMinimum" } else { "minimum" };
        node.insert(key.to_string(), lo.into());
    }
    if let Some(hi) = b.high {
        let key = if b.high_exclusive { "exclusiveMaximum" } else { "maximum" };
        node.insert(key.to_string(), hi.into());
    }
}

/// Walk the schema from `node` (reached by the dotted `path`), following `$ref`s into
/// `$defs`, and list the numeric leaves.
fn collect(root: &Value, node: &Value, def: Option<&str>, path: &str, depth: usize, out: &mut Vec<Leaf>) {
    if depth > 8 {
        return;
    }
    let Some(props) = node.get("properties").and_then(Value::as_object) else { return };
    for (name, sub) in props {
        let sub_path = if path.is_empty() { name.clone() } else { format!("{path}.{name}") };
        if let Some(target) = struct_ref(sub) {
            if let Some(target_node) = root.pointer(&format!("/$defs/{target}")) {
                collect(root, target_node, Some(target), &sub_path, depth + 1, out);
            }
            continue;
        }
        if let Some(integer) = numeric_kind(sub) {
            out.push(Leaf { def: def.map(str::to_string), property: name.clone(), path: sub_path, integer });
        }
    }
}

/// The `$defs` name of a property that is a (possibly optional) struct.
fn struct_ref(sub: &Value) -> Option<&str> {
    let direct = sub.get("$ref").and_then(Value::as_str);
    let optional = || sub.get("anyOf")?.as_array()?.iter().find_map(|alt| alt.get("$ref").and_then(Value::as_str));
    direct.or_else(optional)?.strip_prefix("#/$defs/")
}

/// `Some(true)` for a whole number, `Some(false)` for a number, `None` otherwise.
fn numeric_kind(sub: &Value) -> Option<bool> {
    let kinds: Vec<&str> = match sub.get("type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => return None,
    };
    if kinds.contains(&"integer") {
        Some(true)
    } else if kinds.contains(&"number") {
        Some(false)
    } else {
        None
    }
}

/// The last interval stated in a validator's allowed text: "in [50, 5000] µm",
/// "in (0, 1000]", "in [0, ∞)". A type range stated before it ("a whole number (integer) in
/// [0, 4294967295]; must be an integer in [1, 16]") is the deserialiser's, not the validator's,
/// so the last one is taken.
pub(crate) fn parse_interval(allowed: &str) -> Option<Bounds> {
    let start = allowed.rfind("in [").or_else(|| allowed.rfind("in ("))? + 3;
    let rest = &allowed[start..];
    let open = rest.chars().next()?;
    let close_at = rest.find([']', ')'])?;
    let close = rest[close_at..].chars().next()?;
    let (lo, hi) = rest[1..close_at].split_once(',')?;
    let number = |s: &str| -> Option<Option<f64>> {
        let s = s.trim();
        if s.contains('∞') {
            return Some(None);
        }
        s.parse::<f64>().ok().filter(|v| v.is_finite()).map(Some)
    };
    let (low, high) = (number(lo)?, number(hi)?);
    Some(Bounds { low, low_exclusive: open == '(', high, high_exclusive: close == ')' })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_are_read_with_their_brackets() {
        let b = parse_interval("must be a finite number in [50, 5000] µm").unwrap();
        assert_eq!(b, Bounds { low: Some(50.0), low_exclusive: false, high: Some(5000.0), high_exclusive: false });
        let b = parse_interval("must be in (0, 1000]").unwrap();
        assert_eq!(b, Bounds { low: Some(0.0), low_exclusive: true, high: Some(1000.0), high_exclusive: false });
        let b = parse_interval(
            "out of range: must be a whole number (integer) in [0, 4294967295]; must be an integer in [1, 16]",
        )
        .unwrap();
        assert_eq!((b.low, b.high), (Some(1.0), Some(16.0)), "the validator's interval, not the type's");
        let b = parse_interval("must be in [0, ∞)").unwrap();
        assert_eq!((b.low, b.high, b.high_exclusive), (Some(0.0), None, true));
        assert_eq!(parse_interval("must be one of: pen, roller, stamp"), None);
    }

    #[test]
    fn the_schema_states_the_validators_ranges() {
        let schema = crate::json_schema();
        let device = &schema["$defs"]["DeviceSpec"]["properties"]["needle_length_um"];
        assert_eq!((device["minimum"].as_f64(), device["maximum"].as_f64()), (Some(50.0), Some(5000.0)));
        let age = &schema["$defs"]["Patient"]["properties"]["age_y"];
        assert_eq!((age["minimum"].as_f64(), age["maximum"].as_f64()), (Some(12.0), Some(100.0)));
        // every range in the schema agrees with the error a value just outside it gets
        let text = crate::default_toml();
        let err = crate::parse(&text.replace("needle_length_um = 1500", "needle_length_um = 5001"), "t.toml")
            .expect_err("5001 µm is outside the schema's maximum");
        assert!(err.to_string().contains("[50, 5000]"), "{err}");
    }

    #[test]
    fn many_numeric_fields_carry_a_range() {
        let mut schema = serde_json::to_value(schemars::schema_for!(crate::Scenario)).unwrap();
        let n = add_ranges(&mut schema);
        assert!(n >= 100, "only {n} numeric fields got a range from their validators");
    }
}
