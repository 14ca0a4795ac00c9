"""Calibration targets on real runs (issue 9): every measurable target reads datasets its
case's output really has, and `ssesim-analysis targets` measures runs and a sweep of the case
scenarios, one row per target. The values are not asserted here: whether the calibrated
defaults meet the targets is tests/integration/test_calibrated.py."""
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import h5py
import pytest

from helpers import ENV, ROOT, run

sys.path.insert(0, str(ROOT / "analysis"))
from ssesim_analysis.targets import load_targets  # noqa: E402

TARGETS = load_targets()
CASES = sorted({t.case.stem for t in TARGETS})


@pytest.fixture(scope="module")
def case_runs(tmp_path_factory):
    """One full run (80 steps) of every case with a target, seed 7: about 0.2 s each."""
    d = tmp_path_factory.mktemp("targets")
    out = {}
    for case in CASES:
        out[case] = d / f"{case}.h5"
        run("run", ROOT / "scenarios" / "cases" / f"{case}.toml", "-o", out[case], "--seed", 7, "--quiet")
    return out


def analysis(*args):
    env = dict(ENV, PYTHONPATH=str(ROOT / "analysis"))
    return subprocess.run([sys.executable, "-m", "ssesim_analysis", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=120)


def test_every_measurable_target_reads_datasets_its_case_writes(case_runs):
    for t in TARGETS:
        with h5py.File(case_runs[t.case.stem], "r") as f:
            assert tomllib.loads(f.attrs["scenario"])["run"]["name"] == t.case_name, t.key
            for name in t.datasets:
                assert name in f, f"{t.key}: {name}"
            countries = f["country"].asstr()[()].tolist()
            for label in (t.params.get("close", []) + [t.params["home"]] if t.measurable else []):
                assert label in countries, f"{t.key}: {label}"


def test_the_verb_measures_three_cases_one_row_per_target(case_runs):
    files = [case_runs[c] for c in ("mondragon", "coopcycle", "sea")]
    proc = analysis("targets", *files, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)["targets"]
    expected = [t.key for t in TARGETS if t.case.stem in ("mondragon", "coopcycle", "sea")]
    assert [r["target"] for r in rows] == expected
    for r in rows:
        assert r["status"] in ("met", "not met", "not measurable")
        if r["status"] == "not measurable":
            assert r["simulated"] is None and r["reason"]
    proc = analysis("targets", *files)
    assert proc.returncode == 0, proc.stderr
    assert "measured on the files given" in proc.stdout
    for key in expected:
        assert sum(line.split()[0] == key for line in proc.stdout.splitlines() if line.strip()) == 1


def test_the_verb_gives_a_sweep_arm_mean_and_interval(tmp_path):
    experiment = tmp_path / "sea_replicates.toml"
    experiment.write_text(f'[experiment]\nname = "sea_replicates"\nscenario = "{ROOT}/scenarios/cases/sea.toml"\n'
                          'design = "factorial"\nreplicates = 4\nseed = 3\n')
    sweep = tmp_path / "sea.h5"
    run("sweep", experiment, "-o", sweep, "--threads", 2)
    proc = analysis("targets", sweep, "--target", "sea_hubs_5y", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    [row] = json.loads(proc.stdout)["targets"]
    assert row["arm"] == "base" and row["runs"] == 4 and len(row["per_run"]) == 4
    assert row["low"] <= row["simulated"] <= row["high"]


def test_a_run_of_another_case_is_refused(case_runs):
    proc = analysis("targets", case_runs["mce"], "--target", "sea_hubs_5y")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"ssesim-analysis: error: {case_runs['mce']}: a run of scenario 'mce', but target(s) sea_hubs_5y are "
        "measured on sea"]
