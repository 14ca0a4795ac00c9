"""The hypotheses table (issue 9): the shipped manifest parses and names existing experiments
and arms; on small hand-made sweeps each row's effect, interval and verdict are the ones
computed here by hand (per-organisation means, replicate-by-replicate max, slopes per year,
named values with their own selections); bad manifests and sweeps of another experiment are
refused in one line with exit 2."""
import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from analysis_files import ROOT_ATTRIBUTES, write_output
from ssesim_analysis import AnalysisError
from ssesim_analysis.cli import main
from ssesim_analysis.hypotheses import (DEFAULT_MANIFEST, VERDICTS, evaluate, evaluate_effect, load_manifest,
                                        reduce_series, verdict)

COUNTRIES = ["HOM", "AAA"]
KINDS = ["worker_coop", "for_profit"]
ARMS = ["a", "b", "c"]
REPLICATES = 4
STEPS = 8                     # 2 steps a year


def toy(path, experiment="h_toy"):
    """revenue and organisations [run, step, country, kind] with known values. Runs are
    numbered replicate-major (arms interleaved), so no code may assume arm-major order.
    revenue = (10 + arm offset + replicate + 0.5 * year) * organisations in HOM worker_coop,
    with organisations = 2 + replicate; 100 in every other cell; organisations 5 elsewhere."""
    runs = len(ARMS) * REPLICATES
    revenue = np.full((runs, STEPS, 2, 2), 100.0)
    organisations = np.full((runs, STEPS, 2, 2), 5.0)
    arm_col, rep_col = [], []
    offsets = {"a": 0.0, "b": 3.0, "c": 1.0}
    run = 0
    for r in range(REPLICATES):
        for arm in ARMS:
            years = np.arange(1, STEPS + 1) / 2
            organisations[run, :, 0, 0] = 2 + r
            revenue[run, :, 0, 0] = (10 + offsets[arm] + (r if arm != "c" else 2 * r) + 0.5 * years) * (2 + r)
            arm_col.append(arm)
            rep_col.append(r)
            run += 1
    attributes = {**ROOT_ATTRIBUTES, "steps_per_year": 2, "steps_completed": STEPS, "steps_planned": STEPS,
                  "experiment": f"[experiment]\nname = '{experiment}'\n"}
    dims = ["run", "step", "country", "org_kind"]
    return write_output(path, {"revenue": (dims, revenue, "USD"), "organisations": (dims, organisations, "1")},
                        {"run": np.arange(runs), "step": np.arange(1, STEPS + 1), "country": COUNTRIES,
                         "org_kind": KINDS},
                        attributes=attributes,
                        runs={"run": np.arange(runs), "arm": np.array(arm_col), "replicate": np.array(rep_col),
                              "seed": 100 + np.array(rep_col), "status": np.array(["complete"] * runs)})


def manifest(tmp_path, body, experiment="name = \"h_toy\"\noutput = \"results/toy.h5\"\n"):
    (tmp_path / "toy.toml").write_text(f"[experiment]\n{experiment}\n[[arm]]\nname = \"a\"\n\n"
                                       "[[arm]]\nname = \"b\"\n\n[[arm]]\nname = \"c\"\n")
    path = tmp_path / "hypotheses.toml"
    path.write_text(body)
    return path


HOME_COOPS = 'where = { country = ["HOM"], org_kind = ["worker_coop"] }\n'


def row(name, effect, direction="greater", extra=""):
    return (f'[[hypothesis]]\nname = "{name}"\nbelief = "a belief"\nexperiment = "toy.toml"\neffect = "{effect}"\n'
            f'direction = "{direction}"\nindicator = "revenue"\nper = "organisations"\n{HOME_COOPS}'
            f'null = "no effect"\ncaveat = "a toy"\n{extra}')


def per_org(arm, r, year):
    offset = {"a": 0.0, "b": 3.0, "c": 1.0}[arm]
    return 10 + offset + (r if arm != "c" else 2 * r) + 0.5 * year


def t_interval(x):
    x = np.asarray(x, dtype=float)
    half = stats.t.ppf(0.975, x.size - 1) * x.std(ddof=1) / math.sqrt(x.size)
    return x.mean(), x.mean() - half, x.mean() + half


def test_the_shipped_manifest_names_existing_experiments_and_arms():
    hypotheses = load_manifest()
    assert DEFAULT_MANIFEST.is_file()
    assert len({h.name for h in hypotheses}) == len(hypotheses) >= 8
    beliefs = {h.belief for h in hypotheses}
    assert len(beliefs) == 8, "one or more rows per SILK belief of DOMAIN.md §6"
    for h in hypotheses:
        assert h.experiment.is_file() and h.experiment.parent == DEFAULT_MANIFEST.parent
        assert {v.arm for v in h.values.values()} <= set(h.arms)


def test_per_organisation_final_value_and_replicate_by_replicate_max(tmp_path):
    toy(tmp_path / "toy.h5")
    path = manifest(tmp_path, row("mix", "b - max(a, c)"))
    table = evaluate(load_manifest(path), tmp_path)
    year = STEPS / 2
    effects = [per_org("b", r, year) - max(per_org("a", r, year), per_org("c", r, year)) for r in range(REPLICATES)]
    assert effects == [2.0, 1.0, 0.0, -1.0]         # c overtakes b at replicate 3: the max is per replicate
    mean, low, high = t_interval(effects)
    (r,) = table.itertuples()
    assert r.replicates == REPLICATES
    assert r.effect == pytest.approx(mean, rel=1e-12)
    assert (r.low, r.high) == (pytest.approx(low, rel=1e-12), pytest.approx(high, rel=1e-12))
    assert low < 0 < high and r.verdict == "inconclusive"
    assert r.means["a"] == pytest.approx(np.mean([per_org("a", k, year) for k in range(REPLICATES)]))


def test_slope_per_year_and_mean_over_a_window(tmp_path):
    toy(tmp_path / "toy.h5")
    body = (row("slope", "a", extra="at = \"slope\"\nsteps = [2, 8]\n")
            + row("window", "b - a", extra="at = \"mean\"\nsteps = [3, 4]\n"))
    table = evaluate(load_manifest(manifest(tmp_path, body)), tmp_path).set_index("hypothesis")
    slope = table.loc["slope"]
    assert slope.effect == pytest.approx(0.5, rel=1e-12)          # 0.5 per year in every replicate
    assert slope.low == pytest.approx(0.5) and slope.high == pytest.approx(0.5)
    assert slope.verdict == "supported"
    assert table.loc["window"].effect == pytest.approx(3.0, rel=1e-12)


def test_named_values_with_their_own_selection(tmp_path):
    toy(tmp_path / "toy.h5")
    body = row("did", "(coop_b - coop_a) / coop_a - (fp_b - fp_a) / fp_a", extra=(
        "[hypothesis.values]\n"
        'coop_a = { arm = "a" }\ncoop_b = { arm = "b" }\n'
        'fp_a = { arm = "a", where = { org_kind = ["for_profit"] } }\n'
        'fp_b = { arm = "b", where = { org_kind = ["for_profit"] } }\n'))
    (r,) = evaluate(load_manifest(manifest(tmp_path, body)), tmp_path).itertuples()
    year = STEPS / 2
    # for-profits: 100 revenue over 5 organisations (both countries) in every arm: no change
    expected = [(per_org("b", k, year) - per_org("a", k, year)) / per_org("a", k, year) for k in range(REPLICATES)]
    assert r.effect == pytest.approx(np.mean(expected), rel=1e-12)
    assert r.verdict == "supported"


@pytest.mark.parametrize("direction, low, high, effects, margin, expected", [
    ("greater", 0.1, 0.3, [0.2], 0, "supported"),
    ("greater", -0.1, 0.3, [0.2], 0, "inconclusive"),
    ("greater", -0.3, 0.0, [-0.1], 0, "not supported"),
    ("greater", 0.0, 0.0, [0.0, 0.0], 0, "not supported"),
    ("less", -0.3, -0.1, [-0.2], 0, "supported"),
    ("less", 0.0, 0.2, [0.1], 0, "not supported"),
    ("less", -0.1, 0.2, [0.1], 0, "inconclusive"),
    ("not_less", -0.005, 0.01, [0.0], 0.01, "supported"),
    ("not_less", -0.02, 0.01, [0.0], 0.01, "inconclusive"),
    ("not_less", -0.05, -0.02, [0.0], 0.01, "not supported"),
])
def test_verdicts(direction, low, high, effects, margin, expected):
    assert verdict(direction, low, high, np.asarray(effects), margin) == expected
    assert expected in VERDICTS


def test_effect_expressions_are_evaluated_replicate_by_replicate():
    values = {"x": np.array([1.0, 4.0]), "y": np.array([2.0, 3.0]), "z": np.array([0.5, 0.5])}
    assert evaluate_effect("x - max(y, z)", values).tolist() == [-1.0, 1.0]
    assert evaluate_effect("-(x + 2 * y) / z", values).tolist() == [-10.0, -20.0]
    assert evaluate_effect("min(x, y, z)", values).tolist() == [0.5, 0.5]


def test_reduce_series_slope_is_per_year():
    import pandas as pd
    frame = pd.DataFrame([[1.0, 2.0, 3.0]], columns=[4, 5, 6])
    assert reduce_series(frame, "slope", 4).iloc[0] == pytest.approx(4.0)
    assert reduce_series(frame, "mean", 4).iloc[0] == pytest.approx(2.0)
    assert reduce_series(frame, "final", 4).iloc[0] == 3.0


@pytest.mark.parametrize("body, message", [
    (row("x", "a") + "colour = 1\n", "unknown key 'colour'"),
    (row("x", "a - d"), "names 'd', which is neither a value of 'values' nor an arm of toy.toml"),
    (row("x", "a", direction="up"), "direction must be one of greater, less, not_less"),
    (row("x", "a", extra="margin = 0.1\n"), "'margin' applies only to direction 'not_less'"),
    (row("x", "a", direction="not_less"), None),
    (row("x", "a", extra='at = "slope"\n'), "at = 'slope' needs 'steps' = [first, last]"),
    (row("x", "a", extra="steps = [1, 4]\n"), "'steps' applies only to at = 'mean' or 'slope'"),
    (row("x", "__import__('os').getcwd()"), "may use only value names, numbers"),
    (row("x", "a ** 2"), "may use only value names, numbers"),
    (row("x", "max(a)"), "may use only value names, numbers"),
    (row("x", "2"), "names no value"),
    (row("x", "a") + row("x", "b"), "the name is used twice"),
    (row("x", "a", extra='[hypothesis.values]\nq = { arm = "b" }\n'), "value 'q' is not used by the effect"),
    (row("x", "q", extra='[hypothesis.values]\nq = { arm = "z" }\n'), "arm 'z' is not an arm of the experiment"),
    ("[[hypothesis]]\nname = \"x\"\n", "'belief' must be a non-empty string"),
    ("title = 'x'\n", "unknown top-level key 'title'"),
    ("", "no [[hypothesis]] table"),
])
def test_bad_manifests_are_refused_in_one_line(tmp_path, body, message):
    path = manifest(tmp_path, body)
    if message is None:
        load_manifest(path)             # not_less without a margin means margin 0
        return
    with pytest.raises(AnalysisError) as e:
        load_manifest(path)
    assert message in str(e.value) and "\n" not in str(e.value)


def test_wrong_sweeps_are_refused(tmp_path):
    toy(tmp_path / "toy.h5", experiment="h_other")
    hypotheses = load_manifest(manifest(tmp_path, row("x", "b - a")))
    with pytest.raises(AnalysisError, match="a sweep of experiment 'h_other', not of 'h_toy'"):
        evaluate(hypotheses, tmp_path)
    with pytest.raises(AnalysisError, match="no such file"):
        evaluate(hypotheses, tmp_path / "elsewhere")
    with pytest.raises(AnalysisError, match="no hypothesis 'y'"):
        evaluate(hypotheses, tmp_path, names=["y"])


def test_a_zero_count_is_refused(tmp_path):
    toy(tmp_path / "toy.h5")
    body = row("x", "b - a").replace(HOME_COOPS, 'where = { country = ["HOM"], org_kind = ["worker_coop"] }\n')
    path = manifest(tmp_path, body.replace('per = "organisations"', 'per = "revenue"'))
    import h5py
    with h5py.File(tmp_path / "toy.h5", "r+") as f:
        f["revenue"][0, -1, 0, 0] = 0.0
    with pytest.raises(AnalysisError, match="'revenue' is 0 in run 0 at step 8"):
        evaluate(load_manifest(path), tmp_path)


def test_the_program_prints_every_format_and_fails_in_one_line(tmp_path, capsys):
    toy(tmp_path / "toy.h5")
    path = manifest(tmp_path, row("mix", "b - max(a, c)") + row("slope", "a", extra="at = \"slope\"\nsteps = [2, 8]\n"))
    args = ["hypotheses", "--manifest", str(path), "--results", str(tmp_path)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "mix" in out and "b - max(a, c) (greater)" in out and "Null: no effect" in out
    assert main(args + ["--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [h["hypothesis"] for h in doc["hypotheses"]] == ["mix", "slope"]
    assert doc["hypotheses"][1]["effect"] == pytest.approx(0.5)
    assert main(args + ["--format", "markdown", "--hypothesis", "slope"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and lines[2].startswith("| a belief | slope | `a` (greater) |") and "| supported |" in lines[2]
    assert main(args + ["--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("hypothesis,belief,experiment,effect_of")
    assert main(["hypotheses", "--manifest", str(tmp_path / "none.toml"), "--results", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such hypotheses manifest" in err


def test_trace_render_round_trip_and_refusals():
    from ssesim_analysis import trace
    template = "# T\n\n<!-- trace:a -->\n\ntext\n\n<!-- trace:b -->\nend\n"
    document = trace.render(template, {"a": "| x |\n", "b": "one\ntwo\n"})
    assert document == "# T\n\n<!-- trace:a -->\n| x |\n<!-- /trace:a -->\n\ntext\n\n<!-- trace:b -->\none\ntwo\n<!-- /trace:b -->\nend\n"
    assert trace.pieces_of(document) == {"a": "| x |\n", "b": "one\ntwo\n"}
    assert trace.unrender(document) == template
    with pytest.raises(AnalysisError, match="marker 'b' with no piece"):
        trace.render(template, {"a": "x"})
    with pytest.raises(AnalysisError, match="piece 'c' has no marker"):
        trace.render(template, {"a": "x", "b": "y", "c": "z"})
