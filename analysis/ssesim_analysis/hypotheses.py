"""The SILK beliefs put to the test (issue 9): one row per comparison of the hypotheses manifest
(`scenarios/hypotheses/hypotheses.toml`), measured on the sweeps of its experiment files.

Each row names an experiment, the named values it compares (an arm of that experiment, an
indicator and a selection of countries and kinds) and the effect, an arithmetic expression of
those values evaluated replicate by replicate: the arms of a sweep share their replicates'
random numbers, so the effect's per-replicate values are paired differences (Law 2015, §11.2).
The row reports the mean effect over the replicates with its Student-t interval and a verdict
against the belief's direction:

- direction "greater" (the belief says the effect is positive): supported if the interval lies
  above 0; not supported if it lies at or below 0, or if the effect is 0 in every replicate;
  inconclusive if it straddles 0.
- direction "less": the mirror image.
- direction "not_less" (a belief that something is kept, e.g. values): supported if the
  interval lies above -margin; not supported if it lies below -margin; else inconclusive.

An indicator is one or more datasets summed (a leading "-" subtracts one) over the selection,
divided by a count dataset summed over the same selection when `per` names one (a mean per
organisation, or per exporter), and reduced over the steps: the last step ("final"), the mean
over a window of steps ("mean"), or the least-squares slope over that window, per year
("slope"). `max(...)` and `min(...)` in an effect are taken replicate by replicate: against a
belief that a mix beats the better single arm, this favours the single arms.

Nothing here knows what a belief should give: the rows are what the model does, read as the
manifest says, and a belief the model does not support is reported as such.
"""
from __future__ import annotations

import ast
import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import AnalysisError, read_toml
from .experiment import require_complete
from .io import open_run
from .stats import mean_interval

#: The manifest shipped with ssesim, used when none is named.
DEFAULT_MANIFEST = Path(__file__).resolve().parents[2] / "scenarios" / "hypotheses" / "hypotheses.toml"

DIRECTIONS = ("greater", "less", "not_less")
REDUCTIONS = ("final", "mean", "slope")
VERDICTS = ("supported", "not supported", "inconclusive")
HYPOTHESIS_KEYS = {"name", "belief", "experiment", "effect", "direction", "indicator", "where", "per",
                   "at", "steps", "margin", "values", "null", "caveat"}
VALUE_KEYS = {"arm", "indicator", "where", "per"}


@dataclass(frozen=True)
class Value:
    """One named quantity of an effect: an arm's indicator over a selection, per replicate."""
    arm: str
    indicator: tuple[tuple[int, str], ...]   # (+1 or -1, dataset)
    where: tuple[tuple[str, tuple[str, ...]], ...]
    per: str | None

    def describe(self) -> str:
        terms = " ".join(("- " if sign < 0 else "+ ") + name for sign, name in self.indicator).lstrip("+ ")
        text = f"({terms})" if len(self.indicator) > 1 else terms
        if self.per:
            text += f" per {self.per}"
        return text


@dataclass(frozen=True)
class Hypothesis:
    """One row of the manifest, checked."""
    name: str
    belief: str
    experiment: Path        # the experiment file
    experiment_name: str    # its [experiment].name, which the sweep carries
    output_stem: str        # the file name the sweep is looked for under the results directory
    arms: tuple[str, ...]   # the experiment's arms
    effect: str
    direction: str
    margin: float
    at: str
    steps: tuple[int, int] | None   # first and last step of the window (None: every step)
    values: Mapping[str, Value]
    null: str
    caveat: str


def load_manifest(path: str | Path | None = None) -> list[Hypothesis]:
    """The hypotheses of a manifest, checked strictly: every key known, every experiment file
    readable, every arm and value of an effect defined."""
    path = Path(path) if path is not None else DEFAULT_MANIFEST
    doc = read_toml(path, "hypotheses manifest")
    unknown = sorted(set(doc) - {"hypothesis"})
    if unknown:
        raise AnalysisError(f"{path}: unknown top-level key '{unknown[0]}' (expected [[hypothesis]] tables)")
    rows = doc.get("hypothesis")
    if not isinstance(rows, list) or not rows:
        raise AnalysisError(f"{path}: no [[hypothesis]] table")
    out: list[Hypothesis] = []
    experiments: dict[Path, tuple[str, str, tuple[str, ...]]] = {}
    for i, row in enumerate(rows):
        where = f"{path}: hypothesis[{i}]"
        if not isinstance(row, dict):
            raise AnalysisError(f"{where}: must be a table")
        if isinstance(row.get("name"), str):
            where = f"{path}: hypothesis '{row['name']}'"
        h = _hypothesis(path, where, row, experiments)
        if any(h.name == other.name for other in out):
            raise AnalysisError(f"{where}: the name is used twice")
        out.append(h)
    return out


def _hypothesis(path: Path, where: str, row: Mapping, experiments: dict) -> Hypothesis:
    unknown = sorted(set(row) - HYPOTHESIS_KEYS)
    if unknown:
        raise AnalysisError(f"{where}: unknown key '{unknown[0]}' (keys: {', '.join(sorted(HYPOTHESIS_KEYS))})")
    for key in ("name", "belief", "experiment", "effect", "direction", "null", "caveat"):
        if not isinstance(row.get(key), str) or not row[key].strip():
            raise AnalysisError(f"{where}: '{key}' must be a non-empty string")
    direction = row["direction"]
    if direction not in DIRECTIONS:
        raise AnalysisError(f"{where}: direction must be one of {', '.join(DIRECTIONS)}, got '{direction}'")
    margin = row.get("margin", 0.0)
    if direction == "not_less":
        if not isinstance(margin, (int, float)) or isinstance(margin, bool) or not margin >= 0 or not math.isfinite(margin):
            raise AnalysisError(f"{where}: 'margin' must be a number >= 0 (the loss the belief tolerates)")
    elif "margin" in row:
        raise AnalysisError(f"{where}: 'margin' applies only to direction 'not_less'")
    at = row.get("at", "final")
    if at not in REDUCTIONS:
        raise AnalysisError(f"{where}: 'at' must be one of {', '.join(REDUCTIONS)}, got '{at}'")
    steps = row.get("steps")
    if steps is not None:
        if (not isinstance(steps, list) or len(steps) != 2 or not all(isinstance(s, int) and not isinstance(s, bool) for s in steps)
                or not 0 <= steps[0] < steps[1]):
            raise AnalysisError(f"{where}: 'steps' must be [first, last] with 0 <= first < last")
        if at == "final":
            raise AnalysisError(f"{where}: 'steps' applies only to at = 'mean' or 'slope'")
        steps = (steps[0], steps[1])
    elif at == "slope":
        raise AnalysisError(f"{where}: at = 'slope' needs 'steps' = [first, last]")
    experiment = (path.parent / row["experiment"]).resolve()
    if experiment not in experiments:
        experiments[experiment] = _experiment(experiment, where)
    experiment_name, stem, arms = experiments[experiment]
    default = {k: row[k] for k in ("indicator", "where", "per") if k in row}
    values: dict[str, Value] = {}
    named = row.get("values", {})
    if not isinstance(named, dict):
        raise AnalysisError(f"{where}: 'values' must be a table of named values")
    for name, spec in named.items():
        if not isinstance(spec, dict):
            raise AnalysisError(f"{where}: values.{name} must be a table")
        bad = sorted(set(spec) - VALUE_KEYS)
        if bad:
            raise AnalysisError(f"{where}: values.{name}: unknown key '{bad[0]}' (keys: {', '.join(sorted(VALUE_KEYS))})")
        values[name] = _value(f"{where}: values.{name}", {**default, **spec}, arms)
    names = _names(row["effect"], where)
    for name in names:
        if name in values:
            continue
        if name not in arms:
            raise AnalysisError(f"{where}: the effect names '{name}', which is neither a value of 'values' "
                                f"nor an arm of {experiment.name} (arms: {', '.join(arms)})")
        values[name] = _value(f"{where}: arm '{name}'", {**default, "arm": name}, arms)
    unused = sorted(set(values) - set(names))
    if unused:
        raise AnalysisError(f"{where}: value '{unused[0]}' is not used by the effect")
    return Hypothesis(name=row["name"], belief=row["belief"], experiment=experiment,
                      experiment_name=experiment_name, output_stem=stem, arms=arms, effect=row["effect"],
                      direction=direction, margin=float(margin), at=at, steps=steps, values=values,
                      null=row["null"], caveat=row["caveat"])


def _experiment(path: Path, where: str) -> tuple[str, str, tuple[str, ...]]:
    doc = read_toml(path, f"experiment file (named by {where})")
    table = doc.get("experiment", {})
    name = table.get("name") if isinstance(table, dict) else None
    if not isinstance(name, str):
        raise AnalysisError(f"{path}: no [experiment].name")
    output = table.get("output") or f"results/{name}.h5"
    arms = tuple(a.get("name") for a in doc.get("arm", []) if isinstance(a, dict))
    if not arms or not all(isinstance(a, str) for a in arms):
        raise AnalysisError(f"{path}: every [[arm]] needs a name")
    return name, Path(output).name, arms


def _value(where: str, spec: Mapping, arms: Sequence[str]) -> Value:
    arm = spec.get("arm")
    if arm not in arms:
        raise AnalysisError(f"{where}: arm '{arm}' is not an arm of the experiment (arms: {', '.join(arms)})")
    indicator = spec.get("indicator")
    if isinstance(indicator, str):
        indicator = [indicator]
    if not isinstance(indicator, list) or not indicator or not all(isinstance(d, str) and d.lstrip("-") for d in indicator):
        raise AnalysisError(f"{where}: 'indicator' must be a dataset name or a list of them (a leading '-' subtracts)")
    terms = tuple((-1 if d.startswith("-") else 1, d.lstrip("-")) for d in indicator)
    selection = spec.get("where", {})
    if not isinstance(selection, dict) or not all(
            isinstance(v, list) and v and all(isinstance(x, str) for x in v) for v in selection.values()):
        raise AnalysisError(f"{where}: 'where' must map dimensions to non-empty lists of labels")
    per = spec.get("per")
    if per is not None and not isinstance(per, str):
        raise AnalysisError(f"{where}: 'per' must name a count dataset (e.g. organisations)")
    return Value(arm=arm, indicator=terms, where=tuple((k, tuple(v)) for k, v in selection.items()), per=per)


_BINARY = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.divide}
_CALLS = {"max": np.maximum, "min": np.minimum}


def _names(effect: str, where: str) -> list[str]:
    """The value names an effect uses, in order of first use; refuses anything but + - * /,
    unary minus, numbers, names and max()/min() of two or more terms."""
    try:
        tree = ast.parse(effect, mode="eval")
    except SyntaxError:
        raise AnalysisError(f"{where}: effect '{effect}' is not an expression") from None
    names: list[str] = []

    def visit(node):
        if isinstance(node, ast.Expression):
            return visit(node.body)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            return visit(node.left), visit(node.right)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return visit(node.operand)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return None
        if isinstance(node, ast.Name):
            if node.id in _CALLS:
                raise AnalysisError(f"{where}: effect '{effect}': {node.id} must be called")
            if node.id not in names:
                names.append(node.id)
            return None
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _CALLS
                and len(node.args) >= 2 and not node.keywords):
            return [visit(a) for a in node.args]
        raise AnalysisError(f"{where}: effect '{effect}' may use only value names, numbers, + - * /, "
                            f"and max()/min() of two or more terms")

    visit(tree)
    if not names:
        raise AnalysisError(f"{where}: effect '{effect}' names no value")
    return names


def evaluate_effect(effect: str, values: Mapping[str, np.ndarray]) -> np.ndarray:
    """The effect's value per replicate: `values` maps each name to one number per replicate."""
    def ev(node):
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.BinOp):
            with np.errstate(divide="ignore", invalid="ignore"):
                return _BINARY[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp):
            return -ev(node.operand)
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.Name):
            return values[node.id]
        result = ev(node.args[0])
        for arg in node.args[1:]:
            result = _CALLS[node.func.id](result, ev(arg))
        return result
    return np.asarray(ev(ast.parse(effect, mode="eval")), dtype=np.float64)


def window(frame: pd.DataFrame, at: str, steps: tuple[int, int] | None) -> pd.DataFrame:
    """The steps (columns) of a run x step table a reduction reads: the last one ("final"), or
    those in [first, last] (every step without a window)."""
    if at == "final":
        return frame.iloc[:, -1:]
    if steps is None:
        return frame
    columns = np.asarray(frame.columns, dtype=np.int64)
    keep = (columns >= steps[0]) & (columns <= steps[1])
    if keep.sum() < 2:
        raise AnalysisError(f"the step window {steps[0]}-{steps[1]} holds fewer than 2 recorded steps")
    return frame.loc[:, keep]


def reduce_series(frame: pd.DataFrame, at: str, steps_per_year: int) -> pd.Series:
    """One number per run (row) of a windowed run x step table: its last column ("final"), its
    mean ("mean"), or its least-squares slope over the steps, per year ("slope")."""
    if at == "final":
        return frame.iloc[:, -1]
    if at == "mean":
        return frame.mean(axis=1)
    years = np.asarray(frame.columns, dtype=np.float64) / steps_per_year
    x = years - years.mean()
    y = frame.to_numpy(dtype=np.float64)
    slope = (y - y.mean(axis=1, keepdims=True)) @ x / float(x @ x)
    return pd.Series(slope, index=frame.index)


def verdict(direction: str, low: float, high: float, effects: np.ndarray, margin: float = 0.0) -> str:
    """supported, not supported or inconclusive, by the rules of the module docstring."""
    if direction == "not_less":
        if low > -margin:
            return "supported"
        return "not supported" if high < -margin else "inconclusive"
    if not np.any(effects):
        return "not supported"
    if direction == "less":
        low, high = -high, -low
    if low > 0:
        return "supported"
    return "not supported" if high <= 0 else "inconclusive"


def sweep_path(h: Hypothesis, results: str | Path) -> Path:
    return Path(results) / h.output_stem


def measure(h: Hypothesis, path: str | Path, *, confidence: float = 0.95) -> dict:
    """The row of one hypothesis measured on the sweep of its experiment at `path`."""
    per_value: dict[str, np.ndarray] = {}
    replicates = None
    with open_run(path) as f:
        attributes = f.attributes
        found = _experiment_name(attributes.get("experiment"))
        if found != h.experiment_name:
            raise AnalysisError(f"{path}: a sweep of experiment '{found}', not of '{h.experiment_name}' "
                                f"({h.experiment.name}), which hypothesis '{h.name}' reads")
        runs = f.runs()
        steps_per_year = int(attributes.get("steps_per_year", 1))
        for name, value in h.values.items():
            chosen = runs[runs["arm"] == value.arm]
            if chosen.empty:
                raise AnalysisError(f"{path}: no run of arm '{value.arm}' (hypothesis '{h.name}')")
            require_complete(chosen)
            by_replicate = chosen.set_index("replicate")["run"].sort_index()
            if by_replicate.index.duplicated().any():
                raise AnalysisError(f"{path}: arm '{value.arm}' has a replicate more than once: "
                                    f"the hypotheses read factorial sweeps without factors")
            if replicates is None:
                replicates = by_replicate.index
            elif not by_replicate.index.equals(replicates):
                raise AnalysisError(f"{path}: arms of hypothesis '{h.name}' do not share their replicates")
            series = _indicator_series(f, value, by_replicate.tolist(), h, path)
            reduced = reduce_series(series, h.at, steps_per_year)
            per_value[name] = reduced.reindex(by_replicate.to_numpy()).to_numpy(dtype=np.float64)
    effects = evaluate_effect(h.effect, per_value)
    if effects.size < 2:
        raise AnalysisError(f"{path}: hypothesis '{h.name}' needs at least 2 replicates, got {effects.size}")
    if not np.isfinite(effects).all():
        bad = int(np.flatnonzero(~np.isfinite(effects))[0])
        raise AnalysisError(f"{path}: the effect of hypothesis '{h.name}' is not finite in replicate "
                            f"{replicates[bad]} (a division by 0?)")
    mean, low, high = mean_interval(effects, confidence=confidence)
    means = {name: float(v.mean()) for name, v in per_value.items()}
    return {"hypothesis": h.name, "belief": h.belief, "experiment": h.experiment.name, "effect_of": h.effect,
            "indicator": _indicator_text(h),
            "at": h.at if h.steps is None else f"{h.at} over steps {h.steps[0]}-{h.steps[1]}",
            "direction": h.direction, "margin": h.margin, "replicates": int(effects.size),
            "effect": mean, "low": low, "high": high,
            "verdict": verdict(h.direction, low, high, effects, h.margin),
            "means": means, "null": h.null, "caveat": h.caveat, "file": str(path)}


def _indicator_text(h: Hypothesis) -> str:
    """The indicator once if every value shares it and its selection, else per value."""
    shared = {(v.indicator, v.where, v.per) for v in h.values.values()}
    if len(shared) == 1:
        return next(iter(h.values.values())).describe()
    return "; ".join(f"{n} = {v.arm}: {v.describe()} of {_where_text(v.where)}" for n, v in h.values.items())


def _where_text(where) -> str:
    return ", ".join(f"{dim} {'/'.join(labels)}" for dim, labels in where) or "all"


def _experiment_name(text) -> str | None:
    """The [experiment].name of the resolved experiment a sweep file carries."""
    try:
        name = tomllib.loads(text)["experiment"]["name"] if isinstance(text, str) else None
    except (tomllib.TOMLDecodeError, KeyError, TypeError):
        return None
    return name if isinstance(name, str) else None


def _indicator_series(f, value: Value, runs: list[int], h: Hypothesis, path) -> pd.DataFrame:
    """The value's indicator, run x step, over the steps the hypothesis's reduction reads."""
    select = {k: list(v) for k, v in value.where}
    total = None
    for sign, name in value.indicator:
        part = window(f.series(name, runs=runs, select=select), h.at, h.steps) * sign
        total = part if total is None else total + part
    if value.per is None:
        return total
    hypothesis = h.name
    count = window(f.series(value.per, runs=runs, select=select), h.at, h.steps)
    if (count.to_numpy() == 0).any():
        run, step = np.argwhere(count.to_numpy() == 0)[0]
        raise AnalysisError(f"{path}: '{value.per}' is 0 in run {count.index[run]} at step {count.columns[step]} "
                            f"for the selection of hypothesis '{hypothesis}' (arm '{value.arm}'): "
                            f"no mean per {value.per} there")
    return total / count


def select(hypotheses: Sequence[Hypothesis], names: Sequence[str] = ()) -> list[Hypothesis]:
    """The hypotheses named (all without names), in manifest order; an unknown name is an error."""
    known = {h.name for h in hypotheses}
    for n in names:
        if n not in known:
            raise AnalysisError(f"no hypothesis '{n}' in the manifest (hypotheses: {', '.join(sorted(known))})")
    return [h for h in hypotheses if not names or h.name in names]


def evaluate(hypotheses: Sequence[Hypothesis], results: str | Path, *, names: Sequence[str] = (),
             confidence: float = 0.95) -> pd.DataFrame:
    """One row per hypothesis (those named, or all), each measured on its experiment's sweep
    under `results`."""
    rows = []
    for h in select(hypotheses, names):
        path = sweep_path(h, results)
        if not path.is_file():
            raise AnalysisError(f"{path}: no such file (the sweep of {h.experiment.name} for hypothesis "
                                f"'{h.name}': run tools/hypotheses, or ssesim sweep {h.experiment} -o {path})")
        rows.append(measure(h, path, confidence=confidence))
    frame = pd.DataFrame(rows)
    frame.attrs["confidence"] = confidence
    return frame


def markdown(table: pd.DataFrame) -> str:
    """The results table as Markdown (docs/TRACE.md quotes it)."""
    from .tables import number
    lines = ["| belief | hypothesis | effect | indicator | replicates | mean effect | "
             f"{round(100 * table.attrs.get('confidence', 0.95))}% interval | verdict |",
             "|---|---|---|---|---|---|---|---|"]
    for r in table.itertuples():
        lines.append(f"| {r.belief} | {r.hypothesis} | `{r.effect_of}` ({r.direction}) | {r.indicator}, {r.at} | "
                     f"{r.replicates} | {number(r.effect)} | [{number(r.low)}, {number(r.high)}] | {r.verdict} |")
    return "\n".join(lines) + "\n"
