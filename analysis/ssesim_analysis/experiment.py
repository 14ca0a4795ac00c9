"""Analyses of a sweep file: policy arms compared by replicate, and Sobol sensitivity of a
Saltelli sweep. Each takes a file and an indicator and returns plain tables, so the CLI and
later reports print the same numbers."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
import re
from pathlib import Path

import pandas as pd

from .errors import AnalysisError
from .io import RUNS_BOOKKEEPING, open_run, saltelli_matrices
from .stats import SobolIndices, paired_difference, replicates_needed, sobol_indices


def compare_arms(path: str | Path, arms: Sequence[str], indicator: str, *, at: str = "final",
                 select: Mapping[str, object] | None = None, half_width: float | None = None,
                 confidence: float = 0.95, n_resamples: int = 9999, seed: int = 0,
                 runs_where: Mapping[str, object] | None = None) -> pd.DataFrame:
    """Each arm after the first against the first (the baseline), paired on replicate.

    `runs_where` keeps the runs whose factor columns hold the given values (a factorial
    sweep has one run per arm, design point and replicate: pick the design point).

    One row per contrast: arm_a, arm_b, n (replicates), mean_a, mean_b, difference (mean of
    B - A), sd (of the differences), t_low/t_high and boot_low/boot_high (intervals of the
    difference), relative (% of mean_a) with relative_low/relative_high, and with a
    `half_width` target, replicates_needed. `df.attrs` holds the indicator, its units, `at`,
    the selection, the confidence level, the half-width, and the bootstrap's resamples and seed.
    """
    if len(arms) < 2:
        raise AnalysisError(f"compare needs at least two arms, got {len(arms)}")
    if len(set(arms)) != len(arms):
        raise AnalysisError(f"an arm is named twice in {', '.join(arms)}")
    with open_run(path) as f:
        runs = f.runs()
        known = list(dict.fromkeys(runs["arm"]))
        for arm in arms:
            if arm not in known:
                raise AnalysisError(f"arm '{arm}' is not in the runs table (arms: {', '.join(known)})")
        chosen = filter_runs(runs[runs["arm"].isin(arms)], runs_where or {})
        require_complete(chosen)
        values = f.indicator(indicator, at=at, runs=chosen["run"].tolist(), select=select)
        units = f.describe(indicator)["units"]
    by_arm = {}
    for arm in arms:
        rows = chosen[chosen["arm"] == arm]
        repeated = rows["replicate"][rows["replicate"].duplicated()]
        if len(repeated):
            varying = [c for c in factor_columns(rows) if rows[c].nunique() > 1]
            hint = (f" (the design varies {', '.join(varying)}: keep one design point with "
                    f"--runs-where {varying[0]}=VALUE)") if varying else ""
            raise AnalysisError(f"arm '{arm}' has replicate {repeated.iloc[0]} more than once{hint}")
        by_arm[arm] = pd.Series(values.reindex(rows["run"]).to_numpy(), index=rows["replicate"].to_numpy())
    baseline = arms[0]
    table = []
    for arm in arms[1:]:
        a, b = by_arm[baseline], by_arm[arm]
        unpaired = sorted(set(a.index) ^ set(b.index))
        if unpaired:
            raise AnalysisError(f"arms '{baseline}' and '{arm}' do not share replicate(s) "
                                f"{', '.join(map(str, unpaired[:10]))}: a paired comparison needs both")
        b = b.reindex(a.index)
        result = paired_difference(a.to_numpy(), b.to_numpy(), confidence=confidence,
                                   n_resamples=n_resamples, seed=seed)
        row = {"arm_a": baseline, "arm_b": arm, "n": result.n, "mean_a": result.mean_a,
               "mean_b": result.mean_b, "difference": result.mean, "sd": result.sd,
               "t_low": result.t_ci[0], "t_high": result.t_ci[1],
               "boot_low": result.bootstrap_ci[0], "boot_high": result.bootstrap_ci[1],
               "relative": result.relative, "relative_low": result.relative_ci[0],
               "relative_high": result.relative_ci[1]}
        if half_width is not None:
            row["replicates_needed"] = replicates_needed(result.sd, half_width, confidence=confidence)
        table.append(row)
    frame = pd.DataFrame(table)
    frame.attrs.update(indicator=indicator, units=units, at=at, select=dict(select or {}),
                       confidence=confidence, half_width=half_width, n_resamples=n_resamples, seed=seed)
    return frame


def factor_columns(runs: pd.DataFrame) -> list[str]:
    """The runs table's factor columns (every column that is not bookkeeping)."""
    return [c for c in runs.columns if c not in RUNS_BOOKKEEPING]


def filter_runs(runs: pd.DataFrame, where: Mapping[str, object]) -> pd.DataFrame:
    """The runs whose factor columns equal the given values (numbers compared as numbers)."""
    factors = factor_columns(runs)
    for column, wanted in where.items():
        if column not in factors:
            raise AnalysisError(f"--runs-where: '{column}' is not a factor of the runs table "
                                f"(factors: {', '.join(factors) or 'none'})")
        values = runs[column]
        if pd.api.types.is_numeric_dtype(values):
            try:
                keep = values == float(wanted)
            except ValueError:
                raise AnalysisError(f"--runs-where: {column} is numeric, got '{wanted}'") from None
        else:
            keep = values.astype(str) == str(wanted)
        if not keep.any():
            levels = ", ".join(map(str, sorted(values.unique())))
            raise AnalysisError(f"--runs-where: no run has {column} = {wanted} (values: {levels})")
        runs = runs[keep]
    return runs


def sensitivity(path: str | Path, indicator: str, *, at: str = "final",
                select: Mapping[str, object] | None = None, confidence: float = 0.95,
                n_resamples: int = 1000, seed: int = 0) -> SobolIndices:
    """Sobol indices of an indicator over the factors of a Saltelli sweep."""
    with open_run(path) as f:
        runs = f.runs()
        require_complete(runs)
        values = f.indicator(indicator, at=at, select=select)
    factors, f_a, f_b, f_ab = saltelli_matrices(runs, values)
    return sobol_indices(f_a, f_b, f_ab, factors=factors, confidence=confidence,
                         n_resamples=n_resamples, seed=seed)


def require_complete(runs: pd.DataFrame) -> None:
    if "status" not in runs:
        return
    pending = runs.loc[runs["status"] != "complete", "run"].tolist()
    if pending:
        raise AnalysisError(f"{len(pending)} run(s) not complete (runs table 'status'), e.g. run "
                            f"{', '.join(map(str, pending[:5]))}: finish or resume the sweep first")


def relocated_experiment(source: Path, output: Path, replace: Mapping[str, object] | None = None) -> str:
    """An experiment file's text to be written elsewhere: its scenario as an absolute path, its
    output `output`, and the [experiment] keys of `replace` (e.g. replicates or samples) given
    new values. Each key must be one line `key = ...` of the [experiment] table, before the
    first [[arm]] or [[factor]]."""
    text = Path(source).read_text()
    cut = min([i for i in (text.find("\n[[arm]]"), text.find("\n[[factor]]")) if i >= 0] or [len(text)])
    head, rest = text[:cut], text[cut:]
    scenario = _line(source, head, "scenario", quoted=True)
    absolute = (Path(source).parent / scenario.group(2)).resolve()
    head = head[:scenario.start(2)] + str(absolute) + head[scenario.end(2):]
    for key, value in {"output": f'"{output}"', **{k: str(v) for k, v in (replace or {}).items()}}.items():
        m = _line(source, head, key)
        head = head[:m.start()] + f"{key} = {value}" + head[m.end():]
    return head + rest


def _line(source, head: str, key: str, quoted: bool = False) -> re.Match:
    pattern = rf'^({key} = )"([^"]*)"[ \t]*(#.*)?$' if quoted else rf"^{key} = [^#\n]*"
    found = list(re.finditer(pattern, head, flags=re.M))
    if len(found) != 1:
        raise AnalysisError(f"{source}: expected one line '{key} = ...' in [experiment], found {len(found)}")
    return found[0]
