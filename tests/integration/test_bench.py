"""The benchmark harness (tools/bench/run) on the programs just built: its table's figures
are computed from what the programs measured, as README says. Speeds are never asserted
(a benchmark is not a test); what is asserted is that every figure is there and that the
derived ones (efficiency, bytes per organisation, effective bandwidth, output ratios) follow
from the measured ones."""
import csv
import json
import subprocess
import sys

import pytest

from helpers import BIN, ENV, ROOT

BUILD = BIN.parent
HARNESS = ROOT / "tools" / "bench" / "run"
BENCH = BUILD / "tools" / "bench"

pytestmark = pytest.mark.skipif(not (BENCH / "bench_model").exists(), reason="benchmarks not built (SSESIM_BUILD_BENCH=OFF)")


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    proc = subprocess.run([sys.executable, str(HARNESS), "--quick", "--no-build", "--build-dir", str(BUILD), "--out", str(out)],
                          capture_output=True, text=True, env=ENV, timeout=1200)
    assert proc.returncode == 0, proc.stderr
    (js,) = out.glob("bench-*.json")
    (table,) = out.glob("bench-*.csv")
    return json.loads(js.read_text()), list(csv.DictReader(table.open())), proc.stdout


def test_the_table_names_the_machine_compiler_commit_and_date(quick):
    data, rows, stdout = quick
    version = subprocess.run([str(BIN), "--version"], capture_output=True, text=True).stdout
    assert data["machine"]["commit"] in version
    assert data["machine"]["compiler"] in version
    assert data["machine"]["cores"] >= 1 and data["machine"]["memory_gib"] > 0
    assert data["date"].startswith("20")
    assert {r["commit"] for r in rows} == {data["machine"]["commit"]}
    assert "full model" in stdout and "output cost" in stdout and "sweeps" in stdout


def test_model_runs_open_at_the_size_asked_and_their_derived_figures_follow(quick):
    data, rows, _ = quick
    runs = data["model"]
    assert sorted({r["organisations_opening"] for r in runs}) == [1000, 10000]
    assert {r["threads"] for r in runs} >= {1, 2}
    triad = {t["threads"]: t["gigabytes_per_second"] for t in data["triad"]}
    for r in runs:
        assert r["steps"] == 8 and r["output"] == "none" and r["file_bytes"] == 0
        assert r["agent_steps"] >= r["organisations_opening"] * r["steps"]   # births only add
        assert r["agent_steps_per_second"] == pytest.approx(r["agent_steps"] / r["run_seconds"], rel=1e-3)
        one = next(s for s in runs if s["organisations_opening"] == r["organisations_opening"] and s["threads"] == 1)
        assert r["thread_efficiency"] == pytest.approx(r["agent_steps_per_second"] / (r["threads"] * one["agent_steps_per_second"]))
        assert r["bytes_per_organisation"] == pytest.approx(r["peak_rss_bytes"] / r["organisations_most"])
        # every column's row counted: more than the 40-odd organisation columns of 1 byte
        assert r["organisation_row_bytes"] > 200 and r["link_row_bytes"] > 50
        per_org = r["organisation_row_bytes"] + r["link_row_bytes"] * r["links_end"] / r["organisations_end"]
        assert r["state_bytes_per_organisation"] == pytest.approx(per_org, rel=1e-3)
        assert r["effective_gigabytes_per_second"] == pytest.approx(2 * per_org * r["agent_steps_per_second"] / 1e9, rel=1e-3)
        assert r["bandwidth_share_of_triad"] == pytest.approx(r["effective_gigabytes_per_second"] / triad[r["threads"]])
        parts = r["parts"]
        assert {"decide", "settle", "learn", "record", "structural update", "checks and flow record"} <= parts.keys()
        assert 0 < sum(parts.values()) <= r["run_seconds"] * 1.01
    assert any(r["metric"] == "agent_steps_per_second" and r["section"] == "model" for r in rows)


def test_output_cost_is_measured_for_none_aggregates_and_snapshots(quick):
    data, _, _ = quick
    none, aggregates, snapshots = data["output"]
    assert [o["output"] for o in data["output"]] == ["none", "aggregates", "snapshots"]
    assert none["time_ratio_to_none"] == 1.0 and none["file_bytes"] == 0 and none["output_seconds"] == 0
    assert 0 < aggregates["file_bytes"] < snapshots["file_bytes"]   # snapshots add every agent's state
    assert snapshots["snapshot_interval"] == 4
    for o in (aggregates, snapshots):
        assert o["time_ratio_to_none"] == pytest.approx(o["run_seconds"] / none["run_seconds"])
        assert 0 < o["output_seconds"] < o["run_seconds"]


def test_sweeps_triad_schelling_and_micro_benchmarks_report(quick):
    data, _, _ = quick
    for s in data["sweep"]["runs"]:
        assert s["runs"] == 2 and s["runs_per_second"] == pytest.approx(s["runs"] / s["seconds"])
    assert all(t["gigabytes_per_second"] > 0 for t in data["triad"])
    assert data["schelling"]["agents"] == 8000 and data["schelling"]["runs"] == 10
    names = [b["name"] for b in data.get("micro", [])]
    assert any(n.startswith("step/decide/10000/threads:1") for n in names)
    assert "rng/uniform" in names


def test_bad_arguments_are_one_line_errors(tmp_path):
    for args, message in ((["--sizes", "0"], "--sizes: expected integers >= 1"),
                          (["--sizes", "ten"], "--sizes: expected comma-separated integers"),
                          (["--sweep-scenario", str(tmp_path / "none.toml")], "--sweep-scenario: no such file")):
        proc = subprocess.run([sys.executable, str(HARNESS), "--quick", "--no-build", "--build-dir", str(BUILD), "--out", str(tmp_path), *args],
                              capture_output=True, text=True, env=ENV)
        assert proc.returncode == 2
        assert proc.stderr.count("\n") == 1 and message in proc.stderr
    for args, message in ((["--output", "all"], "--output: expected none, aggregates or snapshots"),
                          (["--organisations", "-5"], "--organisations: expected an integer >= 0"),
                          (["--threads", "0"], "--threads: expected an integer >= 1")):
        proc = subprocess.run([str(BENCH / "bench_model"), *args], capture_output=True, text=True, env=ENV)
        assert proc.returncode == 2
        assert proc.stderr == f"bench_model: error: {message}, got {args[1] if args[0] != '--output' else repr(args[1])}\n".replace('"', "'")
    proc = subprocess.run([str(BENCH / "bench_triad"), "--threads", "0"], capture_output=True, text=True, env=ENV)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
