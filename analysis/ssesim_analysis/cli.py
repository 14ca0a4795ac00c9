"""The `ssesim-analysis` program: summary, compare, sensitivity, plot, brief, targets and calibrate over
ssesim output.

Exit codes: 0 success, 2 bad input (command line, missing, foreign or unreadable file,
unknown arm, dataset or label, a file without the runs table or design a verb needs, an
output that exists or cannot be written, --pdf without Chromium), 1 when the reader of the
output goes away. Every error is one line on stderr:
`ssesim-analysis: error: ...`.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


from . import __version__
from .errors import AnalysisError
from .experiment import compare_arms, sensitivity
from .defaults import DEFAULT_INDICATORS, FORMATS
from .io import open_run, summary
from .tables import (comparison_heading, comparison_rows, describe_indicator, sensitivity_heading,
                     sensitivity_rows)

PROG = "ssesim-analysis"
PLOT_KINDS = ("series", "arms", "flows", "sensitivity")


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line, like every other error."""

    def error(self, message: str):
        raise AnalysisError(f"{message} (see '{self.prog} --help')")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
        args.argv = list(sys.argv[1:] if argv is None else argv)[1:]
        try:
            return args.verb(args)
        except BrokenPipeError:
            raise
        except OSError as e:
            # HDF5 could not read a part of the file (a truncated chunk, a missing external file).
            name = args.file if hasattr(args, "file") else ", ".join(args.files)
            raise AnalysisError(f"{name}: cannot read: {str(e).splitlines()[0]}") from None
    except AnalysisError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader (e.g. `| head`) has gone: stop quietly, as other Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Summaries, paired arm comparisons and Sobol "
                                            "sensitivity of ssesim HDF5 output.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    verbs = parser.add_subparsers(title="verbs", metavar="VERB", required=True)

    p = verbs.add_parser("summary", help="what a file holds: provenance, runs, arms, datasets")
    p.add_argument("file")
    p.set_defaults(verb=_summary)

    p = verbs.add_parser("compare", help="differences between policy arms, paired by replicate")
    p.add_argument("file")
    p.add_argument("--arms", required=True, type=_names,
                   help="comma-separated arms; each is compared with the first")
    _indicator_options(p)
    p.add_argument("--runs-where", action="append", type=_selection, default=[], metavar="FACTOR=VALUE",
                   help="keep only the runs whose factor has this value (repeatable): one design point of a "
                        "factorial sweep")
    p.add_argument("--replicates-for", type=float, metavar="HALF_WIDTH",
                   help="also print the replicates needed for a t interval of this half-width "
                        "(in the indicator's units)")
    _interval_options(p, resamples=9999)
    p.set_defaults(verb=_compare)

    p = verbs.add_parser("sensitivity", help="Sobol indices from a Saltelli sweep")
    p.add_argument("file")
    _indicator_options(p)
    _interval_options(p, resamples=1000)
    p.set_defaults(verb=_sensitivity)

    p = verbs.add_parser("plot", help="figures as PNG and SVG: series, arm comparisons, flow maps, Sobol indices")
    p.add_argument("file")
    p.add_argument("--kind", required=True, choices=PLOT_KINDS,
                   help="series: an indicator per step (bands over replicates per arm); arms: each arm minus "
                        "the baseline with intervals; flows: origin x destination map; sensitivity: Sobol indices")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="directory the figures are written to")
    p.add_argument("--indicator", action="append", default=[], metavar="NAME",
                   help="dataset to draw (repeatable: one figure each); flows: the flow dataset (default flow_value)")
    p.add_argument("--at", choices=("final", "mean"), default="final",
                   help="arms, sensitivity: the last step's value or the mean over steps (default: final)")
    p.add_argument("--where", action="append", type=_selection, default=[], metavar="DIM=LABEL[,LABEL]",
                   help="series, arms, sensitivity: sum only these labels of a dimension (repeatable)")
    p.add_argument("--arms", type=_names, help="series, arms: comma-separated arms (default: all, runs-table order)")
    p.add_argument("--baseline", help="arms: the arm the others are compared with (default: the first)")
    p.add_argument("--band", type=float, default=95.0,
                   help="series: the share of replicates the band holds, in %% (default: 95, the 2.5-97.5 percentiles)")
    p.add_argument("--flow", type=_names, help="flows: comma-separated flow kinds (labels of the flow scale)")
    p.add_argument("--channel", help="flows: a channel of flow_channel: goods, finance, intangibles, domestic "
                                     "(default: goods)")
    p.add_argument("--country", help="flows: the country whose row (outward) and column (inward) are shown "
                                     "(default: the one with most international flow)")
    p.add_argument("--arm", help="flows: the arm of a sweep whose replicates are averaged (default: the first)")
    p.add_argument("--steps", type=_step_range, metavar="FIRST:LAST",
                   help="flows: the steps summed, by step label, inclusive; either side may be left out (default: all)")
    p.add_argument("--domestic", action="store_true", help="flows: show the diagonal (flows within a country)")
    _interval_options(p, resamples=None)
    p.add_argument("--format", type=_formats, default=list(FORMATS), metavar="FMT[,FMT]",
                   help="file formats (default: png,svg)")
    p.add_argument("--overwrite", action="store_true", help="replace figures that exist")
    p.set_defaults(verb=_plot)

    p = verbs.add_parser("brief", help="a self-contained HTML policy brief (and PDF with --pdf)")
    p.add_argument("file")
    p.add_argument("-o", "--output", required=True, metavar="DIR",
                   help="directory for brief.html, brief.pdf and figures/")
    p.add_argument("--indicator", action="append", default=[], metavar="NAME",
                   help=f"report these datasets instead of the defaults ({', '.join(n for n, _ in DEFAULT_INDICATORS)}, "
                        "those the file holds); repeatable")
    p.add_argument("--add-indicator", action="append", default=[], metavar="NAME",
                   help="report this dataset as well as the defaults; repeatable")
    p.add_argument("--at", choices=("final", "mean"),
                   help="every indicator at the final step or averaged over steps (default: final, "
                        "founded_abroad mean)")
    p.add_argument("--arms", type=_names, help="comma-separated arms to report (default: all)")
    p.add_argument("--baseline", help="the arm the others are compared with (default: the first)")
    p.add_argument("--country", help="the country of the flow maps (default: the one with most international flow)")
    p.add_argument("--channel", help="the flow channel of the flow maps (default: goods)")
    p.add_argument("--band", type=float, default=95.0, help="share of replicates the series bands hold, in %% (default: 95)")
    _interval_options(p, resamples=9999)
    p.add_argument("--sobol-resamples", type=_at_least(1), default=1000,
                   help="bootstrap resamples of Sobol indices of a Saltelli sweep (default: 1000)")
    p.add_argument("--pdf", action="store_true", help="also print brief.pdf with headless Chromium")
    p.add_argument("--overwrite", action="store_true", help="replace a brief that exists")
    p.set_defaults(verb=_brief)

    p = verbs.add_parser("targets", help="calibration targets of the SILK cases measured on runs or sweeps of "
                                         "their case scenarios")
    p.add_argument("files", nargs="+", metavar="FILE", help="runs or sweeps of case scenarios, one per case")
    p.add_argument("--targets", metavar="TOML", help=f"the targets file (default: {_default_targets()})")
    p.add_argument("--target", action="append", default=[], metavar="NAME",
                   help="measure only this target (repeatable); every file must be of its case")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format (default: table)")
    p.add_argument("--confidence", type=float, default=0.95, help="interval level over a sweep's replicates (default: 0.95)")
    p.set_defaults(verb=_targets)

    p = verbs.add_parser("hypotheses", help="the SILK beliefs put to the test: effect, interval and verdict of each "
                                            "comparison of the hypotheses manifest (tools/hypotheses runs the sweeps)")
    p.add_argument("--manifest", metavar="TOML", help=f"the hypotheses manifest (default: {_default_manifest()})")
    p.add_argument("--results", default="results/hypotheses", metavar="DIR",
                   help="where the experiments' sweeps are, each as DIR/<its output file name> (default: results/hypotheses)")
    p.add_argument("--hypothesis", action="append", default=[], metavar="NAME",
                   help="only this hypothesis (repeatable)")
    p.add_argument("--format", choices=("table", "csv", "json", "markdown"), default="table",
                   help="output format (default: table)")
    p.add_argument("--confidence", type=float, default=0.95, help="interval level over the replicates (default: 0.95)")
    p.set_defaults(verb=_hypotheses)

    p = verbs.add_parser("calibrate", help="rejection-ABC calibration to the case targets from per-case LHS sweeps "
                                           "(tools/calibrate runs them)")
    p.add_argument("files", nargs="+", metavar="SWEEP", help="the first stage's LHS sweep of each case of the "
                   "calibration's targets, and the second stage's of each case with case parameters")
    p.add_argument("--calibration", metavar="TOML",
                   help=f"parameters, priors, targets and sizes (default: {_default_calibration()})")
    p.add_argument("-o", "--output", required=True, metavar="DIR",
                   help="directory for points.csv, posterior.csv, posterior.json and calibrated.toml")
    p.add_argument("--fragment", metavar="TOML", help="write the calibrated fragment here instead of DIR/calibrated.toml")
    p.add_argument("--acceptance", type=float, help="fraction of design points kept (default: the calibration's)")
    p.add_argument("--quick", action="store_true", help="the calibration's [quick] acceptance (tools/calibrate --quick)")
    p.add_argument("--format", choices=("table", "json"), default="table", help="what is printed (default: table)")
    p.add_argument("--overwrite", action="store_true", help="replace output files that exist")
    p.set_defaults(verb=_calibrate)
    return parser


def _default_calibration() -> str:
    from .calibration import DEFAULT_CALIBRATION
    return str(DEFAULT_CALIBRATION)


def _default_manifest() -> str:
    from .hypotheses import DEFAULT_MANIFEST
    return str(DEFAULT_MANIFEST)


def _default_targets() -> str:
    from .targets import DEFAULT_TARGETS
    return str(DEFAULT_TARGETS)


def _indicator_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--indicator", required=True, help="a dataset with a leading run dimension")
    p.add_argument("--at", choices=("final", "mean"), default="final",
                   help="the last step's value or the mean over steps (default: final)")
    p.add_argument("--where", action="append", type=_selection, default=[], metavar="DIM=LABEL[,LABEL]",
                   help="sum only these labels of a dimension (repeatable); other dimensions are summed whole")


def _interval_options(p: argparse.ArgumentParser, resamples: int | None) -> None:
    p.add_argument("--confidence", type=float, default=0.95, help="interval level (default: 0.95)")
    p.add_argument("--resamples", type=_at_least(1), default=resamples,
                   help=f"bootstrap resamples (default: {resamples or 'arms 9999, sensitivity 1000'})")
    p.add_argument("--seed", type=_at_least(0), default=0, help="bootstrap seed (default: 0)")


def _at_least(lowest: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got '{text}'") from None
        if value < lowest:
            raise argparse.ArgumentTypeError(f"expected an integer >= {lowest}, got {value}")
        return value
    return parse


def _names(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",")]
    if any(not n for n in names):
        raise argparse.ArgumentTypeError(f"empty name in '{text}'")
    return names


def _selection(text: str) -> tuple[str, list[str]]:
    dim, sep, labels = text.partition("=")
    if not sep or not dim.strip():
        raise argparse.ArgumentTypeError(f"expected DIM=LABEL[,LABEL], got '{text}'")
    return dim.strip(), _names(labels)


def _step_range(text: str) -> tuple[int | None, int | None]:
    first, sep, last = text.partition(":")
    try:
        if not sep:
            raise ValueError
        return (int(first) if first.strip() else None, int(last) if last.strip() else None)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected FIRST:LAST step labels (integers, either may be left out), "
                                         f"got '{text}'") from None


def _formats(text: str) -> list[str]:
    formats = _names(text)
    for fmt in formats:
        if fmt not in ("png", "svg", "pdf"):
            raise argparse.ArgumentTypeError(f"unknown format '{fmt}' (png, svg, pdf)")
    return list(dict.fromkeys(formats))


def _where(args) -> dict[str, list[str]]:
    select: dict[str, list[str]] = {}
    for dim, labels in args.where:
        if dim in select:
            raise AnalysisError(f"--where names '{dim}' twice; list its labels in one --where {dim}=A,B")
        select[dim] = labels
    return select


def _summary(args) -> int:
    s = summary(args.file)
    attrs = s["attributes"]
    print(s["path"])
    for key in ("title", "ssesim_version", "git_commit", "scenario_file", "seed", "status"):
        if key in attrs:
            print(f"  {key:<15} {attrs[key]}")
    if "steps_completed" in attrs or "steps_planned" in attrs:
        print(f"  {'steps':<15} {attrs.get('steps_completed', '?')} of {attrs.get('steps_planned', '?')} completed")
    if s["missing"]:
        print(f"  {'missing':<15} {', '.join(s['missing'])}")
    runs = s["runs"]
    if runs is None:
        print(f"  {'runs':<15} a single run (no runs table)")
    elif "problem" in runs:
        print(f"  {'runs':<15} {runs['problem']}")
    else:
        arms = ", ".join(f"{arm} {count}" for arm, count in runs["arms"].items())
        print(f"  {'runs':<15} {runs['count']} ({arms}); {runs['not_complete']} not complete")
        print(f"  {'design':<15} {runs['design'] or 'not stated'}; factors: {', '.join(runs['factors']) or 'none'}")
    coords = ", ".join(f"{c['name']} ({c['length']})" for c in s["coordinates"])
    print(f"coordinates: {coords or 'none'}")
    print(f"datasets ({len(s['datasets'])}):")
    rows = [(f"{d['name']}[{', '.join(n or '?' for n in d['dims'])}]", d["units"] or "(no units)",
             d["long_name"] or "") for d in s["datasets"]]
    widths = [max((len(row[i]) for row in rows), default=0) for i in range(2)]
    for name, units, long_name in rows:
        print(f"  {name:<{widths[0]}}  {units:<{widths[1]}}  {long_name}".rstrip())
    return 0


def _compare(args) -> int:
    select = _where(args)
    runs_where = {}
    for factor, values in args.runs_where:
        if factor in runs_where or len(values) != 1:
            raise AnalysisError(f"--runs-where {factor}: give one value, once")
        runs_where[factor] = values[0]
    table = compare_arms(args.file, args.arms, args.indicator, at=args.at, select=select,
                         half_width=args.replicates_for, confidence=args.confidence,
                         n_resamples=args.resamples, seed=args.seed, runs_where=runs_where)
    print(f"compare {describe_indicator(args.file, args.indicator, args.at, select)}")
    print(comparison_heading(table))
    print(comparison_rows(table).to_string(index=False))
    return 0


def _sensitivity(args) -> int:
    select = _where(args)
    result = sensitivity(args.file, args.indicator, at=args.at, select=select,
                         confidence=args.confidence, n_resamples=args.resamples, seed=args.seed)
    print(f"sensitivity of {describe_indicator(args.file, args.indicator, args.at, select)}")
    print(sensitivity_heading(result, args.resamples, args.seed))
    print(sensitivity_rows(result).to_string(index=False))
    return 0


#: Which plot kinds each option of `plot` applies to.
PLOT_OPTIONS = {
    "at": ("arms", "sensitivity"), "where": ("series", "arms", "sensitivity"), "arms": ("series", "arms"),
    "baseline": ("arms",), "band": ("series",), "flow": ("flows",), "channel": ("flows",), "country": ("flows",),
    "arm": ("flows",), "steps": ("flows",), "domestic": ("flows",), "confidence": ("arms", "sensitivity"),
    "resamples": ("arms", "sensitivity"), "seed": ("arms", "sensitivity"),
}
PLOT_DEFAULTS = {"at": "final", "where": [], "band": 95.0, "domestic": False, "confidence": 0.95, "seed": 0}


def _plot(args) -> int:
    # matplotlib is imported only when a figure is drawn, so the other verbs start quicker
    from .brief import arm_order
    from .plots import arms_plot, flows_plot, sensitivity_plot, series_plot

    for option, kinds in PLOT_OPTIONS.items():
        if args.kind not in kinds and getattr(args, option) != PLOT_DEFAULTS.get(option):
            raise AnalysisError(f"--{option} does not apply to --kind {args.kind} (only to: {', '.join(kinds)})")
    if args.kind != "flows" and not args.indicator:
        raise AnalysisError(f"--kind {args.kind} needs --indicator NAME")
    select = _where(args)
    plots = []
    if args.kind == "series":
        plots = [series_plot(args.file, name, arms=args.arms, select=select, band=args.band) for name in args.indicator]
    elif args.kind == "arms":
        with open_run(args.file) as f:
            runs = f.runs()
        arms = arm_order(runs, args.arms, args.baseline)
        for name in args.indicator:
            table = compare_arms(args.file, arms, name, at=args.at, select=select, confidence=args.confidence,
                                 n_resamples=args.resamples or 9999, seed=args.seed)
            plots.append(arms_plot(table, describe_indicator(args.file, name, args.at, select)))
    elif args.kind == "flows":
        for name in args.indicator or ["flow_value"]:
            plots.append(flows_plot(args.file, dataset=name, flows=args.flow, channel=args.channel,
                                    country=args.country, arm=args.arm, steps=args.steps, domestic=args.domestic))
    else:
        resamples = args.resamples or 1000
        for name in args.indicator:
            result = sensitivity(args.file, name, at=args.at, select=select, confidence=args.confidence,
                                 n_resamples=resamples, seed=args.seed)
            plots.append(sensitivity_plot(result, describe_indicator(args.file, name, args.at, select), resamples, name))
    out = Path(args.output)
    if out.exists() and not out.is_dir():
        raise AnalysisError(f"{out}: not a directory")
    targets = [out / f"{plot.name}.{fmt}" for plot in plots for fmt in args.format]
    if len(set(targets)) != len(targets):
        raise AnalysisError("two figures would have one file name: draw them in separate calls")
    existing = [str(t) for t in targets if t.exists()]
    if existing and not args.overwrite:
        raise AnalysisError(f"{existing[0]} exists: use --overwrite to replace it")
    for plot in plots:
        for path in plot.save(out, args.format):
            print(path)
    return 0


def _brief(args) -> int:
    from .brief import write_brief

    written = write_brief(args.file, args.output, indicators=args.indicator, add_indicators=args.add_indicator,
                          at=args.at, arms=args.arms, baseline=args.baseline, country=args.country,
                          channel=args.channel, band=args.band, confidence=args.confidence,
                          n_resamples=args.resamples, seed=args.seed, sobol_resamples=args.sobol_resamples,
                          pdf=args.pdf, overwrite=args.overwrite)
    for path in written:
        print(path)
    print(Path(args.output) / "figures")
    return 0


def _targets(args) -> int:
    import json

    from .tables import interval, level, number
    from .targets import evaluate, load_targets

    targets = load_targets(args.targets)
    table = evaluate(args.files, targets, keys=args.target, confidence=args.confidence)
    if args.format == "json":
        print(json.dumps({"confidence": args.confidence,
                          "targets": json.loads(table.to_json(orient="records"))}, indent=1))
        return 0
    if args.format == "csv":
        out = table.drop(columns=["per_run"])
        print(out.to_csv(index=False), end="")
        return 0
    print(f"Calibration targets ({args.targets or _default_targets()}) measured on the files given "
          "(the shipped defaults are the calibrated values: scenarios/calibration/calibrated.toml).")
    print(f"A sweep's value is the mean over its runs with a {level(args.confidence)} Student-t interval; "
          "met or not is judged on the mean.")
    rows = []
    for r in table.itertuples():
        if r.status == "not measurable":
            simulated = "-"
        elif r.runs_with_value == 0:
            simulated = "no value"
        elif r.runs_with_value > 1:
            simulated = f"{number(r.simulated)} {interval(r.low, r.high)} ({r.runs_with_value} runs)"
        else:
            simulated = number(r.simulated)
        rows.append({"target": r.target, "arm": r.arm or "-", "horizon": f"{r.horizon_years:g} y",
                     "target value": r.wanted, "tolerance": f"{r.tolerance:g}", "simulated": simulated,
                     "status": r.status})
    import pandas as pd
    print(pd.DataFrame(rows).to_string(index=False))
    notes = [(r.target, r.reason) for r in table.itertuples() if r.reason]
    for key, reason in notes:
        print(f"  {key}: {reason}")
    return 0


def _hypotheses(args) -> int:
    import json

    import pandas as pd

    from .hypotheses import evaluate, load_manifest, markdown
    from .tables import interval, level, number

    table = evaluate(load_manifest(args.manifest), args.results, names=args.hypothesis, confidence=args.confidence)
    if args.format == "json":
        print(json.dumps({"confidence": args.confidence, "hypotheses": json.loads(table.to_json(orient="records"))},
                         indent=1))
        return 0
    if args.format == "csv":
        print(table.drop(columns=["means"]).to_csv(index=False), end="")
        return 0
    if args.format == "markdown":
        print(markdown(table), end="")
        return 0
    print(f"The SILK beliefs put to the test: mean effect over paired replicates with its {level(args.confidence)} "
          "Student-t interval, and the verdict against the belief's direction.")
    rows = [{"hypothesis": r.hypothesis, "effect": f"{r.effect_of} ({r.direction})", "replicates": r.replicates,
             "mean effect": number(r.effect), "interval": interval(r.low, r.high), "verdict": r.verdict}
            for r in table.itertuples()]
    print(pd.DataFrame(rows).to_string(index=False))
    for r in table.itertuples():
        print(f"  {r.hypothesis}: {r.indicator}, {r.at}. Null: {r.null}. Caveat: {r.caveat}.")
    return 0


def _calibrate(args) -> int:
    import shlex

    import pandas as pd

    from .calibration import calibrate_all, load_calibration, write
    from .tables import number

    cal = load_calibration(args.calibration)
    acceptance = args.acceptance if args.acceptance is not None else cal.size(args.quick).acceptance
    result = calibrate_all(args.files, cal, acceptance=acceptance)
    command = " ".join(["ssesim-analysis", "calibrate"] + [shlex.quote(a) for a in (args.argv or [])])
    paths = write(result, args.output, command, fragment_path=args.fragment, overwrite=args.overwrite)
    if args.format == "json":
        print(paths[2].read_text(), end="")
        return 0
    for stage, r in [("first stage: the economy", result.economy)] + [
            (f"second stage: case {case} at the calibrated economy", r) for case, r in result.cases.items()]:
        acc = r.accepted
        print(f"Rejection ABC ({cal.path.name}, {stage}): {len(r.points)} design points x {r.replicates} "
              f"replicate(s) on {len(r.files)} case(s); accepted {len(acc)} (acceptance {r.acceptance:g}), distance "
              f"{number(acc['distance'].min())} to {number(acc['distance'].max())}")
        infinite = int((~r.points["distance"].map(lambda d: d < float("inf"))).sum())
        if infinite:
            print(f"{infinite} design point(s) with a target without a value (distance inf)")
        rows = [{"parameter": x.parameter, "prior": f"[{x.prior_low:g}, {x.prior_high:g}] {x.prior_scale}",
                 "median": number(x.median), "90% interval": f"[{number(x.q05)}, {number(x.q95)}]"}
                for x in r.posterior.itertuples()]
        print(pd.DataFrame(rows).to_string(index=False))
        print("Targets at the accepted points (mean over them of each point's replicate mean):")
        rows = [{"target": t.key, "wanted": t.wanted(), "scale": f"{cal.scales[t.key]:g}",
                 "accepted mean": number(acc[t.key].mean()), "all points mean": number(r.points[t.key].mean())}
                for t in r.calibration.targets]
        print(pd.DataFrame(rows).to_string(index=False))
    for path in paths:
        print(path)
    return 0
