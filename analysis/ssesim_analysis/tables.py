"""The printed form of an analysis: the tables and headings that `compare` and `sensitivity`
print and the policy brief shows. Both take them from here, so the terminal and the brief
cannot disagree on a number."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from .io import open_run
from .stats import SobolIndices


def number(x: float) -> str:
    """A number as the tables print it: 4 significant digits."""
    return f"{x:.4g}"


def interval(low: float, high: float) -> str:
    return f"[{number(low)}, {number(high)}]"


def level(confidence: float) -> str:
    """0.95 -> '95%'."""
    return f"{confidence:.0%}" if round(confidence * 100, 9).is_integer() else f"{100 * confidence:g}%"


def describe_indicator(path: str | Path, indicator: str, at: str, select: Mapping[str, object] | None) -> str:
    """The indicator in words: which dataset, units, step and cells, e.g. 'exports [USD] at the
    final step, summed over country, org_kind; country = ESP'."""
    with open_run(path) as f:
        meta = f.describe(indicator)
    step = "" if "step" not in meta["dims"] else " at the final step," if at == "final" else " averaged over steps,"
    return describe_cells(meta, select, between=step)


def describe_cells(meta: Mapping, select: Mapping[str, object] | None, between: str = "") -> str:
    """A dataset (as `RunFile.describe` gives it) summed over its dimensions other than run
    and step, in words: 'exports [USD], summed over country, org_kind; country = ESP'.
    `between` goes after the units."""
    units = f" [{meta['units']}]" if meta["units"] else ""
    others = [d for d in meta["dims"] if d not in ("run", "step")]
    where = "".join(f"; {dim} = {', '.join(map(str, _as_list(labels)))}" for dim, labels in (select or {}).items())
    summed = f" summed over {', '.join(others)}" if others else ""
    return f"{meta['name']}{units}{between}{summed}{where}".rstrip(",")


def comparison_heading(table: pd.DataFrame) -> str:
    """How a `compare_arms` table was made: baseline, pairing, interval methods."""
    a = table.attrs
    return (f"each arm minus the baseline '{table['arm_a'].iloc[0]}', paired on replicate (common random numbers); "
            f"{level(a['confidence'])} intervals: Student t, and percentile bootstrap ({a['n_resamples']} resamples, "
            f"seed {a['seed']})")


def comparison_rows(table: pd.DataFrame) -> pd.DataFrame:
    """A `compare_arms` table as printed: one row per arm, every number as text."""
    lv = level(table.attrs["confidence"])
    half_width = table.attrs.get("half_width")
    rows = []
    for r in table.itertuples():
        row = {"arm": r.arm_b, "n": str(r.n), "mean": number(r.mean_b), "baseline mean": number(r.mean_a),
               "difference": number(r.difference),
               f"t {lv} CI": interval(r.t_low, r.t_high),
               f"bootstrap {lv} CI": interval(r.boot_low, r.boot_high),
               "relative %": number(r.relative), f"relative {lv} CI": interval(r.relative_low, r.relative_high)}
        if half_width is not None:
            row[f"n for ±{number(half_width)}"] = str(r.replicates_needed)
        rows.append(row)
    return pd.DataFrame(rows)


def comparison_sentence(row, units: str | None, confidence: float) -> str:
    """One contrast of a `compare_arms` table in plain words."""
    unit = f" {units}" if units and units != "1" else ""
    sign = "+" if row.difference > 0 else ""
    if row.sd == 0:
        # every replicate differs by the same amount: there is no noise to tell it from
        verdict = ("the arms are identical in every replicate" if row.difference == 0
                   else "every replicate differs by this same amount")
    elif row.t_low <= 0 <= row.t_high:
        verdict = "the interval includes zero: no difference can be told from noise with these replicates"
    else:
        verdict = "the interval excludes zero"
    relative = f", {sign}{number(row.relative)}% of the baseline mean" if pd.notna(row.relative) else ""
    return (f"'{row.arm_b}' minus '{row.arm_a}': {sign}{number(row.difference)}{unit} "
            f"({level(confidence)} interval {number(row.t_low)} to {number(row.t_high)}{relative}, "
            f"{row.n} paired replicates); {verdict}.")


def sensitivity_heading(result: SobolIndices, n_resamples: int, seed: int) -> str:
    k = len(result.factors)
    return (f"Saltelli design, N = {result.n}, k = {k} ({result.n * (k + 2)} runs); first order Saltelli 2010, "
            f"total order Jansen 1999; {level(result.confidence)} percentile bootstrap ({n_resamples} resamples, "
            f"seed {seed})")


def sensitivity_rows(result: SobolIndices) -> pd.DataFrame:
    """Sobol indices as printed: factor, S1 and ST with their intervals, as text."""
    lv = level(result.confidence)
    frame = result.to_frame()
    return pd.DataFrame({
        "factor": frame["factor"], "S1": frame["S1"].map(number),
        f"S1 {lv} CI": [interval(lo, hi) for lo, hi in zip(frame["S1_low"], frame["S1_high"])],
        "ST": frame["ST"].map(number),
        f"ST {lv} CI": [interval(lo, hi) for lo, hi in zip(frame["ST_low"], frame["ST_high"])],
    })


def _as_list(labels) -> list:
    return [labels] if isinstance(labels, (str, bytes, int, float)) else list(labels)
