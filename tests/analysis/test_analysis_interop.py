"""Files readable without project code: xarray (through h5netcdf) sees the sweep's named
dimensions, and R's hdf5r reads the same values, dimension names and labels as h5py, from a
constructed sweep, a file in a run's layout, and (when the program is built) a real run."""
import functools
import os
import shutil
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest

from analysis_files import COUNTRIES, FLOWS, KINDS, write_layout
from ssesim_analysis import open_run

ROOT = Path(__file__).resolve().parents[2]
ARMS = {"baseline": 0.0, "outward": 25.0}


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    path, _ = write_layout(tmp_path_factory.mktemp("interop") / "sweep.h5", replicates=3, arms_effect=ARMS)
    return path


def test_xarray_opens_a_sweep_with_named_dimensions(sweep):
    xr = pytest.importorskip("xarray", reason="python3-xarray is not installed (tools/setup installs it)")
    with xr.open_dataset(sweep, engine="h5netcdf") as ds, h5py.File(sweep, "r") as f:
        assert ds["export_revenue"].dims == ("run", "step", "country", "org_kind")
        assert ds["flow_value"].dims == ("run", "step", "flow", "origin", "destination")
        assert ds["flow_channel"].dims == ("flow",)
        assert ds["run"].values.tolist() == list(range(6)) and ds["step"].values.tolist() == list(range(1, 7))
        assert ds["country"].values.tolist() == COUNTRIES and ds["org_kind"].values.tolist() == KINDS
        assert ds["flow"].values.tolist() == FLOWS
        np.testing.assert_array_equal(ds["employees"].values, f["employees"][()])
        assert ds["export_revenue"].attrs["units"] == "USD" and ds.attrs["seed"] == 7
        # the per-run indicator, computed by xarray alone, is the package's
        final = ds["export_revenue"].isel(step=-1).sum(("country", "org_kind"))
        with open_run(sweep) as run_file:
            np.testing.assert_allclose(final.values, run_file.indicator("export_revenue").to_numpy(), rtol=1e-14)
    # the runs table's columns carry no scale of their own: netCDF calls their axis a phony dimension
    with xr.open_dataset(sweep, engine="h5netcdf", group="runs", phony_dims="sort") as runs:
        assert runs["arm"].values.tolist() == ["baseline"] * 3 + ["outward"] * 3
        assert runs["replicate"].values.tolist() == [0, 1, 2] * 2
        assert runs.attrs["design"] == "factorial"


@functools.cache
def hdf5r_missing() -> str | None:
    """Why R cannot read HDF5 here, or None when Rscript and hdf5r are there."""
    if shutil.which("Rscript") is None:
        return "Rscript is not installed (Debian package r-base-core)"
    probe = subprocess.run(["Rscript", "-e", "library(hdf5r)"], capture_output=True, text=True, timeout=120)
    if probe.returncode != 0:
        return "R's hdf5r is not installed (Debian package r-cran-hdf5r)"
    return None


def program() -> Path | None:
    """The ssesim program, if built: SSESIM_BIN, else a release or debug build."""
    candidates = [os.environ.get("SSESIM_BIN"), ROOT / "build" / "release" / "ssesim", ROOT / "build" / "debug" / "ssesim"]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate)
    return None


def read_with_r(path, names):
    """What hdf5r reads (tests/analysis/hdf5r_dump.R): root attributes, each dataset's dims,
    shape and values, each scale's labels, the runs columns."""
    proc = subprocess.run(["Rscript", str(ROOT / "tests" / "analysis" / "hdf5r_dump.R"), str(path), *names],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = {"attr": {}, "dataset": {}, "values": {}, "labels": {}, "runs": {}}
    for line in proc.stdout.splitlines():
        kind, name, *fields = line.split("\t")
        out[kind][name] = fields
    return out


def same(r_text, values):
    """R's printed values (17 significant digits: exact for doubles) against h5py's."""
    values = np.asarray(values)
    if values.dtype == object or values.dtype.kind in "SU":
        return r_text == [v.decode() if isinstance(v, bytes) else str(v) for v in values.ravel()]
    return np.array_equal(np.array(r_text, dtype=np.float64), values.ravel().astype(np.float64), equal_nan=True)


def check_r_reads_what_h5py_reads(path, names):
    r = read_with_r(path, names)
    with h5py.File(path, "r") as f:
        for key in ("title", "ssesim_version", "git_commit", "scenario_file", "seed", "status", "scenario"):
            value = f.attrs[key]
            value = value.decode() if isinstance(value, bytes) else str(value)
            assert r["attr"][key] == [value.replace("\n", "\\n")], key
        with open_run(path) as run_file:
            for name in names:
                dims = run_file.dims(name)
                assert r["dataset"][name] == [",".join(dims), ",".join(map(str, f[name].shape))], name
                assert same(r["values"][name], f[name][()]), name
                for dim in dims:
                    assert same(r["labels"][dim], f[dim][()]), dim
        if "runs" in f:
            assert sorted(r["runs"]) == sorted(f["runs"])
            for column, values in r["runs"].items():
                assert same(values, f["runs"][column][()]), column
    return r


@pytest.mark.skipif(hdf5r_missing() is not None, reason=str(hdf5r_missing()))
def test_r_reads_a_sweep_as_h5py_does(sweep):
    r = check_r_reads_what_h5py_reads(sweep, ["export_revenue", "employees", "flow_value", "flow_channel"])
    assert r["dataset"]["flow_value"] == ["run,step,flow,origin,destination", "6,6,5,3,3"]
    assert r["runs"]["arm"] == ["baseline"] * 3 + ["outward"] * 3
    assert r["values"]["flow_channel"] == ["goods", "domestic", "finance", "finance", "intangibles"]


@pytest.mark.skipif(hdf5r_missing() is not None, reason=str(hdf5r_missing()))
def test_r_reads_a_run_as_h5py_does(tmp_path):
    path, _ = write_layout(tmp_path / "run.h5")
    r = check_r_reads_what_h5py_reads(path, ["employees", "flow_value", "flow_channel", "country_gdp"])
    assert r["dataset"]["employees"] == ["step,country,org_kind", "6,3,2"]
    assert "runs" not in r or not r["runs"]


@pytest.mark.skipif(hdf5r_missing() is not None, reason=str(hdf5r_missing()))
@pytest.mark.skipif(program() is None, reason="ssesim is not built (build/release or build/debug, or SSESIM_BIN)")
def test_r_reads_a_real_run_as_h5py_does(tmp_path):
    out = tmp_path / "default.h5"
    proc = subprocess.run([str(program()), "run", str(ROOT / "scenarios" / "default.toml"), "-o", str(out), "-q"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    r = check_r_reads_what_h5py_reads(out, ["employees", "export_revenue", "flow_value", "flow_channel", "country_gdp"])
    assert r["dataset"]["employees"][0] == "step,country,org_kind"
    assert r["dataset"]["flow_value"][0] == "step,flow,origin,destination"
