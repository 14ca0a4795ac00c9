"""The analysis package is imported from analysis/ (no install needed)."""
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "analysis"))

from analysis_files import COUNTRIES, KINDS, write_output  # noqa: E402


@pytest.fixture
def single_run(tmp_path):
    """One run: exports[step, country, org_kind] = 100 step + 10 country + kind, plus a
    per-country table and a 1-D record dataset."""
    steps, countries, kinds = np.arange(1, 5), len(COUNTRIES), len(KINDS)
    exports = (100 * steps[:, None, None] + 10 * np.arange(countries)[None, :, None]
               + np.arange(kinds)[None, None, :]).astype(np.float64)
    return write_output(tmp_path / "run.h5", {
        "exports": (["step", "country", "org_kind"], exports, "USD"),
        "gdp": (["country"], np.array([1.5, 2.5, 3.5]), "USD"),
        "cash": (["record"], np.array([3.0, 1.0, 2.0, 5.0, 4.0]), "USD"),
    }, {"step": steps, "country": COUNTRIES, "org_kind": KINDS, "record": np.arange(5)})
