"""compare and sensitivity on sweep files with a known answer, through the library and the
`ssesim-analysis` program; a one-line error and exit 2 for each kind of bad input."""
import os
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

from analysis_files import ROOT_ATTRIBUTES, ishigami_indices, sweep_values, write_saltelli_sweep, write_sweep
from ssesim_analysis import compare_arms, paired_difference, sensitivity
from ssesim_analysis.cli import main

ROOT = Path(__file__).resolve().parents[2]
ARMS = {"baseline": (0.0, 1.0), "outward": (25.0, 1.0), "inward": (0.0, 1.0)}


@pytest.fixture
def sweep(tmp_path):
    """30 replicates of three arms: outward adds 25 to ESP worker_coop exports at the last
    step, inward nothing; every arm adds independent N(0, 1) noise to every cell on top of
    the replicate's common N(1000, 50) draws."""
    data, runs = sweep_values(30, ARMS)
    return write_sweep(tmp_path / "sweep.h5", data, runs, runs_attributes={"design": "factorial"}), data


def program(*args):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "analysis"))
    return subprocess.run([sys.executable, "-m", "ssesim_analysis", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=120)


def test_compare_finds_the_known_effect_and_the_known_zero(sweep):
    path, data = sweep
    coop_esp = {"country": ["ESP"], "org_kind": ["worker_coop"]}
    table = compare_arms(path, ["baseline", "outward", "inward"], "exports", select=coop_esp, half_width=0.25)
    assert table["arm_b"].tolist() == ["outward", "inward"] and table["n"].tolist() == [30, 30]
    outward, inward = table.iloc[0], table.iloc[1]
    for low, high in [(outward.t_low, outward.t_high), (outward.boot_low, outward.boot_high)]:
        assert 0 < low < 25 < high
    for low, high in [(inward.t_low, inward.t_high), (inward.boot_low, inward.boot_high)]:
        assert low < 0 < high
    # the same numbers as paired_difference on the cells computed with numpy
    a, b = data[:30, -1, 0, 0], data[30:60, -1, 0, 0]
    expected = paired_difference(a, b)
    assert outward.difference == pytest.approx(expected.mean, rel=1e-12)
    assert (outward.t_low, outward.t_high) == pytest.approx(expected.t_ci, rel=1e-12)
    assert (outward.boot_low, outward.boot_high) == pytest.approx(expected.bootstrap_ci, rel=1e-12)
    assert outward.relative == pytest.approx(expected.relative, rel=1e-12)
    # noise sd sqrt 2 per difference: (1.96 sqrt 2 / 0.25)^2 = 123, a few more for t
    assert 115 <= outward.replicates_needed <= 140
    assert table.attrs["units"] == "USD" and table.attrs["select"] == coop_esp


def test_compare_pairs_on_replicate_not_on_row_order(tmp_path):
    data, runs = sweep_values(10, {"baseline": (0.0, 1.0), "outward": (25.0, 1.0)})
    shuffled = np.random.default_rng(0).permutation(20)
    runs = {k: v[shuffled] for k, v in runs.items()}
    path = write_sweep(tmp_path / "shuffled.h5", data, runs)
    table = compare_arms(path, ["baseline", "outward"], "exports", select={"country": "ESP", "org_kind": "worker_coop"})
    expected = paired_difference(data[:10, -1, 0, 0], data[10:, -1, 0, 0])
    # the runs table is shuffled but still numbers run r as the r-th row of the data
    assert table.iloc[0].difference == pytest.approx(expected.mean, rel=1e-12)
    assert table.iloc[0].sd == pytest.approx(expected.sd, rel=1e-12)


def test_compare_refuses_unpaired_incomplete_and_repeated_runs(tmp_path):
    data, runs = sweep_values(4, {"baseline": (0.0, 1.0), "outward": (5.0, 1.0)})
    runs["replicate"] = np.array([0, 1, 2, 3, 0, 1, 2, 7])
    path = write_sweep(tmp_path / "unpaired.h5", data, runs)
    with pytest.raises(ValueError, match=r"arms 'baseline' and 'outward' do not share replicate\(s\) 3, 7: a paired comparison needs both$"):
        compare_arms(path, ["baseline", "outward"], "exports")
    runs["replicate"] = np.array([0, 1, 2, 3, 0, 1, 1, 3])
    path = write_sweep(tmp_path / "repeated.h5", data, runs)
    with pytest.raises(ValueError, match="arm 'outward' has replicate 1 more than once"):
        compare_arms(path, ["baseline", "outward"], "exports")
    runs["replicate"] = np.array([0, 1, 2, 3] * 2)
    runs["status"] = np.array(["complete"] * 6 + ["pending", "interrupted"])
    path = write_sweep(tmp_path / "pending.h5", data, runs)
    with pytest.raises(ValueError, match=r"2 run\(s\) not complete \(runs table 'status'\), e.g. run 6, 7: finish or resume the sweep first"):
        compare_arms(path, ["baseline", "outward"], "exports")


def test_compare_on_the_command_line_prints_the_library_numbers(sweep):
    path, _ = sweep
    proc = program("compare", path, "--arms", "baseline,outward", "--indicator", "exports",
                   "--where", "country=ESP", "--where", "org_kind=worker_coop", "--replicates-for", "0.25")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert lines[0] == "compare exports [USD] at the final step, summed over country, org_kind; country = ESP; org_kind = worker_coop"
    assert lines[1] == ("each arm minus the baseline 'baseline', paired on replicate (common random numbers); "
                        "95% intervals: Student t, and percentile bootstrap (9999 resamples, seed 0)")
    header, row = lines[2].split(), lines[3].split()
    assert header[:5] == ["arm", "n", "mean", "baseline", "mean"] and header[-3:] == ["n", "for", "±0.25"]
    r = compare_arms(path, ["baseline", "outward"], "exports", select={"country": "ESP", "org_kind": "worker_coop"},
                     half_width=0.25).iloc[0]
    assert row[:5] == ["outward", "30", f"{r.mean_b:.4g}", f"{r.mean_a:.4g}", f"{r.difference:.4g}"]
    assert " ".join(row[5:]) == (f"[{r.t_low:.4g}, {r.t_high:.4g}] [{r.boot_low:.4g}, {r.boot_high:.4g}] "
                                 f"{r.relative:.4g} [{r.relative_low:.4g}, {r.relative_high:.4g}] {r.replicates_needed}")
    assert len(lines) == 4


def test_compare_mean_over_steps(sweep, capsys):
    path, data = sweep
    assert main(["compare", str(path), "--arms", "baseline,inward", "--indicator", "exports", "--at", "mean"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "compare exports [USD] averaged over steps, summed over country, org_kind"
    a = data[:30].reshape(30, 4, -1).sum(axis=2).mean(axis=1)
    b = data[60:].reshape(30, 4, -1).sum(axis=2).mean(axis=1)
    assert f"{(b - a).mean():.4g}" in out.splitlines()[3].split()


@pytest.mark.parametrize("form", ["group", "compound"])
def test_sensitivity_of_a_saltelli_sweep_file(tmp_path, form):
    path = write_saltelli_sweep(tmp_path / f"saltelli-{form}.h5", 2**12, runs_form=form)
    s1, st = ishigami_indices()
    result = sensitivity(path, "y", n_resamples=200)
    assert result.factors == ("x1", "x2", "x3") and result.n == 2**12
    np.testing.assert_allclose(result.first, s1, atol=0.04)
    np.testing.assert_allclose(result.total, st, atol=0.04)


def test_sensitivity_on_the_command_line(tmp_path, capsys):
    path = write_saltelli_sweep(tmp_path / "saltelli.h5", 2**10)
    assert main(["sensitivity", str(path), "--indicator", "y", "--resamples", "200", "--seed", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "sensitivity of y [1]"
    assert lines[1] == ("Saltelli design, N = 1024, k = 3 (5120 runs); first order Saltelli 2010, total order "
                        "Jansen 1999; 95% percentile bootstrap (200 resamples, seed 3)")
    assert lines[2].split() == ["factor", "S1", "S1", "95%", "CI", "ST", "ST", "95%", "CI"]
    r = sensitivity(path, "y", n_resamples=200, seed=3)
    for i, line in enumerate(lines[3:6]):
        fields = line.split()
        assert fields[0] == f"x{i + 1}"
        assert fields[1] == f"{r.first[i]:.4g}" and fields[4] == f"{r.total[i]:.4g}"
        assert " ".join(fields[2:4]) == f"[{r.first_ci[i, 0]:.4g}, {r.first_ci[i, 1]:.4g}]"
    assert len(lines) == 6


def test_summary_on_the_command_line(sweep, single_run):
    path, _ = sweep
    proc = program("summary", path)
    assert proc.returncode == 0 and proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert lines[0] == str(path)
    assert lines[1:10] == [
        f"  title           {ROOT_ATTRIBUTES['title']}",
        "  ssesim_version  0.1.0",
        "  git_commit      abc123",
        "  scenario_file   scenarios/test.toml",
        "  seed            7",
        "  status          complete",
        "  steps           4 of 4 completed",
        "  runs            90 (baseline 30, outward 30, inward 30); 0 not complete",
        "  design          factorial; factors: subsidy",
    ]
    assert lines[10:] == ["coordinates: country (3), org_kind (2), run (90), step (4)", "datasets (1):",
                          "  exports[run, step, country, org_kind]  USD  exports"]
    lines = program("summary", single_run).stdout.splitlines()
    assert lines[8] == "  runs            a single run (no runs table)"
    assert lines[-3:] == ["  cash[record]                      USD  cash",
                          "  exports[step, country, org_kind]  USD  exports",
                          "  gdp[country]                      USD  gdp"]


def test_bad_input_is_one_line_and_exit_2(tmp_path, sweep, single_run, capsys):
    path, _ = sweep
    (tmp_path / "text.h5").write_text("hello")
    write_saltelli_sweep(tmp_path / "saltelli.h5", 4)
    with h5py.File(tmp_path / "foreign.h5", "w") as f:
        f["x"] = [1]
    cases = [
        (["summary", tmp_path / "absent.h5"], f"{tmp_path / 'absent.h5'}: no such file"),
        (["summary", tmp_path / "foreign.h5"], f"{tmp_path / 'foreign.h5'}: not ssesim output (no 'ssesim_version' root attribute)"),
        (["compare", single_run, "--arms", "a,b", "--indicator", "exports"],
         f"{single_run}: no 'runs' table: this is a single run, not a sweep (analysis/README.md, 'The sweep file')"),
        (["compare", path, "--arms", "baseline,sideways", "--indicator", "exports"],
         "arm 'sideways' is not in the runs table (arms: baseline, outward, inward)"),
        (["compare", path, "--arms", "baseline", "--indicator", "exports"], "compare needs at least two arms, got 1"),
        (["compare", path, "--arms", "baseline,outward", "--indicator", "imports"],
         f"{path}: no dataset 'imports' (datasets: exports)"),
        (["compare", path, "--arms", "baseline,outward", "--indicator", "exports", "--where", "country=DEU"],
         "country 'DEU' is not in the 'country' scale (ESP, FRA, MEX)"),
        (["compare", path, "--arms", "baseline,outward", "--indicator", "exports", "--where", "country"],
         "argument --where: expected DIM=LABEL[,LABEL], got 'country' (see 'ssesim-analysis compare --help')"),
        (["compare", path, "--arms", "baseline,outward", "--indicator", "exports", "--replicates-for", "-1"],
         "the target half-width must be positive, got -1.0"),
        (["compare", path, "--indicator", "exports"],
         "the following arguments are required: --arms (see 'ssesim-analysis compare --help')"),
        (["compare", path, "--arms", "baseline,outward", "--indicator", "exports", "--resamples", "0"],
         "argument --resamples: expected an integer >= 1, got 0 (see 'ssesim-analysis compare --help')"),
        (["sensitivity", path, "--indicator", "exports", "--seed", "x"],
         "argument --seed: expected an integer, got 'x' (see 'ssesim-analysis sensitivity --help')"),
        (["compare", path, "--arms", "baseline,outward", "--indicator", "exports", "--confidence", "95"],
         "the confidence level must be between 0 and 1, got 95.0"),
        (["sensitivity", path, "--indicator", "exports"],
         "sensitivity needs a Saltelli design, but the runs table has design = 'factorial'"),
        (["sensitivity", tmp_path / "saltelli.h5", "--indicator", "y", "--at", "mean"],
         "'y' has no step dimension to average over"),
        (["frobnicate"], "argument VERB: invalid choice: 'frobnicate' (choose from 'summary', 'compare', "
                         "'sensitivity', 'plot', 'brief', 'targets', 'hypotheses', 'calibrate') (see 'ssesim-analysis --help')"),
        ([], "the following arguments are required: VERB (see 'ssesim-analysis --help')"),
    ]
    for args, message in cases:
        assert main(list(map(str, args))) == 2, args
        assert capsys.readouterr() == ("", f"ssesim-analysis: error: {message}\n"), args
    # a dataset whose data HDF5 cannot read: its second half lives in a missing external file
    data, runs = sweep_values(2, {"baseline": (0.0, 1.0), "outward": (5.0, 1.0)})
    broken = write_sweep(tmp_path / "broken.h5", data, runs)
    (tmp_path / "half.bin").write_bytes(data[:2].tobytes())
    with h5py.File(broken, "a") as f:
        x = f.create_dataset("x", shape=data.shape, dtype="<f8", external=[
            (str(tmp_path / "half.bin"), 0, data[:2].nbytes), (str(tmp_path / "gone.bin"), 0, data[2:].nbytes)])
        for axis, dim in enumerate(["run", "step", "country", "org_kind"]):
            x.dims[axis].attach_scale(f[dim])
    assert main(["compare", str(broken), "--arms", "baseline,outward", "--indicator", "x"]) == 2
    assert capsys.readouterr() == ("", f"ssesim-analysis: error: {broken}: cannot read: "
                                       "Can't read data (unable to open external raw data file)\n")
    # and through the program, whose exit status is main's return value
    proc = program("summary", tmp_path / "absent.h5")
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", f"ssesim-analysis: error: {tmp_path / 'absent.h5'}: no such file\n")
    proc = program("summary", tmp_path / "text.h5")
    assert proc.returncode == 2 and proc.stdout == "" and len(proc.stderr.splitlines()) == 1
    assert proc.stderr.startswith(f"ssesim-analysis: error: {tmp_path / 'text.h5'}: not an HDF5 file (")
