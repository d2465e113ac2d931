"""Shared fixtures: tiny fast scenarios, and the `mnsim` binary for comparisons with the CLI."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess

import pytest

import mnsim

REPO = pathlib.Path(__file__).resolve().parents[2]

#: Edits that make the default scenario fast: a 1.5 mm patch, one session, the nominal member
#: only, no topical, no healing (tests that need a stage turn it back on).
TINY = {
    "simulation.patch_width_mm": 1.5,
    "simulation.patch_height_mm": 1.5,
    "simulation.ensemble_members": 1,
    "simulation.run_healing": False,
    "protocol.session_days": [0],
}


def tiny(**extra) -> mnsim.Scenario:
    """The default scenario made tiny (see TINY), without its topical, plus `extra` edits
    (keys with `__` for dots)."""
    s = mnsim.Scenario.default()
    for k, v in TINY.items():
        s.set(k, v)
    s.unset("topical")
    for k, v in extra.items():
        s.set(k.replace("__", "."), v)
    return s


@pytest.fixture
def tiny_scenario() -> mnsim.Scenario:
    return tiny()


@pytest.fixture(scope="session")
def mnsim_bin() -> str:
    """The `mnsim` binary of this checkout (MNSIM_BIN, else target/debug/mnsim). Missing, the
    test is skipped, unless MNSIM_REQUIRE_CLI=1 (as in CI), where it fails."""
    cand = os.environ.get("MNSIM_BIN") or str(REPO / "target" / "debug" / "mnsim")
    if os.path.isfile(cand) and os.access(cand, os.X_OK):
        return cand
    found = shutil.which("mnsim")
    if found:
        return found
    msg = f"no mnsim binary at {cand} (build it with `cargo build -p mnsim-cli`, or set MNSIM_BIN)"
    if os.environ.get("MNSIM_REQUIRE_CLI") == "1":
        pytest.fail(msg)
    pytest.skip(msg)


def cli(mnsim_bin: str, *args: str) -> subprocess.CompletedProcess:
    """Run the CLI, failing the test with its stderr when it fails."""
    p = subprocess.run([mnsim_bin, *args], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return p
