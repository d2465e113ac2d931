"""Cohorts from Python: the CLI's files to the byte, and shards (as a Slurm job array runs them)
merged by `mnsim cohort merge` into the single-machine cohort, byte for byte on the data files."""

from __future__ import annotations

import os
import pickle
import subprocess

import pytest

import mnsim
from conftest import REPO, cli

DATA_FILES = ["outcomes.csv", "patients.csv", "summary.csv", "responders.csv", "subgroups.csv", "separation.csv"]


@pytest.fixture
def tiny_file(tmp_path):
    """The default scenario with one session, 14 days of follow-up and a 1.5 mm patch (healing on,
    as a cohort's outcomes need it)."""
    s = mnsim.Scenario.default()
    for k, v in {
        "protocol.session_days": [0],
        "simulation.patch_width_mm": 1.5,
        "simulation.patch_height_mm": 1.5,
        "simulation.follow_up_d": 14,
    }.items():
        s.set(k, v)
    f = tmp_path / "tiny.toml"
    f.write_text(s.to_toml())
    return f


def test_cohort_equals_the_cli_and_shards_merge_to_the_same_bytes(tmp_path, tiny_file, mnsim_bin):
    args = ["--population", "acne-scars-cheek", "--n", "3", "--seed", "5", "--quiet"]
    cli(mnsim_bin, "cohort", str(tiny_file), *args, "--out", str(tmp_path / "cli"))
    s = mnsim.Scenario.load(tiny_file)
    whole = mnsim.cohort("acne-scars-cheek", 3, s, seed=5, threads=1)
    for name in DATA_FILES:
        assert whole.files()[name] == (tmp_path / "cli" / name).read_bytes(), name
    # one shard from Python, one from the CLI (other chunk sizes; both builds of one commit, as a
    # merge asks), merged by the CLI
    mnsim.cohort("acne-scars-cheek", 3, s, seed=5, shard=(0, 2)).save(tmp_path / "shards" / "part0")
    cli(mnsim_bin, "cohort", str(tiny_file), *args, "--shard", "1/2", "--out", str(tmp_path / "shards" / "part1"))
    cli(mnsim_bin, "cohort", "merge", str(tmp_path / "shards"), "--out", str(tmp_path / "merged"))
    for name in DATA_FILES:
        assert (tmp_path / "merged" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    # the tables as DataFrames, and pickling
    o = whole.outcomes
    assert list(o.columns) == ["patient", "age_y", "sex", "fitzpatrick", "outcome", "value", "unit"]
    assert sorted(set(o["patient"])) == [0, 1, 2]
    assert "outcomes.scar_improvement_pct" in set(o["outcome"])
    assert list(whole.summary.columns[:3]) == ["outcome", "unit", "n"]
    assert whole.doc["patients"] == 3 and whole.doc["seed"] == 5
    again = pickle.loads(pickle.dumps(whole))
    assert again.files() == whole.files()


def test_bad_cohort_input_raises_a_study_error_naming_it():
    with pytest.raises(mnsim.StudyError) as e:
        mnsim.cohort("acne-scars-cheek", 0)
    assert "0" in str(e.value) and "[1, 1000000]" in str(e.value)
    with pytest.raises(mnsim.StudyError) as e:
        mnsim.cohort("no-such-population", 2)
    assert "acne-scars-cheek" in str(e.value), "the message lists the built-in populations"
    with pytest.raises(mnsim.StudyError) as e:
        mnsim.cohort("acne-scars-cheek", 2, shard=(2, 2))
    assert "2/2" in str(e.value)
    assert "acne-scars-cheek" in mnsim.builtin_populations()


def test_the_slurm_job_array_script_runs_shards_that_merge_to_the_single_run(tmp_path, tiny_file, mnsim_bin):
    """examples/slurm/cohort.sbatch as two array tasks (Slurm's variables set by hand), merged."""
    args = ["--population", "acne-scars-cheek", "--n", "3", "--seed", "5", "--quiet"]
    cli(mnsim_bin, "cohort", str(tiny_file), *args, "--out", str(tmp_path / "cli"))
    out = tmp_path / "slurm"
    for k in range(2):
        env = dict(os.environ, MNSIM=mnsim_bin, SCENARIO=str(tiny_file), N="3", SEED="5", OUT=str(out),
                   SLURM_ARRAY_TASK_ID=str(k), SLURM_ARRAY_TASK_COUNT="2", SLURM_CPUS_PER_TASK="1")
        p = subprocess.run(["bash", str(REPO / "examples" / "slurm" / "cohort.sbatch")], env=env,
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
    cli(mnsim_bin, "cohort", "merge", str(out / "shards"), "--out", str(out / "cohort"))
    for name in DATA_FILES:
        assert (out / "cohort" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
