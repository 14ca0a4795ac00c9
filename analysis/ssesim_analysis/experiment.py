"""Analyses of a sweep file: policy arms compared by replicate, and Sobol sensitivity of a
Saltelli sweep. Each takes a file and an indicator and returns plain tables, so the CLI and
later reports print the same numbers."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from .errors import AnalysisError
from .io import open_run, saltelli_matrices
from .stats import SobolIndices, paired_difference, replicates_needed, sobol_indices


def compare_arms(path: str | Path, arms: Sequence[str], indicator: str, *, at: str = "final",
                 select: Mapping[str, object] | None = None, half_width: float | None = None,
                 confidence: float = 0.95, n_resamples: int = 9999, seed: int = 0) -> pd.DataFrame:
    """Each arm after the first against the first (the baseline), paired on replicate.

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
        chosen = runs[runs["arm"].isin(arms)]
        require_complete(chosen)
        values = f.indicator(indicator, at=at, runs=chosen["run"].tolist(), select=select)
        units = f.describe(indicator)["units"]
    by_arm = {}
    for arm in arms:
        rows = chosen[chosen["arm"] == arm]
        repeated = rows["replicate"][rows["replicate"].duplicated()]
        if len(repeated):
            raise AnalysisError(f"arm '{arm}' has replicate {repeated.iloc[0]} more than once")
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
