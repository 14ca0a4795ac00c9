"""The hypothesis experiments on real sweeps (issue 9): `tools/hypotheses --quick` runs the
experiments two hypotheses need from scratch and writes the results table; the table's effect
is the one recomputed here from the sweep with h5py; a rerun resumes the sweeps; bad
arguments are refused in one line. Which verdict a belief gets is not asserted: that is what
the experiments report, not what the tests require."""
import csv
import subprocess
import sys
import tomllib

import h5py
import numpy as np
import pytest

from helpers import BIN, ENV, ROOT

sys.path.insert(0, str(ROOT / "analysis"))
from ssesim_analysis.hypotheses import VERDICTS, load_manifest  # noqa: E402

CHOSEN = ["values_home_jobs", "three_flows_impact"]


def driver(*args, timeout=1200):
    return subprocess.run([sys.executable, str(ROOT / "tools" / "hypotheses"), *map(str, args)],
                          capture_output=True, text=True, env=dict(ENV, SSESIM_BIN=str(BIN)), timeout=timeout)


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("hypotheses")
    proc = driver("--quick", "-o", out, "--threads", 2, *[a for h in CHOSEN for a in ("--hypothesis", h)])
    return out, proc


def test_the_driver_runs_the_experiments_and_writes_the_table(quick):
    out, proc = quick
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert f"results: {out}/hypotheses.md and hypotheses.csv" in proc.stdout
    assert (out / "values.h5").is_file() and (out / "three_flows.h5").is_file()
    assert not (out / "governance.h5").exists(), "only the experiments of the chosen hypotheses run"
    written = tomllib.loads((out / "experiments" / "values.toml").read_text())["experiment"]
    assert written["replicates"] == 3 and written["output"] == str(out / "values.h5")
    assert written["scenario"] == str(ROOT / "scenarios" / "hypotheses" / "silk_world.toml")
    rows = list(csv.DictReader((out / "hypotheses.csv").open()))
    assert [r["hypothesis"] for r in rows] == CHOSEN
    for r in rows:
        assert r["verdict"] in VERDICTS and int(r["replicates"]) == 3
        assert float(r["low"]) <= float(r["effect"]) <= float(r["high"])
    md = (out / "hypotheses.md").read_text().splitlines()
    assert len(md) == 2 + len(CHOSEN)
    for line, r in zip(md[2:], rows):
        assert f"| {r['hypothesis']} |" in line and f"| {r['verdict']} |" in line


def test_the_effect_is_the_one_recomputed_from_the_sweep(quick):
    out, proc = quick
    assert proc.returncode == 0, proc.stderr
    (h,) = [h for h in load_manifest() if h.name == "values_home_jobs"]
    (value,) = {v.where for v in h.values.values()}
    where = dict(value)
    with h5py.File(out / "values.h5", "r") as f:
        countries = [c.decode() if isinstance(c, bytes) else c for c in f["country"][:]]
        kinds = [k.decode() if isinstance(k, bytes) else k for k in f["org_kind"][:]]
        ci = [countries.index(c) for c in where["country"]]
        ki = [kinds.index(k) for k in where["org_kind"]]
        arms = [a.decode() if isinstance(a, bytes) else a for a in f["runs/arm"][:]]
        replicates = f["runs/replicate"][:]
        runs = f["runs/run"][:]
        position = {int(label): i for i, label in enumerate(f["run"][:])}     # the run axis's labels
        jobs = f["employees"][:, -1][:, ci][:, :, ki].sum(axis=(1, 2))
        orgs = f["organisations"][:, -1][:, ci][:, :, ki].sum(axis=(1, 2))
    per_org = {(a, int(r)): jobs[position[int(run)]] / orgs[position[int(run)]]
               for a, r, run in zip(arms, replicates, runs)}
    effects = np.array([per_org[("open", r)] - per_org[("closed", r)] for r in range(3)])
    rows = {r["hypothesis"]: r for r in csv.DictReader((out / "hypotheses.csv").open())}
    assert float(rows["values_home_jobs"]["effect"]) == pytest.approx(effects.mean(), rel=1e-9)


def test_a_rerun_resumes_the_sweeps_and_gives_the_same_table(quick):
    out, proc = quick
    assert proc.returncode == 0, proc.stderr
    first = (out / "hypotheses.csv").read_text()
    again = driver("--quick", "-o", out, "--hypothesis", "values_home_jobs")
    assert again.returncode == 0, again.stderr
    assert (out / "hypotheses.csv").read_text().splitlines()[1] == first.splitlines()[1]


@pytest.mark.parametrize("args, message", [
    (["--replicates", "1"], "--replicates must be at least 2"),
    (["--hypothesis", "nonsense"], "no hypothesis 'nonsense'"),
    (["--threads", "-1"], "--threads must be >= 0"),
])
def test_bad_arguments_are_one_line_and_exit_2(tmp_path, args, message):
    proc = driver("-o", tmp_path, *args, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and message in proc.stderr
