"""The statistics the scripts share, scipy's where scipy has them.

median        the one median (of any sequence of numbers)
summary       median, quartiles, min, max, sample stddev
rel_change    (new - base) / |base|
detect_steps  change points by binary segmentation with Welch's t-test
              (scipy.stats.ttest_ind, equal_var=False)
min_rounds, median_ranks, median_ci
              the order-statistic interval of a median: the same ranks
              as core/paired.c's pcb_median_ranks (tests/scripts/
              test_ranks.py checks both against scipy over a grid)
sign_p        the two-sided sign test, ties dropped (scipy.stats.binomtest;
              core/paired.c's pcb_sign_test_p)

numpy and scipy are imported inside the functions: a refused input never
pays for them.
"""
import math
import statistics


def median(values):
    """The median of an iterable of numbers: the middle value for odd n
    (its own type), the mean of the middle two for even n."""
    return statistics.median(values)


def summary(vals):
    """median, q1, q3, min, max, sample stddev (0 for one value)."""
    import numpy as np  # here: a refused input never pays for numpy
    a = np.asarray(vals, dtype=float)
    q1, q3 = np.percentile(a, [25, 75])
    sd = float(np.std(a, ddof=1)) if len(a) > 1 else 0.0
    return dict(median=float(median(a)), q1=float(q1), q3=float(q3),
                min=float(a.min()), max=float(a.max()), stddev=sd, n=len(a))


def rel_change(base, new):
    """(new - base) / |base|; 0 when both are 0, +-inf when only base is."""
    if base == 0:
        return 0.0 if new == 0 else math.copysign(math.inf, new)
    return (new - base) / abs(base)


def _welch(a, b):
    """Two-sided p-value of Welch's t-test; with no spread on either side
    (where scipy answers nan) 1 for equal means, else 0."""
    from scipy import stats
    import numpy as np
    if np.var(a, ddof=1) == 0 and np.var(b, ddof=1) == 0:
        return 1.0 if np.mean(a) == np.mean(b) else 0.0
    return float(stats.ttest_ind(a, b, equal_var=False).pvalue)


def _best_split(x, lo, hi, min_seg):
    """The split of x[lo:hi] with the smallest Welch p, Bonferroni-adjusted."""
    cands = range(lo + min_seg, hi - min_seg + 1)
    best = min(((_welch(x[lo:k], x[k:hi]), k) for k in cands), default=None)
    if best is None:
        return None, 1.0
    return best[1], min(1.0, best[0] * len(cands))


def detect_steps(x, alpha=0.01, min_seg=2, min_change=0.05):
    """Change points of series x by binary segmentation with Welch's t-test.

    Binary segmentation (Vostrikova 1981): find the split of a segment whose
    two sides differ most (smallest Welch p-value over all splits leaving at
    least min_seg points each side), accept it when that p-value times the
    number of candidate splits (Bonferroni) is below alpha and the means
    differ by more than min_change relative, then split both sides again.
    Returns [(index of first point after the step, adjusted p)], sorted.
    """
    import numpy as np
    x = np.asarray(x, dtype=float)
    found, todo = [], [(0, len(x))]
    while todo:
        lo, hi = todo.pop()
        if hi - lo < 2 * min_seg:
            continue
        k, p = _best_split(x, lo, hi, min_seg)
        before, after = np.mean(x[lo:k]), np.mean(x[k:hi])
        if p < alpha and abs(rel_change(before, after)) > min_change:
            found.append((k, p))
            todo += [(lo, k), (k, hi)]
    return sorted(found)


def min_rounds(alpha):
    """Smallest n with a 1 - alpha interval of the median: 2^-n <= alpha/2
    (pcb_median_min_n)."""
    n = 1
    while 2.0 ** -n > alpha / 2:
        n += 1
    return n


def median_ranks(n, alpha=0.05):
    """1-based ranks (lo, hi) of the 1 - alpha interval of the median of
    n >= min_rounds(alpha) values, and its coverage: lo is the smallest j
    with P(B <= j) > alpha/2 for B ~ Binomial(n, 1/2) (pcb_median_ranks);
    binom.ppf gives the smallest with >=, so an exact tie moves one up."""
    from scipy.stats import binom
    j = int(binom.ppf(alpha / 2, n, 0.5))
    if binom.cdf(j, n, 0.5) <= alpha / 2:
        j += 1
    return j, n + 1 - j, float(1 - 2 * binom.cdf(j - 1, n, 0.5))


def median_ci(values, alpha):
    """(median, lo, hi, coverage) of values at 1 - alpha."""
    v = sorted(values)
    lo, hi, cov = median_ranks(len(v), alpha)
    return median(v), v[lo - 1], v[hi - 1], cov


def sign_p(above, below):
    """Two-sided sign test, ties dropped (pcb_sign_test_p): 1 with none."""
    from scipy.stats import binomtest
    if above + below == 0:
        return 1.0
    return float(binomtest(above, above + below, 0.5).pvalue)
