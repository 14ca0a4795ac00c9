"""What the integration tests share: the program under test, a short default scenario, and
readers of its files."""
import os
import re
import subprocess
from pathlib import Path

import h5py

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("SSESIM_BIN", ROOT / "build" / "debug" / "ssesim"))
if not BIN.is_absolute():
    BIN = ROOT / BIN
ENV = dict(os.environ, HDF5_USE_FILE_LOCKING="FALSE")


def scenario(tmp_path, steps=12, snapshot_interval=5, scale=1, name="s.toml"):
    """The default scenario, shortened, with world paths made absolute."""
    text = (ROOT / "scenarios" / "default.toml").read_text()
    text = re.sub(r"(?m)^steps = \d+.*$", f"steps = {steps}", text)
    text = re.sub(r"(?m)^snapshot_interval = \d+.*$", f"snapshot_interval = {snapshot_interval}", text)
    text = text.replace('"world/', f'"{ROOT}/scenarios/world/')
    if scale != 1:
        text = re.sub(r"(?m)^count = (\d+)$", lambda m: f"count = {int(m.group(1)) * scale}", text)
    path = tmp_path / name
    path.write_text(text)
    return path


def run(*args, check=True):
    proc = subprocess.run([str(BIN), *map(str, args)], capture_output=True, text=True, env=ENV, timeout=600)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def datasets(path):
    """Every dataset of a file, by name, as numpy arrays."""
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: out.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return out
