"""Integration tests: the real program, its HDF5 file read back with h5py and h5dump."""
import re
import signal
import subprocess
import time
import tomllib
from pathlib import Path

import h5py
import numpy as np

from helpers import BIN, ENV, ROOT, datasets, run, scenario


def test_threads_do_not_change_a_single_bit(tmp_path):
    s = scenario(tmp_path)
    files = []
    for threads in (1, 2, 3, 8):
        out = tmp_path / f"t{threads}.h5"
        run("run", s, "-o", out, "--threads", threads, "--quiet")
        files.append(datasets(out))
    assert len(files[0]) > 20
    for other in files[1:]:
        assert other.keys() == files[0].keys()
        for name, data in files[0].items():
            assert data.dtype == other[name].dtype, name
            assert data.shape == other[name].shape, name
            if data.dtype == object:  # variable-length strings
                assert list(data) == list(other[name]), name
            else:
                assert data.tobytes() == other[name].tobytes(), name


def test_file_is_self_describing(tmp_path):
    s = scenario(tmp_path, steps=6, snapshot_interval=3)
    out = tmp_path / "o.h5"
    proc = run("run", s, "-o", out, "--seed", "77")
    assert f"results: {out} (6 steps, 8 countries)" in proc.stdout
    with h5py.File(out, "r") as f:
        assert f.attrs["steps_completed"] == 6
        assert f.attrs["steps_planned"] == 6
        assert f.attrs["status"] == "complete"
        assert f.attrs["seed"] == 77
        resolved = tomllib.loads(f.attrs["scenario"])
        assert resolved["run"]["seed"] == 77
        assert resolved["economy"]["elasticity"] == 4.0
        assert resolved["output"]["file"] == "results/default.h5"
        for key in ("ssesim_version", "git_commit", "compiler", "libraries", "schedule", "Conventions"):
            assert f.attrs[key], key
        assert "HDF5 1.10" in f.attrs["libraries"]
        names = []
        f.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
        for name in names:
            ds = f[name]
            assert ds.attrs["units"] is not None, name
            assert ds.attrs["description"], name
            assert ds.attrs["long_name"], name
        # named dimensions on every axis (netCDF-4 conventions)
        assert [d[0].name for d in f["employees"].dims] == ["/step", "/country", "/org_kind"]
        assert [d[0].name for d in f["flow_value"].dims] == ["/step", "/flow", "/origin", "/destination"]
        assert list(f["step"][:]) == [1, 2, 3, 4, 5, 6]
        assert [c.decode() if isinstance(c, bytes) else c for c in f["country"][:]][:2] == ["ESP", "FRA"]
        assert f["employees"].shape == (6, 8, 6)
        assert f["employees"].chunks == (1, 8, 6)   # one chunk per step, written once (crash safety)
        # snapshots at steps 3 and 6, one record per organisation
        steps = f["snapshots/step"][:]
        assert set(steps) == {3, 6}
        assert f["snapshots/id"].shape == steps.shape
        n6 = f["organisations"][5].sum()
        assert (steps == 6).sum() == n6
        # recorded flows add up: each money flow by pair sums to the ledger's total; the sparse
        # table by kind of party sums to the same; wages likewise
        flows = [x.decode() if isinstance(x, bytes) else x for x in f["flow"][:]]
        np.testing.assert_allclose(f["flow_value"][:].sum(axis=(2, 3)), f["ledger_flows"][:], rtol=1e-12)
        rec = f["flow_records"]
        for t in range(6):
            rows = rec["step"][:] == t + 1
            by_flow = np.bincount(rec["flow"][:][rows], weights=rec["value"][:][rows], minlength=len(flows))
            np.testing.assert_allclose(by_flow, f["ledger_flows"][t], rtol=1e-12)
        sales = f["ledger_flows"][:, flows.index("sales")]
        assert (sales > 0).all()
        # goods are recorded from seller to buyer: households buy, they never sell
        ends = [x.decode() if isinstance(x, bytes) else x for x in f["end_kind"][:]]
        is_sale = rec["flow"][:] == flows.index("sales")
        assert (rec["destination_kind"][:][is_sale] == ends.index("households")).all()
        assert (rec["source_kind"][:][is_sale] != ends.index("households")).all()
        np.testing.assert_allclose(f["wage_bill"][:].sum(axis=(1, 2)), f["ledger_flows"][:, flows.index("wages")], rtol=1e-12)
        # nothing negative that cannot be
        for name in ("organisations", "employees", "revenue", "cash", "flow_value"):
            assert (f[name][:] >= 0).all(), name


def test_h5dump_reads_the_header(tmp_path):
    out = tmp_path / "o.h5"
    run("run", scenario(tmp_path, steps=2), "-o", out)
    proc = subprocess.run(["h5dump", "-H", str(out)], capture_output=True, text=True, env=ENV)
    assert proc.returncode == 0, proc.stderr
    assert 'DATASET "employees"' in proc.stdout
    assert 'ATTRIBUTE "steps_completed"' in proc.stdout
    assert "HDF5-DIAG" not in proc.stderr


def test_existing_output_is_never_overwritten_without_overwrite(tmp_path):
    s = scenario(tmp_path, steps=2)
    out = tmp_path / "o.h5"
    run("run", s, "-o", out)
    before = out.read_bytes()
    proc = run("run", s, "-o", out, check=False)
    assert proc.returncode == 3
    assert proc.stderr == f"ssesim: error: {out}: file exists; pass --overwrite to replace it\n"
    assert out.read_bytes() == before
    run("run", s, "-o", out, "--overwrite")


def _kill_mid_run(tmp_path, sig):
    """Starts a long run, waits until some steps are on disk, sends `sig`."""
    s = scenario(tmp_path, steps=400, snapshot_interval=0, scale=4)
    out = tmp_path / "killed.h5"
    proc = subprocess.Popen([str(BIN), "run", str(s), "-o", str(out), "--threads", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    deadline = time.time() + 120
    while time.time() < deadline and (not out.exists() or out.stat().st_size < 400_000):
        time.sleep(0.05)
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=60)
    return s, out, proc.returncode, stderr


def test_killed_runs_leave_readable_files_holding_exactly_the_completed_steps(tmp_path):
    """SIGKILL at 20 different points: every file left is readable, says how far it got,
    and holds exactly the first steps of an uninterrupted run, bit for bit."""
    s = scenario(tmp_path, steps=120, snapshot_interval=0)
    full = tmp_path / "full.h5"
    started = time.time()
    run("run", s, "-o", full, "--threads", "2", "--quiet")
    duration = time.time() - started
    reference = datasets(full)
    per_step = [n for n in reference if n not in ("step",) and not n.startswith("flow_records/")
                and reference[n].ndim >= 1 and reference[n].shape[0] == 120]
    assert "employees" in per_step and "flow_value" in per_step
    completed = set()
    for k in range(20):
        out = tmp_path / f"killed{k}.h5"
        proc = subprocess.Popen([str(BIN), "run", str(s), "-o", str(out), "--threads", "2", "--quiet"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
        time.sleep(duration * (0.1 + 0.045 * k))   # from early in the run to about its end
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        if not out.exists():          # killed before the file's structure was on disk
            assert (tmp_path / f"killed{k}.h5.creating").exists()
            continue
        with h5py.File(out, "r") as f:
            done = int(f.attrs["steps_completed"])
            completed.add(done)
            assert f.attrs["status"] in ("running", "complete")
            status = f.attrs["status"]
            assert list(f["step"][:done]) == list(range(1, done + 1)), (k, done, status)
            for name in per_step:
                assert f[name][:done].tobytes() == reference[name][:done].tobytes(), (k, done, name)
            rows = int(f["flow_records"].attrs["rows_completed"])
            keep = slice(0, rows)
            # The marks are written after the data, one after the other: a kill between
            # them leaves rows_completed one step ahead of steps_completed, never behind.
            assert (f["flow_records/step"][:rows] <= done + 1).all()
            ref_keep = slice(0, rows)
            for col in ("step", "flow", "origin", "destination", "source_kind", "destination_kind", "value", "count"):
                assert f["flow_records/" + col][keep].tobytes() == reference["flow_records/" + col][ref_keep].tobytes()
    assert len(completed) >= 5, completed   # the kills landed at different points


def test_sigint_stops_cleanly_with_a_message(tmp_path):
    _, out, code, stderr = _kill_mid_run(tmp_path, signal.SIGINT)
    assert code == 130
    assert re.fullmatch(r"ssesim: interrupted after step (\d+) of 400; .* holds the completed steps "
                        r"\(steps_completed = \1\)\n", stderr), stderr
    with h5py.File(out, "r") as f:
        assert f.attrs["status"] == "interrupted"


def test_validate_and_describe(tmp_path):
    proc = run("validate", ROOT / "scenarios" / "default.toml")
    assert proc.stdout.endswith("valid: 80 steps, 8 countries, 16 population groups, 3500 organisations at step 0\n")
    md = run("describe").stdout
    assert "| `economy.elasticity` | number | `4.0` |" in md
    defaults = tomllib.loads(run("describe", "--format", "toml").stdout)
    assert defaults["economy"]["elasticity"] == 4.0
    assert run("--version").stdout.startswith("ssesim 0.1.0 (commit ")


def test_xarray_opens_the_file_with_named_dimensions_and_no_project_code(tmp_path):
    import xarray as xr  # Debian python3-xarray and python3-h5netcdf, installed by tools/setup
    out = tmp_path / "o.h5"
    run("run", scenario(tmp_path, steps=4, snapshot_interval=2), "-o", out)
    with xr.open_dataset(out, engine="h5netcdf") as ds:
        assert ds["employees"].dims == ("step", "country", "org_kind")
        assert ds["flow_value"].dims == ("step", "flow", "origin", "destination")
        assert ds["flow_channel"].dims == ("flow",)
        assert list(ds["step"].values) == [1, 2, 3, 4]
        assert list(ds["country"].values[:2]) == ["ESP", "FRA"]
        assert ds["revenue"].attrs["units"] == "USD"
        esp = ds["employees"].sel(country="ESP", org_kind="worker_coop")
        assert int(esp.isel(step=0)) > 0
    with xr.open_dataset(out, engine="h5netcdf", group="snapshots") as snap:
        assert snap["id"].dims == ("record",)
        assert set(snap["step"].values) == {2, 4}


def flip_byte(path, name, chunk=None, at=100):
    """Flips one bit of a dataset's stored bytes (in chunk `chunk`, or its contiguous data)."""
    with h5py.File(path, "r") as f:
        ds = f[name]
        if ds.chunks:
            info = ds.id.get_chunk_info(chunk or 0)
            offset, size = info.byte_offset, info.size
        else:
            offset, size = ds.id.get_offset(), ds.id.get_storage_size()
    with open(path, "r+b") as g:
        g.seek(offset + min(at, size - 1))
        byte = g.read(1)[0]
        g.seek(offset + min(at, size - 1))
        g.write(bytes([byte ^ 0x10]))


def test_verify_finds_a_flipped_byte_in_any_dataset(tmp_path):
    s = scenario(tmp_path, steps=12, snapshot_interval=5)
    out = tmp_path / "run.h5"
    run("run", s, "-o", out, "--quiet")
    proc = run("verify", out)
    assert re.fullmatch(rf"{out}: every checksum matches \((\d+) datasets\)\n", proc.stdout)
    with h5py.File(out, "r") as f:
        assert f["employees"].attrs["checksum"].startswith("crc32:")
    for name, chunk in (("employees", 7), ("flow_value", 3), ("snapshots/cash", 0), ("country_gdp", None)):
        bad = tmp_path / f"bad_{name.replace('/', '_')}.h5"
        bad.write_bytes(out.read_bytes())
        flip_byte(bad, name, chunk, at=20)
        proc = run("verify", bad, check=False)
        assert proc.returncode == 1, (name, proc.stdout)
        assert re.fullmatch(rf"{bad}: {name}: checksum crc32:[0-9a-f]{{8}}, recorded crc32:[0-9a-f]{{8}}\n", proc.stdout), proc.stdout
        assert re.fullmatch(rf"ssesim: error: {bad}: 1 integrity problem \(\d+ datasets checked\)\n", proc.stderr)


def test_verify_says_a_killed_run_was_never_closed(tmp_path):
    s, out, _, _ = _kill_mid_run(tmp_path, signal.SIGKILL)
    proc = run("verify", out, check=False)
    assert proc.returncode == 1
    assert proc.stdout.endswith("datasets carry no checksum (the writer never closed the file: status 'running')\n")
    proc = run("verify", tmp_path / "missing.h5", check=False)
    assert proc.returncode == 3 and proc.stderr == f"ssesim: error: {tmp_path / 'missing.h5'}: cannot open as an HDF5 file\n"


def test_a_full_disk_is_a_clear_error_and_never_a_file_that_looks_complete(tmp_path):
    """A file-size limit (as a full disk or a quota would) stops the run with one line naming
    the file, exit 3: while the file is being built nothing is left behind; later the file
    left says it is not complete."""
    import resource
    s = scenario(tmp_path, steps=40, snapshot_interval=5)
    full = tmp_path / "full.h5"
    run("run", s, "-o", full, "--quiet")
    size = full.stat().st_size
    outcomes = set()
    for k, limit in enumerate((size // 4, size - size // 20, size - 2000)):
        out = tmp_path / f"limited{k}.h5"

        def cap(limit=limit):
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        env = dict(ENV, LSAN_OPTIONS=f"suppressions={Path(__file__).with_name('hdf5.lsan.supp')}:print_suppressions=0")
        proc = subprocess.run([str(BIN), "run", str(s), "-o", str(out), "--quiet"], capture_output=True, text=True,
                              env=env, preexec_fn=cap, timeout=300)
        assert proc.returncode == 3, (limit, proc.returncode, proc.stderr)
        assert proc.stdout == "" and proc.stderr.count("\n") == 1, proc.stderr
        assert proc.stderr.startswith(f"ssesim: error: {out}: cannot "), proc.stderr
        assert "File too large" in proc.stderr, proc.stderr
        assert not (tmp_path / f"limited{k}.h5.creating").exists()
        if not out.exists():
            outcomes.add("refused while building")
            continue
        # The file left never passes for a complete one: either it says "running", or the
        # disk filled in the middle of a flush and HDF5 refuses it (a truncated file, or
        # metadata past its end), and so does `ssesim verify`.
        try:
            with h5py.File(out, "r") as f:
                status, done = f.attrs["status"], int(f.attrs["steps_completed"])
        except OSError:
            outcomes.add("damaged")
            proc = run("verify", out, check=False)
            assert proc.returncode in (1, 3) and "every checksum matches" not in proc.stdout
            continue
        assert status == "running", limit
        outcomes.add("stopped at a step" if done < 40 else "stopped while closing")
        verified = run("verify", out, check=False)
        assert verified.returncode != 0 and "every checksum matches" not in verified.stdout, verified.stdout
        assert "datasets carry no checksum" in verified.stdout or "no dataset can be found" in verified.stdout
    assert "refused while building" in outcomes and len(outcomes) >= 2, outcomes


def test_timing_prints_every_part_of_a_step_and_shares_that_add_up(tmp_path):
    s = scenario(tmp_path, steps=6)
    proc = run("run", s, "-o", tmp_path / "t.h5", "-t", "1", "--timing")
    lines = proc.stdout.splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith("time of 6 steps ("))
    rows = {}
    for line in lines[start + 1:]:
        m = re.match(r"  (.+?) +([0-9.]+) s +([0-9.]+)%$", line)
        assert m, line
        rows[m.group(1)] = (float(m.group(2)), float(m.group(3)))
    phases = ["policy funds", "sense", "decide", "emit flows", "tenders", "settle", "transfer", "absorb", "programmes",
              "policies", "learn", "record", "structural update", "checks and flow record", "output (HDF5)", "total"]
    assert list(rows) == phases
    assert rows["total"][1] == 100.0
    parts = sum(secs for name, (secs, _) in rows.items() if name != "total")
    assert 0 < parts <= rows["total"][0] * 1.001 + 1e-4   # the parts are timed inside the total
    assert rows["decide"][0] > 0 and rows["output (HDF5)"][0] > 0
