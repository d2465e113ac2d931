"""`mnsim.validate`: the validation table of `mnsim validate` as a DataFrame."""

from __future__ import annotations

import pytest

import mnsim


def test_validate_one_case_gives_the_cli_columns():
    df = mnsim.validate(only=["PN01"])
    assert len(df) == 1
    row = df.iloc[0]
    assert row["id"] == "PN01"
    for col in ("area", "unit", "model", "published", "pass"):
        assert col in df.columns, df.columns
    assert isinstance(row["model"], float)


def test_an_unknown_case_is_a_study_error():
    with pytest.raises(mnsim.StudyError, match="NOPE"):
        mnsim.validate(only=["NOPE"])
