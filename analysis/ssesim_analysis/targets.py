"""Calibration targets (issue 9): what the SILK cases report, measured on the output of their
case scenarios. `scenarios/calibration/targets.toml` holds one table per target: the case
scenario, the indicator (one of the functions of INDICATORS, a function of named datasets),
the horizon, the figure with its tolerance and its source. This module reads that file
strictly, checks that a file is a run or sweep of the target's case, and computes the
simulated value per run, with the mean and a Student-t interval over a sweep's replicates.

These are measurements of whatever parameters the runs had; the shipped defaults are the
calibrated values (scenarios/calibration/calibrated.toml, docs/TRACE.md section 8).
"""
from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import AnalysisError, read_toml
from .experiment import factor_columns, require_complete
from .io import RunFile, open_run
from .stats import mean_interval

#: The targets file shipped with ssesim, used when none is named.
DEFAULT_TARGETS = Path(__file__).resolve().parents[2] / "scenarios" / "calibration" / "targets.toml"

#: Keys every target has, measurable or not.
COMMON_KEYS = ("name", "case", "measurable", "horizon_years", "relation", "target", "tolerance",
               "tolerance_why", "source", "seed", "note")
RELATIONS = ("about", "at_least", "at_most")
WINDOWS = ("horizon_step", "last_year", "cumulative")
DIRECTIONS = ("outward", "inward")

#: Per indicator: its required and optional keys (beyond COMMON_KEYS).
INDICATOR_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "share_abroad": (("dataset", "home", "kinds", "abroad_kinds"), ("window",)),
    "countries_with": (("dataset", "home", "kinds"), ("include_home", "window")),
    "flow_countries": (("home", "flows", "direction"), ("window",)),
    "outward_share": (("home", "end_kind", "channels"), ("window",)),
    "first_move_close": (("home", "close"), ("flows", "direction", "dataset", "kinds")),
    "total": (("dataset", "home", "kinds"), ("window",)),
    "change": (("numerator", "home", "kinds", "baseline_years"), ("denominator",)),
}


@dataclass(frozen=True)
class Target:
    """One table of the targets file, checked."""
    key: str
    name: str
    case: Path                 # the case scenario file
    case_name: str             # its run.name, which the output's resolved scenario carries
    case_steps: int
    steps_per_year: int
    measurable: bool
    reason: str | None
    indicator: str | None
    params: Mapping[str, object]
    horizon_years: float
    relation: str
    target: float
    tolerance: float
    tolerance_why: str
    source: str
    seed: str
    note: str

    @property
    def datasets(self) -> tuple[str, ...]:
        """The datasets the indicator reads (none for a target not measurable)."""
        p = self.params
        if not self.measurable:
            return ()
        if self.indicator == "flow_countries" or (self.indicator == "first_move_close" and "flows" in p):
            return ("flow_value",)
        if self.indicator == "outward_share":
            return ("outward_flows", "inward_flows", "flow_channel")
        if self.indicator == "change":
            return tuple(p["numerator"]) + tuple(p.get("denominator", ()))
        return (p["dataset"],)

    @property
    def horizon_step(self) -> int:
        """The step label of the horizon (step 1 is the case's first quarter)."""
        return round(self.horizon_years * self.steps_per_year)

    def met(self, value: float) -> bool:
        if not math.isfinite(value):
            return False
        if self.relation == "about":
            return abs(value - self.target) <= self.tolerance
        if self.relation == "at_least":
            return value >= self.target - self.tolerance
        return value <= self.target + self.tolerance

    def wanted(self) -> str:
        """The target as printed: 'about 0.333', 'at least 20', 'at most 0'."""
        words = {"about": "about", "at_least": "at least", "at_most": "at most"}[self.relation]
        return f"{words} {self.target:g}"


def load_targets(path: str | Path | None = None) -> list[Target]:
    """Reads and checks the targets file: every key known, every measurable target's indicator
    complete, every case file present, every horizon within its case's steps."""
    path = Path(path) if path is not None else DEFAULT_TARGETS
    tables = read_toml(path, "targets file")
    if not tables:
        raise AnalysisError(f"{path}: no target")
    return [_target(path, key, table) for key, table in tables.items()]


def _target(path: Path, key: str, table) -> Target:
    where = f"{path}: [{key}]"
    if not isinstance(table, dict):
        raise AnalysisError(f"{where}: a target is a table, not {type(table).__name__}")
    for k in COMMON_KEYS:
        if k not in table:
            raise AnalysisError(f"{where}: missing key '{k}'")
    measurable = table["measurable"]
    if not isinstance(measurable, bool):
        raise AnalysisError(f"{where}: measurable must be true or false")
    allowed = set(COMMON_KEYS)
    indicator = table.get("indicator")
    if measurable:
        if indicator not in INDICATOR_KEYS:
            raise AnalysisError(f"{where}: indicator must be one of {', '.join(INDICATOR_KEYS)}, got {indicator!r}")
        required, optional = INDICATOR_KEYS[indicator]
        for k in required:
            if k not in table:
                raise AnalysisError(f"{where}: indicator '{indicator}' needs key '{k}'")
        allowed |= {"indicator", *required, *optional}
    else:
        if "reason" not in table:
            raise AnalysisError(f"{where}: a target with measurable = false needs 'reason'")
        allowed |= {"reason"}
    unknown = sorted(set(table) - allowed)
    if unknown:
        hint = "" if measurable else " (a target that is not measurable has no indicator keys)"
        raise AnalysisError(f"{where}: unknown key '{unknown[0]}'{hint}")
    for k in ("name", "tolerance_why", "source", "seed", "note", "case"):
        if not isinstance(table[k], str) or not table[k].strip():
            raise AnalysisError(f"{where}: '{k}' must be a non-empty string")
    for k in ("horizon_years", "target", "tolerance"):
        if isinstance(table[k], bool) or not isinstance(table[k], (int, float)):
            raise AnalysisError(f"{where}: '{k}' must be a number")
    if table["relation"] not in RELATIONS:
        raise AnalysisError(f"{where}: relation must be one of {', '.join(RELATIONS)}, got {table['relation']!r}")
    if table["tolerance"] < 0 or table["horizon_years"] <= 0:
        raise AnalysisError(f"{where}: tolerance must be >= 0 and horizon_years > 0")
    case = (path.parent / table["case"]).resolve()
    if not case.is_file():
        raise AnalysisError(f"{where}: case scenario {table['case']} not found ({case})")
    try:
        run = tomllib.loads(case.read_text()).get("run", {})
    except tomllib.TOMLDecodeError as e:
        raise AnalysisError(f"{case}: not valid TOML ({e})") from None
    if not isinstance(run.get("name"), str) or "steps" not in run:
        raise AnalysisError(f"{case}: the case scenario has no run.name or run.steps")
    steps_per_year = int(run.get("steps_per_year", 4))
    params = {k: v for k, v in table.items() if k not in COMMON_KEYS and k not in ("indicator", "reason")}
    target = Target(key=key, name=table["name"], case=case, case_name=run["name"], case_steps=int(run["steps"]),
                    steps_per_year=steps_per_year, measurable=measurable, reason=table.get("reason"),
                    indicator=indicator if measurable else None, params=params,
                    horizon_years=float(table["horizon_years"]), relation=table["relation"],
                    target=float(table["target"]), tolerance=float(table["tolerance"]),
                    tolerance_why=table["tolerance_why"], source=table["source"], seed=table["seed"],
                    note=table["note"])
    if abs(target.horizon_years * steps_per_year - target.horizon_step) > 1e-9 or target.horizon_step < 1:
        raise AnalysisError(f"{where}: horizon_years {target.horizon_years:g} is not a whole number of steps "
                            f"({steps_per_year} a year)")
    if target.horizon_step > target.case_steps:
        raise AnalysisError(f"{where}: horizon_years {target.horizon_years:g} is step {target.horizon_step}, "
                            f"beyond the case's {target.case_steps} steps")
    if measurable:
        _check_params(where, indicator, params)
    return target


def _check_params(where: str, indicator: str, p: Mapping[str, object]) -> None:
    def names(k: str) -> None:
        v = p[k]
        if not isinstance(v, list) or not v or not all(isinstance(x, str) and x for x in v):
            raise AnalysisError(f"{where}: '{k}' must be a non-empty list of names")

    for k in ("dataset", "home", "end_kind"):
        if k in p and (not isinstance(p[k], str) or not p[k]):
            raise AnalysisError(f"{where}: '{k}' must be a name")
    for k in ("kinds", "abroad_kinds", "flows", "channels", "close", "numerator", "denominator"):
        if k in p:
            names(k)
    if "window" in p and p["window"] not in WINDOWS:
        raise AnalysisError(f"{where}: window must be one of {', '.join(WINDOWS)}, got {p['window']!r}")
    if "direction" in p and p["direction"] not in DIRECTIONS:
        raise AnalysisError(f"{where}: direction must be outward or inward, got {p['direction']!r}")
    if "include_home" in p and not isinstance(p["include_home"], bool):
        raise AnalysisError(f"{where}: include_home must be true or false")
    if indicator == "first_move_close":
        by_flows, by_presence = "flows" in p, "dataset" in p
        if by_flows == by_presence or (by_flows and ("direction" not in p or "kinds" in p)) or \
                (by_presence and ("kinds" not in p or "direction" in p)):
            raise AnalysisError(f"{where}: first_move_close takes either flows and direction, "
                                "or dataset and kinds")
    if indicator == "change":
        b = p["baseline_years"]
        if (not isinstance(b, list) or len(b) != 2 or not all(isinstance(x, (int, float)) for x in b)
                or not 0 <= b[0] < b[1]):
            raise AnalysisError(f"{where}: baseline_years must be [first, last] years with 0 <= first < last")


# ---------------------------------------------------------------------------------------------
# Measuring


@dataclass
class Measurement:
    """A target measured on one file: per-run values (NaN where the indicator has no value,
    e.g. no move by the horizon) by group of replicates (the arm of a sweep, 'run' for a
    single run)."""
    target: Target
    file: str
    values: dict[str, pd.Series] = field(default_factory=dict)


def scenario_name(f: RunFile) -> str:
    """run.name of the resolved scenario a run or sweep file carries."""
    text = f.attributes.get("scenario")
    if not isinstance(text, str):
        raise AnalysisError(f"{f.path}: no 'scenario' root attribute: cannot tell which scenario it ran")
    try:
        name = tomllib.loads(text).get("run", {}).get("name")
    except tomllib.TOMLDecodeError:
        raise AnalysisError(f"{f.path}: its 'scenario' attribute is not valid TOML") from None
    if not isinstance(name, str):
        raise AnalysisError(f"{f.path}: its resolved scenario has no run.name")
    return name


def measure(target: Target, path: str | Path) -> Measurement:
    """The target's indicator on a run or sweep file of its case, per run and grouped by arm."""
    result = Measurement(target, str(path))
    if not target.measurable:
        return result
    with open_run(path) as f:
        values = per_run(target, f)
        groups = _groups(f)
    for group, runs in groups.items():
        result.values[group] = values.reindex(runs)
    return result


def per_run(target: Target, f: RunFile) -> pd.Series:
    """The target's indicator on every run of an open run or sweep file of its case (NaN where
    it has no value), indexed by run, whatever the runs vary: the calibration measures it on
    sweeps whose runs vary the calibrated parameters."""
    path = f.path
    name = scenario_name(f)
    if name != target.case_name:
        raise AnalysisError(f"{path}: a run of scenario '{name}', but target '{target.key}' is measured on "
                            f"'{target.case_name}' ({target.case.name})")
    for ds in target.datasets:
        if ds not in f.variables():
            raise AnalysisError(f"{path}: no dataset '{ds}', which target '{target.key}' reads")
    steps = f.labels("step")
    spy = int(f.attributes.get("steps_per_year", target.steps_per_year))
    if spy != target.steps_per_year:
        raise AnalysisError(f"{path}: {spy} steps a year, the case file says {target.steps_per_year}")
    completed = f.attributes.get("steps_completed")
    if completed is not None and int(completed) < target.horizon_step:
        raise AnalysisError(f"{path}: {completed} steps completed, target '{target.key}' needs "
                            f"{target.horizon_step} ({target.horizon_years:g} years)")
    if target.horizon_step not in set(steps.tolist()):
        raise AnalysisError(f"{path}: no step {target.horizon_step} (the horizon of '{target.key}')")
    return INDICATORS[target.indicator](f, target, steps)


def _groups(f: RunFile) -> dict[str, list]:
    """Runs by arm for a sweep (each arm's runs must be replicates of one scenario); run 0 for
    a single run."""
    if "runs" not in f._file:
        return {"run": [0]}
    runs = f.runs()
    require_complete(runs)
    groups = {}
    for arm, rows in runs.groupby("arm", sort=False):
        varying = [c for c in factor_columns(rows) if rows[c].nunique() > 1]
        if varying:
            raise AnalysisError(f"{f.path}: arm '{arm}' varies {', '.join(varying)}: targets are measured on "
                                "replicates of one scenario")
        groups[str(arm)] = rows["run"].tolist()
    return groups


def _window(target: Target, steps: np.ndarray, window: str | None = None) -> slice:
    """Positions of the window's steps on the step scale (labels 1 ... N in order)."""
    window = window or target.params.get("window", "horizon_step")
    last = int(np.searchsorted(steps, target.horizon_step)) + 1
    first = {"horizon_step": last - 1, "last_year": last - target.steps_per_year, "cumulative": 0}[window]
    return slice(max(first, 0), last)


def _years(target: Target, steps: np.ndarray, years: Sequence[float]) -> slice:
    """Positions of the steps of years [a, b) after the start: labels a*spy+1 ... b*spy."""
    lo, hi = (round(y * target.steps_per_year) for y in years)
    return slice(int(np.searchsorted(steps, lo + 1)), int(np.searchsorted(steps, hi)) + 1)


def _labels(f: RunFile, dim: str, wanted: Iterable[str], target: Target) -> list[str]:
    known = set(f.labels(dim).tolist())
    for label in wanted:
        if label not in known:
            raise AnalysisError(f"{f.path}: {dim} '{label}' of target '{target.key}' is not in the file's "
                                f"'{dim}' scale ({', '.join(map(str, f.labels(dim)))})")
    return list(wanted)


def _by_country(f: RunFile, target: Target, dataset: str, kinds: Sequence[str], steps: slice
                ) -> tuple[np.ndarray, np.ndarray]:
    """dataset[run, step, country] summed over `kinds`, for the window's steps."""
    if "org_kind" not in f.dims(dataset) or "country" not in f.dims(dataset):
        raise AnalysisError(f"'{dataset}' has no country and org_kind dimensions: target '{target.key}' "
                            "needs a [step, country, org_kind] series")
    values, coords = f.totals(dataset, keep=("step", "country"), steps=steps,
                              select={"org_kind": _labels(f, "org_kind", kinds, target)})
    return values, coords["country"]


def _home(f: RunFile, target: Target, countries: np.ndarray) -> int:
    home = target.params["home"]
    _labels(f, "country", [home], target)
    return int(np.flatnonzero(countries == home)[0])


def share_abroad(f: RunFile, target: Target, steps: np.ndarray) -> pd.Series:
    p, window = target.params, _window(target, steps)
    home_v, countries = _by_country(f, target, p["dataset"], p["kinds"], window)
    abroad_v, _ = _by_country(f, target, p["dataset"], p["abroad_kinds"], window)
    h = _home(f, target, countries)
    at_home = home_v[:, :, h].sum(axis=1)
    abroad = np.delete(abroad_v, h, axis=2).sum(axis=(1, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        return _series(f, p["dataset"], abroad / (at_home + abroad))


def countries_with(f: RunFile, target: Target, steps: np.ndarray) -> pd.Series:
    p = target.params
    values, countries = _by_country(f, target, p["dataset"], p["kinds"], _window(target, steps))
    h = _home(f, target, countries)
    present = values.sum(axis=1) > 0
    count = np.delete(present, h, axis=1).sum(axis=1) + (1 if p.get("include_home", False) else 0)
    return _series(f, p["dataset"], count.astype(float))


def _flows(f: RunFile, target: Target, steps: slice) -> tuple[np.ndarray, int]:
    """flow_value[run, step, partner] of the target's flows between `home` and each partner
    country, in the target's direction (outward: home -> partner; inward: partner -> home)."""
    p = target.params
    flows = _labels(f, "flow", p["flows"], target)
    values, coords = f.totals("flow_value", keep=("step", "origin", "destination"), steps=steps,
                              select={"flow": flows})
    h = _home(f, target, coords["origin"])
    if list(coords["origin"]) != list(coords["destination"]):
        raise AnalysisError(f"{f.path}: the origin and destination scales of flow_value differ")
    cut = values[:, :, h, :] if p["direction"] == "outward" else values[:, :, :, h]
    return cut, h


def flow_countries(f: RunFile, target: Target, steps: np.ndarray) -> pd.Series:
    cut, h = _flows(f, target, _window(target, steps))
    reached = np.delete(cut.sum(axis=1) > 0, h, axis=1)
    return _series(f, "flow_value", reached.sum(axis=1).astype(float))


def outward_share(f: RunFile, target: Target, steps: np.ndarray) -> pd.Series:
    p, window = target.params, _window(target, steps)
    table = f.load("flow_channel")
    channels = [v.decode() if isinstance(v, bytes) else str(v) for v in table["value"]]
    flows = [str(fl) for fl, ch in zip(table["flow"], channels) if ch in p["channels"]]
    unknown = sorted(set(p["channels"]) - set(channels))
    if unknown:
        raise AnalysisError(f"{f.path}: channel '{unknown[0]}' of target '{target.key}' is not in flow_channel "
                            f"({', '.join(sorted(set(channels)))})")
    select = {"flow": flows, "end_kind": _labels(f, "end_kind", [p["end_kind"]], target),
              "country": _labels(f, "country", [p["home"]], target)}
    out, _ = f.totals("outward_flows", steps=window, select=select)
    inward, _ = f.totals("inward_flows", steps=window, select=select)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _series(f, "outward_flows", out / (out + inward))


def first_move_close(f: RunFile, target: Target, steps: np.ndarray) -> pd.Series:
    p = target.params
    window = _window(target, steps, "cumulative")
    if "flows" in p:
        moved, h = _flows(f, target, window)
        countries = f.labels("origin")
    else:
        moved, countries = _by_country(f, target, p["dataset"], p["kinds"], window)
        h = _home(f, target, countries)
    close = np.isin(countries, _labels(f, "country", p["close"], target))
    moved = moved > 0
    moved[:, :, h] = False
    share = np.full(moved.shape[0], np.nan)
    for r in range(moved.shape[0]):
        active = np.flatnonzero(moved[r].any(axis=1))
        if active.size:
            first = moved[r, active[0]]
            share[r] = close[first].sum() / first.sum()
    return _series(f, p.get("dataset", "flow_value"), share)


def total(f: RunFile, target: Target, steps: np.ndarray) -> pd.Series:
    p = target.params
    values, countries = _by_country(f, target, p["dataset"], p["kinds"], _window(target, steps))
    return _series(f, p["dataset"], values[:, :, _home(f, target, countries)].sum(axis=1))


def change(f: RunFile, target: Target, steps: np.ndarray) -> pd.Series:
    p = target.params

    def level(window: slice) -> np.ndarray:
        def summed(names):
            out = 0.0
            for name in names:
                values, countries = _by_country(f, target, name, p["kinds"], window)
                out = out + values[:, :, _home(f, target, countries)].sum(axis=1)
            return out
        top = summed(p["numerator"])
        if "denominator" in p:
            with np.errstate(divide="ignore", invalid="ignore"):
                return top / summed(p["denominator"])
        return top / (window.stop - window.start)

    base = _years(target, steps, p["baseline_years"])
    if base.stop > int(np.searchsorted(steps, target.horizon_step)) + 1:
        raise AnalysisError(f"target '{target.key}': baseline_years end after the horizon")
    return _series(f, p["numerator"][0], level(_window(target, steps, "last_year")) - level(base))


def _series(f: RunFile, dataset: str, values: np.ndarray) -> pd.Series:
    runs = f.labels("run") if f.dims(dataset)[0] == "run" else np.array([0])
    return pd.Series(np.asarray(values, dtype=float), index=pd.Index(runs, name="run"))


#: The indicators a target may name (targets.toml, `indicator`).
INDICATORS = {
    "share_abroad": share_abroad, "countries_with": countries_with, "flow_countries": flow_countries,
    "outward_share": outward_share, "first_move_close": first_move_close, "total": total, "change": change,
}


# ---------------------------------------------------------------------------------------------
# The table


def evaluate(files: Sequence[str | Path], targets: Sequence[Target], keys: Sequence[str] | None = None,
             confidence: float = 0.95) -> pd.DataFrame:
    """One row per target (and arm) whose case has a file among `files`: the target, the
    simulated value (a run's value, or a sweep arm's mean with its t interval over replicates)
    and met / not met / not measurable. Every file must be a run or sweep of some target's case
    (of the named targets' cases, with `keys`), and each case may have one file."""
    if keys:
        known = {t.key for t in targets}
        for key in keys:
            if key not in known:
                raise AnalysisError(f"no target '{key}' in the targets file (targets: {', '.join(sorted(known))})")
        targets = [t for t in targets if t.key in keys]
    by_case: dict[str, str] = {}
    for path in files:
        with open_run(path) as f:
            name = scenario_name(f)
        cases = sorted({t.case_name for t in targets})
        if name not in cases:
            which = f"target(s) {', '.join(keys)} are" if keys else "the targets are"
            raise AnalysisError(f"{path}: a run of scenario '{name}', but {which} measured on "
                                f"{', '.join(cases)}")
        if name in by_case:
            raise AnalysisError(f"{path}: a second file of case '{name}' (the first: {by_case[name]}); "
                                "give one run or sweep per case")
        by_case[name] = str(path)
    rows = []
    for t in targets:
        if t.case_name not in by_case:
            continue
        m = measure(t, by_case[t.case_name])
        groups = m.values or {"": pd.Series(dtype=float)}
        for group, values in groups.items():
            rows.append(_row(t, m.file, group, values, confidence))
    return pd.DataFrame(rows)


def _row(t: Target, path: str, group: str, values: pd.Series, confidence: float) -> dict:
    row = {"target": t.key, "case": t.case_name, "file": path, "arm": group, "indicator": t.indicator or "",
           "wanted": t.wanted(), "relation": t.relation, "value_target": t.target, "tolerance": t.tolerance,
           "horizon_years": t.horizon_years, "runs": len(values), "runs_with_value": 0,
           "simulated": math.nan, "low": math.nan, "high": math.nan, "per_run": [], "status": "",
           "reason": t.reason or ""}
    if not t.measurable:
        row["status"] = "not measurable"
        return row
    finite = values[np.isfinite(values.to_numpy())]
    row["per_run"] = [None if not math.isfinite(v) else float(v) for v in values.to_numpy()]
    row["runs_with_value"] = len(finite)
    if len(finite) == 0:
        row["status"] = "not met"
        row["reason"] = "no value by the horizon (no move, or nothing to divide)"
        return row
    mean, low, high = mean_interval(finite.to_numpy(), confidence=confidence)
    row.update(simulated=mean, low=low, high=high)
    row["status"] = "met" if t.met(mean) else "not met"
    if len(finite) < len(values):
        row["reason"] = f"{len(values) - len(finite)} run(s) without a value by the horizon, left out"
    return row
