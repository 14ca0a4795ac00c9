"""Uncertainty for experiments on the model: paired comparisons of policy arms and Sobol
sensitivity indices.

Arms of a sweep share replicate seeds (common random numbers), so arm B's run r and arm A's
run r see the same random draws and their difference carries little noise; comparisons are
therefore made on the paired differences d_r = B_r - A_r (Law 2015, Simulation Modeling and
Analysis, 5th ed., section 11.2). Bootstrap intervals are percentile intervals from
scipy.stats.bootstrap with a seeded numpy Generator, so a given call always gives the same
numbers.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .errors import AnalysisError

#: Bytes of resampled data a bootstrap batch may hold.
BATCH_BYTES = 64 * 2**20


@dataclass(frozen=True)
class PairedDifference:
    """Arm B minus arm A over n replicates paired on the replicate."""
    n: int
    mean_a: float
    mean_b: float
    mean: float                      # mean of the paired differences B - A
    sd: float                        # their sample standard deviation
    t_ci: tuple[float, float]        # Student-t interval of the mean difference
    bootstrap_ci: tuple[float, float]  # percentile bootstrap interval of the mean difference
    relative: float                  # 100 (mean_b - mean_a) / mean_a, in %
    relative_ci: tuple[float, float]   # percentile bootstrap interval of `relative`
    confidence: float

    @property
    def half_width(self) -> float:
        """Half-width of the t interval: the precision reached with n replicates."""
        return (self.t_ci[1] - self.t_ci[0]) / 2


#: Memory the bootstrap may use for its resamples at once: scipy holds a batch of resampled
#: index and value arrays, batch x n each, so a sweep of thousands of replicates stays bounded.
BOOTSTRAP_BYTES = 64 * 2**20


def bootstrap_batch(n: int) -> int:
    """Resamples per vectorised call for samples of n: about BOOTSTRAP_BYTES of 8-byte values in
    the four batch x n arrays scipy builds. The intervals do not depend on it: the resamples are
    drawn in the same order from the same stream, batch by batch."""
    return max(1, BOOTSTRAP_BYTES // (32 * n))


def paired_difference(a, b, *, confidence: float = 0.95, n_resamples: int = 9999,
                      seed: int = 0) -> PairedDifference:
    """Compares b with a, both indexed by replicate (a[r] and b[r] share replicate r)."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 1:
        raise AnalysisError(f"paired samples must be two vectors of one length, got shapes {a.shape} and {b.shape}")
    if a.size < 2:
        raise AnalysisError(f"a paired comparison needs at least 2 replicates, got {a.size}")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise AnalysisError("the paired samples hold NaN or infinite values")
    _check_confidence(confidence)
    d = b - a
    n = d.size
    mean, sd = float(d.mean()), float(d.std(ddof=1))
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * sd / math.sqrt(n)

    def statistic(x, y, axis=-1):
        mx, my = np.mean(x, axis=axis), np.mean(y, axis=axis)
        return np.stack([my - mx, 100 * (my - mx) / mx])

    # A resample whose baseline mean is 0 has an infinite relative change; it widens the
    # relative interval to infinity, which is the honest answer, so numpy need not warn.
    with np.errstate(divide="ignore", invalid="ignore"):
        boot = stats.bootstrap((a, b), statistic, paired=True, vectorized=True, method="percentile",
                               confidence_level=confidence, n_resamples=n_resamples,
                               random_state=np.random.default_rng(seed), batch=bootstrap_batch(n))
    low, high = boot.confidence_interval
    mean_a = float(a.mean())
    return PairedDifference(
        n=n, mean_a=mean_a, mean_b=float(b.mean()), mean=mean, sd=sd,
        t_ci=(mean - half, mean + half),
        bootstrap_ci=(float(low[0]), float(high[0])),
        relative=100 * mean / mean_a if mean_a != 0 else math.nan,
        relative_ci=(float(low[1]), float(high[1])) if mean_a != 0 else (math.nan, math.nan),
        confidence=confidence)


def mean_interval(values, *, confidence: float = 0.95) -> tuple[float, float, float]:
    """The mean of independent replicates with its Student-t interval, mean ± t_{n-1} s/√n,
    as (mean, low, high); one value has no interval (NaN, NaN), and equal values a zero-width
    one."""
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1 or values.size == 0:
        raise AnalysisError(f"a mean needs a non-empty vector of values, got shape {values.shape}")
    if not np.isfinite(values).all():
        raise AnalysisError("the values hold NaN or infinite values")
    _check_confidence(confidence)
    mean = float(values.mean())
    if values.size < 2:
        return mean, math.nan, math.nan
    half = float(stats.t.ppf(0.5 + confidence / 2, values.size - 1)) * float(values.std(ddof=1)) / math.sqrt(values.size)
    return mean, mean - half, mean + half


def replicates_needed(sd: float, half_width: float, *, confidence: float = 0.95) -> int:
    """The fewest replicates n whose t interval of a mean has half-width at most `half_width`
    when the paired differences have standard deviation `sd`: the smallest n >= 2 with
    n >= (t_{n-1} sd / h)^2. Starting from the normal approximation (z sd / h)^2, which is
    below the answer because t_{n-1} > z, the search steps n up to the first n that meets it
    (iterating n = (t sd / h)^2 directly can oscillate, since t falls as n grows)."""
    if not half_width > 0:
        raise AnalysisError(f"the target half-width must be positive, got {half_width}")
    if not (sd >= 0 and math.isfinite(sd)):
        raise AnalysisError(f"the standard deviation must be finite and non-negative, got {sd}")
    _check_confidence(confidence)
    q = 0.5 + confidence / 2
    n = max(2, math.ceil((stats.norm.ppf(q) * sd / half_width) ** 2))
    while (stats.t.ppf(q, n - 1) * sd / half_width) ** 2 > n:
        n += 1
    return n


@dataclass(frozen=True)
class SobolIndices:
    """First-order (Saltelli 2010) and total-order (Jansen 1999) Sobol indices."""
    factors: tuple[str, ...]
    first: np.ndarray         # S_i, one per factor
    first_ci: np.ndarray      # (k, 2) percentile bootstrap interval of S_i
    total: np.ndarray         # S_Ti
    total_ci: np.ndarray      # (k, 2)
    n: int                    # base sample size N (the design has N (k + 2) runs)
    variance: float           # Var(Y) estimated from f(A) and f(B)
    confidence: float

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({
            "factor": self.factors,
            "S1": self.first, "S1_low": self.first_ci[:, 0], "S1_high": self.first_ci[:, 1],
            "ST": self.total, "ST_low": self.total_ci[:, 0], "ST_high": self.total_ci[:, 1],
        })


def sobol_indices(f_a, f_b, f_ab, *, factors=None, confidence: float = 0.95,
                  n_resamples: int = 1000, seed: int = 0) -> SobolIndices:
    """Sobol indices from the outputs of a Saltelli design: f_a = f(A) and f_b = f(B) of the
    two independent N x k base matrices, and f_ab[:, i] = f(AB_i), where AB_i is A with its
    column i taken from B. With V = Var(Y) over f(A) and f(B) (Saltelli et al. 2010, Computer
    Physics Communications 181, table 2, estimators (b) and (f)):
        S_i  = mean(f(B) (f(AB_i) - f(A))) / V            (Saltelli 2010)
        S_Ti = mean((f(A) - f(AB_i))^2) / (2 V)           (Jansen 1999)
    Intervals resample the N rows (each row's A, B and AB_i runs together)."""
    f_a = np.asarray(f_a, dtype=np.float64)
    f_b = np.asarray(f_b, dtype=np.float64)
    f_ab = np.asarray(f_ab, dtype=np.float64)
    if f_a.ndim != 1 or f_b.shape != f_a.shape or f_ab.ndim != 2 or f_ab.shape[0] != f_a.size:
        raise AnalysisError(f"f(A) and f(B) must be vectors of length N and f(AB) an N x k matrix, "
                            f"got shapes {f_a.shape}, {f_b.shape}, {f_ab.shape}")
    n, k = f_ab.shape
    if n < 2:
        raise AnalysisError(f"a Saltelli design needs N >= 2 base samples, got {n}")
    if not (np.isfinite(f_a).all() and np.isfinite(f_b).all() and np.isfinite(f_ab).all()):
        raise AnalysisError("the design's outputs hold NaN or infinite values")
    factors = tuple(factors) if factors is not None else tuple(f"x{i + 1}" for i in range(k))
    if len(factors) != k:
        raise AnalysisError(f"{len(factors)} factor names for {k} factors")
    _check_confidence(confidence)

    def statistic(a, b, *ab, axis=-1):
        ab = np.stack(ab)
        variance = np.var(np.concatenate([a, b], axis=axis), axis=axis, ddof=1)
        first = np.mean(b * (ab - a), axis=axis) / variance
        total = 0.5 * np.mean((a - ab) ** 2, axis=axis) / variance
        return np.concatenate([first, total])

    variance = float(np.var(np.concatenate([f_a, f_b]), ddof=1))
    if variance == 0:
        raise AnalysisError("the output does not vary over the design: Sobol indices are undefined")
    estimate = statistic(f_a, f_b, *f_ab.T)
    # A resample that repeats one row has no variance and undefined indices; they make the
    # interval NaN, which is the honest answer for so small a design, so numpy need not warn.
    with np.errstate(divide="ignore", invalid="ignore"):
        boot = stats.bootstrap((f_a, f_b, *f_ab.T), statistic, paired=True, vectorized=True,
                               method="percentile", confidence_level=confidence,
                               n_resamples=n_resamples, batch=max(1, BATCH_BYTES // (8 * n * (k + 2))),
                               random_state=np.random.default_rng(seed))
    ci = np.column_stack(boot.confidence_interval)
    return SobolIndices(factors=factors, first=estimate[:k], first_ci=ci[:k], total=estimate[k:],
                        total_ci=ci[k:], n=n, variance=variance, confidence=confidence)


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise AnalysisError(f"the confidence level must be between 0 and 1, got {confidence}")
