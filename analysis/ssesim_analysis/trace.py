"""The generated parts of the TRACE document (issue 9; Grimm et al. 2014): the fit of every
calibration target, the posterior, the Sobol indices of the key indicators and the hypotheses
table, each rendered as Markdown from the files `tools/trace` writes, and the document
rendered from its template (`docs/TRACE.in.md`) by replacing each marker

    <!-- trace:NAME -->

with the piece NAME between that marker and `<!-- /trace:NAME -->`. Rendering a rendered
document's template with the pieces taken back out of it gives the document again, which is
how the tests check that docs/TRACE.md is the template plus what the last run printed.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import AnalysisError
from .experiment import require_complete
from .io import open_run, saltelli_matrices
from .stats import sobol_indices
from .tables import number

TEMPLATE = Path(__file__).resolve().parents[2] / "docs" / "TRACE.in.md"
DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "TRACE.md"
PIECES = ("run", "targets", "posterior", "sobol", "hypotheses")
SSE_KINDS = ("worker_coop", "producer_coop", "federation", "association", "social_enterprise")


@dataclass(frozen=True)
class KeyIndicator:
    """An indicator of the sensitivity table: datasets summed over SSE organisations."""
    name: str
    datasets: tuple[str, ...]
    at: str
    meaning: str


#: The key indicators the issue names: SSE exports, home jobs, social impact, new SSEOs abroad.
KEY_INDICATORS = (
    KeyIndicator("SSE exports", ("export_revenue",), "final", "export revenue of SSE organisations in the last step (US$)"),
    KeyIndicator("SSE home jobs", ("employees",), "final", "employees at home of SSE organisations at the last step"),
    KeyIndicator("social impact", ("impact_home", "impact_abroad"), "final",
                 "mission-weighted jobs at home and in the units founded abroad, SSE founders, last step"),
    KeyIndicator("new SSEOs abroad", ("licensees", "nodes"), "final",
                 "licensees and federation nodes alive abroad, founded by SSE organisations, last step"),
)


def sobol_table(path: str | Path, *, confidence: float = 0.95, n_resamples: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Per factor of a Saltelli sweep and per key indicator: S1 and ST with their bootstrap
    intervals (`stats.sobol_indices`)."""
    rows: dict[str, dict] = {}
    with open_run(path) as f:
        runs = f.runs()
        require_complete(runs)
        for k in KEY_INDICATORS:
            values = None
            for dataset in k.datasets:
                v = f.indicator(dataset, at=k.at, select={"org_kind": list(SSE_KINDS)})
                values = v if values is None else values + v
            factors, f_a, f_b, f_ab = saltelli_matrices(runs, values)
            result = sobol_indices(f_a, f_b, f_ab, factors=factors, confidence=confidence,
                                   n_resamples=n_resamples, seed=seed)
            for i, factor in enumerate(result.factors):
                row = rows.setdefault(factor, {"factor": factor})
                row[(k.name, "S1")] = result.first[i]
                row[(k.name, "S1_low")], row[(k.name, "S1_high")] = result.first_ci[i]
                row[(k.name, "ST")] = result.total[i]
                row[(k.name, "ST_low")], row[(k.name, "ST_high")] = result.total_ci[i]
            n = result.n
    table = pd.DataFrame(list(rows.values()))
    table.attrs.update(confidence=confidence, n=n, n_resamples=n_resamples, seed=seed, runs=len(runs))
    return table


def sobol_markdown(table: pd.DataFrame) -> str:
    lv = f"{round(100 * table.attrs['confidence'])}%"
    head = "| factor | " + " | ".join(f"{k.name}: S1 / ST [{lv} CI of ST]" for k in KEY_INDICATORS) + " |"
    lines = [head, "|---|" + "---|" * len(KEY_INDICATORS)]
    for _, r in table.iterrows():
        cells = [f"{number(r[(k.name, 'S1')])} / **{number(r[(k.name, 'ST')])}** "
                 f"[{number(r[(k.name, 'ST_low')])}, {number(r[(k.name, 'ST_high')])}]" for k in KEY_INDICATORS]
        lines.append(f"| `{r['factor']}` | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(f"Saltelli design, N = {table.attrs['n']} ({table.attrs['runs']} runs); S1 first order (Saltelli 2010), "
                 f"ST total order (Jansen 1999), percentile bootstrap of {table.attrs['n_resamples']} resamples. "
                 "Indicators: " + "; ".join(f"{k.name}: {k.meaning}" for k in KEY_INDICATORS) + ".")
    return "\n".join(lines) + "\n"


def targets_markdown(table: pd.DataFrame) -> str:
    """The targets at the defaults and at the calibrated values (`targets.evaluate` on the
    check sweeps), one row per target and arm."""
    lv = f"{round(100 * table.attrs.get('confidence', 0.95))}%"
    lines = [f"| target | arm | target value | tolerance | simulated (mean [{lv} CI], runs) | status |",
             "|---|---|---|---|---|---|"]
    for r in table.itertuples():
        if r.status == "not measurable":
            simulated = "-"
        elif r.runs_with_value == 0:
            simulated = "no value"
        else:
            simulated = f"{number(r.simulated)} [{number(r.low)}, {number(r.high)}], {r.runs_with_value}"
        lines.append(f"| {r.target} | {r.arm or '-'} | {r.wanted} | {r.tolerance:g} | {simulated} | {r.status} |")
    counts = table[table["status"] != "not measurable"].groupby("arm")["status"].apply(lambda s: (s == "met").sum())
    totals = table[table["status"] != "not measurable"].groupby("arm").size()
    lines.append("")
    lines.append("Met: " + "; ".join(f"{arm or 'the run'} {int(counts[arm])} of {int(totals[arm])} measurable targets"
                                     for arm in totals.index) + ".")
    return "\n".join(lines) + "\n"


def posterior_markdown(summary: Mapping) -> str:
    """posterior.json of `ssesim-analysis calibrate`: per parameter the prior, the posterior
    median and 90% interval."""
    lines = ["| parameter | prior | posterior median | 90% interval |", "|---|---|---|---|"]
    for p in summary["parameters"]:
        lines.append(f"| `{p['parameter']}` | [{number(p['prior_low'])}, {number(p['prior_high'])}] {p['prior_scale']} | "
                     f"{number(p['median'])} | [{number(p['q05'])}, {number(p['q95'])}] |")
    distances = [a["distance"] for a in summary["accepted_points"]]
    lines.append("")
    lines.append(f"Rejection ABC, first stage (the `economy.` parameters, every case): {summary['design_points']} "
                 f"Latin-hypercube points x {summary['replicates']} replicate(s) per case, the closest "
                 f"{summary['accepted']} accepted (acceptance {summary['acceptance']:g}), at distances "
                 f"{number(min(distances))} to {number(max(distances))} (root mean square of the deviations in "
                 "tolerances).")
    for case, stage in summary.get("stages", {}).items():
        d = [a["distance"] for a in stage["accepted_points"]]
        lines += [""]
        lines.append(f"Second stage, case {case} (its `archetype.` parameters, its own targets, at the first "
                     f"stage's economy): {stage['design_points']} points x {stage['replicates']} replicate(s), "
                     f"{stage['accepted']} accepted, at distances {number(min(d))} to {number(max(d))}.")
    return "\n".join(lines) + "\n"


_MARKER = re.compile(r"^<!-- trace:([a-z_]+) -->$", re.M)


def render(template: str, pieces: Mapping[str, str]) -> str:
    """The template with each marker followed by its piece and the closing marker."""
    found = _MARKER.findall(template)
    missing = [n for n in found if n not in pieces]
    if missing:
        raise AnalysisError(f"the template has a marker '{missing[0]}' with no piece (pieces: {', '.join(pieces)})")
    unused = sorted(set(pieces) - set(found))
    if unused:
        raise AnalysisError(f"piece '{unused[0]}' has no marker in the template")
    if len(found) != len(set(found)):
        raise AnalysisError("a marker appears twice in the template")

    def fill(m: re.Match) -> str:
        body = pieces[m.group(1)].rstrip("\n")
        return f"{m.group(0)}\n{body}\n<!-- /trace:{m.group(1)} -->"
    return _MARKER.sub(fill, template)


def pieces_of(document: str) -> dict[str, str]:
    """The pieces of a rendered document, keyed by marker name."""
    out = {}
    for m in re.finditer(r"^<!-- trace:([a-z_]+) -->\n(.*?)\n<!-- /trace:\1 -->$", document, flags=re.M | re.S):
        out[m.group(1)] = m.group(2) + "\n"
    return out


def unrender(document: str) -> str:
    """The template a rendered document came from."""
    return re.sub(r"^(<!-- trace:([a-z_]+) -->)\n.*?\n<!-- /trace:\2 -->$", r"\1", document, flags=re.M | re.S)
