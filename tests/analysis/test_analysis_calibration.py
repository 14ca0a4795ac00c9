"""Rejection-ABC calibration (issue 9): the shipped calibration file parses against the
targets file; the distance, the acceptance, the matching of runs by design point and the
posterior summary give exact values on hand-made inputs; bad calibration files are refused
with one line. (The verb on real sweeps: tests/integration/test_calibrate.py.)"""
import dataclasses
import math
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ssesim_analysis import AnalysisError
from ssesim_analysis.calibration import (DEFAULT_CALIBRATION, Calibrated, Prior, Result, accept, accepted_count,
                                         distance, distance_terms, experiment_text, fragment, fragment_settings,
                                         load_calibration, match_points, summarise)
from ssesim_analysis.targets import load_targets

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = load_targets()


def target(key, relation, value, tolerance):
    """A shipped target with its relation and figures replaced (the distance reads only these)."""
    return dataclasses.replace(SHIPPED[0], key=key, relation=relation, target=value, tolerance=tolerance)


def test_the_shipped_calibration_parses_and_accounts_for_every_measurable_target():
    cal = load_calibration()
    assert cal.path == DEFAULT_CALIBRATION
    assert [p.path for p in cal.priors] == [
        "economy.prospect_psychic_aversion", "economy.psychic_distance_cost", "economy.export_fixed_cost",
        "economy.fdi_fixed_cost", "economy.technology_portability", "economy.partner_probability",
        "economy.support_cost", "economy.opportunity_rate"]
    measurable = {t.key for t in SHIPPED if t.measurable}
    assert {t.key for t in cal.targets} | set(cal.excluded) == measurable
    assert not {t.key for t in cal.targets} & set(cal.excluded)
    for t in cal.targets:
        assert cal.scales[t.key] == (t.tolerance if t.tolerance > 0 else cal.scales[t.key]) > 0
    # every case with a target in the distance is swept (the DA-like case since its world has
    # enough countries for its count: session 9)
    assert list(cal.cases) == ["mondragon", "mce", "coopcycle", "sea", "equal_exchange", "da_group"]
    assert cal.quick.samples < cal.sizes.samples


def test_distance_terms_count_only_the_violation_of_one_sided_targets():
    targets = [target("a", "about", 10.0, 2.0), target("b", "at_least", 1.0, 0.0), target("c", "at_most", 0.0, 0.0)]
    scales = {"a": 2.0, "b": 0.25, "c": 0.05}
    sim = pd.DataFrame({"a": [13.0, 10.0, 7.0, 10.0], "b": [0.5, 1.0, 1.5, np.nan], "c": [0.1, -0.2, 0.0, 0.0]})
    terms = distance_terms(sim, targets, scales)
    expected = pd.DataFrame({"a": [1.5, 0.0, -1.5, 0.0], "b": [2.0, 0.0, 0.0, np.nan], "c": [2.0, 0.0, 0.0, 0.0]})
    pd.testing.assert_frame_equal(terms, expected)
    d = distance(terms)
    # sqrt((1.5^2 + 2^2 + 2^2) / 3), 0, sqrt(1.5^2 / 3), and inf where a target has no value
    assert d.tolist() == pytest.approx([math.sqrt(10.25 / 3), 0.0, math.sqrt(2.25 / 3), math.inf])
    assert d.iloc[3] == math.inf


def test_acceptance_keeps_the_closest_fraction_ties_to_the_earlier_point():
    assert [accepted_count(n, a) for n, a in [(10, 0.1), (10, 0.25), (10, 0.05), (640, 0.05), (8, 0.25), (3, 1.0)]] \
        == [1, 3, 1, 32, 2, 3]   # round(a n), half up, at least one
    d = pd.Series([3.0, 1.0, math.inf, 1.0, 0.5, 2.0, 1.0])
    assert accept(d, 0.5).tolist() == [False, True, False, True, True, False, True]    # 3.5 of 7 -> 4: 0.5, 1, 1, 1
    assert accept(d, 3 / 7).tolist() == [False, True, False, True, True, False, False]  # 3: 0.5 and the earlier 1s
    assert accept(d, 1 / 7).tolist() == [False, False, False, False, True, False, False]


def runs_table(points, replicates, start=0, order=None):
    rows = []
    for p, (x, y) in enumerate(points):
        for r in range(replicates):
            rows.append({"run": start + len(rows), "arm": "base", "replicate": r, "status": "complete",
                         "f.x": x, "f.y": y})
    frame = pd.DataFrame(rows)
    return frame.iloc[order].reset_index(drop=True) if order is not None else frame


def test_runs_of_every_case_are_matched_by_their_design_point():
    points = [(0.1, 5.0), (0.7, 1.0), (0.4, 3.0)]
    a = runs_table(points, 2)
    b = runs_table([points[2], points[0], points[1]], 2, start=100)     # same points, other order and run numbers
    per_case, order = match_points({"a.h5": a, "b.h5": b}, ["f.x", "f.y"])
    assert order == points
    assert per_case["a.h5"].tolist() == [0, 0, 1, 1, 2, 2]
    assert per_case["b.h5"].index.tolist() == list(range(100, 106))
    assert per_case["b.h5"].tolist() == [2, 2, 0, 0, 1, 1]


def test_sweeps_of_other_points_or_replicates_are_refused():
    points = [(0.1, 5.0), (0.7, 1.0)]
    a = runs_table(points, 2)
    with pytest.raises(AnalysisError, match=r"^b.h5: its design points differ from a.h5's \(2 points against 2, "
                                            r"e.g. f.x = 0.1, f.y = 4\): sweeps of one calibration have the same "
                                            r"factors, ranges, seed and samples$"):
        match_points({"a.h5": a, "b.h5": runs_table([(0.1, 4.0), (0.7, 1.0)], 2)}, ["f.x", "f.y"])
    with pytest.raises(AnalysisError, match=r"^b.h5: its design points differ from a.h5's \(1 points against 2\)"):
        match_points({"a.h5": a, "b.h5": runs_table(points[:1], 2)}, ["f.x", "f.y"])
    with pytest.raises(AnalysisError, match=r"^the sweeps have different replicates per design point: a.h5 2, b.h5 3$"):
        match_points({"a.h5": a, "b.h5": runs_table(points, 3)}, ["f.x", "f.y"])
    with pytest.raises(AnalysisError, match=r"^a.h5: the runs table has no factor column 'f.z'$"):
        match_points({"a.h5": a}, ["f.x", "f.z"])


def test_the_posterior_summary_is_the_median_and_90_percent_interval_of_the_accepted():
    accepted = pd.DataFrame({"economy.a": [1.0, 2.0, 3.0, 4.0, 5.0], "economy.b": [10.0, 10.0, 10.0, 10.0, 30.0]})
    priors = [Prior("economy.a", 0.0, 8.0, "linear", "x"), Prior("economy.b", 1.0, 100.0, "log", "y")]
    s = summarise(accepted, priors)
    assert s["parameter"].tolist() == ["economy.a", "economy.b"]
    assert s["median"].tolist() == [3.0, 10.0]
    assert s["q05"].tolist() == pytest.approx([1.2, 10.0])     # numpy's linear interpolation: 1 + 0.05 x 4
    assert s["q95"].tolist() == pytest.approx([4.8, 26.0])     # 4 + 0.8 x 1; 10 + 0.8 x 20
    assert s[["prior_low", "prior_high", "prior_scale"]].values.tolist() == [[0.0, 8.0, "linear"], [1.0, 100.0, "log"]]


def test_the_fragment_is_toml_with_the_medians_of_both_stages_and_says_how_it_was_made():
    cal = load_calibration()

    def result(c, low):
        points = pd.DataFrame({p.path: [p.low, p.high] for p in c.priors})
        points["distance"], points["accepted"] = [0.5, 1.0] if low else [2.0, 0.25], [low, not low]
        posterior = summarise(points[points["accepted"]], c.priors)
        return Result(c, points, posterior, {k: f"{k}.h5" for k in c.cases}, 3, 0.5, ["abc123"])

    both = Calibrated(result(cal, True), {case: result(cal.stage(case), False) for case in cal.case_priors})
    text = fragment(both, "ssesim-analysis calibrate x.h5", date="2026-11-25", commit="deadbeef")
    assert "# Command: ssesim-analysis calibrate x.h5" in text
    assert "2026-11-25" in text and "deadbeef" in text and "abc123" in text
    assert "2 LHS design points x 3 replicate(s) on 6 case(s)" in text and "accepted 1 (acceptance 0.5)" in text
    assert ("Second stage, case sea at the [economy] values below: 2 LHS points x 3 replicate(s), accepted 1, "
            "distance 0.25 to 0.25 on its targets (sea_hubs_5y, sea_profitability_falls, sea_impact_rises, "
            "sea_first_move)") in text
    doc = tomllib.loads(text)
    assert doc["economy"] == {p.path.removeprefix("economy."): pytest.approx(p.low, rel=1e-3) for p in cal.priors}
    assert all(isinstance(v, float) for v in doc["economy"].values())
    # the second stage: the archetype's keys at the accepted (upper) ends
    assert list(doc["archetype"]) == ["mondragon", "da_group", "mce", "coopcycle", "sea"]
    assert doc["archetype"]["sea"] == {p.parameter.rsplit(".", 1)[1]: pytest.approx(p.high, rel=1e-3)
                                       for p in cal.case_priors["sea"]}
    # what the runs of each case set to be at these values: the economy, and the case's own keys
    settings = fragment_settings(cal, doc)
    assert settings["sea"] == {**{p.path: pytest.approx(p.low, rel=1e-3) for p in cal.priors},
                               "population[0].outward_drive": 2.0, "population[0].licence_fee": 0.2}
    del doc["archetype"]["mce"]
    with pytest.raises(AnalysisError, match=r"^the calibrated fragment has no \[archetype.mce\] alliance_share "
                                            r"\(case mce's parameter\)$"):
        fragment_settings(cal, doc)
    assert settings["equal_exchange"] == {p.path: pytest.approx(p.low, rel=1e-3) for p in cal.priors}


def test_a_case_parameter_is_its_archetypes_key_in_the_cases_one_group_of_it():
    cal = load_calibration()
    assert {c: [(p.parameter, p.path) for p in ps] for c, ps in cal.case_priors.items()} == {
        "mondragon": [("archetype.mondragon.fdi_propensity", "population[0].fdi_propensity"),
                      ("archetype.mondragon.fdi_min_experience", "population[0].fdi_min_experience"),
                      ("archetype.mondragon.outward_drive", "population[0].outward_drive")],
        "da_group": [("archetype.da_group.outward_drive", "population[0].outward_drive")],
        "mce": [("archetype.mce.alliance_share", "population[0].alliance_share"),
                ("archetype.mce.outward_drive", "population[0].outward_drive")],
        "coopcycle": [("archetype.coopcycle.outward_drive", "population[0].outward_drive")],
        "sea": [("archetype.sea.outward_drive", "population[0].outward_drive"),
                ("archetype.sea.licence_fee", "population[0].licence_fee")]}
    # the first stage runs them at their values before the calibration
    assert cal.assumed() == {"mondragon": {"population[0].fdi_propensity": 0.3, "population[0].fdi_min_experience": 3.0,
                                           "population[0].outward_drive": 0.4},
                             "da_group": {"population[0].outward_drive": 1.0},
                             "mce": {"population[0].alliance_share": 0.5, "population[0].outward_drive": 0.8},
                             "coopcycle": {"population[0].outward_drive": 2.0},
                             "sea": {"population[0].outward_drive": 1.0, "population[0].licence_fee": 0.05},
                             "equal_exchange": {}}
    ex = tomllib.loads(experiment_text(cal, "sea", Path("/tmp"), fixed=cal.assumed()["sea"]))
    assert ex["arm"] == [{"name": "case_assumed", "set": cal.assumed()["sea"]}]
    stage = cal.stage("mce")
    assert stage.priors == cal.case_priors["mce"] and list(stage.cases) == ["mce"]
    assert [t.key for t in stage.targets] == ["mce_outward_share", "mce_first_move"]


def test_the_second_stages_experiment_fixes_the_economy_in_one_arm(tmp_path):
    cal = load_calibration()
    fixed = {"economy.support_cost": 0.25, "economy.opportunity_rate": 0.125}
    ex = tomllib.loads(experiment_text(cal.stage("coopcycle"), "coopcycle", tmp_path, fixed=fixed))
    assert [(f["path"], f["range"]) for f in ex["factor"]] == [("population[0].outward_drive", [0.5, 16.0])]
    assert ex["arm"] == [{"name": "economy_calibrated", "set": fixed}]
    assert ex["experiment"]["seed"] == cal.seed


def test_the_experiment_of_a_case_has_the_calibrations_factors_seed_and_sizes(tmp_path):
    cal = load_calibration()
    ex = tomllib.loads(experiment_text(cal, "sea", tmp_path, quick=True))
    assert ex["experiment"]["design"] == "lhs"
    assert ex["experiment"]["samples"] == cal.quick.samples and ex["experiment"]["replicates"] == cal.quick.replicates
    stage = tomllib.loads(experiment_text(cal.stage("sea"), "sea", tmp_path, quick=True, fixed={"economy.support_cost": 0.5}))
    assert (stage["experiment"]["samples"], stage["experiment"]["replicates"]) == (cal.quick.case_samples, cal.quick.case_replicates)
    assert ex["experiment"]["seed"] == cal.seed
    assert (tmp_path / ex["experiment"]["scenario"]).resolve() == ROOT / "scenarios" / "cases" / "sea.toml"
    assert [(f["path"], f["range"], f["scale"]) for f in ex["factor"]] == \
        [(p.path, [p.low, p.high], p.scale) for p in cal.priors]


SMALL = """[calibration]
name = "t"
targets = "{targets}"
seed = 1
samples = 4
replicates = 1
acceptance = 0.5
check_replicates = 1
case_samples = 4
case_replicates = 2
[quick]
samples = 2
replicates = 1
acceptance = 0.5
check_replicates = 1
case_samples = 2
case_replicates = 1
[[parameter]]
path = "economy.partner_probability"
range = [0.1, 1.0]
scale = "linear"
why = "a reason"
"""


CASE_PARAMETER = """[[case_parameter]]
case = "{case}"
archetype = "{archetype}"
key = "outward_drive"
assumed = 1.0
range = [0.2, 3.0]
scale = "log"
why = "a reason"
"""


def write_calibration(tmp_path, body):
    """A calibration over the shipped targets: every measurable target but the named ones
    excluded, so each test adds the targets it is about."""
    path = tmp_path / "cal.toml"
    path.write_text(SMALL.format(targets=(ROOT / "scenarios/calibration/targets.toml").as_posix()) + body)
    return path


def excluded(*but):
    return "".join(f'[[excluded]]\nkey = "{t.key}"\nwhy = "not here"\n' for t in SHIPPED
                   if t.measurable and t.key not in but)


@pytest.mark.parametrize("body, message", [
    # a calibration needs at least one measurable target in its distance
    (excluded(), r"cal.toml: no measurable target to calibrate to \(\[\[target\]\]\)$"),
    # a target that is not measurable has no value to fit
    (excluded() + '[[target]]\nkey = "da_first_move"\n', r"cal.toml: target 'da_first_move' is not measurable \(the seeds"),
    # tolerance 0 gives the deviation no unit
    (excluded("sea_first_move") + '[[target]]\nkey = "sea_first_move"\n',
     r"cal.toml: target 'sea_first_move' has tolerance 0 in the targets file: give its distance a scale \(and scale_why\)$"),
    (excluded("sea_first_move") + '[[target]]\nkey = "sea_first_move"\nscale = 0.25\n',
     r"cal.toml: target 'sea_first_move': scale must be a number > 0, with scale_why$"),
    # every measurable target is used or excluded with a reason
    (excluded("sea_hubs_5y", "sea_first_move") + '[[target]]\nkey = "sea_hubs_5y"\n',
     r"cal.toml: measurable target 'sea_first_move' is neither a \[\[target\]\] nor \[\[excluded\]\] \(say why it is left out\)$"),
    (excluded("sea_hubs_5y") + '[[target]]\nkey = "sea_hub"\n', r"cal.toml: \[\[target\]\] 1: no target 'sea_hub' in "),
    (excluded("sea_hubs_5y") + '[[target]]\nkey = "sea_hubs_5y"\nweight = 2\n',
     r"cal.toml: \[\[target\]\] 1: unknown key 'weight' \(expected: key, scale, scale_why\)$"),
    # a case parameter belongs to a case in the distance, and to its one group of the archetype
    (excluded("sea_hubs_5y") + '[[target]]\nkey = "sea_hubs_5y"\n' + CASE_PARAMETER.format(case="mce", archetype="mce"),
     r"cal.toml: \[\[case_parameter\]\] 1: case 'mce' has no target in the distance \(cases: sea\)$"),
    (excluded("sea_hubs_5y") + '[[target]]\nkey = "sea_hubs_5y"\n' + CASE_PARAMETER.format(case="sea", archetype="mce"),
     r"cal.toml: \[\[case_parameter\]\] 1: sea.toml has 0 population groups of archetype 'mce' \(a case parameter "
     r"needs exactly one\)$"),
    (excluded("sea_hubs_5y") + '[[target]]\nkey = "sea_hubs_5y"\n' + 2 * CASE_PARAMETER.format(case="sea", archetype="sea"),
     r"cal.toml: parameter archetype.sea.outward_drive is given twice$"),
    (excluded("sea_hubs_5y") + '[[target]]\nkey = "sea_hubs_5y"\n'
     + CASE_PARAMETER.format(case="sea", archetype="sea").replace('key = "outward_drive"\n', ''),
     r"cal.toml: \[\[case_parameter\]\] 1: missing key 'key' \(a string\)$"),
    (excluded("sea_hubs_5y") + '[[target]]\nkey = "sea_hubs_5y"\n'
     + CASE_PARAMETER.format(case="sea", archetype="sea").replace('assumed = 1.0', 'assumed = 5.0'),
     r"cal.toml: \[\[case_parameter\]\] 1 \(archetype.sea.outward_drive\): assumed must be the number the archetype "
     r"had before the calibration, inside the range \[0.2, 3\]$"),
])
def test_bad_calibration_files_are_refused_in_one_line(tmp_path, body, message):
    with pytest.raises(AnalysisError, match=message) as e:
        load_calibration(write_calibration(tmp_path, body))
    assert "\n" not in str(e.value)


@pytest.mark.parametrize("old, new, message", [
    ('range = [0.1, 1.0]', 'range = [1.0, 0.1]', r"range must be \[low, high\] numbers with low < high$"),
    ('scale = "linear"', 'scale = "log10"', r"scale must be linear or log, got 'log10'$"),
    ('range = [0.1, 1.0]\nscale = "linear"', 'range = [0.0, 1.0]\nscale = "log"', r"a log scale needs low > 0$"),
    ('path = "economy.partner_probability"', 'path = "population[0].count"',
     r"path must be an economy parameter \('economy.NAME'\), got 'population\[0\].count'$"),
    ('why = "a reason"', 'why = ""', r"'why' must say why this range$"),
    ('acceptance = 0.5\ncheck_replicates = 1\ncase_samples = 4', 'acceptance = 0\ncheck_replicates = 1\ncase_samples = 4',
     r"\[calibration\]: acceptance must be a fraction in \(0, 1\]$"),
    ('samples = 2', 'samples = 0', r"\[quick\]: samples must be an integer >= 1$"),
    ('case_replicates = 2\n', 'case_replicates = 0\n', r"\[calibration\]: case_replicates must be an integer >= 1$"),
    ('case_replicates = 2\n', '', r"\[calibration\]: missing key 'case_replicates'$"),
])
def test_bad_parameters_and_sizes_are_refused(tmp_path, old, new, message):
    path = write_calibration(tmp_path, excluded("sea_hubs_5y") + '[[target]]\nkey = "sea_hubs_5y"\n')
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(AnalysisError, match=message):
        load_calibration(path)


def test_a_small_calibration_file_loads(tmp_path):
    cal = load_calibration(write_calibration(tmp_path, excluded("sea_hubs_5y") + '[[target]]\nkey = "sea_hubs_5y"\n'))
    assert [t.key for t in cal.targets] == ["sea_hubs_5y"]
    assert cal.scales == {"sea_hubs_5y": 3.0}
    assert list(cal.cases) == ["sea"]
