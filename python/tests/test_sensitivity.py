"""`mnsim.sensitivity`: the CLI's sensitivity.csv, to the byte, as a DataFrame."""

from __future__ import annotations

import pytest

import mnsim
from conftest import cli, tiny


def test_morris_from_python_equals_the_cli(tmp_path, mnsim_bin):
    f = tmp_path / "tiny.toml"
    f.write_text(tiny().to_toml())
    args = ["--param", "device.needle_length_um=800:1500", "--method", "morris", "--n", "2", "--levels", "4",
            "--outputs", "mean_depth_um,dermis_reached_fraction", "--seed", "3"]
    cli(mnsim_bin, "sensitivity", str(f), *args, "--out", str(tmp_path / "cli"), "--quiet")
    df = mnsim.sensitivity(mnsim.Scenario.load(f), [("device.needle_length_um", 800, 1500)], method="morris", n=2,
                           levels=4, outputs=["mean_depth_um", "dermis_reached_fraction"], seed=3)
    want = mnsim._result._csv((tmp_path / "cli" / "sensitivity.csv").read_bytes())
    assert list(df.columns) == ["output", "output_unit", "param", "mu", "mu_star", "sigma"]
    assert df.equals(want)
    row = df.set_index("output").loc["mean_depth_um"]
    assert row["output_unit"] == "µm" and row["mu_star"] > 0, "a longer needle goes deeper"


def test_bad_sensitivity_input_is_a_study_error():
    with pytest.raises(mnsim.StudyError, match="no_such"):
        mnsim.sensitivity(tiny(), ["device.needle_length_um=800:1500"], method="morris", n=2, outputs=["no_such"])
    with pytest.raises(ValueError, match="sobol"):
        mnsim.sensitivity(tiny(), method="anova")
