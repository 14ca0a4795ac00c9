"""A policy brief from one ssesim file: one HTML page that opens offline (figures embedded as
PNG data: URIs, no script, no web font), with provenance, the arm comparisons (the very
tables `compare` prints, from `tables`), the figures with plain-words captions, and the
resolved scenario; optionally printed to PDF by headless Chromium.

For a sweep with two or more arms every arm is compared with the baseline (the first arm, or
the one named) on each indicator; a Saltelli sweep gets Sobol indices; a single run gets its
series, with the note that one run carries no uncertainty.
"""
from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import __version__
from .defaults import DEFAULT_INDICATORS
from .errors import AnalysisError
from .experiment import compare_arms, sensitivity
from .io import open_run
from .plots import (DEFAULT_CHANNEL, Plot, arm_colours, arms_plot, flows_plot, has_flow_dataset, sensitivity_plot,
                    series_plot, writing)
from .tables import (comparison_heading, comparison_rows, comparison_sentence, describe_indicator, level,
                     sensitivity_heading, sensitivity_rows)

#: Seconds headless Chromium may take to print the brief.
PRINT_TIMEOUT = 180


@dataclass
class Section:
    """One indicator's part of the brief."""
    indicator: str
    at: str
    what: str
    heading: str = ""
    table: pd.DataFrame | None = None
    rows: pd.DataFrame | None = None
    plots: list[Plot] = field(default_factory=list)


def find_chromium() -> str | None:
    """The Chromium program on PATH, if any (Debian names it `chromium`)."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def write_brief(path: str | Path, out_dir: str | Path, *, indicators: Sequence[str] | None = None,
                add_indicators: Sequence[str] = (), at: str | None = None, arms: Sequence[str] | None = None,
                baseline: str | None = None, country: str | None = None, channel: str | None = None,
                band: float = 95.0, confidence: float = 0.95, n_resamples: int = 9999, seed: int = 0,
                sobol_resamples: int = 1000, pdf: bool = False, overwrite: bool = False) -> list[Path]:
    """Writes OUT_DIR/brief.html (and OUT_DIR/brief.pdf with `pdf`), and every figure as PNG
    and SVG in OUT_DIR/figures/. Returns the brief's paths (HTML, then PDF).

    indicators:     the datasets to report (default: those of DEFAULT_INDICATORS the file
                    holds); add_indicators are reported as well.
    at:             "final" or "mean" for every indicator (default: per DEFAULT_INDICATORS,
                    else final).
    arms, baseline: the arms to compare (default: all, in runs-table order) and the one each
                    is compared with (default: the first).
    """
    out_dir = Path(out_dir)
    html_path, pdf_path = out_dir / "brief.html", out_dir / "brief.pdf"
    figures = out_dir / "figures"
    for target in [html_path] + ([pdf_path] if pdf else []) + ([figures] if figures.is_dir() and any(figures.iterdir()) else []):
        if target.exists() and not overwrite:
            raise AnalysisError(f"{target} exists: use --overwrite to replace it")
    chromium = find_chromium() if pdf else None
    if pdf and chromium is None:
        raise AnalysisError("--pdf needs Chromium to print the brief, and no 'chromium' is on PATH "
                            "(Debian package chromium); leave --pdf out for the HTML alone")
    if at is not None and at not in ("final", "mean"):
        raise AnalysisError(f"at must be 'final' or 'mean', not '{at}'")

    with open_run(path) as f:
        attributes = f.attributes
        info = f.summary()
        variables = f.variables()
        runs = f.runs() if info["runs"] is not None else None
        chosen = _indicators(f, variables, indicators, add_indicators, sweep=runs is not None)
        flows = has_flow_dataset(f, "flow_value")
    at_of = {name: at or dict(DEFAULT_INDICATORS).get(name, "final") for name in chosen}

    notes: list[str] = []
    sections: list[Section] = []
    flow_plots: list[Plot] = []
    findings: list[str] = []
    design = runs.attrs.get("design") if runs is not None else None
    if runs is None:
        if arms or baseline:
            raise AnalysisError(f"{path}: a single run has no arms to choose from")
        arm_list: list[str] = []
        notes.append("This file holds a single run. One run gives no uncertainty: the figures show what happened "
                     "in this run, and whether a policy changes it cannot be told from it. Run a sweep with "
                     "replicates and policy arms to compare them with intervals.")
    else:
        arm_list = arm_order(runs, arms, baseline)
        if len(arm_list) < 2 and design != "saltelli":
            notes.append(f"This sweep has one arm ('{arm_list[0]}'): there is nothing to compare; the figures show "
                         f"the spread over its replicates.")
    colours = arm_colours(arm_list)
    for name in chosen:
        section = Section(indicator=name, at=at_of[name], what=describe_indicator(path, name, at_of[name], None))
        if len(arm_list) >= 2:
            table = compare_arms(path, arm_list, name, at=section.at, confidence=confidence,
                                 n_resamples=n_resamples, seed=seed)
            section.table, section.rows, section.heading = table, comparison_rows(table), comparison_heading(table)
            section.plots.append(arms_plot(table, section.what))
            findings += [f"<b>{html.escape(name)}</b>: {html.escape(comparison_sentence(r, table.attrs['units'], confidence))}"
                         for r in table.itertuples()]
        elif design == "saltelli":
            result = sensitivity(path, name, at=section.at, confidence=confidence, n_resamples=sobol_resamples,
                                 seed=seed)
            section.rows, section.heading = sensitivity_rows(result), sensitivity_heading(result, sobol_resamples, seed)
            section.plots.append(sensitivity_plot(result, section.what, sobol_resamples, name))
        section.plots.append(series_plot(path, name, arms=arm_list or None, band=band, colours=colours))
        sections.append(section)
    if flows:
        for arm in arm_list or [None]:
            plot = flows_plot(path, channel=channel, country=country, arm=arm)
            # the country found busiest in the first map is kept for the others, so they compare
            country = plot.details["country"]
            flow_plots.append(plot)
        top = max(plot.details["top"] for plot in flow_plots)
        if len(flow_plots) > 1 and top > 0:
            # drawn again on one colour scale, so a darker cell means more flow in every map
            flow_plots = [flows_plot(path, channel=channel, country=country, arm=arm, vmax=top)
                          for arm in arm_list]

    for plot in [p for s in sections for p in s.plots] + flow_plots:
        plot.save(figures)
    page = _page(path, attributes, info, runs, arm_list, sections, flow_plots, findings, notes,
                 confidence=confidence, band=band, channel=channel)
    with writing(html_path):
        html_path.write_text(page, encoding="utf-8")
    written = [html_path]
    if pdf:
        print_pdf(chromium, html_path, pdf_path)
        written.append(pdf_path)
    return written


def print_pdf(chromium: str, html_path: Path, pdf_path: Path) -> None:
    """Prints a page to PDF with headless Chromium (A4, as the page's @page rule says)."""
    pdf_path.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="ssesim-chromium-") as profile:
        # --no-sandbox: Chromium's sandbox needs user namespaces, which containers and root
        # sessions often lack; the page is our own and runs no script.
        command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
                   "--no-pdf-header-footer", f"--print-to-pdf={pdf_path.resolve()}", html_path.resolve().as_uri()]
        try:
            proc = subprocess.run(command, capture_output=True, text=True, timeout=PRINT_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise AnalysisError(f"chromium did not print {pdf_path} within {PRINT_TIMEOUT} s") from None
    if proc.returncode != 0 or not pdf_path.exists() or pdf_path.stat().st_size == 0:
        # Chromium logs D-Bus and GPU complaints on every start; they are not the reason
        errors = [line for line in proc.stderr.splitlines()
                  if "rror" in line and not any(noise in line for noise in ("dbus", "bus.cc", "gpu", "vaapi"))]
        reason = (errors[-1].strip() if errors else f"exit status {proc.returncode}" if proc.returncode
                  else "it wrote no PDF")
        raise AnalysisError(f"chromium could not print {pdf_path}: {reason}")


def _indicators(f, variables: list[str], indicators, add_indicators, sweep: bool) -> list[str]:
    def usable(name: str) -> bool:
        dims = f.dims(name)
        return "step" in dims and (dims[0] == "run") == sweep

    if indicators:
        chosen = list(indicators)
    else:
        chosen = [name for name, _ in DEFAULT_INDICATORS if name in variables and usable(name)]
        if not chosen and not add_indicators:
            raise AnalysisError(f"{f.path}: none of the default indicators "
                                f"({', '.join(n for n, _ in DEFAULT_INDICATORS)}) is in the file: name some with --indicator")
    chosen = list(dict.fromkeys(chosen + list(add_indicators)))
    for name in chosen:
        f.describe(name)                      # an unknown dataset is refused here, by name
        if not usable(name):
            want = "a leading run dimension and a step dimension" if sweep else "a step dimension"
            raise AnalysisError(f"'{name}' cannot be reported: the brief needs {want} "
                                f"(dimensions: {', '.join(map(str, f.dims(name)))})")
    return chosen


def arm_order(runs: pd.DataFrame, arms: Sequence[str] | None, baseline: str | None) -> list[str]:
    known = list(dict.fromkeys(runs["arm"]))
    chosen = list(dict.fromkeys(arms)) if arms else known
    for arm in chosen + ([baseline] if baseline else []):
        if arm not in known:
            raise AnalysisError(f"arm '{arm}' is not in the runs table (arms: {', '.join(known)})")
    if baseline:
        chosen = [baseline] + [a for a in chosen if a != baseline]
    return chosen


STYLE = """
@page { size: A4; margin: 15mm 14mm; }
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; font-size: 10.5pt; line-height: 1.45;
       color: #1a1a1a; max-width: 60em; margin: 1.5em auto; padding: 0 1em; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; }
h2 { font-size: 1.3em; border-bottom: 2px solid #1f77b4; padding-bottom: 0.15em; margin-top: 1.8em; }
h3 { font-size: 1.08em; margin-top: 1.5em; }
.lede { color: #555; margin-top: 0; }
.note { background: #fff6e0; border-left: 4px solid #e0a800; padding: 0.5em 0.8em; }
table { border-collapse: collapse; font-size: 0.86em; margin: 0.6em 0; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
table.numbers td { font-variant-numeric: tabular-nums; white-space: nowrap; }
th { background: #f0f4f8; }
figure { margin: 1em 0; break-inside: avoid; page-break-inside: avoid; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 0.9em; color: #333; margin-top: 0.3em; }
.method { font-size: 0.9em; color: #444; }
pre { font-size: 0.78em; background: #f7f7f7; padding: 0.8em; white-space: pre-wrap; word-break: break-word; }
section.indicator { break-inside: auto; }
"""


def _page(path, attributes, info, runs, arms, sections, flow_plots, findings, notes, *, confidence, band,
          channel) -> str:
    e = html.escape
    lv = level(confidence)
    title = attributes.get("title") or Path(path).name
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>Policy brief: {e(str(title))}</title>", f"<style>{STYLE}</style></head><body>",
           f"<header><h1>Policy brief: {e(str(title))}</h1>",
           f'<p class="lede">From <code>{e(str(path))}</code>, made by ssesim-analysis {e(__version__)}.</p></header>']
    for note in notes:
        out.append(f'<p class="note">{e(note)}</p>')
    if findings:
        out.append('<section id="findings"><h2>Main findings</h2>')
        out.append(f"<p>Each arm against the baseline '{e(arms[0])}', paired by replicate; {lv} Student-t "
                   f"intervals of the mean difference. The tables below give the bootstrap intervals too.</p><ul>")
        out += [f"<li>{finding}</li>" for finding in findings]
        out.append("</ul></section>")

    out.append('<section id="provenance"><h2>Provenance</h2>')
    out.append(_table(_provenance(path, attributes, info, runs), "provenance", numbers=False))
    out.append("</section>")

    if sections:
        heading = ("Policy arms compared" if any(s.table is not None for s in sections)
                   else "Sensitivity" if any(s.rows is not None for s in sections) else "Indicators over time")
        out.append(f'<section id="indicators"><h2>{heading}</h2>')
        for s in sections:
            out.append(f'<section class="indicator" id="indicator-{e(s.indicator)}"><h3>{e(s.what)}</h3>')
            if s.rows is not None:
                out.append(f'<p class="method">{e(s.heading)}</p>')
                kind = "compare" if s.table is not None else "sensitivity"
                out.append(_table(s.rows, f"{kind}-{s.indicator}", numbers=True))
            for plot in s.plots:
                out.append(_figure(plot))
            out.append("</section>")
        out.append("</section>")

    if flow_plots:
        out.append('<section id="flows"><h2>Flows between countries</h2>')
        out.append("<p>Who sends what to whom: each row of a map is an origin country and each column a destination, "
                   "so a country's row is its outward internationalisation and its column the inward one.</p>")
        out += [_figure(plot) for plot in flow_plots]
        out.append("</section>")

    out.append('<section id="method"><h2>How to read the numbers</h2><ul class="method">')
    out.append("<li>Each indicator is one number per run: the dataset summed over countries and organisation kinds "
               "(every dimension other than run and step), taken at the final step or averaged over the steps, as "
               "its heading says. Summing suits counts, persons and US$; shares and prices are not summed.</li>")
    if len(arms) >= 2:
        out.append(f"<li>Arms share their replicates' random numbers (common random numbers), so the comparison is on "
                   f"the paired differences arm minus baseline, replicate by replicate. 'difference' is their mean; "
                   f"the t interval is mean ± t·s/√n; the bootstrap interval is the percentile interval over "
                   f"resampled replicates; 'relative %' is the difference in % of the baseline mean. All are {lv} "
                   f"intervals for the mean effect, not ranges of single runs. With few replicates (fewer than "
                   f"about 20) the bootstrap interval comes out too narrow, so the findings quote the t "
                   f"interval.</li>")
    if runs is not None:
        out.append(f"<li>In the time series, a line is the mean over an arm's replicates and the band the middle "
                   f"{band:g}% of single runs: run-to-run spread, wider than the uncertainty of the mean.</li>")
    if flow_plots:
        channel_note = f"the {channel} channel" if channel else f"the {DEFAULT_CHANNEL} channel (when the file groups flows by channel)"
        out.append(f"<li>The flow maps show {e(channel_note)}, summed over the steps of the run.</li>")
    out.append("</ul></section>")

    scenario = attributes.get("scenario")
    out.append('<section id="scenario"><h2>Scenario</h2>')
    if scenario:
        out.append(f"<p>The resolved scenario stored in the file (every default filled in), from "
                   f"<code>{e(str(attributes.get('scenario_file', '?')))}</code>:</p><pre>{e(str(scenario))}</pre>")
    else:
        out.append("<p>The file does not hold the resolved scenario (root attribute <code>scenario</code>).</p>")
    out.append("</section></body></html>")
    return "\n".join(out) + "\n"


def _provenance(path, attributes, info, runs) -> pd.DataFrame:
    rows = [("file", str(path))]
    for key in ("title", "ssesim_version", "git_commit", "scenario_file", "seed", "status"):
        rows.append((key, str(attributes[key]) if key in attributes else "not recorded"))
    rows.append(("steps", f"{attributes.get('steps_completed', '?')} of {attributes.get('steps_planned', '?')} completed"))
    for key in ("steps_per_year", "created", "compiler"):
        if key in attributes:
            rows.append((key, str(attributes[key])))
    if runs is None:
        rows.append(("runs", "a single run"))
    else:
        r = info["runs"]
        rows.append(("runs", f"{r['count']} ({', '.join(f'{a} {n}' for a, n in r['arms'].items())}); "
                             f"{r['not_complete']} not complete"))
        rows.append(("design", f"{r['design'] or 'not stated'}; factors: {', '.join(r['factors']) or 'none'}"))
    if info["missing"]:
        rows.append(("missing", ", ".join(info["missing"])))
    return pd.DataFrame(rows, columns=["item", "value"])


def _table(frame: pd.DataFrame, table_id: str, numbers: bool) -> str:
    e = html.escape
    cls = ' class="numbers"' if numbers else ""
    head = "".join(f"<th>{e(str(c))}</th>" for c in frame.columns)
    body = "".join("<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in row) + "</tr>"
                   for row in frame.itertuples(index=False))
    return f'<table id="{e(table_id)}"{cls}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _figure(plot: Plot) -> str:
    e = html.escape
    return (f'<figure id="figure-{e(plot.name)}"><img src="{plot.data_uri()}" alt="{e(plot.title)}">'
            f"<figcaption><b>{e(plot.title)}.</b> {e(plot.caption)}</figcaption></figure>")
