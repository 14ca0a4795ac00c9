"""Figures of ssesim output: time series with replicate bands, arm comparisons with
intervals, origin x destination flow maps, and Sobol indices.

Each function returns a `Plot`: a matplotlib Figure (built without pyplot, so nothing global
changes and no display is needed; saving picks the Agg or SVG canvas by file type), a file
stem and a caption in plain words that says what the figure shows and with what uncertainty.
The policy brief places the same captions under the same figures.
"""
from __future__ import annotations

import base64
import io as _io
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.colors import LogNorm, Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .defaults import FORMATS
from .errors import AnalysisError
from .experiment import require_complete
from .io import RunFile, open_run
from .stats import SobolIndices
from .tables import describe_cells, level, number

#: Resolution of PNG output, dots per inch.
DPI = 150
#: The channel a flow map shows when neither flows nor a channel is named.
DEFAULT_CHANNEL = "goods"
#: Intangible flows are counted in knowledge units, not money (sim/ODD.md, 7.14).
INTANGIBLES = "intangibles"


@dataclass
class Plot:
    """A figure with the file stem it is saved under and its caption."""
    name: str
    figure: Figure
    title: str
    caption: str
    #: what the figure was drawn from, for a caller that needs it (e.g. a flow map's country)
    details: dict = field(default_factory=dict)
    _png: bytes | None = field(default=None, repr=False)

    def save(self, directory: str | Path, formats: Sequence[str] = FORMATS) -> list[Path]:
        """Writes DIRECTORY/NAME.FORMAT for each format; returns the paths."""
        directory = Path(directory)
        paths = []
        with writing(directory):
            directory.mkdir(parents=True, exist_ok=True)
        for fmt in formats:
            path = directory / f"{self.name}.{fmt}"
            with writing(path):
                path.write_bytes(self.render(fmt))
            paths.append(path)
        return paths

    def render(self, fmt: str = "png") -> bytes:
        """The figure as a file of the format; the PNG is drawn once and kept."""
        if fmt == "png" and self._png is not None:
            return self._png
        buffer = _io.BytesIO()
        with matplotlib.rc_context({"svg.hashsalt": self.name}):
            # no creation date, so the same data give the same file
            self.figure.savefig(buffer, format=fmt, dpi=DPI, metadata=_no_date(fmt))
        if fmt == "png":
            self._png = buffer.getvalue()
        return buffer.getvalue()

    def data_uri(self) -> str:
        """The figure as a PNG data: URI, for a page that must open offline on its own."""
        return "data:image/png;base64," + base64.b64encode(self.render("png")).decode("ascii")


@contextmanager
def writing(path: Path):
    """Turns a failed write into a one-line error naming the path (the program's OSError
    handler would otherwise call it a file it cannot read)."""
    try:
        yield
    except OSError as e:
        raise AnalysisError(f"{path}: cannot write: {e.strerror or str(e).splitlines()[0]}") from None


def arm_colours(arms: Sequence[str]) -> dict[str, str]:
    """One colour per arm, in runs-table order, so an arm looks the same in every figure."""
    cycle = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
    return {arm: cycle[i % len(cycle)] for i, arm in enumerate(arms)}


def series_plot(path: str | Path, indicator: str, *, arms: Sequence[str] | None = None,
                select: Mapping[str, object] | None = None, band: float = 95.0,
                colours: Mapping[str, str] | None = None) -> Plot:
    """The indicator per step, summed over its dimensions other than run and step (restricted
    to `select`). For a sweep: per arm (all arms, or `arms`), the mean over the arm's
    replicates as a line and the central `band` % of replicates as a shaded band. For a
    single run: its one line."""
    if not 0 < band < 100:
        raise AnalysisError(f"the band must be a percentage between 0 and 100, got {band:g}")
    low_q, high_q = (100 - band) / 2, 100 - (100 - band) / 2
    with open_run(path) as f:
        meta = f.describe(indicator)
        sweep = bool(meta["dims"]) and meta["dims"][0] == "run"
        attributes = f.attributes
        if sweep:
            runs = f.runs()
            chosen = _arms(runs, arms)
            series = {}
            for arm in chosen:
                rows = runs[runs["arm"] == arm]
                require_complete(rows)
                series[arm] = f.series(indicator, runs=rows["run"].tolist(), select=select)
        else:
            if arms:
                raise AnalysisError(f"{path}: a single run has no arms to choose from")
            series = {None: f.series(indicator, select=select)}
    colours = dict(colours or arm_colours([a for a in series if a is not None]))
    figure = Figure(figsize=(7.5, 4.2), layout="constrained")
    ax = figure.add_subplot()
    for arm, frame in series.items():
        steps = frame.columns.to_numpy()
        values = frame.to_numpy()
        colour = colours.get(arm, "#1f77b4")
        if sweep:
            low, high = np.percentile(values, [low_q, high_q], axis=0)
            ax.fill_between(steps, low, high, color=colour, alpha=0.22, linewidth=0)
            ax.plot(steps, values.mean(axis=0), color=colour, linewidth=1.8, label=f"{arm} (n = {len(values)})")
        else:
            ax.plot(steps, values[0], color=colour, linewidth=1.8)
    what = describe_cells(meta, select)
    ax.set_title(what, fontsize=10)
    ax.set_xlabel(_step_label(attributes))
    ax.set_ylabel(_quantity(meta))
    ax.grid(alpha=0.3)
    if sweep:
        ax.legend(title="arm (replicates)", fontsize=8, title_fontsize=8)
        counts = {arm: len(frame) for arm, frame in series.items()}
        replicates = (f"{next(iter(counts.values()))} replicates" if len(set(counts.values())) == 1
                      else "replicates (" + ", ".join(f"{a}: {n}" for a, n in counts.items()) + ")")
        caption = (f"{_quantity(meta)} per step, {_summed(what)}. Each line is the mean over the replicates of "
                   f"one policy arm; the shaded band around it is the {low_q:g}th-{high_q:g}th percentile over "
                   f"{replicates} at each step, so it holds the middle {band:g}% of single runs. The band shows "
                   f"how much one run can differ from another, not the uncertainty of the mean, which is "
                   f"narrower: the arm comparisons give that.")
    else:
        caption = (f"{_quantity(meta)} per step, {_summed(what)}, in one run (seed {attributes.get('seed', '?')}). "
                   f"No uncertainty can be given from one run: a sweep with replicates shows how much runs "
                   f"differ.{_incomplete(attributes)}")
    return Plot(name=f"series-{_stem(indicator)}", figure=figure, title=f"{meta['long_name'] or indicator} over time",
                caption=caption)


def arms_plot(table: pd.DataFrame, what: str) -> Plot:
    """A `compare_arms` table as a figure: per arm, the mean paired difference from the
    baseline with its Student-t (thick) and percentile-bootstrap (thin) intervals. `what` is
    the indicator in words (`tables.describe_indicator`)."""
    if table.empty:
        raise AnalysisError("no arm to draw: the comparison table is empty")
    attrs = table.attrs
    baseline = table["arm_a"].iloc[0]
    lv = level(attrs["confidence"])
    arms = table["arm_b"].tolist()
    figure = Figure(figsize=(7.5, 1.6 + 0.65 * len(arms)), layout="constrained")
    ax = figure.add_subplot()
    y = np.arange(len(arms))[::-1].astype(float)
    ax.axvline(0, color="0.4", linestyle="--", linewidth=1)
    difference = table["difference"].to_numpy(dtype=float)
    t_err = [difference - table["t_low"].to_numpy(), table["t_high"].to_numpy() - difference]
    boot_err = [difference - table["boot_low"].to_numpy(), table["boot_high"].to_numpy() - difference]
    ax.errorbar(difference, y + 0.12, xerr=t_err, fmt="o", color="#1f77b4", elinewidth=3,
                capsize=0, label=f"{lv} Student-t interval")
    ax.errorbar(difference, y - 0.12, xerr=boot_err, fmt="none", ecolor="#ff7f0e", elinewidth=1.2,
                capsize=3, label=f"{lv} bootstrap interval")
    for yi, r in zip(y, table.itertuples()):
        if pd.notna(r.relative):
            ax.annotate(f"{'+' if r.relative > 0 else ''}{number(r.relative)}%", (r.t_high, yi + 0.12),
                        xytext=(6, 0), textcoords="offset points", va="center", fontsize=8, color="0.3")
    ax.set_yticks(y, arms)
    ax.set_ylim(y.min() - 0.6, y.max() + 1.1)
    units = f" [{attrs['units']}]" if attrs.get("units") else ""
    ax.set_xlabel(f"difference from '{baseline}'{units}")
    ax.set_title(what, fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    # the legend gets a band of its own above the arms, so it hides no interval or label
    ax.legend(fontsize=8, loc="upper left", ncols=2, frameon=False)
    ns = sorted(set(table["n"]))
    replicates = f"{ns[0]}" if len(ns) == 1 else " to ".join(map(str, (ns[0], ns[-1])))
    caption = (f"Change in {what} in each policy arm compared with '{baseline}'. Each dot is the mean of the "
               f"paired differences over {replicates} replicates (arm minus baseline, each pair sharing its "
               f"random numbers); the thick bar is the {lv} Student-t interval and the thin bar the {lv} "
               f"percentile-bootstrap interval ({attrs['n_resamples']} resamples) of that mean; the label is the "
               f"change in % of the baseline mean. An interval that does not cross the dashed zero line means the "
               f"arm's effect can be told from noise at that level.")
    return Plot(name=f"arms-{_stem(attrs['indicator'])}", figure=figure,
                title=f"{attrs['indicator']}: arms against '{baseline}'", caption=caption)


def flows_plot(path: str | Path, *, dataset: str = "flow_value", flows: Sequence[str] | None = None,
               channel: str | None = None, country: str | None = None, arm: str | None = None,
               steps: tuple[int | None, int | None] | None = None, domestic: bool = False,
               vmax: float | None = None) -> Plot:
    """An origin x destination map of flows (rows: the country a flow leaves, columns: the
    country it reaches), summed over the chosen steps (all completed steps, or the step
    labels `steps` = (first, last), inclusive) and over the chosen flow kinds (`flows`, or
    those of `channel` by the `flow_channel` dataset, by default the goods channel), beside
    one country's outward (its row) and inward (its column) flows by partner. A sweep shows
    the mean over the replicates of one arm (`arm`, by default the first). `country` defaults
    to the country with the most international flow in and out. The diagonal (domestic flows)
    is left blank unless `domestic`. `vmax` fixes the top of the colour scale, so that maps
    drawn side by side share it."""
    with open_run(path) as f:
        meta = f.describe(dataset)
        dims = meta["dims"]
        missing = [d for d in ("flow", "origin", "destination") if d not in dims]
        if missing:
            raise AnalysisError(f"'{dataset}' is not a flow dataset: it has no {', '.join(missing)} dimension "
                                f"(dimensions: {', '.join(map(str, dims))})")
        chosen, label, stem, units = _flow_selection(f, flows, channel, meta["units"])
        positions = _step_positions(f, dataset, steps)
        step_labels = f.labels("step")[positions] if "step" in dims else None
        sweep = dims[0] == "run"
        if sweep:
            runs = f.runs()
            known = list(dict.fromkeys(runs["arm"]))
            arm = arm if arm is not None else known[0]
            if arm not in known:
                raise AnalysisError(f"arm '{arm}' is not in the runs table (arms: {', '.join(known)})")
            rows = runs[runs["arm"] == arm]
            require_complete(rows)
            run_list = rows["run"].tolist()
        elif arm is not None:
            raise AnalysisError(f"{path}: a single run has no arms to choose from")
        else:
            run_list = None
        step_slice = None if positions is None else slice(int(positions[0]), int(positions[-1]) + 1)
        values, coords = f.totals(dataset, keep=("origin", "destination"), runs=run_list, steps=step_slice,
                                  select={"flow": chosen})
        attributes = f.attributes
    origins, destinations = [str(x) for x in coords["origin"]], [str(x) for x in coords["destination"]]
    if origins != destinations:
        raise AnalysisError(f"'{dataset}': the origin and destination scales differ, so a country's row and "
                            f"column cannot be matched")
    mean = values.mean(axis=0)
    international = ~np.eye(len(origins), dtype=bool)
    if country is None:
        traffic = np.where(international, mean, 0)
        country = origins[int(np.argmax(traffic.sum(axis=0) + traffic.sum(axis=1)))]
    elif country not in origins:
        raise AnalysisError(f"country '{country}' is not in the 'origin' scale ({', '.join(origins)})")
    c = origins.index(country)
    partners = [i for i in range(len(origins)) if i != c]

    figure = Figure(figsize=(11.5, 5.0), layout="constrained")
    left, right = figure.subplots(1, 2, width_ratios=[1.25, 1])
    shown = np.ma.masked_array(mean, mask=~international if not domestic else np.zeros_like(mean, dtype=bool))
    positive = shown.compressed()[shown.compressed() > 0]
    top = vmax if vmax is not None else positive.max() if positive.size else 1.0
    logarithmic = positive.size > 0 and top / positive.min() > 1e3
    norm = LogNorm(vmin=positive.min(), vmax=top) if logarithmic else Normalize(vmin=0, vmax=top)
    if logarithmic:
        shown = np.ma.masked_less_equal(shown, 0)
    cmap = matplotlib.colormaps["Blues"].with_extremes(bad="#f2f2f2")
    image = left.imshow(shown, cmap=cmap, norm=norm, aspect="auto")
    figure.colorbar(image, ax=left, label=units, shrink=0.85)
    left.set_xticks(range(len(destinations)), destinations, rotation=90, fontsize=8)
    left.set_yticks(range(len(origins)), origins, fontsize=8)
    left.set_xlabel("destination (inward to it)")
    left.set_ylabel("origin (outward from it)")
    n = len(origins)
    left.add_patch(Rectangle((-0.5, c - 0.5), n, 1, fill=False, edgecolor="#d62728", linewidth=2))
    left.add_patch(Rectangle((c - 0.5, -0.5), 1, n, fill=False, edgecolor="#2ca02c", linewidth=2))
    left.set_title(f"{label}: origin x destination", fontsize=10)

    outward, inward = mean[c, partners], mean[partners, c]
    order = np.argsort(-(outward + inward), kind="stable")
    y = np.arange(len(partners))[::-1]
    right.barh(y + 0.2, outward[order], height=0.4, color="#d62728", label=f"outward from {country} (row)")
    right.barh(y - 0.2, inward[order], height=0.4, color="#2ca02c", label=f"inward to {country} (column)")
    right.set_yticks(y, [origins[partners[i]] for i in order], fontsize=8)
    right.set_xlabel(units)
    right.set_title(f"{country}: flows with each partner", fontsize=10)
    right.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=2, frameon=False)
    right.grid(axis="x", alpha=0.3)

    over_steps = ("" if step_labels is None else
                  f", summed over steps {step_labels[0]}-{step_labels[-1]}" if len(step_labels) > 1
                  else f" in step {step_labels[0]}")
    if sweep:
        source = f"the mean over the {len(values)} replicates of arm '{arm}'"
        out_total = values[:, c, partners].sum(axis=1)
        in_total = values[:, partners, c].sum(axis=1)
        spread = (f" Over those replicates, {country}'s total outward flow lies between "
                  f"{number(np.percentile(out_total, 2.5))} and {number(np.percentile(out_total, 97.5))} and its "
                  f"inward flow between {number(np.percentile(in_total, 2.5))} and "
                  f"{number(np.percentile(in_total, 97.5))} {units} (2.5th-97.5th percentile); the map itself "
                  f"shows means only." if len(values) > 1 else "")
    else:
        source = f"one run (seed {attributes.get('seed', '?')})"
        spread = " No uncertainty can be given from one run." + _incomplete(attributes)
    caption = (f"Left: {label} from each origin country (row) to each destination country (column) in {units}"
               f"{over_steps}, {source}. The red row is what {country} sends out (outward), the green column "
               f"what it receives (inward). "
               + ("The diagonal (flows within a country) is shown. " if domestic
                  else "The diagonal (flows within a country) is left blank. ")
               + ("The colour scale is logarithmic; blank cells are zero. " if logarithmic else "")
               + f"Right: {country}'s outward and inward flows with each partner, largest first.{spread}")
    suffix = f"-{arm}" if sweep else ""
    return Plot(name=f"flows-{_stem(stem)}-{country}{suffix}", figure=figure,
                title=f"{label}: outward and inward flows of {country}" + (f" ({arm})" if sweep else ""),
                caption=caption, details={"country": country, "arm": arm, "flows": chosen, "mean": mean,
                                          "labels": origins, "runs": len(values),
                                          "top": float(positive.max()) if positive.size else 0.0})


def sensitivity_plot(result: SobolIndices, what: str, n_resamples: int, name: str) -> Plot:
    """First-order and total Sobol indices per factor, with their bootstrap intervals."""
    k = len(result.factors)
    lv = level(result.confidence)
    figure = Figure(figsize=(max(5.0, 1.2 + 0.9 * k), 4.0), layout="constrained")
    ax = figure.add_subplot()
    x = np.arange(k)

    def errors(estimate, ci):
        low = np.nan_to_num(estimate - ci[:, 0], nan=0.0).clip(min=0)
        high = np.nan_to_num(ci[:, 1] - estimate, nan=0.0).clip(min=0)
        return [low, high]

    ax.bar(x - 0.2, result.first, width=0.4, yerr=errors(result.first, result.first_ci), capsize=3,
           color="#1f77b4", label="first order S1")
    ax.bar(x + 0.2, result.total, width=0.4, yerr=errors(result.total, result.total_ci), capsize=3,
           color="#ff7f0e", label="total ST")
    ax.axhline(0, color="0.3", linewidth=0.8)
    ax.set_xticks(x, result.factors, rotation=30 if k > 4 else 0)
    ax.set_ylabel("Sobol index (share of variance)")
    ax.set_title(f"sensitivity of {what}", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    caption = (f"How much of the variance of {what} each factor explains, over a Saltelli design of "
               f"N = {result.n} base samples ({result.n * (k + 2)} runs). S1 (blue) is the share due to the factor "
               f"alone; ST (orange) adds its interactions with the other factors. Error bars are {lv} "
               f"percentile-bootstrap intervals ({n_resamples} resamples). An index near 0 means the factor hardly "
               f"matters; ST well above S1 means it acts through interactions. Estimates can stray a little below "
               f"0 or above 1 by sampling error.")
    return Plot(name=f"sensitivity-{_stem(name)}", figure=figure, title=f"sensitivity of {name}", caption=caption)


def has_flow_dataset(f: RunFile, dataset: str) -> bool:
    """Whether the file holds a flow dataset a flow map can draw."""
    try:
        dims = f.dims(dataset)
    except AnalysisError:
        return False
    return all(d in dims for d in ("flow", "origin", "destination"))


def _arms(runs: pd.DataFrame, arms: Sequence[str] | None) -> list[str]:
    known = list(dict.fromkeys(runs["arm"]))
    if not arms:
        return known
    for arm in arms:
        if arm not in known:
            raise AnalysisError(f"arm '{arm}' is not in the runs table (arms: {', '.join(known)})")
    return list(dict.fromkeys(arms))


def _flow_selection(f: RunFile, flows, channel, units) -> tuple[list[str], str, str, str]:
    """The flow kinds to sum, a label for them, a file-name stem and their units."""
    kinds = [str(x) for x in f.labels("flow")]
    channels = None
    if "flow_channel" in f.variables():
        table = f.load("flow_channel")
        if "run" in table:
            table = table[table["run"] == table["run"].iloc[0]]
        channels = dict(zip(table["flow"].astype(str), table["value"].map(_text)))
    if flows and channel:
        raise AnalysisError("name flows (--flow) or a channel (--channel), not both")
    if flows:
        for kind in flows:
            if kind not in kinds:
                raise AnalysisError(f"flow '{kind}' is not in the 'flow' scale ({', '.join(kinds)})")
        chosen = list(dict.fromkeys(flows))
        label, stem = " + ".join(chosen), "_".join(chosen)
    elif channel is not None or channels is not None:
        channel = channel or DEFAULT_CHANNEL
        if channels is None:
            raise AnalysisError(f"{f.path}: no 'flow_channel' dataset to group flows by channel: name the flows (--flow)")
        chosen = [kind for kind in kinds if channels.get(kind) == channel]
        if not chosen:
            known = ", ".join(dict.fromkeys(channels.values()))
            raise AnalysisError(f"channel '{channel}' is not in flow_channel (channels: {known})")
        label, stem = f"{channel} flows", channel
    else:
        chosen, label, stem = kinds, "all flows", "all"
    if channels is not None:
        intangible = [channels.get(kind) == INTANGIBLES for kind in chosen]
        if any(intangible) and not all(intangible):
            raise AnalysisError("intangible flows are counted in knowledge units, not money: map them apart "
                                "from the others (--channel intangibles)")
        if all(intangible):
            units = "knowledge units"
    return chosen, label, stem, units or "1"


def _step_positions(f: RunFile, dataset: str, steps) -> np.ndarray | None:
    """Positions along `step` of the step labels (first, last), inclusive, within the steps a
    single run has completed; None for a dataset without steps."""
    if "step" not in f.dims(dataset):
        if steps is not None:
            raise AnalysisError(f"'{dataset}' has no step dimension to choose steps from")
        return None
    labels = f.labels("step")
    available = np.arange(labels.size)
    attributes = f.attributes
    if f.dims(dataset)[0] != "run" and attributes.get("status", "complete") != "complete":
        available = available[:max(0, int(attributes.get("steps_completed", labels.size)))]
    first, last = steps if steps is not None else (None, None)
    keep = np.ones(available.size, dtype=bool)
    if first is not None:
        keep &= labels[available] >= first
    if last is not None:
        keep &= labels[available] <= last
    chosen = available[keep]
    if chosen.size == 0:
        span = f"{labels[available[0]]}-{labels[available[-1]]}" if available.size else "none"
        raise AnalysisError(f"no completed step in {first if first is not None else ''}:{last if last is not None else ''} "
                            f"(steps available: {span})")
    return chosen


def _quantity(meta: Mapping) -> str:
    name = meta["long_name"] or meta["name"]
    return f"{name} [{meta['units']}]" if meta["units"] and meta["units"] != "1" else name


def _summed(what: str) -> str:
    """The 'summed over ...; dim = ...' part of `describe_cells`, or 'as recorded'."""
    _, sep, rest = what.partition(" summed over ")
    return f"summed over {rest}" if sep else "as recorded"


def _step_label(attributes: Mapping) -> str:
    per_year = attributes.get("steps_per_year")
    return f"step ({per_year} steps a year)" if per_year else "step"


def _incomplete(attributes: Mapping) -> str:
    status = attributes.get("status", "complete")
    if status == "complete":
        return ""
    return (f" The run is {status}: steps {attributes.get('steps_completed', '?')} of "
            f"{attributes.get('steps_planned', '?')} are shown.")


def _stem(name: str) -> str:
    """A dataset path as part of a file name."""
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _no_date(fmt: str) -> dict:
    return {"Date": None} if fmt in ("svg", "pdf") else {}
