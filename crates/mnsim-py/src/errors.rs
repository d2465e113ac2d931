//! The typed Python exceptions of `mnsim`, and the conversion of every library error into one.
//!
//! ```text
//! MnsimError
//!  ├─ ScenarioError          file, line, field, value, allowed (None where they do not apply)
//!  │   ├─ ScenarioReadError      the file could not be read
//!  │   ├─ ScenarioParseError     not TOML, an unknown key, a wrong type; an edit on a non-table
//!  │   └─ ScenarioFieldError     a value outside its allowed range (field, value, allowed set)
//!  ├─ BudgetError            the run does not fit the memory budget (refused before running)
//!  ├─ SimulationError        a solver failed after the scenario was validated
//!  ├─ StudyError             a cohort or validation input is wrong (the message names it)
//!  └─ OutputError            a folder could not be written (path)
//! ```

use mnsim_scenario::ScenarioError as SErr;
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

create_exception!(mnsim, MnsimError, PyException, "Base class of every error mnsim raises.");
create_exception!(
    mnsim,
    ScenarioError,
    MnsimError,
    "A scenario could not be read, parsed or validated. Attributes: file, line, field, value, allowed \
     (None where they do not apply)."
);
create_exception!(mnsim, ScenarioReadError, ScenarioError, "The scenario file could not be read.");
create_exception!(
    mnsim,
    ScenarioParseError,
    ScenarioError,
    "Not valid TOML, an unknown key or a wrong type, or an edit through a key that is not a table."
);
create_exception!(
    mnsim,
    ScenarioFieldError,
    ScenarioError,
    "A field's value is outside the range the model is defined on: `field`, `value` and `allowed` say \
     which, `file` and `line` where."
);
create_exception!(
    mnsim,
    BudgetError,
    MnsimError,
    "The scenario does not fit the memory budget (refused before running)."
);
create_exception!(mnsim, SimulationError, MnsimError, "A solver failed after the scenario was validated.");
create_exception!(mnsim, StudyError, MnsimError, "A study's input is wrong, or a patient's run failed.");
create_exception!(mnsim, OutputError, MnsimError, "An output folder could not be written. Attribute: path.");

/// Add the exception classes to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("MnsimError", py.get_type::<MnsimError>())?;
    m.add("ScenarioError", py.get_type::<ScenarioError>())?;
    m.add("ScenarioReadError", py.get_type::<ScenarioReadError>())?;
    m.add("ScenarioParseError", py.get_type::<ScenarioParseError>())?;
    m.add("ScenarioFieldError", py.get_type::<ScenarioFieldError>())?;
    m.add("BudgetError", py.get_type::<BudgetError>())?;
    m.add("SimulationError", py.get_type::<SimulationError>())?;
    m.add("StudyError", py.get_type::<StudyError>())?;
    m.add("OutputError", py.get_type::<OutputError>())?;
    Ok(())
}

/// Set the attributes of a raised exception (a failure to set one is itself raised).
fn with_attrs(py: Python<'_>, err: PyErr, attrs: &[(&str, Option<String>)], line: Option<usize>) -> PyErr {
    let value = err.value(py);
    for (k, v) in attrs {
        if let Err(e) = value.setattr(*k, v.clone()) {
            return e;
        }
    }
    if let Err(e) = value.setattr("line", line) {
        return e;
    }
    err
}

/// A scenario error as its Python exception, with file, line, field, value and allowed range.
pub fn scenario(py: Python<'_>, e: &SErr) -> PyErr {
    let msg = e.to_string();
    match e {
        SErr::Read { file, .. } => with_attrs(
            py,
            ScenarioReadError::new_err(msg),
            &[("file", Some(file.clone())), ("field", None), ("value", None), ("allowed", None)],
            None,
        ),
        SErr::Parse { at, .. } => with_attrs(
            py,
            ScenarioParseError::new_err(msg),
            &[("file", Some(at.file.clone())), ("field", None), ("value", None), ("allowed", None)],
            at.line,
        ),
        SErr::Invalid { at, field, value, allowed } => with_attrs(
            py,
            ScenarioFieldError::new_err(msg),
            &[
                ("file", Some(at.file.clone())),
                ("field", Some(field.clone())),
                ("value", Some(value.clone())),
                ("allowed", Some(allowed.clone())),
            ],
            at.line,
        ),
        // a variant added later: the base class, with the message
        _ => with_attrs(
            py,
            ScenarioError::new_err(msg),
            &[("file", None), ("field", None), ("value", None), ("allowed", None)],
            None,
        ),
    }
}

/// A run failure: over budget, or a solver failure.
pub fn sim(e: &mnsim_sim::SimError) -> PyErr {
    match e {
        mnsim_sim::SimError::Budget(b) => BudgetError::new_err(b.to_string()),
        other => SimulationError::new_err(other.to_string()),
    }
}

/// A folder that could not be written, with its path.
pub fn output(py: Python<'_>, path: &std::path::Path, e: &mnsim_report::ReportError) -> PyErr {
    let err = OutputError::new_err(e.to_string().replace("--force", "force=True"));
    if let Err(se) = err.value(py).setattr("path", path.display().to_string()) {
        return se;
    }
    err
}
