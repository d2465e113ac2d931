"""Scenarios: round trips, dotted-key edits, and validation errors as typed exceptions."""

from __future__ import annotations

import copy
import pickle

import pytest

import mnsim
from conftest import tiny


def test_default_round_trips_through_toml_text():
    s = mnsim.Scenario.default()
    assert s.name == "acne-scars-cheek" and s.file == "<built-in default>"
    again = mnsim.Scenario.from_toml(s.to_toml(), file="again.toml")
    assert again.resolved_toml() == s.resolved_toml()
    assert again.file == "again.toml"


def test_edits_set_get_unset_and_survive_a_toml_round_trip():
    s = mnsim.Scenario.default()
    before = s.get("device.needle_length_um")
    s.set("device.needle_length_um", 1000)
    assert s.get("device.needle_length_um") == 1000
    s.set("protocol.session_days", [0, 30])
    assert s.get("protocol.session_days") == [0, 30]
    assert ("device.needle_length_um", "1000") in s.edits
    edited = mnsim.Scenario.from_toml(s.to_toml())
    assert edited.get("device.needle_length_um") == 1000
    assert edited.resolved_toml() == s.resolved_toml()
    c = s.copy()
    c.set("device.needle_length_um", before)
    assert c.get("device.needle_length_um") == before
    assert s.get("device.needle_length_um") == 1000, "a copy's edits leave the original alone"
    c.unset("device.needle_length_um")  # a required key: no default to fall back on
    with pytest.raises(mnsim.ScenarioFieldError) as e:
        c.validate()
    assert e.value.field == "device.needle_length_um" and e.value.value == "(missing)"
    with pytest.raises(KeyError):
        s.get("device.no_such_key")


def test_an_out_of_range_edit_raises_a_field_error_with_field_value_and_range():
    s = mnsim.Scenario.default()
    s.set("device.needle_length_um", 99999)
    with pytest.raises(mnsim.ScenarioFieldError) as e:
        s.validate()
    err = e.value
    assert isinstance(err, mnsim.ScenarioError) and isinstance(err, mnsim.MnsimError)
    assert err.field == "device.needle_length_um"
    assert err.value == "99999"
    assert "[50, 5000]" in err.allowed and "µm" in err.allowed
    assert err.file.startswith("<built-in default>") and "device.needle_length_um" in err.file
    assert "device.needle_length_um" in str(err)
    # mnsim.run refuses it the same way, before running
    with pytest.raises(mnsim.ScenarioFieldError):
        mnsim.run(s)


def test_a_bad_value_in_a_file_names_the_file_and_line(tmp_path):
    text = mnsim.Scenario.default().to_toml().replace("needle_length_um = 1500", "needle_length_um = -3")
    assert "needle_length_um = -3" in text
    line = 1 + text.splitlines().index(next(x for x in text.splitlines() if x.startswith("needle_length_um = -3")))
    f = tmp_path / "bad.toml"
    f.write_text(text)
    with pytest.raises(mnsim.ScenarioFieldError) as e:
        mnsim.Scenario.load(f)
    assert e.value.file == str(f) and e.value.line == line and e.value.field == "device.needle_length_um"


def test_unreadable_and_unparsable_scenarios_raise_their_own_types(tmp_path):
    with pytest.raises(mnsim.ScenarioReadError) as e:
        mnsim.Scenario.load(tmp_path / "missing.toml")
    assert e.value.file.endswith("missing.toml") and e.value.field is None
    with pytest.raises(mnsim.ScenarioParseError) as e:
        mnsim.Scenario.from_toml("this is = = not toml", file="x.toml")
    assert e.value.file == "x.toml" and e.value.line == 1
    s = mnsim.Scenario.default()
    with pytest.raises(mnsim.ScenarioParseError):
        s.set("device.needle_length_um.deeper", 1)  # a number is not a table
    assert s.edits == [], "a refused edit is not kept"
    with pytest.raises(TypeError):
        s.set("device.needle_length_um", object())


def test_scenarios_pickle_and_copy_with_their_edits():
    s = tiny(device__needle_length_um=800)
    for again in (pickle.loads(pickle.dumps(s)), copy.deepcopy(s), copy.copy(s)):
        assert again == s
        assert again.edits == s.edits
        assert again.resolved_toml() == s.resolved_toml()
    bad = mnsim.Scenario.default()
    bad.set("device.needle_length_um", 1e9)
    with pytest.raises(mnsim.ScenarioFieldError):
        pickle.loads(pickle.dumps(bad)).validate()
