"""The calibration on real sweeps (issue 9): `tools/calibrate --quick` runs from scratch (LHS
sweeps of the five cases, `ssesim-analysis calibrate`, the defaults-against-calibrated
check) and writes the posterior and the [economy] fragment; the cases' sweeps hold the same
design points; the verb refuses sweeps of other factors, missing or doubled cases and single
runs in one line. Whether targets are met is not asserted: that is what the calibration
reports, not what the tests require."""
import json
import re
import subprocess
import sys
import tomllib

import h5py
import numpy as np
import pytest

from helpers import BIN, ENV, ROOT, run

sys.path.insert(0, str(ROOT / "analysis"))
from ssesim_analysis.calibration import accepted_count, load_calibration  # noqa: E402

CAL = load_calibration()
CASES = list(CAL.cases)


def analysis(*args):
    env = dict(ENV, PYTHONPATH=str(ROOT / "analysis"))
    return subprocess.run([sys.executable, "-m", "ssesim_analysis", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    """tools/calibrate --quick: 8 LHS points x 1 replicate on each of the five cases (its run
    time is measured in README, never asserted: a benchmark is not a test)."""
    out = tmp_path_factory.mktemp("calibrate")
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "calibrate"), "--quick", "-o", str(out)],
                          capture_output=True, text=True, env=dict(ENV, SSESIM_BIN=str(BIN)), timeout=1200)
    return out, proc


def test_the_driver_runs_the_whole_calibration_from_scratch(quick):
    out, proc = quick
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert f"results: {out}/posterior/" in proc.stdout
    assert "time: sweep mondragon" in proc.stdout and "total" in proc.stdout
    for case in CASES:
        assert (out / "experiments" / f"{case}.toml").is_file()
        assert (out / "sweeps" / f"{case}.h5").is_file()
        assert (out / "check" / f"{case}.h5").is_file()
    # the posterior: accepted points, per parameter prior range, median and 90% interval
    doc = json.loads((out / "posterior" / "posterior.json").read_text())
    assert doc["design_points"] == CAL.quick.samples and doc["replicates"] == CAL.quick.replicates
    assert doc["accepted"] == accepted_count(CAL.quick.samples, CAL.quick.acceptance) == len(doc["accepted_points"])
    distances = [p["distance"] for p in doc["accepted_points"]]
    assert distances == sorted(distances)
    priors = list(CAL.priors) + [p for ps in CAL.case_priors.values() for p in ps]
    assert [p["parameter"] for p in doc["parameters"]] == [p.parameter for p in priors]
    assert [p["case"] for p in doc["parameters"]] == [p.case for p in priors]
    for p, prior in zip(doc["parameters"], priors):
        assert prior.low <= p["q05"] <= p["median"] <= p["q95"] <= prior.high
    points = np.genfromtxt(out / "posterior" / "points.csv", delimiter=",", names=True, dtype=None, encoding=None)
    assert len(points) == CAL.quick.samples
    assert sum(points["accepted"]) == doc["accepted"]
    assert max(points["distance"][points["accepted"]]) <= min(points["distance"][~points["accepted"]])
    # the fragment: TOML whose [economy] holds the medians, and says how it was made
    text = (out / "posterior" / "calibrated.toml").read_text()
    economy = tomllib.loads(text)["economy"]
    assert list(economy) == [p.path.removeprefix("economy.") for p in CAL.priors]
    for p in doc["parameters"]:
        if p["case"]:   # the second stage: archetype keys
            _, archetype, key = p["parameter"].split(".")
            assert tomllib.loads(text)["archetype"][archetype][key] == pytest.approx(p["median"], rel=1e-3)
        else:
            assert economy[p["parameter"].removeprefix("economy.")] == pytest.approx(p["median"], rel=1e-3)
    assert "# Command: ssesim-analysis calibrate" in text and "--quick" in text
    assert f"{CAL.quick.samples} LHS design points x {CAL.quick.replicates} replicate(s) on {len(CAL.cases)} case(s)" in text
    # the first stage: each case's own parameters at their assumed values, in one arm
    for case in CASES:
        with h5py.File(out / "sweeps" / f"{case}.h5", "r") as f:
            ex = tomllib.loads(f.attrs["experiment"])
        assert [a["set"] for a in ex["arm"]] == [CAL.assumed()[case]]
    # the second stage: each case's own parameters swept with every run at the calibrated economy
    fixed = {f"economy.{k}": v for k, v in economy.items()}
    for case, priors in CAL.case_priors.items():
        with h5py.File(out / "sweeps" / f"{case}_stage2.h5", "r") as f:
            ex = tomllib.loads(f.attrs["experiment"])
        assert [x["path"] for x in ex["factor"]] == [p.path for p in priors]
        assert [a["set"] for a in ex["arm"]] == [fixed]
        assert doc["stages"][case]["fixed"] == fixed
    # the check: every case at the defaults and at the calibrated values (the economy and the
    # case's own keys), measured by `targets`
    archetypes = tomllib.loads(text)["archetype"]
    for case in CASES:
        with h5py.File(out / "check" / f"{case}.h5", "r") as f:
            assert sorted(set(f["runs"]["arm"].asstr()[()])) == ["calibrated", "default"]
            arms = {a["name"]: a.get("set", {}) for a in tomllib.loads(f.attrs["experiment"])["arm"]}
        own = {p.path: archetypes[p.parameter.split(".")[1]][p.parameter.split(".")[2]]
               for p in CAL.case_priors.get(case, ())}
        assert arms == {"default": {}, "calibrated": {**fixed, **own}}
    assert re.search(r"distance to the targets \(calibration.toml's, \d+ replicates an arm\): default [0-9.e+]+, "
                     r"calibrated [0-9.e+]+; the accepted design points: ", proc.stdout), proc.stdout
    for arm in ("default", "calibrated"):
        assert re.search(rf"mondragon_sales_abroad\s+{arm}\s", proc.stdout), proc.stdout


def test_every_case_sweep_has_the_same_design_points(quick):
    out, proc = quick
    assert proc.returncode == 0, proc.stderr
    factors = [p.path for p in CAL.priors]
    tables = []
    for case in CASES:
        with h5py.File(out / "sweeps" / f"{case}.h5", "r") as f:
            tables.append(np.column_stack([f["runs"][c][()] for c in factors]))
    for t in tables[1:]:
        assert np.array_equal(t, tables[0])      # bit for bit, in the same order


def test_the_verb_refuses_bad_sweeps_in_one_line(quick, tmp_path):
    out, proc = quick
    assert proc.returncode == 0, proc.stderr
    sweeps = [out / "sweeps" / f"{c}.h5" for c in CASES]
    second = [out / "sweeps" / f"{c}_stage2.h5" for c in CAL.case_priors]

    def refused(args, message):
        p = analysis("calibrate", *args, "-o", tmp_path / "o", "--quick")
        assert p.returncode == 2, p.stdout
        assert p.stderr.startswith("ssesim-analysis: error: ") and p.stderr.count("\n") == 1, p.stderr
        assert message in p.stderr, p.stderr

    refused(sweeps[:4] + sweeps[5:], "no sweep of case 'equal_exchange', which target(s) equal_exchange_first_move, "
                                     "equal_exchange_first_source are measured on")
    refused(sweeps[:-1], "no sweep of case 'da_group', which target(s) da_transfer_countries are measured on")
    refused(sweeps + [sweeps[0]], f"{sweeps[0]}: a second sweep of case 'mondragon'")
    # a sweep of other factors: the calibration's LHS with one range changed
    other = tmp_path / "other.toml"
    text = (out / "experiments" / "sea.toml").read_text()
    other.write_text(text.replace("range = [0.1, 1.0]", "range = [0.2, 1.0]", 1).replace(
        'scenario = "', f'scenario = "{(out / "experiments").as_posix()}/'))
    run("sweep", other, "-o", tmp_path / "other.h5", "-q")
    refused([*sweeps[:3], tmp_path / "other.h5", *sweeps[4:]], f"{tmp_path / 'other.h5'}: factor economy.partner_probability "
                                                             "has range [0.2, 1.0] (linear), the calibration [0.1, 1] (linear)")
    # a single run of a case is not a sweep
    run("run", ROOT / "scenarios" / "cases" / "sea.toml", "-o", tmp_path / "sea.h5", "-q")
    refused([*sweeps[:3], tmp_path / "sea.h5", *sweeps[4:]], f"{tmp_path / 'sea.h5'}: a single run, not a sweep")
    # a case no target uses
    run("run", ROOT / "scenarios" / "cases" / "for_profit_exporter.toml", "-o", tmp_path / "fp.h5", "-q")
    refused([*sweeps, tmp_path / "fp.h5"], "a sweep of scenario 'for_profit_exporter', which no target of the calibration uses")
    # the second stage: every case with case parameters has its sweep, at the first stage's economy
    refused([*sweeps, *second[1:]], "no second-stage sweep of case 'mondragon' (its parameters: "
                                    "archetype.mondragon.fdi_propensity, archetype.mondragon.fdi_min_experience, "
                                    "archetype.mondragon.outward_drive)")
    stage2 = tmp_path / "sea_stage2.toml"
    text = (out / "experiments" / "sea_stage2.toml").read_text()
    assert '"economy.support_cost" = ' in text
    stage2.write_text(re.sub(r'"economy.support_cost" = [0-9.e+-]+', '"economy.support_cost" = 0.5', text).replace(
        'scenario = "', f'scenario = "{(out / "experiments").as_posix()}/'))
    run("sweep", stage2, "-o", tmp_path / "sea_stage2.h5", "-q")
    refused([*sweeps, *second[:-1], tmp_path / "sea_stage2.h5"],
            f"{tmp_path / 'sea_stage2.h5'}: its arms (")
    refused([*sweeps, *second[:-1], tmp_path / "sea_stage2.h5"],
            "differ from the calibration's one arm, which sets ")
    refused([*sweeps, *second, second[0]], f"{second[0]}: a second second-stage sweep of case 'mondragon'")
    # outputs are not overwritten silently
    p = analysis("calibrate", *sweeps, *second, "-o", out / "posterior", "--quick")
    assert p.returncode == 2 and "exists: use --overwrite to replace it" in p.stderr
