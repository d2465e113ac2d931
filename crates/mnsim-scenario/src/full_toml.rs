//! `mnsim scenario --print-default --all`: every parameter of a scenario as commented TOML —
//! the resolved value of each key (the file's, else its default), with the schema's description
//! (unit, source) and allowed range above it. Read back, the text is the same scenario (tested).

use crate::ResolvedScenario;
use serde_json::Value;
use std::fmt::Write;

/// The schema node of `node`, following a `$ref` into `$defs` (and an `allOf` of one `$ref`,
/// which schemars writes for a field with its own description).
fn deref<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    let by_ref = |r: &str| r.strip_prefix("#/$defs/").and_then(|name| root["$defs"].get(name));
    if let Some(target) = node.get("$ref").and_then(Value::as_str).and_then(by_ref) {
        return target;
    }
    if let Some([one]) = node.get("allOf").and_then(Value::as_array).map(Vec::as_slice)
        && let Some(target) = one.get("$ref").and_then(Value::as_str).and_then(by_ref)
    {
        return target;
    }
    if let Some(any) = node.get("anyOf").and_then(Value::as_array) {
        // Option<T>: T or null
        if let Some(t) = any.iter().find(|a| a.get("type") != Some(&Value::String("null".into()))) {
            return deref(root, t);
        }
    }
    node
}

/// The comment lines of a field: its description, then its allowed range.
fn comment(root: &Value, field: &Value) -> String {
    let mut c = String::new();
    let desc = field.get("description").and_then(Value::as_str).unwrap_or_default();
    for line in desc.lines() {
        let _ = writeln!(c, "# {}", line.trim_end());
    }
    let t = deref(root, field);
    let bound = |k: &str| field.get(k).or_else(|| t.get(k)).and_then(Value::as_f64);
    let lo = bound("minimum").map(|v| format!("[{v}")).or_else(|| bound("exclusiveMinimum").map(|v| format!("({v}")));
    let hi = bound("maximum").map(|v| format!("{v}]")).or_else(|| bound("exclusiveMaximum").map(|v| format!("{v})")));
    if lo.is_some() || hi.is_some() {
        let _ =
            writeln!(c, "# allowed: {}, {}", lo.unwrap_or_else(|| "(-inf".into()), hi.unwrap_or_else(|| "inf)".into()));
    }
    if let Some(e) = t.get("enum").and_then(Value::as_array) {
        let words: Vec<String> = e.iter().filter_map(Value::as_str).map(|s| format!("\"{s}\"")).collect();
        if !words.is_empty() {
            let _ = writeln!(c, "# one of: {}", words.join(", "));
        }
    }
    c
}

/// `value` as a TOML value (inline tables for objects inside arrays).
fn toml_value(value: &Value) -> Option<String> {
    let v: toml::Value = serde_json::from_value(value.clone()).ok()?;
    Some(v.to_string())
}

/// A key as TOML writes it (bare when it can be).
fn key(k: &str) -> String {
    if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        k.to_string()
    } else {
        format!("{k:?}")
    }
}

/// Write table `path` (its leaves, then its sub-tables) of `value` with schema node `schema`.
fn table(out: &mut String, root: &Value, path: &[String], value: &Value, schema: &Value) {
    let Some(obj) = value.as_object() else { return };
    let props = deref(root, schema).get("properties");
    let field_of = |k: &str| props.and_then(|p| p.get(k)).cloned().unwrap_or(Value::Null);
    let is_table = |v: &Value| v.is_object();
    if !path.is_empty() {
        let _ = writeln!(out, "\n[{}]", path.iter().map(|p| key(p)).collect::<Vec<_>>().join("."));
    }
    let mut unset = Vec::new();
    for (k, v) in obj.iter().filter(|(_, v)| !is_table(v)) {
        let f = field_of(k);
        if v.is_null() {
            unset.push((k.clone(), f));
            continue;
        }
        out.push_str(&comment(root, &f));
        match toml_value(v) {
            Some(t) => {
                let _ = writeln!(out, "{} = {t}", key(k));
            }
            None => {
                let _ = writeln!(out, "# {} = {v} (not expressible in TOML)", key(k));
            }
        }
    }
    for (k, f) in unset {
        let first = f.get("description").and_then(Value::as_str).and_then(|d| d.lines().next()).unwrap_or_default();
        let _ = writeln!(out, "# {} — not set: {}", key(&k), first.trim_end());
    }
    for (k, v) in obj.iter().filter(|(_, v)| is_table(v)) {
        let f = field_of(k);
        let mut p = path.to_vec();
        p.push(k.clone());
        if !path.is_empty() || f.get("description").is_some() {
            out.push('\n');
            out.push_str(&comment(root, &f));
        }
        table(out, root, &p, v, &f);
    }
}

/// Every parameter of `scenario` as commented TOML: the value of each key as resolved (the
/// file's, else the default), each with its description, unit and source as the schema gives
/// them and its allowed range; keys without a value are listed as comments.
pub fn full_toml(scenario: &ResolvedScenario) -> String {
    let root = crate::json_schema();
    let value = serde_json::to_value(&scenario.scenario).unwrap_or(Value::Null);
    let mut out = format!(
        "# Every parameter of the scenario `{}`, as mnsim {} resolves it (`mnsim scenario --print-default --all`):\n\
         # each key's value (the file's, else its default), with its description, unit, source and allowed\n\
         # range from the scenario's JSON Schema. Read back, this file is the same scenario.\n\n",
        scenario.scenario.name,
        env!("CARGO_PKG_VERSION")
    );
    table(&mut out, &root, &[], &value, &root);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text parses back to the same scenario, holds every parameter the default resolves
    /// to, and comments each with its description and range.
    #[test]
    fn every_parameter_of_the_default_reads_back_as_the_same_scenario() {
        let d = crate::default_scenario();
        let text = full_toml(&d);
        let back = crate::parse(&text, "all.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(serde_json::to_value(&back.scenario).unwrap(), serde_json::to_value(&d.scenario).unwrap());
        let keys = text.lines().filter(|l| !l.starts_with('#') && l.contains(" = ")).count();
        assert!(keys >= 200, "only {keys} keys");
        assert!(text.contains("[healing.rates]") && text.contains("barrier_recovery_per_h = 0.604"));
        assert!(text.contains("# allowed: [0.0001, 100]"), "ranges are given");
    }
}
