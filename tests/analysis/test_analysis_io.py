"""The reader: tidy frames from dimension scales, lazy selections, runs tables, per-run
indicators, and a clear error for each thing a file can lack."""
import h5py
import numpy as np
import pandas as pd
import pytest

from analysis_files import COUNTRIES, KINDS, ROOT_ATTRIBUTES, sweep_values, write_output, write_sweep
from ssesim_analysis import AnalysisError, io, load, open_run, saltelli_matrices, summary


def test_load_is_tidy_with_labels_from_the_scales(single_run):
    df = load(single_run, "exports")
    assert list(df.columns) == ["step", "country", "org_kind", "value"]
    assert len(df) == 4 * 3 * 2
    # value = 100 step + 10 country index + kind index, in C order of the axes
    expected = [100 * s + 10 * c + k for s in range(1, 5) for c in range(3) for k in range(2)]
    assert df["value"].tolist() == expected
    assert df["step"].tolist() == [s for s in range(1, 5) for _ in range(6)]
    assert df["country"].tolist() == [c for _ in range(4) for c in COUNTRIES for _ in range(2)]
    assert df["org_kind"].tolist() == KINDS * 12
    # string scales become categoricals in file order, numeric scales keep their dtype
    assert list(df["country"].cat.categories) == COUNTRIES
    assert df["step"].dtype == np.int64
    assert df.attrs == {"name": "exports", "units": "USD", "long_name": "exports", "description": None}


def test_load_one_dimensional_and_record_datasets(single_run):
    gdp = load(single_run, "gdp")
    assert gdp["country"].tolist() == COUNTRIES and gdp["value"].tolist() == [1.5, 2.5, 3.5]
    cash = load(single_run, "cash")
    assert cash["record"].tolist() == [0, 1, 2, 3, 4] and cash["value"].tolist() == [3, 1, 2, 5, 4]


def test_steps_are_positions_and_select_takes_labels(single_run):
    last = load(single_run, "exports", steps=slice(-1, None))
    assert set(last["step"]) == {4} and len(last) == 6
    middle = load(single_run, "exports", steps=slice(1, 3), select={"country": ["MEX", "ESP"], "org_kind": "for_profit"})
    # file order, whatever order the labels were given in
    assert middle[["step", "country"]].values.tolist() == [[2, "ESP"], [2, "MEX"], [3, "ESP"], [3, "MEX"]]
    assert middle["value"].tolist() == [201, 221, 301, 321]
    assert list(middle["country"].cat.categories) == ["ESP", "MEX"]
    backwards = load(single_run, "exports", steps=slice(None, None, -2), select={"country": "ESP", "org_kind": "worker_coop"})
    assert backwards["value"].tolist() == [200, 400]
    numeric = load(single_run, "exports", select={"step": "3", "country": "FRA"})
    assert numeric["value"].tolist() == [310, 311]


@pytest.mark.parametrize("kwargs, message", [
    ({"select": {"sector": "x"}}, "'exports' has no dimension 'sector' (dimensions: step, country, org_kind)"),
    ({"select": {"country": "DEU"}}, "country 'DEU' is not in the 'country' scale (ESP, FRA, MEX)"),
    ({"select": {"step": "two"}}, "step labels are numbers, not 'two'"),
    ({"select": {"country": []}}, "the selection of 'country' is empty"),
    ({"steps": slice(10, 20)}, "the selection of 'step' in 'exports' is empty"),
    ({"steps": 3}, "steps must be a slice of step positions, not int"),
    ({"runs": [0]}, "'exports' has no 'run' dimension: it is not a sweep dataset"),
])
def test_bad_selections_say_what_is_wrong(single_run, kwargs, message):
    with pytest.raises(AnalysisError) as e:
        load(single_run, "exports", **kwargs)
    assert str(e.value) == message


def test_load_reads_only_the_selected_dataset_and_box(tmp_path):
    """x[run, step] is stored in two external segments, runs 0-1 in a file that exists and
    runs 2-3 in one that does not: reading any byte of runs 2-3 fails, so a load of runs 0-1
    that succeeds has not read them, and summary reads no data at all."""
    data = np.arange(8, dtype="<f8").reshape(4, 2)
    (tmp_path / "present.bin").write_bytes(data[:2].tobytes())
    path = write_output(tmp_path / "lazy.h5", {"y": (["run", "step"], data, "1")}, {"run": np.arange(4), "step": [1, 2]})
    with h5py.File(path, "a") as f:
        x = f.create_dataset("x", shape=(4, 2), dtype="<f8",
                             external=[(str(tmp_path / "present.bin"), 0, 32), (str(tmp_path / "absent.bin"), 0, 32)])
        x.attrs["units"] = "1"
        x.dims[0].attach_scale(f["run"])
        x.dims[1].attach_scale(f["step"])
    assert load(path, "x", runs=[0, 1])["value"].tolist() == [0, 1, 2, 3]
    assert load(path, "x", runs=[1], steps=slice(1, 2))["value"].tolist() == [3]
    assert [d["name"] for d in summary(path)["datasets"]] == ["x", "y"]
    with open_run(path) as f:
        assert f.indicator("x", runs=[0, 1]).tolist() == [1, 3]
        with pytest.raises(OSError):
            f.load("x", runs=[3])


def test_summary_reports_provenance_datasets_and_what_is_missing(single_run, tmp_path):
    s = summary(single_run)
    assert s["attributes"] == {k: ROOT_ATTRIBUTES[k] for k in io.SUMMARY_ATTRIBUTES}
    assert s["missing"] == [] and s["runs"] is None
    assert [(c["name"], c["length"]) for c in s["coordinates"]] == [("country", 3), ("org_kind", 2), ("record", 5), ("step", 4)]
    exports = next(d for d in s["datasets"] if d["name"] == "exports")
    assert exports["dims"] == ["step", "country", "org_kind"] and exports["shape"] == (4, 3, 2)
    assert exports["units"] == "USD"
    sparse = write_output(tmp_path / "sparse.h5", {}, {}, attributes={"ssesim_version": "0.1.0", "seed": 1})
    s = summary(sparse)
    assert s["attributes"] == {"ssesim_version": "0.1.0", "seed": 1}
    assert s["missing"] == ["title", "git_commit", "scenario_file", "status", "steps_completed", "steps_planned"]


def test_files_that_are_not_ssesim_output(tmp_path):
    with pytest.raises(AnalysisError, match=r"absent.h5: no such file$"):
        open_run(tmp_path / "absent.h5")
    (tmp_path / "text.h5").write_text("not hdf5")
    with pytest.raises(AnalysisError, match=r"text.h5: not an HDF5 file \(.+\)$"):
        open_run(tmp_path / "text.h5")
    with h5py.File(tmp_path / "other.h5", "w") as f:
        f["x"] = [1, 2]
    with pytest.raises(AnalysisError, match=r"other.h5: not ssesim output \(no 'ssesim_version' root attribute\)$"):
        open_run(tmp_path / "other.h5")
    with pytest.raises(AnalysisError, match=r": not a file$"):
        open_run(tmp_path)


def test_datasets_without_proper_scales_are_named(single_run):
    with h5py.File(single_run, "a") as f:
        f["bare"] = np.zeros((4, 3))
        f["bare"].dims[0].attach_scale(f["step"])
        f["short"] = np.zeros(2)
        f["short"].dims[0].attach_scale(f["country"])
    with open_run(single_run) as f:
        assert f.dims("bare") == ["step", None]
        for name, message in [
            ("bare", "'bare': axis 1 has no dimension scale attached"),
            ("short", "'short': axis 0 has 2 entries but its scale 'country' has shape (3,)"),
            ("country", "'country' is a dimension scale: it labels the axes of other datasets"),
        ]:
            with pytest.raises(AnalysisError) as e:
                f.load(name)
            assert str(e.value) == message
        with pytest.raises(AnalysisError, match=r"run.h5: no dataset 'nope' \(datasets: bare, cash, exports, gdp, short\)$"):
            f.load("nope")


@pytest.mark.parametrize("form", ["group", "compound"])
def test_runs_table_in_either_form(tmp_path, form):
    data, runs = sweep_values(3, {"baseline": (0, 0), "outward": (5, 0)})
    path = write_sweep(tmp_path / "sweep.h5", data, runs, runs_form=form, runs_attributes={"design": "factorial"})
    with open_run(path) as f:
        table = f.runs()
    assert sorted(table.columns) == ["arm", "replicate", "run", "seed", "subsidy"]
    assert table["arm"].tolist() == ["baseline"] * 3 + ["outward"] * 3
    assert table["replicate"].tolist() == [0, 1, 2] * 2 and table["seed"].tolist() == [1000, 1001, 1002] * 2
    assert table.attrs == {"design": "factorial"}
    s = summary(path)
    assert s["runs"] == {"count": 6, "arms": {"baseline": 3, "outward": 3}, "not_complete": 0,
                         "design": "factorial", "factors": ["subsidy"]}
    assert [d["name"] for d in s["datasets"]] == ["exports"]


def test_runs_table_problems(tmp_path, single_run):
    with open_run(single_run) as f, pytest.raises(AnalysisError, match=r"no 'runs' table: this is a single run, not a sweep"):
        f.runs()
    data, runs = sweep_values(2, {"a": (0, 0)})
    del runs["seed"], runs["arm"]
    path = write_sweep(tmp_path / "sweep.h5", data, runs)
    with open_run(path) as f, pytest.raises(AnalysisError, match=r"the runs table lacks the column\(s\) arm, seed$"):
        f.runs()
    # summary still works and says what is wrong with the table
    assert summary(path)["runs"]["problem"].endswith("the runs table lacks the column(s) arm, seed")
    data, runs = sweep_values(2, {"a": (0, 0)})
    runs["run"] = np.array([0, 0])
    with open_run(write_sweep(tmp_path / "twice.h5", data, runs)) as f, pytest.raises(AnalysisError, match="lists run 0 more than once"):
        f.runs()


def test_indicator_final_mean_and_selection_match_numpy(tmp_path, monkeypatch):
    read = io._read
    data, runs = sweep_values(5, {"baseline": (0, 1), "outward": (7, 1)})
    path = write_sweep(tmp_path / "sweep.h5", data, runs, chunks=(3, 4, 3, 2))
    with open_run(path) as f:
        final = f.indicator("exports")
        np.testing.assert_array_equal(final.to_numpy(), data[:, -1].reshape(10, -1).sum(axis=1))
        assert final.index.tolist() == list(range(10)) and final.index.name == "run"
        mean = f.indicator("exports", at="mean", select={"org_kind": "worker_coop"})
        np.testing.assert_allclose(mean.to_numpy(), data[:, :, :, 0].sum(axis=2).mean(axis=1), rtol=1e-15)
        chosen = f.indicator("exports", runs=[8, 2, 5], select={"country": ["ESP", "MEX"]})
        assert chosen.index.tolist() == [2, 5, 8]
        np.testing.assert_allclose(chosen.to_numpy(), data[[2, 5, 8], -1][:, [0, 2]].reshape(3, -1).sum(axis=1), rtol=1e-15)
        # streamed in blocks of one run, or of whole chunks of 3 runs (a block of 4 runs'
        # bytes, 4 x 6 cells x 8 bytes at the final step, is cut to one chunk, and blocks
        # start on chunk boundaries), the numbers are the same
        reads = []
        monkeypatch.setattr(io, "_read", lambda ds, index: reads.append(index[0].tolist()) or read(ds, index))
        for block_bytes, blocks in [(1, [[r] for r in range(10)]), (4 * 6 * 8, [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]])]:
            monkeypatch.setattr(io, "BLOCK_BYTES", block_bytes)
            reads.clear()
            np.testing.assert_array_equal(f.indicator("exports").to_numpy(), final.to_numpy())
            assert reads == blocks
            reads.clear()
            np.testing.assert_array_equal(f.indicator("exports", runs=[8, 2, 5], select={"country": ["ESP", "MEX"]}).to_numpy(),
                                          chosen.to_numpy())
            assert reads == [[2], [5], [8]]
        for kwargs, message in [
            ({"at": "last"}, "at must be 'final' or 'mean', not 'last'"),
            ({"select": {"step": 1}}, "cannot select 'step' in 'exports' (selectable: country, org_kind)"),
            ({"runs": [10]}, "run 10 is not in the 'run' scale (0, 1, 2, 3, 4, 5, 6, 7, 8, 9)"),
        ]:
            with pytest.raises(AnalysisError) as e:
                f.indicator("exports", **kwargs)
            assert str(e.value) == message


def test_indicator_needs_a_leading_run_dimension(single_run):
    with open_run(single_run) as f, pytest.raises(AnalysisError) as e:
        f.indicator("exports")
    assert str(e.value) == "'exports' has no leading 'run' dimension (dimensions: step, country, org_kind)"


def saltelli_runs(n, k, **attrs):
    matrices = ["A", "B"] + [f"AB_{i}" for i in range(1, k + 1)]
    table = pd.DataFrame({"run": np.arange(n * (k + 2)), "matrix": [m for _ in range(n) for m in matrices],
                          "sample": np.repeat(np.arange(n), k + 2)})
    table.attrs.update({"design": "saltelli", "N": n, "k": k, "factors": [f"f{i}" for i in range(1, k + 1)]} | attrs)
    return table


def test_saltelli_matrices_rebuild_a_b_and_ab():
    table = saltelli_runs(3, 2)
    values = pd.Series(np.arange(12.0) * 10, index=table["run"])
    factors, fa, fb, fab = saltelli_matrices(table.sample(frac=1, random_state=1), values)
    assert factors == ["f1", "f2"]
    assert fa.tolist() == [0, 40, 80] and fb.tolist() == [10, 50, 90]
    assert fab.tolist() == [[20, 30], [60, 70], [100, 110]]


@pytest.mark.parametrize("change, message", [
    ({"design": "factorial"}, "sensitivity needs a Saltelli design, but the runs table has design = 'factorial'"),
    ({"design": None}, "sensitivity needs a Saltelli design, but the runs table has no 'design' attribute"),
    ({"N": 4}, "a Saltelli design with N = 4 and k = 2 has N(k+2) = 16 runs; the runs table has 12"),
    ({"factors": ["f1"]}, "the Saltelli design has k = 2 but names 1 factors"),
    ({"k": None}, "the Saltelli runs table lacks k"),
])
def test_saltelli_layout_errors(change, message):
    table = saltelli_runs(3, 2)
    for key, value in change.items():
        if value is None:
            del table.attrs[key]
        else:
            table.attrs[key] = value
    with pytest.raises(AnalysisError) as e:
        saltelli_matrices(table, pd.Series(np.zeros(12), index=table["run"]))
    assert str(e.value) == message


def test_saltelli_rows_must_cover_every_matrix():
    table = saltelli_runs(3, 2)
    table.loc[5, "matrix"] = "AB_3"
    with pytest.raises(AnalysisError, match=r"unknown matrix label\(s\) AB_3 \(expected A, B, AB_1 ... AB_2\)"):
        saltelli_matrices(table, pd.Series(np.zeros(12), index=table["run"]))
    table = saltelli_runs(3, 2)
    table.loc[5, "sample"] = 0
    with pytest.raises(AnalysisError, match=r"a \(sample, matrix\) pair more than once"):
        saltelli_matrices(table, pd.Series(np.zeros(12), index=table["run"]))
