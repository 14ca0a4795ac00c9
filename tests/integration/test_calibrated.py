"""The shipped defaults are the calibrated values, and the case scenarios as shipped reproduce
the targets the calibration fits, within their tolerances (issue 9).

Each case of the calibration is run as `tools/calibrate` checks it: check_replicates replicates
at the calibration's seed, so these runs are the check's arms, and the fit shown in
docs/TRACE.md, bit for bit. A target the calibrated model misses is listed in NOT_MET with the
reason; the test fails if a listed target becomes met (update the list and the TRACE document)
as much as if another target is missed (recalibrate: `tools/trace`)."""
import subprocess
import sys
import tomllib

import h5py
import pytest

from helpers import BIN, ENV, ROOT

sys.path.insert(0, str(ROOT / "analysis"))
from ssesim_analysis.calibration import fragment_settings, load_calibration  # noqa: E402
from ssesim_analysis.targets import evaluate  # noqa: E402

CAL = load_calibration()
FRAGMENT = tomllib.loads((CAL.path.parent / "calibrated.toml").read_text())

#: Targets in the calibration's distance that the calibrated cases do not meet, and why.
NOT_MET = {
    "mondragon_plant_countries": "plants in 18.6 foreign countries (10 replicates) against 37 +- 10: the experience rule "
                                 "(years exporting to a country first) and the FDI chance the sales share abroad "
                                 "allows keep plants in fewer countries than SILK's",
    "coopcycle_countries_4y": "9.9 countries in four years against 12 +- 2 at the posterior medians of the second stage "
                              "(the accepted points met it; the medians, taken parameter by parameter, just miss)",
}


@pytest.fixture(scope="module")
def sweeps(tmp_path_factory):
    """Every case of the calibration as shipped: a sweep of check_replicates replicates at the
    calibration's seed (tools/calibrate's check, one arm)."""
    out = tmp_path_factory.mktemp("calibrated")
    files = {}
    for case, scenario in CAL.cases.items():
        experiment = out / f"{case}.toml"
        experiment.write_text(f'[experiment]\nname = "shipped_{case}"\nscenario = "{scenario.as_posix()}"\n'
                              f'design = "factorial"\nreplicates = {CAL.sizes.check_replicates}\nseed = {CAL.seed}\n')
        files[case] = out / f"{case}.h5"
        proc = subprocess.run([str(BIN), "sweep", str(experiment), "-o", str(files[case]), "-q"],
                              capture_output=True, text=True, env=ENV, timeout=900)
        assert proc.returncode == 0, proc.stderr
    return files


def value_at(resolved, path):
    """A parameter of a resolved scenario: economy.NAME or population[I].KEY."""
    head, key = path.split(".")
    if head.startswith("population["):
        return resolved["population"][int(head[len("population["):-1])][key]
    return resolved[head][key]


def test_the_shipped_cases_run_at_the_calibrated_values(sweeps):
    # the registry's economy defaults and the archetypes' keys are the fragment's values, as written
    settings = fragment_settings(CAL, FRAGMENT)
    assert set(settings) == set(sweeps)
    for case, path in sweeps.items():
        with h5py.File(path, "r") as f:
            resolved = tomllib.loads(f.attrs["scenario"])
        assert {p: value_at(resolved, p) for p in settings[case]} == settings[case], case


def test_the_calibrated_cases_meet_the_targets_they_can(sweeps):
    fit = evaluate(list(sweeps.values()), CAL.targets)
    status = dict(zip(fit["target"], fit["status"]))
    assert set(status) == {t.key for t in CAL.targets}
    missed = {k for k, s in status.items() if s != "met"}
    assert missed == set(NOT_MET), fit[["target", "simulated", "status"]].to_string()
