//! `mnsim.run`: one run of a scenario (the GIL released while it simulates), and the native
//! handle the Python `Result` wraps: its figures, its tables and its run folder, all rendered by
//! `mnsim_report` exactly as `mnsim run` renders them.

use crate::errors;
use crate::scenario::Scenario;
use mnsim_scenario::ResolvedScenario;
use mnsim_sim::RunResult;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use std::path::PathBuf;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// The native result of one run: the resolved scenario, the run's result and its stamp.
/// Python code uses it through `mnsim.Result`; it does not pickle itself (the `Result` does,
/// from its rendered tables and files).
#[pyclass(module = "mnsim._native", name = "RunHandle", frozen)]
pub struct RunHandle {
    scenario: ResolvedScenario,
    result: RunResult,
    meta: mnsim_report::RunMeta,
    /// Seconds since the epoch when the simulation started and ended (inside the released GIL).
    interval_s: (f64, f64),
}

fn epoch_s() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

/// The memory budget: `MNSIM_MAX_MEMORY_GIB` if set (as the CLI reads it), else the default,
/// unless `max_memory_gib` is given.
fn budget(max_memory_gib: Option<f64>) -> PyResult<mnsim_sim::Budget> {
    let gib = match max_memory_gib {
        Some(g) => g,
        None => match std::env::var("MNSIM_MAX_MEMORY_GIB") {
            Ok(v) => v.trim().parse::<f64>().map_err(|_| {
                pyo3::exceptions::PyValueError::new_err(format!("MNSIM_MAX_MEMORY_GIB={v}: expected a number of GiB"))
            })?,
            Err(_) => return Ok(mnsim_sim::Budget::default()),
        },
    };
    if !(gib.is_finite() && gib > 0.0) {
        return Err(pyo3::exceptions::PyValueError::new_err(format!(
            "max_memory_gib = {gib}: must be a finite number > 0"
        )));
    }
    Ok(mnsim_sim::Budget { max_memory_gib: gib })
}

pub(crate) fn budget_of(max_memory_gib: Option<f64>) -> PyResult<mnsim_sim::Budget> {
    budget(max_memory_gib)
}

/// Run `scenario` (validated first; the GIL is released while it simulates).
#[pyfunction]
#[pyo3(signature = (scenario, max_memory_gib = None))]
pub fn run(py: Python<'_>, scenario: &Scenario, max_memory_gib: Option<f64>) -> PyResult<RunHandle> {
    let resolved = scenario.resolved(py)?;
    let budget = budget(max_memory_gib)?;
    let started_utc = mnsim_report::now_utc();
    let (out, interval_s, wall) = py.detach(|| {
        let (a, t0) = (epoch_s(), Instant::now());
        let out = mnsim_sim::run_within(&resolved, &budget, &mut mnsim_sim::NoProgress);
        let wall = t0.elapsed().as_secs_f64();
        (out, (a, epoch_s()), wall)
    });
    let result = out.map_err(|e| errors::sim(&e))?;
    mnsim_report::check_finite(&result).map_err(|e| errors::SimulationError::new_err(e.to_string()))?;
    Ok(RunHandle { scenario: resolved, result, meta: crate::meta(wall, started_utc), interval_s })
}

/// Write `files` ((name, bytes), names may hold sub-folders) as the folder `path`, whole or not
/// at all, as every mnsim output folder is written; `force` replaces a folder mnsim wrote.
#[pyfunction]
#[pyo3(signature = (path, files, force = false))]
pub fn write_folder(py: Python<'_>, path: PathBuf, files: Vec<(String, Vec<u8>)>, force: bool) -> PyResult<String> {
    py.detach(|| mnsim_report::write_folder(&path, force, &files))
        .map(|p| p.display().to_string())
        .map_err(|e| errors::output(py, &path, &e))
}

#[pymethods]
impl RunHandle {
    /// Every figure: (name, value, unit, description, ensemble median, p05, p95); the ensemble
    /// columns are None for a figure without an ensemble interval.
    #[allow(clippy::type_complexity)]
    fn figures(&self) -> Vec<(String, f64, String, String, Option<f64>, Option<f64>, Option<f64>)> {
        self.result
            .figures
            .iter()
            .map(|f| {
                let iv =
                    f.name.strip_prefix("outcomes.").and_then(|n| self.result.ensemble.iter().find(|i| i.name == n));
                (
                    f.name.clone(),
                    f.value,
                    f.unit.clone(),
                    f.description.clone(),
                    iv.map(|i| i.median),
                    iv.map(|i| i.lo),
                    iv.map(|i| i.hi),
                )
            })
            .collect()
    }

    /// The punctures at full precision, as columns (the columns of punctures.csv).
    fn punctures<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let (p, pen, c) = (&self.result.punctures, &self.result.penetration, &self.result.channels);
        let d = PyDict::new(py);
        d.set_item("puncture", (0..p.len() as u64).collect::<Vec<_>>())?;
        d.set_item("session", p.session.clone())?;
        d.set_item("pass", p.pass.clone())?;
        d.set_item("needle", p.needle.clone())?;
        d.set_item("x_um", p.x_um.clone())?;
        d.set_item("y_um", p.y_um.clone())?;
        d.set_item("time_s", p.time_s.clone())?;
        d.set_item("angle_deg", p.angle_deg.clone())?;
        d.set_item("depth_um", pen.depth_um.clone())?;
        d.set_item("deepest_layer", pen.deepest_layer.iter().map(|l| l.name()).collect::<Vec<_>>())?;
        d.set_item("surface_diameter_um", c.surface_diameter_um.clone())?;
        Ok(d)
    }

    /// The tidy CSV tables of the run folder that this run has (healing.csv, delivery.csv,
    /// outcomes.csv, depth_profiles.csv, layers.csv), name → bytes, as `mnsim run` writes them
    /// (their numbers print as the shortest decimal that reads back to the same bits).
    fn tables<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let r = &self.result;
        for (name, bytes) in [
            ("healing", mnsim_report::page::healing_csv(r)),
            ("delivery", mnsim_report::page::delivery_csv(r)),
            ("outcomes", mnsim_report::page::outcomes_csv(r)),
            ("depth_profiles", mnsim_report::page::profiles_csv(r)),
            ("layers", Some(mnsim_report::layers_csv(&self.scenario.skin))),
        ] {
            if let Some(b) = bytes {
                d.set_item(name, PyBytes::new(py, &b))?;
            }
        }
        Ok(d)
    }

    /// results.json as `mnsim run` writes it.
    fn results_json(&self) -> PyResult<String> {
        let doc = mnsim_report::results_json(&self.scenario, &self.result, &self.meta)
            .map_err(|e| errors::SimulationError::new_err(e.to_string()))?;
        Ok(serde_json::to_string_pretty(&doc).expect("results serialise"))
    }

    /// Every file of the run folder, (name, bytes), as `mnsim run` writes it.
    fn files(&self, py: Python<'_>) -> PyResult<Vec<(String, Py<PyBytes>)>> {
        let files = py
            .detach(|| mnsim_report::run_files(&self.scenario, &self.result, &self.meta))
            .map_err(|e| errors::SimulationError::new_err(e.to_string()))?;
        Ok(files.into_iter().map(|(n, b)| (n.to_string(), PyBytes::new(py, &b).unbind())).collect())
    }

    /// Write the run folder (as `mnsim run --out PATH` does), whole or not at all; `force`
    /// replaces a folder mnsim wrote. Returns the folder.
    #[pyo3(signature = (path, force = false))]
    fn save(&self, py: Python<'_>, path: PathBuf, force: bool) -> PyResult<String> {
        py.detach(|| {
            let target = mnsim_report::OutputDir::reserve(&path, force)?;
            mnsim_report::write_run(target, &self.scenario, &self.result, &self.meta)
        })
        .map(|p| p.display().to_string())
        .map_err(|e| errors::output(py, &path, &e))
    }

    /// Warnings of the run (also in results.json).
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.result.warnings.clone()
    }

    /// Wall time of each stage, s.
    #[getter]
    fn stage_wall_s(&self) -> Vec<(String, f64)> {
        self.result.stage_wall_s.clone()
    }

    /// Wall time of the simulation, s.
    #[getter]
    fn wall_time_s(&self) -> f64 {
        self.meta.wall_time_s
    }

    /// When the simulation started and ended, seconds since the epoch (measured with the GIL
    /// released: two runs in threads overlap here).
    #[getter]
    fn interval_s(&self) -> (f64, f64) {
        self.interval_s
    }

    /// The scenario's name and seed.
    #[getter]
    fn scenario_name(&self) -> String {
        self.scenario.scenario.name.clone()
    }

    #[getter]
    fn seed(&self) -> u64 {
        self.scenario.seed()
    }
}
