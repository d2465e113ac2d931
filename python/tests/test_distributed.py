"""Cohorts on a distributed engine: a local Ray cluster (``ray.init(num_cpus=2)``) and the
in-process backend give the data files of the single-machine cohort, byte for byte, whatever the
number of chunks. Skipped where Ray is not installed, unless MNSIM_REQUIRE_RAY=1 (CI sets it)."""

from __future__ import annotations

import os

import pytest

import mnsim
import mnsim.distributed as dist

DATA_FILES = ["outcomes.csv", "patients.csv", "summary.csv", "responders.csv", "subgroups.csv", "separation.csv"]


def tiny() -> mnsim.Scenario:
    """The default scenario with one session, 14 days and a 1.5 mm patch (healing on)."""
    s = mnsim.Scenario.default()
    for k, v in {
        "protocol.session_days": [0],
        "simulation.patch_width_mm": 1.5,
        "simulation.patch_height_mm": 1.5,
        "simulation.follow_up_d": 14,
    }.items():
        s.set(k, v)
    return s


@pytest.fixture(scope="module")
def whole():
    return mnsim.cohort("acne-scars-cheek", 5, tiny(), seed=11, threads=1)


def test_local_chunks_merge_to_the_single_machine_bytes(whole):
    for chunks in (1, 2, 5):
        c = dist.cohort("acne-scars-cheek", 5, tiny(), seed=11, backend="local", chunks=chunks)
        for name in DATA_FILES:
            assert c.files()[name] == whole.files()[name], (chunks, name)
        assert c.distributed["chunks"] == chunks and len(c.distributed["task_wall_s"]) == chunks
    with pytest.raises(ValueError, match="backend"):
        dist.cohort("acne-scars-cheek", 5, tiny(), backend="spark")
    with pytest.raises(ValueError, match="chunks"):
        dist.cohort("acne-scars-cheek", 5, tiny(), backend="local", chunks=6)


SOBOL = dict(method="sobol", n=8, outputs=["mean_depth_um", "dermis_reached_fraction"], seed=3)
PARAMS = [("device.needle_length_um", 800, 1500), ("device.needle_base_diameter_um", 150, 300)]


def no_healing() -> mnsim.Scenario:
    s = tiny()
    s.set("simulation.run_healing", False)
    s.unset("topical")
    return s


def test_a_sensitivity_design_in_local_chunks_gives_the_one_machine_indices():
    whole = mnsim.sensitivity(no_healing(), PARAMS, **SOBOL)
    for chunks in (1, 3):
        df = dist.sensitivity(no_healing(), PARAMS, backend="local", chunks=chunks, **SOBOL)
        assert df.equals(whole), chunks


def test_ray_cluster_gives_the_single_machine_bytes(whole):
    try:
        import ray
    except ImportError:
        if os.environ.get("MNSIM_REQUIRE_RAY") == "1":
            raise
        pytest.skip("Ray is not installed")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        c = dist.cohort("acne-scars-cheek", 5, tiny(), seed=11, backend="ray", chunks=3)
        sweep = []
        for length in (500, 1000):
            s = tiny()
            s.set("simulation.run_healing", False)
            s.unset("topical")
            s.set("device.needle_length_um", length)
            sweep.append(s)
        remote = dist.run_many(sweep, backend="ray")
        indices = dist.sensitivity(no_healing(), PARAMS, backend="ray", chunks=2, **SOBOL)
    finally:
        ray.shutdown()
    # a sweep on Ray: the same figures as the runs here, in the order given
    here = dist.run_many(sweep, backend="local")
    assert all(a.figures.equals(b.figures) for a, b in zip(remote, here)) and len(remote) == 2
    assert remote[0].figure("mean_depth_um") < remote[1].figure("mean_depth_um")
    # a Sobol design on Ray: the indices of the one-machine study
    assert indices.equals(mnsim.sensitivity(no_healing(), PARAMS, **SOBOL))
    for name in DATA_FILES:
        assert c.files()[name] == whole.files()[name], name
    assert c.doc["patients"] == 5 and c.distributed["backend"] == "ray"
