#!/usr/bin/env python3
"""Peak memory of `ssesim-analysis summary` and `compare` on sweep files of growing size.

The readers stream a sweep by blocks of whole chunks along `run` (analysis/ssesim_analysis/io.py),
so their peak memory should not grow with the file. This measures it: a real sweep (the mix
experiment, run here unless --sweep names one) is tiled into files of about each --sizes GB by
copying its compressed chunks unchanged (replicates renumbered, so every copy is a new replicate
of every arm; every run's data and checksum are the original's, while the rewritten runs table
no longer matches its recorded checksums, which `ssesim verify` reports), and each verb runs in
its own process, whose peak resident set size the kernel reports (os.wait4). A benchmark, not a
test: it prints a table and writes it as CSV and JSON with the machine, the commit and the date.

    tools/bench/analysis_memory.py --sizes 0.25,1,4 --workdir /tmp/ssesim-bench
"""
from __future__ import annotations

import argparse
import csv
import datetime
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import h5py
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
SCALE_ATTRIBUTES = {"CLASS", "NAME", "REFERENCE_LIST", "DIMENSION_LIST"}


def copy_attributes(src: h5py.HLObject, dst: h5py.HLObject) -> None:
    for key, value in src.attrs.items():
        if key not in SCALE_ATTRIBUTES:
            dst.attrs[key] = value


def tile(source: Path, target: Path, copies: int) -> int:
    """Writes `copies` copies of the sweep `source` into `target`, chunk by chunk; returns runs."""
    with h5py.File(source, "r") as src, h5py.File(target, "w", libver="latest") as dst:
        runs = src["run"].shape[0]
        replicates = int(src["runs/replicate"][()].max()) + 1
        copy_attributes(src, dst)
        for key in ("runs_completed", "runs_planned"):
            if key in src.attrs:
                dst.attrs[key] = int(src.attrs[key]) * copies
        scales, attached = [], []

        def visit(name: str, obj) -> None:
            if isinstance(obj, h5py.Group):
                copy_attributes(obj, dst.require_group(name))
                return
            per_run = obj.ndim > 0 and [s.name for s in obj.dims[0].values()] == ["/run"]
            if name == "run":
                data = np.arange(runs * copies, dtype=obj.dtype)
            elif name == "runs/replicate":
                data = np.concatenate([obj[()] + k * replicates for k in range(copies)])
            elif name == "runs/run":
                data = np.arange(runs * copies, dtype=obj.dtype)
            elif name.startswith("runs/"):
                data = np.concatenate([obj[()]] * copies)
            elif not per_run:
                data = obj[()]
            else:
                data = None
            if data is not None:
                out = dst.create_dataset(name, data=data, dtype=obj.dtype)
            else:
                # the same chunks, filters and bytes: each compressed chunk is copied unchanged
                out = dst.create_dataset(name, shape=(runs * copies, *obj.shape[1:]), dtype=obj.dtype,
                                         chunks=obj.chunks, compression=obj.compression,
                                         compression_opts=obj.compression_opts, shuffle=obj.shuffle,
                                         fletcher32=obj.fletcher32)
                tail = (0,) * (obj.ndim - 1)
                for r in range(runs):
                    mask, chunk = obj.id.read_direct_chunk((r, *tail))
                    for k in range(copies):
                        out.id.write_direct_chunk((k * runs + r, *tail), chunk, mask)
            copy_attributes(obj, out)
            if obj.attrs.get("CLASS") == b"DIMENSION_SCALE":
                scales.append(name)
            attached.append((name, [[s.name.lstrip("/") for s in dim.values()] for dim in obj.dims]))

        src.visititems(visit)
        for name in scales:
            dst[name].make_scale(name)
        for name, dims in attached:
            for axis, names in enumerate(dims):
                for scale in names:
                    dst[name].dims[axis].attach_scale(dst[scale])
    return runs * copies


def measure(args: list[str]) -> tuple[float, float]:
    """Runs ssesim-analysis with `args` in a process of its own: (seconds, peak RSS in MiB)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "analysis"), HDF5_USE_FILE_LOCKING="FALSE")
    # stderr to a file, not a pipe: a child that fills a pipe nobody reads before wait4 would hang
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "ssesim_analysis", *args], env=env,
                                stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            errors.seek(0)
            sys.exit(f"analysis_memory: ssesim-analysis {' '.join(args)} failed: {errors.read().decode()}")
    return seconds, usage.ru_maxrss / 1024   # Linux: kilobytes


def uncompressed_bytes(path: Path) -> int:
    total = 0
    with h5py.File(path, "r") as f:
        def add(_, obj):
            nonlocal total
            if isinstance(obj, h5py.Dataset) and obj.dtype.kind in "iuf":
                total += obj.size * obj.dtype.itemsize
        f.visititems(add)
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sweep", type=Path, help="a sweep file to tile (default: run the mix experiment)")
    parser.add_argument("--sizes", default="0.25,1,4", help="target file sizes in GB, comma-separated")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/ssesim-bench"))
    parser.add_argument("--ssesim", type=Path, default=ROOT / "build" / "release" / "ssesim")
    parser.add_argument("--keep", action="store_true", help="keep the tiled files")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    sweep = args.sweep
    if sweep is None:
        sweep = args.workdir / "mix.h5"
        if not sweep.exists():
            subprocess.run([str(args.ssesim), "sweep", str(ROOT / "scenarios" / "experiments" / "mix.toml"),
                            "-o", str(sweep), "--overwrite"], check=True, stdout=subprocess.DEVNULL)
    with h5py.File(sweep, "r") as f:
        arms = list(dict.fromkeys(f["runs/arm"].asstr()[()]))
    rows = []
    for size in (float(s) for s in args.sizes.split(",")):
        copies = max(1, math.ceil(size * 1e9 / sweep.stat().st_size))
        big = args.workdir / f"tiled-{size:g}GB.h5"
        runs = tile(sweep, big, copies)
        row = {"target_GB": size, "file_GB": round(big.stat().st_size / 1e9, 3), "runs": runs,
               "uncompressed_GB": round(uncompressed_bytes(big) / 1e9, 3)}
        for verb, extra in (("summary", []),
                            ("compare export_revenue", ["--arms", ",".join(arms), "--indicator", "export_revenue"]),
                            ("compare flow_value", ["--arms", ",".join(arms), "--indicator", "flow_value"])):
            command = verb.split()[0]
            seconds, peak = measure([command, str(big), *extra])
            row[f"{verb} s"] = round(seconds, 2)
            row[f"{verb} peak MiB"] = round(peak, 1)
        rows.append(row)
        print(" | ".join(f"{k} {v}" for k, v in row.items()), flush=True)
        if not args.keep:
            big.unlink()
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    meta = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"), "commit": commit,
            "machine": platform.node(), "cpu": platform.processor() or platform.machine(),
            "python": platform.python_version(), "h5py": h5py.version.version, "hdf5": h5py.version.hdf5_version,
            "source_sweep": str(sweep)}
    with open(args.workdir / "analysis_memory.csv", "w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    (args.workdir / "analysis_memory.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=1) + "\n")
    print(f"written: {args.workdir / 'analysis_memory.csv'}, {args.workdir / 'analysis_memory.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
