//! `mnsim.Scenario`: a scenario's TOML text, the file it came from, and the dotted-key edits made
//! since, validated by `mnsim_scenario` exactly as `mnsim run --vary` validates its edits.

use crate::errors;
use mnsim_scenario::{Edit, ResolvedScenario};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

/// A scenario: TOML text plus dotted-key edits, validated on demand.
///
/// Build one with `Scenario.default()`, `Scenario.load(path)` or `Scenario.from_toml(text)`
/// (each validates at once and raises a `ScenarioError` subclass with the file and line), then
/// edit it with `set("device.needle_length_um", 1000)`. Edits are validated together by
/// `validate()` and by `mnsim.run`, whose errors name the edited field, its value and the
/// allowed range. Scenarios pickle (text, file name and edits).
#[pyclass(module = "mnsim._native", name = "Scenario", from_py_object)]
#[derive(Clone)]
pub struct Scenario {
    pub(crate) text: String,
    pub(crate) file: String,
    pub(crate) edits: Vec<Edit>,
}

impl Scenario {
    /// The scenario as it runs (text, then the edits), or the library's error.
    pub fn resolve(&self) -> Result<ResolvedScenario, mnsim_scenario::ScenarioError> {
        mnsim_scenario::parse_with(&self.text, &self.file, &self.edits)
    }

    /// Resolve, raising the typed Python exception.
    pub fn resolved(&self, py: Python<'_>) -> PyResult<ResolvedScenario> {
        self.resolve().map_err(|e| errors::scenario(py, &e))
    }

    fn checked(text: String, file: String, py: Python<'_>) -> PyResult<Scenario> {
        let s = Scenario { text, file, edits: Vec::new() };
        s.resolved(py)?;
        Ok(s)
    }

    /// The text as a TOML table with the edits applied (the text was checked when the scenario
    /// was made; a TOML error is still reported as the parser's).
    fn edited_table(&self, py: Python<'_>) -> PyResult<toml::Table> {
        let mut table: toml::Table =
            toml::from_str(&self.text).map_err(|e| self.edit_error(py, format!("not TOML: {}", e.message())))?;
        for e in &self.edits {
            mnsim_scenario::apply_edit(&mut table, e).map_err(|m| self.edit_error(py, m))?;
        }
        Ok(table)
    }

    /// The TOML text with the edits applied (the text itself when there are none).
    pub fn text_with_edits(&self, py: Python<'_>) -> PyResult<String> {
        if self.edits.is_empty() {
            return Ok(self.text.clone());
        }
        toml::to_string(&self.edited_table(py)?).map_err(|e| PyValueError::new_err(e.to_string()))
    }

    fn edit_error(&self, py: Python<'_>, message: String) -> PyErr {
        let e = mnsim_scenario::ScenarioError::Parse {
            at: mnsim_scenario::Location { file: self.file.clone(), line: None },
            message,
        };
        errors::scenario(py, &e)
    }
}

/// A Python value as a TOML value (bool, int, float, str, and lists, tuples and dicts of them).
pub fn to_toml(key: &str, v: &Bound<'_, PyAny>) -> PyResult<toml::Value> {
    if v.is_instance_of::<PyBool>() {
        return Ok(toml::Value::Boolean(v.extract()?));
    }
    if v.is_instance_of::<PyInt>() {
        let i: i64 = v.extract().map_err(|_| PyValueError::new_err(format!("`{key}`: {v} does not fit 64 bits")))?;
        return Ok(toml::Value::Integer(i));
    }
    if v.is_instance_of::<PyFloat>() {
        return Ok(toml::Value::Float(v.extract()?));
    }
    if v.is_instance_of::<PyString>() {
        return Ok(toml::Value::String(v.extract()?));
    }
    if let Ok(d) = v.cast::<PyDict>() {
        let mut t = toml::Table::new();
        for (k, x) in d.iter() {
            let k: String =
                k.extract().map_err(|_| PyTypeError::new_err(format!("`{key}`: table keys are strings")))?;
            let sub = format!("{key}.{k}");
            t.insert(k, to_toml(&sub, &x)?);
        }
        return Ok(toml::Value::Table(t));
    }
    if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
        let items: Vec<Bound<'_, PyAny>> = v.try_iter()?.collect::<PyResult<_>>()?;
        return Ok(toml::Value::Array(items.iter().map(|x| to_toml(key, x)).collect::<PyResult<_>>()?));
    }
    // numpy scalars and other numbers: an index is an integer, a float() a float
    if let Ok(i) = v.call_method0("__index__").and_then(|i| i.extract::<i64>()) {
        return Ok(toml::Value::Integer(i));
    }
    if let Ok(f) = v.call_method0("__float__").and_then(|f| f.extract::<f64>()) {
        return Ok(toml::Value::Float(f));
    }
    Err(PyTypeError::new_err(format!(
        "`{key}`: a {} cannot be a scenario value (bool, int, float, str, list or dict)",
        v.get_type().name()?
    )))
}

fn json_to_py<'py>(py: Python<'py>, v: &serde_json::Value) -> PyResult<Bound<'py, PyAny>> {
    let json = py.import("json")?;
    json.call_method1("loads", (v.to_string(),))
}

#[pymethods]
impl Scenario {
    /// The built-in default scenario (acne scars on the cheek, `scenarios/acne-scars-cheek.toml`).
    #[staticmethod]
    fn default() -> Scenario {
        Scenario { text: mnsim_scenario::default_toml().to_string(), file: "<built-in default>".into(), edits: vec![] }
    }

    /// Read and validate a scenario file (TOML). Raises `ScenarioReadError`, `ScenarioParseError`
    /// or `ScenarioFieldError` naming the file and line.
    #[staticmethod]
    fn load(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Scenario> {
        let text = mnsim_scenario::read(&path).map_err(|e| errors::scenario(py, &e))?;
        Scenario::checked(text, path.display().to_string(), py)
    }

    /// Parse and validate scenario TOML text; `file` names it in errors.
    #[staticmethod]
    #[pyo3(signature = (text, file = "<string>"))]
    fn from_toml(py: Python<'_>, text: String, file: &str) -> PyResult<Scenario> {
        Scenario::checked(text, file.to_string(), py)
    }

    /// Set a dotted key (`"device.needle_length_um"`) to a value (bool, int, float, str, list,
    /// dict). The edit is validated with the others by `validate()` and `mnsim.run`; a path
    /// through a key that is not a table raises `ScenarioParseError` now.
    fn set(&mut self, py: Python<'_>, key: &str, value: &Bound<'_, PyAny>) -> PyResult<()> {
        // the library's check of a dotted key path (no empty part), on a placeholder value
        let edit = Edit::parse_assignment(&format!("{key}=0")).map_err(|m| self.edit_error(py, m))?;
        let Edit::Set(path, _) = edit else { unreachable!("parse_assignment makes a Set") };
        self.edits.push(Edit::Set(path, to_toml(key, value)?));
        if let Err(e) = self.edited_table(py) {
            self.edits.pop();
            return Err(e);
        }
        Ok(())
    }

    /// Remove a dotted key (back to its default); a missing key is no error.
    fn unset(&mut self, key: &str) {
        self.edits.push(Edit::Unset(key.to_string()));
    }

    /// The value of a dotted key in the scenario as it runs (every default filled in), as
    /// Python data; `KeyError` if there is no such key.
    fn get<'py>(&self, py: Python<'py>, key: &str) -> PyResult<Bound<'py, PyAny>> {
        let r = self.resolved(py)?;
        let json = serde_json::to_value(&r.scenario).map_err(|e| PyValueError::new_err(e.to_string()))?;
        let ptr = format!("/{}", key.replace('.', "/"));
        match json.pointer(&ptr) {
            Some(v) => json_to_py(py, v),
            None => Err(pyo3::exceptions::PyKeyError::new_err(key.to_string())),
        }
    }

    /// Validate the scenario with its edits: returns None, or raises a `ScenarioError`
    /// subclass (`ScenarioFieldError` carries file, line, field, value and allowed).
    fn validate(&self, py: Python<'_>) -> PyResult<()> {
        self.resolved(py).map(|_| ())
    }

    /// The scenario as TOML text: the original text when there are no edits, else the edited
    /// table (comments are lost then).
    fn to_toml(&self, py: Python<'_>) -> PyResult<String> {
        self.text_with_edits(py)
    }

    /// The fully resolved scenario (every default written in) as TOML, as a run folder's
    /// manifest stamps it.
    fn resolved_toml(&self, py: Python<'_>) -> PyResult<String> {
        let r = self.resolved(py)?;
        toml::to_string(&r.scenario).map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// The file the scenario came from (`<built-in default>`, `<string>`, or a path).
    #[getter]
    fn file(&self) -> String {
        self.file.clone()
    }

    /// The scenario's name (`scenario.name`).
    #[getter]
    fn name(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.resolved(py)?.scenario.name)
    }

    /// The seed of every random draw (`simulation.seed`).
    #[getter]
    fn seed(&self, py: Python<'_>) -> PyResult<u64> {
        Ok(self.resolved(py)?.seed())
    }

    /// The edits so far: (key, value as TOML text, or None for an unset).
    #[getter]
    fn edits(&self) -> Vec<(String, Option<String>)> {
        self.edits
            .iter()
            .map(|e| match e {
                Edit::Set(k, v) => (k.clone(), Some(v.to_string())),
                Edit::Unset(k) => (k.clone(), None),
            })
            .collect()
    }

    /// A copy (edits of the copy leave this scenario as it is).
    fn copy(&self) -> Scenario {
        self.clone()
    }

    fn __copy__(&self) -> Scenario {
        self.clone()
    }

    fn __deepcopy__(&self, _memo: &Bound<'_, PyAny>) -> Scenario {
        self.clone()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        match other.extract::<Scenario>() {
            Ok(o) => o.text == self.text && o.file == self.file && o.edits == self.edits,
            Err(_) => false,
        }
    }

    fn __repr__(&self) -> String {
        format!("<mnsim.Scenario from {} with {} edit(s)>", self.file, self.edits.len())
    }

    /// Rebuild from pickled state (text, file, edits as (key, TOML text or None)).
    #[staticmethod]
    fn _from_state(text: String, file: String, edits: Vec<(String, Option<String>)>) -> Scenario {
        let edits = edits
            .into_iter()
            .map(|(k, v)| match v {
                Some(t) => Edit::Set(k, mnsim_scenario::parse_value(&t)),
                None => Edit::Unset(k),
            })
            .collect();
        Scenario { text, file, edits }
    }

    /// Pickle as `Scenario._from_state(text, file, edits)`.
    #[allow(clippy::type_complexity)]
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, (String, String, Vec<(String, Option<String>)>))> {
        let me = slf.borrow();
        Ok((slf.get_type().getattr("_from_state")?, (me.text.clone(), me.file.clone(), me.edits())))
    }
}
