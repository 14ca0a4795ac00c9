"""Figures: each kind drawn from small files with known contents, its plotted numbers checked
against numpy and the library's tables, its PNG and SVG files valid; `plot` on the command
line, and a one-line error with exit 2 for each kind of bad input."""
import xml.etree.ElementTree as ET

import h5py
import matplotlib.image
import numpy as np
import pytest
from matplotlib.container import ErrorbarContainer

from analysis_files import (CHANNELS, COUNTRIES, FLOWS, LAYOUT_ATTRIBUTES, write_layout, write_saltelli_sweep)
from ssesim_analysis import (arms_plot, compare_arms, flows_plot, sensitivity, sensitivity_plot, series_plot)
from ssesim_analysis.cli import main
from ssesim_analysis.plots import DPI
from ssesim_analysis.tables import describe_indicator

ARMS = {"baseline": 0.0, "outward": 25.0, "inward": 0.0}
REPLICATES = 8
GOODS = [i for i, c in enumerate(CHANNELS) if c == "goods"]


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    """Three arms of 8 replicates in the layout of a run (analysis_files.layout_values):
    outward adds 25 to ESP worker-co-op export revenue at the last step and scales ESP's goods
    flows by 1.25."""
    return write_layout(tmp_path_factory.mktemp("plots") / "sweep.h5", replicates=REPLICATES, arms_effect=ARMS)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return write_layout(tmp_path_factory.mktemp("plots") / "run.h5")


def arm_runs(arm):
    i = list(ARMS).index(arm)
    return slice(i * REPLICATES, (i + 1) * REPLICATES)


def check_png(path, figure):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = matplotlib.image.imread(path)
    width, height = figure.get_size_inches() * DPI
    assert image.shape[:2] == (round(height), round(width))
    # not blank: the figure has ink of several colours
    rgba = np.rint(image * 255).astype(np.uint32).reshape(-1, image.shape[2])
    assert len(np.unique(rgba @ (256 ** np.arange(image.shape[2], dtype=np.uint32)))) > 10


def check_svg(path):
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert len(root.findall(".//{http://www.w3.org/2000/svg}path")) > 10


def test_series_of_a_sweep_is_the_arm_mean_with_a_percentile_band(sweep, tmp_path):
    path, variables = sweep
    plot = series_plot(path, "export_revenue")
    ax = plot.figure.axes[0]
    data = variables["export_revenue"][1].sum(axis=(2, 3))          # [run, step]
    assert [line.get_label() for line in ax.lines] == [f"{arm} (n = {REPLICATES})" for arm in ARMS]
    for line, band, arm in zip(ax.lines, ax.collections, ARMS):
        values = data[arm_runs(arm)]
        np.testing.assert_array_equal(line.get_xdata(), np.arange(1, 7))
        np.testing.assert_allclose(line.get_ydata(), values.mean(axis=0), rtol=1e-13)
        low, high = np.percentile(values, [2.5, 97.5], axis=0)
        ys = band.get_paths()[0].vertices[:, 1]
        # the band's outline runs along the 2.5th and 97.5th percentiles, nowhere else
        assert np.isclose(ys[:, None], np.concatenate([low, high])[None, :], rtol=1e-13).any(axis=1).all()
        assert np.isclose(np.concatenate([low, high])[:, None], ys[None, :], rtol=1e-13).any(axis=1).all()
    assert plot.name == "series-export_revenue"
    assert plot.caption.startswith("export revenue [USD] per step, summed over country, org_kind. Each line is "
                                   "the mean over the replicates of one policy arm; the shaded band around it is the "
                                   "2.5th-97.5th percentile over 8 replicates at each step")
    png, svg = plot.save(tmp_path)
    assert (png.name, svg.name) == ("series-export_revenue.png", "series-export_revenue.svg")
    check_png(png, plot.figure)
    check_svg(svg)
    # a band of 50% and a chosen arm and cells
    plot = series_plot(path, "export_revenue", arms=["outward"], band=50, select={"country": "ESP"})
    (line,) = plot.figure.axes[0].lines
    values = variables["export_revenue"][1][arm_runs("outward"), :, 0].sum(axis=2)
    np.testing.assert_allclose(line.get_ydata(), values.mean(axis=0), rtol=1e-13)
    assert "25th-75th percentile over 8 replicates" in plot.caption and "country = ESP" in plot.caption


def test_series_of_a_single_run_is_one_line_without_uncertainty(run, tmp_path):
    path, variables = run
    plot = series_plot(path, "employees")
    (line,) = plot.figure.axes[0].lines
    assert not plot.figure.axes[0].collections
    np.testing.assert_array_equal(line.get_ydata(), variables["employees"][1].sum(axis=(1, 2)))
    assert plot.caption == ("employees at home [persons] per step, summed over country, org_kind, in one run "
                            "(seed 7). No uncertainty can be given from one run: a sweep with replicates shows how "
                            "much runs differ.")
    for saved in plot.save(tmp_path):
        assert saved.stat().st_size > 1000
    # an interrupted run: the steps not completed (NaN, as ssesim leaves them) are not drawn
    attributes = dict(LAYOUT_ATTRIBUTES, status="interrupted", steps_completed=3)
    broken, variables = write_layout(tmp_path / "interrupted.h5", attributes=attributes)
    with h5py.File(broken, "a") as f:
        f["impact_home"][3:] = np.nan
    plot = series_plot(broken, "impact_home")
    (line,) = plot.figure.axes[0].lines
    np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3])
    np.testing.assert_allclose(line.get_ydata(), variables["impact_home"][1][:3].sum(axis=(1, 2)), rtol=1e-13)
    assert plot.caption.endswith("The run is interrupted: steps 3 of 6 are shown.")


def test_arms_plot_draws_the_compare_table(sweep, tmp_path):
    path, _ = sweep
    table = compare_arms(path, ["baseline", "outward", "inward"], "export_revenue", n_resamples=999)
    plot = arms_plot(table, describe_indicator(path, "export_revenue", "final", None))
    ax = plot.figure.axes[0]
    t_bars, boot_bars = ax.containers
    # one horizontal bar per arm, outward on top: its ends are the interval's ends
    t_ends = [segment[:, 0] for segment in t_bars.lines[2][0].get_segments()]
    boot_ends = [segment[:, 0] for segment in boot_bars.lines[2][0].get_segments()]
    np.testing.assert_allclose(t_ends, table[["t_low", "t_high"]].to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(boot_ends, table[["boot_low", "boot_high"]].to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(t_bars.lines[0].get_xdata(), table["difference"], rtol=1e-12)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["outward", "inward"]
    # the known effect: outward's interval holds 25 and not 0
    assert table.loc[0, "t_low"] > 0 and table.loc[0, "t_low"] < 25 < table.loc[0, "t_high"]
    assert plot.name == "arms-export_revenue"
    assert "over 8 replicates" in plot.caption and "percentile-bootstrap interval (999 resamples)" in plot.caption
    png, svg = plot.save(tmp_path)
    check_png(png, plot.figure)
    check_svg(svg)


def test_flow_map_is_the_replicate_mean_with_the_country_row_and_column(sweep, tmp_path):
    path, variables = sweep
    flow_value = variables["flow_value"][1]                          # [run, step, flow, origin, destination]
    maps = {}
    for arm in ("baseline", "outward"):
        plot = flows_plot(path, arm=arm, country="ESP")
        expected = flow_value[arm_runs(arm)][:, :, GOODS].sum(axis=(1, 2)).mean(axis=0)
        np.testing.assert_allclose(plot.details["mean"], expected, rtol=1e-13)
        left, right = plot.figure.axes[:2]                         # axes[2] is the colour bar
        shown = left.images[0].get_array()
        assert shown.mask.tolist() == np.eye(3, dtype=bool).tolist()     # the domestic diagonal is blank
        np.testing.assert_allclose(shown.data[~np.eye(3, dtype=bool)], expected[~np.eye(3, dtype=bool)], rtol=1e-13)
        widths = [bar.get_width() for bar in right.patches]
        outward, inward = expected[0, 1:], expected[1:, 0]
        order = np.argsort(-(outward + inward), kind="stable")
        np.testing.assert_allclose(widths, np.concatenate([outward[order], inward[order]]), rtol=1e-13)
        assert plot.details["flows"] == ["sales"] and plot.name == f"flows-goods-ESP-{arm}"
        maps[arm] = plot.details["mean"]
        check_png(plot.save(tmp_path)[0], plot.figure)
    # outward scales ESP's goods exports by 1.25 and nothing else
    ratio = maps["outward"] / maps["baseline"]
    np.testing.assert_allclose(ratio[0], 1.25, rtol=1e-13)
    np.testing.assert_allclose(ratio[1:], 1.0, rtol=1e-13)
    assert plot.caption.startswith("Left: goods flows from each origin country (row) to each destination country "
                                   "(column) in USD, summed over steps 1-6, the mean over the 8 replicates of arm "
                                   "'outward'. The red row is what ESP sends out (outward), the green column what "
                                   "it receives (inward).")
    out_total = flow_value[arm_runs("outward")][:, :, GOODS][:, :, :, 0, 1:].sum(axis=(1, 2, 3))
    assert (f"ESP's total outward flow lies between {np.percentile(out_total, 2.5):.4g} and "
            f"{np.percentile(out_total, 97.5):.4g}") in plot.caption


def test_flow_map_choices(run, sweep):
    path, variables = run
    flow_value = variables["flow_value"][1]
    # no country named: the one with the most international flow in and out
    plot = flows_plot(path, flows=["fdi", "dividends"], steps=(2, 4), domestic=True)
    expected = flow_value[1:4, 2:4].sum(axis=(0, 1))
    np.testing.assert_allclose(plot.details["mean"], expected, rtol=1e-13)
    off = np.where(np.eye(3, dtype=bool), 0, expected)
    assert plot.details["country"] == COUNTRIES[int(np.argmax(off.sum(axis=0) + off.sum(axis=1)))]
    assert not np.ma.getmask(plot.figure.axes[0].images[0].get_array()).any()   # --domestic shows the diagonal
    assert "summed over steps 2-4, one run (seed 7)" in plot.caption and "No uncertainty can be given" in plot.caption
    # intangibles are in knowledge units
    plot = flows_plot(path, channel="intangibles", country="MEX")
    assert plot.figure.axes[1].get_xlabel() == "knowledge units"
    np.testing.assert_allclose(plot.details["mean"], flow_value[:, FLOWS.index("technology")].sum(axis=0), rtol=1e-13)


def test_sensitivity_plot_draws_the_indices(tmp_path):
    path = write_saltelli_sweep(tmp_path / "saltelli.h5", 256)
    result = sensitivity(path, "y", n_resamples=200)
    plot = sensitivity_plot(result, describe_indicator(path, "y", "final", None), 200, "y")
    ax = plot.figure.axes[0]
    heights = [bar.get_height() for bar in ax.patches]
    np.testing.assert_allclose(heights, np.concatenate([result.first, result.total]), rtol=1e-13)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["x1", "x2", "x3"]
    # error bars run from each interval's low end to its high end
    s1_bars = next(c for c in ax.containers if isinstance(c, ErrorbarContainer))
    ends = [segment[:, 1] for segment in s1_bars.lines[2][0].get_segments()]
    np.testing.assert_allclose(ends, result.first_ci, rtol=1e-12)
    assert "N = 256 base samples (1280 runs)" in plot.caption and "(200 resamples)" in plot.caption
    png, svg = plot.save(tmp_path)
    check_png(png, plot.figure)
    check_svg(svg)


@pytest.mark.parametrize("kind, extra, names", [
    ("series", ["--indicator", "export_revenue", "--indicator", "employees"], ["series-export_revenue", "series-employees"]),
    ("arms", ["--indicator", "export_revenue", "--baseline", "inward", "--resamples", "500"], ["arms-export_revenue"]),
    ("flows", ["--channel", "finance", "--arm", "outward", "--country", "FRA", "--steps", ":3"],
     ["flows-finance-FRA-outward"]),
])
def test_plot_on_the_command_line(sweep, tmp_path, capsys, kind, extra, names):
    path, _ = sweep
    out = tmp_path / "figures"
    assert main(["plot", str(path), "--kind", kind, "-o", str(out), *extra]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed == [str(out / f"{name}.{fmt}") for name in names for fmt in ("png", "svg")]
    for name in names:
        assert (out / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        check_svg(out / f"{name}.svg")
    # the same call again refuses to overwrite, unless told to
    assert main(["plot", str(path), "--kind", kind, "-o", str(out), *extra]) == 2
    assert capsys.readouterr().err == f"ssesim-analysis: error: {out / names[0]}.png exists: use --overwrite to replace it\n"
    assert main(["plot", str(path), "--kind", kind, "-o", str(out), "--overwrite", "--format", "svg", *extra]) == 0
    assert capsys.readouterr().out.splitlines() == [str(out / f"{name}.svg") for name in names]


def test_plot_sensitivity_on_the_command_line(tmp_path, capsys):
    path = write_saltelli_sweep(tmp_path / "saltelli.h5", 64)
    assert main(["plot", str(path), "--kind", "sensitivity", "--indicator", "y", "--resamples", "100", "-o",
                 str(tmp_path), "--format", "png"]) == 0
    assert capsys.readouterr().out == f"{tmp_path / 'sensitivity-y.png'}\n"
    image = matplotlib.image.imread(tmp_path / "sensitivity-y.png")
    assert image.shape[0] == 4 * DPI


def test_plot_bad_input_is_one_line_and_exit_2(sweep, run, tmp_path, capsys):
    path, _ = sweep
    single, _ = run
    (tmp_path / "file.txt").write_text("x")
    out = str(tmp_path / "out")
    cases = [
        (["--kind", "series"], "--kind series needs --indicator NAME"),
        (["--kind", "series", "--indicator", "export_revenue", "--flow", "sales"],
         "--flow does not apply to --kind series (only to: flows)"),
        (["--kind", "flows", "--band", "50"], "--band does not apply to --kind flows (only to: series)"),
        (["--kind", "flows", "--flow", "sales", "--channel", "goods"], "name flows (--flow) or a channel (--channel), not both"),
        (["--kind", "flows", "--country", "DEU"], "country 'DEU' is not in the 'origin' scale (ESP, FRA, MEX)"),
        (["--kind", "flows", "--flow", "sales,technology"],
         "intangible flows are counted in knowledge units, not money: map them apart from the others (--channel intangibles)"),
        (["--kind", "flows", "--flow", "barter"], "flow 'barter' is not in the 'flow' scale (sales, wages, fdi, dividends, technology)"),
        (["--kind", "flows", "--channel", "air"], "channel 'air' is not in flow_channel (channels: goods, domestic, finance, intangibles)"),
        (["--kind", "flows", "--steps", "9:12"], "no completed step in 9:12 (steps available: 1-6)"),
        (["--kind", "flows", "--steps", "x"],
         "argument --steps: expected FIRST:LAST step labels (integers, either may be left out), got 'x' "
         "(see 'ssesim-analysis plot --help')"),
        (["--kind", "flows", "--arm", "sideways"], "arm 'sideways' is not in the runs table (arms: baseline, outward, inward)"),
        (["--kind", "flows", "--indicator", "export_revenue"],
         "'export_revenue' is not a flow dataset: it has no flow, origin, destination dimension "
         "(dimensions: run, step, country, org_kind)"),
        (["--kind", "series", "--indicator", "export_revenue", "--arms", "baseline,sideways"],
         "arm 'sideways' is not in the runs table (arms: baseline, outward, inward)"),
        (["--kind", "series", "--indicator", "export_revenue", "--band", "120"],
         "the band must be a percentage between 0 and 100, got 120"),
        (["--kind", "series", "--indicator", "country_gdp"], "'country_gdp' has no step dimension to draw over time (dimensions: country)"),
        (["--kind", "series", "--indicator", "imports"],
         f"{path}: no dataset 'imports' (datasets: country_gdp, employees, export_revenue, flow_channel, flow_value, "
         "founded_abroad, impact_home)"),
        (["--kind", "arms", "--indicator", "export_revenue", "--arms", "baseline"], "compare needs at least two arms, got 1"),
        (["--kind", "sensitivity", "--indicator", "export_revenue"],
         "sensitivity needs a Saltelli design, but the runs table has design = 'factorial'"),
        (["--kind", "series", "--indicator", "export_revenue", "--format", "gif"],
         "argument --format: unknown format 'gif' (png, svg, pdf) (see 'ssesim-analysis plot --help')"),
        (["--kind", "pie"], "argument --kind: invalid choice: 'pie' (choose from 'series', 'arms', 'flows', 'sensitivity') "
                            "(see 'ssesim-analysis plot --help')"),
    ]
    for args, message in cases:
        assert main(["plot", str(path), "-o", out, *args]) == 2, args
        assert capsys.readouterr() == ("", f"ssesim-analysis: error: {message}\n"), args
    for args, message in [
        (["plot", str(single), "--kind", "arms", "--indicator", "employees", "-o", out],
         f"{single}: no 'runs' table: this is a single run, not a sweep (analysis/README.md, 'The sweep file')"),
        (["plot", str(single), "--kind", "flows", "--arm", "baseline", "-o", out], f"{single}: a single run has no arms to choose from"),
        (["plot", str(path), "--kind", "flows", "-o", str(tmp_path / "file.txt")], f"{tmp_path / 'file.txt'}: not a directory"),
        (["plot", str(path), "--kind", "flows", "-o", str(tmp_path / "file.txt" / "sub")],
         f"{tmp_path / 'file.txt' / 'sub'}: cannot write: Not a directory"),
        (["plot", str(tmp_path / "absent.h5"), "--kind", "flows", "-o", out], f"{tmp_path / 'absent.h5'}: no such file"),
    ]:
        assert main(args) == 2, args
        assert capsys.readouterr() == ("", f"ssesim-analysis: error: {message}\n"), args
    assert not (tmp_path / "out").exists()
