"""Measure the Ray backend's overhead per patient chunk (docs/PERFORMANCE.md § Distributed
cohorts): the same cohort in-process (backend="local", chunks one after another on one thread
each) and on a local Ray cluster of 2 CPUs, interleaved, min of `--reps`.

    python docs/tools/ray_overhead.py [--n 16] [--chunks 8] [--reps 2]

Prints, per run: wall times, the tasks' own wall time, the overhead per chunk
(Ray wall − Σ task wall / CPUs, per chunk on a CPU) and the chunk size that keeps it under 5 %.
"""

from __future__ import annotations

import argparse
import json
import time

import ray

import mnsim
import mnsim.distributed as dist


def tiny() -> mnsim.Scenario:
    s = mnsim.Scenario.default()
    for k, v in {
        "protocol.session_days": [0],
        "simulation.patch_width_mm": 1.5,
        "simulation.patch_height_mm": 1.5,
        "simulation.follow_up_d": 14,
    }.items():
        s.set(k, v)
    return s


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=16)
    ap.add_argument("--chunks", type=int, default=8)
    ap.add_argument("--reps", type=int, default=2)
    a = ap.parse_args()
    cpus = 2
    t = time.perf_counter()
    ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=False)
    start_s = time.perf_counter() - t
    best = {}
    for _ in range(a.reps):
        for backend in ("local", "ray"):
            c = dist.cohort("acne-scars-cheek", a.n, tiny(), seed=1, backend=backend, chunks=a.chunks)
            d = c.distributed
            if backend not in best or d["gather_wall_s"] < best[backend]["gather_wall_s"]:
                best[backend] = d
    ray.shutdown()
    local, r = best["local"], best["ray"]
    per_patient = sum(local["task_wall_s"]) / a.n
    ideal = sum(r["task_wall_s"]) / cpus
    per_chunk = (r["gather_wall_s"] - ideal) / (a.chunks / cpus)
    out = {
        "patients": a.n,
        "chunks": a.chunks,
        "cpus": cpus,
        "ray_init_s": start_s,
        "local_wall_s": local["gather_wall_s"],
        "ray_wall_s": r["gather_wall_s"],
        "ray_task_wall_s_total": sum(r["task_wall_s"]),
        "patient_s_in_process": per_patient,
        "overhead_per_chunk_s": per_chunk,
        "chunk_patients_for_5pct": per_chunk / (0.05 * per_patient) if per_patient > 0 else None,
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
