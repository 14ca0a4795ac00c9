"""The policy brief: on a sweep with a known effect its tables hold exactly the numbers
`compare` prints, every image resolves offline, the provenance and the scenario are the
file's; a single run and a Saltelli sweep get their own briefs; headless Chromium shows the
page with no broken image and no console error, and prints it to PDF."""
import base64
import io
import re
import shutil
import subprocess

import matplotlib.image
import numpy as np
import pytest

from analysis_files import (SCENARIO, ishigami, saltelli_design, write_layout, write_output)
from brief_page import Page, render
from ssesim_analysis import brief as brief_module
from ssesim_analysis import compare_arms, sensitivity
from ssesim_analysis.brief import find_chromium, print_pdf, write_brief
from ssesim_analysis.cli import main
from ssesim_analysis.tables import comparison_rows, comparison_sentence, sensitivity_rows

ARMS = {"baseline": 0.0, "outward": 25.0, "inward": 0.0}
REPLICATES = 12
RESAMPLES = 2000
#: The default indicators the layout files hold, and the step value each is taken at.
INDICATORS = {"export_revenue": "final", "employees": "final", "impact_home": "final", "founded_abroad": "mean"}
CHROMIUM = find_chromium()
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian package chromium): "
                                                             "the page cannot be rendered or printed")


@pytest.fixture(scope="module")
def sweep_brief(tmp_path_factory):
    """A brief of three arms of 12 replicates; outward adds 25 US$ of export revenue at the
    last step (analysis_files.layout_values)."""
    root = tmp_path_factory.mktemp("brief")
    path, variables = write_layout(root / "sweep.h5", replicates=REPLICATES, arms_effect=ARMS)
    out = root / "brief"
    assert main(["brief", str(path), "-o", str(out), "--resamples", str(RESAMPLES)]) == 0
    return path, out, Page((out / "brief.html").read_text(encoding="utf-8"))


def decode_image(src, base):
    """The pixels an <img src> points to: a data: URI, or a file relative to the page."""
    if src.startswith("data:"):
        header, _, payload = src.partition(",")
        assert header == "data:image/png;base64"
        data = base64.b64decode(payload, validate=True)
    else:
        assert "://" not in src and not src.startswith("/"), src   # nothing off the page's own folder
        data = (base / src).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return matplotlib.image.imread(io.BytesIO(data), format="png")


def test_brief_tables_are_the_compare_numbers(sweep_brief, capsys):
    path, out, page = sweep_brief
    assert [t for t in page.tables if t.startswith("compare-")] == [f"compare-{name}" for name in INDICATORS]
    for name, at in INDICATORS.items():
        table = compare_arms(path, list(ARMS), name, at=at, n_resamples=RESAMPLES)
        rows = comparison_rows(table)
        header, *body = page.tables[f"compare-{name}"]
        assert header == list(rows.columns)
        assert body == rows.values.tolist()
        # the text is the numbers compare_arms gives, to the 4 digits shown
        for cells, raw in zip(body, table.itertuples()):
            assert float(cells[4]) == pytest.approx(raw.difference, rel=5e-4)
            low, high = (float(x) for x in cells[5].strip("[]").split(", "))
            assert (low, high) == pytest.approx((raw.t_low, raw.t_high), rel=5e-4)
        # and what `compare` prints on the terminal, cell for cell
        assert main(["compare", str(path), "--arms", ",".join(ARMS), "--indicator", name, "--at", at,
                     "--resamples", str(RESAMPLES)]) == 0
        printed = capsys.readouterr().out.splitlines()
        assert [line.split() for line in printed[3:]] == [" ".join(cells).split() for cells in body]
        assert page.h3[list(INDICATORS).index(name)] == printed[0].removeprefix("compare ")
    assert page.h3[3] == "founded_abroad [1] averaged over steps, summed over country, org_kind"


def test_brief_states_the_known_effect(sweep_brief):
    path, _, page = sweep_brief
    r = compare_arms(path, list(ARMS), "export_revenue", n_resamples=RESAMPLES).iloc[0]
    assert r.t_low < 25 < r.t_high and r.t_low > 0
    assert page.items[0] == (f"export_revenue: 'outward' minus 'baseline': +{r.difference:.4g} USD (95% interval "
                             f"{r.t_low:.4g} to {r.t_high:.4g}, +{r.relative:.4g}% of the baseline mean, 12 paired "
                             f"replicates); the interval excludes zero.")
    assert len([item for item in page.items if "minus 'baseline'" in item]) == 2 * len(INDICATORS)


def test_finding_sentences():
    from types import SimpleNamespace as Row
    row = dict(arm_a="base", arm_b="subsidy", n=5, difference=-2.5, sd=1.0, t_low=-3.0, t_high=-2.0, relative=-12.5)
    assert comparison_sentence(Row(**row), "USD", 0.9) == (
        "'subsidy' minus 'base': -2.5 USD (90% interval -3 to -2, -12.5% of the baseline mean, 5 paired replicates); "
        "the interval excludes zero.")
    row.update(difference=0.5, t_low=-0.5, t_high=1.5, relative=float("nan"))
    assert comparison_sentence(Row(**row), "1", 0.95) == (
        "'subsidy' minus 'base': +0.5 (95% interval -0.5 to 1.5, 5 paired replicates); the interval includes zero: "
        "no difference can be told from noise with these replicates.")
    row.update(difference=0.0, sd=0.0, t_low=0.0, t_high=0.0)
    assert comparison_sentence(Row(**row), "persons", 0.95).endswith("; the arms are identical in every replicate.")
    row.update(difference=3.0, t_low=3.0, t_high=3.0)
    assert comparison_sentence(Row(**row), "persons", 0.95).endswith("; every replicate differs by this same amount.")


def test_every_image_resolves_and_nothing_is_fetched(sweep_brief):
    _, out, page = sweep_brief
    # per indicator an arms figure and a series figure; one flow map per arm
    assert len(page.images) == 2 * len(INDICATORS) + len(ARMS)
    for src in page.images:
        image = decode_image(src, out)
        assert image.shape[0] > 300 and image.shape[1] > 600
    text = (out / "brief.html").read_text(encoding="utf-8")
    assert "http://" not in text and "https://" not in text
    assert not page.tags & {"script", "link", "iframe", "object"}
    # the figures are also kept as files for reuse, each as PNG and SVG
    names = sorted(p.name for p in (out / "figures").iterdir())
    assert len(names) == 2 * len(page.images)
    assert "series-employees.png" in names and "arms-export_revenue.svg" in names
    assert len([n for n in names if n.startswith("flows-goods-") and n.endswith("-outward.svg")]) == 1


def test_brief_provenance_scenario_and_captions(sweep_brief):
    path, _, page = sweep_brief
    provenance = dict(page.tables["provenance"][1:])
    assert provenance["file"] == str(path)
    assert (provenance["ssesim_version"], provenance["git_commit"], provenance["scenario_file"], provenance["seed"],
            provenance["status"]) == ("0.1.0", "abc123", "scenarios/test.toml", "7", "complete")
    assert provenance["runs"] == "36 (baseline 12, outward 12, inward 12); 0 not complete"
    assert provenance["design"] == "factorial; factors: outward_support"
    assert page.pre == [SCENARIO]
    series = [c for c in page.captions if "over time." in c]
    assert len(series) == len(INDICATORS)
    assert all("the 2.5th-97.5th percentile over 12 replicates at each step" in c for c in series)
    arms = [c for c in page.captions if "arms against 'baseline'" in c]
    assert all("over 12 replicates" in c and "95% Student-t interval" in c for c in arms) and len(arms) == len(INDICATORS)
    flows = [c for c in page.captions if "outward and inward flows of" in c]
    # the three maps share the country (the busiest in the baseline)
    assert len(flows) == 3 and len({c.split(" flows of ")[1].split(" ")[0] for c in flows}) == 1


def test_brief_indicator_choice_and_baseline(tmp_path):
    path, _ = write_layout(tmp_path / "sweep.h5", replicates=4, arms_effect=ARMS)
    write_brief(path, tmp_path / "one", indicators=["impact_home"], baseline="outward", arms=["inward", "outward"],
                n_resamples=200)
    page = Page((tmp_path / "one" / "brief.html").read_text(encoding="utf-8"))
    assert [t for t in page.tables if t != "provenance"] == ["compare-impact_home"]
    expected = comparison_rows(compare_arms(path, ["outward", "inward"], "impact_home", n_resamples=200))
    assert page.tables["compare-impact_home"][1:] == expected.values.tolist()
    assert page.tables["compare-impact_home"][1][0] == "inward"
    write_brief(path, tmp_path / "more", add_indicators=["flow_value"], at="mean", n_resamples=200)
    page = Page((tmp_path / "more" / "brief.html").read_text(encoding="utf-8"))
    assert [t for t in page.tables if t != "provenance"] == [f"compare-{n}" for n in [*INDICATORS, "flow_value"]]
    assert page.h3[0] == "export_revenue [USD] averaged over steps, summed over country, org_kind"


def test_brief_of_a_single_run_has_series_and_no_uncertainty(tmp_path):
    path, variables = write_layout(tmp_path / "run.h5")
    write_brief(path, tmp_path / "brief")
    page = Page((tmp_path / "brief" / "brief.html").read_text(encoding="utf-8"))
    assert list(page.tables) == ["provenance"]
    assert dict(page.tables["provenance"][1:])["runs"] == "a single run"
    assert page.notes[0].startswith("This file holds a single run. One run gives no uncertainty")
    assert len(page.images) == len(INDICATORS) + 1               # a series each, one flow map
    series = [c for c in page.captions if "over time." in c]
    assert len(series) == len(INDICATORS) and all("No uncertainty can be given from one run" in c for c in series)
    for src in page.images:
        decode_image(src, tmp_path / "brief")


def test_brief_of_a_saltelli_sweep_has_the_sobol_table(tmp_path):
    n = 64
    a, b, ab = saltelli_design(n)
    x = np.stack([a, b, *ab], axis=1).reshape(-1, 3)
    y = ishigami(x)[:, None] * np.array([0.5, 1.0])              # y[run, step]
    runs = {"run": np.arange(5 * n), "arm": np.array(["saltelli"] * (5 * n)), "replicate": np.repeat(np.arange(n), 5),
            "seed": np.repeat(np.arange(n), 5), "x1": x[:, 0], "x2": x[:, 1], "x3": x[:, 2],
            "matrix": np.array(["A", "B", "AB_1", "AB_2", "AB_3"] * n), "sample": np.repeat(np.arange(n), 5)}
    path = write_output(tmp_path / "saltelli.h5", {"y": (["run", "step"], y, "1")}, {"run": runs["run"], "step": [1, 2]},
                        runs=runs, runs_attributes={"design": "saltelli", "N": n, "k": 3, "factors": ["x1", "x2", "x3"]})
    write_brief(path, tmp_path / "brief", indicators=["y"], sobol_resamples=150, seed=4)
    page = Page((tmp_path / "brief" / "brief.html").read_text(encoding="utf-8"))
    expected = sensitivity_rows(sensitivity(path, "y", n_resamples=150, seed=4))
    assert page.tables["sensitivity-y"] == [list(expected.columns), *expected.values.tolist()]
    assert len(page.images) == 2 and any("How much of the variance of y [1] at the final step" in c for c in page.captions)


def test_brief_bad_input_is_one_line_and_exit_2(sweep_brief, tmp_path, capsys, monkeypatch):
    path, out, _ = sweep_brief
    single, _ = write_layout(tmp_path / "run.h5")
    cases = [
        ([str(path), "-o", str(out)], f"{out / 'brief.html'} exists: use --overwrite to replace it"),
        ([str(path), "-o", str(tmp_path / "b"), "--baseline", "sideways"],
         "arm 'sideways' is not in the runs table (arms: baseline, outward, inward)"),
        ([str(path), "-o", str(tmp_path / "b"), "--indicator", "imports"],
         f"{path}: no dataset 'imports' (datasets: country_gdp, employees, export_revenue, flow_channel, flow_value, "
         "founded_abroad, impact_home)"),
        ([str(path), "-o", str(tmp_path / "b"), "--add-indicator", "country_gdp"],
         "'country_gdp' cannot be reported: the brief needs a leading run dimension and a step dimension (dimensions: country)"),
        ([str(path), "-o", str(tmp_path / "b"), "--country", "DEU"], "country 'DEU' is not in the 'origin' scale (ESP, FRA, MEX)"),
        ([str(single), "-o", str(tmp_path / "b"), "--baseline", "outward"], f"{single}: a single run has no arms to choose from"),
        ([str(path), "-o", str(tmp_path / "b"), "--at", "last"],
         "argument --at: invalid choice: 'last' (choose from 'final', 'mean') (see 'ssesim-analysis brief --help')"),
    ]
    for args, message in cases:
        assert main(["brief", *args]) == 2, args
        assert capsys.readouterr() == ("", f"ssesim-analysis: error: {message}\n"), args
    assert not (tmp_path / "b").exists()
    monkeypatch.setattr(brief_module, "find_chromium", lambda: None)
    assert main(["brief", str(path), "-o", str(tmp_path / "b"), "--pdf"]) == 2
    assert capsys.readouterr().err == ("ssesim-analysis: error: --pdf needs Chromium to print the brief, and no 'chromium' "
                                       "is on PATH (Debian package chromium); leave --pdf out for the HTML alone\n")


@needs_chromium
def test_chromium_shows_every_image_and_no_error(sweep_brief, tmp_path):
    _, out, page = sweep_brief
    copy = tmp_path / "brief"
    shutil.copytree(out, copy)
    record, console = render(CHROMIUM, copy / "brief.html", tmp_path)
    assert len(record["images"]) == len(page.images)
    assert [image for image in record["images"] if not image["ok"]] == []
    assert all(image["width"] > 600 for image in record["images"])
    assert record["problems"] == [] and console == []
    # the probe does see a broken image and a script error when there are some
    broken = copy / "broken.html"
    broken.write_text((copy / "brief.html").read_text(encoding="utf-8").replace(
        "</body>", '<img src="figures/absent.png" alt="absent"><script>undefinedFunction();</script></body>'),
        encoding="utf-8")
    record, console = render(CHROMIUM, broken, tmp_path)
    assert [image["alt"] for image in record["images"] if not image["ok"]] == ["absent"]
    assert record["problems"][0] == "error: Uncaught ReferenceError: undefinedFunction is not defined"
    assert record["problems"][1].startswith("resource failed: file://") and record["problems"][1].endswith("absent.png")
    assert len(console) == 1 and "undefinedFunction is not defined" in console[0]


@needs_chromium
def test_pdf_is_printed(sweep_brief, tmp_path, capsys):
    path, _, _ = sweep_brief
    out = tmp_path / "brief"
    assert main(["brief", str(path), "-o", str(out), "--indicator", "employees", "--resamples", "200", "--pdf"]) == 0
    assert capsys.readouterr().out.splitlines() == [str(out / "brief.html"), str(out / "brief.pdf"), str(out / "figures")]
    pdf = (out / "brief.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    # A4 pages (595 x 842 points), more than one: the figures do not fit on a page
    pages = re.search(rb"/Type /Pages\s*/Count (\d+)", pdf)
    assert pages and int(pages.group(1)) >= 2
    assert re.search(rb"/MediaBox \[0 0 59[45](\.\d+)? 84[12](\.\d+)?\]", pdf)
    # every distinct figure is in it (Chromium stores identical images once)
    page = Page((out / "brief.html").read_text(encoding="utf-8"))
    assert pdf.count(b"/Subtype /Image") >= len(set(page.images)) == 4


@needs_chromium
@pytest.mark.skipif(shutil.which("pdftotext") is None,
                    reason="pdftotext (Debian package poppler-utils) is not installed: the PDF's text cannot be extracted")
def test_pdf_text_holds_the_table_numbers(sweep_brief, tmp_path):
    path, out, page = sweep_brief
    pdf = tmp_path / "brief.pdf"
    print_pdf(CHROMIUM, out / "brief.html", pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    words = text.split()
    for name in INDICATORS:
        for row in page.tables[f"compare-{name}"][1:]:
            for cell in row:
                for word in cell.split():
                    assert word in words, (name, cell)
    # and the captions' words: what each figure shows (the flow maps name their country)
    for caption in page.captions:
        assert [w for w in caption.split() if w not in words] == [], caption
