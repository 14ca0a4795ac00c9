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


def write_saltelli_sweep(path, n, runs_form="group"):
    """A Saltelli sweep of the Ishigami function: y[run] for N (k + 2) runs ordered by sample,
    then A, B, AB_1 ... AB_3, with the factor values in the runs table."""
    a, b, ab = saltelli_design(n)
    blocks = [a, b, *ab]
    x = np.stack(blocks, axis=1).reshape(-1, 3)
    matrices = ["A", "B", "AB_1", "AB_2", "AB_3"]
    runs = {"run": np.arange(5 * n), "arm": np.array(["saltelli"] * (5 * n)), "replicate": np.repeat(np.arange(n), 5),
            "seed": np.repeat(np.arange(n), 5) + 100, "x1": x[:, 0], "x2": x[:, 1], "x3": x[:, 2],
            "matrix": np.array(matrices * n), "sample": np.repeat(np.arange(n), 5)}
    return write_output(path, {"y": (["run"], ishigami(x), "1")}, {"run": runs["run"]}, runs=runs, runs_form=runs_form,
                        runs_attributes={"design": "saltelli", "N": n, "k": 3, "factors": ["x1", "x2", "x3"]})


# The layout of a real run (sim/io/run_writer.cpp, sim/ODD.md 'Observation'): step series by
# home country and organisation kind, integer counts, flows by origin and destination with the
# flow channel attached to the flow scale, and the resolved scenario as a root attribute.
FLOWS = ["sales", "wages", "fdi", "dividends", "technology"]
CHANNELS = ["goods", "domestic", "finance", "finance", "intangibles"]
SCENARIO = '[run]\nsteps = 6\nseed = 7\n\n[economy]\nelasticity = 4.0\nexport_fixed_cost = 0.5\n'
LAYOUT_ATTRIBUTES = dict(ROOT_ATTRIBUTES, scenario=SCENARIO, steps_completed=6, steps_planned=6, steps_per_year=4,
                         created="2026-01-02T03:04:05Z", title="ssesim run of scenario 'layout'")


def layout_values(replicates=None, arms_effect=None, steps=6, seed=5):
    """The datasets of a run (replicates None) or of a sweep (a leading run axis, one block of
    `replicates` runs per arm of arms_effect {arm: effect}, replicates sharing their draws).
    An arm's effect adds `effect` to export_revenue and `effect` / 5 to employees of ESP
    worker co-ops at the last step, and scales every goods flow out of ESP by 1 + effect / 100.
    Returns ({name: (dims, array, units)}, runs columns or None)."""
    rng = np.random.default_rng(seed)
    n = 1 if replicates is None else replicates
    shape = (n, steps, len(COUNTRIES), len(KINDS))
    growth = np.linspace(1, 2, steps)[None, :, None, None]
    base = {
        "export_revenue": (rng.normal(1000, 50, shape) * growth, "USD"),
        "employees": (rng.integers(80, 120, shape) * growth, "persons"),
        "impact_home": (rng.normal(40, 4, shape) * growth, "persons"),
        "founded_abroad": (rng.poisson(2.0, shape).astype(float), "1"),
    }
    flows = rng.gamma(2.0, 50.0, (n, steps, len(FLOWS), len(COUNTRIES), len(COUNTRIES)))
    arms = arms_effect or {None: 0.0}
    blocks = {name: [] for name in base}
    flow_blocks, arm_col, rep_col = [], [], []
    for i, (arm, effect) in enumerate(arms.items()):
        for name, (data, _) in base.items():
            noise = rng.integers(-2, 3, shape) if name == "employees" else rng.normal(0, 1, shape)
            block = data + (noise if arm is not None else 0)
            if name == "export_revenue":
                block[:, -1, 0, 0] += effect
            if name == "employees":
                block = np.rint(block)
                block[:, -1, 0, 0] += round(effect / 5)
            blocks[name].append(block)
        f = flows.copy()
        f[:, :, 0, 0, :] *= 1 + effect / 100
        flow_blocks.append(f)
        arm_col += [arm] * n
        rep_col += list(range(n))
    variables = {}
    lead = ["run"] if replicates is not None else []
    for name, (_, units) in base.items():
        data = np.concatenate(blocks[name])
        data = data.astype(np.int64) if name == "employees" else data
        variables[name] = (lead + ["step", "country", "org_kind"], data if replicates is not None else data[0], units)
    flow_value = np.concatenate(flow_blocks)
    variables["flow_value"] = (lead + ["step", "flow", "origin", "destination"],
                               flow_value if replicates is not None else flow_value[0], "USD")
    variables["country_gdp"] = (["country"], np.array([1.4e12, 2.9e12, 1.3e12]), "USD")
    if replicates is None:
        return variables, None
    runs = {"run": np.arange(n * len(arms)), "arm": np.array(arm_col), "replicate": np.array(rep_col),
            "seed": 1000 + np.array(rep_col), "status": np.array(["complete"] * (n * len(arms))),
            "outward_support": np.repeat(np.arange(len(arms)) * 0.5, n)}
    return variables, runs


def write_layout(path, replicates=None, arms_effect=None, steps=6, attributes=LAYOUT_ATTRIBUTES, runs_attributes=None):
    """A file laid out as ssesim writes a run (replicates None) or a sweep; returns the path
    and the variables written."""
    variables, runs = layout_values(replicates, arms_effect, steps)
    coordinates = {"step": np.arange(1, steps + 1), "country": COUNTRIES, "org_kind": KINDS, "flow": FLOWS,
                   "origin": COUNTRIES, "destination": COUNTRIES}
    if runs is not None:
        coordinates = {"run": runs["run"], **coordinates}
    write_output(path, variables, coordinates, attributes=attributes, runs=runs,
                 runs_attributes=runs_attributes or ({"design": "factorial"} if runs is not None else None))
    with h5py.File(path, "a") as f:
        channel = f.create_dataset("flow_channel", data=np.array(CHANNELS, dtype=object), dtype=h5py.string_dtype())
        channel.attrs.update(units="1", long_name="flow channel", description="goods, finance, intangibles or domestic")
        channel.dims[0].attach_scale(f["flow"])
        for name, long_name in [("export_revenue", "export revenue"), ("employees", "employees at home"),
                                ("impact_home", "social impact at home"), ("founded_abroad", "organisations founded abroad"),
                                ("flow_value", "flows by origin and destination")]:
            f[name].attrs["long_name"] = long_name
    return path, variables
