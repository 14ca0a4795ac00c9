"""Analysis of ssesim HDF5 output: tidy readers, paired arm comparisons with uncertainty, and
Sobol sensitivity indices. See analysis/README.md."""
__version__ = "0.1.0"

from .errors import AnalysisError
from .experiment import compare_arms, sensitivity
from .io import RunFile, load, open_run, saltelli_matrices, summary
from .stats import PairedDifference, SobolIndices, paired_difference, replicates_needed, sobol_indices

__all__ = [
    "AnalysisError", "PairedDifference", "RunFile", "SobolIndices", "compare_arms", "load",
    "open_run", "paired_difference", "replicates_needed", "saltelli_matrices", "sensitivity",
    "sobol_indices", "summary",
]
