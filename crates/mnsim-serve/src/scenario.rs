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

    /// The TOML text: as given, or written from the JSON table.
    pub fn text(&self) -> ApiResult<String> {
        match (&self.toml, &self.scenario) {
            (Some(t), None) => Ok(t.clone()),
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
