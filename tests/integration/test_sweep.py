"""Sweeps through the real program: `ssesim sweep` on threads and MPI ranks, resume after a
kill, the designs' runs tables, and the file read without project code."""
import shutil
import signal
import subprocess
import time
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest

from helpers import BIN, ENV, ROOT, datasets, run, scenario

# OpenMPI refuses root without these; its allocations are not ours to leak-check, and
# its own lock order not ours to race-check (openmpi.tsan.supp says why that is safe).
MPI_SANITIZERS = dict(ASAN_OPTIONS="detect_leaks=0",
                      TSAN_OPTIONS=f"suppressions={Path(__file__).with_name('openmpi.tsan.supp')}")
MPI_ENV = dict(ENV, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1", **MPI_SANITIZERS)


def experiment(tmp_path, body, steps=12, name="e.toml", header=None):
    """An experiment over the shortened default scenario."""
    base = scenario(tmp_path, steps=steps, snapshot_interval=0, name="base.toml")
    head = header or '[experiment]\nname = "t"\nscenario = "base.toml"\nseed = 7\n'
    path = tmp_path / name
    path.write_text(head + body)
    assert base.parent == path.parent
    return path


FACTORIAL = """replicates = 2

[[factor]]
path = "economy.trade_cost_per_1000km"
levels = [0.1, 0.2]

[[arm]]
name = "baseline"

[[arm]]
name = "partners"
set = { "economy.partner_probability" = 0.9, "population[0].outward_drive" = 2.0 }
"""


def runs_table(path):
    with h5py.File(path, "r") as f:
        g = f["runs"]
        return pd.DataFrame({k: g[k].asstr()[()] if h5py.check_string_dtype(g[k].dtype) else g[k][()] for k in g})


def sweep_data(path):
    """Every dataset but the runs' status, as bytes (strings as their text)."""
    return {k: (v.tolist() if v.dtype == object else v.tobytes()) for k, v in datasets(path).items() if k != "runs/status"}


def test_a_sweep_run_is_the_single_run_of_its_scenario(tmp_path):
    """Run 7 (arm partners, trade cost 0.2, replicate 1) holds exactly what `ssesim run`
    writes for the same scenario with run.replicate = 1: the sweep adds nothing and loses nothing."""
    e = experiment(tmp_path, FACTORIAL)
    out = tmp_path / "sweep.h5"
    proc = run("sweep", e, "-o", out, "-t", "2", "-q")
    assert "8 runs of experiment 't': 2 arms, design factorial; 8 computed now, 0 already complete" in proc.stdout
    table = runs_table(out)
    assert list(table["arm"]) == ["baseline"] * 4 + ["partners"] * 4
    assert list(table["economy.trade_cost_per_1000km"]) == [0.1, 0.1, 0.2, 0.2] * 2
    assert list(table["replicate"]) == [0, 1] * 4
    assert set(table["seed"]) == {7} and set(table["status"]) == {"complete"}

    single = (tmp_path / "base.toml").read_text()
    single = single.replace("elasticity = 4.0", "elasticity = 4.0\ntrade_cost_per_1000km = 0.2\npartner_probability = 0.9")
    single = single.replace("seed = 20261124", "seed = 7\nreplicate = 1")
    single = single.replace('count = 150\n', 'count = 150\noutward_drive = 2.0\n', 1)
    (tmp_path / "single.toml").write_text(single)
    run("run", tmp_path / "single.toml", "-o", tmp_path / "single.h5", "-q")
    one = datasets(tmp_path / "single.h5")
    all_runs = datasets(out)
    compared = 0
    for name, value in one.items():
        if name in all_runs and all_runs[name].ndim == value.ndim + 1 and name not in ("step",):
            assert all_runs[name][7].tobytes() == value.tobytes(), name
            compared += 1
    assert compared >= 30
    # and the arm made a difference to the other runs
    assert all_runs["export_revenue"][7].tobytes() != all_runs["export_revenue"][3].tobytes()


def mpi_available():
    return shutil.which("mpirun") is not None


def test_threads_and_mpi_ranks_give_bit_identical_datasets(tmp_path):
    e = experiment(tmp_path, FACTORIAL)
    reference = None
    commands = [["-t", "1"], ["-t", "2"]]
    for extra in commands:
        out = tmp_path / f"t{extra[1]}.h5"
        run("sweep", e, "-o", out, "-q", *extra)
        data = sweep_data(out)
        if reference is None:
            reference = data
        else:
            assert data.keys() == reference.keys()
            for k in reference:
                assert data[k] == reference[k], k
    assert mpi_available(), "mpirun is missing: tools/setup installs openmpi-bin"
    for ranks in (2, 3):
        out = tmp_path / f"np{ranks}.h5"
        log = tmp_path / f"np{ranks}.log"
        proc = subprocess.run(["mpirun", "-np", str(ranks), "--oversubscribe", str(BIN), "sweep", str(e), "-o", str(out),
                               "-q", "--log", str(log)], capture_output=True, text=True, env=MPI_ENV, timeout=600)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.count("results:") == 1          # rank 0 reports, the others are quiet
        data = sweep_data(out)
        assert data.keys() == reference.keys()
        for k in reference:
            assert data[k] == reference[k], (ranks, k)
        ranks_used = {int(line.split(" rank ")[1].split()[0]) for line in log.read_text().splitlines()}
        assert len(log.read_text().splitlines()) == 8
        assert ranks_used <= set(range(ranks)) and len(ranks_used) >= 2   # the work was shared


def computed_runs(log):
    return [int(line.split()[1]) for line in log.read_text().splitlines()] if log.exists() else []


def test_a_killed_sweep_resumes_to_the_identical_file_without_recomputing_finished_runs(tmp_path):
    """SIGKILL 20 times at spread points, each time resuming the same file: every file left
    opens, its complete runs are exact, no finished run is ever computed again, and the
    sweep resumed to the end equals an uninterrupted one."""
    body = FACTORIAL.replace("replicates = 2", "replicates = 12")   # 48 runs
    e = experiment(tmp_path, body, steps=24)
    full = tmp_path / "full.h5"
    run("sweep", e, "-o", full, "-q", "-t", "2")
    reference = sweep_data(full)
    full_data = datasets(full)

    out = tmp_path / "killed.h5"
    done_before = set()
    progress = []
    for attempt in range(20):
        log = tmp_path / f"log{attempt}.txt"
        proc = subprocess.Popen([str(BIN), "sweep", str(e), "-o", str(out), "-q", "-t", "2", "--log", str(log)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
        # Killed after 0, 1 or 2 new runs are logged, then a varying few milliseconds more: at
        # points spread over creating the file, computing, and writing a run.
        need = attempt % 3
        deadline = time.time() + 300
        while time.time() < deadline and proc.poll() is None and (
                len(computed_runs(log)) < need or (need == 0 and not out.exists())):
            time.sleep(0.005)
        time.sleep(0.003 * (attempt % 7))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        assert not set(computed_runs(log)) & done_before, f"attempt {attempt}: a finished run was computed again"
        if not out.exists():
            continue
        with h5py.File(out, "r") as f:
            status = f["runs/status"][()].astype(str)
            complete = {i for i, s in enumerate(status) if s == "complete"}
            assert int(f.attrs["runs_completed"]) == len(complete)
            assert complete >= done_before
            for k in ("employees", "export_revenue", "flow_value"):
                for i in complete - done_before:
                    assert f[k][i].tobytes() == full_data[k][i].tobytes(), (k, i)
        done_before |= complete
        progress.append(len(done_before))
    assert 0 < len(done_before) < 48, progress
    assert len(set(progress)) >= 3, progress      # the kills landed at different points

    log = tmp_path / "resume.txt"
    proc = run("sweep", e, "-o", out, "-t", "2", "--log", log)
    resumed = computed_runs(log)
    assert not set(resumed) & done_before, "a finished run was computed again"
    assert set(resumed) | done_before == set(range(48))
    assert f"{len(resumed)} computed now, {48 - len(resumed)} already complete" in proc.stdout
    data = sweep_data(out)
    assert data.keys() == reference.keys()
    for k in reference:
        assert data[k] == reference[k], k
    with h5py.File(out, "r") as f:
        assert f.attrs["status"] == "complete" and int(f.attrs["runs_completed"]) == 48

    # once complete, the same command computes nothing
    again = run("sweep", e, "-o", out, "--log", tmp_path / "again.txt")
    assert "0 computed now, 48 already complete" in again.stdout
    assert computed_runs(tmp_path / "again.txt") == []


def test_sigterm_stops_a_sweep_cleanly_and_says_how_to_resume(tmp_path):
    e = experiment(tmp_path, FACTORIAL.replace("replicates = 2", "replicates = 6"), steps=60)
    out = tmp_path / "s.h5"
    log = tmp_path / "log.txt"
    proc = subprocess.Popen([str(BIN), "sweep", str(e), "-o", str(out), "-t", "1", "--log", str(log)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    deadline = time.time() + 300
    while time.time() < deadline and len(computed_runs(log)) < 2:
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    n = len(computed_runs(log))
    assert stderr.strip().splitlines()[-1] == (f"ssesim: interrupted: {n} of 24 runs complete in {out}; "
                                               "run the same command again to resume")
    with h5py.File(out, "r") as f:
        assert f.attrs["status"] == "interrupted" and int(f.attrs["runs_completed"]) == n


def test_a_file_of_another_experiment_is_never_resumed_into(tmp_path):
    e = experiment(tmp_path, FACTORIAL)
    out = tmp_path / "s.h5"
    run("sweep", e, "-o", out, "-q")
    other = experiment(tmp_path, FACTORIAL.replace("0.9", "0.8"), name="other.toml")
    proc = run("sweep", other, "-o", out, "-q", check=False)
    assert proc.returncode == 3
    assert proc.stderr.count("\n") == 1
    assert proc.stderr.startswith(f"ssesim: error: {out}: holds another experiment, or one computed by another build of ssesim")
    assert proc.stderr.rstrip().endswith("pass --overwrite to replace it, or -o to write elsewhere")
    run("sweep", other, "-o", out, "-q", "--overwrite")
    assert list(runs_table(out)["status"]) == ["complete"] * 8


def sobol_points(n, d):
    """Boost's Sobol sequence: the unscrambled Joe-Kuo sequence after the origin."""
    from scipy.stats import qmc
    m = int(np.ceil(np.log2(n + 1)))
    return qmc.Sobol(d=d, scramble=False).random_base2(m)[1:n + 1]


def test_saltelli_design_has_n_k_plus_2_runs_matching_the_sobol_sample(tmp_path):
    body = """design = "saltelli"
samples = 8

[[factor]]
path = "economy.trade_cost_per_1000km"
range = [0.05, 0.45]

[[factor]]
path = "economy.partner_probability"
range = [0.2, 0.8]

[[factor]]
path = "population[1].count"
range = [50, 450]
"""
    e = experiment(tmp_path, body, steps=4)
    out = tmp_path / "s.h5"
    run("sweep", e, "-o", out, "-q", "-t", "2")
    table = runs_table(out)
    n, k = 8, 3
    assert len(table) == n * (k + 2)
    with h5py.File(out, "r") as f:
        attrs = dict(f["runs"].attrs)
        assert attrs["design"] == "saltelli" and attrs["N"] == n and attrs["k"] == k
        assert list(attrs["factors"]) == ["economy.trade_cost_per_1000km", "economy.partner_probability", "population[1].count"]
        assert f["employees"].shape[0] == n * (k + 2)
    u = sobol_points(n, 2 * k)
    low, high = np.array([0.05, 0.2, 50]), np.array([0.45, 0.8, 450])
    a, b = low + u[:, :k] * (high - low), low + u[:, k:] * (high - low)
    matrices = ["A", "B"] + [f"AB_{i}" for i in range(1, k + 1)]
    assert list(table["matrix"]) == matrices * n
    assert list(table["sample"]) == list(np.repeat(np.arange(n), k + 2))
    assert list(table["replicate"]) == list(table["sample"])        # one sample's runs share their streams
    for i in range(n):
        rows = table[table["sample"] == i].set_index("matrix")
        for m in matrices:
            want = a[i].copy() if m != "B" else b[i].copy()
            if m.startswith("AB_"):
                j = int(m[3:]) - 1
                want[j] = b[i, j]
            got = rows.loc[m, ["economy.trade_cost_per_1000km", "economy.partner_probability", "population[1].count"]]
            assert got.iloc[0] == want[0] and got.iloc[1] == want[1], (i, m)
            assert got.iloc[2] == int(np.rint(want[2])), (i, m)     # an integer parameter: rounded
    assert table["population[1].count"].dtype.kind == "i"


def test_latin_hypercube_puts_one_point_in_every_stratum(tmp_path):
    body = """design = "lhs"
samples = 10

[[factor]]
path = "economy.trade_cost_per_1000km"
range = [0.1, 0.6]

[[factor]]
path = "economy.export_fixed_cost"
range = [0.1, 10.0]
scale = "log"
"""
    e = experiment(tmp_path, body, steps=2)
    out = tmp_path / "s.h5"
    run("sweep", e, "-o", out, "-q", "-t", "2")
    table = runs_table(out)
    assert len(table) == 10
    u1 = (table["economy.trade_cost_per_1000km"] - 0.1) / 0.5
    u2 = np.log(table["economy.export_fixed_cost"] / 0.1) / np.log(100)
    for u in (u1, u2):
        assert sorted(np.floor(u * 10).astype(int)) == list(range(10))
    # the same seed gives the same design; another seed another one
    again = tmp_path / "again.h5"
    run("sweep", e, "-o", again, "-q")
    assert runs_table(again).equals(table)
    e2 = experiment(tmp_path, body, steps=2, name="e2.toml", header='[experiment]\nname = "t"\nscenario = "base.toml"\nseed = 8\n')
    run("sweep", e2, "-o", tmp_path / "other.h5", "-q")
    assert not np.array_equal(runs_table(tmp_path / "other.h5")["economy.trade_cost_per_1000km"], table["economy.trade_cost_per_1000km"])


def test_the_sweep_file_opens_without_project_code(tmp_path):
    e = experiment(tmp_path, FACTORIAL, steps=3)
    out = tmp_path / "s.h5"
    run("sweep", e, "-o", out, "-q")
    dump = subprocess.run(["h5dump", "-H", str(out)], capture_output=True, text=True, env=ENV)
    assert dump.returncode == 0 and 'DATASET "employees"' in dump.stdout and "( 8, 3, 8, 6 )" in dump.stdout
    import xarray as xr
    with xr.open_dataset(out, engine="h5netcdf") as ds:
        assert ds["employees"].dims == ("run", "step", "country", "org_kind")
        assert list(ds["run"].values) == list(range(8))
        assert ds["flow_value"].dims == ("run", "step", "flow", "origin", "destination")
        assert ds["outward_flows"].dims == ("run", "step", "flow", "country", "end_kind")
    with h5py.File(out, "r") as f:
        frame = pd.DataFrame({k: f["runs"][k].asstr()[()] if h5py.check_string_dtype(f["runs"][k].dtype) else f["runs"][k][()]
                              for k in f["runs"]})
    assert list(frame.columns) == sorted(["arm", "checksum", "economy.trade_cost_per_1000km", "replicate", "run", "seed", "status"])
    assert frame["run"].tolist() == list(range(8))


def test_validate_checks_every_scenario_of_an_experiment(tmp_path):
    e = experiment(tmp_path, FACTORIAL)
    proc = run("validate", e)
    assert proc.stdout == f"{e}: valid experiment: 8 runs (2 arms, design factorial, 1 factor) over {tmp_path / 'base.toml'}\n"
    bad = experiment(tmp_path, FACTORIAL.replace("levels = [0.1, 0.2]", "levels = [0.1, 0.2]\n\n[[factor]]\npath = \"population[0].productivity_shape\"\nlevels = [3.5, 2.5]"),
                     name="bad.toml")
    proc = run("validate", bad, check=False)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert proc.stderr.startswith(f"ssesim: error: {bad}: run 2 (arm 'baseline', economy.trade_cost_per_1000km = 0.1, "
                                  "population[0].productivity_shape = 2.5): population[0].productivity_shape: expected a number greater than")


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "scenarios" / "experiments").glob("*.toml")))
def test_every_shipped_experiment_validates(name):
    proc = run("validate", ROOT / "scenarios" / "experiments" / name)
    assert ": valid experiment: " in proc.stdout


def test_the_analysis_compares_the_arms_of_a_real_sweep_at_one_design_point(tmp_path):
    """From the program's sweep to ssesim-analysis: the paired difference it prints is the one
    computed here from the raw datasets; without --runs-where the ambiguity is named."""
    e = experiment(tmp_path, FACTORIAL.replace("replicates = 2", "replicates = 3"))
    out = tmp_path / "s.h5"
    run("sweep", e, "-o", out, "-q", "-t", "2")
    cmd = ["/usr/bin/python3", "-m", "ssesim_analysis", "compare", str(out), "--arms", "baseline,partners",
           "--indicator", "export_revenue"]
    env = dict(ENV, PYTHONPATH=str(ROOT / "analysis"))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    assert proc.returncode == 2
    assert "keep one design point with --runs-where economy.trade_cost_per_1000km=VALUE" in proc.stderr
    proc = subprocess.run(cmd + ["--runs-where", "economy.trade_cost_per_1000km=0.2"], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    table = runs_table(out)
    with h5py.File(out, "r") as f:
        final = f["export_revenue"][:, -1].sum(axis=(1, 2))
    at = table["economy.trade_cost_per_1000km"] == 0.2
    base = final[table[at & (table["arm"] == "baseline")].sort_values("replicate")["run"]]
    arm = final[table[at & (table["arm"] == "partners")].sort_values("replicate")["run"]]
    row = proc.stdout.splitlines()[-1].split()
    assert row[0] == "partners" and int(row[1]) == 3
    assert float(row[4]) == pytest.approx((arm - base).mean(), rel=1e-3)


def test_verify_checks_every_run_of_a_sweep(tmp_path):
    from test_run import flip_byte
    e = experiment(tmp_path, FACTORIAL)
    out = tmp_path / "s.h5"
    run("sweep", e, "-o", out, "-q", "-t", "2")
    proc = run("verify", out)
    assert proc.stdout == f"{out}: every checksum matches (17 datasets and 8 runs)\n"
    with h5py.File(out, "r") as f:
        assert (f["runs/checksum"][()] >= 0).all()
        assert f["runs"].attrs["checksum_variables"].split()[0] == "organisations"
    # a flipped byte in a run's compressed chunk: the chunk no longer inflates (zlib's Adler-32)
    bad = tmp_path / "bad.h5"
    bad.write_bytes(out.read_bytes())
    flip_byte(bad, "employees", chunk=5, at=40)
    proc = run("verify", bad, check=False)
    assert proc.returncode == 1 and proc.stdout == f"{bad}: run 5: employees cannot be read (damaged chunk)\n"
    # in the runs table (uncompressed): its checksum attribute no longer matches
    bad2 = tmp_path / "bad2.h5"
    bad2.write_bytes(out.read_bytes())
    flip_byte(bad2, "runs/replicate", at=8)
    proc = run("verify", bad2, check=False)
    assert proc.returncode == 1 and proc.stdout.startswith(f"{bad2}: runs/replicate: checksum crc32:")
