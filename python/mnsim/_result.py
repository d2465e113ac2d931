"""Run and study results as pandas DataFrames, picklable, savable as the CLI's folders."""

from __future__ import annotations

import io
import json
import os
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import pandas as pd

from . import _native

PathLike = Union[str, "os.PathLike[str]"]

#: The columns of :attr:`Result.figures`.
FIGURE_COLUMNS = ["name", "value", "unit", "description", "ensemble_median", "ensemble_p05", "ensemble_p95"]


# The CLI's tables print every number as the shortest decimal that reads back to the same bits;
# pandas reads them back exactly with "round_trip" (the default, and deprecated, from pandas 3).
_EXACT = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}


def _csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), keep_default_na=False, na_values=[""], **_EXACT)


class Result:
    """The result of one :func:`run`.

    Tables are pandas DataFrames (built on first use): :attr:`figures`, :attr:`punctures`,
    :attr:`delivery`, :attr:`depth_profiles`, :attr:`healing`, :attr:`outcomes`, :attr:`layers`;
    a table of a stage that did not run (no topical, ``simulation.run_healing = false``) is
    ``None``. :meth:`save` writes the same run folder as ``mnsim run``. A Result pickles (with
    its rendered tables and run-folder files, not the native handle).
    """

    def __init__(self, handle: "_native.RunHandle", scenario: _native.Scenario) -> None:
        self._handle: Optional[_native.RunHandle] = handle
        self.scenario: _native.Scenario = scenario
        self._cache: Dict[str, Any] = {}

    # -- raw data, from the native handle or the pickled state -------------------------------
    def _get(self, key: str) -> Any:
        if key not in self._cache:
            h = self._handle
            if h is None:
                raise RuntimeError(f"{key}: not in the pickled state")  # pragma: no cover
            self._cache[key] = {
                "figures": h.figures,
                "punctures": h.punctures,
                "tables": h.tables,
                "results_json": h.results_json,
                "files": h.files,
            }[key]()
        return self._cache[key]

    # -- figures ----------------------------------------------------------------------------
    @property
    def figures(self) -> pd.DataFrame:
        """Every summary figure: name, value, unit, description, and for outcomes
        (``outcomes.*``) the uncertainty ensemble's median and 5–95 % interval (else NaN)."""
        df = pd.DataFrame(self._get("figures"), columns=FIGURE_COLUMNS)
        for c in FIGURE_COLUMNS[4:]:
            df[c] = df[c].astype("float64")  # None (no ensemble interval) becomes NaN
        return df

    def figure(self, name: str) -> float:
        """The value of one figure (``"mean_depth_um"``, ``"outcomes.collagen_change_pct"``)."""
        for row in self._get("figures"):
            if row[0] == name:
                return row[1]
        raise KeyError(name)

    @property
    def results(self) -> Dict[str, Any]:
        """results.json, as ``mnsim run`` writes it, parsed."""
        return json.loads(self._get("results_json"))

    # -- tables -----------------------------------------------------------------------------
    @property
    def punctures(self) -> pd.DataFrame:
        """One row per puncture at full precision: puncture, session, pass, needle, x_um, y_um,
        time_s, angle_deg, depth_um, deepest_layer, surface_diameter_um (punctures.csv)."""
        return pd.DataFrame(self._get("punctures"))

    def _table(self, name: str) -> Optional[pd.DataFrame]:
        data = self._get("tables").get(name)
        return None if data is None else _csv(data)

    @property
    def delivery(self) -> Optional[pd.DataFrame]:
        """Topical delivery (delivery.csv): time_h, skin, quantity, value, unit; None without a topical."""
        return self._table("delivery")

    @property
    def depth_profiles(self) -> Optional[pd.DataFrame]:
        """Concentration vs depth (depth_profiles.csv): time_h, depth_um, profile,
        concentration_ug_per_ml; None without a topical."""
        return self._table("depth_profiles")

    @property
    def healing(self) -> Optional[pd.DataFrame]:
        """The healing time course (healing.csv): time_d, phase, region, quantity, value (the
        nominal member), ensemble_p05, ensemble_p95 (the 5-95 % band over the ensemble members at
        that time; NaN with one member), unit; None when healing did not run."""
        return self._table("healing")

    @property
    def outcomes(self) -> Optional[pd.DataFrame]:
        """Outcomes at the end of follow-up (outcomes.csv): quantity, value, ensemble_median,
        ensemble_p05, ensemble_p95, unit; None when healing did not run."""
        return self._table("outcomes")

    @property
    def layers(self) -> pd.DataFrame:
        """The skin layers used (layers.csv): layer, top_um, bottom_um, thickness_um."""
        t = self._table("layers")
        assert t is not None
        return t

    # -- stamps -----------------------------------------------------------------------------
    @property
    def warnings(self) -> List[str]:
        """The run's warnings (also in results.json)."""
        return list(self.results["warnings"])

    @property
    def seed(self) -> int:
        """The seed the run used."""
        return int(self.results["seed"])

    @property
    def wall_time_s(self) -> float:
        """Wall time of the simulation, s."""
        return self._cache["wall_time_s"] if self._handle is None else self._handle.wall_time_s

    @property
    def interval_s(self) -> Tuple[float, float]:
        """(start, end) of the simulation, seconds since the epoch (measured with the GIL released)."""
        return self._cache["interval_s"] if self._handle is None else self._handle.interval_s

    def files(self) -> List[Tuple[str, bytes]]:
        """Every file of the run folder, (name, bytes), as ``mnsim run`` writes it."""
        return list(self._get("files"))

    def save(self, path: PathLike, force: bool = False) -> str:
        """Write the run folder (as ``mnsim run --out PATH``): whole or not at all; ``force``
        replaces a folder mnsim wrote. Returns the folder. Raises :class:`mnsim.OutputError`."""
        if self._handle is not None and "files" not in self._cache:
            return self._handle.save(os.fspath(path), force)
        return _native.write_folder(os.fspath(path), self.files(), force)

    # -- pickling ---------------------------------------------------------------------------
    def __getstate__(self) -> Dict[str, Any]:
        for key in ("figures", "punctures", "tables", "results_json", "files"):
            self._get(key)
        cache = dict(self._cache)
        cache["wall_time_s"] = self.wall_time_s
        cache["interval_s"] = self.interval_s
        return {"scenario": self.scenario, "cache": cache}

    def __setstate__(self, state: Dict[str, Any]) -> None:
        self._handle = None
        self.scenario = state["scenario"]
        self._cache = state["cache"]

    def __repr__(self) -> str:
        return f"<mnsim.Result {self.results['scenario']!r} seed {self.seed}, {len(self._get('figures'))} figures>"


def run(scenario: Optional[_native.Scenario] = None, *, max_memory_gib: Optional[float] = None) -> Result:
    """Run ``scenario`` (default: :meth:`Scenario.default`) and return its :class:`Result`.

    The scenario is validated first (a :class:`ScenarioError` subclass names the field, value
    and allowed range); a scenario over the memory budget (``max_memory_gib``, else
    ``MNSIM_MAX_MEMORY_GIB``, else 8 GiB) raises :class:`BudgetError` before any work; a
    solver failure raises :class:`SimulationError`. The GIL is released while it simulates, so
    runs in threads overlap.
    """
    s = scenario if scenario is not None else _native.Scenario.default()
    return Result(_native.run(s, max_memory_gib), s.copy())


def validate(only: Optional[Sequence[str]] = None) -> pd.DataFrame:
    """Run the built-in validation cases (all, or those whose id is in ``only``) and return
    validation.csv of ``mnsim validate`` as a DataFrame. A case that cannot run raises
    :class:`StudyError` naming it."""
    data, errors = _native.validate(list(only) if only is not None else None)
    if errors:
        raise _native.StudyError("; ".join(f"{f}: {m}" for f, m in errors))
    return _csv(data)


class CohortResult:
    """A virtual cohort's result (:func:`cohort`): the tables of ``mnsim cohort`` as DataFrames.

    :attr:`outcomes` (one row per patient × outcome: patient, the covariates, outcome, value,
    unit), :attr:`patients`, :attr:`summary`, :attr:`responders`, :attr:`subgroups`,
    :attr:`separation`, and :attr:`doc` (summary.json). :meth:`save` writes the cohort folder
    (without outcomes.parquet, which is the CLI's). Pickles.
    """

    def __init__(self, doc: str, files: Dict[str, bytes], wall_time_s: float) -> None:
        self._doc = doc
        self._files = dict(files)
        self.wall_time_s = wall_time_s

    def _csv(self, name: str) -> pd.DataFrame:
        return _csv(self._files[name])

    @property
    def doc(self) -> Dict[str, Any]:
        """summary.json: population, scenario, patients, seed, what was skipped, the summary."""
        return json.loads(self._doc)

    @property
    def outcomes(self) -> pd.DataFrame:
        """outcomes.csv: one row per patient × outcome (patient, covariates, outcome, value, unit)."""
        return self._csv("outcomes.csv")

    @property
    def patients(self) -> pd.DataFrame:
        """patients.csv: patient, sim_seed, attempts and every sampled variable."""
        return self._csv("patients.csv")

    @property
    def summary(self) -> pd.DataFrame:
        """summary.csv: outcome, unit, n, mean, sd, min, p05, p25, median, p75, p95, max."""
        return self._csv("summary.csv")

    @property
    def responders(self) -> pd.DataFrame:
        """responders.csv: the responder rates by rule with their 95 % interval."""
        return self._csv("responders.csv")

    @property
    def subgroups(self) -> pd.DataFrame:
        """subgroups.csv: headline outcomes by covariate subgroup."""
        return self._csv("subgroups.csv")

    @property
    def separation(self) -> pd.DataFrame:
        """separation.csv: what separates responders from non-responders (SMD, Spearman)."""
        return self._csv("separation.csv")

    def files(self) -> Dict[str, bytes]:
        """The cohort folder's files, name → bytes."""
        return dict(self._files)

    def save(self, path: PathLike, force: bool = False) -> str:
        """Write the cohort folder (as ``mnsim cohort --out PATH``), whole or not at all."""
        return _native.write_folder(os.fspath(path), list(self._files.items()), force)

    def __repr__(self) -> str:
        d = self.doc
        return f"<mnsim.CohortResult {d['patients']} patients of {d['population']}>"


def cohort(
    population: str,
    n: int,
    scenario: Optional[_native.Scenario] = None,
    *,
    seed: Optional[int] = None,
    with_transport: bool = False,
    shard: Optional[Tuple[int, int]] = None,
    threads: Optional[int] = None,
    max_memory_gib: Optional[float] = None,
) -> CohortResult:
    """Run ``n`` virtual patients of ``population`` (a built-in name, see
    :func:`mnsim.builtin_populations`, or a population file) on ``scenario`` (default: the
    population's worked scenario), as ``mnsim cohort`` does: the same numbers, bit for bit,
    for the same inputs and seed, whatever ``threads`` or ``shard=(K, M)``. Bad input raises
    :class:`StudyError` naming the field, value and allowed range."""
    out = _native.cohort(
        population, n, scenario, seed, with_transport, tuple(shard) if shard else None, threads, max_memory_gib
    )
    return CohortResult(out["doc"], out["files"], out["wall_time_s"])


def _param_specs(params: Optional[Sequence[Union[str, Tuple[str, float, float]]]]) -> Optional[List[str]]:
    """Parameters as ``KEY=LOW:HIGH`` strings (from strings or (key, low, high) tuples)."""
    if params is None:
        return None
    return [p if isinstance(p, str) else f"{p[0]}={float(p[1])!r}:{float(p[2])!r}" for p in params]


def sensitivity(
    scenario: Optional[_native.Scenario] = None,
    params: Optional[Sequence[Union[str, Tuple[str, float, float]]]] = None,
    *,
    method: str = "sobol",
    n: int = 64,
    levels: int = 4,
    outputs: Optional[Sequence[str]] = None,
    seed: Optional[int] = None,
    max_memory_gib: Optional[float] = None,
) -> pd.DataFrame:
    """``mnsim sensitivity`` from Python: which parameters move which outputs.

    ``params`` are scenario keys with ranges, ``"KEY=LOW:HIGH"`` or ``(key, low, high)`` (default:
    the model's uncertain parameters); ``method`` is ``"sobol"`` (base sample ``n``, a power of
    two, n·(k+2) runs) or ``"morris"`` (``n`` trajectories on ``levels`` levels, n·(k+1) runs);
    ``outputs`` are figure names (default: the headline outcomes the run has). Each run is the
    nominal member. Returns sensitivity.csv as the CLI writes it: ``output, output_unit, param,
    s1, s1_low_95, s1_high_95, st, st_low_95, st_high_95`` (Sobol) or ``output, output_unit,
    param, mu, mu_star, sigma`` (Morris). Bad input raises :class:`StudyError`."""
    specs = _param_specs(params)
    data, _runs = _native.sensitivity(
        scenario, specs, method, n, levels, list(outputs) if outputs is not None else None, seed, max_memory_gib
    )
    return _csv(data)


class PlanResult:
    """A plan's result (:func:`plan`): the folder of ``mnsim plan`` as Python objects.

    :attr:`candidates` (candidates.csv: one row per candidate, its decision values, figures,
    ``feasible``, ``pareto``, ``rejected``), :attr:`doc` (plan.json: the recommendation with its
    intervals and warnings, the current protocol, the near-optimal set, each decision's main
    effect, a population plan's statistics), :attr:`feasible`, :meth:`recommended_scenario` (the
    recommendation as a :class:`Scenario` that :func:`run` reproduces), :meth:`save` (the same
    folder as the CLI: plan.html, candidates.csv, plan.json, recommended.toml, manifest.json).
    Pickles.
    """

    def __init__(self, doc: str, files: Dict[str, bytes], feasible: bool, wall_time_s: float) -> None:
        self._doc = doc
        self._files = dict(files)
        self.feasible = feasible
        self.wall_time_s = wall_time_s

    @property
    def doc(self) -> Dict[str, Any]:
        """plan.json as a dict."""
        return json.loads(self._doc)

    @property
    def candidates(self) -> pd.DataFrame:
        """candidates.csv: candidate, one column per decision, one per figure, feasible, pareto, rejected."""
        return _csv(self._files["candidates.csv"])

    def recommended_scenario(self) -> Optional[_native.Scenario]:
        """The recommended protocol as a scenario (None if the plan is infeasible)."""
        text = self._files.get("recommended.toml")
        return None if text is None else _native.Scenario.from_toml(text.decode("utf-8"), "recommended.toml")

    def files(self) -> Dict[str, bytes]:
        """The plan folder's files, name → bytes."""
        return dict(self._files)

    def save(self, path: PathLike, force: bool = False) -> str:
        """Write the plan folder (as ``mnsim plan --out PATH``), whole or not at all."""
        return _native.write_folder(os.fspath(path), list(self._files.items()), force)

    def __repr__(self) -> str:
        d = self.doc
        verdict = "feasible" if self.feasible else "infeasible"
        return f"<mnsim.PlanResult {d['plan']!r}: {d['candidates_evaluated']} candidates, {verdict}>"


def example_plans() -> List[str]:
    """The names of the built-in example plans (for :func:`plan`)."""
    return [name for name, _ in _native.example_plans()]


def plan(
    path: Optional[PathLike] = None,
    *,
    example: Optional[str] = None,
    text: Optional[str] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    max_memory_gib: Optional[float] = None,
) -> PlanResult:
    """``mnsim plan`` from Python: the best protocol under the plan's limits.

    Give a plan file ``path``, a built-in ``example`` name (:func:`example_plans`), or the plan's
    ``text`` (its base scenario and population files are then read relative to the current
    folder). The same candidates and recommendation as the CLI, bit for bit, for the same inputs
    and seed, whatever ``threads``. The GIL is released while the candidates run. An infeasible
    plan returns a result with ``feasible`` False; bad input raises :class:`StudyError` naming
    the file, field, value and what is allowed."""
    given = [x is not None for x in (path, example, text)]
    if sum(given) != 1:
        raise ValueError("give exactly one of path, example and text")
    if path is not None:
        file = os.fspath(path)
        with open(file, encoding="utf-8") as f:
            body = f.read()
    elif example is not None:
        known = dict(_native.example_plans())
        if example not in known:
            raise ValueError(f"example {example!r} is not a built-in plan; built-in: {', '.join(sorted(known))}")
        body, file = known[example], f"data/plans/{example}.toml"
    else:
        body, file = text, "<plan text>"
    out = _native.plan(body, file, seed, threads, max_memory_gib)
    return PlanResult(out["doc"], out["files"], out["feasible"], out["wall_time_s"])
