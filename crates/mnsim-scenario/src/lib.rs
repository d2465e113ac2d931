//! # mnsim-scenario
//!
//! Scenario files in, validated typed scenarios out. A scenario is TOML whose keys carry their
//! units (`needle_length_um`, `interval_d`); unknown keys are errors; every error names the
//! file, the field, its line where the file has it, the value and the allowed range.
//!
//! ```
//! let r = mnsim_scenario::default_scenario();
//! assert_eq!(r.scenario.name, "acne-scars-cheek");
//! let bad = mnsim_scenario::parse(&mnsim_scenario::default_toml().replace("needle_length_um = 1500", "needle_length_um = -5"), "x.toml");
//! let msg = bad.unwrap_err().to_string();
//! assert!(msg.contains("x.toml:") && msg.contains("device.needle_length_um") && msg.contains("-5"));
//! ```

pub mod calibrated;
pub mod defaults;
mod diagnose;
mod error;
mod full_toml;
mod locate;
mod resolve;
pub mod schema;
mod schema_ranges;

pub use error::{Location, ScenarioError, compact, compact_numbers_in};
pub use full_toml::full_toml;
pub use resolve::{ResolvedScenario, line_of};
pub use schema::Scenario;

use std::path::Path;

/// The built-in default scenario, as commented TOML (`scenarios/acne-scars-cheek.toml`).
pub fn default_toml() -> &'static str {
    include_str!("../../../scenarios/acne-scars-cheek.toml")
}

/// The built-in default scenario, resolved.
pub fn default_scenario() -> ResolvedScenario {
    parse(default_toml(), "<built-in default>").expect("the built-in default scenario is valid (tested)")
}

/// Parse and validate scenario `text`; `file` names it in errors.
pub fn parse(text: &str, file: &str) -> Result<ResolvedScenario, ScenarioError> {
    if text.trim().is_empty() {
        return Err(ScenarioError::Parse {
            at: Location { file: file.to_string(), line: None },
            message: "the file is empty; start from `mnsim scenario --print-default`".into(),
        });
    }
    let sc: Scenario = toml::from_str(text).map_err(|e| diagnose::toml_error(&e, text, file))?;
    // the calibrated set (data/calibration.toml) for every calibrated key the file does not set
    let at = || Location { file: file.to_string(), line: None };
    let with_defaults = match toml::from_str::<toml::Table>(text) {
        Ok(t) => {
            calibrated::with_calibrated_defaults(&t).map_err(|message| ScenarioError::Parse { at: at(), message })?
        }
        Err(_) => None,
    };
    let sc = match with_defaults {
        Some(t) => toml::Value::Table(t).try_into().map_err(|e: toml::de::Error| ScenarioError::Parse {
            at: at(),
            message: format!("with the calibrated defaults of data/calibration.toml: {}", e.message()),
        })?,
        None => sc,
    };
    resolve::resolve(sc, &resolve::Ctx { file, text })
}

/// One edit to a scenario before it is validated: set a dotted key to a TOML value, or remove
/// it. Used by validation cases (a base scenario plus overrides) and by `mnsim run --vary`.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Set `path` (`device.needle_length_um`) to a value, creating tables on the way.
    Set(String, toml::Value),
    /// Remove `path` if present.
    Unset(String),
}

impl Edit {
    /// Parse `path=value` where value is TOML (`1500`, `"roller"`, `[0, 28]`, `true`); a bare
    /// word that is not TOML is taken as a string.
    pub fn parse_assignment(s: &str) -> Result<Edit, String> {
        let (path, value) = s.split_once('=').ok_or_else(|| format!("`{s}`: expected path=value"))?;
        let path = path.trim();
        if path.is_empty() || path.split('.').any(|p| p.is_empty()) {
            return Err(format!("`{s}`: `{path}` is not a dotted key path"));
        }
        Ok(Edit::Set(path.to_string(), parse_value(value.trim())))
    }
}

/// Parse a TOML value from text; a bare word that is not TOML becomes a string.
pub fn parse_value(text: &str) -> toml::Value {
    let doc = format!("v = {text}");
    match toml::from_str::<toml::Table>(&doc) {
        Ok(mut t) => t.remove("v").unwrap_or_else(|| toml::Value::String(text.to_string())),
        Err(_) => toml::Value::String(text.to_string()),
    }
}

/// Apply one dotted-key edit to a scenario table, as [`parse_with`] does before it validates
/// (a `Set` creates the tables on its path; an `Unset` of a missing key does nothing). Errors
/// name the path and the part of it that is not a table.
pub fn apply_edit(table: &mut toml::Table, edit: &Edit) -> Result<(), String> {
    let (path, value) = match edit {
        Edit::Set(p, v) => (p, Some(v)),
        Edit::Unset(p) => (p, None),
    };
    let mut parts: Vec<&str> = path.split('.').collect();
    let last = parts.pop().ok_or("empty path")?;
    let mut t = table;
    for p in parts {
        if value.is_none() && !t.contains_key(p) {
            return Ok(());
        }
        let entry = t.entry(p.to_string()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
        t = entry.as_table_mut().ok_or_else(|| format!("`{path}`: `{p}` is not a table"))?;
    }
    match value {
        Some(v) => {
            t.insert(last.to_string(), v.clone());
        }
        None => {
            t.remove(last);
        }
    }
    Ok(())
}

/// The schedule rule of edits (`--vary`, the Python API): an edit of one form of the session
/// schedule replaces the other form in the scenario. Setting `protocol.sessions` or
/// `protocol.interval_d` on a scenario that lists `protocol.session_days` drops the list; the
/// other of the two, if neither the scenario nor an edit gives it, is read from the list — its
/// length, or its spacing when the list is evenly spaced (else the edit must give
/// `interval_d` too). The sessions then start on day 0. Setting `protocol.session_days` drops
/// `sessions` and `interval_d`. Edits that set both forms are left for validation to refuse.
fn reconcile_schedule(table: &mut toml::Table, edits: &[Edit]) -> Result<(), String> {
    let set = |k: &str| edits.iter().any(|e| matches!(e, Edit::Set(p, _) if p == k));
    let (days_set, count_set) = (set("protocol.session_days"), set("protocol.sessions") || set("protocol.interval_d"));
    let Some(pr) = table.get_mut("protocol").and_then(|v| v.as_table_mut()) else { return Ok(()) };
    if days_set && !count_set {
        pr.remove("sessions");
        pr.remove("interval_d");
    }
    if !count_set || days_set {
        return Ok(());
    }
    let Some(list) = pr.remove("session_days") else { return Ok(()) };
    let days: Vec<f64> = list
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64))).collect())
        .unwrap_or_default();
    if !pr.contains_key("sessions") {
        pr.insert("sessions".into(), toml::Value::Integer(days.len() as i64));
    }
    if !pr.contains_key("interval_d") {
        let gaps: Vec<f64> = days.windows(2).map(|w| w[1] - w[0]).collect();
        let even = gaps.first().filter(|g| gaps.iter().all(|x| (x - *g).abs() <= 1e-9 * g.abs().max(1.0)));
        match even {
            Some(g) => {
                pr.insert("interval_d".into(), toml::Value::Float(*g));
            }
            None => {
                return Err(format!(
                    "`protocol.sessions` replaces the scenario's protocol.session_days = {list}, which {}: \
                     give protocol.interval_d too (e.g. --vary protocol.interval_d=28)",
                    if days.len() < 2 { "has no spacing to keep" } else { "are not evenly spaced" }
                ));
            }
        }
    }
    Ok(())
}

/// Parse scenario `text`, apply `edits`, then validate. Errors about an edited field say so.
/// An edit of the session schedule in one form replaces the other form (`reconcile_schedule`).
pub fn parse_with(text: &str, file: &str, edits: &[Edit]) -> Result<ResolvedScenario, ScenarioError> {
    if edits.is_empty() {
        return parse(text, file);
    }
    let mut table: toml::Table = toml::from_str(text).map_err(|e| diagnose::toml_error(&e, text, file))?;
    for e in edits {
        apply_edit(&mut table, e)
            .map_err(|m| ScenarioError::Parse { at: Location { file: file.to_string(), line: None }, message: m })?;
    }
    reconcile_schedule(&mut table, edits)
        .map_err(|m| ScenarioError::Parse { at: Location { file: file.to_string(), line: None }, message: m })?;
    let edited_paths: Vec<&str> = edits
        .iter()
        .map(|e| match e {
            Edit::Set(p, _) | Edit::Unset(p) => p.as_str(),
        })
        .collect();
    let label = format!("{file} (with {})", edited_paths.join(", "));
    let text2 = toml::to_string(&table).map_err(|e| ScenarioError::Parse {
        at: Location { file: label.clone(), line: None },
        message: e.to_string(),
    })?;
    parse(&text2, &label).map_err(|e| match e {
        // line numbers refer to the re-serialised text, not the user's file: drop them
        ScenarioError::Parse { at, message } => ScenarioError::Parse { at: Location { line: None, ..at }, message },
        ScenarioError::Invalid { at: _, field, value, allowed } => {
            let line = if edited_paths.contains(&field.as_str()) { None } else { line_of(text, &field) };
            ScenarioError::Invalid { at: Location { file: label.clone(), line }, field, value, allowed }
        }
        other => other,
    })
}

/// A parser message followed by the offending line of `text` (`… — at: age_y = "thirty"`), with
/// numbers written compactly and the line cut at 100 characters, so a message stays one
/// readable line whatever the file holds.
pub fn with_line(text: &str, line: Option<usize>, message: &str) -> String {
    let msg = compact_numbers_in(message.trim());
    match line.and_then(|l| text.lines().nth(l.saturating_sub(1))).map(str::trim).filter(|l| !l.is_empty()) {
        Some(src) => {
            let src = compact_numbers_in(src);
            let cut: String = src.chars().take(100).collect();
            let more = if cut.len() < src.len() { "…" } else { "" };
            format!("{msg} — at: {cut}{more}")
        }
        None => msg,
    }
}

/// Read, parse and validate a scenario file.
pub fn load(path: &Path) -> Result<ResolvedScenario, ScenarioError> {
    parse(&read(path)?, &path.display().to_string())
}

/// Read a scenario file's text (UTF-8), without parsing it: errors name the file and why it
/// cannot be read. [`load`] is `read` then [`parse`].
pub fn read(path: &Path) -> Result<String, ScenarioError> {
    let file = path.display().to_string();
    if path.is_dir() {
        return Err(ScenarioError::Read { file, reason: "is a directory, not a scenario file".into() });
    }
    let bytes = std::fs::read(path).map_err(|e| ScenarioError::Read { file: file.clone(), reason: e.to_string() })?;
    let text = String::from_utf8(bytes).map_err(|e| ScenarioError::Read {
        file: file.clone(),
        reason: format!(
            "not UTF-8 text (invalid byte at offset {}); a scenario is a TOML text file",
            e.utf8_error().valid_up_to()
        ),
    })?;
    Ok(text)
}

/// A JSON Schema of the scenario format, for editors.
///
/// Numeric fields carry `minimum` / `maximum` (or the exclusive forms) where their validator
/// states an interval: the ranges are read from the validators, so the schema and the error
/// messages agree (`schema_ranges`).
pub fn json_schema() -> serde_json::Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(Scenario)).expect("a schema serialises");
    schema_ranges::add_ranges(&mut schema);
    schema
}
