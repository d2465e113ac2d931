"""mnsim from Python: scenarios, runs, virtual cohorts, plans and validation as pandas DataFrames.

A thin shell over the same Rust library as the ``mnsim`` command (``mnsim._native``)::

    import mnsim
    s = mnsim.Scenario.default()
    s.set("device.needle_length_um", 1000)
    r = mnsim.run(s)                      # the GIL is released while it simulates
    r.figures                             # DataFrame: name, value, unit, description, ensemble_*
    r.save("runs/my-run")                 # the same run folder as `mnsim run`

See docs/PYTHON.md for the API, the exceptions and every DataFrame's columns and units.
"""

from __future__ import annotations

from . import _native
from ._native import (
    BudgetError,
    MnsimError,
    OutputError,
    Scenario,
    ScenarioError,
    ScenarioFieldError,
    ScenarioParseError,
    ScenarioReadError,
    SimulationError,
    StudyError,
)
from ._result import CohortResult, PlanResult, Result, cohort, example_plans, plan, run, sensitivity, validate

__version__: str = _native.__version__
GIT_REVISION: str = _native.GIT_REVISION


def builtin_populations() -> list[str]:
    """The names of the built-in populations (for :func:`cohort`)."""
    return [name for name, _ in _native.builtin_populations()]


__all__ = [
    "BudgetError",
    "CohortResult",
    "GIT_REVISION",
    "MnsimError",
    "OutputError",
    "PlanResult",
    "Result",
    "Scenario",
    "ScenarioError",
    "ScenarioFieldError",
    "ScenarioParseError",
    "ScenarioReadError",
    "SimulationError",
    "StudyError",
    "builtin_populations",
    "cohort",
    "example_plans",
    "plan",
    "run",
    "sensitivity",
    "validate",
]
