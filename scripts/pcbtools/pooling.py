"""One quantity from several processes: a random-effects pooling.

Each process i reports a point x_i (its across-layout mean) with an
interval [lo_i, hi_i] of its own, and every process ran the same K code
layouts.  The processes are draws of what stays fixed for a process
(physical pages, the host's state); some are disturbed (another task
shared the core for a while) and say so by a wide interval of their own.

  s_i      each process's standard error, its interval's half-width over
           the t quantile it was made with (K - 1 degrees of freedom,
           or the normal's with one layout);
  tau^2    the variance between processes beyond the s_i^2
           (DerSimonian and Laird's moment estimate, never below 0);
  point    the weighted mean, weights w_i = 1 / (s_i^2 + tau^2): a
           process as precise as the rest counts as much as each of
           them, a disturbed one less, never more than 1/tau^2 allows;
  se^2     Hartung-Knapp-Sidik-Jonkman: the weighted spread of the x_i
           about the point, sum w_i (x_i - point)^2 / ((P - 1) sum w_i),
           so the interval is calibrated by the spread the processes
           show, not by the s_i alone (IntHout et al., BMC Med. Res.
           Methodol. 2014);
  layouts  plus s_L^2 / K, s_L^2 the layouts' own variance averaged
           over the processes with the same weights (every process runs
           the same layouts, so the spread between processes does not
           hold theirs; a disturbed process's copies spread widely too,
           and a plain average let one such process widen the interval
           of every run tenfold), Welch-Satterthwaite degrees of freedom
           from P - 1 and K - 1.

With equal s_i this is the plain mean with the Student-t interval of
the processes plus the layouts' term; where an s_i is 0 (a process
that could not say its precision) the weights are equal.
"""
import math


def process_se(lo, hi, layouts, alpha):
    """A process's standard error from its own interval."""
    from scipy import stats
    q = (stats.t.ppf(1 - alpha / 2, layouts - 1) if layouts > 1
         else stats.norm.ppf(1 - alpha / 2))
    return (hi - lo) / (2 * q)


def weights(xs, ses):
    """(random-effects weights, tau^2)."""
    if any(s <= 0 or not math.isfinite(s) for s in ses):
        return [1.0] * len(xs), None
    w = [1 / (s * s) for s in ses]
    sw = sum(w)
    fixed = sum(wi * x for wi, x in zip(w, xs)) / sw
    q = sum(wi * (x - fixed) ** 2 for wi, x in zip(w, xs))
    c = sw - sum(wi * wi for wi in w) / sw
    tau2 = max(0.0, (q - (len(xs) - 1)) / c) if c > 0 else 0.0
    return [1 / (s * s + tau2) for s in ses], tau2


def pool(xs, ses, layout_sds, layouts, alpha):
    """(point, lo, hi, layout sd) of one quantity over P >= 2 processes."""
    m, se, df, sl = pool_se(xs, ses, layout_sds, layouts)
    return (m, *interval(m, se, df, alpha), sl)


def interval(m, se, df, alpha):
    """(lo, hi): the Student-t interval about m at 1 - alpha."""
    from scipy import stats
    if se == 0:
        return m, m
    t = float(stats.t.ppf(1 - alpha / 2, df))
    return m - t * se, m + t * se


def pool_se(xs, ses, layout_sds, layouts):
    """(point, standard error, degrees of freedom, layout sd): what
    pool's interval is made of."""
    n = len(xs)
    w, _ = weights(xs, ses)
    sw = sum(w)
    m = sum(wi * x for wi, x in zip(w, xs)) / sw
    a = sum(wi * (x - m) ** 2 for wi, x in zip(w, xs)) / ((n - 1) * sw)
    sl = math.sqrt(sum(wi * s * s for wi, s in zip(w, layout_sds)) / sw)
    b = sl * sl / layouts if layouts > 1 else 0.0
    se = math.sqrt(a + b)
    parts = a * a / (n - 1) + (b * b / (layouts - 1) if layouts > 1 else 0)
    df = (a + b) ** 2 / parts if parts > 0 else n - 1
    return m, se, df, sl
