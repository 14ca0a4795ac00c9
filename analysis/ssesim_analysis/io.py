"""Reading ssesim output (one run or a sweep) into tidy pandas DataFrames.

The reader knows the file's conventions, not its dataset names: any dataset whose axes carry
HDF5 dimension scales can be loaded, and the dimension is named after the scale dataset (the
netCDF-4 rule: a coordinate variable has its dimension's name). Reads are lazy: only the
selected dataset, and within it only the bounding box of the selection, is read; per-run
indicators stream over the `run` axis in blocks of bounded size. The sweep layout (a leading
`run` dimension and a `runs` table) is the contract in analysis/README.md.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import h5py
import numpy as np
import pandas as pd

from .errors import AnalysisError

#: Root attributes `summary` reports: provenance that every ssesim file carries.
SUMMARY_ATTRIBUTES = (
    "title", "ssesim_version", "git_commit", "scenario_file", "seed",
    "status", "steps_completed", "steps_planned",
)
#: Columns every runs table has (analysis/README.md, "The sweep file").
RUNS_REQUIRED = ("run", "arm", "replicate", "seed")
#: Runs-table columns that describe the run rather than a factor of the experiment.
RUNS_BOOKKEEPING = RUNS_REQUIRED + ("status", "checksum", "matrix", "sample")
#: Memory a streaming read holds at once.
BLOCK_BYTES = 64 * 2**20


def open_run(path: str | Path) -> RunFile:
    """Opens ssesim output for reading; use it as a context manager."""
    return RunFile(path)


def load(path: str | Path, name: str, **selection) -> pd.DataFrame:
    """One dataset as a tidy DataFrame; see `RunFile.load` for the selection."""
    with open_run(path) as f:
        return f.load(name, **selection)


def summary(path: str | Path) -> dict:
    """What the file holds; see `RunFile.summary`."""
    with open_run(path) as f:
        return f.summary()


class RunFile:
    """An open ssesim output file. Nothing is read until asked for."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if not self.path.exists():
            raise AnalysisError(f"{self.path}: no such file")
        if not self.path.is_file():
            raise AnalysisError(f"{self.path}: not a file")
        try:
            self._file = h5py.File(self.path, "r")
        except OSError as e:
            raise AnalysisError(f"{self.path}: not an HDF5 file ({str(e).splitlines()[0]})") from None
        if "ssesim_version" not in self._file.attrs:
            self._file.close()
            raise AnalysisError(f"{self.path}: not ssesim output (no 'ssesim_version' root attribute)")
        self._labels: dict[str, np.ndarray] = {}

    def __enter__(self) -> RunFile:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._file.close()

    @property
    def attributes(self) -> dict:
        """The root attributes, decoded to Python values."""
        return _decoded(self._file.attrs)

    def variables(self) -> list[str]:
        """Paths of every dataset that is not itself a dimension scale, in file order."""
        names: list[str] = []
        self._file.visititems(
            lambda name, obj: names.append(name)
            if isinstance(obj, h5py.Dataset) and not _in_runs_table(name) and not h5py.h5ds.is_scale(obj.id)
            else None)
        return names

    def dims(self, name: str) -> list[str | None]:
        """The dimension names of a dataset; None for an axis with no scale attached."""
        ds = self._dataset(name)
        return [_scale_name(dim[0]) if len(dim) else None for dim in ds.dims]

    def labels(self, dim: str) -> np.ndarray:
        """The labels of a dimension: the values of its scale dataset `/dim`."""
        scale = self._file.get(dim)
        if not isinstance(scale, h5py.Dataset) or not h5py.h5ds.is_scale(scale.id):
            raise AnalysisError(f"{self.path}: no dimension '{dim}' (no dimension scale '/{dim}')")
        return self._labels_of(scale)

    def describe(self, name: str) -> dict:
        """A dataset's name, dims, shape, units, long_name and description; nothing is read
        but metadata."""
        ds = self._dataset(name)
        return {"dims": self.dims(name), "shape": ds.shape, **_variable_attributes(ds)}

    def load(self, name: str, *, steps: slice | None = None, runs: Iterable | None = None,
             select: Mapping[str, object] | None = None) -> pd.DataFrame:
        """A dataset as a tidy DataFrame: one column per dimension, labelled from its scale
        (strings as categoricals in file order), and `value`. `df.attrs` holds the dataset's
        `name`, `units`, `long_name` and `description`.

        steps:  positions along the `step` axis, as a Python slice (`slice(-1, None)` is the
                last recorded step).
        Rows come in file order whatever the order of the selection.
        runs:   run numbers (labels of the `run` scale) of a sweep file.
        select: {dimension: label or labels} for any other dimension.
        Only the bounding box of the selection is read from disk.
        """
        ds = self._dataset(name)
        axes = self._axes(ds)
        dim_names = [dim for dim, _ in axes]
        wanted = dict(select or {})
        for dim in wanted:
            if dim not in dim_names:
                raise AnalysisError(f"'{name}' has no dimension '{dim}' (dimensions: {', '.join(dim_names) or 'none'})")
        if runs is not None:
            if "run" in wanted:
                raise AnalysisError("give the runs either as runs= or as select['run'], not both")
            if "run" not in dim_names:
                raise AnalysisError(f"'{name}' has no 'run' dimension: it is not a sweep dataset")
            wanted["run"] = list(runs)
        if steps is not None:
            if not isinstance(steps, slice):
                raise AnalysisError(f"steps must be a slice of step positions, not {type(steps).__name__}")
            if "step" in wanted:
                raise AnalysisError("give the steps either as steps= or as select['step'], not both")
            if "step" not in dim_names:
                raise AnalysisError(f"'{name}' has no 'step' dimension")
        index = []
        for axis, (dim, scale) in enumerate(axes):
            if dim == "step" and steps is not None:
                positions = np.unique(np.arange(ds.shape[axis])[steps])
            elif dim in wanted:
                positions = self._positions(dim, scale, wanted[dim])
            else:
                positions = np.arange(ds.shape[axis])
            if positions.size == 0:
                raise AnalysisError(f"the selection of '{dim}' in '{name}' is empty")
            index.append(positions)
        data = _read(ds, index)
        frame = _tidy([(dim, self._labels_of(scale), ix) for (dim, scale), ix in zip(axes, index)], data)
        frame.attrs.update(_variable_attributes(ds))
        return frame

    def indicator(self, name: str, *, at: str = "final", runs: Iterable | None = None,
                  select: Mapping[str, object] | None = None) -> pd.Series:
        """One number per run of a sweep dataset (leading `run` dimension), indexed by run.

        The value is summed over every dimension other than `run` and `step` (restricted to
        `select`, {dimension: labels}), then taken at the last step (`at="final"`) or averaged
        over the steps (`at="mean"`); a dataset without a `step` axis is only summed, and
        refuses "mean". The read streams over the run axis in blocks of at most BLOCK_BYTES.
        """
        if at not in ("final", "mean"):
            raise AnalysisError(f"at must be 'final' or 'mean', not '{at}'")
        dim_names = self.dims(name)
        if not dim_names or dim_names[0] != "run":
            raise AnalysisError(f"'{name}' has no leading 'run' dimension (dimensions: {', '.join(map(str, dim_names)) or 'none'})")
        if "step" not in dim_names:
            if at == "mean":
                raise AnalysisError(f"'{name}' has no step dimension to average over")
            values, coords = self.totals(name, runs=runs, select=select)
        else:
            values, coords = self.totals(name, keep=("step",), runs=runs, select=select,
                                         steps=slice(-1, None) if at == "final" else None)
            values = values.mean(axis=1)
        return pd.Series(values, index=pd.Index(coords["run"], name="run"), name=name)

    def series(self, name: str, *, runs: Iterable | None = None,
               select: Mapping[str, object] | None = None) -> pd.DataFrame:
        """One row per run and one column per step (labelled by the `step` scale): the dataset
        summed over every dimension other than `run` and `step` (restricted to `select`). A
        single run's dataset, without a `run` axis, gives one row labelled run 0. Steps a run
        has not completed yet (a running or interrupted single run: root attributes `status`
        and `steps_completed`) are left out, since ssesim fills them with -1 or NaN."""
        if "step" not in self.dims(name):
            raise AnalysisError(f"'{name}' has no step dimension to draw over time "
                                f"(dimensions: {', '.join(map(str, self.dims(name))) or 'none'})")
        steps = None
        if self.dims(name)[0] != "run":
            completed = self.attributes.get("steps_completed")
            if self.attributes.get("status", "complete") != "complete" and isinstance(completed, int):
                if completed < 1:
                    raise AnalysisError(f"{self.path}: the run has completed no step yet (status '{self.attributes['status']}')")
                steps = slice(0, completed)
        values, coords = self.totals(name, keep=("step",), runs=runs, select=select, steps=steps)
        frame = pd.DataFrame(values, index=pd.Index(coords["run"], name="run"),
                             columns=pd.Index(coords["step"], name="step"))
        frame.attrs.update(self.describe(name))
        return frame

    def totals(self, name: str, keep: Sequence[str] = (), *, runs: Iterable | None = None,
               steps: slice | None = None, select: Mapping[str, object] | None = None
               ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """A dataset summed, run by run, over every dimension but `run` and those in `keep`.

        Returns (values, coords): values has axes (run, *keep) and coords maps each of those
        dimensions to its labels. `select` ({dimension: labels}) restricts the summed or kept
        dimensions, `steps` (a slice of positions) the step axis, `runs` the run numbers. A
        dataset without a leading `run` axis (a single run) counts as one run labelled 0. The
        read streams over the run axis in blocks of at most BLOCK_BYTES.
        """
        ds = self._dataset(name)
        axes = self._axes(ds)
        dim_names = [dim for dim, _ in axes]
        has_run = bool(dim_names) and dim_names[0] == "run"
        for dim in keep:
            if dim == "run" or dim not in dim_names or list(keep).count(dim) > 1:
                raise AnalysisError(f"cannot keep '{dim}' of '{name}' (dimensions: {', '.join(dim_names) or 'none'})")
        wanted = dict(select or {})
        for dim in wanted:
            if dim in ("run", "step") or dim not in dim_names:
                others = [d for d in dim_names if d not in ("run", "step")]
                raise AnalysisError(f"cannot select '{dim}' in '{name}' (selectable: {', '.join(others) or 'none'})")
        if runs is not None and not has_run:
            raise AnalysisError(f"'{name}' has no 'run' dimension: it is not a sweep dataset")
        if steps is not None and not isinstance(steps, slice):
            raise AnalysisError(f"steps must be a slice of step positions, not {type(steps).__name__}")
        inner = axes[1:] if has_run else axes
        index = []
        for axis, (dim, scale) in enumerate(inner, start=int(has_run)):
            if dim == "step":
                if ds.shape[axis] == 0:
                    raise AnalysisError(f"'{name}' has no recorded step")
                positions = np.unique(np.arange(ds.shape[axis])[steps if steps is not None else slice(None)])
                if positions.size == 0:
                    raise AnalysisError(f"the selection of 'step' in '{name}' is empty")
                index.append(positions)
            elif dim in wanted:
                index.append(self._positions(dim, scale, wanted[dim]))
            else:
                index.append(np.arange(ds.shape[axis]))
        kept_axes = [[dim for dim, _ in inner].index(dim) + 1 for dim in keep]
        coords = {dim: self._labels_of(scale)[ix] for (dim, scale), ix in zip(inner, index) if dim in keep}
        coords = {"run": None, **{dim: coords[dim] for dim in keep}}
        shape = tuple(index[axis - 1].size for axis in kept_axes)

        def reduce(data: np.ndarray) -> np.ndarray:
            data = np.moveaxis(data.astype(np.float64, copy=False), kept_axes, range(1, len(kept_axes) + 1))
            return data.reshape(data.shape[0], *shape, -1).sum(axis=-1)

        if not has_run:
            coords["run"] = np.array([0])
            return reduce(_read(ds, index)[np.newaxis] if index else np.asarray(ds[()])[np.newaxis]), coords
        run_labels = self._labels_of(axes[0][1])
        if run_labels.size == 0:
            raise AnalysisError(f"'{name}' holds no run yet")
        run_positions = (np.arange(len(run_labels)) if runs is None
                         else self._positions("run", axes[0][1], list(runs)))
        box = math.prod(int(ix[-1] - ix[0] + 1) for ix in index)
        block = max(1, BLOCK_BYTES // (max(ds.dtype.itemsize, 8) * box))
        start = int(run_positions[0])
        if ds.chunks and block >= ds.chunks[0]:
            # Blocks of whole chunks along `run`, so no chunk is read and inflated twice.
            block -= block % ds.chunks[0]
            start -= start % ds.chunks[0]
        values = np.empty((run_positions.size, *shape))
        for lo in range(start, int(run_positions[-1]) + 1, block):
            first, last = np.searchsorted(run_positions, [lo, lo + block])
            if first == last:
                continue
            values[first:last] = reduce(_read(ds, [run_positions[first:last], *index]))
        coords["run"] = run_labels[run_positions]
        return values, coords

    def runs(self) -> pd.DataFrame:
        """The runs table of a sweep, one row per run, with its attributes in `df.attrs`."""
        table = self._file.get("runs")
        if table is None:
            raise AnalysisError(f"{self.path}: no 'runs' table: this is a single run, not a sweep "
                                "(analysis/README.md, 'The sweep file')")
        if isinstance(table, h5py.Group):
            columns = {name: _column(ds, f"runs/{name}") for name, ds in table.items()
                       if isinstance(ds, h5py.Dataset)}
            lengths = {len(column) for column in columns.values()}
            if len(lengths) > 1:
                raise AnalysisError(f"{self.path}: the columns of the 'runs' group differ in length "
                                    f"({', '.join(f'{n}: {len(c)}' for n, c in columns.items())})")
        elif isinstance(table, h5py.Dataset) and table.dtype.names:
            rows = table[()]
            columns = {field: _decode(rows[field], table.dtype.fields[field][0]) for field in table.dtype.names}
        else:
            raise AnalysisError(f"{self.path}: 'runs' is neither a group of columns nor a compound dataset")
        frame = pd.DataFrame(columns)
        missing = [c for c in RUNS_REQUIRED if c not in frame]
        if missing:
            raise AnalysisError(f"{self.path}: the runs table lacks the column(s) {', '.join(missing)}")
        duplicated = frame["run"][frame["run"].duplicated()]
        if len(duplicated):
            raise AnalysisError(f"{self.path}: the runs table lists run {duplicated.iloc[0]} more than once")
        frame.attrs.update(_decoded(table.attrs))
        return frame

    def summary(self) -> dict:
        """What the file holds: `attributes` (the SUMMARY_ATTRIBUTES present), `missing` (those
        absent), `runs` (None for a single run, else the run count, the runs per arm, the
        runs not complete, the design and the factors, or the problem with the table), `coordinates`
        (name, length, units) and `datasets` (as `describe` gives them)."""
        attributes = self.attributes
        out: dict = {
            "path": str(self.path),
            "attributes": {k: attributes[k] for k in SUMMARY_ATTRIBUTES if k in attributes},
            "missing": [k for k in SUMMARY_ATTRIBUTES if k not in attributes],
            "runs": None,
            "coordinates": [],
            "datasets": [],
        }
        if "runs" in self._file:
            try:
                table = self.runs()
            except AnalysisError as e:
                out["runs"] = {"problem": str(e)}
            else:
                out["runs"] = {
                    "count": len(table),
                    "arms": {arm: int(n) for arm, n in table.groupby("arm", sort=False).size().items()},
                    "not_complete": int((table["status"] != "complete").sum()) if "status" in table else 0,
                    "design": table.attrs.get("design"),
                    "factors": [c for c in table if c not in RUNS_BOOKKEEPING],
                }

        def visit(name: str, obj) -> None:
            if not isinstance(obj, h5py.Dataset) or _in_runs_table(name):
                return
            if h5py.h5ds.is_scale(obj.id):
                out["coordinates"].append({"name": name, "length": len(obj),
                                           "units": _variable_attributes(obj)["units"]})
            else:
                out["datasets"].append(self.describe(name))

        self._file.visititems(visit)
        return out

    def _dataset(self, name: str) -> h5py.Dataset:
        ds = self._file.get(name)
        if not isinstance(ds, h5py.Dataset):
            raise AnalysisError(f"{self.path}: no dataset '{name}' (datasets: {', '.join(self.variables())})")
        if h5py.h5ds.is_scale(ds.id):
            raise AnalysisError(f"'{name}' is a dimension scale: it labels the axes of other datasets")
        return ds

    def _axes(self, ds: h5py.Dataset) -> list[tuple[str, h5py.Dataset]]:
        axes = []
        for axis, dim in enumerate(ds.dims):
            if len(dim) == 0:
                raise AnalysisError(f"'{ds.name[1:]}': axis {axis} has no dimension scale attached")
            scale = dim[0]
            name = _scale_name(scale)
            if scale.shape != (ds.shape[axis],):
                raise AnalysisError(f"'{ds.name[1:]}': axis {axis} has {ds.shape[axis]} entries "
                                    f"but its scale '{name}' has shape {scale.shape}")
            axes.append((name, scale))
        return axes

    def _labels_of(self, scale: h5py.Dataset) -> np.ndarray:
        if scale.name not in self._labels:
            self._labels[scale.name] = _column(scale, scale.name[1:])
        return self._labels[scale.name]

    def _positions(self, dim: str, scale: h5py.Dataset, labels) -> np.ndarray:
        """Sorted positions along a scale of one label or a list of labels."""
        if isinstance(labels, (str, bytes)) or not isinstance(labels, Iterable):
            labels = [labels]
        known_labels = self._labels_of(scale)
        where = {label: i for i, label in enumerate(known_labels)}
        positions = []
        for label in labels:
            if isinstance(label, str) and known_labels.dtype != object:
                label = _number(label, known_labels.dtype, dim)
            if label not in where:
                known = ", ".join(map(str, list(where)[:12])) + (", ..." if len(where) > 12 else "")
                raise AnalysisError(f"{dim} {label!r} is not in the '{dim}' scale ({known})")
            positions.append(where[label])
        if not positions:
            raise AnalysisError(f"the selection of '{dim}' is empty")
        return np.unique(np.asarray(positions, dtype=np.int64))


def saltelli_matrices(runs: pd.DataFrame, values: pd.Series) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Rebuilds f(A), f(B) (each of length N) and f(AB_i) (N x k) of a Saltelli design from
    the runs table (attributes design="saltelli", N, k, factors; columns matrix and sample)
    and one value per run (`values`, indexed by run). Returns (factors, fA, fB, fAB)."""
    attrs = runs.attrs
    if attrs.get("design") != "saltelli":
        found = f"design = {attrs['design']!r}" if "design" in attrs else "no 'design' attribute"
        raise AnalysisError(f"sensitivity needs a Saltelli design, but the runs table has {found}")
    missing = [a for a in ("N", "k", "factors") if a not in attrs] + [c for c in ("matrix", "sample") if c not in runs]
    if missing:
        raise AnalysisError(f"the Saltelli runs table lacks {', '.join(missing)}")
    n, k = int(attrs["N"]), int(attrs["k"])
    factors = [attrs["factors"]] if isinstance(attrs["factors"], str) else list(attrs["factors"])
    if len(factors) != k:
        raise AnalysisError(f"the Saltelli design has k = {k} but names {len(factors)} factors")
    if len(runs) != n * (k + 2):
        raise AnalysisError(f"a Saltelli design with N = {n} and k = {k} has N(k+2) = {n * (k + 2)} runs; "
                            f"the runs table has {len(runs)}")
    matrices = ["A", "B"] + [f"AB_{i}" for i in range(1, k + 1)]
    unknown = sorted(set(runs["matrix"]) - set(matrices))
    if unknown:
        raise AnalysisError(f"unknown matrix label(s) {', '.join(map(str, unknown))} (expected A, B, AB_1 ... AB_{k})")
    if runs.duplicated(["sample", "matrix"]).any():
        raise AnalysisError("the Saltelli runs table has a (sample, matrix) pair more than once")
    grid = runs.pivot(index="sample", columns="matrix", values="run")
    if list(grid.index) != list(range(n)) or grid.isna().any().any():
        raise AnalysisError(f"the Saltelli runs table does not hold every matrix for samples 0 ... {n - 1}")
    absent = sorted(set(runs["run"]) - set(values.index))
    if absent:
        raise AnalysisError(f"no indicator value for run(s) {', '.join(map(str, absent[:10]))}")
    f = values.reindex(grid[matrices].to_numpy().ravel()).to_numpy().reshape(n, k + 2)
    return factors, f[:, 0], f[:, 1], f[:, 2:]


def _read(ds: h5py.Dataset, index: list[np.ndarray]) -> np.ndarray:
    """Reads the bounding box of sorted positions per axis, then keeps the positions."""
    if ds.ndim == 0:
        return np.asarray(ds[()])
    data = ds[tuple(slice(int(ix[0]), int(ix[-1]) + 1) for ix in index)]
    for axis, ix in enumerate(index):
        if ix.size != data.shape[axis]:
            data = np.take(data, ix - ix[0], axis=axis)
    return data


def _tidy(axes: list[tuple[str, np.ndarray, np.ndarray]], data: np.ndarray) -> pd.DataFrame:
    """Long format of an n-d array: for each (name, labels, positions) a column, C order."""
    shape = data.shape
    columns = {}
    for axis, (name, labels, positions) in enumerate(axes):
        inner, outer = math.prod(shape[axis + 1:]), math.prod(shape[:axis])
        codes = np.tile(np.repeat(np.arange(positions.size), inner), outer)
        chosen = labels[positions]
        if chosen.dtype == object:
            columns[name] = pd.Categorical.from_codes(codes, categories=chosen)
        else:
            columns[name] = chosen[codes]
    columns["value"] = data.reshape(-1)
    return pd.DataFrame(columns)


def _number(text: str, dtype: np.dtype, dim: str):
    """A label typed as text (as on a command line) for a numeric scale."""
    try:
        return dtype.type(text)
    except ValueError:
        raise AnalysisError(f"{dim} labels are numbers, not {text!r}") from None


def _in_runs_table(name: str) -> bool:
    return name == "runs" or name.startswith("runs/")


def _scale_name(scale: h5py.Dataset) -> str:
    return scale.name.rsplit("/", 1)[-1]


def _column(ds: h5py.Dataset, name: str) -> np.ndarray:
    if ds.ndim != 1:
        raise AnalysisError(f"'{name}' should be one-dimensional, it has shape {ds.shape}")
    return _decode(ds[()], ds.dtype)


def _decode(values: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Strings (fixed or variable length) as an object array of str; numbers unchanged."""
    if h5py.check_string_dtype(dtype) is None:
        return values
    return np.array([v.decode() if isinstance(v, bytes) else str(v) for v in values], dtype=object)


def _value(v):
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, np.ndarray):
        return [_value(x) for x in v.tolist()]
    if isinstance(v, np.generic):
        return v.item()
    return v


def _decoded(attrs: h5py.AttributeManager) -> dict:
    return {k: _value(v) for k, v in attrs.items() if k not in ("DIMENSION_LIST", "REFERENCE_LIST")}


def _variable_attributes(ds: h5py.Dataset) -> dict:
    attrs = _decoded(ds.attrs)
    return {"name": ds.name[1:], "units": attrs.get("units"), "long_name": attrs.get("long_name"),
            "description": attrs.get("description")}
