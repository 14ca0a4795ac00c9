"""Policy regimes through the program: the five SILK policy cases run and record what
they spend and the flows they target; the mix experiment's arms share common random
numbers, are funded with the same total budget and differ in the flows they target."""
import html
import shutil
import subprocess
import sys
import tomllib

import h5py
import numpy as np
import pytest

from helpers import ENV, ROOT, run

sys.path.insert(0, str(ROOT / "tests" / "analysis"))
from brief_page import Page, render  # noqa: E402

POLICIES = ROOT / "scenarios" / "policies"
CASES = ["catalonia_accio", "mexico_rodando_juntas", "netherlands_missions", "korea_koica_cts", "scotland_strategy"]


def flow_index(f, name):
    return [x.decode() for x in f["flow"][()]].index(name)


def test_the_mix_scenario_is_the_default_one_plus_a_policy_regime():
    default = tomllib.loads((ROOT / "scenarios" / "default.toml").read_text())
    mix = tomllib.loads((POLICIES / "mix.toml").read_text())
    assert len(mix.pop("policy")) == 4
    for key in ("countries", "pairs"):
        assert (POLICIES / mix["world"].pop(key)).resolve() == (ROOT / "scenarios" / default["world"].pop(key)).resolve()
    assert mix["run"].pop("name") == "policy_mix" and default["run"].pop("name") == "default"
    mix["output"].pop("file"), default["output"].pop("file")
    assert mix == default


@pytest.mark.parametrize("case", CASES)
def test_each_policy_case_runs_and_records_its_spending_and_targeted_flows(tmp_path, case):
    out = tmp_path / f"{case}.h5"
    run("run", POLICIES / f"{case}.toml", "-o", out)
    with h5py.File(out, "r") as f:
        names = f["policy"].asstr()[()]
        types = f["policy_type"].asstr()[()]
        spend, fund = f["policy_spend"][()], f["policy_fund"][()]
        ledger = f["ledger_flows"][()]
        value = f["flow_value"][()]
        funding = ledger[:, flow_index(f, "policy_funding")].sum()
        refund = ledger[:, flow_index(f, "policy_refund")].sum()
        assert spend.shape == fund.shape == (f["step"].shape[0], len(names))
        assert (spend.sum(axis=0) > 0).all(), dict(zip(names, spend.sum(axis=0)))
        assert (fund >= 0).all()
        # every dollar paid in was spent or went back
        assert funding == pytest.approx(spend.sum() + refund + fund[-1].sum(), abs=0.01)
        # the flows each type acts through carry its spending, step by step
        grant = value[:, flow_index(f, "policy_grant")].sum(axis=(1, 2))
        services = value[:, flow_index(f, "programme_services")].sum(axis=(1, 2))
        by_type = {t: spend[:, [i for i, u in enumerate(types) if u == t]].sum(axis=1) for t in set(types)}
        paid_as_grants = sum(by_type.get(t, 0) for t in ("export_service", "development_grant", "model_adoption"))
        paid_as_services = sum(by_type.get(t, 0) for t in ("trade_mission", "capacity_building"))
        np.testing.assert_allclose(grant, paid_as_grants, atol=0.01)
        np.testing.assert_allclose(services, paid_as_services, atol=0.01)
        if case == "mexico_rodando_juntas":
            assert f["policy_foundings"][()].sum() > 0
            assert f.attrs["scenario"].count("IDB") >= 1


def test_the_patient_capital_example_lends_and_its_loans_add_up(tmp_path):
    out = tmp_path / "quebec.h5"
    run("run", POLICIES / "quebec_patient_capital.toml", "-o", out)
    with h5py.File(out, "r") as f:
        ledger = f["ledger_flows"][()]
        lent, repaid = ledger[:, flow_index(f, "policy_loan")], ledger[:, flow_index(f, "loan_repayment")]
        spend, loans = f["policy_spend"][()][:, 0], f["policy_loans"][()][:, 0]
        written_off = f["policy_written_off"][()][:, 0]
        assert f["policy_type"].asstr()[0] == "patient_capital"
        assert lent.sum() > 0 and repaid.sum() > 0
        np.testing.assert_allclose(spend, lent, atol=0.005)   # all it spends is lent
        # the loan book: outstanding = last step's + lent - repaid - written off, step by step
        previous = np.concatenate([[0.0], loans[:-1]])
        np.testing.assert_allclose(loans, previous + lent - repaid - written_off, atol=0.01)
        assert (loans >= 0).all()
        # only Canada's targeted kinds borrow: the loans leave Canada's fund for Canada's organisations
        flows = f["flow_value"][()][:, flow_index(f, "policy_loan")].sum(axis=0)
        can = list(f["country"].asstr()[()]).index("CAN")
        assert flows.sum() == pytest.approx(flows[can, can], abs=0.01)


def test_the_legal_recognition_example_spends_nothing_and_licenses_into_the_usa(tmp_path):
    out = tmp_path / "usa.h5"
    run("run", POLICIES / "usa_coop_recognition.toml", "-o", out)
    with h5py.File(out, "r") as f:
        assert f["policy_type"].asstr()[0] == "legal_recognition"
        assert (f["policy_spend"][()] == 0).all() and (f["policy_fund"][()] == 0).all()
        assert f["ledger_flows"][()][:, flow_index(f, "policy_funding")].sum() == 0
        assert f["licensees"][()][-1].sum() > 0


PUBLIC_FLOWS = {"tender": "origin", "policy_grant": "destination", "policy_loan": "destination"}


@pytest.mark.parametrize("scenario", ["policies/mexico_rodando_juntas", "policies/korea_koica_cts",
                                      "policies/catalonia_accio", "policies/quebec_patient_capital", "cases/mce"])
def test_public_funding_is_the_public_money_flows_to_organisations_by_their_country_and_kind(tmp_path, scenario):
    # Tenders (recorded from the winning organisation to the government: its end is the origin)
    # and a fund's grants and loans (its end is the destination), summed from the flow records
    # by the organisation's country and kind, in cents: the series holds exactly that.
    out = tmp_path / "run.h5"
    run("run", ROOT / "scenarios" / f"{scenario}.toml", "-o", out)
    with h5py.File(out, "r") as f:
        series = np.rint(f["public_funding"][()] * 100).astype(np.int64)   # [step, country, org_kind]
        kinds = f["org_kind"].shape[0]
        rec = f["flow_records"]
        n = int(rec.attrs["rows_completed"])
        cols = {c: rec[c][:n] for c in ("step", "flow", "origin", "destination", "source_kind", "destination_kind", "value")}
        cents = np.rint(cols["value"] * 100).astype(np.int64)
        steps = f["step"][()]
        expected = np.zeros_like(series)
        parts = {}
        for flow, end in PUBLIC_FLOWS.items():
            keep = cols["flow"] == flow_index(f, flow)
            kind = cols["source_kind" if end == "origin" else "destination_kind"][keep]
            assert (kind < kinds).all()                 # always an organisation at that end
            np.add.at(expected, (np.searchsorted(steps, cols["step"][keep]), cols[end][keep], kind), cents[keep])
            parts[flow] = cents[keep].sum()
            # and the records hold every such flow of the ledger
            assert parts[flow] == np.rint(f["ledger_flows"][()][:, flow_index(f, flow)] * 100).astype(np.int64).sum()
        assert series.sum() > 0
        np.testing.assert_array_equal(series, expected)
        types = set(f["policy_type"].asstr()[()]) if "policy_type" in f else set()
    if types & {"export_service", "development_grant", "model_adoption"}:
        assert parts["policy_grant"] > 0
    if "patient_capital" in types:
        assert parts["policy_loan"] > 0
    if scenario == "cases/mce":
        assert parts["tender"] > 0


def test_the_mix_experiment_arms_share_random_numbers_and_budget_and_differ_in_the_flows_they_target(tmp_path):
    out = tmp_path / "mix.h5"
    run("sweep", ROOT / "scenarios" / "experiments" / "mix.toml", "-o", out, "-t", "2")
    with h5py.File(out, "r") as f:
        arm = f["runs/arm"].asstr()[()]
        replicate, seed = f["runs/replicate"][()], f["runs/seed"][()]
        assert sorted(set(arm)) == ["both", "inward", "none", "outward"]
        # common random numbers: replicate r has the same seed in every arm
        for r in set(replicate):
            assert len({(s, r) for s, q in zip(seed, replicate) if q == r}) == 1
        ledger = f["ledger_flows"][()]                     # [run, step, flow]
        funding = ledger[:, :, flow_index(f, "policy_funding")].sum(axis=1)
        spend = f["policy_spend"][()].sum(axis=1)         # [run, policy]
        value = f["flow_value"][()]                        # [run, step, flow, origin, destination]
        grants = value[:, :, flow_index(f, "policy_grant")].sum(axis=(1, 2, 3))
        management = value[:, :, flow_index(f, "management")].sum(axis=(1, 2, 3))
        stock = f["management"][()][:, -1].sum(axis=(1, 2))   # final step, all countries and kinds
        names = list(f["policy"].asstr()[()])
        inward = [names.index("incoming_missions"), names.index("capacity_building")]
        outward = [names.index("outgoing_missions"), names.index("export_service")]
    by = {a: arm == a for a in ("none", "inward", "outward", "both")}
    assert (funding[by["none"]] == 0).all() and (spend[by["none"]] == 0).all() and (grants[by["none"]] == 0).all()
    # the same total budget: 10 programme years of US$ 2 million in every policy arm
    for a in ("inward", "outward", "both"):
        np.testing.assert_allclose(funding[by[a]], 20_000_000.0)
        assert (spend[by[a]].sum(axis=1) <= funding[by[a]] + 0.01).all()
    # each arm spends only through its own instruments
    assert (spend[by["inward"]][:, outward] == 0).all() and (spend[by["inward"]][:, inward] > 0).all()
    assert (spend[by["outward"]][:, inward] == 0).all() and (spend[by["outward"]][:, outward] > 0).all()
    assert (spend[by["both"]] > 0).all()
    # and they differ in the flows they target: export costs paid back only outward; the
    # management model trained into Spain's SSEOs only inward (more than with no policy)
    assert (grants[by["inward"]] == 0).all() and (grants[by["outward"]] > 0).all()
    order = lambda a: np.argsort(replicate[by[a]])
    assert (management[by["inward"]][order("inward")] > management[by["none"]][order("none")]).all()

    # the analysis reads it back: the management model trained in is the inward arm's gain
    env = dict(ENV, PYTHONPATH=str(ROOT / "analysis"))
    proc = subprocess.run(["/usr/bin/python3", "-m", "ssesim_analysis", "compare", str(out), "--arms",
                           "none,inward,outward,both", "--indicator", "management"], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    printed = proc.stdout.splitlines()
    rows = {line.split()[0]: float(line.split()[4]) for line in printed[3:]}
    for a in ("inward", "outward", "both"):
        paired = stock[by[a]][order(a)] - stock[by["none"]][order("none")]
        assert rows[a] == pytest.approx(paired.mean(), rel=1e-3, abs=0.5)
    # its brief: the comparison table holds what compare printed, cell for cell
    brief = tmp_path / "brief"
    proc = subprocess.run(["/usr/bin/python3", "-m", "ssesim_analysis", "brief", str(out), "-o", str(brief),
                           "--arms", "none,inward,outward,both", "--indicator", "management"],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    text = (brief / "brief.html").read_text(encoding="utf-8")
    page = Page(text)
    header, *body = page.tables["compare-management"]
    assert [line.split() for line in printed[3:]] == [" ".join(cells).split() for cells in body]
    assert page.h3[0] == printed[0].removeprefix("compare ")
    assert "experiment 'policy_mix'" in html.unescape(text)
    for a in ("inward", "outward", "both"):
        assert f"'{a}' minus 'none'" in html.unescape(text)
    # every figure exists, and headless Chromium shows the page with no broken image and no console error
    assert page.images and all((brief / src).is_file() for src in page.images if not src.startswith("data:"))
    chromium = shutil.which("chromium")
    if chromium:
        record, console = render(chromium, brief / "brief.html", tmp_path)
        assert len(record["images"]) == len(page.images)
        assert [image for image in record["images"] if not image["ok"]] == []
        assert record["problems"] == [] and console == []
