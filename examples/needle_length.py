"""Load a scenario, vary the needle length, run each variant, and plot what changes.

    python examples/needle_length.py [OUT_DIR]

Writes OUT_DIR/needle_length.png (default: runs/example-needle-length) and prints a table.
Small and fast on purpose (a 1.5 mm patch, one session, nominal member, no topical, no
healing): CI runs it (.ci/run). Drop the `FAST` edits for the real scenario.
"""

from __future__ import annotations

import pathlib
import sys

import matplotlib

matplotlib.use("Agg")  # no display: write a file
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

import mnsim  # noqa: E402

FAST = {
    "simulation.patch_width_mm": 1.5,
    "simulation.patch_height_mm": 1.5,
    "simulation.ensemble_members": 1,
    "simulation.run_healing": False,
    "protocol.session_days": [0],
}


def main(out: pathlib.Path) -> pd.DataFrame:
    base = mnsim.Scenario.default()  # or mnsim.Scenario.load("scenarios/….toml")
    for key, value in FAST.items():
        base.set(key, value)
    base.unset("topical")
    rows, depths = [], {}
    for length_um in (500, 1000, 1500, 2000):
        s = base.copy()
        s.set("device.needle_length_um", length_um)
        r = mnsim.run(s)
        rows.append(
            {
                "needle_length_um": length_um,
                "mean_depth_um": r.figure("mean_depth_um"),
                "dermis_reached_fraction": r.figure("dermis_reached_fraction"),
                "bleeding_fraction": r.figure("bleeding_fraction"),
            }
        )
        depths[length_um] = r.punctures["depth_um"]
    table = pd.DataFrame(rows)
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
    a.plot(table["needle_length_um"], table["mean_depth_um"], "o-")
    a.set_xlabel("needle length (µm)")
    a.set_ylabel("mean depth reached (µm)")
    for length_um, d in depths.items():
        b.hist(d, bins=30, alpha=0.5, label=f"{length_um} µm")
    b.set_xlabel("depth reached (µm)")
    b.set_ylabel("punctures")
    b.legend()
    fig.tight_layout()
    out.mkdir(parents=True, exist_ok=True)
    fig.savefig(out / "needle_length.png", dpi=100)
    return table


if __name__ == "__main__":
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "runs/example-needle-length")
    print(main(out).to_string(index=False))
    print(f"wrote {out / 'needle_length.png'}")
