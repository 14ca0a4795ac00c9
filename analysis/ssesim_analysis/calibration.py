"""Calibration of assumed parameters to the SILK case targets by rejection ABC (issue 9).

Approximate Bayesian computation by rejection (Pritchard et al. 1999; Beaumont, Zhang &
Balding 2002, whose rejection step this is, without their regression adjustment): draw
parameter values from the prior, simulate, and keep the draws whose simulated targets are
closest to the observed ones. Here the prior draws are the design points of one Latin-hypercube
sweep per case scenario (the same points in every case: same factors, seed and samples), the
"observed" values are the case facts of `scenarios/calibration/targets.toml`, and the distance
is the root mean square of the targets' deviations in units of their tolerances
(`distance_terms`, `distance`). `scenarios/calibration/calibration.toml` holds the parameters
and priors, the targets used, the sizes and the seed.
"""
from __future__ import annotations

import datetime as _dt
import json
import math
import subprocess
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import AnalysisError, read_toml
from .experiment import factor_columns, require_complete
from .io import open_run
from .targets import Target, load_targets, per_run, scenario_name

#: The calibration shipped with ssesim, used when none is named.
DEFAULT_CALIBRATION = Path(__file__).resolve().parents[2] / "scenarios" / "calibration" / "calibration.toml"

SIZE_KEYS = ("samples", "replicates", "acceptance", "check_replicates", "case_samples", "case_replicates")
SCALES = ("linear", "log")


@dataclass(frozen=True)
class Prior:
    """A calibrated parameter: uniform (or log-uniform) on [low, high]. `path` is the factor's
    path in the sweeps; a case parameter (`case` set) is an archetype's key, swept as the key
    of the case's population group of that archetype and named `archetype.NAME.KEY`."""
    path: str
    low: float
    high: float
    scale: str
    why: str
    case: str = ""
    name: str = ""
    assumed: float | None = None      # a case parameter's value in the first stage

    @property
    def parameter(self) -> str:
        """The parameter's name in the results: the economy path, or archetype.NAME.KEY."""
        return self.name or self.path


@dataclass(frozen=True)
class Sizes:
    samples: int
    replicates: int
    acceptance: float
    check_replicates: int
    case_samples: int          # the second stage's design points and replicates, per case
    case_replicates: int

    @property
    def second_stage(self) -> Sizes:
        return replace(self, samples=self.case_samples, replicates=self.case_replicates)


@dataclass(frozen=True)
class Calibration:
    """calibration.toml, checked against the targets file it names."""
    path: Path
    name: str
    seed: int
    sizes: Sizes
    quick: Sizes
    priors: tuple[Prior, ...]            # the economy's parameters (the first stage)
    targets: tuple[Target, ...]          # the targets in the distance, in file order
    scales: Mapping[str, float]          # per target key: the unit of its deviation
    excluded: Mapping[str, str]          # measurable targets left out, and why
    targets_file: Path
    case_priors: Mapping[str, tuple[Prior, ...]] = field(default_factory=dict)   # the second stage, per case

    @property
    def cases(self) -> dict[str, Path]:
        """Case name -> case scenario file, for the cases of the targets used (first seen first)."""
        return {t.case_name: t.case for t in self.targets}

    def size(self, quick: bool = False) -> Sizes:
        return self.quick if quick else self.sizes

    def assumed(self) -> dict[str, dict[str, float]]:
        """Per case, what the first stage's runs set: each case parameter at its assumed value
        (before any calibration), so the calibration depends on the model and this file only,
        not on values adopted from an earlier calibration."""
        return {case: {p.path: p.assumed for p in self.case_priors.get(case, ())} for case in self.cases}

    def stage(self, case: str) -> Calibration:
        """The second stage of one case as a calibration of its own: the case's parameters and
        the case's targets only (the economy's values are fixed by the first stage)."""
        return replace(self, priors=self.case_priors[case], sizes=self.sizes.second_stage,
                       quick=self.quick.second_stage,
                       targets=tuple(t for t in self.targets if t.case_name == case), case_priors={})


def load_calibration(path: str | Path | None = None) -> Calibration:
    """Reads calibration.toml strictly: every key known, every range inside (low < high, > 0 on a
    log scale), every target a measurable one of the targets file, a scale for every target of
    tolerance 0, and each measurable target either used or excluded with a reason."""
    path = Path(path) if path is not None else DEFAULT_CALIBRATION
    doc = read_toml(path, "calibration file")
    _only(path, "", doc, ("calibration", "quick", "parameter", "case_parameter", "target", "excluded"))
    head = _table(path, doc, "calibration")
    _only(path, "[calibration]", head, ("name", "targets", "seed") + SIZE_KEYS)
    for k in ("name", "targets", "seed") + SIZE_KEYS:
        if k not in head:
            raise AnalysisError(f"{path}: [calibration]: missing key '{k}'")
    if not isinstance(head["name"], str) or not head["name"]:
        raise AnalysisError(f"{path}: [calibration]: name must be a non-empty string")
    seed = head["seed"]
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise AnalysisError(f"{path}: [calibration]: seed must be an integer >= 0")
    quick_table = _table(path, doc, "quick")
    _only(path, "[quick]", quick_table, SIZE_KEYS)
    sizes, quick = _sizes(path, "[calibration]", head), _sizes(path, "[quick]", quick_table)

    priors = []
    for i, p in enumerate(_array(path, doc, "parameter")):
        where = f"[[parameter]] {i + 1}"
        _only(path, where, p, ("path", "range", "scale", "why"))
        if not isinstance(p.get("path"), str) or not p["path"].startswith("economy."):
            raise AnalysisError(f"{path}: {where}: path must be an economy parameter ('economy.NAME'), "
                                f"got {p.get('path')!r}")
        priors.append(_prior(path, f"{where} ({p['path']})", p, p["path"]))
    if not priors:
        raise AnalysisError(f"{path}: no [[parameter]] to calibrate")
    _unique(path, [p.path for p in priors])

    targets_file = (path.parent / head["targets"]).resolve()
    every = {t.key: t for t in load_targets(targets_file)}
    used, scales = [], {}
    for i, t in enumerate(_array(path, doc, "target")):
        _only(path, f"[[target]] {i + 1}", t, ("key", "scale", "scale_why"))
        key = t.get("key")
        if key not in every:
            raise AnalysisError(f"{path}: [[target]] {i + 1}: no target {key!r} in {targets_file}")
        target = every[key]
        if not target.measurable:
            raise AnalysisError(f"{path}: target '{key}' is not measurable ({target.reason})")
        if key in scales:
            raise AnalysisError(f"{path}: target '{key}' is given twice")
        if "scale" in t:
            s = t["scale"]
            if isinstance(s, bool) or not isinstance(s, (int, float)) or s <= 0 or "scale_why" not in t:
                raise AnalysisError(f"{path}: target '{key}': scale must be a number > 0, with scale_why")
            scales[key] = float(s)
        elif target.tolerance > 0:
            scales[key] = target.tolerance
        else:
            raise AnalysisError(f"{path}: target '{key}' has tolerance 0 in the targets file: give its "
                                "distance a scale (and scale_why)")
        used.append(target)
    if not used:
        raise AnalysisError(f"{path}: no measurable target to calibrate to ([[target]])")
    excluded = {}
    for i, x in enumerate(_array(path, doc, "excluded")):
        _only(path, f"[[excluded]] {i + 1}", x, ("key", "why"))
        key = x.get("key")
        if key not in every or key in scales or not isinstance(x.get("why"), str) or not x["why"].strip():
            raise AnalysisError(f"{path}: [[excluded]] {i + 1}: needs the key of a target of {targets_file.name} "
                                "that is not used, and why")
        excluded[key] = x["why"]
    left = [t.key for t in every.values() if t.measurable and t.key not in scales and t.key not in excluded]
    if left:
        raise AnalysisError(f"{path}: measurable target '{left[0]}' is neither a [[target]] nor [[excluded]] "
                            "(say why it is left out)")
    case_priors: dict[str, list[Prior]] = {}
    cases = {t.case_name: t.case for t in used}
    for i, p in enumerate(_array(path, doc, "case_parameter")):
        where = f"[[case_parameter]] {i + 1}"
        _only(path, where, p, ("case", "archetype", "key", "assumed", "range", "scale", "why"))
        for k in ("case", "archetype", "key"):
            if not isinstance(p.get(k), str) or not p[k]:
                raise AnalysisError(f"{path}: {where}: missing key '{k}' (a string)")
        case, archetype, key = p["case"], p["archetype"], p["key"]
        if case not in cases:
            raise AnalysisError(f"{path}: {where}: case '{case}' has no target in the distance "
                                f"(cases: {', '.join(cases)})")
        group = _archetype_group(cases[case], archetype, f"{path}: {where}")
        name = f"archetype.{archetype}.{key}"
        prior = _prior(path, f"{where} ({name})", p, f"population[{group}].{key}", case=case, name=name)
        a = p.get("assumed")
        if isinstance(a, bool) or not isinstance(a, (int, float)) or not prior.low <= a <= prior.high:
            raise AnalysisError(f"{path}: {where} ({name}): assumed must be the number the archetype had before "
                                f"the calibration, inside the range [{prior.low:g}, {prior.high:g}]")
        case_priors.setdefault(case, []).append(replace(prior, assumed=float(a)))
    _unique(path, [p.parameter for ps in case_priors.values() for p in ps])
    return Calibration(path=path, name=head["name"], seed=seed, sizes=sizes, quick=quick, priors=tuple(priors),
                       targets=tuple(used), scales=scales, excluded=excluded, targets_file=targets_file,
                       case_priors={c: tuple(ps) for c, ps in case_priors.items()})


def _prior(path: Path, where: str, p: Mapping, factor: str, *, case: str = "", name: str = "") -> Prior:
    """A [[parameter]] or [[case_parameter]]'s range, scale and why, checked."""
    for k in ("range", "scale", "why"):
        if k not in p:
            raise AnalysisError(f"{path}: {where}: missing key '{k}'")
    r = p["range"]
    if (not isinstance(r, list) or len(r) != 2 or any(isinstance(x, bool) or not isinstance(x, (int, float))
                                                        for x in r) or not r[0] < r[1]):
        raise AnalysisError(f"{path}: {where}: range must be [low, high] numbers with low < high")
    if p["scale"] not in SCALES:
        raise AnalysisError(f"{path}: {where}: scale must be linear or log, got {p['scale']!r}")
    if p["scale"] == "log" and r[0] <= 0:
        raise AnalysisError(f"{path}: {where}: a log scale needs low > 0")
    if not isinstance(p["why"], str) or not p["why"].strip():
        raise AnalysisError(f"{path}: {where}: 'why' must say why this range")
    return Prior(factor, float(r[0]), float(r[1]), p["scale"], p["why"], case, name)


def _unique(path: Path, names: Sequence[str]) -> None:
    if len(set(names)) != len(names):
        raise AnalysisError(f"{path}: parameter {next(x for x in names if names.count(x) > 1)} is given twice")


def _archetype_group(scenario: Path, archetype: str, where: str) -> int:
    """The index of the case scenario's one [[population]] group of `archetype`."""
    groups = [i for i, g in enumerate(read_toml(scenario, "case scenario").get("population", []))
              if isinstance(g, dict) and g.get("archetype") == archetype]
    if len(groups) != 1:
        raise AnalysisError(f"{where}: {scenario.name} has {len(groups)} population groups of archetype "
                            f"'{archetype}' (a case parameter needs exactly one)")
    return groups[0]


def _only(path: Path, where: str, table: Mapping, allowed: Sequence[str]) -> None:
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise AnalysisError(f"{path}: {where + ': ' if where else ''}unknown key '{unknown[0]}' "
                            f"(expected: {', '.join(allowed)})")


def _table(path: Path, doc: Mapping, key: str) -> Mapping:
    t = doc.get(key)
    if not isinstance(t, dict):
        raise AnalysisError(f"{path}: missing table [{key}]")
    return t


def _array(path: Path, doc: Mapping, key: str) -> list:
    a = doc.get(key, [])
    if not isinstance(a, list) or not all(isinstance(x, dict) for x in a):
        raise AnalysisError(f"{path}: {key} must be an array of tables ([[{key}]])")
    return a


def _sizes(path: Path, where: str, t: Mapping) -> Sizes:
    for k in SIZE_KEYS:
        if k not in t:
            raise AnalysisError(f"{path}: {where}: missing key '{k}'")
    for k in ("samples", "replicates", "check_replicates", "case_samples", "case_replicates"):
        if isinstance(t[k], bool) or not isinstance(t[k], int) or t[k] < 1:
            raise AnalysisError(f"{path}: {where}: {k} must be an integer >= 1")
    a = t["acceptance"]
    if isinstance(a, bool) or not isinstance(a, (int, float)) or not 0 < a <= 1:
        raise AnalysisError(f"{path}: {where}: acceptance must be a fraction in (0, 1]")
    return Sizes(t["samples"], t["replicates"], float(a), t["check_replicates"], t["case_samples"],
                 t["case_replicates"])


# ---------------------------------------------------------------------------------------------
# The experiments


def experiment_text(cal: Calibration, case: str, directory: str | Path, *, quick: bool = False,
                    fixed: Mapping[str, float] | None = None) -> str:
    """The LHS experiment of one case: the case scenario (relative to `directory`, where the
    experiment file is written), the calibration's factors in order, its seed and sizes. With
    `fixed` (the first stage: the case parameters' assumed values, `cal.assumed()[case]`; the
    second: `cal.stage(case)` and the economy's calibrated values), one arm sets those values
    in every run."""
    size = cal.size(quick)
    scenario = Path(_relative(cal.cases[case], Path(directory)))
    second = bool(cal.priors[0].case)      # a stage view's priors are a case's parameters
    stage = "second stage" if second else "first stage"
    lines = [f"# Written by tools/calibrate from {cal.path.name} ({'quick' if quick else 'full'} sizes): the",
             f"# prior sample of the rejection-ABC calibration ({stage}) on this case. Do not edit; edit the",
             "# calibration.", "[experiment]", f'name = "calibrate_{case}"', f'scenario = "{scenario.as_posix()}"',
             'design = "lhs"', f"samples = {size.samples}", f"replicates = {size.replicates}",
             f"seed = {cal.seed}", ""]
    for p in cal.priors:
        lines += ["[[factor]]", f'path = "{p.path}"', f"range = [{p.low!r}, {p.high!r}]", f'scale = "{p.scale}"', ""]
    if fixed:
        name = "economy_calibrated" if second else "case_assumed"
        lines += ["[[arm]]", f'name = "{name}"', f"set = {{ {_set_text(fixed)} }}", ""]
    return "\n".join(lines)


def _set_text(values: Mapping[str, float]) -> str:
    return ", ".join(f'"{k}" = {v!r}' for k, v in values.items())


def check_experiment_text(cal: Calibration, case: str, directory: str | Path, values: Mapping[str, float],
                          *, quick: bool = False, scenario: Path | None = None) -> str:
    """A factorial experiment of one case with two arms, `default` (the scenario as it is) and
    `calibrated` (the calibrated values set), `check_replicates` replicates each: what
    `ssesim-analysis targets` compares after a calibration. `scenario` is the case file of a
    case the calibration does not use (its targets are shown, not fitted)."""
    size = cal.size(quick)
    scenario = Path(_relative(scenario or cal.cases[case], Path(directory)))
    sets = _set_text(values)
    return "\n".join([
        f"# Written by tools/calibrate: case '{case}' at the shipped defaults and at the calibrated values.",
        "[experiment]", f'name = "check_{case}"', f'scenario = "{scenario.as_posix()}"', 'design = "factorial"',
        f"replicates = {size.check_replicates}", f"seed = {cal.seed}", "",
        "[[arm]]", 'name = "default"', "", "[[arm]]", 'name = "calibrated"', f"set = {{ {sets} }}", ""])


def _relative(target: Path, directory: Path) -> str:
    import os
    return os.path.relpath(target.resolve(), directory.resolve())


# ---------------------------------------------------------------------------------------------
# Distance and acceptance


def distance_terms(simulated: pd.DataFrame, targets: Sequence[Target], scales: Mapping[str, float]) -> pd.DataFrame:
    """Per design point (row) and target (column): the deviation e_t in units of the target's
    scale: (simulated - target) / s for "about"; only the violation for the one-sided ones,
    max(0, target - simulated) / s ("at_least") or max(0, simulated - target) / s ("at_most").
    A missing simulated value (NaN) stays NaN."""
    out = {}
    for t in targets:
        x = simulated[t.key].to_numpy(dtype=float)
        s = scales[t.key]
        if t.relation == "about":
            e = (x - t.target) / s
        elif t.relation == "at_least":
            e = np.maximum(0.0, t.target - x) / s
        else:
            e = np.maximum(0.0, x - t.target) / s
        out[t.key] = np.where(np.isfinite(x), e, np.nan)
    return pd.DataFrame(out, index=simulated.index)


def distance(terms: pd.DataFrame) -> pd.Series:
    """sqrt(mean over targets of e_t^2); inf where a target has no value."""
    e = terms.to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        d = np.sqrt(np.mean(e ** 2, axis=1))
    d[~np.all(np.isfinite(e), axis=1)] = np.inf
    return pd.Series(d, index=terms.index, name="distance")


def accepted_count(points: int, acceptance: float) -> int:
    """How many of `points` design points the rejection keeps: round(acceptance x points), at
    least 1 (half rounds up)."""
    return max(1, min(points, math.floor(acceptance * points + 0.5)))


def accept(distances: pd.Series, acceptance: float) -> pd.Series:
    """True for the accepted_count closest points; ties go to the earlier point (a stable sort)."""
    k = accepted_count(len(distances), acceptance)
    order = np.argsort(distances.to_numpy(dtype=float), kind="stable")
    keep = np.zeros(len(distances), dtype=bool)
    keep[order[:k]] = True
    return pd.Series(keep, index=distances.index, name="accepted")


# ---------------------------------------------------------------------------------------------
# Matching the cases' sweeps by design point


def design_points(runs: pd.DataFrame, factors: Sequence[str], path: str) -> tuple[pd.Series, list[tuple]]:
    """The design point of every run: the tuple of its factor values, numbered in the order the
    points first appear (the LHS order). Returns the point number per run (indexed by run) and
    the points."""
    missing = [c for c in factors if c not in runs.columns]
    if missing:
        raise AnalysisError(f"{path}: the runs table has no factor column '{missing[0]}'")
    keys = list(zip(*(runs[c].to_numpy(dtype=float) for c in factors)))
    numbers: dict[tuple, int] = {}
    for k in keys:
        numbers.setdefault(k, len(numbers))
    return pd.Series([numbers[k] for k in keys], index=runs["run"].to_numpy(), name="point"), list(numbers)


def match_points(tables: Mapping[str, pd.DataFrame], factors: Sequence[str]) -> tuple[dict[str, pd.Series], list]:
    """Matches the runs of every case's sweep to one list of design points by their factor values
    (exactly: the same LHS gives bit-identical values). Every case must have the same points,
    each with the same number of replicates. Returns per case the point number of each run, and
    the points (tuples of factor values, in the first case's order)."""
    first = next(iter(tables))
    _, points = design_points(tables[first], factors, first)
    index = {p: i for i, p in enumerate(points)}
    per_case = {}
    for path, runs in tables.items():
        numbers, theirs = design_points(runs, factors, path)
        strange = [p for p in theirs if p not in index]
        if strange or len(theirs) != len(points):
            example = dict(zip(factors, strange[0])) if strange else None
            raise AnalysisError(f"{path}: its design points differ from {first}'s ({len(theirs)} points against "
                                f"{len(points)}{', e.g. ' + _point_text(example) if example else ''}): "
                                "sweeps of one calibration have the same factors, ranges, seed and samples")
        point = pd.Series([index[theirs[n]] for n in numbers], index=numbers.index, name="point")
        reps = point.value_counts()
        if reps.nunique() != 1:
            raise AnalysisError(f"{path}: design points have different numbers of runs ({reps.min()} to {reps.max()})")
        per_case[path] = point
    counts = {p: int(s.value_counts().iloc[0]) for p, s in per_case.items()}
    if len(set(counts.values())) != 1:
        raise AnalysisError("the sweeps have different replicates per design point: "
                            + ", ".join(f"{p} {n}" for p, n in counts.items()))
    return per_case, points


def _point_text(values: Mapping[str, float]) -> str:
    return ", ".join(f"{k} = {v:.6g}" for k, v in values.items())


# ---------------------------------------------------------------------------------------------
# The calibration


@dataclass
class Result:
    calibration: Calibration
    points: pd.DataFrame            # per design point: factors, simulated target values, terms, distance, accepted
    posterior: pd.DataFrame         # per parameter: prior range and scale, median, q05, q95
    files: dict[str, str]           # case -> sweep file
    replicates: int
    acceptance: float
    ssesim_commits: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> pd.DataFrame:
        return self.points[self.points["accepted"]].sort_values("distance", kind="stable")

    @property
    def values(self) -> dict[str, float]:
        """The calibrated values: the posterior medians, by parameter name."""
        return {r.parameter: float(r.median) for r in self.posterior.itertuples()}

    @property
    def settings(self) -> dict[str, float]:
        """The calibrated values as written in the fragment (4 significant digits), by the
        factor's path in the sweeps: what the next stage and the check set."""
        return {p.path: float(_short(v)) for p, v in zip(self.calibration.priors, self.values.values())}


@dataclass
class Calibrated:
    """Both stages: the economy's parameters on every case, then each case's own parameters on
    its targets with the economy at its calibrated values."""
    economy: Result
    cases: dict[str, Result]


def calibrate_all(files: Sequence[str | Path], cal: Calibration, *, acceptance: float | None = None) -> Calibrated:
    """The two-stage calibration over the first stage's sweeps (one per case, the economy's
    factors) and the second stage's (one per case with case parameters, its factors, every run
    at the first stage's calibrated economy)."""
    first, second = split_sweeps(files, cal)
    economy = calibrate(first, cal, acceptance=acceptance, fixed=cal.assumed())
    fixed = economy.settings
    missing = [c for c in cal.case_priors if c not in second]
    if missing:
        raise AnalysisError(f"no second-stage sweep of case '{missing[0]}' (its parameters: "
                            f"{', '.join(p.parameter for p in cal.case_priors[missing[0]])})")
    cases = {case: calibrate([second[case]], cal.stage(case), acceptance=acceptance, fixed={case: fixed})
             for case in cal.case_priors}
    return Calibrated(economy, cases)


def split_sweeps(files: Sequence[str | Path], cal: Calibration) -> tuple[list[str], dict[str, str]]:
    """The first stage's sweeps (the economy's factors) and the second stage's, by case (the
    case's factors), told apart by the factors their experiment varies."""
    economy = [p.path for p in cal.priors]
    first, second = [], {}
    for path in map(str, files):
        with open_run(path) as f:
            text = f.attributes.get("experiment")
            name = scenario_name(f)
        factors = [x.get("path") for x in tomllib.loads(text).get("factor", [])] if isinstance(text, str) else []
        if name in cal.case_priors and factors == [p.path for p in cal.case_priors[name]]:
            if name in second:
                raise AnalysisError(f"{path}: a second second-stage sweep of case '{name}' (the first: {second[name]})")
            second[name] = path
        elif not isinstance(text, str) or factors == economy or name not in cal.case_priors:
            first.append(path)       # calibrate() checks it further
        else:
            raise AnalysisError(f"{path}: a sweep of factors {', '.join(map(str, factors)) or 'none'}: neither the "
                                f"economy's ({', '.join(economy)}) nor case '{name}''s "
                                f"({', '.join(p.path for p in cal.case_priors[name])})")
    return first, second


def calibrate(files: Sequence[str | Path], cal: Calibration, *, acceptance: float | None = None,
              fixed: Mapping[str, Mapping[str, float]] | None = None) -> Result:
    """Rejection ABC over the per-case LHS sweeps `files` (one per case of the targets used).
    `fixed`: per case, the values every run of its sweep must set in its one arm (the first
    stage: the case parameters' assumed values, `cal.assumed()`; the second: the calibrated
    economy); a case not in it sets nothing."""
    acceptance = cal.sizes.acceptance if acceptance is None else acceptance
    if not 0 < acceptance <= 1:
        raise AnalysisError(f"acceptance must be a fraction in (0, 1], got {acceptance:g}")
    factors = [p.path for p in cal.priors]
    by_case: dict[str, str] = {}
    runs_tables: dict[str, pd.DataFrame] = {}
    commits = []
    for path in map(str, files):
        with open_run(path) as f:
            name = scenario_name(f)
            if name not in cal.cases:
                raise AnalysisError(f"{path}: a sweep of scenario '{name}', which no target of the calibration "
                                    f"uses (cases: {', '.join(cal.cases)})")
            if name in by_case:
                raise AnalysisError(f"{path}: a second sweep of case '{name}' (the first: {by_case[name]})")
            if "runs" not in f._file:
                raise AnalysisError(f"{path}: a single run, not a sweep: the calibration needs the LHS sweep "
                                    "of each case (tools/calibrate)")
            _check_design(path, f.attributes, cal, factors, (fixed or {}).get(name, {}))
            runs = f.runs()
            require_complete(runs)
            other = sorted(set(factor_columns(runs)) - set(factors))
            if other:
                raise AnalysisError(f"{path}: the sweep also varies {', '.join(other)}, which the calibration "
                                    "does not")
            by_case[name] = path
            runs_tables[path] = runs
            commits.append(str(f.attributes.get("git_commit", "unknown")))
    missing = [c for c in cal.cases if c not in by_case]
    if missing:
        needs = [t.key for t in cal.targets if t.case_name == missing[0]]
        raise AnalysisError(f"no sweep of case '{missing[0]}', which target(s) {', '.join(needs)} are measured on "
                            f"(give one sweep per case: {', '.join(cal.cases)})")
    per_case, points = match_points(runs_tables, factors)
    n_points = len(points)
    replicates = int(next(iter(per_case.values())).value_counts().iloc[0])
    simulated = target_means(cal, by_case, per_case, pd.RangeIndex(n_points, name="point"))
    terms = distance_terms(simulated, cal.targets, cal.scales)
    d = distance(terms)
    table = pd.DataFrame(points, columns=factors, index=simulated.index)
    table = pd.concat([table, simulated, terms.add_prefix("e_")], axis=1)
    table["distance"] = d
    table["accepted"] = accept(d, acceptance)
    posterior = summarise(table[table["accepted"]], cal.priors)
    return Result(cal, table, posterior, {c: by_case[c] for c in cal.cases}, replicates, acceptance,
                  sorted(set(commits)))


def summarise(accepted: pd.DataFrame, priors: Sequence[Prior]) -> pd.DataFrame:
    """Per parameter: the prior range and scale, and the accepted points' median and 5th and
    95th percentiles (a 90% posterior interval; numpy's linear interpolation)."""
    rows = []
    for p in priors:
        x = accepted[p.path].to_numpy(dtype=float)
        rows.append({"parameter": p.parameter, "prior_low": p.low, "prior_high": p.high, "prior_scale": p.scale,
                     "median": float(np.median(x)), "q05": float(np.quantile(x, 0.05)),
                     "q95": float(np.quantile(x, 0.95))})
    return pd.DataFrame(rows)


def _check_design(path: str, attributes: Mapping, cal: Calibration, factors: Sequence[str],
                  fixed: Mapping[str, float]) -> None:
    """The sweep's experiment must be the calibration's LHS: same factors in order, ranges,
    scales and seed, and one arm that sets exactly `fixed` (none: nothing)."""
    text = attributes.get("experiment")
    if not isinstance(text, str):
        raise AnalysisError(f"{path}: no 'experiment' root attribute: not a sweep file")
    ex = tomllib.loads(text)
    head = ex.get("experiment", {})
    if head.get("design") != "lhs":
        raise AnalysisError(f"{path}: design '{head.get('design')}', the calibration needs an lhs sweep")
    theirs = [f.get("path") for f in ex.get("factor", [])]
    if theirs != list(factors):
        raise AnalysisError(f"{path}: a sweep of factors {', '.join(map(str, theirs)) or 'none'}, but the "
                            f"calibration's are {', '.join(factors)} (in that order)")
    for f, p in zip(ex["factor"], cal.priors):
        if [float(x) for x in f.get("range", [])] != [p.low, p.high] or f.get("scale", "linear") != p.scale:
            raise AnalysisError(f"{path}: factor {p.path} has range {f.get('range')} ({f.get('scale')}), the "
                                f"calibration [{p.low:g}, {p.high:g}] ({p.scale})")
    if head.get("seed") != cal.seed:
        raise AnalysisError(f"{path}: seed {head.get('seed')}, the calibration's is {cal.seed}")
    arms = ex.get("arm", [])
    sets = arms[0].get("set", {}) if len(arms) == 1 else {}
    if len(arms) > 1 or sets != dict(fixed):
        wanted = f"sets {_set_text(fixed)}" if fixed else "sets nothing"
        raise AnalysisError(f"{path}: its arms ({', '.join(_set_text(a.get('set', {})) or a.get('name', '?') for a in arms)}) "
                            f"differ from the calibration's one arm, which {wanted}")


def target_means(cal: Calibration, by_case: Mapping[str, str], groups: Mapping[str, pd.Series],
                 index: pd.Index) -> pd.DataFrame:
    """Each target's simulated value per group of runs (a design point, an arm): the mean over
    the group's runs that have a value. `groups[path]` labels each run of that sweep (by run
    number) with a label of `index`."""
    simulated = pd.DataFrame(index=index)
    for t in cal.targets:
        path = by_case[t.case_name]
        with open_run(path) as f:
            values = per_run(t, f)
        label = groups[path].reindex(values.index)
        simulated[t.key] = values.groupby(label.to_numpy()).mean().reindex(index).to_numpy()
    return simulated


def arm_distances(files: Sequence[str | Path], cal: Calibration) -> pd.Series:
    """The calibration's distance of each arm of sweeps of fixed scenarios (one sweep per case,
    the same arms in each, e.g. tools/calibrate's check: `default` and `calibrated`), each
    target's value the mean over the arm's replicates that have one: how far the shipped
    defaults and the calibrated values are from the targets, on the distance the
    calibration minimised."""
    by_case: dict[str, str] = {}
    arms: dict[str, pd.Series] = {}
    for path in map(str, files):
        with open_run(path) as f:
            by_case[scenario_name(f)] = path
            runs = f.runs()
            require_complete(runs)
            arms[path] = pd.Series(runs["arm"].astype(str).to_numpy(), index=runs["run"].to_numpy())
    missing = [c for c in cal.cases if c not in by_case]
    if missing:
        raise AnalysisError(f"no sweep of case '{missing[0]}' among the files")
    names = list(dict.fromkeys(next(iter(arms.values()))))
    simulated = target_means(cal, by_case, arms, pd.Index(names, name="arm"))
    return distance(distance_terms(simulated, cal.targets, cal.scales))


# ---------------------------------------------------------------------------------------------
# Writing


def source_commit() -> str:
    """The git commit of the source tree this package runs from, or 'unknown'."""
    try:
        out = subprocess.run(["git", "-C", str(Path(__file__).resolve().parent), "rev-parse", "--short=12", "HEAD"],
                             capture_output=True, text=True, timeout=10)
        dirty = subprocess.run(["git", "-C", str(Path(__file__).resolve().parent), "status", "--porcelain",
                                "--untracked-files=no"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    if out.returncode != 0:
        return "unknown"
    return out.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")


def fragment(result: Calibrated, command: str, date: str | None = None, commit: str | None = None) -> str:
    """The calibrated values as a TOML fragment: [economy] (the first stage) and one
    [archetype.NAME] table per archetype of the second stage (keys of scenarios/archetypes.toml),
    with how they were produced in its header."""
    first = result.economy
    cal = first.calibration
    date = date or _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    commit = commit or source_commit()
    best = first.accepted["distance"]
    lines = [
        "# Calibrated values (issue 9): the posterior medians of a two-stage rejection-ABC calibration",
        f"# ({cal.path.name}: Pritchard et al. 1999; Beaumont et al. 2002) to the SILK case targets.",
        f"# Command: {command}",
        f"# Date: {date}; source commit {commit}; ssesim commit(s) of the sweeps: "
        f"{', '.join(sorted(set(first.ssesim_commits).union(*(r.ssesim_commits for r in result.cases.values()))))}",
        f"# First stage, [economy]: {len(first.points)} LHS design points x {first.replicates} replicate(s) on "
        f"{len(first.files)} case(s) ({', '.join(first.files)}); accepted {int(first.points['accepted'].sum())} "
        f"(acceptance {first.acceptance:g}), distance {best.min():.4g} to {best.max():.4g} (0: every target exactly;",
        "# 1: off by one tolerance on average).",
        f"# Targets in the distance: {', '.join(t.key for t in cal.targets)}.",
    ]
    for case, r in result.cases.items():
        d = r.accepted["distance"]
        lines.append(f"# Second stage, case {case} at the [economy] values below: {len(r.points)} LHS points x "
                     f"{r.replicates} replicate(s), accepted {int(r.points['accepted'].sum())}, distance {d.min():.4g} "
                     f"to {d.max():.4g} on its targets ({', '.join(t.key for t in r.calibration.targets)}).")
    lines += ["# The shipped defaults are these values: [economy] in sim/scenario/registry.cpp, [archetype.*] in",
              "# scenarios/archetypes.toml (tests/integration/test_calibrated.py checks that they agree).",
              "[economy]"]
    lines += _value_lines(first, "economy.")
    for r in result.cases.values():
        archetype = r.calibration.priors[0].parameter.rsplit(".", 1)[0]
        lines += ["", f"[{archetype}]"]
        lines += _value_lines(r, archetype + ".")
    return "\n".join(lines) + "\n"


def fragment_settings(cal: Calibration, doc: Mapping) -> dict[str, dict[str, float]]:
    """Per case of the calibration, the parameter paths and values its runs set to be at the
    values of a calibrated fragment `doc` (as read from calibrated.toml)."""
    economy = doc.get("economy", {})
    missing = [p.path for p in cal.priors if p.path.removeprefix("economy.") not in economy]
    if missing:
        raise AnalysisError(f"the calibrated fragment has no [economy] {missing[0].removeprefix('economy.')}")
    out = {}
    for case in cal.cases:
        values = {p.path: float(economy[p.path.removeprefix("economy.")]) for p in cal.priors}
        for p in cal.case_priors.get(case, ()):
            _, archetype, key = p.parameter.split(".")
            value = doc.get("archetype", {}).get(archetype, {}).get(key)
            if value is None:
                raise AnalysisError(f"the calibrated fragment has no [archetype.{archetype}] {key} (case {case}'s parameter)")
            values[p.path] = float(value)
        out[case] = values
    return out


def _value_lines(result: Result, prefix: str) -> list[str]:
    names = [r.parameter.removeprefix(prefix) for r in result.posterior.itertuples()]
    width = max(map(len, names))
    return [f"{name:<{width}} = {_short(r.median)}   # prior [{r.prior_low:g}, {r.prior_high:g}] {r.prior_scale}; "
            f"90% posterior interval [{_short(r.q05)}, {_short(r.q95)}]"
            for name, r in zip(names, result.posterior.itertuples())]


def _short(x: float) -> str:
    """A float with 4 significant digits that TOML reads as a float."""
    text = f"{x:.4g}"
    return text if any(c in text for c in ".e") else text + ".0"


def write(result: Calibrated, directory: str | Path, command: str, *, fragment_path: str | Path | None = None,
          overwrite: bool = False) -> list[Path]:
    """Writes DIR/points.csv (every design point of the first stage), DIR/posterior.csv (its
    accepted ones, closest first), DIR/points_CASE.csv and DIR/posterior_CASE.csv (the second
    stage of each case), DIR/posterior.json (settings, per-parameter summary, accepted points of
    every stage) and the TOML fragment (DIR/calibrated.toml unless `fragment_path`). Existing
    files are refused unless `overwrite`."""
    directory = Path(directory)
    paths = [directory / "points.csv", directory / "posterior.csv", directory / "posterior.json",
             Path(fragment_path) if fragment_path else directory / "calibrated.toml"]
    stages = {case: (directory / f"points_{case}.csv", directory / f"posterior_{case}.csv") for case in result.cases}
    every = paths + [p for pair in stages.values() for p in pair]
    if directory.exists() and not directory.is_dir():
        raise AnalysisError(f"{directory}: not a directory")
    existing = [str(p) for p in every if p.exists()]
    if existing and not overwrite:
        raise AnalysisError(f"{existing[0]} exists: use --overwrite to replace it")
    first = result.economy
    cal = first.calibration

    def summary(r: Result) -> dict:
        return {"design_points": len(r.points), "replicates": r.replicates, "acceptance": r.acceptance,
                "accepted": int(r.points["accepted"].sum()), "files": r.files, "ssesim_commits": r.ssesim_commits,
                "targets": [{"key": t.key, "case": t.case_name, "relation": t.relation, "target": t.target,
                             "scale": cal.scales[t.key]} for t in r.calibration.targets],
                "parameters": [dict(row, case=p.case) for row, p in
                               zip(json.loads(r.posterior.to_json(orient="records")), r.calibration.priors)],
                "accepted_points": json.loads(r.accepted.reset_index().to_json(orient="records"))}

    try:
        directory.mkdir(parents=True, exist_ok=True)
        paths[3].parent.mkdir(parents=True, exist_ok=True)
        first.points.to_csv(paths[0], index_label="point")
        first.accepted.to_csv(paths[1], index_label="point")
        for case, (points, accepted) in stages.items():
            result.cases[case].points.to_csv(points, index_label="point")
            result.cases[case].accepted.to_csv(accepted, index_label="point")
        doc = {"calibration": str(cal.path), "targets_file": str(cal.targets_file), "method": "rejection ABC",
               "seed": cal.seed, **summary(first), "command": command, "excluded": dict(cal.excluded),
               "stages": {case: dict(summary(r), fixed=first.settings) for case, r in result.cases.items()}}
        doc["parameters"] += [p for stage in doc["stages"].values() for p in stage["parameters"]]
        paths[2].write_text(json.dumps(doc, indent=1) + "\n")
        paths[3].write_text(fragment(result, command))
    except OSError as e:
        raise AnalysisError(f"{directory}: cannot write: {e.strerror or e}") from None
    return every
