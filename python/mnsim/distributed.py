"""Cohorts and sweeps beyond one process: patient chunks and runs fanned out to an existing
distributed engine.

``mnsim.distributed.cohort(..., backend="ray")`` splits the cohort into ``chunks`` shards (the
shards of ``mnsim cohort --shard K/M``), runs each as a Ray task (``mnsim.cohort(...,
shard=(K, M))`` on a worker) and merges the shard files as ``mnsim cohort merge`` does. Each
patient's randomness is keyed by (seed, patient index) alone, so the merged cohort's data files
are the bytes of the same cohort run on one machine, whatever the number of chunks, workers or
their order (tested on a local Ray cluster). ``backend="local"`` runs the same chunks one after
another in this process (no Ray needed): the same bytes again.

On a Ray cluster (``ray.init(address=...)`` before the call) each worker needs the ``mnsim``
package installed; a population or scenario given as a *file* must be readable on the workers
(a shared file system, as on a Slurm cluster), while a built-in population name and a
:class:`mnsim.Scenario` object travel with the task. Without Ray initialised, the call starts a
local Ray instance (``ray.init()`` with Ray's defaults).

For batch systems without Ray (Slurm and the like) see ``mnsim cohort --shard K/M`` and
``mnsim cohort merge DIR`` (``examples/slurm/cohort.sbatch``).
"""

from __future__ import annotations

import time
from typing import Any, List, Optional, Sequence, Tuple

from . import _native
import pandas as pd

from ._result import CohortResult, Result, _csv, _param_specs, run

__all__ = ["cohort", "run_many", "sensitivity", "BACKENDS"]

#: The engines :func:`cohort` can use.
BACKENDS = ("local", "ray")


def _shard(
    population: str,
    n: int,
    scenario: Optional[_native.Scenario],
    seed: Optional[int],
    with_transport: bool,
    k: int,
    m: int,
    threads: Optional[int],
    max_memory_gib: Optional[float],
) -> Tuple[bytes, float]:
    """Run shard K of M and return its shard.json and its wall time (s): the task body."""
    t0 = time.perf_counter()
    out = _native.cohort(population, n, scenario, seed, with_transport, (k, m), threads, max_memory_gib)
    return bytes(out["files"]["shard.json"]), time.perf_counter() - t0


def cohort(
    population: str,
    n: int,
    scenario: Optional[_native.Scenario] = None,
    *,
    seed: Optional[int] = None,
    with_transport: bool = False,
    backend: str = "ray",
    chunks: Optional[int] = None,
    threads_per_task: Optional[int] = 1,
    max_memory_gib: Optional[float] = None,
) -> CohortResult:
    """Run ``n`` patients of ``population`` on ``scenario`` in ``chunks`` shards on ``backend``
    and merge them into the whole cohort (the arguments as :func:`mnsim.cohort`).

    ``chunks`` defaults to one per 25 patients (at least one); each task runs its patients on
    ``threads_per_task`` threads (default 1, so that Ray's scheduler places one task per CPU).
    The result's ``doc["distributed"]`` records the backend, the chunks and the wall time of each
    task and of the whole call, so the engine's overhead per chunk can be read off.
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend = {backend!r}: expected one of {', '.join(BACKENDS)}")
    if n < 1:
        raise ValueError(f"n = {n}: expected at least 1 patient")
    m = chunks if chunks is not None else max(1, -(-n // 25))
    if not 1 <= m <= n:
        raise ValueError(f"chunks = {m}: expected 1 to n ({n})")
    args = [(population, n, scenario, seed, with_transport, k, m, threads_per_task, max_memory_gib) for k in range(m)]
    t0 = time.perf_counter()
    if backend == "local":
        results = [_shard(*a) for a in args]
    else:
        results = _ray_map(args)
    gathered = time.perf_counter() - t0
    shards = [(f"shard {k}/{m}", data) for k, (data, _) in enumerate(results)]
    out = _native.cohort_merge(shards, max_memory_gib)
    result = CohortResult(out["doc"], out["files"], time.perf_counter() - t0)
    result.distributed = {
        "backend": backend,
        "chunks": m,
        "task_wall_s": [w for _, w in results],
        "gather_wall_s": gathered,
        "total_wall_s": result.wall_time_s,
    }
    return result


def _ray() -> Any:
    """Ray, initialised (a local instance with Ray's defaults if none is)."""
    try:
        import ray
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("backend='ray' needs Ray: pip install 'ray>=2.9'") from e
    if not ray.is_initialized():
        ray.init()
    return ray


def _ray_map(args: List[Tuple[Any, ...]]) -> List[Tuple[bytes, float]]:
    """Run every shard as a Ray task and gather the results in shard order."""
    ray = _ray()
    task = ray.remote(num_cpus=1)(_shard)
    return ray.get([task.remote(*a) for a in args])



def _run(scenario: _native.Scenario, max_memory_gib: Optional[float]) -> Result:
    """One run, as a task: the Result pickles with its tables and files."""
    return run(scenario, max_memory_gib=max_memory_gib)


def run_many(
    scenarios: Sequence[_native.Scenario],
    *,
    backend: str = "ray",
    max_memory_gib: Optional[float] = None,
) -> List[Result]:
    """Run every scenario (a sweep, a design) on ``backend`` and return their :class:`Result`
    objects in the order given. Each run is ``mnsim.run(scenario)`` on a worker: the same figures,
    bit for bit, as in this process (its randomness is the scenario's seed alone). With
    ``backend="ray"`` each run is one Ray task of one CPU (the run's own threads inside it);
    ``backend="local"`` runs them one after another here."""
    if backend not in BACKENDS:
        raise ValueError(f"backend = {backend!r}: expected one of {', '.join(BACKENDS)}")
    if backend == "local":
        return [_run(s, max_memory_gib) for s in scenarios]
    ray = _ray()
    task = ray.remote(num_cpus=1)(_run)
    return ray.get([task.remote(s, max_memory_gib) for s in scenarios])


def _evaluate(scenario, specs, points, outputs, first, max_memory_gib) -> List[List[float]]:
    """A chunk of a sensitivity design, as a task."""
    return _native.sensitivity_evaluate(scenario, specs, points, outputs, first, max_memory_gib)


def sensitivity(
    scenario: Optional[_native.Scenario] = None,
    params: Optional[Sequence[Any]] = None,
    *,
    method: str = "sobol",
    n: int = 64,
    levels: int = 4,
    outputs: Optional[Sequence[str]] = None,
    seed: Optional[int] = None,
    backend: str = "ray",
    chunks: Optional[int] = None,
    max_memory_gib: Optional[float] = None,
) -> pd.DataFrame:
    """:func:`mnsim.sensitivity` with the design's runs on ``backend``: the design (the same
    points as the one-machine study for the same inputs and seed) is split into ``chunks``
    (default one per 16 points) evaluated as Ray tasks (or here, ``backend="local"``), and the
    indices are computed from the gathered outputs — the same sensitivity.csv, bit for bit, as
    :func:`mnsim.sensitivity` (tested)."""
    if backend not in BACKENDS:
        raise ValueError(f"backend = {backend!r}: expected one of {', '.join(BACKENDS)}")
    specs = _param_specs(params)
    outs = list(outputs) if outputs is not None else None
    points, resolved = _native.sensitivity_design(scenario, specs, method, n, levels, outs, seed, max_memory_gib)
    m = chunks if chunks is not None else max(1, -(-len(points) // 16))
    if not 1 <= m <= len(points):
        raise ValueError(f"chunks = {m}: expected 1 to the design's {len(points)} points")
    size = -(-len(points) // m)
    args = [(scenario, specs, points[i : i + size], resolved, i, max_memory_gib) for i in range(0, len(points), size)]
    if backend == "local":
        parts = [_evaluate(*a) for a in args]
    else:
        ray = _ray()
        task = ray.remote(num_cpus=1)(_evaluate)
        parts = ray.get([task.remote(*a) for a in args])
    values = [row for part in parts for row in part]
    data, _runs = _native.sensitivity(scenario, specs, method, n, levels, resolved, seed, max_memory_gib, values)
    return _csv(data)
