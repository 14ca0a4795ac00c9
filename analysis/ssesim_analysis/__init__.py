"""Analysis of ssesim HDF5 output: tidy readers, paired arm comparisons with uncertainty,
Sobol sensitivity indices, figures and a policy brief. See analysis/README.md."""
__version__ = "0.1.0"

from .brief import write_brief
from .errors import AnalysisError
from .experiment import compare_arms, sensitivity
from .io import RunFile, load, open_run, saltelli_matrices, summary
from .plots import Plot, arms_plot, flows_plot, sensitivity_plot, series_plot
from .stats import PairedDifference, SobolIndices, paired_difference, replicates_needed, sobol_indices

__all__ = [
    "AnalysisError", "PairedDifference", "Plot", "RunFile", "SobolIndices", "arms_plot", "compare_arms",
    "flows_plot", "load", "open_run", "paired_difference", "replicates_needed", "saltelli_matrices",
    "sensitivity", "sensitivity_plot", "series_plot", "sobol_indices", "summary", "write_brief",
]
