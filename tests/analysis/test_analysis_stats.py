"""Paired comparisons, replicates needed, and Sobol indices on data whose answer is known."""
import math

import numpy as np
import pytest
from scipy import stats

from analysis_files import ishigami, ishigami_indices, saltelli_design
from ssesim_analysis import AnalysisError, paired_difference, replicates_needed, sobol_indices


def paired_sample(n, effect, noise, seed):
    """Arms sharing replicate noise (common random numbers): a_r = 100 + u_r,
    b_r = a_r + effect + e_r, u ~ N(0, 30), e ~ N(0, noise)."""
    rng = np.random.default_rng(seed)
    a = 100 + rng.normal(0, 30, n)
    return a, a + effect + rng.normal(0, noise, n)


def test_known_effect_is_covered_and_excludes_zero():
    a, b = paired_sample(40, effect=2.0, noise=1.0, seed=1)
    r = paired_difference(a, b)
    d = b - a
    assert r.n == 40 and r.mean == pytest.approx(d.mean(), rel=1e-15) and r.sd == pytest.approx(d.std(ddof=1), rel=1e-15)
    assert r.mean_a == pytest.approx(a.mean(), rel=1e-15) and r.mean_b == pytest.approx(b.mean(), rel=1e-15)
    # the t interval is scipy's paired t-test interval
    reference = stats.ttest_rel(b, a).confidence_interval(0.95)
    assert r.t_ci == pytest.approx((reference.low, reference.high), rel=1e-12)
    assert r.half_width == pytest.approx(stats.t.ppf(0.975, 39) * d.std(ddof=1) / math.sqrt(40), rel=1e-12)
    for low, high in (r.t_ci, r.bootstrap_ci):
        assert low < 2.0 < high and low > 0
    # the percentile bootstrap agrees with the t interval to within a tenth of its width
    assert r.bootstrap_ci == pytest.approx(r.t_ci, abs=0.1 * (r.t_ci[1] - r.t_ci[0]))
    assert r.relative == pytest.approx(100 * d.mean() / a.mean(), rel=1e-12)
    assert r.relative_ci[0] < r.relative < r.relative_ci[1]


def test_known_zero_effect_is_covered():
    a, b = paired_sample(30, effect=0.0, noise=1.0, seed=2)
    r = paired_difference(a, b)
    assert r.t_ci[0] < 0 < r.t_ci[1]
    assert r.bootstrap_ci[0] < 0 < r.bootstrap_ci[1]
    assert r.relative_ci[0] < 0 < r.relative_ci[1]


def test_bootstrap_is_deterministic_given_the_seed():
    a, b = paired_sample(20, effect=1.0, noise=1.0, seed=3)
    assert paired_difference(a, b, seed=5) == paired_difference(a, b, seed=5)
    assert paired_difference(a, b, seed=5).bootstrap_ci != paired_difference(a, b, seed=6).bootstrap_ci


def test_a_large_sweep_bootstraps_in_batches_with_the_same_interval(monkeypatch):
    # 3,000 replicates: 9,999 resamples at once would take about 0.7 GB; in batches the same
    # resamples are drawn in the same order, so the interval is exactly the unbatched one
    from ssesim_analysis import stats as module
    rng = np.random.default_rng(3)
    a = rng.normal(10, 1, 3000)
    b = a + rng.normal(0.05, 1, 3000)
    batches = []
    bootstrap = module.stats.bootstrap
    monkeypatch.setattr(module.stats, "bootstrap", lambda *args, **kwargs: batches.append(kwargs["batch"]) or bootstrap(*args, **kwargs))
    monkeypatch.setattr(module, "BOOTSTRAP_BYTES", 2**20)
    batched = paired_difference(a, b, n_resamples=999)
    assert batches == [10]
    monkeypatch.setattr(module, "BOOTSTRAP_BYTES", 2**40)
    whole = paired_difference(a, b, n_resamples=999)
    assert batches[1] > 999
    assert batched.bootstrap_ci == whole.bootstrap_ci and batched.relative_ci == whole.relative_ci


def test_intervals_cover_the_truth_at_their_level():
    """Over 400 independent experiments of 20 replicates the 95% t interval covers the true
    effect in 92-98% of them (binomial sd 1.1 points); the percentile bootstrap, which
    ignores the t correction, a little less often."""
    covered_t = covered_boot = 0
    for seed in range(400):
        a, b = paired_sample(20, effect=3.0, noise=2.0, seed=100 + seed)
        r = paired_difference(a, b, n_resamples=999, seed=seed)
        covered_t += r.t_ci[0] < 3.0 < r.t_ci[1]
        covered_boot += r.bootstrap_ci[0] < 3.0 < r.bootstrap_ci[1]
    assert 0.92 <= covered_t / 400 <= 0.98
    assert 0.89 <= covered_boot / 400 <= covered_t / 400


def test_exact_relative_change_and_constant_difference():
    a = np.linspace(10, 20, 8)
    r = paired_difference(a, 1.1 * a)
    assert r.relative == pytest.approx(10, rel=1e-12)
    assert r.relative_ci == pytest.approx((10, 10), rel=1e-9)
    r = paired_difference(a, a + 2)
    assert r.sd == 0 and r.t_ci == (2, 2) and r.bootstrap_ci == pytest.approx((2, 2), rel=1e-12)
    zero_base = paired_difference(np.array([-1.0, 1.0]), np.array([0.0, 2.0]))
    assert math.isnan(zero_base.relative) and all(map(math.isnan, zero_base.relative_ci))


@pytest.mark.parametrize("a, b, kwargs, message", [
    ([1.0], [2.0], {}, "a paired comparison needs at least 2 replicates, got 1"),
    ([1.0, 2.0], [1.0], {}, "paired samples must be two vectors of one length, got shapes (2,) and (1,)"),
    ([1.0, np.nan], [1.0, 2.0], {}, "the paired samples hold NaN or infinite values"),
    ([1.0, 2.0], [1.0, 2.0], {"confidence": 95}, "the confidence level must be between 0 and 1, got 95"),
])
def test_paired_difference_refuses_bad_input(a, b, kwargs, message):
    with pytest.raises(AnalysisError) as e:
        paired_difference(a, b, **kwargs)
    assert str(e.value) == message


def test_replicates_needed_is_the_fewest_that_reach_the_half_width():
    assert replicates_needed(1.0, 0.5) == 18   # t_16 / sqrt 17 = 0.514 > 0.5 >= t_17 / sqrt 18 = 0.497
    assert replicates_needed(0.0, 1.0) == 2
    for sd, h, level in [(1.0, 0.5, 0.95), (12.0, 0.3, 0.95), (3.0, 2.0, 0.9), (5.0, 20.0, 0.99)]:
        n = replicates_needed(sd, h, confidence=level)
        q = 0.5 + level / 2
        assert stats.t.ppf(q, n - 1) * sd / math.sqrt(n) <= h
        assert n == 2 or stats.t.ppf(q, n - 2) * sd / math.sqrt(n - 1) > h
    with pytest.raises(AnalysisError, match="the target half-width must be positive, got 0"):
        replicates_needed(1.0, 0)


def test_sobol_on_ishigami_matches_the_analytic_indices():
    s1, st = ishigami_indices()
    # the values the literature quotes (Saltelli et al. 2008, Global Sensitivity Analysis, 4.6)
    np.testing.assert_allclose(s1, [0.3139, 0.4424, 0], atol=5e-5)
    np.testing.assert_allclose(st, [0.5576, 0.4424, 0.2437], atol=5e-5)
    a, b, ab = saltelli_design(2**14)
    result = sobol_indices(ishigami(a), ishigami(b), np.column_stack([ishigami(m) for m in ab]),
                           factors=["x1", "x2", "x3"], n_resamples=500)
    assert result.n == 2**14 and result.factors == ("x1", "x2", "x3")
    np.testing.assert_allclose(result.first, s1, atol=0.02)
    np.testing.assert_allclose(result.total, st, atol=0.02)
    # the bootstrap intervals hold the estimate and the truth, and are narrow at this N
    for estimate, ci, truth in [(result.first, result.first_ci, s1), (result.total, result.total_ci, st)]:
        assert np.all(ci[:, 0] <= estimate) and np.all(estimate <= ci[:, 1])
        assert np.all(ci[:, 0] <= truth) and np.all(truth <= ci[:, 1])
        assert np.all(ci[:, 1] - ci[:, 0] < 0.06)
    frame = result.to_frame()
    assert list(frame.columns) == ["factor", "S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high"]
    assert frame["S1"].tolist() == result.first.tolist()


def test_sobol_on_a_linear_model_with_an_inert_factor():
    """Y = x1 + 2 x2 with x_i ~ U(-pi, pi): variances 1 : 4, so S = ST = (0.2, 0.8, 0)."""
    a, b, ab = saltelli_design(2**12, seed=9)
    f = lambda x: x[:, 0] + 2 * x[:, 1]  # noqa: E731
    result = sobol_indices(f(a), f(b), np.column_stack([f(m) for m in ab]), n_resamples=200)
    assert result.factors == ("x1", "x2", "x3")
    np.testing.assert_allclose(result.first, [0.2, 0.8, 0], atol=0.02)
    np.testing.assert_allclose(result.total, [0.2, 0.8, 0], atol=0.02)
    assert result.total[2] == 0 and result.total_ci[2].tolist() == [0, 0]


def test_sobol_is_deterministic_and_refuses_bad_input():
    a, b, ab = saltelli_design(64)
    args = (ishigami(a), ishigami(b), np.column_stack([ishigami(m) for m in ab]))
    one, two = sobol_indices(*args, n_resamples=100, seed=4), sobol_indices(*args, n_resamples=100, seed=4)
    np.testing.assert_array_equal(one.first_ci, two.first_ci)
    np.testing.assert_array_equal(one.total_ci, two.total_ci)
    for call, message in [
        (lambda: sobol_indices(np.ones(4), np.ones(4), np.ones((4, 2))),
         "the output does not vary over the design: Sobol indices are undefined"),
        (lambda: sobol_indices(np.ones(4), np.ones(3), np.ones((4, 2))),
         "f(A) and f(B) must be vectors of length N and f(AB) an N x k matrix, got shapes (4,), (3,), (4, 2)"),
        (lambda: sobol_indices(*args, factors=["x1"]), "1 factor names for 3 factors"),
    ]:
        with pytest.raises(AnalysisError) as e:
            call()
        assert str(e.value) == message
