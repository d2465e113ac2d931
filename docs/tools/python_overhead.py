"""The Python call overhead of `mnsim.run` next to the run itself (docs/PYTHON.md § Performance).

    python docs/tools/python_overhead.py [--default]

For a tiny scenario (and with --default the built-in default), prints the wall time of the
`mnsim.run` call, the simulation's own wall time (measured in Rust, inside the released GIL),
their difference (the overhead: validation, the GIL, building the Result), and the time to
build the figures and punctures DataFrames, to render the run folder's files and to pickle.
"""

from __future__ import annotations

import pickle
import statistics
import sys
import time

import mnsim

TINY = {
    "simulation.patch_width_mm": 1.5,
    "simulation.patch_height_mm": 1.5,
    "simulation.ensemble_members": 1,
    "simulation.run_healing": False,
    "protocol.session_days": [0],
}


def measure(label: str, s: mnsim.Scenario, repeat: int) -> None:
    calls, sims, over = [], [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = mnsim.run(s)
        call = time.perf_counter() - t0
        calls.append(call)
        sims.append(r.wall_time_s)
        over.append(call - r.wall_time_s)
    t0 = time.perf_counter()
    r.figures, r.punctures
    frames = time.perf_counter() - t0
    t0 = time.perf_counter()
    r.files()
    files = time.perf_counter() - t0
    t0 = time.perf_counter()
    pickle.loads(pickle.dumps(r))
    pick = time.perf_counter() - t0
    med = statistics.median
    print(
        f"{label}: {repeat} runs; call {med(calls) * 1e3:.1f} ms, simulation {med(sims) * 1e3:.1f} ms, "
        f"overhead {med(over) * 1e3:.2f} ms ({100 * med(over) / med(calls):.2f} % of the call); "
        f"figures+punctures DataFrames {frames * 1e3:.1f} ms; run-folder files {files * 1e3:.1f} ms; "
        f"pickle round trip {pick * 1e3:.1f} ms"
    )


if __name__ == "__main__":
    s = mnsim.Scenario.default()
    for k, v in TINY.items():
        s.set(k, v)
    s.unset("topical")
    measure("tiny (1.5 mm patch, no topical, no healing)", s, 20)
    if "--default" in sys.argv:
        measure("built-in default", mnsim.Scenario.default(), 1)
