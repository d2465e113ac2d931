"""Runs: the CLI's results to the bit, the same run folder, DataFrames with the documented
columns and units, pickling, and the GIL released while simulating."""

from __future__ import annotations

import json
import pickle
import struct
import threading

import pandas as pd
import pytest

import mnsim
from conftest import TINY, cli, tiny

#: The documented columns of each table (docs/PYTHON.md).
COLUMNS = {
    "figures": ["name", "value", "unit", "description", "ensemble_median", "ensemble_p05", "ensemble_p95"],
    "punctures": [
        "puncture", "session", "pass", "needle", "x_um", "y_um", "time_s", "angle_deg", "depth_um",
        "deepest_layer", "surface_diameter_um",
    ],
    "delivery": ["time_h", "skin", "quantity", "value", "unit"],
    "depth_profiles": ["time_h", "depth_um", "profile", "concentration_ug_per_ml"],
    "healing": ["time_d", "phase", "region", "quantity", "value", "ensemble_p05", "ensemble_p95", "unit"],
    "outcomes": ["quantity", "value", "ensemble_median", "ensemble_p05", "ensemble_p95", "unit"],
    "layers": ["layer", "top_um", "bottom_um", "thickness_um"],
}


def bits(x: float) -> bytes:
    return struct.pack("<d", x)


def files_of(path):
    return {p.name: p.read_bytes() for p in path.iterdir()}


def test_run_equals_the_cli_results_json_to_the_bit_and_writes_the_same_folder(tmp_path, mnsim_bin):
    f = tmp_path / "tiny.toml"
    f.write_text(tiny().to_toml())
    cli(mnsim_bin, "run", str(f), "--out", str(tmp_path / "cli"), "--quiet")
    r = mnsim.run(mnsim.Scenario.load(f))
    want = json.loads((tmp_path / "cli" / "results.json").read_text())
    got = r.results
    assert got["seed"] == want["seed"] and got["scenario"] == want["scenario"]
    assert set(got["figures"]) == set(want["figures"]) and len(want["figures"]) > 10
    for name, fig in want["figures"].items():
        assert bits(r.figure(name)) == bits(fig["value"]), name
        assert got["figures"][name]["unit"] == fig["unit"]
    for name, o in want["outcomes"].items():
        assert bits(r.figure("outcomes." + name)) == bits(o["value"]), name
    # the run folder: every file the same bytes, but the stamps of when and how it ran
    r.save(tmp_path / "py")
    a, b = files_of(tmp_path / "cli"), files_of(tmp_path / "py")
    assert sorted(a) == sorted(b)
    for name in a:
        if name in ("manifest.json", "report.html"):
            continue
        if name == "results.json" and mnsim.GIT_REVISION != want["git_revision"]:
            continue  # built from another commit than the CLI: only the stamp may differ (checked above)
        assert a[name] == b[name], name
    m = json.loads(b["manifest.json"])
    assert m["scenario"] == json.loads(a["manifest.json"])["scenario"]


def test_dataframes_have_the_documented_columns_and_units():
    s = tiny(simulation__run_healing=True, simulation__follow_up_d=14)
    r = mnsim.run(s)
    for name, cols in COLUMNS.items():
        if name in ("delivery", "depth_profiles"):
            assert getattr(r, name) is None, "no topical: no delivery tables"
            continue
        df = getattr(r, name)
        assert isinstance(df, pd.DataFrame) and list(df.columns) == cols, name
        assert len(df) > 0, name
    p = r.punctures
    assert len(p) == r.figure("punctures_total")
    assert p["depth_um"].dtype == "float64" and p["deepest_layer"].isin(
        ["stratum_corneum", "viable_epidermis", "papillary_dermis", "reticular_dermis", "subcutis"]).all()
    # punctures are at full precision: the mean depth figure is their mean
    assert p["depth_um"].mean() == pytest.approx(r.figure("mean_depth_um"), rel=1e-12)
    f = r.figures.set_index("name")
    assert f.loc["mean_depth_um", "unit"] == "µm"
    assert f.loc["holes_per_cm2_per_session", "unit"] == "holes/cm²"
    h = r.healing
    assert {"before_session", "after_session", "course"} >= set(h["phase"]) and h["time_d"].max() == pytest.approx(14)
    o = r.outcomes.set_index("quantity")
    assert o.loc["collagen_change_pct", "unit"] == "%"
    assert o.loc["collagen_change_pct", "value"] == r.figure("outcomes.collagen_change_pct")
    assert (r.layers["thickness_um"] > 0).all()


def test_a_topical_gives_delivery_tables_in_their_units():
    s = mnsim.Scenario.default()  # the default topical, on the tiny patch
    small = {
        "transport.compute_window": False,
        "transport.domain_width_um": 200,
        "transport.lateral_resolution_um": 20,
        "transport.duration_h": 2.0,
        "transport.output_times_h": [0.5, 1.0],
        "transport.profile_times_h": [1.0],
        "transport.slice_time_h": 1.0,
    }
    for k, v in {**TINY, **small}.items():
        s.set(k, v)
    r = mnsim.run(s)
    d = r.delivery
    assert list(d.columns) == COLUMNS["delivery"]
    assert set(d["skin"]) == {"needled", "intact", "ratio"}
    assert set(d.loc[d["quantity"] == "vehicle", "unit"]) == {"µg/cm²"}
    assert set(d.loc[d["quantity"] == "flux_into_skin", "unit"]) == {"µg/cm²/h"}
    assert list(r.depth_profiles.columns) == COLUMNS["depth_profiles"]


def test_results_pickle_round_trip_with_tables_and_the_same_folder(tmp_path):
    r = mnsim.run(tiny())
    again = pickle.loads(pickle.dumps(r))
    assert again.scenario == r.scenario
    pd.testing.assert_frame_equal(again.figures, r.figures)
    pd.testing.assert_frame_equal(again.punctures, r.punctures)
    pd.testing.assert_frame_equal(again.layers, r.layers)
    assert again.results == r.results and again.wall_time_s == r.wall_time_s
    r.save(tmp_path / "a")
    again.save(tmp_path / "b")
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b")
    with pytest.raises(mnsim.OutputError) as e:
        again.save(tmp_path / "b")
    assert "exists" in str(e.value) and e.value.path == str(tmp_path / "b")


def test_the_gil_is_released_two_runs_in_threads_overlap():
    s = tiny(simulation__run_healing=True, simulation__follow_up_d=7)
    barrier = threading.Barrier(2)
    out = [None, None]

    def work(k):
        barrier.wait()
        out[k] = mnsim.run(s)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    (a0, a1), (b0, b1) = out[0].interval_s, out[1].interval_s
    # with the GIL held, the second simulation could only start after the first had ended
    assert a0 < b1 and b0 < a1, (out[0].interval_s, out[1].interval_s)
    assert out[0].results["figures"] == out[1].results["figures"], "same scenario, same seed, same bits"


def test_over_budget_is_refused_before_running():
    with pytest.raises(mnsim.BudgetError):
        mnsim.run(tiny(), max_memory_gib=1e-9)
