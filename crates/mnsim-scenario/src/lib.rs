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

pub mod defaults;
mod error;
mod resolve;
pub mod schema;

pub use error::{Location, ScenarioError};
pub use resolve::{ResolvedScenario, line_of};
pub use schema::Scenario;

use std::path::Path;

/// The built-in default scenario, as commented TOML (`scenarios/acne-scars-cheek.toml`).
pub fn default_toml() -> &'static str {
    include_str!("../../../scenarios/acne-scars-cheek.toml")
}

/// The built-in default scenario, resolved.
pub fn default_scenario() -> ResolvedScenario {
    parse(default_toml(), "<built-in default>")
        .expect("the built-in default scenario is valid (tested)")
}

/// Parse and validate scenario `text`; `file` names it in errors.
pub fn parse(text: &str, file: &str) -> Result<ResolvedScenario, ScenarioError> {
    if text.trim().is_empty() {
        return Err(ScenarioError::Parse {
            at: Location {
                file: file.to_string(),
                line: None,
            },
            message: "the file is empty; start from `mnsim scenario --print-default`".into(),
        });
    }
    let sc: Scenario = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        ScenarioError::Parse {
            at: Location {
                file: file.to_string(),
                line,
            },
            message: e.message().trim().to_string(),
        }
    })?;
    resolve::resolve(sc, &resolve::Ctx { file, text })
}

/// Read, parse and validate a scenario file.
pub fn load(path: &Path) -> Result<ResolvedScenario, ScenarioError> {
    let file = path.display().to_string();
    if path.is_dir() {
        return Err(ScenarioError::Read {
            file,
            reason: "is a directory, not a scenario file".into(),
        });
    }
    let text = std::fs::read_to_string(path).map_err(|e| ScenarioError::Read {
        file: file.clone(),
        reason: e.to_string(),
    })?;
    parse(&text, &file)
}

/// A JSON Schema of the scenario format, for editors.
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Scenario)).expect("a schema serialises")
}
