"""Plans from Python: the same folder as `mnsim plan`, byte for byte on the data files, for the
same plan file and seed; an infeasible plan is a result, not an exception; bad plans raise."""

from __future__ import annotations

import pickle

import pytest

import mnsim
from conftest import cli

DATA_FILES = ["candidates.csv", "recommended.toml"]


@pytest.fixture
def tiny_plan(tmp_path):
    """A 2-candidate plan on the acne-scar scenario made tiny (1.5 mm patch, 14 days, no serum)."""
    s = mnsim.Scenario.from_toml(mnsim.Scenario.default().to_toml())
    for k, v in {
        "simulation.patch_width_mm": 1.5,
        "simulation.patch_height_mm": 1.5,
        "simulation.follow_up_d": 14,
        "simulation.ensemble_members": 2,
    }.items():
        s.set(k, v)
    s.unset("topical")
    (tmp_path / "tiny.toml").write_text(s.to_toml())
    plan = tmp_path / "plan.toml"

    def write(limit: float):
        plan.write_text(
            '[plan]\nname = "tiny"\nscenario = "tiny.toml"\n\n'
            '[[variable]]\nkey = "device.needle_length_um"\nkind = "set"\nvalues = [500, 1500]\n\n'
            '[[objective]]\nfigure = "outcomes.scar_improvement_pct"\ngoal = "maximise"\n\n'
            f'[[constraint]]\nfigure = "bleeding_fraction"\nmax = {limit}\n'
        )
        return plan

    return write


def test_plan_equals_the_cli_and_its_recommendation_runs(tmp_path, tiny_plan, mnsim_bin):
    plan = tiny_plan(1.0)
    cli(mnsim_bin, "plan", str(plan), "--seed", "3", "--out", str(tmp_path / "cli"))
    p = mnsim.plan(plan, seed=3, threads=1)
    assert p.feasible
    for name in DATA_FILES:
        assert p.files()[name] == (tmp_path / "cli" / name).read_bytes(), name
    assert list(p.candidates.columns[:2]) == ["candidate", "device.needle_length_um"]
    assert len(p.candidates) == 2
    d = p.doc
    assert d["seed"] == 3 and d["recommendation"]["candidate"] in (0, 1)
    assert "variable_effects" in d and "near_optimal" in d
    # the recommendation as a scenario reproduces the plan's rerun
    r = mnsim.run(p.recommended_scenario())
    rec = {f["name"]: f["value"] for f in d["recommendation"]["figures"]}
    assert r.figure("bleeding_fraction") == rec["bleeding_fraction"]
    out = p.save(tmp_path / "py")
    assert (tmp_path / "py" / "plan.html").is_file() and out
    q = pickle.loads(pickle.dumps(p))
    assert q.files() == p.files() and q.feasible


def test_an_infeasible_plan_and_bad_plans(tmp_path, tiny_plan):
    p = mnsim.plan(tiny_plan(-1.0))
    assert not p.feasible and p.recommended_scenario() is None
    assert p.doc["infeasible"]["constraints"][0]["best_value"] is not None
    with pytest.raises(mnsim.StudyError, match="variable\\[0\\].kind"):
        mnsim.plan(text=tiny_plan(1.0).read_text().replace('kind = "set"', 'kind = "sett"'))
    with pytest.raises(ValueError, match="not a built-in plan"):
        mnsim.plan(example="nothing")
    with pytest.raises(ValueError, match="exactly one"):
        mnsim.plan()
    assert "acne-scars" in mnsim.example_plans()
