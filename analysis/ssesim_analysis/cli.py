"""The `ssesim-analysis` program: summary, compare and sensitivity over ssesim output.

Exit codes: 0 success, 2 bad input (command line, missing, foreign or unreadable file,
unknown arm, dataset or label, a file without the runs table or design a verb needs), 1 when
the reader of the output goes away. Every error is one line on stderr:
`ssesim-analysis: error: ...`.
"""
from __future__ import annotations

import argparse
import os
import sys


from . import __version__
from .errors import AnalysisError
from .experiment import compare_arms, sensitivity
from .io import summary
from .tables import (comparison_heading, comparison_rows, describe_indicator, sensitivity_heading,
                     sensitivity_rows)

PROG = "ssesim-analysis"


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line, like every other error."""

    def error(self, message: str):
        raise AnalysisError(f"{message} (see '{self.prog} --help')")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
        try:
            return args.verb(args)
        except BrokenPipeError:
            raise
        except OSError as e:
            # HDF5 could not read a part of the file (a truncated chunk, a missing external file).
            raise AnalysisError(f"{args.file}: cannot read: {str(e).splitlines()[0]}") from None
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
    return parser


def _indicator_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--indicator", required=True, help="a dataset with a leading run dimension")
    p.add_argument("--at", choices=("final", "mean"), default="final",
                   help="the last step's value or the mean over steps (default: final)")
    p.add_argument("--where", action="append", type=_selection, default=[], metavar="DIM=LABEL[,LABEL]",
                   help="sum only these labels of a dimension (repeatable); other dimensions are summed whole")


def _interval_options(p: argparse.ArgumentParser, resamples: int) -> None:
    p.add_argument("--confidence", type=float, default=0.95, help="interval level (default: 0.95)")
    p.add_argument("--resamples", type=_at_least(1), default=resamples,
                   help=f"bootstrap resamples (default: {resamples})")
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
    table = compare_arms(args.file, args.arms, args.indicator, at=args.at, select=select,
                         half_width=args.replicates_for, confidence=args.confidence,
                         n_resamples=args.resamples, seed=args.seed)
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
