"""tools/slurm/sweep.sbatch submitted to a real Slurm controller: a one-node cluster
(slurmctld, slurmd, munged from Debian) started on this machine by the test."""
import os
import shutil
import subprocess

import pytest

from helpers import BIN, ENV, ROOT, datasets, run
from test_sweep import FACTORIAL, MPI_SANITIZERS, experiment, sweep_data

CLUSTER = ROOT / "tools" / "slurm" / "local-cluster"


@pytest.fixture
def cluster(tmp_path):
    missing = [p for p in ("slurmctld", "slurmd", "sbatch", "munged") if shutil.which(p) is None]
    assert not missing, f"{missing} missing: tools/setup installs slurm-wlm and munge"
    assert os.geteuid() == 0, "the local cluster runs slurmd as root"
    state = tmp_path / "slurm"
    proc = subprocess.run([str(CLUSTER), "start", str(state)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    env = dict(ENV, SLURM_CONF=str(state / "slurm.conf"), SSESIM=str(BIN), **MPI_SANITIZERS)
    try:
        yield env
    finally:
        subprocess.run([str(CLUSTER), "stop", str(state)], env=env, capture_output=True, timeout=60)


def test_the_batch_script_runs_a_sweep_on_slurm_with_two_ranks(tmp_path, cluster):
    e = experiment(tmp_path, FACTORIAL)
    out = tmp_path / "slurm.h5"
    proc = subprocess.run(["sbatch", "--wait", "--ntasks=2", f"--output={tmp_path}/job.out",
                           str(ROOT / "tools" / "slurm" / "sweep.sbatch"), str(e), str(out)],
                          cwd=tmp_path, capture_output=True, text=True, env=cluster, timeout=600)
    job_out = (tmp_path / "job.out").read_text() if (tmp_path / "job.out").exists() else ""
    assert proc.returncode == 0, proc.stderr + job_out
    assert "sweep.sbatch: job " in job_out and ": 2 ranks x 1 threads on " in job_out
    assert f"results: {out} (8 runs of experiment 't'" in job_out
    local = tmp_path / "local.h5"
    run("sweep", e, "-o", local, "-q", "-t", "1")
    a, b = sweep_data(local), sweep_data(out)
    assert a.keys() == b.keys()
    for k in a:
        assert a[k] == b[k], k
    assert set(datasets(out)["runs/status"].astype(str)) == {"complete"}
