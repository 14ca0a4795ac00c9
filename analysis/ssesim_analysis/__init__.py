"""Analysis of ssesim HDF5 output: tidy readers, paired arm comparisons with uncertainty,
Sobol sensitivity indices, figures and a policy brief. See analysis/README.md."""
__version__ = "0.1.0"

from .errors import AnalysisError
from .experiment import compare_arms, sensitivity
from .io import RunFile, load, open_run, saltelli_matrices, summary
from .stats import PairedDifference, SobolIndices, paired_difference, replicates_needed, sobol_indices

__all__ = [
    "AnalysisError", "PairedDifference", "Plot", "RunFile", "SobolIndices", "arms_plot", "compare_arms",
    "flows_plot", "load", "open_run", "paired_difference", "replicates_needed", "saltelli_matrices",
    "sensitivity", "sensitivity_plot", "series_plot", "sobol_indices", "summary", "write_brief",
]


def __getattr__(name: str):
    # the figures and the brief need matplotlib, imported only when they are first used
    if name in ("Plot", "arms_plot", "flows_plot", "sensitivity_plot", "series_plot"):
        from . import plots
        return getattr(plots, name)
    if name == "write_brief":
        from .brief import write_brief
        return write_brief
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
