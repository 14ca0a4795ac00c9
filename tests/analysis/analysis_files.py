"""Small HDF5 files written with h5py, laid out as ssesim writes them (dimension scales,
units, root provenance) and as analysis/README.md specifies sweeps (a leading `run` dimension
and a `runs` table), so the analysis tests do not need the simulator; and the Ishigami test
function with its analytic Sobol indices."""
import h5py
import numpy as np

ROOT_ATTRIBUTES = {
    "title": "ssesim run of scenario 'test'", "ssesim_version": "0.1.0", "git_commit": "abc123",
    "scenario_file": "scenarios/test.toml", "seed": 7, "status": "complete",
    "steps_completed": 4, "steps_planned": 4,
}
COUNTRIES = ["ESP", "FRA", "MEX"]
KINDS = ["worker_coop", "for_profit"]


def write_output(path, variables, coordinates, attributes=ROOT_ATTRIBUTES, runs=None,
                 runs_form="group", runs_attributes=None, chunks=True):
    """Writes an ssesim-like file.

    variables:   {name: (dims, array, units)}; each axis gets the scale named in dims.
    coordinates: {dim: labels}; string labels become a variable-length string scale.
    runs:        {column: values} written as the `runs` table, a group of columns or a
                 compound dataset (runs_form), with runs_attributes on it.
    chunks:      the chunk shape of the variables (True: h5py's choice).
    """
    with h5py.File(path, "w") as f:
        f.attrs.update(attributes)
        for dim, labels in coordinates.items():
            labels = np.asarray(labels)
            if labels.dtype.kind in "US":
                f.create_dataset(dim, data=labels.astype(object), dtype=h5py.string_dtype())
            else:
                f.create_dataset(dim, data=labels)
            f[dim].make_scale(dim)
            f[dim].attrs["units"] = "1"
        for name, (dims, data, units) in variables.items():
            ds = f.create_dataset(name, data=data, chunks=chunks if data.ndim else None)
            ds.attrs["units"] = units
            ds.attrs["long_name"] = name.replace("_", " ")
            for axis, dim in enumerate(dims):
                ds.dims[axis].attach_scale(f[dim])
        if runs is not None:
            columns = {k: np.asarray(v) for k, v in runs.items()}
            if runs_form == "group":
                table = f.create_group("runs")
                for column, values in columns.items():
                    if values.dtype.kind in "US":
                        table.create_dataset(column, data=values.astype(object), dtype=h5py.string_dtype())
                    else:
                        table.create_dataset(column, data=values)
            else:
                fields = [(c, h5py.string_dtype() if v.dtype.kind in "US" else v.dtype) for c, v in columns.items()]
                rows = np.empty(len(next(iter(columns.values()))), dtype=fields)
                for column, values in columns.items():
                    rows[column] = values.astype(object) if values.dtype.kind in "US" else values
                table = f.create_dataset("runs", data=rows)
            table.attrs.update(runs_attributes or {})
    return path


def sweep_values(replicates, arms_effect, seed=11, steps=4):
    """exports[run, step, country, org_kind] for arms sharing replicate noise (common random
    numbers). arms_effect: {arm: (effect, noise)}: the arm adds `effect` to ESP worker_coop at
    the last step, and independent noise of sd `noise` to every cell. Runs are numbered arm by
    arm, replicate within arm. Returns (array, runs columns)."""
    rng = np.random.default_rng(seed)
    common = rng.normal(1000, 50, size=(replicates, steps, len(COUNTRIES), len(KINDS)))
    blocks, arm_col, rep_col = [], [], []
    for arm, (effect, noise) in arms_effect.items():
        block = common + rng.normal(0, noise, size=common.shape)
        block[:, -1, 0, 0] += effect
        blocks.append(block)
        arm_col += [arm] * replicates
        rep_col += list(range(replicates))
    data = np.concatenate(blocks)
    runs = {"run": np.arange(len(data)), "arm": np.array(arm_col), "replicate": np.array(rep_col),
            "seed": 1000 + np.array(rep_col), "subsidy": np.repeat(np.arange(len(arms_effect)) * 0.5, replicates)}
    return data, runs


def write_sweep(path, data, runs, runs_form="group", runs_attributes=None, chunks=True):
    steps = np.arange(1, data.shape[1] + 1)
    return write_output(path, {"exports": (["run", "step", "country", "org_kind"], data, "USD")},
                        {"run": np.sort(runs["run"]), "step": steps, "country": COUNTRIES, "org_kind": KINDS},
                        runs=runs, runs_form=runs_form, runs_attributes=runs_attributes, chunks=chunks)


def ishigami(x, a=7.0, b=0.1):
    """Ishigami and Homma (1990): Y = sin x1 + a sin^2 x2 + b x3^4 sin x1, x_i ~ U(-pi, pi)."""
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(a=7.0, b=0.1):
    """Analytic first- and total-order indices of the Ishigami function."""
    v1 = 0.5 * (1 + b * np.pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * np.pi**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return np.array([v1, v2, 0]) / v, np.array([v1 + v13, v2, v13]) / v


def saltelli_design(n, seed=3):
    """A, B (n x 3, scrambled Sobol' points on [-pi, pi]^3) and the AB_i matrices."""
    from scipy.stats import qmc
    points = qmc.Sobol(d=6, scramble=True, seed=seed).random(n)
    points = -np.pi + 2 * np.pi * points
    a, b = points[:, :3], points[:, 3:]
    ab = []
    for i in range(3):
        m = a.copy()
        m[:, i] = b[:, i]
        ab.append(m)
    return a, b, ab
