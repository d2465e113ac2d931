//! A scenario as a request carries it — TOML text, or the TOML table as JSON (what the form
//! edits) — checked exactly as `mnsim check` checks a file: parsed and validated by
//! `mnsim_scenario::parse`, then its work estimated against the memory budget.

use crate::error::{ApiError, ApiResult};
use mnsim_scenario::ResolvedScenario;
use serde::Deserialize;
use serde_json::{Value, json};

/// The scenario part of a request body: `{"toml": "..."}` or `{"scenario": {...}}`, with the
/// file name errors should name (`scenario.toml` when absent).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioInput {
    /// The scenario as TOML text.
    #[serde(default)]
    pub toml: Option<String>,
    /// The scenario as the JSON form of its TOML table (null values are dropped).
    #[serde(default)]
    pub scenario: Option<Value>,
    /// File name that error messages name, as the CLI names the path it was given.
    #[serde(default)]
    pub file: Option<String>,
    /// A form edit applied to `toml` with its comments and layout kept: one dotted key and its
    /// new value (null removes the key).
    #[serde(default)]
    pub set: Option<FieldEdit>,
}

/// One field edited in the form.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldEdit {
    /// The dotted key (`device.needle_length_um`).
    pub key: String,
    /// Its new value (null: remove the key, so the default applies).
    pub value: Value,
}

/// Default file name in messages.
pub const DEFAULT_FILE: &str = "scenario.toml";

impl ScenarioInput {
    /// The file name errors name: the given one without any folders, else [`DEFAULT_FILE`].
    pub fn file_name(&self) -> String {
        self.file
            .as_deref()
            .and_then(|f| f.rsplit(['/', '\\']).next())
            .filter(|f| !f.trim().is_empty())
            .map(|f| f.chars().filter(|c| !c.is_control()).take(200).collect())
            .unwrap_or_else(|| DEFAULT_FILE.to_string())
    }

    /// The TOML text: as given (with the form edit applied, comments kept), or written from the
    /// JSON table.
    pub fn text(&self) -> ApiResult<String> {
        match (&self.toml, &self.scenario) {
            (Some(t), None) => match &self.set {
                Some(e) => apply_edit(t, e),
                None => Ok(t.clone()),
            },
            (None, Some(_)) if self.set.is_some() => {
                Err(ApiError::BadRequest("`set` edits the `toml` text: give `toml` with it, not `scenario`".into()))
            }
            (None, Some(v)) => json_to_toml(v),
            (Some(_), Some(_)) => Err(ApiError::BadRequest("give either `toml` or `scenario`, not both".into())),
            (None, None) => Err(ApiError::BadRequest("the body needs `toml` (text) or `scenario` (object)".into())),
        }
    }
}

/// TOML text from the JSON form of a TOML table (null values dropped, as TOML has none).
pub fn json_to_toml(v: &Value) -> ApiResult<String> {
    let table = match to_toml(v) {
        Some(toml::Value::Table(t)) => t,
        _ => return Err(ApiError::BadRequest("`scenario` must be a JSON object (the TOML table)".into())),
    };
    toml::to_string(&table).map_err(|e| ApiError::BadRequest(format!("`scenario` cannot be written as TOML: {e}")))
}

fn to_toml(v: &Value) -> Option<toml::Value> {
    Some(match v {
        Value::Null => return None,
        Value::Bool(b) => toml::Value::Boolean(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::Float(n.as_f64()?),
        },
        Value::String(s) => toml::Value::String(s.clone()),
        Value::Array(a) => toml::Value::Array(a.iter().filter_map(to_toml).collect()),
        Value::Object(m) => toml::Value::Table(m.iter().filter_map(|(k, x)| Some((k.clone(), to_toml(x)?))).collect()),
    })
}

/// The table of `text` as JSON (what the form shows), if it is valid TOML.
pub fn toml_to_json(text: &str) -> Option<Value> {
    let t: toml::Table = toml::from_str(text).ok()?;
    serde_json::to_value(t).ok()
}

/// Parse, validate and budget-check `text` as `mnsim check` does, naming `file` in errors.
pub fn check(text: &str, file: &str, budget: &mnsim_sim::Budget) -> ApiResult<(ResolvedScenario, Value)> {
    let r = mnsim_scenario::parse(text, file).map_err(ApiError::Scenario)?;
    let e = mnsim_sim::budget::estimate(&r);
    // the CLI's context: `<file>: refused before running: <why>`
    budget.check(&r, &e).map_err(|why| ApiError::Budget(format!("{file}: refused before running: {why}")))?;
    let estimate = json!({
        "estimate": e,
        "peak_memory_gib": e.memory_gib(),
        "budget_gib": budget.max_memory_gib,
    });
    Ok((r, estimate))
}

/// The answer to a check: the TOML text, its table, the resolved scenario and its estimate.
pub fn check_answer(text: &str, r: &ResolvedScenario, estimate: Value) -> Value {
    json!({
        "ok": true,
        "toml": text,
        "scenario": toml_to_json(text),
        "resolved": r.scenario,
        "summary": {
            "name": r.scenario.name,
            "device": r.device.kind(),
            "site": r.skin.site.to_string(),
            "sessions": r.protocol.sessions.len(),
            "needle_length_um": r.device.needle.length_um,
        },
        "estimate": estimate,
    })
}

/// `edit` applied to TOML `text`, every comment and the layout kept (toml_edit): the key's value
/// replaced in place (its trailing comment kept), a missing key added to its table (an inline
/// table stays inline), a null value removing the key.
pub fn apply_edit(text: &str, edit: &FieldEdit) -> ApiResult<String> {
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e| ApiError::BadRequest(format!("`toml` does not parse, so the form edit cannot apply: {e}")))?;
    let parts: Vec<&str> = edit.key.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(ApiError::BadRequest(format!("set.key = {:?}: a dotted scenario key", edit.key)));
    }
    let (last, path) = parts.split_last().expect("split yields one part at least");
    let mut table: &mut dyn toml_edit::TableLike = doc.as_table_mut();
    for p in path {
        if table.get(p).is_none() {
            if edit.value.is_null() {
                return Ok(doc.to_string()); // removing a key that is not there
            }
            let mut t = toml_edit::Table::new();
            t.set_implicit(true);
            table.insert(p, toml_edit::Item::Table(t));
        }
        let item = table.get_mut(p).expect("present or inserted");
        table = match item.as_table_like_mut() {
            Some(t) => t,
            None => {
                return Err(ApiError::BadRequest(format!("set.key = {:?}: `{p}` is a value, not a table", edit.key)));
            }
        };
    }
    if edit.value.is_null() {
        table.remove(last);
        return Ok(doc.to_string());
    }
    let mut value = to_edit_value(&edit.value)
        .ok_or_else(|| ApiError::BadRequest(format!("set.value for {}: not a TOML value", edit.key)))?;
    if let Some(old) = table.get(last).and_then(|i| i.as_value()) {
        *value.decor_mut() = old.decor().clone();
    }
    table.insert(last, toml_edit::Item::Value(value));
    Ok(doc.to_string())
}

fn to_edit_value(v: &Value) -> Option<toml_edit::Value> {
    Some(match v {
        Value::Bool(b) => (*b).into(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.into(),
            None => n.as_f64()?.into(),
        },
        Value::String(s) => s.as_str().into(),
        Value::Array(a) => {
            let mut arr = toml_edit::Array::new();
            for x in a {
                arr.push(to_edit_value(x)?);
            }
            toml_edit::Value::Array(arr)
        }
        Value::Object(o) => {
            let mut t = toml_edit::InlineTable::new();
            for (k, x) in o {
                if !x.is_null() {
                    t.insert(k, to_edit_value(x)?);
                }
            }
            toml_edit::Value::InlineTable(t)
        }
        Value::Null => return None,
    })
}

#[cfg(test)]
mod edit_tests {
    use super::*;

    fn set(text: &str, key: &str, value: Value) -> String {
        apply_edit(text, &FieldEdit { key: key.into(), value }).unwrap()
    }

    #[test]
    fn a_form_edit_keeps_every_comment() {
        let t = "# my scenario\n[device]\nkind = \"pen\"   # the pen\nneedle_length_um = 1500  # depth setting\n\n[patient]\nsite = \"cheek\"\n";
        let out = set(t, "device.needle_length_um", serde_json::json!(1000));
        assert_eq!(out, t.replace("1500", "1000"), "only the value changes:\n{out}");
        let out = set(t, "patient.age_y", serde_json::json!(35));
        assert!(out.contains("# my scenario") && out.contains("# the pen") && out.contains("age_y = 35"), "{out}");
        let out = set(t, "device.kind", Value::Null);
        assert!(!out.contains("kind =") && out.contains("# depth setting"), "{out}");
        let inline = "patient = { site = \"cheek\", age_y = 40 }  # who\n";
        let out = set(inline, "patient.age_y", serde_json::json!(50));
        assert_eq!(out, "patient = { site = \"cheek\", age_y = 50 }  # who\n");
        let out = set("# x\n", "simulation.seed", serde_json::json!(7));
        assert!(out.contains("# x") && out.contains("[simulation]") && out.contains("seed = 7"), "{out}");
        assert!(apply_edit("a = 1\n", &FieldEdit { key: "a.b".into(), value: serde_json::json!(2) }).is_err());
    }
}
